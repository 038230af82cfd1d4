/*
 * The printed summary table: the headline, n/a for undefined values, the
 * mission, project and kind rows, aligned columns (every row of a block
 * ends in the same display column, "£" counted as one), the comparisons,
 * and the static-only form.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mpsim.h"
#include "results_fixture.h"

static char *print_table(const mpsim_results *r)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    mpsim_results_print_table(r, f);
    fclose(f);
    return buf;
}

static void assert_has(const char *text, const char *needle)
{
    if (!strstr(text, needle))
        fail_msg("table lacks \"%s\":\n%s", needle, text);
}

/* Display width of the line starting at p (UTF-8 continuation bytes take
 * no column). */
static int line_width(const char *p)
{
    int w = 0;
    for (; *p && *p != '\n'; p++)
        w += ((unsigned char)*p & 0xC0) != 0x80;
    return w;
}

/* The block of lines starting with the line that contains `header`, up to
 * the next blank line: every line must have the same display width. */
static void assert_block_aligned(const char *text, const char *header, int lines)
{
    const char *p = strstr(text, header);
    assert_non_null(p);
    while (p > text && p[-1] != '\n')
        p--;
    int w = line_width(p), n = 0;
    while (*p && *p != '\n') {
        if (line_width(p) != w)
            fail_msg("misaligned row under \"%s\": %.*s", header, line_width(p), p);
        n++;
        p = strchr(p, '\n');
        if (!p)
            break;
        p++;
    }
    assert_int_equal(n, lines);
}

static void test_dynamic_table(void **state)
{
    (void)state;
    mpsim_results *r = fx_results(2, 0);
    char *t = print_table(r);
    assert_has(t, "Scenario warm-homes: Warm, low-carbon homes\n"
                  "  Static Green Book BCR 1.85 beside dynamic expected BCR 1.42\n"
                  "  (1000 paths, seed 20250101)\n");
    assert_has(t, "NPV P5 / P50 / P95 (£m)       6.5 / 9.5 / 12.5\n");
    assert_has(t, "P(BCR > 1)                    0.873\n");
    assert_has(t, "P(BCR > 1)                    n/a\n"); /* second scenario: undefined */
    assert_has(t, "BCR undefined (PVC <= 0)      4 paths\n");
    assert_has(t, "Expected shortfall, 5% (£m)   -250.8\n");
    assert_has(t, "warm-homes           0.640  1.25 by 2035       2031   2033   2036   2039    n/a\n");
    assert_has(t, "healthy-lives          n/a  none                n/a");
    assert_has(t, "NPV (£m)                             765.4           0.5\n");
    assert_block_aligned(t, "Static  Dynamic mean", 6);
    assert_block_aligned(t, "Mission        P(achieved)", 3);
    assert_block_aligned(t, "Project        Kind", 4);
    assert_block_aligned(t, "Kind       Projects", 3);
    assert_has(t, "  warm-homes -> warm-homes-ringfenced\n");
    assert_has(t, "NPV difference, b - a (£m)     mean 12.5 (se 1.3, sd 40.2)\n");
    assert_has(t, "P(achieved) change, warm-homes     +0.020\n");
    assert_has(t, "P(achieved) change, healthy-lives  n/a\n");
    free(t);
    mpsim_results_free(r);
}

static void test_static_table(void **state)
{
    (void)state;
    mpsim_results *r = fx_static_results();
    char *t = print_table(r);
    static const char want[] = "Scenario warm-homes\n"
                               "  Static Green Book appraisal\n"
                               "    PV cost (£m)            1000.4\n"
                               "    PVC (£m)                   0.0\n"
                               "    PV benefits (£m)          12.5\n"
                               "    NPV (£m)                  12.5\n"
                               "    BCR                        n/a\n";
    assert_string_equal(t, want);
    free(t);
    mpsim_results_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dynamic_table),
        cmocka_unit_test(test_static_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
