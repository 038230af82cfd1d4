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
 *  never hashes a name) and the constants the kernel reads every year.
 *  The first block is what every build year reads, copied from the
 *  scenario's project so that it shares one cache line. */
typedef struct {
    /* Read by every build year (path.c). */
    const double *profile;     /* c_j, the scenario's */
    const mps_gate *gates;     /* the scenario's, sorted by `after` */
    const uint64_t *gate_keys; /* [n_gates], parallel to gates */
    uint64_t key_churn;
    double planned_total;      /* sum_j c_j, summed in build-year order */
    int build_years;           /* d */
    int n_gates;
    int cost_series;           /* MPS_S_COST_CDEL + category */
    int n_links;
    unsigned char category;    /* mps_category */
    unsigned char cut_eligible; /* category in cuts.applies_to and not ringfenced */
    unsigned char managed;     /* management present, benefits.annual lognormal */
    unsigned char spills;      /* has unplanned spillovers */

    /* Read by the streams after the year loop (streams.c). */
    double outcome;            /* u */
    double keep;               /* 1 - delta of its benefits */
    int mission_series;        /* index of its mission's indicator series */
    int duration;              /* N of its benefits */
    unsigned char has_benefits, has_outcome, has_prevention;
    unsigned char benefit_type; /* mps_benefit_type */

    uint64_t key_overrun;
    uint64_t key_delay;
    uint64_t key_benefit;
    uint64_t key_spill;        /* parent of the per-year spillover sub-streams */
    int offset;                /* start - base_year: planned first build year (model year) */
    int lag;                   /* L of benefits and indicator (0 without benefits) */
    int ramp;                  /* R of benefits and indicator (1 without benefits) */
    const double *df_benefit;  /* DF schedule of its benefit type */
    const mps_model_link *links; /* incoming links (this project is `to`) */
    /* Index into the copula's inputs of each correlated input, else -1. */
    int corr_overrun, corr_delay, corr_benefit, corr_prevention;

    /* Prevention (model.md section 7). */
    uint64_t key_prevention;   /* prevention.effect, once a path */
    int prevention_row;        /* its row of the workspace's stock_rows, else -1 */

    /* Adaptive management (model.md section 11), prepared in
     * management.c; managed is 0 and the pointers NULL for a project the
     * manager never reviews. */
    uint64_t key_signal;
    double mean_overrun;       /* E[O] */
    const double *gate_rest;   /* [d + 1]: prod of p over gates with after >= j + 1 */
    const double *benefit_weight; /* [horizon]: W(e) = sum_i ramp_i (1-delta)^i DF_{e+L+i}
                                     over i < N, e + L + i < H */
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

/** Spending reviews and cuts, prepared (model.md section 7).  Model year t
 *  holds a review iff t >= first_review and (t - first_review) % every == 0:
 *  the calendar years first + k * every that fall in the horizon. */
typedef struct {
    int has_cuts;
    int every;                 /* >= 1 */
    int first_review;          /* model year of the first review at or after year 0 */
    uint64_t key_cut;
    double keep;               /* k = 1 - fraction for a cut project */
    int any_category;          /* some category is cut (listed and not ringfenced) */
    int per_regime;
    const double *probability; /* [n_regimes] when per_regime, else [1] */
} mps_model_funding;

/** Adaptive management, prepared (model.md section 11). */
typedef struct {
    int present;
    int every;                 /* Q >= 1: reviews in model years Q, 2Q, ... */
    double noise;              /* s >= 0 */
    double stop_below;         /* theta */
    double *storage;           /* behind every project's gate_rest and benefit_weight */
} mps_model_management;

struct mps_model {
    const mps_scenario *s;
    int horizon;
    int n_projects;
    int n_missions;
    int n_series;
    /* Series of what this scenario models (-1 when absent), then the
     * mission indicators from first_mission_series on. */
    int series_spillovers, series_gdp, series_debt;
    int series_avoided, series_cut, series_stopped;
    int first_mission_series;
    int any_spillovers;
    int any_prevention;
    double *df_standard;        /* [horizon]; also for saving flows */
    double *df_health;          /* [horizon] */
    mps_model_project *projects;
    uint64_t *gate_keys;        /* storage behind every project's gate_keys */
    mps_model_link *links;      /* storage behind every project's links, by target */
    int *prevention;            /* [n_prevention]: projects with prevention, ascending */
    int n_prevention;
    mps_model_economy econ;
    mps_model_copula copula;
    mps_model_funding funding;
    mps_model_management management;
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

/** One project on one path: its inputs, then its state and own PVs.  The
 *  first block (one cache line) is what every build year reads and
 *  writes. */
typedef struct {
    mps_project_status status;
    int s;              /* input: first build year (model year); horizon if past it */
    double cost_factor; /* input: O, or 1 + optimism bias in the static appraisal */
    double delivered;   /* sum over spent build years of k_j c_j (the programme) */
    double pv_spend;    /* own gross spend, £m present value */
    double spend_now;   /* this year's actual spend (set when it spends) */
    double scale;       /* direct benefits and outcome factor, set at completion */
    int n_spent;        /* build years spent: 0 .. n_spent-1, in years s .. */
    int next_gate;      /* index of the first gate not yet met */
    int e;              /* completion year s + d, once succeeded */
    int stop_year;      /* model year management stopped it, else -1 */

    /* inputs, set before mps_model_simulate */
    double level;       /* B, £m per year */
    double effect;      /* prevention effect (avoided acute cost per £ of stock) */
    /* state */
    double decay;       /* (1 - delta)^i for the next benefit year i */
    double stock;       /* prevention stock P_t */
    int n_signals;      /* management signals seen so far (k) */
    double log_level;   /* ln B, set at the first signal */
    double signal_sum;  /* z_1 + ... + z_k */
    /* own present values, £m */
    double pv_direct;   /* economic and health benefits, each type's DF */
    double pv_savings;  /* saving-type benefits and avoided acute costs */
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
    unsigned char *cut;         /* [horizon] 1 when a cut decided at a review is in force */
    double *mult;               /* [3 * n_regimes] m_{c,r} of this path */
    double *gdp_coef;           /* [3 * n_regimes] m_{c,r} + chi m_{CDEL,r} */
    double chi;                 /* crowding-in of this path */
    double *corr_z;             /* [copula n] independent normal scores */
    double *corr_value;         /* [copula n] correlated inputs' values */
    const mps_input_override *overrides; /* sensitivity analysis: [input slots] or NULL */
    unsigned char *success;     /* [n_projects] */
    double *project_pv;         /* [n_projects * MPS_N_PROJECT_PV] */
    int *mission_year;          /* [n_missions] */
    double *spend_share;        /* [n_projects] */
    int *stop_year;             /* [n_projects] */
    /* What the kernel visits (path.c): projects by first build year
     * (by_start, ascending within a year, with start_at[t] ..
     * start_at[t+1] the starters of year t), the live projects (started,
     * still building: bit k % 64 of word k / 64) and, in ascending order,
     * those that spent this year. */
    int *by_start;              /* [n_projects] */
    int *start_at;              /* [horizon + 1] */
    uint64_t *live_bits;        /* [n_live_words] */
    int n_live_words;           /* ceil(n_projects / 64) */
    int *spent;                 /* [n_projects] */
    double *stream_scratch;     /* [4 * horizon]: flows awaiting their present
                                   values (streams.c) */
    double *stock_rows;         /* [n_prevention * horizon]: each prevention
                                   project's stock P_t (streams.c) */
    mps_path_result result;
};

/** How the path's decisions are taken.  stochastic: drawn from the path's
 *  streams (regimes, cuts, management signals, churn, gates, spillovers)
 *  with links and the wider economy in play.  Otherwise (the static
 *  appraisal) every decision is favourable and there are no links,
 *  spillovers, cuts, management or wider economy. */
typedef struct {
    int stochastic;
    uint64_t seed;
    uint64_t path;
} mps_decisions;

/** Resets w's state and flows, then runs the year loop (model.md section 8)
 *  from the inputs already in w->ps (and, when dec is stochastic, w->mult,
 *  w->gdp_coef).  Does not allocate. */
void mps_model_simulate(const mps_model *m, const mps_decisions *dec, mps_workspace *w);

/** After the year loop: adds each project's direct benefits, mission
 *  outcome and prevention stream to the flows, indicators and its own
 *  present values, and finds the first year each mission's target is
 *  reached (streams.c).  Bit-identical to adding them year by year in step
 *  4, since none of them feeds back into a decision. */
void mps_model_streams(const mps_model *m, const mps_decisions *dec, mps_workspace *w);

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

/** Prepares the funding regime of m (review years, cut probabilities) and
 *  each project's cut eligibility; MPSIM_ERR_FAIL when the scenario struct
 *  is inconsistent (cuts without probabilities). */
int mps_model_prepare_funding(mps_model *m);

/** Step 2 of year t: at a spending review, decides the cut in force for
 *  the review period (drawn from "funding/cut" at index t with the
 *  probability of regime r_t); otherwise the previous year's state carries
 *  on.  Sets w->cut[t] and the `cut` series. */
void mps_funding_review(const mps_model *m, const mps_decisions *dec, int t, mps_workspace *w);

/** The cut factor k of project k's planned spend in year t: 1 - fraction
 *  when a cut is in force in t and the project's category is cut, else 1. */
static inline double mps_cut_factor(const mps_model *m, const mps_workspace *w, int k, int t)
{
    return (w->cut[t] && m->projects[k].cut_eligible) ? m->funding.keep : 1.0;
}

/** Step 4 for project k's prevention stock in year t:
 *  P_t = persistence P_{t-1} + S_{t-lag}, A_t = effect P_t, a cashable
 *  saving (savings and avoided_cost series, the project's pv_savings). */
void mps_prevention_year(const mps_model *m, int k, int t, mps_workspace *w);

/** Prepares the management tables of m (remaining-gate products and
 *  benefit weights of each reviewed project).  MPSIM_ERR_FAIL when out of
 *  memory. */
int mps_model_prepare_management(mps_model *m);
/** Frees what mps_model_prepare_management allocated. */
void mps_model_free_management(mps_model *m);

/** The management review of project k at build year j (model.md section
 *  11), in a review year before that build year's churn and spend: draws
 *  the project's next signal, updates the posterior of ln B and returns 1
 *  when the expected remaining BCR is below stop_below.  Call only for a
 *  managed project with j >= 1 in a review year. */
int mps_management_stops(const mps_model *m, const mps_decisions *dec, int k, int j,
                         mps_workspace *w);

/** Discounts the flows of the last mps_model_simulate into w->result:
 *  metrics, derived series, per-project shares (model.md section 10). */
void mps_appraise_path(const mps_model *m, mps_workspace *w);

/** The static Green Book appraisal, computed on workspace w (model.md
 *  section 10); called once by mps_model_create. */
void mps_static_compute(const mps_model *m, mps_workspace *w, mpsim_static_result *out);

#endif
