/*
 * The results file's contents, laid out as docs/results-format.md
 * describes: one writer for both ways a file is made (write_hdf5.h), whole
 * in memory (write_image.c) or on disk while the run goes (paths_stream.c).
 */
#include <stdlib.h>
#include <string.h>

#include <hdf5_hl.h>

#include "core/util.h"
#include "results/h5io.h"
#include "results/schema.h"
#include "results/write_hdf5.h"

/* Writes each field of `schema` as a dataset under loc.  With scale < 0 the
 * record is single (base) and fields are scalars; otherwise fields are 1-D
 * over n records of `stride` bytes from base, with the scale attached. */
static void write_fields(mps_h5w *w, hid_t loc, const mps_schema *schema, const void *base,
                         size_t stride, size_t n, hid_t scale)
{
    int rank = scale < 0 ? 0 : 1;
    hsize_t dim = n;
    /* One column at a time, gathered into a buffer wide enough for any
     * element type. */
    union cell { double f; int i; uint64_t u; const char *s; };
    void *buf = mps_calloc(n, sizeof(union cell));
    if (!buf) {
        mps_h5w_fail(w, loc, NULL, "out of memory");
        return;
    }
    for (size_t k = 0; k < schema->n && !w->failed; k++) {
        const mps_field *f = &schema->fields[k];
        for (size_t j = 0; j < n; j++) {
            const void *p = mps_field_cptr((const char *)base + j * stride, f);
            switch (f->type) {
            case MPS_T_F64: ((double *)buf)[j] = *(const double *)p; break;
            case MPS_T_I32: ((int *)buf)[j] = *(const int *)p; break;
            case MPS_T_U64: ((uint64_t *)buf)[j] = *(const uint64_t *)p; break;
            case MPS_T_STR: ((const char **)buf)[j] = *(char *const *)p; break;
            }
        }
        mps_h5w_data(w, loc, f->name, f->type, rank, &dim, buf, f->description, f->units,
                     rank ? &scale : NULL);
    }
    free(buf);
}

/* A scale of record ids: the `id`-like char * member at `offset`. */
static hid_t id_scale(mps_h5w *w, hid_t loc, const char *name, const void *base, size_t stride,
                      size_t offset, size_t n, const char *description)
{
    const char **ids = mps_calloc(n, sizeof *ids);
    if (!ids) {
        mps_h5w_fail(w, loc, name, "out of memory");
        return -1;
    }
    for (size_t j = 0; j < n; j++)
        ids[j] = *(char *const *)((const char *)base + j * stride + offset);
    hid_t s = mps_h5w_scale(w, loc, name, MPS_T_STR, n, ids, description, NULL);
    free(ids);
    return s;
}

static void write_distribution(mps_h5w *w, hid_t dist, const char *name,
                               const mpsim_distribution *d, const char *units)
{
    hid_t g = mps_h5w_group(w, dist, name);
    hid_t lv = mps_h5w_scale(w, g, "quantile_levels", MPS_T_F64, d->n_levels, d->levels,
                             "probability levels of the quantile function", MPS_UNITS_ONE);
    hsize_t nl = d->n_levels, nb = d->n_bins;
    mps_h5w_data(w, g, "quantile_values", MPS_T_F64, 1, &nl, d->values,
                 "quantile function over paths at quantile_levels; NaN when no path defines it",
                 units, &lv);
    /* An empty histogram may come without edges at all. */
    size_t ne = d->edges ? d->n_bins + 1 : 0;
    hid_t ed = mps_h5w_scale(w, g, "bin_edges", MPS_T_F64, ne, d->edges,
                             "histogram bin edges (bin i is [edge i, edge i+1))", units);
    double *centres = mps_calloc(d->n_bins, sizeof *centres);
    if (!centres)
        mps_h5w_fail(w, g, "bin_centres", "out of memory");
    for (size_t i = 0; centres && ne && i < d->n_bins; i++)
        centres[i] = 0.5 * (d->edges[i] + d->edges[i + 1]);
    hid_t bc = mps_h5w_scale(w, g, "bin_centres", MPS_T_F64, d->n_bins, centres,
                             "histogram bin midpoints (the coordinate of counts)", units);
    free(centres);
    mps_h5w_data(w, g, "counts", MPS_T_U64, 1, &nb, d->counts, "paths in each histogram bin",
                 MPS_UNITS_PATHS, &bc);
    mps_h5_close(lv);
    mps_h5_close(ed);
    mps_h5_close(bc);
    mps_h5_close(g);
}

static void write_summary(mps_h5w *w, hid_t sg, const mpsim_scenario_result *s)
{
    hid_t g = mps_h5w_group(w, sg, "summary");
    hid_t sc[2];
    sc[0] = mps_h5w_scale(w, g, "metric", MPS_T_STR, MPSIM_N_METRICS, mpsim_metric_names,
                          "per-path metric (model.md section 10)", NULL);
    sc[1] = mps_h5w_scale(w, g, "statistic", MPS_T_STR, MPSIM_N_STATS, mpsim_stat_names,
                          "statistic over paths: mean, sd (n - 1), se, min, max, quantiles", NULL);
    hsize_t dims[2] = {MPSIM_N_METRICS, MPSIM_N_STATS};
    mps_h5w_data(w, g, "values", MPS_T_F64, 2, dims, s->stats,
                 "statistics of each metric over paths (units: see units[metric]); "
                 "NaN where undefined", NULL, sc);
    const char *units[MPSIM_N_METRICS];
    for (int m = 0; m < MPSIM_N_METRICS; m++)
        units[m] = mps_metric_infos[m].units;
    mps_h5w_data(w, g, "units", MPS_T_STR, 1, dims, units, "units of each metric", NULL, sc);
    mps_h5_close(sc[0]);
    mps_h5_close(sc[1]);
    mps_h5_close(g);
}

static void write_dynamic_scalars(mps_h5w *w, hid_t sg, const mpsim_scenario_result *s)
{
    hid_t g = mps_h5w_group(w, sg, "dynamic");
    write_fields(w, g, &mps_schema_dynamic, s, 0, 1, -1);
    hid_t dg = mps_h5w_group(w, g, "decomposition");
    for (int k = 0; k < MPSIM_N_DECOMP; k++)
        mps_h5w_data(w, dg, mpsim_decomp_names[k], MPS_T_F64, 0, NULL, &s->decomposition[k],
                     mps_decomp_descriptions[k], MPS_UNITS_GBP, NULL);
    mps_h5_close(dg);
    mps_h5_close(g);
}

static void write_timeseries(mps_h5w *w, hid_t sg, const mpsim_scenario_result *s)
{
    size_t h = s->horizon > 0 ? (size_t)s->horizon : 0;
    int *years = mps_calloc(h, sizeof *years);
    if (!years) {
        mps_h5w_fail(w, sg, "years", "out of memory");
        return;
    }
    for (size_t t = 0; t < h; t++)
        years[t] = s->base_year + (int)t;
    hid_t sc[2];
    sc[0] = mps_h5w_scale(w, sg, "years", MPS_T_I32, h, years,
                          "calendar years of the horizon, base_year .. base_year + horizon - 1",
                          MPS_UNITS_YEAR);
    free(years);
    sc[1] = mps_h5w_scale(w, sg, "quantiles", MPS_T_F64, s->n_quantiles, s->quantile_levels,
                          "probability levels of the fan-chart bands", MPS_UNITS_ONE);
    hid_t g = mps_h5w_group(w, sg, "timeseries");
    const char **names = mps_calloc(s->n_series, sizeof *names);
    if (!names)
        mps_h5w_fail(w, g, NULL, "out of memory");
    hsize_t dims[2] = {h, s->n_quantiles};
    for (size_t i = 0; names && i < s->n_series && !w->failed; i++) {
        const mpsim_series *v = &s->series[i];
        names[i] = v->name;
        /* The bands carry the series' own description (the reader takes
         * it back from there); the fan-chart meaning is in the docs. */
        const char *desc = v->description ? v->description : v->name;
        char *mean_name = mps_asprintf("%s_mean", v->name);
        char *mean_desc = mps_asprintf("mean over paths in each year of: %s", desc);
        if (!mean_name || !mean_desc)
            mps_h5w_fail(w, g, v->name, "out of memory");
        mps_h5w_data(w, g, v->name, MPS_T_F64, 2, dims, v->bands, desc, v->units, sc);
        mps_h5w_data(w, g, mean_name, MPS_T_F64, 1, dims, v->mean, mean_desc, v->units, sc);
        free(mean_name);
        free(mean_desc);
    }
    /* Group members come back in name order; `order` keeps the run's order. */
    if (names)
        mps_h5w_attr_strs(w, g, "order", names, s->n_series);
    free(names);
    mps_h5_close(g);
    mps_h5_close(sc[0]);
    mps_h5_close(sc[1]);
}

static void write_projects(mps_h5w *w, hid_t sg, const mpsim_scenario_result *s)
{
    hid_t g = mps_h5w_group(w, sg, "projects");
    hid_t sc = id_scale(w, g, "project", s->projects, sizeof *s->projects,
                        offsetof(mpsim_project_result, id), s->n_projects, "project id");
    write_fields(w, g, &mps_schema_project, s->projects, sizeof *s->projects, s->n_projects, sc);
    mps_h5_close(sc);
    mps_h5_close(g);

    g = mps_h5w_group(w, sg, "kinds");
    sc = id_scale(w, g, "kind", s->kinds, sizeof *s->kinds, offsetof(mpsim_kind_result, kind),
                  s->n_kinds, "project kind");
    write_fields(w, g, &mps_schema_kind, s->kinds, sizeof *s->kinds, s->n_kinds, sc);
    mps_h5_close(sc);
    mps_h5_close(g);
}

static void write_missions(mps_h5w *w, hid_t sg, const mpsim_scenario_result *s)
{
    size_t n = s->n_missions;
    hid_t g = mps_h5w_group(w, sg, "missions");
    hid_t sc[2];
    sc[0] = id_scale(w, g, "mission", s->missions, sizeof *s->missions,
                     offsetof(mpsim_mission_result, id), n, "mission id");
    sc[1] = mps_h5w_scale(w, g, "year_quantile", MPS_T_F64, MPSIM_N_YEAR_Q, mpsim_year_q_levels,
                          "probability levels of the first-year-achieved quantiles",
                          MPS_UNITS_ONE);
    write_fields(w, g, &mps_schema_mission, s->missions, sizeof *s->missions, n, sc[0]);
    double *yq = mps_calloc(n * MPSIM_N_YEAR_Q, sizeof *yq);
    if (!yq)
        mps_h5w_fail(w, g, "year_quantiles", "out of memory");
    for (size_t i = 0; yq && i < n; i++)
        memcpy(yq + i * MPSIM_N_YEAR_Q, s->missions[i].year_q, sizeof s->missions[i].year_q);
    hsize_t dims[2] = {n, MPSIM_N_YEAR_Q};
    mps_h5w_data(w, g, "year_quantiles", MPS_T_F64, 2, dims, yq,
                 "quantiles of the first calendar year the indicator reaches the target, over "
                 "paths that reach it within the horizon; NaN when none does",
                 MPS_UNITS_YEAR, sc);
    free(yq);
    mps_h5_close(sc[0]);
    mps_h5_close(sc[1]);
    mps_h5_close(g);
}

char *mps_results_paths_description(int m)
{
    return mps_asprintf("%s, per path (path index is the dimension)",
                        mps_metric_infos[m].description);
}

static void write_paths(mps_h5w *w, hid_t sg, const mpsim_scenario_result *s, int level)
{
    hid_t g = mps_h5w_paths_group(w, sg, level);
    for (int m = 0; m < MPSIM_N_METRICS && !w->failed; m++) {
        if (s->paths[m] == NULL)
            continue;
        char *desc = mps_results_paths_description(m);
        hid_t ds = mps_h5w_paths_create(w, g, mpsim_metric_names[m], s->n_paths_kept, level,
                                        desc ? desc : mps_metric_infos[m].description,
                                        mps_metric_infos[m].units);
        mps_h5w_paths_append(w, ds, 0, s->n_paths_kept, s->paths[m]);
        if (ds >= 0 && H5Dclose(ds) < 0)
            mps_h5w_fail(w, g, mpsim_metric_names[m], "cannot close dataset");
        free(desc);
    }
    mps_h5_close(g);
}

/* Group `name` under loc: opened when the per-path stream made it before
 * the run (`made`), else created (and a clash, such as two scenarios of
 * one name, is an error). */
static hid_t open_or_create(mps_h5w *w, hid_t loc, const char *name, int made)
{
    if (w->failed)
        return -1;
    if (!made)
        return mps_h5w_group(w, loc, name);
    hid_t g = H5Gopen2(loc, name, H5P_DEFAULT);
    if (g < 0)
        mps_h5w_fail(w, loc, name, "cannot open group");
    return g;
}

/* inputs/: every file the scenario extends, verbatim, named after the file
 * (a repeated name gets "~2", "~3", ...), in the order `order` lists, with
 * the path as resolved in a `path` attribute. */
static void write_inputs(mps_h5w *w, hid_t g, const mpsim_scenario_result *s)
{
    hid_t in = mps_h5w_group(w, g, "inputs");
    char **names = mps_calloc(s->n_inputs, sizeof *names);
    if (!names) {
        mps_h5w_fail(w, in, NULL, "out of memory");
        mps_h5_close(in);
        return;
    }
    for (size_t i = 0; i < s->n_inputs && !w->failed; i++) {
        const char *base = strrchr(s->input_names[i], '/');
        base = base ? base + 1 : s->input_names[i];
        int copies = 1;
        for (size_t k = 0; k < i; k++)
            copies += strncmp(names[k], base, strlen(base)) == 0 &&
                      (names[k][strlen(base)] == '\0' || names[k][strlen(base)] == '~');
        names[i] = copies > 1 ? mps_asprintf("%s~%d", base, copies) : mps_strdup(base);
        if (!names[i]) {
            mps_h5w_fail(w, in, NULL, "out of memory");
            break;
        }
        const char *text = s->input_texts[i];
        mps_h5w_data(w, in, names[i], MPS_T_STR, 0, NULL, &text,
                     "a file the scenario extends, verbatim", NULL, NULL);
        hid_t ds = w->failed ? -1 : H5Dopen2(in, names[i], H5P_DEFAULT);
        if (ds >= 0) {
            mps_h5w_attr_str(w, ds, "path", s->input_names[i]);
            mps_h5_close(ds);
        }
    }
    if (!w->failed)
        mps_h5w_attr_strs(w, in, "order", (const char *const *)names, s->n_inputs);
    for (size_t i = 0; i < s->n_inputs; i++)
        free(names[i]);
    free(names);
    mps_h5_close(in);
}

static void write_scenario(mps_h5w *w, hid_t all, const mpsim_scenario_result *s, int dynamic,
                           int level, int made)
{
    hid_t g = open_or_create(w, all, s->name, made);
    mps_h5w_attr_str(w, g, "description", s->description);
    mps_h5w_attr_str(w, g, "input_file", s->input_file);
    mps_h5w_attr_i32(w, g, "base_year", s->base_year);
    mps_h5w_attr_i32(w, g, "horizon", s->horizon);
    mps_h5w_attr_i32(w, g, "has_dynamic", dynamic);
    const char *input = s->input_text, *resolved = s->resolved_text;
    mps_h5w_data(w, g, "input", MPS_T_STR, 0, NULL, &input, "the scenario file, verbatim", NULL,
                 NULL);
    write_inputs(w, g, s);
    mps_h5w_data(w, g, "resolved", MPS_T_STR, 0, NULL, &resolved,
                 "the scenario after extends merging (YAML)", NULL, NULL);
    hid_t st = mps_h5w_group(w, g, "static");
    write_fields(w, st, &mps_schema_static, &s->stat, 0, 1, -1);
    mps_h5_close(st);
    if (dynamic) {
        write_dynamic_scalars(w, g, s);
        write_summary(w, g, s);
        write_timeseries(w, g, s);
        hid_t dg = mps_h5w_group(w, g, "distributions");
        write_distribution(w, dg, "npv", &s->dist_npv, MPS_UNITS_GBP);
        write_distribution(w, dg, "bcr", &s->dist_bcr, MPS_UNITS_ONE);
        mps_h5_close(dg);
        write_projects(w, g, s);
        write_missions(w, g, s);
        if (s->n_paths_kept > 0)
            write_paths(w, g, s, level);
    }
    mps_h5_close(g);
}

/* Writes comparisons/<a>--<b>; *name receives the group's name (malloc'd). */
static void write_comparison(mps_h5w *w, hid_t all, const mpsim_comparison *c, char **name)
{
    *name = mps_asprintf("%s--%s", c->a, c->b);
    if (!*name) {
        mps_h5w_fail(w, all, NULL, "out of memory");
        return;
    }
    hid_t g = mps_h5w_group(w, all, *name);
    mps_h5w_attr_str(w, g, "a", c->a);
    mps_h5w_attr_str(w, g, "b", c->b);
    write_fields(w, g, &mps_schema_comparison, c, 0, 1, -1);
    hid_t sc = mps_h5w_scale(w, g, "mission", MPS_T_STR, c->n_missions, c->mission_ids,
                             "mission id (the union of both scenarios' missions)", NULL);
    hsize_t n = c->n_missions;
    mps_h5w_data(w, g, "p_achieved_diff", MPS_T_F64, 1, &n, c->p_achieved_diff,
                 "P(achieved) in b minus P(achieved) in a; NaN without a target in either",
                 MPS_UNITS_ONE, &sc);
    mps_h5_close(sc);
    mps_h5_close(g);
}

void mps_results_write_provenance(mps_h5w *w, hid_t file, const mpsim_provenance *p)
{
    hid_t g = mps_h5w_group(w, file, "provenance");
    mps_h5w_attr_str(w, g, "git_revision", p->git_revision);
    mps_h5w_attr_str(w, g, "compiler", p->compiler);
    mps_h5w_attr_str(w, g, "compiler_flags", p->compiler_flags);
    mps_h5w_attr_str(w, g, "gsl_version", p->gsl_version);
    mps_h5w_attr_str(w, g, "hdf5_version", p->hdf5_version);
    mps_h5w_attr_str(w, g, "yaml_version", p->yaml_version);
    mps_h5w_attr_str(w, g, "random123_version", p->random123_version);
    if (p->mpi_version != NULL) /* MPI build only */
        mps_h5w_attr_str(w, g, "mpi_version", p->mpi_version);
    mps_h5_close(g);
}

void mps_results_write_contents(mps_h5w *w, hid_t file, const mpsim_results *r, int level,
                                int made)
{
    mps_h5w_attr_str(w, file, "format", "mpsim-results");
    mps_h5w_attr_i32(w, file, "format_version", MPSIM_FORMAT_VERSION);
    mps_h5w_attr_str(w, file, "mpsim_version",
                     r->mpsim_version ? r->mpsim_version : MPSIM_VERSION_STRING);
    mps_h5w_attr_str(w, file, "created", r->created);
    mps_h5w_attr_str(w, file, "command_line", r->command_line);
    mps_h5w_attr_i32(w, file, "static_only", r->static_only ? 1 : 0);
    if (!r->static_only) {
        mps_h5w_attr_u64(w, file, "seed", r->seed);
        mps_h5w_attr_u64(w, file, "paths", r->paths);
        mps_h5w_attr_str(w, file, "rng", "philox4x32-10");
        mps_h5w_attr_str(w, file, "quantile_method",
                         r->quantiles_exact ? "exact" : "streamed");
        mps_h5w_attr_i32(w, file, "antithetic", r->antithetic ? 1 : 0);
        mps_h5w_attr_f64(w, file, "target_se", r->target_se);
        mps_h5w_attr_i32(w, file, "target_se_reached", r->target_se_reached ? 1 : 0);
    }
    mps_results_write_provenance(w, file, &r->provenance);

    const char **names = mps_calloc(r->n_scenarios, sizeof *names);
    if (!names) {
        mps_h5w_fail(w, file, "scenarios", "out of memory");
        return;
    }
    hid_t all = open_or_create(w, file, "scenarios", made);
    for (size_t i = 0; i < r->n_scenarios && !w->failed; i++) {
        names[i] = r->scenarios[i].name;
        write_scenario(w, all, &r->scenarios[i], !r->static_only && r->scenarios[i].has_dynamic,
                       level, made);
    }
    mps_h5w_attr_strs(w, all, "order", names, r->n_scenarios);
    mps_h5_close(all);
    free(names);
    if (r->static_only)
        return;

    all = mps_h5w_group(w, file, "comparisons");
    char **cnames = mps_calloc(r->n_comparisons, sizeof *cnames);
    if (!cnames)
        mps_h5w_fail(w, all, NULL, "out of memory");
    for (size_t i = 0; cnames && i < r->n_comparisons && !w->failed; i++)
        write_comparison(w, all, &r->comparisons[i], &cnames[i]);
    if (cnames)
        mps_h5w_attr_strs(w, all, "order", (const char *const *)cnames, r->n_comparisons);
    for (size_t i = 0; cnames && i < r->n_comparisons; i++)
        free(cnames[i]);
    free(cnames);
    mps_h5_close(all);
}

int mps_results_file_props(mps_h5w *w, hid_t fapl, hid_t *fcpl)
{
    /* Strong close: every object is closed with the file, so an error path
     * that left one open cannot keep the file alive.  The HDF5 1.8 file
     * format: its object headers and group indexes carry checksums, so a
     * damaged file is more often reported than misread, and every HDF5
     * 1.8+ / netCDF-4 reader can open it. */
    *fcpl = -1;
    if (fapl < 0 || H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG) < 0 ||
        H5Pset_libver_bounds(fapl, H5F_LIBVER_V18, H5F_LIBVER_V18) < 0) {
        mps_h5w_fail(w, -1, NULL, "cannot set up file access");
        return -1;
    }
    /* The root group is created with the file: without this its object
     * header would carry timestamps and identical runs would differ. */
    *fcpl = H5Pcreate(H5P_FILE_CREATE);
    if (*fcpl < 0 || H5Pset_obj_track_times(*fcpl, 0) < 0) {
        mps_h5w_fail(w, -1, NULL, "cannot set up file creation");
        return -1;
    }
    return 0;
}
