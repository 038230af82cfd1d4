/*
 * mpsim_sweep_write_hdf5: the sweep file of docs/sweeps.md.
 *
 * One writer for whole sweeps, shards and merges: a merge rebuilds the
 * results an unsharded sweep has and writes them here, so the two files
 * are identical (apart from `created`, `command_line` and /provenance, as
 * for run files).  Like the results writer, the file is built in memory by
 * HDF5's core driver and written to disk whole, atomically, by
 * file_write.c; the image callbacks are the results writer's (see
 * engine/results/write_hdf5.c for why each is there).
 */
#include <stdlib.h>
#include <string.h>

#include <hdf5_hl.h>

#include "core/util.h"
#include "results/h5io.h"
#include "results/schema.h"
#include "results/write_hdf5.h"
#include "sweep/sweep.h"

/* The per-point values split into summary [point, metric, statistic] and
 * headline [point, measure]. */
static int split_values(const mpsim_sweep_results *r, double **summary, double **headline)
{
    const size_t ms = MPSIM_N_METRICS * MPSIM_N_STATS;
    *summary = mps_calloc(r->n_points * ms, sizeof **summary);
    *headline = mps_calloc(r->n_points * MPS_N_HEADLINE, sizeof **headline);
    if (*summary == NULL || *headline == NULL)
        return -1;
    for (size_t p = 0; p < r->n_points; p++) {
        const double *v = &r->values[p * MPS_SWEEP_N_VALUES];
        memcpy(*summary + p * ms, v, ms * sizeof *v);
        memcpy(*headline + p * MPS_N_HEADLINE, v + ms, MPS_N_HEADLINE * sizeof *v);
    }
    return 0;
}

static void write_sweep(mps_h5w *w, hid_t file, const mpsim_sweep_results *r)
{
    hid_t g = mps_h5w_group(w, file, "sweep");
    mps_h5w_attr_str(w, g, "name", r->name);
    mps_h5w_attr_str(w, g, "description", r->description);
    mps_h5w_attr_str(w, g, "method", r->method);
    mps_h5w_attr_str(w, g, "base", r->base);
    mps_h5w_attr_u64(w, g, "points", (uint64_t)r->n_points);
    mps_h5w_attr_u64(w, g, "design_seed", r->design_seed);

    uint64_t *idx = mps_calloc(r->n_points, sizeof *idx);
    double *summary = NULL, *headline = NULL;
    if (idx == NULL || split_values(r, &summary, &headline) != 0) {
        mps_h5w_fail(w, g, NULL, "out of memory");
        free(idx);
        free(summary);
        free(headline);
        mps_h5_close(g);
        return;
    }
    for (size_t p = 0; p < r->n_points; p++)
        idx[p] = p;
    hid_t pt = mps_h5w_scale(w, g, "point", MPS_T_U64, r->n_points, idx,
                             "index of the design point, from 0", NULL);
    hid_t par = mps_h5w_scale(w, g, "parameter", MPS_T_STR, r->n_params, r->param_path,
                              "key path of each varied input (scenario-format.md)", NULL);
    hid_t met = mps_h5w_scale(w, g, "metric", MPS_T_STR, MPSIM_N_METRICS, mpsim_metric_names,
                              "per-path metric (model.md section 10)", NULL);
    hid_t sta =
        mps_h5w_scale(w, g, "statistic", MPS_T_STR, MPSIM_N_STATS, mpsim_stat_names,
                      "statistic over paths: mean, sd (n - 1), se, min, max, quantiles", NULL);
    hid_t mea = mps_h5w_scale(w, g, "measure", MPS_T_STR, MPS_N_HEADLINE, mps_headline_names,
                              "headline measure of each point (docs/sweeps.md)", NULL);
    hsize_t d1 = r->n_params;
    /* The list of parameters under its documented name; `parameter` is the
     * same list as the dimension scale that netCDF readers need. */
    mps_h5w_data(w, g, "parameters", MPS_T_STR, 1, &d1, r->param_path,
                 "key path of each varied input (scenario-format.md), in the sweep file's "
                 "order",
                 NULL, &par);
    mps_h5w_data(w, g, "minimum", MPS_T_F64, 1, &d1, r->param_min,
                 "lower end of each parameter's range (lhs, sobol); NaN for grid", NULL, &par);
    mps_h5w_data(w, g, "maximum", MPS_T_F64, 1, &d1, r->param_max,
                 "upper end of each parameter's range (lhs, sobol); NaN for grid", NULL, &par);
    mps_h5w_data(w, g, "integer", MPS_T_I32, 1, &d1, r->param_integer,
                 "1 when the parameter's values are rounded to integers", NULL, &par);
    mps_h5w_data(w, g, "values", MPS_T_STR, 1, &d1, r->param_values,
                 "grid: the parameter's values as written, a YAML flow list; otherwise empty", NULL,
                 &par);
    hsize_t d2[2] = {r->n_points, r->n_params};
    hid_t s2[2] = {pt, par};
    mps_h5w_data(w, g, "points", MPS_T_F64, 2, d2, r->points,
                 "value of each parameter at each point (booleans 1 / 0; NaN for strings: see "
                 "point_text)",
                 NULL, s2);
    if (r->point_text != NULL)
        mps_h5w_data(w, g, "point_text", MPS_T_STR, 2, d2, r->point_text,
                     "grid: value of each parameter at each point as written in the sweep file",
                     NULL, s2);
    hsize_t d3[3] = {r->n_points, MPSIM_N_METRICS, MPSIM_N_STATS};
    hid_t s3[3] = {pt, met, sta};
    mps_h5w_data(w, g, "summary", MPS_T_F64, 3, d3, summary,
                 "statistics of each metric over paths at each point, as a run file's "
                 "summary/values (units: see metric_units); NaN where undefined or where the "
                 "point failed",
                 NULL, s3);
    const char *units[MPSIM_N_METRICS];
    for (int m = 0; m < MPSIM_N_METRICS; m++)
        units[m] = mps_metric_infos[m].units;
    hsize_t dm = MPSIM_N_METRICS;
    mps_h5w_data(w, g, "metric_units", MPS_T_STR, 1, &dm, units, "units of each metric", NULL,
                 &met);
    hsize_t dh = MPS_N_HEADLINE;
    mps_h5w_data(w, g, "measure_units", MPS_T_STR, 1, &dh, mps_headline_units,
                 "units of each headline measure", NULL, &mea);
    hsize_t d4[2] = {r->n_points, MPS_N_HEADLINE};
    hid_t s4[2] = {pt, mea};
    mps_h5w_data(w, g, "headline", MPS_T_F64, 2, d4, headline,
                 "headline measures at each point: static NPV and BCR, expected BCR, "
                 "P(BCR > 1), P(NPV < 0), expected shortfall at 5%, paths with BCR undefined; "
                 "NaN where undefined or where the point failed",
                 NULL, s4);
    hsize_t dn = r->n_points;
    mps_h5w_data(w, g, "status", MPS_T_I32, 1, &dn, r->status,
                 r->shard_count ? "0: the point ran; 1: its values made the scenario invalid "
                                  "(see error); -1: not a point of this shard"
                                : "0: the point ran; 1: its values made the scenario invalid "
                                  "(see error)",
                 NULL, &pt);
    mps_h5w_data(w, g, "error", MPS_T_STR, 1, &dn, r->error,
                 "why the point failed (file:line:column: key path: message); empty when it "
                 "ran",
                 NULL, &pt);
    if (r->shard_count)
        mps_h5w_data(w, g, "done", MPS_T_I32, 1, &dn, r->done, "1 for the points this shard ran",
                     NULL, &pt);
    mps_h5w_data(w, g, "input", MPS_T_STR, 0, NULL, &r->input_text, "the sweep file, verbatim",
                 NULL, NULL);
    mps_h5w_data(w, g, "base_input", MPS_T_STR, 0, NULL, &r->base_input_text,
                 "the base scenario file, verbatim", NULL, NULL);
    mps_h5w_data(w, g, "base_resolved", MPS_T_STR, 0, NULL, &r->base_resolved_text,
                 "the base scenario after `extends` merging (YAML)", NULL, NULL);
    mps_h5_close(pt);
    mps_h5_close(par);
    mps_h5_close(met);
    mps_h5_close(sta);
    mps_h5_close(mea);
    mps_h5_close(g);
    free(idx);
    free(summary);
    free(headline);
}

static void write_contents(mps_h5w *w, hid_t file, const mpsim_sweep_results *r)
{
    mps_h5w_attr_str(w, file, "format", "mpsim-sweep");
    mps_h5w_attr_i32(w, file, "format_version", MPSIM_FORMAT_VERSION);
    mps_h5w_attr_str(w, file, "mpsim_version",
                     r->mpsim_version ? r->mpsim_version : MPSIM_VERSION_STRING);
    mps_h5w_attr_str(w, file, "created", r->created);
    mps_h5w_attr_str(w, file, "command_line", r->command_line);
    mps_h5w_attr_u64(w, file, "seed", r->seed);
    mps_h5w_attr_u64(w, file, "paths", r->paths);
    mps_h5w_attr_str(w, file, "rng", "philox4x32-10");
    mps_h5w_attr_str(w, file, "sweep_id", r->sweep_id);
    if (r->shard_count) {
        char shard[32];
        snprintf(shard, sizeof shard, "%u/%u", (unsigned)r->shard_index, (unsigned)r->shard_count);
        mps_h5w_attr_str(w, file, "shard", shard);
    }
    mps_results_write_provenance(w, file, &r->provenance);
    write_sweep(w, file, r);
}

static void fill_contents(mps_h5w *w, hid_t file, const void *ctx)
{
    write_contents(w, file, ctx);
}

int mpsim_sweep_write_hdf5(const mpsim_sweep_results *r, const char *path, mpsim_errors *errs)
{
    if (r == NULL || path == NULL || *path == '\0') {
        mpsim_errors_add(errs, path, 0, 0, NULL, "no sweep results or no output path given");
        return MPSIM_ERR_FAIL;
    }
    return mps_h5_write_image_file(path, fill_contents, r, "sweep file", errs);
}
