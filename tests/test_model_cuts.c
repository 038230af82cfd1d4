/*
 * Spending reviews and cuts (model.md sections 7 and 8): a cut decided at a
 * review multiplies the planned spend of every project in a cut category
 * by 1 - fraction for the review period, including projects that start
 * during it; ringfenced categories are never cut; a cut project's direct
 * benefits and mission outcome scale with the share of its planned spend
 * made; cuts never make a project fail; churn is independent of cuts.
 * Deterministic cases (probability 1, or regimes that are certain) are
 * compared to 1e-9 relative; the regime-dependent probability within 4
 * standard errors from the sample.
 *
 * Discounting uses {constant: 0.05}: DF_t = 1.05^-t.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "model/path.h"
#include "support_model.h"
#include "test_support.h"

enum { H = 12, N_PATHS = 40000 };

typedef struct {
    mpsim_scenario *s;
    mps_model *m;
    mps_workspace *w;
    const mps_path_result *r;
} run_t;

static double df(int t) { return pow(1.05, -t); }

static void near(double got, double want)
{
    double tol = 1e-9 * fmax(1.0, fabs(want));
    if (!(fabs(got - want) <= tol))
        fail_msg("got %.17g, want %.17g (tolerance %.3g)", got, want, tol);
}

static void run_open(run_t *x, const char *yaml)
{
    x->s = mps_test_load(yaml);
    assert_int_equal(mps_model_create(x->s, &x->m), MPSIM_OK);
    x->w = mps_workspace_alloc(x->m);
    assert_non_null(x->w);
    x->r = mps_path_run(x->m, 31, 5, x->w);
}

static void run_close(run_t *x)
{
    mps_workspace_free(x->w);
    mps_model_free(x->m);
    mpsim_scenario_free(x->s);
}

static double ser(const run_t *x, const char *name, int t)
{
    int i = mps_model_series_find(x->m, name);
    if (i < 0)
        fail_msg("no series %s", name);
    return x->r->series[i * H + t];
}

static double ppv(const run_t *x, int k, mps_project_pv c)
{
    return x->r->project_pv[k * MPS_N_PROJECT_PV + c];
}

#define HEAD(name)                                                                             \
    "mpsim: 1\nname: " name "\nbase_year: 2025\nhorizon: 12\n"                                 \
    "appraisal:\n  discount: {constant: 0.05}\n"

/* Reviews in 2026, 2029, ... (model years 1, 4, 7, 10), each cutting with
 * probability 1: a 25% cut is in force from year 1 on, never in year 0
 * (before the first review).  CDEL and RDEL are cut; PDEL is listed but
 * ringfenced.  c and r spend 100, 75, 75, 75 of their plans (c times its
 * overrun 1.1), so their share is 325/400 and their benefits (economic
 * and health alike) and c's outcome are scaled by it; p is whole; z plans
 * no spend, so its share is 1. */
static void test_ringfence_probability_one(void **state)
{
    (void)state;
    run_t x;
    run_open(&x, HEAD("cut-ring")
                 "funding:\n  spending_review: {every: 3, first: 2026}\n"
                 "  cuts: {applies_to: [CDEL, RDEL, PDEL], probability: 1, fraction: 0.25}\n"
                 "  ringfence: [PDEL]\n"
                 "missions:\n  - id: m\n    projects:\n"
                 "      - {id: c, category: CDEL, cost: {profile: [100, 100, 100, 100], overrun: 1.1},\n"
                 "         benefits: {annual: 40, duration: 5}, outcome: 2}\n"
                 "      - {id: r, category: RDEL, cost: {profile: [100, 100, 100, 100]},\n"
                 "         benefits: {annual: 40, duration: 5, type: health}}\n"
                 "      - {id: p, category: PDEL, cost: {profile: [100, 100, 100, 100]},\n"
                 "         benefits: {annual: 40, duration: 5}}\n"
                 "      - {id: z, category: CDEL, cost: {profile: [0, 0]},\n"
                 "         benefits: {annual: 10, duration: 2}, outcome: 1}\n");
    const double share = 325.0 / 400.0;
    int mi = mps_model_mission_series(x.m, 0);
    double pv_c = 0.0, pv_p = 0.0;
    for (int t = 0; t < H; t++) {
        double k = t >= 1 ? 0.75 : 1.0;
        near(ser(&x, "cut", t), t >= 1 ? 1.0 : 0.0);
        near(ser(&x, "cost_cdel", t), t < 4 ? 110.0 * k : 0.0);
        near(ser(&x, "cost_rdel", t), t < 4 ? 100.0 * k : 0.0);
        near(ser(&x, "cost_pdel", t), t < 4 ? 100.0 : 0.0);
        double ind = (t >= 4 ? 2.0 * share : 0.0) + (t >= 2 ? 1.0 : 0.0);
        near(x.r->series[mi * H + t], ind);
        if (t >= 4 && t < 9) {
            pv_c += df(t) * 40.0 * share;
            pv_p += df(t) * 40.0;
        }
    }
    near(ppv(&x, 0, MPS_P_PV_DIRECT), pv_c);
    near(ppv(&x, 1, MPS_P_PV_DIRECT), pv_c); /* same rates for health here */
    near(ppv(&x, 2, MPS_P_PV_DIRECT), pv_p);
    near(ppv(&x, 3, MPS_P_PV_DIRECT), 10.0 * (df(2) + df(3)));
    near(x.r->spend_share[0], share);
    near(x.r->spend_share[1], share);
    assert_true(x.r->spend_share[2] == 1.0);
    assert_true(x.r->spend_share[3] == 1.0);
    for (int k = 0; k < 4; k++) {
        assert_int_equal(x.r->success[k], 1);
        assert_int_equal(x.r->stop_year[k], -1);
    }
    /* The static appraisal has no cuts (and no overrun): c, r and p cost
     * their plans. */
    mpsim_static_result st;
    mps_static_appraise(x.m, &st);
    near(st.pv_cost, 300.0 * (1.0 + df(1) + df(2) + df(3)));
    run_close(&x);
}

/* A cut of the whole plan (fraction 1, every year) leaves nothing spent,
 * yet the project still succeeds: cuts never make a project fail.  Its
 * share is 0, so it has no benefits and no outcome. */
static void test_full_cut_never_fails(void **state)
{
    (void)state;
    run_t x;
    run_open(&x, HEAD("cut-all")
                 "funding:\n  spending_review: {every: 1}\n"
                 "  cuts: {probability: 1, fraction: 1}\n"
                 "missions:\n  - id: m\n    projects:\n"
                 "      - {id: a, category: RDEL, cost: {profile: [50, 50]},\n"
                 "         stages: [{after: 2, p: 1}], benefits: {annual: 40}, outcome: 1}\n");
    assert_int_equal(x.r->success[0], 1);
    assert_true(x.r->spend_share[0] == 0.0);
    assert_true(x.r->metrics[MPSIM_M_PV_COST] == 0.0);
    assert_true(x.r->metrics[MPSIM_M_PV_BENEFITS] == 0.0);
    int mi = mps_model_mission_series(x.m, 0);
    for (int t = 0; t < H; t++) {
        near(ser(&x, "cut", t), 1.0);
        assert_true(x.r->series[mi * H + t] == 0.0);
    }
    run_close(&x);
}

#define PERIOD_YAML(name, extra)                                                               \
    HEAD(name)                                                                                 \
    "economy:\n"                                                                               \
    "  regimes: {names: [slack, normal], initial: [1, 0], transition: [[0, 1], [0, 1]]}\n"     \
    "  multipliers: {CDEL: 1.0, RDEL: 0.5}\n"                                                  \
    "funding:\n  spending_review: {every: 3, first: 2025}\n"                                   \
    "  cuts: {applies_to: [RDEL], probability: {slack: 1, normal: 0}, fraction: 0.5}\n"        \
    "missions:\n  - id: m\n    projects:\n"                                                    \
    "      - {id: late, category: RDEL, start: 2026, cost: {profile: [100, 100, 100, 100]},\n" \
    "         benefits: {annual: 20, duration: 3}, outcome: 1" extra "}\n"                     \
    "      - {id: cap, category: CDEL, cost: {profile: [100, 100]}}\n"

/* The path is in regime slack in year 0 and normal after it, so the review
 * of year 0 cuts RDEL by half for years 0..2 and the review of year 3 does
 * not cut.  `late` starts in year 1, during the cut period: it spends 50,
 * 50, 100, 100, so its share is 300/400 and its benefits (years 5..7) and
 * outcome are scaled by 0.75.  CDEL is not listed.  GDP follows actual
 * spend: GDP_t = 1.0 cap_t + 0.5 late_t. */
static void test_cut_period_and_late_start(void **state)
{
    (void)state;
    run_t x;
    run_open(&x, PERIOD_YAML("cut-period", ""));
    const double late[H] = {0, 50, 50, 100, 100};
    const double cap[H] = {100, 100};
    int mi = mps_model_mission_series(x.m, 0);
    double pvb = 0.0;
    for (int t = 0; t < H; t++) {
        near(ser(&x, "cut", t), t < 3 ? 1.0 : 0.0);
        near(ser(&x, "cost_rdel", t), late[t]);
        near(ser(&x, "cost_cdel", t), cap[t]);
        near(ser(&x, "gdp", t), cap[t] + 0.5 * late[t]);
        near(x.r->series[mi * H + t], t >= 5 ? 0.75 : 0.0);
        if (t >= 5 && t < 8) {
            near(ser(&x, "benefits", t), 15.0);
            pvb += df(t) * 15.0;
        }
    }
    near(x.r->spend_share[0], 0.75);
    assert_true(x.r->spend_share[1] == 1.0);
    near(x.r->metrics[MPSIM_M_PV_DIRECT], pvb);
    run_close(&x);
}

/* Spillovers come from actual spend, after cuts: with the spend above,
 * E[pv_spillovers] = rate V sum_t S_t sum_i DF_{t+i} over duration 2. */
static void test_spillovers_after_cuts(void **state)
{
    (void)state;
    run_t x;
    run_open(&x, PERIOD_YAML("cut-spill", ",\n         spillovers: {rate: 0.01, value: 3, duration: 2}"));
    const double late[H] = {0, 50, 50, 100, 100};
    double want = 0.0;
    for (int t = 0; t < H; t++)
        want += late[t] * 0.01 * 3.0 * (df(t) + (t + 1 < H ? df(t + 1) : 0.0));
    mps_test_acc a = {0};
    for (uint64_t p = 0; p < N_PATHS / 4; p++)
        mps_test_acc_add(&a, mps_path_run(x.m, 8, p, x.w)->metrics[MPSIM_M_PV_SPILLOVERS]);
    mps_test_acc_check(&a, want, "E[pv_spillovers] after cuts");
    run_close(&x);
}

/* Cut probability by regime: reviews in years 0, 3, 6, 9; the cut at a
 * review has probability p(r_t).  So P(cut in force at t = 0) =
 * sum_r pi_0(r) p(r), at t = 3 it is pi_0 T^3 p, and the joint
 * P(cut at 0 and at 3) = sum_{r,s} pi_0(r) p(r) T^3(r,s) p(s).  A cut
 * stays in force to the next review, and each year's spend is
 * c (1 - 0.3 cut_t) exactly. */
static void test_probability_by_regime(void **state)
{
    (void)state;
    run_t x;
    run_open(&x, HEAD("cut-regime")
                 "economy:\n"
                 "  regimes: {names: [slack, normal], initial: [0.3, 0.7],\n"
                 "            transition: [[0.6, 0.4], [0.2, 0.8]]}\n"
                 "funding:\n  spending_review: {every: 3}\n"
                 "  cuts: {probability: {slack: 0.6, normal: 0.1}, fraction: 0.3}\n"
                 "missions:\n  - id: m\n    projects:\n"
                 "      - {id: a, category: CDEL, cost: {profile: [10, 10, 10, 10, 10, 10]}}\n");
    const double pi0[2] = {0.3, 0.7}, p[2] = {0.6, 0.1};
    const double T[2][2] = {{0.6, 0.4}, {0.2, 0.8}};
    double T3[2][2], T2[2][2];
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++)
            T2[i][j] = T[i][0] * T[0][j] + T[i][1] * T[1][j];
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++)
            T3[i][j] = T2[i][0] * T[0][j] + T2[i][1] * T[1][j];
    double want0 = 0.0, want3 = 0.0, joint = 0.0;
    for (int r = 0; r < 2; r++) {
        want0 += pi0[r] * p[r];
        for (int s = 0; s < 2; s++) {
            want3 += pi0[r] * T3[r][s] * p[s];
            joint += pi0[r] * p[r] * T3[r][s] * p[s];
        }
    }
    int ic = mps_model_series_find(x.m, "cut");
    mps_test_acc c0 = {0}, c3 = {0}, both = {0};
    for (uint64_t k = 0; k < N_PATHS; k++) {
        const mps_path_result *r = mps_path_run(x.m, 77, k, x.w);
        const double *cut = &r->series[ic * H];
        assert_true(cut[1] == cut[0] && cut[2] == cut[0]);
        assert_true(cut[4] == cut[3] && cut[5] == cut[3]);
        for (int t = 0; t < 6; t++)
            near(r->series[MPS_S_COST_CDEL * H + t], 10.0 * (1.0 - 0.3 * cut[t]));
        mps_test_acc_add(&c0, cut[0]);
        mps_test_acc_add(&c3, cut[3]);
        mps_test_acc_add(&both, cut[0] * cut[3]);
    }
    mps_test_acc_check(&c0, want0, "P(cut at the review of year 0)");
    mps_test_acc_check(&c3, want3, "P(cut at the review of year 3)");
    mps_test_acc_check(&both, joint, "P(cut at both reviews)");
    run_close(&x);
}

#define CHURN_YAML(name, cuts)                                                                 \
    HEAD(name) "funding:\n  churn: 0.2\n  spending_review: {every: 2}\n" cuts                  \
    "missions:\n  - id: m\n    projects:\n"                                                    \
    "      - {id: a, category: CDEL, cost: {profile: [100, 100, 100, 100, 100]},\n"           \
    "         stages: [{after: 3, p: 0.9}], benefits: {annual: 50, duration: 10}}\n"

/* Churn is independent of cuts: with a 40% cut in force every year, each
 * path cancels, fails or succeeds exactly as without cuts (the same
 * uniforms), spends 0.6 of what it spends uncut, and a success has 0.6 of
 * the benefits.  P(success) = 0.8^5 0.9 either way. */
static void test_churn_with_cuts(void **state)
{
    (void)state;
    run_t x, y;
    run_open(&x, CHURN_YAML("churn-cut", "  cuts: {probability: 1, fraction: 0.4}\n"));
    run_open(&y, CHURN_YAML("churn-only", ""));
    mps_test_acc succ = {0};
    for (uint64_t k = 0; k < N_PATHS / 4; k++) {
        const mps_path_result *a = mps_path_run(x.m, 5, k, x.w);
        double cost[H], share = a->spend_share[0], pvd = a->metrics[MPSIM_M_PV_DIRECT];
        unsigned char sa = a->success[0];
        for (int t = 0; t < H; t++)
            cost[t] = a->series[MPS_S_COST * H + t];
        const mps_path_result *b = mps_path_run(y.m, 5, k, y.w);
        assert_int_equal(sa, b->success[0]);
        for (int t = 0; t < H; t++)
            near(cost[t], 0.6 * b->series[MPS_S_COST * H + t]);
        near(share, 0.6 * b->spend_share[0]);
        near(pvd, 0.6 * b->metrics[MPSIM_M_PV_DIRECT]);
        mps_test_acc_add(&succ, sa);
    }
    mps_test_acc_check(&succ, pow(0.8, 5) * 0.9, "P(success) with churn and cuts");
    run_close(&x);
    run_close(&y);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ringfence_probability_one),
        cmocka_unit_test(test_full_cut_never_fails),
        cmocka_unit_test(test_cut_period_and_late_start),
        cmocka_unit_test(test_spillovers_after_cuts),
        cmocka_unit_test(test_probability_by_regime),
        cmocka_unit_test(test_churn_with_cuts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
