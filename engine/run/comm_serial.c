/*
 * The serial build's collectives (comm.h): one process, so a gather is a
 * copy and everything else leaves the data as it is.  The MPI build
 * compiles engine/mpi/comm_mpi.c instead of this file.
 */
#include <string.h>

#include "run/comm.h"

int mps_comm_rank(void)
{
    return 0;
}

int mps_comm_size(void)
{
    return 1;
}

int mps_comm_max_int(int *v, size_t n)
{
    (void)v;
    (void)n;
    return MPSIM_OK;
}

int mps_comm_bcast(void *buf, size_t bytes)
{
    (void)buf;
    (void)bytes;
    return MPSIM_OK;
}

int mps_comm_gather(const void *send, size_t send_bytes, void *recv, const size_t *counts)
{
    (void)counts;
    if (send_bytes > 0 && send != recv)
        memcpy(recv, send, send_bytes);
    return MPSIM_OK;
}

int mps_comm_allgather(const void *send, size_t send_bytes, void *recv, const size_t *counts)
{
    return send != NULL ? mps_comm_gather(send, send_bytes, recv, counts) : MPSIM_OK;
}

int mps_comm_sum_u64(uint64_t *v, size_t n)
{
    (void)v;
    (void)n;
    return MPSIM_OK;
}

int mps_comm_minmax(double *v, size_t n, int op)
{
    (void)v;
    (void)n;
    (void)op;
    return MPSIM_OK;
}

char *mps_comm_library_version(void)
{
    return NULL;
}

int mpsim_parallel_init(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return MPSIM_OK;
}

void mpsim_parallel_finalize(void)
{
}

int mpsim_parallel_rank(void)
{
    return 0;
}

int mpsim_parallel_size(void)
{
    return 1;
}

int mpsim_parallel_max(int value)
{
    return value;
}
