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

/* ------------------------------------------------------------ fan charts */

/* A fan-chart histogram holds, for each of `cells` (series x year), counts in
 * signed logarithmic bins plus the cell's exact minimum and maximum.  Bins
 * have 32 linear sub-bins per octave of |x| over [2^-10, 2^24) (about 1e-3
 * to 1.7e7 £m), an exact bin for 0, and clamp magnitudes outside that range
 * into the end bins.  A quantile read from it is the midpoint of the bin
 * holding the order statistic below q (n - 1), clamped to the cell's
 * [min, max]: within 1.6% of that order statistic for magnitudes inside the
 * range (the interpolation to the next order statistic is not made), exact for 0
 * and for cells where every path agrees.  Counts merge by integer addition,
 * so results are identical whatever the number of threads. */
typedef struct {
    size_t cells;
    size_t bins;       /* per cell */
    uint64_t *counts;  /* [cells * bins] */
    double *min, *max; /* [cells] */
} mps_fan;

int mps_fan_init(mps_fan *f, size_t cells);
void mps_fan_free(mps_fan *f);
/** Adds one value per cell: x[c] for c = 0 .. cells-1. */
void mps_fan_add(mps_fan *f, const double *x);
/** dst += src (same number of cells). */
void mps_fan_merge(mps_fan *dst, const mps_fan *src);
/** The q-quantile of cell c over n values (n = number of mps_fan_add calls). */
double mps_fan_quantile(const mps_fan *f, size_t c, double q, uint64_t n);

#endif
