/*
 * Internals shared by the model kernel (engine/model/) and the appraisal of
 * its flows (engine/appraisal/present_value.c, static.c).  Not part of the
 * engine's interface: only those files include it.
 *
 * The split: mps_path_inputs draws one path's uncertain inputs (with the
 * Gaussian copula for correlated ones) into the workspace;
 * mps_model_simulate turns the inputs into undiscounted yearly flows and
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

/** An incoming link of a project B (model.md section 5), prepared. */
typedef struct {
    int from;         /* index of A */
    double keep;      /* 1 - gate_uplift: multiplies B's gate failure probability */
    double factor;    /* 1 + benefit_uplift: multiplies B's direct benefits */
} mps_model_link;

/** What the model prepared for one project: stream keys (so the hot loop
 *  never hashes a name) and the constants the kernel reads every year. */
typedef struct {
    uint64_t key_overrun;
    uint64_t key_delay;
    uint64_t key_benefit;
    uint64_t key_churn;
    uint64_t key_spill;        /* parent of the per-year spillover sub-streams */
    const uint64_t *gate_keys; /* [n_gates], parallel to mps_project.gates */
    int offset;                /* start - base_year: planned first build year (model year) */
    int lag;                   /* L of benefits and indicator (0 without benefits) */
    int ramp;                  /* R of benefits and indicator (1 without benefits) */
    int cost_series;           /* MPS_S_COST_CDEL + category */
    const double *df_benefit;  /* DF schedule of its benefit type */
    const mps_model_link *links; /* incoming links (this project is `to`) */
    int n_links;
    /* Index into the copula's inputs of each correlated input, else -1. */
    int corr_overrun, corr_delay, corr_benefit;
} mps_model_project;

/** The wider economy, prepared (model.md section 6).  Multiplier tables
 *  are indexed [category * n_regimes + regime]. */
typedef struct {
    int present;               /* GDP, tax and debt are computed */
    int n_regimes;             /* >= 1 (a zeroed scenario struct counts as 1) */
    uint64_t key_regime;
    const double *initial;     /* [n_regimes]; NULL when n_regimes == 1 */
    const double *transition;  /* [n_regimes^2]; NULL when n_regimes == 1 */
    /* How each category's multipliers are drawn: 0 not given (multiplier
     * 0), 1 one draw for every regime, 2 one draw per regime, 3 copies of
     * RDEL's draws (PDEL not given). */
    int mult_mode[MPS_N_CATEGORIES];
    const mps_dist **mult_dist;  /* [3 * n_regimes]; per regime or [c * nr + 0] */
    uint64_t *mult_key;          /* [3 * n_regimes], parallel to mult_dist */
    int *mult_corr;              /* [3 * n_regimes]: copula index or -1 */
    uint64_t key_chi;
    int chi_corr;
    const double *profile;     /* impulse h_0 .. h_K */
    int n_profile;
    double tax_take;
    int has_gdp;
    double *gdp_base;          /* [horizon]: Y_t = level (1 + growth)^t, when has_gdp */
    double debt_ratio, debt_interest;
} mps_model_economy;

/** The Gaussian copula, prepared: for each correlated input its own stream
 *  key and its marginal. */
typedef struct {
    int n;
    const double *cholesky;    /* [n * n] row-major lower factor (the scenario's) */
    uint64_t *key;             /* [n] */
    const mps_dist **dist;     /* [n] */
} mps_model_copula;

struct mps_model {
    const mps_scenario *s;
    int horizon;
    int n_projects;
    int n_missions;
    int n_series;
    /* Series of what this scenario models (-1 when absent), then the
     * mission indicators from first_mission_series on. */
    int series_spillovers, series_gdp, series_debt;
    int first_mission_series;
    int any_spillovers;
    double *df_standard;        /* [horizon]; also for saving flows */
    double *df_health;          /* [horizon] */
    mps_model_project *projects;
    uint64_t *gate_keys;        /* storage behind every project's gate_keys */
    mps_model_link *links;      /* storage behind every project's links, by target */
    mps_model_economy econ;
    mps_model_copula copula;
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
    double spend_now;   /* this year's actual spend (0 when it spent nothing) */
    /* own present values, £m */
    double pv_spend;    /* gross spend */
    double pv_direct;   /* economic and health benefits, each type's DF */
    double pv_savings;  /* saving-type benefits */
    double pv_spill;    /* spillovers from its own spend */
    double pv_gdp;      /* GDP from its own spend, incl. the crowding-in it induces */
} mps_project_state;

struct mps_workspace {
    gsl_rng *rng;               /* philox, re-seated for each draw */
    mps_project_state *ps;      /* [n_projects] */
    double *series;             /* [n_series * horizon], series-major */
    double *flow_economic;      /* [horizon] economic direct benefits */
    double *flow_health;        /* [horizon] health direct benefits */
    double *flow_spill;         /* [horizon] spillover benefits */
    double *flow_gdp;           /* [horizon] GDP effect of the portfolio's spend */
    int *regime;                /* [horizon] r_t */
    double *mult;               /* [3 * n_regimes] m_{c,r} of this path */
    double *gdp_coef;           /* [3 * n_regimes] m_{c,r} + chi m_{CDEL,r} */
    double chi;                 /* crowding-in of this path */
    double *corr_z;             /* [copula n] independent normal scores */
    double *corr_value;         /* [copula n] correlated inputs' values */
    unsigned char *success;     /* [n_projects] */
    double *project_pv;         /* [n_projects * MPS_N_PROJECT_PV] */
    int *mission_year;          /* [n_missions] */
    mps_path_result result;
};

/** How the path's decisions are taken.  stochastic: drawn from the path's
 *  streams (regimes, churn, gates, spillovers) with links and the wider
 *  economy in play.  Otherwise (the static appraisal) every decision is
 *  favourable and there are no links, spillovers or wider economy. */
typedef struct {
    int stochastic;
    uint64_t seed;
    uint64_t path;
} mps_decisions;

/** Resets w's state and flows, then runs the year loop (model.md section 8)
 *  from the inputs already in w->ps (and, when dec is stochastic, w->mult,
 *  w->gdp_coef).  Does not allocate. */
void mps_model_simulate(const mps_model *m, const mps_decisions *dec, mps_workspace *w);

/** Sets a project's inputs: the delay draw is floored and clamped at 0
 *  (model.md section 3), s = offset + D, and a start at or past the horizon
 *  (however large the draw) becomes the horizon, where nothing happens. */
void mps_project_inputs(mps_project_state *ps, double cost_factor, int offset, double delay,
                        double level, int horizon);

/** Draws every uncertain input of path `path` into w (model.md section 3):
 *  the copula's correlated inputs first, then each project's O, D, B and
 *  the economy's multipliers and crowding-in, and the per-path GDP
 *  coefficients.  Does not allocate. */
void mps_path_inputs(const mps_model *m, uint64_t seed, uint64_t path, mps_workspace *w);

/** Prepares the links, the economy and the copula of m (mps_model_create
 *  calls it after the projects are prepared).  MPSIM_ERR_FAIL when out of
 *  memory or when the scenario struct is inconsistent (a link or input
 *  naming no project). */
int mps_model_prepare_interactions(mps_model *m);
/** Frees what mps_model_prepare_interactions allocated. */
void mps_model_free_interactions(mps_model *m);

/** Step 1 of year t: the regime r_t, drawn by inverse CDF from the initial
 *  distribution (t = 0) or from row r_{t-1} of the transition matrix. */
int mps_regime_draw(const mps_model_economy *e, uint64_t seed, uint64_t path, int t,
                    int previous);

/** Spillover discoveries of project k from its spend in year t (model.md
 *  section 5): their flows go into w->flow_spill and ps->pv_spill. */
void mps_spillover_year(const mps_model *m, const mps_decisions *dec, int k, int t,
                        mps_workspace *w);

/** The GDP effect of spend g of project k (category c) in year t,
 *  pushed forward along the impulse profile into w->flow_gdp and the
 *  project's own pv_gdp. */
void mps_gdp_push(const mps_model *m, int k, int c, int t, double g, mps_workspace *w);

/** Discounts the flows of the last mps_model_simulate into w->result:
 *  metrics, derived series, per-project shares (model.md section 10). */
void mps_appraise_path(const mps_model *m, mps_workspace *w);

/** The static Green Book appraisal, computed on workspace w (model.md
 *  section 10); called once by mps_model_create. */
void mps_static_compute(const mps_model *m, mps_workspace *w, mpsim_static_result *out);

#endif
