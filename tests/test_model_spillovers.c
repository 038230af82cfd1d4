/*
 * Unplanned spillovers (model.md section 5): the compound Poisson process
 * of discoveries against its expectation (4 standard errors from the
 * sample), spillovers from spend of a project that later fails, the
 * include_spillovers switch, the `spillovers` series, and the randomness
 * contract (adding spillovers to one project leaves every other draw
 * bit-identical; each year's discoveries have their own sub-stream).
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
#include <string.h>

#include <gsl/gsl_randist.h>

#include "model/path.h"
#include "support_model.h"
#include "test_support.h"

enum { N_PATHS = 40000 };
static const uint64_t SEED = 424242;

static double df(int t) { return pow(1.05, -t); }

static void near(double got, double want)
{
    double tol = 1e-9 * fmax(1.0, fabs(want));
    if (!(fabs(got - want) <= tol))
        fail_msg("got %.17g, want %.17g", got, want);
}

static double pv(const mps_path_result *r, int k, mps_project_pv c)
{
    return r->project_pv[k * MPS_N_PROJECT_PV + c];
}

#define HEAD(name)                                                                             \
    "mpsim: 1\nname: " name "\nbase_year: 2025\nhorizon: 40\n"                                 \
    "appraisal:\n  discount: {constant: 0.05}\n"

/* sum_{i < n, t0 + i < 40} DF_{t0+i} (1 - decay)^i */
static double annuity(int t0, int n, double decay)
{
    double a = 0.0, d = 1.0;
    for (int i = 0; i < n && t0 + i < 40; i++, d *= 1.0 - decay)
        a += df(t0 + i) * d;
    return a;
}

/* E[pv_spillovers] = sum_t E[S_t] * rate * E[V] * annuity(t + lag):
 * Wald's identity for the compound Poisson sum in each year.  Project a
 * spends 100 in year 0, then passes a gate with p = 0.5 before 200 and 50
 * in years 1 and 2: E[S] = 100, 100, 25.  V is lognormal (median 2,
 * p90 20, heavy-tailed as facts.md suggests), E[V] = exp(mu + sigma^2/2). */
static void test_compound_poisson_mean(void **state)
{
    (void)state;
    mps_test_sim x;
    mps_test_sim_open(&x, HEAD("spill")
                 "missions:\n  - id: m\n    projects:\n"
                 "      - {id: a, category: CDEL, cost: {profile: [100, 200, 50]},\n"
                 "         stages: [{after: 1, p: 0.5}],\n"
                 "         spillovers: {rate: 0.02, value: {dist: lognormal, median: 2, p90: 20},\n"
                 "                      lag: 2, duration: 10, decay: 0.1}}\n"
                 "      - {id: b, category: RDEL, cost: {profile: [50]},\n"
                 "         spillovers: {rate: 0.04, value: 3, duration: 50}}\n");
    double sigma = log(10.0) / 1.2815515655446004;
    double ev = exp(log(2.0) + 0.5 * sigma * sigma);
    const double es[3] = {100.0, 100.0, 25.0};
    double want_a = 0.0;
    for (int t = 0; t < 3; t++)
        want_a += es[t] * 0.02 * ev * annuity(t + 2, 10, 0.1);
    /* b: 50 in year 0, N ~ Poisson(2), each worth 3 a year from year 0 to
     * the horizon (duration 50 is cut at 40). */
    double want_b = 50.0 * 0.04 * 3.0 * annuity(0, 50, 0.0);

    int series = mps_model_series_find(x.m, "spillovers");
    assert_true(series >= MPS_N_CORE_SERIES);
    mps_test_acc a = {0}, b = {0}, tot = {0};
    for (uint64_t p = 0; p < N_PATHS; p++) {
        const mps_path_result *r = mps_path_run(x.m, SEED, p, x.w);
        double pa = pv(r, 0, MPS_P_PV_SPILLOVERS), pb = pv(r, 1, MPS_P_PV_SPILLOVERS);
        mps_test_acc_add(&a, pa);
        mps_test_acc_add(&b, pb);
        mps_test_acc_add(&tot, r->metrics[MPSIM_M_PV_SPILLOVERS]);
        /* Shares sum to the total; the series discounts to it; PVB holds it. */
        double sum_df = 0.0;
        for (int t = 0; t < 40; t++)
            sum_df += df(t) * r->series[series * 40 + t];
        near(pa + pb, r->metrics[MPSIM_M_PV_SPILLOVERS]);
        near(sum_df, r->metrics[MPSIM_M_PV_SPILLOVERS]);
        near(r->metrics[MPSIM_M_PV_BENEFITS], r->metrics[MPSIM_M_PV_SPILLOVERS]);
        near(pv(r, 0, MPS_P_PV_BENEFITS), pa);
        /* b's discoveries are worth 3 each, flat: its year-0 flow is 3N. */
        double n_b = r->series[series * 40 + 0] / 3.0;
        near(n_b, floor(n_b + 0.5));
    }
    mps_test_acc_check(&a, want_a, "E[pv_spillovers a]");
    mps_test_acc_check(&b, want_b, "E[pv_spillovers b]");
    mps_test_acc_check(&tot, want_a + want_b, "E[pv_spillovers]");

    /* The static appraisal has no spillovers: nothing but cost. */
    mpsim_static_result st;
    mps_static_appraise(x.m, &st);
    assert_true(st.pv_benefits == 0.0);
    mps_test_sim_close(&x);
}

/* A project that fails its gate after build year 1 (p = 0) spends year 0
 * only; that spend still discovers, and nothing else does:
 * E[pv] = 100 * 0.05 * 4 * annuity(1, 5, 0). */
static void test_failed_project_keeps_spillovers(void **state)
{
    (void)state;
    mps_test_sim x;
    mps_test_sim_open(&x, HEAD("spill-fail")
                 "missions:\n  - id: m\n    projects:\n"
                 "      - {id: a, category: CDEL, cost: {profile: [100, 100]},\n"
                 "         stages: [{after: 1, p: 0}], benefits: {annual: 50},\n"
                 "         spillovers: {rate: 0.05, value: {dist: uniform, min: 2, max: 6},\n"
                 "                      lag: 1, duration: 5}}\n");
    mps_test_acc a = {0};
    int series = mps_model_series_find(x.m, "spillovers");
    for (uint64_t p = 0; p < N_PATHS; p++) {
        const mps_path_result *r = mps_path_run(x.m, SEED, p, x.w);
        assert_int_equal(r->success[0], 0);
        assert_true(pv(r, 0, MPS_P_PV_DIRECT) == 0.0);
        mps_test_acc_add(&a, r->metrics[MPSIM_M_PV_SPILLOVERS]);
        /* Only year 0's discoveries: a flat flow in years 1..5. */
        for (int t = 0; t < 40; t++) {
            double f = r->series[series * 40 + t];
            if (t >= 1 && t <= 5)
                assert_true(f == r->series[series * 40 + 1]);
            else
                assert_true(f == 0.0);
        }
    }
    mps_test_acc_check(&a, 100.0 * 0.05 * 4.0 * annuity(1, 5, 0.0), "E[pv_spillovers] after failure");
    mps_test_sim_close(&x);
}

static const char *switch_yaml(const char *include)
{
    static char buf[1024];
    snprintf(buf, sizeof buf,
             HEAD("spill-switch") "  include_spillovers: %s\n"
             "missions:\n  - id: m\n    projects:\n"
             "      - {id: a, category: CDEL, cost: {profile: [100, 100]},\n"
             "         benefits: {annual: {dist: normal, mean: 20, sd: 5}, duration: 10},\n"
             "         spillovers: {rate: 0.03, value: {dist: lognormal, median: 1, p90: 8}}}\n",
             include);
    return buf;
}

/* include_spillovers: false removes them from PVB (and the project's
 * share, and the benefits series) but not from pv_spillovers, which is
 * the same on every path (common random numbers). */
static void test_include_switch(void **state)
{
    (void)state;
    mps_test_sim on, off;
    mps_test_sim_open(&on, switch_yaml("true"));
    mps_test_sim_open(&off, switch_yaml("false"));
    int any = 0;
    for (uint64_t p = 0; p < 2000; p++) {
        const mps_path_result *a = mps_path_run(on.m, SEED, p, on.w);
        const mps_path_result *b = mps_path_run(off.m, SEED, p, off.w);
        double sp = a->metrics[MPSIM_M_PV_SPILLOVERS];
        any |= sp > 0.0;
        assert_true(b->metrics[MPSIM_M_PV_SPILLOVERS] == sp);
        assert_true(b->metrics[MPSIM_M_PV_DIRECT] == a->metrics[MPSIM_M_PV_DIRECT]);
        near(a->metrics[MPSIM_M_PV_BENEFITS], a->metrics[MPSIM_M_PV_DIRECT] + sp);
        near(b->metrics[MPSIM_M_PV_BENEFITS], b->metrics[MPSIM_M_PV_DIRECT]);
        near(pv(b, 0, MPS_P_PV_BENEFITS), b->metrics[MPSIM_M_PV_DIRECT]);
        assert_true(pv(b, 0, MPS_P_PV_SPILLOVERS) == pv(a, 0, MPS_P_PV_SPILLOVERS));
        near(pv(b, 0, MPS_P_PV_SPILLOVERS), sp);
        /* cumulative_npv still ends at npv. */
        near(b->series[MPS_S_CUMULATIVE_NPV * 40 + 39], b->metrics[MPSIM_M_NPV]);
        near(a->series[MPS_S_CUMULATIVE_NPV * 40 + 39], a->metrics[MPSIM_M_NPV]);
    }
    assert_true(any);
    mps_test_sim_close(&on);
    mps_test_sim_close(&off);
}

/* Adding a spillover block to project a changes no draw of project b nor
 * of a's own inputs: b's results and a's direct benefits and costs are
 * bit-identical on every path. */
static void test_spillovers_change_no_other_draw(void **state)
{
    (void)state;
    const char *common =
        "      - {id: b, category: RDEL, delay: {dist: poisson, mean: 1},\n"
        "         cost: {profile: [40, 40], overrun: {dist: lognormal, median: 1.1, p90: 1.5}},\n"
        "         stages: [{after: 1, p: 0.6}],\n"
        "         benefits: {annual: {dist: lognormal, median: 10, p90: 30}}}\n";
    char with[2048], without[2048];
    snprintf(without, sizeof without,
             HEAD("plain") "missions:\n  - id: m\n    projects:\n"
             "      - {id: a, category: CDEL, cost: {profile: [100, 100],\n"
             "         overrun: {dist: triangular, min: 0.9, mode: 1, max: 1.6}},\n"
             "         stages: [{after: 1, p: 0.7}],\n"
             "         benefits: {annual: {dist: normal, mean: 20, sd: 5}}}\n%s",
             common);
    snprintf(with, sizeof with,
             HEAD("spilly") "missions:\n  - id: m\n    projects:\n"
             "      - {id: a, category: CDEL, cost: {profile: [100, 100],\n"
             "         overrun: {dist: triangular, min: 0.9, mode: 1, max: 1.6}},\n"
             "         stages: [{after: 1, p: 0.7}],\n"
             "         benefits: {annual: {dist: normal, mean: 20, sd: 5}},\n"
             "         spillovers: {rate: 0.05, value: {dist: lognormal, median: 2, p90: 9}}}\n%s",
             common);
    mps_test_sim x, y;
    mps_test_sim_open(&x, without);
    mps_test_sim_open(&y, with);
    int spilled = 0;
    for (uint64_t p = 0; p < 3000; p++) {
        const mps_path_result *a = mps_path_run(x.m, SEED, p, x.w);
        double ma[MPS_N_PROJECT_PV * 2];
        unsigned char sa[2] = {a->success[0], a->success[1]};
        memcpy(ma, a->project_pv, sizeof ma);
        const mps_path_result *b = mps_path_run(y.m, SEED, p, y.w);
        assert_memory_equal(&ma[MPS_N_PROJECT_PV], &b->project_pv[MPS_N_PROJECT_PV],
                            MPS_N_PROJECT_PV * sizeof(double));
        assert_int_equal(sa[0], b->success[0]);
        assert_int_equal(sa[1], b->success[1]);
        assert_memory_equal(&ma[MPS_P_PV_DIRECT], &b->project_pv[MPS_P_PV_DIRECT], sizeof(double));
        assert_memory_equal(&ma[MPS_P_PV_COST], &b->project_pv[MPS_P_PV_COST], sizeof(double));
        spilled |= b->metrics[MPSIM_M_PV_SPILLOVERS] > 0.0;
    }
    assert_true(spilled);
    mps_test_sim_close(&x);
    mps_test_sim_close(&y);
}

static const char *years_yaml(int first_spend)
{
    static char buf[1024];
    snprintf(buf, sizeof buf,
             HEAD("spill-years") "missions:\n  - id: m\n    projects:\n"
             "      - {id: a, category: CDEL, cost: {profile: [%d, 100]},\n"
             "         spillovers: {rate: 0.02, value: 1, duration: 1}}\n",
             first_spend);
    return buf;
}

/* Each year's discoveries come from their own sub-stream: with value 1,
 * lag 0 and duration 1 the series holds N_t.  Year 1's count does not
 * depend on year 0's spend (bit-identical when only year 0 changes), and
 * N_0, N_1 are independent Poisson(2): P(N_0 = N_1) = sum_k P(N = k)^2. */
static void test_year_substreams(void **state)
{
    (void)state;
    mps_test_sim x, y;
    mps_test_sim_open(&x, years_yaml(100));
    mps_test_sim_open(&y, years_yaml(50));
    int series = mps_model_series_find(x.m, "spillovers");
    mps_test_acc same = {0};
    int differ0 = 0;
    for (uint64_t p = 0; p < N_PATHS; p++) {
        const mps_path_result *a = mps_path_run(x.m, SEED, p, x.w);
        double n0 = a->series[series * 40 + 0], n1 = a->series[series * 40 + 1];
        mps_test_acc_add(&same, n0 == n1);
        const mps_path_result *b = mps_path_run(y.m, SEED, p, y.w);
        assert_memory_equal(&n1, &b->series[series * 40 + 1], sizeof(double));
        differ0 |= b->series[series * 40 + 0] != n0;
    }
    assert_true(differ0);
    double want = 0.0;
    for (unsigned k = 0; k < 40; k++) {
        double pk = gsl_ran_poisson_pdf(k, 2.0);
        want += pk * pk;
    }
    mps_test_acc_check(&same, want, "P(N_0 = N_1)");
    mps_test_sim_close(&x);
    mps_test_sim_close(&y);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_compound_poisson_mean),
        cmocka_unit_test(test_failed_project_keeps_spillovers),
        cmocka_unit_test(test_include_switch),
        cmocka_unit_test(test_spillovers_change_no_other_draw),
        cmocka_unit_test(test_year_substreams),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
