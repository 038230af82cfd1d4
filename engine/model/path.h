/*
 * One Monte Carlo path (model.md sections 4, 8 and 10): the model kernel.
 *
 * A scenario is first prepared into an mps_model (discount factors, stream
 * keys, output series declared as data).  mps_path_run then simulates one
 * path time-major and appraises it into a workspace owned by the calling
 * thread.  This layer is pure: no OpenMP, HDF5, MPI or YAML; no allocation
 * in mps_path_run.
 */
#ifndef MPS_PATH_H
#define MPS_PATH_H

#include <stdint.h>

#include "mpsim.h"
#include "scenario/scenario.h"

/** Per-year output series.  The core series below are always present, at
 *  these indices.  After them come the series of what the scenario models
 *  (`spillovers` when any project has spillovers; `gdp` and
 *  `debt_ratio_change` when it has an `economy` block; `avoided_cost` when
 *  any project has prevention; `cut` with funding cuts; `projects_stopped`
 *  with management), then one
 *  "mission_<id>" per mission: use mps_model_series_find and
 *  mps_model_mission_series for those indices. */
typedef enum {
    MPS_S_COST,           /* gross public spend, £m */
    MPS_S_COST_CDEL,
    MPS_S_COST_RDEL,
    MPS_S_COST_PDEL,
    MPS_S_BENEFITS,       /* flows making up PVB */
    MPS_S_COSTS_NET,      /* flows making up PVC */
    MPS_S_NET_BENEFIT,    /* benefits - costs_net */
    MPS_S_CUMULATIVE_NPV, /* discounted running sum; ends at npv */
    MPS_S_SAVINGS,        /* all cashable savings */
    MPS_N_CORE_SERIES
} mps_series_id;

/** A declared output series (its HDF5 name, description and units). */
typedef struct {
    const char *name;
    const char *description;
    const char *units;
} mps_series_def;

/** Per-project present-value components, £m (model.md section 10). */
typedef enum {
    MPS_P_PV_COST,      /* additive share of PVC */
    MPS_P_PV_BENEFITS,  /* additive share of PVB */
    MPS_P_PV_DIRECT,
    MPS_P_PV_SPILLOVERS,
    MPS_P_PV_SAVINGS,
    MPS_P_PV_GDP,
    MPS_N_PROJECT_PV
} mps_project_pv;

typedef struct mps_model mps_model;
typedef struct mps_workspace mps_workspace;

/** What one path produced; every pointer points into the workspace and
 *  stays valid until the next mps_path_run on it. */
typedef struct {
    double metrics[MPSIM_N_METRICS];  /* bcr is NaN when PVC <= 0 */
    const double *series;             /* [n_series * horizon], series-major */
    const unsigned char *success;     /* [n_projects] 1 if the project succeeded */
    const double *project_pv;         /* [n_projects * MPS_N_PROJECT_PV] */
    const double *spend_share;        /* [n_projects] share of the planned
                                         programme delivered: sum over the build
                                         years actually spent of k_j c_j, over
                                         sum_j c_j (1 when that sum is 0) */
    const int *stop_year;             /* [n_projects] model year management
                                         stopped the project, -1 if it did not */
    const int *mission_year;          /* [n_missions] first model year the
                                         target is reached, -1 if never */
} mps_path_result;

/** Prepares s for simulation.  s must outlive the model. */
int mps_model_create(const mps_scenario *s, mps_model **out);
void mps_model_free(mps_model *m); /* accepts NULL */

const mps_scenario *mps_model_scenario(const mps_model *m);
int mps_model_n_series(const mps_model *m);
const mps_series_def *mps_model_series(const mps_model *m, int i);
/** Index of the series named `name`, or -1 when the model has none. */
int mps_model_series_find(const mps_model *m, const char *name);
/** Index of mission `mission`'s indicator series ("mission_<id>"). */
int mps_model_mission_series(const mps_model *m, int mission);
/** Discount factors DF_0 .. DF_{H-1} (model.md section 9). */
const double *mps_model_df(const mps_model *m, mps_benefit_type type);

/** One workspace per thread; NULL when out of memory. */
mps_workspace *mps_workspace_alloc(const mps_model *m);
void mps_workspace_free(mps_workspace *w); /* accepts NULL */

/** How a sensitivity analysis sets one uncertain input on a workspace's
 *  paths (docs/sensitivity.md, "The portfolio model"). */
typedef enum {
    MPS_OVERRIDE_NONE = 0,  /**< drawn as usual */
    /** value = u in (0, 1): the marginal's quantile at u; for an input in
     *  the Gaussian copula, its independent normal score is Phi^-1(u) in
     *  place of its stream's draw, before the Cholesky mix */
    MPS_OVERRIDE_UNIT = 1,
    MPS_OVERRIDE_VALUE = 2  /**< the input takes `value` on every path */
} mps_override_mode;

/** One input's override. */
typedef struct {
    int mode;     /**< mps_override_mode */
    double value;
} mps_input_override;

/** Slots of an override table of m: one per input the model draws. */
int mps_model_n_input_slots(const mps_model *m);
/** The slot of the input `ref` names (ref->key_path unused), or -1 when m
 *  does not draw it (a project without benefits, PDEL copying RDEL, ...). */
int mps_model_input_slot(const mps_model *m, const mps_input_ref *ref);
/** Makes w's paths use `overrides` ([mps_model_n_input_slots], owned by
 *  the caller, read at each mps_path_run); NULL (the default) for none. */
void mps_workspace_set_overrides(mps_workspace *w, const mps_input_override *overrides);

/** Simulates and appraises path `path` under `seed`. */
const mps_path_result *mps_path_run(const mps_model *m, uint64_t seed, uint64_t path,
                                    mps_workspace *w);

/** The static Green Book appraisal (model.md section 10). */
void mps_static_appraise(const mps_model *m, mpsim_static_result *out);

#endif
