/*
 * The bad-input catalogue: every .yaml file in tests/data/bad must be
 * refused by mpsim_scenario_load with MPSIM_ERR_INPUT, no scenario, and an
 * error that names the file and matches the expectation on its first line
 * (tests/support/support_catalogue.h gives the format).  Every error names
 * the file.  The catalogue doubles as input for the command-line tests
 * (tests/cli/validate.sh).
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
    mpsim_scenario *s = NULL;
    int rc = mpsim_scenario_load(path, &s, errs);
    if (rc == MPSIM_ERR_INPUT)
        assert_null(s);
    mpsim_scenario_free(s);
    return rc;
}

static void test_bad_catalogue(void **state)
{
    (void)state;
    mps_test_bad_catalogue(MPSIM_TEST_DIR "/data/bad", 30, load, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_catalogue),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
