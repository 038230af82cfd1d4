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
    if (!(hi > lo)) {
        /* Every path agrees: one occupied bin of width 1 around the value. */
        lo -= 0.5;
        hi += 0.5;
    }
    double w = (hi - lo) / DIST_BINS;
    for (int i = 0; i <= DIST_BINS; i++)
        d->edges[i] = lo + w * i;
    d->edges[DIST_BINS] = hi;
    for (size_t i = 0; i < n; i++) {
        long b = (long)((sorted[i] - lo) / w);
        if (b < 0)
            b = 0;
        if (b >= DIST_BINS)
            b = DIST_BINS - 1; /* the last bin is closed on the right */
        d->counts[b]++;
    }
    return MPSIM_OK;
}

/* ------------------------------------------------------------ fan charts */

enum {
    FAN_SUB_BITS = 5,                       /* 32 sub-bins per octave */
    FAN_EXP_MIN = -10,                      /* 2^-10 £m, about £1,000 */
    FAN_EXP_MAX = 24,                       /* 2^24 £m, about £17 trillion */
    FAN_MAG_BINS = (FAN_EXP_MAX - FAN_EXP_MIN) << FAN_SUB_BITS,
    FAN_BINS = 2 * FAN_MAG_BINS + 1,        /* negative, zero, positive */
    FAN_ZERO = FAN_MAG_BINS
};

/* Magnitude code of |x| > 0: octave and the top FAN_SUB_BITS bits of the
 * mantissa, read from the IEEE 754 representation (no log() per value). */
static inline int fan_code(double a)
{
    uint64_t bits;
    memcpy(&bits, &a, sizeof bits);
    int e = (int)((bits >> 52) & 0x7FF) - 1023;
    if (e < FAN_EXP_MIN)
        return 0;
    if (e >= FAN_EXP_MAX)
        return FAN_MAG_BINS - 1;
    int sub = (int)((bits >> (52 - FAN_SUB_BITS)) & ((1u << FAN_SUB_BITS) - 1));
    return ((e - FAN_EXP_MIN) << FAN_SUB_BITS) | sub;
}

static inline int fan_bin(double x)
{
    if (x > 0.0)
        return FAN_ZERO + 1 + fan_code(x);
    if (x < 0.0)
        return FAN_ZERO - 1 - fan_code(-x);
    return FAN_ZERO;
}

/* Midpoint of the magnitude range of a code. */
static double fan_code_mid(int code)
{
    int e = (code >> FAN_SUB_BITS) + FAN_EXP_MIN;
    int sub = code & ((1 << FAN_SUB_BITS) - 1);
    double lo = ldexp(1.0 + (double)sub / (1 << FAN_SUB_BITS), e);
    double hi = ldexp(1.0 + (double)(sub + 1) / (1 << FAN_SUB_BITS), e);
    return 0.5 * (lo + hi);
}

int mps_fan_init(mps_fan *f, size_t cells)
{
    f->cells = cells;
    f->bins = FAN_BINS;
    f->counts = mps_calloc(cells * FAN_BINS, sizeof *f->counts);
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

void mps_fan_free(mps_fan *f)
{
    free(f->counts);
    free(f->min);
    free(f->max);
    f->counts = NULL;
    f->min = f->max = NULL;
}

void mps_fan_add(mps_fan *f, const double *x)
{
    uint64_t *row = f->counts;
    for (size_t c = 0; c < f->cells; c++, row += FAN_BINS) {
        double v = x[c];
        row[fan_bin(v)]++;
        if (v < f->min[c])
            f->min[c] = v;
        if (v > f->max[c])
            f->max[c] = v;
    }
}

void mps_fan_merge(mps_fan *dst, const mps_fan *src)
{
    size_t n = dst->cells * FAN_BINS;
    for (size_t i = 0; i < n; i++)
        dst->counts[i] += src->counts[i];
    for (size_t c = 0; c < dst->cells; c++) {
        if (src->min[c] < dst->min[c])
            dst->min[c] = src->min[c];
        if (src->max[c] > dst->max[c])
            dst->max[c] = src->max[c];
    }
}

double mps_fan_quantile(const mps_fan *f, size_t c, double q, uint64_t n)
{
    if (n == 0)
        return NAN;
    /* The order statistic below position q (n - 1), as GSL's rule starts from. */
    uint64_t rank = (uint64_t)floor(q * (double)(n - 1));
    const uint64_t *row = f->counts + c * FAN_BINS;
    uint64_t seen = 0;
    int b = 0;
    for (; b < FAN_BINS; b++) {
        seen += row[b];
        if (seen > rank)
            break;
    }
    double v;
    if (b == FAN_ZERO)
        v = 0.0;
    else if (b > FAN_ZERO)
        v = fan_code_mid(b - FAN_ZERO - 1);
    else
        v = -fan_code_mid(FAN_ZERO - 1 - b);
    if (v < f->min[c])
        v = f->min[c];
    if (v > f->max[c])
        v = f->max[c];
    return v;
}
