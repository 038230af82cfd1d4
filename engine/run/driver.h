/*
 * The run driver's state, shared by the driving loop (run.c) and the
 * exchange of a round's results between MPI ranks (exchange.c).
 *
 * A round is ROUND_BLOCKS blocks of BLOCK_PATHS paths.  Block b of a
 * round runs on rank b % size, over that rank's OpenMP threads; each block
 * fills its slot of sums (and, when per-path metrics are needed, its slice
 * of block_metrics) for every scenario.  After the round, rank 0 holds
 * every slot (exchange.c gathers them) and merges them in block order, so
 * the floating-point sums are formed in one order whatever the ranks and
 * threads.
 */
#ifndef MPS_RUN_DRIVER_H
#define MPS_RUN_DRIVER_H

#include <stddef.h>
#include <stdint.h>

#include "run/accumulate.h"
#include "run/estimate.h"

enum {
    BLOCK_PATHS = MPS_BLOCK_PATHS,
    ROUND_BLOCKS = MPS_ROUND_BLOCKS,
    ROUND_PATHS = MPS_BLOCK_PATHS * MPS_ROUND_BLOCKS
};

/* One thread's state: a workspace and tallies per scenario, and the first
 * scenario's npv and pv_exchequer for the paths of the block in hand (the
 * other scenarios compare with them path by path). */
typedef struct {
    mps_workspace **ws;
    mps_tally *tally;
    double base[2 * BLOCK_PATHS];
} mps_thread_state;

typedef struct {
    size_t n;           /* scenarios, run side by side on the same paths */
    mps_accum *acc;     /* [n] */
    uint64_t seed;
    int antithetic;
    int threads;        /* in this rank */
    int rank, size;     /* MPI rank and ranks (0 and 1 without MPI) */
    uint64_t cap;       /* paths to run at most */
    double target_rse;  /* stop once every scenario's mean NPV has a relative
                           standard error at most this (0: run cap paths) */
    mps_thread_state *t; /* [threads] */
    mps_sums *slots;    /* [ROUND_BLOCKS * n]: block b, scenario k at b * n + k */
    /* Per-path metrics of the round's blocks, when exact quantiles or a
     * paths sink need them (else NULL): block b, scenario k, metric m,
     * path i of the block at ((b * n + k) * MPSIM_N_METRICS + m) *
     * BLOCK_PATHS + i. */
    double *block_metrics;
    /* With a paths sink (rank 0): the round's per-path metrics of scenario
     * k, metric-major ([m * ROUND_PATHS + path - round start]); else NULL. */
    double **round_metrics; /* [n] */
    /* Exchange buffers between ranks (size > 1 only). */
    unsigned char *send, *recv;
    size_t *counts;     /* [size]: bytes each rank sends in a round */
    size_t block_bytes; /* one block's packed slots and metrics */
} mps_driver;

/** Bytes of one block's packed sums (and metrics) over all scenarios. */
size_t mps_exchange_block_bytes(const mps_driver *d);

/** Number of the first nb blocks of a round that rank r runs (b % size == r). */
int mps_exchange_local_blocks(int nb, int r, int size);

/** Gathers the slots and block metrics of the round's nb blocks from the
 *  ranks that ran them into rank 0's slots.  Collective; a no-op with one
 *  rank. */
int mps_exchange_round(mps_driver *d, int nb);

/** On rank 0, once the round's slots are all there: merges them into the
 *  totals in block order, files the per-path metrics by path index, and
 *  hands them to opt's paths sink (its status is returned).  `round` is
 *  the round's first block, nb its blocks, `end` the path after its last. */
int mps_exchange_collect(mps_driver *d, const mpsim_run_options *opt, uint64_t round, int nb,
                         uint64_t end, mpsim_errors *errs);

/** Merges every thread's tallies into the accumulators' (resetting the
 *  threads' when `reset`), then sums the accumulators' tallies over ranks
 *  into rank 0's; other ranks' are reset when `reset` (so nothing is
 *  counted twice by a later call).  Collective when the driver has more than
 *  one rank; no MPI call with one.  MPSIM_ERR_FAIL when out of
 *  memory (resetting) or on an MPI error. */
int mps_exchange_tallies(mps_driver *d, int reset);

#endif
