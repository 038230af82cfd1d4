/*
 * Thin, checked wrappers over HDF5 for the results writer and reader.  Only
 * engine/results/ calls H5*: these wrappers, the writer (write_hdf5.c, with
 * write_image.c and paths_stream.c opening its files, vfd.c their disk
 * driver) and the reader (read_hdf5.c).
 *
 * Both contexts are "sticky": the first failure records one message in the
 * error list (naming the file, the object path and HDF5's own reason) and
 * every later call does nothing, so callers can write a sequence of calls and
 * check once at the end without losing the first cause.
 */
#ifndef MPS_RESULTS_H5IO_H
#define MPS_RESULTS_H5IO_H

#include <hdf5.h>
#include <stddef.h>
#include <stdint.h>

#include "mpsim.h"
#include "results/schema.h"

/** HDF5's automatic error printing, saved so it can be restored. */
typedef struct {
    H5E_auto2_t func;
    void *data;
} mps_h5_quiet;

/** Turns HDF5's printing of error stacks off (the library never prints). */
void mps_h5_quiet_begin(mps_h5_quiet *q);
/** Restores what mps_h5_quiet_begin saved. */
void mps_h5_quiet_end(const mps_h5_quiet *q);

/** Closes any HDF5 identifier (file, group, dataset, ...); ignores id < 0. */
void mps_h5_close(hid_t id);

/* ------------------------------------------------------------------ writing */

/** Writing context. */
typedef struct {
    mpsim_errors *errs;
    const char *file; /**< the target path, for messages */
    int failed;       /**< non-zero after the first failure */
    hid_t gcpl;       /**< group creation: object timestamps off */
    hid_t dcpl;       /**< contiguous dataset creation: timestamps off */
} mps_h5w;

/** Prepares the property lists; returns 0, or -1 with a message. */
int mps_h5w_init(mps_h5w *w, const char *file, mpsim_errors *errs);
/** Releases the property lists. */
void mps_h5w_close(mps_h5w *w);
/** Records a failure about object `name` under `loc` (loc < 0: the file). */
void mps_h5w_fail(mps_h5w *w, hid_t loc, const char *name, const char *what);

/** Creates group `name` under loc (timestamps off).  -1 on failure. */
hid_t mps_h5w_group(mps_h5w *w, hid_t loc, const char *name);
/** Scalar attributes.  A NULL string writes nothing. */
void mps_h5w_attr_str(mps_h5w *w, hid_t loc, const char *name, const char *value);
void mps_h5w_attr_i32(mps_h5w *w, hid_t loc, const char *name, int value);
void mps_h5w_attr_f64(mps_h5w *w, hid_t loc, const char *name, double value);
void mps_h5w_attr_u64(mps_h5w *w, hid_t loc, const char *name, uint64_t value);
/** A 1-D attribute of n variable-length UTF-8 strings. */
void mps_h5w_attr_strs(mps_h5w *w, hid_t loc, const char *name, const char *const *v, size_t n);

/** Writes dataset `name` of `rank` (0 = scalar, 1 or 2) and dims from buf
 *  (double, int, uint64_t or char * elements by `type`; NULL strings are
 *  written as "").  Adds the description and, when non-NULL, units
 *  attributes, and attaches scales[d] to dimension d when scales is
 *  non-NULL (every dimension: netCDF readers need all or none). */
void mps_h5w_data(mps_h5w *w, hid_t loc, const char *name, mps_field_type type, int rank,
                  const hsize_t *dims, const void *buf, const char *description,
                  const char *units, const hid_t *scales);
/** Writes a 1-D dataset of n elements and makes it a dimension scale named
 *  after itself.  Returns it open (the caller attaches it, then closes it). */
hid_t mps_h5w_scale(mps_h5w *w, hid_t loc, const char *name, mps_field_type type, size_t n,
                    const void *buf, const char *description, const char *units);
/** Paths per chunk of a per-path dataset: one round of the run driver
 *  (MPS_BLOCK_PATHS x MPS_ROUND_BLOCKS), so each round's append is exactly
 *  one whole chunk (128 KiB of doubles) per metric; docs/results-format.md
 *  says why this size. */
#define MPS_PATHS_CHUNK 16384

/** Creates group "paths" under loc, recording the filters of its datasets
 *  in attributes `compression` ("shuffle + deflate level N" or "none") and
 *  `deflate_level` (0 for none).  level: 1-9, or 0 for no filters.
 *  Returns it open, or -1. */
hid_t mps_h5w_paths_group(mps_h5w *w, hid_t loc, int level);
/** Creates an empty, extendible 1-D float64 dataset of per-path values,
 *  chunked in min(expected, MPS_PATHS_CHUNK) paths, shuffled and deflated
 *  at `level` (0: no filters), without a dimension scale; adds description
 *  and units.  Returns it open (the caller closes it), or -1. */
hid_t mps_h5w_paths_create(mps_h5w *w, hid_t loc, const char *name, uint64_t expected, int level,
                           const char *description, const char *units);
/** Writes buf[0..n) as paths [first, first + n) of ds, extending it. */
void mps_h5w_paths_append(mps_h5w *w, hid_t ds, uint64_t first, size_t n, const double *buf);

/* ------------------------------------------------------------------ reading */

/** Reading context: problems with the file's structure are MPSIM_ERR_INPUT. */
typedef struct {
    mpsim_errors *errs;
    const char *file;
    int failed;
} mps_h5r;

/** Records a structural problem with object `name` under `loc`. */
void mps_h5r_fail(mps_h5r *r, hid_t loc, const char *name, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
/** 1 if link `name` exists under loc and resolves to an object. */
int mps_h5r_exists(hid_t loc, const char *name);
/** Opens group `name` under loc; -1 (and a message) when it is missing. */
hid_t mps_h5r_group(mps_h5r *r, hid_t loc, const char *name);
/** 1 if loc has attribute `name`. */
int mps_h5r_has_attr(hid_t loc, const char *name);
/** Reads a scalar string attribute (fixed or variable length), malloc'd. */
char *mps_h5r_attr_str(mps_h5r *r, hid_t loc, const char *name);
/** Reads a scalar integer attribute. */
int64_t mps_h5r_attr_i64(mps_h5r *r, hid_t loc, const char *name);
/** A float64 scalar attribute (NaN after a failure). */
double mps_h5r_attr_f64(mps_h5r *r, hid_t loc, const char *name);
uint64_t mps_h5r_attr_u64(mps_h5r *r, hid_t loc, const char *name);
/** Reads a 1-D string attribute: *n strings, each malloc'd, in a malloc'd array. */
char **mps_h5r_attr_strs(mps_h5r *r, hid_t loc, const char *name, size_t *n);
/** Length of the 1-D dataset `name` (0 and a message when it is not 1-D). */
size_t mps_h5r_len(mps_h5r *r, hid_t loc, const char *name);
/** Reads dataset `name`, checking its class against `type` and its shape
 *  against rank/dims, into buf (strings: char * elements, each malloc'd). */
void mps_h5r_data(mps_h5r *r, hid_t loc, const char *name, mps_field_type type, int rank,
                  const hsize_t *dims, void *buf);

#endif
