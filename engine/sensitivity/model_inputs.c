/*
 * The inputs of a scenario's sensitivity analysis, named by key path as in
 * `correlations` (scenario-format.md): a project's cost.overrun, delay,
 * benefits.annual and prevention.effect, the economy's multipliers (per
 * regime when given so) and crowding_in.
 *
 * The loader's own resolver works on YAML nodes while the file is read, so
 * here the scenario's inputs are listed once with their canonical key
 * paths (the catalogue) and a key path is looked up in that list: the
 * syntax is the same, a misspelt path gets the nearest ones, and a path
 * that names a fixed number is refused as not uncertain.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "random/quantile.h"
#include "scenario/load_internal.h"
#include "sensitivity/model_sens.h"

typedef struct {
    mps_sens_catalogue *c;
    size_t cap;
    int oom;
} cat_build;

static void add(cat_build *b, char *path, mps_input_ref ref, const mps_dist *d)
{
    mps_sens_catalogue *c = b->c;
    if (path == NULL) {
        b->oom = 1;
        return;
    }
    if (c->n == b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 16;
        char **kp = realloc(c->key_path, cap * sizeof *kp);
        if (kp)
            c->key_path = kp;
        mps_input_ref *r = realloc(c->ref, cap * sizeof *r);
        if (r)
            c->ref = r;
        const mps_dist **dd = realloc((void *)c->dist, cap * sizeof *dd);
        if (dd)
            c->dist = dd;
        int *u = realloc(c->uncertain, cap * sizeof *u);
        if (u)
            c->uncertain = u;
        if (!kp || !r || !dd || !u) {
            free(path);
            b->oom = 1;
            return;
        }
        b->cap = cap;
    }
    ref.key_path = NULL;
    c->key_path[c->n] = path;
    c->ref[c->n] = ref;
    c->dist[c->n] = d;
    c->uncertain[c->n] = d->kind != MPS_DIST_FIXED;
    c->n++;
}

int mps_sens_catalogue_build(const mps_scenario *s, mps_sens_catalogue *c)
{
    memset(c, 0, sizeof *c);
    cat_build b = {c, 0, 0};
    for (int p = 0; p < s->n_projects && !b.oom; p++) {
        const mps_project *pr = &s->projects[p];
        const char *mid = s->missions[pr->mission].id;
        mps_input_ref ref = {MPS_INPUT_OVERRUN, p, -1, -1, NULL};
        add(&b, mps_asprintf("missions.%s.projects.%s.cost.overrun", mid, pr->id), ref,
            &pr->overrun);
        ref.kind = MPS_INPUT_DELAY;
        add(&b, mps_asprintf("missions.%s.projects.%s.delay", mid, pr->id), ref, &pr->delay);
        if (pr->has_benefits) {
            ref.kind = MPS_INPUT_BENEFIT;
            add(&b, mps_asprintf("missions.%s.projects.%s.benefits.annual", mid, pr->id), ref,
                &pr->annual);
        }
        if (pr->has_prevention) {
            ref.kind = MPS_INPUT_PREVENTION;
            add(&b, mps_asprintf("missions.%s.projects.%s.prevention.effect", mid, pr->id), ref,
                &pr->prev_effect);
        }
    }
    const mps_economy *e = &s->economy;
    if (e->present) {
        for (int cat = 0; cat < MPS_N_CATEGORIES && !b.oom; cat++) {
            const mps_multiplier *mu = &e->multipliers[cat];
            if (!mu->given)
                continue; /* PDEL not given copies RDEL's draws: not an input of its own */
            const char *cn = mps_category_names[cat];
            mps_input_ref ref = {MPS_INPUT_MULTIPLIER, -1, cat, -1, NULL};
            if (!mu->per_regime) {
                add(&b, mps_asprintf("economy.multipliers.%s", cn), ref, &mu->dist[0]);
                continue;
            }
            for (int r = 0; r < e->n_regimes && !b.oom; r++) {
                ref.regime = r;
                add(&b, mps_asprintf("economy.multipliers.%s.%s", cn, e->regime_names[r]), ref,
                    &mu->dist[r]);
            }
        }
        mps_input_ref ref = {MPS_INPUT_CROWDING_IN, -1, -1, -1, NULL};
        if (!b.oom)
            add(&b, mps_strdup("economy.crowding_in"), ref, &e->crowding_in);
    }
    if (b.oom) {
        mps_sens_catalogue_free(c);
        return MPSIM_ERR_FAIL;
    }
    return MPSIM_OK;
}

void mps_sens_catalogue_free(mps_sens_catalogue *c)
{
    for (size_t i = 0; i < c->n; i++)
        free(c->key_path[i]);
    free(c->key_path);
    free(c->ref);
    free((void *)c->dist);
    free(c->uncertain);
    memset(c, 0, sizeof *c);
}

/* "a, b, c": the (at most) three uncertain inputs nearest `path`. */
static void nearest(const mps_sens_catalogue *c, const char *path, char *buf, size_t size)
{
    enum { N_NEAREST = 3 };
    size_t best[N_NEAREST], dist[N_NEAREST];
    int n = 0;
    for (size_t i = 0; i < c->n; i++) {
        if (!c->uncertain[i])
            continue;
        size_t d = mps_edit_distance(path, c->key_path[i]);
        int k = n < N_NEAREST ? n++ : N_NEAREST;
        while (k > 0 && dist[k - 1] > d) {
            if (k < N_NEAREST) {
                best[k] = best[k - 1];
                dist[k] = dist[k - 1];
            }
            k--;
        }
        if (k < N_NEAREST) {
            best[k] = i;
            dist[k] = d;
        }
    }
    snprintf(buf, size, "%s", n == 0 ? "none: the scenario has no uncertain input" : "");
    size_t used = strlen(buf);
    for (int k = 0; k < n && used + 1 < size; k++) {
        int w = snprintf(buf + used, size - used, "%s%s", k ? ", " : "", c->key_path[best[k]]);
        if (w < 0 || (used += (size_t)w) >= size)
            break;
    }
}

/* The switching-value search range: a bounded marginal's bounds, else its
 * 0.1% and 99.9% quantiles. */
static void search_range(const mps_dist *d, double *lo, double *hi)
{
    switch (d->kind) {
    case MPS_DIST_UNIFORM:
        *lo = d->a;
        *hi = d->b;
        break;
    case MPS_DIST_TRIANGULAR:
    case MPS_DIST_PERT:
        *lo = d->a;
        *hi = d->c;
        break;
    default:
        *lo = mps_dist_quantile(d, 0.001);
        *hi = mps_dist_quantile(d, 0.999);
        break;
    }
}

static int same_ref(const mps_input_ref *x, const mps_input_ref *y)
{
    return x->kind == y->kind && x->project == y->project && x->category == y->category &&
           x->regime == y->regime;
}

/* Sets everything of in but key_path from catalogue entry i. */
static void describe(const mps_model *m, const mps_sens_catalogue *c, size_t i,
                     mps_sens_model_input *in)
{
    const mps_scenario *s = mps_model_scenario(m);
    in->ref = c->ref[i];
    in->dist = c->dist[i];
    in->slot = mps_model_input_slot(m, &c->ref[i]);
    in->copula = -1;
    for (int q = 0; q < s->correlations.n; q++)
        if (same_ref(&s->correlations.inputs[q], &c->ref[i]))
            in->copula = q;
    in->p10 = mps_dist_quantile(in->dist, 0.1);
    in->p90 = mps_dist_quantile(in->dist, 0.9);
    search_range(in->dist, &in->lo, &in->hi);
    in->centre = mps_dist_central(in->dist, s->central);
}

int mps_sens_inputs_resolve(const mps_model *m, const char *const *paths, size_t n_paths,
                            int lenient, mps_sens_model_input **inputs, size_t *k,
                            mpsim_errors *errs)
{
    const mps_scenario *s = mps_model_scenario(m);
    *inputs = NULL;
    *k = 0;
    mps_sens_catalogue c;
    if (mps_sens_catalogue_build(s, &c) != MPSIM_OK) {
        mpsim_errors_add(errs, s->file, 0, 0, NULL, "out of memory");
        return MPSIM_ERR_FAIL;
    }
    size_t *pick = mps_calloc((n_paths ? n_paths : c.n) + 1, sizeof *pick);
    size_t n = 0;
    int status = pick ? MPSIM_OK : MPSIM_ERR_FAIL;
    if (status == MPSIM_OK && paths == NULL) {
        for (size_t i = 0; i < c.n; i++)
            if (c.uncertain[i])
                pick[n++] = i;
        if (n == 0 && !lenient) {
            mpsim_errors_add(errs, s->file, 0, 0, NULL,
                             "scenario '%s' has no uncertain input (every overrun, delay, "
                             "benefit level, prevention effect and multiplier is a fixed "
                             "number): there is nothing to analyse",
                             s->name);
            status = MPSIM_ERR_INPUT;
        }
    }
    for (size_t q = 0; status != MPSIM_ERR_FAIL && paths != NULL && q < n_paths; q++) {
        size_t i = 0;
        while (i < c.n && strcmp(c.key_path[i], paths[q]) != 0)
            i++;
        if (lenient && (i == c.n || !c.uncertain[i]))
            continue; /* this alternative does not have that uncertainty */
        if (i == c.n) {
            char near[768];
            nearest(&c, paths[q], near, sizeof near);
            if (strstr(paths[q], "spillovers.value") != NULL)
                mpsim_errors_add(errs, s->file, 0, 0, paths[q],
                                 "spillovers.value is drawn afresh for each discovery, so it is "
                                 "not one input of a path; its effect is part of the randomness "
                                 "outside the studied inputs (nearest inputs: %s)",
                                 near);
            else
                mpsim_errors_add(errs, s->file, 0, 0, paths[q],
                                 "scenario '%s' has no uncertain input with this key path "
                                 "(nearest: %s)",
                                 s->name, near);
            status = MPSIM_ERR_INPUT;
            continue;
        }
        if (!c.uncertain[i]) {
            mpsim_errors_add(errs, s->file, 0, 0, paths[q],
                             "is a fixed number in scenario '%s' (a plain number, dist: fixed, "
                             "or the default), not an uncertain input: a sensitivity analysis "
                             "studies inputs that vary",
                             s->name);
            status = MPSIM_ERR_INPUT;
            continue;
        }
        int dup = 0;
        for (size_t j = 0; j < n; j++)
            dup |= pick[j] == i;
        if (dup) {
            mpsim_errors_add(errs, s->file, 0, 0, paths[q],
                             "is listed twice in --inputs; give each input once");
            status = MPSIM_ERR_INPUT;
            continue;
        }
        pick[n++] = i;
    }
    mps_sens_model_input *in = NULL;
    if (status == MPSIM_OK) {
        in = mps_calloc(n + 1, sizeof *in);
        status = in ? MPSIM_OK : MPSIM_ERR_FAIL;
        for (size_t q = 0; in && q < n; q++) {
            describe(m, &c, pick[q], &in[q]);
            in[q].key_path = mps_strdup(c.key_path[pick[q]]);
            if (in[q].key_path == NULL || in[q].slot < 0)
                status = MPSIM_ERR_FAIL;
        }
    }
    if (status == MPSIM_ERR_FAIL && (errs == NULL || errs->count == 0))
        mpsim_errors_add(errs, s->file, 0, 0, NULL, "out of memory");
    if (status == MPSIM_OK) {
        *inputs = in;
        *k = n;
    } else {
        mps_sens_inputs_free(in, n);
    }
    free(pick);
    mps_sens_catalogue_free(&c);
    return status;
}

void mps_sens_inputs_free(mps_sens_model_input *inputs, size_t k)
{
    if (inputs == NULL)
        return;
    for (size_t i = 0; i < k; i++)
        free(inputs[i].key_path);
    free(inputs);
}
