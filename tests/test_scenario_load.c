/*
 * Scenario loading: a full scenario with every field, the defaults of
 * model.md, the lognormal conversions of model.md section 3, the discount
 * forms of section 9, the YAML 1.2 core schema, and the batch rules.
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

static const char *FULL =
    "mpsim: 1\n"
    "name: warm-homes\n"
    "description: Retrofit mission\n"
    "base_year: 2025\n"
    "horizon: 50\n"
    "simulation: {paths: 2000, seed: 20250101}\n"
    "appraisal:\n"
    "  discount: {constant: 0.03}\n"
    "  central: median\n"
    "  cost_savings: net_cost\n"
    "  include_spillovers: false\n"
    "  include_wider_economy: true\n"
    "funding: {churn: 0.02}\n"
    "missions:\n"
    "  - id: warm-homes-m\n"
    "    name: Warm homes\n"
    "    target: {value: 0.85, by: 2040}\n"
    "    projects:\n"
    "      - id: heat-pump-rnd\n"
    "        name: Heat pump R&D\n"
    "        kind: strategic\n"
    "        category: RDEL\n"
    "        start: 2026\n"
    "        cost:\n"
    "          profile: [20, 40, 40, 30]\n"
    "          overrun: {dist: pert, min: 0.95, mode: 1.1, max: 1.7}\n"
    "          optimism_bias: 0.54\n"
    "        delay: {dist: poisson, mean: 0.5}\n"
    "        stages: [{after: 4, p: 0.8}, {after: 2, p: 0.7}, {after: 2, p: 0.9}]\n"
    "        benefits: {annual: {dist: normal, mean: 25, sd: 5}, lag: 1, ramp: 4,\n"
    "                   duration: 25, decay: 0.03, type: health}\n"
    "        outcome: 0.1\n"
    "  - id: healthy\n"
    "    projects:\n"
    "      - id: a\n"
    "        category: PDEL\n"
    "        kind: emblematic\n"
    "        cost: {profile: [1, 2]}\n"
    "        delay: 2\n"
    "        benefits: {annual: 3, type: saving}\n"
    "      - id: b\n"
    "        category: CDEL\n"
    "        kind: tactical\n"
    "        cost: {profile: [0], overrun: {dist: uniform, min: 0.5, max: 2}}\n"
    "        benefits: {annual: {dist: triangular, min: 1, mode: 2, max: 4}}\n";

static void test_full_scenario(void **state)
{
    (void)state;
    mpsim_scenario *s = mps_test_load(FULL);
    assert_string_equal(s->file, "test.yaml");
    assert_string_equal(s->source_text, FULL);
    assert_string_equal(s->name, "warm-homes");
    assert_string_equal(mpsim_scenario_name(s), "warm-homes");
    assert_string_equal(s->description, "Retrofit mission");
    assert_int_equal(s->base_year, 2025);
    assert_int_equal(s->horizon, 50);
    assert_true(s->paths == 2000 && s->paths_set);
    assert_true(s->seed == 20250101u && s->seed_set);
    assert_int_equal(s->paths_line, 6);
    assert_int_equal(s->paths_column, 21);
    assert_int_equal(s->seed_line, 6);
    assert_int_equal(s->seed_column, 33);
    assert_int_equal(s->name_line, 2);
    assert_int_equal(s->name_column, 7);
    assert_int_equal(s->discount.standard.n, 1);
    assert_close(s->discount.standard.rate[0], 0.03);
    assert_int_equal(s->central, MPS_CENTRAL_MEDIAN);
    assert_int_equal(s->cost_savings, MPS_SAVINGS_NET_COST);
    assert_int_equal(s->include_spillovers, 0);
    assert_int_equal(s->include_wider_economy, 1);
    assert_close(s->churn, 0.02);

    assert_int_equal(s->n_missions, 2);
    assert_int_equal(s->n_projects, 3);
    const mps_mission *m0 = &s->missions[0], *m1 = &s->missions[1];
    assert_string_equal(m0->id, "warm-homes-m");
    assert_string_equal(m0->name, "Warm homes");
    assert_true(m0->has_target);
    assert_close(m0->target_value, 0.85);
    assert_int_equal(m0->target_by, 2040);
    assert_int_equal(m0->first_project, 0);
    assert_int_equal(m0->n_projects, 1);
    assert_string_equal(m1->id, "healthy");
    assert_null(m1->name);
    assert_false(m1->has_target);
    assert_int_equal(m1->first_project, 1);
    assert_int_equal(m1->n_projects, 2);

    const mps_project *p = &s->projects[0];
    assert_string_equal(p->id, "heat-pump-rnd");
    assert_string_equal(p->name, "Heat pump R&D");
    assert_int_equal(p->mission, 0);
    assert_int_equal(p->kind, MPS_KIND_STRATEGIC);
    assert_int_equal(p->category, MPS_RDEL);
    assert_int_equal(p->start, 2026);
    assert_int_equal(p->build_years, 4);
    double profile[] = {20, 40, 40, 30};
    for (int i = 0; i < 4; i++)
        assert_close(p->profile[i], profile[i]);
    assert_int_equal(p->overrun.kind, MPS_DIST_PERT);
    assert_close(p->overrun.a, 0.95);
    assert_close(p->overrun.b, 1.1);
    assert_close(p->overrun.c, 1.7);
    assert_close(p->optimism_bias, 0.54);
    assert_int_equal(p->delay.kind, MPS_DIST_POISSON);
    assert_close(p->delay.a, 0.5);
    /* Sorted by `after`, stable: the two gates at 2 keep their file order. */
    assert_int_equal(p->n_gates, 3);
    assert_int_equal(p->gates[0].after, 2);
    assert_close(p->gates[0].p, 0.7);
    assert_int_equal(p->gates[1].after, 2);
    assert_close(p->gates[1].p, 0.9);
    assert_int_equal(p->gates[2].after, 4);
    assert_close(p->gates[2].p, 0.8);
    assert_true(p->has_benefits);
    assert_int_equal(p->annual.kind, MPS_DIST_NORMAL);
    assert_close(p->annual.a, 25);
    assert_close(p->annual.b, 5);
    assert_int_equal(p->lag, 1);
    assert_int_equal(p->ramp, 4);
    assert_int_equal(p->duration, 25);
    assert_close(p->decay, 0.03);
    assert_int_equal(p->benefit_type, MPS_BENEFIT_HEALTH);
    assert_true(p->has_outcome);
    assert_close(p->outcome, 0.1);

    p = &s->projects[1];
    assert_string_equal(p->id, "a");
    assert_int_equal(p->mission, 1);
    assert_int_equal(p->kind, MPS_KIND_EMBLEMATIC);
    assert_int_equal(p->category, MPS_PDEL);
    assert_int_equal(p->delay.kind, MPS_DIST_FIXED);
    assert_close(p->delay.a, 2);
    assert_int_equal(p->annual.kind, MPS_DIST_FIXED);
    assert_close(p->annual.a, 3);
    assert_int_equal(p->benefit_type, MPS_BENEFIT_SAVING);

    p = &s->projects[2];
    assert_int_equal(p->mission, 1);
    assert_int_equal(p->kind, MPS_KIND_TACTICAL);
    assert_int_equal(p->overrun.kind, MPS_DIST_UNIFORM);
    assert_close(p->overrun.a, 0.5);
    assert_close(p->overrun.b, 2);
    assert_int_equal(p->annual.kind, MPS_DIST_TRIANGULAR);
    assert_close(p->annual.c, 4);
    assert_close(p->profile[0], 0);
    mpsim_scenario_free(s);
}

static void test_defaults(void **state)
{
    (void)state;
    mpsim_scenario *s = mps_test_load(MINIMAL);
    assert_null(s->description);
    assert_int_equal(s->horizon, 60);
    assert_true(s->paths == 10000 && !s->paths_set && s->paths_line == 0);
    assert_true(s->seed == 1 && !s->seed_set && s->seed_line == 0);
    assert_int_equal(s->central, MPS_CENTRAL_MEAN);
    assert_int_equal(s->cost_savings, MPS_SAVINGS_AS_BENEFIT);
    assert_int_equal(s->include_spillovers, 1);
    assert_int_equal(s->include_wider_economy, 0);
    assert_true(s->churn == 0.0);
    /* Default discounting is the Green Book schedule, both standard and health. */
    mps_discount gb;
    assert_int_equal(mps_discount_green_book(&gb), MPSIM_OK);
    assert_int_equal(s->discount.standard.n, gb.standard.n);
    assert_int_equal(s->discount.health.n, gb.health.n);
    for (int i = 0; i < gb.standard.n; i++) {
        assert_int_equal(s->discount.standard.from_year[i], gb.standard.from_year[i]);
        assert_true(s->discount.standard.rate[i] == gb.standard.rate[i]);
        assert_true(s->discount.health.rate[i] == gb.health.rate[i]);
    }
    mps_discount_free(&gb);

    const mps_project *p = &s->projects[0];
    assert_null(p->name);
    assert_int_equal(p->kind, MPS_KIND_UNLABELLED);
    assert_int_equal(p->category, MPS_CDEL);
    assert_int_equal(p->start, 2025);
    assert_int_equal(p->overrun.kind, MPS_DIST_FIXED);
    assert_true(p->overrun.a == 1.0);
    assert_true(p->optimism_bias == 0.0);
    assert_int_equal(p->delay.kind, MPS_DIST_FIXED);
    assert_true(p->delay.a == 0.0);
    assert_int_equal(p->n_gates, 0);
    assert_false(p->has_benefits);
    assert_int_equal(p->lag, 0);
    assert_int_equal(p->ramp, 1);
    assert_int_equal(p->duration, 30);
    assert_true(p->decay == 0.0);
    assert_int_equal(p->benefit_type, MPS_BENEFIT_ECONOMIC);
    assert_false(p->has_outcome);
    mpsim_scenario_free(s);

    /* Benefit defaults when benefits are given with only `annual`. */
    s = mps_test_load(MINIMAL "        benefits: {annual: 5}\n");
    p = &s->projects[0];
    assert_true(p->has_benefits);
    assert_int_equal(p->lag, 0);
    assert_int_equal(p->ramp, 1);
    assert_int_equal(p->duration, 30);
    assert_true(p->decay == 0.0);
    mpsim_scenario_free(s);
}

static void test_lognormal_conversion(void **state)
{
    (void)state;
    /* model.md section 3: sigma = ln(p90/median)/z90, mu = ln(median). */
    mpsim_scenario *s = mps_test_load(
        MINIMAL "        benefits: {annual: {dist: lognormal, median: 25, p90: 90}}\n");
    const mps_dist *d = &s->projects[0].annual;
    assert_int_equal(d->kind, MPS_DIST_LOGNORMAL);
    assert_close(d->a, log(25.0));
    assert_close(d->b, log(90.0 / 25.0) / 1.2815515655446004);
    /* Round trip: the 0.9 quantile exp(mu + z90 sigma) is the p90 given. */
    assert_close(exp(d->a + 1.2815515655446004 * d->b), 90.0);
    mpsim_scenario_free(s);

    /* mean/sd: sigma^2 = ln(1 + sd^2/mean^2), mu = ln(mean) - sigma^2/2, so
     * that E[X] = exp(mu + sigma^2/2) = mean and Var = sd^2. */
    s = mps_test_load(MINIMAL "        benefits: {annual: {dist: lognormal, mean: 4, sd: 3}}\n");
    d = &s->projects[0].annual;
    double s2 = log(1.0 + 9.0 / 16.0);
    assert_close(d->b, sqrt(s2));
    assert_close(d->a, log(4.0) - s2 / 2);
    assert_close(exp(d->a + d->b * d->b / 2), 4.0);
    assert_close((exp(d->b * d->b) - 1) * exp(2 * d->a + d->b * d->b), 9.0);
    mpsim_scenario_free(s);

    /* sd 0 is a degenerate lognormal at the mean. */
    s = mps_test_load("mpsim: 1\nname: t\nbase_year: 2025\nmissions:\n  - id: m\n"
                      "    projects:\n      - id: p\n        category: CDEL\n"
                      "        cost: {profile: [1], overrun: {dist: lognormal, mean: 1.2, sd: 0}}\n");
    d = &s->projects[0].overrun;
    assert_int_equal(d->kind, MPS_DIST_LOGNORMAL);
    assert_true(d->b == 0.0);
    assert_close(d->a, log(1.2));
    mpsim_scenario_free(s);
}

static void test_discount_forms(void **state)
{
    (void)state;
    mpsim_scenario *s = mps_test_load(MINIMAL "appraisal: {discount: green_book}\n");
    assert_int_equal(s->discount.standard.n, 6);
    assert_int_equal(s->discount.standard.from_year[1], 31);
    assert_close(s->discount.health.rate[0], 0.015);
    mpsim_scenario_free(s);

    /* constant: one band from 0; health copies the standard rates. */
    s = mps_test_load(MINIMAL "appraisal: {discount: {constant: 0.05}}\n");
    assert_int_equal(s->discount.standard.n, 1);
    assert_int_equal(s->discount.standard.from_year[0], 0);
    assert_close(s->discount.standard.rate[0], 0.05);
    assert_int_equal(s->discount.health.n, 1);
    assert_close(s->discount.health.rate[0], 0.05);
    mpsim_scenario_free(s);

    /* A schedule from year 1 is stored from 0 (DF_0 = 1 whatever the rate). */
    s = mps_test_load(MINIMAL "appraisal:\n  discount: {schedule: [[1, 0.035], [31, 0.03], "
                              "[76, 0.025]], health: 0.015}\n");
    assert_int_equal(s->discount.standard.n, 3);
    assert_int_equal(s->discount.standard.from_year[0], 0);
    assert_int_equal(s->discount.standard.from_year[1], 31);
    assert_int_equal(s->discount.standard.from_year[2], 76);
    assert_close(s->discount.standard.rate[2], 0.025);
    assert_int_equal(s->discount.health.n, 1);
    assert_close(s->discount.health.rate[0], 0.015);
    mpsim_scenario_free(s);

    s = mps_test_load(MINIMAL "appraisal:\n  discount:\n    schedule: [[0, 0.04]]\n"
                              "    health_schedule: [[0, 0.02], [10, 0.01]]\n");
    assert_int_equal(s->discount.standard.n, 1);
    assert_close(s->discount.standard.rate[0], 0.04);
    assert_int_equal(s->discount.health.n, 2);
    assert_int_equal(s->discount.health.from_year[1], 10);
    assert_close(s->discount.health.rate[1], 0.01);
    mpsim_scenario_free(s);

    /* Without health rates, a schedule's health flows use the same bands. */
    s = mps_test_load(MINIMAL "appraisal: {discount: {schedule: [[0, 0.03], [5, 0.02]]}}\n");
    assert_int_equal(s->discount.health.n, 2);
    assert_int_equal(s->discount.health.from_year[1], 5);
    assert_close(s->discount.health.rate[1], 0.02);
    mpsim_scenario_free(s);
}

/* Loads MINIMAL plus `extra`; returns the scenario or NULL (errors dropped). */
static mpsim_scenario *try_load(const char *extra)
{
    char *text = malloc(strlen(MINIMAL) + strlen(extra) + 1);
    assert_non_null(text);
    strcpy(text, MINIMAL);
    strcat(text, extra);
    mpsim_errors e;
    mpsim_errors_init(&e);
    mpsim_scenario *s = NULL;
    int rc = mpsim_scenario_load_buffer(text, strlen(text), "t.yaml", &s, &e);
    assert_int_equal(rc == MPSIM_OK, s != NULL);
    assert_int_equal(rc == MPSIM_OK, e.count == 0);
    mpsim_errors_clear(&e);
    free(text);
    return s;
}

static void test_core_schema(void **state)
{
    (void)state;
    mpsim_scenario *s;
    /* Integers: decimal with sign, 0x and 0o. */
    s = try_load("horizon: 0x10\n");
    assert_non_null(s);
    assert_int_equal(s->horizon, 16);
    mpsim_scenario_free(s);
    s = try_load("horizon: 0o17\n");
    assert_non_null(s);
    assert_int_equal(s->horizon, 15);
    mpsim_scenario_free(s);
    s = try_load("horizon: +7\n");
    assert_non_null(s);
    assert_int_equal(s->horizon, 7);
    mpsim_scenario_free(s);
    /* Floats where integers are required, quoted numbers, YAML 1.1 forms. */
    assert_null(try_load("horizon: 60.0\n"));
    assert_null(try_load("horizon: 6e1\n"));
    assert_null(try_load("horizon: \"60\"\n"));
    assert_null(try_load("horizon: '60'\n"));
    assert_null(try_load("horizon: 1_000\n"));
    assert_null(try_load("horizon: 0b11\n"));
    assert_null(try_load("horizon:\n"));
    /* Core-schema floats: exponent without a point, leading point, 1. */
    s = try_load("funding: {churn: 1e-3}\n");
    assert_non_null(s);
    assert_close(s->churn, 1e-3);
    mpsim_scenario_free(s);
    s = try_load("funding: {churn: .5}\n");
    assert_non_null(s);
    assert_close(s->churn, 0.5);
    mpsim_scenario_free(s);
    s = try_load("funding: {churn: 1.}\n");
    assert_non_null(s);
    assert_close(s->churn, 1.0);
    mpsim_scenario_free(s);
    s = try_load("funding: {churn: 0}\n"); /* an integer is a number too */
    assert_non_null(s);
    mpsim_scenario_free(s);
    assert_null(try_load("funding: {churn: \"0.5\"}\n"));
    assert_null(try_load("funding: {churn: .nan}\n"));
    assert_null(try_load("funding: {churn: .inf}\n"));
    assert_null(try_load("funding: {churn: nan}\n"));
    /* Booleans: true/false in three spellings only. */
    s = try_load("appraisal: {include_spillovers: False, include_wider_economy: TRUE}\n");
    assert_non_null(s);
    assert_int_equal(s->include_spillovers, 0);
    assert_int_equal(s->include_wider_economy, 1);
    mpsim_scenario_free(s);
    assert_null(try_load("appraisal: {include_spillovers: yes}\n"));
    assert_null(try_load("appraisal: {include_spillovers: on}\n"));
    assert_null(try_load("appraisal: {include_spillovers: \"true\"}\n"));
    assert_null(try_load("appraisal: {include_spillovers: 1}\n"));
    /* Explicit !!str makes text; other tags are refused. */
    assert_null(try_load("horizon: !!str 60\n"));
    assert_null(try_load("horizon: !!int 60\n"));
    /* Seeds are unsigned 64-bit; paths 1 .. 1e12. */
    s = try_load("simulation: {seed: 18446744073709551615, paths: 1000000000000}\n");
    assert_non_null(s);
    assert_true(s->seed == UINT64_MAX);
    assert_true(s->paths == UINT64_C(1000000000000));
    mpsim_scenario_free(s);
    s = try_load("simulation: {seed: 0}\n");
    assert_non_null(s);
    assert_true(s->seed == 0 && s->seed_set);
    mpsim_scenario_free(s);
    assert_null(try_load("simulation: {seed: 18446744073709551616}\n"));
    assert_null(try_load("simulation: {paths: 1000000000001}\n"));
    /* Ids and names may be written as numbers (their text is used). */
    s = try_load("description: 2030\n");
    assert_non_null(s);
    assert_string_equal(s->description, "2030");
    mpsim_scenario_free(s);
}

static void test_aliases_and_comments(void **state)
{
    (void)state;
    /* Anchors and aliases within the limits are ordinary YAML. */
    const char *yaml = "# leading comment\n"
                       "mpsim: 1   # trailing comment\n"
                       "name: t\nbase_year: 2025\nmissions:\n  - id: m\n    projects:\n"
                       "      - id: p\n        category: CDEL\n"
                       "        cost: {profile: &prof [1, 2], overrun: &o {dist: lognormal, "
                       "median: 1.1, p90: 1.8}}\n"
                       "      - id: q\n        category: CDEL\n"
                       "        cost: {profile: *prof, overrun: *o}\n";
    mpsim_scenario *s = mps_test_load(yaml);
    assert_int_equal(s->n_projects, 2);
    assert_int_equal(s->projects[1].build_years, 2);
    assert_close(s->projects[1].overrun.a, s->projects[0].overrun.a);
    mpsim_scenario_free(s);

    /* A UTF-8 byte order mark and non-ASCII text are fine. */
    const char *bom = "\xEF\xBB\xBF" MINIMAL "description: caf\xC3\xA9 \xC2\xA3m\n";
    s = mps_test_load(bom);
    assert_string_equal(s->description, "caf\xC3\xA9 \xC2\xA3m");
    mpsim_scenario_free(s);
}

static void test_load_reference_file(void **state)
{
    (void)state;
    const char *path = MPSIM_SOURCE_DIR "/scenarios/reference.yaml";
    mpsim_errors e;
    mpsim_errors_init(&e);
    mpsim_scenario *s = NULL;
    int rc = mpsim_scenario_load(path, &s, &e);
    if (rc != MPSIM_OK)
        mpsim_errors_print(&e, stderr);
    assert_int_equal(rc, MPSIM_OK);
    assert_int_equal(e.count, 0);
    assert_string_equal(s->file, path);
    assert_string_equal(s->name, "reference");
    /* source_text is the file verbatim. */
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    size_t len = strlen(s->source_text);
    char *buf = malloc(len + 2);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, len + 1, f), len);
    fclose(f);
    assert_memory_equal(buf, s->source_text, len);
    free(buf);
    assert_int_equal(s->n_missions, 2);
    assert_int_equal(s->n_projects, 4);
    assert_int_equal(s->projects[2].mission, 1);
    /* The portfolio-wide keys it documents (test_scenario_load_portfolio.c
     * checks their values in detail). */
    assert_true(s->projects[0].has_spillovers);
    assert_int_equal(s->n_links, 1);
    assert_int_equal(s->links[0].from, 0);
    assert_int_equal(s->links[0].to, 1);
    assert_true(s->economy.present);
    assert_int_equal(s->economy.n_regimes, 2);
    assert_true(s->economy.multipliers[MPS_CDEL].per_regime);
    assert_false(s->economy.multipliers[MPS_PDEL].given);
    assert_int_equal(s->correlations.n, 6);
    assert_non_null(s->correlations.cholesky);
    /* Prevention, the funding regime and management (test_scenario_funding.c
     * checks them in detail). */
    assert_true(s->projects[2].has_prevention);
    assert_int_equal(s->correlations.inputs[4].kind, MPS_INPUT_PREVENTION);
    assert_int_equal(s->funding.review_every, 3);
    assert_true(s->funding.has_cuts);
    assert_true(s->funding.cut_per_regime);
    assert_int_equal(s->funding.ringfence, 0);
    assert_true(s->management.present);
    assert_int_equal(s->n_sources, 1);
    mpsim_scenario_free(s);
    mpsim_errors_clear(&e);
}

static mpsim_scenario *load_named(const char *name, const char *sim)
{
    char text[512];
    snprintf(text, sizeof text, "mpsim: 1\nname: %s\nbase_year: 2025\n%s"
                                "missions: [{id: m, projects: [{id: p, category: CDEL, "
                                "cost: {profile: [1]}}]}]\n", name, sim);
    return mps_test_load(text);
}

static void test_batch_rules(void **state)
{
    (void)state;
    mpsim_scenario *b[3];
    b[0] = load_named("a", "simulation: {paths: 500, seed: 9}\n");
    b[1] = load_named("b", "");
    b[2] = load_named("c", "simulation: {paths: 500}\n");
    mpsim_errors e;
    mpsim_errors_init(&e);
    /* Later scenarios may leave paths/seed out or repeat the first's. */
    assert_int_equal(mpsim_batch_check(b, 3, NULL, &e), MPSIM_OK);
    assert_int_equal(e.count, 0);
    mpsim_scenario_free(b[2]);

    /* A different paths is an error at that key, unless the options set it. */
    b[2] = load_named("c", "simulation:\n  paths: 600\n  seed: 10\n");
    b[2]->file[0] = 'C'; /* distinguishable file name: "Cest.yaml" */
    assert_int_equal(mpsim_batch_check(b, 3, NULL, &e), MPSIM_ERR_INPUT);
    assert_int_equal(e.count, 2);
    assert_string_equal(e.items[0].file, "Cest.yaml");
    assert_int_equal(e.items[0].line, 5);
    assert_int_equal(e.items[0].column, 10);
    assert_string_equal(e.items[0].key_path, "simulation.paths");
    assert_non_null(strstr(e.items[0].message, "is 600 here but the batch runs with 500"));
    assert_string_equal(e.items[1].key_path, "simulation.seed");
    assert_int_equal(e.items[1].line, 6);
    mpsim_errors_clear(&e);

    mpsim_run_options o;
    memset(&o, 0, sizeof o);
    o.paths_set = 1;
    o.paths = 100;
    assert_int_equal(mpsim_batch_check(b, 3, &o, &e), MPSIM_ERR_INPUT);
    assert_int_equal(e.count, 1);
    assert_string_equal(e.items[0].key_path, "simulation.seed");
    mpsim_errors_clear(&e);
    o.seed_set = 1;
    assert_int_equal(mpsim_batch_check(b, 3, &o, &e), MPSIM_OK);
    assert_int_equal(e.count, 0);

    /* The first scenario's default counts as the run's value. */
    mpsim_scenario *d[2] = {load_named("x", ""), load_named("y", "simulation: {seed: 1}\n")};
    assert_int_equal(mpsim_batch_check(d, 2, NULL, &e), MPSIM_OK);
    mpsim_scenario_free(d[1]);
    d[1] = load_named("y", "simulation: {seed: 2}\n");
    assert_int_equal(mpsim_batch_check(d, 2, NULL, &e), MPSIM_ERR_INPUT);
    assert_true(mps_test_errors_have(&e, "simulation.seed", "is 2 here but the batch runs with 1"));
    mpsim_errors_clear(&e);

    /* Names are unique within a batch. */
    mpsim_scenario_free(d[1]);
    d[1] = load_named("x", "");
    assert_int_equal(mpsim_batch_check(d, 2, NULL, &e), MPSIM_ERR_INPUT);
    assert_int_equal(e.count, 1);
    assert_string_equal(e.items[0].key_path, "name");
    assert_int_equal(e.items[0].line, 2);
    assert_int_equal(e.items[0].column, 7);
    assert_non_null(strstr(e.items[0].message, "scenario name 'x' is also used by"));
    mpsim_errors_clear(&e);
    /* A batch of one, or none, is fine. */
    assert_int_equal(mpsim_batch_check(d, 1, NULL, &e), MPSIM_OK);
    assert_int_equal(mpsim_batch_check(d, 0, NULL, &e), MPSIM_OK);
    for (int i = 0; i < 3; i++)
        mpsim_scenario_free(b[i]);
    mpsim_scenario_free(d[0]);
    mpsim_scenario_free(d[1]);
    mpsim_scenario_free(NULL);
    assert_null(mpsim_scenario_name(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_scenario),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_lognormal_conversion),
        cmocka_unit_test(test_discount_forms),
        cmocka_unit_test(test_core_schema),
        cmocka_unit_test(test_aliases_and_comments),
        cmocka_unit_test(test_load_reference_file),
        cmocka_unit_test(test_batch_rules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
