/*
 * `mpsim merge`: not yet built.
 */
#include "cli/cli.h"

int mps_cli_merge(const mps_cli_options *o, int argc, char **argv)
{
    (void)o;
    (void)argc;
    (void)argv;
    fputs("mpsim merge: not available in this build yet\n", stderr);
    return MPS_EXIT_FAIL;
}
