/*
 * Tests of the input distributions (engine/random/dist.c): exact central
 * values against hand-computed numbers, quantiles against GSL's CDFs, and
 * sampling moments within 4 standard errors computed from the sample.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_rng.h>

#include "random/dist.h"
#include "random/quantile.h"
#include "random/stream.h"

enum { N_SAMPLES = 200000 };

static mps_dist mk(mps_dist_kind kind, double a, double b, double c)
{
    mps_dist d = {kind, a, b, c};
    return d;
}

static void assert_close(double got, double want, double rel)
{
    double tol = rel * (fabs(want) > 1.0 ? fabs(want) : 1.0);
    if (!(fabs(got - want) <= tol))
        fail_msg("got %.17g, want %.17g (tolerance %.3g)", got, want, tol);
}

/* Lognormal from median 25 and p90 90, converted as model.md section 3
 * says: sigma = ln(90/25) / z_0.9. */
static mps_dist lognormal_25_90(void)
{
    return mk(MPS_DIST_LOGNORMAL, log(25.0), log(3.6) / 1.2815515655446004, 0.0);
}

/* CDF of Beta(2, 4) written out: I_x(2, 4) = sum_{j=2}^{5} C(5,j) x^j (1-x)^(5-j).
 * Summed term by term (all positive) so the lower tail keeps full relative
 * precision, which 1 - (1-x)^5 - 5x(1-x)^4 would lose to cancellation. */
static double beta24_cdf(double x)
{
    double y = 1.0 - x, x2 = x * x;
    return 10.0 * x2 * y * y * y + 10.0 * x2 * x * y * y + 5.0 * x2 * x2 * y + x2 * x2 * x;
}

/* Independent root of the polynomial CDF by plain bisection. */
static double beta24_quantile(double p)
{
    double lo = 0.0, hi = 1.0;
    for (int i = 0; i < 200; ++i) {
        double mid = 0.5 * (lo + hi);
        if (beta24_cdf(mid) < p)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

/* Central values worked by hand (each line says how). */
static void test_central_values(void **state)
{
    (void)state;
    mps_dist fx = mps_dist_fixed(2.5);
    assert_true(mps_dist_mean(&fx) == 2.5 && mps_dist_median(&fx) == 2.5);
    assert_true(mps_dist_mode(&fx) == 2.5 && mps_dist_variance(&fx) == 0.0);

    mps_dist nm = mk(MPS_DIST_NORMAL, 10.0, 2.0, 0.0);
    assert_true(mps_dist_mean(&nm) == 10.0 && mps_dist_median(&nm) == 10.0);
    assert_true(mps_dist_mode(&nm) == 10.0 && mps_dist_variance(&nm) == 4.0);

    /* Lognormal median 25, p90 90: sigma = 0.99951799045848..., mean
     * 25 exp(sigma^2/2) = 41.198173856..., mode 25 exp(-sigma^2) = 9.2058548... */
    mps_dist ln = lognormal_25_90();
    assert_close(ln.b, 0.9995179904584849, 1e-14);
    assert_close(mps_dist_median(&ln), 25.0, 1e-14);
    assert_close(mps_dist_mean(&ln), 41.19817385614961, 1e-13);
    assert_close(mps_dist_mode(&ln), 9.205854235402786, 1e-13);
    assert_close(mps_dist_quantile(&ln, 0.9), 90.0, 1e-12);
    /* Var = (e^{s^2} - 1) e^{2 mu + s^2} = mean^2 (e^{s^2} - 1). */
    double m = mps_dist_mean(&ln);
    assert_close(mps_dist_variance(&ln), m * m * expm1(ln.b * ln.b), 1e-13);

    /* Triangular(0, 1, 4): mean 5/3; mode 1 < midpoint 2, so the median is
     * 4 - sqrt(4 * 3 / 2) = 4 - sqrt 6; variance (0 + 1 + 16 - 0 - 0 - 4)/18. */
    mps_dist tr = mk(MPS_DIST_TRIANGULAR, 0.0, 1.0, 4.0);
    assert_close(mps_dist_mean(&tr), 5.0 / 3.0, 1e-15);
    assert_close(mps_dist_median(&tr), 1.5505102572168221, 1e-15);
    assert_true(mps_dist_mode(&tr) == 1.0);
    assert_close(mps_dist_variance(&tr), 13.0 / 18.0, 1e-15);
    /* Mirror image, mode 3: median sqrt 6. */
    mps_dist tr2 = mk(MPS_DIST_TRIANGULAR, 0.0, 3.0, 4.0);
    assert_close(mps_dist_median(&tr2), sqrt(6.0), 1e-15);

    /* PERT(0, 1, 4): alpha = 1 + 4/4 = 2, beta = 1 + 4*3/4 = 4; mean
     * (0 + 4 + 4)/6 = 4/3; variance (mean - min)(max - mean)/7 = 32/63
     * (= 16 * 2*4 / (36 * 7)); median 4 x the Beta(2,4) median. */
    mps_dist pe = mk(MPS_DIST_PERT, 0.0, 1.0, 4.0);
    assert_close(mps_dist_mean(&pe), 4.0 / 3.0, 1e-15);
    assert_close(mps_dist_variance(&pe), 32.0 / 63.0, 1e-15);
    assert_true(mps_dist_mode(&pe) == 1.0);
    assert_close(mps_dist_median(&pe), 4.0 * beta24_quantile(0.5), 1e-13);
    assert_close(gsl_cdf_beta_P(mps_dist_median(&pe) / 4.0, 2.0, 4.0), 0.5, 1e-14);
    /* PERT(0, 0, 1) is Beta(1, 5): median 1 - 2^(-1/5). */
    mps_dist pe0 = mk(MPS_DIST_PERT, 0.0, 0.0, 1.0);
    assert_close(mps_dist_median(&pe0), 0.12944943670387588, 1e-15);
    /* Symmetric PERT: median at the midpoint. */
    mps_dist pes = mk(MPS_DIST_PERT, 2.0, 5.0, 8.0);
    assert_close(mps_dist_median(&pes), 5.0, 1e-15);

    /* Uniform(2, 5): mean, median and (by convention) mode 3.5; var 9/12. */
    mps_dist un = mk(MPS_DIST_UNIFORM, 2.0, 5.0, 0.0);
    assert_true(mps_dist_mean(&un) == 3.5 && mps_dist_median(&un) == 3.5);
    assert_true(mps_dist_mode(&un) == 3.5 && mps_dist_variance(&un) == 0.75);

    /* Poisson(3.7): CDF(3) = 0.49415, CDF(4) = 0.68722, so median 4; mode
     * floor(3.7) = 3.  Poisson(4): CDF(3) = 0.43347, CDF(4) = 0.62884, median
     * 4.  Poisson(0.5): CDF(0) = e^-0.5 = 0.6065, median 0. */
    mps_dist po = mk(MPS_DIST_POISSON, 3.7, 0.0, 0.0);
    assert_true(mps_dist_mean(&po) == 3.7 && mps_dist_variance(&po) == 3.7);
    assert_true(mps_dist_median(&po) == 4.0 && mps_dist_mode(&po) == 3.0);
    mps_dist po4 = mk(MPS_DIST_POISSON, 4.0, 0.0, 0.0);
    assert_true(mps_dist_median(&po4) == 4.0 && mps_dist_mode(&po4) == 4.0);
    mps_dist pos = mk(MPS_DIST_POISSON, 0.5, 0.0, 0.0);
    assert_true(mps_dist_median(&pos) == 0.0 && mps_dist_mode(&pos) == 0.0);
    /* A large mean: the median is within 1/3 of the mean (Choi 1994). */
    mps_dist pol = mk(MPS_DIST_POISSON, 12345.6, 0.0, 0.0);
    assert_true(fabs(mps_dist_median(&pol) - 12345.6) <= 1.0);
    assert_true(gsl_cdf_poisson_P((unsigned)mps_dist_median(&pol), 12345.6) >= 0.5);
    assert_true(gsl_cdf_poisson_P((unsigned)mps_dist_median(&pol) - 1u, 12345.6) < 0.5);

    /* mps_dist_central dispatches on the rule. */
    assert_true(mps_dist_central(&po, MPS_CENTRAL_MEAN) == 3.7);
    assert_true(mps_dist_central(&po, MPS_CENTRAL_MEDIAN) == 4.0);
    assert_true(mps_dist_central(&po, MPS_CENTRAL_MODE) == 3.0);
    assert_close(mps_dist_central(&ln, MPS_CENTRAL_MEDIAN), 25.0, 1e-14);
}

/* Quantiles invert GSL's CDFs (and the hand-written Beta(2,4) CDF). */
static void test_quantiles(void **state)
{
    (void)state;
    static const double ps[] = {1e-12, 1e-6, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 1 - 1e-9};
    mps_dist nm = mk(MPS_DIST_NORMAL, 10.0, 2.0, 0.0);
    mps_dist ln = lognormal_25_90();
    mps_dist un = mk(MPS_DIST_UNIFORM, 2.0, 5.0, 0.0);
    mps_dist tr = mk(MPS_DIST_TRIANGULAR, 0.0, 1.0, 4.0);
    mps_dist pe = mk(MPS_DIST_PERT, 0.0, 1.0, 4.0);
    mps_dist pe2 = mk(MPS_DIST_PERT, 0.5, 0.9, 3.0); /* non-integer shapes */
    for (size_t i = 0; i < sizeof ps / sizeof ps[0]; ++i) {
        double p = ps[i];
        assert_close(gsl_cdf_gaussian_P(mps_dist_quantile(&nm, p) - 10.0, 2.0), p, 1e-12);
        assert_close(gsl_cdf_lognormal_P(mps_dist_quantile(&ln, p), ln.a, ln.b), p, 1e-12);
        assert_close((mps_dist_quantile(&un, p) - 2.0) / 3.0, p, 1e-15);
        double x = mps_dist_quantile(&tr, p);
        double f = x < 1.0 ? x * x / 4.0 : 1.0 - (4.0 - x) * (4.0 - x) / 12.0;
        assert_close(f, p, 1e-12);
        /* Against the independent root where x is well conditioned; in the
         * upper tail the density is ~1e-6, so p's own rounding moves x by
         * ~1e-10 and only F(x) = p can be asked of it. */
        double xq = mps_dist_quantile(&pe, p) / 4.0;
        if (p <= 0.99)
            assert_close(xq, beta24_quantile(p), 1e-13);
        assert_true(fabs(beta24_cdf(xq) - p) <= fmax(1e-13 * p, 4e-16));
        /* alpha = 1 + 4 * 0.4 / 2.5, beta = 1 + 4 * 2.1 / 2.5. */
        double y = (mps_dist_quantile(&pe2, p) - 0.5) / 2.5;
        assert_close(gsl_cdf_beta_P(y, 1.64, 4.36), p, 1e-12);
    }
    /* Poisson: smallest k with CDF >= p. */
    mps_dist po = mk(MPS_DIST_POISSON, 3.7, 0.0, 0.0);
    for (size_t i = 0; i < sizeof ps / sizeof ps[0]; ++i) {
        double k = mps_dist_quantile(&po, ps[i]);
        assert_true(gsl_cdf_poisson_P((unsigned)k, 3.7) >= ps[i]);
        if (k > 0.0)
            assert_true(gsl_cdf_poisson_P((unsigned)k - 1u, 3.7) < ps[i]);
    }
    assert_true(mps_dist_quantile(&po, 0.0) == 0.0);
    assert_true(isfinite(mps_dist_quantile(&po, 1.0)));
}

static void test_degenerate(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(mps_rng_philox);
    mps_rng_seat(r, 1u, 0u, mps_stream_key("test/degenerate"));
    mps_dist nm = mk(MPS_DIST_NORMAL, 0.1, 0.0, 0.0);
    mps_dist ln = mk(MPS_DIST_LOGNORMAL, 0.3, 0.0, 0.0);
    mps_dist tr = mk(MPS_DIST_TRIANGULAR, 2.0, 2.0, 2.0);
    mps_dist pe = mk(MPS_DIST_PERT, 2.0, 2.0, 2.0);
    mps_dist un = mk(MPS_DIST_UNIFORM, 2.0, 2.0, 0.0);
    mps_dist po = mk(MPS_DIST_POISSON, 0.0, 0.0, 0.0);
    mps_dist fx = mps_dist_fixed(-7.25);
    for (int i = 0; i < 10; ++i) {
        assert_true(mps_dist_sample(&nm, r) == 0.1);
        assert_true(mps_dist_sample(&ln, r) == exp(0.3));
        assert_true(mps_dist_sample(&tr, r) == 2.0);
        assert_true(mps_dist_sample(&pe, r) == 2.0);
        assert_true(mps_dist_sample(&un, r) == 2.0);
        assert_true(mps_dist_sample(&po, r) == 0.0);
        assert_true(mps_dist_sample(&fx, r) == -7.25);
    }
    assert_true(mps_dist_median(&pe) == 2.0 && mps_dist_median(&tr) == 2.0);
    gsl_rng_free(r);
}

/* Draws N samples of d from its own stream and checks, all with 4
 * standard errors estimated from the sample itself:
 *  - the mean (SE = s / sqrt(N));
 *  - the variance (SE of the sample variance = sqrt((m4 - s^4) / N));
 *  - the median: the count of draws <= the analytic median is
 *    Binomial(N, F(median)), F(median) = 1/2 for continuous kinds, and the
 *    count below it Binomial(N, F(median-)) for Poisson;
 *  - the support bounds lo <= x <= hi. */
static void check_samples(const mps_dist *d, const char *name, double lo, double hi)
{
    gsl_rng *r = gsl_rng_alloc(mps_rng_philox);
    mps_rng_seat(r, 20250101u, 0u, mps_stream_key(name));
    double *x = malloc(sizeof(double) * N_SAMPLES);
    assert_non_null(x);
    double median = mps_dist_median(d), sum = 0.0;
    long at_or_below = 0, below = 0;
    for (int i = 0; i < N_SAMPLES; ++i) {
        x[i] = mps_dist_sample(d, r);
        if (!(x[i] >= lo && x[i] <= hi))
            fail_msg("%s: draw %.17g outside [%g, %g]", name, x[i], lo, hi);
        sum += x[i];
        at_or_below += x[i] <= median;
        below += x[i] < median;
    }
    const double n = N_SAMPLES;
    double mean = sum / n, m2 = 0.0, m4 = 0.0;
    for (int i = 0; i < N_SAMPLES; ++i) {
        double e = x[i] - mean;
        m2 += e * e;
        m4 += e * e * e * e;
    }
    double var = m2 / (n - 1.0);
    m4 /= n;
    double se_mean = sqrt(var / n), se_var = sqrt((m4 - var * var) / n);
    if (fabs(mean - mps_dist_mean(d)) > 4.0 * se_mean)
        fail_msg("%s: mean %.6g, want %.6g (4 SE = %.3g)", name, mean, mps_dist_mean(d),
                 4.0 * se_mean);
    if (fabs(var - mps_dist_variance(d)) > 4.0 * se_var)
        fail_msg("%s: variance %.6g, want %.6g (4 SE = %.3g)", name, var,
                 mps_dist_variance(d), 4.0 * se_var);

    double f_hi = 0.5, f_lo = 0.5; /* F(median), F(median-) */
    if (d->kind == MPS_DIST_POISSON) {
        f_hi = gsl_cdf_poisson_P((unsigned)median, d->a);
        f_lo = median > 0.0 ? gsl_cdf_poisson_P((unsigned)median - 1u, d->a) : 0.0;
    }
    if (fabs(at_or_below - n * f_hi) > 4.0 * sqrt(n * f_hi * (1.0 - f_hi)) + 0.5 ||
        fabs(below - n * f_lo) > 4.0 * sqrt(n * f_lo * (1.0 - f_lo)) + 0.5)
        fail_msg("%s: %ld draws <= median %.6g and %ld below, want %.0f and %.0f", name,
                 at_or_below, median, below, n * f_hi, n * f_lo);
    free(x);
    gsl_rng_free(r);
}

static void test_sample_normal(void **state)
{
    (void)state;
    mps_dist d = mk(MPS_DIST_NORMAL, 10.0, 2.0, 0.0);
    check_samples(&d, "test/normal", -INFINITY, INFINITY);
}

static void test_sample_lognormal(void **state)
{
    (void)state;
    mps_dist d = mk(MPS_DIST_LOGNORMAL, log(1.2), 0.25, 0.0);
    check_samples(&d, "test/lognormal", 0.0, INFINITY);
    /* The heavy-tailed spillover-like case: the 4 SE bands come from the
     * sample's own moments, so they widen with the tail. */
    mps_dist w = lognormal_25_90();
    check_samples(&w, "test/lognormal-wide", 0.0, INFINITY);
}

static void test_sample_triangular(void **state)
{
    (void)state;
    mps_dist d = mk(MPS_DIST_TRIANGULAR, 0.9, 1.1, 2.0);
    check_samples(&d, "test/triangular", 0.9, 2.0);
    mps_dist e = mk(MPS_DIST_TRIANGULAR, 0.0, 0.0, 1.0); /* mode at min */
    check_samples(&e, "test/triangular-edge", 0.0, 1.0);
}

static void test_sample_pert(void **state)
{
    (void)state;
    mps_dist d = mk(MPS_DIST_PERT, 0.0, 1.0, 4.0);
    check_samples(&d, "test/pert", 0.0, 4.0);
    mps_dist e = mk(MPS_DIST_PERT, 0.8, 1.0, 3.0);
    check_samples(&e, "test/pert-skew", 0.8, 3.0);
}

static void test_sample_uniform(void **state)
{
    (void)state;
    mps_dist d = mk(MPS_DIST_UNIFORM, -1.0, 3.0, 0.0);
    check_samples(&d, "test/uniform", -1.0, 3.0);
}

static void test_sample_poisson(void **state)
{
    (void)state;
    mps_dist d = mk(MPS_DIST_POISSON, 3.7, 0.0, 0.0);
    check_samples(&d, "test/poisson", 0.0, INFINITY);
    mps_dist s = mk(MPS_DIST_POISSON, 0.05, 0.0, 0.0); /* rare discoveries */
    check_samples(&s, "test/poisson-rare", 0.0, INFINITY);
    mps_dist l = mk(MPS_DIST_POISSON, 250.0, 0.0, 0.0);
    check_samples(&l, "test/poisson-large", 0.0, INFINITY);
}

/* Kolmogorov-Smirnov of PERT and triangular draws against their CDFs:
 * moments alone would not notice a wrong shape with the right mean and
 * variance.  Fails if sqrt(N) D exceeds 2.2 (asymptotic tail 2 e^{-2 x^2}
 * about 1e-4). */
static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void test_ks_shapes(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(mps_rng_philox);
    double *x = malloc(sizeof(double) * N_SAMPLES);
    assert_non_null(x);
    mps_dist pe = mk(MPS_DIST_PERT, 0.0, 1.0, 4.0);
    mps_dist tr = mk(MPS_DIST_TRIANGULAR, 0.0, 1.0, 4.0);
    for (int which = 0; which < 2; ++which) {
        const mps_dist *d = which == 0 ? &pe : &tr;
        mps_rng_seat(r, 5u, 1u, mps_stream_key(which == 0 ? "test/ks-pert" : "test/ks-tri"));
        for (int i = 0; i < N_SAMPLES; ++i)
            x[i] = mps_dist_sample(d, r);
        qsort(x, N_SAMPLES, sizeof(double), cmp_double);
        double dmax = 0.0;
        for (int i = 0; i < N_SAMPLES; ++i) {
            double f = which == 0 ? beta24_cdf(x[i] / 4.0)
                                  : (x[i] < 1.0 ? x[i] * x[i] / 4.0
                                                : 1.0 - (4.0 - x[i]) * (4.0 - x[i]) / 12.0);
            double d1 = fabs(f - (double)i / N_SAMPLES);
            double d2 = fabs((double)(i + 1) / N_SAMPLES - f);
            dmax = d1 > dmax ? d1 : dmax;
            dmax = d2 > dmax ? d2 : dmax;
        }
        if (sqrt((double)N_SAMPLES) * dmax > 2.2)
            fail_msg("KS statistic %.4g too large (%s)", sqrt((double)N_SAMPLES) * dmax,
                     which == 0 ? "pert" : "triangular");
    }
    free(x);
    gsl_rng_free(r);
}

/* Sampling is a pure function of the stream: reseating repeats the draws. */
static void test_sample_repeatable(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(mps_rng_philox);
    mps_dist ds[] = {
        mk(MPS_DIST_NORMAL, 0.0, 1.0, 0.0),     mk(MPS_DIST_LOGNORMAL, 0.0, 1.0, 0.0),
        mk(MPS_DIST_TRIANGULAR, 0.0, 1.0, 2.0), mk(MPS_DIST_PERT, 0.0, 1.0, 2.0),
        mk(MPS_DIST_UNIFORM, 0.0, 1.0, 0.0),    mk(MPS_DIST_POISSON, 2.0, 0.0, 0.0),
    };
    for (size_t k = 0; k < sizeof ds / sizeof ds[0]; ++k) {
        double first[8];
        mps_rng_seat(r, 3u, 17u, mps_stream_key("test/repeat"));
        for (int i = 0; i < 8; ++i)
            first[i] = mps_dist_sample(&ds[k], r);
        mps_rng_seat(r, 3u, 17u, mps_stream_key("test/repeat"));
        for (int i = 0; i < 8; ++i)
            assert_true(mps_dist_sample(&ds[k], r) == first[i]);
    }
    gsl_rng_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_central_values),  cmocka_unit_test(test_quantiles),
        cmocka_unit_test(test_degenerate),      cmocka_unit_test(test_sample_normal),
        cmocka_unit_test(test_sample_lognormal), cmocka_unit_test(test_sample_triangular),
        cmocka_unit_test(test_sample_pert),     cmocka_unit_test(test_sample_uniform),
        cmocka_unit_test(test_sample_poisson),  cmocka_unit_test(test_ks_shapes),
        cmocka_unit_test(test_sample_repeatable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
