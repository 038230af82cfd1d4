/*
 * Preventative spending (model.md section 7): the prevention stock
 * P_t = persistence P_{t-1} + S_{t-lag} of the programme actually
 * delivered, and the avoided acute cost A_t = effect P_t, a cashable
 * saving under both cost_savings conventions.  Deterministic cases are
 * written out from the equations in the test and compared to 1e-9
 * relative; the per-path effect draw is checked against its mean within 4
 * standard errors, and its correlation through the copula.
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

enum { H = 12 };

typedef struct {
    mpsim_scenario *s;
    mps_model *m;
    mps_workspace *w;
    const mps_path_result *r;
} run_t;

static double df(int t) { return pow(1.05, -t); }

static void near(double got, double want, double scale)
{
    double tol = 1e-9 * fmax(1.0, fmax(fabs(want), scale));
    if (!(fabs(got - want) <= tol))
        fail_msg("got %.17g, want %.17g (tolerance %.3g)", got, want, tol);
}
#define NEAR(got, want) near((got), (want), 0.0)

static void run_open(run_t *x, const char *yaml)
{
    x->s = mps_test_load(yaml);
    assert_int_equal(mps_model_create(x->s, &x->m), MPSIM_OK);
    x->w = mps_workspace_alloc(x->m);
    assert_non_null(x->w);
    x->r = mps_path_run(x->m, 2024, 7, x->w);
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

static double met(const run_t *x, mpsim_metric k) { return x->r->metrics[k]; }
static double ppv(const run_t *x, int k, mps_project_pv c)
{
    return x->r->project_pv[k * MPS_N_PROJECT_PV + c];
}

/* A_t = effect P_t with P_t = persistence P_{t-1} + S_{t-lag}, P_{-1} = 0. */
static void avoided(const double *s, int lag, double persistence, double effect, double *a)
{
    double p = 0.0;
    for (int t = 0; t < H; t++) {
        p = persistence * p + (t - lag >= 0 ? s[t - lag] : 0.0);
        a[t] = effect * p;
    }
}

static double pv_of(const double *flow)
{
    double v = 0.0;
    for (int t = 0; t < H; t++)
        v += df(t) * flow[t];
    return v;
}

#define HEAD(name, savings)                                                                    \
    "mpsim: 1\nname: " name "\nbase_year: 2025\nhorizon: 12\n"                                 \
    "appraisal:\n  discount: {constant: 0.05}\n  cost_savings: " savings "\n"

#define STOCK_PROJECTS                                                                         \
    "missions:\n  - id: m\n    projects:\n"                                                    \
    "      - {id: a, category: PDEL, cost: {profile: [100, 50, 80], overrun: 1.5},\n"          \
    "         prevention: {effect: 0.2, lag: 2, persistence: 0.5}}\n"                         \
    "      - {id: b, category: RDEL, cost: {profile: [10]},\n"                                 \
    "         benefits: {annual: 5, type: saving, duration: 3}}\n"

/* Project a spends 1.5 c_j (overrun raises the cost, not the programme),
 * so its stock is built from S = 100, 50, 80 in years 0..2; b's saving
 * benefits of 5 fall in years 1..3.  The avoided cost is a saving in
 * `savings` (with b's) and alone in `avoided_cost`; under `benefit` it is
 * in PVB, and it always lowers the net exchequer cost. */
static void test_stock_lag_persistence(void **state)
{
    (void)state;
    run_t x;
    run_open(&x, HEAD("stock", "benefit") STOCK_PROJECTS);
    const double s[H] = {100, 50, 80};
    double a[H];
    avoided(s, 2, 0.5, 0.2, a);
    /* By hand: P = 0, 0, 100, 100, 130, 65, ...; A_2 = 20, A_4 = 26. */
    NEAR(a[2], 20.0);
    NEAR(a[4], 26.0);
    double sav_b[H] = {0, 5, 5, 5};
    double pv_a = pv_of(a), pv_b = pv_of(sav_b);
    double pv_cost = 1.5 * (100.0 + 50.0 * df(1) + 80.0 * df(2)) + 10.0;
    for (int t = 0; t < H; t++) {
        NEAR(ser(&x, "avoided_cost", t), a[t]);
        NEAR(ser(&x, "savings", t), a[t] + sav_b[t]);
        NEAR(ser(&x, "cost_pdel", t), t < 3 ? 1.5 * s[t] : 0.0);
        NEAR(ser(&x, "benefits", t), a[t] + sav_b[t]);
    }
    NEAR(met(&x, MPSIM_M_PV_SAVINGS), pv_a + pv_b);
    NEAR(met(&x, MPSIM_M_PV_BENEFITS), pv_a + pv_b);
    NEAR(met(&x, MPSIM_M_PV_COST), pv_cost);
    NEAR(met(&x, MPSIM_M_PVC), pv_cost);
    NEAR(met(&x, MPSIM_M_PV_EXCHEQUER), pv_cost - pv_a - pv_b);
    NEAR(met(&x, MPSIM_M_NPV), pv_a + pv_b - pv_cost);
    /* The project's own pv_savings includes its avoided costs. */
    NEAR(ppv(&x, 0, MPS_P_PV_SAVINGS), pv_a);
    NEAR(ppv(&x, 0, MPS_P_PV_BENEFITS), pv_a);
    NEAR(ppv(&x, 1, MPS_P_PV_SAVINGS), pv_b);
    assert_true(ppv(&x, 0, MPS_P_PV_DIRECT) == 0.0);
    assert_int_equal(x.r->success[0], 1);
    assert_true(x.r->spend_share[0] == 1.0);
    assert_int_equal(x.r->stop_year[0], -1);
    /* No cuts, no management: their series are absent. */
    assert_int_equal(mps_model_series_find(x.m, "cut"), -1);
    assert_int_equal(mps_model_series_find(x.m, "projects_stopped"), -1);
    run_close(&x);
}

/* Under net_cost the same avoided costs reduce PVC instead; the NPV, the
 * savings and the exchequer cost are unchanged. */
static void test_net_cost_convention(void **state)
{
    (void)state;
    run_t x;
    run_open(&x, HEAD("stock-net", "net_cost") STOCK_PROJECTS);
    const double s[H] = {100, 50, 80};
    double a[H];
    avoided(s, 2, 0.5, 0.2, a);
    double sav_b[H] = {0, 5, 5, 5};
    double pv_a = pv_of(a), pv_b = pv_of(sav_b);
    double pv_cost = 1.5 * (100.0 + 50.0 * df(1) + 80.0 * df(2)) + 10.0;
    NEAR(met(&x, MPSIM_M_PV_BENEFITS), 0.0);
    NEAR(met(&x, MPSIM_M_PVC), pv_cost - pv_a - pv_b);
    NEAR(met(&x, MPSIM_M_PV_COST), pv_cost);
    NEAR(met(&x, MPSIM_M_PV_SAVINGS), pv_a + pv_b);
    NEAR(met(&x, MPSIM_M_NPV), pv_a + pv_b - pv_cost);
    NEAR(met(&x, MPSIM_M_PV_EXCHEQUER), pv_cost - pv_a - pv_b);
    NEAR(ppv(&x, 0, MPS_P_PV_COST), 1.5 * (100.0 + 50.0 * df(1) + 80.0 * df(2)) - pv_a);
    NEAR(ppv(&x, 0, MPS_P_PV_BENEFITS), 0.0);
    for (int t = 0; t < H; t++) {
        NEAR(ser(&x, "avoided_cost", t), a[t]);
        NEAR(ser(&x, "costs_net", t), ser(&x, "cost", t) - a[t] - sav_b[t]);
        NEAR(ser(&x, "benefits", t), 0.0);
    }
    NEAR(met(&x, MPSIM_M_BCR), 0.0);
    run_close(&x);
}

/* A project that fails its gate after build year 2 (p = 0) spent years 0
 * and 1: its stock of S = 100, 100 keeps avoiding costs, though it has no
 * direct benefits and no outcome. */
static void test_failed_project_keeps_prevention(void **state)
{
    (void)state;
    run_t x;
    run_open(&x, HEAD("prev-fail", "benefit")
                 "missions:\n  - id: m\n    projects:\n"
                 "      - {id: a, category: PDEL, cost: {profile: [100, 100, 100]},\n"
                 "         stages: [{after: 2, p: 0}], benefits: {annual: 30}, outcome: 1,\n"
                 "         prevention: {effect: 0.1, lag: 1, persistence: 0.8}}\n");
    const double s[H] = {100, 100};
    double a[H];
    avoided(s, 1, 0.8, 0.1, a);
    assert_int_equal(x.r->success[0], 0);
    NEAR(x.r->spend_share[0], 200.0 / 300.0);
    assert_true(ppv(&x, 0, MPS_P_PV_DIRECT) == 0.0);
    int mi = mps_model_mission_series(x.m, 0);
    for (int t = 0; t < H; t++) {
        NEAR(ser(&x, "avoided_cost", t), a[t]);
        assert_true(x.r->series[mi * H + t] == 0.0);
    }
    assert_true(a[H - 1] > 0.0);
    NEAR(met(&x, MPSIM_M_PV_SAVINGS), pv_of(a));
    NEAR(ppv(&x, 0, MPS_P_PV_SAVINGS), pv_of(a));
    run_close(&x);
}

/* Cuts enter the stock through the programme: with a cut of 25% in force
 * from the review in year 1 (reviews in 2026, 2028, ...; probability 1),
 * S = 100, 75, 75, 75 while the spend is 1.2 S. */
static void test_cut_factors_in_stock(void **state)
{
    (void)state;
    run_t x;
    run_open(&x, HEAD("prev-cut", "benefit")
                 "funding:\n  spending_review: {every: 2, first: 2026}\n"
                 "  cuts: {applies_to: [PDEL], probability: 1, fraction: 0.25}\n"
                 "missions:\n  - id: m\n    projects:\n"
                 "      - {id: a, category: PDEL, cost: {profile: [100, 100, 100, 100], overrun: 1.2},\n"
                 "         prevention: {effect: 0.1, persistence: 0.5}}\n");
    const double s[H] = {100, 75, 75, 75};
    double a[H];
    avoided(s, 0, 0.5, 0.1, a);
    for (int t = 0; t < H; t++) {
        NEAR(ser(&x, "avoided_cost", t), a[t]);
        NEAR(ser(&x, "cost_pdel", t), 1.2 * s[t]);
        NEAR(ser(&x, "cut", t), t >= 1 ? 1.0 : 0.0);
    }
    NEAR(x.r->spend_share[0], 325.0 / 400.0);
    NEAR(met(&x, MPSIM_M_PV_SAVINGS), pv_of(a));
    run_close(&x);
}

/* The static appraisal builds the stock from the planned programme c_j
 * (every build year, no delay, no cut, every gate passed), with the
 * effect at its central value (here the median, 0.3), and costs
 * c_j (1 + optimism bias). */
static void test_static_prevention(void **state)
{
    (void)state;
    run_t x;
    run_open(&x, HEAD("prev-static", "benefit")
                 "  central: median\n"
                 "funding:\n  churn: 0.3\n"
                 "  cuts: {probability: 1, fraction: 0.5}\n"
                 "missions:\n  - id: m\n    projects:\n"
                 "      - {id: a, category: PDEL, start: 2026, delay: {dist: poisson, mean: 2},\n"
                 "         cost: {profile: [40, 60, 60], optimism_bias: 0.3,\n"
                 "                overrun: {dist: lognormal, median: 1.2, p90: 2}},\n"
                 "         stages: [{after: 1, p: 0.5}],\n"
                 "         prevention: {effect: {dist: lognormal, median: 0.3, p90: 0.6},\n"
                 "                      lag: 1, persistence: 0.9}}\n");
    const double s[H] = {0, 40, 60, 60};
    double a[H];
    avoided(s, 1, 0.9, 0.3, a);
    double pv_cost = 1.3 * (40.0 * df(1) + 60.0 * df(2) + 60.0 * df(3));
    mpsim_static_result st;
    mps_static_appraise(x.m, &st);
    NEAR(st.pv_cost, pv_cost);
    NEAR(st.pvc, pv_cost);
    NEAR(st.pv_benefits, pv_of(a));
    NEAR(st.npv, pv_of(a) - pv_cost);
    NEAR(st.bcr, pv_of(a) / pv_cost);
    run_close(&x);
}

/* The effect is drawn once per path from project/<id>/prevention: with
 * S_0 = 100 and lag 0, A_0 = 100 effect, so E[pv_savings] =
 * E[effect] sum_t DF_t P_t.  Correlated with the project's benefit level
 * (rho = 0.6 on the normal scores), the sample correlation of
 * (ln B, ln effect) lies within 4 standard errors of rho, SE from the
 * sample: the delta-method variance (1 - r^2)^2 / n of a correlation
 * coefficient of normal data. */
static void test_effect_draw_and_copula(void **state)
{
    (void)state;
    enum { N = 20000 };
    run_t x;
    run_open(&x, HEAD("prev-draw", "benefit")
                 "correlations:\n"
                 "  - {a: missions.m.projects.a.benefits.annual,\n"
                 "     b: missions.m.projects.a.prevention.effect, rho: 0.6}\n"
                 "missions:\n  - id: m\n    projects:\n"
                 "      - {id: a, category: PDEL, cost: {profile: [100]},\n"
                 "         benefits: {annual: {dist: lognormal, median: 10, p90: 20}, duration: 1},\n"
                 "         prevention: {effect: {dist: lognormal, median: 0.2, p90: 0.5},\n"
                 "                      persistence: 0.5}}\n");
    double sig_e = log(0.5 / 0.2) / 1.2815515655446004;
    double mean_effect = exp(log(0.2) + 0.5 * sig_e * sig_e);
    double p_sum = 0.0, p = 0.0;
    for (int t = 0; t < H; t++) {
        p = 0.5 * p + (t == 0 ? 100.0 : 0.0);
        p_sum += df(t) * p;
    }
    int ia = mps_model_series_find(x.m, "avoided_cost");
    mps_test_acc sav = {0};
    double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
    for (uint64_t k = 0; k < N; k++) {
        const mps_path_result *r = mps_path_run(x.m, 99, k, x.w);
        mps_test_acc_add(&sav, r->metrics[MPSIM_M_PV_SAVINGS]);
        double effect = r->series[ia * H + 0] / 100.0;
        double b = r->series[MPS_S_BENEFITS * H + 1] - r->series[ia * H + 1];
        double u = log(b), v = log(effect);
        sx += u, sy += v, sxx += u * u, syy += v * v, sxy += u * v;
    }
    mps_test_acc_check(&sav, mean_effect * p_sum, "E[pv_savings]");
    double n = N;
    double cov = sxy / n - (sx / n) * (sy / n);
    double rho = cov / sqrt((sxx / n - (sx / n) * (sx / n)) * (syy / n - (sy / n) * (sy / n)));
    double se = (1.0 - rho * rho) / sqrt(n);
    if (!(fabs(rho - 0.6) <= 4.0 * se))
        fail_msg("correlation %.5f, expected 0.6 within %.5f", rho, 4.0 * se);
    run_close(&x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stock_lag_persistence),
        cmocka_unit_test(test_net_cost_convention),
        cmocka_unit_test(test_failed_project_keeps_prevention),
        cmocka_unit_test(test_cut_factors_in_stock),
        cmocka_unit_test(test_static_prevention),
        cmocka_unit_test(test_effect_draw_and_copula),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
