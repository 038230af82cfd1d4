/*
 * The model kernel over many paths (model.md sections 2-4): sample means
 * against analytic expectations, within 4 standard errors computed from the
 * sample itself (STYLE.md), with fixed seeds so the tests are
 * deterministic.  Also the randomness contract: a path depends only on
 * (seed, path), and adding a project changes no other project's draws.
 *
 * Discounting uses {constant: 0.05}: DF_t = 1.05^-t.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "model/path.h"
#include "support_model.h"
#include "test_support.h"

enum { N_PATHS = 20000 };
static const uint64_t SEED = 20250101;

static double df(int t) { return pow(1.05, -t); }

static double pv(const mps_path_result *r, int k, mps_project_pv c)
{
    return r->project_pv[k * MPS_N_PROJECT_PV + c];
}

#define HEAD(name)                                                                             \
    "mpsim: 1\nname: " name "\nbase_year: 2025\nhorizon: 60\n"                                 \
    "appraisal:\n  discount: {constant: 0.05}\n"

/* Lognormal benefits: E[PVB] = E[B] * sum DF, E[B] = exp(mu + sigma^2/2),
 * with mu = ln(median), sigma = ln(p90/median) / z_0.9 (model.md s. 3);
 * economic and health flows each with their own schedule. */
static void test_lognormal_benefits_health(void **state)
{
    (void)state;
    mps_test_sim x;
    mps_test_sim_open(&x, "mpsim: 1\nname: lognormal\nbase_year: 2025\nhorizon: 60\n"
                 "appraisal:\n  discount: {constant: 0.05, health: 0.02}\n"
                 "missions:\n  - id: m\n    projects:\n"
                 "      - {id: econ, category: CDEL, cost: {profile: [100]},\n"
                 "         benefits: {annual: {dist: lognormal, median: 20, p90: 60}, duration: 10}}\n"
                 "      - {id: care, category: RDEL, cost: {profile: [100]},\n"
                 "         benefits: {annual: {dist: lognormal, median: 20, p90: 60},\n"
                 "                    duration: 10, type: health}}\n");
    double sigma = log(60.0 / 20.0) / 1.2815515655446004;
    double eb = exp(log(20.0) + 0.5 * sigma * sigma);
    /* e = 1: benefits in years 1..10. */
    double ann = 0.0, ann_h = 0.0;
    for (int t = 1; t <= 10; t++) {
        ann += df(t);
        ann_h += pow(1.02, -t);
    }
    mps_test_acc econ = {0}, care = {0}, npv = {0};
    for (uint64_t p = 0; p < N_PATHS; p++) {
        const mps_path_result *r = mps_path_run(x.m, SEED, p, x.w);
        mps_test_acc_add(&econ, pv(r, 0, MPS_P_PV_DIRECT));
        mps_test_acc_add(&care, pv(r, 1, MPS_P_PV_DIRECT));
        mps_test_acc_add(&npv, r->metrics[MPSIM_M_NPV]);
    }
    mps_test_acc_check(&econ, eb * ann, "economic PV");
    mps_test_acc_check(&care, eb * ann_h, "health PV");
    mps_test_acc_check(&npv, eb * (ann + ann_h) - 200.0, "npv");
    mps_test_sim_close(&x);
}

/* Gates: P(success) = p, E[npv] mixes success and failure; two gates at
 * the same position are independent draws (p = 0.8 * 0.5). */
static void test_gates(void **state)
{
    (void)state;
    mps_test_sim x;
    mps_test_sim_open(&x, HEAD("gates")
                 "missions:\n  - id: m\n    projects:\n"
                 "      - {id: a, category: CDEL, cost: {profile: [10, 10]},\n"
                 "         stages: [{after: 1, p: 0.7}], benefits: {annual: 30, duration: 10}}\n"
                 "      - {id: b, category: CDEL, cost: {profile: [10, 10]},\n"
                 "         stages: [{after: 2, p: 0.8}, {after: 2, p: 0.5}]}\n");
    /* a: spends 10 in year 0; passes with 0.7, then 10 in year 1 and
     * benefits 30 in years 2..11; else nothing more. */
    double pvb = 0.0;
    for (int t = 2; t <= 11; t++)
        pvb += 30.0 * df(t);
    double want_a = 0.7 * (pvb - 10.0 - 10.0 * df(1)) + 0.3 * (-10.0);
    mps_test_acc sa = {0}, sb = {0}, npv_a = {0};
    for (uint64_t p = 0; p < N_PATHS; p++) {
        const mps_path_result *r = mps_path_run(x.m, SEED, p, x.w);
        mps_test_acc_add(&sa, r->success[0]);
        mps_test_acc_add(&sb, r->success[1]);
        mps_test_acc_add(&npv_a, pv(r, 0, MPS_P_PV_BENEFITS) - pv(r, 0, MPS_P_PV_COST));
    }
    mps_test_acc_check(&sa, 0.7, "P(success a)");
    mps_test_acc_check(&sb, 0.4, "P(success b)");
    mps_test_acc_check(&npv_a, want_a, "E[npv a]");
    mps_test_sim_close(&x);
}

/* Churn: cancelled at the start of each build year with probability c, so
 * P(success) = (1-c)^d and build year j is spent with probability
 * (1-c)^(j+1). */
static void test_churn(void **state)
{
    (void)state;
    mps_test_sim x;
    mps_test_sim_open(&x, HEAD("churn") "funding: {churn: 0.1}\n"
                 "missions:\n  - id: m\n    projects:\n"
                 "      - {id: a, category: CDEL, cost: {profile: [10, 20, 30, 40, 50]}}\n");
    double want_cost = 0.0;
    for (int j = 0; j < 5; j++)
        want_cost += 10.0 * (j + 1) * df(j) * pow(0.9, j + 1);
    mps_test_acc s = {0}, c = {0};
    for (uint64_t p = 0; p < N_PATHS; p++) {
        const mps_path_result *r = mps_path_run(x.m, SEED, p, x.w);
        mps_test_acc_add(&s, r->success[0]);
        mps_test_acc_add(&c, r->metrics[MPSIM_M_PV_COST]);
    }
    mps_test_acc_check(&s, pow(0.9, 5), "P(survive 5 years)");
    mps_test_acc_check(&c, want_cost, "E[pv_cost]");
    mps_test_sim_close(&x);
}

/* Overrun: E[pv_cost] = E[O] * PV(c), for PERT (E = (min + 4 mode + max)/6)
 * and lognormal given by mean and sd (E = mean). */
static void test_overrun(void **state)
{
    (void)state;
    mps_test_sim x;
    mps_test_sim_open(&x, HEAD("overrun")
                 "missions:\n  - id: m\n    projects:\n"
                 "      - {id: a, category: CDEL,\n"
                 "         cost: {profile: [50, 80], overrun: {dist: pert, min: 0.9, mode: 1.1, max: 1.8}}}\n"
                 "      - {id: b, category: RDEL,\n"
                 "         cost: {profile: [50, 80], overrun: {dist: lognormal, mean: 1.2, sd: 0.3}}}\n");
    double pvc = 50.0 + 80.0 * df(1);
    mps_test_acc a = {0}, b = {0};
    for (uint64_t p = 0; p < N_PATHS; p++) {
        const mps_path_result *r = mps_path_run(x.m, SEED, p, x.w);
        mps_test_acc_add(&a, r->metrics[MPSIM_M_PV_COST_CDEL]);
        mps_test_acc_add(&b, r->metrics[MPSIM_M_PV_COST_RDEL]);
    }
    mps_test_acc_check(&a, (0.9 + 4.0 * 1.1 + 1.8) / 6.0 * pvc, "PERT overrun");
    mps_test_acc_check(&b, 1.2 * pvc, "lognormal overrun");
    mps_test_sim_close(&x);
}

/* NPV of a project starting in model year k: spend 100 in year k, benefits
 * 10 in years k+1 .. k+5, all cut at the horizon 60. */
static double delayed_npv(int k)
{
    if (k >= 60)
        return 0.0;
    /* The one build year lies inside the horizon, so the project succeeds
     * (e = k + 1), even when all its benefits fall past the horizon. */
    double v = -100.0 * df(k);
    for (int t = k + 1; t <= k + 5 && t < 60; t++)
        v += 10.0 * df(t);
    return v;
}

/* Delay: a fixed delay moves the project exactly; a Poisson delay gives
 * E[npv] = sum_k P(D = k) * npv(k). */
static void test_delay(void **state)
{
    (void)state;
    mps_test_sim x;
    mps_test_sim_open(&x, HEAD("delay")
                 "missions:\n  - id: m\n    projects:\n"
                 "      - {id: fixed, category: CDEL, delay: 2, cost: {profile: [100]},\n"
                 "         benefits: {annual: 10, duration: 5}}\n"
                 "      - {id: random, category: CDEL, delay: {dist: poisson, mean: 1.5},\n"
                 "         cost: {profile: [100]}, benefits: {annual: 10, duration: 5}}\n");
    double want = 0.0;
    for (unsigned k = 0; k < 200; k++)
        want += gsl_ran_poisson_pdf(k, 1.5) * delayed_npv((int)k);
    mps_test_acc r_npv = {0};
    for (uint64_t p = 0; p < N_PATHS; p++) {
        const mps_path_result *r = mps_path_run(x.m, SEED, p, x.w);
        double f = pv(r, 0, MPS_P_PV_BENEFITS) - pv(r, 0, MPS_P_PV_COST);
        if (fabs(f - delayed_npv(2)) > 1e-9 * 100.0)
            fail_msg("fixed delay: npv %.17g, want %.17g", f, delayed_npv(2));
        mps_test_acc_add(&r_npv, pv(r, 1, MPS_P_PV_BENEFITS) - pv(r, 1, MPS_P_PV_COST));
    }
    mps_test_acc_check(&r_npv, want, "Poisson delay E[npv]");
    mps_test_sim_close(&x);
}

static const char *const purity_yaml =
    HEAD("purity") "funding: {churn: 0.05}\n"
    "missions:\n  - id: m\n    target: {value: 1, by: 2080}\n    projects:\n"
    "      - {id: a, category: CDEL, delay: {dist: poisson, mean: 1},\n"
    "         cost: {profile: [50, 80], overrun: {dist: triangular, min: 0.9, mode: 1, max: 2}},\n"
    "         stages: [{after: 1, p: 0.8}, {after: 2, p: 0.9}],\n"
    "         benefits: {annual: {dist: lognormal, median: 20, p90: 60}, ramp: 2}, outcome: 0.5}\n"
    "      - {id: b, category: RDEL, delay: {dist: uniform, min: 0, max: 3},\n"
    "         cost: {profile: [30, 30, 30]}, stages: [{after: 3, p: 0.6}],\n"
    "         benefits: {annual: {dist: normal, mean: 15, sd: 5}, type: health}, outcome: 0.5}\n";

typedef struct {
    double metrics[MPSIM_N_METRICS];
    double project_pv[2 * MPS_N_PROJECT_PV];
    unsigned char success[2];
    int mission_year;
    double series[(MPS_N_CORE_SERIES + 1) * 60];
} snapshot_t;

static void snap(snapshot_t *sn, const mps_path_result *r)
{
    memset(sn, 0, sizeof *sn);
    memcpy(sn->metrics, r->metrics, sizeof sn->metrics);
    memcpy(sn->project_pv, r->project_pv, sizeof sn->project_pv);
    memcpy(sn->success, r->success, sizeof sn->success);
    sn->mission_year = r->mission_year[0];
    memcpy(sn->series, r->series, sizeof sn->series);
}

/* A path's results depend only on (seed, path): not on what ran before on
 * the workspace, nor on which workspace runs it. */
static void test_path_purity(void **state)
{
    (void)state;
    mps_test_sim x;
    mps_test_sim_open(&x, purity_yaml);
    snapshot_t *a = malloc(sizeof *a), *b = malloc(sizeof *b);
    assert_non_null(a);
    assert_non_null(b);
    snap(a, mps_path_run(x.m, SEED, 7, x.w));
    snap(b, mps_path_run(x.m, SEED, 7, x.w));
    assert_memory_equal(a, b, sizeof *a);
    /* After other paths (a project that failed leaves no state behind). */
    int differs = 0;
    for (uint64_t p = 0; p < 50; p++) {
        const mps_path_result *r = mps_path_run(x.m, SEED, p, x.w);
        differs |= r->metrics[MPSIM_M_NPV] != a->metrics[MPSIM_M_NPV];
    }
    assert_true(differs); /* the paths really are random */
    snap(b, mps_path_run(x.m, SEED, 7, x.w));
    assert_memory_equal(a, b, sizeof *a);
    /* On a fresh workspace. */
    mps_workspace *w2 = mps_workspace_alloc(x.m);
    assert_non_null(w2);
    snap(b, mps_path_run(x.m, SEED, 7, w2));
    assert_memory_equal(a, b, sizeof *a);
    /* Another seed gives another path. */
    snap(b, mps_path_run(x.m, SEED + 1, 7, w2));
    assert_true(memcmp(a, b, sizeof *a) != 0);
    mps_workspace_free(w2);
    free(a);
    free(b);
    mps_test_sim_close(&x);
}

/* Adding a project (here first in the file, in the same mission, with its
 * own gates and delay) changes no other project's draws: per-project
 * success and present values are bit-identical on every path. */
static void test_adding_a_project(void **state)
{
    (void)state;
    mps_test_sim x, y;
    mps_test_sim_open(&x, purity_yaml);
    mps_test_sim_open(&y, HEAD("purity-plus") "funding: {churn: 0.05}\n"
                 "missions:\n  - id: m\n    target: {value: 1, by: 2080}\n    projects:\n"
                 "      - {id: new, category: PDEL, delay: {dist: poisson, mean: 2},\n"
                 "         cost: {profile: [5, 5], overrun: {dist: uniform, min: 1, max: 2}},\n"
                 "         stages: [{after: 1, p: 0.5}], benefits: {annual: {dist: normal, mean: 3, sd: 1}}}\n"
                 "      - {id: a, category: CDEL, delay: {dist: poisson, mean: 1},\n"
                 "         cost: {profile: [50, 80], overrun: {dist: triangular, min: 0.9, mode: 1, max: 2}},\n"
                 "         stages: [{after: 1, p: 0.8}, {after: 2, p: 0.9}],\n"
                 "         benefits: {annual: {dist: lognormal, median: 20, p90: 60}, ramp: 2}, outcome: 0.5}\n"
                 "      - {id: b, category: RDEL, delay: {dist: uniform, min: 0, max: 3},\n"
                 "         cost: {profile: [30, 30, 30]}, stages: [{after: 3, p: 0.6}],\n"
                 "         benefits: {annual: {dist: normal, mean: 15, sd: 5}, type: health}, outcome: 0.5}\n");
    int some_fail = 0, some_succeed = 0;
    for (uint64_t p = 0; p < 2000; p++) {
        const mps_path_result *rx = mps_path_run(x.m, SEED, p, x.w);
        const mps_path_result *ry = mps_path_run(y.m, SEED, p, y.w);
        for (int k = 0; k < 2; k++) {
            /* project k of x is project k + 1 of y */
            assert_int_equal(rx->success[k], ry->success[k + 1]);
            assert_memory_equal(&rx->project_pv[k * MPS_N_PROJECT_PV],
                                &ry->project_pv[(k + 1) * MPS_N_PROJECT_PV],
                                MPS_N_PROJECT_PV * sizeof(double));
            some_fail |= !rx->success[k];
            some_succeed |= rx->success[k];
        }
    }
    assert_true(some_fail && some_succeed);
    mps_test_sim_close(&x);
    mps_test_sim_close(&y);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lognormal_benefits_health),
        cmocka_unit_test(test_gates),
        cmocka_unit_test(test_churn),
        cmocka_unit_test(test_overrun),
        cmocka_unit_test(test_delay),
        cmocka_unit_test(test_path_purity),
        cmocka_unit_test(test_adding_a_project),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
