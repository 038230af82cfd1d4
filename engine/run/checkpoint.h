/*
 * Checkpoints of a run (mpsim_run_options.checkpoint; docs/parallel-runs.md):
 * the accumulated state after a round, durable and checked, so that a run
 * stopped by a signal, or killed outright, can go on from where it was
 * recorded and still give the results of an uninterrupted run bit for bit.
 *
 * Two files:
 * - the state file (the path given): identity of the run, paths done, and
 *   every scenario's block-ordered sums and merged tallies, with a checksum
 *   of the whole.  Rewritten whole each time, atomically (a temporary
 *   file, fsync, rename, fsync of the directory), so there is always one
 *   complete state file, the old or the new.
 * - the side file ("<path>.paths", exact-quantile runs only): every path's
 *   metrics, path-major (path p: scenario 0's MPSIM_N_METRICS doubles,
 *   then scenario 1's, ...).  Only appended to, and fsync'd before the
 *   state file that counts the new paths is renamed into place; the state
 *   file records its valid length and a hash of it, so anything written
 *   beyond by a killed run is ignored (and cut off by the next save).
 *
 * The files are in the machine's byte order (a marker refuses another's).
 */
#ifndef MPS_RUN_CHECKPOINT_H
#define MPS_RUN_CHECKPOINT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "mpsim.h"
#include "run/accumulate.h"

/** What a checkpoint must agree with to be resumed. */
typedef struct {
    uint64_t scenarios;     /**< hash of every scenario's resolved text, in order */
    uint64_t seed, cap;     /**< seed, and paths asked for */
    uint64_t target_se;     /**< the bits of the double target_se */
    uint32_t n;             /**< scenarios */
    uint32_t antithetic, streamed;
    char version[16];       /**< MPSIM_VERSION_STRING */
} mps_ckpt_id;

/** A run's checkpoint files and what has gone into them. */
typedef struct {
    char *path, *tmp_path, *side_path;
    mps_ckpt_id id;
    double interval;        /**< seconds between saves */
    struct timespec last;   /**< CLOCK_MONOTONIC of the last save (or start) */
    uint64_t side_paths;    /**< paths whose metrics the side file holds */
    uint64_t side_hash;     /**< hash of those bytes */
} mps_ckpt;

/** The identity of a run of scenarios[0..n-1] with these settings. */
void mps_ckpt_identity(mps_ckpt_id *id, mpsim_scenario *const *scenarios, size_t n,
                       uint64_t seed, uint64_t cap, int antithetic, double target_se,
                       int streamed);

/** Prepares c for `path` (copied); interval <= 0 means the default.  The
 *  clock starts now.  MPSIM_ERR_FAIL when out of memory. */
int mps_ckpt_init(mps_ckpt *c, const char *path, double interval, const mps_ckpt_id *id);
void mps_ckpt_free(mps_ckpt *c);

/** MPSIM_ERR_INPUT with a message when a state file exists at c->path
 *  (a fresh run must not overwrite an earlier run's progress). */
int mps_ckpt_check_absent(const mps_ckpt *c, mpsim_errors *errs);

/** 1 when the interval has passed since the last save. */
int mps_ckpt_due(const mps_ckpt *c);

/** Records acc[0..n-1] (sums, and tallies already merged over threads and
 *  ranks) after `done` paths; `reached`: the precision target was met.
 *  MPSIM_ERR_FAIL with a message on an I/O error (the previous checkpoint
 *  is then still whole). */
int mps_ckpt_save(mps_ckpt *c, const mps_accum *acc, size_t n, uint64_t done, int reached,
                  mpsim_errors *errs);

/** Loads the checkpoint into acc[0..n-1] (freshly initialised, shaped by
 *  the same models) and sets *done and *reached.  MPSIM_ERR_INPUT with a
 *  message saying why when it is missing, of another run, or damaged. */
int mps_ckpt_load(mps_ckpt *c, mps_accum *acc, size_t n, uint64_t *done, int *reached,
                  mpsim_errors *errs);

#endif
