/*
 * The paths sink (mpsim_run_options.paths_sink): every path's metrics reach
 * it once, in path order, in rounds, scenario by scenario, and equal the
 * metrics the run keeps in memory; a sink error stops the run with its
 * status and message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "test_support.h"

/* What the sink saw: per scenario, the next path expected and a copy of
 * every metric, path-major. */
typedef struct {
    uint64_t paths;
    uint64_t next[2];
    size_t calls;
    double *seen[2]; /* [paths * MPSIM_N_METRICS] */
    int fail_at_call; /* 0: never */
} sink_log;

static int sink(void *ctx, size_t k, uint64_t first, uint64_t n, const double *metrics,
                mpsim_errors *errs)
{
    sink_log *log = ctx;
    log->calls++;
    if (log->fail_at_call && (int)log->calls == log->fail_at_call) {
        mpsim_errors_add(errs, "paths.h5", 0, 0, NULL, "disk full (test)");
        return MPSIM_ERR_FAIL;
    }
    assert_true(k < 2);
    assert_int_equal(first, log->next[k]);
    assert_true(n >= 1 && first + n <= log->paths);
    for (uint64_t i = 0; i < n; i++)
        for (int m = 0; m < MPSIM_N_METRICS; m++)
            log->seen[k][(first + i) * MPSIM_N_METRICS + (uint64_t)m] = metrics[(uint64_t)m * n + i];
    log->next[k] = first + n;
    return MPSIM_OK;
}

static void run_with_sink(uint64_t paths, int threads, sink_log *log, mpsim_results **out,
                          int expect)
{
    mpsim_scenario *s[2] = {mps_test_load(mps_test_yaml_pair[0]), mps_test_load(mps_test_yaml_pair[1])};
    memset(log->next, 0, sizeof log->next);
    log->calls = 0;
    log->paths = paths;
    for (int k = 0; k < 2; k++)
        log->seen[k] = calloc(paths * MPSIM_N_METRICS, sizeof(double));
    mpsim_run_options o;
    memset(&o, 0, sizeof o);
    o.paths = paths;
    o.paths_set = 1;
    o.seed = 9;
    o.seed_set = 1;
    o.threads = threads;
    o.keep_paths = 1;
    o.paths_sink = sink;
    o.paths_sink_ctx = log;
    mpsim_errors e;
    mpsim_errors_init(&e);
    int rc = mpsim_run(s, 2, &o, out, &e);
    assert_int_equal(rc, expect);
    if (expect != MPSIM_OK) {
        assert_null(*out);
        assert_true(mps_test_errors_have(&e, NULL, "disk full (test)"));
    }
    mpsim_errors_clear(&e);
    mpsim_scenario_free(s[0]);
    mpsim_scenario_free(s[1]);
}

static void test_sink_sees_every_path_once(void **state)
{
    (void)state;
    /* 40,000 paths: two full rounds of 16,384 and a short last one. */
    const uint64_t paths = 40000;
    sink_log log;
    memset(&log, 0, sizeof log);
    mpsim_results *r = NULL;
    run_with_sink(paths, 2, &log, &r, MPSIM_OK);
    assert_int_equal(log.calls, 2 * 3);
    for (size_t k = 0; k < 2; k++) {
        assert_int_equal(log.next[k], paths);
        const mpsim_scenario_result *sr = &r->scenarios[k];
        assert_int_equal(sr->n_paths_kept, paths);
        for (uint64_t p = 0; p < paths; p++)
            for (int m = 0; m < MPSIM_N_METRICS; m++) {
                double want = sr->paths[m][p], got = log.seen[k][p * MPSIM_N_METRICS + (uint64_t)m];
                /* Bit for bit, NaN (an undefined bcr) included. */
                assert_memory_equal(&want, &got, sizeof want);
            }
        free(log.seen[k]);
    }
    mpsim_results_free(r);
}

static void test_sink_error_stops_the_run(void **state)
{
    (void)state;
    sink_log log;
    memset(&log, 0, sizeof log);
    log.fail_at_call = 3;
    mpsim_results *r = NULL;
    run_with_sink(40000, 1, &log, &r, MPSIM_ERR_FAIL);
    /* Stopped at the failing call: no later round was handed over. */
    assert_int_equal(log.calls, 3);
    free(log.seen[0]);
    free(log.seen[1]);
}

/* keep_paths hands every path's metrics to the caller, so the run keeps
 * them whatever it would otherwise stream (asked here with
 * exact_quantiles = -1, as beyond MPSIM_EXACT_PATHS), and its quantiles
 * are then exact. */
static void test_keep_paths_never_streamed(void **state)
{
    (void)state;
    mpsim_scenario *s = mps_test_load(mps_test_yaml_pair[0]);
    mpsim_run_options o;
    memset(&o, 0, sizeof o);
    o.paths = 3000;
    o.paths_set = 1;
    o.keep_paths = 1;
    o.exact_quantiles = -1;
    mpsim_errors e;
    mpsim_errors_init(&e);
    mpsim_results *r = NULL;
    assert_int_equal(mpsim_run(&s, 1, &o, &r, &e), MPSIM_OK);
    assert_int_equal(r->quantiles_exact, 1);
    assert_int_equal(r->scenarios[0].n_paths_kept, 3000);
    assert_non_null(r->scenarios[0].paths[MPSIM_M_NPV]);
    mpsim_results_free(r);
    mpsim_scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sink_sees_every_path_once),
        cmocka_unit_test(test_sink_error_stops_the_run),
        cmocka_unit_test(test_keep_paths_never_streamed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
