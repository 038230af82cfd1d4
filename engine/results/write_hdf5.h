/*
 * The one results writer, shared by the two ways a results file is made:
 * whole in memory and then put in place (write_image.c, the library's
 * mpsim_results_write_hdf5), or on disk while the run goes, per-path data
 * first (paths_stream.c, `mpsim run --keep-paths`).  Both open an HDF5 file
 * with mps_results_file_props and fill it with mps_results_write_contents,
 * so the two files hold the same objects.
 */
#ifndef MPS_RESULTS_WRITE_HDF5_H
#define MPS_RESULTS_WRITE_HDF5_H

#include <hdf5.h>

#include "mpsim.h"
#include "results/h5io.h"
#include "results/paths_stream.h" /* MPS_PATHS_LEVEL_DEFAULT */

/** Permissions of a new results file: readable by all, like other output. */
#define MPS_RESULTS_MODE 0644

/** Sets the file-level properties every results file is made with on
 *  `fapl` (strong close, the HDF5 1.8 file format) and creates *fcpl (root
 *  group without timestamps; the caller closes it).  Returns 0, or -1 with
 *  a message. */
int mps_results_file_props(mps_h5w *w, hid_t fapl, hid_t *fcpl);

/** The description of a per-path dataset of metric m (malloc'd; NULL when
 *  out of memory). */
char *mps_results_paths_description(int m);

/** Writes everything of r into the open file: root attributes, provenance,
 *  scenarios, comparisons, and the per-path data r holds (n_paths_kept >
 *  0, at deflate level `level`).  made: the per-path stream has already
 *  made groups /scenarios and /scenarios/<name> (each scenario's, in r's
 *  order), which are then filled rather than made.  Failures are recorded
 *  in w. */
void mps_results_write_contents(mps_h5w *w, hid_t file, const mpsim_results *r, int level,
                                int made);

/** Writes the /provenance group of p (every file mpsim writes has one). */
void mps_results_write_provenance(mps_h5w *w, hid_t file, const mpsim_provenance *p);

/** Writes the contents of a file: called with the open, empty file. */
typedef void (*mps_h5_fill)(mps_h5w *w, hid_t file, const void *ctx);

/** Builds an HDF5 file whole in memory (the results file's properties:
 *  no timestamps, strong close, the 1.8 format), lets `fill` write its
 *  contents, then writes it to `path` atomically (temporary name, fsync,
 *  rename; mode MPS_RESULTS_MODE), so HDF5 never meets a disk error and a
 *  failure leaves nothing at `path`.  `what` names the file in messages
 *  ("sweep file").  MPSIM_OK, or MPSIM_ERR_FAIL with a message. */
int mps_h5_write_image_file(const char *path, mps_h5_fill fill, const void *ctx, const char *what,
                            mpsim_errors *errs);

#endif
