/*
 * Summary statistics over paths (model.md section 10): exact statistics of
 * stored per-path values, and the mergeable log-binned histograms behind the
 * fan charts.
 */
#ifndef MPS_STATS_H
#define MPS_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "mpsim.h"

/** The quantile levels of MPSIM_STAT_P1 .. MPSIM_STAT_P99. */
extern const double mps_stat_levels[MPSIM_N_STATS];

/** Fills stats[MPSIM_N_STATS] from x[0..n-1], ignoring NaN entries.
 *  `sorted` (n doubles) is scratch space; on return it holds the defined
 *  values in ascending order and *n_defined their count.  Mean and sd are
 *  summed in index order, so the result does not depend on how the values
 *  were produced.  sd uses n - 1; quantiles follow
 *  gsl_stats_quantile_from_sorted_data.  All NaN when no value is defined. */
void mps_stats_summarise(const double *x, size_t n, double *sorted, size_t *n_defined,
                         double stats[MPSIM_N_STATS]);

/** Quantile function at 0, 0.01, .., 1 and an equal-width histogram of the
 *  sorted values (NaN values and empty bins when n == 0).  Returns
 *  MPSIM_ERR_FAIL when out of memory. */
int mps_distribution_fill(mpsim_distribution *d, const double *sorted, size_t n);

/* --------------------------------------------------------------- Welford */

/** Running count, mean and sum of squared deviations.  Adding values and
 *  merging partial results in a fixed order gives bit-identical results. */
typedef struct {
    uint64_t n;
    double mean, m2;
} mps_welford;

void mps_welford_add(mps_welford *w, double x);
/** a += b (Chan, Golub and LeVeque's pairwise update). */
void mps_welford_merge(mps_welford *a, const mps_welford *b);
/** Sample standard deviation (n - 1); NaN below two values. */
double mps_welford_sd(const mps_welford *w);

/* ------------------------------------------------------------ histograms */

/* A log-binned histogram holds, for each of `cells`, counts in signed
 * logarithmic bins plus the cell's exact minimum and maximum.  Bins have
 * 2^sub_bits linear sub-bins per octave of |x| over [2^exp_min, 2^exp_max),
 * an exact bin for 0, and clamp magnitudes outside that range into the end
 * bins.  A value read from it is the midpoint of a bin, clamped to the
 * cell's [min, max]: within half a sub-bin (2^-(sub_bits+1) relative) of
 * the true value for magnitudes inside the range, exact for 0 and for cells
 * where every value agrees.  Counts merge by integer addition, so results
 * are identical whatever the number of threads.
 *
 * Two resolutions: MPS_FAN_COARSE for the fan charts (32 sub-bins per
 * octave over about 1e-3 .. 1.7e7: 1.6%) and MPS_FAN_FINE for the scalar
 * metrics when streamed (256 per octave over about 1e-9 .. 1.1e12: 0.2%). */
typedef enum { MPS_FAN_COARSE, MPS_FAN_FINE } mps_fan_resolution;

typedef struct {
    size_t cells;
    size_t bins;       /* per cell */
    uint64_t *counts;  /* [cells * bins] */
    double *min, *max; /* [cells] */
    int sub_bits, exp_min, exp_max;
    size_t mag_bins;   /* bins per sign */
} mps_fan;

int mps_fan_init_res(mps_fan *f, size_t cells, mps_fan_resolution res);
/** mps_fan_init_res with MPS_FAN_COARSE. */
int mps_fan_init(mps_fan *f, size_t cells);
void mps_fan_free(mps_fan *f);
/** Adds one value per cell: x[c] for c = 0 .. cells-1. */
void mps_fan_add(mps_fan *f, const double *x);
/** Adds value v to cell c. */
void mps_fan_add_one(mps_fan *f, size_t c, double v);
/** dst += src (same cells and resolution). */
void mps_fan_merge(mps_fan *dst, const mps_fan *src);
/** The q-quantile of cell c over n values: the order statistic at rank
 *  floor(q (n - 1)), within the bound above (the interpolation to the next
 *  order statistic that GSL's rule makes is not made). */
double mps_fan_quantile(const mps_fan *f, size_t c, double q, uint64_t n);
/** Mean of the k lowest values of cell c, each within the bound above. */
double mps_fan_lower_mean(const mps_fan *f, size_t c, uint64_t k);
/** Fills d (as mps_distribution_fill) for cell c from the histogram: the
 *  quantile function, and equal-width bins over [min, max] counting each
 *  histogram bin at its representative value. */
int mps_fan_distribution(const mps_fan *f, size_t c, uint64_t n, mpsim_distribution *d);

#endif
