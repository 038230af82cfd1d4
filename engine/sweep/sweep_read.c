/*
 * Reading a sweep file back (mpsim_sweep_read_hdf5), and merging the
 * shards of one sweep (mpsim_sweep_merge) into the results an unsharded
 * sweep has, so that sweep_write.c writes the same file for both.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <hdf5.h>

#include "core/util.h"
#include "results/h5io.h"
#include "results/provenance.h"
#include "sweep/sweep.h"

static char *attr_str(mps_h5r *r, hid_t loc, const char *name)
{
    return r->failed ? NULL : mps_h5r_attr_str(r, loc, name);
}

static char *scalar_str(mps_h5r *r, hid_t loc, const char *name)
{
    char *s = NULL;
    if (!r->failed)
        mps_h5r_data(r, loc, name, MPS_T_STR, 0, NULL, &s);
    return s;
}

/* summary [point, metric, statistic] into r->values (checked shape). */
static void read_summary(mps_h5r *r, hid_t g, mpsim_sweep_results *res)
{
    const size_t ms = MPSIM_N_METRICS * MPSIM_N_STATS;
    if (r->failed)
        return;
    hid_t ds = H5Dopen2(g, "summary", H5P_DEFAULT);
    hid_t sp = ds >= 0 ? H5Dget_space(ds) : -1;
    hsize_t dims[3] = {0, 0, 0};
    double *buf = mps_calloc(res->n_points * ms, sizeof *buf);
    if (ds < 0 || sp < 0 || H5Sget_simple_extent_ndims(sp) != 3 ||
        H5Sget_simple_extent_dims(sp, dims, NULL) < 0 || dims[0] != res->n_points ||
        dims[1] != MPSIM_N_METRICS || dims[2] != MPSIM_N_STATS)
        mps_h5r_fail(r, g, "summary", "expected shape [%zu, %d, %d]", res->n_points,
                     MPSIM_N_METRICS, MPSIM_N_STATS);
    else if (buf == NULL)
        mps_h5r_fail(r, g, "summary", "out of memory");
    else if (H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0)
        mps_h5r_fail(r, g, "summary", "cannot read dataset (damaged file?)");
    else
        for (size_t p = 0; p < res->n_points; p++)
            memcpy(&res->values[p * MPS_SWEEP_N_VALUES], buf + p * ms, ms * sizeof *buf);
    free(buf);
    mps_h5_close(sp);
    mps_h5_close(ds);
}

static mpsim_sweep_results *read_contents(mps_h5r *r, hid_t file)
{
    hid_t g = mps_h5r_group(r, file, "sweep");
    if (g < 0)
        return NULL;
    uint64_t n_points = mps_h5r_attr_u64(r, g, "points");
    size_t n_params = r->failed ? 0 : mps_h5r_len(r, g, "parameter");
    int grid = mps_h5r_exists(g, "point_text");
    if (r->failed || n_points == 0 || n_points > MPS_SWEEP_MAX_POINTS || n_params == 0 ||
        n_params > MPS_SWEEP_MAX_PARAMS) {
        if (!r->failed)
            mps_h5r_fail(r, g, NULL, "implausible numbers of points or parameters");
        mps_h5_close(g);
        return NULL;
    }
    mpsim_sweep_results *res = mps_sweep_results_alloc((size_t)n_points, n_params, grid);
    if (res == NULL) {
        mps_h5r_fail(r, g, NULL, "out of memory");
        mps_h5_close(g);
        return NULL;
    }
    res->mpsim_version = attr_str(r, file, "mpsim_version");
    res->created = mps_h5r_has_attr(file, "created") ? attr_str(r, file, "created") : NULL;
    res->command_line =
        mps_h5r_has_attr(file, "command_line") ? attr_str(r, file, "command_line") : NULL;
    res->seed = mps_h5r_attr_u64(r, file, "seed");
    res->paths = mps_h5r_attr_u64(r, file, "paths");
    res->sweep_id = attr_str(r, file, "sweep_id");
    if (mps_h5r_has_attr(file, "shard")) {
        char *shard = attr_str(r, file, "shard");
        unsigned i = 0, n = 0;
        if (shard == NULL || sscanf(shard, "%u/%u", &i, &n) != 2 || i < 1 || i > n)
            mps_h5r_fail(r, file, NULL, "attribute shard is not i/n");
        res->shard_index = i;
        res->shard_count = n;
        free(shard);
    }
    res->name = attr_str(r, g, "name");
    res->description = attr_str(r, g, "description");
    res->method = attr_str(r, g, "method");
    res->base = attr_str(r, g, "base");
    res->design_seed = mps_h5r_attr_u64(r, g, "design_seed");
    hsize_t d1 = n_params, dn = n_points, d2[2] = {n_points, n_params},
            dh[2] = {n_points, MPS_N_HEADLINE};
    mps_h5r_data(r, g, "parameter", MPS_T_STR, 1, &d1, res->param_path);
    mps_h5r_data(r, g, "minimum", MPS_T_F64, 1, &d1, res->param_min);
    mps_h5r_data(r, g, "maximum", MPS_T_F64, 1, &d1, res->param_max);
    mps_h5r_data(r, g, "integer", MPS_T_I32, 1, &d1, res->param_integer);
    mps_h5r_data(r, g, "values", MPS_T_STR, 1, &d1, res->param_values);
    mps_h5r_data(r, g, "points", MPS_T_F64, 2, d2, res->points);
    if (grid)
        mps_h5r_data(r, g, "point_text", MPS_T_STR, 2, d2, res->point_text);
    read_summary(r, g, res);
    double *headline = mps_calloc((size_t)n_points * MPS_N_HEADLINE, sizeof *headline);
    if (headline == NULL)
        mps_h5r_fail(r, g, "headline", "out of memory");
    else
        mps_h5r_data(r, g, "headline", MPS_T_F64, 2, dh, headline);
    for (size_t p = 0; headline && !r->failed && p < n_points; p++)
        memcpy(&res->values[p * MPS_SWEEP_N_VALUES + MPSIM_N_METRICS * MPSIM_N_STATS],
               headline + p * MPS_N_HEADLINE, MPS_N_HEADLINE * sizeof *headline);
    free(headline);
    mps_h5r_data(r, g, "status", MPS_T_I32, 1, &dn, res->status);
    mps_h5r_data(r, g, "error", MPS_T_STR, 1, &dn, res->error);
    if (res->shard_count)
        mps_h5r_data(r, g, "done", MPS_T_I32, 1, &dn, res->done);
    else
        for (size_t p = 0; p < n_points; p++)
            res->done[p] = 1;
    res->input_text = scalar_str(r, g, "input");
    res->base_input_text = scalar_str(r, g, "base_input");
    res->base_resolved_text = scalar_str(r, g, "base_resolved");
    mps_h5_close(g);
    if (r->failed) {
        mpsim_sweep_results_free(res);
        return NULL;
    }
    return res;
}

int mpsim_sweep_read_hdf5(const char *path, mpsim_sweep_results **out, mpsim_errors *errs)
{
    *out = NULL;
    struct stat st;
    if (path == NULL || stat(path, &st) != 0) {
        mpsim_errors_add(errs, path, 0, 0, NULL, "cannot read the sweep file: %s",
                         path ? strerror(errno) : "no file given");
        return MPSIM_ERR_INPUT;
    }
    if (!S_ISREG(st.st_mode)) {
        mpsim_errors_add(errs, path, 0, 0, NULL, "not a sweep file: not a regular file");
        return MPSIM_ERR_INPUT;
    }
    mps_h5_quiet quiet;
    mps_h5_quiet_begin(&quiet);
    mps_h5r r = {errs, path, 0};
    mpsim_sweep_results *res = NULL;
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS), file = -1;
    if (H5Fis_hdf5(path) <= 0 || fapl < 0 || H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG) < 0 ||
        (file = H5Fopen(path, H5F_ACC_RDONLY, fapl)) < 0) {
        mpsim_errors_add(errs, path, 0, 0, NULL,
                         "not a readable sweep file: HDF5 cannot open it (not HDF5, truncated "
                         "or damaged?)");
        r.failed = 1;
    } else {
        char *format =
            mps_h5r_has_attr(file, "format") ? mps_h5r_attr_str(&r, file, "format") : NULL;
        int ours = format && strcmp(format, "mpsim-sweep") == 0;
        free(format);
        int64_t v = ours ? mps_h5r_attr_i64(&r, file, "format_version") : 0;
        if (!ours && !r.failed)
            mpsim_errors_add(errs, path, 0, 0, NULL,
                             "not an mpsim sweep file: no root attribute format = "
                             "\"mpsim-sweep\"");
        else if (!r.failed && (v < 1 || v > MPSIM_FORMAT_VERSION))
            mpsim_errors_add(errs, path, 0, 0, NULL,
                             "sweep file format version %lld; this mpsim reads version %d",
                             (long long)v, MPSIM_FORMAT_VERSION);
        else if (!r.failed)
            res = read_contents(&r, file);
        if (res == NULL)
            r.failed = 1;
    }
    mps_h5_close(file);
    mps_h5_close(fapl);
    mps_h5_quiet_end(&quiet);
    if (r.failed) {
        mpsim_sweep_results_free(res);
        return MPSIM_ERR_INPUT;
    }
    *out = res;
    return MPSIM_OK;
}

/* ------------------------------------------------------------------ merge */

static int take_str(char **dst, const char *src)
{
    free(*dst);
    *dst = mps_strdup(src ? src : "");
    return *dst != NULL;
}

int mpsim_sweep_merge(mpsim_sweep_results *const *shards, const char *const *names, size_t n,
                      mpsim_sweep_results **out, mpsim_errors *errs)
{
    *out = NULL;
    if (n == 0) {
        mpsim_errors_add(errs, NULL, 0, 0, NULL, "no shard files to merge");
        return MPSIM_ERR_INPUT;
    }
    const mpsim_sweep_results *a = shards[0];
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        const mpsim_sweep_results *s = shards[i];
        if (s->shard_count == 0) {
            mpsim_errors_add(errs, names[i], 0, 0, NULL,
                             "is a whole sweep's file, not a shard (written without --shard); "
                             "it needs no merging");
            bad = 1;
        } else if (strcmp(s->sweep_id, a->sweep_id) != 0 || s->n_points != a->n_points ||
                   s->n_params != a->n_params) {
            mpsim_errors_add(errs, names[i], 0, 0, NULL,
                             "belongs to a different sweep than %s (sweep %s, not %s): the "
                             "sweep file, base scenario, paths, seed or mpsim version differ",
                             names[0], s->sweep_id, a->sweep_id);
            bad = 1;
        }
    }
    if (bad)
        return MPSIM_ERR_INPUT;
    /* Every point exactly once. */
    size_t *owner = mps_calloc(a->n_points, sizeof *owner);
    if (owner == NULL) {
        mpsim_errors_add(errs, NULL, 0, 0, NULL, "out of memory merging");
        return MPSIM_ERR_FAIL;
    }
    for (size_t i = 0; i < n && !bad; i++) {
        for (size_t p = 0; p < a->n_points && !bad; p++) {
            if (!shards[i]->done[p])
                continue;
            if (owner[p]) {
                mpsim_errors_add(errs, names[i], 0, 0, NULL,
                                 "holds point %zu, which %s holds too (shard %u/%u and %u/%u); "
                                 "give each shard once",
                                 p, names[owner[p] - 1], shards[i]->shard_index,
                                 shards[i]->shard_count, shards[owner[p] - 1]->shard_index,
                                 shards[owner[p] - 1]->shard_count);
                bad = 1;
            }
            owner[p] = i + 1;
        }
    }
    size_t missing = 0, first_missing = 0;
    for (size_t p = 0; p < a->n_points && !bad; p++) {
        if (!owner[p] && missing++ == 0)
            first_missing = p;
    }
    if (!bad && missing) {
        uint32_t sc = a->shard_count;
        mpsim_errors_add(errs, NULL, 0, 0, NULL,
                         "the shards miss %zu of the sweep's %zu points (the first is point "
                         "%zu, of shard %zu/%u); give every shard's file, each complete",
                         missing, a->n_points, first_missing, first_missing % sc + 1, (unsigned)sc);
        bad = 1;
    }
    if (bad) {
        free(owner);
        return MPSIM_ERR_INPUT;
    }
    int grid = a->point_text != NULL;
    mpsim_sweep_results *m = mps_sweep_results_alloc(a->n_points, a->n_params, grid);
    int ok = m != NULL;
    if (ok) {
        ok = take_str(&m->sweep_id, a->sweep_id) && take_str(&m->mpsim_version, a->mpsim_version) &&
             take_str(&m->name, a->name) && take_str(&m->description, a->description) &&
             take_str(&m->method, a->method) && take_str(&m->base, a->base) &&
             take_str(&m->input_text, a->input_text) &&
             take_str(&m->base_input_text, a->base_input_text) &&
             take_str(&m->base_resolved_text, a->base_resolved_text) &&
             mps_provenance_fill(&m->provenance) == MPSIM_OK;
    }
    if (ok) {
        m->seed = a->seed;
        m->paths = a->paths;
        m->design_seed = a->design_seed;
        size_t np = a->n_params;
        for (size_t j = 0; ok && j < np; j++) {
            m->param_min[j] = a->param_min[j];
            m->param_max[j] = a->param_max[j];
            m->param_integer[j] = a->param_integer[j];
            ok = take_str(&m->param_path[j], a->param_path[j]) &&
                 take_str(&m->param_values[j], a->param_values[j]);
        }
        memcpy(m->points, a->points, a->n_points * np * sizeof *m->points);
        for (size_t k = 0; ok && grid && k < a->n_points * np; k++)
            ok = take_str(&m->point_text[k], a->point_text[k]);
        for (size_t p = 0; ok && p < a->n_points; p++) {
            const mpsim_sweep_results *s = shards[owner[p] - 1];
            memcpy(&m->values[p * MPS_SWEEP_N_VALUES], &s->values[p * MPS_SWEEP_N_VALUES],
                   MPS_SWEEP_N_VALUES * sizeof *m->values);
            m->status[p] = s->status[p];
            m->done[p] = 1;
            ok = take_str(&m->error[p], s->error[p]);
        }
    }
    free(owner);
    if (!ok) {
        mpsim_sweep_results_free(m);
        mpsim_errors_add(errs, NULL, 0, 0, NULL, "out of memory merging");
        return MPSIM_ERR_FAIL;
    }
    *out = m;
    return MPSIM_OK;
}
