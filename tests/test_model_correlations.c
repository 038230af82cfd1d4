/*
 * Correlated inputs through the Gaussian copula (model.md section 3,
 * scenario-format.md "Correlations"): the achieved rank correlation
 * against the copula's (6/pi) asin(rho/2), the marginals unchanged, the
 * delay's floor-then-clamp after the quantile, correlated multipliers,
 * and the randomness contract: a correlation changes the draws of the
 * inputs it names and of no other.
 *
 * Inputs are read back through deterministic functions of them: with
 * fixed timing, a project's pv_direct is B times a known annuity, its
 * pv_cost O times a known sum; with one regime and profile [1], GDP is the
 * multiplier times the spend.  Tolerances are 4 standard errors from the
 * sample (for correlations, from the spread of 20 batch estimates).
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

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "model/path.h"
#include "support_model.h"
#include "test_support.h"

enum { N_PATHS = 20000, N_BATCHES = 20 };
static const uint64_t SEED = 31337;

static double ppv(const mps_path_result *r, int k, mps_project_pv c)
{
    return r->project_pv[k * MPS_N_PROJECT_PV + c];
}

/* Mean and standard error of x[0..n-1]. */
static void mean_se(const double *x, size_t n, double *mean, double *se)
{
    *mean = gsl_stats_mean(x, 1, n);
    *se = gsl_stats_sd_m(x, 1, n, *mean) / sqrt((double)n);
}

static void check_mean(const double *x, size_t n, double want, const char *what)
{
    double mean, se;
    mean_se(x, n, &mean, &se);
    assert_true(se > 0.0);
    if (!(fabs(mean - want) <= 4.0 * se))
        fail_msg("%s: sample mean %.10g, expected %.10g, 4 SE = %.3g", what, mean, want,
                 4.0 * se);
}

/* Spearman's rank correlation of x and y (n values each, no ties). */
static double spearman(const double *x, const double *y, size_t n)
{
    double *rx = malloc(n * sizeof *rx), *ry = malloc(n * sizeof *ry);
    size_t *ix = malloc(n * sizeof *ix), *iy = malloc(n * sizeof *iy);
    assert_true(rx && ry && ix && iy);
    gsl_sort_index(ix, x, 1, n);
    gsl_sort_index(iy, y, 1, n);
    for (size_t i = 0; i < n; i++) {
        rx[ix[i]] = (double)i;
        ry[iy[i]] = (double)i;
    }
    double r = gsl_stats_correlation(rx, 1, ry, 1, n);
    free(rx);
    free(ry);
    free(ix);
    free(iy);
    return r;
}

typedef double (*corr_fn)(const double *, const double *, size_t);

static double pearson(const double *x, const double *y, size_t n)
{
    return gsl_stats_correlation(x, 1, y, 1, n);
}

/* The statistic over all n values against `want`, within 4 SE, the SE
 * estimated from N_BATCHES disjoint batches (sd of the batch values over
 * sqrt(N_BATCHES)): a sample-based error for a statistic that is not a
 * mean. */
static void check_corr(corr_fn f, const double *x, const double *y, size_t n, double want,
                       const char *what)
{
    double full = f(x, y, n);
    double b[N_BATCHES];
    size_t m = n / N_BATCHES;
    for (int i = 0; i < N_BATCHES; i++)
        b[i] = f(x + i * m, y + i * m, m);
    double mean = gsl_stats_mean(b, 1, N_BATCHES);
    double se = gsl_stats_sd_m(b, 1, N_BATCHES, mean) / sqrt((double)N_BATCHES);
    assert_true(se > 0.0);
    if (!(fabs(full - want) <= 4.0 * se))
        fail_msg("%s: sample %.6f, expected %.6f, 4 SE = %.3g", what, full, want, 4.0 * se);
}

#define HEAD(name)                                                                             \
    "mpsim: 1\nname: " name "\nbase_year: 2025\nhorizon: 20\n"                                 \
    "appraisal:\n  discount: {constant: 0.05}\n"

/* Projects a and b: lognormal benefits (rho 0.6 between them); c: a
 * triangular overrun correlated with a's benefit (rho -0.5); d: untouched.
 * Every project has one build year (e = 1) and benefits of duration 5, so
 * pv_direct = B * A5 with A5 = sum_{t=1..5} 1.05^-t, and pv_cost = O * 10. */
static const char *corr_yaml(int with_corr)
{
    static char buf[2048];
    snprintf(buf, sizeof buf,
             HEAD("corr") "%s"
             "missions:\n  - id: m\n    projects:\n"
             "      - {id: a, category: CDEL, cost: {profile: [10]},\n"
             "         benefits: {annual: {dist: lognormal, median: 20, p90: 50}, duration: 5}}\n"
             "      - {id: b, category: CDEL, cost: {profile: [10],\n"
             "         overrun: {dist: uniform, min: 0.8, max: 1.5}},\n"
             "         benefits: {annual: {dist: lognormal, median: 5, p90: 8}, duration: 5}}\n"
             "      - {id: c, category: RDEL,\n"
             "         cost: {profile: [10], overrun: {dist: triangular, min: 0.9, mode: 1, max: 2}},\n"
             "         benefits: {annual: 1, duration: 5}}\n"
             "      - {id: d, category: RDEL, delay: {dist: poisson, mean: 2},\n"
             "         cost: {profile: [10], overrun: {dist: pert, min: 0.9, mode: 1.1, max: 1.9}},\n"
             "         stages: [{after: 1, p: 0.5}],\n"
             "         benefits: {annual: {dist: normal, mean: 7, sd: 2}, duration: 5}}\n",
             with_corr ? "correlations:\n"
                         "  - {a: missions.m.projects.a.benefits.annual,\n"
                         "     b: missions.m.projects.b.benefits.annual, rho: 0.6}\n"
                         "  - {a: missions.m.projects.a.benefits.annual,\n"
                         "     b: missions.m.projects.c.cost.overrun, rho: -0.5}\n"
                       : "");
    return buf;
}

static void test_rank_correlation_and_marginals(void **state)
{
    (void)state;
    mps_test_sim x;
    mps_test_sim_open(&x, corr_yaml(1));
    double a5 = 0.0;
    for (int t = 1; t <= 5; t++)
        a5 += pow(1.05, -t);
    double *ba = malloc(N_PATHS * sizeof *ba), *bb = malloc(N_PATHS * sizeof *bb);
    double *oc = malloc(N_PATHS * sizeof *oc), *la = malloc(N_PATHS * sizeof *la);
    double *lb = malloc(N_PATHS * sizeof *lb);
    assert_true(ba && bb && oc && la && lb);
    for (size_t p = 0; p < N_PATHS; p++) {
        const mps_path_result *r = mps_path_run(x.m, SEED, p, x.w);
        ba[p] = ppv(r, 0, MPS_P_PV_DIRECT) / a5;
        bb[p] = ppv(r, 1, MPS_P_PV_DIRECT) / a5;
        oc[p] = ppv(r, 2, MPS_P_PV_COST) / 10.0;
        la[p] = log(ba[p]);
        lb[p] = log(bb[p]);
    }
    /* Copula: Spearman = (6/pi) asin(rho/2); the normal scores (here
     * ln B) keep Pearson correlation rho itself. */
    check_corr(spearman, ba, bb, N_PATHS, 6.0 / 3.14159265358979323846 * asin(0.3), "Spearman(a, b)");
    check_corr(pearson, la, lb, N_PATHS, 0.6, "Pearson(ln a, ln b)");
    check_corr(spearman, ba, oc, N_PATHS, 6.0 / 3.14159265358979323846 * asin(-0.25), "Spearman(a, overrun c)");
    /* Marginals unchanged. */
    double sa = log(50.0 / 20.0) / 1.2815515655446004;
    double sb = log(8.0 / 5.0) / 1.2815515655446004;
    check_mean(ba, N_PATHS, 20.0 * exp(0.5 * sa * sa), "E[B a]");
    check_mean(bb, N_PATHS, 5.0 * exp(0.5 * sb * sb), "E[B b]");
    check_mean(oc, N_PATHS, (0.9 + 1.0 + 2.0) / 3.0, "E[O c] (triangular)");
    /* The triangular marginal's CDF at its mode is (mode - min)/(max - min). */
    double *below = malloc(N_PATHS * sizeof *below);
    assert_non_null(below);
    for (size_t p = 0; p < N_PATHS; p++) {
        assert_true(oc[p] >= 0.9 && oc[p] <= 2.0);
        below[p] = oc[p] <= 1.0;
    }
    check_mean(below, N_PATHS, 0.1 / 1.1, "P(O c <= mode)");
    free(below);
    free(ba);
    free(bb);
    free(oc);
    free(la);
    free(lb);
    mps_test_sim_close(&x);
}

/* Adding the correlations changes only the inputs they name: project d
 * (all of it) and b's overrun are bit-identical with and without them,
 * while a's benefit changes. */
static void test_correlation_changes_only_named_inputs(void **state)
{
    (void)state;
    mps_test_sim x, y;
    mps_test_sim_open(&x, corr_yaml(0));
    mps_test_sim_open(&y, corr_yaml(1));
    int changed = 0;
    for (uint64_t p = 0; p < 2000; p++) {
        const mps_path_result *r = mps_path_run(x.m, SEED, p, x.w);
        double d[MPS_N_PROJECT_PV], b_cost = ppv(r, 1, MPS_P_PV_COST), a_b = ppv(r, 0, MPS_P_PV_DIRECT);
        unsigned char d_ok = r->success[3];
        memcpy(d, &r->project_pv[3 * MPS_N_PROJECT_PV], sizeof d);
        const mps_path_result *q = mps_path_run(y.m, SEED, p, y.w);
        assert_memory_equal(d, &q->project_pv[3 * MPS_N_PROJECT_PV], sizeof d);
        assert_int_equal(d_ok, q->success[3]);
        assert_memory_equal(&b_cost, &q->project_pv[MPS_N_PROJECT_PV + MPS_P_PV_COST],
                            sizeof(double));
        changed |= a_b != ppv(q, 0, MPS_P_PV_DIRECT);
    }
    assert_true(changed);
    mps_test_sim_close(&x);
    mps_test_sim_close(&y);
}

/* A correlated delay is floored then clamped after the quantile: with
 * delay ~ normal(1, 2), D = max(0, floor(x)), so P(D = 0) = P(x < 1) = 0.5
 * and P(D = 1) = Phi(0.5) - Phi(0).  The start year shows in the cost
 * series.  A per-regime multiplier correlated with the delay also keeps its
 * marginal (one regime, profile [1]: GDP in the spend year = m * 10). */
static void test_correlated_delay_and_multiplier(void **state)
{
    (void)state;
    mps_test_sim x;
    mps_test_sim_open(&x, HEAD("delay")
                 "economy:\n"
                 "  multipliers:\n"
                 "    RDEL: {dist: pert, min: 0, mode: 0.5, max: 2}\n"
                 "correlations:\n"
                 "  - {a: missions.m.projects.a.delay, b: economy.multipliers.RDEL, rho: 0.7}\n"
                 "missions:\n  - id: m\n    projects:\n"
                 "      - {id: a, category: RDEL, cost: {profile: [10]},\n"
                 "         delay: {dist: normal, mean: 1, sd: 2}}\n");
    int gdp = mps_model_series_find(x.m, "gdp");
    assert_true(gdp >= 0);
    double *d0 = malloc(N_PATHS * sizeof *d0), *d1 = malloc(N_PATHS * sizeof *d1);
    double *mu = malloc(N_PATHS * sizeof *mu), *start = malloc(N_PATHS * sizeof *start);
    assert_true(d0 && d1 && mu && start);
    for (size_t p = 0; p < N_PATHS; p++) {
        const mps_path_result *r = mps_path_run(x.m, SEED, p, x.w);
        int s = -1;
        for (int t = 0; t < 20 && s < 0; t++)
            if (r->series[MPS_S_COST * 20 + t] > 0.0)
                s = t;
        assert_true(s >= 0); /* D > 19 has probability ~1e-19 */
        d0[p] = s == 0;
        d1[p] = s == 1;
        start[p] = s;
        mu[p] = r->series[gdp * 20 + s] / 10.0;
    }
    check_mean(d0, N_PATHS, 0.5, "P(D = 0)");
    check_mean(d1, N_PATHS, gsl_cdf_ugaussian_P(0.5) - 0.5, "P(D = 1)");
    check_mean(mu, N_PATHS, (0.0 + 4.0 * 0.5 + 2.0) / 6.0, "E[m RDEL] (PERT)");
    /* Later starts come with larger multipliers. */
    double mean_mu = gsl_stats_mean(mu, 1, N_PATHS), lo = 0.0, n_lo = 0.0;
    for (size_t p = 0; p < N_PATHS; p++)
        if (start[p] == 0.0) {
            lo += mu[p];
            n_lo += 1.0;
        }
    assert_true(lo / n_lo < mean_mu);
    free(d0);
    free(d1);
    free(mu);
    free(start);
    mps_test_sim_close(&x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rank_correlation_and_marginals),
        cmocka_unit_test(test_correlation_changes_only_named_inputs),
        cmocka_unit_test(test_correlated_delay_and_multiplier),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
