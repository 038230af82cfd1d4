/*
 * `mpsim export` (engine/export/): the CSV files written from the synthetic
 * results of tests/support/results_fixture.h read back with the same
 * numbers, bit for bit; undefined values are empty fields; text with
 * commas and quotes survives; the directory is created; the workbook is a
 * zip and a failed write leaves nothing.  Reading the workbook's cells
 * back is tests/cli/export.sh's job (openpyxl).
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

#include "export/export.h"
#include "mpsim.h"
#include "results_fixture.h"
#include "test_support.h"

/* ------------------------------------------------ a small CSV reader */

typedef struct {
    char ***rows; /* rows[i][j], NUL-terminated fields */
    size_t *n_fields;
    size_t n_rows;
} csv;

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    assert_non_null(b);
    assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
    b[n] = '\0';
    fclose(f);
    return b;
}

/* RFC 4180: CRLF line ends, quoted fields with doubled quotes. */
static csv read_csv(const char *path)
{
    char *s = slurp(path);
    csv c = {NULL, NULL, 0};
    size_t cap = 0;
    char *p = s;
    while (*p) {
        if (c.n_rows == cap) {
            cap = cap ? 2 * cap : 64;
            c.rows = realloc(c.rows, cap * sizeof *c.rows);
            c.n_fields = realloc(c.n_fields, cap * sizeof *c.n_fields);
            assert_non_null(c.rows);
            assert_non_null(c.n_fields);
        }
        char **fields = NULL;
        size_t nf = 0;
        for (;;) {
            char *f = malloc(strlen(p) + 1);
            assert_non_null(f);
            size_t k = 0;
            if (*p == '"') {
                p++;
                for (;;) {
                    assert_true(*p != '\0'); /* an unterminated quote */
                    if (*p == '"' && p[1] == '"') {
                        f[k++] = '"';
                        p += 2;
                    } else if (*p == '"') {
                        p++;
                        break;
                    } else {
                        f[k++] = *p++;
                    }
                }
            } else {
                while (*p && *p != ',' && *p != '\r')
                    f[k++] = *p++;
            }
            f[k] = '\0';
            fields = realloc(fields, (nf + 1) * sizeof *fields);
            fields[nf++] = f;
            if (*p == ',') {
                p++;
                continue;
            }
            assert_true(p[0] == '\r' && p[1] == '\n');
            p += 2;
            break;
        }
        c.rows[c.n_rows] = fields;
        c.n_fields[c.n_rows++] = nf;
    }
    free(s);
    return c;
}

static void csv_free(csv *c)
{
    for (size_t i = 0; i < c->n_rows; i++) {
        for (size_t j = 0; j < c->n_fields[i]; j++)
            free(c->rows[i][j]);
        free(c->rows[i]);
    }
    free(c->rows);
    free(c->n_fields);
}

/* Column index of `name` in the header row; fails when absent. */
static size_t col(const csv *c, const char *name)
{
    for (size_t j = 0; j < c->n_fields[0]; j++)
        if (strcmp(c->rows[0][j], name) == 0)
            return j;
    fail_msg("no column %s", name);
    return 0;
}

static int has_col(const csv *c, const char *name)
{
    for (size_t j = 0; j < c->n_fields[0]; j++)
        if (strcmp(c->rows[0][j], name) == 0)
            return 1;
    return 0;
}

/* The number in row i, column `name`, exactly as written (NaN if empty). */
static double num(const csv *c, size_t i, const char *name)
{
    const char *s = c->rows[i][col(c, name)];
    if (s[0] == '\0')
        return NAN;
    char *end;
    double x = strtod(s, &end);
    assert_true(*end == '\0');
    return x;
}

static char *path_in(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    assert_non_null(p);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

static csv read_table(const char *dir, const char *name)
{
    char file[128];
    snprintf(file, sizeof file, "%s.csv", name);
    char *p = path_in(dir, file);
    csv c = read_csv(p);
    free(p);
    assert_true(c.n_rows >= 1);
    for (size_t i = 1; i < c.n_rows; i++) /* every row as wide as the header */
        assert_int_equal(c.n_fields[i], c.n_fields[0]);
    return c;
}

static void rm_rf(const char *dir)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* ------------------------------------------------------------- tests */

static void test_csv_round_trip(void **state)
{
    (void)state;
    char *tmp = mps_test_tmpdir();
    char *dir = path_in(tmp, "new-dir"); /* created by the export */
    mpsim_results *r = fx_results(2, 0);
    free(r->scenarios[1].description);
    r->scenarios[1].description = fx_str("Ring-fenced, \"protected\"\nvariant");
    mpsim_errors e;
    mpsim_errors_init(&e);
    assert_int_equal(mpsim_export_csv(r, dir, &e), MPSIM_OK);
    assert_int_equal(e.count, 0);

    csv s = read_table(dir, "summary");
    assert_int_equal(s.n_rows, 3);
    for (size_t i = 1; i <= 2; i++) {
        const mpsim_scenario_result *x = &r->scenarios[i - 1];
        assert_string_equal(s.rows[i][col(&s, "scenario")], x->name);
        assert_string_equal(s.rows[i][col(&s, "description")], x->description);
        /* Exactly the same doubles (17 significant digits round-trip). */
        assert_true(num(&s, i, "static_pv_cost") == x->stat.pv_cost);
        assert_true(num(&s, i, "static_bcr") == x->stat.bcr);
        assert_true(num(&s, i, "expected_bcr") == x->expected_bcr);
        assert_true(num(&s, i, "expected_shortfall_5") == x->expected_shortfall_5);
        assert_true(num(&s, i, "npv_p50") == x->stats[MPSIM_M_NPV][MPSIM_STAT_P50]);
        assert_true(num(&s, i, "decomposition_wider_economy") ==
                    x->decomposition[MPSIM_D_WIDER_ECONOMY]);
        assert_true(num(&s, i, "bcr_undefined") == (double)x->bcr_undefined);
        assert_true(num(&s, i, "base_year") == 2025.0);
    }
    assert_true(isnan(num(&s, 2, "p_bcr_above_1"))); /* undefined: empty */
    assert_true(num(&s, 1, "p_bcr_above_1") == 0.873);
    csv_free(&s);

    csv m = read_table(dir, "metrics");
    assert_int_equal(m.n_rows, 1 + 2 * MPSIM_N_METRICS);
    for (size_t i = 1; i < m.n_rows; i++) {
        size_t k = (i - 1) / MPSIM_N_METRICS, met = (i - 1) % MPSIM_N_METRICS;
        assert_string_equal(m.rows[i][col(&m, "metric")], mpsim_metric_names[met]);
        for (int st = 0; st < MPSIM_N_STATS; st++) {
            double want = r->scenarios[k].stats[met][st];
            double got = num(&m, i, mpsim_stat_names[st]);
            assert_true(isnan(want) ? isnan(got) : got == want);
        }
    }
    csv_free(&m);

    csv mi = read_table(dir, "missions");
    assert_int_equal(mi.n_rows, 5);
    assert_string_equal(mi.rows[1][col(&mi, "mission")], "warm-homes");
    assert_true(num(&mi, 1, "p_achieved") == 0.64);
    assert_string_equal(mi.rows[1][col(&mi, "target_by")], "2035");
    assert_string_equal(mi.rows[1][col(&mi, "year_p5")], "2031");
    assert_string_equal(mi.rows[1][col(&mi, "year_p95")], "");
    assert_string_equal(mi.rows[2][col(&mi, "p_achieved")], "");
    csv_free(&mi);

    csv p = read_table(dir, "projects");
    assert_int_equal(p.n_rows, 7);
    assert_string_equal(p.rows[3][col(&p, "project")], "clinics");
    assert_string_equal(p.rows[3][col(&p, "category")], "PDEL");
    assert_true(num(&p, 3, "mean_spend_share") == r->scenarios[0].projects[2].mean_spend_share);
    csv_free(&p);

    csv c = read_table(dir, "comparisons");
    assert_int_equal(c.n_rows, 2);
    assert_true(num(&c, 1, "npv_diff_se") == 1.27);
    assert_true(num(&c, 1, "exchequer_diff_mean") == -3.5);
    csv_free(&c);
    csv cm = read_table(dir, "comparison_missions");
    assert_int_equal(cm.n_rows, 3);
    assert_true(num(&cm, 1, "p_achieved_diff") == 0.02);
    assert_true(isnan(num(&cm, 2, "p_achieved_diff")));
    csv_free(&cm);

    /* Time series: 2 scenarios x 2 series x 4 years, quantile columns named
     * after the levels. */
    csv t = read_table(dir, "timeseries");
    assert_int_equal(t.n_rows, 1 + 2 * 2 * 4);
    assert_true(has_col(&t, "p5") && has_col(&t, "p50") && has_col(&t, "p95"));
    assert_string_equal(t.rows[6][col(&t, "series")], "cost");
    assert_string_equal(t.rows[6][col(&t, "year")], "2026");
    assert_true(num(&t, 6, "p95") == r->scenarios[0].series[1].bands[1 * 3 + 2]);
    assert_true(num(&t, 6, "mean") == r->scenarios[0].series[1].mean[1]);
    assert_string_equal(t.rows[6][col(&t, "units")], "GBP million (real, base-year prices)");
    csv_free(&t);

    csv h = read_table(dir, "histograms");
    assert_int_equal(h.n_rows, 1 + 2 * 4); /* the fixture's BCR histograms are empty */
    assert_true(num(&h, 2, "bin_lower") == r->scenarios[0].dist_npv.edges[1]);
    assert_true(num(&h, 2, "count") == (double)r->scenarios[0].dist_npv.counts[1]);
    csv_free(&h);

    csv k = read_table(dir, "kinds");
    assert_int_equal(k.n_rows, 5);
    assert_true(num(&k, 2, "mean_pv_benefits") == 600.0);
    csv_free(&k);

    /* The data dictionary gives each column's units. */
    csv d = read_table(dir, "columns");
    int found = 0;
    for (size_t i = 1; i < d.n_rows; i++)
        if (strcmp(d.rows[i][0], "summary") == 0 && strcmp(d.rows[i][1], "static_npv") == 0) {
            assert_string_equal(d.rows[i][2], "GBP million (real, base-year prices)");
            found = 1;
        }
    assert_true(found);
    csv_free(&d);

    mpsim_errors_clear(&e);
    mpsim_results_free(r);
    rm_rf(tmp);
    free(dir);
    free(tmp);
}

static void test_csv_static_only(void **state)
{
    (void)state;
    char *dir = mps_test_tmpdir();
    mpsim_results *r = fx_static_results();
    mpsim_errors e;
    mpsim_errors_init(&e);
    assert_int_equal(mpsim_export_csv(r, dir, &e), MPSIM_OK);
    csv s = read_table(dir, "summary");
    assert_int_equal(s.n_rows, 2);
    assert_false(has_col(&s, "expected_bcr"));
    assert_true(isnan(num(&s, 1, "static_bcr")));
    assert_true(num(&s, 1, "static_pv_cost") == 1000.375);
    csv_free(&s);
    csv m = read_table(dir, "metrics"); /* every file, with its header only */
    assert_int_equal(m.n_rows, 1);
    csv_free(&m);
    mpsim_errors_clear(&e);
    mpsim_results_free(r);
    rm_rf(dir);
    free(dir);
}

static void test_csv_bad_directory(void **state)
{
    (void)state;
    char *tmp = mps_test_tmpdir();
    char *file = path_in(tmp, "a-file");
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    fclose(f);
    mpsim_results *r = fx_results(1, 0);
    mpsim_errors e;
    mpsim_errors_init(&e);
    assert_int_equal(mpsim_export_csv(r, file, &e), MPSIM_ERR_FAIL);
    assert_true(mps_test_errors_have(&e, NULL, "not a directory"));
    mpsim_errors_clear(&e);
    char *deep = path_in(tmp, "missing/parent");
    assert_int_equal(mpsim_export_csv(r, deep, &e), MPSIM_ERR_FAIL);
    assert_true(e.count > 0);
    mpsim_errors_clear(&e);
    mpsim_results_free(r);
    rm_rf(tmp);
    free(deep);
    free(file);
    free(tmp);
}

static void test_xlsx(void **state)
{
    (void)state;
    char *tmp = mps_test_tmpdir();
    char *book = path_in(tmp, "book.xlsx");
    mpsim_results *r = fx_results(2, 0);
    mpsim_errors e;
    mpsim_errors_init(&e);
    if (!mpsim_export_xlsx_available()) {
        assert_int_equal(mpsim_export_xlsx(r, book, &e), MPSIM_ERR_FAIL);
        assert_true(mps_test_errors_have(&e, NULL, "libxlsxwriter"));
    } else {
        assert_int_equal(mpsim_export_xlsx(r, book, &e), MPSIM_OK);
        char *b = slurp(book);
        assert_memory_equal(b, "PK\x03\x04", 4); /* a zip, as .xlsx is */
        free(b);
        struct stat st;
        assert_int_equal(stat(book, &st), 0);
        assert_int_equal(st.st_mode & 0777, 0644);
        /* Under a file: an error, the target and no temporary left. */
        char *bad = path_in(tmp, "book.xlsx/x.xlsx");
        assert_int_equal(mpsim_export_xlsx(r, bad, &e), MPSIM_ERR_FAIL);
        assert_true(e.count > 0);
        free(bad);
    }
    char cmd[600];
    snprintf(cmd, sizeof cmd, "test \"$(ls -A '%s')\" = \"%s\"", tmp,
             mpsim_export_xlsx_available() ? "book.xlsx" : "");
    assert_int_equal(system(cmd), 0);
    mpsim_errors_clear(&e);
    mpsim_results_free(r);
    rm_rf(tmp);
    free(book);
    free(tmp);
}

/* Number formats follow the units. */
static void test_formats(void **state)
{
    (void)state;
    mps_xcol money = {"x", "GBP million (real, base-year prices)", "", MPS_X_NUM};
    mps_xcol prob = {"x", "1", "", MPS_X_NUM};
    mps_xcol year = {"x", "calendar year", "", MPS_X_INT};
    mps_xcol text = {"x", NULL, "", MPS_X_TEXT};
    mps_xcol other = {"x", "mission indicator units", "", MPS_X_NUM};
    assert_string_equal(mps_export_format(&money), "#,##0.0");
    assert_string_equal(mps_export_format(&prob), "0.000");
    assert_string_equal(mps_export_format(&year), "0");
    assert_null(mps_export_format(&text));
    assert_null(mps_export_format(&other));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_round_trip),
        cmocka_unit_test(test_csv_static_only),
        cmocka_unit_test(test_csv_bad_directory),
        cmocka_unit_test(test_xlsx),
        cmocka_unit_test(test_formats),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
