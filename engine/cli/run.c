/*
 * `mpsim run`: load, check, simulate, write the results file, then print.
 *
 * Order matters for the promises of interface.md: bad input is found before
 * anything is written (exit 2); the output directory is checked before the
 * simulation so a long run is not wasted on a typo (exit 1); the results
 * file is written before the summary is printed, so output never claims a
 * success that the write then denies; and a SIGINT / SIGTERM / SIGUSR1 stops the run
 * at the next block of paths with nothing written (exit 128 + signal).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "results/paths_stream.h"

/* A precision target that the cap on paths cut short is said even with
 * --quiet: the results are good, but not as precise as asked. */
static void warn_target_missed(const mpsim_results *r)
{
    if (!(r->target_se > 0.0) || r->target_se_reached)
        return;
    double worst = 0.0;
    for (size_t k = 0; k < r->n_scenarios; k++) {
        const double *npv = r->scenarios[k].stats[MPSIM_M_NPV];
        double rse = fabs(npv[MPSIM_STAT_SE] / npv[MPSIM_STAT_MEAN]);
        if (!(rse <= worst)) /* NaN (a zero mean) counts as the worst */
            worst = rse;
    }
    fprintf(stderr,
            "mpsim run: stopped at the cap of %llu paths before reaching the target relative "
            "standard error %g (reached %.3g); raise --paths or simulation.paths to go on\n",
            (unsigned long long)r->paths, r->target_se, worst);
}

static int interrupted(void)
{
    int signo = mps_cli_cancel_signal();
    fputs("mpsim run: interrupted; nothing written\n", stderr);
    return 128 + signo;
}

/* --checkpoint: a run stopped by a signal with its progress recorded says
 * how far it got and the command that goes on (this one with --resume;
 * arguments with blanks or quotes are quoted for the shell).  Falls back
 * to interrupted() when no checkpoint was recorded. */
static int stopped_with_checkpoint(const mpsim_run_options *opt, const mps_progress *prog,
                                   int argc, char **argv)
{
    if (access(opt->checkpoint, F_OK) != 0)
        return interrupted();
    int signo = mps_cli_cancel_signal();
    fprintf(stderr, "mpsim run: stopped after %llu of %llu paths; resume with:",
            (unsigned long long)prog->done, (unsigned long long)prog->total);
    /* Under MPI the ranks do not know mpirun's options; any number of
     * ranks can resume (docs/parallel-runs.md). */
    if (mpsim_parallel_size() > 1)
        fprintf(stderr, " mpirun -np %d", mpsim_parallel_size());
    int has_resume = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        has_resume = has_resume || strcmp(a, "--resume") == 0;
        if (a[0] != '\0' && strpbrk(a, " \t\n'\"\\$`*?[]{}()<>|&;!#~") == NULL) {
            fprintf(stderr, " %s", a);
            continue;
        }
        fputs(" '", stderr);
        for (const char *c = a; *c; c++) {
            if (*c == '\'')
                fputs("'\\''", stderr);
            else
                fputc(*c, stderr);
        }
        fputc('\'', stderr);
    }
    fprintf(stderr, "%s\n", has_resume ? "" : " --resume");
    return 128 + signo;
}

/* The parent of the executable's directory ("/src/build/mpsim" -> "/src"),
 * from /proc/self/exe (Linux), which is absolute with links resolved, so
 * cutting two components is exact.  NULL when it cannot be read.  The
 * buffer grows, so long paths are not cut. */
static char *executable_parent_dir(void)
{
    size_t size = 256;
    for (;;) {
        char *buf = malloc(size);
        if (buf == NULL)
            return NULL;
        ssize_t n = readlink("/proc/self/exe", buf, size);
        if (n < 0) {
            free(buf);
            return NULL;
        }
        if ((size_t)n < size) {
            buf[n] = '\0';
            for (int cut = 0; cut < 2; cut++) {
                char *slash = strrchr(buf, '/');
                if (slash == NULL) {
                    free(buf);
                    return NULL;
                }
                *slash = '\0';
            }
            return buf;
        }
        free(buf);
        size *= 2;
    }
}

/* The shipped policy batch (scenarios/policy/): the demonstration portfolio
 * under stop-go funding (the baseline, first, so the others are compared
 * with it), then with prevention ringfenced, with long-term commitment and
 * with adaptive management.  docs/policy-scenarios.md explains them. */
static const char *const batch_files[] = {"baseline.yaml", "pdel-ringfenced.yaml", "long-term.yaml",
                                          "adaptive.yaml"};
enum { N_BATCH = sizeof batch_files / sizeof batch_files[0] };

static void free_batch(char **paths)
{
    if (paths == NULL)
        return;
    for (size_t i = 0; i < N_BATCH; i++)
        free(paths[i]);
    free(paths);
}

/* The batch's files under `root` ("<root>/scenarios/policy/..."), or NULL
 * when one is missing or unreadable (or memory runs out).  *missing names
 * the first file that could not be read when it returns NULL for that. */
static char **batch_under(const char *root, char **missing)
{
    char **paths = calloc(N_BATCH, sizeof *paths);
    if (paths == NULL)
        return NULL;
    for (size_t i = 0; i < N_BATCH; i++) {
        size_t len = strlen(root) + sizeof "/scenarios/policy/" + strlen(batch_files[i]);
        paths[i] = malloc(len);
        if (paths[i] == NULL) {
            free_batch(paths);
            return NULL;
        }
        snprintf(paths[i], len, "%s/scenarios/policy/%s", root, batch_files[i]);
        if (access(paths[i], R_OK) != 0) {
            if (missing != NULL) {
                *missing = paths[i];
                paths[i] = NULL;
            }
            free_batch(paths);
            return NULL;
        }
    }
    return paths;
}

/* The batch under "<dir>/<sub>" (sub may be ""), or NULL (see batch_under). */
static char **batch_under_join(const char *dir, const char *sub)
{
    size_t len = strlen(dir) + 1 + strlen(sub) + 1;
    char *root = malloc(len);
    if (root == NULL)
        return NULL;
    snprintf(root, len, "%s%s%s", dir, *sub ? "/" : "", sub);
    char **paths = batch_under(root, NULL);
    free(root);
    return paths;
}

/* The shipped policy batch: beside the executable's parent (build/mpsim ->
 * scenarios/policy/); else where an installed copy keeps it relative to the
 * executable (<prefix>/bin/mpsim -> <prefix>/share/mpsim/scenarios/, so a
 * tree installed with --prefix, or moved, finds its own); else in the
 * source tree the program was built from; else at the configured install
 * prefix (for a layout whose bin/ and share/ are not siblings).  The source
 * tree comes before the configured prefix so that a build tree outside the
 * source never runs the scenarios of an older installed copy.  Returns
 * N_BATCH paths (free with free_batch), or NULL after saying why. */
static char **find_batch(int quiet)
{
    char **paths = NULL;
    const char *where = "beside the executable";
    char *dir = executable_parent_dir();
    if (dir != NULL) {
        paths = batch_under_join(dir, "");
#ifdef MPSIM_DATA_FROM_PREFIX
        if (paths == NULL) {
            paths = batch_under_join(dir, MPSIM_DATA_FROM_PREFIX);
            where = "in the installed data";
        }
#endif
    }
    free(dir);
    char *missing = NULL;
    if (paths == NULL) {
        paths = batch_under(MPSIM_SOURCE_DIR, &missing);
        where = "in the source tree";
    }
#ifdef MPSIM_DATA_DIR
    if (paths == NULL) {
        paths = batch_under(MPSIM_DATA_DIR, NULL);
        where = "in the installed data";
    }
#endif
    if (paths == NULL) {
        if (missing != NULL)
            fprintf(stderr,
                    "mpsim run: no scenario given, and the policy batch was found neither "
                    "beside the executable (../scenarios/policy/), nor in the installed "
                    "data (share/mpsim/scenarios/policy/), nor in the source tree "
                    "(%s is missing)\n",
                    missing);
        else
            fputs("mpsim run: out of memory\n", stderr);
        free(missing);
        return NULL;
    }
    free(missing);
    if (!quiet) {
        const char *last = strrchr(paths[0], '/');
        fprintf(stderr,
                "mpsim run: no scenario given; running the policy batch (the demonstration "
                "portfolio under four funding regimes) %s, %.*s/:\n ",
                where, (int)(last - paths[0]), paths[0]);
        for (size_t i = 0; i < N_BATCH; i++)
            fprintf(stderr, "%s%s%s", i ? ", " : " ", strrchr(paths[i], '/') + 1,
                    i ? "" : " (the baseline)");
        fputc('\n', stderr);
    }
    return paths;
}

/* Checks that `path` can be created: its directory exists and is writable
 * and the path is not a directory.  Prints why not and returns -1. */
static int check_output_path(const char *path, int default_dir_may_be_missing)
{
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        fprintf(stderr, "mpsim run: cannot write results to '%s': it is a directory\n", path);
        return -1;
    }
    const char *slash = strrchr(path, '/');
    char *dir;
    if (slash == NULL) {
        dir = malloc(2);
        if (dir)
            memcpy(dir, ".", 2);
    } else {
        size_t len = slash == path ? 1 : (size_t)(slash - path);
        dir = malloc(len + 1);
        if (dir) {
            memcpy(dir, path, len);
            dir[len] = '\0';
        }
    }
    if (dir == NULL) {
        fputs("mpsim run: out of memory\n", stderr);
        return -1;
    }
    int rc = 0;
    if (stat(dir, &st) != 0) {
        if (!(default_dir_may_be_missing && errno == ENOENT)) {
            fprintf(stderr, "mpsim run: cannot write results to '%s': directory '%s': %s\n", path,
                    dir, strerror(errno));
            rc = -1;
        } else if (access(".", W_OK) != 0) {
            /* results/ will be created after the run: make sure it can be. */
            fprintf(stderr, "mpsim run: cannot create '%s' in the current directory: %s\n", dir,
                    strerror(errno));
            rc = -1;
        }
    } else if (!S_ISDIR(st.st_mode)) {
        fprintf(stderr, "mpsim run: cannot write results to '%s': '%s' is not a directory\n", path,
                dir);
        rc = -1;
    } else if (access(dir, W_OK) != 0) {
        fprintf(stderr, "mpsim run: cannot write results to '%s': directory '%s': %s\n", path, dir,
                strerror(errno));
        rc = -1;
    }
    free(dir);
    return rc;
}

/* --keep-paths: the results file is written while the run computes the
 * paths (results/paths_stream.h), so the per-path arrays are never held
 * whole: the run hands each round to the stream instead of keeping it.
 * Nothing reaches the disk before the first round is done. */
static int start_paths_stream(const mps_cli_options *o, mpsim_scenario **s, size_t n,
                              mpsim_run_options *opt, const char *out_path, int default_path,
                              mps_paths_stream **stream, mpsim_errors *errs)
{
    const char **names = calloc(n, sizeof *names);
    if (names == NULL) {
        mpsim_errors_add(errs, NULL, 0, 0, NULL, "out of memory");
        return MPSIM_ERR_FAIL;
    }
    for (size_t k = 0; k < n; k++)
        names[k] = mpsim_scenario_name(s[k]);
    int level = o->compression_set ? o->compression : MPS_PATHS_LEVEL_DEFAULT;
    int status = mps_paths_stream_new(out_path, names, n, level, default_path, stream, errs);
    free(names);
    if (status == MPSIM_OK) {
        opt->keep_paths = 0;
        opt->paths_sink = mps_paths_stream_sink;
        opt->paths_sink_ctx = *stream;
    }
    return status;
}

/* Simulates, writes and prints; s holds n loaded scenarios that passed the
 * batch check.  Returns the exit status. */
static int simulate_and_write(const mps_cli_options *o, mpsim_scenario **s, size_t n,
                              mpsim_run_options *opt, const char *out_path, int default_path,
                              int argc, char **argv, mpsim_errors *errs)
{
    mps_progress prog;
    mps_progress_init(&prog, stderr, !o->quiet && isatty(fileno(stderr)));
    opt->progress = mps_progress_update;
    opt->progress_ctx = &prog;

    mpsim_results *r = NULL;
    mps_paths_stream *stream = NULL;
    /* Under MPI only rank 0 writes (the sink is called there only); the
     * other ranks keep nothing either, so all estimate the same memory. */
    if (mpsim_parallel_rank() != 0)
        opt->keep_paths = 0;
    int status = o->keep_paths && mpsim_parallel_rank() == 0
                     ? start_paths_stream(o, s, n, opt, out_path, default_path, &stream, errs)
                     : MPSIM_OK;
    if (status == MPSIM_OK)
        status = mps_cli_cancelled() ? MPSIM_ERR_INTERRUPTED : mpsim_run(s, n, opt, &r, errs);
    mps_progress_finish(&prog, status == MPSIM_OK);
    if (status == MPSIM_OK && mps_cli_cancelled())
        status = MPSIM_ERR_INTERRUPTED;
    if (status != MPSIM_OK)
        mps_paths_stream_free(stream); /* removes a half-written file */
    if (status == MPSIM_ERR_INTERRUPTED) {
        mpsim_results_free(r);
        return opt->checkpoint ? stopped_with_checkpoint(opt, &prog, argc, argv) : interrupted();
    }
    if (status != MPSIM_OK) {
        mps_cli_report_errors(errs, "the run");
        if (stream != NULL)
            fprintf(stderr, "mpsim run: no results written to '%s'\n", out_path);
        mpsim_results_free(r);
        return mps_cli_exit_status(status);
    }
    if (r == NULL)
        return MPS_EXIT_OK; /* an MPI rank other than 0: rank 0 writes */

    int rc = MPS_EXIT_OK;
    if (mpsim_results_stamp(r, argc, argv) != MPSIM_OK) {
        fputs("mpsim run: could not record the command line in the results (out of memory)\n",
              stderr);
        rc = MPS_EXIT_FAIL;
    } else if (default_path && mkdir("results", 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "mpsim run: cannot create directory 'results': %s\n", strerror(errno));
        rc = MPS_EXIT_FAIL;
    } else if ((stream ? mps_paths_stream_finish(stream, r, errs)
                       : mpsim_results_write_hdf5(r, out_path, errs)) != MPSIM_OK) {
        mps_cli_report_errors(errs, "writing the results file");
        fprintf(stderr, "mpsim run: no results written to '%s'\n", out_path);
        rc = MPS_EXIT_FAIL;
    } else if (mps_cli_cancelled()) {
        /* The signal came while the file was being written: honour it, so
         * exit 130 / 143 always means no file. */
        remove(out_path);
        rc = opt->checkpoint ? stopped_with_checkpoint(opt, &prog, argc, argv) : interrupted();
    } else {
        /* The results are in place: the checkpoint has done its job. */
        if (opt->checkpoint && mpsim_checkpoint_remove(opt->checkpoint, errs) != MPSIM_OK)
            mps_cli_report_errors(errs, "removing the checkpoint");
        if (o->json)
            mpsim_results_print_json(r, stdout);
        else
            mpsim_results_print_table(r, stdout);
        warn_target_missed(r);
        if (!o->quiet)
            fprintf(stderr, "mpsim run: results written to %s\n", out_path);
    }
    mps_paths_stream_free(stream);
    mpsim_results_free(r);
    return rc;
}

/* --checkpoint / --resume: the checkpoint is "<output>.ckpt", beside the
 * results file (results/ is made now for the default output, as the
 * checkpoint goes there before the results do).  The interval between
 * checkpoints is MPSIM_CHECKPOINT_INTERVAL seconds unless the environment
 * variable of that name gives another (docs/parallel-runs.md).  Returns
 * an exit status. */
static int setup_checkpoint(const mps_cli_options *o, mpsim_run_options *opt,
                            const char *out_path, char **checkpoint_path)
{
    if (o->keep_paths) {
        fputs("mpsim run: --checkpoint and --resume cannot be combined with --keep-paths "
              "(the kept paths are written as the run goes); drop one of them\n",
              stderr);
        return MPS_EXIT_USAGE;
    }
    const char *env = getenv("MPSIM_CHECKPOINT_INTERVAL");
    if (env != NULL && env[0] != '\0') {
        char *end = NULL;
        double x = strtod(env, &end);
        if (*end != '\0' || !(x >= 0.0 && x < 1e9)) {
            fprintf(stderr,
                    "mpsim run: MPSIM_CHECKPOINT_INTERVAL must be a number of seconds >= 0, "
                    "not '%s'\n",
                    env);
            return MPS_EXIT_USAGE;
        }
        opt->checkpoint_interval = x > 0.0 ? x : 1e-9; /* 0: after every round */
    }
    *checkpoint_path = malloc(strlen(out_path) + sizeof ".ckpt");
    if (*checkpoint_path == NULL) {
        fputs("mpsim run: out of memory\n", stderr);
        return MPS_EXIT_FAIL;
    }
    sprintf(*checkpoint_path, "%s.ckpt", out_path);
    if (o->output == NULL && mpsim_parallel_rank() == 0 && mkdir("results", 0777) != 0 &&
        errno != EEXIST) {
        fprintf(stderr, "mpsim run: cannot create directory 'results': %s\n", strerror(errno));
        return MPS_EXIT_FAIL;
    }
    opt->checkpoint = *checkpoint_path;
    opt->resume = o->resume;
    return MPS_EXIT_OK;
}

int mps_cli_run(const mps_cli_options *o, int argc, char **argv)
{
    mps_cli_signals old;
    mps_cli_signals_install(&old);

    char **batch = NULL;
    char *const *inputs = o->inputs;
    size_t n = o->n_inputs;
    if (n == 0) {
        batch = find_batch(o->quiet);
        if (batch == NULL) {
            mps_cli_signals_restore(&old);
            return MPS_EXIT_FAIL;
        }
        inputs = batch;
        n = N_BATCH;
    }

    mpsim_errors errs;
    mpsim_errors_init(&errs);
    mpsim_run_options opt;
    memset(&opt, 0, sizeof opt);
    opt.paths = o->paths;
    opt.paths_set = o->paths_set;
    opt.seed = o->seed;
    opt.seed_set = o->seed_set;
    opt.threads = o->threads;
    opt.keep_paths = o->keep_paths;
    opt.exact_quantiles = o->exact_quantiles;
    opt.target_se = o->target_se;
    opt.antithetic = o->antithetic;
    opt.cancel = mps_cli_cancel_flag();
    opt.max_memory = o->max_memory_set ? o->max_memory : mps_cli_default_memory_limit();
    /* MPSIM_QUANTILES=streamed streams the quantiles whatever the number
     * of paths (docs/parallel-runs.md): the memory of a huge run in a
     * small one, which is how the tests reach that code quickly. */
    const char *quantiles = getenv("MPSIM_QUANTILES");
    if (quantiles != NULL && strcmp(quantiles, "streamed") == 0 && !o->exact_quantiles)
        opt.exact_quantiles = -1;

    char *default_out = NULL, *checkpoint_path = NULL;
    int rc;
    mpsim_scenario **s = calloc(n, sizeof *s);
    if (s == NULL) {
        fputs("mpsim run: out of memory\n", stderr);
        rc = MPS_EXIT_FAIL;
        goto done;
    }
    int status = mps_cli_load_all(inputs, n, s, &errs);
    if (status == MPSIM_OK)
        status = mpsim_batch_check(s, n, &opt, &errs);
    /* Under MPI every rank loads the inputs; all stop if any cannot. */
    status = mpsim_parallel_max(status);
    if (status != MPSIM_OK) {
        mps_cli_report_errors(&errs, "loading the scenarios");
        rc = mps_cli_exit_status(status);
        goto done;
    }

    const char *out_path = o->output;
    if (out_path == NULL) {
        default_out = malloc(strlen(mpsim_scenario_name(s[0])) + sizeof "results/.h5");
        if (default_out == NULL) {
            fputs("mpsim run: out of memory\n", stderr);
            rc = MPS_EXIT_FAIL;
            goto done;
        }
        sprintf(default_out, "results/%s.h5", mpsim_scenario_name(s[0]));
        out_path = default_out;
    }
    /* Only rank 0 writes, so only its view of the output matters. */
    if (mpsim_parallel_max(mpsim_parallel_rank() == 0 &&
                           check_output_path(out_path, o->output == NULL) != 0)) {
        rc = MPS_EXIT_FAIL;
        goto done;
    }
    if (o->checkpoint || o->resume) {
        rc = mpsim_parallel_max(setup_checkpoint(o, &opt, out_path, &checkpoint_path));
        if (rc != MPS_EXIT_OK)
            goto done;
    }
    rc = simulate_and_write(o, s, n, &opt, out_path, o->output == NULL, argc, argv, &errs);

done:
    mps_cli_signals_restore(&old);
    if (s != NULL)
        mps_cli_free_all(s, n);
    free(s);
    free(default_out);
    free(checkpoint_path);
    free_batch(batch);
    mpsim_errors_clear(&errs);
    return rc;
}
