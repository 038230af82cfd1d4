/*
 * Helpers for the results-file tests (test_results_paths_stream.c):
 * comparing two results files object by object, attribute by attribute and
 * value by value, and the temporary directories they live in.  Include
 * after <cmocka.h>.
 */
#ifndef MPS_RESULTS_COMPARE_H
#define MPS_RESULTS_COMPARE_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hdf5.h>

#include "mpsim.h"

static inline int cmp_count_entries(const char *dir)
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

static inline void cmp_remove_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        size_t n = strlen(dir) + strlen(e->d_name) + 2;
        char *p = malloc(n);
        assert_non_null(p);
        snprintf(p, n, "%s/%s", dir, e->d_name);
        struct stat st;
        if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
            cmp_remove_tree(p);
        else
            unlink(p);
        free(p);
    }
    closedir(d);
    rmdir(dir);
}

static inline void cmp_read_f64(hid_t file, const char *name, double *buf, size_t n)
{
    hid_t ds = H5Dopen2(file, name, H5P_DEFAULT);
    if (ds < 0)
        fail_msg("no dataset %s", name);
    hid_t sp = H5Dget_space(ds);
    assert_int_equal(H5Sget_simple_extent_npoints(sp), (hssize_t)n);
    H5Sclose(sp);
    assert_true(H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0);
    H5Dclose(ds);
}

static inline void cmp_attr_string(hid_t loc, const char *name, char *out, size_t size)
{
    hid_t a = H5Aopen(loc, name, H5P_DEFAULT);
    assert_true(a >= 0);
    hid_t t = H5Aget_type(a);
    assert_true(H5Tget_size(t) < size);
    memset(out, 0, size);
    assert_true(H5Aread(a, t, out) >= 0);
    H5Tclose(t);
    H5Aclose(a);
}

typedef struct {
    hid_t other; /* the file compared with */
    int diffs;
    int verbose; /* say what differs (the first 10) */
} cmp_state;

static inline void cmp_note(cmp_state *c, const char *what, const char *name)
{
    if (++c->diffs <= 10 && c->verbose)
        fprintf(stderr, "files differ: %s of %s\n", what, name);
}

/* Values of a dataset (attr 0) or attribute (attr 1) in both files:
 * variable-length strings by content, object references and the dimension
 * scale lists made of them not at all (they hold file addresses, which
 * depend on the order objects were written), anything else byte for
 * byte.  Returns 1 when equal. */
static inline int cmp_values(hid_t a, hid_t b, int attr)
{
    hid_t ta = attr ? H5Aget_type(a) : H5Dget_type(a), tb = attr ? H5Aget_type(b) : H5Dget_type(b);
    hid_t sa = attr ? H5Aget_space(a) : H5Dget_space(a), sb = attr ? H5Aget_space(b) : H5Dget_space(b);
    int same = H5Tequal(ta, tb) > 0 && H5Sextent_equal(sa, sb) > 0;
    H5T_class_t cls = H5Tget_class(ta);
    hssize_t n = H5Sget_simple_extent_npoints(sa);
    if (same && n > 0 && cls != H5T_REFERENCE && cls != H5T_VLEN && cls != H5T_COMPOUND) {
        int vlstr = cls == H5T_STRING && H5Tis_variable_str(ta) > 0;
        size_t size = vlstr ? sizeof(char *) : H5Tget_size(ta);
        unsigned char *ba = calloc((size_t)n, size), *bb = calloc((size_t)n, size);
        assert_true(ba && bb);
        assert_true((attr ? H5Aread(a, ta, ba) : H5Dread(a, ta, H5S_ALL, H5S_ALL, H5P_DEFAULT, ba)) >= 0);
        assert_true((attr ? H5Aread(b, ta, bb) : H5Dread(b, ta, H5S_ALL, H5S_ALL, H5P_DEFAULT, bb)) >= 0);
        if (vlstr) {
            for (hssize_t i = 0; i < n && same; i++)
                same = strcmp(((char **)ba)[i], ((char **)bb)[i]) == 0;
            H5Dvlen_reclaim(ta, sa, H5P_DEFAULT, ba);
            H5Dvlen_reclaim(ta, sb, H5P_DEFAULT, bb);
        } else {
            same = memcmp(ba, bb, (size_t)n * size) == 0;
        }
        free(ba);
        free(bb);
    }
    H5Tclose(ta);
    H5Tclose(tb);
    H5Sclose(sa);
    H5Sclose(sb);
    return same;
}

static inline herr_t cmp_attr_cb(hid_t loc, const char *name, const H5A_info_t *info, void *data)
{
    (void)info;
    cmp_state *c = data;
    char object[400] = "/", label[512];
    if (H5Iget_name(loc, object, sizeof object) <= 0)
        snprintf(object, sizeof object, "/");
    snprintf(label, sizeof label, "%s @%s", object, name);
    hid_t a = H5Aopen(loc, name, H5P_DEFAULT);
    hid_t o = H5Oopen(c->other, object, H5P_DEFAULT);
    hid_t b = o >= 0 && H5Aexists(o, name) > 0 ? H5Aopen(o, name, H5P_DEFAULT) : -1;
    if (b < 0)
        cmp_note(c, "presence", label);
    else if (!cmp_values(a, b, 1))
        cmp_note(c, "value", label);
    if (b >= 0)
        H5Aclose(b);
    if (o >= 0)
        H5Oclose(o);
    H5Aclose(a);
    return 0;
}

/* One object and its attributes against the same name in the other file. */
static inline void cmp_object(hid_t file, const char *name, cmp_state *c)
{
    hid_t oa = H5Oopen(file, name, H5P_DEFAULT);
    assert_true(oa >= 0);
    hid_t ob = H5Lexists(c->other, name, H5P_DEFAULT) > 0 || !strcmp(name, "/")
                   ? H5Oopen(c->other, name, H5P_DEFAULT)
                   : -1;
    if (ob < 0) {
        cmp_note(c, "presence", name);
        H5Oclose(oa);
        return;
    }
    H5O_info_t ia, ib;
    assert_true(H5Oget_info(oa, &ia) >= 0 && H5Oget_info(ob, &ib) >= 0);
    if (ia.type != ib.type || ia.num_attrs != ib.num_attrs)
        cmp_note(c, "type or number of attributes", name);
    if (ia.type == H5O_TYPE_GROUP) {
        H5G_info_t ga, gb;
        assert_true(H5Gget_info(oa, &ga) >= 0 && H5Gget_info(ob, &gb) >= 0);
        if (ga.nlinks != gb.nlinks)
            cmp_note(c, "number of members", name);
    } else if (ia.type == H5O_TYPE_DATASET && ib.type == H5O_TYPE_DATASET) {
        if (!cmp_values(oa, ob, 0))
            cmp_note(c, "values", name);
        hid_t pa = H5Dget_create_plist(oa), pb = H5Dget_create_plist(ob);
        hsize_t ca = 0, cb = 0;
        int layout = H5Pget_layout(pa);
        if (layout != H5Pget_layout(pb) || H5Pget_nfilters(pa) != H5Pget_nfilters(pb) ||
            (layout == H5D_CHUNKED && (H5Pget_chunk(pa, 1, &ca) != H5Pget_chunk(pb, 1, &cb) ||
                                       ca != cb)))
            cmp_note(c, "layout or filters", name);
        H5Pclose(pa);
        H5Pclose(pb);
    }
    hsize_t idx = 0;
    H5Aiterate2(oa, H5_INDEX_NAME, H5_ITER_INC, &idx, cmp_attr_cb, c);
    H5Oclose(oa);
    H5Oclose(ob);
}

static inline herr_t cmp_visit_cb(hid_t g, const char *name, const H5L_info_t *info, void *data)
{
    (void)info;
    cmp_object(g, name, data);
    return 0;
}

/* Differences between every object of file a and file b (a one-way check:
 * call both ways round), printed when verbose. */
static inline int cmp_files_count(const char *a, const char *b, int verbose)
{
    hid_t fa = H5Fopen(a, H5F_ACC_RDONLY, H5P_DEFAULT), fb = H5Fopen(b, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(fa >= 0 && fb >= 0);
    cmp_state c = {fb, 0, verbose};
    cmp_object(fa, "/", &c);
    assert_true(H5Lvisit(fa, H5_INDEX_NAME, H5_ITER_INC, cmp_visit_cb, &c) >= 0);
    H5Fclose(fa);
    H5Fclose(fb);
    return c.diffs;
}

/* The number of differences, quietly. */
static inline int cmp_files_differ(const char *a, const char *b)
{
    return cmp_files_count(a, b, 0);
}

static inline void cmp_files_equal(const char *a, const char *b)
{
    int d = cmp_files_count(a, b, 1);
    if (d != 0)
        fail_msg("%s and %s: %d differences", a, b, d);
}

/* 1 when both files hold the same per-path values of n scenarios. */
static inline int cmp_paths_equal(const char *a, const char *b, const char *const *names, size_t n,
                           size_t paths)
{
    hid_t fa = H5Fopen(a, H5F_ACC_RDONLY, H5P_DEFAULT), fb = H5Fopen(b, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(fa >= 0 && fb >= 0);
    double *va = malloc(paths * sizeof *va), *vb = malloc(paths * sizeof *vb);
    assert_true(va && vb);
    int same = 1;
    for (size_t k = 0; k < n; k++)
        for (int m = 0; m < MPSIM_N_METRICS; m++) {
            char name[128];
            snprintf(name, sizeof name, "/scenarios/%s/paths/%s", names[k], mpsim_metric_names[m]);
            cmp_read_f64(fa, name, va, paths);
            cmp_read_f64(fb, name, vb, paths);
            same = same && memcmp(va, vb, paths * sizeof *va) == 0;
        }
    free(va);
    free(vb);
    H5Fclose(fa);
    H5Fclose(fb);
    return same;
}

#endif
