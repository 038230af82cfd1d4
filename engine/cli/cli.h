/*
 * The command line: option parsing, the four commands, the progress bar.
 *
 * This is the only part of mpsim that prints or chooses an exit status.
 * It uses the public API of include/mpsim.h and nothing else of the engine,
 * so it doubles as an example of how to drive the library.
 */
#ifndef MPS_CLI_H
#define MPS_CLI_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "mpsim.h"

/** Exit statuses (interface.md).  Interrupted runs exit 128 + signal. */
enum {
    MPS_EXIT_OK = 0,
    MPS_EXIT_FAIL = 1, /**< any failure other than bad input, with a message */
    MPS_EXIT_USAGE = 2 /**< bad input or usage; nothing was written */
};

/** The commands, as bits so the option table can say where each option
 *  is allowed. */
typedef enum {
    MPS_CMD_RUN = 1u << 0,
    MPS_CMD_STATIC = 1u << 1,
    MPS_CMD_VALIDATE = 1u << 2,
    MPS_CMD_SHOW = 1u << 3,
    MPS_CMD_SWEEP = 1u << 4,
    MPS_CMD_MERGE = 1u << 5,
    MPS_CMD_REPORT = 1u << 6,
    MPS_CMD_EXPORT = 1u << 7,
    MPS_CMD_SENSITIVITY = 1u << 8
} mps_cli_command;

/** Everything the user asked for on the command line. */
typedef struct {
    mps_cli_command command;
    const char *command_name; /**< "run", "static", ... */
    char **inputs;            /**< positional arguments (scenario or results files) */
    size_t n_inputs;
    const char *output; /**< -o / --output, NULL when not given */
    uint64_t paths;     /**< --paths, >= 1, when paths_set */
    int paths_set;
    uint64_t seed; /**< --seed, any unsigned 64-bit value, when seed_set */
    int seed_set;
    int threads; /**< --threads, >= 1; 0 when not given */
    uint64_t max_memory; /**< --max-memory in bytes (0 = no limit), when max_memory_set */
    int max_memory_set;
    int keep_paths;
    int exact_quantiles; /**< --exact-quantiles */
    double target_se;    /**< --target-se, 0 when not given */
    int antithetic;      /**< --antithetic */
    int checkpoint;      /**< run --checkpoint: record progress durably as it goes */
    int resume;          /**< --resume: continue from the recorded progress */
    uint32_t shard_index; /**< sweep --shard i/n: i (1-based); 0 when not given */
    uint32_t shard_count; /**< n; 0 when not given */
    int compression;      /**< --compression: deflate level 0-9 of kept paths (0 = none) */
    int compression_set;
    const char *csv_dir;   /**< export --csv DIR, NULL when not given */
    const char *xlsx_file; /**< export --xlsx FILE, NULL when not given */
    int json;
    int quiet;
    int resolved; /**< validate --resolved: print each scenario after `extends` merging */
    int help; /**< COMMAND --help was given */
    const char *sens_inputs;  /**< sensitivity --inputs: comma-separated key paths, or NULL */
    const char *sens_outputs; /**< sensitivity --outputs: comma-separated names, or NULL */
    uint64_t samples;         /**< sensitivity --samples N, when samples_set */
    int samples_set;
} mps_cli_options;

/** Parses argv[2..] for the command named argv[1] (which the caller has
 *  recognised).  Returns MPS_EXIT_OK, or MPS_EXIT_USAGE after printing what
 *  was wrong and a short usage to `err`.  o->inputs is allocated; free it
 *  with mps_cli_options_free. */
int mps_cli_parse(int argc, char **argv, mps_cli_command cmd, mps_cli_options *o, FILE *err);

/** Frees what mps_cli_parse allocated. */
void mps_cli_options_free(mps_cli_options *o);

/** Parses a memory size: digits with an optional fraction and an optional
 *  binary suffix K, M, G or T (optionally followed by B or iB; 1K = 1024),
 *  or plain bytes ("500M", "1.5G", "1048576").  Returns 0 and sets *out, or
 *  -1 for anything else (signs, exponents, spaces, fractions of a byte,
 *  values beyond 64 bits). */
int mps_cli_parse_size(const char *s, uint64_t *out);

/** The default --max-memory: 75% of the smallest of physical memory, this
 *  process's cgroup memory limit and its address-space rlimit; 0 (no
 *  limit) when none of them can be read. */
uint64_t mps_cli_default_memory_limit(void);

/** Maps a command name ("run", ...) to its bit; 0 when unknown. */
mps_cli_command mps_cli_command_from_name(const char *name);

/** Prints the full help: of one command, or of the program when cmd is 0. */
void mps_cli_print_help(mps_cli_command cmd, FILE *out);

/** Prints the one-line usage of a command (or of the program when cmd is 0)
 *  and where to find more, for usage errors. */
void mps_cli_print_usage(mps_cli_command cmd, FILE *out);

/** Prints the version (program, results format, build revision). */
void mps_cli_print_version(FILE *out);

/** The commands.  Each returns the process exit status.  argc/argv are the
 *  whole command line, recorded in the results file by `run`. */
int mps_cli_run(const mps_cli_options *o, int argc, char **argv);
int mps_cli_static(const mps_cli_options *o);
int mps_cli_validate(const mps_cli_options *o);
int mps_cli_show(const mps_cli_options *o);
int mps_cli_sweep(const mps_cli_options *o, int argc, char **argv);
int mps_cli_merge(const mps_cli_options *o, int argc, char **argv);
int mps_cli_report(const mps_cli_options *o);
int mps_cli_export(const mps_cli_options *o);
int mps_cli_sensitivity(const mps_cli_options *o, int argc, char **argv);

/** Loads every file in paths[0..n-1], collecting every file's errors in
 *  errs (so one bad file does not hide another's mistakes).  Returns
 *  MPSIM_OK with out[i] all set, or the worst status seen, with the
 *  scenarios that did load freed and out[] all NULL.  A loader that fails
 *  without saying why gets a generic message naming the file. */
int mps_cli_load_all(char *const *paths, size_t n, mpsim_scenario **out, mpsim_errors *errs);

/** Reads a results file that may come from anywhere (show.c): first in a
 *  child process, so a file that crashes or hangs libhdf5 is reported as
 *  bad input (MPSIM_ERR_INPUT, exit 2) instead of taking mpsim down, then,
 *  once the child read it cleanly, here.  *out is NULL on failure. */
int mps_cli_read_results(const char *path, mpsim_results **out, mpsim_errors *errs);

/** Frees n scenarios (NULL entries allowed). */
void mps_cli_free_all(mpsim_scenario **s, size_t n);

/** Maps a library status to an exit status (interruptions aside). */
int mps_cli_exit_status(int status);

/** Writes the errors to stderr, or a fallback line when the list is empty
 *  (a status without a message must still say something). */
void mps_cli_report_errors(const mpsim_errors *errs, const char *what);

/* ---------------------------------------------------------------- signals */

/** SIGINT, SIGTERM, SIGUSR1, and SIGXFSZ (ignored). */
enum { MPS_CLI_N_SIGNALS = 4 };

/** The dispositions replaced by mps_cli_signals_install. */
typedef struct {
    struct sigaction old[MPS_CLI_N_SIGNALS];
} mps_cli_signals;

/** Makes SIGINT, SIGTERM and SIGUSR1 set the cancel flag (once: a second
 *  signal acts as if no handler were installed) and ignores SIGXFSZ, so a
 *  write past a file-size limit fails with EFBIG instead of killing the
 *  process.  Saves what it replaces in *saved. */
void mps_cli_signals_install(mps_cli_signals *saved);

/** Puts back the dispositions saved by mps_cli_signals_install. */
void mps_cli_signals_restore(const mps_cli_signals *saved);

/** The flag for mpsim_run_options.cancel: non-zero once a stop signal came. */
const volatile sig_atomic_t *mps_cli_cancel_flag(void);

/** Non-zero once a stop signal came. */
int mps_cli_cancelled(void);

/** The stop signal that came (SIGINT when none did); exit with 128 + it. */
int mps_cli_cancel_signal(void);

/** The progress bar's state.  Drawn on `out` only when enabled, redrawn at
 *  most every 0.1 s, so it costs nothing measurable on long runs. */
typedef struct {
    FILE *out;
    int enabled;
    int drawn;             /**< something is on the line and must be ended */
    struct timespec start; /**< CLOCK_MONOTONIC at mps_progress_init */
    struct timespec last;  /**< when the bar was last drawn */
    uint64_t done, total;  /**< the latest report */
} mps_progress;

/** Starts the clock.  enabled should be isatty(stderr) && !quiet. */
void mps_progress_init(mps_progress *p, FILE *out, int enabled);

/** The mpsim_run_options.progress callback; ctx is an mps_progress. */
void mps_progress_update(void *ctx, uint64_t paths_done, uint64_t paths_total);

/** Ends the bar: with a final summary line when completed is non-zero,
 *  else by clearing the line (so an error message starts clean). */
void mps_progress_finish(mps_progress *p, int completed);

#endif
