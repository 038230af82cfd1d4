/*
 * `mpsim report FILE.h5 [-o REPORT.html]`: the analyst's report of a
 * results file or of a sensitivity file (docs/report.md), told apart by
 * the file's root `format` attribute.
 *
 * The file may come from anywhere, and libhdf5 can crash or loop on a
 * crafted one, so this process never opens it first: a results file is
 * read as `mpsim show` reads it (mps_cli_read_results: first in a child
 * process); a sensitivity file is recognised, read and reported wholly in
 * a child process, which prints its own messages, and this one only says
 * what became of a child that crashed or hung.  The page is written
 * atomically by the library.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "report/report.h"
#include "sensitivity/sens_read.h"

/* How long the child may take over a sensitivity file (the page of a real
 * one takes milliseconds): past it, libhdf5 is presumed stuck in a loop. */
#define MPS_REPORT_CHILD_SECONDS 30

/* The child's exit status when the file is not a sensitivity file: the
 * parent then reads it as a results file.  Distinct from MPS_EXIT_*. */
#define MPS_REPORT_NOT_SENSITIVITY 42

/* The default output: the input's name with .html in place of its
 * extension (results/demo.h5 -> results/demo.html). */
static char *default_output(const char *input)
{
    size_t n = strlen(input);
    const char *slash = strrchr(input, '/');
    const char *dot = strrchr(input, '.');
    if (dot && (slash == NULL || dot > slash + 1))
        n = (size_t)(dot - input);
    char *out = malloc(n + 6);
    if (out) {
        memcpy(out, input, n);
        strcpy(out + n, ".html");
    }
    return out;
}

/* The report of a sensitivity file; prints its messages.  An exit status. */
static int sensitivity_report(const mps_cli_options *o, const char *target)
{
    mpsim_errors errs;
    mpsim_errors_init(&errs);
    mps_sens_file *f = NULL;
    int status = mps_sens_file_read(o->inputs[0], &f, &errs);
    if (status != MPSIM_OK) {
        mps_cli_report_errors(&errs, "reading the sensitivity file");
    } else {
        status = mps_report_sensitivity_html_file(f, target, &errs);
        if (status != MPSIM_OK)
            mps_cli_report_errors(&errs, "writing the report");
        else if (!o->quiet)
            fprintf(stderr, "mpsim report: wrote %s\n", target);
    }
    mps_sens_file_free(f);
    mpsim_errors_clear(&errs);
    return mps_cli_exit_status(status);
}

/* In a child process: the report of a sensitivity file, or
 * MPS_REPORT_NOT_SENSITIVITY.  Leaves through _exit, so HDF5's exit
 * handler (which a damaged file can upset) does not run. */
static void child_report(const mps_cli_options *o, const char *target)
{
    alarm(MPS_REPORT_CHILD_SECONDS);
    int rc = mps_sens_file_is(o->inputs[0]) ? sensitivity_report(o, target)
                                             : MPS_REPORT_NOT_SENSITIVITY;
    fflush(NULL);
    _exit(rc);
}

/* The report of a sensitivity file, made in a child: an exit status, or
 * -1 when the file is not a sensitivity file.  Where no child can be
 * started, the file is recognised and reported here. */
static int try_sensitivity(const mps_cli_options *o, const char *target)
{
    fflush(NULL); /* nothing buffered may be written twice */
    pid_t pid = fork();
    if (pid < 0)
        return mps_sens_file_is(o->inputs[0]) ? sensitivity_report(o, target) : -1;
    if (pid == 0)
        child_report(o, target);
    int wst = 0;
    while (waitpid(pid, &wst, 0) < 0 && errno == EINTR)
        ;
    if (WIFEXITED(wst))
        return WEXITSTATUS(wst) == MPS_REPORT_NOT_SENSITIVITY ? -1 : WEXITSTATUS(wst);
    int sig = WIFSIGNALED(wst) ? WTERMSIG(wst) : 0;
    if (sig == SIGALRM)
        fprintf(stderr,
                "%s: not a readable file: HDF5 did not finish reading it within %d seconds "
                "(damaged or crafted file?)\n",
                o->inputs[0], MPS_REPORT_CHILD_SECONDS);
    else
        fprintf(stderr,
                "%s: not a readable file: reading it crashed the HDF5 library (signal %d: %s); "
                "the file is damaged or was not written by mpsim\n",
                o->inputs[0], sig, strsignal(sig));
    return MPS_EXIT_USAGE;
}

int mps_cli_report(const mps_cli_options *o)
{
    mpsim_errors errs;
    mpsim_errors_init(&errs);
    mpsim_results *r = NULL;
    int status = MPSIM_OK;
    char *path = o->output ? NULL : default_output(o->inputs[0]);
    const char *target = o->output ? o->output : path;
    if (target == NULL) {
        fputs("mpsim report: out of memory\n", stderr);
        status = MPSIM_ERR_FAIL;
        goto done;
    }
    if (strcmp(target, o->inputs[0]) == 0) {
        fprintf(stderr, "mpsim report: %s: the report would replace the input file; "
                        "give another name with -o\n", target);
        status = MPSIM_ERR_INPUT;
        goto done;
    }
    int rc = try_sensitivity(o, target);
    if (rc >= 0) {
        free(path);
        mpsim_errors_clear(&errs);
        return rc;
    }
    status = mps_cli_read_results(o->inputs[0], &r, &errs);
    if (status != MPSIM_OK) {
        mps_cli_report_errors(&errs, "reading the results file");
        goto done;
    }
    status = mpsim_report_write_html_file(r, target, &errs);
    if (status != MPSIM_OK)
        mps_cli_report_errors(&errs, "writing the report");
    else if (!o->quiet)
        fprintf(stderr, "mpsim report: wrote %s\n", target);
done:
    free(path);
    mpsim_errors_clear(&errs);
    mpsim_results_free(r);
    return mps_cli_exit_status(status);
}
