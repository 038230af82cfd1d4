/*
 * Sweep designs (docs/sweeps.md): the grid is the Cartesian product with
 * the first parameter slowest; a Latin hypercube hits every stratum of
 * every parameter exactly once and depends only on design.seed; Sobol
 * points are gsl_qrng_sobol's, scaled (and rounded where integer: true).
 * Also the override of a key path: a sweep file loads only when every
 * key path names a value of the base.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_qrng.h>

#include "scenario/override.h"
#include "sweep/sweep.h"

#define DATA MPSIM_TEST_DIR "/data/sweeps/"

static mpsim_sweep *load(const char *name)
{
    mpsim_errors e;
    mpsim_errors_init(&e);
    mpsim_sweep *s = NULL;
    int rc = mpsim_sweep_load(name, &s, &e);
    if (rc != MPSIM_OK) {
        mpsim_errors_print(&e, stderr);
        mpsim_errors_clear(&e);
        fail_msg("%s did not load (status %d)", name, rc);
    }
    mpsim_errors_clear(&e);
    return s;
}

static void test_grid_order(void **state)
{
    (void)state;
    mpsim_sweep *s = load(DATA "grid.yaml");
    /* grid.yaml: churn [0.0, 0.02, 0.05] x stage p [0.5, 0.9]. */
    static const double want[6][2] = {{0.0, 0.5},  {0.0, 0.9},  {0.02, 0.5},
                                      {0.02, 0.9}, {0.05, 0.5}, {0.05, 0.9}};
    assert_int_equal(s->n_points, 6);
    assert_int_equal(s->n_params, 2);
    for (size_t p = 0; p < 6; p++)
        for (size_t j = 0; j < 2; j++)
            assert_true(s->points[p * 2 + j] == want[p][j]);
    assert_string_equal(s->params[0].values_text, "[0.0, 0.02, 0.05]");
    mpsim_sweep_free(s);
}

static void test_grid_strings(void **state)
{
    (void)state;
    mpsim_sweep *s = load(DATA "strings.yaml");
    assert_int_equal(s->n_points, 4);
    /* Strings are NaN among the numbers, booleans 1 and 0. */
    static const double want_bool[4] = {1, 0, 1, 0};
    for (size_t p = 0; p < 4; p++) {
        assert_true(isnan(s->points[p * 2]));
        assert_true(s->points[p * 2 + 1] == want_bool[p]);
    }
    assert_string_equal(s->params[0].values[s->grid_index[2 * 2]]->text, "median");
    assert_string_equal(s->params[0].values_text, "[mean, \"median\"]");
    mpsim_sweep_free(s);
}

/* Every one of the n strata [k/n, (k+1)/n) of every column holds exactly
 * one point. */
static void check_strata(const double *x, size_t n, size_t d, const double *lo, const double *hi)
{
    int *hit = calloc(n, sizeof *hit);
    assert_non_null(hit);
    for (size_t j = 0; j < d; j++) {
        memset(hit, 0, n * sizeof *hit);
        for (size_t i = 0; i < n; i++) {
            double u = (x[i * d + j] - lo[j]) / (hi[j] - lo[j]);
            assert_true(u >= 0.0 && u < 1.0);
            size_t k = (size_t)floor(u * (double)n);
            assert_true(k < n);
            hit[k]++;
        }
        for (size_t k = 0; k < n; k++)
            assert_int_equal(hit[k], 1);
    }
    free(hit);
}

static void test_lhs_strata(void **state)
{
    (void)state;
    enum { N = 97, D = 5 };
    double *x = calloc(N * D, sizeof *x), *y = calloc(N * D, sizeof *y);
    assert_non_null(x);
    assert_non_null(y);
    double lo[D] = {0, 0, 0, 0, 0}, hi[D] = {1, 1, 1, 1, 1};
    assert_int_equal(mps_lhs_unit(N, D, 7, x), MPSIM_OK);
    check_strata(x, N, D, lo, hi);
    /* Same seed, same design; another seed, another design. */
    assert_int_equal(mps_lhs_unit(N, D, 7, y), MPSIM_OK);
    assert_memory_equal(x, y, N * D * sizeof *x);
    assert_int_equal(mps_lhs_unit(N, D, 8, y), MPSIM_OK);
    check_strata(y, N, D, lo, hi);
    assert_true(memcmp(x, y, N * D * sizeof *x) != 0);
    /* A column does not depend on how many columns there are. */
    assert_int_equal(mps_lhs_unit(N, 2, 7, y), MPSIM_OK);
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < 2; j++)
            assert_true(x[i * D + j] == y[i * 2 + j]);
    /* One point: one stratum. */
    assert_int_equal(mps_lhs_unit(1, 1, 3, y), MPSIM_OK);
    assert_true(y[0] >= 0.0 && y[0] < 1.0);
    free(x);
    free(y);
}

static void test_lhs_file(void **state)
{
    (void)state;
    mpsim_sweep *s = load(DATA "lhs.yaml");
    assert_int_equal(s->n_points, 8);
    double lo[2] = {0.8, 0.1}, hi[2] = {2.5, 0.9};
    check_strata(s->points, 8, 2, lo, hi);
    /* The scaled points are min + u (max - min) of the unit design. */
    double u[16];
    assert_int_equal(mps_lhs_unit(8, 2, 7, u), MPSIM_OK);
    for (size_t i = 0; i < 8; i++)
        for (size_t j = 0; j < 2; j++)
            assert_true(s->points[i * 2 + j] == lo[j] + u[i * 2 + j] * (hi[j] - lo[j]));
    mpsim_sweep_free(s);
}

static void test_sobol_matches_gsl(void **state)
{
    (void)state;
    enum { N = 33, D = 3 };
    double x[N * D], want[D];
    assert_int_equal(mps_sobol_unit(N, D, x), MPSIM_OK);
    gsl_qrng *q = gsl_qrng_alloc(gsl_qrng_sobol, D);
    assert_non_null(q);
    for (size_t i = 0; i < N; i++) {
        gsl_qrng_get(q, want);
        for (size_t j = 0; j < D; j++)
            assert_true(x[i * D + j] == want[j]);
    }
    gsl_qrng_free(q);
    /* GSL's sequence starts after the all-zero point: (0.5, 0.5, 0.5). */
    assert_true(x[0] == 0.5 && x[1] == 0.5 && x[2] == 0.5);
    assert_int_equal(mps_sobol_unit(1, MPS_SWEEP_SOBOL_MAX_DIM + 1, x), MPSIM_ERR_INPUT);

    mpsim_sweep *s = load(DATA "sobol.yaml");
    assert_int_equal(s->n_points, 5);
    double u[5 * 3];
    assert_int_equal(mps_sobol_unit(5, 3, u), MPSIM_OK);
    double lo[3] = {0.2, 40, 0.0}, hi[3] = {0.5, 120, 0.6};
    for (size_t i = 0; i < 5; i++) {
        for (size_t j = 0; j < 3; j++) {
            double v = lo[j] + u[i * 3 + j] * (hi[j] - lo[j]);
            if (j == 1) /* integer: true */
                v = round(v);
            assert_true(s->points[i * 3 + j] == v);
        }
    }
    mpsim_sweep_free(s);
}

static void test_key_path_syntax(void **state)
{
    (void)state;
    assert_null(mps_key_path_syntax("missions.m.projects.p.stages[1].p"));
    assert_null(mps_key_path_syntax("economy.regimes.transition[0][1]"));
    assert_non_null(mps_key_path_syntax(""));
    assert_non_null(mps_key_path_syntax("a..b"));
    assert_non_null(mps_key_path_syntax(".a"));
    assert_non_null(mps_key_path_syntax("a[x]"));
    assert_non_null(mps_key_path_syntax("a[1"));
    assert_non_null(mps_key_path_syntax("a]b"));
    assert_non_null(mps_key_path_syntax("[0]"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_grid_order),        cmocka_unit_test(test_grid_strings),
        cmocka_unit_test(test_lhs_strata),        cmocka_unit_test(test_lhs_file),
        cmocka_unit_test(test_sobol_matches_gsl), cmocka_unit_test(test_key_path_syntax),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
