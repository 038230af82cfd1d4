/*
 * Regimes of the wider economy (model.md section 6): their names, the
 * initial distribution and the row-stochastic transition matrix, and the
 * check shared by every mapping keyed by regime name.  Without a `regimes`
 * block there is one regime, "normal", which it never leaves.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "scenario/load_internal.h"

/* How far a list of probabilities may sum from 1 (scenario-format.md). */
#define SUM_TOL 1e-9

static const mps_key_spec regime_keys[] = {{"names", 0}, {"initial", 0}, {"transition", 0}};
#define N_KEYS(t) (sizeof(t) / sizeof(t)[0])

int mps_economy_defaults(mps_economy *e)
{
    char **names = calloc(1, sizeof *names);
    double *initial = malloc(sizeof *initial), *transition = malloc(sizeof *transition);
    double *profile = malloc(sizeof *profile);
    char *normal = mps_strdup("normal");
    if (names == NULL || initial == NULL || transition == NULL || profile == NULL ||
        normal == NULL) {
        free(names);
        free(initial);
        free(transition);
        free(profile);
        free(normal);
        return 0;
    }
    for (int r = 0; r < e->n_regimes; r++)
        free(e->regime_names[r]);
    free(e->regime_names);
    free(e->initial);
    free(e->transition);
    free(e->profile);
    names[0] = normal;
    initial[0] = 1.0;
    transition[0] = 1.0;
    profile[0] = 1.0;
    e->n_regimes = 1;
    e->regime_names = names;
    e->initial = initial;
    e->transition = transition;
    e->profile = profile;
    e->n_profile = 1;
    e->crowding_in = mps_dist_fixed(0.0);
    return 1;
}

void mps_regime_list(const mps_economy *e, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int r = 0; r < e->n_regimes; r++) {
        size_t need = strlen(e->regime_names[r]) + 2;
        if (used + need + 6 > size) {
            snprintf(buf + used, size - used, ", ...");
            return;
        }
        used += (size_t)snprintf(buf + used, size - used, "%s%s", r ? ", " : "",
                                 e->regime_names[r]);
    }
}

/* Reads a list of probabilities that sums to 1 into out[0 .. want) (want
 * < 0: the number of regimes is unknown, so only the entries and the sum
 * are checked and nothing is stored).  `what` says what the entries are. */
static int load_prob_vector(mps_loader *L, const mps_ynode *n, int want, double *out,
                            const char *what)
{
    char buf[MPS_GOT_SIZE];
    if (n->type != MPS_YNODE_SEQUENCE || n->n == 0) {
        mps_load_error(L, n, "must be a non-empty list of %s, in the order of "
                             "economy.regimes.names (got %s)", what,
                       n->type == MPS_YNODE_SEQUENCE ? "an empty list" : mps_got(n, buf, sizeof buf));
        return 0;
    }
    if (want >= 0 && n->n != (size_t)want) {
        mps_load_error(L, n, "must have %d entries, one per regime in the order of "
                             "economy.regimes.names (got %zu)", want, n->n);
        return 0;
    }
    int ok = 1;
    double sum = 0.0;
    for (size_t i = 0; i < n->n; i++) {
        size_t mark = mps_path_index(L, i);
        double p = 0.0;
        if (mps_get_prob(L, n->items[i], &p)) {
            sum += p;
            if (want >= 0)
                out[i] = p;
        } else {
            ok = 0;
        }
        mps_path_restore(L, mark);
    }
    if (ok && fabs(sum - 1.0) > SUM_TOL) {
        mps_load_error(L, n, "must sum to 1 within 1e-9: these are %s (got a sum of %.12g)",
                       what, sum);
        ok = 0;
    }
    return ok;
}

/* economy.regimes.names: a non-empty list of unique ids.  On success the
 * names replace the default regime; *n_out gets their number (-1 when
 * they are invalid). */
static void load_names(mps_loader *L, const mps_ynode *n, int *n_out)
{
    char buf[MPS_GOT_SIZE];
    mps_economy *e = &L->s->economy;
    *n_out = -1;
    if (n->type != MPS_YNODE_SEQUENCE || n->n == 0) {
        mps_load_error(L, n, "must be a non-empty list of regime names such as [slack, normal] "
                             "(got %s)",
                       n->type == MPS_YNODE_SEQUENCE ? "an empty list" : mps_got(n, buf, sizeof buf));
        return;
    }
    if (n->n > 10000) {
        mps_load_error(L, n, "lists %zu regimes; at most 10000 are allowed", n->n);
        return;
    }
    char **names = calloc(n->n, sizeof *names);
    if (names == NULL) {
        mps_load_oom(L);
        return;
    }
    int ok = 1;
    for (size_t i = 0; i < n->n; i++) {
        size_t mark = mps_path_index(L, i);
        if (mps_get_id(L, n->items[i], 0, &names[i])) {
            for (size_t j = 0; j < i; j++) {
                if (names[j] != NULL && strcmp(names[j], names[i]) == 0) {
                    mps_load_error(L, n->items[i], "duplicate regime name '%s' (first given at "
                                                   "line %d); regime names must be unique",
                                   names[i], n->items[j]->line);
                    free(names[i]);
                    names[i] = NULL;
                    ok = 0;
                    break;
                }
            }
        } else {
            ok = 0;
        }
        mps_path_restore(L, mark);
    }
    if (!ok) {
        for (size_t i = 0; i < n->n; i++)
            free(names[i]);
        free(names);
        return;
    }
    for (int r = 0; r < e->n_regimes; r++)
        free(e->regime_names[r]);
    free(e->regime_names);
    e->regime_names = names;
    e->n_regimes = (int)n->n;
    *n_out = e->n_regimes;
}

static void load_transition(mps_loader *L, const mps_ynode *n, int k, double *out)
{
    char buf[MPS_GOT_SIZE], what[256];
    const mps_economy *e = &L->s->economy;
    if (n->type != MPS_YNODE_SEQUENCE || n->n == 0) {
        mps_load_error(L, n, "must be a list of rows, one per regime, each row the "
                             "probabilities of moving to each regime, e.g. [[0.6, 0.4], [0.1, "
                             "0.9]] (got %s)",
                       n->type == MPS_YNODE_SEQUENCE ? "an empty list" : mps_got(n, buf, sizeof buf));
        return;
    }
    if (k >= 0 && n->n != (size_t)k) {
        mps_load_error(L, n, "must have %d rows, one per regime in the order of "
                             "economy.regimes.names (got %zu)", k, n->n);
        return;
    }
    for (size_t i = 0; i < n->n; i++) {
        size_t mark = mps_path_index(L, i);
        if (k >= 0)
            snprintf(what, sizeof what, "the probabilities of moving from regime %.128s to each "
                                        "regime next year", e->regime_names[i]);
        else
            snprintf(what, sizeof what, "the probabilities of moving from regime %zu to each "
                                        "regime next year", i);
        load_prob_vector(L, n->items[i], k, k >= 0 ? out + i * (size_t)k : NULL, what);
        mps_path_restore(L, mark);
    }
}

/* economy.regimes.  initial and transition are required with more than one
 * regime; with one they can only be [1] and [[1]]. */
static void load_regimes(mps_loader *L, const mps_ynode *n)
{
    mps_economy *e = &L->s->economy;
    L->regimes_given = 1;
    L->regimes_ok = 0;
    if (!mps_check_mapping(L, n, regime_keys, N_KEYS(regime_keys), "the regimes block"))
        return;
    const mps_ynode *v;
    size_t mark;
    int k = -1;
    if ((v = mps_map_get(n, "names", NULL)) != NULL) {
        mark = mps_path_key(L, "names");
        load_names(L, v, &k);
        mps_path_restore(L, mark);
    } else {
        mps_missing_key(L, n, "names", "a list of regime names such as [slack, normal]");
    }
    size_t nk = k > 0 ? (size_t)k : 1;
    double *initial = calloc(nk, sizeof *initial), *transition = calloc(nk * nk, sizeof *transition);
    if (initial == NULL || transition == NULL) {
        free(initial);
        free(transition);
        mps_load_oom(L);
        return;
    }
    /* The single-regime defaults; replaced below when given. */
    initial[0] = 1.0;
    transition[0] = 1.0;
    if ((v = mps_map_get(n, "initial", NULL)) != NULL) {
        mark = mps_path_key(L, "initial");
        load_prob_vector(L, v, k, initial, "the probabilities of starting in each regime");
        mps_path_restore(L, mark);
    } else if (k != 1) {
        mps_missing_key(L, n, "initial", "the probabilities of starting in each regime, e.g. "
                                         "[0.3, 0.7]");
    }
    if ((v = mps_map_get(n, "transition", NULL)) != NULL) {
        mark = mps_path_key(L, "transition");
        load_transition(L, v, k, transition);
        mps_path_restore(L, mark);
    } else if (k != 1) {
        mps_missing_key(L, n, "transition", "one row per regime of the probabilities of moving "
                                            "to each regime, e.g. [[0.6, 0.4], [0.1, 0.9]]");
    }
    free(e->initial);
    free(e->transition);
    e->initial = initial;
    e->transition = transition;
    /* Mappings by regime are checked against the names whenever the names
     * themselves are good, even if a probability is wrong. */
    L->regimes_ok = k > 0;
}

void mps_load_regimes(mps_loader *L, const mps_ynode *n)
{
    size_t mark = mps_path_key(L, "regimes");
    load_regimes(L, n);
    mps_path_restore(L, mark);
}

int mps_load_by_regime(mps_loader *L, const mps_ynode *m, const mps_ynode **values)
{
    char buf[MPS_GOT_SIZE], list[512];
    const mps_economy *e = &L->s->economy;
    if (!L->regimes_ok || m->type != MPS_YNODE_MAPPING)
        return 0;
    mps_regime_list(e, list, sizeof list);
    const char *note = L->regimes_given ? "" : " (without economy.regimes there is one regime, "
                                               "normal)";
    for (int r = 0; r < e->n_regimes; r++)
        values[r] = NULL;
    int ok = 1;
    for (size_t i = 0; i < m->n; i++) {
        const mps_ynode *k = mps_ymap_key(m, i);
        if (k->type != MPS_YNODE_SCALAR) {
            mps_load_error(L, k, "keys must be regime names (got %s as a key); the regimes are "
                                 "%s%s", mps_got(k, buf, sizeof buf), list, note);
            ok = 0;
            continue;
        }
        int r = 0;
        while (r < e->n_regimes && strcmp(e->regime_names[r], k->text) != 0)
            r++;
        size_t mark = mps_path_key(L, k->text);
        if (r == e->n_regimes) {
            mps_load_error(L, k, "unknown regime '%.60s'; the regimes are %s%s (a mapping "
                                 "without 'dist' gives one value per regime; a distribution "
                                 "needs 'dist')", k->text, list, note);
            ok = 0;
        } else if (values[r] != NULL) {
            size_t j = 0;
            while (strcmp(mps_ymap_key(m, j)->text ? mps_ymap_key(m, j)->text : "", k->text) != 0)
                j++;
            mps_load_error(L, k, "duplicate key '%s' (first given at line %d); each key may "
                                 "appear once in a mapping", k->text, mps_ymap_key(m, j)->line);
            ok = 0;
        } else {
            values[r] = mps_ymap_value(m, i);
        }
        mps_path_restore(L, mark);
    }
    for (int r = 0; r < e->n_regimes; r++) {
        if (values[r] != NULL)
            continue;
        size_t mark = mps_path_key(L, e->regime_names[r]);
        mps_load_error(L, m, "missing regime '%s': a mapping by regime must give a value for "
                             "every regime (%s)", e->regime_names[r], list);
        mps_path_restore(L, mark);
        ok = 0;
    }
    return ok;
}
