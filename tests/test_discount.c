/*
 * Discount factors (model.md section 9): known answers.
 *
 * Provenance: the Green Book check values are those of facts.md
 * ("Computed discount factors"), themselves the published declining
 * schedule applied as DF_t = DF_{t-1} / (1 + r(t)); Green Book 2020 Table 2
 * gives £1,000 in year 1 -> £966 and year 10 -> £709.  They are rounded to
 * 6 decimal places, hence the 1e-6 tolerance (5e-7 would be the rounding
 * bound; 1e-6 leaves room without hiding a wrong band, whose error is
 * at least 1e-4 at these years).  Other schedules are checked against
 * products of (1 + r)^-1 written out in the test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>

#include "appraisal/discount.h"
#include "scenario/scenario.h"

enum { H = 400 };

static void check_rel(double got, double want, double rel)
{
    double tol = rel * fmax(1.0, fabs(want));
    if (!(fabs(got - want) <= tol))
        fail_msg("got %.17g, want %.17g (tolerance %.3g)", got, want, tol);
}

static void test_green_book_standard(void **state)
{
    (void)state;
    mps_discount d;
    assert_int_equal(mps_discount_green_book(&d), MPSIM_OK);
    double *df = calloc(H, sizeof *df);
    assert_non_null(df);
    mps_discount_factors(&d.standard, H, df);

    static const struct { int t; double df; } want[] = {
        {1, 0.966184},  {10, 0.708919},  {30, 0.356278},  {31, 0.345901},  {75, 0.094214},
        {76, 0.091916}, {125, 0.027411}, {200, 0.006207}, {300, 0.001401},
    };
    assert_true(df[0] == 1.0);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        assert_true(fabs(df[want[i].t] - want[i].df) < 1e-6);

    /* Green Book 2020 Table 2: £1,000 -> £966 (year 1), £709 (year 10). */
    assert_int_equal((int)lround(1000.0 * df[1]), 966);
    assert_int_equal((int)lround(1000.0 * df[10]), 709);

    /* Band edges (facts.md: 0-30, 31-75, 76-125, 126-200, 201-300, 301+). */
    assert_true(mps_discount_rate(&d.standard, 1) == 0.035);
    assert_true(mps_discount_rate(&d.standard, 30) == 0.035);
    assert_true(mps_discount_rate(&d.standard, 31) == 0.030);
    assert_true(mps_discount_rate(&d.standard, 75) == 0.030);
    assert_true(mps_discount_rate(&d.standard, 76) == 0.025);
    assert_true(mps_discount_rate(&d.standard, 126) == 0.020);
    assert_true(mps_discount_rate(&d.standard, 201) == 0.015);
    assert_true(mps_discount_rate(&d.standard, 300) == 0.015);
    assert_true(mps_discount_rate(&d.standard, 301) == 0.010);
    assert_true(mps_discount_rate(&d.standard, 999) == 0.010);
    /* Year 301 onwards at 1%: DF_302 = DF_301 / 1.01 exactly as computed. */
    check_rel(df[302], df[301] / 1.01, 1e-15);
    check_rel(df[301], df[300] / 1.01, 1e-15);

    free(df);
    mps_discount_free(&d);
    assert_null(d.standard.rate);
    assert_int_equal(d.health.n, 0);
}

static void test_green_book_health(void **state)
{
    (void)state;
    mps_discount d;
    assert_int_equal(mps_discount_green_book(&d), MPSIM_OK);
    double df[H];
    mps_discount_factors(&d.health, H, df);
    static const struct { int t; double df; } want[] = {
        {10, 0.861667}, {30, 0.639762}, {31, 0.631615}, {75, 0.359354}, {125, 0.211062},
    };
    assert_true(df[0] == 1.0);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        assert_true(fabs(df[want[i].t] - want[i].df) < 1e-6);
    /* Health rates on the same bands (model.md section 9). */
    assert_true(mps_discount_rate(&d.health, 30) == 0.015);
    assert_true(mps_discount_rate(&d.health, 31) == 0.0129);
    assert_true(mps_discount_rate(&d.health, 76) == 0.0107);
    assert_true(mps_discount_rate(&d.health, 126) == 0.0086);
    assert_true(mps_discount_rate(&d.health, 201) == 0.0064);
    assert_true(mps_discount_rate(&d.health, 301) == 0.0043);
    mps_discount_free(&d);
}

static void test_constant(void **state)
{
    (void)state;
    int from[] = {0};
    double rate[] = {0.05};
    mps_rate_schedule s = {1, from, rate};
    double df[H];
    mps_discount_factors(&s, H, df);
    /* DF_t = 1.05^-t. */
    for (int t = 0; t < H; t++)
        check_rel(df[t], pow(1.05, -t), 1e-12);
    /* A zero rate leaves every flow undiscounted. */
    rate[0] = 0.0;
    mps_discount_factors(&s, H, df);
    for (int t = 0; t < H; t++)
        assert_true(df[t] == 1.0);
}

static void test_custom_schedule(void **state)
{
    (void)state;
    /* 6% in years 0-4, 2% in 5-9, 0% from 10. */
    int from[] = {0, 5, 10};
    double rate[] = {0.06, 0.02, 0.0};
    mps_rate_schedule s = {3, from, rate};
    double df[20];
    mps_discount_factors(&s, 20, df);
    check_rel(df[4], pow(1.06, -4), 1e-14);
    /* DF_5 = 1.06^-4 * 1.02^-1: year 5 takes its own band's rate. */
    check_rel(df[5], pow(1.06, -4) / 1.02, 1e-14);
    check_rel(df[9], pow(1.06, -4) * pow(1.02, -5), 1e-14);
    check_rel(df[10], df[9], 1e-15);
    check_rel(df[19], df[9], 1e-15);
    assert_true(mps_discount_rate(&s, 4) == 0.06);
    assert_true(mps_discount_rate(&s, 5) == 0.02);
    assert_true(mps_discount_rate(&s, 10) == 0.0);
    /* A horizon of one year is just DF_0. */
    double one[1] = {-1.0};
    mps_discount_factors(&s, 1, one);
    assert_true(one[0] == 1.0);
}

static void test_schedule_starting_at_one(void **state)
{
    (void)state;
    /* "the first 0 or 1": a schedule from year 1 needs no rate for year 0,
     * since DF_0 = 1.  4% in years 1-2, 1% from 3. */
    int from[] = {1, 3};
    double rate[] = {0.04, 0.01};
    mps_rate_schedule s = {2, from, rate};
    double df[6];
    mps_discount_factors(&s, 6, df);
    assert_true(df[0] == 1.0);
    check_rel(df[1], 1.0 / 1.04, 1e-15);
    check_rel(df[2], 1.0 / (1.04 * 1.04), 1e-15);
    check_rel(df[3], 1.0 / (1.04 * 1.04 * 1.01), 1e-15);
    check_rel(df[5], 1.0 / (1.04 * 1.04 * 1.01 * 1.01 * 1.01), 1e-14);
    /* Year 0 reports the first band's rate (it never matters). */
    assert_true(mps_discount_rate(&s, 0) == 0.04);
    assert_true(mps_discount_rate(&s, 2) == 0.04);
    assert_true(mps_discount_rate(&s, 3) == 0.01);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_green_book_standard),
        cmocka_unit_test(test_green_book_health),
        cmocka_unit_test(test_constant),
        cmocka_unit_test(test_custom_schedule),
        cmocka_unit_test(test_schedule_starting_at_one),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
