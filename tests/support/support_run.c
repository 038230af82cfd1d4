/* Test helpers: running a scenario. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "test_support.h"

mpsim_results *mps_test_run(mpsim_scenario *s, uint64_t paths, uint64_t seed, int threads,
                            int keep_paths)
{
    mpsim_run_options o;
    memset(&o, 0, sizeof o);
    o.paths = paths;
    o.paths_set = 1;
    o.seed = seed;
    o.seed_set = 1;
    o.threads = threads;
    o.keep_paths = keep_paths;
    mpsim_errors e;
    mpsim_errors_init(&e);
    mpsim_results *r = NULL;
    int rc = mpsim_run(&s, 1, &o, &r, &e);
    if (rc != MPSIM_OK) {
        mpsim_errors_print(&e, stderr);
        mpsim_errors_clear(&e);
        fail_msg("run failed (status %d)", rc);
    }
    mpsim_errors_clear(&e);
    return r;
}
