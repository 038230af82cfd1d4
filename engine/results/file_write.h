/*
 * Writing a finished file into place atomically.  The results writer builds
 * the HDF5 file in memory first (write_hdf5.c says why), so every disk
 * error is met here, by plain checked system calls.
 */
#ifndef MPS_RESULTS_FILE_WRITE_H
#define MPS_RESULTS_FILE_WRITE_H

#include <stddef.h>
#include <sys/types.h>

#include "mpsim.h"

/** Writes data[0..len) to `path` with permissions `mode`: to a temporary
 *  file beside it, fsync'd, then renamed over it.  On failure returns
 *  MPSIM_ERR_FAIL with a message naming the path, the step and the system's
 *  reason ("cannot write the results file: cannot write it (No space left on
 *  device)"); the temporary file is removed and an existing file at `path`
 *  is untouched.  `what` names the file in messages ("results file"). */
int mps_file_write_atomic(const char *path, const void *data, size_t len, mode_t mode,
                          const char *what, mpsim_errors *errs);

#endif
