/*
 * Internals shared by the model kernel (engine/model/) and the appraisal of
 * its flows (engine/appraisal/present_value.c, static.c).  Not part of the
 * engine's interface: only those files include it.
 *
 * The split: mps_model_simulate turns one path's inputs (the drawn or
 * central values in mps_project_state) into undiscounted yearly flows and
 * per-project present values; mps_appraise_path turns the flows into the
 * path's metrics and derived series.  mps_path_run (dynamic) and the static
 * appraisal differ only in how they fill the inputs and in the decisions
 * mode, so the model is written once.
 */
#ifndef MPS_MODEL_INTERNAL_H
#define MPS_MODEL_INTERNAL_H

#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "model/path.h"

/** What the model prepared for one project: stream keys (so the hot loop
 *  never hashes a name) and the constants the kernel reads every year. */
typedef struct {
    uint64_t key_overrun;
    uint64_t key_delay;
    uint64_t key_benefit;
    uint64_t key_churn;
    const uint64_t *gate_keys; /* [n_gates], parallel to mps_project.gates */
    int offset;                /* start - base_year: planned first build year (model year) */
    int lag;                   /* L of benefits and indicator (0 without benefits) */
    int ramp;                  /* R of benefits and indicator (1 without benefits) */
    int cost_series;           /* MPS_S_COST_CDEL + category */
    const double *df_benefit;  /* DF schedule of its benefit type */
} mps_model_project;

struct mps_model {
    const mps_scenario *s;
    int horizon;
    int n_projects;
    int n_missions;
    int n_series;
    double *df_standard;        /* [horizon]; also for saving flows */
    double *df_health;          /* [horizon] */
    mps_model_project *projects;
    uint64_t *gate_keys;        /* storage behind every project's gate_keys */
    double *mission_threshold;  /* [n_missions]: X - 1e-9 max(1, |X|) */
    mps_series_def *series;     /* [n_series]; mission entries own their strings */
    mpsim_static_result stat;   /* computed once by mps_model_create */
};

/** A project's progress along one path. */
typedef enum {
    MPS_PS_ACTIVE,    /* not yet started, or building */
    MPS_PS_SUCCEEDED, /* every build year spent and every gate passed */
    MPS_PS_STOPPED    /* failed a gate or cancelled */
} mps_project_status;

/** One project on one path: its inputs, then its state and own PVs. */
typedef struct {
    /* inputs, set before mps_model_simulate */
    double cost_factor; /* O, or 1 + optimism bias in the static appraisal */
    int s;              /* first build year (model year); horizon if past it */
    double level;       /* B, £m per year */
    /* state */
    mps_project_status status;
    int e;              /* completion year s + d, once succeeded */
    int next_gate;      /* index of the first gate not yet met */
    double decay;       /* (1 - delta)^i for the next benefit year i */
    /* own present values, £m */
    double pv_spend;    /* gross spend */
    double pv_direct;   /* economic and health benefits, each type's DF */
    double pv_savings;  /* saving-type benefits */
} mps_project_state;

struct mps_workspace {
    gsl_rng *rng;               /* philox, re-seated for each draw */
    mps_project_state *ps;      /* [n_projects] */
    double *series;             /* [n_series * horizon], series-major */
    double *flow_economic;      /* [horizon] economic direct benefits */
    double *flow_health;        /* [horizon] health direct benefits */
    unsigned char *success;     /* [n_projects] */
    double *project_pv;         /* [n_projects * MPS_N_PROJECT_PV] */
    int *mission_year;          /* [n_missions] */
    mps_path_result result;
};

/** How the path's decisions are taken: drawn from the path's streams
 *  (churn, gates) or, for the static appraisal, all favourable. */
typedef struct {
    int stochastic;
    uint64_t seed;
    uint64_t path;
} mps_decisions;

/** Resets w's state and flows, then runs the year loop (model.md section 8)
 *  from the inputs already in w->ps.  Does not allocate. */
void mps_model_simulate(const mps_model *m, const mps_decisions *dec, mps_workspace *w);

/** Sets a project's inputs: the delay draw is floored and clamped at 0
 *  (model.md section 3), s = offset + D, and a start at or past the horizon
 *  (however large the draw) becomes the horizon, where nothing happens. */
void mps_project_inputs(mps_project_state *ps, double cost_factor, int offset, double delay,
                        double level, int horizon);

/** Discounts the flows of the last mps_model_simulate into w->result:
 *  metrics, derived series, per-project shares (model.md section 10). */
void mps_appraise_path(const mps_model *m, mps_workspace *w);

/** The static Green Book appraisal, computed on workspace w (model.md
 *  section 10); called once by mps_model_create. */
void mps_static_compute(const mps_model *m, mps_workspace *w, mpsim_static_result *out);

#endif
