/*
 * The printed summary table: the headline, n/a for undefined values, the
 * mission, project and kind rows, aligned columns (every row of a block
 * ends in the same display column, "£" counted as one), the comparisons,
 * the lines on spending-review cuts and adaptive management (shown only
 * when the run produced their series), the per-project delivery table, and
 * the static-only form.
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
    if (!strstr(text, needle)) {
        /* cmocka cuts long messages: the whole table goes to stderr first. */
        fprintf(stderr, "---- table ----\n%s---- end ----\n", text);
        fail_msg("table lacks \"%s\"", needle);
    }
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
    assert_has(t, "\nComparisons with the baseline (b - a per path, common random numbers)\n"
                  "  warm-homes -> warm-homes-ringfenced\n"
                  "    NPV difference, b - a (£m)         mean +12.5 (se 1.3, sd 40.2)\n"
                  "    P(b has the higher NPV)            0.550 (equal NPVs count as not higher)\n"
                  "    Net exchequer cost, b - a (£m)     mean -3.5 (se 0.4)\n"
                  "    P(achieved) change, warm-homes     +0.020\n"
                  "    P(achieved) change, healthy-lives  n/a\n");
    /* Some project was stopped: the delivery table shows P(stopped). */
    assert_has(t, "    Project        Category  Planned spend delivered (share)  P(stopped)\n"
                  "    heat-pump-rnd  RDEL                                0.900       0.000\n");
    assert_block_aligned(t, "Project        Category", 4);
    /* Neither the cut nor the projects_stopped series exists. */
    assert_null(strstr(t, "Spending-review cuts"));
    assert_null(strstr(t, "Adaptive management"));
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

/* Appends a series `name` whose per-year means are `mean[0 .. s->horizon)`. */
static void add_series(mpsim_scenario_result *s, const char *name, const double *mean)
{
    mpsim_series *v = realloc(s->series, (s->n_series + 1) * sizeof *v);
    assert_non_null(v);
    s->series = v;
    v = &s->series[s->n_series++];
    memset(v, 0, sizeof *v);
    v->name = fx_str(name);
    v->description = fx_str(name);
    v->units = fx_str("1");
    v->bands = fx_calloc((size_t)s->horizon * s->n_quantiles, sizeof(double));
    v->mean = fx_calloc((size_t)s->horizon, sizeof(double));
    memcpy(v->mean, mean, (size_t)s->horizon * sizeof(double));
}

/* With the `cut` and `projects_stopped` series: how often cuts were in
 * force, the expected number of stops (the sum of P(stopped)) and the
 * years they fall in. */
static void test_cuts_and_management(void **state)
{
    (void)state;
    mpsim_results *r = fx_results(1, 0);
    mpsim_scenario_result *s = &r->scenarios[0];
    const double cut[4] = {0.0, 0.25, 0.25, 0.5};
    const double stopped[4] = {0.0, 0.0, 0.1, 0.05};
    add_series(s, "cut", cut);
    add_series(s, "projects_stopped", stopped);
    char *t = print_table(r);
    assert_has(t, "    Debt-to-GDP change, last year  +1400.50000\n"
                  "\n"
                  "    Spending-review cuts\n"
                  "    Cut in force, share of years         0.250  (expected 1.0 of 4 years)\n"
                  "\n"
                  "    Adaptive management\n"
                  "    Projects stopped, expected           0.150  (of 3)\n"
                  "    Stops by year (expected)        2027: 0.100  2028: 0.050\n"
                  "\n"
                  "    Missions");
    assert_block_aligned(t, "Project        Category", 4);
    free(t);

    /* Without stops the P(stopped) column goes, the delivery table stays
     * (cuts are modelled); with no stop at all the years line says so. */
    for (size_t i = 0; i < s->n_projects; i++)
        s->projects[i].p_stopped = 0.0;
    const double none[4] = {0.0, 0.0, 0.0, 0.0};
    memcpy(s->series[s->n_series - 1].mean, none, sizeof none);
    t = print_table(r);
    assert_has(t, "    Project        Category  Planned spend delivered (share)\n"
                  "    heat-pump-rnd  RDEL                                0.900\n");
    assert_has(t, "    Projects stopped, expected           0.000  (of 3)\n"
                  "    Stops by year (expected)        none\n");
    free(t);

    /* Neither series and no stops: no policy lines and no delivery table. */
    s->n_series -= 2;
    for (size_t k = s->n_series; k < s->n_series + 2; k++) {
        free(s->series[k].name);
        free(s->series[k].description);
        free(s->series[k].units);
        free(s->series[k].bands);
        free(s->series[k].mean);
    }
    t = print_table(r);
    assert_null(strstr(t, "Spending-review cuts"));
    assert_null(strstr(t, "Adaptive management"));
    assert_null(strstr(t, "Planned spend delivered"));
    free(t);
    mpsim_results_free(r);
}

/* Stops spread over more than ten years: the ten largest, in year order,
 * five to a line. */
static void test_stops_over_many_years(void **state)
{
    (void)state;
    mpsim_results *r = fx_results(1, 0);
    mpsim_scenario_result *s = &r->scenarios[0];
    /* The series are only read over the horizon; the fixture's others have
     * 4 years, which the table never reads. */
    for (size_t k = 0; k < s->n_series; k++) {
        free(s->series[k].name);
        free(s->series[k].description);
        free(s->series[k].units);
        free(s->series[k].bands);
        free(s->series[k].mean);
    }
    s->n_series = 0;
    s->horizon = 14;
    double stopped[14] = {0.0};
    for (int y = 2; y < 14; y++)
        stopped[y] = 0.01 * (y + 1); /* twelve years with stops; 2027 and 2028 the smallest */
    add_series(s, "projects_stopped", stopped);
    char *t = print_table(r);
    assert_has(t, "    Stops by year (largest)         2029: 0.050  2030: 0.060  2031: 0.070"
                  "  2032: 0.080  2033: 0.090\n"
                  "                                    2034: 0.100  2035: 0.110  2036: 0.120"
                  "  2037: 0.130  2038: 0.140\n\n");
    assert_null(strstr(t, "2028:"));
    free(t);
    mpsim_results_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dynamic_table),
        cmocka_unit_test(test_static_table),
        cmocka_unit_test(test_cuts_and_management),
        cmocka_unit_test(test_stops_over_many_years),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
