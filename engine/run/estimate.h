/*
 * The memory a run needs, estimated before anything large is allocated, so
 * that a run too big for the machine is refused with a message instead of
 * dying half-way (the kernel's OOM killer gives no message and, on a shared
 * node, may kill something else).
 */
#ifndef MPS_ESTIMATE_H
#define MPS_ESTIMATE_H

#include <stddef.h>
#include <stdint.h>

#include "mpsim.h"

/* How the driver cuts the paths (run.c): blocks of MPS_BLOCK_PATHS paths,
 * MPS_ROUND_BLOCKS blocks in flight at a time.  Fixed, so that results do
 * not depend on the thread count; here because the estimate needs them. */
enum { MPS_BLOCK_PATHS = 256, MPS_ROUND_BLOCKS = 64 };

/** The parts of a run's peak memory, in bytes (saturating at UINT64_MAX). */
typedef struct {
    uint64_t paths;    /**< paths in the run */
    int threads;       /**< threads that will hold a workspace and a fan chart */
    uint64_t per_path; /**< per-path metric arrays of every scenario, and the
                            sorting scratch of the summary */
    uint64_t fans;     /**< fan-chart histograms: every scenario's total and
                            the per-thread ones of the largest scenario */
    uint64_t other;    /**< workspaces, block slots, models, summaries, and
                            with a paths sink the driver's round buffer
                            and the writer's copy of it (each
                            MPSIM_N_METRICS x one round of doubles a
                            scenario) and the on-disk writer's memory */
    uint64_t write;    /**< writing the results file afterwards: the results
                            (with any per-path data kept in memory) and the
                            file's image in memory, or with a paths sink
                            only HDF5's working memory (written on disk) */
    uint64_t total;    /**< the peak: the larger of the run (per_path + fans
                            + other) and the write */
} mps_run_memory;

/** The number of threads a run of `paths` paths uses when `requested` are
 *  asked for (0: the OpenMP default): never more than there are blocks of
 *  paths to share out in one round, since extra threads would only hold
 *  memory. */
int mps_run_threads(uint64_t paths, int requested);

/** 1 when a run of `paths` paths under opt streams its quantiles (no
 *  per-path arrays): when opt asks for it (exact_quantiles < 0), or beyond
 *  MPSIM_EXACT_PATHS unless it asks for exact ones (exact_quantiles > 0);
 *  never with keep_paths, whose arrays serve exact quantiles. */
int mps_run_streamed(uint64_t paths, const mpsim_run_options *opt);

/** Fills *m for running scenarios[0..n-1] under opt (opt may be NULL).
 *  Returns MPSIM_ERR_INPUT without scenarios, MPSIM_ERR_FAIL when out of
 *  memory while preparing a model. */
int mps_run_estimate_parts(mpsim_scenario *const *scenarios, size_t n,
                           const mpsim_run_options *opt, mps_run_memory *m);

/** Refuses the run with MPSIM_ERR_INPUT and a message naming the estimate
 *  and the limit when opt->max_memory is set and the estimate exceeds it;
 *  MPSIM_OK otherwise. */
int mps_run_check_memory(mpsim_scenario *const *scenarios, size_t n,
                         const mpsim_run_options *opt, mpsim_errors *errs);

/** Writes a byte count the way a person reads it ("512 B", "3.4 MiB",
 *  "1.50 GiB") into buf (at least 32 bytes). */
void mps_format_bytes(uint64_t bytes, char *buf, size_t size);

#endif
