/*
 * Per-path metrics written while the run computes them (`mpsim run
 * --keep-paths`): the results file is opened on disk under its temporary
 * name when the first round of paths arrives, each round is appended to
 * /scenarios/<name>/paths/<metric> (chunked, extendible), and when the run
 * ends the rest of the results go into the same file, which is then closed,
 * fsync'd and renamed into place.  The per-path arrays are never held whole
 * in memory: only one round (MPSIM_N_METRICS x 16384 doubles a scenario) in
 * the run driver's buffer and one in the stream's copy, which a writer
 * thread filters and writes while the run computes the next round.
 *
 * Disk errors are kept from HDF5 (vfd.h) and reported here; on any failure,
 * or when the stream is freed unfinished (an interrupted run), the
 * temporary file is removed and the target is left as it was.
 */
#ifndef MPS_RESULTS_PATHS_STREAM_H
#define MPS_RESULTS_PATHS_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include "mpsim.h"

/** Deflate level of per-path data unless asked otherwise (--compression):
 *  after shuffling, level 1 compresses these doubles within a few per cent
 *  of higher levels at a fraction of the time, so writing keeps up with
 *  the run (docs/results-format.md). */
#define MPS_PATHS_LEVEL_DEFAULT 1

/** A results file being written (opaque). */
typedef struct mps_paths_stream mps_paths_stream;

/** Prepares a stream to `path` for scenarios names[0..n-1] (the batch
 *  order of the run).  Chunks hold as many paths as the first append
 *  (one round of the run: all of a run shorter than a round), at most
 *  MPS_PATHS_CHUNK (h5io.h).  level: deflate
 *  level 1-9 with shuffling, or 0 for no filters.  make_dir: create the
 *  target's directory (one level) when it is missing, as the command line
 *  does for its default results/.  Nothing is created on disk until the
 *  first paths arrive, so a run refused before it starts leaves nothing.
 *  MPSIM_ERR_FAIL (out of memory) or MPSIM_ERR_INPUT (a bad level). */
int mps_paths_stream_new(const char *path, const char *const *names, size_t n, int level,
                         int make_dir, mps_paths_stream **out, mpsim_errors *errs);

/** The mpsim_run_options.paths_sink callback; ctx is the stream.  Queues
 *  paths [first, first + n) of scenario `scenario` (metric-major, as
 *  mpsim.h describes) for the writer thread, after waiting for that
 *  scenario's previous round to be written; paths must come in order.
 *  MPSIM_ERR_FAIL with a message naming the file and the reason (the
 *  system's for a disk error, met while writing an earlier round) stops
 *  the run.  Call from one thread (the run's driving thread). */
int mps_paths_stream_sink(void *ctx, size_t scenario, uint64_t first, uint64_t n,
                          const double *metrics, mpsim_errors *errs);

/** Waits for the queued rounds to be written, then writes the rest of r
 *  (the results of the run that fed the stream, run without keep_paths)
 *  into the file, closes, fsyncs and renames it onto the target.  MPSIM_ERR_FAIL with a message on any failure; the
 *  temporary file is then gone and the target untouched. */
int mps_paths_stream_finish(mps_paths_stream *s, const mpsim_results *r, mpsim_errors *errs);

/** Frees the stream; unless finished, stops the writer thread without
 *  writing what is still queued, closes and removes the temporary file.
 *  Accepts NULL. */
void mps_paths_stream_free(mps_paths_stream *s);

#endif
