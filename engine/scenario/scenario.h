/*
 * The in-memory scenario: what the loader produces and the model reads.
 * Plain data, validated once by the loader (engine/scenario/), never
 * modified afterwards.  Years stored here are calendar years unless the
 * field says "model year".
 */
#ifndef MPS_SCENARIO_H
#define MPS_SCENARIO_H

#include <stdint.h>

#include "mpsim.h"
#include "random/dist.h"

typedef enum { MPS_CDEL, MPS_RDEL, MPS_PDEL, MPS_N_CATEGORIES } mps_category;
typedef enum { MPS_KIND_UNLABELLED, MPS_KIND_TACTICAL, MPS_KIND_EMBLEMATIC,
               MPS_KIND_STRATEGIC, MPS_N_KINDS } mps_kind;
typedef enum { MPS_BENEFIT_ECONOMIC, MPS_BENEFIT_HEALTH, MPS_BENEFIT_SAVING } mps_benefit_type;
typedef enum { MPS_SAVINGS_AS_BENEFIT, MPS_SAVINGS_NET_COST } mps_cost_savings;

extern const char *const mps_category_names[MPS_N_CATEGORIES]; /* "CDEL", ... */
extern const char *const mps_kind_names[MPS_N_KINDS];          /* "unlabelled", ... */

/** A gate: after `after` build years (1 <= after <= d) the project passes
 *  with probability p. */
typedef struct {
    int after;
    double p;
} mps_gate;

typedef struct {
    char *id;
    char *name;            /* NULL when not given */
    int mission;           /* index into mps_scenario.missions */
    mps_category category;
    mps_kind kind;
    int start;             /* calendar year spending starts as planned */

    double *profile;       /* planned spend per build year, £m, >= 0 */
    int build_years;       /* d >= 1 */
    mps_dist overrun;      /* O > 0; default fixed 1 */
    double optimism_bias;  /* static appraisal only; default 0 */
    mps_dist delay;        /* whole years; default fixed 0 */

    mps_gate *gates;       /* sorted by `after` (stable) */
    int n_gates;

    int has_benefits;
    mps_dist annual;       /* B, £m per year */
    int lag;               /* L >= 0, default 0 */
    int ramp;              /* R >= 1, default 1 */
    int duration;          /* N >= 0, default 30 */
    double decay;          /* delta in [0, 1], default 0 */
    mps_benefit_type benefit_type;

    int has_outcome;
    double outcome;        /* u, mission indicator units */

    /* Prevention (model.md section 7): a stock of the programme actually
     * delivered, avoiding acute costs. */
    int has_prevention;
    mps_dist prev_effect;  /* £ of acute cost avoided a year per £ of stock */
    int prev_lag;          /* >= 0, default 0 */
    double prev_persistence; /* [0, 1], default 0 */

    /* Unplanned spillovers (model.md section 5). */
    int has_spillovers;
    double spill_rate;     /* discoveries per £m actually spent, >= 0 */
    mps_dist spill_value;  /* annual value of one discovery, £m; drawn per discovery */
    int spill_lag;         /* >= 0, default 0 */
    int spill_duration;    /* >= 0, default 30 */
    double spill_decay;    /* [0, 1], default 0 */
} mps_project;

/** A link (model.md section 5): once `from` has succeeded, `to`'s gate
 *  failure probabilities are multiplied by (1 - gate_uplift), and from
 *  `from`'s first benefit year on, `to`'s direct benefits by
 *  (1 + benefit_uplift).  Indices into mps_scenario.projects. */
typedef struct {
    int from, to;
    double gate_uplift;    /* [0, 1], default 0 */
    double benefit_uplift; /* >= -1, default 0 */
} mps_link;

/** Multipliers of one budget category (model.md section 6). */
typedef struct {
    int given;             /* 0: multiplier 0 (PDEL: RDEL's per-path draws) */
    int per_regime;        /* 1: dist[r] for each regime r; 0: dist[0] in every regime */
    mps_dist *dist;        /* [n_regimes] when per_regime, else [1]; NULL when !given */
} mps_multiplier;

/** The wider economy (model.md section 6).  Without an `economy` block,
 *  present is 0, there is one regime "normal" and every multiplier is 0. */
typedef struct {
    int present;
    int n_regimes;         /* >= 1 */
    char **regime_names;   /* [n_regimes] */
    double *initial;       /* [n_regimes], sums to 1 */
    double *transition;    /* [n_regimes * n_regimes], row r = from regime r */
    mps_multiplier multipliers[MPS_N_CATEGORIES];
    double *profile;       /* impulse h_0 .. h_K, non-negative, sums to 1 */
    int n_profile;         /* K + 1 >= 1; default [1] */
    mps_dist crowding_in;  /* chi, default fixed 0 */
    double tax_take;       /* [0, 1], default 0 */
    int has_gdp;
    double gdp_level;      /* baseline GDP in year 0, £m, > 0 */
    double gdp_growth;     /* annual, > -1 */
    double debt_ratio;     /* baseline debt-to-GDP ratio b >= 0, default 0 */
    double debt_interest;  /* > -1, default 0 */
} mps_economy;

/** The funding regime (model.md section 7); churn is mps_scenario.churn.
 *  Category sets are bit masks: bit c set for mps_category c. */
typedef struct {
    int review_every;      /* spending_review.every, years >= 1, default 3 */
    int review_first;      /* spending_review.first, calendar year, default base_year */
    int has_cuts;
    unsigned cut_applies;  /* cuts.applies_to, default every category */
    int cut_per_regime;    /* 1: cut_probability[r] per regime; 0: [0] in every regime */
    double *cut_probability; /* [n_regimes] or [1], each in [0, 1] */
    double cut_fraction;   /* cuts.fraction in [0, 1] */
    unsigned ringfence;    /* never cut, even if listed in cut_applies */
} mps_funding;

/** Adaptive management (model.md section 11). */
typedef struct {
    int present;
    int review_every;      /* Q >= 1 */
    double signal_noise;   /* s >= 0 */
    double stop_below;     /* theta, default 1.0 */
} mps_management;

/** One file read to build the scenario: the file itself, then every file
 *  it extends, outermost first. */
typedef struct {
    char *path;            /* as resolved from the extending file */
    char *text;            /* verbatim */
} mps_source_file;

/** An uncertain input that may be correlated (scenario-format.md). */
typedef enum {
    MPS_INPUT_OVERRUN,     /* project's cost.overrun */
    MPS_INPUT_DELAY,       /* project's delay */
    MPS_INPUT_BENEFIT,     /* project's benefits.annual */
    MPS_INPUT_PREVENTION,  /* project's prevention.effect */
    MPS_INPUT_MULTIPLIER,  /* economy.multipliers.<CAT>[.<regime>] */
    MPS_INPUT_CROWDING_IN  /* economy.crowding_in */
} mps_input_kind;

typedef struct {
    mps_input_kind kind;
    int project;           /* project inputs: index into projects, else -1 */
    int category;          /* multipliers: mps_category, else -1 */
    int regime;            /* multipliers given per regime: the regime, else -1 */
    char *key_path;        /* as written in the file */
} mps_input_ref;

/** The Gaussian copula: inputs in order of first appearance in the
 *  `correlations` list, and the lower Cholesky factor of their correlation
 *  matrix (n == 0 without correlations). */
typedef struct {
    int n;
    mps_input_ref *inputs;
    double *cholesky;      /* [n * n] row-major, L with L L^T = R */
} mps_correlations;

typedef struct {
    char *id;
    char *name;            /* NULL when not given */
    int has_target;
    double target_value;
    int target_by;         /* calendar year */
    int first_project;     /* projects[first_project .. +n_projects-1] */
    int n_projects;
} mps_mission;

/** A piecewise-constant rate schedule: rate[i] applies from model year
 *  from_year[i] on (from_year ascending, the first 0 or 1). */
typedef struct {
    int n;
    int *from_year;
    double *rate;
} mps_rate_schedule;

typedef struct {
    mps_rate_schedule standard;
    mps_rate_schedule health;
} mps_discount;

struct mpsim_scenario {
    char *file;            /* path as given */
    char *source_text;     /* the file, verbatim (NUL-terminated) */
    char *name;
    char *description;     /* NULL when not given */
    int base_year;
    int horizon;           /* H, 1 .. 1000 */

    uint64_t paths;        /* simulation.paths, default 10000 */
    int paths_set;         /* 1 when the file gave it */
    uint64_t seed;         /* simulation.seed, default 1 */
    int seed_set;
    double precision;      /* simulation.precision: target relative SE of the
                              mean NPV, 0 when not given (paths is then the cap) */
    int precision_set;
    int precision_line, precision_column;
    const char *precision_file;
    /* Where the file wrote name, simulation.paths and simulation.seed
     * (1-based line and column of the value; 0 when not given), so that
     * mpsim_batch_check can point at them. */
    int name_line, name_column;
    int paths_line, paths_column;
    int seed_line, seed_column;
    /* The files where they were written (with `extends`, perhaps a file the
     * scenario extends): pointers to `file` or a sources[].path, not owned;
     * NULL when not given. */
    const char *name_file, *paths_file, *seed_file;

    mps_discount discount; /* green_book schedule filled in when defaulted */
    mps_central central;
    mps_cost_savings cost_savings;
    int include_spillovers;      /* default 1 */
    int include_wider_economy;   /* default 0 */

    double churn;          /* funding.churn, annual cancellation probability */
    mps_funding funding;
    mps_management management;

    /* Files read for this scenario (sources[0] is the file itself, the same
     * text as source_text), and the scenario after `extends` merging as YAML. */
    mps_source_file *sources;
    int n_sources;
    char *resolved_text;

    mps_link *links;
    int n_links;
    mps_economy economy;
    mps_correlations correlations;

    mps_mission *missions;
    int n_missions;
    mps_project *projects; /* grouped by mission, in file order */
    int n_projects;
};

typedef struct mpsim_scenario mps_scenario;

/** Fills d with the Green Book schedules (model.md section 9). */
int mps_discount_green_book(mps_discount *d);
void mps_discount_free(mps_discount *d);

#endif
