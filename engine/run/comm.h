/*
 * The few collective operations the run driver needs across MPI ranks,
 * behind one small interface so that the driver (and everything else but
 * engine/mpi/comm_mpi.c) never includes mpi.h.
 *
 * Two implementations, of which the build compiles exactly one:
 * engine/run/comm_serial.c (the default build: one process, every
 * operation a copy or nothing) and engine/mpi/comm_mpi.c (-DMPSIM_MPI=ON:
 * MPI_COMM_WORLD once MPI is initialised, else the serial behaviour).
 *
 * Every operation is collective: all ranks call it, in the same order,
 * with the same sizes.  Rank 0 is the root that gathers and decides.  All
 * return MPSIM_OK or MPSIM_ERR_FAIL (an MPI error; with MPI's default
 * error handler the job is aborted before that).
 */
#ifndef MPS_RUN_COMM_H
#define MPS_RUN_COMM_H

#include <stddef.h>
#include <stdint.h>

#include "mpsim.h"

/** This process's rank in MPI_COMM_WORLD; 0 in the serial build or when
 *  MPI is not (or no longer) initialised. */
int mps_comm_rank(void);

/** The number of ranks; 1 in the serial build or when MPI is not (or no
 *  longer) initialised. */
int mps_comm_size(void);

/** Replaces v[0..n-1] on every rank by the largest value over ranks
 *  (MPI_Allreduce, MPI_MAX): how ranks agree on a cancel or a failure. */
int mps_comm_max_int(int *v, size_t n);

/** Copies rank 0's `bytes` bytes at buf to every other rank. */
int mps_comm_bcast(void *buf, size_t bytes);

/** Gathers every rank's `send_bytes` bytes at `send` into `recv` on rank 0,
 *  rank after rank; counts[r] is rank r's send_bytes (needed on rank 0
 *  only; recv too).  With one rank, a copy. */
int mps_comm_gather(const void *send, size_t send_bytes, void *recv, const size_t *counts);

/** Gathers every rank's `send_bytes` bytes at `send` into `recv` on every
 *  rank, rank after rank; counts[r] is rank r's send_bytes (needed on every
 *  rank).  With one rank, a copy.  `send` NULL: this rank's bytes are
 *  already at their place in recv (MPI_IN_PLACE).  MPSIM_ERR_FAIL (on every rank) when the
 *  total exceeds INT_MAX bytes: callers cut their work into rounds. */
int mps_comm_allgather(const void *send, size_t send_bytes, void *recv, const size_t *counts);

/** Sums v[0..n-1] over ranks into rank 0's v (other ranks' v unchanged). */
int mps_comm_sum_u64(uint64_t *v, size_t n);

/** Minimum (op 0) or maximum (op 1) of v[0..n-1] over ranks into rank 0's
 *  v (other ranks' v unchanged). */
int mps_comm_minmax(double *v, size_t n, int op);

/** The MPI library's version string (MPI_Get_library_version), malloc'd,
 *  first line only; NULL in the serial build or when out of memory. */
char *mps_comm_library_version(void);

#endif
