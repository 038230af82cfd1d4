/*
 * Running sweeps (docs/sweeps.md): a point equals a plain run of the base
 * with the value edited, bit for bit; a bad value fails its point and the
 * sweep goes on; an interrupted sweep resumed from its journal (also after
 * a torn last record) equals the uninterrupted one bit for bit; a journal
 * of another sweep is refused; shards merged equal the unsharded sweep,
 * and the file reads back as written.
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

#include "sweep/sweep.h"
#include "test_support.h"

#define DATA MPSIM_TEST_DIR "/data/sweeps/"

static mpsim_sweep *load(const char *name)
{
    mpsim_errors e;
    mpsim_errors_init(&e);
    mpsim_sweep *s = NULL;
    if (mpsim_sweep_load(name, &s, &e) != MPSIM_OK) {
        mpsim_errors_print(&e, stderr);
        fail_msg("%s did not load", name);
    }
    mpsim_errors_clear(&e);
    return s;
}

static mpsim_sweep_results *run(const mpsim_sweep *s, const mpsim_sweep_options *opt, int want)
{
    mpsim_errors e;
    mpsim_errors_init(&e);
    mpsim_sweep_results *r = NULL;
    int rc = mpsim_sweep_run(s, opt, &r, &e);
    if (rc != want) {
        mpsim_errors_print(&e, stderr);
        fail_msg("sweep status %d, want %d", rc, want);
    }
    mpsim_errors_clear(&e);
    return r;
}

/* Every datum the sweep file holds, compared bit for bit. */
static void assert_same(const mpsim_sweep_results *a, const mpsim_sweep_results *b)
{
    assert_int_equal(a->n_points, b->n_points);
    assert_int_equal(a->n_params, b->n_params);
    assert_string_equal(a->sweep_id, b->sweep_id);
    assert_true(a->seed == b->seed && a->paths == b->paths);
    assert_memory_equal(a->points, b->points, a->n_points * a->n_params * sizeof(double));
    assert_memory_equal(a->values, b->values, a->n_points * MPS_SWEEP_N_VALUES * sizeof(double));
    assert_memory_equal(a->status, b->status, a->n_points * sizeof(int));
    for (size_t p = 0; p < a->n_points; p++)
        assert_string_equal(a->error[p], b->error[p]);
    assert_string_equal(a->input_text, b->input_text);
    assert_string_equal(a->base_resolved_text, b->base_resolved_text);
}

/* Reads a whole file into a new string. */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *t = malloc((size_t)n + 1);
    assert_non_null(t);
    assert_int_equal(fread(t, 1, (size_t)n, f), (size_t)n);
    t[n] = '\0';
    fclose(f);
    return t;
}

/* text with the first `from` replaced by `to` (which must be there). */
static char *replace(char *text, const char *from, const char *to)
{
    char *at = strstr(text, from);
    assert_non_null(at);
    size_t n = strlen(text) - strlen(from) + strlen(to) + 1;
    char *out = malloc(n);
    assert_non_null(out);
    snprintf(out, n, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
    free(text);
    return out;
}

/* Point p of r equals a plain run of `yaml` (the base, edited by hand). */
static void assert_point_is_run(const mpsim_sweep_results *r, size_t p, const char *yaml)
{
    mpsim_errors e;
    mpsim_errors_init(&e);
    mpsim_scenario *s = NULL;
    if (mpsim_scenario_load_buffer(yaml, strlen(yaml), DATA "base.yaml", &s, &e) != MPSIM_OK) {
        mpsim_errors_print(&e, stderr);
        fail_msg("the edited base does not load");
    }
    mpsim_results *res = mps_test_run(s, r->paths, r->seed, 0, 0);
    const double *v = &r->values[p * MPS_SWEEP_N_VALUES];
    assert_int_equal(r->status[p], 0);
    assert_memory_equal(v, res->scenarios[0].stats, sizeof res->scenarios[0].stats);
    const double *h = v + MPSIM_N_METRICS * MPSIM_N_STATS;
    assert_memory_equal(&h[MPS_H_EXPECTED_BCR], &res->scenarios[0].expected_bcr, sizeof(double));
    assert_memory_equal(&h[MPS_H_STATIC_NPV], &res->scenarios[0].stat.npv, sizeof(double));
    mpsim_results_free(res);
    mpsim_scenario_free(s);
    mpsim_errors_clear(&e);
}

static void test_point_equals_plain_run(void **state)
{
    (void)state;
    mpsim_sweep *s = load(DATA "lhs.yaml");
    mpsim_sweep_results *r = run(s, NULL, MPSIM_OK);
    assert_true(r->paths == 100 && r->seed == 42);
    for (size_t p = 0; p < r->n_points; p += 3) {
        char a[128], b[128];
        snprintf(a, sizeof a, "median: %.17g, p90: 2.6", r->points[p * 2]);
        snprintf(b, sizeof b, "probability: {slack: %.17g,", r->points[p * 2 + 1]);
        char *yaml = slurp(DATA "base.yaml");
        yaml = replace(yaml, "median: 1.5, p90: 2.6", a);
        yaml = replace(yaml, "probability: {slack: 0.5,", b);
        assert_point_is_run(r, p, yaml);
        free(yaml);
    }
    /* The points differ from each other (the values were applied). */
    assert_true(r->values[0] != r->values[MPS_SWEEP_N_VALUES]);
    mpsim_sweep_results_free(r);
    mpsim_sweep_free(s);

    /* A grid point, by id and index: churn 0.02 (the base's), stage p 0.9. */
    s = load(DATA "grid.yaml");
    r = run(s, NULL, MPSIM_OK);
    char *yaml = slurp(DATA "base.yaml");
    yaml = replace(yaml, "{after: 2, p: 0.8}", "{after: 2, p: 0.9}");
    assert_point_is_run(r, 3, yaml);
    free(yaml);
    mpsim_sweep_results_free(r);
    mpsim_sweep_free(s);
}

static void test_failed_point(void **state)
{
    (void)state;
    mpsim_sweep *s = load(DATA "failing.yaml");
    mpsim_sweep_results *r = run(s, NULL, MPSIM_OK);
    size_t n, done, failed;
    mpsim_sweep_results_counts(r, &n, &done, &failed);
    assert_int_equal(n, 3);
    assert_int_equal(done, 3);
    assert_int_equal(failed, 1);
    assert_int_equal(r->status[0], 0);
    assert_int_equal(r->status[1], 1);
    assert_int_equal(r->status[2], 0);
    assert_non_null(strstr(r->error[1], "economy.multipliers.CDEL.slack.p90"));
    assert_non_null(strstr(r->error[1], "p90 must be greater than median"));
    assert_string_equal(r->error[0], "");
    for (size_t i = 0; i < MPS_SWEEP_N_VALUES; i++)
        assert_true(isnan(r->values[MPS_SWEEP_N_VALUES + i]));
    assert_false(isnan(r->values[0]));
    mpsim_sweep_results_free(r);
    mpsim_sweep_free(s);
}

/* Progress callback that raises the cancel flag after `stop_after` points
 * of this run; counts the calls. */
typedef struct {
    volatile sig_atomic_t flag;
    size_t stop_after, calls, first_done;
} stopper;

static void stop_progress(void *ctx, size_t done, size_t total, size_t failed)
{
    (void)total;
    (void)failed;
    stopper *st = ctx;
    if (st->calls++ == 0)
        st->first_done = done;
    if (st->calls >= st->stop_after)
        st->flag = 1;
}

static void test_resume(void **state)
{
    (void)state;
    char *dir = mps_test_tmpdir();
    char journal[512];
    snprintf(journal, sizeof journal, "%s/lhs.h5.journal", dir);
    mpsim_sweep *s = load(DATA "lhs.yaml");
    mpsim_sweep_results *ref = run(s, NULL, MPSIM_OK);

    stopper st = {0, 3, 0, 0};
    mpsim_sweep_options opt;
    memset(&opt, 0, sizeof opt);
    opt.journal = journal;
    opt.progress = stop_progress;
    opt.progress_ctx = &st;
    opt.cancel = &st.flag;
    mpsim_sweep_results *r = run(s, &opt, MPSIM_ERR_INTERRUPTED);
    size_t done;
    mpsim_sweep_results_counts(r, NULL, &done, NULL);
    assert_int_equal(done, 3);
    mpsim_sweep_results_free(r);

    /* Without --resume the journal is not overwritten. */
    mpsim_errors e;
    mpsim_errors_init(&e);
    opt.cancel = NULL;
    assert_int_equal(mpsim_sweep_run(s, &opt, &r, &e), MPSIM_ERR_INPUT);
    assert_null(r);
    assert_true(mps_test_errors_have(&e, NULL, "--resume"));
    mpsim_errors_clear(&e);

    /* Another seed is another sweep: its journal is refused. */
    opt.resume = 1;
    opt.seed = 43;
    opt.seed_set = 1;
    assert_int_equal(mpsim_sweep_run(s, &opt, &r, &e), MPSIM_ERR_INPUT);
    assert_true(mps_test_errors_have(&e, NULL, "different sweep"));
    mpsim_errors_clear(&e);
    opt.seed_set = 0;

    /* Stop again after two more points, then tear the last record as a
     * kill -9 in the middle of writing it would. */
    st.flag = 0;
    st.calls = 0;
    st.stop_after = 3; /* the first call reports the 3 resumed points */
    opt.cancel = &st.flag;
    r = run(s, &opt, MPSIM_ERR_INTERRUPTED);
    assert_int_equal(st.first_done, 3);
    mpsim_sweep_results_counts(r, NULL, &done, NULL);
    assert_int_equal(done, 5);
    mpsim_sweep_results_free(r);
    FILE *f = fopen(journal, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fclose(f);
    assert_int_equal(truncate(journal, size - 100), 0);

    st.flag = 0;
    st.calls = 0;
    st.stop_after = 1000;
    r = run(s, &opt, MPSIM_OK);
    assert_int_equal(st.first_done, 4); /* the torn fifth point ran again */
    assert_int_equal(st.calls, 1 + 4);  /* the first report, then points 4 .. 7 only */
    assert_same(ref, r);
    mpsim_sweep_results_free(r);

    /* A file that is not a journal is refused, not overwritten. */
    f = fopen(journal, "wb");
    assert_non_null(f);
    for (int i = 0; i < 300; i++)
        fputs("not a journal ", f);
    fclose(f);
    assert_int_equal(mpsim_sweep_run(s, &opt, &r, &e), MPSIM_ERR_INPUT);
    assert_true(mps_test_errors_have(&e, NULL, "not a sweep journal"));
    mpsim_errors_clear(&e);
    remove(journal);
    rmdir(dir);
    free(dir);
    mpsim_sweep_results_free(ref);
    mpsim_sweep_free(s);
}

static void test_shards_merge(void **state)
{
    (void)state;
    mpsim_sweep *s = load(DATA "failing.yaml");
    mpsim_sweep_results *ref = run(s, NULL, MPSIM_OK);
    mpsim_sweep_results *sh[3];
    const char *names[3] = {"a.h5", "b.h5", "c.h5"};
    mpsim_sweep_options opt;
    memset(&opt, 0, sizeof opt);
    opt.shard_count = 2;
    for (uint32_t i = 1; i <= 2; i++) {
        opt.shard_index = i;
        sh[i - 1] = run(s, &opt, MPSIM_OK);
    }
    assert_true(sh[0]->done[0] && !sh[0]->done[1] && sh[0]->done[2]);
    assert_true(!sh[1]->done[0] && sh[1]->done[1] && !sh[1]->done[2]);
    assert_int_equal(sh[0]->status[1], -1);
    mpsim_sweep_results *m = NULL;
    mpsim_errors e;
    mpsim_errors_init(&e);
    assert_int_equal(mpsim_sweep_merge(sh, names, 2, &m, &e), MPSIM_OK);
    assert_same(ref, m);
    assert_int_equal(m->shard_count, 0);
    mpsim_sweep_results_free(m);

    /* A missing shard, a repeated one, a whole sweep: refused. */
    assert_int_equal(mpsim_sweep_merge(sh, names, 1, &m, &e), MPSIM_ERR_INPUT);
    assert_true(mps_test_errors_have(&e, NULL, "miss 1 of"));
    mpsim_errors_clear(&e);
    sh[2] = sh[0];
    assert_int_equal(mpsim_sweep_merge(sh, names, 3, &m, &e), MPSIM_ERR_INPUT);
    assert_true(mps_test_errors_have(&e, NULL, "holds point 0"));
    mpsim_errors_clear(&e);
    sh[2] = ref;
    assert_int_equal(mpsim_sweep_merge(sh, names, 3, &m, &e), MPSIM_ERR_INPUT);
    assert_true(mps_test_errors_have(&e, NULL, "not a shard"));
    mpsim_errors_clear(&e);
    /* Shards of another sweep (another seed). */
    opt.seed = 7;
    opt.seed_set = 1;
    opt.shard_index = 2;
    mpsim_sweep_results *other = run(s, &opt, MPSIM_OK);
    mpsim_sweep_results_free(sh[1]);
    sh[1] = other;
    assert_int_equal(mpsim_sweep_merge(sh, names, 2, &m, &e), MPSIM_ERR_INPUT);
    assert_true(mps_test_errors_have(&e, NULL, "different sweep"));
    mpsim_errors_clear(&e);
    mpsim_sweep_results_free(other);
    mpsim_sweep_results_free(sh[0]);
    mpsim_sweep_results_free(ref);
    mpsim_sweep_free(s);
}

static void test_file_round_trip(void **state)
{
    (void)state;
    char *dir = mps_test_tmpdir();
    char path[512];
    snprintf(path, sizeof path, "%s/grid.h5", dir);
    mpsim_sweep *s = load(DATA "failing.yaml");
    mpsim_sweep_options opt;
    memset(&opt, 0, sizeof opt);
    opt.shard_index = 1;
    opt.shard_count = 2;
    for (int pass = 0; pass < 2; pass++) {
        /* The whole sweep, then a shard. */
        mpsim_sweep_results *r = run(s, pass ? &opt : NULL, MPSIM_OK);
        mpsim_errors e;
        mpsim_errors_init(&e);
        assert_int_equal(mpsim_sweep_results_stamp(r, 0, NULL), MPSIM_OK);
        assert_int_equal(mpsim_sweep_write_hdf5(r, path, &e), MPSIM_OK);
        mpsim_sweep_results *back = NULL;
        if (mpsim_sweep_read_hdf5(path, &back, &e) != MPSIM_OK) {
            mpsim_errors_print(&e, stderr);
            fail_msg("cannot read the sweep file back");
        }
        assert_same(r, back);
        assert_memory_equal(r->done, back->done, r->n_points * sizeof(int));
        assert_int_equal(back->shard_count, pass ? 2 : 0);
        assert_string_equal(back->method, "grid");
        assert_non_null(back->point_text);
        assert_string_equal(back->point_text[1], "3.0");
        mpsim_sweep_results_free(back);
        mpsim_sweep_results_free(r);
        mpsim_errors_clear(&e);
    }
    /* A run file is not a sweep file. */
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs("plain text", f);
    fclose(f);
    mpsim_errors e;
    mpsim_errors_init(&e);
    mpsim_sweep_results *back = NULL;
    assert_int_equal(mpsim_sweep_read_hdf5(path, &back, &e), MPSIM_ERR_INPUT);
    assert_null(back);
    mpsim_errors_clear(&e);
    remove(path);
    rmdir(dir);
    free(dir);
    mpsim_sweep_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_point_equals_plain_run),
        cmocka_unit_test(test_failed_point),
        cmocka_unit_test(test_resume),
        cmocka_unit_test(test_shards_merge),
        cmocka_unit_test(test_file_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
