/*
 * The parallel driver: blocks of paths over OpenMP threads.
 *
 * Paths are cut into fixed blocks of BLOCK_PATHS, independent of the number
 * of threads.  Blocks are processed in rounds; within a round the threads
 * take blocks dynamically and each block sums its paths into its own slot;
 * after the round the slots are added to the totals in block order.  Sums of
 * doubles are therefore formed in the same order whatever the thread count,
 * and so are bit-identical.  Integer counts and fan-chart histograms are
 * kept per thread and merged at the end (integer addition is exact).
 * Per-path metrics are stored by path index.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>

#include "core/util.h"
#include "results/provenance.h"
#include "run/accumulate.h"
#include "run/estimate.h"
#include "scenario/scenario.h"

enum { BLOCK_PATHS = MPS_BLOCK_PATHS, ROUND_BLOCKS = MPS_ROUND_BLOCKS };

typedef struct {
    mps_workspace *ws;
    mps_fan fan;
    uint64_t *project_success;
    uint64_t *project_stopped;
    uint64_t *mission_year_count;
} thread_state;

typedef struct {
    int n;
    thread_state *t;
    double *slots; /* ROUND_BLOCKS slots of slot_len doubles */
    size_t slot_len;
} run_state;

static void run_state_free(run_state *st)
{
    if (st->t) {
        for (int i = 0; i < st->n; i++) {
            mps_workspace_free(st->t[i].ws);
            mps_fan_free(&st->t[i].fan);
            free(st->t[i].project_success);
            free(st->t[i].project_stopped);
            free(st->t[i].mission_year_count);
        }
    }
    free(st->t);
    free(st->slots);
    memset(st, 0, sizeof *st);
}

static int run_state_init(run_state *st, const mps_accum *a, int threads)
{
    memset(st, 0, sizeof *st);
    st->n = threads;
    st->t = calloc((size_t)threads, sizeof *st->t);
    /* A slot: the series, the per-project PVs, the per-project spend shares. */
    st->slot_len = (size_t)a->n_series * a->horizon +
                   (size_t)a->n_projects * (MPS_N_PROJECT_PV + 1);
    st->slots = mps_calloc(ROUND_BLOCKS * st->slot_len, sizeof *st->slots);
    if (!st->t || !st->slots)
        goto fail;
    for (int i = 0; i < threads; i++) {
        thread_state *t = &st->t[i];
        t->ws = mps_workspace_alloc(a->model);
        t->project_success = mps_calloc((size_t)a->n_projects, sizeof *t->project_success);
        t->project_stopped = mps_calloc((size_t)a->n_projects, sizeof *t->project_stopped);
        t->mission_year_count =
            mps_calloc((size_t)a->n_missions * (a->horizon + 1), sizeof *t->mission_year_count);
        if (!t->ws || !t->project_success || !t->project_stopped || !t->mission_year_count ||
            mps_fan_init(&t->fan, (size_t)a->n_series * a->horizon) != MPSIM_OK)
            goto fail;
    }
    return MPSIM_OK;
fail:
    run_state_free(st);
    return MPSIM_ERR_FAIL;
}

/* Runs the paths of block `block` into `slot` and the thread's counters. */
static void run_block(mps_accum *a, uint64_t seed, uint64_t block, double *slot,
                      size_t slot_len, thread_state *t)
{
    const size_t ns = (size_t)a->n_series * a->horizon;
    const int np = a->n_projects, nm = a->n_missions, h = a->horizon;
    double *series_sum = slot, *project_sum = slot + ns;
    double *share_sum = project_sum + (size_t)np * MPS_N_PROJECT_PV;
    memset(slot, 0, slot_len * sizeof *slot);

    uint64_t first = block * BLOCK_PATHS;
    uint64_t last = first + BLOCK_PATHS < a->paths ? first + BLOCK_PATHS : a->paths;
    for (uint64_t p = first; p < last; p++) {
        const mps_path_result *r = mps_path_run(a->model, seed, p, t->ws);
        for (int m = 0; m < MPSIM_N_METRICS; m++)
            a->metric[m][p] = r->metrics[m];
        for (size_t i = 0; i < ns; i++)
            series_sum[i] += r->series[i];
        for (size_t i = 0; i < (size_t)np * MPS_N_PROJECT_PV; i++)
            project_sum[i] += r->project_pv[i];
        for (int j = 0; j < np; j++) {
            t->project_success[j] += r->success[j];
            t->project_stopped[j] += r->stop_year[j] >= 0;
            share_sum[j] += r->spend_share[j];
        }

        for (int j = 0; j < nm; j++) {
            int y = r->mission_year[j];
            t->mission_year_count[(size_t)j * (h + 1) + (y >= 0 && y < h ? y : h)]++;
        }
        mps_fan_add(&t->fan, r->series);
    }
}

/* Simulates every path of one scenario into a.  `done` and `total` feed the
 * progress callback across a batch. */
static int run_scenario(mps_accum *a, uint64_t seed, const mpsim_run_options *opt, int threads,
                        uint64_t *done, uint64_t total, mpsim_errors *errs)
{
    run_state st;
    if (run_state_init(&st, a, threads) != MPSIM_OK) {
        mpsim_errors_add(errs, NULL, 0, 0, NULL, "out of memory allocating %d thread workspaces",
                         threads);
        return MPSIM_ERR_FAIL;
    }
    const uint64_t n_blocks = (a->paths + BLOCK_PATHS - 1) / BLOCK_PATHS;
    const size_t ns = (size_t)a->n_series * a->horizon;
    const size_t npv = (size_t)a->n_projects * MPS_N_PROJECT_PV;
    int status = MPSIM_OK;

    for (uint64_t round = 0; round < n_blocks; round += ROUND_BLOCKS) {
        if (opt && opt->cancel && *opt->cancel) {
            status = MPSIM_ERR_INTERRUPTED;
            break;
        }
        const int nb = (int)(n_blocks - round < ROUND_BLOCKS ? n_blocks - round : ROUND_BLOCKS);
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
        for (int b = 0; b < nb; b++) {
            run_block(a, seed, round + (uint64_t)b, st.slots + (size_t)b * st.slot_len,
                      st.slot_len, &st.t[omp_get_thread_num()]);
        }
        for (int b = 0; b < nb; b++) {
            const double *slot = st.slots + (size_t)b * st.slot_len;
            for (size_t i = 0; i < ns; i++)
                a->series_sum[i] += slot[i];
            for (size_t i = 0; i < npv; i++)
                a->project_sum[i] += slot[ns + i];
            for (int j = 0; j < a->n_projects; j++)
                a->spend_share_sum[j] += slot[ns + npv + (size_t)j];
        }
        uint64_t end = (round + (uint64_t)nb) * BLOCK_PATHS;
        uint64_t finished = (end < a->paths ? end : a->paths) - round * BLOCK_PATHS;
        *done += finished;
        if (opt && opt->progress)
            opt->progress(opt->progress_ctx, *done, total);
    }

    for (int i = 0; i < st.n; i++) {
        thread_state *t = &st.t[i];
        mps_fan_merge(&a->fan, &t->fan);
        for (int j = 0; j < a->n_projects; j++) {
            a->project_success[j] += t->project_success[j];
            a->project_stopped[j] += t->project_stopped[j];
        }
        for (size_t j = 0; j < (size_t)a->n_missions * (a->horizon + 1); j++)
            a->mission_year_count[j] += t->mission_year_count[j];
    }
    run_state_free(&st);
    return status;
}

static int results_new(size_t n, uint64_t seed, uint64_t paths, mpsim_results **out)
{
    mpsim_results *r = calloc(1, sizeof *r);
    if (!r)
        return MPSIM_ERR_FAIL;
    r->seed = seed;
    r->paths = paths;
    r->mpsim_version = mps_strdup(MPSIM_VERSION_STRING);
    r->n_scenarios = n;
    r->scenarios = calloc(n ? n : 1, sizeof *r->scenarios);
    if (!r->mpsim_version || !r->scenarios || mps_provenance_fill(&r->provenance) != MPSIM_OK) {
        mpsim_results_free(r);
        return MPSIM_ERR_FAIL;
    }
    *out = r;
    return MPSIM_OK;
}

int mpsim_run(mpsim_scenario *const *scenarios, size_t n, const mpsim_run_options *opt,
              mpsim_results **out, mpsim_errors *errs)
{
    *out = NULL;
    if (scenarios == NULL || n == 0) {
        mpsim_errors_add(errs, NULL, 0, 0, NULL, "no scenario to run");
        return MPSIM_ERR_INPUT;
    }
    int status = mpsim_batch_check(scenarios, n, opt, errs);
    if (status != MPSIM_OK)
        return status;
    const uint64_t paths = opt && opt->paths_set ? opt->paths : scenarios[0]->paths;
    const uint64_t seed = opt && opt->seed_set ? opt->seed : scenarios[0]->seed;
    if (paths == 0) {
        mpsim_errors_add(errs, NULL, 0, 0, "simulation.paths", "must be at least 1");
        return MPSIM_ERR_INPUT;
    }
    /* No more threads than blocks in a round: an idle thread would still
     * hold a workspace and a fan chart (results do not depend on it). */
    const int threads = mps_run_threads(paths, opt ? opt->threads : 0);
    const int keep = opt && opt->keep_paths;
    /* Refuse a run too big for its limit before allocating its arrays. */
    status = mps_run_check_memory(scenarios, n, opt, errs);
    if (status != MPSIM_OK)
        return status;

    mpsim_results *r = NULL;
    mps_model **models = calloc(n, sizeof *models);
    mps_accum *acc = calloc(n, sizeof *acc);
    if (!models || !acc || results_new(n, seed, paths, &r) != MPSIM_OK) {
        status = MPSIM_ERR_FAIL;
        goto oom;
    }

    uint64_t done = 0, total = paths * (uint64_t)n;
    for (size_t k = 0; k < n && status == MPSIM_OK; k++) {
        if (mps_model_create(scenarios[k], &models[k]) != MPSIM_OK ||
            mps_result_describe(models[k], &r->scenarios[k]) != MPSIM_OK ||
            mps_accum_init(&acc[k], models[k], paths) != MPSIM_OK) {
            status = MPSIM_ERR_FAIL;
            goto oom;
        }
        status = run_scenario(&acc[k], seed, opt, threads, &done, total, errs);
        if (status != MPSIM_OK)
            goto done; /* run_scenario said why */
    }

    for (size_t k = 0; k < n && status == MPSIM_OK; k++)
        if (mps_accum_summarise(&acc[k], &r->scenarios[k]) != MPSIM_OK)
            status = MPSIM_ERR_FAIL;
    if (status == MPSIM_OK && n > 1) {
        r->n_comparisons = n - 1;
        r->comparisons = calloc(n - 1, sizeof *r->comparisons);
        if (!r->comparisons)
            status = MPSIM_ERR_FAIL;
    }
    for (size_t k = 1; k < n && status == MPSIM_OK; k++)
        if (mps_compare(&acc[0], &r->scenarios[0], &acc[k], &r->scenarios[k],
                        &r->comparisons[k - 1]) != MPSIM_OK)
            status = MPSIM_ERR_FAIL;
    for (size_t k = 0; k < n && status == MPSIM_OK && keep; k++)
        mps_accum_keep_paths(&acc[k], &r->scenarios[k]);
    if (status == MPSIM_ERR_FAIL)
        goto oom;
    goto done;

oom:
    mpsim_errors_add(errs, NULL, 0, 0, NULL, "out of memory (paths: %llu, scenarios: %zu)",
                     (unsigned long long)paths, n);
done:
    for (size_t k = 0; k < n; k++) {
        if (acc)
            mps_accum_free(&acc[k]);
        if (models)
            mps_model_free(models[k]);
    }
    free(acc);
    free(models);
    if (status != MPSIM_OK) {
        mpsim_results_free(r);
        return status;
    }
    *out = r;
    return MPSIM_OK;
}

int mpsim_static(mpsim_scenario *const *scenarios, size_t n, mpsim_results **out,
                 mpsim_errors *errs)
{
    *out = NULL;
    if (scenarios == NULL || n == 0) {
        mpsim_errors_add(errs, NULL, 0, 0, NULL, "no scenario to appraise");
        return MPSIM_ERR_INPUT;
    }
    mpsim_results *r = NULL;
    if (results_new(n, 0, 0, &r) != MPSIM_OK) {
        mpsim_errors_add(errs, NULL, 0, 0, NULL, "out of memory");
        return MPSIM_ERR_FAIL;
    }
    r->static_only = 1;
    for (size_t k = 0; k < n; k++) {
        mps_model *m = NULL;
        int rc = mps_model_create(scenarios[k], &m);
        if (rc == MPSIM_OK)
            rc = mps_result_describe(m, &r->scenarios[k]);
        mps_model_free(m);
        if (rc != MPSIM_OK) {
            mpsim_errors_add(errs, NULL, 0, 0, NULL, "out of memory");
            mpsim_results_free(r);
            return MPSIM_ERR_FAIL;
        }
    }
    *out = r;
    return MPSIM_OK;
}
