/*
 * Checked HDF5 wrappers: reading (see h5io.h).  Every read checks the
 * object's type class and shape first, so a foreign or damaged file gives a
 * message naming the object instead of a wrong read.
 */
#include <stdarg.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <hdf5_hl.h>

#include "core/util.h"
#include "results/h5io.h"

/* "/group/name" for messages (malloc'd). */
static char *rd_path(hid_t loc, const char *name)
{
    char *base = NULL;
    ssize_t n = loc >= 0 ? H5Iget_name(loc, NULL, 0) : -1;
    if (n > 0 && (base = malloc((size_t)n + 1)) != NULL && H5Iget_name(loc, base, (size_t)n + 1) < 0) {
        free(base);
        base = NULL;
    }
    if (!name || !*name)
        return base ? base : mps_strdup("/");
    int slash = base && base[0] && strcmp(base, "/") != 0;
    char *p = mps_asprintf("%s/%s", slash ? base : "", name);
    free(base);
    return p;
}

void mps_h5r_fail(mps_h5r *r, hid_t loc, const char *name, const char *fmt, ...)
{
    if (r->failed)
        return;
    r->failed = 1;
    va_list ap;
    va_start(ap, fmt);
    char *msg = mps_vasprintf(fmt, ap);
    va_end(ap);
    char *path = rd_path(loc, name);
    mpsim_errors_add(r->errs, r->file, 0, 0, path, "not a readable mpsim results file: %s",
                     msg ? msg : "out of memory");
    free(msg);
    free(path);
}

int mps_h5r_exists(hid_t loc, const char *name)
{
    return loc >= 0 && H5LTpath_valid(loc, name, 1) > 0;
}

hid_t mps_h5r_group(mps_h5r *r, hid_t loc, const char *name)
{
    if (r->failed)
        return -1;
    if (!mps_h5r_exists(loc, name)) {
        mps_h5r_fail(r, loc, name, "group is missing");
        return -1;
    }
    H5O_info_t info;
#if H5_VERSION_GE(1, 12, 0)
    herr_t st = H5Oget_info_by_name3(loc, name, &info, H5O_INFO_BASIC, H5P_DEFAULT);
#else
    herr_t st = H5Oget_info_by_name2(loc, name, &info, H5O_INFO_BASIC, H5P_DEFAULT);
#endif
    if (st < 0 || info.type != H5O_TYPE_GROUP) {
        mps_h5r_fail(r, loc, name, "expected a group");
        return -1;
    }
    hid_t g = H5Gopen2(loc, name, H5P_DEFAULT);
    if (g < 0)
        mps_h5r_fail(r, loc, name, "cannot open group");
    return g;
}

int mps_h5r_has_attr(hid_t loc, const char *name)
{
    return loc >= 0 && H5Aexists(loc, name) > 0;
}

/* Reads n strings from an attribute (is_attr) or dataset into out[0..n-1],
 * each malloc'd.  The object's type must be a string, fixed or variable. */
static int read_strings(mps_h5r *r, hid_t obj, int is_attr, hid_t loc, const char *name,
                        size_t n, char **out)
{
    hid_t ft = is_attr ? H5Aget_type(obj) : H5Dget_type(obj);
    if (ft < 0 || H5Tget_class(ft) != H5T_STRING) {
        mps_h5r_fail(r, loc, name, "expected strings");
        mps_h5_close(ft);
        return -1;
    }
    int rc = 0;
    htri_t vl = H5Tis_variable_str(ft);
    /* HDF5 does not convert between character sets, so read in the file's. */
    hid_t mt = H5Tcopy(H5T_C_S1);
    if (mt >= 0 && H5Tset_cset(mt, H5Tget_cset(ft)) < 0) {
        H5Tclose(mt);
        mt = -1;
    }
    if (vl > 0) {
        char **tmp = mps_calloc(n, sizeof *tmp);
        if (mt < 0 || !tmp || H5Tset_size(mt, H5T_VARIABLE) < 0 ||
            (is_attr ? H5Aread(obj, mt, tmp) : H5Dread(obj, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, tmp)) < 0) {
            mps_h5r_fail(r, loc, name, "cannot read strings");
            rc = -1;
        }
        for (size_t i = 0; tmp && i < n; i++) {
            if (rc == 0 && (out[i] = mps_strdup(tmp[i] ? tmp[i] : "")) == NULL)
                rc = -1;
            if (tmp[i])
                H5free_memory(tmp[i]);
        }
        free(tmp);
    } else {
        size_t sz = H5Tget_size(ft);
        char *buf = sz > 0 && n <= SIZE_MAX / (sz + 1) ? malloc(n * (sz + 1)) : NULL;
        if (vl < 0 || mt < 0 || !buf || H5Tset_size(mt, sz + 1) < 0 ||
            (is_attr ? H5Aread(obj, mt, buf) : H5Dread(obj, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf)) < 0) {
            mps_h5r_fail(r, loc, name, "cannot read strings");
            rc = -1;
        }
        for (size_t i = 0; rc == 0 && i < n; i++) {
            const char *s = buf + i * (sz + 1);
            if ((out[i] = malloc(sz + 1)) == NULL) {
                rc = -1;
                break;
            }
            memcpy(out[i], s, sz);
            out[i][sz] = '\0';
        }
        free(buf);
    }
    if (rc != 0)
        mps_h5r_fail(r, loc, name, "out of memory reading strings");
    mps_h5_close(mt);
    mps_h5_close(ft);
    return rc;
}

/* Number of elements of a dataspace if its rank and dims match (rank 0 is
 * a scalar; dims NULL accepts any extent of that rank); -1 otherwise. */
static long long space_check(hid_t space, int rank, const hsize_t *dims)
{
    if (space < 0)
        return -1;
    H5S_class_t cls = H5Sget_simple_extent_type(space);
    if (rank == 0)
        return cls == H5S_SCALAR ? 1 : -1;
    if (cls != H5S_SIMPLE || H5Sget_simple_extent_ndims(space) != rank)
        return -1;
    hsize_t got[2];
    if (rank > 2 || H5Sget_simple_extent_dims(space, got, NULL) < 0)
        return -1;
    long long n = 1;
    for (int d = 0; d < rank; d++) {
        if (dims && got[d] != dims[d])
            return -1;
        n *= (long long)got[d];
    }
    return n;
}

/* 1 if an attribute's dataspace holds one value: a scalar, or a list of
 * one (what h5py and H5LT write for a single number). */
static int single_value(hid_t space)
{
    return space_check(space, 0, NULL) == 1 || space_check(space, 1, NULL) == 1;
}

/* Opens an attribute, or fails with a message naming it. */
static hid_t open_attr(mps_h5r *r, hid_t loc, const char *name)
{
    if (r->failed)
        return -1;
    if (!mps_h5r_has_attr(loc, name)) {
        mps_h5r_fail(r, loc, NULL, "attribute \"%s\" is missing", name);
        return -1;
    }
    hid_t a = H5Aopen(loc, name, H5P_DEFAULT);
    if (a < 0)
        mps_h5r_fail(r, loc, NULL, "cannot open attribute \"%s\"", name);
    return a;
}

char *mps_h5r_attr_str(mps_h5r *r, hid_t loc, const char *name)
{
    hid_t a = open_attr(r, loc, name);
    if (a < 0)
        return NULL;
    char *s = NULL;
    hid_t sp = H5Aget_space(a);
    if (!single_value(sp))
        mps_h5r_fail(r, loc, NULL, "attribute \"%s\" is not a single string", name);
    else if (read_strings(r, a, 1, loc, name, 1, &s) < 0)
        s = NULL;
    mps_h5_close(sp);
    H5Aclose(a);
    return s;
}

/* Reads a scalar integer attribute converted to mtype. */
static void attr_int(mps_h5r *r, hid_t loc, const char *name, hid_t mtype, void *out)
{
    hid_t a = open_attr(r, loc, name);
    if (a < 0)
        return;
    hid_t sp = H5Aget_space(a);
    hid_t t = H5Aget_type(a);
    if (!single_value(sp) || t < 0 || H5Tget_class(t) != H5T_INTEGER)
        mps_h5r_fail(r, loc, NULL, "attribute \"%s\" is not a single integer", name);
    else if (H5Aread(a, mtype, out) < 0)
        mps_h5r_fail(r, loc, NULL, "cannot read attribute \"%s\"", name);
    mps_h5_close(t);
    mps_h5_close(sp);
    H5Aclose(a);
}

int64_t mps_h5r_attr_i64(mps_h5r *r, hid_t loc, const char *name)
{
    int64_t v = 0;
    attr_int(r, loc, name, H5T_NATIVE_INT64, &v);
    return v;
}

double mps_h5r_attr_f64(mps_h5r *r, hid_t loc, const char *name)
{
    double v = NAN;
    hid_t a = open_attr(r, loc, name);
    if (a < 0)
        return v;
    hid_t sp = H5Aget_space(a);
    hid_t t = H5Aget_type(a);
    if (!single_value(sp) || t < 0 || H5Tget_class(t) != H5T_FLOAT)
        mps_h5r_fail(r, loc, NULL, "attribute \"%s\" is not a single number", name);
    else if (H5Aread(a, H5T_NATIVE_DOUBLE, &v) < 0)
        mps_h5r_fail(r, loc, NULL, "cannot read attribute \"%s\"", name);
    mps_h5_close(t);
    mps_h5_close(sp);
    H5Aclose(a);
    return v;
}

uint64_t mps_h5r_attr_u64(mps_h5r *r, hid_t loc, const char *name)
{
    uint64_t v = 0;
    attr_int(r, loc, name, H5T_NATIVE_UINT64, &v);
    return v;
}

char **mps_h5r_attr_strs(mps_h5r *r, hid_t loc, const char *name, size_t *n)
{
    *n = 0;
    hid_t a = open_attr(r, loc, name);
    if (a < 0)
        return NULL;
    hid_t sp = H5Aget_space(a);
    long long len = space_check(sp, 1, NULL);
    char **v = NULL;
    if (len < 0) {
        mps_h5r_fail(r, loc, NULL, "attribute \"%s\" is not a list of strings", name);
    } else if ((v = mps_calloc((size_t)len, sizeof *v)) == NULL) {
        mps_h5r_fail(r, loc, NULL, "out of memory reading attribute \"%s\"", name);
    } else if (read_strings(r, a, 1, loc, name, (size_t)len, v) < 0) {
        for (long long i = 0; i < len; i++)
            free(v[i]);
        free(v);
        v = NULL;
    } else {
        *n = (size_t)len;
    }
    mps_h5_close(sp);
    H5Aclose(a);
    return v;
}

/* Opens a dataset, or fails with a message naming it. */
static hid_t open_dataset(mps_h5r *r, hid_t loc, const char *name)
{
    if (r->failed)
        return -1;
    if (!mps_h5r_exists(loc, name)) {
        mps_h5r_fail(r, loc, name, "dataset is missing");
        return -1;
    }
    hid_t ds = H5Dopen2(loc, name, H5P_DEFAULT);
    if (ds < 0)
        mps_h5r_fail(r, loc, name, "expected a dataset");
    return ds;
}

size_t mps_h5r_len(mps_h5r *r, hid_t loc, const char *name)
{
    hid_t ds = open_dataset(r, loc, name);
    if (ds < 0)
        return 0;
    hid_t sp = H5Dget_space(ds);
    long long n = space_check(sp, 1, NULL);
    if (n < 0)
        mps_h5r_fail(r, loc, name, "expected a one-dimensional dataset");
    mps_h5_close(sp);
    H5Dclose(ds);
    return n < 0 ? 0 : (size_t)n;
}

static const char *type_label(mps_field_type t)
{
    switch (t) {
    case MPS_T_F64: return "floating-point";
    case MPS_T_I32:
    case MPS_T_U64: return "integer";
    case MPS_T_STR:
    default: return "string";
    }
}

void mps_h5r_data(mps_h5r *r, hid_t loc, const char *name, mps_field_type type, int rank,
                  const hsize_t *dims, void *buf)
{
    hid_t ds = open_dataset(r, loc, name);
    if (ds < 0)
        return;
    hid_t sp = H5Dget_space(ds);
    hid_t ft = H5Dget_type(ds);
    long long n = space_check(sp, rank, dims);
    H5T_class_t want = type == MPS_T_F64 ? H5T_FLOAT : type == MPS_T_STR ? H5T_STRING : H5T_INTEGER;
    if (n < 0) {
        if (rank == 0)
            mps_h5r_fail(r, loc, name, "expected a scalar");
        else if (rank == 1)
            mps_h5r_fail(r, loc, name, "expected shape [%llu]", (unsigned long long)dims[0]);
        else
            mps_h5r_fail(r, loc, name, "expected shape [%llu, %llu]", (unsigned long long)dims[0],
                         (unsigned long long)dims[1]);
    } else if (ft < 0 || H5Tget_class(ft) != want) {
        mps_h5r_fail(r, loc, name, "expected %s data", type_label(type));
    } else if (type == MPS_T_STR) {
        read_strings(r, ds, 0, loc, name, (size_t)n, buf);
    } else if (n > 0) {
        hid_t mt = type == MPS_T_F64 ? H5T_NATIVE_DOUBLE
                   : type == MPS_T_I32 ? H5T_NATIVE_INT : H5T_NATIVE_UINT64;
        if (H5Dread(ds, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0)
            mps_h5r_fail(r, loc, name, "cannot read dataset (damaged file?)");
    }
    mps_h5_close(ft);
    mps_h5_close(sp);
    H5Dclose(ds);
}
