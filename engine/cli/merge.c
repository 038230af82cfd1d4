/*
 * `mpsim merge SHARD.h5 ... -o OUT.h5`: combine the shard files of one
 * sweep (written with --shard i/n) into the file the unsharded sweep
 * writes, bit for bit.  Shards of different sweeps, or that miss or repeat
 * points, are bad input (exit 2, nothing written).
 */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

int mps_cli_merge(const mps_cli_options *o, int argc, char **argv)
{
    mpsim_errors errs;
    mpsim_errors_init(&errs);
    size_t n = o->n_inputs;
    mpsim_sweep_results **shards = calloc(n, sizeof *shards);
    mpsim_sweep_results *merged = NULL;
    int rc = MPS_EXIT_OK, worst = MPSIM_OK;
    if (shards == NULL) {
        fputs("mpsim merge: out of memory\n", stderr);
        return MPS_EXIT_FAIL;
    }
    /* Every file is read, so one run reports every unreadable shard. */
    for (size_t i = 0; i < n; i++) {
        int st = mpsim_sweep_read_hdf5(o->inputs[i], &shards[i], &errs);
        if (st != MPSIM_OK && worst != MPSIM_ERR_FAIL)
            worst = st;
    }
    if (worst == MPSIM_OK)
        worst = mpsim_sweep_merge(shards, (const char *const *)o->inputs, n, &merged, &errs);
    if (worst != MPSIM_OK) {
        mps_cli_report_errors(&errs, "merging the shards");
        rc = mps_cli_exit_status(worst);
    } else if (mpsim_sweep_results_stamp(merged, argc, argv) != MPSIM_OK) {
        fputs("mpsim merge: out of memory\n", stderr);
        rc = MPS_EXIT_FAIL;
    } else if (mpsim_sweep_write_hdf5(merged, o->output, &errs) != MPSIM_OK) {
        mps_cli_report_errors(&errs, "writing the merged file");
        fprintf(stderr, "mpsim merge: nothing written to '%s'\n", o->output);
        rc = MPS_EXIT_FAIL;
    } else {
        if (o->json)
            mpsim_sweep_print_json(merged, stdout);
        if (!o->quiet) {
            size_t points = 0, done = 0, failed = 0;
            mpsim_sweep_results_counts(merged, &points, &done, &failed);
            fprintf(stderr, "mpsim merge: %zu shards, %zu points (%zu failed) written to %s\n", n,
                    points, failed, o->output);
        }
    }
    for (size_t i = 0; i < n; i++)
        mpsim_sweep_results_free(shards[i]);
    free(shards);
    mpsim_sweep_results_free(merged);
    mpsim_errors_clear(&errs);
    return rc;
}
