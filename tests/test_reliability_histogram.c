/*
 * Regression for a finding of fuzz_scenario (tests/data/fuzz-regressions/
 * scenario-histogram-width-zero-1e17.yaml): the NPV / BCR histogram of
 * mps_distribution_fill when every path has the same large value.  Its
 * zero-width range is widened by +-0.5, which is lost above 2^53
 * (1e17 + 0.5 == 1e17); the bin width is then 0 and the bin index 0 / 0,
 * a NaN cast to long (undefined behaviour).  The histogram must still have
 * increasing, finite edges and count every value once.  Infinite values
 * (tests/data/extreme/err-*) reach the same cast.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>

#include "appraisal/stats.h"

static void check_histogram(double value, size_t n)
{
    double *x = malloc(n * sizeof *x);
    assert_non_null(x);
    for (size_t i = 0; i < n; i++)
        x[i] = value;
    mpsim_distribution d;
    assert_int_equal(mps_distribution_fill(&d, x, n), MPSIM_OK);
    uint64_t total = 0;
    for (size_t b = 0; b < d.n_bins; b++) {
        assert_true(isfinite(d.edges[b]) && isfinite(d.edges[b + 1]));
        assert_true(d.edges[b + 1] > d.edges[b]);
        total += d.counts[b];
    }
    assert_int_equal(total, n);
    /* The value lies inside the histogram's range. */
    assert_true(d.edges[0] <= value && value <= d.edges[d.n_bins]);
    free(d.levels);
    free(d.values);
    free(d.edges);
    free(d.counts);
    free(x);
}

/* Small values: the +-0.5 widening works (this passes today). */
static void test_equal_values_small(void **state)
{
    (void)state;
    check_histogram(-37.5, 10);
}

/* Beyond 2^53 the widening is lost: the failing case. */
static void test_equal_values_large(void **state)
{
    (void)state;
    check_histogram(-1e17, 10);
    check_histogram(2.5e300, 3);
}

/* Infinite values (an overflowing input, before the run's numerical checks
 * refuse it) reach the same bin computation: every value is still counted
 * once, and under UBSan (-DMPSIM_SANITIZE=ON checks float-cast-overflow)
 * no NaN or infinity may be cast to an integer on the way. */
static void test_infinite_values(void **state)
{
    (void)state;
    const double sets[][4] = {{-INFINITY, 1.0, 2.0, 3.0},
                              {1.0, 2.0, 3.0, INFINITY},
                              {-INFINITY, 0.0, 0.0, INFINITY},
                              {INFINITY, INFINITY, INFINITY, INFINITY}};
    for (size_t k = 0; k < sizeof sets / sizeof sets[0]; k++) {
        mpsim_distribution d;
        assert_int_equal(mps_distribution_fill(&d, sets[k], 4), MPSIM_OK);
        uint64_t total = 0;
        for (size_t b = 0; b < d.n_bins; b++)
            total += d.counts[b];
        assert_int_equal(total, 4);
        free(d.levels);
        free(d.values);
        free(d.edges);
        free(d.counts);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_equal_values_small),
        cmocka_unit_test(test_equal_values_large),
        cmocka_unit_test(test_infinite_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
