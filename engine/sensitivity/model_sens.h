/*
 * The sensitivity analysis of scenarios (docs/sensitivity.md
 * "The portfolio model"): the adapter between the model-independent library
 * of this folder (Sobol' indices, switching values, value of information)
 * and the path simulator.
 *
 * model_inputs.c names the uncertain inputs by key path and resolves them;
 * model_outputs.c chooses the outputs; model_sobol.c runs the Saltelli rows
 * through mps_path_run; model_oneway.c the tornado, switching values and
 * value of information; model_write.c the HDF5 file; model_print.c the
 * table and JSON.  Results are plain data (struct mpsim_sensitivity) so the
 * tests can read them.
 */
#ifndef MPS_SENS_MODEL_H
#define MPS_SENS_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "model/path.h"
#include "mpsim.h"
#include "scenario/scenario.h"

/** Base samples when --samples is not given: the demonstration portfolio's
 *  analysis finishes in a few minutes on 2 cores (docs/sensitivity.md). */
#define MPS_SENS_DEFAULT_SAMPLES 2048
/** Grid intervals of a dynamic switching-value scan: each point costs one
 *  set of paths, so coarser than the library's default 64. */
#define MPS_SENS_SWITCH_GRID 16

/** One uncertain input of a scenario, named by key path. */
typedef struct {
    char *key_path;        /**< canonical, e.g. missions.m.projects.p.cost.overrun */
    mps_input_ref ref;     /**< what it is (ref.key_path unused) */
    const mps_dist *dist;  /**< its marginal, the scenario's */
    int copula;            /**< index among the correlated inputs, or -1 */
    int slot;              /**< the model's override slot */
    double p10, p90;       /**< its marginal's 0.1 and 0.9 quantiles */
    double lo, hi;         /**< switching-value range: bounds, else P0.1, P99.9 */
    double centre;         /**< its central value (appraisal.central) */
} mps_sens_model_input;

/** Every input of s that the key-path syntax can name (uncertain or not,
 *  flagged by `uncertain`): the list key paths are resolved against. */
typedef struct {
    char **key_path;
    mps_input_ref *ref;
    const mps_dist **dist;
    int *uncertain;
    size_t n;
} mps_sens_catalogue;

/** Builds the catalogue of s; MPSIM_ERR_FAIL when out of memory. */
int mps_sens_catalogue_build(const mps_scenario *s, mps_sens_catalogue *c);
void mps_sens_catalogue_free(mps_sens_catalogue *c);

/** Resolves the key paths (NULL / 0: every uncertain input of s) into
 *  *inputs (k of them) for model m.  MPSIM_ERR_INPUT, with one message per
 *  bad key path naming the scenario file (unknown: the nearest key paths;
 *  not uncertain; repeated), when any is bad.  `lenient` (the later
 *  alternatives of a batch): a key path that names no uncertain input of
 *  this scenario is left out instead, and k may be 0. */
int mps_sens_inputs_resolve(const mps_model *m, const char *const *paths, size_t n_paths,
                            int lenient, mps_sens_model_input **inputs, size_t *k,
                            mpsim_errors *errs);
/** Frees k inputs (their key paths and the array). */
void mps_sens_inputs_free(mps_sens_model_input *inputs, size_t k);

/** What the Sobol' analysis of one scenario outputs per path: scalars
 *  (a metric, or a mission's achieved indicator), then `n_series` time
 *  series of `horizon` years each. */
typedef struct {
    size_t n_scalar;
    char **scalar_name;    /**< "npv", "achieved:<mission>" */
    const char **scalar_units;
    int *scalar_metric;    /**< mpsim_metric, or -1 - mission for an indicator */
    size_t n_series;
    char **series_name;    /**< "net_benefit", "mission_<id>" */
    const char **series_units;
    int *series_index;     /**< the model's series index */
    int horizon;
    int *years;            /**< [horizon] calendar years */
} mps_sens_outputs;

/** Chooses the outputs named in names (NULL / 0: the defaults) for model
 *  m.  MPSIM_ERR_INPUT naming an unknown output (and listing the known). */
int mps_sens_outputs_choose(const mps_model *m, const char *const *names, size_t n,
                            mps_sens_outputs *o, mpsim_errors *errs);
void mps_sens_outputs_free(mps_sens_outputs *o);
/** Outputs per row: n_scalar + n_series * horizon. */
size_t mps_sens_outputs_count(const mps_sens_outputs *o);
/** Writes the outputs of path result r into y. */
void mps_sens_outputs_fill(const mps_model *m, const mps_sens_outputs *o,
                           const mps_path_result *r, double *y);

/** Per-thread path workspaces with their override tables. */
typedef struct {
    const mps_model *m;
    int n_threads;
    mps_workspace **ws;             /**< [n_threads] */
    mps_input_override **ovr;       /**< [n_threads][n_slots] */
    int n_slots;
} mps_sens_pool;

/** Allocates a pool for `threads` threads (0: the OpenMP default).
 *  MPSIM_ERR_FAIL when out of memory. */
int mps_sens_pool_init(mps_sens_pool *p, const mps_model *m, int threads);
void mps_sens_pool_free(mps_sens_pool *p);

/** The tornado of one input: expected NPV (£m) and expected BCR with the
 *  input fixed at its P10 and at its P90 on every path. */
typedef struct {
    double npv_p10, npv_p90, bcr_p10, bcr_p90;
    double swing;          /**< |npv_p90 - npv_p10| */
} mps_sens_tornado;

/** The analysis of one scenario. */
typedef struct {
    const mps_scenario *s;
    char *name;
    mps_sens_model_input *inputs;
    size_t k;
    mps_sens_outputs out;
    int correlated;                 /**< some studied input is in the copula */
    mpsim_sobol_result sobol;       /**< m = mps_sens_outputs_count(&out) */
    double base_npv, base_bcr;      /**< nothing fixed, the same paths */
    mps_sens_tornado *tornado;      /**< [k], in input order */
    size_t *tornado_order;          /**< [k]: inputs by decreasing swing */
    double static_npv;
    int *static_applies;            /**< [k]: the static appraisal reads the input */
    mpsim_switching_result *sw_static;  /**< [k] */
    mpsim_switching_result *sw_dynamic; /**< [k] */
} mps_sens_scenario;

struct mpsim_sensitivity {
    size_t n;
    mps_sens_scenario *sc;          /**< [n] */
    uint64_t samples;
    uint64_t seed;
    unsigned bootstrap;
    double confidence;
    /* Value of information (n >= 2): over the first scenario's inputs. */
    int has_voi;
    mpsim_voi_result evpi;
    size_t voi_k;
    mpsim_voi_result *evppi;        /**< [voi_k] */
    char *created, *command_line;
};

/** Runs the Sobol' analysis of sc (inputs, outputs set) over pool. */
int mps_sens_sobol_scenario(mps_sens_scenario *sc, const mps_model *m, mps_sens_pool *pool,
                            const mpsim_sensitivity_options *o, uint64_t n, uint64_t seed,
                            mpsim_errors *errs);

/** Mean NPV (£m) and mean BCR (over paths where defined) of paths 0 .. n-1
 *  under seed with the pool's override tables as they are (each thread's
 *  the same), summed in path order whatever the threads.  `npv` (n) keeps
 *  each path's NPV when non-NULL. */
int mps_sens_mean_paths(mps_sens_pool *pool, uint64_t seed, uint64_t n, double *mean_npv,
                        double *mean_bcr, double *npv, const volatile sig_atomic_t *cancel);

/** Sets the same override of `slot` on every thread's table. */
void mps_sens_pool_set(mps_sens_pool *pool, int slot, int mode, double v);

/** Tornado and switching values of sc. */
int mps_sens_oneway(mps_sens_scenario *sc, const mps_model *m, mps_sens_pool *pool, uint64_t n,
                    uint64_t seed, const volatile sig_atomic_t *cancel, mpsim_errors *errs);

/** EVPI and EVPPI over the scenarios (r->n >= 2). */
int mps_sens_voi(mpsim_sensitivity *r, mps_model *const *models, mps_sens_pool *pools,
                 const volatile sig_atomic_t *cancel, mpsim_errors *errs);

#endif
