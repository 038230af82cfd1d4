/*
 * mps_sens_share (model_share.h): items over MPI ranks, then threads.
 *
 * Each round's items are cut into K contiguous shares, one a rank, so that
 * after the exchange (an in-place all-gather) every rank holds the round's
 * outputs in item order without unpacking.  Shares differ by at most one
 * item, and items (paths, Saltelli samples) cost about the same, so the
 * ranks finish a round close together.  Every rank makes the same
 * collectives in the same order: one agreement and, unless it stops the
 * work, one exchange a round.
 */
#include <stdlib.h>

#include <omp.h>

#include "run/comm.h"
#include "sensitivity/model_share.h"

/* Most bytes of outputs a round: far below MPI's INT_MAX counts, and a
 * bound on what a stop leaves unused. */
#define MPS_SHARE_ROUND_BYTES ((uint64_t)1 << 27)

int mps_sens_share_ranks(void)
{
    return mps_comm_size() > 1;
}

/* Runs items [a, b) over the threads into out; 1 when fn failed. */
static int run_share(uint64_t a, uint64_t b, size_t width, uint64_t chunk, int threads,
                     mps_sens_items_fn fn, void *ctx, double *out,
                     const volatile sig_atomic_t *cancel)
{
    const long long chunks = (long long)((b - a + chunk - 1) / chunk);
    int failed = 0;
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
    for (long long c = 0; c < chunks; c++) {
        if (cancel != NULL && *cancel)
            continue;
        const uint64_t i0 = a + (uint64_t)c * chunk;
        const uint64_t i1 = i0 + chunk < b ? i0 + chunk : b;
        if (fn(ctx, omp_get_thread_num(), i0, i1 - i0, out + i0 * width) != MPSIM_OK) {
#pragma omp atomic write
            failed = 1;
        }
    }
    return failed;
}

int mps_sens_share(uint64_t n, size_t width, uint64_t chunk, int threads, mps_sens_items_fn fn,
                   void *ctx, double *out, const volatile sig_atomic_t *cancel, mpsim_errors *errs)
{
    const int size = mps_comm_size(), rank = mps_comm_rank();
    if (chunk == 0)
        chunk = 1;
    if (threads < 1)
        threads = 1;
    uint64_t per_round = MPS_SHARE_ROUND_BYTES / (width * sizeof(double) + 1);
    if (per_round < (uint64_t)size * chunk)
        per_round = (uint64_t)size * chunk;
    /* Every rank makes this agreement, so one short of memory stops all. */
    size_t *counts = size > 1 ? calloc((size_t)size, sizeof *counts) : NULL;
    int bad = size > 1 && counts == NULL;
    mps_comm_max_int(&bad, 1);
    if (bad) {
        free(counts);
        mpsim_errors_add(errs, NULL, 0, 0, NULL, "out of memory sharing the model's evaluations");
        return MPSIM_ERR_FAIL;
    }
    int status = MPSIM_OK;
    for (uint64_t a = 0; a < n && status == MPSIM_OK; a += per_round) {
        const uint64_t b = n - a < per_round ? n : a + per_round, len = b - a;
        /* Rank r's share: [a + len r / K, a + len (r + 1) / K). */
        const uint64_t s0 = a + len * (uint64_t)rank / (uint64_t)size;
        const uint64_t s1 = a + len * (uint64_t)(rank + 1) / (uint64_t)size;
        int verdict[2] = {run_share(s0, s1, width, chunk, threads, fn, ctx, out, cancel),
                          cancel != NULL && *cancel};
        mps_comm_max_int(verdict, 2);
        if (verdict[0]) {
            mpsim_errors_add(errs, NULL, 0, 0, NULL, "evaluating the model failed%s",
                             size > 1 ? " (on some MPI rank)" : "");
            status = MPSIM_ERR_FAIL;
        } else if (verdict[1]) {
            status = MPSIM_ERR_INTERRUPTED;
        } else if (size > 1) {
            for (int r = 0; r < size; r++) {
                const uint64_t r0 = a + len * (uint64_t)r / (uint64_t)size;
                const uint64_t r1 = a + len * (uint64_t)(r + 1) / (uint64_t)size;
                counts[r] = (size_t)(r1 - r0) * width * sizeof(double);
            }
            if (mps_comm_allgather(NULL, counts[rank], out + a * width, counts) != MPSIM_OK) {
                mpsim_errors_add(errs, NULL, 0, 0, NULL,
                                 "MPI: exchanging the model's outputs failed");
                status = MPSIM_ERR_FAIL;
            }
        }
    }
    free(counts);
    return status;
}
