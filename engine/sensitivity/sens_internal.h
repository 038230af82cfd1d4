/*
 * Internals shared by the files of engine/sensitivity: the mapping from a
 * public input description to the engine's distributions, the Saltelli
 * sample layout and the bootstrap draws (docs/sensitivity.md).
 */
#ifndef MPS_SENS_INTERNAL_H
#define MPS_SENS_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "mpsim.h"
#include "random/dist.h"

/** The engine distribution of a checked input (lognormal converted from
 *  median and p90 to mu and sigma as model.md section 3 says). */
mps_dist mps_sens_to_dist(const mpsim_sens_input *in);

/** Checks one input; returns 0 and fills *why with a static reason when it
 *  is bad, 1 when it is good. */
int mps_sens_input_ok(const mpsim_sens_input *in, const char **why);

/** Index of sample t of bootstrap resample b of n indices: floor(u n) with u
 *  from stream "sensitivity/bootstrap" (path b, position t), keyed by seed,
 *  so every resample is a pure function of (seed, b). */
size_t mps_sens_boot_index(uint64_t seed, uint64_t key, uint64_t b, uint32_t t, size_t n);

/** Raw outputs of the Saltelli scheme, centred: ya[j * m + o], yb[..] and
 *  yab[(i * n + j) * m + o] (matrix AB^(i)). */
typedef struct {
    size_t k, m, n;
    const double *ya, *yb, *yab;
} mps_saltelli_outputs;

/** Fills the point estimates, bootstrap errors and intervals of r (whose
 *  arrays are allocated) from the centred outputs.  Threads run over
 *  resamples; each resample writes only its own slot, so the result does
 *  not depend on their number.  MPSIM_ERR_FAIL when out of memory. */
int mps_sobol_estimate(const mps_saltelli_outputs *y, uint64_t seed, int threads,
                       mpsim_sobol_result *r);

/** Allocates r's arrays for k inputs and m outputs (names not set);
 *  MPSIM_ERR_FAIL, with r cleared, when out of memory. */
int mps_sobol_result_alloc(mpsim_sobol_result *r, size_t k, size_t m);

/** The standard deviation (n - 1) and the (1 - c) / 2, (1 + c) / 2 percentiles
 *  (linear interpolation between order statistics) of v[0..n) (sorted in
 *  place); NaN for all three when any value is NaN or n < 2. */
void mps_sens_spread(double *v, size_t n, double c, double *sd, double *lo, double *hi);

/** EVPPI of p inputs (phi[j * p + q]) by least-squares regression of each
 *  alternative's net benefit on the polynomial of total degree `degree`
 *  (0 = 2) in the inputs, with a bootstrap se (voi_regression.c).  The
 *  caller has checked nb, phi and nboot. */
int mps_evppi_regression(const double *nb, size_t n, size_t d, const double *phi, size_t p,
                         unsigned degree, unsigned nboot, uint64_t seed, mpsim_voi_result *out,
                         mpsim_errors *errs);

#endif
