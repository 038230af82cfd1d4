/*
 * Sobol' index estimators and their bootstrap (docs/sensitivity.md).
 *
 * With centred outputs f(A)_j, f(B)_j, f(AB^(i))_j and V the variance of the
 * 2N values of f(A) and f(B):
 *   first order (Saltelli et al. 2010, table 2 (b)):
 *     S_i  = (1/N) sum_j f(B)_j (f(AB^(i))_j - f(A)_j) / V
 *   total effect (Jansen 1999; Saltelli et al. 2010, table 2 (f)):
 *     ST_i = (1/2N) sum_j (f(A)_j - f(AB^(i))_j)^2 / V
 * A bootstrap resample draws N sample indices with replacement and
 * recomputes every estimate (V included) on the rows of those samples, so
 * the A, B and AB rows of a sample stay together, as the estimators pair
 * them.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <omp.h>

#include "core/util.h"
#include "random/stream.h"
#include "random/stream_names.h"
#include "sensitivity/sens_internal.h"

size_t mps_sens_boot_index(uint64_t seed, uint64_t key, uint64_t b, uint32_t t, size_t n)
{
    double u = mps_uniform_at(seed, b, key, t);
    size_t j = (size_t)(u * (double)n);
    return j < n ? j : n - 1;
}

void mps_sens_spread(double *v, size_t n, double c, double *sd, double *lo, double *hi)
{
    *sd = *lo = *hi = NAN;
    if (n < 2)
        return;
    for (size_t i = 0; i < n; i++)
        if (isnan(v[i]))
            return;
    *sd = gsl_stats_sd(v, 1, n);
    gsl_sort(v, 1, n);
    *lo = gsl_stats_quantile_from_sorted_data(v, 1, n, (1.0 - c) / 2.0);
    *hi = gsl_stats_quantile_from_sorted_data(v, 1, n, (1.0 + c) / 2.0);
}

/* Sums for the estimators over the samples idx[0..n) (all samples in
 * order when idx is NULL), then the 2k + 1 estimates per output into
 * est[o * (2k + 1) + q]: q < k first order, k <= q < 2k total, 2k their
 * sum of first orders.  acc holds m (2k + 2) doubles of scratch. */
static void estimates(const mps_saltelli_outputs *y, const size_t *idx, double *acc, double *est)
{
    size_t k = y->k, m = y->m, n = y->n, w = 2 * k + 2;
    memset(acc, 0, m * w * sizeof *acc);
    for (size_t t = 0; t < n; t++) {
        size_t j = idx ? idx[t] : t;
        const double *ya = y->ya + j * m, *yb = y->yb + j * m;
        for (size_t o = 0; o < m; o++) {
            double *a = acc + o * w;
            a[0] += ya[o] + yb[o];
            a[1] += ya[o] * ya[o] + yb[o] * yb[o];
            for (size_t i = 0; i < k; i++) {
                double d = y->yab[(i * n + j) * m + o] - ya[o];
                a[2 + i] += yb[o] * d;
                a[2 + k + i] += d * d;
            }
        }
    }
    double nn = (double)n, n2 = 2.0 * nn;
    for (size_t o = 0; o < m; o++) {
        const double *a = acc + o * w;
        double *e = est + o * (2 * k + 1);
        double var = (a[1] - a[0] * a[0] / n2) / (n2 - 1.0);
        /* A constant output has no variance to apportion. */
        int ok = var > 0.0 && isfinite(var);
        double sum = 0.0;
        for (size_t i = 0; i < k; i++) {
            e[i] = ok ? a[2 + i] / nn / var : NAN;
            e[k + i] = ok ? a[2 + k + i] / n2 / var : NAN;
            sum += e[i];
        }
        e[2 * k] = sum;
    }
}

/* The variance of each output's 2N values of A and B (as estimates() uses). */
static void variances(const mps_saltelli_outputs *y, double *var)
{
    for (size_t o = 0; o < y->m; o++) {
        double s = 0.0, s2 = 0.0;
        for (size_t j = 0; j < y->n; j++) {
            double a = y->ya[j * y->m + o], b = y->yb[j * y->m + o];
            s += a + b;
            s2 += a * a + b * b;
        }
        double n2 = 2.0 * (double)y->n;
        var[o] = (s2 - s * s / n2) / (n2 - 1.0);
    }
}

int mps_sobol_estimate(const mps_saltelli_outputs *y, uint64_t seed, int threads,
                       mpsim_sobol_result *r)
{
    size_t k = y->k, m = y->m, n = y->n, q = 2 * k + 1, nb = r->bootstrap;
    int nt = threads > 0 ? threads : omp_get_max_threads();
    if ((size_t)nt > nb)
        nt = (int)nb;
    double *est = mps_calloc(m * q, sizeof *est);
    double *rep = mps_calloc(nb * m * q, sizeof *rep);
    double *acc = mps_calloc((size_t)nt * m * (2 * k + 2), sizeof *acc);
    size_t *idx = mps_calloc((size_t)nt * n, sizeof *idx);
    double *col = mps_calloc(nb, sizeof *col);
    int status = (est && rep && acc && idx && col) ? MPSIM_OK : MPSIM_ERR_FAIL;
    if (status == MPSIM_OK) {
        estimates(y, NULL, acc, est);
        variances(y, r->variance);
        uint64_t key = mps_key_sensitivity("bootstrap");
        /* Resample b depends only on (seed, b) and writes only rep's slot
         * b, so any number of threads gives the same numbers. */
#pragma omp parallel for num_threads(nt) schedule(static)
        for (size_t b = 0; b < nb; b++) {
            int t = omp_get_thread_num();
            size_t *ix = idx + (size_t)t * n;
            for (size_t s = 0; s < n; s++)
                ix[s] = mps_sens_boot_index(seed, key, b, (uint32_t)s, n);
            estimates(y, ix, acc + (size_t)t * m * (2 * k + 2), rep + b * m * q);
        }
        for (size_t o = 0; o < m; o++) {
            for (size_t c = 0; c < q; c++) {
                for (size_t b = 0; b < nb; b++)
                    col[b] = rep[(b * m + o) * q + c];
                double sd, lo, hi, e = est[o * q + c];
                mps_sens_spread(col, nb, r->confidence, &sd, &lo, &hi);
                if (isnan(e))
                    sd = lo = hi = NAN;
                if (c < k) {
                    r->s1[o * k + c] = e;
                    r->s1_se[o * k + c] = sd;
                    r->s1_lo[o * k + c] = lo;
                    r->s1_hi[o * k + c] = hi;
                } else if (c < 2 * k) {
                    r->st[o * k + c - k] = e;
                    r->st_se[o * k + c - k] = sd;
                    r->st_lo[o * k + c - k] = lo;
                    r->st_hi[o * k + c - k] = hi;
                } else {
                    r->s1_sum[o] = e;
                    r->s1_sum_se[o] = sd;
                    r->s1_sum_lo[o] = lo;
                    r->s1_sum_hi[o] = hi;
                }
            }
        }
    }
    free(est);
    free(rep);
    free(acc);
    free(idx);
    free(col);
    return status;
}

int mps_sobol_result_alloc(mpsim_sobol_result *r, size_t k, size_t m)
{
    r->k = k;
    r->m = m;
    r->input_names = mps_calloc(k, sizeof *r->input_names);
    r->output_names = mps_calloc(m, sizeof *r->output_names);
    double **om[] = {&r->mean,      &r->variance,  &r->s1_sum,
                     &r->s1_sum_se, &r->s1_sum_lo, &r->s1_sum_hi};
    double **okm[] = {&r->s1, &r->s1_se, &r->s1_lo, &r->s1_hi,
                      &r->st, &r->st_se, &r->st_lo, &r->st_hi};
    int ok = r->input_names && r->output_names;
    for (size_t i = 0; i < sizeof om / sizeof om[0]; i++)
        ok = (*om[i] = mps_calloc(m, sizeof(double))) != NULL && ok;
    for (size_t i = 0; i < sizeof okm / sizeof okm[0]; i++)
        ok = (*okm[i] = mps_calloc(k * m, sizeof(double))) != NULL && ok;
    if (!ok) {
        mpsim_sobol_result_clear(r);
        return MPSIM_ERR_FAIL;
    }
    return MPSIM_OK;
}

void mpsim_sobol_result_clear(mpsim_sobol_result *r)
{
    if (r == NULL)
        return;
    for (size_t i = 0; r->input_names && i < r->k; i++)
        free(r->input_names[i]);
    for (size_t o = 0; r->output_names && o < r->m; o++)
        free(r->output_names[o]);
    free(r->input_names);
    free(r->output_names);
    double *arrays[] = {r->mean,   r->variance,  r->s1,        r->s1_se,    r->s1_lo,
                        r->s1_hi,  r->st,        r->st_se,     r->st_lo,    r->st_hi,
                        r->s1_sum, r->s1_sum_se, r->s1_sum_lo, r->s1_sum_hi};
    for (size_t i = 0; i < sizeof arrays / sizeof arrays[0]; i++)
        free(arrays[i]);
    memset(r, 0, sizeof *r);
}
