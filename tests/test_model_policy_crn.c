/*
 * The randomness contract (model.md section 2) for prevention, spending
 * reviews and cuts, and adaptive management: adding any of them to a
 * scenario leaves the draws of the inputs they do not touch bit-identical
 * (common random numbers, so policy comparisons have small variance), and
 * a run with all of them is bit-identical on 1 and 3 threads.
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

#include "model/path.h"
#include "support_model.h"
#include "test_support.h"

enum { N_PATHS = 3000 };
static const uint64_t SEED = 1234;

/* Project b is the same in every variant below; a is the one the policies
 * touch.  b is RDEL so that a cut of CDEL only leaves it alone. */
#define HEAD(name, policy)                                                                     \
    "mpsim: 1\nname: " name "\nbase_year: 2025\nhorizon: 30\n" policy                          \
    "missions:\n  - id: m\n    projects:\n"
#define PROJECT_A(extra)                                                                       \
    "      - {id: a, category: CDEL, delay: {dist: poisson, mean: 1},\n"                       \
    "         cost: {profile: [60, 60, 60, 60], overrun: {dist: lognormal, median: 1.1, p90: 1.6}},\n" \
    "         stages: [{after: 2, p: 0.8}],\n"                                                 \
    "         benefits: {annual: {dist: lognormal, median: 30, p90: 90}, duration: 15}" extra "}\n"
#define PROJECT_B                                                                              \
    "      - {id: b, category: RDEL, delay: {dist: poisson, mean: 1},\n"                       \
    "         cost: {profile: [40, 40, 40], overrun: {dist: pert, min: 0.9, mode: 1, max: 1.8}},\n" \
    "         stages: [{after: 1, p: 0.7}],\n"                                                 \
    "         benefits: {annual: {dist: normal, mean: 15, sd: 5}, duration: 20},\n"            \
    "         spillovers: {rate: 0.02, value: {dist: lognormal, median: 1, p90: 5}}}\n"

#define CHURN "funding:\n  churn: 0.05\n"

typedef struct {
    double pv[MPS_N_PROJECT_PV];
    unsigned char success;
    double share;
} project_out;

static project_out take(const mps_path_result *r, int k)
{
    project_out o;
    memcpy(o.pv, &r->project_pv[k * MPS_N_PROJECT_PV], sizeof o.pv);
    o.success = r->success[k];
    o.share = r->spend_share[k];
    return o;
}

static void same(const project_out *x, const project_out *y)
{
    assert_memory_equal(x->pv, y->pv, sizeof x->pv);
    assert_int_equal(x->success, y->success);
    assert_memory_equal(&x->share, &y->share, sizeof x->share);
}

/* Compares b bit for bit between two scenarios on every path, and a's
 * outcome (success, direct benefits) when `a_too`. */
static void compare(const char *plain, const char *policy, int a_too, int *a_changed)
{
    mps_test_sim x, y;
    mps_test_sim_open(&x, plain);
    mps_test_sim_open(&y, policy);
    int differ = 0;
    for (uint64_t p = 0; p < N_PATHS; p++) {
        const mps_path_result *r = mps_path_run(x.m, SEED, p, x.w);
        project_out a0 = take(r, 0), b0 = take(r, 1);
        r = mps_path_run(y.m, SEED, p, y.w);
        project_out a1 = take(r, 0), b1 = take(r, 1);
        same(&b0, &b1);
        if (a_too) {
            assert_int_equal(a0.success, a1.success);
            assert_memory_equal(&a0.pv[MPS_P_PV_DIRECT], &a1.pv[MPS_P_PV_DIRECT], sizeof(double));
        }
        differ |= memcmp(&a0, &a1, sizeof a0) != 0;
    }
    if (a_changed != NULL)
        *a_changed = differ;
    mps_test_sim_close(&x);
    mps_test_sim_close(&y);
}

/* Prevention on a: b untouched; a's own success and direct benefits
 * untouched (the effect has its own stream); a's savings change. */
static void test_prevention_changes_no_other_draw(void **state)
{
    (void)state;
    int changed = 0;
    compare(HEAD("plain", CHURN) PROJECT_A("") PROJECT_B,
            HEAD("prev", CHURN) PROJECT_A(",\n         prevention: {effect: {dist: uniform, "
                                          "min: 0.1, max: 0.3}, lag: 1, persistence: 0.7}")
                PROJECT_B,
            1, &changed);
    assert_true(changed);
}

/* Cuts of CDEL: b (RDEL) untouched; a's gates and churn unchanged (same
 * success), though its spend and benefits are cut. */
static void test_cuts_change_no_other_draw(void **state)
{
    (void)state;
    int changed = 0;
    mps_test_sim y;
    const char *cut = HEAD("cut", CHURN "  spending_review: {every: 2}\n"
                                        "  cuts: {applies_to: [CDEL], probability: 0.5, "
                                        "fraction: 0.3}\n") PROJECT_A("") PROJECT_B;
    compare(HEAD("plain", CHURN) PROJECT_A("") PROJECT_B, cut, 0, &changed);
    assert_true(changed);
    /* a succeeds exactly when it does uncut. */
    mps_test_sim x;
    mps_test_sim_open(&x, HEAD("plain", CHURN) PROJECT_A("") PROJECT_B);
    mps_test_sim_open(&y, cut);
    for (uint64_t p = 0; p < N_PATHS; p++) {
        unsigned char s0 = mps_path_run(x.m, SEED, p, x.w)->success[0];
        assert_int_equal(s0, mps_path_run(y.m, SEED, p, y.w)->success[0]);
    }
    mps_test_sim_close(&x);
    mps_test_sim_close(&y);
}

/* Management: b (normal benefits, never reviewed) untouched; a identical
 * on every path where it is not stopped. */
static void test_management_changes_no_other_draw(void **state)
{
    (void)state;
    const char *plain = HEAD("plain", CHURN) PROJECT_A("") PROJECT_B;
    const char *managed =
        HEAD("managed", CHURN "management: {review_every: 1, signal_noise: 0.3, stop_below: 1.5}\n")
            PROJECT_A("") PROJECT_B;
    int changed = 0;
    compare(plain, managed, 0, &changed);
    assert_true(changed);
    mps_test_sim x, y;
    mps_test_sim_open(&x, plain);
    mps_test_sim_open(&y, managed);
    int stops = 0;
    for (uint64_t p = 0; p < N_PATHS; p++) {
        project_out a0 = take(mps_path_run(x.m, SEED, p, x.w), 0);
        const mps_path_result *r = mps_path_run(y.m, SEED, p, y.w);
        if (r->stop_year[0] >= 0) {
            stops++;
            continue;
        }
        project_out a1 = take(r, 0);
        same(&a0, &a1);
    }
    assert_true(stops > 0 && stops < N_PATHS);
    mps_test_sim_close(&x);
    mps_test_sim_close(&y);
}

static void assert_results_identical(const mpsim_results *x, const mpsim_results *y)
{
    const mpsim_scenario_result *a = &x->scenarios[0], *b = &y->scenarios[0];
    assert_memory_equal(a->stats, b->stats, sizeof a->stats);
    assert_memory_equal(&a->expected_bcr, &b->expected_bcr, sizeof(double));
    assert_int_equal(a->n_series, b->n_series);
    for (size_t v = 0; v < a->n_series; v++) {
        assert_string_equal(a->series[v].name, b->series[v].name);
        assert_memory_equal(a->series[v].mean, b->series[v].mean,
                            (size_t)a->horizon * sizeof(double));
        assert_memory_equal(a->series[v].bands, b->series[v].bands,
                            (size_t)a->horizon * a->n_quantiles * sizeof(double));
    }
    for (size_t j = 0; j < a->n_projects; j++) {
        const mpsim_project_result *p = &a->projects[j], *q = &b->projects[j];
        assert_memory_equal(&p->p_success, &q->p_success, sizeof(double));
        assert_memory_equal(&p->mean_pv_benefits, &q->mean_pv_benefits, sizeof(double));
        assert_memory_equal(&p->mean_pv_savings, &q->mean_pv_savings, sizeof(double));
        assert_memory_equal(&p->mean_spend_share, &q->mean_spend_share, sizeof(double));
        assert_memory_equal(&p->p_stopped, &q->p_stopped, sizeof(double));
    }
    assert_int_equal(a->n_paths_kept, b->n_paths_kept);
    for (int m = 0; m < MPSIM_N_METRICS; m++)
        assert_memory_equal(a->paths[m], b->paths[m], a->n_paths_kept * sizeof(double));
}

/* Everything at once, through the run driver: 1 and 3 threads agree bit
 * for bit, and the new series are present. */
static void test_threads_bit_identical(void **state)
{
    (void)state;
    mpsim_scenario *s = mps_test_load(
        HEAD("policy",
             "economy:\n"
             "  regimes: {names: [slack, normal], initial: [0.4, 0.6],\n"
             "            transition: [[0.7, 0.3], [0.2, 0.8]]}\n"
             "  multipliers: {CDEL: 1.0, RDEL: 0.6}\n"
             "funding:\n  churn: 0.05\n  spending_review: {every: 3}\n"
             "  cuts: {applies_to: [CDEL, PDEL], probability: {slack: 0.5, normal: 0.1},\n"
             "         fraction: 0.3}\n"
             "  ringfence: [PDEL]\n"
             "management: {review_every: 2, signal_noise: 0.5}\n")
            PROJECT_A("") PROJECT_B
        "      - {id: p, category: PDEL, cost: {profile: [20, 20, 20, 20, 20]},\n"
        "         prevention: {effect: {dist: lognormal, median: 0.3, p90: 0.6}, lag: 2,\n"
        "                      persistence: 0.8}}\n");
    mpsim_results *r1 = mps_test_run(s, N_PATHS, 11, 1, 1);
    mpsim_results *r3 = mps_test_run(s, N_PATHS, 11, 3, 1);
    assert_results_identical(r1, r3);
    const char *want[] = {"avoided_cost", "cut", "projects_stopped"};
    for (size_t i = 0; i < 3; i++) {
        size_t v = 0;
        while (v < r1->scenarios[0].n_series && strcmp(r1->scenarios[0].series[v].name, want[i]))
            v++;
        assert_true(v < r1->scenarios[0].n_series);
    }
    mpsim_results_free(r1);
    mpsim_results_free(r3);
    mpsim_scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_prevention_changes_no_other_draw),
        cmocka_unit_test(test_cuts_change_no_other_draw),
        cmocka_unit_test(test_management_changes_no_other_draw),
        cmocka_unit_test(test_threads_bit_identical),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
