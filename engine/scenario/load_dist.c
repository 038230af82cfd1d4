/*
 * Distributions of uncertain inputs (model.md section 3): a plain number
 * (a fixed value) or a mapping with `dist` and its parameters.  Lognormals
 * are stored as (mu, sigma) of ln X whichever form the file used.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "scenario/load_internal.h"

/* The 0.9 quantile of the standard normal (model.md section 3). */
#define MPS_Z90 1.2815515655446004

enum { MAX_PARAMS = 4 };

typedef struct {
    const char *name;
    mps_dist_kind kind;
    const char *params[MAX_PARAMS];
    int n_params;
    const char *needs; /* for the "missing parameter" message */
} dist_spec;

static const dist_spec specs[] = {
    {"fixed", MPS_DIST_FIXED, {"value"}, 1, "value"},
    {"normal", MPS_DIST_NORMAL, {"mean", "sd"}, 2, "mean and sd"},
    {"lognormal", MPS_DIST_LOGNORMAL, {"median", "p90", "mean", "sd"}, 4,
     "median and p90, or mean and sd"},
    {"triangular", MPS_DIST_TRIANGULAR, {"min", "mode", "max"}, 3, "min, mode and max"},
    {"pert", MPS_DIST_PERT, {"min", "mode", "max"}, 3, "min, mode and max"},
    {"uniform", MPS_DIST_UNIFORM, {"min", "max"}, 2, "min and max"},
    {"poisson", MPS_DIST_POISSON, {"mean"}, 1, "mean"},
};
enum { N_SPECS = sizeof specs / sizeof specs[0] };

typedef struct {
    double v[MAX_PARAMS];
    const mps_ynode *node[MAX_PARAMS]; /* NULL when absent */
    int bad;                           /* a parameter was given but invalid */
} params;

/* Reports a rule broken by parameter i (key path ends in its name). */
static void param_error(mps_loader *L, const dist_spec *sp, const params *p, int i,
                        const char *rule)
{
    size_t mark = mps_path_key(L, sp->params[i]);
    mps_load_error(L, p->node[i], "%s distribution: %s", sp->name, rule);
    mps_path_restore(L, mark);
}

static int lognormal(mps_loader *L, const mps_ynode *m, const dist_spec *sp, const params *p,
                     mps_dist *out)
{
    char rule[160];
    int by_quantiles = p->node[0] || p->node[1], by_moments = p->node[2] || p->node[3];
    if (by_quantiles && by_moments) {
        mps_load_error(L, m, "lognormal distribution: give median and p90, or mean and sd, not "
                             "a mix of the two");
        return 0;
    }
    if (by_moments) {
        if (!p->node[2] || !p->node[3]) {
            mps_load_error(L, m, "lognormal distribution needs both mean and sd (missing %s)",
                           p->node[2] ? "sd" : "mean");
            return 0;
        }
        if (p->v[2] <= 0) {
            snprintf(rule, sizeof rule, "mean must be > 0 (got %g)", p->v[2]);
            param_error(L, sp, p, 2, rule);
            return 0;
        }
        if (p->v[3] < 0) {
            snprintf(rule, sizeof rule, "sd must be >= 0 (got %g)", p->v[3]);
            param_error(L, sp, p, 3, rule);
            return 0;
        }
        double cv = p->v[3] / p->v[2];
        double s2 = log1p(cv * cv);
        *out = (mps_dist){MPS_DIST_LOGNORMAL, log(p->v[2]) - s2 / 2, sqrt(s2), 0.0};
        return 1;
    }
    if (!p->node[0] || !p->node[1]) {
        mps_load_error(L, m, "lognormal distribution needs median and p90, or mean and sd "
                             "(missing %s)", !by_quantiles ? "all of them" :
                                             p->node[0] ? "p90" : "median");
        return 0;
    }
    if (p->v[0] <= 0) {
        snprintf(rule, sizeof rule, "median must be > 0 (got %g)", p->v[0]);
        param_error(L, sp, p, 0, rule);
        return 0;
    }
    if (p->v[1] <= p->v[0]) {
        snprintf(rule, sizeof rule, "p90 must be greater than median, p90 > median > 0 "
                                    "(got p90 %g, median %g)", p->v[1], p->v[0]);
        param_error(L, sp, p, 1, rule);
        return 0;
    }
    *out = (mps_dist){MPS_DIST_LOGNORMAL, log(p->v[0]), log(p->v[1] / p->v[0]) / MPS_Z90, 0.0};
    return 1;
}

/* The rules of each kind once every parameter is a finite number. */
static int validate(mps_loader *L, const mps_ynode *m, const dist_spec *sp, const params *p,
                    mps_dist *out)
{
    char rule[160];
    const double *v = p->v;
    switch (sp->kind) {
    case MPS_DIST_LOGNORMAL:
        return lognormal(L, m, sp, p, out);
    case MPS_DIST_NORMAL:
        if (v[1] < 0) {
            snprintf(rule, sizeof rule, "sd must be >= 0 (got %g)", v[1]);
            param_error(L, sp, p, 1, rule);
            return 0;
        }
        break;
    case MPS_DIST_TRIANGULAR:
    case MPS_DIST_PERT:
        if (!(v[0] < v[2])) {
            snprintf(rule, sizeof rule, "min must be less than max (got min %g, max %g)", v[0],
                     v[2]);
            param_error(L, sp, p, 2, rule);
            return 0;
        }
        if (v[1] < v[0] || v[1] > v[2]) {
            snprintf(rule, sizeof rule, "mode must lie in [min, max], min <= mode <= max (got "
                                        "min %g, mode %g, max %g)", v[0], v[1], v[2]);
            param_error(L, sp, p, 1, rule);
            return 0;
        }
        break;
    case MPS_DIST_UNIFORM:
        if (!(v[0] < v[1])) {
            snprintf(rule, sizeof rule, "min must be less than max (got min %g, max %g)", v[0],
                     v[1]);
            param_error(L, sp, p, 1, rule);
            return 0;
        }
        break;
    case MPS_DIST_POISSON:
        if (v[0] < 0) {
            snprintf(rule, sizeof rule, "mean must be >= 0 (got %g)", v[0]);
            param_error(L, sp, p, 0, rule);
            return 0;
        }
        break;
    case MPS_DIST_FIXED:
        break;
    }
    *out = (mps_dist){sp->kind, v[0], v[1], sp->n_params > 2 ? v[2] : 0.0};
    return 1;
}

static int from_mapping(mps_loader *L, const mps_ynode *m, mps_dist *out,
                        const mps_ynode **fixed_value)
{
    static const char *const names[N_SPECS] = {"fixed", "normal", "lognormal", "triangular",
                                               "pert", "uniform", "poisson"};
    const mps_ynode *dn = mps_map_get(m, "dist", NULL);
    if (dn == NULL) {
        mps_load_error(L, m, "must be a number or a distribution, a mapping with 'dist' (one "
                             "of fixed, normal, lognormal, triangular, pert, uniform, poisson) "
                             "and its parameters, e.g. {dist: lognormal, median: 1.1, p90: 1.8}");
        return 0;
    }
    int k = 0;
    if (dn->type == MPS_YNODE_SCALAR)
        while (k < N_SPECS && strcmp(dn->text, names[k]) != 0)
            k++;
    size_t mark = mps_path_key(L, "dist");
    if (dn->type != MPS_YNODE_SCALAR || k == N_SPECS) {
        char buf[MPS_GOT_SIZE];
        mps_load_error(L, dn, "unknown distribution '%s'; allowed: fixed, normal, lognormal, "
                              "triangular, pert, uniform, poisson", mps_got(dn, buf, sizeof buf));
        mps_path_restore(L, mark);
        return 0;
    }
    mps_path_restore(L, mark);
    const dist_spec *sp = &specs[k];

    mps_key_spec keys[MAX_PARAMS + 1] = {{"dist", 0}};
    for (int i = 0; i < sp->n_params; i++)
        keys[i + 1] = (mps_key_spec){sp->params[i], 0};
    size_t before = L->n_errors;
    mps_check_mapping(L, m, keys, (size_t)sp->n_params + 1, "a distribution");

    params p;
    memset(&p, 0, sizeof p);
    for (int i = 0; i < sp->n_params; i++) {
        const mps_ynode *v = mps_map_get(m, sp->params[i], NULL);
        if (v == NULL)
            continue;
        mark = mps_path_key(L, sp->params[i]);
        if (mps_get_number(L, v, &p.v[i]))
            p.node[i] = v;
        else
            p.bad = 1;
        mps_path_restore(L, mark);
    }
    if (p.bad || L->n_errors != before)
        return 0;
    if (sp->kind != MPS_DIST_LOGNORMAL) {
        for (int i = 0; i < sp->n_params; i++) {
            if (p.node[i] == NULL) {
                mps_load_error(L, m, "%s distribution needs %s (missing %s)", sp->name,
                               sp->needs, sp->params[i]);
                return 0;
            }
        }
    }
    if (sp->kind == MPS_DIST_FIXED && fixed_value)
        *fixed_value = p.node[0];
    return validate(L, m, sp, &p, out);
}

int mps_load_dist(mps_loader *L, const mps_ynode *n, mps_dist *out, const mps_ynode **fixed_value)
{
    if (fixed_value)
        *fixed_value = NULL;
    if (n->type == MPS_YNODE_MAPPING)
        return from_mapping(L, n, out, fixed_value);
    if (n->type == MPS_YNODE_SCALAR) {
        mps_yvalue v = mps_yscalar_resolve(n);
        if (v.kind == MPS_YV_INT || v.kind == MPS_YV_FLOAT) {
            double x;
            if (!mps_get_number(L, n, &x))
                return 0;
            *out = mps_dist_fixed(x);
            if (fixed_value)
                *fixed_value = n;
            return 1;
        }
    }
    char buf[MPS_GOT_SIZE];
    mps_load_error(L, n, "must be a number or a distribution such as {dist: lognormal, median: "
                         "1.1, p90: 1.8} (got %s)", mps_got(n, buf, sizeof buf));
    return 0;
}
