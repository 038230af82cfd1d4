/*
 * The HDF5 results file: layout checked through the HDF5 API (root
 * attributes, descriptions, dimension scales on every dimension, shapes and
 * values), read-back field by field, byte-identical rewrites, the
 * temporary-file-then-rename guarantee, and bad files read as bad input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gsl/gsl_version.h>
#include <hdf5.h>
#include <hdf5_hl.h>

#include "mpsim.h"
#include "results/provenance.h"
#include "results_fixture.h"
#include "test_support.h"

/* ---------------------------------------------------------------- helpers */

static char *join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    assert_non_null(p);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    assert_true(n >= 0);
    fseek(f, 0, SEEK_SET);
    unsigned char *b = malloc((size_t)n + 1);
    assert_non_null(b);
    assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return b;
}

static void spit(const char *path, const void *buf, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(buf, 1, len, f), len);
    fclose(f);
}

/* Number of entries in dir other than . and .. */
static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            n++;
    closedir(d);
    return n;
}

static void remove_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char *p = join(dir, e->d_name);
        struct stat st;
        if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
            remove_tree(p);
        else
            unlink(p);
        free(p);
    }
    closedir(d);
    rmdir(dir);
}

static void write_ok(const mpsim_results *r, const char *path)
{
    mpsim_errors e;
    mpsim_errors_init(&e);
    int rc = mpsim_results_write_hdf5(r, path, &e);
    if (rc != MPSIM_OK)
        mpsim_errors_print(&e, stderr);
    assert_int_equal(rc, MPSIM_OK);
    assert_int_equal(e.count, 0);
    mpsim_errors_clear(&e);
}

static char *attr_string(hid_t loc, const char *name)
{
    hid_t a = H5Aopen(loc, name, H5P_DEFAULT);
    assert_true(a >= 0);
    hid_t t = H5Aget_type(a);
    assert_int_equal(H5Tget_class(t), H5T_STRING);
    assert_false(H5Tis_variable_str(t) > 0);
    size_t n = H5Tget_size(t);
    char *s = calloc(n + 1, 1);
    assert_non_null(s);
    assert_true(H5Aread(a, t, s) >= 0);
    H5Tclose(t);
    H5Aclose(a);
    return s;
}

static void assert_attr_string(hid_t loc, const char *name, const char *want)
{
    char *s = attr_string(loc, name);
    assert_string_equal(s, want);
    free(s);
}

static void read_f64(hid_t file, const char *path, double *buf, hssize_t want_n)
{
    hid_t ds = H5Dopen2(file, path, H5P_DEFAULT);
    if (ds < 0)
        fail_msg("missing dataset %s", path);
    hid_t sp = H5Dget_space(ds);
    assert_int_equal(H5Sget_simple_extent_npoints(sp), want_n);
    assert_true(H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0);
    H5Sclose(sp);
    H5Dclose(ds);
}

static void assert_same_str(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        assert_true(a == NULL && b == NULL);
    else
        assert_string_equal(a, b);
}

static void assert_same_double(double a, double b)
{
    if (isnan(a) || isnan(b))
        assert_true(isnan(a) && isnan(b));
    else
        assert_true(a == b);
}

/* ------------------------------------------------ every dataset, visited */

typedef struct {
    int objects;
    int datasets;
    int with_paths;
    int scales;
} visit_state;

/* Length of dimension 0 of a 1-D dataset. */
static hsize_t len1(hid_t ds)
{
    hid_t sp = H5Dget_space(ds);
    hsize_t n = 0;
    assert_int_equal(H5Sget_simple_extent_ndims(sp), 1);
    H5Sget_simple_extent_dims(sp, &n, NULL);
    H5Sclose(sp);
    return n;
}

static herr_t scale_len_cb(hid_t did, unsigned dim, hid_t dsid, void *data)
{
    hsize_t dims[2];
    hid_t sp = H5Dget_space(did);
    H5Sget_simple_extent_dims(sp, dims, NULL);
    H5Sclose(sp);
    assert_int_equal(len1(dsid), dims[dim]);
    (void)data;
    return 0;
}

static herr_t visit_cb(hid_t g, const char *name, const H5L_info_t *info, void *data)
{
    visit_state *v = data;
    (void)info;
    H5O_info_t oi;
    assert_true(H5Oget_info_by_name(g, name, &oi, H5P_DEFAULT) >= 0);
    /* No object timestamps, so identical results give identical bytes
     * whenever they are written (two writes in the same second would not
     * show this). */
    if (oi.mtime != 0 || oi.ctime != 0 || oi.atime != 0 || oi.btime != 0)
        fail_msg("object %s records timestamps", name);
    v->objects++;
    if (oi.type != H5O_TYPE_DATASET)
        return 0;
    v->datasets++;
    hid_t ds = H5Dopen2(g, name, H5P_DEFAULT);
    assert_true(ds >= 0);
    if (H5Aexists(ds, "description") <= 0)
        fail_msg("dataset %s has no description", name);
    hid_t sp = H5Dget_space(ds);
    int rank = H5Sget_simple_extent_ndims(sp);
    H5Sclose(sp);
    if (strstr(name, "/paths/")) {
        /* Per-path data: no scale on any dimension (all-or-none rule). */
        v->with_paths++;
        assert_int_equal(H5DSget_num_scales(ds, 0), 0);
        hid_t dcpl = H5Dget_create_plist(ds);
        assert_int_equal(H5Pget_layout(dcpl), H5D_CHUNKED);
        assert_int_equal(H5Pget_nfilters(dcpl), 2); /* shuffle, deflate */
        H5Pclose(dcpl);
    } else if (H5DSis_scale(ds) > 0) {
        v->scales++;
        assert_int_equal(rank, 1);
    } else {
        for (int d = 0; d < rank; d++) {
            if (H5DSget_num_scales(ds, (unsigned)d) != 1)
                fail_msg("dataset %s: dimension %d has no scale", name, d);
            int idx = 0;
            assert_true(H5DSiterate_scales(ds, (unsigned)d, &idx, scale_len_cb, NULL) >= 0);
        }
    }
    H5Dclose(ds);
    return 0;
}

/* ------------------------------------------------------------------ tests */

static void test_layout(void **state)
{
    (void)state;
    char *dir = mps_test_tmpdir();
    char *path = join(dir, "out.h5");
    mpsim_results *r = fx_results(2, 1);
    write_ok(r, path);
    assert_int_equal(count_entries(dir), 1); /* no temporary file left */

    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(f >= 0);
    assert_attr_string(f, "format", "mpsim-results");
    assert_attr_string(f, "rng", "philox4x32-10");
    assert_attr_string(f, "mpsim_version", MPSIM_VERSION_STRING);
    assert_attr_string(f, "created", "2025-01-01T00:00:00Z");
    assert_attr_string(f, "command_line", "mpsim run 'my scenario.yaml'");
    int fv = 0;
    uint64_t seed = 0, paths = 0;
    assert_true(H5LTget_attribute_int(f, "/", "format_version", &fv) >= 0);
    assert_int_equal(fv, 1);
    hid_t a = H5Aopen(f, "seed", H5P_DEFAULT);
    hid_t t = H5Aget_type(a);
    assert_true(H5Tequal(t, H5T_STD_U64LE) > 0);
    assert_true(H5Aread(a, H5T_NATIVE_UINT64, &seed) >= 0);
    H5Tclose(t);
    H5Aclose(a);
    a = H5Aopen(f, "paths", H5P_DEFAULT);
    assert_true(H5Aread(a, H5T_NATIVE_UINT64, &paths) >= 0);
    H5Aclose(a);
    assert_int_equal(seed, 20250101);
    assert_int_equal(paths, 1000);
    hid_t prov = H5Gopen2(f, "provenance", H5P_DEFAULT);
    assert_attr_string(prov, "git_revision", "0123456789ab");
    assert_attr_string(prov, "hdf5_version", "1.10.8");
    H5Gclose(prov);

    /* Every dataset: description, scales on every dimension of the right length. */
    visit_state v = {0, 0, 0, 0};
    H5O_info_t root;
    assert_true(H5Oget_info(f, &root) >= 0);
    /* The root group is made by H5Fcreate, not by the writer's group calls. */
    if (root.mtime != 0 || root.ctime != 0 || root.atime != 0 || root.btime != 0)
        fail_msg("the root group records timestamps");
    assert_true(H5Lvisit(f, H5_INDEX_NAME, H5_ITER_INC, visit_cb, &v) >= 0);
    assert_int_equal(v.with_paths, 2 * MPSIM_N_METRICS);
    assert_true(v.scales >= 2 * 12);
    assert_true(v.datasets > 100);
    assert_true(v.objects > v.datasets); /* groups were checked too */

    /* Values and shapes. */
    double vals[MPSIM_N_METRICS * MPSIM_N_STATS];
    read_f64(f, "/scenarios/warm-homes-ringfenced/summary/values", vals,
             MPSIM_N_METRICS * MPSIM_N_STATS);
    for (int m = 0; m < MPSIM_N_METRICS; m++)
        for (int k = 0; k < MPSIM_N_STATS; k++)
            assert_same_double(vals[m * MPSIM_N_STATS + k], r->scenarios[1].stats[m][k]);
    int years[4];
    assert_true(H5LTread_dataset_int(f, "/scenarios/warm-homes/years", years) >= 0);
    assert_int_equal(years[0], 2025);
    assert_int_equal(years[3], 2028);
    double bands[12];
    read_f64(f, "/scenarios/warm-homes/timeseries/cost", bands, 12);
    assert_true(bands[2 * 3 + 1] == r->scenarios[0].series[1].bands[2 * 3 + 1]);
    double yq[2 * MPSIM_N_YEAR_Q];
    read_f64(f, "/scenarios/warm-homes/missions/year_quantiles", yq, 2 * MPSIM_N_YEAR_Q);
    assert_true(yq[2] == 2036.0);
    assert_true(isnan(yq[4]) && isnan(yq[MPSIM_N_YEAR_Q]));
    double one;
    read_f64(f, "/scenarios/warm-homes/static/bcr", &one, 1);
    assert_true(one == 1.85);
    read_f64(f, "/scenarios/warm-homes/dynamic/decomposition/wider_economy", &one, 1);
    assert_true(one == 40.25);
    read_f64(f, "/comparisons/warm-homes--warm-homes-ringfenced/npv_diff_se", &one, 1);
    assert_true(one == 1.27);
    double *pv = malloc(70000 * sizeof *pv);
    read_f64(f, "/scenarios/warm-homes/paths/pv_gdp", pv, 70000);
    assert_true(pv[69999] == r->scenarios[0].paths[MPSIM_M_PV_GDP][69999]);
    free(pv);
    hid_t ds = H5Dopen2(f, "/scenarios/warm-homes/projects/mean_pv_cost", H5P_DEFAULT);
    assert_attr_string(ds, "units", "GBP million (real, base-year prices)");
    H5Dclose(ds);
    ds = H5Dopen2(f, "/scenarios/warm-homes/years", H5P_DEFAULT);
    assert_attr_string(ds, "units", "calendar year");
    char nm[16] = "";
    assert_true(H5DSget_scale_name(ds, nm, sizeof nm) > 0);
    assert_string_equal(nm, "years");
    H5Dclose(ds);
    /* The input, verbatim, as a variable-length UTF-8 string. */
    ds = H5Dopen2(f, "/scenarios/warm-homes/input", H5P_DEFAULT);
    hid_t mt = H5Tcopy(H5T_C_S1);
    H5Tset_size(mt, H5T_VARIABLE);
    H5Tset_cset(mt, H5T_CSET_UTF8);
    char *text = NULL;
    assert_true(H5Dread(ds, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, &text) >= 0);
    assert_string_equal(text, r->scenarios[0].input_text);
    H5free_memory(text);
    H5Tclose(mt);
    H5Dclose(ds);
    assert_true(H5LTpath_valid(f, "/scenarios/warm-homes/inputs", 1) > 0);
    H5Fclose(f);

    mpsim_results_free(r);
    remove_tree(dir);
    free(path);
    free(dir);
}

static void compare_results(const mpsim_results *a, const mpsim_results *b)
{
    assert_int_equal(a->static_only, b->static_only);
    assert_int_equal(a->seed, b->seed);
    assert_int_equal(a->quantiles_exact, b->quantiles_exact);
    assert_int_equal(a->antithetic, b->antithetic);
    assert_true(a->target_se == b->target_se);
    assert_int_equal(a->target_se_reached, b->target_se_reached);
    assert_int_equal(a->paths, b->paths);
    assert_same_str(a->mpsim_version, b->mpsim_version);
    assert_same_str(a->created, b->created);
    assert_same_str(a->command_line, b->command_line);
    assert_same_str(a->provenance.compiler_flags, b->provenance.compiler_flags);
    assert_same_str(a->provenance.random123_version, b->provenance.random123_version);
    assert_int_equal(a->n_scenarios, b->n_scenarios);
    for (size_t i = 0; i < a->n_scenarios; i++) {
        const mpsim_scenario_result *x = &a->scenarios[i], *y = &b->scenarios[i];
        assert_same_str(x->name, y->name);
        assert_same_str(x->description, y->description);
        assert_same_str(x->input_file, y->input_file);
        assert_same_str(x->input_text, y->input_text);
        assert_same_str(x->resolved_text, y->resolved_text);
        assert_int_equal(x->n_inputs, y->n_inputs);
        for (size_t i = 0; i < x->n_inputs; i++) {
            assert_same_str(x->input_names[i], y->input_names[i]);
            assert_same_str(x->input_texts[i], y->input_texts[i]);
        }
        assert_int_equal(x->base_year, y->base_year);
        assert_int_equal(x->horizon, y->horizon);
        assert_same_double(x->stat.pv_cost, y->stat.pv_cost);
        assert_same_double(x->stat.pvc, y->stat.pvc);
        assert_same_double(x->stat.pv_benefits, y->stat.pv_benefits);
        assert_same_double(x->stat.npv, y->stat.npv);
        assert_same_double(x->stat.bcr, y->stat.bcr);
        assert_int_equal(x->has_dynamic, y->has_dynamic);
        if (!x->has_dynamic)
            continue;
        for (int m = 0; m < MPSIM_N_METRICS; m++)
            for (int k = 0; k < MPSIM_N_STATS; k++)
                assert_same_double(x->stats[m][k], y->stats[m][k]);
        assert_same_double(x->expected_bcr, y->expected_bcr);
        assert_same_double(x->p_bcr_above_1, y->p_bcr_above_1);
        assert_same_double(x->p_npv_negative, y->p_npv_negative);
        assert_same_double(x->expected_shortfall_5, y->expected_shortfall_5);
        assert_int_equal(x->bcr_undefined, y->bcr_undefined);
        for (int d = 0; d < MPSIM_N_DECOMP; d++)
            assert_same_double(x->decomposition[d], y->decomposition[d]);
        assert_int_equal(x->n_missions, y->n_missions);
        for (size_t j = 0; j < x->n_missions; j++) {
            const mpsim_mission_result *p = &x->missions[j], *q = &y->missions[j];
            assert_same_str(p->id, q->id);
            assert_same_str(p->name, q->name);
            assert_int_equal(p->has_target, q->has_target);
            assert_same_double(p->target_value, q->target_value);
            assert_int_equal(p->target_by, q->target_by);
            assert_same_double(p->p_achieved, q->p_achieved);
            for (int k = 0; k < MPSIM_N_YEAR_Q; k++)
                assert_same_double(p->year_q[k], q->year_q[k]);
        }
        assert_int_equal(x->n_projects, y->n_projects);
        for (size_t j = 0; j < x->n_projects; j++) {
            const mpsim_project_result *p = &x->projects[j], *q = &y->projects[j];
            assert_same_str(p->id, q->id);
            assert_same_str(p->mission, q->mission);
            assert_same_str(p->kind, q->kind);
            assert_same_str(p->category, q->category);
            assert_same_double(p->p_success, q->p_success);
            assert_same_double(p->mean_pv_cost, q->mean_pv_cost);
            assert_same_double(p->mean_pv_benefits, q->mean_pv_benefits);
            assert_same_double(p->mean_pv_direct, q->mean_pv_direct);
            assert_same_double(p->mean_pv_spillovers, q->mean_pv_spillovers);
            assert_same_double(p->mean_pv_savings, q->mean_pv_savings);
            assert_same_double(p->mean_pv_gdp, q->mean_pv_gdp);
        }
        assert_int_equal(x->n_kinds, y->n_kinds);
        for (size_t j = 0; j < x->n_kinds; j++) {
            assert_same_str(x->kinds[j].kind, y->kinds[j].kind);
            assert_int_equal(x->kinds[j].projects, y->kinds[j].projects);
            assert_same_double(x->kinds[j].mean_pv_cost, y->kinds[j].mean_pv_cost);
            assert_same_double(x->kinds[j].mean_pv_benefits, y->kinds[j].mean_pv_benefits);
        }
        assert_int_equal(x->n_quantiles, y->n_quantiles);
        for (size_t q = 0; q < x->n_quantiles; q++)
            assert_same_double(x->quantile_levels[q], y->quantile_levels[q]);
        assert_int_equal(x->n_series, y->n_series);
        for (size_t j = 0; j < x->n_series; j++) {
            const mpsim_series *p = &x->series[j], *q = &y->series[j];
            assert_same_str(p->name, q->name);
            assert_same_str(p->description, q->description);
            assert_same_str(p->units, q->units);
            for (size_t k = 0; k < (size_t)x->horizon * x->n_quantiles; k++)
                assert_same_double(p->bands[k], q->bands[k]);
            for (int t = 0; t < x->horizon; t++)
                assert_same_double(p->mean[t], q->mean[t]);
        }
        const mpsim_distribution *dx[2] = {&x->dist_npv, &x->dist_bcr};
        const mpsim_distribution *dy[2] = {&y->dist_npv, &y->dist_bcr};
        for (int k = 0; k < 2; k++) {
            assert_int_equal(dx[k]->n_levels, dy[k]->n_levels);
            assert_int_equal(dx[k]->n_bins, dy[k]->n_bins);
            for (size_t j = 0; j < dx[k]->n_levels; j++) {
                assert_same_double(dx[k]->levels[j], dy[k]->levels[j]);
                assert_same_double(dx[k]->values[j], dy[k]->values[j]);
            }
            for (size_t j = 0; j < dx[k]->n_bins; j++) {
                assert_int_equal(dx[k]->counts[j], dy[k]->counts[j]);
                assert_same_double(dx[k]->edges[j], dy[k]->edges[j]);
            }
        }
        assert_int_equal(y->n_paths_kept, 0); /* per-path data is not read back */
    }
    assert_int_equal(a->n_comparisons, b->n_comparisons);
    for (size_t i = 0; i < a->n_comparisons; i++) {
        const mpsim_comparison *x = &a->comparisons[i], *y = &b->comparisons[i];
        assert_same_str(x->a, y->a);
        assert_same_str(x->b, y->b);
        assert_same_double(x->npv_diff_mean, y->npv_diff_mean);
        assert_same_double(x->npv_diff_sd, y->npv_diff_sd);
        assert_same_double(x->npv_diff_se, y->npv_diff_se);
        assert_same_double(x->p_b_better, y->p_b_better);
        assert_same_double(x->exchequer_diff_mean, y->exchequer_diff_mean);
        assert_same_double(x->exchequer_diff_se, y->exchequer_diff_se);
        assert_int_equal(x->n_missions, y->n_missions);
        for (size_t j = 0; j < x->n_missions; j++) {
            assert_same_str(x->mission_ids[j], y->mission_ids[j]);
            assert_same_double(x->p_achieved_diff[j], y->p_achieved_diff[j]);
        }
    }
}

static void roundtrip(mpsim_results *r)
{
    char *dir = mps_test_tmpdir();
    char *path = join(dir, "rt.h5");
    write_ok(r, path);
    mpsim_errors e;
    mpsim_errors_init(&e);
    mpsim_results *back = NULL;
    int rc = mpsim_results_read_hdf5(path, &back, &e);
    if (rc != MPSIM_OK)
        mpsim_errors_print(&e, stderr);
    assert_int_equal(rc, MPSIM_OK);
    assert_non_null(back);
    compare_results(r, back);
    mpsim_results_free(back);
    mpsim_errors_clear(&e);
    mpsim_results_free(r);
    remove_tree(dir);
    free(path);
    free(dir);
}

static void test_roundtrip(void **state)
{
    (void)state;
    roundtrip(fx_results(2, 1));
    roundtrip(fx_results(1, 0));
}

static void test_static_only(void **state)
{
    (void)state;
    char *dir = mps_test_tmpdir();
    char *path = join(dir, "static.h5");
    mpsim_results *r = fx_static_results();
    write_ok(r, path);
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(f >= 0);
    assert_true(H5LTpath_valid(f, "/scenarios/warm-homes/static/bcr", 1) > 0);
    assert_true(H5LTpath_valid(f, "/scenarios/warm-homes/input", 1) > 0);
    assert_true(H5LTpath_valid(f, "/scenarios/warm-homes/summary", 0) <= 0);
    assert_true(H5LTpath_valid(f, "/comparisons", 0) <= 0);
    assert_true(H5Aexists(f, "seed") <= 0);
    H5Fclose(f);
    remove_tree(dir);
    free(path);
    free(dir);
    roundtrip(r);
}

static void test_byte_identical(void **state)
{
    (void)state;
    char *dir = mps_test_tmpdir();
    char *p1 = join(dir, "one.h5"), *p2 = join(dir, "two.h5");
    mpsim_results *r = fx_results(2, 1);
    write_ok(r, p1);
    write_ok(r, p2);
    size_t n1, n2;
    unsigned char *b1 = slurp(p1, &n1), *b2 = slurp(p2, &n2);
    assert_int_equal(n1, n2);
    assert_memory_equal(b1, b2, n1);
    free(b1);
    free(b2);
    mpsim_results_free(r);
    remove_tree(dir);
    free(p1);
    free(p2);
    free(dir);
}

static void test_provenance_fill(void **state)
{
    (void)state;
    mpsim_provenance p;
    memset(&p, 0, sizeof p);
    p.gsl_version = fx_str("stale"); /* replaced, not leaked */
    assert_int_equal(mps_provenance_fill(&p), MPSIM_OK);
    assert_string_equal(p.gsl_version, GSL_VERSION);
    unsigned maj, min, rel;
    H5get_libversion(&maj, &min, &rel);
    char want[32];
    snprintf(want, sizeof want, "%u.%u.%u", maj, min, rel);
    assert_string_equal(p.hdf5_version, want);
    assert_non_null(p.git_revision);
    assert_true(strlen(p.compiler) > 0);
    assert_non_null(p.compiler_flags);
    assert_true(strlen(p.yaml_version) > 0);
    assert_non_null(strstr(p.random123_version, "Random123"));
    mpsim_results *r = fx_calloc(1, sizeof *r);
    r->provenance = p;
    mpsim_results_free(r);
}

static void test_stamp(void **state)
{
    (void)state;
    mpsim_results *r = fx_calloc(1, sizeof *r);
    char *argv[] = {"mpsim", "run", "my file.yaml", "it's", "--seed=3", "", "a;b", NULL};
    assert_int_equal(mpsim_results_stamp(r, 7, argv), MPSIM_OK);
    assert_string_equal(r->command_line, "mpsim run 'my file.yaml' 'it'\\''s' --seed=3 '' 'a;b'");
    assert_int_equal(strlen(r->created), 20);
    int y, mo, d, h, mi, s;
    char z = 0;
    assert_int_equal(sscanf(r->created, "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &s, &z), 7);
    assert_int_equal(z, 'Z');
    assert_true(y >= 2024 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31);
    /* Stamping again replaces both strings. */
    char *argv2[] = {"mpsim", NULL};
    assert_int_equal(mpsim_results_stamp(r, 1, argv2), MPSIM_OK);
    assert_string_equal(r->command_line, "mpsim");
    mpsim_results_free(r);
    mpsim_results_free(NULL);
}

/* ---------------------------------------------------------- failure paths */

static void expect_write_failure(const mpsim_results *r, const char *path, const char *needle)
{
    mpsim_errors e;
    mpsim_errors_init(&e);
    assert_int_equal(mpsim_results_write_hdf5(r, path, &e), MPSIM_ERR_FAIL);
    assert_true(e.count > 0);
    assert_string_equal(e.items[0].file, path);
    assert_true(mps_test_errors_have(&e, NULL, needle));
    mpsim_errors_clear(&e);
}

static void test_write_failures(void **state)
{
    (void)state;
    char *dir = mps_test_tmpdir();
    mpsim_results *r = fx_results(2, 0);

    /* Missing directory: an error naming it; nothing is created. */
    char *missing = join(dir, "no-such-dir/out.h5");
    expect_write_failure(r, missing, "no-such-dir does not exist");
    assert_int_equal(count_entries(dir), 0);

    /* A regular file where the directory should be. */
    char *plain = join(dir, "plain");
    spit(plain, "x", 1);
    char *under = join(plain, "out.h5");
    expect_write_failure(r, under, "does not exist");

    /* An HDF5 failure half way (two scenarios with one name): the existing
     * target is untouched and no temporary file is left. */
    char *target = join(dir, "target.h5");
    spit(target, "precious", 8);
    free(r->scenarios[1].name);
    r->scenarios[1].name = fx_str("warm-homes");
    expect_write_failure(r, target, "cannot create group");
    size_t n;
    unsigned char *b = slurp(target, &n);
    assert_int_equal(n, 8);
    assert_memory_equal(b, "precious", 8);
    free(b);
    assert_int_equal(count_entries(dir), 2); /* plain, target */

    /* The target is a directory: the rename fails; the temporary goes. */
    char *subdir = join(dir, "sub.h5");
    assert_int_equal(mkdir(subdir, 0755), 0);
    free(r->scenarios[1].name);
    r->scenarios[1].name = fx_str("other");
    expect_write_failure(r, subdir, "cannot move it into place");
    assert_int_equal(count_entries(dir), 3);

    /* A read-only directory (meaningless for root, who may write anyway). */
    if (geteuid() != 0) {
        char *ro = join(dir, "ro");
        assert_int_equal(mkdir(ro, 0555), 0);
        char *in_ro = join(ro, "out.h5");
        expect_write_failure(r, in_ro, "cannot create a file in directory");
        assert_int_equal(count_entries(ro), 0);
        free(in_ro);
        free(ro);
    }

    mpsim_results_free(r);
    remove_tree(dir);
    free(subdir);
    free(target);
    free(under);
    free(plain);
    free(missing);
    free(dir);
}

static void expect_read_failure(const char *path, const char *needle, const char *key_path)
{
    mpsim_errors e;
    mpsim_errors_init(&e);
    mpsim_results *r = (mpsim_results *)&e; /* must be reset to NULL */
    int rc = mpsim_results_read_hdf5(path, &r, &e);
    if (rc != MPSIM_ERR_INPUT)
        fail_msg("reading %s gave status %d, not MPSIM_ERR_INPUT (expected \"%s\")", path, rc,
                 needle);
    assert_null(r);
    assert_true(e.count > 0);
    assert_string_equal(e.items[0].file, path);
    assert_true(mps_test_errors_have(&e, key_path, needle));
    mpsim_errors_clear(&e);
}

/* Opens a good results file for editing, for the structural tests. */
static hid_t open_rw(const char *path)
{
    hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    assert_true(f >= 0);
    return f;
}

static void test_read_failures(void **state)
{
    (void)state;
    char *dir = mps_test_tmpdir();
    char *good = join(dir, "good.h5");
    mpsim_results *r = fx_results(2, 0);
    write_ok(r, good);
    mpsim_results_free(r);
    size_t n;
    unsigned char *bytes = slurp(good, &n);
    assert_true(n > 2000);

    char *missing = join(dir, "missing.h5");
    expect_read_failure(missing, "No such file", NULL);
    expect_read_failure(dir, "not a regular file", NULL);

    char *text = join(dir, "text.h5");
    spit(text, "name: warm-homes\n", 17);
    expect_read_failure(text, "not an HDF5 file", NULL);
    char *empty = join(dir, "empty.h5");
    spit(empty, "", 0);
    expect_read_failure(empty, "not an HDF5 file", NULL);

    char *trunc = join(dir, "trunc.h5");
    spit(trunc, bytes, 1000);
    expect_read_failure(trunc, "truncated or damaged", NULL);

    /* A foreign HDF5 file. */
    char *foreign = join(dir, "foreign.h5");
    hid_t f = H5Fcreate(foreign, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    hsize_t three = 3;
    double xyz[3] = {1, 2, 3};
    assert_true(H5LTmake_dataset_double(f, "x", 1, &three, xyz) >= 0);
    H5Fclose(f);
    expect_read_failure(foreign, "without the root attribute format = \"mpsim-results\"", NULL);

    /* A newer format version. */
    char *newer = join(dir, "newer.h5");
    spit(newer, bytes, n);
    f = open_rw(newer);
    int two = 2;
    assert_true(H5LTset_attribute_int(f, "/", "format_version", &two, 1) >= 0);
    H5Fclose(f);
    expect_read_failure(newer, "written by a newer mpsim (format version 2); this mpsim reads version 1",
                        NULL);

    /* A missing dataset, named with its path. */
    char *gone = join(dir, "gone.h5");
    spit(gone, bytes, n);
    f = open_rw(gone);
    assert_true(H5Ldelete(f, "/scenarios/warm-homes/summary/values", H5P_DEFAULT) >= 0);
    H5Fclose(f);
    expect_read_failure(gone, "dataset is missing", "/scenarios/warm-homes/summary/values");

    /* A dataset of the wrong shape, and one of the wrong type. */
    char *shape = join(dir, "shape.h5");
    spit(shape, bytes, n);
    f = open_rw(shape);
    assert_true(H5Ldelete(f, "/scenarios/warm-homes/projects/p_success", H5P_DEFAULT) >= 0);
    hsize_t two_long = 2; /* the fixture has three projects */
    assert_true(H5LTmake_dataset_double(f, "/scenarios/warm-homes/projects/p_success", 1,
                                        &two_long, xyz) >= 0);
    H5Fclose(f);
    expect_read_failure(shape, "expected shape [3]", "/scenarios/warm-homes/projects/p_success");
    spit(shape, bytes, n);
    f = open_rw(shape);
    assert_true(H5Ldelete(f, "/scenarios/warm-homes/static/npv", H5P_DEFAULT) >= 0);
    assert_true(H5LTmake_dataset_string(f, "/scenarios/warm-homes/static/npv", "big") >= 0);
    H5Fclose(f);
    expect_read_failure(shape, "expected floating-point data", "/scenarios/warm-homes/static/npv");

    /* An order list naming a scenario that is not there. */
    char *order = join(dir, "order.h5");
    spit(order, bytes, n);
    f = open_rw(order);
    assert_true(H5Ldelete(f, "/scenarios/warm-homes-ringfenced", H5P_DEFAULT) >= 0);
    H5Fclose(f);
    expect_read_failure(order, "group is missing", "/scenarios/warm-homes-ringfenced");

    free(bytes);
    remove_tree(dir);
    free(good);
    free(missing);
    free(text);
    free(empty);
    free(trunc);
    free(foreign);
    free(newer);
    free(gone);
    free(shape);
    free(order);
    free(dir);
}

int main(void)
{
    /* The library silences HDF5's error printing itself; the tests' own
     * deliberate failures (probing absent paths) should not print either. */
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layout),          cmocka_unit_test(test_roundtrip),
        cmocka_unit_test(test_static_only),     cmocka_unit_test(test_byte_identical),
        cmocka_unit_test(test_provenance_fill), cmocka_unit_test(test_stamp),
        cmocka_unit_test(test_write_failures),  cmocka_unit_test(test_read_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
