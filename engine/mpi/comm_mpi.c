/*
 * The MPI build's collectives (engine/run/comm.h) over MPI_COMM_WORLD, and
 * the public mpsim_parallel_* functions.  The only file of mpsim that
 * includes mpi.h; compiled only with -DMPSIM_MPI=ON, in place of
 * engine/run/comm_serial.c.
 *
 * Before MPI_Init (a program that links the MPI build but never starts
 * MPI, such as the unit tests) and after MPI_Finalize, every operation
 * behaves as in the serial build: one rank.
 *
 * MPI counts are ints: a gather larger than INT_MAX bytes is refused
 * (MPSIM_ERR_FAIL; a round's block sums are a few megabytes), and
 * reductions go in chunks.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <mpi.h>

#include "core/util.h"
#include "run/comm.h"

/* Reductions of long arrays are cut into pieces of this many elements,
 * far below INT_MAX, which also bounds MPI's internal buffers. */
enum { CHUNK = 1 << 24 };

/* 1 between MPI_Init and MPI_Finalize. */
static int active(void)
{
    int init = 0, fin = 0;
    MPI_Initialized(&init);
    if (!init)
        return 0;
    MPI_Finalized(&fin);
    return !fin;
}

int mps_comm_rank(void)
{
    int r = 0;
    if (active())
        MPI_Comm_rank(MPI_COMM_WORLD, &r);
    return r;
}

int mps_comm_size(void)
{
    int s = 1;
    if (active())
        MPI_Comm_size(MPI_COMM_WORLD, &s);
    return s;
}

int mps_comm_max_int(int *v, size_t n)
{
    if (mps_comm_size() == 1 || n == 0)
        return MPSIM_OK;
    if (n > INT_MAX)
        return MPSIM_ERR_FAIL;
    return MPI_Allreduce(MPI_IN_PLACE, v, (int)n, MPI_INT, MPI_MAX, MPI_COMM_WORLD) == MPI_SUCCESS
               ? MPSIM_OK
               : MPSIM_ERR_FAIL;
}

int mps_comm_bcast(void *buf, size_t bytes)
{
    if (mps_comm_size() == 1 || bytes == 0)
        return MPSIM_OK;
    if (bytes > INT_MAX)
        return MPSIM_ERR_FAIL;
    return MPI_Bcast(buf, (int)bytes, MPI_BYTE, 0, MPI_COMM_WORLD) == MPI_SUCCESS
               ? MPSIM_OK
               : MPSIM_ERR_FAIL;
}

int mps_comm_gather(const void *send, size_t send_bytes, void *recv, const size_t *counts)
{
    const int size = mps_comm_size();
    if (size == 1) {
        if (send_bytes > 0 && send != recv)
            memcpy(recv, send, send_bytes);
        return MPSIM_OK;
    }
    const int rank = mps_comm_rank();
    int *cnt = NULL, *disp = NULL;
    /* Every rank checks the same sizes, so all refuse together. */
    size_t total = 0;
    for (int r = 0; r < size; r++)
        total += counts[r];
    if (total > INT_MAX)
        return MPSIM_ERR_FAIL;
    if (rank == 0) {
        cnt = malloc(sizeof *cnt * (size_t)size);
        disp = malloc(sizeof *disp * (size_t)size);
        if (!cnt || !disp) {
            free(cnt);
            free(disp);
            /* The others are already waiting in the gather: MPI cannot
             * take it back, so end the job rather than hang. */
            MPI_Abort(MPI_COMM_WORLD, MPSIM_ERR_FAIL);
            return MPSIM_ERR_FAIL;
        }
        int off = 0;
        for (int r = 0; r < size; r++) {
            cnt[r] = (int)counts[r];
            disp[r] = off;
            off += cnt[r];
        }
    }
    int rc = MPI_Gatherv(send, (int)send_bytes, MPI_BYTE, recv, cnt, disp, MPI_BYTE, 0,
                         MPI_COMM_WORLD);
    free(cnt);
    free(disp);
    return rc == MPI_SUCCESS ? MPSIM_OK : MPSIM_ERR_FAIL;
}

int mps_comm_allgather(const void *send, size_t send_bytes, void *recv, const size_t *counts)
{
    const int size = mps_comm_size();
    if (size == 1) {
        if (send != NULL && send_bytes > 0 && send != recv)
            memcpy(recv, send, send_bytes);
        return MPSIM_OK;
    }
    /* Every rank has every count, so all refuse together. */
    size_t total = 0;
    for (int r = 0; r < size; r++)
        total += counts[r];
    if (total > INT_MAX)
        return MPSIM_ERR_FAIL;
    int *cnt = malloc(sizeof *cnt * (size_t)size), *disp = malloc(sizeof *disp * (size_t)size);
    if (!cnt || !disp) {
        free(cnt);
        free(disp);
        /* The other ranks may already be in the collective: end the job
         * rather than leave them waiting. */
        MPI_Abort(MPI_COMM_WORLD, MPSIM_ERR_FAIL);
        return MPSIM_ERR_FAIL;
    }
    int off = 0;
    for (int r = 0; r < size; r++) {
        cnt[r] = (int)counts[r];
        disp[r] = off;
        off += cnt[r];
    }
    int rc = MPI_Allgatherv(send != NULL ? send : MPI_IN_PLACE, (int)send_bytes, MPI_BYTE, recv,
                            cnt, disp, MPI_BYTE, MPI_COMM_WORLD);
    free(cnt);
    free(disp);
    return rc == MPI_SUCCESS ? MPSIM_OK : MPSIM_ERR_FAIL;
}

/* Reduces v[0..n-1] of MPI type t with op into rank 0, in chunks. */
static int reduce(void *v, size_t n, size_t elem, MPI_Datatype t, MPI_Op op)
{
    if (mps_comm_size() == 1)
        return MPSIM_OK;
    const int root = mps_comm_rank() == 0;
    for (size_t i = 0; i < n; i += CHUNK) {
        int len = (int)(n - i < CHUNK ? n - i : CHUNK);
        char *p = (char *)v + i * elem;
        int rc = root ? MPI_Reduce(MPI_IN_PLACE, p, len, t, op, 0, MPI_COMM_WORLD)
                      : MPI_Reduce(p, NULL, len, t, op, 0, MPI_COMM_WORLD);
        if (rc != MPI_SUCCESS)
            return MPSIM_ERR_FAIL;
    }
    return MPSIM_OK;
}

int mps_comm_sum_u64(uint64_t *v, size_t n)
{
    return reduce(v, n, sizeof *v, MPI_UINT64_T, MPI_SUM);
}

int mps_comm_minmax(double *v, size_t n, int op)
{
    return reduce(v, n, sizeof *v, MPI_DOUBLE, op ? MPI_MAX : MPI_MIN);
}

char *mps_comm_library_version(void)
{
    char buf[MPI_MAX_LIBRARY_VERSION_STRING];
    int len = 0;
    if (MPI_Get_library_version(buf, &len) != MPI_SUCCESS)
        return NULL;
    buf[len < MPI_MAX_LIBRARY_VERSION_STRING ? len : MPI_MAX_LIBRARY_VERSION_STRING - 1] = '\0';
    /* Open MPI's string runs over lines (package, repository, date); the
     * first holds the name and version. */
    buf[strcspn(buf, "\r\n")] = '\0';
    return mps_strdup(buf);
}

/* 1 when a launcher (mpirun, mpiexec, srun with PMI or PMIx) started this
 * process: they all leave one of these in its environment. */
static int launched(void)
{
    static const char *const vars[] = {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK",
                                       "PMI_SIZE", "MPI_LOCALNRANKS"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
        if (getenv(vars[i]) != NULL)
            return 1;
    return 0;
}

int mpsim_parallel_init(int *argc, char ***argv)
{
    int init = 0, provided = 0;
    MPI_Initialized(&init);
    /* Started without a launcher, the MPI build works as the serial one:
     * an Open MPI "singleton" MPI_Init would start a helper daemon and
     * shared-memory segments for a job of one process, slowly, and fail
     * under limits (ulimit -f) that a serial run takes in its stride. */
    if (init || !launched())
        return MPSIM_OK;
    /* OpenMP threads run the paths; only the thread that called
     * mpsim_run makes MPI calls. */
    return MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) == MPI_SUCCESS
               ? MPSIM_OK
               : MPSIM_ERR_FAIL;
}

void mpsim_parallel_finalize(void)
{
    if (active())
        MPI_Finalize();
}

int mpsim_parallel_rank(void)
{
    return mps_comm_rank();
}

int mpsim_parallel_size(void)
{
    return mps_comm_size();
}

int mpsim_parallel_max(int value)
{
    int v = value;
    mps_comm_max_int(&v, 1);
    return v;
}
