/*
 * mps_sens_file_read: the sensitivity file that model_write.c writes, read
 * back for `mpsim report` (the tornado, the indices of the scalar outputs,
 * switching values, value of information and the provenance).  Every
 * object goes through the results reader's checked wrappers (h5io.h), so a
 * damaged or foreign file is a message naming the object, never a crash
 * of ours; `mpsim report` still reads the file in a child process first,
 * as `mpsim show` does, because libhdf5 itself can crash on crafted files.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <hdf5.h>

#include "core/util.h"
#include "results/h5io.h"
#include "sensitivity/sens_read.h"

#define MPS_SENS_FORMAT "mpsim-sensitivity"
/* Bounds on the sizes a file may claim, so a crafted one cannot make us
 * allocate without limit: far beyond any real analysis. */
#define MPS_SENS_MAX_INPUTS 100000
#define MPS_SENS_MAX_CELLS 10000000

/* ------------------------------------------------------------- the kind */

/* Opens path read-only, or returns -1 (nothing recorded). */
static hid_t open_file(const char *path)
{
    struct stat st;
    if (path == NULL || stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return -1;
#if H5_VERSION_GE(1, 12, 0)
    if (H5Fis_accessible(path, H5P_DEFAULT) <= 0)
        return -1;
#else
    if (H5Fis_hdf5(path) <= 0)
        return -1;
#endif
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    hid_t file = -1;
    if (fapl >= 0 && H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG) >= 0)
        file = H5Fopen(path, H5F_ACC_RDONLY, fapl);
    mps_h5_close(fapl);
    return file;
}

/* The root `format` attribute, malloc'd, or NULL. */
static char *root_format(mps_h5r *r, hid_t file)
{
    return mps_h5r_has_attr(file, "format") ? mps_h5r_attr_str(r, file, "format") : NULL;
}

int mps_sens_file_is(const char *path)
{
    mps_h5_quiet quiet;
    mps_h5_quiet_begin(&quiet);
    int is = 0;
    hid_t file = open_file(path);
    if (file >= 0) {
        mpsim_errors scratch;
        mpsim_errors_init(&scratch);
        mps_h5r r = {&scratch, path, 0};
        char *format = root_format(&r, file);
        is = format != NULL && strcmp(format, MPS_SENS_FORMAT) == 0;
        free(format);
        mpsim_errors_clear(&scratch);
        H5Fclose(file);
    }
    mps_h5_quiet_end(&quiet);
    return is;
}

/* ------------------------------------------------------------- arrays */

static double *f64(mps_h5r *r, hid_t g, const char *name, size_t a, size_t b, int rank)
{
    if (r->failed)
        return NULL;
    double *v = mps_calloc(a * b + 1, sizeof *v);
    if (v == NULL) {
        mps_h5r_fail(r, g, name, "out of memory");
        return NULL;
    }
    hsize_t d[2] = {a, b};
    mps_h5r_data(r, g, name, MPS_T_F64, rank, d, v);
    return v;
}

static int *i32(mps_h5r *r, hid_t g, const char *name, size_t n)
{
    if (r->failed)
        return NULL;
    int *v = mps_calloc(n + 1, sizeof *v);
    if (v == NULL) {
        mps_h5r_fail(r, g, name, "out of memory");
        return NULL;
    }
    hsize_t d = n;
    mps_h5r_data(r, g, name, MPS_T_I32, 1, &d, v);
    return v;
}

static char **strs(mps_h5r *r, hid_t g, const char *name, size_t n)
{
    if (r->failed)
        return NULL;
    char **v = mps_calloc(n + 1, sizeof *v);
    if (v == NULL) {
        mps_h5r_fail(r, g, name, "out of memory");
        return NULL;
    }
    hsize_t d = n;
    mps_h5r_data(r, g, name, MPS_T_STR, 1, &d, v);
    return v;
}

static double scalar(mps_h5r *r, hid_t g, const char *name)
{
    double v = NAN;
    if (!r->failed)
        mps_h5r_data(r, g, name, MPS_T_F64, 0, NULL, &v);
    return v;
}

static void free_strs(char **v, size_t n)
{
    if (v == NULL)
        return;
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* ------------------------------------------------------------- a scenario */

static void read_tornado(mps_h5r *r, hid_t sg, mps_sens_file_scenario *s)
{
    const size_t k = s->k;
    hid_t g = mps_h5r_group(r, sg, "tornado");
    if (g < 0)
        return;
    s->expected_npv = mps_h5r_attr_f64(r, g, "expected_npv");
    s->expected_bcr = mps_h5r_attr_f64(r, g, "expected_bcr");
    s->p10 = f64(r, g, "p10", k, 1, 1);
    s->p90 = f64(r, g, "p90", k, 1, 1);
    s->npv_p10 = f64(r, g, "npv_p10", k, 1, 1);
    s->npv_p90 = f64(r, g, "npv_p90", k, 1, 1);
    s->bcr_p10 = f64(r, g, "bcr_p10", k, 1, 1);
    s->bcr_p90 = f64(r, g, "bcr_p90", k, 1, 1);
    s->swing = f64(r, g, "swing", k, 1, 1);
    s->order = i32(r, g, "order", k);
    /* The order must be a permutation of the inputs: the report indexes
     * with it. */
    if (!r->failed) {
        char *seen = mps_calloc(k + 1, 1);
        for (size_t i = 0; seen && i < k && !r->failed; i++) {
            int o = s->order[i];
            if (o < 0 || (size_t)o >= k || seen[o])
                mps_h5r_fail(r, g, "order", "not a permutation of the %zu inputs", k);
            else
                seen[o] = 1;
        }
        if (seen == NULL)
            mps_h5r_fail(r, g, "order", "out of memory");
        free(seen);
    }
    mps_h5_close(g);
}

static void read_switching(mps_h5r *r, hid_t sg, mps_sens_file_scenario *s)
{
    const size_t k = s->k;
    hid_t g = mps_h5r_group(r, sg, "switching");
    if (g < 0)
        return;
    s->static_npv = mps_h5r_attr_f64(r, g, "static_npv");
    s->lo = f64(r, g, "lo", k, 1, 1);
    s->hi = f64(r, g, "hi", k, 1, 1);
    s->centre = f64(r, g, "centre", k, 1, 1);
    s->static_applies = i32(r, g, "static_applies", k);
    s->static_found = i32(r, g, "static_found", k);
    s->static_value = f64(r, g, "static_value", k, 1, 1);
    s->dynamic_found = i32(r, g, "dynamic_found", k);
    s->dynamic_value = f64(r, g, "dynamic_value", k, 1, 1);
    mps_h5_close(g);
}

static void read_scenario(mps_h5r *r, hid_t all, mps_sens_file_scenario *s)
{
    hid_t sc = mps_h5r_group(r, all, s->name);
    hid_t g = sc < 0 ? -1 : mps_h5r_group(r, sc, "sensitivity");
    if (g < 0) {
        mps_h5_close(sc);
        return;
    }
    s->samples = mps_h5r_attr_u64(r, g, "samples");
    uint64_t k = mps_h5r_attr_u64(r, g, "studied_inputs");
    if (r->failed || k == 0) { /* an alternative valued only in /voi */
        mps_h5_close(g);
        mps_h5_close(sc);
        return;
    }
    if (k > MPS_SENS_MAX_INPUTS) {
        mps_h5r_fail(r, g, NULL, "implausible number of studied inputs %llu",
                     (unsigned long long)k);
    } else {
        s->k = (size_t)k;
        s->evaluations = mps_h5r_attr_u64(r, g, "evaluations");
        s->estimand = mps_h5r_has_attr(g, "estimand") ? mps_h5r_attr_str(r, g, "estimand") : NULL;
        s->inputs = strs(r, g, "input", s->k);
        s->correlated = i32(r, g, "correlated", s->k);
        /* A file asked only for time series has no scalar outputs. */
        s->n_out = mps_h5r_exists(g, "output") ? mps_h5r_len(r, g, "output") : 0;
        if (!r->failed && s->n_out * s->k > MPS_SENS_MAX_CELLS)
            mps_h5r_fail(r, g, "output", "implausible number of outputs %zu", s->n_out);
    }
    if (s->n_out > 0 && !r->failed) {
        const size_t k2 = s->k, m = s->n_out;
        s->outputs = strs(r, g, "output", m);
        s->output_units = strs(r, g, "output_units", m);
        s->s1 = f64(r, g, "first_order", k2, m, 2);
        s->s1_se = f64(r, g, "first_order_se", k2, m, 2);
        s->s1_lo = f64(r, g, "first_order_lo", k2, m, 2);
        s->s1_hi = f64(r, g, "first_order_hi", k2, m, 2);
        s->st = f64(r, g, "total", k2, m, 2);
        s->st_se = f64(r, g, "total_se", k2, m, 2);
        s->st_lo = f64(r, g, "total_lo", k2, m, 2);
        s->st_hi = f64(r, g, "total_hi", k2, m, 2);
        s->s1_sum = f64(r, g, "first_order_sum", m, 1, 1);
        s->s1_sum_se = f64(r, g, "first_order_sum_se", m, 1, 1);
        s->unexplained = f64(r, g, "unexplained", m, 1, 1);
    }
    if (!r->failed)
        read_tornado(r, g, s);
    if (!r->failed)
        read_switching(r, g, s);
    mps_h5_close(g);
    mps_h5_close(sc);
}

static void scenario_free(mps_sens_file_scenario *s)
{
    free(s->name);
    free(s->estimand);
    free_strs(s->inputs, s->k);
    free_strs(s->outputs, s->n_out);
    free_strs(s->output_units, s->n_out);
    double *d[] = {s->s1,    s->s1_se,   s->s1_lo,   s->s1_hi,        s->st,           s->st_se,
                   s->st_lo, s->st_hi,   s->s1_sum,  s->s1_sum_se,    s->unexplained,  s->p10,
                   s->p90,   s->npv_p10, s->npv_p90, s->bcr_p10,      s->bcr_p90,      s->swing,
                   s->lo,    s->hi,      s->centre,  s->static_value, s->dynamic_value};
    for (size_t i = 0; i < sizeof d / sizeof d[0]; i++)
        free(d[i]);
    free(s->correlated);
    free(s->order);
    free(s->static_applies);
    free(s->static_found);
    free(s->dynamic_found);
}

/* ------------------------------------------------------------- the file */

/* The scenarios' names in the batch's order: /voi/alternative holds it for
 * a batch; a single scenario is the only member of /scenarios. */
static char **scenario_names(mps_h5r *r, hid_t file, hid_t all, size_t *n)
{
    *n = 0;
    if (mps_h5r_exists(file, "voi")) {
        hid_t v = mps_h5r_group(r, file, "voi");
        size_t m = v < 0 ? 0 : mps_h5r_len(r, v, "alternative");
        char **names = r->failed ? NULL : strs(r, v, "alternative", m);
        mps_h5_close(v);
        if (names)
            *n = m;
        return names;
    }
    H5G_info_t info;
    if (H5Gget_info(all, &info) < 0 || info.nlinks == 0 || info.nlinks > MPS_SENS_MAX_INPUTS) {
        mps_h5r_fail(r, file, "scenarios", "no scenarios (damaged file?)");
        return NULL;
    }
    char **names = mps_calloc((size_t)info.nlinks, sizeof *names);
    if (names == NULL) {
        mps_h5r_fail(r, file, "scenarios", "out of memory");
        return NULL;
    }
    for (hsize_t i = 0; i < info.nlinks && !r->failed; i++) {
        ssize_t len =
            H5Lget_name_by_idx(all, ".", H5_INDEX_NAME, H5_ITER_INC, i, NULL, 0, H5P_DEFAULT);
        char *s = len < 0 ? NULL : malloc((size_t)len + 1);
        if (s == NULL || H5Lget_name_by_idx(all, ".", H5_INDEX_NAME, H5_ITER_INC, i, s,
                                            (size_t)len + 1, H5P_DEFAULT) < 0)
            mps_h5r_fail(r, file, "scenarios", "cannot list the scenarios (damaged file?)");
        names[i] = s;
    }
    *n = (size_t)info.nlinks;
    return names;
}

static void read_voi(mps_h5r *r, hid_t file, mps_sens_file *f)
{
    hid_t g = mps_h5r_group(r, file, "voi");
    if (g < 0)
        return;
    f->has_voi = 1;
    f->best = mps_h5r_attr_str(r, g, "best");
    f->evpi = scalar(r, g, "evpi");
    f->evpi_se = scalar(r, g, "evpi_se");
    f->expected_current = scalar(r, g, "expected_current");
    size_t k = mps_h5r_len(r, g, "input");
    if (!r->failed && k > MPS_SENS_MAX_INPUTS)
        mps_h5r_fail(r, g, "input", "implausible number of inputs %zu", k);
    if (!r->failed) {
        f->voi_inputs = strs(r, g, "input", k);
        if (f->voi_inputs)
            f->voi_k = k;
        f->evppi = f64(r, g, "evppi", k, 1, 1);
        f->evppi_se = f64(r, g, "evppi_se", k, 1, 1);
    }
    mps_h5_close(g);
}

static void read_provenance(mps_h5r *r, hid_t file, mpsim_provenance *p)
{
    if (!mps_h5r_exists(file, "provenance"))
        return;
    hid_t g = mps_h5r_group(r, file, "provenance");
    struct {
        const char *name;
        char **slot;
    } attrs[] = {
        {"git_revision", &p->git_revision},           {"compiler", &p->compiler},
        {"compiler_flags", &p->compiler_flags},       {"gsl_version", &p->gsl_version},
        {"hdf5_version", &p->hdf5_version},           {"yaml_version", &p->yaml_version},
        {"random123_version", &p->random123_version}, {"mpi_version", &p->mpi_version},
    };
    for (size_t i = 0; i < sizeof attrs / sizeof attrs[0] && g >= 0; i++)
        if (mps_h5r_has_attr(g, attrs[i].name))
            *attrs[i].slot = mps_h5r_attr_str(r, g, attrs[i].name);
    mps_h5_close(g);
}

/* The root attributes that say whether this mpsim can read the file. */
static int check_format(mps_h5r *r, hid_t file)
{
    char *format = root_format(r, file);
    int ours = format && strcmp(format, MPS_SENS_FORMAT) == 0;
    free(format);
    if (r->failed)
        return -1;
    if (!ours) {
        mpsim_errors_add(r->errs, r->file, 0, 0, NULL,
                         "not an mpsim sensitivity file: an HDF5 file without the root "
                         "attribute format = \"" MPS_SENS_FORMAT "\"");
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
                             : "unknown sensitivity format version %lld; this mpsim reads "
                               "version %d",
                         (long long)v, MPSIM_FORMAT_VERSION);
        r->failed = 1;
        return -1;
    }
    return 0;
}

static void read_contents(mps_h5r *r, hid_t file, mps_sens_file *f)
{
    f->format_version = (int)mps_h5r_attr_i64(r, file, "format_version");
    f->mpsim_version = mps_h5r_attr_str(r, file, "mpsim_version");
    if (mps_h5r_has_attr(file, "created"))
        f->created = mps_h5r_attr_str(r, file, "created");
    if (mps_h5r_has_attr(file, "command_line"))
        f->command_line = mps_h5r_attr_str(r, file, "command_line");
    f->seed = mps_h5r_attr_u64(r, file, "seed");
    f->samples = mps_h5r_attr_u64(r, file, "samples");
    f->bootstrap = mps_h5r_attr_u64(r, file, "bootstrap");
    f->confidence = mps_h5r_attr_f64(r, file, "confidence");
    read_provenance(r, file, &f->provenance);
    if (r->failed)
        return;
    hid_t all = mps_h5r_group(r, file, "scenarios");
    if (all < 0)
        return;
    size_t n = 0;
    char **names = scenario_names(r, file, all, &n);
    f->sc = r->failed ? NULL : mps_calloc(n + 1, sizeof *f->sc);
    if (f->sc) {
        f->n = n;
        for (size_t i = 0; i < n; i++) {
            f->sc[i].name = names[i]; /* owned by the scenario now */
            names[i] = NULL;
        }
        for (size_t i = 0; i < n && !r->failed; i++)
            read_scenario(r, all, &f->sc[i]);
    } else if (!r->failed) {
        mps_h5r_fail(r, file, "scenarios", "out of memory");
    }
    free_strs(names, n);
    mps_h5_close(all);
    if (!r->failed && mps_h5r_exists(file, "voi"))
        read_voi(r, file, f);
}

int mps_sens_file_read(const char *path, mps_sens_file **out, mpsim_errors *errs)
{
    *out = NULL;
    if (path == NULL || *path == '\0') {
        mpsim_errors_add(errs, NULL, 0, 0, NULL, "no sensitivity file given");
        return MPSIM_ERR_INPUT;
    }
    struct stat st;
    if (stat(path, &st) != 0) {
        mpsim_errors_add(errs, path, 0, 0, NULL, "cannot read the sensitivity file: %s",
                         strerror(errno));
        return MPSIM_ERR_INPUT;
    }
    mps_h5_quiet quiet;
    mps_h5_quiet_begin(&quiet);
    mps_h5r r = {errs, path, 0};
    mps_sens_file *f = mps_calloc(1, sizeof *f);
    hid_t file = f ? open_file(path) : -1;
    if (f == NULL) {
        mpsim_errors_add(errs, path, 0, 0, NULL, "out of memory");
        r.failed = 1;
    } else if (file < 0) {
        mpsim_errors_add(errs, path, 0, 0, NULL,
                         "not a readable sensitivity file: HDF5 cannot open it (not HDF5, "
                         "truncated or damaged?)");
        r.failed = 1;
    } else if (check_format(&r, file) == 0) {
        read_contents(&r, file, f);
    }
    mps_h5_close(file);
    mps_h5_quiet_end(&quiet);
    if (r.failed) {
        mps_sens_file_free(f);
        return f == NULL ? MPSIM_ERR_FAIL : MPSIM_ERR_INPUT;
    }
    *out = f;
    return MPSIM_OK;
}

void mps_sens_file_free(mps_sens_file *f)
{
    if (f == NULL)
        return;
    free(f->mpsim_version);
    free(f->created);
    free(f->command_line);
    mpsim_provenance *p = &f->provenance;
    free(p->git_revision);
    free(p->compiler);
    free(p->compiler_flags);
    free(p->gsl_version);
    free(p->hdf5_version);
    free(p->yaml_version);
    free(p->random123_version);
    free(p->mpi_version);
    for (size_t i = 0; i < f->n; i++)
        scenario_free(&f->sc[i]);
    free(f->sc);
    free(f->best);
    free_strs(f->voi_inputs, f->voi_k);
    free(f->evppi);
    free(f->evppi_se);
    free(f);
}
