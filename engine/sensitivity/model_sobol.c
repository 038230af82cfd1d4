/*
 * The portfolio model as a Sobol' callback, and plain runs of paths with
 * some inputs fixed (tornado, switching values, value of information).
 *
 * One evaluation is one path.  Row r of the Saltelli scheme for base
 * sample j runs path j with each studied input overridden by its unit
 * coordinate: the input's value is its marginal's quantile there, or, for
 * an input in the Gaussian copula, its independent normal score is
 * Phi^-1(u) before the Cholesky mix (the model's inputs.c).  Everything
 * else a path draws (gates, churn, spillovers, regimes, cuts, unstudied
 * inputs) comes from its own stream keyed by (seed, j), so the rows A_j,
 * B_j and AB^(i)_j share it as common random numbers.
 *
 * Each OpenMP thread has its own workspace and override table; outputs
 * land in slots fixed by row or path and are summed in path order, so
 * every result is the same whatever the number of threads.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>

#include "core/util.h"
#include "sensitivity/model_sens.h"

/* Paths handed to a thread at a time by the plain runs. */
#define MPS_SENS_CHUNK 64

int mps_sens_pool_init(mps_sens_pool *p, const mps_model *m, int threads)
{
    memset(p, 0, sizeof *p);
    p->m = m;
    p->n_threads = threads > 0 ? threads : omp_get_max_threads();
    if (p->n_threads < 1)
        p->n_threads = 1;
    p->n_slots = mps_model_n_input_slots(m);
    p->ws = mps_calloc((size_t)p->n_threads, sizeof *p->ws);
    p->ovr = mps_calloc((size_t)p->n_threads, sizeof *p->ovr);
    if (p->ws == NULL || p->ovr == NULL) {
        mps_sens_pool_free(p);
        return MPSIM_ERR_FAIL;
    }
    for (int t = 0; t < p->n_threads; t++) {
        p->ws[t] = mps_workspace_alloc(m);
        p->ovr[t] = mps_calloc((size_t)p->n_slots + 1, sizeof **p->ovr);
        if (p->ws[t] == NULL || p->ovr[t] == NULL) {
            mps_sens_pool_free(p);
            return MPSIM_ERR_FAIL;
        }
        mps_workspace_set_overrides(p->ws[t], p->ovr[t]);
    }
    return MPSIM_OK;
}

void mps_sens_pool_free(mps_sens_pool *p)
{
    for (int t = 0; t < p->n_threads; t++) {
        if (p->ws)
            mps_workspace_free(p->ws[t]);
        if (p->ovr)
            free(p->ovr[t]);
    }
    free(p->ws);
    free(p->ovr);
    memset(p, 0, sizeof *p);
}

void mps_sens_pool_set(mps_sens_pool *pool, int slot, int mode, double v)
{
    for (int t = 0; t < pool->n_threads; t++) {
        pool->ovr[t][slot].mode = mode;
        pool->ovr[t][slot].value = v;
    }
}

typedef struct {
    const mps_model *m;
    const mps_sens_scenario *sc;
    mps_sens_pool *pool;
    uint64_t seed;
} sobol_ctx;

static int sobol_model(void *ctx, size_t n, const mpsim_sobol_row *rows, const double *x,
                       double *y, mpsim_errors *errs)
{
    const sobol_ctx *c = ctx;
    const size_t k = c->sc->k, m = mps_sens_outputs_count(&c->sc->out);
    int t = omp_get_thread_num();
    if (t >= c->pool->n_threads) {
        mpsim_errors_add(errs, NULL, 0, 0, NULL, "more threads than workspaces");
        return MPSIM_ERR_FAIL;
    }
    mps_workspace *w = c->pool->ws[t];
    mps_input_override *ovr = c->pool->ovr[t];
    for (size_t r = 0; r < n; r++) {
        for (size_t i = 0; i < k; i++) {
            ovr[c->sc->inputs[i].slot].mode = MPS_OVERRIDE_UNIT;
            ovr[c->sc->inputs[i].slot].value = x[r * k + i];
        }
        const mps_path_result *res = mps_path_run(c->m, c->seed, rows[r].sample, w);
        mps_sens_outputs_fill(c->m, &c->sc->out, res, y + r * m);
    }
    return MPSIM_OK;
}

int mps_sens_sobol_scenario(mps_sens_scenario *sc, const mps_model *m, mps_sens_pool *pool,
                            const mpsim_sensitivity_options *o, uint64_t n, uint64_t seed,
                            mpsim_errors *errs)
{
    const size_t k = sc->k, mo = mps_sens_outputs_count(&sc->out);
    mpsim_sens_input *in = mps_calloc(k, sizeof *in);
    char **names = mps_calloc(mo, sizeof *names);
    int status = in && names ? MPSIM_OK : MPSIM_ERR_FAIL;
    for (size_t i = 0; status == MPSIM_OK && i < k; i++)
        in[i] = (mpsim_sens_input){sc->inputs[i].key_path, MPSIM_SENS_UNIFORM, 0.0, 1.0, 0.0};
    /* Output names: the scalars, then "<series>[<year>]". */
    for (size_t i = 0; status == MPSIM_OK && i < sc->out.n_scalar; i++)
        names[i] = sc->out.scalar_name[i];
    for (size_t q = 0; status == MPSIM_OK && q < sc->out.n_series; q++)
        for (int t = 0; t < sc->out.horizon; t++) {
            size_t o2 = sc->out.n_scalar + q * (size_t)sc->out.horizon + (size_t)t;
            names[o2] = mps_asprintf("%s[%d]", sc->out.series_name[q], sc->out.years[t]);
            if (names[o2] == NULL)
                status = MPSIM_ERR_FAIL;
        }
    if (status == MPSIM_OK) {
        for (int t = 0; t < pool->n_threads; t++)
            memset(pool->ovr[t], 0, (size_t)pool->n_slots * sizeof **pool->ovr);
        mpsim_sobol_spec spec;
        memset(&spec, 0, sizeof spec);
        spec.k = k;
        spec.inputs = in;
        spec.m = mo;
        spec.output_names = (const char *const *)names;
        spec.n = n;
        spec.seed = seed;
        spec.bootstrap = o->bootstrap;
        spec.threads = pool->n_threads;
        spec.cancel = o->cancel;
        sobol_ctx c = {m, sc, pool, seed};
        status = mpsim_sobol(&spec, sobol_model, &c, &sc->sobol, errs);
        for (int t = 0; t < pool->n_threads; t++)
            memset(pool->ovr[t], 0, (size_t)pool->n_slots * sizeof **pool->ovr);
    } else {
        mpsim_errors_add(errs, NULL, 0, 0, NULL, "out of memory");
    }
    for (size_t q = sc->out.n_scalar; names && q < mo; q++)
        free(names[q]);
    free(names);
    free(in);
    return status;
}

int mps_sens_mean_paths(mps_sens_pool *pool, uint64_t seed, uint64_t n, double *mean_npv,
                        double *mean_bcr, double *npv, const volatile sig_atomic_t *cancel)
{
    double *v = mps_calloc(2 * n + 1, sizeof *v);
    if (v == NULL)
        return MPSIM_ERR_FAIL;
    const long long chunks = (long long)((n + MPS_SENS_CHUNK - 1) / MPS_SENS_CHUNK);
    int stop = 0;
#pragma omp parallel for num_threads(pool->n_threads) schedule(dynamic, 1)
    for (long long ch = 0; ch < chunks; ch++) {
        if (cancel != NULL && *cancel)
            continue;
        int t = omp_get_thread_num();
        uint64_t j0 = (uint64_t)ch * MPS_SENS_CHUNK;
        uint64_t j1 = j0 + MPS_SENS_CHUNK < n ? j0 + MPS_SENS_CHUNK : n;
        for (uint64_t j = j0; j < j1; j++) {
            const mps_path_result *r = mps_path_run(pool->m, seed, j, pool->ws[t]);
            v[2 * j] = r->metrics[MPSIM_M_NPV];
            v[2 * j + 1] = r->metrics[MPSIM_M_BCR];
        }
    }
    if (cancel != NULL && *cancel)
        stop = 1;
    double s = 0.0, sb = 0.0;
    uint64_t nb = 0;
    for (uint64_t j = 0; j < n; j++) {
        s += v[2 * j];
        if (isfinite(v[2 * j + 1])) {
            sb += v[2 * j + 1];
            nb++;
        }
        if (npv != NULL)
            npv[j] = v[2 * j];
    }
    *mean_npv = s / (double)n;
    *mean_bcr = nb > 0 ? sb / (double)nb : NAN;
    free(v);
    return stop ? MPSIM_ERR_INTERRUPTED : MPSIM_OK;
}
