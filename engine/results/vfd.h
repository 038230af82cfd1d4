/*
 * An HDF5 file driver that never hands HDF5 a disk error.
 *
 * HDF5 1.10 does not survive a failed write: after one, H5Fclose leaves the
 * file half torn down and the library's exit handler crashes (found under
 * `ulimit -f` and on a full tmpfs; write_hdf5.c).  The in-memory writer
 * avoids the disk altogether, but per-path data written while the run goes
 * (--keep-paths, paths_stream.c) must reach the disk as they come.
 *
 * This driver writes to a file descriptor the caller opened.  The first
 * failed write (or truncate) is latched: its errno is kept, and from then
 * on nothing more goes to the disk; that write and every later one are kept
 * in memory instead and reads see them, so HDF5 finds a consistent file,
 * reports success and can be closed normally.  The caller checks the latch
 * (mps_vfd_status.err) after each step and discards the file.  After a
 * failure only what HDF5 still writes before the caller stops (metadata at
 * close, the rest of a small summary) is held in memory.
 */
#ifndef MPS_RESULTS_VFD_H
#define MPS_RESULTS_VFD_H

#include <hdf5.h>

/** The caller's view of one file: the descriptor it opened (the driver
 *  never closes it) and the first failure. */
typedef struct {
    int fd;
    int err;          /**< errno of the first failed write or truncate; 0 if none */
    const char *step; /**< "write" or "truncate": what failed */
} mps_vfd_status;

/** Registers the driver with HDF5 (each call returns an id to release with
 *  mps_vfd_unregister); -1 on failure. */
hid_t mps_vfd_register(void);

/** Releases what mps_vfd_register returned (ignores id < 0). */
void mps_vfd_unregister(hid_t driver);

/** Makes file access list `fapl` use the driver on st->fd, reporting into
 *  *st, which must outlive the file.  Returns 0, or -1. */
int mps_vfd_set_fapl(hid_t fapl, hid_t driver, mps_vfd_status *st);

#endif
