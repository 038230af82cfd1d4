/*
 * Sampling distributions through GSL, and their exact central values
 * (model.md section 3).  Parameters are assumed validated by the loader
 * (sd, sigma >= 0; min <= mode <= max; min <= max; mean >= 0).
 *
 * A degenerate distribution (zero spread) returns its single value without
 * drawing, so it is exact rather than "a + 0 * noise".  Each input has its
 * own stream, so whether a draw is consumed affects nothing else.
 */
#include "random/dist.h"
#include "random/quantile.h"

#include <float.h>
#include <math.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

/* Beta-PERT shape parameters with lambda = 4 (Vose 2008; model.md section
 * 3).  Requires max > min. */
static void mps_pert_shape(const mps_dist *d, double *alpha, double *beta)
{
    double range = d->c - d->a;
    *alpha = 1.0 + 4.0 * (d->b - d->a) / range;
    *beta = 1.0 + 4.0 * (d->c - d->b) / range;
}

/* Inverse CDF of the triangular distribution (min a, mode m, max c) at u;
 * requires c > a. */
static double mps_triangular_inv(double a, double m, double c, double u)
{
    double range = c - a;
    double fm = (m - a) / range; /* CDF at the mode */
    if (u < fm)
        return a + sqrt(u * range * (m - a));
    return c - sqrt((1.0 - u) * range * (c - m));
}

/* The p-quantile of Beta(alpha, beta), to full double precision, by Newton
 * steps on gsl_cdf_beta_P kept inside a shrinking bracket (a step that
 * leaves it becomes a bisection).  gsl_cdf_beta_Pinv is not used: it is
 * less accurate (about 1e-10) and reports non-convergence through GSL's
 * error handler, which by default aborts. */
static double mps_beta_quantile(double p, double alpha, double beta)
{
    if (p <= 0.0)
        return 0.0;
    if (p >= 1.0)
        return 1.0;
    /* Closed forms where one shape is 1: F(x) = x^alpha or 1 - (1-x)^beta. */
    if (beta == 1.0)
        return pow(p, 1.0 / alpha);
    if (alpha == 1.0)
        return -expm1(log1p(-p) / beta);
    if (alpha == beta && p == 0.5)
        return 0.5;

    double lo = 0.0, hi = 1.0;
    double x = alpha / (alpha + beta); /* the mean: near the body */
    for (int it = 0; it < 200; ++it) {
        double f = gsl_cdf_beta_P(x, alpha, beta) - p;
        if (f == 0.0)
            break;
        if (f < 0.0)
            lo = x;
        else
            hi = x;
        double dens = gsl_ran_beta_pdf(x, alpha, beta);
        double next = dens > 0.0 ? x - f / dens : 0.5 * (lo + hi);
        if (!(next > lo && next < hi))
            next = 0.5 * (lo + hi);
        double step = fabs(next - x);
        x = next;
        if (step <= 2.0 * DBL_EPSILON * x || hi - lo <= 2.0 * DBL_EPSILON * hi)
            break;
    }
    return x;
}

/* Smallest k >= 0 with P(K <= k) >= p for K ~ Poisson(mean).  Starts at
 * floor(mean), where the answer lies within a few standard deviations. */
static double mps_poisson_quantile(double p, double mean)
{
    if (p <= 0.0 || mean <= 0.0)
        return 0.0;
    double k = floor(mean);
    if (gsl_cdf_poisson_P((unsigned)k, mean) >= p) {
        while (k > 0.0 && gsl_cdf_poisson_P((unsigned)(k - 1.0), mean) >= p)
            k -= 1.0;
        return k;
    }
    /* The CDF rounds to 1.0 within about 9 standard deviations; the cap
     * only guards p == 1 against an endless walk, and stays where the upper
     * tail (above 1e-60) cannot underflow inside GSL, whose underflow
     * error would reach the error handler. */
    double cap = floor(mean + 12.0 * sqrt(mean) + 20.0);
    while (k < cap && gsl_cdf_poisson_P((unsigned)k, mean) < p)
        k += 1.0;
    return k;
}

double mps_dist_sample(const mps_dist *d, gsl_rng *r)
{
    switch (d->kind) {
    case MPS_DIST_FIXED:
        return d->a;
    case MPS_DIST_NORMAL:
        if (d->b == 0.0)
            return d->a;
        return d->a + gsl_ran_gaussian_ziggurat(r, d->b);
    case MPS_DIST_LOGNORMAL:
        if (d->b == 0.0)
            return exp(d->a);
        return gsl_ran_lognormal(r, d->a, d->b);
    case MPS_DIST_TRIANGULAR:
        if (d->c == d->a)
            return d->a;
        /* uniform_pos keeps u off 0, so the draw never sits on min exactly
         * (both ends then have probability zero, as they should). */
        return mps_triangular_inv(d->a, d->b, d->c, gsl_rng_uniform_pos(r));
    case MPS_DIST_PERT: {
        if (d->c == d->a)
            return d->a;
        double alpha, beta;
        mps_pert_shape(d, &alpha, &beta);
        return d->a + (d->c - d->a) * gsl_ran_beta(r, alpha, beta);
    }
    case MPS_DIST_UNIFORM:
        if (d->b == d->a)
            return d->a;
        return gsl_ran_flat(r, d->a, d->b);
    case MPS_DIST_POISSON:
        if (d->a <= 0.0)
            return 0.0;
        return (double)gsl_ran_poisson(r, d->a);
    }
    return NAN;
}

double mps_dist_mean(const mps_dist *d)
{
    switch (d->kind) {
    case MPS_DIST_FIXED:
    case MPS_DIST_NORMAL:
    case MPS_DIST_POISSON:
        return d->a;
    case MPS_DIST_LOGNORMAL:
        return exp(d->a + 0.5 * d->b * d->b);
    case MPS_DIST_TRIANGULAR:
        return (d->a + d->b + d->c) / 3.0;
    case MPS_DIST_PERT:
        return (d->a + 4.0 * d->b + d->c) / 6.0;
    case MPS_DIST_UNIFORM:
        return 0.5 * (d->a + d->b);
    }
    return NAN;
}

double mps_dist_median(const mps_dist *d)
{
    switch (d->kind) {
    case MPS_DIST_FIXED:
    case MPS_DIST_NORMAL:
        return d->a;
    case MPS_DIST_LOGNORMAL:
        return exp(d->a);
    case MPS_DIST_TRIANGULAR: {
        double a = d->a, m = d->b, c = d->c;
        if (c == a)
            return a;
        /* The half of the support holding the mode holds at least half
         * the mass, so the median lies on the mode's side. */
        if (m >= 0.5 * (a + c))
            return a + sqrt(0.5 * (c - a) * (m - a));
        return c - sqrt(0.5 * (c - a) * (c - m));
    }
    case MPS_DIST_PERT: {
        if (d->c == d->a)
            return d->a;
        double alpha, beta;
        mps_pert_shape(d, &alpha, &beta);
        return d->a + (d->c - d->a) * mps_beta_quantile(0.5, alpha, beta);
    }
    case MPS_DIST_UNIFORM:
        return 0.5 * (d->a + d->b);
    case MPS_DIST_POISSON:
        return mps_poisson_quantile(0.5, d->a);
    }
    return NAN;
}

double mps_dist_mode(const mps_dist *d)
{
    switch (d->kind) {
    case MPS_DIST_FIXED:
    case MPS_DIST_NORMAL:
        return d->a;
    case MPS_DIST_LOGNORMAL:
        return exp(d->a - d->b * d->b);
    case MPS_DIST_TRIANGULAR:
    case MPS_DIST_PERT:
        return d->b;
    case MPS_DIST_UNIFORM:
        return 0.5 * (d->a + d->b);
    case MPS_DIST_POISSON:
        /* For integer means mean and mean - 1 are both modes; model.md
         * section 3 fixes floor(mean). */
        return floor(d->a);
    }
    return NAN;
}

double mps_dist_central(const mps_dist *d, mps_central how)
{
    switch (how) {
    case MPS_CENTRAL_MEDIAN:
        return mps_dist_median(d);
    case MPS_CENTRAL_MODE:
        return mps_dist_mode(d);
    case MPS_CENTRAL_MEAN:
        break;
    }
    return mps_dist_mean(d);
}

double mps_dist_variance(const mps_dist *d)
{
    switch (d->kind) {
    case MPS_DIST_FIXED:
        return 0.0;
    case MPS_DIST_NORMAL:
        return d->b * d->b;
    case MPS_DIST_LOGNORMAL: {
        double s2 = d->b * d->b;
        return expm1(s2) * exp(2.0 * d->a + s2);
    }
    case MPS_DIST_TRIANGULAR: {
        double a = d->a, m = d->b, c = d->c;
        return (a * a + m * m + c * c - a * m - a * c - m * c) / 18.0;
    }
    case MPS_DIST_PERT: {
        /* Beta variance alpha beta / ((alpha+beta)^2 (alpha+beta+1)) with
         * alpha + beta = 6, scaled by the range squared. */
        double mean = mps_dist_mean(d);
        return (mean - d->a) * (d->c - mean) / 7.0;
    }
    case MPS_DIST_UNIFORM: {
        double w = d->b - d->a;
        return w * w / 12.0;
    }
    case MPS_DIST_POISSON:
        return d->a;
    }
    return NAN;
}

double mps_dist_quantile(const mps_dist *d, double p)
{
    if (p < 0.0)
        p = 0.0;
    if (p > 1.0)
        p = 1.0;
    switch (d->kind) {
    case MPS_DIST_FIXED:
        return d->a;
    case MPS_DIST_NORMAL:
        if (d->b == 0.0)
            return d->a;
        return d->a + d->b * gsl_cdf_ugaussian_Pinv(p);
    case MPS_DIST_LOGNORMAL:
        if (d->b == 0.0)
            return exp(d->a);
        return exp(d->a + d->b * gsl_cdf_ugaussian_Pinv(p));
    case MPS_DIST_TRIANGULAR:
        if (d->c == d->a)
            return d->a;
        return mps_triangular_inv(d->a, d->b, d->c, p);
    case MPS_DIST_PERT: {
        if (d->c == d->a)
            return d->a;
        double alpha, beta;
        mps_pert_shape(d, &alpha, &beta);
        return d->a + (d->c - d->a) * mps_beta_quantile(p, alpha, beta);
    }
    case MPS_DIST_UNIFORM:
        return d->a + (d->b - d->a) * p;
    case MPS_DIST_POISSON:
        return mps_poisson_quantile(p, d->a);
    }
    return NAN;
}
