/*
 * One-way analyses of a scenario and the value of information of a batch
 * (docs/sensitivity.md, "The portfolio model"):
 *
 *   - tornado: E[NPV] and E[BCR] over paths 0 .. N-1 with one input fixed
 *     at its P10, then at its P90, the other inputs drawn as usual; the
 *     same paths for every bar (common random numbers);
 *   - switching values: where the static NPV (the Green Book appraisal
 *     with the input's central value replaced) and the dynamic E[NPV]
 *     (the input fixed on every one of the N paths) cross 0, found by
 *     mpsim_switching_value over the input's bounds or P0.1 .. P99.9;
 *   - EVPI and per-input EVPPI over the alternatives of a batch, from the
 *     per-path NPVs of N samples under common random numbers.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "random/stream.h"
#include "random/stream_names.h"
#include "sensitivity/model_sens.h"
#include "sensitivity/model_share.h"

typedef struct {
    mps_sens_pool *pool;
    int slot;
    uint64_t seed, n;
    const volatile sig_atomic_t *cancel;
} dynamic_ctx;

/* E[NPV] over the N paths with the input fixed at x. */
static int dynamic_npv(void *ctx, double x, double *value, mpsim_errors *errs)
{
    const dynamic_ctx *c = ctx;
    double bcr;
    mps_sens_pool_set(c->pool, c->slot, MPS_OVERRIDE_VALUE, x);
    int st = mps_sens_mean_paths(c->pool, c->seed, c->n, value, &bcr, NULL, c->cancel);
    mps_sens_pool_set(c->pool, c->slot, MPS_OVERRIDE_NONE, 0.0);
    if (st == MPSIM_ERR_FAIL)
        mpsim_errors_add(errs, NULL, 0, 0, NULL, "out of memory");
    return st;
}

typedef struct {
    const mps_scenario *s;
    const mps_input_ref *ref;
} static_ctx;

/* The static NPV with the input's distribution replaced by the number x
 * (its central value is then x): a shallow copy of the scenario with that
 * one distribution changed, prepared as a model of its own. */
static int static_npv(void *ctx, double x, double *value, mpsim_errors *errs)
{
    const static_ctx *c = ctx;
    mps_scenario copy = *c->s;
    mps_project *pr = mps_calloc((size_t)copy.n_projects + 1, sizeof *pr);
    if (pr == NULL) {
        mpsim_errors_add(errs, NULL, 0, 0, NULL, "out of memory");
        return MPSIM_ERR_FAIL;
    }
    memcpy(pr, c->s->projects, (size_t)copy.n_projects * sizeof *pr);
    if (c->ref->kind == MPS_INPUT_BENEFIT)
        pr[c->ref->project].annual = mps_dist_fixed(x);
    else if (c->ref->kind == MPS_INPUT_PREVENTION)
        pr[c->ref->project].prev_effect = mps_dist_fixed(x);
    copy.projects = pr;
    mps_model *m = NULL;
    int st = mps_model_create(&copy, &m);
    if (st == MPSIM_OK) {
        mpsim_static_result r;
        mps_static_appraise(m, &r);
        *value = r.npv;
    } else {
        mpsim_errors_add(errs, c->s->file, 0, 0, NULL,
                         "cannot prepare the static appraisal at %g", x);
    }
    mps_model_free(m);
    free(pr);
    return st;
}

/* The static appraisal reads a benefit level and a prevention effect at
 * their central values; it replaces overrun by the optimism bias, delay by
 * 0, and has no wider economy (static.c), so it does not read the rest. */
static int static_reads(const mps_input_ref *ref)
{
    return ref->kind == MPS_INPUT_BENEFIT || ref->kind == MPS_INPUT_PREVENTION;
}

static int tornado(mps_sens_scenario *sc, mps_sens_pool *pool, uint64_t n, uint64_t seed,
                   const volatile sig_atomic_t *cancel)
{
    int st = mps_sens_mean_paths(pool, seed, n, &sc->base_npv, &sc->base_bcr, NULL, cancel);
    for (size_t i = 0; st == MPSIM_OK && i < sc->k; i++) {
        const mps_sens_model_input *in = &sc->inputs[i];
        mps_sens_tornado *t = &sc->tornado[i];
        mps_sens_pool_set(pool, in->slot, MPS_OVERRIDE_VALUE, in->p10);
        st = mps_sens_mean_paths(pool, seed, n, &t->npv_p10, &t->bcr_p10, NULL, cancel);
        mps_sens_pool_set(pool, in->slot, MPS_OVERRIDE_VALUE, in->p90);
        if (st == MPSIM_OK)
            st = mps_sens_mean_paths(pool, seed, n, &t->npv_p90, &t->bcr_p90, NULL, cancel);
        mps_sens_pool_set(pool, in->slot, MPS_OVERRIDE_NONE, 0.0);
        t->swing = fabs(t->npv_p90 - t->npv_p10);
    }
    /* Insertion sort by decreasing swing; ties keep input order. */
    for (size_t i = 0; i < sc->k; i++) {
        size_t j = i;
        while (j > 0 && sc->tornado[sc->tornado_order[j - 1]].swing < sc->tornado[i].swing) {
            sc->tornado_order[j] = sc->tornado_order[j - 1];
            j--;
        }
        sc->tornado_order[j] = i;
    }
    return st;
}

int mps_sens_oneway(mps_sens_scenario *sc, const mps_model *m, mps_sens_pool *pool, uint64_t n,
                    uint64_t seed, const volatile sig_atomic_t *cancel, mpsim_errors *errs)
{
    const size_t k = sc->k;
    sc->tornado = mps_calloc(k, sizeof *sc->tornado);
    sc->tornado_order = mps_calloc(k, sizeof *sc->tornado_order);
    sc->static_applies = mps_calloc(k, sizeof *sc->static_applies);
    sc->sw_static = mps_calloc(k, sizeof *sc->sw_static);
    sc->sw_dynamic = mps_calloc(k, sizeof *sc->sw_dynamic);
    if (!sc->tornado || !sc->tornado_order || !sc->static_applies || !sc->sw_static ||
        !sc->sw_dynamic) {
        mpsim_errors_add(errs, NULL, 0, 0, NULL, "out of memory");
        return MPSIM_ERR_FAIL;
    }
    for (int t = 0; t < pool->n_threads; t++)
        memset(pool->ovr[t], 0, (size_t)pool->n_slots * sizeof **pool->ovr);
    int st = tornado(sc, pool, n, seed, cancel);
    if (st != MPSIM_OK) {
        if (st == MPSIM_ERR_FAIL)
            mpsim_errors_add(errs, NULL, 0, 0, NULL, "out of memory");
        return st;
    }
    mpsim_static_result stat;
    mps_static_appraise(m, &stat);
    sc->static_npv = stat.npv;
    for (size_t i = 0; st == MPSIM_OK && i < k; i++) {
        const mps_sens_model_input *in = &sc->inputs[i];
        mpsim_switching_spec spec;
        memset(&spec, 0, sizeof spec);
        spec.lo = in->lo;
        spec.hi = in->hi;
        spec.centre = in->centre;
        sc->static_applies[i] = static_reads(&in->ref);
        sc->sw_static[i] = (mpsim_switching_result){0, NAN, stat.npv, stat.npv, 0, NAN, NAN, 0};
        if (sc->static_applies[i]) {
            static_ctx c = {sc->s, &in->ref};
            st = mpsim_switching_value(&spec, static_npv, &c, &sc->sw_static[i], errs);
        }
        if (st != MPSIM_OK)
            break;
        spec.grid = MPS_SENS_SWITCH_GRID;
        dynamic_ctx d = {pool, in->slot, seed, n, cancel};
        st = mpsim_switching_value(&spec, dynamic_npv, &d, &sc->sw_dynamic[i], errs);
    }
    return st;
}

/* Slot of scenario d's input with the first scenario's key path q, or -1
 * when scenario d does not study it. */
static int voi_slot(const mpsim_sensitivity *r, size_t d, size_t q)
{
    const mps_sens_scenario *sd = &r->sc[d];
    for (size_t i = 0; i < sd->k; i++)
        if (strcmp(sd->inputs[i].key_path, r->sc[0].inputs[q].key_path) == 0)
            return sd->inputs[i].slot;
    return -1;
}

typedef struct {
    const mpsim_sensitivity *r;
    mps_sens_pool *pool;
    const int *slot;
    uint64_t key;
} voi_ctx;

/* mps_sens_items_fn: the NPV of samples first .. first + count - 1. */
static int voi_items(void *ctx, int t, uint64_t first, uint64_t count, double *out)
{
    const voi_ctx *c = ctx;
    mps_sens_pool *pool = c->pool;
    for (uint64_t j = first; j < first + count; j++) {
        for (size_t q = 0; q < c->r->voi_k; q++)
            if (c->slot[q] >= 0) {
                pool->ovr[t][c->slot[q]].mode = MPS_OVERRIDE_UNIT;
                pool->ovr[t][c->slot[q]].value = mps_uniform_at(c->r->seed, j, c->key, (uint32_t)q);
            }
        const mps_path_result *res = mps_path_run(pool->m, c->r->seed, j, pool->ws[t]);
        out[j - first] = res->metrics[MPSIM_M_NPV];
    }
    return MPSIM_OK;
}

/* NPV of every sample of alternative d: path j with each studied input at
 * u_jq, the coordinate of sample j of the Saltelli matrix A; the samples
 * shared out over MPI ranks and threads (model_share.h). */
static int voi_npv(const mpsim_sensitivity *r, size_t d, mps_sens_pool *pool, const int *slot,
                   double *nb, const volatile sig_atomic_t *cancel, mpsim_errors *errs)
{
    const uint64_t n = r->samples;
    const size_t D = r->n;
    double *v = mps_calloc((size_t)n + 1, sizeof *v);
    /* Agreed first: the sharing is collective. */
    if (mpsim_parallel_max(v == NULL)) {
        free(v);
        mpsim_errors_add(errs, NULL, 0, 0, NULL, "out of memory");
        return MPSIM_ERR_FAIL;
    }
    voi_ctx c = {r, pool, slot, mps_key_sensitivity("saltelli/A")};
    int st = mps_sens_share(n, 1, 64, pool->n_threads, voi_items, &c, v, cancel, errs);
    for (uint64_t j = 0; st == MPSIM_OK && j < n; j++)
        nb[(size_t)j * D + d] = v[j];
    for (int t = 0; t < pool->n_threads; t++)
        memset(pool->ovr[t], 0, (size_t)pool->n_slots * sizeof **pool->ovr);
    free(v);
    return st;
}

int mps_sens_voi(mpsim_sensitivity *r, mps_model *const *models, mps_sens_pool *pools,
                 const volatile sig_atomic_t *cancel, mpsim_errors *errs)
{
    (void)models;
    const size_t D = r->n, k = r->sc[0].k;
    const uint64_t n = r->samples;
    r->voi_k = k;
    double *nb = mps_calloc((size_t)n * D, sizeof *nb);
    double *phi = mps_calloc((size_t)n, sizeof *phi);
    int *slot = mps_calloc(k + 1, sizeof *slot);
    r->evppi = mps_calloc(k + 1, sizeof *r->evppi);
    if (!nb || !phi || !slot || !r->evppi) {
        free(nb);
        free(phi);
        free(slot);
        mpsim_errors_add(errs, NULL, 0, 0, NULL, "out of memory");
        return MPSIM_ERR_FAIL;
    }
    int st = MPSIM_OK;
    for (size_t d = 0; st == MPSIM_OK && d < D; d++) {
        for (size_t q = 0; q < k; q++)
            slot[q] = voi_slot(r, d, q);
        st = voi_npv(r, d, &pools[d], slot, nb, cancel, errs);
    }
    if (st == MPSIM_OK)
        st = mpsim_evpi(nb, (size_t)n, D, &r->evpi, errs);
    const uint64_t key = mps_key_sensitivity("saltelli/A");
    for (size_t q = 0; st == MPSIM_OK && q < k; q++) {
        for (uint64_t j = 0; j < n; j++)
            phi[j] = mps_uniform_at(r->seed, j, key, (uint32_t)q);
        mpsim_evppi_spec spec;
        memset(&spec, 0, sizeof spec);
        spec.phi = phi;
        spec.n_inputs = 1;
        spec.method = MPSIM_EVPPI_BINNED;
        spec.bootstrap = r->bootstrap;
        spec.seed = r->seed;
        st = mpsim_evppi(nb, (size_t)n, D, &spec, &r->evppi[q], errs);
    }
    r->has_voi = st == MPSIM_OK;
    free(nb);
    free(phi);
    free(slot);
    return st;
}
