/*
 * The commands that write nothing: validate and static (show is in
 * show.c); and the helpers every command shares (loading a batch,
 * reporting errors, exit statuses).
 */
#include <stdlib.h>

#include "cli/cli.h"

int mps_cli_exit_status(int status)
{
    switch (status) {
    case MPSIM_OK:
        return MPS_EXIT_OK;
    case MPSIM_ERR_INPUT:
        return MPS_EXIT_USAGE;
    default:
        return MPS_EXIT_FAIL;
    }
}

void mps_cli_report_errors(const mpsim_errors *errs, const char *what)
{
    if (errs->count > 0)
        mpsim_errors_print(errs, stderr);
    else
        fprintf(stderr, "mpsim: %s failed (no further detail)\n", what);
}

/* The worse of two statuses: a failure outranks bad input, which outranks
 * success, so one file's I/O error is not reported as a typo. */
static int worse(int a, int b)
{
    if (a == MPSIM_ERR_FAIL || b == MPSIM_ERR_FAIL)
        return MPSIM_ERR_FAIL;
    return a != MPSIM_OK ? a : b;
}

void mps_cli_free_all(mpsim_scenario **s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        mpsim_scenario_free(s[i]);
        s[i] = NULL;
    }
}

int mps_cli_load_all(char *const *paths, size_t n, mpsim_scenario **out, mpsim_errors *errs)
{
    int status = MPSIM_OK;
    for (size_t i = 0; i < n; i++) {
        size_t before = errs->count;
        out[i] = NULL;
        int rc = mpsim_scenario_load(paths[i], &out[i], errs);
        if (rc != MPSIM_OK) {
            if (errs->count == before)
                mpsim_errors_add(errs, paths[i], 0, 0, NULL, "could not be loaded");
            mpsim_scenario_free(out[i]);
            out[i] = NULL;
            status = worse(status, rc);
        }
    }
    if (status != MPSIM_OK)
        mps_cli_free_all(out, n);
    return status;
}

int mps_cli_validate(const mps_cli_options *o)
{
    mpsim_errors errs;
    mpsim_errors_init(&errs);
    mpsim_scenario **s = calloc(o->n_inputs, sizeof *s);
    if (s == NULL) {
        fputs("mpsim validate: out of memory\n", stderr);
        return MPS_EXIT_FAIL;
    }
    int status = mps_cli_load_all(o->inputs, o->n_inputs, s, &errs);
    /* The batch rules compare files with each other, so they only make
     * sense once every file has loaded. */
    if (status == MPSIM_OK)
        status = mpsim_batch_check(s, o->n_inputs, NULL, &errs);
    if (status != MPSIM_OK && errs.count == 0)
        mpsim_errors_add(&errs, NULL, 0, 0, NULL, "validation failed (no further detail)");

    if (o->json) {
        mpsim_errors_print_json(&errs, stdout);
    } else if (status != MPSIM_OK) {
        mpsim_errors_print(&errs, stderr);
    } else if (o->resolved) {
        /* One file prints as a scenario that loads on its own; several as
         * a YAML stream, one document per file. */
        for (size_t i = 0; i < o->n_inputs; i++) {
            const char *text = mpsim_scenario_resolved_text(s[i]);
            if (o->n_inputs > 1)
                printf("--- # %s\n", o->inputs[i]);
            fputs(text ? text : "", stdout);
        }
    }

    mps_cli_free_all(s, o->n_inputs);
    free(s);
    mpsim_errors_clear(&errs);
    return mps_cli_exit_status(status);
}

int mps_cli_static(const mps_cli_options *o)
{
    mpsim_errors errs;
    mpsim_errors_init(&errs);
    mpsim_results *r = NULL;
    mpsim_scenario **s = calloc(o->n_inputs, sizeof *s);
    if (s == NULL) {
        fputs("mpsim static: out of memory\n", stderr);
        return MPS_EXIT_FAIL;
    }
    int status = mps_cli_load_all(o->inputs, o->n_inputs, s, &errs);
    if (status == MPSIM_OK) {
        /* A static appraisal draws nothing, so scenarios that disagree on
         * paths or seed are fine; telling the batch check both are set on
         * the command line leaves it checking only what matters here
         * (distinct names, which key the output). */
        mpsim_run_options opt = {0};
        opt.paths = 1;
        opt.paths_set = 1;
        opt.seed_set = 1;
        status = mpsim_batch_check(s, o->n_inputs, &opt, &errs);
    }
    if (status == MPSIM_OK)
        status = mpsim_static(s, o->n_inputs, &r, &errs);

    if (status != MPSIM_OK) {
        mps_cli_report_errors(&errs, "the static appraisal");
    } else if (o->json) {
        mpsim_results_print_json(r, stdout);
    } else {
        mpsim_results_print_table(r, stdout);
    }
    mpsim_results_free(r);
    mps_cli_free_all(s, o->n_inputs);
    free(s);
    mpsim_errors_clear(&errs);
    return mps_cli_exit_status(status);
}
