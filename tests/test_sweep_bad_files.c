/*
 * The bad sweep files: every .yaml file in tests/data/bad/sweeps must be
 * refused by mpsim_sweep_load with MPSIM_ERR_INPUT, no sweep, and an error
 * that names the sweep file and matches the expectation on its first line
 * (tests/support/support_catalogue.h gives the format).  Errors about the
 * base scenario itself name the base file; the sweep's own error (e.g. at
 * `base`) must still be there.  tests/cli/sweep.sh runs the same files
 * through `mpsim sweep` for exit status 2 and no output.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "mpsim.h"
#include "support_catalogue.h"

static int load(const char *path, mpsim_errors *errs)
{
    mpsim_sweep *s = NULL;
    int rc = mpsim_sweep_load(path, &s, errs);
    if (rc == MPSIM_ERR_INPUT)
        assert_null(s);
    mpsim_sweep_free(s);
    return rc;
}

static void test_bad_catalogue(void **state)
{
    (void)state;
    mps_test_bad_catalogue(MPSIM_TEST_DIR "/data/bad/sweeps", 40, load, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_catalogue),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
