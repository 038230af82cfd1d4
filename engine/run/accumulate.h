/*
 * What the run driver accumulates for each scenario, and the steps that
 * turn it into an mpsim_scenario_result.
 *
 * Two kinds of state, kept apart because they merge differently:
 * - mps_sums: floating-point sums (series, per-project PVs, Welford moments
 *   of the metrics and of the comparisons).  Each block of paths fills its
 *   own, and blocks are merged in block order, so the rounding is the same
 *   whatever the number of threads.
 * - mps_tally: counts, minima and maxima, and histograms.  Each thread keeps
 *   its own; they merge exactly in any order.
 */
#ifndef MPS_ACCUMULATE_H
#define MPS_ACCUMULATE_H

#include <stddef.h>
#include <stdint.h>

#include "appraisal/stats.h"
#include "model/path.h"

/* Welford accumulators of a block or a scenario, by index. */
enum {
    MPS_W_METRIC = 0,                           /* each metric over paths */
    MPS_W_PAIR = MPSIM_N_METRICS,               /* each metric over antithetic pair means */
    MPS_W_DIFF_NPV = 2 * MPSIM_N_METRICS,       /* npv - npv of the first scenario */
    MPS_W_DIFF_EXCHEQUER,                       /* the same for pv_exchequer */
    MPS_W_PAIR_DIFF_NPV,                        /* ... over pair means */
    MPS_W_PAIR_DIFF_EXCHEQUER,
    MPS_N_W
};

/* Order-dependent sums of one scenario (one block's, or the totals). */
typedef struct {
    double *values;   /* [n_series * horizon] series, then [n_projects *
                         MPS_N_PROJECT_PV] project PVs, then [n_projects]
                         delivered spend shares */
    mps_welford w[MPS_N_W];
} mps_sums;

/* Order-independent tallies of one scenario (one thread's, or the totals). */
typedef struct {
    double min[MPSIM_N_METRICS], max[MPSIM_N_METRICS];
    uint64_t bcr_defined, bcr_above_1, npv_negative, b_better;
    uint64_t *project_success, *project_stopped; /* [n_projects] */
    uint64_t *mission_year;  /* [n_missions * (horizon + 1)]; slot horizon = never */
    mps_fan fan;             /* [n_series * horizon] cells */
    mps_fan metrics;         /* [MPSIM_N_METRICS] cells, fine; streamed runs only */
} mps_tally;

typedef struct {
    const mps_model *model;
    int n_series, horizon, n_projects, n_missions;
    size_t n_values;          /* length of mps_sums.values */
    int streamed;             /* quantiles from histograms, not per-path arrays */
    uint64_t capacity;        /* length of metric[] arrays when not streamed */
    uint64_t paths;           /* paths accumulated */
    double *metric[MPSIM_N_METRICS]; /* per path, by index; NULL when streamed */
    mps_sums sums;
    mps_tally tally;
} mps_accum;

int mps_sums_init(mps_sums *s, size_t n_values);
void mps_sums_free(mps_sums *s);
void mps_sums_zero(mps_sums *s, size_t n_values);
/** a += b, b's paths coming after a's. */
void mps_sums_merge(mps_sums *a, const mps_sums *b, size_t n_values);

int mps_tally_init(mps_tally *t, const mps_accum *shape);
void mps_tally_free(mps_tally *t);
void mps_tally_merge(mps_tally *a, const mps_tally *b, const mps_accum *shape);

/** Allocates the accumulator of one scenario.  `capacity` paths of per-path
 *  metrics are kept unless `streamed`.  MPSIM_ERR_FAIL when out of memory. */
int mps_accum_init(mps_accum *a, const mps_model *m, uint64_t capacity, int streamed);
void mps_accum_free(mps_accum *a);

/** Relative standard error of the mean NPV so far (NaN when undefined). */
double mps_accum_npv_rse(const mps_accum *a, int antithetic);

/** Fills res (already described) with the dynamic appraisal from a.  With
 *  exact quantiles the metrics are sorted on `threads` OpenMP threads, one
 *  scratch array of a->paths doubles each; the results do not depend on
 *  the number. */
int mps_accum_summarise(mps_accum *a, mpsim_scenario_result *res, int antithetic, int threads);

/** Moves the per-path metric arrays into res (a no longer owns them). */
void mps_accum_keep_paths(mps_accum *a, mpsim_scenario_result *res);

/** Fills the static part and the descriptive fields (name, inputs, missions,
 *  projects with ids, kinds) of res from the model. */
int mps_result_describe(const mps_model *m, mpsim_scenario_result *res);

/** Comparison of scenario b against a under common random numbers, from
 *  b's difference moments; both results must already be summarised. */
int mps_compare(const mpsim_scenario_result *ra, const mps_accum *b,
                const mpsim_scenario_result *rb, int antithetic, mpsim_comparison *out);

#endif
