/*
 * Summary statistics and fan-chart histograms (engine/appraisal/stats.c),
 * against direct computations on known data.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "appraisal/stats.h"

static void test_summarise_known_values(void **state)
{
    (void)state;
    /* 1..10 in a scrambled order, with two undefined entries. */
    double x[12] = {7, 3, NAN, 10, 1, 5, 9, 2, NAN, 8, 4, 6};
    double sorted[12], st[MPSIM_N_STATS];
    size_t n_def;
    mps_stats_summarise(x, 12, sorted, &n_def, st);
    assert_int_equal(n_def, 10);
    assert_true(st[MPSIM_STAT_MEAN] == 5.5);
    /* sd of 1..10 with n - 1: sqrt(55/6). */
    assert_true(fabs(st[MPSIM_STAT_SD] - sqrt(55.0 / 6.0)) < 1e-15);
    assert_true(fabs(st[MPSIM_STAT_SE] - sqrt(55.0 / 6.0) / sqrt(10.0)) < 1e-15);
    assert_true(st[MPSIM_STAT_MIN] == 1 && st[MPSIM_STAT_MAX] == 10);
    /* GSL's rule: position q (n - 1), linear interpolation. p25 -> 3.25. */
    assert_true(fabs(st[MPSIM_STAT_P25] - 3.25) < 1e-15);
    assert_true(fabs(st[MPSIM_STAT_P50] - 5.5) < 1e-15);
    assert_true(fabs(st[MPSIM_STAT_P99] - 9.91) < 1e-12);
}

static void test_summarise_all_undefined(void **state)
{
    (void)state;
    double x[3] = {NAN, NAN, NAN}, sorted[3], st[MPSIM_N_STATS];
    size_t n_def = 99;
    mps_stats_summarise(x, 3, sorted, &n_def, st);
    assert_int_equal(n_def, 0);
    for (int k = 0; k < MPSIM_N_STATS; k++)
        assert_true(isnan(st[k]));
}

static void test_distribution(void **state)
{
    (void)state;
    double v[100];
    for (int i = 0; i < 100; i++)
        v[i] = i; /* 0 .. 99 sorted */
    mpsim_distribution d;
    assert_int_equal(mps_distribution_fill(&d, v, 100), MPSIM_OK);
    assert_int_equal(d.n_levels, 101);
    assert_true(d.values[0] == 0 && d.values[100] == 99);
    assert_true(fabs(d.values[50] - 49.5) < 1e-12);
    uint64_t total = 0;
    for (size_t b = 0; b < d.n_bins; b++)
        total += d.counts[b];
    assert_int_equal(total, 100);
    assert_true(d.edges[0] == 0 && d.edges[d.n_bins] == 99);
    free(d.levels);
    free(d.values);
    free(d.edges);
    free(d.counts);
}

/* Fan-chart quantiles agree with the exact order statistic to the
 * documented 1.6%, for positive, negative and mixed data. */
static void test_fan_quantiles(void **state)
{
    (void)state;
    enum { N = 5000, CELLS = 3 };
    mps_fan f;
    assert_int_equal(mps_fan_init(&f, CELLS), MPSIM_OK);
    static double col[CELLS][N];
    for (int i = 0; i < N; i++) {
        double u = (i * 7919 % N + 0.5) / N; /* a permutation of the midpoints */
        double x[CELLS] = {exp(6 * u - 1), -300 * u, 1000 * (u - 0.3)};
        for (int c = 0; c < CELLS; c++)
            col[c][i] = x[c];
        mps_fan_add(&f, x);
    }
    const double qs[] = {0.05, 0.25, 0.5, 0.75, 0.95};
    for (int c = 0; c < CELLS; c++) {
        gsl_sort(col[c], 1, N);
        for (size_t k = 0; k < sizeof qs / sizeof qs[0]; k++) {
            double exact = col[c][(size_t)floor(qs[k] * (N - 1))];
            double got = mps_fan_quantile(&f, (size_t)c, qs[k], N);
            assert_true(fabs(got - exact) <= 0.016 * fabs(exact) + 1e-12);
        }
    }
    mps_fan_free(&f);
}

/* A cell where every value is the same reads back exactly (min/max clamp),
 * and zero is exact; merging two halves equals adding everything to one. */
static void test_fan_exact_cases_and_merge(void **state)
{
    (void)state;
    mps_fan a, b, all;
    assert_int_equal(mps_fan_init(&a, 2), MPSIM_OK);
    assert_int_equal(mps_fan_init(&b, 2), MPSIM_OK);
    assert_int_equal(mps_fan_init(&all, 2), MPSIM_OK);
    for (int i = 0; i < 100; i++) {
        double x[2] = {123.456, i < 60 ? 0.0 : (double)i};
        mps_fan_add(i % 2 ? &a : &b, x);
        mps_fan_add(&all, x);
    }
    mps_fan_merge(&a, &b);
    assert_memory_equal(a.counts, all.counts, 2 * a.bins * sizeof *a.counts);
    assert_true(mps_fan_quantile(&a, 0, 0.5, 100) == 123.456);
    assert_true(mps_fan_quantile(&a, 1, 0.5, 100) == 0.0);
    assert_true(mps_fan_quantile(&a, 1, 0.0, 100) == 0.0);
    assert_true(mps_fan_quantile(&a, 1, 1.0, 100) == 99.0);
    mps_fan_free(&a);
    mps_fan_free(&b);
    mps_fan_free(&all);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_summarise_known_values),
        cmocka_unit_test(test_summarise_all_undefined),
        cmocka_unit_test(test_distribution),
        cmocka_unit_test(test_fan_quantiles),
        cmocka_unit_test(test_fan_exact_cases_and_merge),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
