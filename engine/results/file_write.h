/*
 * Putting a results file in place atomically: it is written under a
 * temporary name beside the target, fsync'd, then renamed over it, so a
 * reader never sees half a file and a failure leaves the target as it was.
 *
 * Two ways in: mps_file_write_atomic for a file built whole in memory
 * (write_hdf5.c), and mps_file_tmp_open / _commit / _discard for one
 * written in place as it is computed (paths_stream.c).  Every disk error is
 * met by plain checked system calls and reported with the system's reason.
 */
#ifndef MPS_RESULTS_FILE_WRITE_H
#define MPS_RESULTS_FILE_WRITE_H

#include <stddef.h>
#include <sys/types.h>

#include "mpsim.h"

/** A temporary file beside its target. */
typedef struct {
    int fd;        /**< open for reading and writing; -1 when closed */
    char *tmp;     /**< its name, "<path>.tmp-XXXXXX" (malloc'd) */
    char *path;    /**< the target (malloc'd) */
    char *dir;     /**< the target's directory (malloc'd) */
    mode_t mode;   /**< permissions the finished file gets */
    const char *what; /**< names the file in messages ("results file") */
} mps_tmp_file;

/** Creates the temporary file for `path` (mode `mode` once finished; its
 *  directory must exist).  MPSIM_ERR_FAIL with a message naming the path
 *  and the system's reason when it cannot; t is then safe to discard. */
int mps_file_tmp_open(mps_tmp_file *t, const char *path, mode_t mode, const char *what,
                      mpsim_errors *errs);

/** Writes data[0..len) at the current offset, resuming after short writes
 *  and signals.  -1 with errno on failure. */
int mps_file_write_all(int fd, const void *data, size_t len);

/** Finishes the temporary file: sets its permissions, fsyncs, closes and
 *  renames it onto the target (then fsyncs the directory).  On failure the
 *  temporary file is removed, the target is untouched, and a message names
 *  the path, the step and the system's reason; MPSIM_ERR_FAIL. */
int mps_file_tmp_commit(mps_tmp_file *t, mpsim_errors *errs);

/** Closes and removes the temporary file if it is still there, and frees
 *  t's strings.  Safe on a zeroed, failed, committed or discarded t. */
void mps_file_tmp_discard(mps_tmp_file *t);

/** Writes data[0..len) to `path` with permissions `mode` through a
 *  temporary file as above.  On failure returns MPSIM_ERR_FAIL with a
 *  message naming the path, the step and the system's reason ("cannot
 *  write the results file: cannot write it (No space left on device)");
 *  the temporary file is removed and an existing file at `path` is
 *  untouched.  `what` names the file in messages ("results file"). */
int mps_file_write_atomic(const char *path, const void *data, size_t len, mode_t mode,
                          const char *what, mpsim_errors *errs);

#endif
