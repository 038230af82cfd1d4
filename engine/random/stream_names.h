/*
 * The one list of stream names (model.md section 2).
 *
 * Every random stream is named by a stable string; its 64-bit key is a hash
 * of that name (mps_stream_key).  Names depend only on ids from the
 * scenario, never on positions in the file or in memory, so adding a
 * project or reordering the file changes no other element's draws, and two
 * scenarios that share an element draw the same variates for it.
 *
 *   name                                   drawn                      by
 *   -------------------------------------  -------------------------  ---------------------
 *   project/<id>/overrun                   cost.overrun, once a path  mps_key_project
 *   project/<id>/delay                     delay, once a path         mps_key_project
 *   project/<id>/benefit                   benefits.annual, once      mps_key_project
 *   project/<id>/churn                     churn in build year j:     mps_key_project
 *                                          mps_uniform_at(.., j)
 *   project/<id>/gate/<after>              the gate after build year  mps_key_gate
 *   project/<id>/gate/<after>/<nth>        <after> (nth > 0: a further
 *                                          gate at the same position)
 *   project/<id>/signal                    management signal e_k of   mps_key_project
 *                                          the project's k-th review:
 *                                          mps_uniform_at(.., k - 1)
 *   project/<id>/spillover, sub-stream t   discoveries in model year  mps_key_project, then
 *                                          t: the count N, then the   mps_stream_subkey(key, t)
 *                                          N values, in that order
 *   project/<id>/prevention                prevention.effect, once    mps_key_project
 *   economy/regime                         r_0 .. r_{H-1}             mps_key_economy_regime
 *   economy/multiplier/<CAT>/<regime>      m_{c,r}, once a path       mps_key_economy_multiplier
 *   economy/multiplier/<CAT>               m_c when not per regime    mps_key_economy_multiplier
 *   economy/crowding_in                    chi, once a path           mps_key_economy_crowding_in
 *   funding/cut                            the cut decided at the     mps_key_funding_cut
 *                                          spending review in model
 *                                          year t: mps_uniform_at(.., t)
 *   sweep/lhs/permutation                  a Latin hypercube's        mps_key_sweep_lhs
 *                                          stratum order, path =
 *                                          parameter, index = step
 *   sweep/lhs/position                     the position within the    mps_key_sweep_lhs
 *                                          stratum, path = parameter,
 *                                          index = point
 *                                          (seed = design.seed, not
 *                                          the run's: docs/sweeps.md)
 *   sensitivity/saltelli/A                 Saltelli base matrix A:    mps_key_sensitivity
 *   sensitivity/saltelli/B                 u of input i in sample j
 *                                          (path = j, index = i) and
 *                                          of matrix B
 *   sensitivity/bootstrap                  resample b's draw t of a   mps_key_sensitivity
 *                                          sample index: path = b,
 *                                          index = t (Sobol indices
 *                                          and EVPPI; seed = the
 *                                          analysis's: docs/sensitivity.md)
 *
 * Positions within a stream are the caller's contract: a value drawn once
 * a path is position 0 onwards of a freshly seated generator; decisions
 * indexed by a year use mps_uniform_at with that year as the index, so
 * they do not depend on how many earlier decisions were taken.
 *
 * A correlated input (Gaussian copula) takes its normal score from its own
 * stream above, so a correlation changes only the inputs it names.
 */
#ifndef MPS_STREAM_NAMES_H
#define MPS_STREAM_NAMES_H

#include <stdint.h>

/* Purposes for mps_key_project (the <purpose> part of project/<id>/<purpose>). */
#define MPS_PURPOSE_OVERRUN "overrun"
#define MPS_PURPOSE_DELAY "delay"
#define MPS_PURPOSE_BENEFIT "benefit"
#define MPS_PURPOSE_CHURN "churn"
#define MPS_PURPOSE_SIGNAL "signal"
#define MPS_PURPOSE_SPILLOVER "spillover"
#define MPS_PURPOSE_PREVENTION "prevention"

/** Key of "economy/regime": the regime chain's draws, one a year. */
uint64_t mps_key_economy_regime(void);

/** Key of "economy/multiplier/<category>/<regime>", or of
 *  "economy/multiplier/<category>" when regime is NULL (a category given as
 *  one value for every regime).  PDEL without its own multipliers passes
 *  "RDEL" so it shares RDEL's draws (model.md section 6). */
uint64_t mps_key_economy_multiplier(const char *category, const char *regime);

/** Key of "economy/crowding_in": the per-path draw of chi. */
uint64_t mps_key_economy_crowding_in(void);

/** Key of "funding/cut": the uniform of the spending review held in model
 *  year t is mps_uniform_at(seed, path, key, t) (model.md section 7). */
uint64_t mps_key_funding_cut(void);

/** Key of "sweep/lhs/<purpose>" (purpose "permutation" or "position"):
 *  the draws of a Latin hypercube design (docs/sweeps.md). */
uint64_t mps_key_sweep_lhs(const char *purpose);

/** Key of "sensitivity/<purpose>" (purpose "saltelli/A", "saltelli/B" or
 *  "bootstrap"): the draws of engine/sensitivity (docs/sensitivity.md). */
uint64_t mps_key_sensitivity(const char *purpose);

#endif
