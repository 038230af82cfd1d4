/*
 * Loading prevention (model.md section 7), the funding regime (spending
 * reviews, cuts, ringfences; section 7) and adaptive management (section
 * 11): every key stored as written, every default, and every rule provoked
 * on purpose with its exact file, line, column and key path
 * (scenario_expect.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/scenario.h"
#include "test_support.h"
#include "scenario_expect.h"

/* Nine lines: a valid scenario with one PDEL project.  Extra keys go on
 * line 10 (project keys indented by 8 spaces, top-level keys at column 1). */
#define MINIMAL                                                                         \
    "mpsim: 1\nname: t\nbase_year: 2025\nmissions:\n  - id: m\n    projects:\n"         \
    "      - id: p\n        category: PDEL\n        cost: {profile: [10, 20]}\n"
#define PROJECT "missions.m.projects.p"
/* Two regimes, on line 10. */
#define REGIMES                                                                         \
    "economy: {regimes: {names: [slack, normal], initial: [0.3, 0.7], "                 \
    "transition: [[0.6, 0.4], [0.1, 0.9]]}}\n"

#define ALL_CATS ((1u << MPS_CDEL) | (1u << MPS_RDEL) | (1u << MPS_PDEL))

static void test_defaults(void **state)
{
    (void)state;
    mpsim_scenario *s = mps_test_load(MINIMAL);
    const mps_project *p = &s->projects[0];
    assert_int_equal(p->has_prevention, 0);
    /* Spending reviews default to every 3 years from base_year even
     * without a funding block or cuts (model.md section 7). */
    assert_int_equal(s->funding.review_every, 3);
    assert_int_equal(s->funding.review_first, 2025);
    assert_int_equal(s->funding.has_cuts, 0);
    assert_null(s->funding.cut_probability);
    assert_int_equal(s->funding.cut_applies, ALL_CATS);
    assert_int_equal(s->funding.ringfence, 0);
    assert_int_equal(s->management.present, 0);
    assert_true(s->churn == 0.0);
    mpsim_scenario_free(s);

    /* A prevention block with only its effect; cuts with only probability
     * and fraction; management without stop_below. */
    s = mps_test_load(MINIMAL "        prevention: {effect: 0.3}\n"
                              "funding: {cuts: {probability: 0.25, fraction: 0.1}}\n"
                              "management: {review_every: 2, signal_noise: 0.5}\n");
    p = &s->projects[0];
    assert_int_equal(p->has_prevention, 1);
    assert_int_equal(p->prev_effect.kind, MPS_DIST_FIXED);
    assert_true(p->prev_effect.a == 0.3);
    assert_int_equal(p->prev_lag, 0);
    assert_true(p->prev_persistence == 0.0);
    assert_int_equal(s->funding.review_every, 3);
    assert_int_equal(s->funding.review_first, 2025);
    assert_int_equal(s->funding.has_cuts, 1);
    assert_int_equal(s->funding.cut_applies, ALL_CATS);
    assert_int_equal(s->funding.cut_per_regime, 0);
    assert_true(s->funding.cut_probability[0] == 0.25);
    assert_true(s->funding.cut_fraction == 0.1);
    assert_int_equal(s->funding.ringfence, 0);
    assert_int_equal(s->management.present, 1);
    assert_int_equal(s->management.review_every, 2);
    assert_true(s->management.signal_noise == 0.5);
    assert_true(s->management.stop_below == 1.0);
    mpsim_scenario_free(s);
}

static void test_every_key(void **state)
{
    (void)state;
    mpsim_scenario *s = mps_test_load(
        MINIMAL "        prevention: {effect: {dist: lognormal, median: 0.35, p90: 0.7}, lag: 2,"
                " persistence: 0.85}\n"
                "      - id: q\n        category: CDEL\n        cost: {profile: [5]}\n"
                "        prevention: {effect: 1.5, persistence: 1}\n" REGIMES
                "funding:\n"
                "  churn: 0.02\n"
                "  spending_review: {every: 4, first: 2021}\n"
                "  cuts: {applies_to: [PDEL, RDEL], probability: {normal: 0.1, slack: 0.5},"
                " fraction: 0.3}\n"
                "  ringfence: [PDEL]\n"
                "management: {review_every: 3, signal_noise: 0, stop_below: 1.2}\n");
    const mps_project *p = &s->projects[0], *q = &s->projects[1];
    assert_int_equal(p->has_prevention, 1);
    assert_int_equal(p->prev_effect.kind, MPS_DIST_LOGNORMAL);
    assert_true(fabs(p->prev_effect.a - log(0.35)) < 1e-12);
    assert_int_equal(p->prev_lag, 2);
    assert_true(p->prev_persistence == 0.85);
    /* Any category may build a prevention stock. */
    assert_int_equal(q->category, MPS_CDEL);
    assert_int_equal(q->has_prevention, 1);
    assert_true(q->prev_effect.a == 1.5);
    assert_true(q->prev_persistence == 1.0);
    assert_true(s->churn == 0.02);
    assert_int_equal(s->funding.review_every, 4);
    /* A first review before base_year only sets the phase of the cycle. */
    assert_int_equal(s->funding.review_first, 2021);
    assert_int_equal(s->funding.has_cuts, 1);
    assert_int_equal(s->funding.cut_applies, (1u << MPS_PDEL) | (1u << MPS_RDEL));
    /* Stored in the order of economy.regimes.names, whatever the file's. */
    assert_int_equal(s->funding.cut_per_regime, 1);
    assert_true(s->funding.cut_probability[0] == 0.5);
    assert_true(s->funding.cut_probability[1] == 0.1);
    assert_true(s->funding.cut_fraction == 0.3);
    assert_int_equal(s->funding.ringfence, 1u << MPS_PDEL);
    assert_int_equal(s->management.present, 1);
    assert_int_equal(s->management.review_every, 3);
    assert_true(s->management.signal_noise == 0.0);
    assert_true(s->management.stop_below == 1.2);
    mpsim_scenario_free(s);

    /* Empty lists are allowed: cuts that apply to nothing, no ringfence;
     * without economy.regimes the one regime is "normal". */
    s = mps_test_load(MINIMAL "funding: {spending_review: {every: 1}, ringfence: [],"
                              " cuts: {applies_to: [], probability: {normal: 1}, fraction: 1}}\n");
    assert_int_equal(s->funding.review_every, 1);
    assert_int_equal(s->funding.review_first, 2025);
    assert_int_equal(s->funding.cut_applies, 0);
    assert_int_equal(s->funding.ringfence, 0);
    assert_int_equal(s->funding.cut_per_regime, 1);
    assert_true(s->funding.cut_probability[0] == 1.0);
    assert_true(s->funding.cut_fraction == 1.0);
    mpsim_scenario_free(s);
}

static void test_prevention_correlation(void **state)
{
    (void)state;
    mpsim_scenario *s = mps_test_load(
        MINIMAL "        prevention: {effect: {dist: uniform, min: 0.1, max: 0.5}}\n"
                "        benefits: {annual: {dist: normal, mean: 5, sd: 1}}\n"
                "correlations:\n"
                "  - {a: missions.m.projects.p.prevention.effect,"
                " b: missions.m.projects.p.benefits.annual, rho: 0.3}\n");
    assert_int_equal(s->correlations.n, 2);
    assert_int_equal(s->correlations.inputs[0].kind, MPS_INPUT_PREVENTION);
    assert_int_equal(s->correlations.inputs[0].project, 0);
    assert_string_equal(s->correlations.inputs[0].key_path,
                        "missions.m.projects.p.prevention.effect");
    assert_int_equal(s->correlations.inputs[1].kind, MPS_INPUT_BENEFIT);
    mpsim_scenario_free(s);

    const char *tail = "correlations:\n  - {a: missions.m.projects.p.prevention.effect,"
                       " b: missions.m.projects.p.benefits.annual, rho: 0.3}\n";
    char text[2048];
    snprintf(text, sizeof text, MINIMAL "        prevention: {effect: 0.2}\n"
                                        "        benefits: {annual: {dist: normal, mean: 5, sd: 1}}\n%s",
             tail);
    expect_at(text, 13, "missions.m.projects.p.prevention", "correlations[0].a",
              "prevention.effect of project p is a fixed number, not an uncertain input");
    snprintf(text, sizeof text,
             MINIMAL "        benefits: {annual: {dist: normal, mean: 5, sd: 1}}\n%s", tail);
    expect_at(text, 12, "missions.m.projects.p.prevention", "correlations[0].a",
              "project p has no prevention, so prevention.effect is not an uncertain input");
}

static void test_prevention_errors(void **state)
{
    (void)state;
    const char *P = PROJECT ".prevention";
    char path[128];
#define KP(suffix) (snprintf(path, sizeof path, "%s%s", P, suffix), path)
    expect_at(MINIMAL "        prevention: {lag: 1}\n", 10, "{lag", KP(".effect"),
              "missing required key 'effect'");
    expect_at(MINIMAL "        prevention: 0.3\n", 10, "0.3", P,
              "must be the project's prevention: a mapping with keys from effect, lag, "
              "persistence (got 0.3)");
    expect_at(MINIMAL "        prevention: {effect: {dist: lognormal, median: 1, p90: 0.5}}\n", 10,
              "0.5", KP(".effect.p90"), "p90 must be greater than median");
    expect_at(MINIMAL "        prevention: {effect: high}\n", 10, "high", KP(".effect"),
              "must be a number");
    expect_at(MINIMAL "        prevention: {effect: 0.3, lag: -1}\n", 10, "-1", KP(".lag"),
              "must be an integer >= 0 (got -1)");
    expect_at(MINIMAL "        prevention: {effect: 0.3, lag: 1.5}\n", 10, "1.5", KP(".lag"),
              "must be an integer");
    expect_at(MINIMAL "        prevention: {effect: 0.3, persistence: 2}\n", 10, "2}",
              KP(".persistence"), "must be in [0, 1] (got 2)");
    expect_at(MINIMAL "        prevention: {effect: 0.3, persistence: -0.1}\n", 10, "-0.1",
              KP(".persistence"), "must be in [0, 1] (got -0.1)");
    expect_at(MINIMAL "        prevention: {effect: 0.3, persistence: {dist: fixed, value: 1}}\n",
              10, "{dist", KP(".persistence"), "must be a number, not a distribution");
#undef KP
}

static void test_funding_errors(void **state)
{
    (void)state;
    expect_at(MINIMAL "funding: {spending_review: {every: 0}}\n", 10, "0}",
              "funding.spending_review.every", "must be an integer >= 1 (got 0)");
    expect_at(MINIMAL "funding: {spending_review: {every: 2.5}}\n", 10, "2.5",
              "funding.spending_review.every", "must be an integer");
    expect_at(MINIMAL "funding: {spending_review: {first: 2025.0}}\n", 10, "2025.0",
              "funding.spending_review.first", "must be an integer");
    expect_at(MINIMAL "funding: {spending_review: {evry: 3}}\n", 10, "evry",
              "funding.spending_review.evry",
              "unknown key 'evry'; allowed here: every, first (did you mean 'every'?)");
    expect_at(MINIMAL "funding: {spending_review: 3}\n", 10, "3}", "funding.spending_review",
              "must be the spending review block");
    /* cuts */
    expect_at(MINIMAL "funding: {cuts: {fraction: 0.3}}\n", 10, "{fraction",
              "funding.cuts.probability", "missing required key 'probability'");
    expect_at(MINIMAL "funding: {cuts: {probability: 0.3}}\n", 10, "{probability",
              "funding.cuts.fraction", "missing required key 'fraction'");
    expect_at(MINIMAL "funding: {cuts: {probability: 0.3, fraction: 1.5}}\n", 10, "1.5",
              "funding.cuts.fraction", "must be in [0, 1] (got 1.5)");
    expect_at(MINIMAL "funding: {cuts: {probability: 1.2, fraction: 0.5}}\n", 10, "1.2",
              "funding.cuts.probability", "must be in [0, 1] (got 1.2)");
    expect_at(MINIMAL "funding: {cuts: {probability: {dist: uniform, min: 0, max: 1}, "
                      "fraction: 0.5}}\n",
              10, "{dist", "funding.cuts.probability", "must be a number, not a distribution");
    expect_at(MINIMAL "funding: {cuts: {probability: [0.1], fraction: 0.5}}\n", 10, "[0.1]",
              "funding.cuts.probability", "must be a number (got a list)");
    /* By regime: every regime named once, nothing else. */
    expect_at(MINIMAL REGIMES "funding: {cuts: {probability: {slack: 0.5}, fraction: 0.3}}\n",
              11, "{slack", "funding.cuts.probability.normal",
              "missing regime 'normal': a mapping by regime must give a value for every regime "
              "(slack, normal)");
    expect_at(MINIMAL REGIMES "funding: {cuts: {probability: {slack: 0.5, normal: 0.1, boom: 0.2},"
                              " fraction: 0.3}}\n",
              11, "boom", "funding.cuts.probability.boom",
              "unknown regime 'boom'; the regimes are slack, normal");
    expect_at(MINIMAL REGIMES "funding: {cuts: {probability: {slack: 0.5, normal: 2},"
                              " fraction: 0.3}}\n",
              11, "2}", "funding.cuts.probability.normal", "must be in [0, 1] (got 2)");
    expect_at(MINIMAL "funding: {cuts: {probability: {slack: 0.5}, fraction: 0.3}}\n", 10,
              "slack", "funding.cuts.probability.slack",
              "unknown regime 'slack'; the regimes are normal (without economy.regimes there is "
              "one regime, normal)");
    /* Categories: known, each once. */
    expect_at(MINIMAL "funding: {cuts: {applies_to: [PDEL, AME], probability: 0.1, "
                      "fraction: 0.3}}\n",
              10, "AME", "funding.cuts.applies_to[1]", "must be one of CDEL, RDEL, PDEL (got AME)");
    expect_at(MINIMAL "funding: {cuts: {applies_to: RDEL, probability: 0.1, fraction: 0.3}}\n",
              10, "RDEL", "funding.cuts.applies_to",
              "must be a list of budget categories from CDEL, RDEL, PDEL");
    expect_at(MINIMAL "funding: {ringfence: [PDEL, pdel]}\n", 10, "pdel", "funding.ringfence[1]",
              "must be one of CDEL, RDEL, PDEL (got pdel)");
    expect_at(MINIMAL "funding: {ringfence: [PDEL, CDEL, PDEL]}\n", 10, "PDEL]",
              "funding.ringfence[2]", "duplicate category 'PDEL' (first given at line 10)");
    expect_at(MINIMAL "funding: {ringfence: PDEL}\n", 10, "PDEL", "funding.ringfence",
              "must be a list of budget categories");
    expect_at(MINIMAL "funding: {cuts: {probability: 0.1, fraction: 0.3, applies: [RDEL]}}\n", 10,
              "applies", "funding.cuts.applies",
              "unknown key 'applies'; allowed here: applies_to, probability, fraction");
}

static void test_management_errors(void **state)
{
    (void)state;
    expect_at(MINIMAL "management: {signal_noise: 0.5}\n", 10, "{", "management.review_every",
              "missing required key 'review_every'");
    expect_at(MINIMAL "management: {review_every: 3}\n", 10, "{", "management.signal_noise",
              "missing required key 'signal_noise'");
    expect_at(MINIMAL "management: {review_every: 0, signal_noise: 0.5}\n", 10, "0,",
              "management.review_every", "must be an integer >= 1 (got 0)");
    expect_at(MINIMAL "management: {review_every: 3, signal_noise: -0.1}\n", 10, "-0.1",
              "management.signal_noise", "must be >= 0");
    expect_at(MINIMAL "management: {review_every: 3, signal_noise: 0.5, stop_below: high}\n", 10,
              "high", "management.stop_below", "must be a number (got high)");
    expect_at(MINIMAL "management: {review_every: 3, signal_noise: 0.5, stop: 1}\n", 10, "stop",
              "management.stop",
              "unknown key 'stop'; allowed here: review_every, signal_noise, stop_below");
    expect_at(MINIMAL "management: true\n", 10, "true", "management",
              "must be the management block");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_every_key),
        cmocka_unit_test(test_prevention_correlation),
        cmocka_unit_test(test_prevention_errors),
        cmocka_unit_test(test_funding_errors),
        cmocka_unit_test(test_management_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
