/*
 * The designs of docs/sweeps.md: grid (the Cartesian product, first
 * parameter slowest), Latin hypercube (one point per stratum of every
 * parameter, from the project's Philox streams keyed by design.seed) and
 * Sobol (GSL's quasi-random sequence).  Each gives points in the unit cube
 * (grid: value indexes), scaled here to each parameter's range.
 */
#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_qrng.h>

#include "core/util.h"
#include "random/stream.h"
#include "random/stream_names.h"
#include "sweep/sweep.h"

int mps_lhs_unit(size_t n, size_t d, uint64_t seed, double *x)
{
    size_t *perm = mps_calloc(n ? n : 1, sizeof *perm);
    if (perm == NULL)
        return MPSIM_ERR_FAIL;
    uint64_t kperm = mps_key_sweep_lhs("permutation"), kpos = mps_key_sweep_lhs("position");
    for (size_t j = 0; j < d; j++) {
        /* Fisher-Yates: step k swaps perm[k] with perm[r], r uniform on
         * 0..k, from uniform k of parameter j's permutation stream.  Each
         * parameter has its own stream (path = j), so adding a parameter
         * leaves the others' columns as they were. */
        for (size_t i = 0; i < n; i++)
            perm[i] = i;
        for (size_t k = n; k-- > 1;) {
            double u = mps_uniform_at(seed, (uint64_t)j, kperm, (uint32_t)k);
            size_t r = (size_t)(u * (double)(k + 1));
            if (r > k)
                r = k;
            size_t t = perm[k];
            perm[k] = perm[r];
            perm[r] = t;
        }
        for (size_t i = 0; i < n; i++) {
            double u = mps_uniform_at(seed, (uint64_t)j, kpos, (uint32_t)i);
            double v = ((double)perm[i] + u) / (double)n;
            /* (perm + u) / n rounds below 1 for u < 1, but keep the
             * stratum's upper end open whatever the rounding. */
            x[i * d + j] = v < 1.0 ? v : nextafter(1.0, 0.0);
        }
    }
    free(perm);
    return MPSIM_OK;
}

int mps_sobol_unit(size_t n, size_t d, double *x)
{
    if (d == 0 || d > MPS_SWEEP_SOBOL_MAX_DIM)
        return MPSIM_ERR_INPUT;
    gsl_qrng *q = gsl_qrng_alloc(gsl_qrng_sobol, (unsigned)d);
    if (q == NULL)
        return MPSIM_ERR_FAIL;
    for (size_t i = 0; i < n; i++)
        gsl_qrng_get(q, x + i * d);
    gsl_qrng_free(q);
    return MPSIM_OK;
}

/* Grid: point p's value index for parameter j, first parameter slowest. */
static void grid_points(mpsim_sweep *s)
{
    size_t d = s->n_params;
    for (size_t p = 0; p < s->n_points; p++) {
        size_t rest = p;
        for (size_t j = d; j-- > 0;) {
            size_t k = s->params[j].n_values;
            size_t idx = rest % k;
            rest /= k;
            s->grid_index[p * d + j] = idx;
            s->points[p * d + j] = s->params[j].numbers[idx];
        }
    }
}

int mps_sweep_design(mpsim_sweep *s)
{
    size_t d = s->n_params, n = s->n_points, cells = n * d > 0 ? n * d : 1;
    s->points = mps_calloc(cells, sizeof *s->points);
    if (s->points == NULL)
        return MPSIM_ERR_FAIL;
    if (s->method == MPS_DESIGN_GRID) {
        s->grid_index = mps_calloc(cells, sizeof *s->grid_index);
        if (s->grid_index == NULL)
            return MPSIM_ERR_FAIL;
        grid_points(s);
        return MPSIM_OK;
    }
    int rc = s->method == MPS_DESIGN_LHS ? mps_lhs_unit(n, d, s->design_seed, s->points)
                                         : mps_sobol_unit(n, d, s->points);
    if (rc != MPSIM_OK)
        return rc;
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < d; j++) {
            const mps_sweep_param *p = &s->params[j];
            double v = p->min + s->points[i * d + j] * (p->max - p->min);
            if (p->integer)
                v = round(v);
            s->points[i * d + j] = v;
        }
    }
    return MPSIM_OK;
}
