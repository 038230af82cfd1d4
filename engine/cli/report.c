/*
 * `mpsim report RESULTS.h5 [-o REPORT.html]`: the analyst's report of a
 * results file (docs/report.md).  The file may come from anywhere, so it is
 * read as `mpsim show` reads it (mps_cli_read_results: first in a child
 * process); the page is written atomically by the library.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

/* The default output: the results file's name with .html in place of its
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

int mps_cli_report(const mps_cli_options *o)
{
    mpsim_errors errs;
    mpsim_errors_init(&errs);
    mpsim_results *r = NULL;
    char *path = NULL;
    int status = mps_cli_read_results(o->inputs[0], &r, &errs);
    if (status != MPSIM_OK) {
        mps_cli_report_errors(&errs, "reading the results file");
        goto done;
    }
    path = o->output ? NULL : default_output(o->inputs[0]);
    const char *target = o->output ? o->output : path;
    if (target == NULL) {
        fputs("mpsim report: out of memory\n", stderr);
        status = MPSIM_ERR_FAIL;
        goto done;
    }
    if (strcmp(target, o->inputs[0]) == 0) {
        fprintf(stderr, "mpsim report: %s: the report would replace the results file; "
                        "give another name with -o\n", target);
        status = MPSIM_ERR_INPUT;
        goto done;
    }
    status = mpsim_report_write_html_file(r, target, &errs);
    if (status != MPSIM_OK)
        mps_cli_report_errors(&errs, "writing the report");
    else if (!o->quiet)
        fprintf(stderr, "mpsim report: wrote %s\n", target);
done:
    free(path);
    mpsim_results_free(r);
    mpsim_errors_clear(&errs);
    return mps_cli_exit_status(status);
}
