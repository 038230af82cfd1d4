/*
 * libFuzzer harness for the scenario loader (tests/fuzz/README.md).
 *
 * Each input is loaded as a scenario file.  Whatever the bytes, the loader
 * must return: MPSIM_OK with a scenario and no error, or an error status
 * with at least one message and no scenario; never crash, hang, leak or
 * trip AddressSanitizer / UBSan.  A scenario that loads is also appraised
 * statically and run for a few paths (under a small memory limit, so that a
 * long horizon cannot make the harness itself slow), which carries the
 * fuzzer's inputs into the model and the summary.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mpsim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An invariant the loader broke: abort so that libFuzzer keeps the input. */
static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_scenario: invariant broken: %s\n", what);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mpsim_errors e;
    mpsim_errors_init(&e);
    mpsim_scenario *s = (mpsim_scenario *)&e; /* the loader must reset it */
    int rc = mpsim_scenario_load_buffer((const char *)data, size, "fuzz.yaml", &s, &e);
    if (rc == MPSIM_OK) {
        check(s != NULL, "MPSIM_OK without a scenario");
        check(e.count == 0, "MPSIM_OK with error messages");
    } else {
        check(rc == MPSIM_ERR_INPUT || rc == MPSIM_ERR_FAIL, "unknown status");
        check(s == NULL, "an error status with a scenario");
        check(e.count > 0, "an error status without a message");
        for (size_t i = 0; i < e.count; i++)
            check(e.items[i].message && e.items[i].message[0], "an empty error message");
    }
    if (s != NULL) {
        mpsim_results *r = NULL;
        mpsim_errors_clear(&e);
        if (mpsim_static(&s, 1, &r, &e) == MPSIM_OK)
            mpsim_results_free(r);
        r = NULL;
        mpsim_errors_clear(&e);
        mpsim_run_options o;
        memset(&o, 0, sizeof o);
        o.paths = 8;
        o.paths_set = 1;
        o.threads = 1;
        o.max_memory = (uint64_t)64 << 20;
        if (mpsim_run(&s, 1, &o, &r, &e) == MPSIM_OK) {
            check(r != NULL && r->n_scenarios == 1, "a run without its results");
            mpsim_results_free(r);
        }
    }
    mpsim_scenario_free(s);
    mpsim_errors_clear(&e);
    return 0;
}
