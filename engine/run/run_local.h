/*
 * A run on the calling MPI rank alone, for work that is shared out over
 * ranks by something larger than a run's paths (a sweep deals whole
 * points to ranks: engine/sweep/sweep_run.c).
 */
#ifndef MPS_RUN_LOCAL_H
#define MPS_RUN_LOCAL_H

#include <stddef.h>

#include "mpsim.h"

/** mpsim_run on this rank alone, with all its threads: no collective, so
 *  other ranks may call it at the same time on other scenarios, or not at
 *  all.  The results are those of mpsim_run (bit for bit: the run does not
 *  depend on the number of ranks), and this rank gets them in *out.  In
 *  the serial build, or with one rank, it is mpsim_run. */
int mps_run_local(mpsim_scenario *const *scenarios, size_t n, const mpsim_run_options *opt,
                  mpsim_results **out, mpsim_errors *errs);

#endif
