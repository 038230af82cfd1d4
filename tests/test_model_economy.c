/*
 * The wider economy (model.md section 6): regimes against their initial
 * and stationary distributions (4 standard errors from the sample), and
 * GDP, tax, the net exchequer cost and the debt ratio against hand
 * computations of the equations (1e-9), with regime-dependent multipliers,
 * an impulse profile and crowding-in; PDEL sharing RDEL's draws; and the
 * whole model on 1 and 3 threads, bit for bit.
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

#include "model/path.h"
#include "support_model.h"
#include "test_support.h"

static const uint64_t SEED = 5150;

static double df(int t) { return pow(1.05, -t); }

static void near(double got, double want, const char *what)
{
    double tol = 1e-9 * fmax(1.0, fabs(want));
    if (!(fabs(got - want) <= tol))
        fail_msg("%s: got %.17g, want %.17g", what, got, want);
}

static double ppv(const mps_path_result *r, int k, mps_project_pv c)
{
    return r->project_pv[k * MPS_N_PROJECT_PV + c];
}

/* Three regimes with stationary distribution (2/7, 4/7, 1/7):
 * pi_0 0.1 = pi_1 0.05 and pi_1 0.05 = pi_2 0.2 (detailed balance).  An
 * RDEL project spends 1 every year with multiplier 1, 2, 3 by regime and
 * profile [1], so GDP_t = r_t + 1 reveals the regime.
 *   - r_0 follows `initial` (0.2, 0.3, 0.5): each path is an iid unit.
 *   - The share of years 100..399 in each regime is the stationary
 *     probability (the chain forgets r_0 geometrically, second eigenvalue
 *     0.85, so 0.85^100 is negligible); the per-path share is the iid unit,
 *     so the standard error accounts for the chain's autocorrelation. */
static void test_regimes(void **state)
{
    (void)state;
    char profile[4000];
    strcpy(profile, "[1");
    for (int i = 1; i < 400; i++)
        strcat(profile, ", 1");
    strcat(profile, "]");
    char *yaml = malloc(8000);
    assert_non_null(yaml);
    snprintf(yaml, 8000,
             "mpsim: 1\nname: regimes\nbase_year: 2025\nhorizon: 400\n"
             "economy:\n"
             "  regimes:\n"
             "    names: [slump, normal, boom]\n"
             "    initial: [0.2, 0.3, 0.5]\n"
             "    transition: [[0.9, 0.1, 0], [0.05, 0.9, 0.05], [0, 0.2, 0.8]]\n"
             "  multipliers:\n"
             "    RDEL: {slump: 1, normal: 2, boom: 3}\n"
             "missions:\n  - id: m\n    projects:\n"
             "      - {id: a, category: RDEL, cost: {profile: %s}}\n",
             profile);
    mps_test_sim x;
    mps_test_sim_open(&x, yaml);
    free(yaml);
    int gdp = mps_model_series_find(x.m, "gdp");
    assert_true(gdp >= 0);
    const double initial[3] = {0.2, 0.3, 0.5};
    const double pi[3] = {2.0 / 7.0, 4.0 / 7.0, 1.0 / 7.0};
    mps_test_acc first[3] = {{0}}, share[3] = {{0}};
    for (uint64_t p = 0; p < 3000; p++) {
        const mps_path_result *r = mps_path_run(x.m, SEED, p, x.w);
        const double *g = r->series + (size_t)gdp * 400;
        int count[3] = {0, 0, 0};
        for (int t = 0; t < 400; t++) {
            int reg = (int)g[t] - 1;
            assert_true(reg >= 0 && reg < 3 && g[t] == (double)(reg + 1));
            if (t > 0) { /* the transition matrix has zeros: 0 <-> 2 never */
                int prev = (int)g[t - 1] - 1;
                assert_true(abs(reg - prev) <= 1);
            }
            if (t >= 100)
                count[reg]++;
        }
        for (int i = 0; i < 3; i++) {
            mps_test_acc_add(&first[i], (int)g[0] - 1 == i);
            mps_test_acc_add(&share[i], count[i] / 300.0);
        }
    }
    for (int i = 0; i < 3; i++) {
        mps_test_acc_check(&first[i], initial[i], "P(r_0 = i)");
        mps_test_acc_check(&share[i], pi[i], "long-run share of regime i");
    }
    mps_test_sim_close(&x);
}

/* GDP, tax, exchequer and debt, deterministic.  Two regimes that alternate
 * (initial [1, 0], transition [[0, 1], [1, 0]]): r_t = t mod 2 (slack in
 * even years).  Multipliers: CDEL 1.5 (slack) / 0.8 (normal), RDEL 0.6 in
 * both, PDEL not given (RDEL's 0.6); crowding-in chi = 0.2 at the CDEL
 * multiplier of the spend year's regime; profile [0.5, 0.3, 0.2]. */
#define ECON_YAML(name, wider, gdp_block)                                                      \
    "mpsim: 1\nname: " name "\nbase_year: 2025\nhorizon: 20\n"                                 \
    "appraisal:\n  discount: {constant: 0.05}\n  include_wider_economy: " wider "\n"            \
    "economy:\n"                                                                               \
    "  regimes: {names: [slack, normal], initial: [1, 0], transition: [[0, 1], [1, 0]]}\n"    \
    "  multipliers:\n"                                                                         \
    "    CDEL: {slack: 1.5, normal: 0.8}\n"                                                    \
    "    RDEL: 0.6\n"                                                                          \
    "    profile: [0.5, 0.3, 0.2]\n"                                                           \
    "  crowding_in: 0.2\n"                                                                     \
    "  tax_take: 0.35\n" gdp_block                                                             \
    "missions:\n  - id: m\n    projects:\n"                                                    \
    "      - {id: a, category: CDEL, cost: {profile: [100, 100]}}\n"                           \
    "      - {id: b, category: RDEL, cost: {profile: [50]},\n"                                 \
    "         benefits: {annual: 10, type: saving, duration: 3}}\n"                            \
    "      - {id: c, category: PDEL, start: 2026, cost: {profile: [30]},\n"                    \
    "         benefits: {annual: 4, duration: 2}}\n"

static void test_fiscal_deterministic(void **state)
{
    (void)state;
    mps_test_sim x;
    mps_test_sim_open(&x, ECON_YAML("fiscal", "true",
                           "  gdp: {level: 1000, growth: 0.02}\n"
                           "  debt: {ratio: 0.9, interest: 0.03}\n"));
    const mps_path_result *r = mps_path_run(x.m, SEED, 0, x.w);

    /* G[c][t] by hand: a CDEL 100 in years 0, 1; b RDEL 50 in year 0;
     * c PDEL 30 in year 1. */
    enum { H = 20 };
    double g[3][H] = {{0}};
    g[0][0] = g[0][1] = 100.0;
    g[1][0] = 50.0;
    g[2][1] = 30.0;
    const double cdel[2] = {1.5, 0.8}, rdel = 0.6, h[3] = {0.5, 0.3, 0.2};
    double gdp[H] = {0}, own[3] = {0};
    for (int t = 0; t < H; t++) {
        int reg = t % 2;
        for (int c = 0; c < 3; c++) {
            double m = c == 0 ? cdel[reg] : rdel; /* PDEL takes RDEL's */
            for (int k = 0; k < 3 && t + k < H; k++) {
                /* public spend, then crowding-in at the CDEL multiplier */
                double add = h[k] * (m * g[c][t] + cdel[reg] * 0.2 * g[c][t]);
                gdp[t + k] += add;
                own[c] += df(t + k) * add; /* projects a, b, c are categories 0, 1, 2 */
            }
        }
    }
    double sav[H] = {0};
    sav[1] = sav[2] = sav[3] = 10.0;
    double pv_gdp = 0.0, pv_tax = 0.0, pv_x = 0.0, debt = 0.0, change[H];
    for (int t = 0; t < H; t++) {
        double tax = 0.35 * gdp[t];
        double xt = g[0][t] + g[1][t] + g[2][t] - sav[t] - tax;
        pv_gdp += df(t) * gdp[t];
        pv_tax += df(t) * tax;
        pv_x += df(t) * xt;
        debt = 1.03 * debt + xt;
        double y = 1000.0 * pow(1.02, t);
        change[t] = (0.9 * y + debt) / (y + gdp[t]) - 0.9;
    }
    near(r->metrics[MPSIM_M_PV_GDP], pv_gdp, "pv_gdp");
    near(r->metrics[MPSIM_M_PV_TAX], pv_tax, "pv_tax");
    near(r->metrics[MPSIM_M_PV_EXCHEQUER], pv_x, "pv_exchequer");
    near(r->metrics[MPSIM_M_DEBT_RATIO_CHANGE_END], change[H - 1], "debt_ratio_change_end");
    int sg = mps_model_series_find(x.m, "gdp"), sd = mps_model_series_find(x.m, "debt_ratio_change");
    assert_true(sg >= MPS_N_CORE_SERIES && sd >= MPS_N_CORE_SERIES);
    assert_int_equal(mps_model_series_find(x.m, "spillovers"), -1);
    assert_string_equal(mps_model_series(x.m, mps_model_mission_series(x.m, 0))->name, "mission_m");
    for (int t = 0; t < H; t++) {
        near(r->series[sg * H + t], gdp[t], "gdp series");
        near(r->series[sd * H + t], change[t], "debt_ratio_change series");
    }
    /* Each project's own GDP (its crowding-in included); they sum to pv_gdp. */
    for (int k = 0; k < 3; k++)
        near(ppv(r, k, MPS_P_PV_GDP), own[k], "own pv_gdp");
    near(ppv(r, 0, MPS_P_PV_GDP) + ppv(r, 1, MPS_P_PV_GDP) + ppv(r, 2, MPS_P_PV_GDP), pv_gdp,
         "sum of own pv_gdp");
    /* include_wider_economy: GDP is a benefit, in PVB, the shares and the
     * benefits series; savings count as benefits (cost_savings: benefit). */
    double pv_direct = 4.0 * (df(2) + df(3));
    double pv_sav = 10.0 * (df(1) + df(2) + df(3));
    near(r->metrics[MPSIM_M_PV_BENEFITS], pv_direct + pv_sav + pv_gdp, "PVB");
    double shares = 0.0;
    for (int k = 0; k < 3; k++)
        shares += ppv(r, k, MPS_P_PV_BENEFITS);
    near(shares, r->metrics[MPSIM_M_PV_BENEFITS], "sum of PVB shares");
    near(r->series[MPS_S_BENEFITS * H + 5], gdp[5], "benefits series holds GDP");
    near(r->series[MPS_S_CUMULATIVE_NPV * H + H - 1], r->metrics[MPSIM_M_NPV], "cumulative npv");
    /* The static appraisal has no wider economy. */
    mpsim_static_result st;
    mps_static_appraise(x.m, &st);
    near(st.pv_benefits, pv_direct + pv_sav, "static PVB");
    mps_test_sim_close(&x);

    /* Without a gdp block the ratio change is 0; without the switch GDP is
     * reported but not a benefit. */
    mps_test_sim_open(&x, ECON_YAML("no-gdp", "false", ""));
    r = mps_path_run(x.m, SEED, 0, x.w);
    near(r->metrics[MPSIM_M_PV_GDP], pv_gdp, "pv_gdp without the switch");
    near(r->metrics[MPSIM_M_PV_EXCHEQUER], pv_x, "pv_exchequer without gdp");
    assert_true(r->metrics[MPSIM_M_DEBT_RATIO_CHANGE_END] == 0.0);
    near(r->metrics[MPSIM_M_PV_BENEFITS], pv_direct + pv_sav, "PVB without the switch");
    near(ppv(r, 0, MPS_P_PV_BENEFITS), 0.0, "a's share without the switch");
    near(ppv(r, 0, MPS_P_PV_GDP), own[0], "a's own GDP without the switch");
    mps_test_sim_close(&x);
}

/* PDEL without its own multipliers uses RDEL's per-path draws: an RDEL and
 * a PDEL project with the same spend have the same GDP on every path,
 * bit for bit; giving PDEL its own multiplier breaks that. */
static void test_pdel_shares_rdel_draws(void **state)
{
    (void)state;
    const char *fmt =
        "mpsim: 1\nname: pdel\nbase_year: 2025\nhorizon: 10\n"
        "economy:\n"
        "  regimes: {names: [slack, normal], initial: [0.5, 0.5],\n"
        "            transition: [[0.7, 0.3], [0.2, 0.8]]}\n"
        "  multipliers:\n"
        "    RDEL: {slack: {dist: lognormal, median: 1, p90: 2},\n"
        "           normal: {dist: normal, mean: 0.5, sd: 0.3}}\n%s"
        "missions:\n  - id: m\n    projects:\n"
        "      - {id: r, category: RDEL, cost: {profile: [10, 20, 30]}}\n"
        "      - {id: p, category: PDEL, cost: {profile: [10, 20, 30]}}\n";
    char a[1024], b[1024];
    snprintf(a, sizeof a, fmt, "");
    snprintf(b, sizeof b, fmt, "    PDEL: {dist: uniform, min: 0, max: 1}\n");
    mps_test_sim x, y;
    mps_test_sim_open(&x, a);
    mps_test_sim_open(&y, b);
    mps_test_acc mean = {0};
    int differ = 0;
    for (uint64_t p = 0; p < 2000; p++) {
        const mps_path_result *r = mps_path_run(x.m, SEED, p, x.w);
        double gr = ppv(r, 0, MPS_P_PV_GDP);
        assert_memory_equal(&r->project_pv[MPS_P_PV_GDP],
                            &r->project_pv[MPS_N_PROJECT_PV + MPS_P_PV_GDP], sizeof(double));
        mps_test_acc_add(&mean, gr);
        const mps_path_result *q = mps_path_run(y.m, SEED, p, y.w);
        /* RDEL's own draws do not change when PDEL gets its own. */
        assert_memory_equal(&q->project_pv[MPS_P_PV_GDP], &gr, sizeof(double));
        differ |= ppv(q, 1, MPS_P_PV_GDP) != gr;
    }
    assert_true(differ);
    assert_true(mean.m2 > 0.0); /* the multipliers really are drawn */
    mps_test_sim_close(&x);
    mps_test_sim_close(&y);
}

/* Random multipliers and crowding-in: with one regime and profile [1],
 * E[pv_gdp] = sum_t DF_t G_t (E[m_c] + E[chi m_CDEL]), chi and m
 * independent. */
static void test_random_multipliers_mean(void **state)
{
    (void)state;
    mps_test_sim x;
    mps_test_sim_open(&x, "mpsim: 1\nname: mult\nbase_year: 2025\nhorizon: 10\n"
                 "appraisal:\n  discount: {constant: 0.05}\n"
                 "economy:\n"
                 "  multipliers:\n"
                 "    CDEL: {dist: lognormal, median: 1, p90: 1.5}\n"
                 "    RDEL: {dist: triangular, min: 0, mode: 0.5, max: 1}\n"
                 "  crowding_in: {dist: uniform, min: 0, max: 0.4}\n"
                 "missions:\n  - id: m\n    projects:\n"
                 "      - {id: a, category: CDEL, cost: {profile: [100]}}\n"
                 "      - {id: b, category: RDEL, start: 2026, cost: {profile: [100]}}\n");
    double sigma = log(1.5) / 1.2815515655446004;
    double em_c = exp(0.5 * sigma * sigma), em_r = 0.5, echi = 0.2;
    double want = 100.0 * (em_c + echi * em_c) + 100.0 * df(1) * (em_r + echi * em_c);
    mps_test_acc a = {0};
    for (uint64_t p = 0; p < 20000; p++)
        mps_test_acc_add(&a, mps_path_run(x.m, SEED, p, x.w)->metrics[MPSIM_M_PV_GDP]);
    mps_test_acc_check(&a, want, "E[pv_gdp]");
    mps_test_sim_close(&x);
}

static void assert_results_identical(const mpsim_results *x, const mpsim_results *y)
{
    const mpsim_scenario_result *a = &x->scenarios[0], *b = &y->scenarios[0];
    assert_memory_equal(a->stats, b->stats, sizeof a->stats);
    assert_int_equal(a->n_series, b->n_series);
    for (size_t v = 0; v < a->n_series; v++)
        assert_memory_equal(a->series[v].mean, b->series[v].mean,
                            (size_t)a->horizon * sizeof(double));
    for (size_t j = 0; j < a->n_projects; j++) {
        assert_memory_equal(&a->projects[j].mean_pv_gdp, &b->projects[j].mean_pv_gdp,
                            sizeof(double));
        assert_memory_equal(&a->projects[j].mean_pv_spillovers,
                            &b->projects[j].mean_pv_spillovers, sizeof(double));
        assert_memory_equal(&a->projects[j].p_success, &b->projects[j].p_success,
                            sizeof(double));
    }
}

/* Links, spillovers, regimes, multipliers and correlations together give
 * bit-identical results on 1 and 3 threads (1500 paths: a short last
 * block). */
static void test_threads_bit_identical(void **state)
{
    (void)state;
    mpsim_scenario *s = mps_test_load(
        "mpsim: 1\nname: threads\nbase_year: 2025\nhorizon: 40\n"
        "appraisal: {include_wider_economy: true}\n"
        "economy:\n"
        "  regimes: {names: [slack, normal], initial: [0.3, 0.7],\n"
        "            transition: [[0.6, 0.4], [0.1, 0.9]]}\n"
        "  multipliers:\n"
        "    CDEL: {slack: {dist: lognormal, median: 1.5, p90: 2.2}, normal: 0.8}\n"
        "    RDEL: {dist: normal, mean: 0.6, sd: 0.2}\n"
        "    profile: [0.5, 0.3, 0.2]\n"
        "  crowding_in: {dist: triangular, min: 0, mode: 0.2, max: 0.6}\n"
        "  tax_take: 0.35\n"
        "  gdp: {level: 2800000, growth: 0.015}\n"
        "  debt: {ratio: 0.95, interest: 0.04}\n"
        "correlations:\n"
        "  - {a: missions.m.projects.rnd.benefits.annual, b: economy.multipliers.CDEL.slack, rho: 0.4}\n"
        "links:\n"
        "  - {from: rnd, to: scale, gate_uplift: 0.3, benefit_uplift: 0.1}\n"
        "missions:\n  - id: m\n    projects:\n"
        "      - id: rnd\n"
        "        category: RDEL\n"
        "        cost: {profile: [20, 40, 40], overrun: {dist: lognormal, median: 1.1, p90: 1.8}}\n"
        "        stages: [{after: 2, p: 0.7}]\n"
        "        benefits: {annual: {dist: lognormal, median: 25, p90: 90}, lag: 1}\n"
        "        spillovers: {rate: 0.02, value: {dist: lognormal, median: 2, p90: 20}, lag: 2}\n"
        "      - id: scale\n"
        "        category: CDEL\n"
        "        start: 2027\n"
        "        cost: {profile: [150, 300, 200]}\n"
        "        stages: [{after: 3, p: 0.6}]\n"
        "        benefits: {annual: {dist: lognormal, median: 160, p90: 260}, ramp: 3}\n");
    mpsim_results *r1 = mps_test_run(s, 1500, 8, 1, 1);
    mpsim_results *r3 = mps_test_run(s, 1500, 8, 3, 1);
    assert_results_identical(r1, r3);
    assert_true(r1->scenarios[0].stats[MPSIM_M_PV_GDP][MPSIM_STAT_MEAN] > 0.0);
    assert_true(r1->scenarios[0].stats[MPSIM_M_PV_SPILLOVERS][MPSIM_STAT_MEAN] > 0.0);
    mpsim_results_free(r1);
    mpsim_results_free(r3);
    mpsim_scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_regimes),
        cmocka_unit_test(test_fiscal_deterministic),
        cmocka_unit_test(test_pdel_shares_rdel_draws),
        cmocka_unit_test(test_random_multipliers_mean),
        cmocka_unit_test(test_threads_bit_identical),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
