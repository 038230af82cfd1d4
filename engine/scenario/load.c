/*
 * mpsim_scenario_load: source text -> YAML tree -> (extends merging) ->
 * validated mps_scenario.
 *
 * The top level, `simulation` and `appraisal` are read here; `funding` and
 * `management` in load_funding.c; the missions and projects in
 * load_mission.c and load_project.c; `economy`, `links` and `correlations`
 * in load_economy.c, load_links.c and load_correlations.c, after the
 * missions because they refer to projects (and `funding` after the economy,
 * because cut probabilities may be given by regime).  A file with
 * `extends` is first merged over the files it extends (extends.c,
 * merge.c), and the merged tree is what is validated.  Validation carries
 * on after an error so that one run reports every mistake in the file;
 * only a YAML syntax error, a broken limit or a broken `extends` stops it
 * early.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "scenario/extends.h"
#include "scenario/load_internal.h"
#include "scenario/override.h"
#include "scenario/source.h"

static const mps_key_spec top_keys[] = {
    {"mpsim", 0},       {"name", 0},          {"description", 0}, {"base_year", 0},
    {"horizon", 0},     {"simulation", 0},    {"appraisal", 0},   {"funding", 0},
    {"missions", 0},    {"economy", 0},       {"management", 0},  {"correlations", 0},
    {"links", 0},       {"extends", 0},
};
static const mps_key_spec simulation_keys[] = {{"paths", 0}, {"seed", 0}, {"precision", 0}};
static const mps_key_spec appraisal_keys[] = {
    {"discount", 0}, {"central", 0}, {"cost_savings", 0}, {"include_spillovers", 0},
    {"include_wider_economy", 0},
};
#define N_KEYS(t) (sizeof(t) / sizeof(t)[0])

static const char *const central_names[] = {"mean", "median", "mode"};
static const char *const cost_savings_names[] = {"benefit", "net_cost"};

/* The defaults of model.md and scenario-format.md. */
static void set_defaults(mps_scenario *s)
{
    s->horizon = 60;
    s->paths = 10000;
    s->seed = 1;
    s->central = MPS_CENTRAL_MEAN;
    s->cost_savings = MPS_SAVINGS_AS_BENEFIT;
    s->include_spillovers = 1;
    s->include_wider_economy = 0;
    s->churn = 0.0;
}

static void load_simulation(mps_loader *L, const mps_ynode *n)
{
    mps_scenario *s = L->s;
    if (!mps_check_mapping(L, n, simulation_keys, N_KEYS(simulation_keys), "the simulation block"))
        return;
    const mps_ynode *v;
    size_t mark;
    if ((v = mps_map_get(n, "paths", NULL)) != NULL) {
        mark = mps_path_key(L, "paths");
        if (mps_get_u64(L, v, 1, MPS_PATHS_MAX, &s->paths)) {
            s->paths_set = 1;
            s->paths_file = v->file;
            s->paths_line = v->line;
            s->paths_column = v->column;
        }
        mps_path_restore(L, mark);
    }
    if ((v = mps_map_get(n, "seed", NULL)) != NULL) {
        mark = mps_path_key(L, "seed");
        if (mps_get_u64(L, v, 0, UINT64_MAX, &s->seed)) {
            s->seed_set = 1;
            s->seed_file = v->file;
            s->seed_line = v->line;
            s->seed_column = v->column;
        }
        mps_path_restore(L, mark);
    }
    if ((v = mps_map_get(n, "precision", NULL)) != NULL) {
        /* The --target-se of the command line, kept with the scenario. */
        mark = mps_path_key(L, "precision");
        double x = 0.0;
        if (mps_get_number(L, v, &x)) {
            if (x > 0.0 && x < 1.0) {
                s->precision = x;
                s->precision_set = 1;
                s->precision_file = v->file;
                s->precision_line = v->line;
                s->precision_column = v->column;
            } else {
                mps_load_error(L, v,
                               "must be a relative standard error of the mean NPV strictly "
                               "between 0 and 1, e.g. 0.01 (got %g); simulation.paths is then "
                               "the most paths to run",
                               x);
            }
        }
        mps_path_restore(L, mark);
    }
}

static void load_appraisal(mps_loader *L, const mps_ynode *n, int *discount_done)
{
    mps_scenario *s = L->s;
    if (!mps_check_mapping(L, n, appraisal_keys, N_KEYS(appraisal_keys), "the appraisal block"))
        return;
    const mps_ynode *v;
    size_t mark;
    if ((v = mps_map_get(n, "discount", NULL)) != NULL) {
        mark = mps_path_key(L, "discount");
        mps_load_discount(L, v, &s->discount);
        *discount_done = 1;
        mps_path_restore(L, mark);
    }
    int k;
    if ((v = mps_map_get(n, "central", NULL)) != NULL) {
        mark = mps_path_key(L, "central");
        if (mps_get_enum(L, v, central_names, 3, &k))
            s->central = (mps_central)k;
        mps_path_restore(L, mark);
    }
    if ((v = mps_map_get(n, "cost_savings", NULL)) != NULL) {
        mark = mps_path_key(L, "cost_savings");
        if (mps_get_enum(L, v, cost_savings_names, 2, &k))
            s->cost_savings = (mps_cost_savings)k;
        mps_path_restore(L, mark);
    }
    if ((v = mps_map_get(n, "include_spillovers", NULL)) != NULL) {
        mark = mps_path_key(L, "include_spillovers");
        mps_get_bool(L, v, &s->include_spillovers);
        mps_path_restore(L, mark);
    }
    if ((v = mps_map_get(n, "include_wider_economy", NULL)) != NULL) {
        mark = mps_path_key(L, "include_wider_economy");
        mps_get_bool(L, v, &s->include_wider_economy);
        mps_path_restore(L, mark);
    }
}

/* Reads `mpsim`; returns 0 when the version is one this code cannot read,
 * in which case nothing else is checked (its keys may mean other things). */
static int load_version(mps_loader *L, const mps_ynode *root)
{
    const mps_ynode *v = mps_map_get(root, "mpsim", NULL);
    if (v == NULL) {
        mps_missing_key(L, root, "mpsim", "the format version; write 'mpsim: 1' first");
        return 1;
    }
    size_t mark = mps_path_key(L, "mpsim");
    int version = 0, ok = mps_get_int(L, v, -MPS_YEARS_MAX, MPS_YEARS_MAX, &version);
    if (ok && version != 1) {
        mps_load_error(L, v, "unsupported format version %d; this mpsim (%s) reads format "
                             "version 1", version, MPSIM_VERSION_STRING);
        ok = 0;
    }
    mps_path_restore(L, mark);
    return ok;
}

static void load_top(mps_loader *L, const mps_ynode *root)
{
    mps_scenario *s = L->s;
    if (!mps_check_mapping(L, root, top_keys, N_KEYS(top_keys), "a scenario") ||
        !load_version(L, root))
        return;
    const mps_ynode *v;
    size_t mark;
    if ((v = mps_map_get(root, "name", NULL)) != NULL) {
        mark = mps_path_key(L, "name");
        if (mps_get_id(L, v, 1, &s->name)) {
            s->name_file = v->file;
            s->name_line = v->line;
            s->name_column = v->column;
        }
        mps_path_restore(L, mark);
    } else {
        mps_missing_key(L, root, "name", "[a-z0-9_-]+, at most 128 characters");
    }
    if ((v = mps_map_get(root, "description", NULL)) != NULL) {
        mark = mps_path_key(L, "description");
        mps_get_text(L, v, &s->description);
        mps_path_restore(L, mark);
    }
    if ((v = mps_map_get(root, "base_year", NULL)) != NULL) {
        mark = mps_path_key(L, "base_year");
        L->base_year_ok = mps_get_int(L, v, 1, 9999, &s->base_year);
        mps_path_restore(L, mark);
    } else {
        mps_missing_key(L, root, "base_year", "the calendar year of model year 0, e.g. 2025");
    }
    L->horizon_ok = 1;
    if ((v = mps_map_get(root, "horizon", NULL)) != NULL) {
        mark = mps_path_key(L, "horizon");
        L->horizon_ok = mps_get_int(L, v, 1, 1000, &s->horizon);
        mps_path_restore(L, mark);
    }
    if ((v = mps_map_get(root, "simulation", NULL)) != NULL) {
        mark = mps_path_key(L, "simulation");
        load_simulation(L, v);
        mps_path_restore(L, mark);
    }
    int discount_done = 0;
    if ((v = mps_map_get(root, "appraisal", NULL)) != NULL) {
        mark = mps_path_key(L, "appraisal");
        load_appraisal(L, v, &discount_done);
        mps_path_restore(L, mark);
    }
    if (!discount_done)
        mps_load_discount(L, NULL, &s->discount);
    if ((v = mps_map_get(root, "missions", NULL)) != NULL)
        mps_load_missions(L, v);
    else
        mps_missing_key(L, root, "missions", "a list of missions, each with its projects");
    /* The economy is filled even when absent (one regime, no multipliers),
     * and before the correlations, which name its multipliers. */
    mps_load_economy(L, mps_map_get(root, "economy", NULL));
    mps_funding_defaults(&s->funding, s->base_year);
    if ((v = mps_map_get(root, "funding", NULL)) != NULL)
        mps_load_funding(L, v);
    if ((v = mps_map_get(root, "management", NULL)) != NULL)
        mps_load_management(L, v);
    if ((v = mps_map_get(root, "links", NULL)) != NULL)
        mps_load_links(L, v);
    const mps_ynode *key = NULL;
    if ((v = mps_map_get(root, "correlations", &key)) != NULL)
        mps_load_correlations(L, v, key);
}

/* Where file `file` comes in the scenario's sources (the file itself 0,
 * then the files it extends), so that errors group by file. */
static size_t file_rank(const mps_scenario *s, const char *file)
{
    for (int i = 0; i < s->n_sources; i++)
        if (strcmp(s->sources[i].path, file) == 0)
            return (size_t)i;
    return 0;
}

/* Errors without a line ("too many errors") go last within their file. */
static int error_after(const mps_scenario *s, const mpsim_error *a, const mpsim_error *b)
{
    size_t fa = file_rank(s, a->file), fb = file_rank(s, b->file);
    if (fa != fb)
        return fa > fb;
    long la = a->line > 0 ? a->line : INT_MAX, lb = b->line > 0 ? b->line : INT_MAX;
    return la > lb || (la == lb && a->column > b->column);
}

/* Puts the errors items[from ..] in file order (stable), so the user reads
 * them top to bottom whatever order the checks ran in. */
static void sort_errors(const mps_scenario *s, mpsim_errors *errs, size_t from)
{
    for (size_t i = from + 1; i < errs->count; i++) {
        mpsim_error e = errs->items[i];
        size_t j = i;
        while (j > from && error_after(s, &errs->items[j - 1], &e)) {
            errs->items[j] = errs->items[j - 1];
            j--;
        }
        errs->items[j] = e;
    }
}

/* Merges (when the file has `extends`) and validates the parsed file into
 * s, then writes the resolved scenario. */
static int load_root(mps_doc_set *docs, const mps_ynode *root, mps_scenario *s,
                     mpsim_errors *errs, mps_tree_edit edit, void *edit_ctx)
{
    if (root == NULL ||
        (root->type == MPS_YNODE_SCALAR && mps_yscalar_resolve(root).kind == MPS_YV_NULL)) {
        mpsim_errors_add(errs, s->file, 0, 0, "",
                         "holds no YAML content (only comments or blank lines); a scenario "
                         "needs at least mpsim, name, base_year and missions");
        return MPSIM_ERR_INPUT;
    }
    size_t first_error = errs ? errs->count : 0;
    mps_loader L;
    memset(&L, 0, sizeof L);
    L.file = s->file;
    L.errs = errs;
    L.s = s;
    const mps_ynode *tree = root;
    if (mps_map_get(root, "extends", NULL) != NULL)
        tree = mps_resolve_extends(&L, docs, root);
    /* Overrides (sweeps, override.c) edit the merged tree, so the value
     * they set is validated like any other. */
    if (tree != NULL && !L.oom && edit != NULL)
        tree = edit(edit_ctx, &L, &docs->arena, tree);
    if (tree != NULL && !L.oom)
        load_top(&L, tree);
    int rc = L.oom ? MPSIM_ERR_FAIL : (L.n_errors || tree == NULL ? MPSIM_ERR_INPUT : MPSIM_OK);
    if (errs != NULL)
        sort_errors(s, errs, first_error);
    if (rc == MPSIM_OK && mps_yaml_emit(tree, &s->resolved_text) != MPSIM_OK) {
        mpsim_errors_add(errs, s->file, 0, 0, "", "out of memory while writing the resolved "
                                                  "scenario");
        rc = MPSIM_ERR_FAIL;
    }
    free(L.path.buf);
    free(L.ids);
    return rc;
}

int mpsim_scenario_load_buffer(const char *text, size_t len, const char *file,
                               mpsim_scenario **out, mpsim_errors *errs)
{
    return mps_scenario_load_edited(text, len, file, NULL, NULL, out, errs);
}

int mps_scenario_load_edited(const char *text, size_t len, const char *file,
                             mps_tree_edit edit, void *edit_ctx, mpsim_scenario **out,
                             mpsim_errors *errs)
{
    *out = NULL;
    if (file == NULL)
        file = "<buffer>";
    if (text == NULL)
        len = 0;
    int rc = mps_source_check(text, len, file, errs);
    if (rc != MPSIM_OK)
        return rc;
    mps_scenario *s = calloc(1, sizeof *s);
    if (s == NULL) {
        mpsim_errors_add(errs, file, 0, 0, "", "out of memory while loading the scenario");
        return MPSIM_ERR_FAIL;
    }
    set_defaults(s);
    s->file = mps_strdup(file);
    s->source_text = malloc(len + 1);
    s->sources = calloc(1, sizeof *s->sources);
    if (s->sources != NULL) {
        s->n_sources = 1;
        s->sources[0].path = mps_strdup(file);
        s->sources[0].text = malloc(len + 1);
    }
    if (s->file == NULL || s->source_text == NULL || s->sources == NULL ||
        s->sources[0].path == NULL || s->sources[0].text == NULL) {
        mpsim_scenario_free(s);
        mpsim_errors_add(errs, file, 0, 0, "", "out of memory while loading the scenario");
        return MPSIM_ERR_FAIL;
    }
    memcpy(s->source_text, text, len);
    s->source_text[len] = '\0';
    memcpy(s->sources[0].text, text, len);
    s->sources[0].text[len] = '\0';

    /* Node positions name s->file, which lives as long as the scenario. */
    mps_doc_set docs;
    memset(&docs, 0, sizeof docs);
    const mps_ynode *root = NULL;
    rc = mps_docs_parse(&docs, s->source_text, len, s->file, errs, &root);
    if (rc == MPSIM_OK)
        rc = load_root(&docs, root, s, errs, edit, edit_ctx);
    mps_docs_free(&docs);
    if (rc != MPSIM_OK) {
        mpsim_scenario_free(s);
        return rc;
    }
    *out = s;
    return MPSIM_OK;
}

int mpsim_scenario_load(const char *path, mpsim_scenario **out, mpsim_errors *errs)
{
    *out = NULL;
    if (path == NULL) {
        mpsim_errors_add(errs, "", 0, 0, "", "no scenario file given");
        return MPSIM_ERR_INPUT;
    }
    char *text = NULL;
    size_t len = 0;
    int rc = mps_source_read(path, &text, &len, errs);
    if (rc != MPSIM_OK)
        return rc;
    rc = mpsim_scenario_load_buffer(text, len, path, out, errs);
    free(text);
    return rc;
}
