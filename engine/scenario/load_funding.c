/*
 * The funding regime (model.md section 7: churn, spending reviews, cuts and
 * ringfences) and adaptive management (model.md section 11).  The funding
 * block is read after the economy, because a cut probability may be given
 * per regime and must then name every regime.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/load_internal.h"

static const mps_key_spec funding_keys[] = {
    {"churn", 0},
    {"spending_review", 0},
    {"cuts", 0},
    {"ringfence", 0},
};
static const mps_key_spec review_keys[] = {{"every", 0}, {"first", 0}};
static const mps_key_spec cut_keys[] = {{"applies_to", 0}, {"probability", 0}, {"fraction", 0}};
static const mps_key_spec management_keys[] = {
    {"review_every", 0},
    {"signal_noise", 0},
    {"stop_below", 0},
};
#define N_KEYS(t) (sizeof(t) / sizeof(t)[0])

/* Every budget category, as a bit mask (bit c for mps_category c). */
#define ALL_CATEGORIES ((1u << MPS_N_CATEGORIES) - 1u)

/* Runs call with the key path extended by `key`. */
#define WITH_KEY(L, key, call)                                                                     \
    do {                                                                                           \
        size_t mark_ = mps_path_key((L), (key));                                                   \
        call;                                                                                      \
        mps_path_restore((L), mark_);                                                              \
    } while (0)

void mps_funding_defaults(mps_funding *f, int base_year)
{
    free(f->cut_probability);
    memset(f, 0, sizeof *f);
    f->review_every = 3;
    f->review_first = base_year;
    f->cut_applies = ALL_CATEGORIES;
    f->ringfence = 0;
}

/* A list of distinct budget categories, as a bit mask.  Returns 1 and sets
 * *mask when every entry is good. */
static int load_categories(mps_loader *L, const mps_ynode *n, unsigned *mask)
{
    char buf[MPS_GOT_SIZE];
    if (n->type != MPS_YNODE_SEQUENCE) {
        mps_load_error(L, n,
                       "must be a list of budget categories from CDEL, RDEL, PDEL, e.g. "
                       "[PDEL] (got %s)",
                       mps_got(n, buf, sizeof buf));
        return 0;
    }
    unsigned m = 0;
    int ok = 1;
    const mps_ynode *first[MPS_N_CATEGORIES] = {NULL};
    for (size_t i = 0; i < n->n; i++) {
        size_t mark = mps_path_index(L, i);
        int c;
        if (mps_get_enum(L, n->items[i], mps_category_names, MPS_N_CATEGORIES, &c)) {
            if (first[c] != NULL) {
                mps_load_error(L, n->items[i],
                               "duplicate category '%s' (first given at line "
                               "%d); list each category once",
                               mps_category_names[c], first[c]->line);
                ok = 0;
            } else {
                first[c] = n->items[i];
                m |= 1u << c;
            }
        } else {
            ok = 0;
        }
        mps_path_restore(L, mark);
    }
    if (ok)
        *mask = m;
    return ok;
}

static void load_review(mps_loader *L, const mps_ynode *n, mps_funding *f)
{
    if (!mps_check_mapping(L, n, review_keys, N_KEYS(review_keys), "the spending review block"))
        return;
    const mps_ynode *v;
    if ((v = mps_map_get(n, "every", NULL)) != NULL)
        WITH_KEY(L, "every", mps_get_int(L, v, 1, MPS_YEARS_MAX, &f->review_every));
    /* Any calendar year: reviews fall in first + k * every for k >= 0, so a
     * first review before base_year only sets the cycle's phase. */
    if ((v = mps_map_get(n, "first", NULL)) != NULL)
        WITH_KEY(L, "first",
                 mps_get_int(L, v, -MPS_YEARS_MAX, 2 * MPS_YEARS_MAX, &f->review_first));
}

/* cuts.probability: one probability for every regime, or a mapping by
 * regime name that names every regime. */
static int load_cut_probability(mps_loader *L, const mps_ynode *n, mps_funding *f)
{
    const mps_economy *e = &L->s->economy;
    int by_regime = n->type == MPS_YNODE_MAPPING && mps_map_get(n, "dist", NULL) == NULL;
    if (!by_regime) {
        /* A number; anything else (a distribution, a list, text) gets the
         * getter's type error. */
        double p;
        if (!mps_get_prob(L, n, &p))
            return 0;
        f->cut_probability = malloc(sizeof *f->cut_probability);
        if (f->cut_probability == NULL) {
            mps_load_oom(L);
            return 0;
        }
        f->cut_probability[0] = p;
        f->cut_per_regime = 0;
        return 1;
    }
    const mps_ynode **values = calloc((size_t)e->n_regimes, sizeof *values);
    double *probs = calloc((size_t)e->n_regimes, sizeof *probs);
    if (values == NULL || probs == NULL) {
        free(values);
        free(probs);
        mps_load_oom(L);
        return 0;
    }
    int ok = mps_load_by_regime(L, n, values);
    if (ok)
        for (int r = 0; r < e->n_regimes; r++)
            WITH_KEY(L, e->regime_names[r], ok = mps_get_prob(L, values[r], &probs[r]) && ok);
    free(values);
    if (!ok) {
        free(probs);
        return 0;
    }
    f->cut_probability = probs;
    f->cut_per_regime = 1;
    return 1;
}

static void load_cuts(mps_loader *L, const mps_ynode *n, mps_funding *f)
{
    if (!mps_check_mapping(L, n, cut_keys, N_KEYS(cut_keys), "the cuts block"))
        return;
    int ok = 1;
    const mps_ynode *v;
    if ((v = mps_map_get(n, "applies_to", NULL)) != NULL)
        WITH_KEY(L, "applies_to", ok = load_categories(L, v, &f->cut_applies) && ok);
    if ((v = mps_map_get(n, "probability", NULL)) != NULL) {
        WITH_KEY(L, "probability", ok = load_cut_probability(L, v, f) && ok);
    } else {
        mps_missing_key(L, n, "probability",
                        "the chance of a cut at each spending review, in "
                        "[0, 1], or a mapping by regime such as {slack: "
                        "0.5, normal: 0.1}");
        ok = 0;
    }
    if ((v = mps_map_get(n, "fraction", NULL)) != NULL) {
        WITH_KEY(L, "fraction", ok = mps_get_prob(L, v, &f->cut_fraction) && ok);
    } else {
        mps_missing_key(L, n, "fraction", "the share of planned spend cut, in [0, 1]");
        ok = 0;
    }
    f->has_cuts = ok;
}

void mps_load_funding(mps_loader *L, const mps_ynode *n)
{
    mps_funding *f = &L->s->funding;
    size_t mark = mps_path_key(L, "funding");
    if (!mps_check_mapping(L, n, funding_keys, N_KEYS(funding_keys), "the funding block")) {
        mps_path_restore(L, mark);
        return;
    }
    const mps_ynode *v;
    if ((v = mps_map_get(n, "churn", NULL)) != NULL)
        WITH_KEY(L, "churn", mps_get_prob(L, v, &L->s->churn));
    if ((v = mps_map_get(n, "spending_review", NULL)) != NULL)
        WITH_KEY(L, "spending_review", load_review(L, v, f));
    if ((v = mps_map_get(n, "cuts", NULL)) != NULL)
        WITH_KEY(L, "cuts", load_cuts(L, v, f));
    if ((v = mps_map_get(n, "ringfence", NULL)) != NULL)
        WITH_KEY(L, "ringfence", load_categories(L, v, &f->ringfence));
    mps_path_restore(L, mark);
}

void mps_load_management(mps_loader *L, const mps_ynode *n)
{
    char buf[MPS_GOT_SIZE];
    mps_management *m = &L->s->management;
    size_t mark = mps_path_key(L, "management");
    if (!mps_check_mapping(L, n, management_keys, N_KEYS(management_keys),
                           "the management block")) {
        mps_path_restore(L, mark);
        return;
    }
    int ok = 1;
    m->stop_below = 1.0;
    const mps_ynode *v;
    if ((v = mps_map_get(n, "review_every", NULL)) != NULL) {
        WITH_KEY(L, "review_every",
                 ok = mps_get_int(L, v, 1, MPS_YEARS_MAX, &m->review_every) && ok);
    } else {
        mps_missing_key(L, n, "review_every",
                        "years Q between management reviews, an integer "
                        ">= 1");
        ok = 0;
    }
    if ((v = mps_map_get(n, "signal_noise", NULL)) != NULL) {
        size_t m2 = mps_path_key(L, "signal_noise");
        double s;
        if (mps_get_number(L, v, &s)) {
            if (s < 0) {
                mps_load_error(L, v,
                               "must be >= 0: the standard deviation s of each signal of "
                               "ln B (0: the manager learns B exactly) (got %s)",
                               mps_got(v, buf, sizeof buf));
                ok = 0;
            } else {
                m->signal_noise = s;
            }
        } else {
            ok = 0;
        }
        mps_path_restore(L, m2);
    } else {
        mps_missing_key(L, n, "signal_noise",
                        "the standard deviation s >= 0 of each signal of "
                        "ln B");
        ok = 0;
    }
    if ((v = mps_map_get(n, "stop_below", NULL)) != NULL)
        WITH_KEY(L, "stop_below", ok = mps_get_number(L, v, &m->stop_below) && ok);
    m->present = ok;
    mps_path_restore(L, mark);
}
