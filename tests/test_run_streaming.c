/*
 * Streaming statistics, precision control and antithetic variates in the
 * run driver: streamed quantiles agree with exact order statistics within
 * the documented bound, results stay bit-identical across thread counts,
 * a precision target stops at the same round whatever the threads, and
 * antithetic pairs keep the mean (within 4 standard errors).
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

#include <gsl/gsl_sort.h>

#include "test_support.h"

static const char *yaml =
    "mpsim: 1\n"
    "name: stream\n"
    "base_year: 2025\n"
    "horizon: 40\n"
    "funding: {churn: 0.03}\n"
    "missions:\n"
    "  - id: m1\n"
    "    target: {value: 1.0, by: 2045}\n"
    "    projects:\n"
    "      - id: a\n"
    "        category: RDEL\n"
    "        cost: {profile: [10, 20, 20], overrun: {dist: lognormal, median: 1.1, p90: 1.6}}\n"
    "        delay: {dist: poisson, mean: 1.0}\n"
    "        stages: [{after: 2, p: 0.7}]\n"
    "        benefits: {annual: {dist: lognormal, median: 8, p90: 20}, lag: 1, ramp: 3}\n"
    "        outcome: 0.6\n"
    "      - id: b\n"
    "        category: CDEL\n"
    "        cost: {profile: [50, 50]}\n"
    "        benefits: {annual: {dist: normal, mean: 12, sd: 4}, type: health}\n"
    "        outcome: 0.5\n";

static mpsim_results *run(mpsim_scenario *s, uint64_t paths, int threads, int exact, int keep,
                          double target, int antithetic)
{
    mpsim_run_options o;
    memset(&o, 0, sizeof o);
    o.paths = paths;
    o.paths_set = 1;
    o.seed = 42;
    o.seed_set = 1;
    o.threads = threads;
    o.exact_quantiles = exact;
    o.keep_paths = keep;
    o.target_se = target;
    o.antithetic = antithetic;
    mpsim_errors e;
    mpsim_errors_init(&e);
    mpsim_results *r = NULL;
    int rc = mpsim_run(&s, 1, &o, &r, &e);
    if (rc != MPSIM_OK)
        mpsim_errors_print(&e, stderr);
    mpsim_errors_clear(&e);
    assert_int_equal(rc, MPSIM_OK);
    return r;
}

/* Half a sub-bin of the fine histograms: 256 sub-bins per octave. */
static const double bound = 1.0 / 512.0;

static void test_streamed_matches_exact_order_statistics(void **state)
{
    (void)state;
    const uint64_t n = 20000;
    mpsim_scenario *s = mps_test_load(yaml);
    mpsim_results *ex = run(s, n, 2, 1, 1, 0.0, 0);
    mpsim_results *st = run(s, n, 2, -1, 0, 0.0, 0);
    assert_int_equal(ex->quantiles_exact, 1);
    assert_int_equal(st->quantiles_exact, 0);
    const mpsim_scenario_result *a = &ex->scenarios[0], *b = &st->scenarios[0];
    /* Moments and extremes do not depend on the quantile method. */
    for (int m = 0; m < MPSIM_N_METRICS; m++)
        assert_memory_equal(a->stats[m], b->stats[m], (MPSIM_STAT_MAX + 1) * sizeof(double));
    double *sorted = malloc(n * sizeof *sorted);
    assert_non_null(sorted);
    static const double levels[] = {0.01, 0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95, 0.99};
    for (int m = 0; m < MPSIM_N_METRICS; m++) {
        size_t k = 0;
        for (uint64_t p = 0; p < n; p++)
            if (!isnan(a->paths[m][p]))
                sorted[k++] = a->paths[m][p];
        if (k == 0)
            continue;
        gsl_sort(sorted, 1, k);
        for (int q = 0; q < 9; q++) {
            double os = sorted[(size_t)floor(levels[q] * (double)(k - 1))];
            double got = b->stats[m][MPSIM_STAT_P1 + q];
            if (fabs(got - os) > bound * fabs(os) + 1e-9)
                fail_msg("%s p%g: streamed %.12g, order statistic %.12g", mpsim_metric_names[m],
                         100 * levels[q], got, os);
        }
        if (m == MPSIM_M_NPV) {
            double tail = bound * fmax(fabs(sorted[0]), fabs(sorted[(size_t)(0.05 * k)]));
            assert_true(fabs(b->expected_shortfall_5 - a->expected_shortfall_5) <= tail + 1e-9);
        }
    }
    free(sorted);
    mpsim_results_free(ex);
    mpsim_results_free(st);
    mpsim_scenario_free(s);
}

static void assert_same_summary(const mpsim_results *x, const mpsim_results *y)
{
    const mpsim_scenario_result *a = &x->scenarios[0], *b = &y->scenarios[0];
    assert_int_equal(x->paths, y->paths);
    assert_memory_equal(a->stats, b->stats, sizeof a->stats);
    assert_memory_equal(&a->expected_shortfall_5, &b->expected_shortfall_5, sizeof(double));
    assert_memory_equal(a->dist_npv.values, b->dist_npv.values,
                        a->dist_npv.n_levels * sizeof(double));
    assert_memory_equal(a->dist_npv.counts, b->dist_npv.counts,
                        a->dist_npv.n_bins * sizeof(uint64_t));
    for (size_t v = 0; v < a->n_series; v++)
        assert_memory_equal(a->series[v].mean, b->series[v].mean,
                            (size_t)a->horizon * sizeof(double));
}

static void test_streamed_threads_bit_identical(void **state)
{
    (void)state;
    mpsim_scenario *s = mps_test_load(yaml);
    mpsim_results *r1 = run(s, 5000, 1, -1, 0, 0.0, 0);
    mpsim_results *r2 = run(s, 5000, 2, -1, 0, 0.0, 0);
    mpsim_results *r8 = run(s, 5000, 8, -1, 0, 0.0, 0);
    assert_same_summary(r1, r2);
    assert_same_summary(r1, r8);
    mpsim_results_free(r1);
    mpsim_results_free(r2);
    mpsim_results_free(r8);
    mpsim_scenario_free(s);
}

/* Rounds are 64 blocks of 256 paths.  A target met after some rounds stops
 * there whatever the threads, and the result is that of a plain run of the
 * same number of paths. */
static void test_precision_target_deterministic(void **state)
{
    (void)state;
    mpsim_scenario *s = mps_test_load(yaml);
    const double target = 0.003;
    mpsim_results *r1 = run(s, 1000000, 1, 0, 0, target, 0);
    mpsim_results *r2 = run(s, 1000000, 2, 0, 0, target, 0);
    print_message("stopped at %llu paths\n", (unsigned long long)r1->paths);
    assert_int_equal(r1->target_se_reached, 1);
    assert_true(r1->paths < 1000000 && r1->paths % (64 * 256) == 0);
    const double *npv = r1->scenarios[0].stats[MPSIM_M_NPV];
    assert_true(npv[MPSIM_STAT_SE] / fabs(npv[MPSIM_STAT_MEAN]) <= target);
    /* One round fewer would not have met it. */
    mpsim_results *less = run(s, r1->paths - 64 * 256, 2, 0, 0, 0.0, 0);
    const double *npv_less = less->scenarios[0].stats[MPSIM_M_NPV];
    assert_true(npv_less[MPSIM_STAT_SE] / fabs(npv_less[MPSIM_STAT_MEAN]) > target);
    mpsim_results *plain = run(s, r1->paths, 2, 0, 0, 0.0, 0);
    assert_same_summary(r1, r2);
    assert_same_summary(r1, plain);
    /* A cap below the target's need stops at the cap, saying so. */
    mpsim_results *capped = run(s, 20000, 2, 0, 0, 1e-6, 0);
    assert_int_equal(capped->paths, 20000);
    assert_int_equal(capped->target_se_reached, 0);
    mpsim_results_free(r1);
    mpsim_results_free(r2);
    mpsim_results_free(less);
    mpsim_results_free(plain);
    mpsim_results_free(capped);
    mpsim_scenario_free(s);
}

/* `yaml` with a simulation block inserted after its horizon line. */
static mpsim_scenario *load_with_simulation(const char *simulation, const char *name)
{
    const char *cut = strstr(yaml, "horizon: 40\n") + strlen("horizon: 40\n");
    const char *rest = strstr(cut, "funding:");
    char text[4096];
    int len = snprintf(text, sizeof text, "mpsim: 1\nname: %s\nbase_year: 2025\nhorizon: 40\n%s%s",
                       name, simulation, rest);
    assert_true(len > 0 && (size_t)len < sizeof text);
    return mps_test_load(text);
}

/* simulation.precision in the scenario is the --target-se of the command
 * line, simulation.paths its cap; a batch must agree on it unless the
 * options set a target for all. */
static void test_precision_in_scenario(void **state)
{
    (void)state;
    mpsim_scenario *flag = load_with_simulation("", "stream");
    mpsim_scenario *file =
        load_with_simulation("simulation: {paths: 1000000, seed: 42, precision: 0.003}\n", "stream");
    mpsim_results *by_flag = run(flag, 1000000, 2, 0, 0, 0.003, 0);
    mpsim_results *by_file = NULL;
    mpsim_errors e;
    mpsim_errors_init(&e);
    assert_int_equal(mpsim_run(&file, 1, NULL, &by_file, &e), MPSIM_OK);
    assert_int_equal(by_file->target_se_reached, 1);
    assert_int_equal(by_file->paths, by_flag->paths);
    assert_same_summary(by_flag, by_file);

    mpsim_scenario *other =
        load_with_simulation("simulation: {precision: 0.01}\n", "stream-other");
    mpsim_scenario *batch[2] = {file, other};
    mpsim_results *r = NULL;
    assert_int_equal(mpsim_run(batch, 2, NULL, &r, &e), MPSIM_ERR_INPUT);
    assert_true(mps_test_errors_have(&e, "simulation.precision", "share their precision target"));
    mpsim_errors_clear(&e);
    /* A target in the options applies to the whole batch. */
    mpsim_run_options o;
    memset(&o, 0, sizeof o);
    o.target_se = 0.01;
    assert_int_equal(mpsim_batch_check(batch, 2, &o, &e), MPSIM_OK);
    mpsim_errors_clear(&e);
    mpsim_results_free(by_flag);
    mpsim_results_free(by_file);
    mpsim_scenario_free(flag);
    mpsim_scenario_free(file);
    mpsim_scenario_free(other);
}

/* Antithetic pairs leave the mean unbiased: it agrees with plain Monte
 * Carlo within 4 combined standard errors; the reported standard error is
 * that of the pair means. */
static void test_antithetic_unbiased(void **state)
{
    (void)state;
    mpsim_scenario *s = mps_test_load(yaml);
    mpsim_results *plain = run(s, 40000, 2, 0, 0, 0.0, 0);
    mpsim_results *anti = run(s, 40000, 2, 0, 0, 0.0, 1);
    assert_int_equal(anti->antithetic, 1);
    for (int m = 0; m < MPSIM_N_METRICS; m++) {
        const double *p = plain->scenarios[0].stats[m], *a = anti->scenarios[0].stats[m];
        if (!(p[MPSIM_STAT_SE] > 0.0))
            continue;
        double tol = 4.0 * sqrt(p[MPSIM_STAT_SE] * p[MPSIM_STAT_SE] +
                                a[MPSIM_STAT_SE] * a[MPSIM_STAT_SE]);
        if (fabs(p[MPSIM_STAT_MEAN] - a[MPSIM_STAT_MEAN]) > tol)
            fail_msg("%s: plain %.6g, antithetic %.6g, 4 SE %.3g", mpsim_metric_names[m],
                     p[MPSIM_STAT_MEAN], a[MPSIM_STAT_MEAN], tol);
    }
    /* An odd number of paths cannot be paired. */
    mpsim_run_options o;
    memset(&o, 0, sizeof o);
    o.paths = 1001;
    o.paths_set = 1;
    o.antithetic = 1;
    mpsim_errors e;
    mpsim_errors_init(&e);
    mpsim_results *r = NULL;
    assert_int_equal(mpsim_run(&s, 1, &o, &r, &e), MPSIM_ERR_INPUT);
    assert_true(mps_test_errors_have(&e, NULL, "even"));
    mpsim_errors_clear(&e);
    mpsim_results_free(plain);
    mpsim_results_free(anti);
    mpsim_scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_streamed_matches_exact_order_statistics),
        cmocka_unit_test(test_streamed_threads_bit_identical),
        cmocka_unit_test(test_precision_target_deterministic),
        cmocka_unit_test(test_precision_in_scenario),
        cmocka_unit_test(test_antithetic_unbiased),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
