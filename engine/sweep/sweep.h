/*
 * Parameter sweeps (docs/sweeps.md): the loaded sweep file, its design,
 * the results of its points, the journal that makes a sweep resumable, and
 * the file that holds it all.
 *
 * sweep_load.c    the sweep file -> mpsim_sweep (validated; base checked)
 * sweep_design.c  grid, Latin hypercube and Sobol points
 * sweep_run.c     the loop over points (every process runs it; only the
 *                 writer writes)
 * sweep_journal.c the append-only journal of completed points
 * sweep_write.c   the HDF5 sweep file (one writer for sweeps, shards and
 *                 merges, so that merged and unsharded files are identical)
 * sweep_read.c    reading a sweep file back, and merging shards
 * sweep_json.c    the --json summary
 */
#ifndef MPS_SWEEP_H
#define MPS_SWEEP_H

#include <stddef.h>
#include <stdint.h>

#include "mpsim.h"
#include "scenario/yaml_tree.h"

/** Most points in one sweep (each a full run; the summaries of 100 000
 *  points take 170 MB). */
#define MPS_SWEEP_MAX_POINTS 100000
/** Most parameters of a grid or lhs design. */
#define MPS_SWEEP_MAX_PARAMS 64
/** Most parameters of a sobol design: GSL's gsl_qrng_sobol dimension limit. */
#define MPS_SWEEP_SOBOL_MAX_DIM 40
/** Longest error message kept for a failed point, in bytes (the journal
 *  stores it in a fixed-size field, so a longer one is cut the same way
 *  whether or not the sweep was resumed). */
#define MPS_SWEEP_ERROR_MAX 2047

typedef enum { MPS_DESIGN_GRID, MPS_DESIGN_LHS, MPS_DESIGN_SOBOL } mps_design_method;
extern const char *const mps_design_names[3];

/** Headline measures per point, beside the summary statistics. */
enum {
    MPS_H_STATIC_NPV,
    MPS_H_STATIC_BCR,
    MPS_H_EXPECTED_BCR,
    MPS_H_P_BCR_ABOVE_1,
    MPS_H_P_NPV_NEGATIVE,
    MPS_H_EXPECTED_SHORTFALL_5,
    MPS_H_BCR_UNDEFINED,
    MPS_N_HEADLINE
};
extern const char *const mps_headline_names[MPS_N_HEADLINE];
extern const char *const mps_headline_units[MPS_N_HEADLINE];

/** Doubles of one point's results: the summary [metric][statistic], then
 *  the headline measures. */
#define MPS_SWEEP_N_VALUES (MPSIM_N_METRICS * MPSIM_N_STATS + MPS_N_HEADLINE)

/** One varied input. */
typedef struct {
    char *path;               /**< the key path */
    const mps_ynode *node;    /**< the `path` value in the sweep file (errors point here) */
    double min, max;          /**< lhs and sobol */
    int integer;              /**< lhs and sobol: round to the nearest integer */
    size_t n_values;          /**< grid */
    const mps_ynode **values; /**< grid: the value nodes, in the sweep file's tree */
    double *numbers;          /**< grid: each value as a number (booleans 0/1; NaN for strings) */
    char *values_text;        /**< grid: the values as a flow list, "[0.0, 0.02]" */
} mps_sweep_param;

struct mpsim_sweep {
    char *file; /**< path as given */
    char *text; /**< the file, verbatim */
    size_t len;
    mps_ytree tree; /**< parsed; grid value nodes live here */
    char *name;
    char *description;  /**< NULL when not given */
    char *base_written; /**< `base` as written */
    char *base_path;    /**< relative to the working directory */
    char *base_text;    /**< the base file, verbatim */
    size_t base_len;
    char *base_resolved; /**< the base after `extends` merging */
    uint64_t base_paths, base_seed;
    mps_design_method method;
    size_t n_points;
    uint64_t design_seed; /**< lhs */
    uint64_t paths;       /**< when paths_set */
    int paths_set;
    size_t n_params;
    mps_sweep_param *params;
    double *points;     /**< [n_points * n_params] */
    size_t *grid_index; /**< grid: [n_points * n_params] value indexes */
};

/** The results of a sweep: everything its file holds. */
struct mpsim_sweep_results {
    char *sweep_id; /**< hex identity of (sweep text, base, paths, seed, version) */
    char *mpsim_version;
    char *created;
    char *command_line;
    mpsim_provenance provenance;
    uint64_t seed, paths;
    uint32_t shard_index, shard_count; /**< 0, 0: the whole sweep */
    char *name, *description, *method, *base;
    uint64_t design_seed;
    char *input_text, *base_input_text, *base_resolved_text;
    size_t n_params;
    char **param_path;
    double *param_min, *param_max; /**< NaN for grid */
    int *param_integer;
    char **param_values; /**< grid: the values as a flow list; "" otherwise */
    size_t n_points;
    double *points;    /**< [point * n_params] */
    char **point_text; /**< grid only: [point * n_params], as written; else NULL */
    double *values;    /**< [point * MPS_SWEEP_N_VALUES]; NaN where not run or failed */
    int *status;       /**< [point]: 0 ok, 1 failed, -1 not run (shards) */
    char **error;      /**< [point]: "" unless failed */
    int *done;         /**< [point]: 1 when recorded (this shard's points) */
};

/* ------------------------------------------------------------- designs */

/** Fills s->points (and s->grid_index for grid) from the design.
 *  MPSIM_ERR_FAIL when out of memory. */
int mps_sweep_design(mpsim_sweep *s);

/** The LHS design alone: x[i * d + j] in [0, 1) for n points in d
 *  dimensions, keyed by seed (docs/sweeps.md gives the formula). */
int mps_lhs_unit(size_t n, size_t d, uint64_t seed, double *x);

/** The first n points of gsl_qrng_sobol in d dimensions (d <= 40). */
int mps_sobol_unit(size_t n, size_t d, double *x);

/* ------------------------------------------------------------- results */

/** New results for sweep s (points, parameters, texts filled; no point
 *  done), for the given seed, paths and shard. */
mpsim_sweep_results *mps_sweep_results_new(const mpsim_sweep *s, uint64_t seed, uint64_t paths,
                                           uint32_t shard_index, uint32_t shard_count);
/** An empty results object with n_points and n_params arrays allocated. */
mpsim_sweep_results *mps_sweep_results_alloc(size_t n_points, size_t n_params, int grid);
/** 1 if point p belongs to the shard (p % n == i - 1). */
int mps_sweep_in_shard(size_t p, uint32_t shard_index, uint32_t shard_count);
/** The value every process of the run agrees on for a decision that one
 *  process alone may see (a stop signal, a failed journal write): the
 *  largest over processes; `local` itself in a serial build.  Collective
 *  under MPI: every process calls it at the same points of the loop. */
int mps_sweep_agree(int local);
/** Identity of a sweep run: a hex string (malloc'd). */
char *mps_sweep_identity(const mpsim_sweep *s, uint64_t seed, uint64_t paths);

/* ------------------------------------------------------------- journal */

typedef struct mps_journal mps_journal;

/** Opens the journal at path for results r (its identity and shard).
 *  Without resume an existing journal is MPSIM_ERR_INPUT; with it, its
 *  valid records are loaded into r (done, status, values, error) and a
 *  torn last record is cut off.  `write`: 0 in processes that only read
 *  (MPI ranks other than the writer), which never create or change it. */
int mps_journal_open(const char *path, mpsim_sweep_results *r, int resume, int write,
                     mps_journal **out, mpsim_errors *errs);
/** Appends point p's record (from r) and fsyncs it. */
int mps_journal_append(mps_journal *j, const mpsim_sweep_results *r, size_t p, mpsim_errors *errs);
/** Closes (the journal stays on disk); accepts NULL. */
void mps_journal_close(mps_journal *j);

#endif
