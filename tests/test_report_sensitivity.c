/*
 * The report of a sensitivity file (engine/report/sens_*.c, the reader
 * engine/sensitivity/model_read.c; docs/report.md "Sensitivity files"):
 *
 *   - the file reads back exactly what the analysis computed (tornado,
 *     indices of every scalar output, switching values, EVPI and EVPPI);
 *   - the page has the tornado and indices charts of each scenario: the
 *     tornado's bars are in the file's order by swing with the file's exact
 *     values, the indices chart's by decreasing total index;
 *   - every number the tables show is the file's (exact value in
 *     data-value), "no crossing in range" where the file has none, and the
 *     value of information of the batch;
 *   - labels: a long key path is cut keeping its end, the full path in a
 *     <title>, and markup in it escaped;
 *   - bad files (missing, truncated, foreign, newer format version) are
 *     MPSIM_ERR_INPUT naming the file; an unwritable page leaves nothing.
 *
 * The analysis is the small portfolio of tests/data/sensitivity with its
 * alternative, 64 samples (a second), fixed seed.  That every SVG parses as
 * XML, and the page in a browser, are checked by tests/cli/report_sensitivity.sh
 * and report_browser.sh.
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
#include <unistd.h>

#include <hdf5.h>

#include "report/report.h"
#include "sensitivity/model_sens.h"
#include "sensitivity/sens_read.h"
#include "test_support.h"

typedef struct {
    char *dir;
    char path[512];
    mpsim_scenario *s[2];
    mpsim_sensitivity *run;
    mps_sens_file *file;
    char *page;
    size_t len;
} fixture;

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    assert_non_null(fx);
    mpsim_errors errs;
    mpsim_errors_init(&errs);
    const char *names[2] = {MPSIM_TEST_DIR "/data/sensitivity/small.yaml",
                            MPSIM_TEST_DIR "/data/sensitivity/small-alt.yaml"};
    for (int i = 0; i < 2; i++)
        assert_int_equal(mpsim_scenario_load(names[i], &fx->s[i], &errs), MPSIM_OK);
    mpsim_sensitivity_options o;
    memset(&o, 0, sizeof o);
    o.samples = 64;
    o.samples_set = 1;
    o.seed = 7;
    o.seed_set = 1;
    o.threads = 1;
    int st = mpsim_sensitivity_run(fx->s, 2, &o, &fx->run, &errs);
    if (st != MPSIM_OK)
        mpsim_errors_print(&errs, stderr);
    assert_int_equal(st, MPSIM_OK);
    fx->dir = mps_test_tmpdir();
    snprintf(fx->path, sizeof fx->path, "%s/sens.h5", fx->dir);
    assert_int_equal(mpsim_sensitivity_write_hdf5(fx->run, fx->path, &errs), MPSIM_OK);
    assert_int_equal(mps_sens_file_read(fx->path, &fx->file, &errs), MPSIM_OK);
    FILE *mem = open_memstream(&fx->page, &fx->len);
    assert_non_null(mem);
    assert_int_equal(mps_report_sensitivity_html(fx->file, mem, &errs), MPSIM_OK);
    assert_int_equal(fclose(mem), 0);
    mpsim_errors_clear(&errs);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    unlink(fx->path);
    rmdir(fx->dir);
    free(fx->dir);
    free(fx->page);
    mps_sens_file_free(fx->file);
    mpsim_sensitivity_free(fx->run);
    mpsim_scenario_free(fx->s[0]);
    mpsim_scenario_free(fx->s[1]);
    free(fx);
    return 0;
}

/* Equal as stored: bit for bit, NaN equal to NaN. */
static void same(double got, double want, const char *what, size_t i)
{
    if (isnan(got) && isnan(want))
        return;
    if (got != want)
        fail_msg("%s[%zu]: read %.17g, computed %.17g", what, i, got, want);
}

/* ------------------------------------------------------------ the reader */

static void test_read_matches_run(void **state)
{
    const fixture *fx = *state;
    const mps_sens_file *f = fx->file;
    const mpsim_sensitivity *r = fx->run;
    assert_int_equal(f->n, 2);
    assert_int_equal(f->samples, 64);
    assert_int_equal(f->seed, 7);
    for (size_t d = 0; d < 2; d++) {
        const mps_sens_file_scenario *s = &f->sc[d];
        const mps_sens_scenario *c = &r->sc[d];
        assert_string_equal(s->name, c->name); /* the batch's order, not the alphabet's */
        assert_int_equal(s->k, c->k);
        assert_true(s->k > 0);
        assert_int_equal(s->n_out, c->out.n_scalar);
        same(s->expected_npv, c->base_npv, "expected_npv", d);
        same(s->static_npv, c->static_npv, "static_npv", d);
        for (size_t i = 0; i < s->k; i++) {
            assert_string_equal(s->inputs[i], c->inputs[i].key_path);
            assert_int_equal(s->order[i], (int)c->tornado_order[i]);
            same(s->p10[i], c->inputs[i].p10, "p10", i);
            same(s->p90[i], c->inputs[i].p90, "p90", i);
            same(s->npv_p10[i], c->tornado[i].npv_p10, "npv_p10", i);
            same(s->npv_p90[i], c->tornado[i].npv_p90, "npv_p90", i);
            same(s->bcr_p90[i], c->tornado[i].bcr_p90, "bcr_p90", i);
            same(s->swing[i], c->tornado[i].swing, "swing", i);
            same(s->static_value[i], c->sw_static[i].x, "static_value", i);
            same(s->dynamic_value[i], c->sw_dynamic[i].x, "dynamic_value", i);
            assert_int_equal(s->dynamic_found[i], c->sw_dynamic[i].found);
            for (size_t o = 0; o < s->n_out; o++) {
                /* The file is [input, output]; the library [output, input]. */
                same(s->s1[i * s->n_out + o], c->sobol.s1[o * c->k + i], "first_order", i);
                same(s->st_hi[i * s->n_out + o], c->sobol.st_hi[o * c->k + i], "total_hi", i);
            }
        }
        for (size_t o = 0; o < s->n_out; o++) {
            assert_string_equal(s->outputs[o], c->out.scalar_name[o]);
            same(s->s1_sum[o], c->sobol.s1_sum[o], "first_order_sum", o);
            same(s->unexplained[o], 1.0 - c->sobol.s1_sum[o], "unexplained", o);
        }
    }
    assert_true(f->has_voi);
    same(f->evpi, r->evpi.value, "evpi", 0);
    assert_int_equal(f->voi_k, r->voi_k);
    for (size_t q = 0; q < f->voi_k; q++)
        same(f->evppi[q], r->evppi[q].value, "evppi", q);
}

/* -------------------------------------------------------------- the page */

/* The text of the element that starts at `open` (e.g. "<figure
 * id=\"tornado-1\""), up to `close`; fails when either is missing. */
static char *section(const char *page, const char *open, const char *close)
{
    const char *a = strstr(page, open);
    if (a == NULL)
        fail_msg("the page has no %s", open);
    const char *b = strstr(a, close);
    if (b == NULL)
        fail_msg("%s is not closed", open);
    size_t n = (size_t)(b - a);
    char *s = malloc(n + 1);
    assert_non_null(s);
    memcpy(s, a, n);
    s[n] = '\0';
    return s;
}

/* The value of attribute `name` of the tag at p (up to its '>'), copied
 * into buf; fails when the tag lacks it. */
static const char *attr(const char *p, const char *name, char *buf, size_t n)
{
    char pat[64];
    snprintf(pat, sizeof pat, " %s=\"", name);
    const char *end = strchr(p, '>');
    const char *a = strstr(p, pat);
    if (a == NULL || (end && a > end))
        fail_msg("a tag lacks %s", name);
    a += strlen(pat);
    const char *b = strchr(a, '"');
    assert_non_null(b);
    size_t len = (size_t)(b - a) < n - 1 ? (size_t)(b - a) : n - 1;
    memcpy(buf, a, len);
    buf[len] = '\0';
    return buf;
}

static double num(const char *s)
{
    return strcmp(s, "nan") == 0 ? NAN : strtod(s, NULL);
}

static void test_tornado_chart(void **state)
{
    const fixture *fx = *state;
    for (size_t d = 0; d < fx->file->n; d++) {
        const mps_sens_file_scenario *s = &fx->file->sc[d];
        char open[64], b[512];
        snprintf(open, sizeof open, "<figure id=\"tornado-%zu\"", d + 1);
        char *fig = section(fx->page, open, "</figure>");
        assert_non_null(strstr(fig, "data-chart=\"tornado\""));
        size_t r = 0;
        double prev = INFINITY;
        for (const char *p = fig; (p = strstr(p, "<g class=\"tornado-bar\"")) != NULL; p++, r++) {
            assert_true(r < s->k);
            const size_t i = (size_t)s->order[r];
            assert_int_equal(strtol(attr(p, "data-rank", b, sizeof b), NULL, 10), (long)r + 1);
            assert_string_equal(attr(p, "data-input", b, sizeof b), s->inputs[i]);
            double swing = num(attr(p, "data-swing", b, sizeof b));
            same(swing, s->swing[i], "data-swing", r);
            same(num(attr(p, "data-npv-p10", b, sizeof b)), s->npv_p10[i], "data-npv-p10", r);
            same(num(attr(p, "data-npv-p90", b, sizeof b)), s->npv_p90[i], "data-npv-p90", r);
            if (!(swing <= prev))
                fail_msg("tornado bar %zu: swing %g after %g", r, swing, prev);
            prev = swing;
        }
        assert_int_equal(r, s->k);
        /* The base line is the file's E[NPV]. */
        const char *base = strstr(fig, "class=\"base\"");
        assert_non_null(base);
        same(num(attr(base, "data-value", b, sizeof b)), s->expected_npv, "base", d);
        free(fig);
    }
}

static void test_indices_chart(void **state)
{
    const fixture *fx = *state;
    for (size_t d = 0; d < fx->file->n; d++) {
        const mps_sens_file_scenario *s = &fx->file->sc[d];
        size_t o = 0;
        while (o < s->n_out && strcmp(s->outputs[o], "npv") != 0)
            o++;
        assert_true(o < s->n_out);
        char open[64], b[512];
        snprintf(open, sizeof open, "<figure id=\"indices-%zu\"", d + 1);
        char *fig = section(fx->page, open, "</figure>");
        assert_non_null(strstr(fig, "data-chart=\"indices\""));
        size_t r = 0;
        double prev = INFINITY;
        for (const char *p = fig; (p = strstr(p, "<g class=\"indices-bar\"")) != NULL; p++, r++) {
            const char *key = attr(p, "data-input", b, sizeof b);
            size_t i = 0;
            while (i < s->k && strcmp(s->inputs[i], key) != 0)
                i++;
            if (i == s->k)
                fail_msg("indices bar of an unknown input %s", key);
            double st = num(attr(p, "data-total", b, sizeof b));
            same(st, s->st[i * s->n_out + o], "data-total", r);
            same(num(attr(p, "data-first-order", b, sizeof b)), s->s1[i * s->n_out + o],
                 "data-first-order", r);
            same(num(attr(p, "data-total-lo", b, sizeof b)), s->st_lo[i * s->n_out + o],
                 "data-total-lo", r);
            same(num(attr(p, "data-first-order-hi", b, sizeof b)), s->s1_hi[i * s->n_out + o],
                 "data-first-order-hi", r);
            if (!(st <= prev))
                fail_msg("indices bar %zu: total %g after %g", r, st, prev);
            prev = st;
        }
        assert_int_equal(r, s->k);
        free(fig);
        /* The sum and the unexplained share are stated with their values. */
        snprintf(b, sizeof b, "data-key=\"first_order_sum\" data-value=\"%.17g\"", s->s1_sum[o]);
        assert_non_null(strstr(fx->page, b));
        snprintf(b, sizeof b, "data-key=\"unexplained\" data-value=\"%.17g\"", s->unexplained[o]);
        assert_non_null(strstr(fx->page, b));
    }
}

/* 1 when the page has a number cell of `key` holding exactly x. */
static int has_cell(const char *page, const char *key, double x)
{
    char b[160];
    if (isfinite(x))
        snprintf(b, sizeof b, "data-key=\"%s\" data-value=\"%.17g\"", key, x);
    else
        snprintf(b, sizeof b, "data-key=\"%s\" data-value=\"nan\"", key);
    return strstr(page, b) != NULL;
}

static size_t count(const char *page, const char *needle)
{
    size_t n = 0;
    for (const char *p = page; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

static void test_tables(void **state)
{
    const fixture *fx = *state;
    const char *page = fx->page;
    size_t no_crossing = 0;
    for (size_t d = 0; d < fx->file->n; d++) {
        const mps_sens_file_scenario *s = &fx->file->sc[d];
        for (size_t i = 0; i < s->k; i++) {
            assert_true(has_cell(page, "p10", s->p10[i]));
            assert_true(has_cell(page, "p90", s->p90[i]));
            assert_true(has_cell(page, "npv_p10", s->npv_p10[i]));
            assert_true(has_cell(page, "npv_p90", s->npv_p90[i]));
            assert_true(has_cell(page, "bcr_p10", s->bcr_p10[i]));
            assert_true(has_cell(page, "bcr_p90", s->bcr_p90[i]));
            for (size_t o = 0; o < s->n_out; o++) {
                assert_true(has_cell(page, "first_order", s->s1[i * s->n_out + o]));
                assert_true(has_cell(page, "total_se", s->st_se[i * s->n_out + o]));
            }
            if (s->dynamic_found[i])
                assert_true(has_cell(page, "dynamic_value", s->dynamic_value[i]));
            else
                no_crossing++;
            if (s->static_applies[i] && s->static_found[i])
                assert_true(has_cell(page, "static_value", s->static_value[i]));
            else if (s->static_applies[i])
                no_crossing++;
        }
        assert_true(has_cell(page, "expected_npv", s->expected_npv));
        assert_true(has_cell(page, "static_npv", s->static_npv));
    }
    assert_true(no_crossing > 0); /* the small portfolio has inputs without one */
    assert_int_equal(count(page, ">no crossing in range</td>"), no_crossing);
    assert_non_null(strstr(page, "data-table=\"evpi\""));
    assert_true(has_cell(page, "evpi", fx->file->evpi));
    for (size_t q = 0; q < fx->file->voi_k; q++)
        assert_true(has_cell(page, "value", fx->file->evppi[q]));
    assert_non_null(strstr(page, "data-table=\"provenance\""));
}

static void test_page_self_contained(void **state)
{
    const fixture *fx = *state;
    /* Two charts per scenario, each a closed SVG; nothing executable or
     * fetched. */
    assert_int_equal(count(fx->page, "<svg "), 4);
    assert_int_equal(count(fx->page, "</svg>"), 4);
    assert_null(strstr(fx->page, "<script"));
    assert_null(strstr(fx->page, "src="));
    assert_null(strstr(fx->page, "href=\"http"));
}

/* ------------------------------------------------------------- labels */

static void test_labels(void **state)
{
    (void)state;
    /* A synthetic scenario: one input with a long key path holding markup. */
    char *key = "missions.m.projects.<a&b>-a-project-with-a-very-long-identifier.benefits.annual";
    char *inputs[1] = {key};
    int order[1] = {0};
    double p10 = 1, p90 = 2, n10 = -5, n90 = 20, b10 = 0.9, b90 = 1.2, sw = 25;
    mps_sens_file_scenario s;
    memset(&s, 0, sizeof s);
    s.k = 1;
    s.inputs = inputs;
    s.order = order;
    s.p10 = &p10;
    s.p90 = &p90;
    s.npv_p10 = &n10;
    s.npv_p90 = &n90;
    s.bcr_p10 = &b10;
    s.bcr_p90 = &b90;
    s.swing = &sw;
    s.expected_npv = 7.5;
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    assert_non_null(mem);
    assert_int_equal(mps_chart_tornado(mem, &s), 0);
    fclose(mem);
    /* The full path, escaped, is the bar's tooltip; the label keeps the
     * end behind an ellipsis; no raw markup from the key path. */
    assert_non_null(strstr(buf, "<title>missions.m.projects.&lt;a&amp;b&gt;-a-project-with-a-very"
                                "-long-identifier.benefits.annual</title>"));
    assert_non_null(strstr(buf, ">…identifier.benefits.annual</text>"));
    assert_null(strstr(buf, "<a&b>"));
    /* 1-2-5 ticks over the bars and the base (-5 to 20 by 5). */
    assert_non_null(strstr(buf, ">-5</text>"));
    assert_non_null(strstr(buf, ">20</text>"));
    free(buf);
    s.k = 0;
    mem = open_memstream(&buf, &len);
    assert_non_null(mem);
    assert_int_equal(mps_chart_tornado(mem, &s), -1);
    fclose(mem);
    assert_int_equal(len, 0);
    free(buf);
}

/* ---------------------------------------------------------- bad files */

static void copy_prefix(const char *from, const char *to, long n)
{
    FILE *a = fopen(from, "rb"), *b = fopen(to, "wb");
    assert_non_null(a);
    assert_non_null(b);
    int c;
    for (long i = 0; (n < 0 || i < n) && (c = fgetc(a)) != EOF; i++)
        fputc(c, b);
    fclose(a);
    assert_int_equal(fclose(b), 0);
}

static void expect_bad(const char *path, const char *needle)
{
    mpsim_errors errs;
    mpsim_errors_init(&errs);
    mps_sens_file *f = (mps_sens_file *)&errs; /* must be reset */
    assert_int_equal(mps_sens_file_read(path, &f, &errs), MPSIM_ERR_INPUT);
    assert_null(f);
    assert_true(errs.count > 0);
    assert_string_equal(errs.items[0].file, path);
    /* A missing object is named by its path in the file. */
    int named = strcmp(needle, "order") == 0
                    ? mps_test_errors_have(&errs, "tornado/order", "missing")
                    : mps_test_errors_have(&errs, NULL, needle);
    if (!named) {
        mpsim_errors_print(&errs, stderr);
        fail_msg("%s: no message with \"%s\"", path, needle);
    }
    mpsim_errors_clear(&errs);
    /* Only files that say they are sensitivity files are recognised as
     * such (and then refused by the reader). */
    int says = strcmp(needle, "newer") == 0 || strcmp(needle, "order") == 0;
    assert_int_equal(mps_sens_file_is(path), says);
}

static void test_bad_files(void **state)
{
    const fixture *fx = *state;
    assert_int_equal(mps_sens_file_is(fx->path), 1);
    char p[600];
    snprintf(p, sizeof p, "%s/missing.h5", fx->dir);
    expect_bad(p, "cannot read");

    snprintf(p, sizeof p, "%s/trunc.h5", fx->dir);
    copy_prefix(fx->path, p, 3000);
    expect_bad(p, "truncated");
    unlink(p);

    snprintf(p, sizeof p, "%s/foreign.h5", fx->dir);
    hid_t file = H5Fcreate(p, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(file >= 0);
    H5Fclose(file);
    expect_bad(p, "not an mpsim sensitivity file");
    unlink(p);

    snprintf(p, sizeof p, "%s/newer.h5", fx->dir);
    copy_prefix(fx->path, p, -1);
    file = H5Fopen(p, H5F_ACC_RDWR, H5P_DEFAULT);
    assert_true(file >= 0);
    hid_t a = H5Aopen(file, "format_version", H5P_DEFAULT);
    assert_true(a >= 0);
    int v = MPSIM_FORMAT_VERSION + 1;
    assert_true(H5Awrite(a, H5T_NATIVE_INT, &v) >= 0);
    H5Aclose(a);
    H5Fclose(file);
    expect_bad(p, "newer");
    unlink(p);

    /* A sensitivity file missing an object the page needs: named. */
    snprintf(p, sizeof p, "%s/damaged.h5", fx->dir);
    copy_prefix(fx->path, p, -1);
    file = H5Fopen(p, H5F_ACC_RDWR, H5P_DEFAULT);
    assert_true(file >= 0);
    assert_true(H5Ldelete(file, "/scenarios/sens-small/sensitivity/tornado/order", H5P_DEFAULT) >=
                0);
    H5Fclose(file);
    expect_bad(p, "order");
    unlink(p);
}

static void test_write_file(void **state)
{
    const fixture *fx = *state;
    mpsim_errors errs;
    mpsim_errors_init(&errs);
    char p[600];
    snprintf(p, sizeof p, "%s/no-such-dir/r.html", fx->dir);
    assert_int_equal(mps_report_sensitivity_html_file(fx->file, p, &errs), MPSIM_ERR_FAIL);
    assert_true(access(p, F_OK) != 0);
    mpsim_errors_clear(&errs);
    snprintf(p, sizeof p, "%s/r.html", fx->dir);
    assert_int_equal(mps_report_sensitivity_html_file(fx->file, p, &errs), MPSIM_OK);
    FILE *f = fopen(p, "rb");
    assert_non_null(f);
    char *got = malloc(fx->len + 2);
    assert_non_null(got);
    size_t n = fread(got, 1, fx->len + 1, f);
    fclose(f);
    assert_int_equal(n, fx->len);
    assert_memory_equal(got, fx->page, fx->len); /* the same page as in memory */
    free(got);
    unlink(p);
    mpsim_errors_clear(&errs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_read_matches_run),    cmocka_unit_test(test_tornado_chart),
        cmocka_unit_test(test_indices_chart),       cmocka_unit_test(test_tables),
        cmocka_unit_test(test_page_self_contained), cmocka_unit_test(test_labels),
        cmocka_unit_test(test_bad_files),           cmocka_unit_test(test_write_file),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
