/*
 * Slow tier: the whole pipeline (loader, kernel, driver, statistics) at a
 * million paths against means derived independently from model.md, within
 * 4 of the run's own standard errors; and the demonstration portfolio
 * bit-identical on 1 and 2 threads at 200,000 paths.
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

#include "test_support.h"

static const char *yaml =
    "mpsim: 1\n"
    "name: slow-one\n"
    "base_year: 2025\n"
    "horizon: 60\n"
    "funding: {churn: 0.05}\n"
    "missions:\n"
    "  - id: m\n"
    "    projects:\n"
    "      - id: p\n"
    "        category: CDEL\n"
    "        start: 2026\n"
    "        cost: {profile: [10, 20, 30], overrun: {dist: pert, min: 0.9, mode: 1.1, max: 1.8}}\n"
    "        delay: {dist: poisson, mean: 1.5}\n"
    "        stages: [{after: 1, p: 0.8}, {after: 3, p: 0.75}]\n"
    "        benefits: {annual: {dist: lognormal, median: 12, p90: 30}, lag: 2, ramp: 3,\n"
    "                   duration: 25, decay: 0.02}\n";

/* Green Book standard schedule for model years 0..59 (model.md section 9). */
static void green_book_df(double *df, int h)
{
    df[0] = 1.0;
    for (int t = 1; t < h; t++)
        df[t] = df[t - 1] / (1.0 + (t <= 30 ? 0.035 : 0.03));
}

static void test_million_paths_against_analytic_means(void **state)
{
    (void)state;
    enum { H = 60, D_MAX = 60 };
    double df[H];
    green_book_df(df, H);
    const double c[3] = {10, 20, 30};
    const double e_o = (0.9 + 4 * 1.1 + 1.8) / 6.0; /* PERT mean */
    const double sigma = log(30.0 / 12.0) / 1.2815515655446004;
    const double e_b = 12.0 * exp(sigma * sigma / 2.0); /* lognormal mean */
    /* Spending in build year j needs surviving churn in years 0..j and every
     * gate due before it: the gate after 1 year guards years 1 and 2. */
    const double alive[3] = {0.95, 0.95 * 0.95 * 0.8, 0.95 * 0.95 * 0.95 * 0.8};
    const double p_success = alive[2] * 0.75;

    double e_cost = 0.0, e_ben = 0.0;
    for (int d = 0; d < D_MAX; d++) {
        const double w = gsl_ran_poisson_pdf((unsigned)d, 1.5);
        const int s = 1 + d; /* start 2026 is model year 1 */
        for (int j = 0; j < 3; j++)
            if (s + j < H)
                e_cost += w * e_o * alive[j] * c[j] * df[s + j];
        if (s + 3 > H)
            continue; /* a build past the horizon is not a success */
        const int e = s + 3;
        for (int i = 0; i < 25 && e + 2 + i < H; i++) {
            double ramp = i + 1 >= 3 ? 1.0 : (i + 1) / 3.0;
            e_ben += w * p_success * e_b * ramp * pow(0.98, i) * df[e + 2 + i];
        }
    }

    mpsim_scenario *sc = mps_test_load(yaml);
    mpsim_results *r = mps_test_run(sc, 1000000, 2024, 0, 0);
    const mpsim_scenario_result *res = &r->scenarios[0];
    const double *cost = res->stats[MPSIM_M_PV_COST], *ben = res->stats[MPSIM_M_PV_BENEFITS],
                 *npv = res->stats[MPSIM_M_NPV];
    print_message("pv_cost %.6f (analytic %.6f, se %.6f)\n", cost[MPSIM_STAT_MEAN], e_cost,
                  cost[MPSIM_STAT_SE]);
    print_message("pv_benefits %.6f (analytic %.6f, se %.6f)\n", ben[MPSIM_STAT_MEAN], e_ben,
                  ben[MPSIM_STAT_SE]);
    assert_true(fabs(cost[MPSIM_STAT_MEAN] - e_cost) < 4 * cost[MPSIM_STAT_SE]);
    assert_true(fabs(ben[MPSIM_STAT_MEAN] - e_ben) < 4 * ben[MPSIM_STAT_SE]);
    assert_true(fabs(npv[MPSIM_STAT_MEAN] - (e_ben - e_cost)) < 4 * npv[MPSIM_STAT_SE]);
    const double se_p = sqrt(p_success * (1 - p_success) / 1e6);
    assert_true(fabs(res->projects[0].p_success - p_success) < 4 * se_p);
    mpsim_results_free(r);
    mpsim_scenario_free(sc);
}

static void test_demo_threads_bit_identical(void **state)
{
    (void)state;
    mpsim_errors e;
    mpsim_errors_init(&e);
    mpsim_scenario *sc = NULL;
    int rc = mpsim_scenario_load(MPSIM_SOURCE_DIR "/scenarios/demo.yaml", &sc, &e);
    if (rc != MPSIM_OK)
        mpsim_errors_print(&e, stderr);
    assert_int_equal(rc, MPSIM_OK);
    mpsim_results *r1 = mps_test_run(sc, 200000, 20250101, 1, 1);
    mpsim_results *r2 = mps_test_run(sc, 200000, 20250101, 2, 1);
    const mpsim_scenario_result *a = &r1->scenarios[0], *b = &r2->scenarios[0];
    assert_memory_equal(a->stats, b->stats, sizeof a->stats);
    for (int m = 0; m < MPSIM_N_METRICS; m++)
        assert_memory_equal(a->paths[m], b->paths[m], 200000 * sizeof(double));
    for (size_t v = 0; v < a->n_series; v++)
        assert_memory_equal(a->series[v].bands, b->series[v].bands,
                            (size_t)a->horizon * a->n_quantiles * sizeof(double));
    mpsim_results_free(r1);
    mpsim_results_free(r2);
    mpsim_scenario_free(sc);
    mpsim_errors_clear(&e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_million_paths_against_analytic_means),
        cmocka_unit_test(test_demo_threads_bit_identical),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
