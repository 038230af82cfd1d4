/*
 * `mpsim export`: not yet built.
 */
#include "cli/cli.h"

int mps_cli_export(const mps_cli_options *o)
{
    (void)o;
    fputs("mpsim export: not available in this build yet\n", stderr);
    return MPS_EXIT_FAIL;
}
