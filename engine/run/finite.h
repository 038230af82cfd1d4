/*
 * Numerical safety: a run never reports NaN or infinity where a number is
 * due.  Valid but extreme inputs (rates near -1 over long horizons, costs
 * near the limit of double precision, distributions with enormous tails)
 * can overflow; these checks turn that into an error (MPSIM_ERR_INPUT: the
 * input is the cause) that names the result affected and, as far as it can
 * be told, the input responsible.  NaN that the specification allows (BCR
 * statistics when no path has PVC > 0, the spread of a single path, a
 * mission without a target) is not an error.
 *
 * The checks read the finished results (mpsim.h), not the driver's
 * accumulators, so they hold however the run was computed: a NaN or an
 * infinity on any path reaches the mean, and an infinite BCR the maximum.
 * They cost a pass over the summary, not over the paths.
 */
#ifndef MPS_FINITE_H
#define MPS_FINITE_H

#include <stdint.h>

#include "model/path.h"
#include "mpsim.h"

/** Checks the static appraisal of res and, when res->has_dynamic, its
 *  dynamic appraisal over `paths` paths.  MPSIM_OK, or MPSIM_ERR_INPUT with
 *  one message naming the scenario, the value and the likely cause (an
 *  input's key path). */
int mps_check_scenario_finite(const mps_model *m, const mpsim_scenario_result *res,
                              uint64_t paths, mpsim_errors *errs);

/** The same for a comparison of two scenarios over `paths` paths. */
int mps_check_comparison_finite(const mpsim_comparison *c, uint64_t paths, mpsim_errors *errs);

#endif
