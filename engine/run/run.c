/*
 * The parallel driver: blocks of paths over OpenMP threads.
 *
 * Paths are cut into fixed blocks of BLOCK_PATHS, independent of the number
 * of threads, and every scenario of a batch runs each block in turn, so the
 * later scenarios are compared with the first path by path (common random
 * numbers) without keeping any path.  Blocks are processed in rounds;
 * within a round the threads take blocks dynamically and each block sums
 * its paths into its own slots; after the round the slots are merged into
 * the totals in block order.  Floating-point sums (including the Welford
 * moments) are therefore formed in the same order whatever the thread
 * count, and so are bit-identical.  Counts, extremes and histograms are
 * kept per thread and merged at the end (exact in any order).  Per-path
 * metrics are stored by path index only for exact quantiles.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>

#include "core/util.h"
#include "results/provenance.h"
#include "run/accumulate.h"
#include "random/stream.h"
#include "run/estimate.h"
#include "run/finite.h"
#include "scenario/scenario.h"

enum {
    BLOCK_PATHS = MPS_BLOCK_PATHS,
    ROUND_BLOCKS = MPS_ROUND_BLOCKS,
    ROUND_PATHS = MPS_BLOCK_PATHS * MPS_ROUND_BLOCKS
};

/* One thread's state: a workspace and tallies per scenario, and the first
 * scenario's npv and pv_exchequer for the paths of the block in hand (the
 * other scenarios compare with them path by path). */
typedef struct {
    mps_workspace **ws;
    mps_tally *tally;
    double base[2 * BLOCK_PATHS];
} thread_state;

typedef struct {
    size_t n;           /* scenarios, run side by side on the same paths */
    mps_accum *acc;     /* [n] */
    uint64_t seed;
    int antithetic;
    int threads;
    uint64_t cap;       /* paths to run at most */
    double target_rse;  /* stop once every scenario's mean NPV has a relative
                           standard error at most this (0: run cap paths) */
    thread_state *t;    /* [threads] */
    mps_sums *slots;    /* [ROUND_BLOCKS * n]: block b, scenario k at b * n + k */
    /* With a paths sink: the round's per-path metrics of scenario k,
     * metric-major ([m * ROUND_PATHS + path - round start]); else NULL. */
    double **round_metrics; /* [n] */
} driver;

static void driver_free(driver *d)
{
    for (int i = 0; d->t && i < d->threads; i++) {
        for (size_t k = 0; k < d->n; k++) {
            if (d->t[i].ws)
                mps_workspace_free(d->t[i].ws[k]);
            if (d->t[i].tally)
                mps_tally_free(&d->t[i].tally[k]);
        }
        free(d->t[i].ws);
        free(d->t[i].tally);
    }
    free(d->t);
    for (size_t i = 0; d->slots && i < (size_t)ROUND_BLOCKS * d->n; i++)
        mps_sums_free(&d->slots[i]);
    free(d->slots);
    for (size_t k = 0; d->round_metrics && k < d->n; k++)
        free(d->round_metrics[k]);
    free(d->round_metrics);
    d->t = NULL;
    d->slots = NULL;
    d->round_metrics = NULL;
}

static int driver_init(driver *d, int with_sink)
{
    if (with_sink) {
        d->round_metrics = calloc(d->n, sizeof *d->round_metrics);
        if (!d->round_metrics)
            return MPSIM_ERR_FAIL;
        for (size_t k = 0; k < d->n; k++)
            if (!(d->round_metrics[k] = malloc(sizeof(double) * MPSIM_N_METRICS * ROUND_PATHS)))
                return MPSIM_ERR_FAIL;
    }
    d->t = calloc((size_t)d->threads, sizeof *d->t);
    d->slots = calloc((size_t)ROUND_BLOCKS * d->n, sizeof *d->slots);
    if (!d->t || !d->slots)
        return MPSIM_ERR_FAIL;
    for (size_t i = 0; i < (size_t)ROUND_BLOCKS * d->n; i++)
        if (mps_sums_init(&d->slots[i], d->acc[i % d->n].n_values) != MPSIM_OK)
            return MPSIM_ERR_FAIL;
    for (int i = 0; i < d->threads; i++) {
        thread_state *t = &d->t[i];
        t->ws = calloc(d->n, sizeof *t->ws);
        t->tally = calloc(d->n, sizeof *t->tally);
        if (!t->ws || !t->tally)
            return MPSIM_ERR_FAIL;
        for (size_t k = 0; k < d->n; k++) {
            t->ws[k] = mps_workspace_alloc(d->acc[k].model);
            if (!t->ws[k] || mps_tally_init(&t->tally[k], &d->acc[k]) != MPSIM_OK)
                return MPSIM_ERR_FAIL;
        }
    }
    return MPSIM_OK;
}

/* Adds path p's result to its block's sums and the thread's tallies (and
 * to the round's per-path metrics when `round` is not NULL). */
static void record_path(mps_accum *a, mps_sums *sums, mps_tally *tally, const mps_path_result *r,
                        uint64_t p, double *round)
{
    if (round)
        for (int m = 0; m < MPSIM_N_METRICS; m++)
            round[(size_t)m * ROUND_PATHS + p % ROUND_PATHS] = r->metrics[m];
    const size_t ns = (size_t)a->n_series * a->horizon;
    const int np = a->n_projects, nm = a->n_missions, h = a->horizon;
    for (int m = 0; m < MPSIM_N_METRICS; m++) {
        double x = r->metrics[m];
        if (!a->streamed)
            a->metric[m][p] = x;
        if (isnan(x))
            continue; /* only bcr is ever undefined */
        mps_welford_add(&sums->w[MPS_W_METRIC + m], x);
        if (x < tally->min[m])
            tally->min[m] = x;
        if (x > tally->max[m])
            tally->max[m] = x;
        if (a->streamed)
            mps_fan_add_one(&tally->metrics, (size_t)m, x);
    }
    const double bcr = r->metrics[MPSIM_M_BCR];
    tally->bcr_defined += !isnan(bcr);
    tally->bcr_above_1 += bcr > 1.0;
    tally->npv_negative += r->metrics[MPSIM_M_NPV] < 0.0;

    double *series = sums->values, *project = sums->values + ns;
    double *share = project + (size_t)np * MPS_N_PROJECT_PV;
    for (size_t i = 0; i < ns; i++)
        series[i] += r->series[i];
    for (size_t i = 0; i < (size_t)np * MPS_N_PROJECT_PV; i++)
        project[i] += r->project_pv[i];
    for (int j = 0; j < np; j++) {
        share[j] += r->spend_share[j];
        tally->project_success[j] += r->success[j];
        tally->project_stopped[j] += r->stop_year[j] >= 0;
    }
    for (int j = 0; j < nm; j++) {
        int y = r->mission_year[j];
        tally->mission_year[(size_t)j * (h + 1) + (y >= 0 && y < h ? y : h)]++;
    }
    mps_fan_add(&tally->fan, r->series);
}

/* Runs the paths of block `block` for every scenario, into the block's
 * slots and the thread's tallies.  Scenario 0 goes first, so the others can
 * be compared with it path by path (common random numbers). */
static void run_block(driver *d, uint64_t block, mps_sums *slot, thread_state *t)
{
    const uint64_t paths = d->cap;
    const uint64_t first = block * BLOCK_PATHS;
    const uint64_t last = first + BLOCK_PATHS < paths ? first + BLOCK_PATHS : paths;
    for (size_t k = 0; k < d->n; k++) {
        mps_accum *a = &d->acc[k];
        mps_sums *sums = &slot[k];
        mps_tally *tally = &t->tally[k];
        mps_sums_zero(sums, a->n_values);
        /* The first member of an antithetic pair waits for its mirror. */
        double held[MPSIM_N_METRICS + 2];
        for (uint64_t p = first; p < last; p++) {
            const mps_path_result *r =
                mps_path_run(a->model, d->seed, mps_path_code(p, d->antithetic), t->ws[k]);
            record_path(a, sums, tally, r, p, d->round_metrics ? d->round_metrics[k] : NULL);
            const double npv = r->metrics[MPSIM_M_NPV];
            const double exch = r->metrics[MPSIM_M_PV_EXCHEQUER];
            double dn = 0.0, de = 0.0;
            if (k == 0) {
                t->base[p - first] = npv;
                t->base[BLOCK_PATHS + p - first] = exch;
            } else {
                dn = npv - t->base[p - first];
                de = exch - t->base[BLOCK_PATHS + p - first];
                mps_welford_add(&sums->w[MPS_W_DIFF_NPV], dn);
                mps_welford_add(&sums->w[MPS_W_DIFF_EXCHEQUER], de);
                tally->b_better += dn > 0.0;
            }
            if (!d->antithetic)
                continue;
            if ((p & 1u) == 0) {
                for (int m = 0; m < MPSIM_N_METRICS; m++)
                    held[m] = r->metrics[m];
                held[MPSIM_N_METRICS] = dn;
                held[MPSIM_N_METRICS + 1] = de;
                continue;
            }
            for (int m = 0; m < MPSIM_N_METRICS; m++) {
                double mean = 0.5 * (held[m] + r->metrics[m]);
                if (!isnan(mean))
                    mps_welford_add(&sums->w[MPS_W_PAIR + m], mean);
            }
            if (k > 0) {
                mps_welford_add(&sums->w[MPS_W_PAIR_DIFF_NPV], 0.5 * (held[MPSIM_N_METRICS] + dn));
                mps_welford_add(&sums->w[MPS_W_PAIR_DIFF_EXCHEQUER],
                                0.5 * (held[MPSIM_N_METRICS + 1] + de));
            }
        }
    }
}
/* Hands the round's per-path metrics, paths [first, end), to the sink,
 * packed metric-major for n = end - first paths. */
static int sink_round(driver *d, const mpsim_run_options *opt, uint64_t first, uint64_t end,
                      mpsim_errors *errs)
{
    const uint64_t n = end - first;
    for (size_t k = 0; k < d->n; k++) {
        double *buf = d->round_metrics[k];
        /* Close the gaps of a short last round in place: metric m moves
         * from m * ROUND_PATHS to m * n, never over a metric still to move. */
        for (int m = 1; n < ROUND_PATHS && m < MPSIM_N_METRICS; m++)
            memmove(buf + (size_t)m * n, buf + (size_t)m * ROUND_PATHS, sizeof(double) * n);
        int status = opt->paths_sink(opt->paths_sink_ctx, k, first, n, buf, errs);
        if (status != MPSIM_OK)
            return status;
    }
    return MPSIM_OK;
}

/* Runs rounds of blocks until cap paths, the precision target or a cancel.
 * Sums of each round's blocks are merged in block order; the precision is
 * checked only between rounds, so where a run stops depends on the seed
 * and the target, never on the threads.  *done counts paths run. */
static int drive(driver *d, const mpsim_run_options *opt, uint64_t *done, int *reached,
                 mpsim_errors *errs)
{
    const uint64_t n_blocks = (d->cap + BLOCK_PATHS - 1) / BLOCK_PATHS;
    *done = 0;
    *reached = 0;
    for (uint64_t round = 0; round < n_blocks; round += ROUND_BLOCKS) {
        if (opt && opt->cancel && *opt->cancel)
            return MPSIM_ERR_INTERRUPTED;
        const int nb = (int)(n_blocks - round < ROUND_BLOCKS ? n_blocks - round : ROUND_BLOCKS);
#pragma omp parallel for num_threads(d->threads) schedule(dynamic, 1)
        for (int b = 0; b < nb; b++)
            run_block(d, round + (uint64_t)b, d->slots + (size_t)b * d->n,
                      &d->t[omp_get_thread_num()]);
        for (int b = 0; b < nb; b++)
            for (size_t k = 0; k < d->n; k++)
                mps_sums_merge(&d->acc[k].sums, &d->slots[(size_t)b * d->n + k],
                               d->acc[k].n_values);
        uint64_t end = (round + (uint64_t)nb) * BLOCK_PATHS;
        if (d->round_metrics) {
            int status = sink_round(d, opt, round * BLOCK_PATHS, end < d->cap ? end : d->cap, errs);
            if (status != MPSIM_OK)
                return status;
        }
        *done = end < d->cap ? end : d->cap;
        for (size_t k = 0; k < d->n; k++)
            d->acc[k].paths = *done;
        if (opt && opt->progress)
            opt->progress(opt->progress_ctx, *done, d->cap);
        if (d->target_rse > 0.0) {
            int ok = 1;
            for (size_t k = 0; k < d->n; k++)
                ok = ok && mps_accum_npv_rse(&d->acc[k], d->antithetic) <= d->target_rse;
            if (ok) {
                *reached = 1;
                break;
            }
        }
    }
    for (int i = 0; i < d->threads; i++)
        for (size_t k = 0; k < d->n; k++)
            mps_tally_merge(&d->acc[k].tally, &d->t[i].tally[k], &d->acc[k]);
    return MPSIM_OK;
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

/* Checks the options that the scenarios do not: MPSIM_ERR_INPUT with a
 * message when they cannot work together. */
static int check_options(const mpsim_run_options *opt, uint64_t paths, mpsim_errors *errs)
{
    if (paths == 0) {
        mpsim_errors_add(errs, NULL, 0, 0, "simulation.paths", "must be at least 1");
        return MPSIM_ERR_INPUT;
    }
    if (opt && opt->antithetic && paths % 2 != 0) {
        mpsim_errors_add(errs, NULL, 0, 0, NULL,
                         "antithetic variates run paths in pairs: the number of paths must be "
                         "even (got %llu)",
                         (unsigned long long)paths);
        return MPSIM_ERR_INPUT;
    }
    if (opt && !(opt->target_se >= 0.0 && opt->target_se < 1e300)) {
        mpsim_errors_add(errs, NULL, 0, 0, NULL,
                         "the target relative standard error must be a number >= 0");
        return MPSIM_ERR_INPUT;
    }
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
    status = check_options(opt, paths, errs);
    if (status != MPSIM_OK)
        return status;
    /* Refuse a run too big for its limit before allocating its arrays. */
    status = mps_run_check_memory(scenarios, n, opt, errs);
    if (status != MPSIM_OK)
        return status;

    driver d;
    memset(&d, 0, sizeof d);
    d.n = n;
    d.seed = seed;
    d.antithetic = opt && opt->antithetic;
    d.cap = paths;
    /* --target-se, else the first scenario's simulation.precision (the
     * batch check made the others agree). */
    d.target_rse = opt && opt->target_se > 0.0 ? opt->target_se : scenarios[0]->precision;
    /* No more threads than blocks in a round: an idle thread would still
     * hold workspaces and fan charts (results do not depend on it). */
    d.threads = mps_run_threads(paths, opt ? opt->threads : 0);
    const int streamed = mps_run_streamed(paths, opt);

    mpsim_results *r = NULL;
    mps_model **models = calloc(n, sizeof *models);
    d.acc = calloc(n, sizeof *d.acc);
    int ok = models && d.acc && results_new(n, seed, paths, &r) == MPSIM_OK;
    for (size_t k = 0; ok && k < n; k++)
        ok = mps_model_create(scenarios[k], &models[k]) == MPSIM_OK &&
             mps_result_describe(models[k], &r->scenarios[k]) == MPSIM_OK &&
             mps_accum_init(&d.acc[k], models[k], paths, streamed) == MPSIM_OK;
    ok = ok && driver_init(&d, opt && opt->paths_sink) == MPSIM_OK;
    uint64_t done = 0;
    int reached = 0;
    if (ok)
        status = drive(&d, opt, &done, &reached, errs);
    driver_free(&d);

    if (ok && status == MPSIM_OK) {
        r->paths = done;
        r->antithetic = d.antithetic;
        r->quantiles_exact = !streamed;
        r->target_se = d.target_rse;
        r->target_se_reached = d.target_rse > 0.0 ? reached : 0;
        for (size_t k = 0; ok && k < n; k++)
            ok = mps_accum_summarise(&d.acc[k], &r->scenarios[k], d.antithetic) == MPSIM_OK;
        if (ok && n > 1) {
            r->n_comparisons = n - 1;
            r->comparisons = calloc(n - 1, sizeof *r->comparisons);
            ok = r->comparisons != NULL;
        }
        for (size_t k = 1; ok && k < n; k++)
            ok = mps_compare(&r->scenarios[0], &d.acc[k], &r->scenarios[k], d.antithetic,
                             &r->comparisons[k - 1]) == MPSIM_OK;
        /* An overflow is an error naming its cause, never NaN or infinity
         * passed on as a result (finite.h). */
        for (size_t k = 0; ok && status == MPSIM_OK && k < n; k++)
            status = mps_check_scenario_finite(models[k], &r->scenarios[k], done, errs);
        for (size_t k = 1; ok && status == MPSIM_OK && k < n; k++)
            status = mps_check_comparison_finite(&r->comparisons[k - 1], done, errs);
        for (size_t k = 0; ok && status == MPSIM_OK && k < n && opt && opt->keep_paths; k++)
            mps_accum_keep_paths(&d.acc[k], &r->scenarios[k]);
    }
    if (!ok) {
        status = MPSIM_ERR_FAIL;
        mpsim_errors_add(errs, NULL, 0, 0, NULL, "out of memory (paths: %llu, scenarios: %zu)",
                         (unsigned long long)paths, n);
    }
    for (size_t k = 0; k < n; k++) {
        if (d.acc)
            mps_accum_free(&d.acc[k]);
        if (models)
            mps_model_free(models[k]);
    }
    free(d.acc);
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
        int finite = rc == MPSIM_OK ? mps_check_scenario_finite(m, &r->scenarios[k], 0, errs)
                                    : MPSIM_OK;
        mps_model_free(m);
        if (rc != MPSIM_OK) {
            mpsim_errors_add(errs, NULL, 0, 0, NULL, "out of memory");
            mpsim_results_free(r);
            return MPSIM_ERR_FAIL;
        }
        if (finite != MPSIM_OK) {
            mpsim_results_free(r);
            return finite;
        }
    }
    *out = r;
    return MPSIM_OK;
}
