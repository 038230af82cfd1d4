/*
 * The memory a run needs (estimate.h): the same arithmetic as the
 * allocations of run.c and summary.c, done before any of them.
 *
 * Peak = for every scenario, its accumulator (per-path metrics, sums, total
 * fan chart), model and summary, all alive together because comparisons
 * need every scenario's paths; plus the per-thread state of one scenario at
 * a time (workspace, fan chart, counters) and the block slots; plus the
 * summary's sorting scratch.  The two big terms are the per-path metrics
 * (MPSIM_N_METRICS doubles a path a scenario) and the fan charts (about
 * 17 KiB per series-year cell per thread); the rest is small and estimated
 * generously.  Writing the results file afterwards can peak higher when
 * per-path data are kept in memory (the file is built in memory): the
 * estimate is the larger of the two phases.  Per-path data handed to a
 * paths sink instead (--keep-paths written while computing) cost only the
 * driver's round buffer and the writer's copy of it.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <omp.h>

#include "appraisal/stats.h"
#include "model/path.h"
#include "run/accumulate.h"
#include "run/estimate.h"
#include "scenario/scenario.h"

/* Saturating arithmetic: an absurd request must read as "too big", never
 * wrap round to a small number that passes the check. */
static uint64_t add_u64(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static uint64_t mul_u64(uint64_t a, uint64_t b)
{
    return a != 0 && b > UINT64_MAX / a ? UINT64_MAX : a * b;
}

int mps_run_streamed(uint64_t paths, const mpsim_run_options *opt)
{
    /* keep_paths hands the per-path arrays to the caller, so they are kept
     * whatever the number of paths, and then serve the exact quantiles. */
    if (opt && opt->keep_paths)
        return 0;
    const int want = opt ? opt->exact_quantiles : 0;
    return want < 0 || (want == 0 && paths > MPSIM_EXACT_PATHS);
}

int mps_run_threads(uint64_t paths, int requested)
{
    int t = requested > 0 ? requested : omp_get_max_threads();
    uint64_t blocks = (paths + MPS_BLOCK_PATHS - 1) / MPS_BLOCK_PATHS;
    if (blocks > MPS_ROUND_BLOCKS)
        blocks = MPS_ROUND_BLOCKS;
    if (blocks < 1)
        blocks = 1;
    if ((uint64_t)t > blocks)
        t = (int)blocks;
    return t < 1 ? 1 : t;
}

/* Bins per cell of a fan chart: stats.h keeps the layout private, so ask an
 * empty one (no cells, so it allocates next to nothing). */
static uint64_t fan_bins(void)
{
    mps_fan probe;
    if (mps_fan_init(&probe, 0) != MPSIM_OK)
        return 0;
    uint64_t bins = probe.bins;
    mps_fan_free(&probe);
    return bins;
}

/* Bins per cell of the fine histograms of streamed metrics. */
static uint64_t fine_bins(void)
{
    mps_fan probe;
    if (mps_fan_init_res(&probe, 0, MPS_FAN_FINE) != MPSIM_OK)
        return 0;
    uint64_t bins = probe.bins;
    mps_fan_free(&probe);
    return bins;
}

static uint64_t fan_bytes(uint64_t cells, uint64_t bins)
{
    /* counts, then min and max */
    return add_u64(mul_u64(mul_u64(cells, bins), sizeof(uint64_t)),
                   mul_u64(cells, 2 * sizeof(double)));
}

/* A generous bound on one thread's workspace (model/model_internal.h is the
 * model's own business): the series, a few yearly flow arrays, and per
 * project its state, shares and flags, plus the generator. */
static uint64_t workspace_bytes(uint64_t cells, uint64_t horizon, uint64_t projects,
                                uint64_t missions)
{
    uint64_t b = mul_u64(cells, sizeof(double));
    b = add_u64(b, mul_u64(horizon, 8 * sizeof(double)));
    b = add_u64(b, mul_u64(projects, 256 + MPS_N_PROJECT_PV * sizeof(double)));
    b = add_u64(b, mul_u64(missions, 64));
    return add_u64(b, 4096);
}

int mps_run_estimate_parts(mpsim_scenario *const *scenarios, size_t n,
                           const mpsim_run_options *opt, mps_run_memory *m)
{
    memset(m, 0, sizeof *m);
    if (scenarios == NULL || n == 0)
        return MPSIM_ERR_INPUT;
    for (size_t k = 0; k < n; k++)
        if (scenarios[k] == NULL)
            return MPSIM_ERR_INPUT;
    const uint64_t paths = opt && opt->paths_set ? opt->paths : scenarios[0]->paths;
    const int threads = mps_run_threads(paths, opt ? opt->threads : 0);
    const uint64_t bins = fan_bins();
    if (bins == 0)
        return MPSIM_ERR_FAIL;
    m->paths = paths;
    m->threads = threads;

    /* Exact quantiles keep every path's metrics, and the summary sorts the
     * metrics on the run's threads, a scratch array each; streamed runs
     * keep neither but a fine histogram per metric (per thread and in
     * total). */
    const int streamed = mps_run_streamed(paths, opt);
    m->per_path = streamed ? 0 : mul_u64(mul_u64(paths, sizeof(double)), (uint64_t)threads);
    uint64_t thread_fans = 0, thread_other = 0;
    /* What the results hold once the run is over (without per-path data),
     * and the per-path data kept with --keep-paths. */
    uint64_t summary = 0, kept = 0;
    for (size_t k = 0; k < n; k++) {
        const mps_scenario *s = scenarios[k];
        /* The series count is the model's (it depends on the missions and
         * on what the scenario models), so prepare the model to ask it. */
        mps_model *model = NULL;
        if (mps_model_create(s, &model) != MPSIM_OK)
            return MPSIM_ERR_FAIL;
        const uint64_t n_series = (uint64_t)mps_model_n_series(model);
        mps_model_free(model);
        const uint64_t h = (uint64_t)s->horizon;
        const uint64_t np = (uint64_t)s->n_projects, nm = (uint64_t)s->n_missions;
        const uint64_t cells = mul_u64(n_series, h);

        const uint64_t metrics = mul_u64(paths, MPSIM_N_METRICS * sizeof(double));
        if (!streamed) {
            m->per_path = add_u64(m->per_path, metrics);
            if (opt && opt->keep_paths)
                kept = add_u64(kept, metrics);
        }
        /* Every scenario's tallies: the total and one per thread (a batch
         * runs its scenarios side by side). */
        uint64_t fans = fan_bytes(cells, bins);
        if (streamed)
            fans = add_u64(fans, fan_bytes(MPSIM_N_METRICS, fine_bins()));
        m->fans = add_u64(m->fans, fans);
        thread_fans = add_u64(thread_fans, mul_u64((uint64_t)threads, fans));

        /* Accumulator sums and counters, the model, and the summary: the
         * fan-chart bands and means, distributions, per-project and
         * per-mission records, and two copies of the input text. */
        uint64_t other = mul_u64(cells, sizeof(double));
        other = add_u64(other, mul_u64(np, (MPS_N_PROJECT_PV + 1) * sizeof(double)));
        other = add_u64(other, mul_u64(mul_u64(nm, h + 1), sizeof(uint64_t)));
        other = add_u64(other, mul_u64(h, 2 * sizeof(double)));        /* discount factors */
        uint64_t res = mul_u64(np, 512);                                /* model, records */
        res = add_u64(res, mul_u64(n_series, 512));                     /* series names */
        res = add_u64(res, mul_u64(cells, 8 * sizeof(double)));         /* bands + mean */
        res = add_u64(res, mul_u64(nm, 512));
        res = add_u64(res, 2 * (101 + 101 + 51 + 50) * sizeof(double)); /* distributions */
        if (s->source_text)
            res = add_u64(res, mul_u64(strlen(s->source_text) + 1, 2));
        m->other = add_u64(m->other, add_u64(other, res));
        summary = add_u64(summary, res);

        /* Per-thread workspaces and counters, and the block slots of a
         * round, for every scenario. */
        uint64_t to = workspace_bytes(cells, h, np, nm);
        to = add_u64(to, mul_u64(np, 2 * sizeof(uint64_t)));
        to = add_u64(to, mul_u64(mul_u64(nm, h + 1), sizeof(uint64_t)));
        to = add_u64(to, 512); /* tallies' fixed part */
        to = mul_u64((uint64_t)threads, to);
        to = add_u64(to, mul_u64(MPS_ROUND_BLOCKS,
                                 mul_u64(add_u64(cells, np * (MPS_N_PROJECT_PV + 1)),
                                         sizeof(double))));
        thread_other = add_u64(thread_other, to);
    }
    m->fans = add_u64(m->fans, thread_fans);
    m->other = add_u64(m->other, thread_other);
    /* The touched part of each thread's stack and the libraries' own
     * working memory (OpenMP, GSL, the allocator's arenas). */
    m->other = add_u64(m->other, add_u64(UINT64_C(1) << 20, mul_u64((uint64_t)threads, 256 * 1024)));
    /* A paths sink (--keep-paths written while computing) gets each round
     * of paths from a buffer of the driver, a scenario's metrics at a time
     * (MPSIM_N_METRICS doubles a path of the round), and the results
     * writer keeps a copy of it to write while the next round runs; it
     * works a chunk at a time with HDF5's metadata for the open file
     * (generously 64 KiB a scenario and 2 MiB of working memory). */
    const int sink = opt && opt->paths_sink;
    const uint64_t hdf5 = add_u64(mul_u64(n, 64 * 1024), 2u << 20);
    if (sink) {
        m->other = add_u64(m->other,
                           mul_u64(2 * n, (uint64_t)MPSIM_N_METRICS * MPS_BLOCK_PATHS *
                                              MPS_ROUND_BLOCKS * sizeof(double)));
        m->other = add_u64(m->other, hdf5);
    }
    const uint64_t run = add_u64(add_u64(m->per_path, m->fans), m->other);

    /* Writing the results file (write_image.c) builds it in memory: the
     * summary, the kept per-path data (compressed, so at most their own
     * size), HDF5's own metadata and the last growth step of the in-memory
     * file, beside the results.  With a sink the file is written on disk
     * instead: only the summary and HDF5's working memory. */
    uint64_t image = sink ? hdf5 : add_u64(add_u64(summary, kept), hdf5);
    m->write = add_u64(add_u64(summary, kept), image);
    m->total = run > m->write ? run : m->write;
    return MPSIM_OK;
}

int mpsim_run_estimate(mpsim_scenario *const *scenarios, size_t n, const mpsim_run_options *opt,
                       uint64_t *bytes)
{
    mps_run_memory m;
    int rc = mps_run_estimate_parts(scenarios, n, opt, &m);
    if (bytes)
        *bytes = rc == MPSIM_OK ? m.total : 0;
    return rc;
}

void mps_format_bytes(uint64_t bytes, char *buf, size_t size)
{
    static const char *const units[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    if (bytes < 1024) {
        snprintf(buf, size, "%" PRIu64 " B", bytes);
        return;
    }
    double v = (double)bytes;
    int u = -1;
    do {
        v /= 1024.0;
        u++;
    } while (v >= 1024.0 && u < 5);
    /* Three significant figures: enough to compare with a limit. */
    snprintf(buf, size, v < 10.0 ? "%.2f %s" : v < 100.0 ? "%.1f %s" : "%.0f %s", v, units[u]);
}

int mps_run_check_memory(mpsim_scenario *const *scenarios, size_t n,
                         const mpsim_run_options *opt, mpsim_errors *errs)
{
    if (opt == NULL || opt->max_memory == 0)
        return MPSIM_OK;
    mps_run_memory m;
    int rc = mps_run_estimate_parts(scenarios, n, opt, &m);
    if (rc != MPSIM_OK) {
        mpsim_errors_add(errs, NULL, 0, 0, NULL,
                         rc == MPSIM_ERR_FAIL ? "out of memory estimating the run's memory"
                                              : "no scenario to run");
        return rc;
    }
    if (m.total <= opt->max_memory)
        return MPSIM_OK;
    char need[32], limit[32], per_path[32], fans[32];
    mps_format_bytes(m.total, need, sizeof need);
    mps_format_bytes(opt->max_memory, limit, sizeof limit);
    mps_format_bytes(m.per_path, per_path, sizeof per_path);
    mps_format_bytes(m.fans, fans, sizeof fans);
    /* Say which part dominates, so the advice fits: paths drive the first,
     * threads and horizon the second. */
    const uint64_t run = add_u64(add_u64(m.per_path, m.fans), m.other);
    const char *advice =
        m.write > run && opt->keep_paths ? "leave out --keep-paths, lower --paths or raise --max-memory"
        : m.fans > m.per_path            ? "lower --threads (or the horizon) or raise --max-memory"
                                         : "lower --paths or raise --max-memory";
    mpsim_errors_add(errs, NULL, 0, 0, NULL,
                     "this run needs about %s of memory (%s for the per-path results of %" PRIu64
                     " paths x %zu scenario%s, %s for fan charts on %d thread%s); the limit is "
                     "%s: %s",
                     need, per_path, m.paths, n, n == 1 ? "" : "s", fans, m.threads,
                     m.threads == 1 ? "" : "s", limit, advice);
    return MPSIM_ERR_INPUT;
}
