/*
 * Value of information (docs/sensitivity.md): EVPI from per-sample net
 * benefits, and EVPPI of one input by the binned estimator of Strong and
 * Oakley (2013): order the samples by the input, cut them into bins of
 * equal count, and take the best alternative's mean within each bin.  The
 * regression estimator for several inputs is in voi_regression.c.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_statistics_double.h>

#include "core/util.h"
#include "random/stream_names.h"
#include "sensitivity/sens_internal.h"

static int check_nb(const double *nb, size_t n, size_t d, size_t min_n, mpsim_errors *errs)
{
    if (nb == NULL || n < min_n || d < 2) {
        mpsim_errors_add(errs, NULL, 0, 0, "net_benefits",
                         "value of information needs at least %zu samples of at least 2 "
                         "alternatives (got %zu samples of %zu)",
                         min_n, n, d);
        return MPSIM_ERR_INPUT;
    }
    for (size_t j = 0; j < n; j++)
        for (size_t a = 0; a < d; a++)
            if (!isfinite(nb[j * d + a])) {
                mpsim_errors_add(errs, NULL, 0, 0, "net_benefits",
                                 "the net benefit of alternative %zu on sample %zu is %g; "
                                 "value of information needs finite values",
                                 a, j, nb[j * d + a]);
                return MPSIM_ERR_INPUT;
            }
    return MPSIM_OK;
}

/* Alternative means into mean[0..d) and the first alternative with the
 * largest. */
static size_t best_mean(const double *nb, size_t n, size_t d, double *mean)
{
    for (size_t a = 0; a < d; a++)
        mean[a] = 0.0;
    for (size_t j = 0; j < n; j++)
        for (size_t a = 0; a < d; a++)
            mean[a] += nb[j * d + a];
    size_t best = 0;
    for (size_t a = 0; a < d; a++) {
        mean[a] /= (double)n;
        if (mean[a] > mean[best])
            best = a;
    }
    return best;
}

int mpsim_evpi(const double *nb, size_t n, size_t d, mpsim_voi_result *out, mpsim_errors *errs)
{
    memset(out, 0, sizeof *out);
    out->value = out->se = out->expected_perfect = out->expected_current = NAN;
    int status = check_nb(nb, n, d, 2, errs);
    if (status != MPSIM_OK)
        return status;
    double *mean = mps_calloc(d, sizeof *mean);
    double *gain = mps_calloc(n, sizeof *gain);
    if (mean == NULL || gain == NULL) {
        free(mean);
        free(gain);
        mpsim_errors_add(errs, NULL, 0, 0, NULL, "out of memory for EVPI");
        return MPSIM_ERR_FAIL;
    }
    size_t best = best_mean(nb, n, d, mean);
    /* EVPI is the mean of each sample's gain from choosing with hindsight,
     * max_a NB_ja - NB_j,best: the same number as E[max] - max E, with a
     * standard error from one sample of gains (treating `best` as known;
     * near a tie the selection adds a bias of order se). */
    double perfect = 0.0;
    for (size_t j = 0; j < n; j++) {
        double mx = nb[j * d];
        for (size_t a = 1; a < d; a++)
            if (nb[j * d + a] > mx)
                mx = nb[j * d + a];
        perfect += mx;
        gain[j] = mx - nb[j * d + best];
    }
    out->best = best;
    out->expected_current = mean[best];
    out->expected_perfect = perfect / (double)n;
    out->value = gsl_stats_mean(gain, 1, n);
    out->se = gsl_stats_sd(gain, 1, n) / sqrt((double)n);
    free(mean);
    free(gain);
    return MPSIM_OK;
}

/* Samples ordered by phi, ties by index, so the order is unique. */
typedef struct {
    double phi;
    size_t j;
} mps_ranked;

static int by_phi(const void *pa, const void *pb)
{
    const mps_ranked *a = pa, *b = pb;
    if (a->phi < b->phi)
        return -1;
    if (a->phi > b->phi)
        return 1;
    return a->j < b->j ? -1 : a->j > b->j;
}

/* The binned estimate over the samples order[0..n) (in phi order, repeats
 * allowed): sum over bins of (bin size / n) max_a bin mean of NB_a, minus
 * max_a mean NB_a.  sums has 2d doubles of scratch.  Bin q holds positions
 * floor(q n / K) .. floor((q + 1) n / K) - 1. */
static double binned(const double *nb, size_t d, const size_t *order, size_t n, size_t bins,
                     double *sums, double *perfect, double *current)
{
    double *bin = sums, *all = sums + d;
    for (size_t a = 0; a < d; a++)
        all[a] = 0.0;
    double within = 0.0;
    for (size_t q = 0; q < bins; q++) {
        size_t p0 = (size_t)((double)q * (double)n / (double)bins);
        size_t p1 = (size_t)((double)(q + 1) * (double)n / (double)bins);
        if (q + 1 == bins)
            p1 = n;
        for (size_t a = 0; a < d; a++)
            bin[a] = 0.0;
        for (size_t p = p0; p < p1; p++)
            for (size_t a = 0; a < d; a++)
                bin[a] += nb[order[p] * d + a];
        double mx = bin[0];
        for (size_t a = 0; a < d; a++) {
            all[a] += bin[a];
            if (bin[a] > mx)
                mx = bin[a];
        }
        /* (bin size / n) * max of bin means = max of bin sums / n. */
        within += mx;
    }
    double mx = all[0];
    for (size_t a = 1; a < d; a++)
        if (all[a] > mx)
            mx = all[a];
    *perfect = within / (double)n;
    *current = mx / (double)n;
    return *perfect - *current;
}

/* The binned estimator of one input: bins of equal count in phi order. */
static int evppi_binned(const double *nb, size_t n, size_t d, const double *phi, size_t bins,
                        unsigned nboot, uint64_t seed, mpsim_voi_result *out, mpsim_errors *errs)
{
    int status = MPSIM_OK;
    mps_ranked *rk = mps_calloc(n, sizeof *rk);
    size_t *order = mps_calloc(n, sizeof *order);
    size_t *count = mps_calloc(n, sizeof *count);
    double *sums = mps_calloc(2 * d, sizeof *sums);
    double *rep = mps_calloc(nboot, sizeof *rep);
    size_t *res = mps_calloc(n, sizeof *res);
    if (!rk || !order || !count || !sums || !rep || !res) {
        mpsim_errors_add(errs, NULL, 0, 0, NULL, "out of memory for EVPPI");
        status = MPSIM_ERR_FAIL;
    }
    if (status == MPSIM_OK) {
        for (size_t j = 0; j < n; j++) {
            rk[j].phi = phi[j];
            rk[j].j = j;
        }
        qsort(rk, n, sizeof *rk, by_phi);
        for (size_t p = 0; p < n; p++)
            order[p] = rk[p].j;
        double perfect, current;
        out->value = binned(nb, d, order, n, bins, sums, &perfect, &current);
        out->expected_perfect = perfect;
        out->expected_current = current;
        out->best = best_mean(nb, n, d, sums);

        /* A resample is a multiset of samples: count the draws of each and
         * lay them out in phi order by walking the ranks, which sorts it in
         * O(n) without comparing again. */
        uint64_t key = mps_key_sensitivity("bootstrap");
        for (unsigned b = 0; b < nboot; b++) {
            memset(count, 0, n * sizeof *count);
            for (size_t t = 0; t < n; t++)
                count[mps_sens_boot_index(seed, key, b, (uint32_t)t, n)]++;
            size_t p = 0;
            for (size_t r = 0; r < n; r++)
                for (size_t c = 0; c < count[order[r]]; c++)
                    res[p++] = order[r];
            rep[b] = binned(nb, d, res, n, bins, sums, &perfect, &current);
        }
        out->se = gsl_stats_sd(rep, 1, nboot);
    }
    free(rk);
    free(order);
    free(count);
    free(sums);
    free(rep);
    free(res);
    return status;
}

int mpsim_evppi(const double *nb, size_t n, size_t d, const mpsim_evppi_spec *spec,
                mpsim_voi_result *out, mpsim_errors *errs)
{
    memset(out, 0, sizeof *out);
    out->value = out->se = out->expected_perfect = out->expected_current = NAN;
    int status = check_nb(nb, n, d, 4, errs);
    if (status != MPSIM_OK)
        return status;
    if (spec == NULL || spec->phi == NULL) {
        mpsim_errors_add(errs, NULL, 0, 0, "phi", "EVPPI needs the inputs' values on every sample");
        return MPSIM_ERR_INPUT;
    }
    size_t p = spec->n_inputs ? spec->n_inputs : 1;
    for (size_t j = 0; j < n; j++)
        for (size_t q = 0; q < p; q++)
            if (!isfinite(spec->phi[j * p + q])) {
                mpsim_errors_add(errs, NULL, 0, 0, "phi",
                                 "input %zu's value on sample %zu is %g; EVPPI needs finite values",
                                 q, j, spec->phi[j * p + q]);
                return MPSIM_ERR_INPUT;
            }
    unsigned nboot = spec->bootstrap ? spec->bootstrap : MPSIM_SENS_BOOTSTRAP;
    if (nboot < MPSIM_SENS_MIN_BOOTSTRAP) {
        mpsim_errors_add(errs, NULL, 0, 0, "bootstrap",
                         "%u bootstrap resamples: at least %d are needed for a standard error",
                         nboot, MPSIM_SENS_MIN_BOOTSTRAP);
        return MPSIM_ERR_INPUT;
    }
    mpsim_evppi_method method = spec->method;
    if (method == MPSIM_EVPPI_AUTO)
        method = p == 1 ? MPSIM_EVPPI_BINNED : MPSIM_EVPPI_REGRESSION;
    if (method == MPSIM_EVPPI_REGRESSION)
        return mps_evppi_regression(nb, n, d, spec->phi, p, spec->degree, nboot, spec->seed, out,
                                    errs);
    if (method != MPSIM_EVPPI_BINNED) {
        mpsim_errors_add(errs, NULL, 0, 0, "method", "unknown EVPPI method %d", (int)method);
        return MPSIM_ERR_INPUT;
    }
    if (p != 1) {
        mpsim_errors_add(errs, NULL, 0, 0, "method",
                         "the binned estimator values one input (got %zu): use the regression "
                         "estimator for several",
                         p);
        return MPSIM_ERR_INPUT;
    }
    size_t bins = spec->bins ? spec->bins : (size_t)floor(sqrt((double)n) + 0.5);
    if (bins > n / 2) {
        mpsim_errors_add(errs, NULL, 0, 0, "bins",
                         "%zu bins for %zu samples: at most n / 2 = %zu, so that every bin has "
                         "two samples",
                         bins, n, n / 2);
        return MPSIM_ERR_INPUT;
    }
    return evppi_binned(nb, n, d, spec->phi, bins, nboot, spec->seed, out, errs);
}
