/*
 * EVPPI of one or several inputs by regression (docs/sensitivity.md): the
 * conditional expectation E[NB_d | phi] is estimated by the least-squares
 * fit of NB_d on a polynomial in the inputs, as in the regression approach
 * of Strong, Oakley and Brennan (2014) with a polynomial in place of their
 * GAM or Gaussian process.  Then
 *   EVPPI = mean_j max_d g_d(phi_j) - max_d mean_j g_d(phi_j),
 * and, the basis holding a constant, mean_j g_d = mean_j NB_jd.
 *
 * The inputs are standardised (mean 0, sd 1 over the sample) before the
 * monomials are built; the span of the polynomials of a total degree is
 * unchanged by that affine map, so only the conditioning improves.  The
 * fit uses GSL's SVD-based least squares, decomposing the design once for
 * all alternatives.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_blas.h>
#include <gsl/gsl_multifit.h>
#include <gsl/gsl_statistics_double.h>

#include "core/util.h"
#include "random/stream_names.h"
#include "sensitivity/sens_internal.h"

#define MPS_EVPPI_DEGREE 2
#define MPS_EVPPI_MAX_DEGREE 6
/* Most basis terms: the fit is O(n terms^2) per alternative and resample. */
#define MPS_EVPPI_MAX_TERMS 200
/* Singular values below this fraction of the largest mean the inputs take
 * too few distinct values for the polynomial. */
#define MPS_EVPPI_RANK_TOL 1e-10

/* Number of monomials of total degree <= q in p variables, C(p + q, q),
 * saturating above `cap`. */
static size_t count_terms(size_t p, unsigned q, size_t cap)
{
    double c = 1.0;
    for (unsigned i = 1; i <= q; i++) {
        c = c * (double)(p + i) / (double)i;
        if (c > (double)cap)
            return cap + 1;
    }
    return (size_t)(c + 0.5);
}

/* Writes the exponent vectors of every monomial of total degree <= left in
 * variables v.. p-1 after the prefix cur[0..v), in graded order of the
 * recursion; returns the next free row of exps. */
static size_t enumerate(size_t p, size_t v, unsigned left, unsigned *cur, unsigned *exps,
                        size_t row)
{
    if (v == p) {
        memcpy(exps + row * p, cur, p * sizeof *cur);
        return row + 1;
    }
    for (unsigned e = 0; e <= left; e++) {
        cur[v] = e;
        row = enumerate(p, v + 1, left - e, cur, exps, row);
    }
    cur[v] = 0;
    return row;
}

typedef struct {
    size_t n, d, p, terms;
    unsigned degree;
    const double *nb;
    double *z;      /* [n * p] standardised inputs */
    unsigned *exps; /* [terms * p] */
    gsl_matrix *x;  /* n x terms design of the rows in use */
    gsl_vector *y, *c, *fit;
    double *rowmax;  /* [n] */
    double *colmean; /* [d] */
    gsl_multifit_linear_workspace *w;
} mps_evppi_fit;

/* Fits on the samples idx[0..n) (all, in order, when idx is NULL) and
 * returns the EVPPI estimate, or NaN when the design is rank-deficient. */
static double fit_estimate(mps_evppi_fit *F, const size_t *idx, double *perfect, double *current)
{
    size_t n = F->n, p = F->p;
    for (size_t t = 0; t < n; t++) {
        size_t j = idx ? idx[t] : t;
        for (size_t m = 0; m < F->terms; m++) {
            double v = 1.0;
            for (size_t q = 0; q < p; q++)
                for (unsigned e = 0; e < F->exps[m * p + q]; e++)
                    v *= F->z[j * p + q];
            gsl_matrix_set(F->x, t, m, v);
        }
    }
    gsl_multifit_linear_svd(F->x, F->w);
    if (gsl_multifit_linear_rank(MPS_EVPPI_RANK_TOL, F->w) < F->terms)
        return NAN;
    for (size_t t = 0; t < n; t++)
        F->rowmax[t] = -INFINITY;
    for (size_t a = 0; a < F->d; a++) {
        for (size_t t = 0; t < n; t++)
            gsl_vector_set(F->y, t, F->nb[(idx ? idx[t] : t) * F->d + a]);
        double rnorm, snorm;
        gsl_multifit_linear_solve(0.0, F->x, F->y, F->c, &rnorm, &snorm, F->w);
        gsl_blas_dgemv(CblasNoTrans, 1.0, F->x, F->c, 0.0, F->fit);
        double s = 0.0;
        for (size_t t = 0; t < n; t++) {
            double g = gsl_vector_get(F->fit, t);
            s += g;
            if (g > F->rowmax[t])
                F->rowmax[t] = g;
        }
        F->colmean[a] = s / (double)n;
    }
    double mx = F->colmean[0], sum = 0.0;
    for (size_t a = 1; a < F->d; a++)
        if (F->colmean[a] > mx)
            mx = F->colmean[a];
    for (size_t t = 0; t < n; t++)
        sum += F->rowmax[t];
    *perfect = sum / (double)n;
    *current = mx;
    return *perfect - *current;
}

static void fit_free(mps_evppi_fit *F)
{
    free(F->z);
    free(F->exps);
    gsl_matrix_free(F->x);
    gsl_vector_free(F->y);
    gsl_vector_free(F->c);
    gsl_vector_free(F->fit);
    free(F->rowmax);
    free(F->colmean);
    if (F->w)
        gsl_multifit_linear_free(F->w);
}

int mps_evppi_regression(const double *nb, size_t n, size_t d, const double *phi, size_t p,
                         unsigned degree, unsigned nboot, uint64_t seed, mpsim_voi_result *out,
                         mpsim_errors *errs)
{
    unsigned q = degree ? degree : MPS_EVPPI_DEGREE;
    if (q > MPS_EVPPI_MAX_DEGREE) {
        mpsim_errors_add(errs, NULL, 0, 0, "degree",
                         "polynomial degree %u: at most %d (higher degrees are ill-conditioned)", q,
                         MPS_EVPPI_MAX_DEGREE);
        return MPSIM_ERR_INPUT;
    }
    size_t terms = count_terms(p, q, MPS_EVPPI_MAX_TERMS);
    if (terms > MPS_EVPPI_MAX_TERMS || 2 * terms > n) {
        mpsim_errors_add(errs, NULL, 0, 0, "degree",
                         "a degree-%u polynomial in %zu inputs has %s%zu terms: at most %d, and at "
                         "most n / 2 = %zu for %zu samples; use fewer inputs or a lower degree",
                         q, p, terms > MPS_EVPPI_MAX_TERMS ? "over " : "",
                         terms > MPS_EVPPI_MAX_TERMS ? (size_t)MPS_EVPPI_MAX_TERMS : terms,
                         MPS_EVPPI_MAX_TERMS, n / 2, n);
        return MPSIM_ERR_INPUT;
    }
    mps_evppi_fit F;
    memset(&F, 0, sizeof F);
    F.n = n;
    F.d = d;
    F.p = p;
    F.terms = terms;
    F.degree = q;
    F.nb = nb;
    F.z = mps_calloc(n * p, sizeof *F.z);
    F.exps = mps_calloc(terms * p, sizeof *F.exps);
    unsigned *cur = mps_calloc(p, sizeof *cur);
    size_t *idx = mps_calloc(n, sizeof *idx);
    double *rep = mps_calloc(nboot, sizeof *rep);
    double *col = mps_calloc(n, sizeof *col);
    F.x = gsl_matrix_alloc(n, terms);
    F.y = gsl_vector_alloc(n);
    F.c = gsl_vector_alloc(terms);
    F.fit = gsl_vector_alloc(n);
    F.rowmax = mps_calloc(n, sizeof *F.rowmax);
    F.colmean = mps_calloc(d, sizeof *F.colmean);
    F.w = gsl_multifit_linear_alloc(n, terms);
    int status = MPSIM_OK;
    if (!F.z || !F.exps || !cur || !idx || !rep || !col || !F.x || !F.y || !F.c || !F.fit ||
        !F.rowmax || !F.colmean || !F.w) {
        mpsim_errors_add(errs, NULL, 0, 0, NULL, "out of memory for EVPPI");
        status = MPSIM_ERR_FAIL;
    }
    for (size_t v = 0; status == MPSIM_OK && v < p; v++) {
        for (size_t j = 0; j < n; j++)
            col[j] = phi[j * p + v];
        double mean = gsl_stats_mean(col, 1, n), sd = gsl_stats_sd_m(col, 1, n, mean);
        if (!(sd > 0.0)) {
            mpsim_errors_add(errs, NULL, 0, 0, "phi",
                             "input %zu takes one value on every sample: there is nothing to "
                             "learn about it",
                             v);
            status = MPSIM_ERR_INPUT;
        }
        for (size_t j = 0; j < n; j++)
            F.z[j * p + v] = (col[j] - mean) / sd;
    }
    if (status == MPSIM_OK) {
        enumerate(p, 0, q, cur, F.exps, 0);
        double perfect, current;
        out->value = fit_estimate(&F, NULL, &perfect, &current);
        if (isnan(out->value)) {
            mpsim_errors_add(errs, NULL, 0, 0, "phi",
                             "the inputs take too few distinct values for a degree-%u polynomial "
                             "(the regression is rank-deficient); lower the degree",
                             q);
            status = MPSIM_ERR_INPUT;
        } else {
            out->expected_perfect = perfect;
            out->expected_current = current;
            for (size_t a = 0; a < d; a++) {
                double s = 0.0;
                for (size_t j = 0; j < n; j++)
                    s += nb[j * d + a];
                F.colmean[a] = s / (double)n;
            }
            out->best = 0;
            for (size_t a = 1; a < d; a++)
                if (F.colmean[a] > F.colmean[out->best])
                    out->best = a;
            /* Each resample refits on its rows; one that is rank-deficient
             * makes the se NaN rather than quietly smaller. */
            uint64_t key = mps_key_sensitivity("bootstrap");
            for (unsigned b = 0; b < nboot; b++) {
                for (size_t t = 0; t < n; t++)
                    idx[t] = mps_sens_boot_index(seed, key, b, (uint32_t)t, n);
                rep[b] = fit_estimate(&F, idx, &perfect, &current);
            }
            double lo, hi;
            mps_sens_spread(rep, nboot, 0.95, &out->se, &lo, &hi);
        }
    }
    if (status != MPSIM_OK)
        out->value = NAN;
    fit_free(&F);
    free(cur);
    free(idx);
    free(rep);
    free(col);
    return status;
}
