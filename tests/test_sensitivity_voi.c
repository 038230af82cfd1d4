/*
 * Value of information (engine/sensitivity/voi.c) on a two-alternative
 * normal case with a closed form: alternative 0 has net benefit 0, and
 * alternative 1 has X ~ N(mu, sigma^2).  Then
 *   EVPI = E[max(X, 0)] - max(mu, 0) = sigma phi(mu/sigma) + mu Phi(mu/sigma) - max(mu, 0),
 * the EVPPI of X itself is the EVPI, and the EVPPI of an input independent
 * of X is 0; the binned estimator's expectation for such an input is
 * g(sigma / sqrt(n_bin)) - g(sigma / sqrt(n)) with g(s) = E[max(0, N(mu, s^2))]
 * (docs/sensitivity.md), which the test uses at mu = 0 where it is largest.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

#include "mpsim.h"
#include "random/stream.h"

/* E[max(0, N(mu, s^2))]. */
static double g(double mu, double s)
{
    return s * gsl_ran_ugaussian_pdf(mu / s) + mu * gsl_cdf_ugaussian_P(mu / s);
}

/* nb[j * 2 + a] for the normal case; phi_x[j] = X_j, phi_z[j] an
 * independent uniform. */
typedef struct {
    size_t n;
    double *nb, *phi_x, *phi_z;
} normal_case;

static normal_case make_case(size_t n, double mu, double sigma, uint64_t seed)
{
    normal_case c = {n, calloc(2 * n, sizeof(double)), calloc(n, sizeof(double)),
                     calloc(n, sizeof(double))};
    assert_non_null(c.nb);
    assert_non_null(c.phi_x);
    assert_non_null(c.phi_z);
    uint64_t kx = mps_stream_key("test/voi/x"), kz = mps_stream_key("test/voi/z");
    for (size_t j = 0; j < n; j++) {
        double x = mu + sigma * gsl_cdf_ugaussian_Pinv(mps_uniform_at(seed, j, kx, 0));
        c.nb[2 * j] = 0.0;
        c.nb[2 * j + 1] = x;
        c.phi_x[j] = x;
        c.phi_z[j] = mps_uniform_at(seed, j, kz, 0);
    }
    return c;
}

static void free_case(normal_case *c)
{
    free(c->nb);
    free(c->phi_x);
    free(c->phi_z);
}

static void within_4se(const char *what, double est, double se, double exact)
{
    int ok = isfinite(est) && se > 0.0 && fabs(est - exact) <= 4.0 * se;
    if (!ok)
        print_error("%s = %.6f, se %.6f, exact %.6f\n", what, est, se, exact);
    assert_true(ok);
}

static void test_evpi_normal(void **state)
{
    (void)state;
    const double mus[3] = {0.2, -0.3, 0.0};
    for (int t = 0; t < 3; t++) {
        double mu = mus[t], sigma = 1.5;
        normal_case c = make_case(100000, mu, sigma, 11 + (uint64_t)t);
        mpsim_voi_result r;
        mpsim_errors errs = {0};
        assert_int_equal(mpsim_evpi(c.nb, c.n, 2, &r, &errs), MPSIM_OK);
        double exact = g(mu, sigma) - fmax(mu, 0.0);
        within_4se("EVPI", r.value, r.se, exact);
        /* The parts add up, and the best alternative is the one with the
         * larger mean (mu > 0: alternative 1). */
        assert_true(fabs(r.value - (r.expected_perfect - r.expected_current)) < 1e-12);
        if (mu > 0.0)
            assert_int_equal(r.best, 1);
        if (mu < 0.0)
            assert_int_equal(r.best, 0);
        free_case(&c);
    }
}

/* An alternative better on every sample leaves nothing to learn. */
static void test_evpi_dominated(void **state)
{
    (void)state;
    double nb[3 * 4] = {1, 2, 0, 5, 6, 1, -3, -1, -2, 0, 4, 3};
    mpsim_voi_result r;
    mpsim_errors errs = {0};
    assert_int_equal(mpsim_evpi(nb, 4, 3, &r, &errs), MPSIM_OK);
    assert_int_equal(r.best, 1);
    assert_true(r.value == 0.0 && r.se == 0.0);
    assert_true(r.expected_current == 11.0 / 4.0);
}

/* EVPPI of the only uncertain input is the EVPI; it cannot exceed the
 * EVPI estimated on the same samples (Jensen within each bin). */
static void test_evppi_only_input(void **state)
{
    (void)state;
    double mu = 0.2, sigma = 1.5;
    normal_case c = make_case(20000, mu, sigma, 21);
    mpsim_voi_result pi, ppi;
    mpsim_errors errs = {0};
    assert_int_equal(mpsim_evpi(c.nb, c.n, 2, &pi, &errs), MPSIM_OK);
    mpsim_evppi_spec s = {0};
    s.phi = c.phi_x;
    s.seed = 5;
    assert_int_equal(mpsim_evppi(c.nb, c.n, 2, &s, &ppi, &errs), MPSIM_OK);
    within_4se("EVPPI(x)", ppi.value, ppi.se, g(mu, sigma) - fmax(mu, 0.0));
    assert_true(ppi.value <= pi.value + 1e-12);
    /* Only the bin that straddles 0 loses anything: about a bin's width. */
    assert_true(pi.value - ppi.value < 1e-3);
    assert_true(fabs(ppi.expected_current - pi.expected_current) < 1e-12);
    assert_int_equal(ppi.best, 1);
    free_case(&c);
}

/* An input that says nothing about X: EVPPI is 0 but for the binned
 * estimator's bias, which at mu = 0 is sigma (1/sqrt(n_bin) - 1/sqrt(n))
 * / sqrt(2 pi); here the estimate must lie within 4 bootstrap se of that,
 * and a finer choice of bins moves it as the formula says. */
static void test_evppi_irrelevant_input(void **state)
{
    (void)state;
    double sigma = 1.5;
    size_t n = 20000;
    normal_case c = make_case(n, 0.0, sigma, 31);
    mpsim_errors errs = {0};
    unsigned bins[2] = {0, 25}; /* round(sqrt(n)) = 141 bins of about 142; 25 of 800 */
    for (int t = 0; t < 2; t++) {
        mpsim_evppi_spec s = {0};
        s.phi = c.phi_z;
        s.bins = bins[t];
        s.seed = 6;
        mpsim_voi_result r;
        assert_int_equal(mpsim_evppi(c.nb, n, 2, &s, &r, &errs), MPSIM_OK);
        double nbin = (double)n / (bins[t] ? bins[t] : floor(sqrt((double)n) + 0.5));
        double bias = g(0.0, sigma / sqrt(nbin)) - g(0.0, sigma / sqrt((double)n));
        within_4se("EVPPI(z)", r.value, r.se, bias);
        /* ... and it is far below the EVPI (0.6). */
        assert_true(r.value < 0.1 * g(0.0, sigma));
    }
    free_case(&c);
}

/* Determinism: the bootstrap is keyed by the seed. */
static void test_evppi_seeded(void **state)
{
    (void)state;
    normal_case c = make_case(2000, 0.1, 1.0, 41);
    mpsim_evppi_spec s = {0};
    s.phi = c.phi_x;
    s.seed = 9;
    mpsim_voi_result a, b, d;
    mpsim_errors errs = {0};
    assert_int_equal(mpsim_evppi(c.nb, c.n, 2, &s, &a, &errs), MPSIM_OK);
    assert_int_equal(mpsim_evppi(c.nb, c.n, 2, &s, &b, &errs), MPSIM_OK);
    s.seed = 10;
    assert_int_equal(mpsim_evppi(c.nb, c.n, 2, &s, &d, &errs), MPSIM_OK);
    assert_true(a.value == b.value && a.se == b.se);
    assert_true(a.value == d.value && a.se != d.se);
    free_case(&c);
}

static void test_errors(void **state)
{
    (void)state;
    double nb[8] = {0, 1, 0, 2, 0, NAN, 0, 4};
    double phi[4] = {1, 2, 3, INFINITY};
    mpsim_voi_result r;
    mpsim_errors errs = {0};
    assert_int_equal(mpsim_evpi(nb, 4, 2, &r, &errs), MPSIM_ERR_INPUT);
    assert_true(strstr(errs.items[0].message, "alternative 1 on sample 2") != NULL);
    assert_true(isnan(r.value));
    mpsim_errors_clear(&errs);
    assert_int_equal(mpsim_evpi(nb, 1, 2, &r, &errs), MPSIM_ERR_INPUT);
    mpsim_errors_clear(&errs);
    assert_int_equal(mpsim_evpi(nb, 4, 1, &r, &errs), MPSIM_ERR_INPUT);
    mpsim_errors_clear(&errs);
    nb[5] = 3;
    mpsim_evppi_spec s = {0};
    s.phi = phi;
    assert_int_equal(mpsim_evppi(nb, 4, 2, &s, &r, &errs), MPSIM_ERR_INPUT);
    assert_true(strstr(errs.items[0].message, "sample 3") != NULL);
    mpsim_errors_clear(&errs);
    phi[3] = 4;
    s.bins = 3;
    assert_int_equal(mpsim_evppi(nb, 4, 2, &s, &r, &errs), MPSIM_ERR_INPUT);
    assert_true(strstr(errs.items[0].message, "at most n / 2") != NULL);
    mpsim_errors_clear(&errs);
    s.bins = 2;
    s.bootstrap = 5;
    assert_int_equal(mpsim_evppi(nb, 4, 2, &s, &r, &errs), MPSIM_ERR_INPUT);
    mpsim_errors_clear(&errs);
    s.bootstrap = 0;
    assert_int_equal(mpsim_evppi(nb, 4, 2, NULL, &r, &errs), MPSIM_ERR_INPUT);
    mpsim_errors_clear(&errs);
    assert_int_equal(mpsim_evppi(nb, 4, 2, &s, &r, &errs), MPSIM_OK);
    /* Bins {1,2} and {3,4} of alternative 1 are all positive: EVPPI 0. */
    assert_true(r.value == 0.0);
}

/* ------------------------------------------------------------ regression */

/* Samples of two normal inputs X1 ~ N(mu, 1), X2 ~ N(0, 1), noise
 * Z ~ N(0, 1) and an independent pair U1, U2; phi holds (X1, X2, U1, U2)
 * per sample, and nb is chosen by each test. */
typedef struct {
    size_t n;
    double *x1, *x2, *z, *u;
} inputs4;

static inputs4 make_inputs(size_t n, double mu, uint64_t seed)
{
    inputs4 c = {n, calloc(n, sizeof(double)), calloc(n, sizeof(double)), calloc(n, sizeof(double)),
                 calloc(2 * n, sizeof(double))};
    assert_true(c.x1 && c.x2 && c.z && c.u);
    uint64_t k = mps_stream_key("test/voi/regression");
    for (size_t j = 0; j < n; j++) {
        c.x1[j] = mu + gsl_cdf_ugaussian_Pinv(mps_uniform_at(seed, j, k, 0));
        c.x2[j] = gsl_cdf_ugaussian_Pinv(mps_uniform_at(seed, j, k, 1));
        c.z[j] = gsl_cdf_ugaussian_Pinv(mps_uniform_at(seed, j, k, 2));
        c.u[2 * j] = mps_uniform_at(seed, j, k, 3);
        c.u[2 * j + 1] = gsl_cdf_ugaussian_Pinv(mps_uniform_at(seed, j, k, 4));
    }
    return c;
}

static void free_inputs(inputs4 *c)
{
    free(c->x1);
    free(c->x2);
    free(c->z);
    free(c->u);
}

static mpsim_voi_result evppi_ok(const double *nb, size_t n, const double *phi, size_t p,
                                 mpsim_evppi_method method, unsigned degree)
{
    mpsim_evppi_spec s = {0};
    s.phi = phi;
    s.n_inputs = p;
    s.method = method;
    s.degree = degree;
    s.seed = 77;
    s.bootstrap = 100;
    mpsim_voi_result r;
    mpsim_errors errs = {0};
    int st = mpsim_evppi(nb, n, 2, &s, &r, &errs);
    if (st != MPSIM_OK)
        mpsim_errors_print(&errs, stderr);
    assert_int_equal(st, MPSIM_OK);
    return r;
}

/* NB_1 = X1 + X2 + Z: E[NB_1 | X1, X2] = X1 + X2 ~ N(mu, 2), so
 * EVPPI(X1, X2) = g(mu, sqrt 2) - max(mu, 0), EVPPI(X1) = g(mu, 1) - max(mu, 0);
 * the fits are exact in expectation for any degree >= 1. */
static void test_evppi_regression_linear(void **state)
{
    (void)state;
    double mu = 0.2;
    size_t n = 10000;
    inputs4 c = make_inputs(n, mu, 51);
    double *nb = calloc(2 * n, sizeof(double)), *phi = calloc(2 * n, sizeof(double));
    assert_true(nb && phi);
    for (size_t j = 0; j < n; j++) {
        nb[2 * j + 1] = c.x1[j] + c.x2[j] + c.z[j];
        phi[2 * j] = c.x1[j];
        phi[2 * j + 1] = c.x2[j];
    }
    /* AUTO chooses regression for two inputs. */
    mpsim_voi_result r = evppi_ok(nb, n, phi, 2, MPSIM_EVPPI_AUTO, 0);
    within_4se("EVPPI(x1, x2)", r.value, r.se, g(mu, sqrt(2.0)) - mu);
    assert_int_equal(r.best, 1);
    r = evppi_ok(nb, n, phi, 2, MPSIM_EVPPI_REGRESSION, 3);
    within_4se("EVPPI(x1, x2), cubic", r.value, r.se, g(mu, sqrt(2.0)) - mu);
    /* One input, by regression and by bins. */
    r = evppi_ok(nb, n, c.x1, 1, MPSIM_EVPPI_REGRESSION, 1);
    within_4se("EVPPI(x1), linear", r.value, r.se, g(mu, 1.0) - mu);
    r = evppi_ok(nb, n, c.x1, 1, MPSIM_EVPPI_BINNED, 0);
    within_4se("EVPPI(x1), binned", r.value, r.se, g(mu, 1.0) - mu);
    /* An independent pair: 0, but for the fit's noise, which is at most
     * sd(NB_1) sqrt((terms - 1) / n) / sqrt(2 pi) in expectation (6 terms). */
    r = evppi_ok(nb, n, c.u, 2, MPSIM_EVPPI_REGRESSION, 2);
    double bound = sqrt(3.0) * sqrt(5.0 / (double)n) / sqrt(2.0 * 3.14159265358979323846);
    if (!(r.value >= -4.0 * r.se && r.value <= bound + 4.0 * r.se))
        print_error("EVPPI(u) = %.5f, se %.5f, bound %.5f\n", r.value, r.se, bound);
    assert_true(r.value >= -4.0 * r.se && r.value <= bound + 4.0 * r.se);
    free(nb);
    free(phi);
    free_inputs(&c);
}

/* NB_1 = X2^2 - 1 + Z: E[NB_1 | X2] = X2^2 - 1, so
 * EVPPI(X2) = E[(X2^2 - 1)^+] = 2 phi(1) (the mean is 0, so the current
 * choice gains nothing).  A quadratic fit finds it; a straight line
 * cannot (the documented downward bias of a misspecified fit). */
static void test_evppi_regression_quadratic(void **state)
{
    (void)state;
    size_t n = 10000;
    inputs4 c = make_inputs(n, 0.0, 61);
    double *nb = calloc(2 * n, sizeof(double));
    assert_non_null(nb);
    for (size_t j = 0; j < n; j++)
        nb[2 * j + 1] = c.x2[j] * c.x2[j] - 1.0 + c.z[j];
    double exact = 2.0 * gsl_ran_ugaussian_pdf(1.0);
    mpsim_voi_result r = evppi_ok(nb, n, c.x2, 1, MPSIM_EVPPI_REGRESSION, 0);
    within_4se("EVPPI(x2), quadratic", r.value, r.se, exact);
    r = evppi_ok(nb, n, c.x2, 1, MPSIM_EVPPI_REGRESSION, 1);
    assert_true(r.value < 0.25 * exact);
    free(nb);
    free_inputs(&c);
}

static void test_evppi_regression_errors(void **state)
{
    (void)state;
    double nb[2 * 12], phi[2 * 12];
    for (size_t j = 0; j < 12; j++) {
        nb[2 * j] = 0.0;
        nb[2 * j + 1] = (double)j - 5.5;
        phi[2 * j] = (double)(j % 4);
        phi[2 * j + 1] = 1.0;
    }
    mpsim_evppi_spec s = {0};
    s.phi = phi;
    s.n_inputs = 2;
    mpsim_voi_result r;
    mpsim_errors errs = {0};
    /* The second input never varies. */
    assert_int_equal(mpsim_evppi(nb, 12, 2, &s, &r, &errs), MPSIM_ERR_INPUT);
    assert_true(strstr(errs.items[0].message, "input 1 takes one value") != NULL);
    assert_true(isnan(r.value));
    mpsim_errors_clear(&errs);
    /* Too many terms for 12 samples: degree 3 in 2 inputs has 10. */
    s.degree = 3;
    assert_int_equal(mpsim_evppi(nb, 12, 2, &s, &r, &errs), MPSIM_ERR_INPUT);
    assert_true(strstr(errs.items[0].message, "10 terms") != NULL);
    mpsim_errors_clear(&errs);
    s.degree = 7;
    assert_int_equal(mpsim_evppi(nb, 12, 2, &s, &r, &errs), MPSIM_ERR_INPUT);
    mpsim_errors_clear(&errs);
    /* Bins take one input. */
    s.degree = 0;
    s.method = MPSIM_EVPPI_BINNED;
    assert_int_equal(mpsim_evppi(nb, 12, 2, &s, &r, &errs), MPSIM_ERR_INPUT);
    assert_true(strstr(errs.items[0].message, "one input") != NULL);
    mpsim_errors_clear(&errs);
    s.method = (mpsim_evppi_method)9;
    assert_int_equal(mpsim_evppi(nb, 12, 2, &s, &r, &errs), MPSIM_ERR_INPUT);
    mpsim_errors_clear(&errs);
    /* Four distinct values cannot carry a degree-4 polynomial. */
    s.method = MPSIM_EVPPI_REGRESSION;
    s.n_inputs = 1;
    s.degree = 4;
    double phi1[12];
    for (size_t j = 0; j < 12; j++)
        phi1[j] = (double)(j % 4);
    s.phi = phi1;
    assert_int_equal(mpsim_evppi(nb, 12, 2, &s, &r, &errs), MPSIM_ERR_INPUT);
    assert_true(strstr(errs.items[0].message, "rank-deficient") != NULL);
    mpsim_errors_clear(&errs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_evpi_normal),
        cmocka_unit_test(test_evpi_dominated),
        cmocka_unit_test(test_evppi_only_input),
        cmocka_unit_test(test_evppi_irrelevant_input),
        cmocka_unit_test(test_evppi_seeded),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_evppi_regression_linear),
        cmocka_unit_test(test_evppi_regression_quadratic),
        cmocka_unit_test(test_evppi_regression_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
