#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "appraisal/stats.h"
#include "core/util.h"

const double mps_stat_levels[MPSIM_N_STATS] = {
    NAN, NAN, NAN, NAN, NAN, 0.01, 0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95, 0.99,
};

void mps_stats_summarise(const double *x, size_t n, double *sorted, size_t *n_defined,
                         double stats[MPSIM_N_STATS])
{
    size_t m = 0;
    double sum = 0.0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(x[i]))
            continue;
        sorted[m++] = x[i];
        sum += x[i];
    }
    *n_defined = m;
    for (int k = 0; k < MPSIM_N_STATS; k++)
        stats[k] = NAN;
    if (m == 0)
        return;
    double mean = sum / (double)m;
    double ss = 0.0;
    for (size_t i = 0; i < m; i++) {
        double d = sorted[i] - mean;
        ss += d * d;
    }
    gsl_sort(sorted, 1, m);
    stats[MPSIM_STAT_MEAN] = mean;
    stats[MPSIM_STAT_SD] = m > 1 ? sqrt(ss / (double)(m - 1)) : NAN;
    stats[MPSIM_STAT_SE] = m > 1 ? stats[MPSIM_STAT_SD] / sqrt((double)m) : NAN;
    stats[MPSIM_STAT_MIN] = sorted[0];
    stats[MPSIM_STAT_MAX] = sorted[m - 1];
    for (int k = MPSIM_STAT_P1; k < MPSIM_N_STATS; k++)
        stats[k] = gsl_stats_quantile_from_sorted_data(sorted, 1, m, mps_stat_levels[k]);
}

enum { DIST_LEVELS = 101, DIST_BINS = 50 };

/* When every path agrees, the histogram gets one occupied range around the
 * value: +-0.5, or relatively wider where 0.5 would be lost to rounding
 * (above 2^53 a value plus 0.5 is the value itself, and a zero-width bin
 * would divide by zero). */
/* The bin of position x (in bin widths from the low edge) among n bins,
 * clamped before the conversion: the last bin is closed on the right, and a
 * NaN or infinite position (from an infinite value, reported as an error
 * afterwards) must not reach a cast to an integer. */
static size_t bin_index(double x, size_t n)
{
    if (!(x > 0.0))
        return 0;
    if (x >= (double)n)
        return n - 1;
    return (size_t)x;
}

static void widen_if_empty(double *lo, double *hi)
{
    if (*hi > *lo)
        return;
    double pad = fmax(0.5, fabs(*lo) * 1e-9);
    *lo -= pad;
    *hi += pad;
}

int mps_distribution_fill(mpsim_distribution *d, const double *sorted, size_t n)
{
    memset(d, 0, sizeof *d);
    d->n_levels = DIST_LEVELS;
    d->n_bins = DIST_BINS;
    d->levels = malloc(DIST_LEVELS * sizeof *d->levels);
    d->values = malloc(DIST_LEVELS * sizeof *d->values);
    d->edges = malloc((DIST_BINS + 1) * sizeof *d->edges);
    d->counts = calloc(DIST_BINS, sizeof *d->counts);
    if (!d->levels || !d->values || !d->edges || !d->counts)
        return MPSIM_ERR_FAIL;
    for (int i = 0; i < DIST_LEVELS; i++) {
        d->levels[i] = i / 100.0;
        d->values[i] = n ? gsl_stats_quantile_from_sorted_data(sorted, 1, n, d->levels[i]) : NAN;
    }
    if (n == 0) {
        for (int i = 0; i <= DIST_BINS; i++)
            d->edges[i] = NAN;
        return MPSIM_OK;
    }
    double lo = sorted[0], hi = sorted[n - 1];
    widen_if_empty(&lo, &hi);
    double w = (hi - lo) / DIST_BINS;
    for (int i = 0; i <= DIST_BINS; i++)
        d->edges[i] = lo + w * i;
    d->edges[DIST_BINS] = hi;
    for (size_t i = 0; i < n; i++) {
        d->counts[bin_index((sorted[i] - lo) / w, DIST_BINS)]++;
    }
    return MPSIM_OK;
}

/* ------------------------------------------------------------ Welford */

void mps_welford_add(mps_welford *w, double x)
{
    w->n++;
    double d = x - w->mean;
    w->mean += d / (double)w->n;
    w->m2 += d * (x - w->mean);
}

void mps_welford_merge(mps_welford *a, const mps_welford *b)
{
    if (b->n == 0)
        return;
    if (a->n == 0) {
        *a = *b;
        return;
    }
    /* Chan, Golub and LeVeque's pairwise update. */
    double n = (double)(a->n + b->n), d = b->mean - a->mean;
    a->mean += d * ((double)b->n / n);
    a->m2 += b->m2 + d * d * ((double)a->n * (double)b->n / n);
    a->n += b->n;
}

double mps_welford_sd(const mps_welford *w)
{
    return w->n > 1 ? sqrt(w->m2 / (double)(w->n - 1)) : NAN;
}

/* ------------------------------------------------------------ histograms */

/* Resolutions: 32 sub-bins per octave over [2^-10, 2^24) for fan charts,
 * 256 over [2^-30, 2^40) for the scalar metrics. */
static const struct {
    int sub_bits, exp_min, exp_max;
} resolutions[] = {
    [MPS_FAN_COARSE] = {5, -10, 24},
    [MPS_FAN_FINE] = {8, -30, 40},
};

/* Magnitude code of |x| > 0: octave and the top sub_bits bits of the
 * mantissa, read from the IEEE 754 representation (no log() per value). */
static inline size_t fan_code(const mps_fan *f, double a)
{
    uint64_t bits;
    memcpy(&bits, &a, sizeof bits);
    int e = (int)((bits >> 52) & 0x7FF) - 1023;
    if (e < f->exp_min)
        return 0;
    if (e >= f->exp_max)
        return f->mag_bins - 1;
    size_t sub = (size_t)((bits >> (52 - f->sub_bits)) & ((UINT64_C(1) << f->sub_bits) - 1));
    return ((size_t)(e - f->exp_min) << f->sub_bits) | sub;
}

static inline size_t fan_bin(const mps_fan *f, double x)
{
    if (x > 0.0)
        return f->mag_bins + 1 + fan_code(f, x);
    if (x < 0.0)
        return f->mag_bins - 1 - fan_code(f, -x);
    return f->mag_bins;
}

/* The representative value of bin b: the midpoint of its range. */
static double fan_bin_mid(const mps_fan *f, size_t b)
{
    if (b == f->mag_bins)
        return 0.0;
    double sign = b > f->mag_bins ? 1.0 : -1.0;
    size_t code = b > f->mag_bins ? b - f->mag_bins - 1 : f->mag_bins - 1 - b;
    int e = (int)(code >> f->sub_bits) + f->exp_min;
    double sub = (double)(code & ((1u << f->sub_bits) - 1));
    double width = (double)(1u << f->sub_bits);
    double lo = ldexp(1.0 + sub / width, e), hi = ldexp(1.0 + (sub + 1.0) / width, e);
    return sign * 0.5 * (lo + hi);
}

int mps_fan_init_res(mps_fan *f, size_t cells, mps_fan_resolution res)
{
    memset(f, 0, sizeof *f);
    f->sub_bits = resolutions[res].sub_bits;
    f->exp_min = resolutions[res].exp_min;
    f->exp_max = resolutions[res].exp_max;
    f->mag_bins = (size_t)(f->exp_max - f->exp_min) << f->sub_bits;
    f->cells = cells;
    f->bins = 2 * f->mag_bins + 1;
    f->counts = mps_calloc(cells * f->bins, sizeof *f->counts);
    f->min = malloc((cells ? cells : 1) * sizeof *f->min);
    f->max = malloc((cells ? cells : 1) * sizeof *f->max);
    if (!f->counts || !f->min || !f->max) {
        mps_fan_free(f);
        return MPSIM_ERR_FAIL;
    }
    for (size_t c = 0; c < cells; c++) {
        f->min[c] = INFINITY;
        f->max[c] = -INFINITY;
    }
    return MPSIM_OK;
}

int mps_fan_init(mps_fan *f, size_t cells)
{
    return mps_fan_init_res(f, cells, MPS_FAN_COARSE);
}

void mps_fan_free(mps_fan *f)
{
    free(f->counts);
    free(f->min);
    free(f->max);
    f->counts = NULL;
    f->min = f->max = NULL;
}

/* Counts v in cell c's histogram and range. */
static inline void fan_add_cell(mps_fan *f, size_t c, double v)
{
    f->counts[c * f->bins + fan_bin(f, v)]++;
    if (v < f->min[c])
        f->min[c] = v;
    if (v > f->max[c])
        f->max[c] = v;
}

/* How many cells ahead mps_fan_add asks for a count's cache line.  A
 * path's cells each hit one counter in a different histogram row (a
 * fan-chart row is 17 KB), so nearly every increment misses the cache;
 * asking early lets those misses overlap instead of queueing. */
enum { FAN_PREFETCH_AHEAD = 32 };

void mps_fan_add(mps_fan *f, const double *x)
{
    const size_t cells = f->cells, bins = f->bins;
    size_t c = 0;
#if defined(__GNUC__)
    for (size_t a = 0; a < FAN_PREFETCH_AHEAD && a < cells; a++)
        __builtin_prefetch(&f->counts[a * bins + fan_bin(f, x[a])], 1, 0);
    for (; c + FAN_PREFETCH_AHEAD < cells; c++) {
        size_t a = c + FAN_PREFETCH_AHEAD;
        __builtin_prefetch(&f->counts[a * bins + fan_bin(f, x[a])], 1, 0);
        fan_add_cell(f, c, x[c]);
    }
#endif
    for (; c < cells; c++)
        fan_add_cell(f, c, x[c]);
}

void mps_fan_add_one(mps_fan *f, size_t c, double v) { fan_add_cell(f, c, v); }

void mps_fan_merge(mps_fan *dst, const mps_fan *src)
{
    size_t n = dst->cells * dst->bins;
    for (size_t i = 0; i < n; i++)
        dst->counts[i] += src->counts[i];
    for (size_t c = 0; c < dst->cells; c++) {
        if (src->min[c] < dst->min[c])
            dst->min[c] = src->min[c];
        if (src->max[c] > dst->max[c])
            dst->max[c] = src->max[c];
    }
}

/* The representative of bin b of cell c, clamped to the cell's range. */
static double fan_value(const mps_fan *f, size_t c, size_t b)
{
    double v = fan_bin_mid(f, b);
    if (v < f->min[c])
        v = f->min[c];
    if (v > f->max[c])
        v = f->max[c];
    return v;
}

/* The bin holding the order statistic of 0-based rank `rank`. */
static size_t fan_rank_bin(const mps_fan *f, size_t c, uint64_t rank)
{
    const uint64_t *row = f->counts + c * f->bins;
    uint64_t seen = 0;
    size_t b = 0;
    for (; b + 1 < f->bins; b++) {
        seen += row[b];
        if (seen > rank)
            break;
    }
    return b;
}

double mps_fan_quantile(const mps_fan *f, size_t c, double q, uint64_t n)
{
    if (n == 0)
        return NAN;
    /* The order statistic below position q (n - 1), as GSL's rule starts from. */
    uint64_t rank = (uint64_t)floor(q * (double)(n - 1));
    return fan_value(f, c, fan_rank_bin(f, c, rank));
}

double mps_fan_lower_mean(const mps_fan *f, size_t c, uint64_t k)
{
    if (k == 0)
        return NAN;
    const uint64_t *row = f->counts + c * f->bins;
    uint64_t taken = 0;
    double sum = 0.0;
    for (size_t b = 0; b < f->bins && taken < k; b++) {
        uint64_t take = row[b] < k - taken ? row[b] : k - taken;
        sum += (double)take * fan_value(f, c, b);
        taken += take;
    }
    return sum / (double)taken;
}

int mps_fan_distribution(const mps_fan *f, size_t c, uint64_t n, mpsim_distribution *d)
{
    /* Fill the quantile function from the histogram; then re-bin the counts
     * by each bin's representative into equal-width bins over [min, max]. */
    if (mps_distribution_fill(d, NULL, 0) != MPSIM_OK)
        return MPSIM_ERR_FAIL;
    if (n == 0)
        return MPSIM_OK;
    for (size_t i = 0; i < d->n_levels; i++)
        d->values[i] = mps_fan_quantile(f, c, d->levels[i], n);
    double lo = f->min[c], hi = f->max[c];
    widen_if_empty(&lo, &hi);
    double w = (hi - lo) / (double)d->n_bins;
    for (size_t i = 0; i <= d->n_bins; i++)
        d->edges[i] = lo + w * (double)i;
    d->edges[d->n_bins] = hi;
    const uint64_t *row = f->counts + c * f->bins;
    for (size_t b = 0; b < f->bins; b++) {
        if (!row[b])
            continue;
        d->counts[bin_index((fan_value(f, c, b) - lo) / w, d->n_bins)] += row[b];
    }
    return MPSIM_OK;
}
