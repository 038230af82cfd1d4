/*
 * Reading a sensitivity file back (docs/sensitivity.md "Output"): what
 * `mpsim report` draws its tornado and indices charts from.  The file may
 * come from anywhere, so every object's type and shape is checked, and a
 * file that is not one, or of a newer format version, is MPSIM_ERR_INPUT
 * naming the object.  The time-series indices are not read: the report
 * draws the scalar outputs only.
 */
#ifndef MPS_SENS_READ_H
#define MPS_SENS_READ_H

#include <stddef.h>
#include <stdint.h>

#include "mpsim.h"

/** One scenario of a sensitivity file.  Arrays over (input, output) are
 *  indexed i * n_out + o, as the file holds them. */
typedef struct {
    char *name;
    uint64_t samples;     /**< base samples N */
    size_t k;             /**< studied inputs; 0: an alternative valued only in /voi */
    uint64_t evaluations; /**< paths run for the indices, N (k + 2) */
    char *estimand;       /**< what the indices estimate (copula or not) */
    char **inputs;        /**< [k] key paths */
    int *correlated;      /**< [k] 1: in the Gaussian copula */
    size_t n_out;         /**< scalar outputs */
    char **outputs;       /**< [n_out] "npv", "achieved:<mission>", ... */
    char **output_units;  /**< [n_out] */
    double *s1, *s1_se, *s1_lo, *s1_hi;       /**< [k * n_out] first order */
    double *st, *st_se, *st_lo, *st_hi;       /**< [k * n_out] total */
    double *s1_sum, *s1_sum_se, *unexplained; /**< [n_out] */
    double expected_npv, expected_bcr;        /**< the tornado's base: nothing fixed (£m, ratio) */
    double *p10, *p90;                        /**< [k] the input's quantiles */
    double *npv_p10, *npv_p90;                /**< [k] E[NPV] (£m) with the input fixed there */
    double *bcr_p10, *bcr_p90;                /**< [k] E[BCR] likewise */
    double *swing;                            /**< [k] |npv_p90 - npv_p10| (£m) */
    int *order;                               /**< [k] inputs by decreasing swing */
    double static_npv;                        /**< £m */
    double *lo, *hi, *centre; /**< [k] switching-value search range, central value */
    int *static_applies, *static_found, *dynamic_found; /**< [k] */
    double *static_value, *dynamic_value;               /**< [k] NaN: no crossing in range */
} mps_sens_file_scenario;

/** A sensitivity file as the report needs it. */
typedef struct {
    int format_version;
    char *mpsim_version, *created, *command_line; /**< created, command_line may be NULL */
    uint64_t seed, samples, bootstrap;
    double confidence;
    mpsim_provenance provenance;
    size_t n;
    mps_sens_file_scenario *sc;             /**< [n], in the batch's order */
    int has_voi;                            /**< a batch: /voi holds EVPI and EVPPI */
    char *best;                             /**< the alternative with the largest E[NPV] */
    double evpi, evpi_se, expected_current; /**< £m */
    size_t voi_k;
    char **voi_inputs;        /**< [voi_k] key paths */
    double *evppi, *evppi_se; /**< [voi_k] £m */
} mps_sens_file;

/** 1 when path is an HDF5 file whose root attribute `format` is
 *  "mpsim-sensitivity", else 0 (also for unreadable files: the results
 *  reader then says what is wrong).  Prints nothing. */
int mps_sens_file_is(const char *path);

/** Reads the sensitivity file at path into *out (free with
 *  mps_sens_file_free).  MPSIM_ERR_INPUT, with a message naming the file
 *  and object, for a file that is missing, not HDF5, truncated, not a
 *  sensitivity file, of a newer format version or malformed; MPSIM_ERR_FAIL
 *  when out of memory.  *out is NULL on failure. */
int mps_sens_file_read(const char *path, mps_sens_file **out, mpsim_errors *errs);

/** Frees f and everything in it; accepts NULL. */
void mps_sens_file_free(mps_sens_file *f);

#endif
