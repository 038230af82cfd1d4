/*
 * Links between projects (model.md section 5): the gate uplift
 * q' = 1 - (1 - q)(1 - g) once the linked project has succeeded
 * (completion year e_A <= t when B meets its gate in year t), whatever the
 * order of the projects in the file, and the benefit uplift (1 + v) from
 * A's first benefit year, several links multiplying.
 *
 * Probabilities are checked within 4 standard errors of the sample;
 * deterministic flows to 1e-9.  Discounting uses {constant: 0.05}.
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

enum { N_PATHS = 20000 };
static const uint64_t SEED = 99;

static double df(int t) { return pow(1.05, -t); }

static void near(double got, double want)
{
    double tol = 1e-9 * fmax(1.0, fabs(want));
    if (!(fabs(got - want) <= tol))
        fail_msg("got %.17g, want %.17g", got, want);
}

#define HEAD(name)                                                                             \
    "mpsim: 1\nname: " name "\nbase_year: 2025\nhorizon: 30\n"                                 \
    "appraisal:\n  discount: {constant: 0.05}\n"

/* B (two build years, gate after build year 2 with p = 0.5) meets its
 * gate in model year 1.  A's build length decides whether A has
 * succeeded by then:
 *   a1: one build year, e = 1 <= 1: the uplift applies, P = 1 - 0.5 * 0.6;
 *   a2: two build years, finishes in year 1 itself, e = 2: no uplift;
 *   a3: three build years, finishes later: no uplift;
 *   a0: one build year but fails its gate: no uplift;
 *   a1 and a1b (both done): two links, the failure probabilities multiply.
 * Each B is listed once before and once after its A, so the result cannot
 * depend on the order in which projects advance through a year. */
static void test_gate_uplift(void **state)
{
    (void)state;
    mps_test_sim x;
    mps_test_sim_open(&x, HEAD("gate-uplift")
                 "links:\n"
                 "  - {from: a1, to: b1, gate_uplift: 0.4}\n"
                 "  - {from: a1, to: b1r, gate_uplift: 0.4}\n"
                 "  - {from: a2, to: b2, gate_uplift: 0.4}\n"
                 "  - {from: a2, to: b2r, gate_uplift: 0.4}\n"
                 "  - {from: a3, to: b3, gate_uplift: 0.4}\n"
                 "  - {from: a0, to: b0, gate_uplift: 0.4}\n"
                 "  - {from: a1, to: b11, gate_uplift: 0.4}\n"
                 "  - {from: a1b, to: b11, gate_uplift: 0.5}\n"
                 "missions:\n  - id: m\n    projects:\n"
                 "      - {id: b1r, category: CDEL, cost: {profile: [1, 1]}, stages: [{after: 2, p: 0.5}]}\n"
                 "      - {id: b2r, category: CDEL, cost: {profile: [1, 1]}, stages: [{after: 2, p: 0.5}]}\n"
                 "      - {id: a1, category: CDEL, cost: {profile: [1]}}\n"
                 "      - {id: a2, category: CDEL, cost: {profile: [1, 1]}}\n"
                 "      - {id: a3, category: CDEL, cost: {profile: [1, 1, 1]}}\n"
                 "      - {id: a0, category: CDEL, cost: {profile: [1]}, stages: [{after: 1, p: 0}]}\n"
                 "      - {id: b1, category: CDEL, cost: {profile: [1, 1]}, stages: [{after: 2, p: 0.5}]}\n"
                 "      - {id: b2, category: CDEL, cost: {profile: [1, 1]}, stages: [{after: 2, p: 0.5}]}\n"
                 "      - {id: b3, category: CDEL, cost: {profile: [1, 1]}, stages: [{after: 2, p: 0.5}]}\n"
                 "      - {id: b0, category: CDEL, cost: {profile: [1, 1]}, stages: [{after: 2, p: 0.5}]}\n"
                 "      - {id: b11, category: CDEL, cost: {profile: [1, 1]}, stages: [{after: 2, p: 0.5}]}\n"
                 "      - {id: a1b, category: CDEL, cost: {profile: [1]}}\n");
    enum { B1R, B2R, A1, A2, A3, A0, B1, B2, B3, B0, B11, A1B, N };
    mps_test_acc s[N] = {{0}};
    for (uint64_t p = 0; p < N_PATHS; p++) {
        const mps_path_result *r = mps_path_run(x.m, SEED, p, x.w);
        for (int k = 0; k < N; k++)
            mps_test_acc_add(&s[k], r->success[k]);
    }
    mps_test_acc_check(&s[B1], 1.0 - 0.5 * 0.6, "P(b1) with a1 done");
    mps_test_acc_check(&s[B1R], 1.0 - 0.5 * 0.6, "P(b1r) with a1 done, listed first");
    mps_test_acc_check(&s[B2], 0.5, "P(b2): a2 finishes the same year");
    mps_test_acc_check(&s[B2R], 0.5, "P(b2r): a2 finishes the same year, listed first");
    mps_test_acc_check(&s[B3], 0.5, "P(b3): a3 finishes later");
    mps_test_acc_check(&s[B0], 0.5, "P(b0): a0 failed");
    /* Two links multiply the failure probability: 1 - 0.5 * 0.6 * 0.5. */
    mps_test_acc_check(&s[B11], 1.0 - 0.5 * 0.6 * 0.5, "P(b11) with two links");
    mps_test_sim_close(&x);
}

/* Benefit uplift, deterministic.  b: one build year (e = 1), benefits 20
 * a year in years 1..10.  a: one build year, benefits lag 2, so a's
 * benefits start in year e_a + L_a = 3; v = 0.5.  c: four build years, no
 * benefits (L = 0), e_c = 4; v = 0.2.  d: fails its gate, v = 1: never.
 * b's flow: 20 (years 1, 2), 30 (year 3), 36 (years 4..10).  The uplift
 * applies to saving-type direct benefits too (bs), never to the mission
 * outcome, and not in the static appraisal. */
static void test_benefit_uplift(void **state)
{
    (void)state;
    mps_test_sim x;
    mps_test_sim_open(&x, HEAD("benefit-uplift")
                 "links:\n"
                 "  - {from: a, to: b, benefit_uplift: 0.5}\n"
                 "  - {from: c, to: b, benefit_uplift: 0.2}\n"
                 "  - {from: d, to: b, benefit_uplift: 1.0}\n"
                 "  - {from: a, to: bs, benefit_uplift: 0.5}\n"
                 "missions:\n  - id: m\n    projects:\n"
                 "      - {id: b, category: RDEL, cost: {profile: [10]},\n"
                 "         benefits: {annual: 20, duration: 10}, outcome: 1}\n"
                 "      - {id: a, category: CDEL, cost: {profile: [10]}, benefits: {annual: 5, lag: 2}}\n"
                 "      - {id: c, category: CDEL, cost: {profile: [1, 1, 1, 1]}}\n"
                 "      - {id: d, category: CDEL, cost: {profile: [1]}, stages: [{after: 1, p: 0}]}\n"
                 "      - {id: bs, category: RDEL, cost: {profile: [10]},\n"
                 "         benefits: {annual: 8, duration: 4, type: saving}}\n");
    const mps_path_result *r = mps_path_run(x.m, SEED, 0, x.w);
    double want_b = 0.0, want_bs = 0.0;
    for (int t = 1; t <= 10; t++)
        want_b += df(t) * (t < 3 ? 20.0 : t == 3 ? 30.0 : 36.0);
    for (int t = 1; t <= 4; t++)
        want_bs += df(t) * (t < 3 ? 8.0 : 12.0);
    near(r->project_pv[0 * MPS_N_PROJECT_PV + MPS_P_PV_DIRECT], want_b);
    near(r->project_pv[4 * MPS_N_PROJECT_PV + MPS_P_PV_SAVINGS], want_bs);
    near(r->series[MPS_S_SAVINGS * 30 + 3], 12.0);
    int mission = mps_model_mission_series(x.m, 0);
    near(r->series[mission * 30 + 5], 1.0);
    /* Static: no links, so b's benefits are 20 a year throughout. */
    mpsim_static_result st;
    mps_static_appraise(x.m, &st);
    double annuity_b = 0.0, annuity_a = 0.0, annuity_bs = 0.0;
    for (int t = 1; t <= 10; t++)
        annuity_b += df(t);
    for (int t = 3; t < 30; t++)
        annuity_a += df(t);
    for (int t = 1; t <= 4; t++)
        annuity_bs += df(t);
    near(st.pv_benefits, 20.0 * annuity_b + 5.0 * annuity_a + 8.0 * annuity_bs);
    mps_test_sim_close(&x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gate_uplift),
        cmocka_unit_test(test_benefit_uplift),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
