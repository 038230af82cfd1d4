/*
 * The run driver (engine/run/): reproducibility whatever the thread count,
 * first-N stability, common random numbers across a batch, comparisons,
 * cancellation, and a statistical check of the assembled summary.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "test_support.h"

static const char *base_yaml =
    "mpsim: 1\n"
    "name: repro\n"
    "base_year: 2025\n"
    "horizon: 40\n"
    "funding: {churn: 0.03}\n"
    "missions:\n"
    "  - id: m1\n"
    "    target: {value: 1.0, by: 2045}\n"
    "    projects:\n"
    "      - id: a\n"
    "        kind: strategic\n"
    "        category: RDEL\n"
    "        cost: {profile: [10, 20, 20], overrun: {dist: lognormal, median: 1.1, p90: 1.6}}\n"
    "        delay: {dist: poisson, mean: 1.0}\n"
    "        stages: [{after: 2, p: 0.7}]\n"
    "        benefits: {annual: {dist: lognormal, median: 8, p90: 20}, lag: 1, ramp: 3,\n"
    "                   duration: 20, decay: 0.02}\n"
    "        outcome: 0.6\n"
    "      - id: b\n"
    "        kind: tactical\n"
    "        category: CDEL\n"
    "        cost: {profile: [50, 50]}\n"
    "        benefits: {annual: {dist: normal, mean: 12, sd: 4}, type: health}\n"
    "        outcome: 0.5\n";

/* The same portfolio plus a project with a fixed cost and nothing else, in
 * a mission of its own. */
static const char *extra_yaml_tail =
    "  - id: m2\n"
    "    projects:\n"
    "      - id: c\n"
    "        category: PDEL\n"
    "        cost: {profile: [5, 5, 5]}\n";

static char *with_name(const char *yaml, const char *name, const char *tail)
{
    size_t n = strlen(yaml) + strlen(name) + (tail ? strlen(tail) : 0) + 16;
    char *s = malloc(n);
    assert_non_null(s);
    const char *at = strstr(yaml, "name: repro\n");
    assert_non_null(at);
    snprintf(s, n, "%.*sname: %s\n%s%s", (int)(at - yaml), yaml, name,
             at + strlen("name: repro\n"), tail ? tail : "");
    return s;
}

static void assert_results_identical(const mpsim_results *x, const mpsim_results *y)
{
    assert_int_equal(x->n_scenarios, y->n_scenarios);
    for (size_t k = 0; k < x->n_scenarios; k++) {
        const mpsim_scenario_result *a = &x->scenarios[k], *b = &y->scenarios[k];
        assert_memory_equal(a->stats, b->stats, sizeof a->stats);
        assert_memory_equal(&a->expected_bcr, &b->expected_bcr, sizeof(double));
        assert_memory_equal(&a->expected_shortfall_5, &b->expected_shortfall_5, sizeof(double));
        assert_memory_equal(a->decomposition, b->decomposition, sizeof a->decomposition);
        assert_int_equal(a->n_series, b->n_series);
        for (size_t v = 0; v < a->n_series; v++) {
            assert_memory_equal(a->series[v].mean, b->series[v].mean,
                                (size_t)a->horizon * sizeof(double));
            assert_memory_equal(a->series[v].bands, b->series[v].bands,
                                (size_t)a->horizon * a->n_quantiles * sizeof(double));
        }
        for (size_t j = 0; j < a->n_projects; j++) {
            assert_memory_equal(&a->projects[j].p_success, &b->projects[j].p_success,
                                sizeof(double));
            assert_memory_equal(&a->projects[j].mean_pv_benefits,
                                &b->projects[j].mean_pv_benefits, sizeof(double));
        }
        for (size_t i = 0; i < a->n_missions; i++)
            assert_memory_equal(a->missions[i].year_q, b->missions[i].year_q,
                                sizeof a->missions[i].year_q);
        assert_int_equal(a->n_paths_kept, b->n_paths_kept);
        for (int m = 0; m < MPSIM_N_METRICS && a->n_paths_kept; m++)
            assert_memory_equal(a->paths[m], b->paths[m], a->n_paths_kept * sizeof(double));
    }
}

/* 3000 paths is not a whole number of blocks, so the last block is short. */
static void test_threads_bit_identical(void **state)
{
    (void)state;
    mpsim_scenario *s = mps_test_load(base_yaml);
    mpsim_results *r1 = mps_test_run(s, 3000, 11, 1, 1);
    mpsim_results *r2 = mps_test_run(s, 3000, 11, 2, 1);
    mpsim_results *r8 = mps_test_run(s, 3000, 11, 8, 1);
    assert_results_identical(r1, r2);
    assert_results_identical(r1, r8);
    mpsim_results_free(r1);
    mpsim_results_free(r2);
    mpsim_results_free(r8);
    mpsim_scenario_free(s);
}

static void test_first_paths_stable(void **state)
{
    (void)state;
    mpsim_scenario *s = mps_test_load(base_yaml);
    mpsim_results *small = mps_test_run(s, 1000, 5, 2, 1);
    mpsim_results *big = mps_test_run(s, 2600, 5, 2, 1);
    for (int m = 0; m < MPSIM_N_METRICS; m++)
        assert_memory_equal(small->scenarios[0].paths[m], big->scenarios[0].paths[m],
                            1000 * sizeof(double));
    /* A different seed gives different paths. */
    mpsim_results *other = mps_test_run(s, 1000, 6, 2, 1);
    assert_true(memcmp(small->scenarios[0].paths[MPSIM_M_NPV],
                       other->scenarios[0].paths[MPSIM_M_NPV], 1000 * sizeof(double)) != 0);
    mpsim_results_free(small);
    mpsim_results_free(big);
    mpsim_results_free(other);
    mpsim_scenario_free(s);
}

static mpsim_results *run_batch(mpsim_scenario **s, size_t n, uint64_t paths)
{
    mpsim_run_options o;
    memset(&o, 0, sizeof o);
    o.paths = paths;
    o.paths_set = 1;
    o.seed = 3;
    o.seed_set = 1;
    o.keep_paths = 1;
    mpsim_errors e;
    mpsim_errors_init(&e);
    mpsim_results *r = NULL;
    int rc = mpsim_run(s, n, &o, &r, &e);
    if (rc != MPSIM_OK)
        mpsim_errors_print(&e, stderr);
    mpsim_errors_clear(&e);
    assert_int_equal(rc, MPSIM_OK);
    return r;
}

/* Same projects under another name: every path identical, so the
 * comparison is exactly zero.  Adding a fixed-cost project changes no other
 * project's draws: the difference is the same on every path.  (Without
 * churn here, so that the added project's own spend is certain.) */
static void test_common_random_numbers(void **state)
{
    (void)state;
    char *no_churn = strdup(base_yaml);
    assert_non_null(no_churn);
    memcpy(strstr(no_churn, "funding: {churn: 0.03}"), "funding: {churn: 0.00}", 22);
    char *twin = with_name(no_churn, "twin", NULL);
    char *extra = with_name(no_churn, "extra", extra_yaml_tail);
    mpsim_scenario *s[3] = {mps_test_load(no_churn), mps_test_load(twin), mps_test_load(extra)};
    mpsim_results *r = run_batch(s, 3, 2000);
    assert_int_equal(r->n_comparisons, 2);

    const mpsim_comparison *c = &r->comparisons[0];
    assert_string_equal(c->a, "repro");
    assert_string_equal(c->b, "twin");
    assert_true(c->npv_diff_mean == 0.0 && c->npv_diff_sd == 0.0 && c->p_b_better == 0.0);
    assert_int_equal(c->n_missions, 1);
    assert_true(c->p_achieved_diff[0] == 0.0);

    /* Project c costs 5 a year for 3 years from 2025 on RDEL-free PDEL:
     * PV = 5 (1 + 1/1.035 + 1/1.035^2). */
    const double pv_c = 5.0 * (1.0 + 1.0 / 1.035 + 1.0 / (1.035 * 1.035));
    c = &r->comparisons[1];
    assert_string_equal(c->b, "extra");
    assert_true(fabs(c->npv_diff_mean + pv_c) < 1e-9 * pv_c);
    assert_true(c->npv_diff_sd < 1e-9 * pv_c);
    assert_true(fabs(c->exchequer_diff_mean - pv_c) < 1e-9 * pv_c);
    assert_int_equal(c->n_missions, 2);
    assert_true(isnan(c->p_achieved_diff[1])); /* m2 has no target */
    for (size_t p = 0; p < 2000; p++) {
        double d = r->scenarios[2].paths[MPSIM_M_NPV][p] - r->scenarios[0].paths[MPSIM_M_NPV][p];
        assert_true(fabs(d + pv_c) < 1e-9 * pv_c);
    }
    mpsim_results_free(r);
    for (int k = 0; k < 3; k++)
        mpsim_scenario_free(s[k]);
    free(twin);
    free(extra);
    free(no_churn);
}

/* P(success) of project a: survive churn in 3 build years and pass the gate.
 * Poisson(1) delay cannot push a 3-year build past a 40-year horizon in
 * practice (P(D > 36) < 1e-40).  Tolerance: 4 binomial standard errors. */
static void test_success_probability(void **state)
{
    (void)state;
    mpsim_scenario *s = mps_test_load(base_yaml);
    const uint64_t n = 20000;
    mpsim_results *r = mps_test_run(s, n, 17, 2, 0);
    const double p = pow(0.97, 3) * 0.7;
    const double se = sqrt(p * (1 - p) / (double)n);
    const mpsim_scenario_result *res = &r->scenarios[0];
    assert_string_equal(res->projects[0].id, "a");
    assert_true(fabs(res->projects[0].p_success - p) < 4 * se);
    const double pb = pow(0.97, 2);
    assert_true(fabs(res->projects[1].p_success - pb) < 4 * sqrt(pb * (1 - pb) / (double)n));
    /* Shares add up to the totals. */
    double cost = 0, ben = 0;
    for (size_t j = 0; j < res->n_projects; j++) {
        cost += res->projects[j].mean_pv_cost;
        ben += res->projects[j].mean_pv_benefits;
    }
    assert_true(fabs(cost - res->stats[MPSIM_M_PVC][MPSIM_STAT_MEAN]) < 1e-9 * cost);
    assert_true(fabs(ben - res->stats[MPSIM_M_PV_BENEFITS][MPSIM_STAT_MEAN]) < 1e-9 * ben);
    /* The expected BCR is the ratio of means. */
    assert_true(res->expected_bcr == res->stats[MPSIM_M_PV_BENEFITS][MPSIM_STAT_MEAN] /
                                         res->stats[MPSIM_M_PVC][MPSIM_STAT_MEAN]);
    /* The mean of the cost series sums (discounted) to the mean PV cost. */
    const mpsim_series *cost_series = &res->series[0];
    assert_string_equal(cost_series->name, "cost");
    double pv = 0, df = 1;
    for (int t = 0; t < res->horizon; t++) {
        if (t > 0)
            df /= 1.035; /* horizon 40: bands 1-30 at 3.5%, 31-39 at 3% */
        if (t > 30)
            df = df * 1.035 / 1.03;
        pv += df * cost_series->mean[t];
    }
    assert_true(fabs(pv - res->stats[MPSIM_M_PV_COST][MPSIM_STAT_MEAN]) < 1e-9 * pv);
    mpsim_results_free(r);
    mpsim_scenario_free(s);
}

static void test_cancel(void **state)
{
    (void)state;
    mpsim_scenario *s = mps_test_load(base_yaml);
    volatile sig_atomic_t stop = 1;
    mpsim_run_options o;
    memset(&o, 0, sizeof o);
    o.cancel = &stop;
    mpsim_errors e;
    mpsim_errors_init(&e);
    mpsim_results *r = (mpsim_results *)&o; /* must be reset to NULL */
    assert_int_equal(mpsim_run(&s, 1, &o, &r, &e), MPSIM_ERR_INTERRUPTED);
    assert_null(r);
    mpsim_errors_clear(&e);
    mpsim_scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_threads_bit_identical),
        cmocka_unit_test(test_first_paths_stable),
        cmocka_unit_test(test_common_random_numbers),
        cmocka_unit_test(test_success_probability),
        cmocka_unit_test(test_cancel),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
