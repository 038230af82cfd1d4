/*
 * Inverse CDFs of the input distributions, for the Gaussian copula
 * (model.md section 3): a correlated input is its marginal's quantile at
 * Phi(z), where z is its mixed normal score.
 */
#ifndef MPS_QUANTILE_H
#define MPS_QUANTILE_H

#include "random/dist.h"

/** The p-quantile of d, p in [0, 1] (clamped): the smallest x with
 *  F(x) >= p.  Exact or accurate to about 1e-15 relative; the PERT case
 *  solves the beta CDF numerically (a few CDF evaluations), Poisson walks
 *  from floor(mean).  Callers pass p in (0, 1), e.g. from mps_uniform_at
 *  or gsl_cdf_ugaussian_P of a score; p = 0 or 1 gives the support's ends
 *  (infinite for normal and lognormal). */
double mps_dist_quantile(const mps_dist *d, double p);

#endif
