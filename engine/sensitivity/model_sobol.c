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
 *
 * Under MPI (model_share.h) the paths of a plain run, and the base
 * samples of the Saltelli scheme, are shared out over the ranks, and every
 * rank receives every output.  mpsim_sobol itself then runs on every rank
 * over a callback that hands back the outputs computed earlier (checking
 * that each row's inputs are the ones they were computed with), so the
 * indices are those of a serial run bit for bit.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>

#include "core/util.h"
#include "random/quantile.h"
#include "random/stream.h"
#include "random/stream_names.h"
#include "sensitivity/model_sens.h"
#include "sensitivity/model_share.h"
#include "sensitivity/sens_internal.h"

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

/* Base samples a thread evaluates at a time under MPI: mpsim_sobol's
 * default block, so the model sees the same calls. */
#define MPS_SENS_SAMPLE_CHUNK 16

/* The Saltelli scheme evaluated ahead of mpsim_sobol (under MPI). */
typedef struct {
    sobol_ctx model;
    size_t k, m;
    uint64_t seed, key_a, key_b;
    mps_dist *dist;         /* [k]: the spec's inputs (uniform on [0, 1]) */
    mpsim_sobol_row **rows; /* [threads][chunk (k + 2)] */
    double **x;             /* [threads][chunk (k + 2) k] */
    const double *y;        /* [n (k + 2) m]: the outputs, row by row */
} saltelli_ctx;

/* Inputs of row c (0: A, 1: B, 2 + i: AB^(i)) of base sample j, drawn as
 * mpsim_sobol draws them (sobol.c, run_block). */
static void design_row(const saltelli_ctx *c, uint64_t j, size_t row, double *x)
{
    for (size_t i = 0; i < c->k; i++) {
        int from_b = row == 1 || row == 2 + i;
        double u = mps_uniform_at(c->seed, j, from_b ? c->key_b : c->key_a, (uint32_t)i);
        x[i] = mps_dist_quantile(&c->dist[i], u);
    }
}

/* mps_sens_items_fn: base samples first .. first + count - 1, all their
 * rows, into out (k + 2) m doubles a sample. */
static int saltelli_items(void *ctx, int t, uint64_t first, uint64_t count, double *out)
{
    const saltelli_ctx *c = ctx;
    const size_t per = c->k + 2;
    mpsim_sobol_row *rows = c->rows[t];
    double *x = c->x[t];
    for (uint64_t s = 0; s < count; s++)
        for (size_t row = 0; row < per; row++) {
            size_t r = (size_t)s * per + row;
            rows[r].sample = first + s;
            rows[r].matrix = row == 0 ? MPSIM_SOBOL_ROW_A
                             : row == 1 ? MPSIM_SOBOL_ROW_B
                                        : (int)(row - 2);
            design_row(c, first + s, row, x + r * c->k);
        }
    mpsim_errors e;
    mpsim_errors_init(&e);
    int st = sobol_model((void *)&c->model, (size_t)count * per, rows, x, out, &e);
    mpsim_errors_clear(&e);
    return st;
}

/* The callback mpsim_sobol gets under MPI: each row's outputs from c->y,
 * after checking that the row's inputs are those they were computed with
 * (a change to mpsim_sobol's design would otherwise go unseen). */
static int saltelli_replay(void *ctx, size_t n, const mpsim_sobol_row *rows, const double *x,
                           double *y, mpsim_errors *errs)
{
    const saltelli_ctx *c = ctx;
    const size_t per = c->k + 2;
    double *want = malloc(sizeof *want * c->k);
    if (want == NULL) {
        mpsim_errors_add(errs, NULL, 0, 0, NULL, "out of memory");
        return MPSIM_ERR_FAIL;
    }
    int st = MPSIM_OK;
    for (size_t r = 0; r < n && st == MPSIM_OK; r++) {
        const int mx = rows[r].matrix;
        const size_t row = mx == MPSIM_SOBOL_ROW_A ? 0 : mx == MPSIM_SOBOL_ROW_B ? 1 : 2 + (size_t)mx;
        design_row(c, rows[r].sample, row, want);
        if (row >= per || memcmp(want, x + r * c->k, sizeof *want * c->k) != 0) {
            mpsim_errors_add(errs, NULL, 0, 0, NULL,
                             "internal error: the Saltelli rows evaluated over the MPI ranks "
                             "are not those mpsim_sobol asks for (sample %llu)",
                             (unsigned long long)rows[r].sample);
            st = MPSIM_ERR_FAIL;
            break;
        }
        memcpy(y + r * c->m, c->y + ((size_t)rows[r].sample * per + row) * c->m,
               sizeof *y * c->m);
    }
    free(want);
    return st;
}

/* mpsim_sobol on outputs evaluated first over every MPI rank. */
static int sobol_shared(const mpsim_sobol_spec *spec, const sobol_ctx *model,
                        mpsim_sobol_result *res, mpsim_errors *errs)
{
    const size_t k = spec->k, m = spec->m, per = k + 2, nt = (size_t)model->pool->n_threads;
    saltelli_ctx c;
    memset(&c, 0, sizeof c);
    c.model = *model;
    c.k = k;
    c.m = m;
    c.seed = spec->seed;
    c.key_a = mps_key_sensitivity("saltelli/A");
    c.key_b = mps_key_sensitivity("saltelli/B");
    c.dist = mps_calloc(k, sizeof *c.dist);
    c.rows = mps_calloc(nt, sizeof *c.rows);
    c.x = mps_calloc(nt, sizeof *c.x);
    double *y = mps_calloc((size_t)spec->n * per * m, sizeof *y);
    int ok = c.dist && c.rows && c.x && y;
    for (size_t t = 0; ok && t < nt; t++)
        ok = (c.rows[t] = mps_calloc(MPS_SENS_SAMPLE_CHUNK * per, sizeof **c.rows)) &&
             (c.x[t] = mps_calloc(MPS_SENS_SAMPLE_CHUNK * per * k, sizeof **c.x));
    for (size_t i = 0; ok && i < k; i++)
        c.dist[i] = mps_sens_to_dist(&spec->inputs[i]);
    /* Agreed before the evaluation, whose collectives every rank makes. */
    int st = MPSIM_OK;
    if (mpsim_parallel_max(!ok)) {
        mpsim_errors_add(errs, NULL, 0, 0, NULL, "out of memory for the Sobol analysis");
        st = MPSIM_ERR_FAIL;
    }
    if (st == MPSIM_OK)
        st = mps_sens_share(spec->n, per * m, MPS_SENS_SAMPLE_CHUNK, (int)nt, saltelli_items, &c,
                             y, spec->cancel, errs);
    if (st == MPSIM_OK) {
        c.y = y;
        st = mpsim_sobol(spec, saltelli_replay, &c, res, errs);
    }
    for (size_t t = 0; t < nt; t++) {
        free(c.rows ? c.rows[t] : NULL);
        free(c.x ? c.x[t] : NULL);
    }
    free(c.rows);
    free(c.x);
    free(c.dist);
    free(y);
    return st;
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
        status = mps_sens_share_ranks() ? sobol_shared(&spec, &c, &sc->sobol, errs)
                                         : mpsim_sobol(&spec, sobol_model, &c, &sc->sobol, errs);
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

typedef struct {
    mps_sens_pool *pool;
    uint64_t seed;
} paths_ctx;

/* mps_sens_items_fn: paths first .. first + count - 1, NPV and BCR each. */
static int paths_items(void *ctx, int t, uint64_t first, uint64_t count, double *out)
{
    const paths_ctx *c = ctx;
    for (uint64_t i = 0; i < count; i++) {
        const mps_path_result *r = mps_path_run(c->pool->m, c->seed, first + i, c->pool->ws[t]);
        out[2 * i] = r->metrics[MPSIM_M_NPV];
        out[2 * i + 1] = r->metrics[MPSIM_M_BCR];
    }
    return MPSIM_OK;
}

int mps_sens_mean_paths(mps_sens_pool *pool, uint64_t seed, uint64_t n, double *mean_npv,
                        double *mean_bcr, double *npv, const volatile sig_atomic_t *cancel)
{
    double *v = mps_calloc(2 * n + 1, sizeof *v);
    /* Agreed by every rank (a no-op with one), since the sharing that
     * follows is collective. */
    if (mpsim_parallel_max(v == NULL)) {
        free(v);
        return MPSIM_ERR_FAIL;
    }
    paths_ctx c = {pool, seed};
    mpsim_errors e;
    mpsim_errors_init(&e);
    int st = mps_sens_share(n, 2, MPS_SENS_CHUNK, pool->n_threads, paths_items, &c, v, cancel, &e);
    mpsim_errors_clear(&e);
    if (st == MPSIM_ERR_FAIL) {
        free(v);
        return MPSIM_ERR_FAIL;
    }
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
    return st;
}
