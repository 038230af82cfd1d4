/*
 * Memory limits (engine/run/estimate.c): mpsim_run_estimate grows as the
 * allocations do, mpsim_run refuses a run over opt.max_memory before
 * allocating, and the estimate is honest: the peak resident memory of a
 * real run (measured in a child process) stays below it and is not far
 * under it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test_support.h"

/* Two projects, short horizon: each path is cheap, so 200 000 paths run in
 * a second (half a minute under AddressSanitizer) and the per-path arrays
 * dominate the memory. */
#define BODY                                                                             \
    "base_year: 2025\n"                                                                    \
    "horizon: 12\n"                                                                        \
    "missions:\n"                                                                          \
    "  - id: m\n"                                                                          \
    "    target: {value: 1, by: 2034}\n"                                                   \
    "    projects:\n"                                                                      \
    "      - id: a\n"                                                                      \
    "        category: CDEL\n"                                                             \
    "        cost: {profile: [10, 10], overrun: {dist: lognormal, median: 1.1, p90: 1.5}}\n" \
    "        stages: [{after: 1, p: 0.8}]\n"                                               \
    "        benefits: {annual: {dist: normal, mean: 5, sd: 1}, duration: 8}\n"            \
    "        outcome: 1\n"                                                                 \
    "      - id: b\n"                                                                      \
    "        category: RDEL\n"                                                             \
    "        cost: {profile: [3]}\n"
static const char *yaml = "mpsim: 1\nname: mem\n" BODY;
/* The same under another name, for batches (names must differ). */
static const char *yaml_b = "mpsim: 1\nname: mem-b\n" BODY;

static mpsim_run_options options(uint64_t paths, int threads)
{
    mpsim_run_options o;
    memset(&o, 0, sizeof o);
    o.paths = paths;
    o.paths_set = 1;
    o.seed = 5;
    o.seed_set = 1;
    o.threads = threads;
    return o;
}

static uint64_t estimate(mpsim_scenario *const *s, size_t n, const mpsim_run_options *o)
{
    uint64_t bytes = 0;
    assert_int_equal(mpsim_run_estimate(s, n, o, &bytes), MPSIM_OK);
    assert_true(bytes > 0);
    return bytes;
}

/* Doubling the paths adds exactly the per-path arrays: 15 metrics per
 * scenario plus the summary's scratch array per thread (here 2), 8 bytes
 * each. */
static void test_estimate_linear_in_paths(void **state)
{
    (void)state;
    mpsim_scenario *s[2] = {mps_test_load(yaml), mps_test_load(yaml_b)};
    const uint64_t p = 100000; /* many blocks: the thread count is as asked */
    for (size_t n = 1; n <= 2; n++) {
        mpsim_run_options o1 = options(p, 2), o2 = options(2 * p, 2);
        uint64_t e1 = estimate(s, n, &o1), e2 = estimate(s, n, &o2);
        assert_int_equal(e2 - e1, p * 8 * (2 + MPSIM_N_METRICS * n));
        assert_true(e1 > p * 8 * MPSIM_N_METRICS * n);
    }
    /* Kept per-path data count twice: in the results and in the image of
     * the results file being written. */
    mpsim_run_options k = options(p, 2);
    k.keep_paths = 1;
    assert_true(estimate(s, 2, &k) >= 2 * p * 8 * MPSIM_N_METRICS * 2);
    mpsim_scenario_free(s[0]);
    mpsim_scenario_free(s[1]);
}

/* Threads beyond the blocks of a round hold nothing, so they cost nothing;
 * up to that, each thread adds a fan chart. */
static void test_estimate_threads(void **state)
{
    (void)state;
    mpsim_scenario *s = mps_test_load(yaml);
    mpsim_run_options small1 = options(100, 1), small_many = options(100, 65536);
    assert_int_equal(estimate(&s, 1, &small1), estimate(&s, 1, &small_many));
    mpsim_run_options big1 = options(1000000, 1), big4 = options(1000000, 4);
    assert_true(estimate(&s, 1, &big4) > estimate(&s, 1, &big1));
    mpsim_scenario_free(s);
}

/* No wrap-round: the largest paths the loader accepts give a huge number. */
static void test_estimate_saturates(void **state)
{
    (void)state;
    mpsim_scenario *s = mps_test_load(yaml);
    /* Exact quantiles keep every path: the estimate grows with the paths
     * and saturates rather than wrapping. */
    mpsim_run_options o = options(UINT64_MAX / 4, 1);
    o.exact_quantiles = 1;
    assert_int_equal(estimate(&s, 1, &o), UINT64_MAX);
    o = options(UINT64_C(1000000000000), 1);
    o.exact_quantiles = 1;
    assert_true(estimate(&s, 1, &o) >= UINT64_C(1000000000000) * 8 * (1 + MPSIM_N_METRICS));
    /* Streamed quantiles (the default beyond MPSIM_EXACT_PATHS) keep none:
     * the estimate does not depend on the number of paths. */
    o = options(UINT64_C(1000000000000), 1);
    mpsim_run_options small = options(2 * MPSIM_EXACT_PATHS, 1);
    assert_int_equal(estimate(&s, 1, &o), estimate(&s, 1, &small));
    uint64_t bytes = 7;
    assert_int_equal(mpsim_run_estimate(NULL, 0, &o, &bytes), MPSIM_ERR_INPUT);
    assert_int_equal(bytes, 0);
    mpsim_scenario_free(s);
}

/* Over the limit by one byte: refused, with the numbers; at the limit: runs. */
static void test_run_refuses_over_limit(void **state)
{
    (void)state;
    mpsim_scenario *s = mps_test_load(yaml);
    mpsim_run_options o = options(20000, 2);
    const uint64_t need = estimate(&s, 1, &o);

    o.max_memory = need - 1;
    mpsim_errors e;
    mpsim_errors_init(&e);
    mpsim_results *r = (mpsim_results *)&e; /* must be reset to NULL */
    assert_int_equal(mpsim_run(&s, 1, &o, &r, &e), MPSIM_ERR_INPUT);
    assert_null(r);
    assert_int_equal(e.count, 1);
    assert_non_null(strstr(e.items[0].message, "this run needs about"));
    assert_non_null(strstr(e.items[0].message, "the limit is"));
    assert_non_null(strstr(e.items[0].message, "20000 paths"));
    assert_non_null(strstr(e.items[0].message, "--max-memory"));
    mpsim_errors_clear(&e);

    o.max_memory = need;
    assert_int_equal(mpsim_run(&s, 1, &o, &r, &e), MPSIM_OK);
    assert_non_null(r);
    assert_int_equal(e.count, 0);
    mpsim_results_free(r);
    mpsim_scenario_free(s);
}

/* A kB figure from /proc/self/status ("VmRSS:", "VmHWM:"); -1 if absent. */
static long proc_status_kb(const char *key)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (!f)
        return -1;
    char line[256];
    long v = -1;
    size_t k = strlen(key);
    while (fgets(line, sizeof line, f))
        if (strncmp(line, key, k) == 0)
            v = strtol(line + k, NULL, 10);
    fclose(f);
    return v;
}

/* Runs n scenarios in a child process, writes their results file, and
 * returns the growth of its peak resident set over what it started with,
 * in bytes (-1: cannot measure). */
static long long measured_peak(mpsim_scenario *const *s, size_t n, const mpsim_run_options *o)
{
    int fd[2];
    assert_int_equal(pipe(fd), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fd[0]);
        long long grew = -1;
        long base = proc_status_kb("VmRSS:");
        mpsim_errors e;
        mpsim_errors_init(&e);
        mpsim_results *r = NULL;
        int rc = mpsim_run(s, n, o, &r, &e);
        /* Writing the results file belongs to the estimate too. */
        char *dir = NULL, *file = NULL;
        if (rc == MPSIM_OK && (dir = mps_test_tmpdir()) != NULL) {
            file = malloc(strlen(dir) + 16);
            if (file) {
                sprintf(file, "%s/r.h5", dir);
                rc = mpsim_results_write_hdf5(r, file, &e);
                remove(file);
            }
            rmdir(dir);
        }
        free(file);
        free(dir);
        long hwm = proc_status_kb("VmHWM:");
        if (rc == MPSIM_OK && base >= 0 && hwm >= 0)
            grew = (long long)(hwm - base) * 1024;
        if (write(fd[1], &grew, sizeof grew) != (ssize_t)sizeof grew)
            _exit(1);
        if (rc != MPSIM_OK)
            mpsim_errors_print(&e, stderr);
        _exit(rc == MPSIM_OK ? 0 : 1);
    }
    close(fd[1]);
    long long grew = -1;
    ssize_t got = read(fd[0], &grew, sizeof grew);
    close(fd[0]);
    int wst = 0;
    assert_int_equal(waitpid(pid, &wst, 0), pid);
    assert_true(WIFEXITED(wst) && WEXITSTATUS(wst) == 0);
    return got == (ssize_t)sizeof grew ? grew : -1;
}

#if defined(__SANITIZE_ADDRESS__)
#define MPS_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MPS_ASAN 1
#endif
#endif

/* The peak of real runs and their writes (1 and 2 scenarios, with and
 * without kept paths) lies between half the estimate and the estimate plus the allocator's
 * slack.  AddressSanitizer adds shadow memory and a quarantine of freed
 * blocks, which the estimate rightly ignores: there only the lower bound
 * is checked. */
static void test_estimate_bounds_real_peak(void **state)
{
    (void)state;
    if (proc_status_kb("VmHWM:") < 0)
        skip();
    mpsim_scenario *s[2] = {mps_test_load(yaml), mps_test_load(yaml_b)};
    for (int keep = 0; keep <= 1; keep++) {
        for (size_t n = 1; n <= 2; n++) {
            mpsim_run_options o = options(200000, 2);
            o.keep_paths = keep;
            const uint64_t est = estimate(s, n, &o);
            const long long peak = measured_peak(s, n, &o);
            if (peak < 0)
                skip();
            print_message("scenarios %zu, keep_paths %d: estimate %llu B, peak growth %lld B\n", n,
                          keep, (unsigned long long)est, peak);
            assert_true((double)peak >= 0.5 * (double)est);
#ifndef MPS_ASAN
            assert_true((double)peak <= 1.05 * (double)est + 16.0 * 1024 * 1024);
#endif
        }
    }
    mpsim_scenario_free(s[0]);
    mpsim_scenario_free(s[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_estimate_linear_in_paths),
        cmocka_unit_test(test_estimate_threads),
        cmocka_unit_test(test_estimate_saturates),
        /* Before any parallel region in this process: libgomp's thread
         * pool does not survive fork(), so the children must be forked
         * from a process that has not started one. */
        cmocka_unit_test(test_estimate_bounds_real_peak),
        cmocka_unit_test(test_run_refuses_over_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
