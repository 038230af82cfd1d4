/*
 * Switching values (engine/sensitivity/switching.c): hand-computed
 * crossings, the choice among several, "no crossing in range" as a result,
 * and errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "mpsim.h"

#define PI 3.14159265358979323846

/* A Green Book style case: NPV(x) = 120 x - 100 (£m), benefits scaled by x;
 * NPV switches sign where benefits fall to 100 / 120 of their central
 * value: x = 5/6. */
static int npv_scaled(void *ctx, double x, double *v, mpsim_errors *errs)
{
    (void)errs;
    int *calls = ctx;
    if (calls)
        (*calls)++;
    *v = 120.0 * x - 100.0;
    return MPSIM_OK;
}

static int f_sin(void *ctx, double x, double *v, mpsim_errors *errs)
{
    (void)ctx;
    (void)errs;
    *v = sin(x);
    return MPSIM_OK;
}

static int f_positive(void *ctx, double x, double *v, mpsim_errors *errs)
{
    (void)ctx;
    (void)errs;
    *v = x * x + 1.0;
    return MPSIM_OK;
}

static int f_step_zero(void *ctx, double x, double *v, mpsim_errors *errs)
{
    (void)ctx;
    (void)errs;
    *v = x - 5.0;
    return MPSIM_OK;
}

static int f_nan_above(void *ctx, double x, double *v, mpsim_errors *errs)
{
    (void)ctx;
    (void)errs;
    *v = x > 0.5 ? NAN : x - 0.25;
    return MPSIM_OK;
}

/* Fails when asked between the grid points (so during the root search). */
static int f_fails_inside(void *ctx, double x, double *v, mpsim_errors *errs)
{
    (void)ctx;
    if (x > 0.3 && x < 0.4 && fabs(x * 10.0 - round(x * 10.0)) > 1e-9) {
        mpsim_errors_add(errs, NULL, 0, 0, NULL, "model failed at %g (test)", x);
        return MPSIM_ERR_FAIL;
    }
    *v = x - 0.35;
    return MPSIM_OK;
}

static mpsim_switching_spec range(double lo, double hi, double centre)
{
    mpsim_switching_spec s = {0};
    s.lo = lo;
    s.hi = hi;
    s.centre = centre;
    return s;
}

static void test_linear_crossing(void **state)
{
    (void)state;
    int calls = 0;
    mpsim_switching_spec s = range(0.0, 2.0, 1.0);
    mpsim_switching_result r;
    mpsim_errors errs = {0};
    assert_int_equal(mpsim_switching_value(&s, npv_scaled, &calls, &r, &errs), MPSIM_OK);
    assert_int_equal(r.found, 1);
    assert_int_equal(r.crossings, 1);
    assert_true(fabs(r.x - 5.0 / 6.0) <= 1e-9);
    assert_true(r.value_lo == -100.0 && r.value_hi == 140.0);
    assert_true(r.bracket_lo <= r.x && r.x <= r.bracket_hi);
    assert_true(r.bracket_hi - r.bracket_lo <= 2.0 / 64 + 1e-15);
    /* The grid (65 points) and at most one call a Brent step (the bracket's
     * ends are not asked again); a linear function is solved in very few. */
    assert_true(r.iterations >= 1 && r.iterations <= 5);
    assert_true(calls > 65 && calls <= 65 + r.iterations);
    assert_int_equal(errs.count, 0);
}

static void test_no_crossing(void **state)
{
    (void)state;
    mpsim_switching_spec s = range(-3.0, 3.0, 0.0);
    mpsim_switching_result r;
    mpsim_errors errs = {0};
    assert_int_equal(mpsim_switching_value(&s, f_positive, NULL, &r, &errs), MPSIM_OK);
    assert_int_equal(r.found, 0);
    assert_int_equal(r.crossings, 0);
    assert_true(isnan(r.x) && isnan(r.bracket_lo));
    assert_true(r.value_lo == 10.0 && r.value_hi == 10.0);
    assert_int_equal(errs.count, 0);
    /* NPV never reaches 0 when benefits scale only up to 0.8. */
    s = range(0.0, 0.8, 0.5);
    assert_int_equal(mpsim_switching_value(&s, npv_scaled, NULL, &r, &errs), MPSIM_OK);
    assert_int_equal(r.found, 0);
}

/* sin on [0.5, 10] crosses at pi, 2 pi, 3 pi: the one nearest the centre
 * is returned, or the lowest without a centre. */
static void test_several_crossings(void **state)
{
    (void)state;
    mpsim_switching_result r;
    mpsim_errors errs = {0};
    mpsim_switching_spec s = range(0.5, 10.0, 6.0);
    assert_int_equal(mpsim_switching_value(&s, f_sin, NULL, &r, &errs), MPSIM_OK);
    assert_int_equal(r.crossings, 3);
    assert_true(fabs(r.x - 2.0 * PI) <= 1e-9);
    s.centre = 9.0;
    assert_int_equal(mpsim_switching_value(&s, f_sin, NULL, &r, &errs), MPSIM_OK);
    assert_true(fabs(r.x - 3.0 * PI) <= 1e-9);
    s.centre = NAN;
    assert_int_equal(mpsim_switching_value(&s, f_sin, NULL, &r, &errs), MPSIM_OK);
    assert_true(fabs(r.x - PI) <= 1e-9);
    /* A tighter tolerance is honoured. */
    s.xtol = 1e-14;
    assert_int_equal(mpsim_switching_value(&s, f_sin, NULL, &r, &errs), MPSIM_OK);
    assert_true(fabs(r.x - PI) <= 1e-13);
}

/* A zero exactly on a grid point is the crossing, counted once, with no
 * root search. */
static void test_zero_on_grid(void **state)
{
    (void)state;
    mpsim_switching_result r;
    mpsim_errors errs = {0};
    mpsim_switching_spec s = range(0.0, 10.0, NAN);
    s.grid = 10;
    assert_int_equal(mpsim_switching_value(&s, f_step_zero, NULL, &r, &errs), MPSIM_OK);
    assert_int_equal(r.found, 1);
    assert_int_equal(r.crossings, 1);
    assert_true(r.x == 5.0);
    assert_int_equal(r.iterations, 0);
    /* ... also at the ends of the range. */
    s = range(5.0, 8.0, NAN);
    assert_int_equal(mpsim_switching_value(&s, f_step_zero, NULL, &r, &errs), MPSIM_OK);
    assert_true(r.found && r.x == 5.0 && r.crossings == 1);
    s = range(2.0, 5.0, NAN);
    assert_int_equal(mpsim_switching_value(&s, f_step_zero, NULL, &r, &errs), MPSIM_OK);
    assert_true(r.found && r.x == 5.0 && r.crossings == 1);
}

static void test_errors(void **state)
{
    (void)state;
    mpsim_switching_result r;
    mpsim_errors errs = {0};
    mpsim_switching_spec s = range(1.0, 1.0, NAN);
    assert_int_equal(mpsim_switching_value(&s, f_sin, NULL, &r, &errs), MPSIM_ERR_INPUT);
    assert_true(strstr(errs.items[0].message, "lo < hi") != NULL);
    mpsim_errors_clear(&errs);
    s = range(0.0, INFINITY, NAN);
    assert_int_equal(mpsim_switching_value(&s, f_sin, NULL, &r, &errs), MPSIM_ERR_INPUT);
    mpsim_errors_clear(&errs);
    s = range(0.0, 1.0, NAN);
    assert_int_equal(mpsim_switching_value(&s, NULL, NULL, &r, &errs), MPSIM_ERR_INPUT);
    mpsim_errors_clear(&errs);
    /* A NaN value is named with its x. */
    assert_int_equal(mpsim_switching_value(&s, f_nan_above, NULL, &r, &errs), MPSIM_ERR_INPUT);
    assert_true(strstr(errs.items[0].message, "returned nan at x = 0.515625") != NULL);
    assert_int_equal(r.found, 0);
    mpsim_errors_clear(&errs);
    /* The function's own failure inside the root search stops it. */
    s.grid = 10;
    assert_int_equal(mpsim_switching_value(&s, f_fails_inside, NULL, &r, &errs), MPSIM_ERR_FAIL);
    assert_true(strstr(errs.items[0].message, "(test)") != NULL);
    assert_true(r.found == 0 && isnan(r.x));
    mpsim_errors_clear(&errs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_linear_crossing),
        cmocka_unit_test(test_no_crossing),
        cmocka_unit_test(test_several_crossings),
        cmocka_unit_test(test_zero_on_grid),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
