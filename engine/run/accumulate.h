/*
 * What the run driver accumulates for one scenario over all paths, and the
 * step that turns it into an mpsim_scenario_result.
 */
#ifndef MPS_ACCUMULATE_H
#define MPS_ACCUMULATE_H

#include <stddef.h>
#include <stdint.h>

#include "appraisal/stats.h"
#include "model/path.h"

typedef struct {
    const mps_model *model;
    uint64_t paths;
    int n_series, horizon, n_projects, n_missions;

    double *metric[MPSIM_N_METRICS]; /* [paths] per-path metrics, path order */
    double *series_sum;              /* [n_series * horizon], summed block by block */
    double *project_sum;             /* [n_projects * MPS_N_PROJECT_PV] */
    uint64_t *project_success;       /* [n_projects] */
    double *spend_share_sum;         /* [n_projects], summed block by block */
    uint64_t *project_stopped;       /* [n_projects] stopped by management */
    uint64_t *mission_year_count;    /* [n_missions * (horizon + 1)]; slot horizon = never */
    mps_fan fan;                     /* [n_series * horizon] cells */
} mps_accum;

/** Allocates the accumulator of one scenario (zeroed).  MPSIM_ERR_FAIL when
 *  out of memory. */
int mps_accum_init(mps_accum *a, const mps_model *m, uint64_t paths);
void mps_accum_free(mps_accum *a);

/** Fills res (already holding name, missions, projects, ...) with the
 *  dynamic appraisal from a. */
int mps_accum_summarise(mps_accum *a, mpsim_scenario_result *res);

/** Moves the per-path metric arrays into res (a no longer owns them). */
void mps_accum_keep_paths(mps_accum *a, mpsim_scenario_result *res);

/** Fills the static part and the descriptive fields (name, inputs, missions,
 *  projects with ids, kinds) of res from the model. */
int mps_result_describe(const mps_model *m, mpsim_scenario_result *res);

/** Comparison of scenario b against a under common random numbers; both
 *  results must already be summarised (it reads their P(achieved)). */
int mps_compare(const mps_accum *a, const mpsim_scenario_result *ra, const mps_accum *b,
                const mpsim_scenario_result *rb, mpsim_comparison *out);

#endif
