/*
 * One project of a mission (model.md sections 4, 5 and 7): identity, cost,
 * delay, gates, direct benefits, mission outcome, unplanned spillovers and
 * prevention.  Every rule is checked here and every failure reported; the
 * caller decides the project's key path.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/load_internal.h"

static const mps_key_spec project_keys[] = {
    {"id", 0},    {"name", 0},   {"kind", 0},     {"category", 0},
    {"start", 0}, {"cost", 0},   {"delay", 0},    {"stages", 0},
    {"benefits", 0}, {"outcome", 0}, {"spillovers", 0}, {"prevention", 0},
};
static const mps_key_spec cost_keys[] = {{"profile", 0}, {"overrun", 0}, {"optimism_bias", 0}};
static const mps_key_spec stage_keys[] = {{"after", 0}, {"p", 0}};
static const mps_key_spec benefit_keys[] = {
    {"annual", 0}, {"lag", 0}, {"ramp", 0}, {"duration", 0}, {"decay", 0}, {"type", 0},
};
static const mps_key_spec spillover_keys[] = {
    {"rate", 0}, {"value", 0}, {"lag", 0}, {"duration", 0}, {"decay", 0},
};
static const mps_key_spec prevention_keys[] = {{"effect", 0}, {"lag", 0}, {"persistence", 0}};
#define N_KEYS(t) (sizeof(t) / sizeof(t)[0])

static const char *const kind_names[] = {"tactical", "emblematic", "strategic"};
static const char *const benefit_type_names[] = {"economic", "health", "saving"};

void mps_project_defaults(mps_project *p, int mission, int base_year)
{
    memset(p, 0, sizeof *p);
    p->mission = mission;
    p->kind = MPS_KIND_UNLABELLED;
    p->category = MPS_CDEL;
    p->start = base_year;
    p->overrun = mps_dist_fixed(1.0);
    p->delay = mps_dist_fixed(0.0);
    p->annual = mps_dist_fixed(0.0);
    p->ramp = 1;
    p->duration = 30;
    p->benefit_type = MPS_BENEFIT_ECONOMIC;
    p->spill_value = mps_dist_fixed(0.0);
    p->spill_duration = 30;
    p->prev_effect = mps_dist_fixed(0.0);
}

/* Runs get(L, value) with the key path extended by `key`, when present. */
#define WITH_KEY(L, key, call)                          \
    do {                                                \
        size_t mark_ = mps_path_key((L), (key));        \
        call;                                           \
        mps_path_restore((L), mark_);                   \
    } while (0)

static void load_profile(mps_loader *L, const mps_ynode *n, mps_project *p)
{
    char buf[MPS_GOT_SIZE];
    if (n->type != MPS_YNODE_SEQUENCE || n->n == 0) {
        mps_load_error(L, n, "must be a non-empty list of planned spend per build year, £m >= 0, "
                             "e.g. [20, 40, 40] (got %s)",
                       n->type == MPS_YNODE_SEQUENCE ? "an empty list" : mps_got(n, buf, sizeof buf));
        return;
    }
    if (n->n > (size_t)MPS_YEARS_MAX) {
        mps_load_error(L, n, "lists %zu build years; at most %d are allowed", n->n, MPS_YEARS_MAX);
        return;
    }
    p->profile = calloc(n->n, sizeof *p->profile);
    if (p->profile == NULL) {
        mps_load_oom(L);
        return;
    }
    p->build_years = (int)n->n;
    for (size_t i = 0; i < n->n; i++) {
        size_t mark = mps_path_index(L, i);
        double c;
        if (mps_get_number(L, n->items[i], &c)) {
            if (c < 0)
                mps_load_error(L, n->items[i], "planned spend must be >= 0 (got %s)",
                               mps_got(n->items[i], buf, sizeof buf));
            else
                p->profile[i] = c;
        }
        mps_path_restore(L, mark);
    }
}

/* cost.overrun multiplies spend, so it must be positive on every path. */
static void check_overrun(mps_loader *L, const mps_ynode *n, const mps_dist *d)
{
    static const char *const rule =
        "must have positive support: a fixed value > 0, a lognormal, or a triangular, pert or "
        "uniform with min > 0";
    switch (d->kind) {
    case MPS_DIST_FIXED:
        if (d->a <= 0)
            mps_load_error(L, n, "%s (got %g)", rule, d->a);
        break;
    case MPS_DIST_LOGNORMAL:
        break;
    case MPS_DIST_TRIANGULAR:
    case MPS_DIST_PERT:
    case MPS_DIST_UNIFORM:
        if (d->a <= 0)
            mps_load_error(L, n, "%s (got min %g)", rule, d->a);
        break;
    case MPS_DIST_NORMAL:
        mps_load_error(L, n, "%s (got a normal distribution, which can be negative)", rule);
        break;
    case MPS_DIST_POISSON:
        mps_load_error(L, n, "%s (got a poisson distribution, which can be 0)", rule);
        break;
    }
}

static void load_cost(mps_loader *L, const mps_ynode *n, mps_project *p)
{
    if (!mps_check_mapping(L, n, cost_keys, N_KEYS(cost_keys), "the project's cost"))
        return;
    const mps_ynode *v;
    if ((v = mps_map_get(n, "profile", NULL)) != NULL)
        WITH_KEY(L, "profile", load_profile(L, v, p));
    else
        mps_missing_key(L, n, "profile", "planned spend per build year, £m, e.g. [20, 40, 40]");
    if ((v = mps_map_get(n, "overrun", NULL)) != NULL) {
        size_t mark = mps_path_key(L, "overrun");
        if (mps_load_dist(L, v, &p->overrun, NULL))
            check_overrun(L, v, &p->overrun);
        mps_path_restore(L, mark);
    }
    if ((v = mps_map_get(n, "optimism_bias", NULL)) != NULL) {
        size_t mark = mps_path_key(L, "optimism_bias");
        double ob;
        char buf[MPS_GOT_SIZE];
        if (mps_get_number(L, v, &ob)) {
            if (ob < 0)
                mps_load_error(L, v, "must be >= 0, a fractional uplift such as 0.24 for 24%% "
                                     "(got %s)", mps_got(v, buf, sizeof buf));
            else
                p->optimism_bias = ob;
        }
        mps_path_restore(L, mark);
    }
}

static void load_delay(mps_loader *L, const mps_ynode *n, mps_project *p)
{
    char buf[MPS_GOT_SIZE];
    const mps_ynode *fixed = NULL;
    if (!mps_load_dist(L, n, &p->delay, &fixed) || fixed == NULL)
        return;
    /* A fixed delay moves the project by whole years (model.md section 4). */
    mps_yvalue v = mps_yscalar_resolve(fixed);
    if (v.kind != MPS_YV_INT || p->delay.a < 0 || p->delay.a > MPS_YEARS_MAX)
        mps_load_error(L, fixed, "a fixed delay must be a whole number of years >= 0 (got %s)",
                       mps_got(fixed, buf, sizeof buf));
}

static void load_stages(mps_loader *L, const mps_ynode *n, mps_project *p)
{
    char buf[MPS_GOT_SIZE];
    if (n->type != MPS_YNODE_SEQUENCE) {
        mps_load_error(L, n, "must be a list of gates such as [{after: 2, p: 0.7}] (got %s)",
                       mps_got(n, buf, sizeof buf));
        return;
    }
    if (n->n == 0)
        return;
    p->gates = calloc(n->n, sizeof *p->gates);
    if (p->gates == NULL) {
        mps_load_oom(L);
        return;
    }
    /* Without a valid profile the build length is unknown: check only >= 1. */
    int d = p->build_years > 0 ? p->build_years : MPS_YEARS_MAX;
    for (size_t i = 0; i < n->n; i++) {
        size_t mark = mps_path_index(L, i);
        const mps_ynode *g = n->items[i];
        mps_gate gate = {1, 1.0};
        if (mps_check_mapping(L, g, stage_keys, N_KEYS(stage_keys), "a gate")) {
            const mps_ynode *v;
            if ((v = mps_map_get(g, "after", NULL)) != NULL) {
                size_t m2 = mps_path_key(L, "after");
                int a;
                if (mps_get_int(L, v, 0, MPS_YEARS_MAX, &a)) {
                    if (a < 1 || a > d)
                        mps_load_error(L, v, "must satisfy 1 <= after <= %d, the number of build "
                                             "years in cost.profile (got %d)", d, a);
                    else
                        gate.after = a;
                }
                mps_path_restore(L, m2);
            } else {
                mps_missing_key(L, g, "after", "build years spent before the gate, 1 .. d");
            }
            if ((v = mps_map_get(g, "p", NULL)) != NULL)
                WITH_KEY(L, "p", mps_get_prob(L, v, &gate.p));
            else
                mps_missing_key(L, g, "p", "probability of passing, in [0, 1]");
        }
        /* Stable insertion by `after`: gates at the same point keep file order. */
        int k = p->n_gates;
        while (k > 0 && p->gates[k - 1].after > gate.after) {
            p->gates[k] = p->gates[k - 1];
            k--;
        }
        p->gates[k] = gate;
        p->n_gates++;
        mps_path_restore(L, mark);
    }
}

static void load_benefits(mps_loader *L, const mps_ynode *n, mps_project *p)
{
    if (!mps_check_mapping(L, n, benefit_keys, N_KEYS(benefit_keys), "the project's benefits"))
        return;
    p->has_benefits = 1;
    const mps_ynode *v;
    if ((v = mps_map_get(n, "annual", NULL)) != NULL)
        WITH_KEY(L, "annual", mps_load_dist(L, v, &p->annual, NULL));
    else
        mps_missing_key(L, n, "annual", "the benefit level B, £m per year: a number or a "
                                        "distribution");
    if ((v = mps_map_get(n, "lag", NULL)) != NULL)
        WITH_KEY(L, "lag", mps_get_int(L, v, 0, MPS_YEARS_MAX, &p->lag));
    if ((v = mps_map_get(n, "ramp", NULL)) != NULL)
        WITH_KEY(L, "ramp", mps_get_int(L, v, 1, MPS_YEARS_MAX, &p->ramp));
    if ((v = mps_map_get(n, "duration", NULL)) != NULL)
        WITH_KEY(L, "duration", mps_get_int(L, v, 0, MPS_YEARS_MAX, &p->duration));
    if ((v = mps_map_get(n, "decay", NULL)) != NULL)
        WITH_KEY(L, "decay", mps_get_prob(L, v, &p->decay));
    if ((v = mps_map_get(n, "type", NULL)) != NULL) {
        int t;
        size_t mark = mps_path_key(L, "type");
        if (mps_get_enum(L, v, benefit_type_names, 3, &t))
            p->benefit_type = (mps_benefit_type)t;
        mps_path_restore(L, mark);
    }
}

/* Unplanned spillovers (model.md section 5).  The value may be any
 * distribution: a discovery is usually worth something (a heavy-tailed
 * lognormal is the typical choice), but a symmetric normal, which can be
 * negative, is a legitimate statement of uncertainty and is not clipped. */
static void load_spillovers(mps_loader *L, const mps_ynode *n, mps_project *p)
{
    char buf[MPS_GOT_SIZE];
    if (!mps_check_mapping(L, n, spillover_keys, N_KEYS(spillover_keys),
                           "the project's spillovers"))
        return;
    int ok = 1;
    const mps_ynode *v;
    if ((v = mps_map_get(n, "rate", NULL)) != NULL) {
        size_t mark = mps_path_key(L, "rate");
        double rate;
        if (mps_get_number(L, v, &rate)) {
            if (rate < 0) {
                mps_load_error(L, v, "must be >= 0: expected discoveries per £m actually spent "
                                     "(got %s)", mps_got(v, buf, sizeof buf));
                ok = 0;
            } else {
                p->spill_rate = rate;
            }
        } else {
            ok = 0;
        }
        mps_path_restore(L, mark);
    } else {
        mps_missing_key(L, n, "rate", "expected discoveries per £m actually spent, >= 0");
        ok = 0;
    }
    if ((v = mps_map_get(n, "value", NULL)) != NULL) {
        size_t mark = mps_path_key(L, "value");
        ok = mps_load_dist(L, v, &p->spill_value, NULL) && ok;
        mps_path_restore(L, mark);
    } else {
        mps_missing_key(L, n, "value", "the annual benefit of one discovery, £m: a number or a "
                                       "distribution such as {dist: lognormal, median: 2, p90: 20}");
        ok = 0;
    }
    if ((v = mps_map_get(n, "lag", NULL)) != NULL)
        WITH_KEY(L, "lag", mps_get_int(L, v, 0, MPS_YEARS_MAX, &p->spill_lag));
    if ((v = mps_map_get(n, "duration", NULL)) != NULL)
        WITH_KEY(L, "duration", mps_get_int(L, v, 0, MPS_YEARS_MAX, &p->spill_duration));
    if ((v = mps_map_get(n, "decay", NULL)) != NULL)
        WITH_KEY(L, "decay", mps_get_prob(L, v, &p->spill_decay));
    p->has_spillovers = ok;
}

/* Prevention (model.md section 7): any category may build a prevention
 * stock, though it is normally PDEL.  The effect may have any support, like
 * spillovers.value: a distribution that can be negative is a statement of
 * uncertainty the modeller may make, and its draws are not clipped. */
static void load_prevention(mps_loader *L, const mps_ynode *n, mps_project *p)
{
    if (!mps_check_mapping(L, n, prevention_keys, N_KEYS(prevention_keys),
                           "the project's prevention"))
        return;
    int ok = 1;
    const mps_ynode *v;
    if ((v = mps_map_get(n, "effect", NULL)) != NULL) {
        size_t mark = mps_path_key(L, "effect");
        ok = mps_load_dist(L, v, &p->prev_effect, NULL) && ok;
        mps_path_restore(L, mark);
    } else {
        mps_missing_key(L, n, "effect", "£ of acute cost avoided a year per £ of prevention "
                                        "stock: a number or a distribution");
        ok = 0;
    }
    if ((v = mps_map_get(n, "lag", NULL)) != NULL)
        WITH_KEY(L, "lag", ok = mps_get_int(L, v, 0, MPS_YEARS_MAX, &p->prev_lag) && ok);
    if ((v = mps_map_get(n, "persistence", NULL)) != NULL)
        WITH_KEY(L, "persistence", ok = mps_get_prob(L, v, &p->prev_persistence) && ok);
    p->has_prevention = ok;
}

static void load_start(mps_loader *L, const mps_ynode *v, mps_project *p)
{
    int start;
    if (!mps_get_int(L, v, -MPS_YEARS_MAX, 2 * MPS_YEARS_MAX, &start))
        return;
    if (!L->base_year_ok)
        return;
    if (start < L->s->base_year)
        mps_load_error(L, v, "must be a calendar year >= base_year %d (got %d)",
                       L->s->base_year, start);
    else if (start > L->s->base_year + MPS_YEARS_MAX)
        mps_load_error(L, v, "must be a calendar year in [%d, %d] (got %d)", L->s->base_year,
                       L->s->base_year + MPS_YEARS_MAX, start);
    else
        p->start = start;
}

void mps_load_project_body(mps_loader *L, const mps_ynode *m, mps_project *p)
{
    if (!mps_check_mapping(L, m, project_keys, N_KEYS(project_keys), "a project"))
        return;
    const mps_ynode *v;
    if ((v = mps_map_get(m, "name", NULL)) != NULL)
        WITH_KEY(L, "name", mps_get_text(L, v, &p->name));
    if ((v = mps_map_get(m, "kind", NULL)) != NULL) {
        int k;
        size_t mark = mps_path_key(L, "kind");
        if (mps_get_enum(L, v, kind_names, 3, &k))
            p->kind = (mps_kind)(MPS_KIND_TACTICAL + k);
        mps_path_restore(L, mark);
    }
    if ((v = mps_map_get(m, "category", NULL)) != NULL) {
        int c;
        size_t mark = mps_path_key(L, "category");
        if (mps_get_enum(L, v, mps_category_names, MPS_N_CATEGORIES, &c))
            p->category = (mps_category)c;
        mps_path_restore(L, mark);
    } else {
        mps_missing_key(L, m, "category", "one of CDEL, RDEL, PDEL");
    }
    if ((v = mps_map_get(m, "start", NULL)) != NULL)
        WITH_KEY(L, "start", load_start(L, v, p));
    if ((v = mps_map_get(m, "cost", NULL)) != NULL)
        WITH_KEY(L, "cost", load_cost(L, v, p));
    else
        mps_missing_key(L, m, "cost", "a mapping with at least profile: [..]");
    if ((v = mps_map_get(m, "delay", NULL)) != NULL)
        WITH_KEY(L, "delay", load_delay(L, v, p));
    if ((v = mps_map_get(m, "stages", NULL)) != NULL)
        WITH_KEY(L, "stages", load_stages(L, v, p));
    if ((v = mps_map_get(m, "benefits", NULL)) != NULL)
        WITH_KEY(L, "benefits", load_benefits(L, v, p));
    if ((v = mps_map_get(m, "outcome", NULL)) != NULL) {
        size_t mark = mps_path_key(L, "outcome");
        if (mps_get_number(L, v, &p->outcome))
            p->has_outcome = 1;
        mps_path_restore(L, mark);
    }
    if ((v = mps_map_get(m, "spillovers", NULL)) != NULL)
        WITH_KEY(L, "spillovers", load_spillovers(L, v, p));
    if ((v = mps_map_get(m, "prevention", NULL)) != NULL)
        WITH_KEY(L, "prevention", load_prevention(L, v, p));
}
