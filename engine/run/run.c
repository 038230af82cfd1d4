/*
 * The parallel driver: blocks of paths over MPI ranks and OpenMP threads.
 *
 * Paths are cut into fixed blocks of BLOCK_PATHS, independent of the number
 * of threads and ranks, and every scenario of a batch runs each block in
 * turn, so the later scenarios are compared with the first path by path
 * (common random numbers) without keeping any path.  Blocks are processed
 * in rounds: block b of a round runs on rank b % ranks, where the threads
 * take blocks dynamically and each block sums its paths into its own
 * slots; after the round rank 0 gathers the slots (exchange.c) and merges
 * them into the totals in block order.  Floating-point sums (including the
 * Welford moments) are therefore formed in the same order whatever the
 * thread and rank counts, and so are bit-identical.  Counts, extremes and
 * histograms are kept per thread, merged over threads and summed over
 * ranks at the end (exact in any order).  Per-path metrics are gathered by
 * path index only for exact quantiles or a paths sink.
 *
 * Decisions taken between rounds (a cancel, the precision target, a paths
 * sink's error, a checkpoint being due) are agreed by every rank, so all
 * stop at the same round.  Checkpoints (checkpoint.h) record the state
 * after a round; a resumed run starts at the next round with that state,
 * which is exactly the state an uninterrupted run has there.  A local run
 * (run_local.h) sees one rank and makes no collective.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>

#include "core/util.h"
#include "random/stream.h"
#include "results/provenance.h"
#include "run/checkpoint.h"
#include "run/comm.h"
#include "run/driver.h"
#include "run/finite.h"
#include "run/run_local.h"
#include "scenario/scenario.h"

typedef mps_driver driver;
typedef mps_thread_state thread_state;

/* The largest v, and rank 0's bytes, over the driver's ranks: with one rank
 * (serial, -np 1 or a local run) no collective is made. */
static void agree_max(int size, int *v)
{
    if (size > 1)
        mps_comm_max_int(v, 1);
}
static void from_root(int size, void *buf, size_t bytes)
{
    if (size > 1)
        mps_comm_bcast(buf, bytes);
}

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
    free(d->block_metrics);
    free(d->send);
    free(d->recv);
    free(d->counts);
    d->t = NULL;
    d->slots = NULL;
    d->round_metrics = NULL;
    d->block_metrics = NULL;
    d->send = d->recv = NULL;
    d->counts = NULL;
}

/* Allocates the driver's buffers: the sink's round buffer on rank 0 when
 * with_sink, per-path block metrics when keep_metrics, the exchange
 * buffers with more than one rank, and every thread's state. */
static int driver_init(driver *d, int with_sink, int keep_metrics)
{
    if (with_sink && d->rank == 0) {
        d->round_metrics = calloc(d->n, sizeof *d->round_metrics);
        if (!d->round_metrics)
            return MPSIM_ERR_FAIL;
        for (size_t k = 0; k < d->n; k++)
            if (!(d->round_metrics[k] = malloc(sizeof(double) * MPSIM_N_METRICS * ROUND_PATHS)))
                return MPSIM_ERR_FAIL;
    }
    if (keep_metrics &&
        !(d->block_metrics = malloc(sizeof(double) * ROUND_BLOCKS * d->n * MPSIM_N_METRICS *
                                    BLOCK_PATHS)))
        return MPSIM_ERR_FAIL;
    d->block_bytes = mps_exchange_block_bytes(d);
    if (d->size > 1) {
        size_t most = (size_t)mps_exchange_local_blocks(ROUND_BLOCKS, 0, d->size);
        d->send = malloc(most * d->block_bytes);
        d->recv = d->rank == 0 ? malloc((size_t)ROUND_BLOCKS * d->block_bytes) : NULL;
        d->counts = calloc((size_t)d->size, sizeof *d->counts);
        if (!d->send || (d->rank == 0 && !d->recv) || !d->counts)
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

/* Adds a path's result to its block's sums and the thread's tallies, and
 * its metrics to pm[m * BLOCK_PATHS + i] when pm is not NULL (i: the
 * path's place in its block). */
static void record_path(mps_accum *a, mps_sums *sums, mps_tally *tally, const mps_path_result *r,
                        double *pm, size_t i)
{
    if (pm)
        for (int m = 0; m < MPSIM_N_METRICS; m++)
            pm[(size_t)m * BLOCK_PATHS + i] = r->metrics[m];
    const size_t ns = (size_t)a->n_series * a->horizon;
    const int np = a->n_projects, nm = a->n_missions, h = a->horizon;
    for (int m = 0; m < MPSIM_N_METRICS; m++) {
        double x = r->metrics[m];
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

/* Per-path metrics of block b of the round (its place in the round),
 * scenario k; NULL when not kept. */
static double *block_metrics_at(const driver *d, int b, size_t k)
{
    return d->block_metrics
               ? d->block_metrics + ((size_t)b * d->n + k) * MPSIM_N_METRICS * BLOCK_PATHS
               : NULL;
}

/* Runs the paths of block `block` (the round's b-th) for every scenario,
 * into the block's slots and the thread's tallies.  Scenario 0 goes first,
 * so the others can be compared with it path by path (common random
 * numbers). */
static void run_block(driver *d, uint64_t block, int b, thread_state *t)
{
    const uint64_t paths = d->cap;
    const uint64_t first = block * BLOCK_PATHS;
    const uint64_t last = first + BLOCK_PATHS < paths ? first + BLOCK_PATHS : paths;
    for (size_t k = 0; k < d->n; k++) {
        mps_accum *a = &d->acc[k];
        mps_sums *sums = &d->slots[(size_t)b * d->n + k];
        mps_tally *tally = &t->tally[k];
        double *pm = block_metrics_at(d, b, k);
        mps_sums_zero(sums, a->n_values);
        /* The first member of an antithetic pair waits for its mirror. */
        double held[MPSIM_N_METRICS + 2] = {0};
        for (uint64_t p = first; p < last; p++) {
            const mps_path_result *r =
                mps_path_run(a->model, d->seed, mps_path_code(p, d->antithetic), t->ws[k]);
            record_path(a, sums, tally, r, pm, (size_t)(p - first));
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

/* Merges the tallies over threads and ranks and, on rank 0, saves the
 * checkpoint; every rank returns rank 0's status. */
static int checkpoint(driver *d, mps_ckpt *c, uint64_t done, int reached, mpsim_errors *errs)
{
    int status = mps_exchange_tallies(d, 1);
    if (status == MPSIM_OK && d->rank == 0)
        status = mps_ckpt_save(c, d->acc, d->n, done, reached, errs);
    from_root(d->size, &status, sizeof status);
    return status;
}

/* Runs rounds of blocks from path *done (0, or where a checkpoint left
 * off) until cap paths, the precision target, or a cancel.  The precision
 * is checked only between rounds, so where a run stops depends on the seed
 * and the target, never on the threads or ranks.  *done counts paths run;
 * c is NULL without checkpoints. */
static int drive(driver *d, const mpsim_run_options *opt, mps_ckpt *c, uint64_t *done,
                 int *reached, mpsim_errors *errs)
{
    const uint64_t n_blocks = (d->cap + BLOCK_PATHS - 1) / BLOCK_PATHS;
    /* A checkpoint is taken after a round: *done is a multiple of the
     * rounds' paths, or the cap (whose last block may be short). */
    uint64_t round = (*done + BLOCK_PATHS - 1) / BLOCK_PATHS;
    for (;;) {
        /* A cancel seen by any rank stops them all, here. */
        int cancel = opt && opt->cancel && *opt->cancel;
        agree_max(d->size, &cancel);
        if (cancel) {
            int status = c ? checkpoint(d, c, *done, *reached, errs) : MPSIM_OK;
            return status == MPSIM_OK ? MPSIM_ERR_INTERRUPTED : status;
        }
        if (round >= n_blocks || *reached)
            break;
        const int nb = (int)(n_blocks - round < ROUND_BLOCKS ? n_blocks - round : ROUND_BLOCKS);
        const int local = mps_exchange_local_blocks(nb, d->rank, d->size);
#pragma omp parallel for num_threads(d->threads) schedule(dynamic, 1)
        for (int j = 0; j < local; j++) {
            int b = d->rank + j * d->size;
            run_block(d, round + (uint64_t)b, b, &d->t[omp_get_thread_num()]);
        }
        if (mps_exchange_round(d, nb) != MPSIM_OK) {
            mpsim_errors_add(errs, NULL, 0, 0, NULL, "MPI: gathering a round of paths failed");
            return MPSIM_ERR_FAIL;
        }
        const uint64_t end = (round + (uint64_t)nb) * BLOCK_PATHS < d->cap
                                 ? (round + (uint64_t)nb) * BLOCK_PATHS
                                 : d->cap;
        /* Rank 0 decides: the sink's status, the target, a checkpoint. */
        int agreed[3] = {MPSIM_OK, 0, 0};
        if (d->rank == 0) {
            agreed[0] = mps_exchange_collect(d, opt, round, nb, end, errs);
            if (d->target_rse > 0.0) {
                int ok = 1;
                for (size_t k = 0; k < d->n; k++) {
                    d->acc[k].paths = end;
                    ok = ok && mps_accum_npv_rse(&d->acc[k], d->antithetic) <= d->target_rse;
                }
                agreed[1] = ok;
            }
            agreed[2] = c && end < d->cap && !agreed[1] && mps_ckpt_due(c);
        }
        from_root(d->size, agreed, sizeof agreed);
        if (agreed[0] != MPSIM_OK)
            return agreed[0];
        *done = end;
        *reached = agreed[1];
        round += (uint64_t)nb;
        for (size_t k = 0; k < d->n; k++)
            d->acc[k].paths = *done;
        if (opt && opt->progress)
            opt->progress(opt->progress_ctx, *done, d->cap);
        if (agreed[2]) {
            int status = checkpoint(d, c, *done, *reached, errs);
            if (status != MPSIM_OK)
                return status;
        }
    }
    return mps_exchange_tallies(d, 0);
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
    if (opt && opt->resume && !opt->checkpoint) {
        mpsim_errors_add(errs, NULL, 0, 0, NULL, "resuming needs the checkpoint's path");
        return MPSIM_ERR_INPUT;
    }
    /* Kept per-path metrics leave the run as it goes (or at its end in
     * memory): a resumed run could not give them back. */
    if (opt && opt->checkpoint && (opt->keep_paths || opt->paths_sink)) {
        mpsim_errors_add(errs, NULL, 0, 0, NULL,
                         "checkpoints cannot be combined with keeping every path's metrics "
                         "(--keep-paths): run without one or the other");
        return MPSIM_ERR_INPUT;
    }
    if (opt && opt->checkpoint && !(opt->checkpoint_interval >= 0.0)) {
        mpsim_errors_add(errs, NULL, 0, 0, NULL,
                         "the checkpoint interval must be a number of seconds >= 0");
        return MPSIM_ERR_INPUT;
    }
    return MPSIM_OK;
}

/* Sets up checkpoints when opt asks for them (c->path NULL otherwise): on
 * rank 0, loads the checkpoint to resume from into the accumulators, or
 * makes sure none would be overwritten.  Every rank gets rank 0's status,
 * *done and *reached. */
static int checkpoint_start(driver *d, const mpsim_run_options *opt,
                            mpsim_scenario *const *scenarios, int streamed, mps_ckpt *c,
                            uint64_t *done, int *reached, mpsim_errors *errs)
{
    if (!opt || !opt->checkpoint)
        return MPSIM_OK;
    mps_ckpt_id id;
    mps_ckpt_identity(&id, scenarios, d->n, d->seed, d->cap, d->antithetic, d->target_rse,
                      streamed);
    int status = mps_ckpt_init(c, opt->checkpoint, opt->checkpoint_interval, &id);
    if (status == MPSIM_OK && d->rank == 0)
        status = opt->resume ? mps_ckpt_load(c, d->acc, d->n, done, reached, errs)
                             : mps_ckpt_check_absent(c, errs);
    int status_max = status;
    agree_max(d->size, &status_max);
    uint64_t shared[3] = {(uint64_t)status, *done, (uint64_t)*reached};
    from_root(d->size, shared, sizeof shared);
    *done = shared[1];
    *reached = (int)shared[2];
    for (size_t k = 0; k < d->n; k++)
        d->acc[k].paths = *done;
    if (status_max != MPSIM_OK && status == MPSIM_OK)
        mpsim_errors_add(errs, NULL, 0, 0, NULL, "the checkpoint could not be used (rank 0)");
    if (status_max == MPSIM_OK && *done > 0 && opt->progress)
        opt->progress(opt->progress_ctx, *done, d->cap);
    return status_max;
}

/* mpsim_run over every rank (local 0) or on the calling rank alone. */
static int run_on(mpsim_scenario *const *scenarios, size_t n, const mpsim_run_options *opt,
                  mpsim_results **out, mpsim_errors *errs, int local)
{
    *out = NULL;
    const int rank = local ? 0 : mps_comm_rank(), size = local ? 1 : mps_comm_size();
    if (scenarios == NULL || n == 0) {
        mpsim_errors_add(errs, NULL, 0, 0, NULL, "no scenario to run");
        return MPSIM_ERR_INPUT;
    }
    int status = mpsim_batch_check(scenarios, n, opt, errs);
    const uint64_t paths = opt && opt->paths_set ? opt->paths : scenarios[0]->paths;
    const uint64_t seed = opt && opt->seed_set ? opt->seed : scenarios[0]->seed;
    if (status == MPSIM_OK)
        status = check_options(opt, paths, errs);
    /* Refuse a run too big for its limit before allocating its arrays. */
    if (status == MPSIM_OK)
        status = mps_run_check_memory(scenarios, n, opt, errs);
    /* Every rank finds the same input errors; agree anyway, so that a rank
     * that refuses (a different memory limit on another node) cannot leave
     * the others waiting. */
    int agreed = status;
    agree_max(size, &agreed);
    if (agreed != MPSIM_OK) {
        if (status == MPSIM_OK)
            mpsim_errors_add(errs, NULL, 0, 0, NULL, "another MPI rank refused the run");
        return agreed;
    }

    driver d;
    memset(&d, 0, sizeof d);
    d.n = n;
    d.seed = seed;
    d.antithetic = opt && opt->antithetic;
    d.cap = paths;
    /* --target-se, else the first scenario's simulation.precision (the
     * batch check made the others agree). */
    d.target_rse = opt && opt->target_se > 0.0 ? opt->target_se : scenarios[0]->precision;
    d.rank = rank;
    d.size = size;
    /* No more threads than blocks in a round: an idle thread would still
     * hold workspaces and fan charts (results do not depend on it). */
    d.threads = mps_run_threads(paths, opt ? opt->threads : 0);
    const int streamed = mps_run_streamed(paths, opt);
    int with_sink = opt && opt->paths_sink;
    agree_max(size, &with_sink);

    mpsim_results *r = NULL;
    mps_model **models = calloc(n, sizeof *models);
    d.acc = calloc(n, sizeof *d.acc);
    int ok = models && d.acc && results_new(n, seed, paths, &r) == MPSIM_OK;
    /* Only rank 0 keeps per-path metrics by path index. */
    for (size_t k = 0; ok && k < n; k++)
        ok = mps_model_create(scenarios[k], &models[k]) == MPSIM_OK &&
             mps_result_describe(models[k], &r->scenarios[k]) == MPSIM_OK &&
             mps_accum_init(&d.acc[k], models[k], d.rank == 0 ? paths : 0, streamed) == MPSIM_OK;
    ok = ok && driver_init(&d, with_sink, !streamed || with_sink) == MPSIM_OK;
    int bad = !ok;
    agree_max(size, &bad);
    ok = !bad;
    uint64_t done = 0;
    int reached = 0;
    mps_ckpt ckpt;
    memset(&ckpt, 0, sizeof ckpt);
    if (ok)
        status = checkpoint_start(&d, opt, scenarios, streamed, &ckpt, &done, &reached, errs);
    if (ok && status == MPSIM_OK)
        status = drive(&d, opt, ckpt.path ? &ckpt : NULL, &done, &reached, errs);
    driver_free(&d);
    mps_ckpt_free(&ckpt);

    if (ok && status == MPSIM_OK && d.rank == 0) {
        r->paths = done;
        r->antithetic = d.antithetic;
        r->quantiles_exact = !streamed;
        r->target_se = d.target_rse;
        r->target_se_reached = d.target_rse > 0.0 ? reached : 0;
        for (size_t k = 0; ok && k < n; k++)
            ok = mps_accum_summarise(&d.acc[k], &r->scenarios[k], d.antithetic, d.threads) ==
                 MPSIM_OK;
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
    /* Every rank returns rank 0's verdict; only rank 0 has results. */
    int verdict = status;
    from_root(size, &verdict, sizeof verdict);
    if (verdict != status && d.rank != 0)
        mpsim_errors_add(errs, NULL, 0, 0, NULL, "the run failed on MPI rank 0");
    status = verdict;
    for (size_t k = 0; k < n; k++) {
        if (d.acc)
            mps_accum_free(&d.acc[k]);
        if (models)
            mps_model_free(models[k]);
    }
    free(d.acc);
    free(models);
    if (status != MPSIM_OK || d.rank != 0) {
        mpsim_results_free(r);
        return status;
    }
    *out = r;
    return MPSIM_OK;
}

int mpsim_run(mpsim_scenario *const *scenarios, size_t n, const mpsim_run_options *opt,
              mpsim_results **out, mpsim_errors *errs)
{
    return run_on(scenarios, n, opt, out, errs, 0);
}

int mps_run_local(mpsim_scenario *const *scenarios, size_t n, const mpsim_run_options *opt,
                  mpsim_results **out, mpsim_errors *errs)
{
    return run_on(scenarios, n, opt, out, errs, 1);
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
