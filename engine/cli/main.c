/*
 * mpsim's entry point: picks the command and hands over.  Only the command
 * line prints and chooses exit statuses; the library returns statuses.
 * Under MPI (docs/parallel-runs.md) every rank runs this; only rank 0
 * writes files and prints results.
 */
#include <string.h>

#include "cli/cli.h"

/* Flushes stdout: a full disk or closed pipe must not pass for success,
 * whatever printed (help and version included). */
static int finish(int rc)
{
    if (fflush(stdout) != 0 && rc == MPS_EXIT_OK) {
        perror("mpsim: writing to standard output");
        rc = MPS_EXIT_FAIL;
    }
    return rc;
}

static int dispatch(int argc, char **argv)
{
    if (argc < 2) {
        fputs("mpsim: no command given\n", stderr);
        mps_cli_print_usage((mps_cli_command)0, stderr);
        return MPS_EXIT_USAGE;
    }
    const char *first = argv[1];
    if (strcmp(first, "--help") == 0 || strcmp(first, "-h") == 0 || strcmp(first, "help") == 0) {
        /* "mpsim help run" is the same as "mpsim run --help". */
        mps_cli_command cmd = argc > 2 ? mps_cli_command_from_name(argv[2]) : (mps_cli_command)0;
        mps_cli_print_help(cmd, stdout);
        return finish(MPS_EXIT_OK);
    }
    if (strcmp(first, "--version") == 0 || strcmp(first, "-V") == 0) {
        mps_cli_print_version(stdout);
        return finish(MPS_EXIT_OK);
    }

    mps_cli_command cmd = mps_cli_command_from_name(first);
    if (cmd == 0) {
        if (first[0] == '-')
            fprintf(stderr, "mpsim: unknown option '%s' (options follow the command)\n", first);
        else
            fprintf(stderr, "mpsim: unknown command '%s'\n", first);
        mps_cli_print_usage((mps_cli_command)0, stderr);
        return MPS_EXIT_USAGE;
    }

    mps_cli_options o;
    int rc = mps_cli_parse(argc, argv, cmd, &o, stderr);
    if (rc == MPS_EXIT_OK && o.help) {
        mps_cli_print_help(cmd, stdout);
    } else if (rc == MPS_EXIT_OK) {
        switch (cmd) {
        case MPS_CMD_RUN:
            rc = mps_cli_run(&o, argc, argv);
            break;
        case MPS_CMD_STATIC:
            rc = mps_cli_static(&o);
            break;
        case MPS_CMD_VALIDATE:
            rc = mps_cli_validate(&o);
            break;
        case MPS_CMD_SHOW:
            rc = mps_cli_show(&o);
            break;
        case MPS_CMD_SWEEP:
            rc = mps_cli_sweep(&o, argc, argv);
            break;
        case MPS_CMD_MERGE:
            rc = mps_cli_merge(&o, argc, argv);
            break;
        case MPS_CMD_REPORT:
            rc = mps_cli_report(&o);
            break;
        case MPS_CMD_EXPORT:
            rc = mps_cli_export(&o);
            break;
        case MPS_CMD_SENSITIVITY:
            rc = mps_cli_sensitivity(&o, argc, argv);
            break;
        }
    }
    mps_cli_options_free(&o);
    return finish(rc);
}

int main(int argc, char **argv)
{
    /* In the MPI build every rank runs the whole command line; MPI starts
     * first (it may take its own arguments out of argv) and ends last.
     * In the serial build both calls do nothing. */
    if (mpsim_parallel_init(&argc, &argv) != MPSIM_OK) {
        fputs("mpsim: cannot start MPI\n", stderr);
        return MPS_EXIT_FAIL;
    }
    /* Every rank finds the same input errors and agrees on every other
     * outcome, so rank 0 alone speaks for the job: the others' messages
     * would repeat its own K times. */
    if (mpsim_parallel_rank() != 0 &&
        (freopen("/dev/null", "w", stdout) == NULL || freopen("/dev/null", "w", stderr) == NULL)) {
        mpsim_parallel_finalize();
        return MPS_EXIT_FAIL;
    }
    int rc = dispatch(argc, argv);
    mpsim_parallel_finalize();
    return rc;
}
