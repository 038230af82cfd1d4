/*
 * mpsim: Monte Carlo appraisal of portfolios of public mission programmes.
 *
 * Public API of libmpsim.  The flow is one way:
 *
 *   mpsim_scenario_load()  ->  mpsim_run() / mpsim_static()  ->  mpsim_results
 *                          ->  mpsim_results_write_hdf5() / _print_table() / _print_json()
 *
 * Every function returns an mpsim_status and, for bad input, fills an
 * mpsim_errors list (file:line:column, key path, message).  The library never
 * prints on its own and never exits the process.  Money is in £m, real
 * base-year prices; years are calendar years unless a comment says "model year"
 * (t = 0 .. horizon-1).
 */
#ifndef MPSIM_H
#define MPSIM_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The library's version (major.minor.patch); the shared library's
 *  SONAME carries the major number (libmpsim.so.0). */
#define MPSIM_VERSION_STRING "0.1.0"
/** Version of the results file layout and of the --json summary. */
#define MPSIM_FORMAT_VERSION 1

/** Status codes; their values are also the command line's exit statuses. */
typedef enum {
    MPSIM_OK = 0,        /**< success */
    MPSIM_ERR_FAIL = 1,  /**< any failure other than bad input (I/O, memory) */
    MPSIM_ERR_INPUT = 2, /**< bad input or usage: nothing was written */
    MPSIM_ERR_INTERRUPTED = 3 /**< cancelled through mpsim_run_options.cancel */
} mpsim_status;

/* ------------------------------------------------------------------ errors */

/** One diagnostic.  line and column are 1-based, 0 when not known;
 *  key_path is "" when the error is about the whole file. */
typedef struct {
    char *file;     /**< the input file, as given; NULL when none */
    int line;       /**< 1-based; 0 when not known */
    int column;     /**< 1-based; 0 when not known */
    char *key_path; /**< e.g. "missions[0].projects[1].cost"; "" for the whole file */
    char *message;  /**< what is wrong, in a sentence */
} mpsim_error;

/** A growable list of diagnostics.  Zero-initialise or call _init. */
typedef struct {
    mpsim_error *items; /**< [count] diagnostics, in the order found */
    size_t count;
    size_t capacity;    /**< entries allocated */
} mpsim_errors;

/** Makes e an empty list (the same as zero-initialising it). */
void mpsim_errors_init(mpsim_errors *e);
/** Frees every entry; the list is empty and reusable afterwards. */
void mpsim_errors_clear(mpsim_errors *e);
/** Appends one diagnostic (printf-style message).  Any string may be NULL. */
void mpsim_errors_add(mpsim_errors *e, const char *file, int line, int column,
                      const char *key_path, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;
/** Prints "file:line:column: key_path: message" lines (parts that are unknown
 *  are left out). */
void mpsim_errors_print(const mpsim_errors *e, FILE *out);
/** Prints {"ok": ..., "errors": [...]} as interface.md specifies. */
void mpsim_errors_print_json(const mpsim_errors *e, FILE *out);

/* --------------------------------------------------------------- scenarios */

/** A loaded, validated scenario (opaque). */
typedef struct mpsim_scenario mpsim_scenario;

/** Loads and validates one scenario file.  On bad input returns
 *  MPSIM_ERR_INPUT with every error found appended to errs and *out NULL. */
int mpsim_scenario_load(const char *path, mpsim_scenario **out, mpsim_errors *errs);
/** As _load, from a buffer; `file` names it in error messages. */
int mpsim_scenario_load_buffer(const char *text, size_t len, const char *file,
                               mpsim_scenario **out, mpsim_errors *errs);
/** Frees a scenario; accepts NULL. */
void mpsim_scenario_free(mpsim_scenario *s);
/** The scenario's `name`; owned by s. */
const char *mpsim_scenario_name(const mpsim_scenario *s);
/** The scenario after `extends` merging, as YAML text that loads as the
 *  same scenario (comments are not kept); owned by s. */
const char *mpsim_scenario_resolved_text(const mpsim_scenario *s);

/* ------------------------------------------------------------------- runs */

/** Options for a run.  Zero-initialise, then set what the user gave. */
typedef struct {
    uint64_t paths;  /**< used when paths_set, else the first scenario's */
    int paths_set;
    uint64_t seed;   /**< used when seed_set, else the first scenario's */
    int seed_set;
    int threads;     /**< OpenMP threads; 0 = the OpenMP default */
    /** Keep every path's metrics in the results (paths[] of each scenario):
     *  15 doubles a path a scenario, however many paths, and the quantiles
     *  are then exact.  For large runs, hand them to paths_sink instead. */
    int keep_paths;
    /** Called now and then from the driving thread; may be NULL. */
    void (*progress)(void *ctx, uint64_t paths_done, uint64_t paths_total);
    void *progress_ctx;
    /** When non-NULL and it becomes non-zero, the run stops with
     *  MPSIM_ERR_INTERRUPTED at the next block boundary. */
    const volatile sig_atomic_t *cancel;
    /** Bytes of memory the run may use; 0 = no limit.  mpsim_run refuses
     *  (MPSIM_ERR_INPUT, before allocating anything large) a run whose
     *  mpsim_run_estimate exceeds it. */
    uint64_t max_memory;
    /** 1: keep every path's metrics for exact quantiles (model.md section
     *  10) whatever the number of paths; -1: always stream them; 0: exact
     *  up to MPSIM_EXACT_PATHS paths and streamed beyond (always exact with
     *  keep_paths)
     *  (docs/parallel-runs.md gives the streamed error bound). */
    int exact_quantiles;
    /** When > 0: run rounds of paths until the relative standard error of
     *  every scenario's mean NPV is at most this, `paths` being the cap.
     *  Checked between fixed rounds, so the stopping point is deterministic. */
    double target_se;
    /** Antithetic variates: paths run in mirrored pairs (2i, 2i+1); standard
     *  errors are over pair means.  Needs an even number of paths. */
    int antithetic;
    /** When non-NULL, receives every path's metrics while the run goes, so
     *  they can be written out without being held (--keep-paths): after
     *  each round of paths, once per scenario in batch order, paths
     *  [first, first + n) in path order, `metrics[m * n + i]` being metric m
     *  (mpsim_metric order) of path first + i.  Called from the driving
     *  thread (under MPI, on rank 0 only).  A status other than MPSIM_OK
     *  (with a message added to errs) stops the run with that status. */
    int (*paths_sink)(void *ctx, size_t scenario, uint64_t first, uint64_t n,
                      const double *metrics, mpsim_errors *errs);
    void *paths_sink_ctx;
    /** When non-NULL: record the run's progress durably in this file
     *  (docs/parallel-runs.md, "Checkpoint and resume"), atomically, after
     *  a round of paths at most every checkpoint_interval seconds and
     *  always when stopping on `cancel`; per-path metrics of exact runs go
     *  to the append-only side file "<checkpoint>.paths".  Cannot be
     *  combined with keep_paths or paths_sink (MPSIM_ERR_INPUT).  The
     *  files stay after the run: remove them with mpsim_checkpoint_remove
     *  once the results are safe. */
    const char *checkpoint;
    /** With checkpoint: continue from it.  A missing checkpoint, or one
     *  of another run (scenarios, seed, paths, antithetic, target_se,
     *  quantile mode or mpsim version differing), or a damaged one is
     *  MPSIM_ERR_INPUT saying why.  The results are bit-identical to an
     *  uninterrupted run's, whatever the threads or ranks of either. */
    int resume;
    /** Seconds between checkpoints (wall clock, checked between rounds);
     *  0 = MPSIM_CHECKPOINT_INTERVAL. */
    double checkpoint_interval;
} mpsim_run_options;

/** The default seconds between checkpoints. */
#define MPSIM_CHECKPOINT_INTERVAL 60.0

/** Up to this many paths, quantiles of the per-path metrics are exact by
 *  default (their arrays take 15 doubles a path a scenario). */
#define MPSIM_EXACT_PATHS UINT64_C(1000000)

/** Applies the batch rules of scenario-format.md (unique names, paths and
 *  seed agreeing unless opt sets them).  opt may be NULL. */
int mpsim_batch_check(mpsim_scenario *const *scenarios, size_t n,
                      const mpsim_run_options *opt, mpsim_errors *errs);

/* ---------------------------------------------------------------- results */

/** Statistics reported for every metric, in this order. */
typedef enum {
    MPSIM_STAT_MEAN, MPSIM_STAT_SD, MPSIM_STAT_SE, MPSIM_STAT_MIN, MPSIM_STAT_MAX,
    MPSIM_STAT_P1, MPSIM_STAT_P5, MPSIM_STAT_P10, MPSIM_STAT_P25, MPSIM_STAT_P50,
    MPSIM_STAT_P75, MPSIM_STAT_P90, MPSIM_STAT_P95, MPSIM_STAT_P99,
    MPSIM_N_STATS
} mpsim_stat;

/** Per-path metrics (model.md section 10), in this order. */
typedef enum {
    MPSIM_M_NPV, MPSIM_M_BCR, MPSIM_M_PV_BENEFITS, MPSIM_M_PVC, MPSIM_M_PV_COST,
    MPSIM_M_PV_COST_CDEL, MPSIM_M_PV_COST_RDEL, MPSIM_M_PV_COST_PDEL,
    MPSIM_M_PV_DIRECT, MPSIM_M_PV_SAVINGS, MPSIM_M_PV_SPILLOVERS, MPSIM_M_PV_GDP,
    MPSIM_M_PV_TAX, MPSIM_M_PV_EXCHEQUER, MPSIM_M_DEBT_RATIO_CHANGE_END,
    MPSIM_N_METRICS
} mpsim_metric;

/** Names as they appear in JSON and HDF5 ("npv", "p50", ...). */
extern const char *const mpsim_metric_names[MPSIM_N_METRICS];
/** Names of the statistics as they appear in JSON and HDF5 ("mean", "p50", ...). */
extern const char *const mpsim_stat_names[MPSIM_N_STATS];

/** Components of the decomposition, in this order. */
enum { MPSIM_D_DIRECT, MPSIM_D_SPILLOVERS, MPSIM_D_SAVINGS, MPSIM_D_WIDER_ECONOMY, MPSIM_N_DECOMP };
/** Names of the components ("direct", "spillovers", "savings", "wider_economy"). */
extern const char *const mpsim_decomp_names[MPSIM_N_DECOMP];

/** The deterministic Green Book appraisal (model.md section 10), £m PV. */
typedef struct {
    double pv_cost;     /**< gross public spend, with optimism bias */
    double pvc;         /**< PVC under the cost_savings convention */
    double pv_benefits; /**< PVB */
    double npv;         /**< pv_benefits - pvc */
    double bcr;         /**< NaN when pvc <= 0 */
} mpsim_static_result;

/** Mission year quantiles reported, in this order (0.05 .. 0.95). */
#define MPSIM_N_YEAR_Q 5
/** The levels of the mission year quantiles: 0.05, 0.25, 0.5, 0.75, 0.95. */
extern const double mpsim_year_q_levels[MPSIM_N_YEAR_Q];

/** One mission of a scenario, over the paths. */
typedef struct {
    char *id;
    char *name;
    int has_target;          /**< 1 when the mission has a target */
    double target_value;     /**< in the mission indicator's own units */
    int target_by;           /**< calendar year */
    double p_achieved;       /**< NaN without a target */
    double year_q[MPSIM_N_YEAR_Q]; /**< calendar years; NaN when no path reaches it */
} mpsim_mission_result;

/** One project of a scenario, over the paths; money in £m PV. */
typedef struct {
    char *id;
    char *mission;           /**< id of its mission */
    char *kind;              /**< "tactical", "emblematic", "strategic" or "unlabelled" */
    char *category;          /**< "CDEL", "RDEL" or "PDEL" */
    double p_success;        /**< P(the project succeeds) */
    double mean_pv_cost;     /**< additive share of PVC */
    double mean_pv_benefits; /**< additive share of PVB */
    /** Raw benefit components (GDP from crowding-in in proportion to spend). */
    double mean_pv_direct, mean_pv_spillovers, mean_pv_savings, mean_pv_gdp;
    double mean_spend_share; /**< mean share of the planned programme delivered */
    double p_stopped;        /**< P(adaptive management stopped the project) */
} mpsim_project_result;

/** The projects of one kind together; money in £m PV. */
typedef struct {
    char *kind;     /**< as mpsim_project_result.kind */
    int projects;   /**< how many projects are of this kind */
    double mean_pv_cost, mean_pv_benefits; /**< sums of the projects' shares */
} mpsim_kind_result;

/** A fan chart: bands[year * n_quantiles + q] and mean[year], £m per year
 *  (mission indicators in the indicator's own units). */
typedef struct {
    char *name;   /**< "cost", "benefits", "mission_<id>", ... */
    char *description;
    char *units;  /**< as in the results file, e.g. "GBP million (real, base-year prices)" */
    double *bands; /**< [horizon * n_quantiles] of the scenario result */
    double *mean;  /**< [horizon] */
} mpsim_series;

/** Quantile function and histogram of one metric over paths. */
typedef struct {
    size_t n_levels;   /**< 101: 0, 0.01, .., 1 */
    double *levels;    /**< [n_levels] probabilities */
    double *values;    /**< [n_levels] in the metric's units; NaN when no path defines it */
    size_t n_bins;
    double *edges;     /**< n_bins + 1 */
    uint64_t *counts;  /**< n_bins */
} mpsim_distribution;

/** Everything a run found for one scenario; money in £m PV (real,
 *  base-year prices) unless a field says otherwise. */
typedef struct {
    char *name;
    char *description;
    char *input_file;     /**< path as given */
    char *input_text;     /**< the file, verbatim */
    char *resolved_text;  /**< the scenario after merging (YAML) */
    size_t n_inputs;      /**< files it extends, outermost first (not the file itself) */
    char **input_names;   /**< [n_inputs] paths as resolved */
    char **input_texts;   /**< [n_inputs] verbatim */
    int base_year;        /**< calendar year to which values are discounted */
    int horizon;          /**< years modelled, from base_year */

    mpsim_static_result stat; /**< the static Green Book appraisal */

    /* Dynamic appraisal; all zero / NULL in a static-only result. */
    int has_dynamic;
    double stats[MPSIM_N_METRICS][MPSIM_N_STATS]; /**< NaN where undefined */
    double expected_bcr;          /**< E[PVB] / E[PVC]; NaN when E[PVC] <= 0 */
    double p_bcr_above_1;         /**< over paths with a defined BCR; NaN if none */
    double p_npv_negative;        /**< P(NPV < 0) */
    double expected_shortfall_5;  /**< mean of the ceil(0.05 n) lowest npv */
    uint64_t bcr_undefined;       /**< paths with PVC <= 0 */
    double decomposition[MPSIM_N_DECOMP]; /**< mean of each benefit component */

    size_t n_missions;
    mpsim_mission_result *missions;
    size_t n_projects;
    mpsim_project_result *projects;
    size_t n_kinds;
    mpsim_kind_result *kinds;

    size_t n_quantiles;        /**< fan-chart quantile levels */
    double *quantile_levels;   /**< [n_quantiles] probabilities */
    size_t n_series;
    mpsim_series *series;      /**< each over horizon years */

    mpsim_distribution dist_npv, dist_bcr; /**< of NPV (£m) and of BCR */

    uint64_t n_paths_kept;     /**< paths[] lengths; 0 without keep_paths */
    double *paths[MPSIM_N_METRICS]; /**< [metric][path] with keep_paths, else NULL */
} mpsim_scenario_result;

/** Scenario b against scenario a under common random numbers. */
typedef struct {
    char *a, *b;               /**< scenario names; a is the batch's first */
    /** Of npv_b - npv_a per path, £m; p_b_better = P(npv_b > npv_a). */
    double npv_diff_mean, npv_diff_sd, npv_diff_se, p_b_better;
    /** Of pv_exchequer_b - pv_exchequer_a per path, £m. */
    double exchequer_diff_mean, exchequer_diff_se;
    size_t n_missions;
    char **mission_ids;        /**< the union of both scenarios' missions, a's order first */
    double *p_achieved_diff;   /**< NaN where undefined */
} mpsim_comparison;

/** Provenance recorded with every results file. */
typedef struct {
    char *git_revision, *compiler, *compiler_flags; /**< of the build that ran */
    char *gsl_version, *hdf5_version, *yaml_version, *random123_version; /**< libraries */
    char *mpi_version; /**< the MPI library's (MPI build only); NULL otherwise */
} mpsim_provenance;

/** The results of a run (or of mpsim static), as the results file holds
 *  them; free with mpsim_results_free. */
typedef struct mpsim_results {
    int static_only;           /**< only `stat` is filled (mpsim static) */
    uint64_t seed;             /**< the master seed */
    uint64_t paths;            /**< paths run (fewer than asked when target_se stopped it) */
    int quantiles_exact;       /**< 1: exact quantiles; 0: streamed (log-binned histograms) */
    int antithetic;            /**< 1: antithetic pairs */
    double target_se;          /**< the precision target, 0 when none */
    int target_se_reached;     /**< 1 when the run stopped because it met target_se */
    char *mpsim_version;       /**< of the mpsim that ran it */
    char *created;             /**< ISO 8601 UTC */
    char *command_line;        /**< argv joined (mpsim_results_stamp) */
    mpsim_provenance provenance;
    size_t n_scenarios;
    mpsim_scenario_result *scenarios;
    size_t n_comparisons;
    mpsim_comparison *comparisons;
} mpsim_results;

/** Estimates the peak memory, in bytes, that mpsim_run would use for these
 *  scenarios and options (opt may be NULL): per-path metrics (15 doubles a
 *  path a scenario), fan-chart histograms (per thread and per scenario),
 *  workspaces and summaries; or, if larger, what writing the results with
 *  mpsim_results_write_hdf5 then takes (the file is built in memory, so
 *  per-path data kept with keep_paths count twice).  Allocates only
 *  briefly.  MPSIM_ERR_INPUT
 *  without scenarios, MPSIM_ERR_FAIL when out of memory; *bytes is 0 then. */
int mpsim_run_estimate(mpsim_scenario *const *scenarios, size_t n, const mpsim_run_options *opt,
                       uint64_t *bytes);

/** Runs every scenario over the same paths (common random numbers) and
 *  fills a new results object.  The scenarios must pass mpsim_batch_check.
 *
 *  In the MPI build, once MPI is initialised, this is collective over
 *  MPI_COMM_WORLD: every rank calls it with the same scenarios and options
 *  and runs a share of the paths; rank 0 gathers them and gets the
 *  results, bit-identical to a serial run's.  Every rank returns rank 0's
 *  status; on the other ranks *out is NULL even on success.  The
 *  cancel flag, progress and paths_sink work as in a serial run (the sink
 *  on rank 0 only; a cancel seen on any rank stops every rank at the same
 *  round). */
int mpsim_run(mpsim_scenario *const *scenarios, size_t n, const mpsim_run_options *opt,
              mpsim_results **out, mpsim_errors *errs);

/** Removes a run's checkpoint (mpsim_run_options.checkpoint), its side
 *  file and any temporary one; a file already gone is not an error.  MPSIM_ERR_FAIL (with a
 *  message) when one exists but cannot be removed. */
int mpsim_checkpoint_remove(const char *checkpoint, mpsim_errors *errs);

/* ---------------------------------------------------------------- parallel */

/** Starts MPI in the MPI build (MPI_Init_thread, funneled) when a launcher
 *  (mpirun, mpiexec, srun) started the process; nothing if MPI is already
 *  started, or without a launcher (the process then works as the serial
 *  build), or in the serial build.  Call once, first thing in main.
 *  MPSIM_ERR_FAIL when MPI cannot start. */
int mpsim_parallel_init(int *argc, char ***argv);
/** Ends MPI if mpsim_parallel_init (or the program) started it; call last. */
void mpsim_parallel_finalize(void);
/** This process's MPI rank: 0 in the serial build or when MPI is not
 *  initialised.  Rank 0 is the one that writes files and prints. */
int mpsim_parallel_rank(void);
/** The number of MPI ranks: 1 in the serial build or when MPI is not
 *  initialised. */
int mpsim_parallel_size(void);
/** Collective (every rank must call it): the largest `value` over ranks,
 *  so that ranks agree on a status before a collective step (value
 *  itself in the serial build). */
int mpsim_parallel_max(int value);

/** The static Green Book appraisal of each scenario (no Monte Carlo). */
int mpsim_static(mpsim_scenario *const *scenarios, size_t n, mpsim_results **out,
                 mpsim_errors *errs);

/** Frees r and everything in it; accepts NULL. */
void mpsim_results_free(mpsim_results *r);

/** Sets created (now, UTC) and command_line (argv joined) on r. */
int mpsim_results_stamp(mpsim_results *r, int argc, char *const *argv);

/** Writes the HDF5 results file: to a temporary name beside `path`, renamed
 *  into place when complete.  On failure nothing is left at `path`
 *  (an existing file there is untouched). */
int mpsim_results_write_hdf5(const mpsim_results *r, const char *path, mpsim_errors *errs);

/** Reads back what _write_hdf5 wrote (the summary, not per-path data).
 *  A file that is not an mpsim results file, or of a newer format version,
 *  is MPSIM_ERR_INPUT. */
int mpsim_results_read_hdf5(const char *path, mpsim_results **out, mpsim_errors *errs);

/** The readable summary: a table per scenario, then the comparisons. */
void mpsim_results_print_table(const mpsim_results *r, FILE *out);
/** The --json summary document of interface.md. */
void mpsim_results_print_json(const mpsim_results *r, FILE *out);

/* ------------------------------------------------------------------ sweeps */

/** A loaded, validated sweep file (docs/sweeps.md): a base scenario, the
 *  key paths to vary and a design (grid, lhs or sobol) of points. */
typedef struct mpsim_sweep mpsim_sweep;

/** Loads and validates a sweep file, and its base scenario (every key
 *  path must name a value of the base).  On bad input returns
 *  MPSIM_ERR_INPUT with every error found in errs and *out NULL. */
int mpsim_sweep_load(const char *path, mpsim_sweep **out, mpsim_errors *errs);
/** Frees a sweep; accepts NULL. */
void mpsim_sweep_free(mpsim_sweep *s);
/** The sweep's `name`. */
const char *mpsim_sweep_name(const mpsim_sweep *s);
/** Number of points of the design. */
size_t mpsim_sweep_n_points(const mpsim_sweep *s);

/** The results of a sweep, or of a shard of one (opaque). */
typedef struct mpsim_sweep_results mpsim_sweep_results;

/** Options of a sweep.  Zero-initialise, then set what the user gave. */
typedef struct {
    uint64_t paths;  /**< paths per point when paths_set, else the sweep's, else the base's */
    int paths_set;
    uint64_t seed;   /**< seed of every point when seed_set, else the base scenario's */
    int seed_set;
    int threads;     /**< OpenMP threads; 0 = the OpenMP default */
    uint64_t max_memory; /**< as mpsim_run_options.max_memory, per point */
    uint32_t shard_index; /**< 1-based shard i of shard_count; both 0: every point */
    uint32_t shard_count;
    /** Path of the journal of completed points (docs/sweeps.md), or NULL
     *  for none.  Without `resume`, an existing journal is MPSIM_ERR_INPUT
     *  (nothing is overwritten); with it, its points are taken as done. */
    const char *journal;
    int resume;
    /** Called after each point from the driving thread; may be NULL.
     *  `done` counts this run's share, including points resumed. */
    void (*progress)(void *ctx, size_t done, size_t total, size_t failed);
    void *progress_ctx;
    /** When non-NULL and it becomes non-zero, the point in flight stops at
     *  its next block of paths and is discarded; mpsim_sweep_run then
     *  returns MPSIM_ERR_INTERRUPTED with the journal durable. */
    const volatile sig_atomic_t *cancel;
} mpsim_sweep_options;

/** Runs every point of the sweep (or of the shard) as a full mpsim_run of
 *  the base scenario with the point's values, all on the same seed and
 *  paths.  A point whose values make the scenario invalid is recorded as
 *  failed with its error message and the sweep goes on.  Returns MPSIM_OK
 *  with *out filled; MPSIM_ERR_INTERRUPTED with *out holding the points
 *  done so far; MPSIM_ERR_INPUT (bad options or journal) or
 *  MPSIM_ERR_FAIL (I/O, memory) with *out NULL.
 *
 *  In the MPI build, once MPI is initialised, this is collective: every
 *  rank calls it; points are dealt to ranks in rounds (the last few run on
 *  all ranks), and rank 0's results are complete and bit-identical to a
 *  serial sweep's (docs/sweeps.md). */
int mpsim_sweep_run(const mpsim_sweep *s, const mpsim_sweep_options *opt,
                    mpsim_sweep_results **out, mpsim_errors *errs);

/** 1 in the process that writes files (journal, sweep file); always 1 in
 *  a serial build.  Every process runs the same loop. */
int mpsim_sweep_is_writer(void);

/** Points of the sweep, points done (in this shard), and points failed. */
void mpsim_sweep_results_counts(const mpsim_sweep_results *r, size_t *points, size_t *done,
                                size_t *failed);
/** Sets created (now, UTC) and command_line (argv joined). */
int mpsim_sweep_results_stamp(mpsim_sweep_results *r, int argc, char *const *argv);
/** Writes the sweep file (docs/sweeps.md) atomically: temporary name,
 *  fsync, rename.  Results of a shard write a shard file. */
int mpsim_sweep_write_hdf5(const mpsim_sweep_results *r, const char *path, mpsim_errors *errs);
/** Reads a sweep or shard file back; MPSIM_ERR_INPUT when it is not one. */
int mpsim_sweep_read_hdf5(const char *path, mpsim_sweep_results **out, mpsim_errors *errs);
/** Combines shard results of one sweep into the results of the whole
 *  sweep, as an unsharded run makes them.  Shards of different sweeps, or
 *  that miss or repeat points, are MPSIM_ERR_INPUT.  names[i] names
 *  shards[i] in messages. */
int mpsim_sweep_merge(mpsim_sweep_results *const *shards, const char *const *names, size_t n,
                      mpsim_sweep_results **out, mpsim_errors *errs);
/** A readable table of the points: values, E[NPV] and its se, E[BCR],
 *  P(BCR > 1), status. */
void mpsim_sweep_print_table(const mpsim_sweep_results *r, FILE *out);
/** The --json summary of a sweep (docs/sweeps.md). */
void mpsim_sweep_print_json(const mpsim_sweep_results *r, FILE *out);
/** Frees sweep results; accepts NULL. */
void mpsim_sweep_results_free(mpsim_sweep_results *r);

/* ------------------------------------------------------------- sensitivity */

/* Model-independent sensitivity and decision analysis (docs/sensitivity.md):
 * Sobol' indices of any callback by the Saltelli scheme, switching values by
 * Brent's method, and the expected value of (partial) perfect information. */

/** Distribution of one input of a sensitivity analysis; parameters by kind
 *  in mpsim_sens_input. */
typedef enum {
    MPSIM_SENS_UNIFORM,    /**< a = min, b = max, a < b */
    MPSIM_SENS_NORMAL,     /**< a = mean, b = sd > 0 */
    MPSIM_SENS_LOGNORMAL,  /**< a = median > 0, b = p90 > median */
    MPSIM_SENS_TRIANGULAR, /**< a = min, b = mode, c = max, a <= b <= c, a < c */
    MPSIM_SENS_PERT        /**< as triangular; Beta-PERT with lambda 4 */
} mpsim_sens_dist;

/** One uncertain input: the sampler maps a unit-cube coordinate u to the
 *  input's value by its inverse CDF, x = F^-1(u). */
typedef struct {
    const char *name; /**< for messages and results; NULL: "x1", "x2", ... */
    mpsim_sens_dist dist;
    double a, b, c;   /**< as mpsim_sens_dist says; unused ones are ignored */
} mpsim_sens_input;

/** Checks k input descriptions; MPSIM_ERR_INPUT with one message per bad
 *  input (key path "inputs[i]") otherwise. */
int mpsim_sens_input_check(const mpsim_sens_input *inputs, size_t k, mpsim_errors *errs);

/** The p-quantile of a valid input, p in (0, 1) (e.g. 0.1 and 0.9 for a
 *  tornado, 0.001 and 0.999 for a switching-value search range).
 *  MPSIM_ERR_INPUT for a bad input or p outside (0, 1). */
int mpsim_sens_input_quantile(const mpsim_sens_input *in, double p, double *x,
                              mpsim_errors *errs);

/** Which matrix a row of the Saltelli scheme belongs to:
 *  MPSIM_SOBOL_ROW_A, MPSIM_SOBOL_ROW_B, or i >= 0 for AB^(i) (A with
 *  column i taken from B). */
enum { MPSIM_SOBOL_ROW_A = -1, MPSIM_SOBOL_ROW_B = -2 };

/** One row handed to a Sobol model callback. */
typedef struct {
    /** Base sample j in 0 .. n-1.  Rows A_j, B_j and AB^(i)_j share it, so a
     *  model with randomness outside the studied inputs should key that
     *  randomness by `sample` (common random numbers): it then shows up as
     *  the unexplained share 1 - sum of first-order indices. */
    uint64_t sample;
    int matrix; /**< MPSIM_SOBOL_ROW_A, MPSIM_SOBOL_ROW_B or i for AB^(i) */
} mpsim_sobol_row;

/** A model for mpsim_sobol: evaluates n rows.  x[r * k + i] is input i of
 *  row r (in the input's own units), and the callback writes output o of
 *  row r to y[r * m + o].  Rows come in whole base samples, each as A, B,
 *  AB^(0) .. AB^(k-1).  With more than one thread it is called from
 *  several threads at once on different rows, so it must be thread-safe.
 *  Returns MPSIM_OK, or another status (with a message in errs) to stop
 *  the analysis with that status. */
typedef int (*mpsim_sobol_model)(void *ctx, size_t n, const mpsim_sobol_row *rows,
                                 const double *x, double *y, mpsim_errors *errs);

/** How the base samples A and B are drawn. */
typedef enum {
    /** Philox pseudo-random points keyed by the seed (the default): the
     *  bootstrap standard errors and intervals are honest, and sample j is
     *  the same whatever n, so a larger n extends a smaller one. */
    MPSIM_SOBOL_PSEUDO = 0,
    /** GSL's unscrambled Sobol' sequence in 2k dimensions (k <= 20), A from
     *  the first k coordinates and B from the last k: usually smaller
     *  errors, but the bootstrap (which treats samples as independent)
     *  then overstates them, and the seed moves only the bootstrap. */
    MPSIM_SOBOL_QUASI = 1
} mpsim_sobol_sampler;

/** Fewest base samples mpsim_sobol accepts (docs/sensitivity.md says why). */
#define MPSIM_SOBOL_MIN_SAMPLES 64
/** Fewest bootstrap resamples mpsim_sobol and mpsim_evppi accept. */
#define MPSIM_SENS_MIN_BOOTSTRAP 50
/** Bootstrap resamples when none are asked for. */
#define MPSIM_SENS_BOOTSTRAP 200
/** Most inputs of the quasi-random sampler (GSL's Sobol' has 40 dimensions). */
#define MPSIM_SOBOL_QUASI_MAX_INPUTS 20

/** A Sobol' analysis.  Zero-initialise, then set inputs, k, m and n. */
typedef struct {
    size_t k;                        /**< number of inputs, >= 1 */
    const mpsim_sens_input *inputs;  /**< [k] */
    size_t m;                        /**< outputs per row, >= 1 */
    const char *const *output_names; /**< [m] or NULL: "y1", "y2", ... */
    uint64_t n;                      /**< base samples N: N (k + 2) evaluations */
    uint64_t seed;                   /**< keys the samples and the bootstrap */
    mpsim_sobol_sampler sampler;
    unsigned bootstrap;              /**< resamples B; 0 = MPSIM_SENS_BOOTSTRAP */
    double confidence;               /**< of the percentile intervals; 0 = 0.95 */
    int threads;                     /**< OpenMP threads; 0 = the OpenMP default */
    size_t block;                    /**< base samples per callback; 0 = 16 */
    /** When non-NULL and it becomes non-zero, the analysis stops with
     *  MPSIM_ERR_INTERRUPTED before its next block. */
    const volatile sig_atomic_t *cancel;
} mpsim_sobol_spec;

/** Sobol' indices.  Arrays over (output o, input i) are indexed o * k + i;
 *  indices, their errors and intervals are NaN for an output that does not
 *  vary.  Free the arrays with mpsim_sobol_result_clear. */
typedef struct {
    size_t k, m;
    uint64_t n;
    uint64_t evaluations;     /**< rows evaluated: n (k + 2) */
    unsigned bootstrap;
    double confidence;
    mpsim_sobol_sampler sampler;
    uint64_t seed;
    char **input_names;       /**< [k] */
    char **output_names;      /**< [m] */
    double *mean, *variance;  /**< [m] over the 2n rows of A and B */
    double *s1, *s1_se, *s1_lo, *s1_hi; /**< first order (Saltelli 2010) */
    double *st, *st_se, *st_lo, *st_hi; /**< total effect (Jansen 1999) */
    double *s1_sum, *s1_sum_se, *s1_sum_lo, *s1_sum_hi; /**< [m] sum over inputs */
} mpsim_sobol_result;

/** Estimates first-order and total Sobol' indices of f's m outputs over the
 *  k inputs from n base samples, with bootstrap standard errors and
 *  percentile intervals.  Bit-identical for a seed whatever `threads`.
 *  MPSIM_ERR_INPUT for a bad spec or a non-finite output (the message names
 *  the row and output); f's own status when it fails; *out is zeroed then.
 *  On success fills *out (free with mpsim_sobol_result_clear). */
int mpsim_sobol(const mpsim_sobol_spec *spec, mpsim_sobol_model f, void *ctx,
                mpsim_sobol_result *out, mpsim_errors *errs);

/** Frees a result's arrays and zeroes it; accepts an already cleared one. */
void mpsim_sobol_result_clear(mpsim_sobol_result *r);

/** A scalar function of one input for mpsim_switching_value (e.g. NPV, £m,
 *  with the input fixed at x).  Writes *value; returns MPSIM_OK, or another
 *  status with a message in errs to stop the search. */
typedef int (*mpsim_value_fn)(void *ctx, double x, double *value, mpsim_errors *errs);

/** A switching-value search.  Zero-initialise, then set lo, hi and centre. */
typedef struct {
    double lo, hi;    /**< search range, finite, lo < hi */
    /** The input's central value: of several crossings, the one nearest it
     *  is returned (Green Book 5.59: the change from the central case that
     *  makes the NPV switch sign).  NaN: the lowest crossing. */
    double centre;
    unsigned grid;    /**< grid intervals scanned first; 0 = 64 */
    double xtol;      /**< absolute tolerance on x; 0 = 1e-10 (hi - lo) */
    int max_iter;     /**< Brent iterations; 0 = 200 */
} mpsim_switching_spec;

/** The outcome of a switching-value search. */
typedef struct {
    int found;          /**< 1: a crossing was found; 0: no sign change on the grid */
    double x;           /**< the crossing; NaN when !found */
    double value_lo, value_hi; /**< the function at lo and at hi */
    unsigned crossings; /**< grid intervals with a sign change or a zero */
    double bracket_lo, bracket_hi; /**< the grid interval searched; NaN when !found */
    int iterations;     /**< Brent iterations used */
} mpsim_switching_result;

/** Finds where f crosses 0 in [lo, hi]: scans the grid for sign changes,
 *  chooses the one nearest spec->centre, and solves it with GSL's Brent
 *  solver.  "No crossing in range" is found = 0 with MPSIM_OK, not an
 *  error.  Crossings closer together than a grid interval can be missed.
 *  MPSIM_ERR_INPUT for a bad range or a non-finite f(x) (named); f's own
 *  status when it fails. */
int mpsim_switching_value(const mpsim_switching_spec *spec, mpsim_value_fn f, void *ctx,
                          mpsim_switching_result *out, mpsim_errors *errs);

/** Expected value of (partial) perfect information, in the units of the
 *  net benefits (£m). */
typedef struct {
    double value;            /**< EVPI or EVPPI */
    double se;               /**< its Monte Carlo standard error */
    double expected_perfect; /**< E[max_d NB_d] (EVPPI: E_phi[max_d E[NB_d | phi]]) */
    double expected_current; /**< max_d E[NB_d] */
    size_t best;             /**< the alternative d with the largest mean */
} mpsim_voi_result;

/** EVPI = E[max_d NB_d] - max_d E[NB_d] from nb[j * d + a], the net benefit
 *  of alternative a on sample j (n samples, d >= 2 alternatives).  se is
 *  the standard error of the mean of max_a NB_ja - NB_j,best.
 *  MPSIM_ERR_INPUT for n < 2, d < 2 or a non-finite value (named). */
int mpsim_evpi(const double *nb, size_t n, size_t d, mpsim_voi_result *out,
               mpsim_errors *errs);

/** How mpsim_evppi estimates E_phi[max_d E[NB_d | phi]]. */
typedef enum {
    MPSIM_EVPPI_AUTO = 0,   /**< binned for one input, regression for several */
    MPSIM_EVPPI_BINNED,     /**< bins of phi (Strong and Oakley 2013); one input */
    MPSIM_EVPPI_REGRESSION  /**< least-squares polynomial in the inputs */
} mpsim_evppi_method;

/** An EVPPI estimate (docs/sensitivity.md).  Zero-initialise, then set phi. */
typedef struct {
    /** phi[j * n_inputs + q]: input q's value on sample j; together the
     *  inputs whose information is valued. */
    const double *phi;
    size_t n_inputs;    /**< 0 = 1 */
    mpsim_evppi_method method;
    unsigned bins;      /**< binned: 0 = round(sqrt(n)); at most n / 2 */
    unsigned degree;    /**< regression: total degree, 1 .. 6; 0 = 2 */
    unsigned bootstrap; /**< resamples for se; 0 = MPSIM_SENS_BOOTSTRAP */
    uint64_t seed;      /**< keys the bootstrap */
} mpsim_evppi_spec;

/** EVPPI of one or a few inputs from the same net-benefit matrix as
 *  mpsim_evpi: the binned estimator orders the samples by the input and
 *  takes within-bin means; the regression estimator fits each alternative's
 *  net benefit by a polynomial in the inputs (biases of both in
 *  docs/sensitivity.md).  se from the bootstrap.  MPSIM_ERR_INPUT for bad
 *  sizes, too many bins or terms for n, non-finite values, or inputs that
 *  take too few distinct values for the polynomial. */
int mpsim_evppi(const double *nb, size_t n, size_t d, const mpsim_evppi_spec *spec,
                mpsim_voi_result *out, mpsim_errors *errs);

/** Options of mpsim_sensitivity_run.  Zero-initialise, then set what the
 *  user gave. */
typedef struct {
    const char *const *inputs; /**< key paths of the studied inputs; NULL: all */
    size_t n_inputs;
    const char *const *outputs; /**< output names (docs/sensitivity.md); NULL: defaults */
    size_t n_outputs;
    uint64_t samples;           /**< base samples N when samples_set */
    int samples_set;
    uint64_t seed;              /**< when seed_set, else the first scenario's */
    int seed_set;
    int threads;                /**< OpenMP threads; 0 = the OpenMP default */
    unsigned bootstrap;         /**< 0 = MPSIM_SENS_BOOTSTRAP */
    /** When non-NULL and it becomes non-zero, the analysis stops with
     *  MPSIM_ERR_INTERRUPTED. */
    const volatile sig_atomic_t *cancel;
} mpsim_sensitivity_options;

/** The sensitivity analysis of a batch of scenarios (opaque). */
typedef struct mpsim_sensitivity mpsim_sensitivity;

/** The sensitivity analysis of scenarios on the portfolio model
 *  (docs/sensitivity.md): per scenario, Sobol' indices of the studied
 *  inputs for the chosen outputs, the tornado and switching values; with
 *  several scenarios (alternatives), EVPI and EVPPI.  Costs
 *  N (k + 2) paths for the indices and about N (2k + 1 + 30k) more for the
 *  tornado and switching values.  MPSIM_ERR_INPUT for unknown or fixed
 *  inputs, unknown outputs or too few samples (nothing computed).
 *
 *  In the MPI build, once MPI is initialised, this is collective: the
 *  ranks share the evaluations and every rank gets the same analysis,
 *  bit-identical to a serial one (docs/sensitivity.md). */
int mpsim_sensitivity_run(mpsim_scenario *const *scenarios, size_t n,
                          const mpsim_sensitivity_options *o, mpsim_sensitivity **out,
                          mpsim_errors *errs);
/** Sets the root attributes created (now, UTC) and command_line. */
int mpsim_sensitivity_stamp(mpsim_sensitivity *r, int argc, char *const *argv);
/** Writes the sensitivity file atomically (temporary name, fsync, rename). */
int mpsim_sensitivity_write_hdf5(const mpsim_sensitivity *r, const char *path,
                                 mpsim_errors *errs);
/** A readable summary: per scenario the tornado, the indices and the
 *  switching values; then the value of information. */
void mpsim_sensitivity_print_table(const mpsim_sensitivity *r, FILE *out);
/** The same as one JSON document (docs/sensitivity.md). */
void mpsim_sensitivity_print_json(const mpsim_sensitivity *r, FILE *out);
/** Frees an analysis from mpsim_sensitivity_run (NULL is allowed). */
void mpsim_sensitivity_free(mpsim_sensitivity *r);

/* ------------------------------------------------------ reports and export */

/** Writes the analyst's report (docs/report.md) of r to `out`: one
 *  self-contained HTML page (inline CSS and SVG charts, no scripts, nothing
 *  fetched) with, per scenario, the headline table, the NPV and BCR
 *  distributions beside the static values, fan charts, the value
 *  decomposition and the inputs, then the batch's comparisons and the
 *  provenance.  Money is in £m, real base-year prices.  MPSIM_ERR_FAIL
 *  when writing to `out` failed. */
int mpsim_report_write_html(const mpsim_results *r, FILE *out, mpsim_errors *errs);

/** As mpsim_report_write_html, into the file `path`: built in memory, then
 *  written to a temporary name beside it and renamed into place, so on
 *  failure (MPSIM_ERR_FAIL, with a message naming the path and the system's
 *  reason) nothing is left at `path` and an existing file is untouched. */
int mpsim_report_write_html_file(const mpsim_results *r, const char *path, mpsim_errors *errs);

/** Writes r's tables as tidy CSV files into the directory `dir` (created
 *  when missing; its parent must exist): summary.csv, metrics.csv,
 *  missions.csv, projects.csv, kinds.csv, comparisons.csv,
 *  comparison_missions.csv, timeseries.csv, and columns.csv naming each
 *  column's units (docs/report.md).  Each file is written atomically; an
 *  undefined value is an empty field.  MPSIM_ERR_FAIL on I/O errors. */
int mpsim_export_csv(const mpsim_results *r, const char *dir, mpsim_errors *errs);

/** Writes the same tables as one Excel workbook (a sheet per table, a
 *  frozen header row of names and one of units, number formats by unit)
 *  atomically to `path`.  MPSIM_ERR_FAIL on I/O errors, or when mpsim was
 *  built without libxlsxwriter (mpsim_export_xlsx_available). */
int mpsim_export_xlsx(const mpsim_results *r, const char *path, mpsim_errors *errs);

/** 1 when this build can write workbooks (it found libxlsxwriter), else 0. */
int mpsim_export_xlsx_available(void);

#ifdef __cplusplus
}
#endif
#endif /* MPSIM_H */
