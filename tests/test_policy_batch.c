/*
 * The shipped policy batch (scenarios/policy/, what `mpsim run` runs with
 * no argument): the four variants load as one batch, and a 4000-path run
 * shows what each lever does.
 *
 * - Common random numbers at work: for every comparison, the standard error
 *   of the mean NPV difference is below the standard error of either
 *   side's mean NPV (issue 4; docs/policy-scenarios.md explains why).
 * - Ringfencing PDEL raises the delivered share of planned spend and the PV
 *   of cashable savings of every PDEL project against the baseline.
 * - Long-term commitment (no churn) raises P(success) of every project
 *   against the ringfenced variant.
 * - Adaptive management stops some projects.
 *
 * The last three are path-by-path orderings under common random numbers
 * (the variant only removes cuts, cancellations, or adds stops), so the
 * means move in the asserted direction on any run; they fail if the batch
 * files lose their levers or if the draws stop being shared.
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

#include "mpsim.h"

enum { N_VARIANTS = 4, N_PATHS = 4000 };
static const uint64_t SEED = 20250101;

#define POLICY_DIR MPSIM_SOURCE_DIR "/scenarios/policy/"
static const char *const files[N_VARIANTS] = {
    POLICY_DIR "baseline.yaml", POLICY_DIR "pdel-ringfenced.yaml", POLICY_DIR "long-term.yaml",
    POLICY_DIR "adaptive.yaml"};
static const char *const names[N_VARIANTS] = {"baseline", "pdel-ringfenced", "long-term",
                                              "adaptive"};
enum { BASELINE, RINGFENCED, LONG_TERM, ADAPTIVE };

/* The batch is loaded and run once for all the tests below. */
static int setup(void **state)
{
    mpsim_scenario *s[N_VARIANTS] = {NULL};
    mpsim_errors e;
    mpsim_errors_init(&e);
    int rc = MPSIM_OK;
    for (int i = 0; i < N_VARIANTS && rc == MPSIM_OK; i++)
        rc = mpsim_scenario_load(files[i], &s[i], &e);
    mpsim_run_options o;
    memset(&o, 0, sizeof o);
    o.paths = N_PATHS;
    o.paths_set = 1;
    o.seed = SEED;
    o.seed_set = 1;
    if (rc == MPSIM_OK)
        rc = mpsim_batch_check(s, N_VARIANTS, &o, &e);
    mpsim_results *r = NULL;
    if (rc == MPSIM_OK)
        rc = mpsim_run(s, N_VARIANTS, &o, &r, &e);
    if (rc != MPSIM_OK)
        mpsim_errors_print(&e, stderr);
    mpsim_errors_clear(&e);
    for (int i = 0; i < N_VARIANTS; i++)
        mpsim_scenario_free(s[i]);
    *state = r;
    return rc == MPSIM_OK ? 0 : -1;
}

static int teardown(void **state)
{
    mpsim_results_free(*state);
    return 0;
}

static const mpsim_project_result *project(const mpsim_scenario_result *s, const char *id)
{
    for (size_t i = 0; i < s->n_projects; i++)
        if (strcmp(s->projects[i].id, id) == 0)
            return &s->projects[i];
    fail_msg("scenario %s has no project %s", s->name, id);
    return NULL;
}

static void test_batch_shape(void **state)
{
    const mpsim_results *r = *state;
    assert_int_equal(r->n_scenarios, N_VARIANTS);
    for (int i = 0; i < N_VARIANTS; i++) {
        assert_string_equal(r->scenarios[i].name, names[i]);
        /* Every variant is the same fifteen-project demonstration portfolio. */
        assert_int_equal(r->scenarios[i].n_projects, 15);
    }
    /* Each variant records the files it extends (demo.yaml at the root). */
    assert_int_equal(r->scenarios[BASELINE].n_inputs, 1);
    assert_int_equal(r->scenarios[ADAPTIVE].n_inputs, 4);
    assert_int_equal(r->n_comparisons, N_VARIANTS - 1);
    for (size_t c = 0; c < r->n_comparisons; c++) {
        assert_string_equal(r->comparisons[c].a, "baseline");
        assert_string_equal(r->comparisons[c].b, names[c + 1]);
    }
}

/* Under common random numbers npv_a and npv_b are strongly correlated, so
 * Var(b - a) = Var(a) + Var(b) - 2 Cov(a, b) is far below either variance. */
static void test_crn_difference_se_is_small(void **state)
{
    const mpsim_results *r = *state;
    const double se_a = r->scenarios[BASELINE].stats[MPSIM_M_NPV][MPSIM_STAT_SE];
    assert_true(se_a > 0.0);
    for (size_t c = 0; c < r->n_comparisons; c++) {
        const mpsim_comparison *k = &r->comparisons[c];
        const double se_b = r->scenarios[c + 1].stats[MPSIM_M_NPV][MPSIM_STAT_SE];
        const double bound = fmin(se_a, se_b);
        if (!(k->npv_diff_se > 0.0 && k->npv_diff_se < bound))
            fail_msg("%s -> %s: se of the NPV difference %g, se of the means %g and %g", k->a, k->b,
                     k->npv_diff_se, se_a, se_b);
        /* The difference's se is the sample sd over sqrt(n), as reported. */
        assert_true(fabs(k->npv_diff_se - k->npv_diff_sd / sqrt((double)N_PATHS)) <=
                    1e-9 * k->npv_diff_sd);
    }
}

static void test_ringfence_protects_pdel(void **state)
{
    const mpsim_results *r = *state;
    const mpsim_scenario_result *a = &r->scenarios[BASELINE], *b = &r->scenarios[RINGFENCED];
    int n_pdel = 0;
    for (size_t i = 0; i < a->n_projects; i++) {
        const mpsim_project_result *pa = &a->projects[i];
        const mpsim_project_result *pb = project(b, pa->id);
        if (strcmp(pa->category, "PDEL") != 0) {
            /* Projects outside the ringfence are untouched, draw for draw. */
            assert_true(pb->mean_spend_share == pa->mean_spend_share);
            continue;
        }
        n_pdel++;
        if (!(pb->mean_spend_share > pa->mean_spend_share))
            fail_msg("%s: delivered share %g ringfenced, %g baseline", pa->id, pb->mean_spend_share,
                     pa->mean_spend_share);
        if (!(pb->mean_pv_savings > pa->mean_pv_savings))
            fail_msg("%s: PV savings %g ringfenced, %g baseline", pa->id, pb->mean_pv_savings,
                     pa->mean_pv_savings);
    }
    assert_int_equal(n_pdel, 3);
}

static void test_long_term_raises_success(void **state)
{
    const mpsim_results *r = *state;
    const mpsim_scenario_result *a = &r->scenarios[RINGFENCED], *b = &r->scenarios[LONG_TERM];
    for (size_t i = 0; i < a->n_projects; i++) {
        const mpsim_project_result *pa = &a->projects[i];
        const mpsim_project_result *pb = project(b, pa->id);
        if (!(pb->p_success > pa->p_success))
            fail_msg("%s: P(success) %g long-term, %g ringfenced", pa->id, pb->p_success,
                     pa->p_success);
    }
}

static void test_adaptive_stops_projects(void **state)
{
    const mpsim_results *r = *state;
    double stopped = 0.0;
    for (int v = BASELINE; v <= LONG_TERM; v++)
        for (size_t i = 0; i < r->scenarios[v].n_projects; i++)
            assert_true(r->scenarios[v].projects[i].p_stopped == 0.0);
    const mpsim_scenario_result *s = &r->scenarios[ADAPTIVE];
    for (size_t i = 0; i < s->n_projects; i++)
        stopped += s->projects[i].p_stopped;
    if (!(stopped > 0.0))
        fail_msg("adaptive management stopped nothing (sum of P(stopped) %g)", stopped);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_batch_shape),
        cmocka_unit_test(test_crn_difference_se_is_small),
        cmocka_unit_test(test_ringfence_protects_pdel),
        cmocka_unit_test(test_long_term_raises_success),
        cmocka_unit_test(test_adaptive_stops_projects),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
