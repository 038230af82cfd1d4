/*
 * Inputs of a sensitivity analysis and the errors of mpsim_sobol
 * (engine/sensitivity/inputs.c, sobol.c): quantiles of each distribution
 * against closed forms, and every kind of bad input provoked on purpose,
 * each with MPSIM_ERR_INPUT and a message that says what was wrong.
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

#include "mpsim.h"

/* Does any message in errs contain `text`? */
static int mentions(const mpsim_errors *errs, const char *text)
{
    for (size_t i = 0; i < errs->count; i++)
        if (strstr(errs->items[i].message, text) || strstr(errs->items[i].key_path, text))
            return 1;
    return 0;
}

static double quantile(const mpsim_sens_input *in, double p)
{
    double x;
    mpsim_errors errs = {0};
    assert_int_equal(mpsim_sens_input_quantile(in, p, &x, &errs), MPSIM_OK);
    assert_int_equal(errs.count, 0);
    return x;
}

static void test_quantiles(void **state)
{
    (void)state;
    mpsim_sens_input u = {"u", MPSIM_SENS_UNIFORM, 2.0, 6.0, 0};
    assert_true(fabs(quantile(&u, 0.25) - 3.0) < 1e-15);
    /* normal(10, 2): P90 = 10 + 2 z_0.9. */
    mpsim_sens_input nrm = {"n", MPSIM_SENS_NORMAL, 10.0, 2.0, 0};
    assert_true(fabs(quantile(&nrm, 0.9) - (10.0 + 2.0 * 1.2815515655446004)) < 1e-12);
    assert_true(fabs(quantile(&nrm, 0.5) - 10.0) < 1e-12);
    /* lognormal by median and p90: those are its 0.5 and 0.9 quantiles. */
    mpsim_sens_input ln = {"l", MPSIM_SENS_LOGNORMAL, 3.0, 7.5, 0};
    assert_true(fabs(quantile(&ln, 0.5) - 3.0) < 1e-12);
    assert_true(fabs(quantile(&ln, 0.9) - 7.5) < 1e-12);
    /* triangular(0, 1, 4): F(x) = x^2 / 4 below the mode, so F(1) = 1/4. */
    mpsim_sens_input tri = {"t", MPSIM_SENS_TRIANGULAR, 0.0, 1.0, 4.0};
    assert_true(fabs(quantile(&tri, 0.25) - 1.0) < 1e-12);
    assert_true(fabs(quantile(&tri, 0.04) - sqrt(0.16)) < 1e-12);
    /* symmetric PERT: median at the mode. */
    mpsim_sens_input pert = {"p", MPSIM_SENS_PERT, 0.0, 5.0, 10.0};
    assert_true(fabs(quantile(&pert, 0.5) - 5.0) < 1e-9);
    assert_true(quantile(&pert, 0.1) < quantile(&pert, 0.9));

    double x;
    mpsim_errors errs = {0};
    assert_int_equal(mpsim_sens_input_quantile(&u, 0.0, &x, &errs), MPSIM_ERR_INPUT);
    assert_true(isnan(x));
    assert_true(mentions(&errs, "strictly between 0 and 1"));
    mpsim_errors_clear(&errs);
    assert_int_equal(mpsim_sens_input_quantile(&u, 1.0, &x, &errs), MPSIM_ERR_INPUT);
    mpsim_errors_clear(&errs);
}

static void test_bad_inputs(void **state)
{
    (void)state;
    const mpsim_sens_input bad[] = {
        {"u", MPSIM_SENS_UNIFORM, 3.0, 3.0, 0},      {"n", MPSIM_SENS_NORMAL, 0.0, 0.0, 0},
        {"l", MPSIM_SENS_LOGNORMAL, 5.0, 4.0, 0},    {"l0", MPSIM_SENS_LOGNORMAL, 0.0, 4.0, 0},
        {"t", MPSIM_SENS_TRIANGULAR, 0.0, 5.0, 4.0}, {"p", MPSIM_SENS_PERT, 1.0, 1.0, 1.0},
        {"nan", MPSIM_SENS_UNIFORM, NAN, 1.0, 0},    {"kind", (mpsim_sens_dist)42, 0.0, 1.0, 0},
    };
    size_t nb = sizeof bad / sizeof bad[0];
    mpsim_errors errs = {0};
    assert_int_equal(mpsim_sens_input_check(bad, nb, &errs), MPSIM_ERR_INPUT);
    /* One message per bad input, each naming it. */
    assert_int_equal(errs.count, nb);
    assert_string_equal(errs.items[2].key_path, "inputs[2]");
    assert_true(strstr(errs.items[2].message, "'l'") != NULL);
    assert_true(strstr(errs.items[2].message, "p90") != NULL);
    assert_true(mentions(&errs, "unknown distribution kind"));
    mpsim_errors_clear(&errs);

    const mpsim_sens_input good = {"g", MPSIM_SENS_TRIANGULAR, 0.0, 0.0, 4.0};
    assert_int_equal(mpsim_sens_input_check(&good, 1, &errs), MPSIM_OK);
    assert_int_equal(mpsim_sens_input_check(&good, 0, &errs), MPSIM_ERR_INPUT);
    assert_true(mentions(&errs, "k >= 1"));
    mpsim_errors_clear(&errs);
}

/* ------------------------------------------------------------ mpsim_sobol */

typedef struct {
    size_t nan_row; /* this row's output 1 is NaN; SIZE_MAX for none */
    int fail_status;
    size_t calls;
} model_ctx;

/* Two outputs: x1 + x2 and x1 x2; row r counts rows across calls (one
 * thread). */
static int model(void *ctx, size_t n, const mpsim_sobol_row *rows, const double *x, double *y,
                 mpsim_errors *errs)
{
    (void)rows;
    model_ctx *c = ctx;
    if (c->fail_status != MPSIM_OK && c->calls == 2) {
        mpsim_errors_add(errs, NULL, 0, 0, NULL, "the model could not run (test)");
        return c->fail_status;
    }
    for (size_t r = 0; r < n; r++) {
        size_t row = c->calls * n + r; /* blocks are whole and equal here */
        y[r * 2] = x[r * 2] + x[r * 2 + 1];
        y[r * 2 + 1] = row == c->nan_row ? NAN : x[r * 2] * x[r * 2 + 1];
    }
    c->calls++;
    return MPSIM_OK;
}

static const mpsim_sens_input two[2] = {
    {"alpha", MPSIM_SENS_UNIFORM, 0.0, 1.0, 0},
    {"beta", MPSIM_SENS_NORMAL, 0.0, 1.0, 0},
};

static mpsim_sobol_spec spec2(void)
{
    mpsim_sobol_spec s = {0};
    s.k = 2;
    s.inputs = two;
    s.m = 2;
    s.n = 128;
    s.threads = 1;
    s.block = 16;
    return s;
}

static int sobol_fails(const mpsim_sobol_spec *s, model_ctx *c, const char *text)
{
    mpsim_errors errs = {0};
    mpsim_sobol_result r;
    int st = mpsim_sobol(s, model, c, &r, &errs);
    /* Nothing is left allocated or filled on failure. */
    assert_null(r.s1);
    assert_int_equal(r.k, 0);
    if (!mentions(&errs, text)) {
        mpsim_errors_print(&errs, stderr);
        print_error("expected a message mentioning '%s'\n", text);
        fail();
    }
    mpsim_errors_clear(&errs);
    return st;
}

static void test_sobol_bad_spec(void **state)
{
    (void)state;
    model_ctx c = {SIZE_MAX, MPSIM_OK, 0};
    mpsim_sobol_spec s = spec2();
    s.k = 0;
    assert_int_equal(sobol_fails(&s, &c, "k >= 1"), MPSIM_ERR_INPUT);
    s = spec2();
    s.n = MPSIM_SOBOL_MIN_SAMPLES - 1;
    assert_int_equal(sobol_fails(&s, &c, "between 64"), MPSIM_ERR_INPUT);
    s = spec2();
    s.m = 0;
    assert_int_equal(sobol_fails(&s, &c, "m >= 1"), MPSIM_ERR_INPUT);
    s = spec2();
    s.bootstrap = 10;
    assert_int_equal(sobol_fails(&s, &c, "bootstrap resamples"), MPSIM_ERR_INPUT);
    s = spec2();
    s.confidence = 1.0;
    assert_int_equal(sobol_fails(&s, &c, "confidence"), MPSIM_ERR_INPUT);
    s = spec2();
    mpsim_sens_input bad[2] = {two[0], {"beta", MPSIM_SENS_UNIFORM, 1.0, 0.0, 0}};
    s.inputs = bad;
    assert_int_equal(sobol_fails(&s, &c, "inputs[1]"), MPSIM_ERR_INPUT);
    /* The quasi-random sampler has 2k <= 40 dimensions. */
    mpsim_sens_input many[21];
    for (size_t i = 0; i < 21; i++)
        many[i] = two[0];
    s = spec2();
    s.k = 21;
    s.inputs = many;
    s.sampler = MPSIM_SOBOL_QUASI;
    assert_int_equal(sobol_fails(&s, &c, "at most 20 inputs"), MPSIM_ERR_INPUT);
    /* No callback at all. */
    mpsim_errors errs = {0};
    mpsim_sobol_result r;
    s = spec2();
    assert_int_equal(mpsim_sobol(&s, NULL, NULL, &r, &errs), MPSIM_ERR_INPUT);
    assert_true(mentions(&errs, "callback"));
    mpsim_errors_clear(&errs);
    assert_int_equal(mpsim_sobol(NULL, model, &c, &r, &errs), MPSIM_ERR_INPUT);
    mpsim_errors_clear(&errs);
    assert_int_equal(c.calls, 0); /* bad specs never reach the model */
}

/* A NaN output names its row (sample and matrix) and output. */
static void test_sobol_nan_output(void **state)
{
    (void)state;
    /* Row 4 * 37 + 3 is sample 37's AB^(1) row (rows A, B, AB^(0), AB^(1)). */
    model_ctx c = {4 * 37 + 3, MPSIM_OK, 0};
    mpsim_sobol_spec s = spec2();
    const char *names[2] = {"sum", "product"};
    s.output_names = names;
    assert_int_equal(
        sobol_fails(&s, &c, "row 151 (sample 37, matrix AB^(1)), output 1 ('product')"),
        MPSIM_ERR_INPUT);
    /* The same analysis without the NaN runs. */
    model_ctx ok = {SIZE_MAX, MPSIM_OK, 0};
    mpsim_errors errs = {0};
    mpsim_sobol_result r;
    assert_int_equal(mpsim_sobol(&s, model, &ok, &r, &errs), MPSIM_OK);
    assert_string_equal(r.input_names[0], "alpha");
    assert_string_equal(r.output_names[1], "product");
    mpsim_sobol_result_clear(&r);
}

/* The model's own failure and status come back, with its message. */
static void test_sobol_model_fails(void **state)
{
    (void)state;
    model_ctx c = {SIZE_MAX, MPSIM_ERR_INPUT, 0};
    mpsim_sobol_spec s = spec2();
    assert_int_equal(sobol_fails(&s, &c, "could not run (test)"), MPSIM_ERR_INPUT);
    /* An unknown status is reported as a failure. */
    model_ctx c2 = {SIZE_MAX, 77, 0};
    assert_int_equal(sobol_fails(&s, &c2, "could not run (test)"), MPSIM_ERR_FAIL);
    /* With two threads the model's message still comes back. */
    model_ctx c3 = {SIZE_MAX, MPSIM_ERR_FAIL, 0};
    s.threads = 2;
    s.block = 128; /* one block, so one call, ... */
    c3.calls = 2;  /* ... which fails at once */
    assert_int_equal(sobol_fails(&s, &c3, "could not run (test)"), MPSIM_ERR_FAIL);
}

static void test_sobol_cancel(void **state)
{
    (void)state;
    volatile sig_atomic_t stop = 1;
    model_ctx c = {SIZE_MAX, MPSIM_OK, 0};
    mpsim_sobol_spec s = spec2();
    s.cancel = &stop;
    assert_int_equal(sobol_fails(&s, &c, "cancelled"), MPSIM_ERR_INTERRUPTED);
    assert_int_equal(c.calls, 0);
}

/* A callback that leaves an output unwritten is caught like a NaN. */
static int lazy(void *ctx, size_t n, const mpsim_sobol_row *rows, const double *x, double *y,
                mpsim_errors *errs)
{
    (void)ctx;
    (void)errs;
    for (size_t r = 0; r < n; r++)
        if (!(rows[r].sample == 70 && rows[r].matrix == MPSIM_SOBOL_ROW_B))
            y[r] = x[r * 2];
    return MPSIM_OK;
}

static void test_sobol_unwritten_output(void **state)
{
    (void)state;
    mpsim_sobol_spec s = spec2();
    s.m = 1;
    mpsim_errors errs = {0};
    mpsim_sobol_result r;
    assert_int_equal(mpsim_sobol(&s, lazy, NULL, &r, &errs), MPSIM_ERR_INPUT);
    assert_true(mentions(&errs, "sample 70, matrix B"));
    mpsim_errors_clear(&errs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quantiles),
        cmocka_unit_test(test_bad_inputs),
        cmocka_unit_test(test_sobol_bad_spec),
        cmocka_unit_test(test_sobol_nan_output),
        cmocka_unit_test(test_sobol_model_fails),
        cmocka_unit_test(test_sobol_cancel),
        cmocka_unit_test(test_sobol_unwritten_output),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
