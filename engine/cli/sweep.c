/*
 * `mpsim sweep`: load the sweep, run its points (recording each in the
 * journal as it finishes), write the sweep file, then print.
 *
 * The journal (<output>.journal) is always kept while a sweep runs, so a
 * stop by SIGINT, SIGTERM or SIGUSR1 (or a kill -9) loses at most the
 * point in flight; `--resume` carries on and the final file is
 * bit-identical to an uninterrupted sweep's.  The journal is removed only
 * after the sweep file is in place.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"

typedef struct {
    int enabled;
} sweep_progress;

static void on_progress(void *ctx, size_t done, size_t total, size_t failed)
{
    const sweep_progress *p = ctx;
    if (!p->enabled)
        return;
    if (failed)
        fprintf(stderr, "mpsim sweep: %zu/%zu points done (%zu failed)\n", done, total, failed);
    else
        fprintf(stderr, "mpsim sweep: %zu/%zu points done\n", done, total);
}

/* "mpsim sweep FILE [options] --resume": the command line to carry on. */
static void print_resume_hint(int argc, char **argv)
{
    fputs("resume with: mpsim", stderr);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--resume") == 0)
            continue;
        fprintf(stderr, " %s", argv[i]);
    }
    fputs(" --resume\n", stderr);
}

/* The default output: results/<name>.h5, or for a shard
 * results/<name>.shard-<i>-of-<n>.h5. */
static char *default_output(const mps_cli_options *o, const char *name)
{
    size_t len = strlen(name) + 64;
    char *p = malloc(len);
    if (p == NULL)
        return NULL;
    if (o->shard_count)
        snprintf(p, len, "results/%s.shard-%u-of-%u.h5", name, (unsigned)o->shard_index,
                 (unsigned)o->shard_count);
    else
        snprintf(p, len, "results/%s.h5", name);
    return p;
}

/* The output's directory must exist (results/ is created when the output
 * is the default); prints why not and returns -1. */
static int prepare_output(const char *path, int is_default)
{
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        fprintf(stderr, "mpsim sweep: cannot write the sweep file '%s': it is a directory\n", path);
        return -1;
    }
    if (is_default && mkdir("results", 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "mpsim sweep: cannot create directory 'results': %s\n", strerror(errno));
        return -1;
    }
    const char *slash = strrchr(path, '/');
    if (slash == NULL)
        return 0;
    size_t len = slash == path ? 1 : (size_t)(slash - path);
    char *dir = malloc(len + 1);
    if (dir == NULL)
        return -1;
    memcpy(dir, path, len);
    dir[len] = '\0';
    int rc = 0;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode) || access(dir, W_OK) != 0) {
        fprintf(stderr, "mpsim sweep: cannot write the sweep file '%s': directory '%s' %s\n", path,
                dir, stat(dir, &st) != 0 ? "does not exist" : "is not writable");
        rc = -1;
    }
    free(dir);
    return rc;
}

static int stopped(const mpsim_sweep_results *r, int argc, char **argv)
{
    size_t n = 0, done = 0;
    mpsim_sweep_results_counts(r, &n, &done, NULL);
    fprintf(stderr, "mpsim sweep: stopped after %zu of %zu points; ", done, n);
    print_resume_hint(argc, argv);
    return 128 + mps_cli_cancel_signal();
}

/* Writes the file, removes the journal, prints the summary. */
static int finish(const mps_cli_options *o, mpsim_sweep_results *r, const char *out_path,
                  const char *journal, int argc, char **argv, mpsim_errors *errs)
{
    if (mpsim_sweep_is_writer()) {
        if (mpsim_sweep_results_stamp(r, argc, argv) != MPSIM_OK) {
            fputs("mpsim sweep: out of memory\n", stderr);
            return MPS_EXIT_FAIL;
        }
        if (mpsim_sweep_write_hdf5(r, out_path, errs) != MPSIM_OK) {
            mps_cli_report_errors(errs, "writing the sweep file");
            fprintf(stderr,
                    "mpsim sweep: no sweep file written; its points are kept in %s: "
                    "rerun with --resume to write it\n",
                    journal);
            return MPS_EXIT_FAIL;
        }
        if (remove(journal) != 0 && errno != ENOENT)
            fprintf(stderr, "mpsim sweep: could not remove the journal %s: %s\n", journal,
                    strerror(errno));
    }
    /* Under MPI every process gets here; one prints. */
    if (!mpsim_sweep_is_writer())
        return MPS_EXIT_OK;
    size_t n = 0, done = 0, failed = 0;
    mpsim_sweep_results_counts(r, &n, &done, &failed);
    if (o->json)
        mpsim_sweep_print_json(r, stdout);
    else
        mpsim_sweep_print_table(r, stdout);
    if (failed)
        fprintf(stderr,
                "mpsim sweep: %zu of %zu points failed (their errors are in the sweep "
                "file's /sweep/error)\n",
                failed, done);
    if (!o->quiet)
        fprintf(stderr, "mpsim sweep: written to %s\n", out_path);
    return MPS_EXIT_OK;
}

int mps_cli_sweep(const mps_cli_options *o, int argc, char **argv)
{
    mps_cli_signals saved;
    mps_cli_signals_install(&saved);
    mpsim_errors errs;
    mpsim_errors_init(&errs);
    mpsim_sweep *s = NULL;
    mpsim_sweep_results *r = NULL;
    char *default_out = NULL, *journal = NULL;
    int rc;
    int status = mpsim_sweep_load(o->inputs[0], &s, &errs);
    if (status != MPSIM_OK) {
        mps_cli_report_errors(&errs, "loading the sweep");
        rc = mps_cli_exit_status(status);
        goto done;
    }
    const char *out_path = o->output;
    if (out_path == NULL &&
        (out_path = default_out = default_output(o, mpsim_sweep_name(s))) == NULL) {
        fputs("mpsim sweep: out of memory\n", stderr);
        rc = MPS_EXIT_FAIL;
        goto done;
    }
    journal = malloc(strlen(out_path) + sizeof ".journal");
    if (journal == NULL) {
        fputs("mpsim sweep: out of memory\n", stderr);
        rc = MPS_EXIT_FAIL;
        goto done;
    }
    sprintf(journal, "%s.journal", out_path);
    if (mpsim_sweep_is_writer() && prepare_output(out_path, o->output == NULL) != 0) {
        rc = MPS_EXIT_FAIL;
        goto done;
    }

    sweep_progress prog = {!o->quiet};
    mpsim_sweep_options opt;
    memset(&opt, 0, sizeof opt);
    opt.paths = o->paths;
    opt.paths_set = o->paths_set;
    opt.seed = o->seed;
    opt.seed_set = o->seed_set;
    opt.threads = o->threads;
    opt.max_memory = o->max_memory_set ? o->max_memory : mps_cli_default_memory_limit();
    opt.shard_index = o->shard_index;
    opt.shard_count = o->shard_count;
    opt.journal = journal;
    opt.resume = o->resume;
    opt.progress = on_progress;
    opt.progress_ctx = &prog;
    opt.cancel = mps_cli_cancel_flag();
    status = mps_cli_cancelled() ? MPSIM_ERR_INTERRUPTED : mpsim_sweep_run(s, &opt, &r, &errs);
    if (status == MPSIM_ERR_INTERRUPTED || (status == MPSIM_OK && mps_cli_cancelled())) {
        if (r != NULL) {
            rc = stopped(r, argc, argv);
        } else {
            fprintf(stderr, "mpsim sweep: stopped before the first point; ");
            print_resume_hint(argc, argv);
            rc = 128 + mps_cli_cancel_signal();
        }
        goto done;
    }
    if (status != MPSIM_OK) {
        mps_cli_report_errors(&errs, "the sweep");
        rc = mps_cli_exit_status(status);
        goto done;
    }
    rc = finish(o, r, out_path, journal, argc, argv, &errs);

done:
    mps_cli_signals_restore(&saved);
    mpsim_sweep_results_free(r);
    mpsim_sweep_free(s);
    mpsim_errors_clear(&errs);
    free(default_out);
    free(journal);
    return rc;
}
