/*
 * mpsim_sweep_load: a sweep file (docs/sweeps.md) -> a validated
 * mpsim_sweep with its design's points.
 *
 * The sweep file is YAML read by the scenario loader's own reader and key
 * tables, so it gets the same errors as a scenario (file:line:column, key
 * path, nearest key for a typo).  The base scenario is then loaded once
 * with every parameter's key path checked against its merged tree: a key
 * path naming nothing is an error of the sweep file, at its `path` value.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "scenario/load_internal.h"
#include "scenario/override.h"
#include "scenario/scenario.h"
#include "scenario/source.h"
#include "sweep/sweep.h"

#define N_KEYS(t) (sizeof(t) / sizeof(t)[0])

static const mps_key_spec top_keys[] = {
    {"mpsim_sweep", 0}, {"name", 0},  {"description", 0}, {"base", 0},
    {"design", 0},      {"paths", 0}, {"parameters", 0},
};
static const mps_key_spec design_keys[] = {{"method", 0}, {"points", 0}, {"seed", 0}};
static const mps_key_spec param_keys[] = {
    {"path", 0}, {"min", 0}, {"max", 0}, {"values", 0}, {"integer", 0},
};

const char *const mps_design_names[3] = {"grid", "lhs", "sobol"};

void mpsim_sweep_free(mpsim_sweep *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->n_params; i++) {
        mps_sweep_param *p = &s->params[i];
        free(p->path);
        free(p->values);
        free(p->numbers);
        free(p->values_text);
    }
    free(s->params);
    mps_ytree_free(&s->tree);
    free(s->file);
    free(s->text);
    free(s->name);
    free(s->description);
    free(s->base_written);
    free(s->base_path);
    free(s->base_text);
    free(s->base_resolved);
    free(s->points);
    free(s->grid_index);
    free(s);
}

const char *mpsim_sweep_name(const mpsim_sweep *s)
{
    return s ? s->name : NULL;
}

size_t mpsim_sweep_n_points(const mpsim_sweep *s)
{
    return s ? s->n_points : 0;
}

/* Key paths a sweep may not vary: they identify the scenario or the run,
 * which the sweep itself sets. */
static const char *forbidden_path(const char *kp)
{
    if (strcmp(kp, "mpsim") == 0 || strcmp(kp, "name") == 0 || strcmp(kp, "extends") == 0)
        return "identifies the scenario and cannot be varied";
    if (strncmp(kp, "simulation", 10) == 0 && (kp[10] == '\0' || kp[10] == '.'))
        return "is set for the whole sweep (every point runs the same paths and seed: use the "
               "sweep's `paths`, or --paths and --seed)";
    return NULL;
}

/* Reads one grid value (a number, a boolean or a string). */
static int grid_value(mps_loader *L, const mps_ynode *v, double *number)
{
    char buf[MPS_GOT_SIZE];
    if (v->type != MPS_YNODE_SCALAR) {
        mps_load_error(L, v, "must be a number, a string or a boolean (got %s)",
                       mps_got(v, buf, sizeof buf));
        return 0;
    }
    mps_yvalue y = mps_yscalar_resolve(v);
    if (!v->plain) {
        *number = NAN;
        return 1;
    }
    switch (y.kind) {
    case MPS_YV_NULL:
        mps_load_error(L, v, "must be a number, a string or a boolean (got nothing)");
        return 0;
    case MPS_YV_BOOL:
        *number = y.boolean ? 1.0 : 0.0;
        return 1;
    case MPS_YV_INT:
    case MPS_YV_FLOAT:
        if (y.range_error || !isfinite(y.number)) {
            mps_load_error(L, v, "must be a finite number (got %s)", mps_got(v, buf, sizeof buf));
            return 0;
        }
        *number = y.number;
        return 1;
    case MPS_YV_STRING:
        break;
    }
    *number = NAN;
    return 1;
}

/* "[a, b, "c"]": the grid values as written (strings quoted). */
static char *values_text(const mps_sweep_param *p)
{
    size_t size = 3;
    for (size_t i = 0; i < p->n_values; i++)
        size += p->values[i]->len + 4;
    char *t = malloc(size);
    if (t == NULL)
        return NULL;
    size_t used = 0;
    t[used++] = '[';
    for (size_t i = 0; i < p->n_values; i++) {
        const mps_ynode *v = p->values[i];
        if (i) {
            t[used++] = ',';
            t[used++] = ' ';
        }
        if (!v->plain)
            t[used++] = '"';
        memcpy(t + used, v->text, v->len);
        used += v->len;
        if (!v->plain)
            t[used++] = '"';
    }
    t[used++] = ']';
    t[used] = '\0';
    return t;
}

static void load_param(mps_loader *L, mpsim_sweep *s, const mps_ynode *m, mps_sweep_param *p)
{
    char buf[MPS_GOT_SIZE];
    if (!mps_check_mapping(L, m, param_keys, N_KEYS(param_keys), "a parameter"))
        return;
    const mps_ynode *v;
    size_t mark;
    if ((v = mps_map_get(m, "path", NULL)) != NULL) {
        mark = mps_path_key(L, "path");
        char *kp = NULL;
        if (mps_get_text(L, v, &kp)) {
            const char *why = mps_key_path_syntax(kp);
            const char *forbidden = why ? NULL : forbidden_path(kp);
            if (why != NULL)
                mps_load_error(L, v, "key path '%s' %s", kp, why);
            else if (forbidden != NULL)
                mps_load_error(L, v, "key path '%s' %s", kp, forbidden);
            p->path = kp;
            p->node = v;
        }
        mps_path_restore(L, mark);
    } else {
        mps_missing_key(L, m, "path",
                        "the key path of the input to vary, e.g. "
                        "economy.tax_take");
    }
    const mps_ynode *vmin = mps_map_get(m, "min", NULL), *vmax = mps_map_get(m, "max", NULL);
    const mps_ynode *vvals = mps_map_get(m, "values", NULL),
                    *vint = mps_map_get(m, "integer", NULL);
    if (s->method == MPS_DESIGN_GRID) {
        const mps_ynode *extra[3] = {vmin, vmax, vint};
        const char *names[3] = {"min", "max", "integer"};
        for (int k = 0; k < 3; k++) {
            if (extra[k] == NULL)
                continue;
            mark = mps_path_key(L, names[k]);
            mps_load_error(L, extra[k],
                           "'%s' is for lhs and sobol designs; a grid parameter "
                           "lists its `values`",
                           names[k]);
            mps_path_restore(L, mark);
        }
        if (vvals == NULL) {
            mps_missing_key(L, m, "values",
                            "a grid parameter lists its values, e.g. "
                            "values: [0.0, 0.02, 0.05]");
            return;
        }
        mark = mps_path_key(L, "values");
        if (vvals->type != MPS_YNODE_SEQUENCE || vvals->n == 0) {
            mps_load_error(L, vvals, "must be a non-empty list of values (got %s)",
                           vvals->type == MPS_YNODE_SEQUENCE ? "an empty list"
                                                             : mps_got(vvals, buf, sizeof buf));
            mps_path_restore(L, mark);
            return;
        }
        p->values = mps_calloc(vvals->n, sizeof *p->values);
        p->numbers = mps_calloc(vvals->n, sizeof *p->numbers);
        if (p->values == NULL || p->numbers == NULL) {
            mps_load_oom(L);
            mps_path_restore(L, mark);
            return;
        }
        int ok = 1;
        for (size_t i = 0; i < vvals->n; i++) {
            size_t m2 = mps_path_index(L, i);
            p->values[i] = vvals->items[i];
            ok &= grid_value(L, vvals->items[i], &p->numbers[i]);
            mps_path_restore(L, m2);
        }
        mps_path_restore(L, mark);
        if (ok) {
            p->n_values = vvals->n;
            if ((p->values_text = values_text(p)) == NULL)
                mps_load_oom(L);
        }
        return;
    }
    if (vvals != NULL) {
        mark = mps_path_key(L, "values");
        mps_load_error(L, vvals,
                       "'values' is for grid designs; an %s parameter gives `min` "
                       "and `max`",
                       mps_design_names[s->method]);
        mps_path_restore(L, mark);
    }
    int have_min = 0, have_max = 0;
    if (vmin != NULL) {
        mark = mps_path_key(L, "min");
        have_min = mps_get_number(L, vmin, &p->min);
        mps_path_restore(L, mark);
    } else {
        mps_missing_key(L, m, "min", "the lower end of the range");
    }
    if (vmax != NULL) {
        mark = mps_path_key(L, "max");
        have_max = mps_get_number(L, vmax, &p->max);
        if (have_max && have_min && !(p->min < p->max))
            mps_load_error(L, vmax, "must be greater than min (%.17g); got %.17g", p->min, p->max);
        mps_path_restore(L, mark);
    } else {
        mps_missing_key(L, m, "max", "the upper end of the range");
    }
    if (vint != NULL) {
        mark = mps_path_key(L, "integer");
        mps_get_bool(L, vint, &p->integer);
        mps_path_restore(L, mark);
    }
}

static void load_design(mps_loader *L, mpsim_sweep *s, const mps_ynode *d)
{
    if (!mps_check_mapping(L, d, design_keys, N_KEYS(design_keys), "the design"))
        return;
    const mps_ynode *v;
    size_t mark;
    int method = -1;
    if ((v = mps_map_get(d, "method", NULL)) != NULL) {
        mark = mps_path_key(L, "method");
        if (mps_get_enum(L, v, mps_design_names, 3, &method))
            s->method = (mps_design_method)method;
        mps_path_restore(L, mark);
    } else {
        mps_missing_key(L, d, "method", "grid, lhs or sobol");
    }
    const mps_ynode *vp = mps_map_get(d, "points", NULL), *vs = mps_map_get(d, "seed", NULL);
    if (method == MPS_DESIGN_LHS)
        s->design_seed = 1; /* the default, as simulation.seed's */
    if (method == MPS_DESIGN_GRID && vp != NULL) {
        mark = mps_path_key(L, "points");
        mps_load_error(L, vp,
                       "not for grid: a grid has one point per combination of its "
                       "parameters' values");
        mps_path_restore(L, mark);
    } else if (method > 0 && vp == NULL) {
        mps_missing_key(L, d, "points", "the number of points, at least 1");
    } else if (vp != NULL) {
        mark = mps_path_key(L, "points");
        int n = 0;
        if (mps_get_int(L, vp, 1, MPS_SWEEP_MAX_POINTS, &n))
            s->n_points = (size_t)n;
        mps_path_restore(L, mark);
    }
    if (vs != NULL && method >= 0 && method != MPS_DESIGN_LHS) {
        mark = mps_path_key(L, "seed");
        mps_load_error(L, vs,
                       "not for %s: its points are fixed; design.seed drives the lhs "
                       "design only",
                       mps_design_names[method]);
        mps_path_restore(L, mark);
    } else if (vs != NULL) {
        mark = mps_path_key(L, "seed");
        mps_get_u64(L, vs, 0, UINT64_MAX, &s->design_seed);
        mps_path_restore(L, mark);
    }
}

static void load_params(mps_loader *L, mpsim_sweep *s, const mps_ynode *n)
{
    char buf[MPS_GOT_SIZE];
    size_t mark = mps_path_key(L, "parameters");
    size_t cap = s->method == MPS_DESIGN_SOBOL ? MPS_SWEEP_SOBOL_MAX_DIM : MPS_SWEEP_MAX_PARAMS;
    if (n->type != MPS_YNODE_SEQUENCE || n->n == 0) {
        mps_load_error(L, n,
                       "must be a non-empty list of parameters, each {path: ..., ...} "
                       "(got %s)",
                       n->type == MPS_YNODE_SEQUENCE ? "an empty list"
                                                     : mps_got(n, buf, sizeof buf));
    } else if (n->n > cap) {
        mps_load_error(L, n, "has %zu parameters; a %s design takes at most %zu%s", n->n,
                       mps_design_names[s->method], cap,
                       s->method == MPS_DESIGN_SOBOL ? " (GSL's Sobol generator's limit)" : "");
    } else if ((s->params = mps_calloc(n->n, sizeof *s->params)) == NULL) {
        mps_load_oom(L);
    } else {
        s->n_params = n->n;
        for (size_t i = 0; i < n->n; i++) {
            size_t m2 = mps_path_index(L, i);
            load_param(L, s, n->items[i], &s->params[i]);
            /* The same key path twice would set one input two ways. */
            for (size_t j = 0; j < i && s->params[i].path; j++) {
                if (s->params[j].path && strcmp(s->params[j].path, s->params[i].path) == 0) {
                    size_t m3 = mps_path_key(L, "path");
                    mps_load_error(L, s->params[i].node,
                                   "duplicate key path '%s' (also parameters[%zu], line %d); "
                                   "each input may be varied once",
                                   s->params[i].path, j, s->params[j].node->line);
                    mps_path_restore(L, m3);
                    break;
                }
            }
            mps_path_restore(L, m2);
        }
    }
    mps_path_restore(L, mark);
}

/* The grid's size, checked against the cap (reported at `at`). */
static void grid_size(mps_loader *L, mpsim_sweep *s, const mps_ynode *at)
{
    size_t total = 1;
    for (size_t i = 0; i < s->n_params; i++) {
        size_t k = s->params[i].n_values;
        if (k == 0)
            return; /* already reported */
        if (total > MPS_SWEEP_MAX_POINTS / k) {
            size_t mark = mps_path_key(L, "parameters");
            mps_load_error(L, at,
                           "the grid has more than %d points (the product of the numbers "
                           "of values); use fewer values, or an lhs or sobol design",
                           MPS_SWEEP_MAX_POINTS);
            mps_path_restore(L, mark);
            return;
        }
        total *= k;
    }
    s->n_points = total;
}

static void load_top(mps_loader *L, mpsim_sweep *s, const mps_ynode *root)
{
    if (!mps_check_mapping(L, root, top_keys, N_KEYS(top_keys), "a sweep file"))
        return;
    const mps_ynode *v;
    size_t mark;
    if ((v = mps_map_get(root, "mpsim_sweep", NULL)) == NULL) {
        mps_missing_key(L, root, "mpsim_sweep",
                        "the format version; write 'mpsim_sweep: 1' "
                        "first");
        return;
    }
    mark = mps_path_key(L, "mpsim_sweep");
    int version = 0;
    int ok = mps_get_int(L, v, -MPS_YEARS_MAX, MPS_YEARS_MAX, &version);
    if (ok && version != 1)
        mps_load_error(L, v,
                       "unsupported sweep format version %d; this mpsim (%s) reads "
                       "version 1",
                       version, MPSIM_VERSION_STRING);
    mps_path_restore(L, mark);
    if (!ok || version != 1)
        return;
    if ((v = mps_map_get(root, "name", NULL)) != NULL) {
        mark = mps_path_key(L, "name");
        mps_get_id(L, v, 1, &s->name);
        mps_path_restore(L, mark);
    } else {
        mps_missing_key(L, root, "name", "[a-z0-9_-]+; the default output is results/<name>.h5");
    }
    if ((v = mps_map_get(root, "description", NULL)) != NULL) {
        mark = mps_path_key(L, "description");
        mps_get_text(L, v, &s->description);
        mps_path_restore(L, mark);
    }
    if ((v = mps_map_get(root, "base", NULL)) != NULL) {
        mark = mps_path_key(L, "base");
        mps_get_text(L, v, &s->base_written);
        mps_path_restore(L, mark);
    } else {
        mps_missing_key(L, root, "base", "the scenario file to vary, relative to this file");
    }
    if ((v = mps_map_get(root, "paths", NULL)) != NULL) {
        mark = mps_path_key(L, "paths");
        s->paths_set = mps_get_u64(L, v, 1, MPS_PATHS_MAX, &s->paths);
        mps_path_restore(L, mark);
    }
    s->method = (mps_design_method)-1;
    if ((v = mps_map_get(root, "design", NULL)) != NULL) {
        mark = mps_path_key(L, "design");
        load_design(L, s, v);
        mps_path_restore(L, mark);
    } else {
        mps_missing_key(L, root, "design", "e.g. {method: lhs, points: 100, seed: 1}");
    }
    if ((int)s->method < 0)
        return; /* parameters are read by method */
    const mps_ynode *key = NULL;
    if ((v = mps_map_get(root, "parameters", &key)) != NULL) {
        load_params(L, s, v);
        if (s->method == MPS_DESIGN_GRID && L->n_errors == 0)
            grid_size(L, s, key);
    } else {
        mps_missing_key(L, root, "parameters",
                        "a list of {path, min, max} (or {path, values} "
                        "for grid)");
    }
}

/* Loads the base scenario once, checking every key path against it. */
static int load_base(mps_loader *L, mpsim_sweep *s, const mps_ynode *root)
{
    const mps_ynode *bnode = mps_map_get(root, "base", NULL);
    const char *slash = strrchr(s->file, '/');
    if (s->base_written[0] == '/' || slash == NULL)
        s->base_path = mps_strdup(s->base_written);
    else
        s->base_path = mps_asprintf("%.*s/%s", (int)(slash - s->file), s->file, s->base_written);
    if (s->base_path == NULL)
        return MPSIM_ERR_FAIL;
    int rc = mps_source_read(s->base_path, &s->base_text, &s->base_len, L->errs);
    if (rc != MPSIM_OK) {
        size_t mark = mps_path_key(L, "base");
        mps_load_error(L, bnode,
                       "cannot load the base scenario '%s' (a path relative to the "
                       "sweep file)",
                       s->base_path);
        mps_path_restore(L, mark);
        return rc;
    }
    mps_override *ov = mps_calloc(s->n_params, sizeof *ov);
    char **kps = mps_calloc(s->n_params, sizeof *kps);
    if (ov == NULL || kps == NULL) {
        free(ov);
        free(kps);
        return MPSIM_ERR_FAIL;
    }
    for (size_t i = 0; i < s->n_params; i++) {
        kps[i] = mps_asprintf("parameters[%zu].path", i);
        ov[i].key_path = s->params[i].path;
        ov[i].at = s->params[i].node;
        ov[i].at_key_path = kps[i];
    }
    mpsim_scenario *base = NULL;
    int path_failed = 0;
    rc = mps_scenario_load_overrides(s->base_text, s->base_len, s->base_path, ov, s->n_params,
                                     &base, L->errs, L->errs, &path_failed);
    for (size_t i = 0; i < s->n_params; i++)
        free(kps[i]);
    free(kps);
    free(ov);
    if (rc == MPSIM_OK && path_failed)
        rc = MPSIM_ERR_INPUT;
    if (rc == MPSIM_OK) {
        s->base_resolved = mps_strdup(mpsim_scenario_resolved_text(base));
        s->base_paths = base->paths;
        s->base_seed = base->seed;
        if (s->base_resolved == NULL)
            rc = MPSIM_ERR_FAIL;
    }
    mpsim_scenario_free(base);
    return rc;
}

int mpsim_sweep_load(const char *path, mpsim_sweep **out, mpsim_errors *errs)
{
    *out = NULL;
    if (path == NULL) {
        mpsim_errors_add(errs, "", 0, 0, "", "no sweep file given");
        return MPSIM_ERR_INPUT;
    }
    mpsim_sweep *s = calloc(1, sizeof *s);
    if (s == NULL || (s->file = mps_strdup(path)) == NULL) {
        free(s);
        mpsim_errors_add(errs, path, 0, 0, "", "out of memory while loading the sweep");
        return MPSIM_ERR_FAIL;
    }
    int rc = mps_source_read(path, &s->text, &s->len, errs);
    if (rc == MPSIM_OK)
        rc = mps_source_check(s->text, s->len, s->file, errs);
    if (rc == MPSIM_OK)
        rc = mps_ytree_parse(s->text, s->len, s->file, &s->tree, errs);
    const mps_ynode *root = s->tree.root;
    if (rc == MPSIM_OK && (root == NULL || (root->type == MPS_YNODE_SCALAR &&
                                            mps_yscalar_resolve(root).kind == MPS_YV_NULL))) {
        mpsim_errors_add(errs, s->file, 0, 0, "",
                         "holds no YAML content (only comments or blank lines); a sweep file "
                         "needs mpsim_sweep, name, base, design and parameters");
        rc = MPSIM_ERR_INPUT;
    }
    if (rc != MPSIM_OK) {
        mpsim_sweep_free(s);
        return rc;
    }
    mps_loader L;
    memset(&L, 0, sizeof L);
    L.file = s->file;
    L.errs = errs;
    load_top(&L, s, root);
    rc = L.oom ? MPSIM_ERR_FAIL : L.n_errors ? MPSIM_ERR_INPUT : MPSIM_OK;
    if (rc == MPSIM_OK)
        rc = load_base(&L, s, root);
    if (rc == MPSIM_OK && L.n_errors)
        rc = MPSIM_ERR_INPUT;
    if (rc == MPSIM_OK)
        rc = mps_sweep_design(s);
    if (rc == MPSIM_ERR_FAIL)
        mpsim_errors_add(errs, s->file, 0, 0, "", "out of memory while loading the sweep");
    free(L.path.buf);
    free(L.ids);
    if (rc != MPSIM_OK) {
        mpsim_sweep_free(s);
        return rc;
    }
    *out = s;
    return MPSIM_OK;
}
