/*
 * Distributions of uncertain inputs (model.md section 3): plain values,
 * sampled through GSL from a keyed Philox stream, plus their central values
 * for the static appraisal.
 */
#ifndef MPS_DIST_H
#define MPS_DIST_H

#include <gsl/gsl_rng.h>

typedef enum {
    MPS_DIST_FIXED,
    MPS_DIST_NORMAL,
    MPS_DIST_LOGNORMAL,
    MPS_DIST_TRIANGULAR,
    MPS_DIST_PERT,
    MPS_DIST_UNIFORM,
    MPS_DIST_POISSON
} mps_dist_kind;

/** A distribution, already validated.  Parameters by kind:
 *  fixed: a = value;  normal: a = mean, b = sd;
 *  lognormal: a = mu, b = sigma (of ln X; the loader converts median/p90
 *             or mean/sd as model.md section 3 says);
 *  triangular, pert: a = min, b = mode, c = max;  uniform: a = min, b = max;
 *  poisson: a = mean. */
typedef struct {
    mps_dist_kind kind;
    double a, b, c;
} mps_dist;

/** How the static appraisal collapses a distribution (appraisal.central). */
typedef enum { MPS_CENTRAL_MEAN, MPS_CENTRAL_MEDIAN, MPS_CENTRAL_MODE } mps_central;

static inline mps_dist mps_dist_fixed(double v)
{
    mps_dist d = {MPS_DIST_FIXED, v, 0.0, 0.0};
    return d;
}

/** One draw from d using r (which the caller has seated on the right stream). */
double mps_dist_sample(const mps_dist *d, gsl_rng *r);

double mps_dist_mean(const mps_dist *d);
/** Exact median; the PERT median is the beta median found numerically, the
 *  Poisson median the smallest k with CDF >= 0.5. */
double mps_dist_median(const mps_dist *d);
/** Mode; uniform: the midpoint; Poisson: floor(mean). */
double mps_dist_mode(const mps_dist *d);
double mps_dist_central(const mps_dist *d, mps_central how);

/** Variance (used by tests and by the manager's expectations). */
double mps_dist_variance(const mps_dist *d);

#endif
