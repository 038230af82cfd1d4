/*
 * `mpsim sensitivity`: load the scenarios, analyse them (every input
 * checked before any path runs, so bad input writes nothing and exits 2),
 * write the sensitivity file, then print the tables or the JSON document.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"

/* Splits a comma-separated list in place into *items (malloc'd array of
 * pointers into `copy`).  Empty items are refused. */
static int split(char *copy, char ***items, size_t *n)
{
    size_t cap = 1;
    for (const char *p = copy; *p; p++)
        cap += *p == ',';
    *items = calloc(cap, sizeof **items);
    *n = 0;
    if (*items == NULL)
        return -1;
    char *p = copy;
    for (;;) {
        char *comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        if (*p == '\0')
            return -2;
        (*items)[(*n)++] = p;
        if (!comma)
            break;
        p = comma + 1;
    }
    return 0;
}

static char *default_output(const char *name)
{
    size_t len = strlen(name) + sizeof "results/-sensitivity.h5";
    char *p = malloc(len);
    if (p != NULL)
        snprintf(p, len, "results/%s-sensitivity.h5", name);
    return p;
}

int mps_cli_sensitivity(const mps_cli_options *o, int argc, char **argv)
{
    mps_cli_signals saved;
    mps_cli_signals_install(&saved);
    mpsim_errors errs;
    mpsim_errors_init(&errs);
    mpsim_sensitivity *r = NULL;
    char *in_copy = NULL, *out_copy = NULL, *default_out = NULL;
    char **in_items = NULL, **out_items = NULL;
    size_t n_in = 0, n_out = 0;
    int rc = MPS_EXIT_OK;
    mpsim_scenario **s = calloc(o->n_inputs, sizeof *s);
    if (s == NULL) {
        fputs("mpsim sensitivity: out of memory\n", stderr);
        rc = MPS_EXIT_FAIL;
        goto done;
    }
    if (o->sens_inputs) {
        in_copy = strdup(o->sens_inputs);
        int sr = in_copy ? split(in_copy, &in_items, &n_in) : -1;
        if (sr == -2) {
            fprintf(stderr, "mpsim sensitivity: --inputs has an empty key path in '%s'\n",
                    o->sens_inputs);
            rc = MPS_EXIT_USAGE;
            goto done;
        }
        if (sr != 0) {
            fputs("mpsim sensitivity: out of memory\n", stderr);
            rc = MPS_EXIT_FAIL;
            goto done;
        }
    }
    if (o->sens_outputs) {
        out_copy = strdup(o->sens_outputs);
        int sr = out_copy ? split(out_copy, &out_items, &n_out) : -1;
        if (sr == -2) {
            fprintf(stderr, "mpsim sensitivity: --outputs has an empty name in '%s'\n",
                    o->sens_outputs);
            rc = MPS_EXIT_USAGE;
            goto done;
        }
        if (sr != 0) {
            fputs("mpsim sensitivity: out of memory\n", stderr);
            rc = MPS_EXIT_FAIL;
            goto done;
        }
    }
    int status = mps_cli_load_all(o->inputs, o->n_inputs, s, &errs);
    if (status != MPSIM_OK) {
        mps_cli_report_errors(&errs, "loading the scenarios");
        rc = mps_cli_exit_status(status);
        goto done;
    }
    const char *out_path = o->output;
    if (out_path == NULL &&
        (out_path = default_out = default_output(mpsim_scenario_name(s[0]))) == NULL) {
        fputs("mpsim sensitivity: out of memory\n", stderr);
        rc = MPS_EXIT_FAIL;
        goto done;
    }

    mpsim_sensitivity_options opt;
    memset(&opt, 0, sizeof opt);
    opt.inputs = (const char *const *)in_items;
    opt.n_inputs = n_in;
    opt.outputs = (const char *const *)out_items;
    opt.n_outputs = n_out;
    opt.samples = o->samples;
    opt.samples_set = o->samples_set;
    opt.seed = o->seed;
    opt.seed_set = o->seed_set;
    opt.threads = o->threads;
    opt.cancel = mps_cli_cancel_flag();
    status = mpsim_sensitivity_run(s, o->n_inputs, &opt, &r, &errs);
    if (status == MPSIM_ERR_INTERRUPTED || (status == MPSIM_OK && mps_cli_cancelled())) {
        fputs("mpsim sensitivity: stopped; nothing written\n", stderr);
        rc = 128 + mps_cli_cancel_signal();
        goto done;
    }
    if (status != MPSIM_OK) {
        mps_cli_report_errors(&errs, "the sensitivity analysis");
        rc = mps_cli_exit_status(status);
        goto done;
    }
    /* Under MPI the ranks share the evaluations and every rank ends with
     * the same analysis (docs/sensitivity.md); rank 0 alone writes and
     * prints. */
    if (mpsim_parallel_rank() != 0)
        goto done;
    if (o->output == NULL && mkdir("results", 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "mpsim sensitivity: cannot create directory 'results': %s\n",
                strerror(errno));
        rc = MPS_EXIT_FAIL;
        goto done;
    }
    if (mpsim_sensitivity_stamp(r, argc, argv) != MPSIM_OK ||
        mpsim_sensitivity_write_hdf5(r, out_path, &errs) != MPSIM_OK) {
        mps_cli_report_errors(&errs, "writing the sensitivity file");
        rc = MPS_EXIT_FAIL;
        goto done;
    }
    if (o->json)
        mpsim_sensitivity_print_json(r, stdout);
    else
        mpsim_sensitivity_print_table(r, stdout);
    if (!o->quiet)
        fprintf(stderr, "mpsim sensitivity: written to %s\n", out_path);

done:
    mps_cli_signals_restore(&saved);
    mpsim_sensitivity_free(r);
    if (s != NULL)
        mps_cli_free_all(s, o->n_inputs);
    free(s);
    free(in_items);
    free(out_items);
    free(in_copy);
    free(out_copy);
    free(default_out);
    mpsim_errors_clear(&errs);
    return rc;
}
