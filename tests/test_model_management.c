/*
 * Adaptive management (model.md section 11): reviews in model years
 * Q, 2Q, ..., the manager's posterior of ln B from noisy signals, and
 * stopping a project whose expected remaining BCR is below stop_below.
 *
 * The test recomputes every decision from the equations of section 11,
 * independently of the kernel: it reads the path's B and delay from their
 * streams (project/<id>/benefit, project/<id>/delay) and the signals from
 * project/<id>/signal (e_k = s Phi^-1(u_{k-1}), positional) as
 * docs/random-streams.md documents them, then checks on every path that
 * the project is stopped exactly when, and only when, it should be.
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

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_rng.h>

#include "model/path.h"
#include "random/stream.h"
#include "random/stream_names.h"
#include "scenario/scenario.h"
#include "test_support.h"

enum { N_PATHS = 6000 };
static const uint64_t SEED = 8086;

static double df(int t) { return pow(1.05, -t); }

typedef struct {
    mpsim_scenario *s;
    mps_model *m;
    mps_workspace *w;
    gsl_rng *rng;
    int h;
} sim_t;

static void sim_open(sim_t *x, const char *yaml)
{
    x->s = mps_test_load(yaml);
    assert_int_equal(mps_model_create(x->s, &x->m), MPSIM_OK);
    x->w = mps_workspace_alloc(x->m);
    x->rng = gsl_rng_alloc(mps_rng_philox);
    assert_non_null(x->w);
    assert_non_null(x->rng);
    x->h = x->s->horizon;
}

static void sim_close(sim_t *x)
{
    gsl_rng_free(x->rng);
    mps_workspace_free(x->w);
    mps_model_free(x->m);
    mpsim_scenario_free(x->s);
}

/* A path's draw of `purpose` for project k, as the kernel makes it. */
static double drawn(sim_t *x, uint64_t path, int k, const char *purpose, const mps_dist *d)
{
    if (d->kind == MPS_DIST_FIXED)
        return d->a;
    mps_rng_seat(x->rng, SEED, path, mps_key_project(x->s->projects[k].id, purpose));
    return mps_dist_sample(d, x->rng);
}

/* sum_{i < N, e + L + i < H} min(1, (i+1)/R) (1 - delta)^i DF_{e+L+i} */
static double benefit_weight(const mps_project *p, int e, int h)
{
    double w = 0.0;
    for (int i = 0; i < p->duration && e + p->lag + i < h; i++)
        w += fmin(1.0, (double)(i + 1) / p->ramp) * pow(1.0 - p->decay, i) * df(e + p->lag + i);
    return w;
}

/* The manager's expected remaining BCR of p at build year j, given the
 * realised start s and E[B | z]. */
static double remaining_bcr(const mps_project *p, int s, int j, double eb, int h)
{
    double gates = 1.0;
    for (int g = 0; g < p->n_gates; g++)
        if (p->gates[g].after >= j + 1)
            gates *= p->gates[g].p;
    double cost = 0.0;
    for (int jj = j; jj < p->build_years && s + jj < h; jj++)
        cost += mps_dist_mean(&p->overrun) * p->profile[jj] * df(s + jj);
    int e = s + p->build_years;
    return gates * eb * benefit_weight(p, e, h) / cost;
}

/* The year management should stop project k on `path` (-1: never), from
 * section 11's equations with signal noise `noise`, review period q and
 * threshold theta.  Gates are drawn as the kernel draws them. */
static int expected_stop(sim_t *x, uint64_t path, int k, double noise, int q, double theta)
{
    const mps_project *p = &x->s->projects[k];
    double b = drawn(x, path, k, MPS_PURPOSE_BENEFIT, &p->annual);
    double dd = floor(drawn(x, path, k, MPS_PURPOSE_DELAY, &p->delay));
    int s = p->start - x->s->base_year + (dd > 0.0 ? (int)dd : 0);
    double mu = p->annual.a, sigma = p->annual.b, zsum = 0.0;
    int n_signals = 0, next_gate = 0;
    uint64_t key = mps_key_project(p->id, MPS_PURPOSE_SIGNAL);
    for (int j = 0; j < p->build_years && s + j < x->h; j++) {
        int t = s + j;
        if (j >= 1 && t % q == 0) {
            n_signals++;
            double eb = b;
            if (noise > 0.0) {
                double u = mps_uniform_at(SEED, path, key, (uint32_t)(n_signals - 1));
                zsum += log(b) + noise * gsl_cdf_ugaussian_Pinv(u);
                double prec = 1.0 / (sigma * sigma) + n_signals / (noise * noise);
                double mean = (mu / (sigma * sigma) + zsum / (noise * noise)) / prec;
                eb = exp(mean + 0.5 / prec);
            }
            if (remaining_bcr(p, s, j, eb, x->h) < theta)
                return t;
        }
        /* The gates after this build year (no links here). */
        for (; next_gate < p->n_gates && p->gates[next_gate].after == j + 1; next_gate++) {
            uint64_t gk = mps_key_gate(p->id, j + 1, 0);
            if (mps_uniform_at(SEED, path, gk, 0) >= p->gates[next_gate].p)
                return -1;
        }
    }
    return -1;
}

#define LEARN_YAML(name, noise)                                                                \
    "mpsim: 1\nname: " name "\nbase_year: 2025\nhorizon: 20\n"                                 \
    "appraisal:\n  discount: {constant: 0.05}\n"                                               \
    "management: {review_every: 2, signal_noise: " noise ", stop_below: 1.0}\n"                \
    "missions:\n  - id: m\n    projects:\n"                                                    \
    "      - {id: a, category: CDEL, delay: {dist: uniform, min: 0, max: 3},\n"                \
    "         cost: {profile: [50, 50, 50, 50], overrun: 1.2},\n"                              \
    "         stages: [{after: 1, p: 0.9}, {after: 4, p: 0.8}],\n"                             \
    "         benefits: {annual: {dist: lognormal, median: 20, p90: 60}, lag: 1, ramp: 2,\n"   \
    "                    duration: 20, decay: 0.02}, outcome: 1}\n"                            \
    "      - {id: n, category: RDEL, cost: {profile: [30, 30, 30]},\n"                         \
    "         benefits: {annual: {dist: normal, mean: 1, sd: 0.5}}}\n"

/* On every path the project is stopped exactly in the year section 11
 * says (or never), and a stopped project spends nothing more, has no
 * direct benefits and no outcome, and is counted in projects_stopped.
 * Project n's benefits are not lognormal: it is never reviewed, although
 * its BCR is far below 1. */
static void check_decisions(const char *yaml, double noise)
{
    sim_t x;
    sim_open(&x, yaml);
    const int h = x.h;
    int is = mps_model_series_find(x.m, "projects_stopped");
    int mi = mps_model_mission_series(x.m, 0);
    assert_true(is >= MPS_N_CORE_SERIES);
    int stopped = 0, kept = 0;
    for (uint64_t path = 0; path < N_PATHS; path++) {
        const mps_path_result *r = mps_path_run(x.m, SEED, path, x.w);
        int want = expected_stop(&x, path, 0, noise, 2, 1.0);
        if (r->stop_year[0] != want)
            fail_msg("path %llu: stopped in %d, expected %d", (unsigned long long)path,
                     r->stop_year[0], want);
        assert_int_equal(r->stop_year[1], -1);
        double total = 0.0;
        for (int t = 0; t < h; t++)
            total += r->series[is * h + t];
        if (want >= 0) {
            stopped++;
            assert_int_equal(r->success[0], 0);
            assert_true(r->project_pv[MPS_P_PV_DIRECT] == 0.0);
            assert_true(r->series[is * h + want] == 1.0);
            assert_true(total == 1.0);
            /* It spent the build years before the review year only. */
            int first = 0;
            while (r->series[MPS_S_COST_CDEL * h + first] == 0.0)
                first++;
            int spent = want - first;
            assert_true(fabs(r->spend_share[0] - spent * 50.0 / 200.0) < 1e-12);
            assert_true(r->series[MPS_S_COST_CDEL * h + want] == 0.0);
            for (int t = 0; t < h; t++)
                assert_true(r->series[mi * h + t] == 0.0);
        } else {
            kept++;
            assert_true(total == 0.0);
        }
    }
    /* Both outcomes happen, so the comparison above has teeth. */
    assert_true(stopped > N_PATHS / 20);
    assert_true(kept > N_PATHS / 20);
    sim_close(&x);
}

/* Noise-free signals (s = 0: the manager sees B) stop exactly the
 * projects whose true remaining BCR is below the threshold. */
static void test_noise_free(void **state)
{
    (void)state;
    check_decisions(LEARN_YAML("learn-exact", "0"), 0.0);
}

/* s -> 0: with s = 1e-9 the posterior is B to within 1e-9 in ln B. */
static void test_nearly_noise_free(void **state)
{
    (void)state;
    check_decisions(LEARN_YAML("learn-tiny", "1e-9"), 1e-9);
}

/* Noisy signals (s = 0.5): the conjugate update, signal by signal. */
static void test_noisy_update(void **state)
{
    (void)state;
    check_decisions(LEARN_YAML("learn-noisy", "0.5"), 0.5);
}

/* With s = 1e6 the signals carry no information: a project whose prior
 * expected remaining BCR is above the threshold at every review (good) is
 * never stopped, even on paths where its true remaining BCR is below it;
 * one whose prior BCR is below (bad) is stopped at its first review, year
 * 2, on every path; one whose remaining cost is 0 at its review (free) is
 * never stopped. */
static void test_huge_noise(void **state)
{
    (void)state;
    sim_t x;
    sim_open(&x, "mpsim: 1\nname: learn-blind\nbase_year: 2025\nhorizon: 20\n"
                 "appraisal:\n  discount: {constant: 0.05}\n"
                 "management: {review_every: 2, signal_noise: 1e6}\n"
                 "missions:\n  - id: m\n    projects:\n"
                 "      - {id: good, category: CDEL, cost: {profile: [50, 50, 50, 50], overrun: 1.2},\n"
                 "         benefits: {annual: {dist: lognormal, median: 60, p90: 180}, lag: 1,\n"
                 "                    ramp: 2, duration: 20, decay: 0.02}}\n"
                 "      - {id: bad, category: CDEL, cost: {profile: [50, 50, 50, 50]},\n"
                 "         benefits: {annual: {dist: lognormal, median: 3, p90: 9}, duration: 20}}\n"
                 "      - {id: free, category: RDEL, cost: {profile: [50, 0, 0, 0]},\n"
                 "         benefits: {annual: {dist: lognormal, median: 0.001, p90: 0.002}}}\n");
    const mps_project *good = &x.s->projects[0], *bad = &x.s->projects[1];
    double prior_good = mps_dist_mean(&good->annual), prior_bad = mps_dist_mean(&bad->annual);
    /* Reviews at years 2 (j = 2): the prior BCRs on each side of 1. */
    assert_true(remaining_bcr(good, 0, 2, prior_good, x.h) > 1.0);
    assert_true(remaining_bcr(bad, 0, 2, prior_bad, x.h) < 1.0);
    int low = 0;
    for (uint64_t path = 0; path < N_PATHS; path++) {
        const mps_path_result *r = mps_path_run(x.m, SEED, path, x.w);
        assert_int_equal(r->stop_year[0], -1);
        assert_int_equal(r->success[0], 1);
        assert_int_equal(r->stop_year[1], 2);
        assert_int_equal(r->stop_year[2], -1);
        double b = drawn(&x, path, 0, MPS_PURPOSE_BENEFIT, &good->annual);
        low += remaining_bcr(good, 0, 2, b, x.h) < 1.0;
    }
    /* A noise-free manager would have stopped these. */
    assert_true(low > 10);
    sim_close(&x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_noise_free),
        cmocka_unit_test(test_nearly_noise_free),
        cmocka_unit_test(test_noisy_update),
        cmocka_unit_test(test_huge_noise),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
