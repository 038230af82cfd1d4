/*
 * The model kernel and the appraisal on scenarios without uncertainty
 * (model.md sections 4, 9 and 10): every value is fixed and every gate has
 * p = 1 (or p = 0, churn 1: certain failure), so one path is the whole
 * answer.  Expected values are written out from the equations in the test
 * (the comments give the arithmetic) and compared to 1e-9 relative.
 *
 * Discounting uses {constant: r}, so DF_t = (1 + r)^-t is easy to write.
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
#include "test_support.h"

typedef struct {
    mpsim_scenario *s;
    mps_model *m;
    mps_workspace *w;
    const mps_path_result *r;
    int h;
} run_t;

static double df(double r, int t) { return pow(1.0 + r, -t); }

static void near(double got, double want, double scale)
{
    double tol = 1e-9 * fmax(1.0, fmax(fabs(want), scale));
    if (!(fabs(got - want) <= tol))
        fail_msg("got %.17g, want %.17g (tolerance %.3g)", got, want, tol);
}
#define NEAR(got, want) near((got), (want), 0.0)

static double ser(const run_t *x, int series, int t) { return x->r->series[series * x->h + t]; }
static double met(const run_t *x, mpsim_metric k) { return x->r->metrics[k]; }
static double ppv(const run_t *x, int k, mps_project_pv c)
{
    return x->r->project_pv[k * MPS_N_PROJECT_PV + c];
}

/* Identities every path must satisfy, whatever the scenario. */
static void check_invariants(const run_t *x)
{
    int h = x->h;
    double scale = met(x, MPSIM_M_PV_BENEFITS) + met(x, MPSIM_M_PV_COST);
    for (int t = 0; t < h; t++) {
        near(ser(x, MPS_S_COST, t),
             ser(x, MPS_S_COST_CDEL, t) + ser(x, MPS_S_COST_RDEL, t) + ser(x, MPS_S_COST_PDEL, t),
             ser(x, MPS_S_COST, t));
        near(ser(x, MPS_S_NET_BENEFIT, t), ser(x, MPS_S_BENEFITS, t) - ser(x, MPS_S_COSTS_NET, t),
             ser(x, MPS_S_BENEFITS, t) + ser(x, MPS_S_COSTS_NET, t));
    }
    /* cumulative_npv ends at npv (each flow with its own type's DF). */
    near(ser(x, MPS_S_CUMULATIVE_NPV, h - 1), met(x, MPSIM_M_NPV), scale);
    near(met(x, MPSIM_M_NPV), met(x, MPSIM_M_PV_BENEFITS) - met(x, MPSIM_M_PVC), scale);
    near(met(x, MPSIM_M_PV_COST), met(x, MPSIM_M_PV_COST_CDEL) + met(x, MPSIM_M_PV_COST_RDEL) +
                                      met(x, MPSIM_M_PV_COST_PDEL), scale);
    near(met(x, MPSIM_M_PV_EXCHEQUER), met(x, MPSIM_M_PV_COST) - met(x, MPSIM_M_PV_SAVINGS),
         scale);
    assert_true(met(x, MPSIM_M_PV_SPILLOVERS) == 0.0 && met(x, MPSIM_M_PV_GDP) == 0.0 &&
                met(x, MPSIM_M_PV_TAX) == 0.0 && met(x, MPSIM_M_DEBT_RATIO_CHANGE_END) == 0.0);
    if (met(x, MPSIM_M_PVC) > 0.0)
        near(met(x, MPSIM_M_BCR), met(x, MPSIM_M_PV_BENEFITS) / met(x, MPSIM_M_PVC), 0.0);
    else
        assert_true(isnan(met(x, MPSIM_M_BCR)));
    /* Per-project shares add up to the totals. */
    double sum[MPS_N_PROJECT_PV] = {0};
    for (int k = 0; k < x->s->n_projects; k++)
        for (int c = 0; c < MPS_N_PROJECT_PV; c++)
            sum[c] += ppv(x, k, (mps_project_pv)c);
    near(sum[MPS_P_PV_COST], met(x, MPSIM_M_PVC), scale);
    near(sum[MPS_P_PV_BENEFITS], met(x, MPSIM_M_PV_BENEFITS), scale);
    near(sum[MPS_P_PV_DIRECT], met(x, MPSIM_M_PV_DIRECT), scale);
    near(sum[MPS_P_PV_SAVINGS], met(x, MPSIM_M_PV_SAVINGS), scale);
}

static void run_yaml(run_t *x, const char *yaml)
{
    x->s = mps_test_load(yaml);
    assert_int_equal(mps_model_create(x->s, &x->m), MPSIM_OK);
    x->w = mps_workspace_alloc(x->m);
    assert_non_null(x->w);
    x->h = x->s->horizon;
    x->r = mps_path_run(x->m, 12345, 3, x->w);
    check_invariants(x);
}

static void run_free(run_t *x)
{
    mps_workspace_free(x->w);
    mps_model_free(x->m);
    mpsim_scenario_free(x->s);
}

#define HEAD(name, horizon, discount)                                                          \
    "mpsim: 1\nname: " name "\nbase_year: 2025\nhorizon: " #horizon "\n"                       \
    "appraisal:\n  discount: " discount "\n"

/* Lag, ramp, duration and decay of one economic project. */
static void test_benefit_profile(void **state)
{
    (void)state;
    run_t x;
    run_yaml(&x, HEAD("profile", 20, "{constant: 0.05}")
                 "missions:\n"
                 "  - id: m\n"
                 "    projects:\n"
                 "      - id: a\n"
                 "        category: CDEL\n"
                 "        cost: {profile: [100, 50]}\n"
                 "        benefits: {annual: 30, lag: 1, ramp: 2, duration: 5, decay: 0.1}\n");
    /* Spend 100 in year 0, 50 in year 1; e = s + d = 2; benefit year i in
     * model year e + L + i = 3 + i, worth 30 * min(1, (i+1)/2) * 0.9^i:
     * 15, 27, 24.3, 21.87, 19.683 in years 3..7. */
    const double b[5] = {15.0, 27.0, 24.3, 21.87, 19.683};
    double pvb = 0.0;
    for (int i = 0; i < 5; i++)
        pvb += b[i] * df(0.05, 3 + i);
    double pvc = 100.0 + 50.0 * df(0.05, 1);
    NEAR(met(&x, MPSIM_M_PV_COST), pvc);
    NEAR(met(&x, MPSIM_M_PV_COST_CDEL), pvc);
    NEAR(met(&x, MPSIM_M_PVC), pvc);
    NEAR(met(&x, MPSIM_M_PV_BENEFITS), pvb);
    NEAR(met(&x, MPSIM_M_PV_DIRECT), pvb);
    NEAR(met(&x, MPSIM_M_NPV), pvb - pvc);
    NEAR(met(&x, MPSIM_M_BCR), pvb / pvc);
    assert_int_equal(x.r->success[0], 1);
    NEAR(ser(&x, MPS_S_COST, 0), 100.0);
    NEAR(ser(&x, MPS_S_COST_CDEL, 1), 50.0);
    assert_true(ser(&x, MPS_S_COST, 2) == 0.0);
    assert_true(ser(&x, MPS_S_BENEFITS, 2) == 0.0);
    for (int i = 0; i < 5; i++)
        NEAR(ser(&x, MPS_S_BENEFITS, 3 + i), b[i]);
    assert_true(ser(&x, MPS_S_BENEFITS, 8) == 0.0);
    NEAR(ser(&x, MPS_S_NET_BENEFIT, 0), -100.0);
    /* cumulative_npv at year 2 is the discounted spend so far. */
    NEAR(ser(&x, MPS_S_CUMULATIVE_NPV, 2), -pvc);
    NEAR(ppv(&x, 0, MPS_P_PV_COST), pvc);
    NEAR(ppv(&x, 0, MPS_P_PV_BENEFITS), pvb);
    /* The dynamic path with no uncertainty is the static appraisal. */
    mpsim_static_result st;
    mps_static_appraise(x.m, &st);
    NEAR(st.npv, pvb - pvc);
    NEAR(st.bcr, pvb / pvc);
    run_free(&x);
}

/* A build running past the horizon, and a benefit stream cut by it. */
static void test_horizon_truncation(void **state)
{
    (void)state;
    run_t x;
    run_yaml(&x, HEAD("truncation", 20, "{constant: 0.05}")
                 "missions:\n"
                 "  - id: m\n"
                 "    projects:\n"
                 "      - {id: late, category: RDEL, start: 2043, cost: {profile: [10, 10, 10]},\n"
                 "         benefits: {annual: 99}}\n"
                 "      - {id: long, category: PDEL, start: 2035, cost: {profile: [40]},\n"
                 "         benefits: {annual: 5, duration: 30}}\n");
    /* late: build years in model years 18, 19 (20 is past H = 20), so no
     * success and no benefits, but its spend 10 + 10 counts. */
    double pv_late = 10.0 * df(0.05, 18) + 10.0 * df(0.05, 19);
    /* long: spend 40 in year 10, e = 11, benefits 5 in years 11..19 only. */
    double pv_long = 40.0 * df(0.05, 10), pvb = 0.0;
    for (int t = 11; t < 20; t++)
        pvb += 5.0 * df(0.05, t);
    assert_int_equal(x.r->success[0], 0);
    assert_int_equal(x.r->success[1], 1);
    NEAR(ppv(&x, 0, MPS_P_PV_COST), pv_late);
    NEAR(ppv(&x, 0, MPS_P_PV_BENEFITS), 0.0);
    NEAR(met(&x, MPSIM_M_PV_COST_RDEL), pv_late);
    NEAR(met(&x, MPSIM_M_PV_COST_PDEL), pv_long);
    NEAR(met(&x, MPSIM_M_PV_COST_CDEL), 0.0);
    NEAR(met(&x, MPSIM_M_PV_BENEFITS), pvb);
    NEAR(met(&x, MPSIM_M_NPV), pvb - pv_late - pv_long);
    NEAR(ser(&x, MPS_S_COST_RDEL, 19), 10.0);
    run_free(&x);
}

/* Fixed delay; a continuous delay floored; a negative one clamped; a huge
 * one that moves the project out of the horizon. */
static void test_delay(void **state)
{
    (void)state;
    run_t x;
    run_yaml(&x, HEAD("delay", 30, "{constant: 0.04}")
                 "missions:\n"
                 "  - id: m\n"
                 "    projects:\n"
                 "      - {id: fixed, category: CDEL, start: 2026, delay: 2,\n"
                 "         cost: {profile: [40]}, benefits: {annual: 10, duration: 3}}\n"
                 "      - {id: floored, category: CDEL, start: 2026,\n"
                 "         delay: {dist: uniform, min: 2.2, max: 2.9},\n"
                 "         cost: {profile: [40]}, benefits: {annual: 10, duration: 3}}\n"
                 "      - {id: clamped, category: CDEL, delay: {dist: normal, mean: -5, sd: 0},\n"
                 "         cost: {profile: [40]}, benefits: {annual: 10, duration: 3}}\n"
                 "      - {id: gone, category: CDEL, delay: 999999,\n"
                 "         cost: {profile: [40]}, benefits: {annual: 10, duration: 3}}\n"
                 "      - {id: huge, category: CDEL, delay: {dist: uniform, min: 1e300, max: 2e300},\n"
                 "         cost: {profile: [40]}, benefits: {annual: 10, duration: 3}}\n");
    /* fixed and floored: s = (2026 - 2025) + 2 = 3, spend 40 in year 3,
     * e = 4, benefits 10 in years 4, 5, 6. */
    double c3 = 40.0 * df(0.04, 3);
    double b3 = 10.0 * (df(0.04, 4) + df(0.04, 5) + df(0.04, 6));
    /* clamped: D = 0, s = 0, spend in year 0, benefits in years 1, 2, 3. */
    double c0 = 40.0;
    double b0 = 10.0 * (df(0.04, 1) + df(0.04, 2) + df(0.04, 3));
    for (int k = 0; k < 2; k++) {
        NEAR(ppv(&x, k, MPS_P_PV_COST), c3);
        NEAR(ppv(&x, k, MPS_P_PV_BENEFITS), b3);
    }
    NEAR(ppv(&x, 2, MPS_P_PV_COST), c0);
    NEAR(ppv(&x, 2, MPS_P_PV_BENEFITS), b0);
    /* gone and huge start past the horizon: nothing happens (a draw of
     * 1e300 years must not overflow into a negative start). */
    for (int k = 3; k < 5; k++) {
        assert_true(ppv(&x, k, MPS_P_PV_COST) == 0.0 && ppv(&x, k, MPS_P_PV_BENEFITS) == 0.0);
        assert_int_equal(x.r->success[k], 0);
    }
    assert_int_equal(x.r->success[0] + x.r->success[1] + x.r->success[2], 3);
    NEAR(ser(&x, MPS_S_COST, 3), 80.0);
    NEAR(met(&x, MPSIM_M_NPV), 2.0 * (b3 - c3) + b0 - c0);
    /* The static appraisal has no delay at all: s = 1 for the first two,
     * s = 0 for the others (even the one whose delay was huge). */
    mpsim_static_result st;
    mps_static_appraise(x.m, &st);
    double sc = 2.0 * 40.0 * df(0.04, 1) + 3.0 * 40.0;
    NEAR(st.pv_cost, sc);
    run_free(&x);
}

/* Health flows use the health schedule; categories are reported apart. */
static void test_health_and_categories(void **state)
{
    (void)state;
    run_t x;
    run_yaml(&x, HEAD("health", 40, "{constant: 0.035, health: 0.015}")
                 "missions:\n"
                 "  - id: m\n"
                 "    projects:\n"
                 "      - {id: econ, category: CDEL, cost: {profile: [50]},\n"
                 "         benefits: {annual: 10, duration: 5}}\n"
                 "      - {id: care, category: RDEL, cost: {profile: [50]},\n"
                 "         benefits: {annual: 10, duration: 5, type: health}}\n"
                 "      - {id: prev, category: PDEL, cost: {profile: [0, 20]}}\n");
    /* e = 1 for both: benefits in years 1..5, econ at 1.035^-t, care at
     * 1.015^-t; prev spends 20 in year 1. */
    double pe = 0.0, ph = 0.0;
    for (int t = 1; t <= 5; t++) {
        pe += 10.0 * df(0.035, t);
        ph += 10.0 * df(0.015, t);
    }
    NEAR(ppv(&x, 0, MPS_P_PV_DIRECT), pe);
    NEAR(ppv(&x, 1, MPS_P_PV_DIRECT), ph);
    NEAR(met(&x, MPSIM_M_PV_DIRECT), pe + ph);
    NEAR(met(&x, MPSIM_M_PV_COST_CDEL), 50.0);
    NEAR(met(&x, MPSIM_M_PV_COST_RDEL), 50.0);
    NEAR(met(&x, MPSIM_M_PV_COST_PDEL), 20.0 * df(0.035, 1));
    NEAR(met(&x, MPSIM_M_NPV), pe + ph - 100.0 - 20.0 * df(0.035, 1));
    /* The undiscounted series mixes both types: 20 a year in years 1..5. */
    NEAR(ser(&x, MPS_S_BENEFITS, 3), 20.0);
    const double *dh = mps_model_df(x.m, MPS_BENEFIT_HEALTH);
    const double *ds = mps_model_df(x.m, MPS_BENEFIT_SAVING);
    NEAR(dh[7], df(0.015, 7));
    NEAR(ds[7], df(0.035, 7));
    run_free(&x);
}

static const char *savings_yaml(const char *convention, double annual)
{
    static char buf[1024];
    snprintf(buf, sizeof buf,
             HEAD("savings", 20, "{constant: 0.05}") "  cost_savings: %s\n"
             "missions:\n"
             "  - id: m\n"
             "    projects:\n"
             "      - {id: econ, category: CDEL, cost: {profile: [100]},\n"
             "         benefits: {annual: 20, duration: 10}}\n"
             "      - {id: save, category: RDEL, cost: {profile: [100]},\n"
             "         benefits: {annual: %.17g, duration: 10, type: saving}}\n",
             convention, annual);
    return buf;
}

/* Saving flows as a benefit or netted from costs. */
static void test_savings_conventions(void **state)
{
    (void)state;
    /* Both projects spend 100 in year 0 and yield 10 years from year 1. */
    double ann = 0.0;
    for (int t = 1; t <= 10; t++)
        ann += df(0.05, t);
    double pe = 20.0 * ann, ps = 15.0 * ann;

    run_t x;
    run_yaml(&x, savings_yaml("benefit", 15.0));
    /* benefit: PVB = pv_direct + pv_savings, PVC = pv_cost. */
    NEAR(met(&x, MPSIM_M_PV_SAVINGS), ps);
    NEAR(met(&x, MPSIM_M_PV_BENEFITS), pe + ps);
    NEAR(met(&x, MPSIM_M_PVC), 200.0);
    NEAR(met(&x, MPSIM_M_BCR), (pe + ps) / 200.0);
    NEAR(met(&x, MPSIM_M_PV_EXCHEQUER), 200.0 - ps);
    NEAR(ppv(&x, 1, MPS_P_PV_BENEFITS), ps);
    NEAR(ppv(&x, 1, MPS_P_PV_COST), 100.0);
    NEAR(ser(&x, MPS_S_SAVINGS, 1), 15.0);
    NEAR(ser(&x, MPS_S_BENEFITS, 1), 35.0);
    NEAR(ser(&x, MPS_S_COSTS_NET, 0), 200.0);
    double npv_benefit = met(&x, MPSIM_M_NPV);
    run_free(&x);

    run_yaml(&x, savings_yaml("net_cost", 15.0));
    /* net_cost: PVB = pv_direct, PVC = pv_cost - pv_savings; same NPV. */
    NEAR(met(&x, MPSIM_M_PV_BENEFITS), pe);
    NEAR(met(&x, MPSIM_M_PVC), 200.0 - ps);
    NEAR(met(&x, MPSIM_M_BCR), pe / (200.0 - ps));
    NEAR(met(&x, MPSIM_M_NPV), npv_benefit);
    NEAR(met(&x, MPSIM_M_PV_EXCHEQUER), 200.0 - ps);
    NEAR(ppv(&x, 1, MPS_P_PV_BENEFITS), 0.0);
    NEAR(ppv(&x, 1, MPS_P_PV_COST), 100.0 - ps);
    NEAR(ser(&x, MPS_S_BENEFITS, 1), 20.0);
    NEAR(ser(&x, MPS_S_COSTS_NET, 1), -15.0);
    mpsim_static_result st;
    mps_static_appraise(x.m, &st);
    NEAR(st.pv_cost, 200.0);
    NEAR(st.pvc, 200.0 - ps);
    NEAR(st.pv_benefits, pe);
    run_free(&x);

    /* Savings larger than all spend under net_cost: PVC <= 0, BCR NaN. */
    run_yaml(&x, savings_yaml("net_cost", 40.0));
    NEAR(met(&x, MPSIM_M_PVC), 200.0 - 40.0 * ann);
    assert_true(met(&x, MPSIM_M_PVC) < 0.0);
    assert_true(isnan(met(&x, MPSIM_M_BCR)));
    mps_static_appraise(x.m, &st);
    assert_true(isnan(st.bcr));
    run_free(&x);
}

/* Certain failure: a gate with p = 0 stops the build; churn 1 cancels it
 * before any spend. */
static void test_certain_failure(void **state)
{
    (void)state;
    run_t x;
    run_yaml(&x, HEAD("gate", 20, "{constant: 0.05}")
                 "missions:\n"
                 "  - id: m\n"
                 "    projects:\n"
                 "      - {id: a, category: CDEL, cost: {profile: [10, 10, 10]},\n"
                 "         stages: [{after: 1, p: 1}, {after: 2, p: 0}], benefits: {annual: 50},\n"
                 "         outcome: 1}\n");
    /* Spends years 0 and 1, fails the gate after build year 2. */
    assert_int_equal(x.r->success[0], 0);
    NEAR(met(&x, MPSIM_M_PV_COST), 10.0 + 10.0 * df(0.05, 1));
    assert_true(ser(&x, MPS_S_COST, 2) == 0.0);
    assert_true(met(&x, MPSIM_M_PV_BENEFITS) == 0.0);
    NEAR(met(&x, MPSIM_M_BCR), 0.0);
    assert_true(ser(&x, mps_model_mission_series(x.m, 0), 19) == 0.0);
    /* The static appraisal passes every gate: 30 spent, e = 3. */
    mpsim_static_result st;
    mps_static_appraise(x.m, &st);
    NEAR(st.pv_cost, 10.0 * (1.0 + df(0.05, 1) + df(0.05, 2)));
    run_free(&x);

    run_yaml(&x, HEAD("churn", 20, "{constant: 0.05}")
                 "funding: {churn: 1}\n"
                 "missions:\n"
                 "  - id: m\n"
                 "    projects:\n"
                 "      - {id: a, category: CDEL, cost: {profile: [10, 10]}, benefits: {annual: 5}}\n");
    assert_int_equal(x.r->success[0], 0);
    assert_true(met(&x, MPSIM_M_PV_COST) == 0.0);
    assert_true(isnan(met(&x, MPSIM_M_BCR)));
    mps_static_appraise(x.m, &st);
    NEAR(st.pv_cost, 10.0 + 10.0 * df(0.05, 1));
    run_free(&x);
}

/* Mission indicators: ramp, persistence after the benefits end, projects
 * without benefits, the first year reached and the 1e-9 tolerance. */
static void test_missions(void **state)
{
    (void)state;
    run_t x;
    run_yaml(&x, HEAD("missions", 30, "{constant: 0.05}")
                 "missions:\n"
                 "  - id: homes\n"
                 "    target: {value: 1.0, by: 2050}\n"
                 "    projects:\n"
                 "      - {id: p1, category: CDEL, cost: {profile: [10, 10]},\n"
                 "         benefits: {annual: 5, lag: 1, ramp: 3, duration: 2}, outcome: 0.6}\n"
                 "      - {id: p2, category: CDEL, start: 2027, cost: {profile: [10]}, outcome: 0.4}\n"
                 "  - id: tol-in\n"
                 "    target: {value: 1.0, by: 2050}\n"
                 "    projects:\n"
                 "      - {id: p3, category: RDEL, cost: {profile: [1]}, outcome: 0.9999999995}\n"
                 "  - id: tol-out\n"
                 "    target: {value: 1.0, by: 2050}\n"
                 "    projects:\n"
                 "      - {id: p4, category: RDEL, cost: {profile: [1]}, outcome: 0.999999998}\n"
                 "  - id: big-in\n"
                 "    target: {value: 1000, by: 2050}\n"
                 "    projects:\n"
                 "      - {id: p5, category: RDEL, cost: {profile: [1]}, outcome: 999.9999995}\n"
                 "  - id: big-out\n"
                 "    target: {value: 1000, by: 2050}\n"
                 "    projects:\n"
                 "      - {id: p6, category: RDEL, cost: {profile: [1]}, outcome: 999.999998}\n"
                 "  - id: untargeted\n"
                 "    projects:\n"
                 "      - {id: p7, category: RDEL, cost: {profile: [1]}, outcome: 2}\n");
    int homes = mps_model_mission_series(x.m, 0);
    /* p1: e = 2, L = 1: benefit year i in model year 3 + i adds
     * 0.6 * min(1, (i+1)/3): 0.2, 0.4, 0.6, 0.6, ... (the outcome outlasts
     * the 2-year benefit stream).  p2: s = 2, e = 3, no benefits so L = 0,
     * R = 1: 0.4 from year 3.  Sum: 0, 0, 0, 0.6, 0.8, 1.0, 1.0, ... */
    const double want[8] = {0, 0, 0, 0.6, 0.8, 1.0, 1.0, 1.0};
    for (int t = 0; t < 8; t++)
        NEAR(ser(&x, homes, t), want[t]);
    NEAR(ser(&x, homes, 29), 1.0);
    assert_int_equal(x.r->mission_year[0], 5);
    /* X = 1: reached within 1e-9 (1 - 5e-10), not beyond (1 - 2e-9). */
    assert_int_equal(x.r->mission_year[1], 1);
    assert_int_equal(x.r->mission_year[2], -1);
    /* X = 1000: the tolerance scales to 1e-6. */
    assert_int_equal(x.r->mission_year[3], 1);
    assert_int_equal(x.r->mission_year[4], -1);
    /* No target: the indicator is reported, no year. */
    assert_int_equal(x.r->mission_year[5], -1);
    NEAR(ser(&x, mps_model_mission_series(x.m, 5), 1), 2.0);
    assert_true(ser(&x, mps_model_mission_series(x.m, 5), 0) == 0.0);
    /* Series declared as data. */
    assert_int_equal(mps_model_n_series(x.m), MPS_N_CORE_SERIES + 6);
    assert_string_equal(mps_model_series(x.m, MPS_S_CUMULATIVE_NPV)->name, "cumulative_npv");
    /* Without spillovers or an economy, missions follow the core series. */
    assert_int_equal(mps_model_mission_series(x.m, 2), MPS_N_CORE_SERIES + 2);
    assert_string_equal(mps_model_series(x.m, MPS_N_CORE_SERIES + 2)->name, "mission_tol-out");
    assert_int_equal(mps_model_series_find(x.m, "mission_tol-out"), MPS_N_CORE_SERIES + 2);
    assert_int_equal(mps_model_series_find(x.m, "gdp"), -1);
    assert_int_equal(mps_model_series_find(x.m, "spillovers"), -1);
    assert_null(mps_model_series(x.m, MPS_N_CORE_SERIES + 6));
    run_free(&x);
}

static const char *static_yaml(const char *central)
{
    static char buf[1024];
    snprintf(buf, sizeof buf,
             HEAD("static", 20, "{constant: 0.05}") "  central: %s\n"
             "funding: {churn: 0.1}\n"
             "missions:\n"
             "  - id: m\n"
             "    projects:\n"
             "      - id: a\n"
             "        category: CDEL\n"
             "        cost:\n"
             "          profile: [100, 100]\n"
             "          optimism_bias: 0.2\n"
             "          overrun: {dist: lognormal, median: 1.5, p90: 3}\n"
             "        delay: {dist: poisson, mean: 3}\n"
             "        stages: [{after: 1, p: 0.5}]\n"
             "        benefits: {annual: {dist: triangular, min: 0, mode: 10, max: 50},\n"
             "                   duration: 10}\n",
             central);
    return buf;
}

/* Static Green Book appraisal: optimism bias instead of overrun, no delay,
 * gates passed, no churn, B at its central value. */
static void test_static(void **state)
{
    (void)state;
    /* Cost (100 + 100/1.05) * 1.2; e = 2, benefits in years 2..11. */
    double pvc = 1.2 * (100.0 + 100.0 * df(0.05, 1));
    double ann = 0.0;
    for (int t = 2; t <= 11; t++)
        ann += df(0.05, t);
    /* Triangular(0, 10, 50): mean (0+10+50)/3 = 20; mode 10; the mode is
     * left of the middle ((10-0)/50 < 1/2), so the median is
     * max - sqrt((max-min)(max-mode)/2) = 50 - sqrt(1000). */
    const struct { const char *central; double b; } c[] = {
        {"mean", 20.0}, {"median", 50.0 - sqrt(1000.0)}, {"mode", 10.0},
    };
    for (size_t i = 0; i < 3; i++) {
        mpsim_scenario *s = mps_test_load(static_yaml(c[i].central));
        mps_model *m = NULL;
        assert_int_equal(mps_model_create(s, &m), MPSIM_OK);
        mpsim_static_result st;
        mps_static_appraise(m, &st);
        NEAR(st.pv_cost, pvc);
        NEAR(st.pvc, pvc);
        NEAR(st.pv_benefits, c[i].b * ann);
        NEAR(st.npv, c[i].b * ann - pvc);
        NEAR(st.bcr, c[i].b * ann / pvc);
        mps_model_free(m);
        mpsim_scenario_free(s);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_benefit_profile),
        cmocka_unit_test(test_horizon_truncation),
        cmocka_unit_test(test_delay),
        cmocka_unit_test(test_health_and_categories),
        cmocka_unit_test(test_savings_conventions),
        cmocka_unit_test(test_certain_failure),
        cmocka_unit_test(test_missions),
        cmocka_unit_test(test_static),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
