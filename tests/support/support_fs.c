/* Test helpers: temporary directories. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "test_support.h"

char *mps_test_tmpdir(void)
{
    const char *base = getenv("TMPDIR");
    if (!base || !*base)
        base = "/tmp";
    size_t n = strlen(base) + 32;
    char *p = malloc(n);
    assert_non_null(p);
    snprintf(p, n, "%s/mpsim-test-XXXXXX", base);
    assert_non_null(mkdtemp(p));
    return p;
}
