/*
 * `mpsim export`: the results as tidy tables (docs/report.md), built once
 * here as data and written by two writers, CSV (csv.c) and an Excel
 * workbook (xlsx.c), so both hold the same columns, names and units.
 *
 * Column names, units and descriptions come from the results schema
 * (engine/results/schema.c), the same that names the HDF5 datasets and
 * the --json keys.  Internal interface; the public entry points are in
 * include/mpsim.h.
 */
#ifndef MPS_EXPORT_H
#define MPS_EXPORT_H

#include <stddef.h>

#include "mpsim.h"

/** What a column holds. */
typedef enum {
    MPS_X_TEXT, /**< a string */
    MPS_X_NUM,  /**< a double; NaN is an empty cell */
    MPS_X_INT   /**< a whole number (count, year, flag) held as a double */
} mps_xkind;

/** One column. */
typedef struct {
    char *name;              /**< owned */
    const char *units;       /**< NULL when units are not meaningful (static text) */
    const char *description; /**< static text */
    mps_xkind kind;
} mps_xcol;

/** One cell: `text` for text columns (NULL is empty), `num` otherwise.
 *  Text points into the results or to static strings. */
typedef struct {
    const char *text;
    double num;
} mps_xcell;

/** A table: columns and rows of cells (row-major). */
typedef struct {
    const char *name;        /**< file name without .csv, and sheet name */
    const char *description;
    mps_xcol *cols;
    size_t n_cols, cap_cols;
    mps_xcell *cells;        /**< [n_rows * n_cols] */
    size_t n_rows, cap_rows;
    int oom;                 /**< an allocation failed: the table is incomplete */
} mps_xtable;

/** Every table of an export. */
typedef struct {
    mps_xtable *tables;
    size_t n;
} mps_xbook;

/** Builds every table of r (summary, metrics, missions, projects, kinds,
 *  comparisons, comparison_missions, timeseries, histograms).  The tables
 *  point into r, which must outlive them.  MPSIM_ERR_FAIL (with a message)
 *  when out of memory; b is then empty. */
int mps_export_build(const mpsim_results *r, mps_xbook *b, mpsim_errors *errs);

/** Frees what mps_export_build allocated; b is empty afterwards. */
void mps_export_book_free(mps_xbook *b);

/** The number format a column's units call for, as an Excel format code
 *  ("#,##0.0" for £m, "0.000" for probabilities and ratios, "0" for years
 *  and counts), or NULL for the general format. */
const char *mps_export_format(const mps_xcol *c);

#endif
