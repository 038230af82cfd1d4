/*
 * Evaluations of the portfolio model shared out over MPI ranks and OpenMP
 * threads (docs/sensitivity.md, "Threads and MPI ranks").  The analyses
 * cut their work into items (a path, or a base sample of the Saltelli
 * scheme) whose outputs depend only on the item; each rank computes its
 * share of them and every rank receives all of them in item order, so
 * whatever is formed from them afterwards (sums in path order, the Sobol'
 * estimators) is the serial result bit for bit, and every rank takes the
 * same decisions from it (the switching values' root finding).
 */
#ifndef MPS_SENS_MODEL_SHARE_H
#define MPS_SENS_MODEL_SHARE_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "mpsim.h"

/** Computes items first .. first + count - 1 into out (`width` doubles an
 *  item, item first at out[0]) on OpenMP thread `thread`.  MPSIM_OK or
 *  MPSIM_ERR_FAIL. */
typedef int (*mps_sens_items_fn)(void *ctx, int thread, uint64_t first, uint64_t count,
                                 double *out);

/** Fills out[i * width .. (i + 1) * width - 1] for items i = 0 .. n - 1 on
 *  every rank.  The items go in rounds (at most a few hundred megabytes of
 *  outputs each); rank r of K computes the r-th of K contiguous shares of a
 *  round, its `threads` threads taking `chunk` items at a time, and the
 *  shares are then exchanged.  The status is the same on every rank:
 *  MPSIM_ERR_FAIL (with a message) when fn or the exchange failed
 *  anywhere, else MPSIM_ERR_INTERRUPTED when *cancel was seen anywhere
 *  (out is then incomplete), else MPSIM_OK.  Collective under MPI. */
int mps_sens_share(uint64_t n, size_t width, uint64_t chunk, int threads, mps_sens_items_fn fn,
                   void *ctx, double *out, const volatile sig_atomic_t *cancel, mpsim_errors *errs);

/** 1 when the analysis runs over more than one MPI rank. */
int mps_sens_share_ranks(void);

#endif
