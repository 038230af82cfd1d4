/*
 * The --json summary: parsed by a small strict JSON reader (so the document
 * is checked to be valid JSON, not just to contain the right words), then
 * checked key by key against the synthetic results, including key order,
 * null for undefined values and whole-number mission years; the
 * static-only document is compared with a golden string.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mpsim.h"
#include "results_fixture.h"

/* ------------------------------------------------ a small strict JSON reader */

typedef enum { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ } jtype;

typedef struct jnode {
    jtype type;
    char *key;          /* member name inside an object */
    char *text;         /* J_STR: the decoded string; J_NUM: the literal */
    double num;
    struct jnode **kids;
    size_t n;
} jnode;

typedef struct {
    const char *p;
    const char *error; /* first problem found, NULL while the text is valid */
} jparser;

/* Records the first problem; parsing then unwinds without reading further. */
static void jbad(jparser *j, const char *what)
{
    if (!j->error)
        j->error = what;
}

static void jskip(jparser *j)
{
    while (*j->p == ' ' || *j->p == '\n' || *j->p == '\t' || *j->p == '\r')
        j->p++;
}

static jnode *jvalue(jparser *j);

static jnode *jnew(jtype t)
{
    jnode *n = calloc(1, sizeof *n);
    assert_non_null(n);
    n->type = t;
    return n;
}

static void jadd(jnode *parent, jnode *kid)
{
    parent->kids = realloc(parent->kids, (parent->n + 1) * sizeof *parent->kids);
    assert_non_null(parent->kids);
    parent->kids[parent->n++] = kid;
}

/* A string literal (the escapes of RFC 8259; \u becomes '?'). */
static char *jstring(jparser *j)
{
    size_t cap = 16, len = 0;
    char *s = malloc(cap);
    assert_non_null(s);
    s[0] = '\0';
    if (*j->p != '"') {
        jbad(j, "expected a string");
        return s;
    }
    j->p++;
    while (*j->p != '"') {
        unsigned char c = (unsigned char)*j->p;
        if (c == '\0' || c < 0x20) {
            jbad(j, "unterminated string or raw control character");
            return s;
        }
        if (c == '\\') {
            j->p++;
            char e = *j->p;
            if (e == 'u') {
                for (int i = 1; i <= 4; i++)
                    if (!isxdigit((unsigned char)j->p[i])) {
                        jbad(j, "bad \\u escape");
                        return s;
                    }
                c = '?';
                j->p += 4;
            } else if (e && strchr("\"\\/bfnrt", e)) {
                c = e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e == 'b' ? '\b'
                    : e == 'f' ? '\f' : (unsigned char)e;
            } else {
                jbad(j, "bad escape");
                return s;
            }
        }
        if (len + 2 > cap) {
            cap *= 2;
            s = realloc(s, cap);
            assert_non_null(s);
        }
        s[len++] = (char)c;
        s[len] = '\0';
        j->p++;
    }
    j->p++;
    return s;
}

static int jdigits(jparser *j)
{
    if (!isdigit((unsigned char)*j->p))
        return 0;
    while (isdigit((unsigned char)*j->p))
        j->p++;
    return 1;
}

static jnode *jnumber(jparser *j)
{
    const char *start = j->p;
    if (*j->p == '-')
        j->p++;
    if (*j->p == '0')
        j->p++;
    else if (!jdigits(j))
        jbad(j, "not a value");
    if (*j->p == '.') {
        j->p++;
        if (!jdigits(j))
            jbad(j, "digits must follow '.'");
    }
    if (*j->p == 'e' || *j->p == 'E') {
        j->p++;
        if (*j->p == '+' || *j->p == '-')
            j->p++;
        if (!jdigits(j))
            jbad(j, "bad exponent");
    }
    jnode *n = jnew(J_NUM);
    size_t len = (size_t)(j->p - start);
    n->text = malloc(len + 1);
    assert_non_null(n->text);
    memcpy(n->text, start, len);
    n->text[len] = '\0';
    n->num = strtod(n->text, NULL);
    return n;
}

static jnode *jcontainer(jparser *j, int object)
{
    jnode *n = jnew(object ? J_OBJ : J_ARR);
    char close = object ? '}' : ']';
    j->p++;
    jskip(j);
    if (*j->p == close) {
        j->p++;
        return n;
    }
    while (!j->error) {
        jskip(j);
        char *key = NULL;
        if (object) {
            key = jstring(j);
            for (size_t i = 0; i < n->n; i++)
                if (strcmp(n->kids[i]->key, key) == 0)
                    jbad(j, "duplicate key");
            jskip(j);
            if (*j->p != ':')
                jbad(j, "expected ':'");
            if (j->error) {
                free(key);
                break;
            }
            j->p++;
        }
        jnode *kid = jvalue(j);
        kid->key = key;
        jadd(n, kid);
        jskip(j);
        if (*j->p == ',') {
            j->p++;
            continue;
        }
        if (*j->p == close)
            j->p++;
        else
            jbad(j, "expected ',' or the end of the container");
        break;
    }
    return n;
}

static jnode *jvalue(jparser *j)
{
    jskip(j);
    if (*j->p == '{' || *j->p == '[')
        return jcontainer(j, *j->p == '{');
    if (*j->p == '"') {
        jnode *n = jnew(J_STR);
        n->text = jstring(j);
        return n;
    }
    if (strncmp(j->p, "null", 4) == 0) {
        j->p += 4;
        return jnew(J_NULL);
    }
    if (strncmp(j->p, "true", 4) == 0 || strncmp(j->p, "false", 5) == 0) {
        j->p += j->p[0] == 't' ? 4 : 5;
        return jnew(J_BOOL);
    }
    return jnumber(j);
}

static void jfree(jnode *n);

/* Parses a whole document (one value and nothing after it); NULL and
 * *error set when the text is not valid JSON. */
static jnode *jtry(const char *text, const char **error)
{
    jparser j = {text, NULL};
    jnode *root = jvalue(&j);
    jskip(&j);
    if (!j.error && *j.p != '\0')
        jbad(&j, "text after the document");
    *error = j.error;
    if (j.error) {
        jfree(root);
        return NULL;
    }
    return root;
}

/* As jtry, failing the test on invalid JSON. */
static jnode *jparse(const char *text)
{
    const char *error = NULL;
    jnode *root = jtry(text, &error);
    if (!root)
        fail_msg("not valid JSON (%s):\n%s", error, text);
    return root;
}

static void jfree(jnode *n)
{
    for (size_t i = 0; i < n->n; i++)
        jfree(n->kids[i]);
    free(n->kids);
    free(n->key);
    free(n->text);
    free(n);
}

/* The member named by the NULL-terminated key path; fails if absent. */
static const jnode *jget(const jnode *n, ...)
{
    va_list ap;
    va_start(ap, n);
    const char *k;
    while ((k = va_arg(ap, const char *)) != NULL) {
        if (n->type != J_OBJ)
            fail_msg("JSON: \"%s\" looked up in a non-object", k);
        const jnode *found = NULL;
        for (size_t i = 0; i < n->n && !found; i++)
            if (strcmp(n->kids[i]->key, k) == 0)
                found = n->kids[i];
        if (!found)
            fail_msg("JSON: key \"%s\" is missing", k);
        n = found;
    }
    va_end(ap);
    return n;
}

static void assert_num(const jnode *n, double want)
{
    if (isnan(want)) {
        assert_int_equal(n->type, J_NULL);
        return;
    }
    assert_int_equal(n->type, J_NUM);
    assert_true(n->num == want); /* %.17g round-trips exactly */
}

/* Keys of an object, in order, against a NULL-terminated list. */
static void assert_keys(const jnode *n, const char *const *keys)
{
    assert_int_equal(n->type, J_OBJ);
    size_t i = 0;
    for (; keys[i]; i++) {
        if (i >= n->n)
            fail_msg("JSON: key \"%s\" is missing", keys[i]);
        assert_string_equal(n->kids[i]->key, keys[i]);
    }
    assert_int_equal(n->n, i);
}

static char *print_json(const mpsim_results *r)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    mpsim_results_print_json(r, f);
    fclose(f);
    return buf;
}

/* ------------------------------------------------------------------ tests */

static void test_dynamic_document(void **state)
{
    (void)state;
    mpsim_results *r = fx_results(2, 0);
    char *text = print_json(r);
    jnode *root = jparse(text);

    static const char *const top[] = {"format", "format_version", "mpsim_version", "seed",
                                      "paths", "quantile_method", "antithetic", "target_se",
                                      "target_se_reached", "scenarios", "comparisons", NULL};
    assert_keys(root, top);
    assert_string_equal(jget(root, "format", NULL)->text, "mpsim-summary");
    assert_string_equal(jget(root, "format_version", NULL)->text, "1");
    assert_string_equal(jget(root, "mpsim_version", NULL)->text, MPSIM_VERSION_STRING);
    assert_string_equal(jget(root, "seed", NULL)->text, "20250101");
    assert_string_equal(jget(root, "paths", NULL)->text, "1000");
    assert_string_equal(jget(root, "quantile_method", NULL)->text,
                        r->quantiles_exact ? "exact" : "streamed");
    assert_string_equal(jget(root, "target_se", NULL)->text, "0.01");

    const jnode *scen = jget(root, "scenarios", NULL);
    assert_int_equal(scen->n, 2);
    for (size_t i = 0; i < 2; i++) {
        const mpsim_scenario_result *s = &r->scenarios[i];
        const jnode *sj = jget(scen, s->name, NULL);
        static const char *const parts[] = {"static", "dynamic", "missions", "projects", "kinds",
                                            NULL};
        assert_keys(sj, parts);
        static const char *const st[] = {"pv_cost", "pvc", "pv_benefits", "npv", "bcr", NULL};
        assert_keys(jget(sj, "static", NULL), st);
        assert_num(jget(sj, "static", "pv_cost", NULL), s->stat.pv_cost);
        assert_num(jget(sj, "static", "bcr", NULL), s->stat.bcr);

        const jnode *dyn = jget(sj, "dynamic", NULL);
        static const char *const dk[] = {"expected_bcr", "p_bcr_above_1", "p_npv_negative",
                                         "expected_shortfall_5", "metrics", "bcr_undefined",
                                         "decomposition", NULL};
        assert_keys(dyn, dk);
        assert_num(jget(dyn, "expected_bcr", NULL), s->expected_bcr);
        assert_num(jget(dyn, "p_bcr_above_1", NULL), s->p_bcr_above_1);
        assert_num(jget(dyn, "p_npv_negative", NULL), s->p_npv_negative);
        assert_num(jget(dyn, "expected_shortfall_5", NULL), s->expected_shortfall_5);
        char want[32];
        snprintf(want, sizeof want, "%u", (unsigned)s->bcr_undefined);
        assert_string_equal(jget(dyn, "bcr_undefined", NULL)->text, want);
        const jnode *metrics = jget(dyn, "metrics", NULL);
        assert_int_equal(metrics->n, MPSIM_N_METRICS);
        for (int m = 0; m < MPSIM_N_METRICS; m++) {
            const jnode *mj = metrics->kids[m];
            assert_string_equal(mj->key, mpsim_metric_names[m]);
            assert_int_equal(mj->n, MPSIM_N_STATS);
            for (int k = 0; k < MPSIM_N_STATS; k++) {
                assert_string_equal(mj->kids[k]->key, mpsim_stat_names[k]);
                assert_num(mj->kids[k], s->stats[m][k]);
            }
        }
        assert_int_equal(jget(metrics, "bcr", "min", NULL)->type, J_NULL);
        const jnode *dec = jget(dyn, "decomposition", NULL);
        static const char *const dnames[] = {"direct", "spillovers", "savings", "wider_economy",
                                             NULL};
        assert_keys(dec, dnames);
        for (int d = 0; d < MPSIM_N_DECOMP; d++)
            assert_num(dec->kids[d], s->decomposition[d]);

        /* Missions: years as whole numbers or null; no target -> null. */
        const jnode *mw = jget(sj, "missions", "warm-homes", NULL);
        static const char *const mk[] = {"p_achieved", "year_p5", "year_p25", "year_p50",
                                         "year_p75", "year_p95", NULL};
        assert_keys(mw, mk);
        assert_num(jget(mw, "p_achieved", NULL), 0.64);
        assert_string_equal(jget(mw, "year_p5", NULL)->text, "2031");
        assert_string_equal(jget(mw, "year_p50", NULL)->text, "2036");
        assert_int_equal(jget(mw, "year_p95", NULL)->type, J_NULL);
        const jnode *mh = jget(sj, "missions", "healthy-lives", NULL);
        assert_int_equal(jget(mh, "p_achieved", NULL)->type, J_NULL);
        assert_int_equal(jget(mh, "year_p5", NULL)->type, J_NULL);

        const jnode *pj = jget(sj, "projects", NULL);
        assert_int_equal(pj->n, 3);
        static const char *const pk[] = {"p_success", "mean_pv_cost", "mean_pv_benefits",
                                         "mean_pv_direct", "mean_pv_spillovers",
                                         "mean_pv_savings", "mean_pv_gdp",
                                         "mean_spend_share", "p_stopped", NULL};
        for (size_t p = 0; p < 3; p++) {
            const mpsim_project_result *pr = &s->projects[p];
            assert_string_equal(pj->kids[p]->key, pr->id);
            assert_keys(pj->kids[p], pk);
            assert_num(jget(pj->kids[p], "p_success", NULL), pr->p_success);
            assert_num(jget(pj->kids[p], "mean_pv_gdp", NULL), pr->mean_pv_gdp);
            assert_num(jget(pj->kids[p], "mean_spend_share", NULL), pr->mean_spend_share);
            assert_num(jget(pj->kids[p], "p_stopped", NULL), pr->p_stopped);
        }
        const jnode *kj = jget(sj, "kinds", "strategic", NULL);
        static const char *const kk[] = {"projects", "mean_pv_cost", "mean_pv_benefits", NULL};
        assert_keys(kj, kk);
        assert_string_equal(jget(kj, "projects", NULL)->text, "2");
        assert_num(jget(kj, "mean_pv_benefits", NULL), 600.0);
    }

    const jnode *cmp = jget(root, "comparisons", NULL);
    assert_int_equal(cmp->type, J_ARR);
    assert_int_equal(cmp->n, 1);
    static const char *const ck[] = {"a", "b", "npv_diff_mean", "npv_diff_sd", "npv_diff_se",
                                     "p_b_better", "exchequer_diff_mean", "exchequer_diff_se",
                                     "p_achieved_diff", NULL};
    assert_keys(cmp->kids[0], ck);
    assert_string_equal(jget(cmp->kids[0], "b", NULL)->text, "warm-homes-ringfenced");
    assert_num(jget(cmp->kids[0], "npv_diff_se", NULL), 1.27);
    assert_num(jget(cmp->kids[0], "exchequer_diff_mean", NULL), -3.5);
    assert_num(jget(cmp->kids[0], "p_achieved_diff", "warm-homes", NULL), 0.02);
    assert_int_equal(jget(cmp->kids[0], "p_achieved_diff", "healthy-lives", NULL)->type, J_NULL);

    jfree(root);
    free(text);
    mpsim_results_free(r);
}

static void test_no_target_is_null(void **state)
{
    (void)state;
    /* p_achieved is null for a mission without a target even if a number
     * was left in the field; an empty batch still prints valid JSON. */
    mpsim_results *r = fx_results(1, 0);
    r->scenarios[0].missions[1].p_achieved = 0.5;
    char *text = print_json(r);
    jnode *root = jparse(text);
    const jnode *mh = jget(root, "scenarios", "warm-homes", "missions", "healthy-lives", NULL);
    assert_int_equal(jget(mh, "p_achieved", NULL)->type, J_NULL);
    const jnode *cmp = jget(root, "comparisons", NULL);
    assert_int_equal(cmp->type, J_ARR);
    assert_int_equal(cmp->n, 0);
    jfree(root);
    free(text);

    r->scenarios[0].n_missions = 0;
    r->scenarios[0].n_projects = 0;
    r->scenarios[0].n_kinds = 0;
    text = print_json(r);
    root = jparse(text);
    assert_int_equal(jget(root, "scenarios", "warm-homes", "missions", NULL)->n, 0);
    jfree(root);
    free(text);
    r->scenarios[0].n_missions = 2; /* so that free sees every string */
    r->scenarios[0].n_projects = 3;
    r->scenarios[0].n_kinds = 2;
    mpsim_results_free(r);
}

static void test_static_document(void **state)
{
    (void)state;
    mpsim_results *r = fx_static_results();
    char *text = print_json(r);
    static const char golden[] =
        "{\n"
        "  \"format\": \"mpsim-summary\",\n"
        "  \"format_version\": 1,\n"
        "  \"mpsim_version\": \"" MPSIM_VERSION_STRING "\",\n"
        "  \"scenarios\": {\n"
        "    \"warm-homes\": {\n"
        "      \"static\": {\"pv_cost\": 1000.375, \"pvc\": 0.0, \"pv_benefits\": 12.5, "
        "\"npv\": 12.5, \"bcr\": null}\n"
        "    }\n"
        "  }\n"
        "}\n";
    assert_string_equal(text, golden);
    jfree(jparse(text));
    free(text);
    mpsim_results_free(r);
}

static void test_reader_rejects_bad_json(void **state)
{
    (void)state;
    /* The checker itself must be able to fail: a few near misses. */
    static const char *const good[] = {"{}", "[1, -2.5e3, null, \"a\\n\"]", "{\"a\": {\"b\": [true]}}"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        jfree(jparse(good[i]));
    static const char *const bad[] = {"{\"a\": 1,}", "{\"a\" 1}", "[1 2]", "{\"a\": nan}",
                                      "{\"a\": 01}", "{\"a\": 1}}", "{\"a\": 1, \"a\": 2}",
                                      "\"tab\there\""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *error = NULL;
        if (jtry(bad[i], &error) != NULL)
            fail_msg("accepted invalid JSON: %s", bad[i]);
        assert_non_null(error);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dynamic_document),
        cmocka_unit_test(test_no_target_is_null),
        cmocka_unit_test(test_static_document),
        cmocka_unit_test(test_reader_rejects_bad_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
