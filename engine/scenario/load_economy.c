/*
 * The `economy` block (model.md section 6): regimes (load_regimes.c),
 * multipliers by budget category, their impulse profile, crowding-in, tax
 * take and the GDP and debt baselines.  Multiplier and crowding-in
 * distributions may have any support: a negative multiplier (crowding out)
 * is legitimate, so nothing here is clipped or refused for its sign.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/load_internal.h"

/* How far the impulse profile may sum from 1 (scenario-format.md). */
#define SUM_TOL 1e-9

static const mps_key_spec economy_keys[] = {
    {"regimes", 0}, {"multipliers", 0}, {"crowding_in", 0},
    {"tax_take", 0}, {"gdp", 0},        {"debt", 0},
};
static const mps_key_spec multiplier_keys[] = {
    {"CDEL", 0}, {"RDEL", 0}, {"PDEL", 0}, {"profile", 0},
};
static const mps_key_spec gdp_keys[] = {{"level", 0}, {"growth", 0}};
static const mps_key_spec debt_keys[] = {{"ratio", 0}, {"interest", 0}};
#define N_KEYS(t) (sizeof(t) / sizeof(t)[0])

/* Runs call with the key path extended by `key`. */
#define WITH_KEY(L, key, call)                          \
    do {                                                \
        size_t mark_ = mps_path_key((L), (key));        \
        call;                                           \
        mps_path_restore((L), mark_);                   \
    } while (0)

/* One category's multiplier: a number or distribution used in every
 * regime, or a mapping by regime name (no `dist`) naming every regime. */
static void load_multiplier(mps_loader *L, const mps_ynode *n, mps_multiplier *m)
{
    char buf[MPS_GOT_SIZE];
    const mps_economy *e = &L->s->economy;
    int by_regime = n->type == MPS_YNODE_MAPPING && mps_map_get(n, "dist", NULL) == NULL;
    if (n->type == MPS_YNODE_SEQUENCE) {
        mps_load_error(L, n, "must be a number, a distribution, or a mapping by regime such as "
                             "{slack: 1.5, normal: 0.6} (got %s)", mps_got(n, buf, sizeof buf));
        return;
    }
    if (!by_regime) {
        mps_dist d;
        if (!mps_load_dist(L, n, &d, NULL))
            return;
        m->dist = malloc(sizeof *m->dist);
        if (m->dist == NULL) {
            mps_load_oom(L);
            return;
        }
        m->dist[0] = d;
        m->given = 1;
        m->per_regime = 0;
        return;
    }
    const mps_ynode **values = calloc((size_t)e->n_regimes, sizeof *values);
    mps_dist *dists = calloc((size_t)e->n_regimes, sizeof *dists);
    if (values == NULL || dists == NULL) {
        free(values);
        free(dists);
        mps_load_oom(L);
        return;
    }
    int ok = mps_load_by_regime(L, n, values);
    if (ok)
        for (int r = 0; r < e->n_regimes; r++)
            WITH_KEY(L, e->regime_names[r],
                     ok = mps_load_dist(L, values[r], &dists[r], NULL) && ok);
    free(values);
    if (!ok) {
        free(dists);
        return;
    }
    m->dist = dists;
    m->given = 1;
    m->per_regime = 1;
}

/* The impulse profile h_0 .. h_K: non-negative, summing to 1. */
static void load_profile(mps_loader *L, const mps_ynode *n)
{
    char buf[MPS_GOT_SIZE];
    mps_economy *e = &L->s->economy;
    if (n->type != MPS_YNODE_SEQUENCE || n->n == 0) {
        mps_load_error(L, n, "must be a non-empty list of non-negative shares of the effect "
                             "in each year from the spend on, summing to 1, e.g. [0.5, 0.3, 0.2] "
                             "(got %s)",
                       n->type == MPS_YNODE_SEQUENCE ? "an empty list" : mps_got(n, buf, sizeof buf));
        return;
    }
    if (n->n > (size_t)MPS_YEARS_MAX) {
        mps_load_error(L, n, "lists %zu years; at most %d are allowed", n->n, MPS_YEARS_MAX);
        return;
    }
    double *h = calloc(n->n, sizeof *h);
    if (h == NULL) {
        mps_load_oom(L);
        return;
    }
    int ok = 1;
    double sum = 0.0;
    for (size_t i = 0; i < n->n; i++) {
        size_t mark = mps_path_index(L, i);
        if (mps_get_number(L, n->items[i], &h[i])) {
            if (h[i] < 0) {
                mps_load_error(L, n->items[i], "must be >= 0: a share of the multiplier's effect "
                                               "(got %s)", mps_got(n->items[i], buf, sizeof buf));
                ok = 0;
            }
            sum += h[i];
        } else {
            ok = 0;
        }
        mps_path_restore(L, mark);
    }
    if (ok && fabs(sum - 1.0) > SUM_TOL) {
        mps_load_error(L, n, "must sum to 1 within 1e-9: the shares of the multiplier's effect "
                             "falling in each year (got a sum of %.12g)", sum);
        ok = 0;
    }
    if (!ok) {
        free(h);
        return;
    }
    free(e->profile);
    e->profile = h;
    e->n_profile = (int)n->n;
}

static void load_multipliers(mps_loader *L, const mps_ynode *n)
{
    mps_economy *e = &L->s->economy;
    if (!mps_check_mapping(L, n, multiplier_keys, N_KEYS(multiplier_keys),
                           "the multipliers block"))
        return;
    for (int c = 0; c < MPS_N_CATEGORIES; c++) {
        const mps_ynode *v = mps_map_get(n, mps_category_names[c], NULL);
        if (v != NULL)
            WITH_KEY(L, mps_category_names[c], load_multiplier(L, v, &e->multipliers[c]));
    }
    const mps_ynode *v = mps_map_get(n, "profile", NULL);
    if (v != NULL)
        WITH_KEY(L, "profile", load_profile(L, v));
}

/* A number that must exceed `lo` (an open bound, such as growth > -1). */
static int number_above(mps_loader *L, const mps_ynode *n, double lo, const char *meaning,
                        double *out)
{
    char buf[MPS_GOT_SIZE];
    double x;
    if (!mps_get_number(L, n, &x))
        return 0;
    if (!(x > lo)) {
        mps_load_error(L, n, "must be > %g: %s (got %s)", lo, meaning, mps_got(n, buf, sizeof buf));
        return 0;
    }
    *out = x;
    return 1;
}

static void load_gdp(mps_loader *L, const mps_ynode *n)
{
    mps_economy *e = &L->s->economy;
    if (!mps_check_mapping(L, n, gdp_keys, N_KEYS(gdp_keys), "the gdp block"))
        return;
    int ok = 1;
    const mps_ynode *v;
    if ((v = mps_map_get(n, "level", NULL)) != NULL)
        WITH_KEY(L, "level", ok = number_above(L, v, 0.0, "baseline GDP in model year 0, £m",
                                               &e->gdp_level));
    else {
        mps_missing_key(L, n, "level", "baseline GDP in model year 0, £m, e.g. 2800000");
        ok = 0;
    }
    if ((v = mps_map_get(n, "growth", NULL)) != NULL)
        WITH_KEY(L, "growth", ok = number_above(L, v, -1.0, "annual real growth of baseline GDP, "
                                                            "a fraction such as 0.015",
                                                &e->gdp_growth) && ok);
    e->has_gdp = ok;
}

static void load_debt(mps_loader *L, const mps_ynode *n)
{
    char buf[MPS_GOT_SIZE];
    mps_economy *e = &L->s->economy;
    if (!mps_check_mapping(L, n, debt_keys, N_KEYS(debt_keys), "the debt block"))
        return;
    const mps_ynode *v;
    if ((v = mps_map_get(n, "ratio", NULL)) != NULL) {
        size_t mark = mps_path_key(L, "ratio");
        double b;
        if (mps_get_number(L, v, &b)) {
            if (b < 0)
                mps_load_error(L, v, "must be >= 0: the baseline debt-to-GDP ratio, e.g. 0.95 "
                                     "(got %s)", mps_got(v, buf, sizeof buf));
            else
                e->debt_ratio = b;
        }
        mps_path_restore(L, mark);
    }
    if ((v = mps_map_get(n, "interest", NULL)) != NULL)
        WITH_KEY(L, "interest", number_above(L, v, -1.0, "the annual interest rate on the extra "
                                                         "debt, a fraction such as 0.04",
                                             &e->debt_interest));
}

static void load_economy(mps_loader *L, const mps_ynode *n)
{
    mps_economy *e = &L->s->economy;
    if (!mps_check_mapping(L, n, economy_keys, N_KEYS(economy_keys), "the economy block"))
        return;
    e->present = 1;
    const mps_ynode *v;
    /* Regimes first: the multipliers may be given by regime name. */
    if ((v = mps_map_get(n, "regimes", NULL)) != NULL)
        mps_load_regimes(L, v);
    if ((v = mps_map_get(n, "multipliers", NULL)) != NULL)
        WITH_KEY(L, "multipliers", load_multipliers(L, v));
    if ((v = mps_map_get(n, "crowding_in", NULL)) != NULL)
        WITH_KEY(L, "crowding_in", mps_load_dist(L, v, &e->crowding_in, NULL));
    if ((v = mps_map_get(n, "tax_take", NULL)) != NULL)
        WITH_KEY(L, "tax_take", mps_get_prob(L, v, &e->tax_take));
    if ((v = mps_map_get(n, "gdp", NULL)) != NULL)
        WITH_KEY(L, "gdp", load_gdp(L, v));
    if ((v = mps_map_get(n, "debt", NULL)) != NULL)
        WITH_KEY(L, "debt", load_debt(L, v));
}

void mps_load_economy(mps_loader *L, const mps_ynode *n)
{
    if (!mps_economy_defaults(&L->s->economy)) {
        mps_load_oom(L);
        return;
    }
    L->regimes_ok = 1;
    L->regimes_given = 0;
    if (n != NULL)
        WITH_KEY(L, "economy", load_economy(L, n));
}
