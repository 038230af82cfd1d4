/*
 * `mpsim sweep`: not yet built.
 */
#include "cli/cli.h"

int mps_cli_sweep(const mps_cli_options *o, int argc, char **argv)
{
    (void)o;
    (void)argc;
    (void)argv;
    fputs("mpsim sweep: not available in this build yet\n", stderr);
    return MPS_EXIT_FAIL;
}
