/*
 * Checked HDF5 wrappers: common parts and writing (see h5io.h).
 */
#include <stdlib.h>
#include <string.h>

#include <hdf5_hl.h>

#include "core/util.h"
#include "results/h5io.h"
#include "results/provenance.h"

void mps_h5_quiet_begin(mps_h5_quiet *q)
{
    q->func = NULL;
    q->data = NULL;
    if (H5Eget_auto2(H5E_DEFAULT, &q->func, &q->data) < 0) {
        q->func = NULL;
        q->data = NULL;
    }
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

void mps_h5_quiet_end(const mps_h5_quiet *q)
{
    H5Eset_auto2(H5E_DEFAULT, q->func, q->data);
}

void mps_h5_close(hid_t id)
{
    if (id < 0)
        return;
    switch (H5Iget_type(id)) {
    case H5I_FILE: H5Fclose(id); break;
    case H5I_GROUP: H5Gclose(id); break;
    case H5I_DATASET: H5Dclose(id); break;
    case H5I_DATASPACE: H5Sclose(id); break;
    case H5I_DATATYPE: H5Tclose(id); break;
    case H5I_ATTR: H5Aclose(id); break;
    case H5I_GENPROP_LST: H5Pclose(id); break;
    default: break;
    }
}

char *mps_h5_library_version(void)
{
    unsigned maj = 0, min = 0, rel = 0;
    if (H5get_libversion(&maj, &min, &rel) < 0)
        return mps_strdup("unknown");
    return mps_asprintf("%u.%u.%u", maj, min, rel);
}

/* HDF5's error stack, innermost entry first: the first description is the
 * most specific reason (for example the errno text of a failed open). */
static herr_t reason_cb(unsigned n, const H5E_error2_t *e, void *data)
{
    char **out = data;
    if (n == 0 && e && e->desc)
        *out = mps_strdup(e->desc);
    return 0;
}

/* HDF5's reason for the failure just seen, malloc'd ("" when none).  A
 * failed system call is described by a long line of internals ("file write
 * failed: time = ..., errno = 28, error message = 'No space left on
 * device', ..."): keep only the system's message, which is what a reader
 * can act on; other descriptions are kept whole, on one line. */
static char *h5_reason(void)
{
    char *s = NULL;
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, reason_cb, &s);
    if (s == NULL)
        return mps_strdup("");
    static const char key[] = "error message = '";
    const char *k = strstr(s, key);
    const char *end = k ? strchr(k + sizeof key - 1, '\'') : NULL;
    if (end != NULL) {
        const char *msg = k + sizeof key - 1;
        char *t = mps_asprintf("%.*s", (int)(end - msg), msg);
        if (t != NULL) {
            free(s);
            s = t;
        }
    }
    for (char *c = s; *c; c++)
        if (*c == '\n' || *c == '\r')
            *c = ' ';
    return s;
}

/* "/group/name" for object `name` under loc, for messages (malloc'd). */
static char *obj_path(hid_t loc, const char *name)
{
    char *base = NULL;
    if (loc >= 0) {
        ssize_t n = H5Iget_name(loc, NULL, 0);
        if (n > 0) {
            base = malloc((size_t)n + 1);
            if (base && H5Iget_name(loc, base, (size_t)n + 1) < 0) {
                free(base);
                base = NULL;
            }
        }
    }
    if (!name || !*name)
        return base ? base : mps_strdup("/");
    const char *b = base ? base : "";
    int slash = b[0] && strcmp(b, "/") != 0;
    char *p = mps_asprintf("%s/%s", slash ? b : "", name);
    free(base);
    return p;
}

/* ------------------------------------------------------------------ writing */

void mps_h5w_fail(mps_h5w *w, hid_t loc, const char *name, const char *what)
{
    if (w->failed)
        return;
    w->failed = 1;
    char *reason = h5_reason();
    char *path = obj_path(loc, name);
    mpsim_errors_add(w->errs, w->file, 0, 0, path, "cannot write the results file: %s%s%s%s",
                     what, reason && *reason ? " (HDF5: " : "", reason ? reason : "",
                     reason && *reason ? ")" : "");
    free(reason);
    free(path);
}

int mps_h5w_init(mps_h5w *w, const char *file, mpsim_errors *errs)
{
    w->errs = errs;
    w->file = file;
    w->failed = 0;
    w->gcpl = H5Pcreate(H5P_GROUP_CREATE);
    w->dcpl = H5Pcreate(H5P_DATASET_CREATE);
    /* Object modification times would make two identical runs differ. */
    if (w->gcpl < 0 || w->dcpl < 0 || H5Pset_obj_track_times(w->gcpl, 0) < 0 ||
        H5Pset_obj_track_times(w->dcpl, 0) < 0) {
        mps_h5w_fail(w, -1, NULL, "cannot set up property lists");
        return -1;
    }
    return 0;
}

void mps_h5w_close(mps_h5w *w)
{
    mps_h5_close(w->gcpl);
    mps_h5_close(w->dcpl);
    w->gcpl = w->dcpl = -1;
}

hid_t mps_h5w_group(mps_h5w *w, hid_t loc, const char *name)
{
    if (w->failed)
        return -1;
    hid_t g = H5Gcreate2(loc, name, H5P_DEFAULT, w->gcpl, H5P_DEFAULT);
    if (g < 0)
        mps_h5w_fail(w, loc, name, "cannot create group");
    return g;
}

/* The variable-length UTF-8 string type (caller closes). */
static hid_t vlstr_type(void)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    if (t < 0)
        return -1;
    if (H5Tset_size(t, H5T_VARIABLE) < 0 || H5Tset_cset(t, H5T_CSET_UTF8) < 0) {
        H5Tclose(t);
        return -1;
    }
    return t;
}

/* Creates and writes one attribute of the given types and dataspace. */
static void write_attr(mps_h5w *w, hid_t loc, const char *name, hid_t ftype, hid_t mtype,
                       hid_t space, const void *buf)
{
    if (w->failed)
        return;
    if (ftype < 0 || mtype < 0 || space < 0) {
        mps_h5w_fail(w, loc, name, "cannot make attribute type");
        return;
    }
    hid_t a = H5Acreate2(loc, name, ftype, space, H5P_DEFAULT, H5P_DEFAULT);
    if (a < 0) {
        mps_h5w_fail(w, loc, name, "cannot create attribute");
        return;
    }
    if (H5Awrite(a, mtype, buf) < 0)
        mps_h5w_fail(w, loc, name, "cannot write attribute");
    if (H5Aclose(a) < 0)
        mps_h5w_fail(w, loc, name, "cannot close attribute");
}

void mps_h5w_attr_str(mps_h5w *w, hid_t loc, const char *name, const char *value)
{
    if (w->failed || value == NULL)
        return;
    /* Fixed-length, NUL-terminated: the form netCDF and h5py read as a
     * plain text attribute.  An empty string still needs one byte. */
    hid_t t = H5Tcopy(H5T_C_S1);
    hid_t s = H5Screate(H5S_SCALAR);
    size_t len = strlen(value) + 1;
    if (t >= 0 && (H5Tset_size(t, len) < 0 || H5Tset_strpad(t, H5T_STR_NULLTERM) < 0 ||
                   H5Tset_cset(t, H5T_CSET_UTF8) < 0)) {
        H5Tclose(t);
        t = -1;
    }
    write_attr(w, loc, name, t, t, s, value);
    mps_h5_close(t);
    mps_h5_close(s);
}

void mps_h5w_attr_i32(mps_h5w *w, hid_t loc, const char *name, int value)
{
    hid_t s = H5Screate(H5S_SCALAR);
    write_attr(w, loc, name, H5T_STD_I32LE, H5T_NATIVE_INT, s, &value);
    mps_h5_close(s);
}

void mps_h5w_attr_u64(mps_h5w *w, hid_t loc, const char *name, uint64_t value)
{
    hid_t s = H5Screate(H5S_SCALAR);
    write_attr(w, loc, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, s, &value);
    mps_h5_close(s);
}

void mps_h5w_attr_f64(mps_h5w *w, hid_t loc, const char *name, double value)
{
    hid_t s = H5Screate(H5S_SCALAR);
    write_attr(w, loc, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, s, &value);
    mps_h5_close(s);
}

void mps_h5w_attr_strs(mps_h5w *w, hid_t loc, const char *name, const char *const *v, size_t n)
{
    hsize_t dim = n;
    hid_t s = H5Screate_simple(1, &dim, NULL);
    hid_t t = vlstr_type();
    write_attr(w, loc, name, t, t, s, v);
    mps_h5_close(t);
    mps_h5_close(s);
}

/* File and memory types of a field type; *owned is set when the caller must
 * close them (the string type). */
static void field_types(mps_field_type type, hid_t *ftype, hid_t *mtype, int *owned)
{
    *owned = 0;
    switch (type) {
    case MPS_T_F64: *ftype = H5T_IEEE_F64LE; *mtype = H5T_NATIVE_DOUBLE; break;
    case MPS_T_I32: *ftype = H5T_STD_I32LE; *mtype = H5T_NATIVE_INT; break;
    case MPS_T_U64: *ftype = H5T_STD_U64LE; *mtype = H5T_NATIVE_UINT64; break;
    case MPS_T_STR:
    default:
        *ftype = *mtype = vlstr_type();
        *owned = 1;
        break;
    }
}

/* Strings to write with NULL replaced by "" (HDF5 would store a NULL
 * pointer, which some readers turn into errors).  Returns v itself when it
 * holds no NULL, else a malloc'd copy in *copy. */
static const char *const *no_null_strings(const char *const *v, size_t n, const char ***copy)
{
    *copy = NULL;
    size_t i = 0;
    while (i < n && v[i] != NULL)
        i++;
    if (i == n)
        return v;
    *copy = mps_calloc(n, sizeof **copy);
    if (*copy == NULL)
        return NULL;
    for (i = 0; i < n; i++)
        (*copy)[i] = v[i] ? v[i] : "";
    return *copy;
}

/* Creates a dataset, writes buf, adds description/units; returns it open. */
static hid_t create_dataset(mps_h5w *w, hid_t loc, const char *name, mps_field_type type,
                            int rank, const hsize_t *dims, const void *buf, hid_t dcpl,
                            const char *description, const char *units)
{
    if (w->failed)
        return -1;
    hid_t ftype, mtype;
    int owned;
    field_types(type, &ftype, &mtype, &owned);
    hid_t space = rank == 0 ? H5Screate(H5S_SCALAR) : H5Screate_simple(rank, dims, NULL);
    size_t n = 1;
    for (int d = 0; d < rank; d++)
        n *= (size_t)dims[d];
    const char **copy = NULL;
    if (type == MPS_T_STR && buf != NULL)
        buf = no_null_strings(buf, n, &copy);
    hid_t ds = -1;
    if (ftype < 0 || space < 0 || (n > 0 && buf == NULL)) {
        mps_h5w_fail(w, loc, name, "cannot prepare dataset (out of memory?)");
    } else {
        ds = H5Dcreate2(loc, name, ftype, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
        if (ds < 0)
            mps_h5w_fail(w, loc, name, "cannot create dataset");
        else if (n > 0 && H5Dwrite(ds, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0)
            mps_h5w_fail(w, loc, name, "cannot write dataset");
    }
    free(copy);
    mps_h5_close(space);
    if (owned)
        mps_h5_close(ftype);
    mps_h5w_attr_str(w, ds, "description", description);
    mps_h5w_attr_str(w, ds, "units", units);
    if (w->failed) {
        mps_h5_close(ds);
        return -1;
    }
    return ds;
}

static void close_dataset(mps_h5w *w, hid_t ds, hid_t loc, const char *name)
{
    if (ds >= 0 && H5Dclose(ds) < 0)
        mps_h5w_fail(w, loc, name, "cannot close dataset");
}

void mps_h5w_data(mps_h5w *w, hid_t loc, const char *name, mps_field_type type, int rank,
                  const hsize_t *dims, const void *buf, const char *description,
                  const char *units, const hid_t *scales)
{
    hid_t ds = create_dataset(w, loc, name, type, rank, dims, buf, w->dcpl, description, units);
    for (int d = 0; scales && d < rank && !w->failed; d++)
        if (H5DSattach_scale(ds, scales[d], (unsigned)d) < 0)
            mps_h5w_fail(w, loc, name, "cannot attach dimension scale");
    close_dataset(w, ds, loc, name);
}

hid_t mps_h5w_scale(mps_h5w *w, hid_t loc, const char *name, mps_field_type type, size_t n,
                    const void *buf, const char *description, const char *units)
{
    hsize_t dim = n;
    hid_t ds = create_dataset(w, loc, name, type, 1, &dim, buf, w->dcpl, description, units);
    if (ds >= 0 && H5DSset_scale(ds, name) < 0) {
        mps_h5w_fail(w, loc, name, "cannot make a dimension scale");
        H5Dclose(ds);
        return -1;
    }
    return ds;
}

hid_t mps_h5w_paths_group(mps_h5w *w, hid_t loc, int level)
{
    hid_t g = mps_h5w_group(w, loc, "paths");
    char *desc = level > 0 ? mps_asprintf("shuffle + deflate level %d", level) : mps_strdup("none");
    if (desc == NULL)
        mps_h5w_fail(w, g, NULL, "out of memory");
    mps_h5w_attr_str(w, g, "compression", desc);
    mps_h5w_attr_i32(w, g, "deflate_level", level > 0 ? level : 0);
    free(desc);
    if (w->failed) {
        mps_h5_close(g);
        return -1;
    }
    return g;
}

hid_t mps_h5w_paths_create(mps_h5w *w, hid_t loc, const char *name, uint64_t expected, int level,
                           const char *description, const char *units)
{
    if (w->failed)
        return -1;
    hsize_t dim = 0, max = H5S_UNLIMITED;
    hsize_t chunk = expected < MPS_PATHS_CHUNK ? (expected > 0 ? expected : 1) : MPS_PATHS_CHUNK;
    hid_t dcpl = H5Pcopy(w->dcpl), dapl = H5Pcreate(H5P_DATASET_ACCESS);
    hid_t space = H5Screate_simple(1, &dim, &max);
    /* No chunk cache: every append is whole chunks (one round of the run
     * driver), which then go through the filters straight to the file
     * instead of waiting in memory. */
    if (dcpl < 0 || dapl < 0 || space < 0 || H5Pset_chunk(dcpl, 1, &chunk) < 0 ||
        (level > 0 && (H5Pset_shuffle(dcpl) < 0 || H5Pset_deflate(dcpl, (unsigned)level) < 0)) ||
        H5Pset_chunk_cache(dapl, 0, 0, 1.0) < 0)
        mps_h5w_fail(w, loc, name, "cannot set up the chunked layout");
    hid_t ds = -1;
    if (!w->failed) {
        ds = H5Dcreate2(loc, name, H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl, dapl);
        if (ds < 0)
            mps_h5w_fail(w, loc, name, "cannot create dataset");
    }
    mps_h5_close(space);
    mps_h5_close(dcpl);
    mps_h5_close(dapl);
    mps_h5w_attr_str(w, ds, "description", description);
    mps_h5w_attr_str(w, ds, "units", units);
    if (w->failed) {
        mps_h5_close(ds);
        return -1;
    }
    return ds;
}

void mps_h5w_paths_append(mps_h5w *w, hid_t ds, uint64_t first, size_t n, const double *buf)
{
    if (w->failed || n == 0)
        return;
    hsize_t start = first, count = n, end = first + n;
    if (H5Dset_extent(ds, &end) < 0) {
        mps_h5w_fail(w, ds, NULL, "cannot extend dataset");
        return;
    }
    hid_t fspace = H5Dget_space(ds), mspace = H5Screate_simple(1, &count, NULL);
    if (fspace < 0 || mspace < 0 ||
        H5Sselect_hyperslab(fspace, H5S_SELECT_SET, &start, NULL, &count, NULL) < 0)
        mps_h5w_fail(w, ds, NULL, "cannot select paths to write");
    else if (H5Dwrite(ds, H5T_NATIVE_DOUBLE, mspace, fspace, H5P_DEFAULT, buf) < 0)
        mps_h5w_fail(w, ds, NULL, "cannot write paths");
    mps_h5_close(fspace);
    mps_h5_close(mspace);
}
