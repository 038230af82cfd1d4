/*
 * Shared helpers for the cmocka tests.  Include after <cmocka.h>'s
 * prerequisites (stdarg.h, stddef.h, setjmp.h, stdint.h).
 */
#ifndef MPS_TEST_SUPPORT_H
#define MPS_TEST_SUPPORT_H

#include <stddef.h>
#include <stdint.h>

#include "mpsim.h"

/** Two small scenarios, pair-a and pair-b, that differ only in their
 *  churn (0.05 and 0): a batch of them has a comparison, gates make the BCR
 *  sometimes undefined (NaN per path), and lognormal overruns and benefits
 *  give plenty of spread.  For the run driver's and output tests. */
extern const char *const mps_test_yaml_pair[2];

/** Loads a scenario from a YAML string; fails the test (printing the
 *  errors) if it does not load. */
mpsim_scenario *mps_test_load(const char *yaml);

/** Loads a scenario expected to be bad; returns the errors (caller clears)
 *  and fails the test if it loaded. */
mpsim_errors mps_test_load_bad(const char *yaml);

/** 1 if any error's message contains `needle` (and key_path contains
 *  `key_path` when that is non-NULL). */
int mps_test_errors_have(const mpsim_errors *e, const char *key_path, const char *needle);

/** Runs one scenario with paths and seed given; fails the test on error. */
mpsim_results *mps_test_run(mpsim_scenario *s, uint64_t paths, uint64_t seed, int threads,
                            int keep_paths);

/** A fresh empty temporary directory (mkdtemp under $TMPDIR or /tmp). */
char *mps_test_tmpdir(void);

#endif
