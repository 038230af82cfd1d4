/*
 * Checkpoint and resume of runs (mpsim_run_options.checkpoint; engine/run/
 * checkpoint.h): a run stopped between rounds and resumed, with any number
 * of threads, gives the results of an uninterrupted run bit for bit, for
 * exact and streamed quantiles, antithetic pairs and a precision target;
 * checkpoints of another run, damaged ones and missing ones are refused
 * with a message saying why.  (tests/cli/checkpoint.sh stops real
 * processes with SIGTERM and kill -9.)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_support.h"

/* Five rounds of 16,384 paths, the last one short. */
enum { PATHS = 70000, ROUND = 64 * 256 };

typedef struct {
    char *dir, *ckpt, *side;
    mpsim_scenario *s[2];
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->dir = mps_test_tmpdir();
    size_t len = strlen(f->dir) + 32;
    f->ckpt = malloc(len);
    f->side = malloc(len);
    snprintf(f->ckpt, len, "%s/run.ckpt", f->dir);
    snprintf(f->side, len, "%s/run.ckpt.paths", f->dir);
    f->s[0] = mps_test_load(mps_test_yaml_pair[0]);
    f->s[1] = mps_test_load(mps_test_yaml_pair[1]);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    unlink(f->ckpt);
    unlink(f->side);
    rmdir(f->dir);
    mpsim_scenario_free(f->s[0]);
    mpsim_scenario_free(f->s[1]);
    free(f->dir);
    free(f->ckpt);
    free(f->side);
    free(f);
    return 0;
}

/* Stops the run (through the cancel flag) once `stop_at` paths are done. */
typedef struct {
    volatile sig_atomic_t cancel;
    uint64_t stop_at;
    uint64_t first_report; /* the first paths_done seen (a resumed run's start) */
    int reports;
} stopper;

static void on_progress(void *ctx, uint64_t done, uint64_t total)
{
    (void)total;
    stopper *st = ctx;
    if (st->reports++ == 0)
        st->first_report = done;
    if (st->stop_at && done >= st->stop_at)
        st->cancel = 1;
}

typedef struct {
    int threads, antithetic, exact; /* exact: mpsim_run_options.exact_quantiles */
    double target_se;
    uint64_t seed;
} settings;

static mpsim_run_options options(const settings *set, stopper *st)
{
    mpsim_run_options o;
    memset(&o, 0, sizeof o);
    o.paths = PATHS;
    o.paths_set = 1;
    o.seed = set->seed ? set->seed : 11;
    o.seed_set = 1;
    o.threads = set->threads;
    o.antithetic = set->antithetic;
    o.exact_quantiles = set->exact;
    o.target_se = set->target_se;
    if (st) {
        o.cancel = &st->cancel;
        o.progress = on_progress;
        o.progress_ctx = st;
    }
    return o;
}

static mpsim_results *run_ok(fixture *f, const mpsim_run_options *o)
{
    mpsim_errors e;
    mpsim_errors_init(&e);
    mpsim_results *r = NULL;
    int status = mpsim_run(f->s, 2, o, &r, &e);
    if (status != MPSIM_OK)
        mpsim_errors_print(&e, stderr);
    assert_int_equal(status, MPSIM_OK);
    mpsim_errors_clear(&e);
    return r;
}

/* Runs with a checkpoint until the cancel after `stop_at` paths. */
static void run_until(fixture *f, const settings *set, uint64_t stop_at, int resume)
{
    stopper st = {0, stop_at, 0, 0};
    mpsim_run_options o = options(set, &st);
    o.checkpoint = f->ckpt;
    o.resume = resume;
    o.checkpoint_interval = 1e9; /* only when stopping */
    mpsim_errors e;
    mpsim_errors_init(&e);
    mpsim_results *r = NULL;
    assert_int_equal(mpsim_run(f->s, 2, &o, &r, &e), MPSIM_ERR_INTERRUPTED);
    assert_null(r);
    assert_int_equal(access(f->ckpt, F_OK), 0);
    mpsim_errors_clear(&e);
}

static void assert_same_results(const mpsim_results *x, const mpsim_results *y)
{
    assert_int_equal(x->paths, y->paths);
    assert_int_equal(x->target_se_reached, y->target_se_reached);
    assert_int_equal(x->quantiles_exact, y->quantiles_exact);
    for (size_t k = 0; k < x->n_scenarios; k++) {
        const mpsim_scenario_result *a = &x->scenarios[k], *b = &y->scenarios[k];
        assert_memory_equal(a->stats, b->stats, sizeof a->stats);
        assert_memory_equal(&a->expected_bcr, &b->expected_bcr, sizeof(double));
        assert_memory_equal(&a->p_bcr_above_1, &b->p_bcr_above_1, sizeof(double));
        assert_memory_equal(&a->p_npv_negative, &b->p_npv_negative, sizeof(double));
        assert_memory_equal(&a->expected_shortfall_5, &b->expected_shortfall_5, sizeof(double));
        assert_memory_equal(a->decomposition, b->decomposition, sizeof a->decomposition);
        for (size_t m = 0; m < a->n_missions; m++) {
            assert_memory_equal(&a->missions[m].p_achieved, &b->missions[m].p_achieved,
                                sizeof(double));
            assert_memory_equal(a->missions[m].year_q, b->missions[m].year_q,
                                sizeof a->missions[m].year_q);
        }
        for (size_t j = 0; j < a->n_projects; j++)
            assert_memory_equal(&a->projects[j].p_success, &b->projects[j].p_success,
                                sizeof(mpsim_project_result) -
                                    offsetof(mpsim_project_result, p_success));
        for (size_t v = 0; v < a->n_series; v++) {
            assert_memory_equal(a->series[v].mean, b->series[v].mean,
                                (size_t)a->horizon * sizeof(double));
            assert_memory_equal(a->series[v].bands, b->series[v].bands,
                                (size_t)a->horizon * a->n_quantiles * sizeof(double));
        }
        assert_memory_equal(a->dist_npv.values, b->dist_npv.values,
                            a->dist_npv.n_levels * sizeof(double));
        assert_memory_equal(a->dist_npv.counts, b->dist_npv.counts,
                            a->dist_npv.n_bins * sizeof(uint64_t));
        assert_memory_equal(a->dist_bcr.values, b->dist_bcr.values,
                            a->dist_bcr.n_levels * sizeof(double));
    }
    for (size_t c = 0; c < x->n_comparisons; c++) {
        const mpsim_comparison *a = &x->comparisons[c], *b = &y->comparisons[c];
        assert_memory_equal(&a->npv_diff_mean, &b->npv_diff_mean, 6 * sizeof(double));
        assert_memory_equal(a->p_achieved_diff, b->p_achieved_diff, a->n_missions * sizeof(double));
    }
}

/* Stops after `stops` (successive resumes each stop once more), resumes
 * with another thread count, and compares with an uninterrupted run. */
static void stop_and_resume(fixture *f, settings set, const uint64_t *stops, size_t n_stops)
{
    mpsim_run_options plain = options(&set, NULL);
    mpsim_results *full = run_ok(f, &plain);
    for (size_t i = 0; i < n_stops; i++) {
        set.threads = 1 + (int)(i % 2);
        run_until(f, &set, stops[i], i > 0);
    }
    stopper st = {0, 0, 0, 0};
    set.threads = 3;
    mpsim_run_options o = options(&set, &st);
    o.checkpoint = f->ckpt;
    o.resume = 1;
    mpsim_results *resumed = run_ok(f, &o);
    /* It went on from the last stop: the first progress report is the
     * round it stopped after, not a fresh start. */
    assert_true(st.first_report >= stops[n_stops - 1]);
    assert_same_results(full, resumed);
    mpsim_errors e;
    mpsim_errors_init(&e);
    assert_int_equal(mpsim_checkpoint_remove(f->ckpt, &e), MPSIM_OK);
    assert_int_not_equal(access(f->ckpt, F_OK), 0);
    assert_int_not_equal(access(f->side, F_OK), 0);
    mpsim_results_free(full);
    mpsim_results_free(resumed);
}

static void test_resume_exact(void **state)
{
    const uint64_t stops[] = {ROUND, 3 * ROUND};
    stop_and_resume(*state, (settings){2, 0, 0, 0.0, 0}, stops, 2);
}

static void test_resume_streamed_antithetic(void **state)
{
    const uint64_t stops[] = {2 * ROUND};
    stop_and_resume(*state, (settings){1, 1, -1, 0.0, 0}, stops, 1);
}

static void test_resume_target(void **state)
{
    /* A target met after a few rounds: the stop decision after resuming is
     * the uninterrupted run's. */
    const uint64_t stops[] = {ROUND};
    settings set = {2, 0, 0, 0.012, 0};
    mpsim_run_options plain = options(&set, NULL);
    mpsim_results *full = run_ok(*state, &plain);
    print_message("target met after %llu paths\n", (unsigned long long)full->paths);
    assert_int_equal(full->target_se_reached, 1);
    assert_true(full->paths > ROUND && full->paths < PATHS);
    mpsim_results_free(full);
    stop_and_resume(*state, set, stops, 1);
}

/* A signal after the last round: the checkpoint holds the finished run. */
static void test_resume_after_last_round(void **state)
{
    const uint64_t stops[] = {PATHS};
    stop_and_resume(*state, (settings){2, 0, 0, 0.0, 0}, stops, 1);
}

static int resume_status(fixture *f, settings set, const char *needle)
{
    mpsim_run_options o = options(&set, NULL);
    o.checkpoint = f->ckpt;
    o.resume = 1;
    mpsim_errors e;
    mpsim_errors_init(&e);
    mpsim_results *r = NULL;
    int status = mpsim_run(f->s, 2, &o, &r, &e);
    assert_true((status == MPSIM_OK) == (r != NULL));
    mpsim_results_free(r);
    if (needle && !mps_test_errors_have(&e, NULL, needle)) {
        mpsim_errors_print(&e, stderr);
        fail_msg("no error mentions '%s'", needle);
    }
    mpsim_errors_clear(&e);
    return status;
}

/* Flips one byte of a file at offset `at` from its end (at > 0) or start. */
static void flip_byte(const char *path, long at)
{
    FILE *fp = fopen(path, "r+b");
    assert_non_null(fp);
    assert_int_equal(fseek(fp, at, at < 0 ? SEEK_END : SEEK_SET), 0);
    int c = fgetc(fp);
    assert_int_not_equal(c, EOF);
    assert_int_equal(fseek(fp, -1, SEEK_CUR), 0);
    fputc(c ^ 0x40, fp);
    fclose(fp);
}

static void test_refused(void **state)
{
    fixture *f = *state;
    settings set = {2, 0, 0, 0.0, 0};
    /* Nothing to resume from. */
    assert_int_equal(resume_status(f, set, "no checkpoint"), MPSIM_ERR_INPUT);
    run_until(f, &set, ROUND, 0);
    /* A fresh run would overwrite it. */
    mpsim_run_options o = options(&set, NULL);
    o.checkpoint = f->ckpt;
    mpsim_errors e;
    mpsim_errors_init(&e);
    mpsim_results *r = NULL;
    assert_int_equal(mpsim_run(f->s, 2, &o, &r, &e), MPSIM_ERR_INPUT);
    assert_true(mps_test_errors_have(&e, NULL, "--resume"));
    mpsim_errors_clear(&e);
    /* Kept paths cannot be checkpointed. */
    o.resume = 1;
    o.keep_paths = 1;
    assert_int_equal(mpsim_run(f->s, 2, &o, &r, &e), MPSIM_ERR_INPUT);
    assert_true(mps_test_errors_have(&e, NULL, "keep-paths"));
    mpsim_errors_clear(&e);
    /* Another run's: each difference is named. */
    settings other = set;
    other.seed = 12;
    assert_int_equal(resume_status(f, other, "seed differs (11; this run's is 12)"), MPSIM_ERR_INPUT);
    other = set;
    other.antithetic = 1;
    assert_int_equal(resume_status(f, other, "antithetic"), MPSIM_ERR_INPUT);
    other = set;
    other.exact = -1;
    assert_int_equal(resume_status(f, other, "quantile method"), MPSIM_ERR_INPUT);
    other = set;
    other.target_se = 0.5;
    assert_int_equal(resume_status(f, other, "target standard error"), MPSIM_ERR_INPUT);
    /* The same scenarios in the other order. */
    mpsim_scenario *swap = f->s[0];
    f->s[0] = f->s[1];
    f->s[1] = swap;
    assert_int_equal(resume_status(f, set, "scenarios"), MPSIM_ERR_INPUT);
    f->s[1] = f->s[0];
    f->s[0] = swap;
    /* Still good after all that: nothing was changed by a refusal. */
    assert_int_equal(resume_status(f, set, NULL), MPSIM_OK);
}

static void test_damaged(void **state)
{
    fixture *f = *state;
    settings set = {2, 0, 0, 0.0, 0};
    run_until(f, &set, 2 * ROUND, 0);
    /* A byte of the state file: the checksum finds it. */
    flip_byte(f->ckpt, 200);
    assert_int_equal(resume_status(f, set, "checksum"), MPSIM_ERR_INPUT);
    flip_byte(f->ckpt, 200);
    /* A byte of the per-path side file: its hash finds it. */
    flip_byte(f->side, 1000);
    assert_int_equal(resume_status(f, set, "paths file"), MPSIM_ERR_INPUT);
    flip_byte(f->side, 1000);
    /* A side file cut short. */
    FILE *fp = fopen(f->side, "r+b");
    assert_non_null(fp);
    assert_int_equal(ftruncate(fileno(fp), 4096), 0);
    fclose(fp);
    assert_int_equal(resume_status(f, set, "shorter"), MPSIM_ERR_INPUT);
    /* A state file cut short, and one that is not a checkpoint at all. */
    fp = fopen(f->ckpt, "r+b");
    assert_non_null(fp);
    assert_int_equal(ftruncate(fileno(fp), 100), 0);
    fclose(fp);
    assert_int_equal(resume_status(f, set, "checksum"), MPSIM_ERR_INPUT);
    fp = fopen(f->ckpt, "wb");
    assert_non_null(fp);
    fputs("not a checkpoint\n", fp);
    fclose(fp);
    assert_int_equal(resume_status(f, set, "not an mpsim checkpoint"), MPSIM_ERR_INPUT);
}

/* Paths beyond the recorded length (a run killed after appending to the
 * side file, before its state file was renamed into place) are ignored. */
static void test_side_file_tail_ignored(void **state)
{
    fixture *f = *state;
    settings set = {2, 0, 0, 0.0, 0};
    mpsim_run_options plain = options(&set, NULL);
    mpsim_results *full = run_ok(f, &plain);
    run_until(f, &set, ROUND, 0);
    FILE *fp = fopen(f->side, "ab");
    assert_non_null(fp);
    for (int i = 0; i < 5000; i++)
        fputc(i & 0xff, fp);
    fclose(fp);
    mpsim_run_options o = options(&set, NULL);
    o.checkpoint = f->ckpt;
    o.resume = 1;
    o.checkpoint_interval = 1e-9; /* a checkpoint after every round */
    mpsim_results *resumed = run_ok(f, &o);
    assert_same_results(full, resumed);
    mpsim_results_free(full);
    mpsim_results_free(resumed);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_resume_exact, setup, teardown),
        cmocka_unit_test_setup_teardown(test_resume_streamed_antithetic, setup, teardown),
        cmocka_unit_test_setup_teardown(test_resume_target, setup, teardown),
        cmocka_unit_test_setup_teardown(test_resume_after_last_round, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_damaged, setup, teardown),
        cmocka_unit_test_setup_teardown(test_side_file_tail_ignored, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
