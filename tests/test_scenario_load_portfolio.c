/*
 * Loading the portfolio-wide parts of a scenario: links and spillovers
 * (model.md section 5), the economy (section 6) and correlations
 * (scenario-format.md), with their defaults, and the Cholesky factor of
 * the correlation matrix checked against factors computed by hand.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "scenario/scenario.h"
#include "test_support.h"

/* Relative tolerance for values computed by formula (model.md: 1e-9). */
static void assert_close(double got, double want)
{
    double tol = 1e-12 * fmax(1.0, fabs(want));
    if (!(fabs(got - want) <= tol))
        fail_msg("got %.17g, want %.17g", got, want);
}

#define MINIMAL                                                                         \
    "mpsim: 1\nname: t\nbase_year: 2025\nmissions:\n  - id: m\n    projects:\n"         \
    "      - id: p\n        category: CDEL\n        cost: {profile: [10]}\n"
#define TWO MINIMAL "      - id: q\n        category: RDEL\n        cost: {profile: [5]}\n"

/* The defaults of model.md section 6 are filled even without `economy`, so
 * the model never meets an empty regime list. */
static void check_default_economy(const mps_economy *e)
{
    assert_int_equal(e->n_regimes, 1);
    assert_string_equal(e->regime_names[0], "normal");
    assert_true(e->initial[0] == 1.0);
    assert_true(e->transition[0] == 1.0);
    for (int c = 0; c < MPS_N_CATEGORIES; c++) {
        assert_int_equal(e->multipliers[c].given, 0);
        assert_int_equal(e->multipliers[c].per_regime, 0);
        assert_null(e->multipliers[c].dist);
    }
    assert_int_equal(e->n_profile, 1);
    assert_true(e->profile[0] == 1.0);
    assert_int_equal(e->crowding_in.kind, MPS_DIST_FIXED);
    assert_true(e->crowding_in.a == 0.0);
    assert_true(e->tax_take == 0.0);
    assert_int_equal(e->has_gdp, 0);
    assert_true(e->debt_ratio == 0.0);
    assert_true(e->debt_interest == 0.0);
}

static void test_defaults(void **state)
{
    (void)state;
    mpsim_scenario *s = mps_test_load(MINIMAL);
    assert_int_equal(s->economy.present, 0);
    check_default_economy(&s->economy);
    assert_int_equal(s->n_links, 0);
    assert_null(s->links);
    assert_int_equal(s->correlations.n, 0);
    assert_null(s->correlations.inputs);
    assert_null(s->correlations.cholesky);
    const mps_project *p = &s->projects[0];
    assert_int_equal(p->has_spillovers, 0);
    assert_true(p->spill_rate == 0.0);
    mpsim_scenario_free(s);

    /* An economy block with one key: present, everything else default. */
    s = mps_test_load(MINIMAL "economy: {}\n");
    assert_int_equal(s->economy.present, 1);
    check_default_economy(&s->economy);
    mpsim_scenario_free(s);

    /* Empty lists are fine. */
    s = mps_test_load(MINIMAL "links: []\ncorrelations: []\n");
    assert_int_equal(s->n_links, 0);
    assert_int_equal(s->correlations.n, 0);
    mpsim_scenario_free(s);
}

static void test_spillovers(void **state)
{
    (void)state;
    mpsim_scenario *s = mps_test_load(
        MINIMAL "        spillovers: {rate: 0.01, value: {dist: lognormal, median: 2, p90: 20}, "
                "lag: 3, duration: 10, decay: 0.1}\n");
    const mps_project *p = &s->projects[0];
    assert_int_equal(p->has_spillovers, 1);
    assert_close(p->spill_rate, 0.01);
    assert_int_equal(p->spill_value.kind, MPS_DIST_LOGNORMAL);
    assert_close(p->spill_value.a, log(2.0));
    assert_close(p->spill_value.b, log(10.0) / 1.2815515655446004);
    assert_int_equal(p->spill_lag, 3);
    assert_int_equal(p->spill_duration, 10);
    assert_close(p->spill_decay, 0.1);
    mpsim_scenario_free(s);

    /* Defaults: lag 0, duration 30, decay 0; a value may be any
     * distribution, negative support included. */
    s = mps_test_load(MINIMAL "        spillovers: {rate: 0, value: {dist: normal, mean: 1, sd: 5}}\n");
    p = &s->projects[0];
    assert_int_equal(p->has_spillovers, 1);
    assert_true(p->spill_rate == 0.0);
    assert_int_equal(p->spill_value.kind, MPS_DIST_NORMAL);
    assert_close(p->spill_value.b, 5);
    assert_int_equal(p->spill_lag, 0);
    assert_int_equal(p->spill_duration, 30);
    assert_true(p->spill_decay == 0.0);
    mpsim_scenario_free(s);

    s = mps_test_load(MINIMAL "        spillovers: {rate: 2, value: -0.5}\n");
    assert_int_equal(s->projects[0].spill_value.kind, MPS_DIST_FIXED);
    assert_close(s->projects[0].spill_value.a, -0.5);
    mpsim_scenario_free(s);
}

static void test_links(void **state)
{
    (void)state;
    /* Both directions between two projects are two different links, and a
     * link may cross missions. */
    mpsim_scenario *s = mps_test_load(
        TWO "  - id: n\n    projects: [{id: r, category: PDEL, cost: {profile: [1]}}]\n"
            "links:\n  - {from: p, to: q, gate_uplift: 0.3, benefit_uplift: 0.1}\n"
            "  - {from: q, to: p}\n  - {from: r, to: p, gate_uplift: 1, benefit_uplift: -1}\n");
    assert_int_equal(s->n_links, 3);
    const mps_link *k = s->links;
    assert_int_equal(k[0].from, 0);
    assert_int_equal(k[0].to, 1);
    assert_close(k[0].gate_uplift, 0.3);
    assert_close(k[0].benefit_uplift, 0.1);
    assert_int_equal(k[1].from, 1);
    assert_int_equal(k[1].to, 0);
    assert_true(k[1].gate_uplift == 0.0);
    assert_true(k[1].benefit_uplift == 0.0);
    assert_int_equal(k[2].from, 2);
    assert_string_equal(s->projects[k[2].from].id, "r");
    assert_int_equal(k[2].to, 0);
    assert_true(k[2].gate_uplift == 1.0);
    assert_true(k[2].benefit_uplift == -1.0);
    mpsim_scenario_free(s);
}

/* The example of scenario-format.md. */
static const char *ECONOMY =
    MINIMAL
    "economy:\n"
    "  regimes:\n"
    "    names: [slack, normal]\n"
    "    initial: [0.3, 0.7]\n"
    "    transition: [[0.6, 0.4], [0.1, 0.9]]\n"
    "  multipliers:\n"
    "    CDEL: {slack: {dist: lognormal, median: 1.5, p90: 2.2}, normal: {dist: lognormal, "
    "median: 0.8, p90: 1.2}}\n"
    "    RDEL: {normal: 0.5, slack: 1.0}\n"
    "    profile: [0.5, 0.3, 0.2]\n"
    "  crowding_in: {dist: triangular, min: 0, mode: 0.2, max: 0.6}\n"
    "  tax_take: 0.35\n"
    "  gdp: {level: 2800000, growth: 0.015}\n"
    "  debt: {ratio: 0.95, interest: 0.04}\n";

static void test_economy(void **state)
{
    (void)state;
    mpsim_scenario *s = mps_test_load(ECONOMY);
    const mps_economy *e = &s->economy;
    assert_int_equal(e->present, 1);
    assert_int_equal(e->n_regimes, 2);
    assert_string_equal(e->regime_names[0], "slack");
    assert_string_equal(e->regime_names[1], "normal");
    assert_close(e->initial[0], 0.3);
    assert_close(e->initial[1], 0.7);
    /* Row-major, row r = from regime r. */
    const double tr[4] = {0.6, 0.4, 0.1, 0.9};
    for (int i = 0; i < 4; i++)
        assert_close(e->transition[i], tr[i]);
    /* Per regime: dist[r] in the order of the names, whatever the order
     * in the mapping. */
    const mps_multiplier *c = &e->multipliers[MPS_CDEL];
    assert_true(c->given && c->per_regime);
    assert_int_equal(c->dist[0].kind, MPS_DIST_LOGNORMAL);
    assert_close(c->dist[0].a, log(1.5));
    assert_close(c->dist[0].b, log(2.2 / 1.5) / 1.2815515655446004);
    assert_close(c->dist[1].a, log(0.8));
    assert_close(c->dist[1].b, log(1.2 / 0.8) / 1.2815515655446004);
    const mps_multiplier *r = &e->multipliers[MPS_RDEL];
    assert_true(r->given && r->per_regime);
    assert_int_equal(r->dist[0].kind, MPS_DIST_FIXED);
    assert_close(r->dist[0].a, 1.0);
    assert_close(r->dist[1].a, 0.5);
    /* PDEL not given: the model uses RDEL's draws. */
    assert_false(e->multipliers[MPS_PDEL].given);
    assert_null(e->multipliers[MPS_PDEL].dist);
    assert_int_equal(e->n_profile, 3);
    assert_close(e->profile[0], 0.5);
    assert_close(e->profile[1], 0.3);
    assert_close(e->profile[2], 0.2);
    assert_int_equal(e->crowding_in.kind, MPS_DIST_TRIANGULAR);
    assert_close(e->crowding_in.b, 0.2);
    assert_close(e->crowding_in.c, 0.6);
    assert_close(e->tax_take, 0.35);
    assert_true(e->has_gdp);
    assert_close(e->gdp_level, 2800000);
    assert_close(e->gdp_growth, 0.015);
    assert_close(e->debt_ratio, 0.95);
    assert_close(e->debt_interest, 0.04);
    mpsim_scenario_free(s);
}

static void test_multipliers_once(void **state)
{
    (void)state;
    /* Given once: dist[0] in every regime.  Negative support is fine
     * (crowding out); gdp.growth defaults to 0. */
    mpsim_scenario *s = mps_test_load(
        MINIMAL "economy:\n  regimes: {names: [slack, normal], initial: [0.5, 0.5], "
                "transition: [[1, 0], [0, 1]]}\n"
                "  multipliers: {CDEL: 1.0, RDEL: {dist: normal, mean: -0.2, sd: 0.5}, "
                "PDEL: {slack: -0.3, normal: {dist: uniform, min: -1, max: 1}}}\n"
                "  gdp: {level: 100}\n");
    const mps_economy *e = &s->economy;
    const mps_multiplier *m = e->multipliers;
    assert_true(m[MPS_CDEL].given && !m[MPS_CDEL].per_regime);
    assert_int_equal(m[MPS_CDEL].dist[0].kind, MPS_DIST_FIXED);
    assert_close(m[MPS_CDEL].dist[0].a, 1.0);
    assert_true(m[MPS_RDEL].given && !m[MPS_RDEL].per_regime);
    assert_int_equal(m[MPS_RDEL].dist[0].kind, MPS_DIST_NORMAL);
    assert_close(m[MPS_RDEL].dist[0].a, -0.2);
    assert_true(m[MPS_PDEL].given && m[MPS_PDEL].per_regime);
    assert_close(m[MPS_PDEL].dist[0].a, -0.3);
    assert_int_equal(m[MPS_PDEL].dist[1].kind, MPS_DIST_UNIFORM);
    assert_true(e->has_gdp);
    assert_true(e->gdp_growth == 0.0);
    assert_true(e->transition[1] == 0.0 && e->transition[3] == 1.0);
    mpsim_scenario_free(s);

    /* One named regime: initial and transition can only be [1] and [[1]]. */
    s = mps_test_load(MINIMAL "economy:\n  regimes: {names: [boom]}\n"
                              "  multipliers: {CDEL: {boom: 0.7}}\n");
    e = &s->economy;
    assert_int_equal(e->n_regimes, 1);
    assert_string_equal(e->regime_names[0], "boom");
    assert_true(e->initial[0] == 1.0 && e->transition[0] == 1.0);
    assert_true(e->multipliers[MPS_CDEL].per_regime);
    assert_close(e->multipliers[MPS_CDEL].dist[0].a, 0.7);
    mpsim_scenario_free(s);

    /* Without regimes, a mapping by regime names the default "normal". */
    s = mps_test_load(MINIMAL "economy: {multipliers: {RDEL: {normal: 0.6}}}\n");
    assert_true(s->economy.multipliers[MPS_RDEL].per_regime);
    assert_close(s->economy.multipliers[MPS_RDEL].dist[0].a, 0.6);
    mpsim_scenario_free(s);
}

/* Projects p (uncertain delay and benefits) and q; CDEL per regime, RDEL
 * once, crowding-in uncertain.  Correlations follow on the next line. */
#define CORR                                                                                 \
    "mpsim: 1\nname: t\nbase_year: 2025\nmissions:\n  - id: m\n    projects:\n"              \
    "      - id: p\n        category: CDEL\n        cost: {profile: [10]}\n"                 \
    "        delay: {dist: poisson, mean: 0.5}\n"                                            \
    "        benefits: {annual: {dist: normal, mean: 5, sd: 1}}\n"                           \
    "      - id: q\n        category: RDEL\n"                                                \
    "        cost: {profile: [10], overrun: {dist: pert, min: 0.9, mode: 1, max: 2}}\n"      \
    "economy:\n"                                                                             \
    "  regimes: {names: [slack, normal], initial: [0.5, 0.5], transition: [[0.5, 0.5], "     \
    "[0.5, 0.5]]}\n"                                                                         \
    "  multipliers:\n"                                                                       \
    "    CDEL: {slack: {dist: lognormal, median: 1.5, p90: 2.2}, normal: 0.6}\n"             \
    "    RDEL: {dist: normal, mean: 0.6, sd: 0.2}\n"                                         \
    "  crowding_in: {dist: uniform, min: 0, max: 0.4}\n"                                     \
    "correlations:\n"

static void check_ref(const mps_input_ref *r, mps_input_kind kind, int project, int category,
                      int regime, const char *key_path)
{
    assert_int_equal(r->kind, kind);
    assert_int_equal(r->project, project);
    assert_int_equal(r->category, category);
    assert_int_equal(r->regime, regime);
    assert_string_equal(r->key_path, key_path);
}

static void test_cholesky_2x2(void **state)
{
    (void)state;
    mpsim_scenario *s = mps_test_load(
        CORR "  - {a: missions.m.projects.p.benefits.annual, b: economy.multipliers.CDEL.slack, "
             "rho: 0.4}\n");
    const mps_correlations *c = &s->correlations;
    assert_int_equal(c->n, 2);
    check_ref(&c->inputs[0], MPS_INPUT_BENEFIT, 0, -1, -1, "missions.m.projects.p.benefits.annual");
    check_ref(&c->inputs[1], MPS_INPUT_MULTIPLIER, -1, MPS_CDEL, 0,
              "economy.multipliers.CDEL.slack");
    /* [[1, .4], [.4, 1]] = L L^T with L = [[1, 0], [.4, sqrt(1 - .16)]]. */
    const double *L = c->cholesky;
    assert_close(L[0], 1.0);
    assert_true(L[1] == 0.0);
    assert_close(L[2], 0.4);
    assert_close(L[3], sqrt(0.84));
    mpsim_scenario_free(s);

    /* A negative correlation: L[1][0] = rho. */
    s = mps_test_load(CORR "  - {a: missions.m.projects.q.cost.overrun, "
                           "b: missions.m.projects.p.delay, rho: -0.6}\n");
    c = &s->correlations;
    check_ref(&c->inputs[0], MPS_INPUT_OVERRUN, 1, -1, -1, "missions.m.projects.q.cost.overrun");
    check_ref(&c->inputs[1], MPS_INPUT_DELAY, 0, -1, -1, "missions.m.projects.p.delay");
    assert_close(c->cholesky[2], -0.6);
    assert_close(c->cholesky[3], 0.8);
    mpsim_scenario_free(s);
}

static void test_cholesky_3x3(void **state)
{
    (void)state;
    /* Inputs X = crowding_in, Y = p's delay, Z = RDEL, numbered in order
     * of first appearance though the pairs are written out of order:
     * R_XY = .5, R_XZ = .3, R_YZ = .2. */
    mpsim_scenario *s = mps_test_load(
        CORR "  - {a: economy.crowding_in, b: missions.m.projects.p.delay, rho: 0.5}\n"
             "  - {a: economy.multipliers.RDEL, b: economy.crowding_in, rho: 0.3}\n"
             "  - {a: missions.m.projects.p.delay, b: economy.multipliers.RDEL, rho: 0.2}\n");
    const mps_correlations *c = &s->correlations;
    assert_int_equal(c->n, 3);
    check_ref(&c->inputs[0], MPS_INPUT_CROWDING_IN, -1, -1, -1, "economy.crowding_in");
    check_ref(&c->inputs[1], MPS_INPUT_DELAY, 0, -1, -1, "missions.m.projects.p.delay");
    check_ref(&c->inputs[2], MPS_INPUT_MULTIPLIER, -1, MPS_RDEL, -1, "economy.multipliers.RDEL");
    /* By hand: L00 = 1; L10 = .5, L11 = sqrt(1 - .25); L20 = .3,
     * L21 = (.2 - .5 * .3) / L11, L22 = sqrt(1 - .09 - L21^2). */
    double l11 = sqrt(0.75), l21 = 0.05 / l11, l22 = sqrt(1 - 0.09 - l21 * l21);
    const double want[9] = {1, 0, 0, 0.5, l11, 0, 0.3, l21, l22};
    for (int i = 0; i < 9; i++)
        assert_close(c->cholesky[i], want[i]);
    /* And L L^T gives back R. */
    const double R[9] = {1, 0.5, 0.3, 0.5, 1, 0.2, 0.3, 0.2, 1};
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            double x = 0;
            for (int k = 0; k < 3; k++)
                x += c->cholesky[i * 3 + k] * c->cholesky[j * 3 + k];
            assert_close(x, R[i * 3 + j]);
        }
    mpsim_scenario_free(s);

    /* A pair not listed has correlation 0: R_XZ = 0 here, so
     * L20 = 0, L21 = .5 / L11, L22 = sqrt(1 - L21^2). */
    s = mps_test_load(
        CORR "  - {a: economy.crowding_in, b: missions.m.projects.p.delay, rho: 0.5}\n"
             "  - {a: missions.m.projects.p.delay, b: economy.multipliers.RDEL, rho: 0.5}\n");
    c = &s->correlations;
    assert_int_equal(c->n, 3);
    double m21 = 0.5 / l11;
    const double want2[9] = {1, 0, 0, 0.5, l11, 0, 0, m21, sqrt(1 - m21 * m21)};
    for (int i = 0; i < 9; i++)
        assert_close(c->cholesky[i], want2[i]);
    mpsim_scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_spillovers),
        cmocka_unit_test(test_links),
        cmocka_unit_test(test_economy),
        cmocka_unit_test(test_multipliers_once),
        cmocka_unit_test(test_cholesky_2x2),
        cmocka_unit_test(test_cholesky_3x3),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
