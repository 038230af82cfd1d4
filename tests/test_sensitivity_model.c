/*
 * The sensitivity analysis of scenarios (engine/sensitivity/model_*.c,
 * docs/sensitivity.md "The portfolio model"):
 *
 *   - additive NPV in two benefit levels (no gates, churn or other
 *     randomness): NPV = W (B_a + B_b) - C, so S_i = ST_i = the variance
 *     shares sd_i^2 / (sd_a^2 + sd_b^2), checked within 4 bootstrap
 *     standard errors, and ST_i = S_i within 4 of their combined errors;
 *   - tornado: the P10 and P90 are the marginals' exact quantiles (normal
 *     from GSL, triangular in closed form), swings are ordered, and under
 *     common random numbers a linear input's swing is W (P90 - P10), so the
 *     ratio of two swings is exact;
 *   - switching values: NPV = x W - 100 with W the annuity factor, so the
 *     static and dynamic crossings are 100 / W; a range without a crossing
 *     reports none, and the static appraisal does not read delay;
 *   - the input override hook: a unit coordinate gives the marginal's
 *     quantile, a value is taken on every path;
 *   - EVPI and EVPPI of a project against doing nothing;
 *   - 1 and 2 threads give bit-identical results;
 *   - bad input: unknown key path (with the nearest), fixed input, too few
 *     samples, unknown output.
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
#include <gsl/gsl_randist.h>

#include "model/path.h"
#include "sensitivity/model_sens.h"
#include "test_support.h"

#define HEAD(name)                                                                             \
    "mpsim: 1\nname: " name "\nbase_year: 2025\nhorizon: 20\n"                                 \
    "appraisal:\n  discount: {constant: 0.05}\n"

/* Two projects whose benefit levels are the only uncertainty: build in
 * year 0 (spend 100 each), benefits in years 1 .. 10, so NPV is
 * W (B_a + B_b) - 200 with W = sum_{t=1}^{10} 1.05^-t.  Project c spends
 * nothing and has no benefits: its delay is uncertain but moves nothing. */
static const char additive_yaml[] =
    HEAD("additive")
    "missions:\n"
    "  - id: m\n"
    "    projects:\n"
    "      - {id: a, category: CDEL, cost: {profile: [100]},\n"
    "         benefits: {annual: {dist: normal, mean: 10, sd: 2}, duration: 10}}\n"
    "      - {id: b, category: CDEL, cost: {profile: [100]},\n"
    "         benefits: {annual: {dist: normal, mean: 10, sd: 4}, duration: 10}}\n"
    "      - {id: c, category: CDEL, cost: {profile: [0]},\n"
    "         delay: {dist: triangular, min: 0, mode: 1, max: 4}}\n";

/* Everything at once: gates, churn, a mission target, a correlation. */
static const char rich_yaml[] =
    HEAD("rich")
    "funding: {churn: 0.05}\n"
    "correlations:\n"
    "  - {a: missions.m.projects.a.benefits.annual, b: missions.m.projects.b.cost.overrun,\n"
    "     rho: 0.5}\n"
    "missions:\n"
    "  - id: m\n"
    "    target: {value: 1, by: 2035}\n"
    "    projects:\n"
    "      - {id: a, category: CDEL, cost: {profile: [50, 50]},\n"
    "         stages: [{after: 1, p: 0.8}], outcome: 0.6,\n"
    "         benefits: {annual: {dist: lognormal, median: 20, p90: 40}, duration: 10}}\n"
    "      - {id: b, category: RDEL, cost: {profile: [80], overrun: {dist: pert, min: 0.9,\n"
    "         mode: 1.1, max: 1.8}}, delay: {dist: poisson, mean: 1}, outcome: 0.6,\n"
    "         benefits: {annual: {dist: uniform, min: 5, max: 25}, duration: 10}}\n";

static double annuity(void)
{
    double w = 0.0;
    for (int t = 1; t <= 10; t++)
        w += pow(1.05, -t);
    return w;
}

static mpsim_sensitivity *analyse(mpsim_scenario **s, size_t n, const char *const *inputs,
                                  size_t n_inputs, const char *const *outputs, size_t n_outputs,
                                  uint64_t samples, int threads)
{
    mpsim_sensitivity_options o;
    memset(&o, 0, sizeof o);
    o.inputs = inputs;
    o.n_inputs = n_inputs;
    o.outputs = outputs;
    o.n_outputs = n_outputs;
    o.samples = samples;
    o.samples_set = 1;
    o.seed = 20250101;
    o.seed_set = 1;
    o.threads = threads;
    mpsim_errors errs;
    mpsim_errors_init(&errs);
    mpsim_sensitivity *r = NULL;
    int st = mpsim_sensitivity_run(s, n, &o, &r, &errs);
    if (st != MPSIM_OK) {
        mpsim_errors_print(&errs, stderr);
        fail_msg("mpsim_sensitivity_run: status %d", st);
    }
    mpsim_errors_clear(&errs);
    return r;
}

static void within(double got, double want, double se, const char *what)
{
    if (!(fabs(got - want) <= 4.0 * se))
        fail_msg("%s: got %.6g, want %.6g (4 se = %.3g)", what, got, want, 4.0 * se);
}

static void test_additive_indices(void **state)
{
    (void)state;
    mpsim_scenario *s = mps_test_load(additive_yaml);
    const char *in[] = {"missions.m.projects.a.benefits.annual",
                        "missions.m.projects.b.benefits.annual"};
    const char *out[] = {"npv"};
    mpsim_sensitivity *r = analyse(&s, 1, in, 2, out, 1, 2048, 2);
    const mpsim_sobol_result *so = &r->sc[0].sobol;
    assert_int_equal(so->k, 2);
    assert_int_equal(so->m, 1);
    assert_true(so->evaluations == 2048u * 4u);
    const double share[2] = {4.0 / 20.0, 16.0 / 20.0};
    for (int i = 0; i < 2; i++) {
        within(so->s1[i], share[i], so->s1_se[i], "first order");
        within(so->st[i], share[i], so->st_se[i], "total");
        within(so->st[i], so->s1[i], hypot(so->s1_se[i], so->st_se[i]), "total - first order");
        assert_true(so->s1_se[i] > 0.0 && so->s1_se[i] < 0.05);
    }
    /* Nothing outside the studied inputs: the first-order indices sum to 1. */
    within(so->s1_sum[0], 1.0, so->s1_sum_se[0], "sum of first order");
    mpsim_sensitivity_free(r);
    mpsim_scenario_free(s);
}

static void test_tornado(void **state)
{
    (void)state;
    mpsim_scenario *s = mps_test_load(additive_yaml);
    const char *in[] = {"missions.m.projects.a.benefits.annual",
                        "missions.m.projects.b.benefits.annual",
                        "missions.m.projects.c.delay"};
    const char *out[] = {"npv"};
    mpsim_sensitivity *r = analyse(&s, 1, in, 3, out, 1, 64, 1);
    const mps_sens_scenario *sc = &r->sc[0];
    /* Exact quantiles: normal from GSL's inverse CDF, triangular (0, 1, 4)
     * in closed form: P10 = sqrt(0.1 * 4 * 1), P90 = 4 - sqrt(0.1 * 4 * 3). */
    assert_true(sc->inputs[0].p10 == 10.0 + 2.0 * gsl_cdf_ugaussian_Pinv(0.1));
    assert_true(sc->inputs[0].p90 == 10.0 + 2.0 * gsl_cdf_ugaussian_Pinv(0.9));
    assert_true(sc->inputs[1].p10 == 10.0 + 4.0 * gsl_cdf_ugaussian_Pinv(0.1));
    assert_true(fabs(sc->inputs[2].p10 - sqrt(0.4)) <= 1e-15);
    assert_true(fabs(sc->inputs[2].p90 - (4.0 - sqrt(1.2))) <= 1e-14);
    /* Ordered by swing, largest first. */
    for (size_t b = 1; b < sc->k; b++)
        assert_true(sc->tornado[sc->tornado_order[b - 1]].swing >=
                    sc->tornado[sc->tornado_order[b]].swing);
    assert_int_equal(sc->tornado_order[0], 1);
    assert_int_equal(sc->tornado_order[1], 0);
    assert_int_equal(sc->tornado_order[2], 2);
    assert_true(sc->tornado[2].swing == 0.0);
    /* Common random numbers: a linear input's swing is W (P90 - P10)
     * whatever the other input's draws. */
    const double w = annuity();
    for (int i = 0; i < 2; i++) {
        double want = w * (sc->inputs[i].p90 - sc->inputs[i].p10);
        assert_true(fabs(sc->tornado[i].swing - want) <= 1e-9 * want);
    }
    assert_true(sc->tornado[0].npv_p90 > sc->tornado[0].npv_p10);
    mpsim_sensitivity_free(r);
    mpsim_scenario_free(s);
}

static void test_switching(void **state)
{
    (void)state;
    mpsim_scenario *s = mps_test_load(HEAD("switch")
                                      "missions:\n"
                                      "  - id: m\n"
                                      "    projects:\n"
                                      "      - {id: a, category: CDEL, cost: {profile: [100]},\n"
                                      "         delay: {dist: uniform, min: 0, max: 2},\n"
                                      "         benefits: {annual: {dist: uniform, min: 5, "
                                      "max: 25}, duration: 10}}\n"
                                      "      - {id: b, category: CDEL, cost: {profile: [0]},\n"
                                      "         benefits: {annual: {dist: uniform, min: 0, "
                                      "max: 1e-9}, duration: 10}}\n");
    const char *in[] = {"missions.m.projects.a.benefits.annual",
                        "missions.m.projects.a.delay"};
    const char *out[] = {"npv"};
    mpsim_sensitivity *r = analyse(&s, 1, in, 2, out, 1, 64, 2);
    const mps_sens_scenario *sc = &r->sc[0];
    /* Static NPV = x W - 100 + (b's tiny benefit); the crossing is at
     * 100 / W to within b's 1e-9 share. */
    const double want = 100.0 / annuity();
    assert_true(sc->static_applies[0]);
    assert_true(sc->sw_static[0].found);
    assert_true(fabs(sc->sw_static[0].x - want) <= 1e-8);
    assert_true(sc->inputs[0].lo == 5.0 && sc->inputs[0].hi == 25.0);
    /* Dynamic with the level fixed on every path: a's delay (0 or 1 year,
     * drawn) discounts cost and benefits alike, NPV = (x W - 100) 1.05^-D,
     * so E[NPV] crosses 0 at the same level. */
    assert_true(sc->sw_dynamic[0].found);
    assert_true(fabs(sc->sw_dynamic[0].x - want) <= 1e-8);
    /* Fixing the delay alone: E[NPV] = (15 W - 100) E[1.05^-D] > 0 for
     * every delay in [0, 2] (the level drawn, mean 15 > 100 / W), so no
     * crossing. */
    assert_false(sc->sw_dynamic[1].found);
    /* The static appraisal does not read delay (D = 0 there). */
    assert_false(sc->static_applies[1]);
    assert_false(sc->sw_static[1].found);
    mpsim_sensitivity_free(r);
    mpsim_scenario_free(s);

    /* No crossing: the benefits always exceed the cost. */
    s = mps_test_load(HEAD("noswitch")
                      "missions:\n"
                      "  - id: m\n"
                      "    projects:\n"
                      "      - {id: a, category: CDEL, cost: {profile: [100]},\n"
                      "         benefits: {annual: {dist: uniform, min: 50, max: 60}, "
                      "duration: 10}}\n");
    r = analyse(&s, 1, NULL, 0, out, 1, 64, 1);
    sc = &r->sc[0];
    assert_int_equal(sc->k, 1);
    assert_false(sc->sw_static[0].found);
    assert_true(isnan(sc->sw_static[0].x));
    assert_false(sc->sw_dynamic[0].found);
    assert_true(isnan(sc->sw_dynamic[0].x));
    assert_true(sc->sw_dynamic[0].value_lo > 0.0);
    mpsim_sensitivity_free(r);
    mpsim_scenario_free(s);
}

/* The hook itself: a unit coordinate gives the marginal's quantile, a
 * value is taken as it is. */
static void test_override_hook(void **state)
{
    (void)state;
    mpsim_scenario *s = mps_test_load(additive_yaml);
    mps_model *m = NULL;
    assert_int_equal(mps_model_create(s, &m), MPSIM_OK);
    mps_workspace *w = mps_workspace_alloc(m);
    assert_non_null(w);
    int n = mps_model_n_input_slots(m);
    mps_input_override *ovr = calloc((size_t)n, sizeof *ovr);
    mps_input_ref ra = {MPS_INPUT_BENEFIT, 0, -1, -1, NULL};
    mps_input_ref rb = {MPS_INPUT_BENEFIT, 1, -1, -1, NULL};
    int sa = mps_model_input_slot(m, &ra), sb = mps_model_input_slot(m, &rb);
    assert_true(sa >= 0 && sb >= 0 && sa != sb && sa < n && sb < n);
    mps_workspace_set_overrides(w, ovr);
    ovr[sa] = (mps_input_override){MPS_OVERRIDE_UNIT, 0.975};
    ovr[sb] = (mps_input_override){MPS_OVERRIDE_VALUE, 7.0};
    const double w10 = annuity();
    for (uint64_t p = 0; p < 5; p++) {
        const mps_path_result *r = mps_path_run(m, 3, p, w);
        double ba = 10.0 + 2.0 * gsl_cdf_ugaussian_Pinv(0.975);
        /* b's delay still varies by path: only a's benefits are checked
         * through the per-project PV. */
        double pva = r->project_pv[0 * MPS_N_PROJECT_PV + MPS_P_PV_DIRECT];
        assert_true(fabs(pva - ba * w10) <= 1e-9 * pva);
    }
    mps_workspace_set_overrides(w, NULL);
    mps_workspace_free(w);
    free(ovr);
    mps_model_free(m);
    mpsim_scenario_free(s);
}

static void test_threads_identical(void **state)
{
    (void)state;
    mpsim_scenario *s = mps_test_load(rich_yaml);
    mpsim_sensitivity *r1 = analyse(&s, 1, NULL, 0, NULL, 0, 64, 1);
    mpsim_sensitivity *r2 = analyse(&s, 1, NULL, 0, NULL, 0, 64, 2);
    const mps_sens_scenario *a = &r1->sc[0], *b = &r2->sc[0];
    assert_int_equal(a->k, b->k);
    assert_true(a->correlated);
    const size_t cells = a->sobol.k * a->sobol.m;
    assert_memory_equal(a->sobol.s1, b->sobol.s1, cells * sizeof(double));
    assert_memory_equal(a->sobol.st, b->sobol.st, cells * sizeof(double));
    assert_memory_equal(a->sobol.s1_se, b->sobol.s1_se, cells * sizeof(double));
    assert_memory_equal(a->tornado, b->tornado, a->k * sizeof *a->tornado);
    assert_memory_equal(a->sw_dynamic, b->sw_dynamic, a->k * sizeof *a->sw_dynamic);
    /* Default outputs: npv, pv_benefits, pvc, achieved:m, then the
     * net_benefit and mission_m series. */
    assert_int_equal(a->out.n_scalar, 4);
    assert_string_equal(a->out.scalar_name[3], "achieved:m");
    assert_int_equal(a->out.n_series, 2);
    assert_int_equal(a->sobol.m, 4 + 2 * 20);
    mpsim_sensitivity_free(r1);
    mpsim_sensitivity_free(r2);
    mpsim_scenario_free(s);
}

/* A project against a "do nothing" alternative: NPV = W B - 100 with
 * B ~ N(mu, sd), so EVPI = g(m, s) - max(m, 0) with m = W mu - 100,
 * s = W sd, g(m, s) = s phi(m/s) + m Phi(m/s); EVPPI of B equals it up to
 * the binned estimator's bias. */
static void test_voi(void **state)
{
    (void)state;
    mpsim_scenario *s[2];
    s[0] = mps_test_load(HEAD("invest")
                         "missions:\n"
                         "  - id: m\n"
                         "    projects:\n"
                         "      - {id: a, category: CDEL, cost: {profile: [100]},\n"
                         "         benefits: {annual: {dist: normal, mean: 13.5, sd: 3}, "
                         "duration: 10}}\n");
    s[1] = mps_test_load(HEAD("nothing")
                         "missions:\n"
                         "  - id: m\n"
                         "    projects:\n"
                         "      - {id: z, category: CDEL, cost: {profile: [0]}}\n");
    const char *out[] = {"npv"};
    mpsim_sensitivity *r = analyse(s, 1, NULL, 0, out, 1, 64, 1);
    assert_false(r->has_voi);
    mpsim_sensitivity_free(r);
    const char *in[] = {"missions.m.projects.a.benefits.annual"};
    mpsim_errors errs;
    mpsim_errors_init(&errs);
    mpsim_sensitivity_options o;
    memset(&o, 0, sizeof o);
    o.outputs = out;
    o.n_outputs = 1;
    o.inputs = in;
    o.n_inputs = 1;
    o.samples = 4096;
    o.samples_set = 1;
    o.threads = 2;
    /* The second alternative has no uncertain input: it gets no indices
     * but is valued in the EVPI. */
    assert_int_equal(mpsim_sensitivity_run(s, 2, &o, &r, &errs), MPSIM_OK);
    assert_true(r->has_voi);
    assert_int_equal(r->sc[1].k, 0);
    const double w = annuity(), mu = w * 13.5 - 100.0, sd = w * 3.0;
    const double z = mu / sd;
    const double want = sd * gsl_ran_ugaussian_pdf(z) + mu * gsl_cdf_ugaussian_P(z) -
                        fmax(mu, 0.0);
    within(r->evpi.value, want, r->evpi.se, "EVPI");
    assert_int_equal(r->voi_k, 1);
    /* EVPPI of the only input: the binned estimator is biased by at most
     * about the bin width's loss, within its own error here. */
    within(r->evppi[0].value, r->evpi.value, hypot(r->evppi[0].se, r->evpi.se), "EVPPI");
    mpsim_sensitivity_free(r);
    mpsim_errors_clear(&errs);
    mpsim_scenario_free(s[0]);
    mpsim_scenario_free(s[1]);
}

static void expect_bad(mpsim_scenario *s, const char *const *in, size_t n_in,
                       const char *const *out, size_t n_out, uint64_t samples, const char *key,
                       const char *needle)
{
    mpsim_sensitivity_options o;
    memset(&o, 0, sizeof o);
    o.inputs = in;
    o.n_inputs = n_in;
    o.outputs = out;
    o.n_outputs = n_out;
    o.samples = samples;
    o.samples_set = 1;
    mpsim_errors errs;
    mpsim_errors_init(&errs);
    mpsim_sensitivity *r = (mpsim_sensitivity *)&o; /* must be reset to NULL */
    assert_int_equal(mpsim_sensitivity_run(&s, 1, &o, &r, &errs), MPSIM_ERR_INPUT);
    assert_null(r);
    if (!mps_test_errors_have(&errs, key, needle)) {
        mpsim_errors_print(&errs, stderr);
        fail_msg("no error with key path '%s' saying '%s'", key ? key : "", needle);
    }
    mpsim_errors_clear(&errs);
}

static void test_bad_input(void **state)
{
    (void)state;
    mpsim_scenario *s = mps_test_load(additive_yaml);
    const char *typo[] = {"missions.m.projects.a.benefits.anual"};
    expect_bad(s, typo, 1, NULL, 0, 64, "missions.m.projects.a.benefits.anual",
               "nearest: missions.m.projects.a.benefits.annual");
    const char *fixed[] = {"missions.m.projects.a.cost.overrun"};
    expect_bad(s, fixed, 1, NULL, 0, 64, "missions.m.projects.a.cost.overrun",
               "fixed number");
    const char *twice[] = {"missions.m.projects.a.benefits.annual",
                           "missions.m.projects.a.benefits.annual"};
    expect_bad(s, twice, 2, NULL, 0, 64, NULL, "listed twice");
    expect_bad(s, NULL, 0, NULL, 0, 63, "--samples", "between 64");
    const char *unknown[] = {"npv", "nvp"};
    expect_bad(s, NULL, 0, unknown, 2, 64, NULL, "unknown output 'nvp'");
    const char *spill[] = {"missions.m.projects.a.spillovers.value"};
    expect_bad(s, spill, 1, NULL, 0, 64, NULL, "drawn afresh");
    mpsim_scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_override_hook),   cmocka_unit_test(test_additive_indices),
        cmocka_unit_test(test_tornado),         cmocka_unit_test(test_switching),
        cmocka_unit_test(test_threads_identical), cmocka_unit_test(test_voi),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
