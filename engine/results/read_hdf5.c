/*
 * mpsim_results_read_hdf5: reads back the summary that write_hdf5.c wrote
 * (not the per-path data), for `mpsim show`.  The file is checked before
 * HDF5 opens it (a regular file carrying the HDF5 signature), then every
 * object is checked for type and shape as it is read, so a foreign, damaged
 * or newer file is reported as bad input naming the object, never a crash.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <hdf5_hl.h>

#include "core/util.h"
#include "results/h5io.h"
#include "results/schema.h"

/* Reads each field of `schema` from datasets under loc into n records of
 * `stride` bytes at base (rank 0: one record of scalars; rank 1: [n]). */
static void read_fields(mps_h5r *r, hid_t loc, const mps_schema *schema, void *base,
                        size_t stride, size_t n, int rank)
{
    union cell { double f; int i; uint64_t u; char *s; };
    void *buf = mps_calloc(n, sizeof(union cell));
    if (!buf) {
        mps_h5r_fail(r, loc, NULL, "out of memory");
        return;
    }
    hsize_t dim = n;
    for (size_t k = 0; k < schema->n && !r->failed; k++) {
        const mps_field *f = &schema->fields[k];
        memset(buf, 0, n * sizeof(union cell));
        mps_h5r_data(r, loc, f->name, f->type, rank, &dim, buf);
        /* Scatter even after a failure so that strings already read are
         * owned by the records and freed with them. */
        for (size_t j = 0; j < n; j++) {
            void *p = mps_field_ptr((char *)base + j * stride, f);
            switch (f->type) {
            case MPS_T_F64: *(double *)p = ((double *)buf)[j]; break;
            case MPS_T_I32: *(int *)p = ((int *)buf)[j]; break;
            case MPS_T_U64: *(uint64_t *)p = ((uint64_t *)buf)[j]; break;
            case MPS_T_STR: *(char **)p = ((char **)buf)[j]; break;
            }
        }
    }
    free(buf);
}

/* Reads a 1-D string scale into the char * member at `offset` of n records
 * (allocated here, *n set); returns the records. */
static void *read_records(mps_h5r *r, hid_t g, const char *scale, size_t size, size_t offset,
                          size_t *n)
{
    *n = mps_h5r_len(r, g, scale);
    if (r->failed)
        return NULL;
    char *rec = mps_calloc(*n, size);
    char **ids = mps_calloc(*n, sizeof *ids);
    if (!rec || !ids) {
        mps_h5r_fail(r, g, scale, "out of memory");
        free(ids);
        return rec;
    }
    hsize_t dim = *n;
    mps_h5r_data(r, g, scale, MPS_T_STR, 1, &dim, ids);
    for (size_t j = 0; j < *n; j++)
        *(char **)(rec + j * size + offset) = ids[j];
    free(ids);
    return rec;
}

static int find_name(const char *const *names, int n, const char *s)
{
    for (int i = 0; s && i < n; i++)
        if (strcmp(names[i], s) == 0)
            return i;
    return -1;
}

/* summary/: values mapped by metric and statistic name, so a file listing
 * them in another order (or with extra ones) still reads; absent ones are NaN. */
static void read_summary(mps_h5r *r, hid_t sg, mpsim_scenario_result *s)
{
    for (int m = 0; m < MPSIM_N_METRICS; m++)
        for (int k = 0; k < MPSIM_N_STATS; k++)
            s->stats[m][k] = NAN;
    hid_t g = mps_h5r_group(r, sg, "summary");
    size_t nm = mps_h5r_len(r, g, "metric"), ns = mps_h5r_len(r, g, "statistic");
    char **metric = mps_calloc(nm, sizeof *metric), **stat = mps_calloc(ns, sizeof *stat);
    double *v = nm && ns <= SIZE_MAX / nm ? mps_calloc(nm * ns, sizeof *v) : mps_calloc(1, 1);
    hsize_t dims[2] = {nm, ns};
    if (!metric || !stat || !v)
        mps_h5r_fail(r, g, NULL, "out of memory");
    mps_h5r_data(r, g, "metric", MPS_T_STR, 1, &dims[0], metric);
    mps_h5r_data(r, g, "statistic", MPS_T_STR, 1, &dims[1], stat);
    mps_h5r_data(r, g, "values", MPS_T_F64, 2, dims, v);
    for (size_t i = 0; !r->failed && i < nm; i++) {
        int m = find_name(mpsim_metric_names, MPSIM_N_METRICS, metric[i]);
        for (size_t j = 0; m >= 0 && j < ns; j++) {
            int k = find_name(mpsim_stat_names, MPSIM_N_STATS, stat[j]);
            if (k >= 0)
                s->stats[m][k] = v[i * ns + j];
        }
    }
    for (size_t i = 0; metric && i < nm; i++)
        free(metric[i]);
    for (size_t j = 0; stat && j < ns; j++)
        free(stat[j]);
    free(metric);
    free(stat);
    free(v);
    mps_h5_close(g);
}

static void read_dynamic_scalars(mps_h5r *r, hid_t sg, mpsim_scenario_result *s)
{
    hid_t g = mps_h5r_group(r, sg, "dynamic");
    read_fields(r, g, &mps_schema_dynamic, s, 0, 1, 0);
    hid_t dg = mps_h5r_group(r, g, "decomposition");
    for (int k = 0; k < MPSIM_N_DECOMP; k++)
        mps_h5r_data(r, dg, mpsim_decomp_names[k], MPS_T_F64, 0, NULL, &s->decomposition[k]);
    mps_h5_close(dg);
    mps_h5_close(g);
}

/* An optional string attribute of dataset `name` under loc (NULL if absent). */
static char *dataset_attr(hid_t loc, const char *name, const char *attr, mps_h5r *r)
{
    if (r->failed)
        return NULL;
    hid_t ds = H5Dopen2(loc, name, H5P_DEFAULT);
    char *v = ds >= 0 && mps_h5r_has_attr(ds, attr) ? mps_h5r_attr_str(r, ds, attr) : NULL;
    mps_h5_close(ds);
    return v;
}

static void read_timeseries(mps_h5r *r, hid_t sg, mpsim_scenario_result *s)
{
    size_t h = mps_h5r_len(r, sg, "years");
    if (!r->failed && h != (size_t)(s->horizon > 0 ? s->horizon : 0))
        mps_h5r_fail(r, sg, "years", "has %zu years but the horizon is %d", h, s->horizon);
    s->n_quantiles = mps_h5r_len(r, sg, "quantiles");
    s->quantile_levels = mps_calloc(s->n_quantiles, sizeof *s->quantile_levels);
    hsize_t dims[2] = {h, s->n_quantiles};
    if (!s->quantile_levels)
        mps_h5r_fail(r, sg, "quantiles", "out of memory");
    mps_h5r_data(r, sg, "quantiles", MPS_T_F64, 1, &dims[1], s->quantile_levels);

    hid_t g = mps_h5r_group(r, sg, "timeseries");
    size_t n = 0;
    char **names = mps_h5r_attr_strs(r, g, "order", &n);
    s->series = mps_calloc(n, sizeof *s->series);
    if (!s->series)
        mps_h5r_fail(r, g, NULL, "out of memory");
    else
        s->n_series = n;
    for (size_t i = 0; s->series && i < n && !r->failed; i++) {
        mpsim_series *v = &s->series[i];
        v->name = names[i];
        names[i] = NULL;
        v->bands = mps_calloc(h * s->n_quantiles, sizeof *v->bands);
        v->mean = mps_calloc(h, sizeof *v->mean);
        char *mean_name = mps_asprintf("%s_mean", v->name);
        if (!v->bands || !v->mean || !mean_name)
            mps_h5r_fail(r, g, v->name, "out of memory");
        mps_h5r_data(r, g, v->name, MPS_T_F64, 2, dims, v->bands);
        mps_h5r_data(r, g, mean_name, MPS_T_F64, 1, dims, v->mean);
        v->description = dataset_attr(g, v->name, "description", r);
        v->units = dataset_attr(g, v->name, "units", r);
        free(mean_name);
    }
    for (size_t i = 0; names && i < n; i++)
        free(names[i]);
    free(names);
    mps_h5_close(g);
}

static void read_distribution(mps_h5r *r, hid_t dist, const char *name, mpsim_distribution *d)
{
    hid_t g = mps_h5r_group(r, dist, name);
    d->n_levels = mps_h5r_len(r, g, "quantile_levels");
    size_t ne = mps_h5r_len(r, g, "bin_edges");
    d->n_bins = mps_h5r_len(r, g, "counts");
    if (!r->failed && ne != d->n_bins + 1 && !(ne == 0 && d->n_bins == 0))
        mps_h5r_fail(r, g, "bin_edges", "has %zu edges for %zu bins", ne, d->n_bins);
    d->levels = mps_calloc(d->n_levels, sizeof *d->levels);
    d->values = mps_calloc(d->n_levels, sizeof *d->values);
    d->edges = mps_calloc(ne, sizeof *d->edges);
    d->counts = mps_calloc(d->n_bins, sizeof *d->counts);
    if (!d->levels || !d->values || !d->edges || !d->counts)
        mps_h5r_fail(r, g, NULL, "out of memory");
    hsize_t nl = d->n_levels, nb = d->n_bins, nedge = ne;
    mps_h5r_data(r, g, "quantile_levels", MPS_T_F64, 1, &nl, d->levels);
    mps_h5r_data(r, g, "quantile_values", MPS_T_F64, 1, &nl, d->values);
    mps_h5r_data(r, g, "bin_edges", MPS_T_F64, 1, &nedge, d->edges);
    mps_h5r_data(r, g, "counts", MPS_T_U64, 1, &nb, d->counts);
    mps_h5_close(g);
}

static void read_tables(mps_h5r *r, hid_t sg, mpsim_scenario_result *s)
{
    hid_t g = mps_h5r_group(r, sg, "projects");
    s->projects = read_records(r, g, "project", sizeof *s->projects,
                               offsetof(mpsim_project_result, id), &s->n_projects);
    read_fields(r, g, &mps_schema_project, s->projects, sizeof *s->projects, s->n_projects, 1);
    mps_h5_close(g);

    g = mps_h5r_group(r, sg, "kinds");
    s->kinds = read_records(r, g, "kind", sizeof *s->kinds, offsetof(mpsim_kind_result, kind),
                            &s->n_kinds);
    read_fields(r, g, &mps_schema_kind, s->kinds, sizeof *s->kinds, s->n_kinds, 1);
    mps_h5_close(g);

    g = mps_h5r_group(r, sg, "missions");
    s->missions = read_records(r, g, "mission", sizeof *s->missions,
                               offsetof(mpsim_mission_result, id), &s->n_missions);
    read_fields(r, g, &mps_schema_mission, s->missions, sizeof *s->missions, s->n_missions, 1);
    size_t n = s->n_missions;
    double *yq = mps_calloc(n * MPSIM_N_YEAR_Q, sizeof *yq);
    hsize_t dims[2] = {n, MPSIM_N_YEAR_Q};
    if (!yq)
        mps_h5r_fail(r, g, "year_quantiles", "out of memory");
    mps_h5r_data(r, g, "year_quantiles", MPS_T_F64, 2, dims, yq);
    for (size_t i = 0; !r->failed && i < n; i++)
        memcpy(s->missions[i].year_q, yq + i * MPSIM_N_YEAR_Q, sizeof s->missions[i].year_q);
    free(yq);
    mps_h5_close(g);
}

/* inputs/ as write_inputs left it; a file without the `order` attribute
 * (an older writer) has no inputs. */
static void read_inputs(mps_h5r *r, hid_t g, mpsim_scenario_result *s)
{
    hid_t in = mps_h5r_group(r, g, "inputs");
    if (in < 0 || !mps_h5r_has_attr(in, "order")) {
        mps_h5_close(in);
        return;
    }
    size_t n = 0;
    char **names = mps_h5r_attr_strs(r, in, "order", &n);
    s->input_names = mps_calloc(n, sizeof *s->input_names);
    s->input_texts = mps_calloc(n, sizeof *s->input_texts);
    if (!s->input_names || !s->input_texts)
        mps_h5r_fail(r, in, NULL, "out of memory");
    else
        s->n_inputs = n;
    for (size_t i = 0; i < s->n_inputs && !r->failed; i++) {
        mps_h5r_data(r, in, names[i], MPS_T_STR, 0, NULL, &s->input_texts[i]);
        s->input_names[i] = dataset_attr(in, names[i], "path", r);
    }
    for (size_t i = 0; names && i < n; i++)
        free(names[i]);
    free(names);
    mps_h5_close(in);
}

static void read_scenario(mps_h5r *r, hid_t all, mpsim_scenario_result *s, int static_only)
{
    hid_t g = mps_h5r_group(r, all, s->name);
    if (mps_h5r_has_attr(g, "description"))
        s->description = mps_h5r_attr_str(r, g, "description");
    if (mps_h5r_has_attr(g, "input_file"))
        s->input_file = mps_h5r_attr_str(r, g, "input_file");
    s->base_year = (int)mps_h5r_attr_i64(r, g, "base_year");
    s->horizon = (int)mps_h5r_attr_i64(r, g, "horizon");
    s->has_dynamic = !static_only && mps_h5r_attr_i64(r, g, "has_dynamic") != 0;
    mps_h5r_data(r, g, "input", MPS_T_STR, 0, NULL, &s->input_text);
    mps_h5r_data(r, g, "resolved", MPS_T_STR, 0, NULL, &s->resolved_text);
    read_inputs(r, g, s);
    hid_t st = mps_h5r_group(r, g, "static");
    read_fields(r, st, &mps_schema_static, &s->stat, 0, 1, 0);
    mps_h5_close(st);
    if (s->has_dynamic && !r->failed) {
        read_dynamic_scalars(r, g, s);
        read_summary(r, g, s);
        read_timeseries(r, g, s);
        hid_t dg = mps_h5r_group(r, g, "distributions");
        read_distribution(r, dg, "npv", &s->dist_npv);
        read_distribution(r, dg, "bcr", &s->dist_bcr);
        mps_h5_close(dg);
        read_tables(r, g, s);
    }
    mps_h5_close(g);
}

static void read_comparison(mps_h5r *r, hid_t all, const char *name, mpsim_comparison *c)
{
    hid_t g = mps_h5r_group(r, all, name);
    c->a = mps_h5r_attr_str(r, g, "a");
    c->b = mps_h5r_attr_str(r, g, "b");
    read_fields(r, g, &mps_schema_comparison, c, 0, 1, 0);
    size_t n = mps_h5r_len(r, g, "mission");
    c->mission_ids = mps_calloc(n, sizeof *c->mission_ids);
    c->p_achieved_diff = mps_calloc(n, sizeof *c->p_achieved_diff);
    if (!c->mission_ids || !c->p_achieved_diff)
        mps_h5r_fail(r, g, NULL, "out of memory");
    else
        c->n_missions = n;
    hsize_t dim = n;
    mps_h5r_data(r, g, "mission", MPS_T_STR, 1, &dim, c->mission_ids);
    mps_h5r_data(r, g, "p_achieved_diff", MPS_T_F64, 1, &dim, c->p_achieved_diff);
    mps_h5_close(g);
}

/* Reads the child names listed in loc's `order` attribute into n records
 * of `size` bytes with the name at `offset`; returns the records. */
static void *read_ordered(mps_h5r *r, hid_t loc, size_t size, size_t offset, size_t *count)
{
    size_t n = 0;
    char **names = mps_h5r_attr_strs(r, loc, "order", &n);
    char *rec = r->failed ? NULL : mps_calloc(n, size);
    if (!r->failed && !rec)
        mps_h5r_fail(r, loc, NULL, "out of memory");
    for (size_t i = 0; i < n; i++) {
        if (rec)
            *(char **)(rec + i * size + offset) = names[i];
        else
            free(names[i]);
    }
    free(names);
    *count = rec ? n : 0;
    return rec;
}

static void read_provenance(mps_h5r *r, hid_t file, mpsim_provenance *p)
{
    hid_t g = mps_h5r_group(r, file, "provenance");
    struct { const char *name; char **slot; } attrs[] = {
        {"git_revision", &p->git_revision}, {"compiler", &p->compiler},
        {"compiler_flags", &p->compiler_flags}, {"gsl_version", &p->gsl_version},
        {"hdf5_version", &p->hdf5_version}, {"yaml_version", &p->yaml_version},
        {"random123_version", &p->random123_version},
    };
    for (size_t i = 0; i < sizeof attrs / sizeof attrs[0]; i++)
        if (mps_h5r_has_attr(g, attrs[i].name))
            *attrs[i].slot = mps_h5r_attr_str(r, g, attrs[i].name);
    mps_h5_close(g);
}

static void read_contents(mps_h5r *r, hid_t file, mpsim_results *res)
{
    res->mpsim_version = mps_h5r_attr_str(r, file, "mpsim_version");
    if (mps_h5r_has_attr(file, "created"))
        res->created = mps_h5r_attr_str(r, file, "created");
    if (mps_h5r_has_attr(file, "command_line"))
        res->command_line = mps_h5r_attr_str(r, file, "command_line");
    res->static_only = mps_h5r_attr_i64(r, file, "static_only") != 0;
    if (!res->static_only) {
        res->seed = mps_h5r_attr_u64(r, file, "seed");
        res->paths = mps_h5r_attr_u64(r, file, "paths");
        if (mps_h5r_has_attr(file, "quantile_method")) {
            char *method = mps_h5r_attr_str(r, file, "quantile_method");
            res->quantiles_exact = method && strcmp(method, "exact") == 0;
            free(method);
            res->antithetic = mps_h5r_attr_i64(r, file, "antithetic") != 0;
            res->target_se = mps_h5r_attr_f64(r, file, "target_se");
            res->target_se_reached = mps_h5r_attr_i64(r, file, "target_se_reached") != 0;
        }
    }
    read_provenance(r, file, &res->provenance);

    hid_t all = mps_h5r_group(r, file, "scenarios");
    res->scenarios = read_ordered(r, all, sizeof *res->scenarios,
                                  offsetof(mpsim_scenario_result, name), &res->n_scenarios);
    for (size_t i = 0; i < res->n_scenarios && !r->failed; i++)
        read_scenario(r, all, &res->scenarios[i], res->static_only);
    mps_h5_close(all);
    if (res->static_only || r->failed)
        return;

    all = mps_h5r_group(r, file, "comparisons");
    size_t n = 0;
    char **names = mps_h5r_attr_strs(r, all, "order", &n);
    res->comparisons = r->failed ? NULL : mps_calloc(n, sizeof *res->comparisons);
    if (res->comparisons)
        res->n_comparisons = n;
    for (size_t i = 0; i < n; i++) {
        if (res->comparisons && !r->failed)
            read_comparison(r, all, names[i], &res->comparisons[i]);
        free(names[i]);
    }
    free(names);
    mps_h5_close(all);
}

/* 1 if the HDF5 signature is at offset 0, 512, 1024, 2048, ... (where the
 * format allows the superblock to start). */
static int has_hdf5_signature(const char *path, long long size)
{
    static const unsigned char sig[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    int found = 0;
    for (long long off = 0; !found && off + 8 <= size; off = off ? 2 * off : 512) {
        unsigned char buf[8];
        if (fseek(f, (long)off, SEEK_SET) != 0 || fread(buf, 1, 8, f) != 8)
            break;
        found = memcmp(buf, sig, 8) == 0;
    }
    fclose(f);
    return found;
}

/* Checks before HDF5 sees the file; returns 0 or records why not. */
static int precheck(const char *path, mpsim_errors *errs)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        mpsim_errors_add(errs, path, 0, 0, NULL, "cannot read the results file: %s",
                         strerror(errno));
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        mpsim_errors_add(errs, path, 0, 0, NULL, "not a results file: not a regular file");
        return -1;
    }
    if (!has_hdf5_signature(path, (long long)st.st_size)) {
        mpsim_errors_add(errs, path, 0, 0, NULL,
                         "not a results file: it is not an HDF5 file (no HDF5 signature)");
        return -1;
    }
#if H5_VERSION_GE(1, 12, 0)
    htri_t ok = H5Fis_accessible(path, H5P_DEFAULT);
#else
    htri_t ok = H5Fis_hdf5(path);
#endif
    if (ok <= 0) {
        mpsim_errors_add(errs, path, 0, 0, NULL,
                         "not a readable results file: HDF5 cannot open it (truncated or damaged?)");
        return -1;
    }
    return 0;
}

/* The root attributes that say whether this mpsim can read the file. */
static int check_format(mps_h5r *r, hid_t file)
{
    char *format = mps_h5r_has_attr(file, "format") ? mps_h5r_attr_str(r, file, "format") : NULL;
    int is_ours = format && strcmp(format, "mpsim-results") == 0;
    free(format);
    if (r->failed)
        return -1;
    if (!is_ours) {
        mpsim_errors_add(r->errs, r->file, 0, 0, NULL,
                         "not an mpsim results file: an HDF5 file without the root attribute "
                         "format = \"mpsim-results\"");
        r->failed = 1;
        return -1;
    }
    int64_t v = mps_h5r_attr_i64(r, file, "format_version");
    if (r->failed)
        return -1;
    if (v > MPSIM_FORMAT_VERSION || v < 1) {
        mpsim_errors_add(r->errs, r->file, 0, 0, NULL,
                         v > MPSIM_FORMAT_VERSION
                             ? "written by a newer mpsim (format version %lld); this mpsim reads "
                               "version %d"
                             : "unknown results format version %lld; this mpsim reads version %d",
                         (long long)v, MPSIM_FORMAT_VERSION);
        r->failed = 1;
        return -1;
    }
    return 0;
}

int mpsim_results_read_hdf5(const char *path, mpsim_results **out, mpsim_errors *errs)
{
    *out = NULL;
    if (path == NULL || *path == '\0') {
        mpsim_errors_add(errs, NULL, 0, 0, NULL, "no results file given");
        return MPSIM_ERR_INPUT;
    }
    mps_h5_quiet quiet;
    mps_h5_quiet_begin(&quiet);
    if (precheck(path, errs) != 0) {
        mps_h5_quiet_end(&quiet);
        return MPSIM_ERR_INPUT;
    }
    mps_h5r r = {errs, path, 0};
    mpsim_results *res = mps_calloc(1, sizeof *res);
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    hid_t file = -1;
    if (!res) {
        mpsim_errors_add(errs, path, 0, 0, NULL, "out of memory");
        r.failed = 1;
    } else if (fapl < 0 || H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG) < 0 ||
               (file = H5Fopen(path, H5F_ACC_RDONLY, fapl)) < 0) {
        mpsim_errors_add(errs, path, 0, 0, NULL,
                         "not a readable results file: HDF5 cannot open it (truncated or damaged?)");
        r.failed = 1;
    } else if (check_format(&r, file) == 0) {
        read_contents(&r, file, res);
    }
    mps_h5_close(file);
    mps_h5_close(fapl);
    mps_h5_quiet_end(&quiet);
    if (r.failed) {
        mpsim_results_free(res);
        return MPSIM_ERR_INPUT;
    }
    *out = res;
    return MPSIM_OK;
}
