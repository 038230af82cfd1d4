/*
 * The results schema, declared once as data.  The HDF5 writer, the HDF5
 * reader and the JSON summary all walk these tables, so a field added here
 * appears in every output with the same name, units and description
 * (docs/results-format.md lists them for people).
 */
#ifndef MPS_RESULTS_SCHEMA_H
#define MPS_RESULTS_SCHEMA_H

#include <stddef.h>

#include "mpsim.h"

/** Units strings used throughout the results. */
#define MPS_UNITS_GBP "GBP million (real, base-year prices)"
#define MPS_UNITS_ONE "1"
#define MPS_UNITS_YEAR "calendar year"
#define MPS_UNITS_PATHS "paths"

/** Storage type of one field. */
typedef enum {
    MPS_T_F64, /**< double; NaN where undefined */
    MPS_T_I32, /**< int */
    MPS_T_U64, /**< uint64_t */
    MPS_T_STR  /**< char *; NULL is written as "" */
} mps_field_type;

/** Field flags. */
enum {
    MPS_F_JSON = 1 /**< printed in the --json summary (in table order) */
};

/** One field of a record (a project, a mission, the static appraisal ...):
 *  where it lives in the struct and how it is described in the outputs. */
typedef struct {
    const char *name;        /**< dataset and JSON key */
    mps_field_type type;
    size_t offset;           /**< offsetof() within the record struct */
    const char *units;       /**< NULL when units are not meaningful */
    const char *description; /**< the dataset's `description` attribute */
    unsigned flags;          /**< MPS_F_* */
} mps_field;

/** A table of fields over one record struct. */
typedef struct {
    const mps_field *fields;
    size_t n;
} mps_schema;

/** mpsim_static_result: static/ scalars and the JSON "static" block. */
extern const mps_schema mps_schema_static;
/** mpsim_scenario_result's dynamic headline scalars (dynamic/). */
extern const mps_schema mps_schema_dynamic;
/** mpsim_project_result, one dataset per field over [project]. */
extern const mps_schema mps_schema_project;
/** mpsim_mission_result, one dataset per field over [mission]. */
extern const mps_schema mps_schema_mission;
/** mpsim_kind_result, one dataset per field over [kind]. */
extern const mps_schema mps_schema_kind;
/** mpsim_comparison's scalars (comparisons/<a>--<b>/). */
extern const mps_schema mps_schema_comparison;

/** Units and description of each per-path metric (mpsim_metric order). */
typedef struct {
    const char *units;
    const char *description;
} mps_metric_info;
extern const mps_metric_info mps_metric_infos[MPSIM_N_METRICS];
/** Descriptions of the decomposition components (MPSIM_D_* order). */
extern const char *const mps_decomp_descriptions[MPSIM_N_DECOMP];

/** Pointer to field f of the record at `record`. */
void *mps_field_ptr(void *record, const mps_field *f);
/** Const version of mps_field_ptr. */
const void *mps_field_cptr(const void *record, const mps_field *f);

#endif
