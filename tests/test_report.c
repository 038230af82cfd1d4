/*
 * The analyst's report (engine/report/): nice axes, number formatting and
 * escaping against known answers, and the page written from the synthetic
 * results of tests/support/results_fixture.h (two scenarios and a
 * comparison; a static-only result), including hostile names and failing
 * outputs.  The page in a browser, and against a real results file, is
 * checked by tests/cli/report*.sh.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mpsim.h"
#include "report/report.h"
#include "results_fixture.h"
#include "test_support.h"

/* Runs the page writer into memory; returns the page (caller frees). */
static char *page_of(const mpsim_results *r)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    assert_non_null(mem);
    mpsim_errors e;
    mpsim_errors_init(&e);
    assert_int_equal(mpsim_report_write_html(r, mem, &e), MPSIM_OK);
    assert_int_equal(fclose(mem), 0);
    assert_int_equal(e.count, 0);
    mpsim_errors_clear(&e);
    return buf;
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

static char *escaped(const char *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    assert_non_null(mem);
    mps_report_escape(mem, s);
    fclose(mem);
    return buf;
}

/* ---------------------------------------------------------------- axes */

static void test_axis_known(void **state)
{
    (void)state;
    mps_axis a;
    /* Worked by hand: raw step (hi - lo) / target, rounded up to 1, 2 or 5
     * times a power of ten; the range widened to whole steps. */
    mps_axis_nice(&a, 0.0, 97.0, 5); /* raw 19.4 -> 20 */
    assert_true(a.step == 20.0 && a.lo == 0.0 && a.hi == 100.0 && a.decimals == 0);
    mps_axis_nice(&a, -3.2, 11.7, 5); /* raw 2.98 -> 5 */
    assert_true(a.step == 5.0 && a.lo == -5.0 && a.hi == 15.0);
    mps_axis_nice(&a, 0.0, 0.0123, 5); /* raw 0.00246 -> 0.005 */
    assert_true(fabs(a.step - 0.005) < 1e-15 && a.decimals == 3);
    assert_true(fabs(a.hi - 0.015) < 1e-12);
    mps_axis_nice(&a, 2025.0, 2084.0, 8); /* raw 7.4 -> 10 */
    assert_true(a.step == 10.0 && a.lo == 2020.0 && a.hi == 2090.0);
    mps_axis_nice(&a, 5.0, 5.0, 5); /* degenerate: 4.5 .. 5.5, raw 0.2 */
    assert_true(fabs(a.step - 0.2) < 1e-15 && a.decimals == 1);
    assert_true(a.lo <= 5.0 && a.hi >= 5.0 && a.hi > a.lo);
    mps_axis_nice(&a, NAN, 3.0, 5); /* not finite: a unit range */
    assert_true(a.lo == 0.0 && a.hi == 1.0);
}

/* Over many ranges: the step is 1, 2 or 5 times a power of ten, the axis
 * covers the range, and the number of intervals stays readable. */
static void test_axis_property(void **state)
{
    (void)state;
    uint64_t x = 20250101;
    for (int i = 0; i < 5000; i++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        double u = (double)(x >> 11) / 9007199254740992.0;
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        double v = (double)(x >> 11) / 9007199254740992.0;
        double scale = pow(10.0, 12.0 * u - 6.0);
        double lo = (v - 0.5) * scale, hi = lo + scale * (0.001 + u);
        mps_axis a;
        mps_axis_nice(&a, lo, hi, 5);
        double m = a.step / pow(10.0, floor(log10(a.step) + 1e-12));
        assert_true(fabs(m - 1.0) < 1e-9 || fabs(m - 2.0) < 1e-9 || fabs(m - 5.0) < 1e-9);
        assert_true(a.lo <= lo + 1e-9 * scale && a.hi >= hi - 1e-9 * scale);
        double n = (a.hi - a.lo) / a.step;
        assert_true(n >= 2.0 - 1e-9 && n <= 12.0 + 1e-9);
    }
}

/* ---------------------------------------------------------------- text */

static void test_fmt(void **state)
{
    (void)state;
    char b[64];
    mps_report_fmt(b, sizeof b, 12345.678, 1);
    assert_string_equal(b, "12,345.7");
    mps_report_fmt(b, sizeof b, -1234567.5, 1);
    assert_string_equal(b, "-1,234,567.5");
    mps_report_fmt(b, sizeof b, 999.96, 1);
    assert_string_equal(b, "1,000.0");
    mps_report_fmt(b, sizeof b, -0.04, 1); /* rounds to zero: no sign */
    assert_string_equal(b, "0.0");
    mps_report_fmt(b, sizeof b, 0.8734, 3);
    assert_string_equal(b, "0.873");
    mps_report_fmt(b, sizeof b, 100.0, 0);
    assert_string_equal(b, "100");
    mps_report_fmt(b, sizeof b, NAN, 2);
    assert_string_equal(b, "n/a");
    mps_report_fmt(b, sizeof b, -INFINITY, 2);
    assert_string_equal(b, "n/a");
}

static void test_escape(void **state)
{
    (void)state;
    char *s = escaped("<a href='x'>&\"</a>");
    assert_string_equal(s, "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;");
    free(s);
    /* Valid UTF-8 stays; a stray byte, an overlong form, a surrogate and a
     * control character become U+FFFD; tab and newline stay. */
    s = escaped("£m\xff|\xc0\xaf|\xed\xa0\x80|\x01|\t\n");
    assert_string_equal(s, "£m\xEF\xBF\xBD|\xEF\xBF\xBD\xEF\xBF\xBD|"
                           "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD|\xEF\xBF\xBD|\t\n");
    free(s);
    /* A sequence cut short by the end of the string. */
    s = escaped("ab\xe2\x82");
    assert_string_equal(s, "ab\xEF\xBF\xBD\xEF\xBF\xBD");
    free(s);
    char u[64];
    mps_report_units_text(u, sizeof u, "GBP million (real, base-year prices)");
    assert_string_equal(u, "£m (real, base-year prices)");
    mps_report_units_text(u, sizeof u, "GBP m per year, real base-year prices");
    assert_string_equal(u, "£m per year, real base-year prices");
    mps_report_units_text(u, sizeof u, "1");
    assert_string_equal(u, "ratio");
}

/* ---------------------------------------------------------------- page */

static void test_page_batch(void **state)
{
    (void)state;
    mpsim_results *r = fx_results(2, 0);
    char *p = page_of(r);
    assert_non_null(strstr(p, "<!DOCTYPE html>"));
    assert_non_null(strstr(p, "</html>\n"));
    /* Self-contained: nothing is fetched. */
    assert_null(strstr(p, "<script"));
    assert_null(strstr(p, "<link"));
    assert_null(strstr(p, "src="));
    assert_null(strstr(p, "url("));
    /* The headline numbers carry their exact values and JSON paths. */
    assert_non_null(strstr(p, "data-key=\"static.bcr\" data-value=\"1.8500000000000001\">1.85<"));
    assert_non_null(strstr(p, "data-key=\"dynamic.expected_bcr\" data-value=\"1.4199999999999999\">1.42<"));
    assert_non_null(strstr(p, "data-key=\"static.pv_cost\" data-value=\"1000.375\">1,000.4<"));
    assert_non_null(strstr(p, "data-key=\"dynamic.expected_shortfall_5\" data-value=\"-250.75\">-250.8<"));
    assert_non_null(strstr(p, "data-key=\"missions.warm-homes.p_achieved\" data-value=\"0.64000000000000001\">0.640<"));
    /* The second scenario's undefined P(BCR > 1) reads n/a. */
    assert_non_null(strstr(p, "data-key=\"dynamic.p_bcr_above_1\" data-value=\"nan\">n/a<"));
    /* Charts: the NPV histogram (the fixture's BCR histogram is empty and
     * is left out), the net-benefit fan, the decompositions. */
    assert_int_equal(count(p, "data-chart=\"npv-histogram\""), 2);
    assert_int_equal(count(p, "data-chart=\"bcr-histogram\""), 0);
    assert_int_equal(count(p, "data-chart=\"fan-net_benefit\""), 2);
    assert_int_equal(count(p, "data-chart=\"fan-mission_warm-homes\""), 0); /* no such series */
    assert_int_equal(count(p, "data-chart=\"decomposition-scenarios\""), 1);
    assert_int_equal(count(p, "data-chart=\"decomposition-projects\""), 2);
    assert_int_equal(count(p, "<svg "), count(p, "</svg>"));
    assert_int_equal(count(p, "data-table=\"comparisons\""), 1);
    assert_int_equal(count(p, "data-table=\"comparison-missions\""), 1);
    assert_int_equal(count(p, "data-table=\"headline\""), 2);
    assert_int_equal(count(p, "data-table=\"provenance\""), 1);
    assert_non_null(strstr(p, "data-key=\"comparisons.0.npv_diff_se\" data-value=\"1.27\">1.3<"));
    /* Inputs verbatim, escaped. */
    assert_non_null(strstr(p, "name: warm-homes   # £m, &quot;quoted&quot;"));
    assert_non_null(strstr(p, "policy/base.yaml"));
    assert_non_null(strstr(p, "mpsim run &#39;my scenario.yaml&#39;"));
    free(p);
    mpsim_results_free(r);
}

static void test_page_hostile_names(void **state)
{
    (void)state;
    mpsim_results *r = fx_results(2, 0);
    free(r->scenarios[0].name);
    r->scenarios[0].name = fx_str("<script>alert(1)</script>\xff");
    free(r->scenarios[0].projects[0].id);
    r->scenarios[0].projects[0].id = fx_str("a&b \"c\" <d>");
    free(r->scenarios[1].input_text);
    r->scenarios[1].input_text = fx_str("</pre><img src=x onerror=alert(1)>\x02");
    char *p = page_of(r);
    assert_null(strstr(p, "<script"));
    assert_null(strstr(p, "<img"));
    assert_null(strstr(p, "\xff"));
    assert_null(strstr(p, "\x02"));
    assert_non_null(strstr(p, "&lt;script&gt;alert(1)&lt;/script&gt;\xEF\xBF\xBD"));
    assert_non_null(strstr(p, "a&amp;b &quot;c&quot; &lt;d&gt;"));
    assert_non_null(strstr(p, "&lt;/pre&gt;&lt;img src=x onerror=alert(1)&gt;"));
    free(p);
    mpsim_results_free(r);
}

static void test_page_static_only(void **state)
{
    (void)state;
    mpsim_results *r = fx_static_results();
    char *p = page_of(r);
    assert_null(strstr(p, "<svg"));
    assert_non_null(strstr(p, "Static appraisal only"));
    assert_non_null(strstr(p, "data-key=\"static.bcr\" data-value=\"nan\">n/a<"));
    assert_non_null(strstr(p, "data-key=\"static.npv\" data-value=\"12.5\">12.5<"));
    assert_null(strstr(p, "Dynamic (Monte Carlo)"));
    assert_int_equal(count(p, "data-table=\"comparisons\""), 0);
    free(p);
    mpsim_results_free(r);
}

/* One scenario: no comparisons, still every chart of a scenario. */
static void test_page_single(void **state)
{
    (void)state;
    mpsim_results *r = fx_results(1, 0);
    char *p = page_of(r);
    assert_int_equal(count(p, "data-table=\"comparisons\""), 0);
    assert_int_equal(count(p, "data-chart=\"npv-histogram\""), 1);
    assert_int_equal(count(p, "data-chart=\"decomposition-scenarios\""), 1);
    free(p);
    mpsim_results_free(r);
}

/* ---------------------------------------------------------------- files */

static void test_file_written_atomically(void **state)
{
    (void)state;
    char *dir = mps_test_tmpdir();
    char path[512], bad[512];
    snprintf(path, sizeof path, "%s/report.html", dir);
    mpsim_results *r = fx_results(2, 0);
    mpsim_errors e;
    mpsim_errors_init(&e);
    assert_int_equal(mpsim_report_write_html_file(r, path, &e), MPSIM_OK);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char head[16] = {0};
    assert_int_equal(fread(head, 1, 15, f), 15);
    fclose(f);
    assert_string_equal(head, "<!DOCTYPE html>");

    /* A directory that is a file: an error naming the path, nothing left,
     * the earlier report untouched. */
    snprintf(bad, sizeof bad, "%s/report.html/x.html", dir);
    assert_int_equal(mpsim_report_write_html_file(r, bad, &e), MPSIM_ERR_FAIL);
    assert_true(e.count > 0);
    assert_true(mps_test_errors_have(&e, NULL, "report"));
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_true(S_ISREG(st.st_mode) && st.st_size > 1000);
    mpsim_errors_clear(&e);
    /* A missing directory. */
    snprintf(bad, sizeof bad, "%s/no-such-dir/x.html", dir);
    assert_int_equal(mpsim_report_write_html_file(r, bad, &e), MPSIM_ERR_FAIL);
    assert_true(e.count > 0);
    mpsim_errors_clear(&e);
    /* Only the report is in the directory: no temporary file was left. */
    char cmd[600];
    snprintf(cmd, sizeof cmd, "test \"$(ls -A '%s')\" = report.html", dir);
    assert_int_equal(system(cmd), 0);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
    free(dir);
    mpsim_results_free(r);
}

/* A stream that fails (a full disk) is an error, not a silent short page. */
static void test_stream_error(void **state)
{
    (void)state;
    FILE *full = fopen("/dev/full", "w");
    if (full == NULL)
        skip();
    mpsim_results *r = fx_results(2, 0);
    mpsim_errors e;
    mpsim_errors_init(&e);
    assert_int_equal(mpsim_report_write_html(r, full, &e), MPSIM_ERR_FAIL);
    assert_true(e.count > 0);
    fclose(full);
    mpsim_errors_clear(&e);
    mpsim_results_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_axis_known),
        cmocka_unit_test(test_axis_property),
        cmocka_unit_test(test_fmt),
        cmocka_unit_test(test_escape),
        cmocka_unit_test(test_page_batch),
        cmocka_unit_test(test_page_hostile_names),
        cmocka_unit_test(test_page_static_only),
        cmocka_unit_test(test_page_single),
        cmocka_unit_test(test_file_written_atomically),
        cmocka_unit_test(test_stream_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
