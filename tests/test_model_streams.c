/*
 * The kernel's streams (engine/model/streams.c) against the year-by-year
 * form they replace: brute force versus fast, bit for bit.
 *
 * The kernel writes each successful project's direct benefits and mission
 * outcome, and each prevention stock's avoided costs, after the year loop,
 * one project at a time (model.md sections 4, 5 and 7).  It promises the
 * same bits as adding them in step 4 of every year, project by project.
 * Here, after each path, the flows, indicators, savings, avoided costs,
 * each project's pv_direct and pv_savings and the first year each mission
 * reaches its target are recomputed from the path's final state by that
 * year-by-year loop (written out below from model.md, as the kernel had
 * it before) and compared with memcmp: a different order of additions
 * anywhere would show up as a changed last bit.
 *
 * The portfolios cover every route: benchmarks/portfolios/national.yaml
 * (links with benefit uplifts, prevention with lags and persistence,
 * cuts, management, missions with targets), and a small scenario whose
 * projects combine saving-type benefits with prevention (the year-by-year
 * route in the kernel), prevention with persistence 0 and 1, a benefit
 * stream cut short by the horizon and an outcome without benefits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/model_internal.h"
#include "support_model.h"
#include "test_support.h"

/* What the year-by-year loop produces. */
typedef struct {
    double *economic, *health, *savings, *avoided, *missions; /* [h], [h], [h], [h], [nm * h] */
    double *pv_direct, *pv_savings;                           /* [np] */
    double *decay, *stock;                                    /* [np] running state */
    int *mission_year;                                        /* [nm] */
} reference;

static double linked_factor(const mps_model *m, const mps_workspace *w, int k, int t)
{
    const mps_model_project *mp = &m->projects[k];
    double f = 1.0;
    for (int l = 0; l < mp->n_links; l++) {
        int a = mp->links[l].from;
        if (w->ps[a].status == MPS_PS_SUCCEEDED && t >= w->ps[a].e + m->projects[a].lag)
            f *= mp->links[l].factor;
    }
    return f;
}

/* Step 4 of year t for project k: benefits and outcome (model.md s. 4). */
static void benefit_year(const mps_model *m, const mps_workspace *w, int k, int t, reference *r)
{
    const mps_project *p = &m->s->projects[k];
    const mps_model_project *mp = &m->projects[k];
    const mps_project_state *ps = &w->ps[k];
    if (ps->status != MPS_PS_SUCCEEDED)
        return;
    int i = t - ps->e - mp->lag;
    if (i < 0)
        return;
    double ramp = i + 1 >= mp->ramp ? 1.0 : (double)(i + 1) / (double)mp->ramp;
    if (p->has_outcome)
        r->missions[p->mission * m->horizon + t] += p->outcome * ramp * ps->scale;
    if (!p->has_benefits || i >= p->duration)
        return;
    double flow = ps->level * ramp * r->decay[k] * ps->scale;
    r->decay[k] *= 1.0 - p->decay;
    if (mp->n_links > 0)
        flow *= linked_factor(m, w, k, t);
    if (p->benefit_type == MPS_BENEFIT_ECONOMIC) {
        r->economic[t] += flow;
        r->pv_direct[k] += mp->df_benefit[t] * flow;
    } else if (p->benefit_type == MPS_BENEFIT_HEALTH) {
        r->health[t] += flow;
        r->pv_direct[k] += mp->df_benefit[t] * flow;
    } else {
        r->savings[t] += flow;
        r->pv_savings[k] += m->df_standard[t] * flow;
    }
}

/* Step 4 of year t for project k: the prevention stock (model.md s. 7). */
static void prevention_year(const mps_model *m, const mps_workspace *w, int k, int t, reference *r)
{
    const mps_project *p = &m->s->projects[k];
    const mps_project_state *ps = &w->ps[k];
    double input = 0.0;
    int tp = t - p->prev_lag, j = tp - ps->s;
    if (tp >= 0 && j >= 0 && j < ps->n_spent)
        input = p->profile[j] * mps_cut_factor(m, w, k, tp);
    r->stock[k] = p->prev_persistence * r->stock[k] + input;
    double a = ps->effect * r->stock[k];
    if (a == 0.0)
        return;
    r->avoided[t] += a;
    r->savings[t] += a;
    r->pv_savings[k] += m->df_standard[t] * a;
}

static void reference_run(const mps_model *m, const mps_workspace *w, reference *r)
{
    const int h = m->horizon, np = m->n_projects, nm = m->n_missions;
    memset(r->economic, 0, (size_t)h * sizeof(double));
    memset(r->health, 0, (size_t)h * sizeof(double));
    memset(r->savings, 0, (size_t)h * sizeof(double));
    memset(r->avoided, 0, (size_t)h * sizeof(double));
    memset(r->missions, 0, (size_t)(nm * h) * sizeof(double));
    for (int k = 0; k < np; k++) {
        r->pv_direct[k] = r->pv_savings[k] = r->stock[k] = 0.0;
        r->decay[k] = 1.0;
    }
    for (int i = 0; i < nm; i++)
        r->mission_year[i] = -1;
    for (int t = 0; t < h; t++) {
        for (int k = 0; k < np; k++) {
            benefit_year(m, w, k, t, r);
            if (m->s->projects[k].has_prevention)
                prevention_year(m, w, k, t, r);
        }
        for (int i = 0; i < nm; i++)
            if (r->mission_year[i] < 0 && r->missions[i * h + t] >= m->mission_threshold[i])
                r->mission_year[i] = t;
    }
}

static void same_bits(const double *got, const double *want, int n, const char *what, uint64_t path)
{
    if (memcmp(got, want, (size_t)n * sizeof(double)) != 0) {
        for (int i = 0; i < n; i++)
            if (memcmp(&got[i], &want[i], sizeof(double)) != 0)
                fail_msg("path %llu, %s[%d]: got %.17g, year by year %.17g",
                         (unsigned long long)path, what, i, got[i], want[i]);
    }
}

/* Runs n paths of x and compares every stream with the year-by-year loop;
 * returns how many projects succeeded in all (so that a caller can check
 * the streams were exercised at all). */
static long compare_paths(const mps_test_sim *x, uint64_t n)
{
    const mps_model *m = x->m;
    const int h = m->horizon, np = m->n_projects, nm = m->n_missions;
    reference r;
    r.economic = calloc((size_t)h, sizeof(double));
    r.health = calloc((size_t)h, sizeof(double));
    r.savings = calloc((size_t)h, sizeof(double));
    r.avoided = calloc((size_t)h, sizeof(double));
    r.missions = calloc((size_t)(nm * h) + 1u, sizeof(double));
    r.pv_direct = calloc((size_t)np, sizeof(double));
    r.pv_savings = calloc((size_t)np, sizeof(double));
    r.decay = calloc((size_t)np, sizeof(double));
    r.stock = calloc((size_t)np, sizeof(double));
    r.mission_year = calloc((size_t)nm + 1u, sizeof(int));
    assert_true(r.economic && r.health && r.savings && r.avoided && r.missions && r.pv_direct &&
                r.pv_savings && r.decay && r.stock && r.mission_year);
    long succeeded = 0;
    double *pv = calloc((size_t)np, sizeof(double));
    assert_non_null(pv);
    for (uint64_t path = 0; path < n; path++) {
        const mps_path_result *res = mps_path_run(m, 2024, path, x->w);
        const mps_workspace *w = x->w;
        reference_run(m, w, &r);
        same_bits(w->flow_economic, r.economic, h, "economic benefits", path);
        same_bits(w->flow_health, r.health, h, "health benefits", path);
        same_bits(&w->series[MPS_S_SAVINGS * h], r.savings, h, "savings", path);
        if (m->series_avoided >= 0)
            same_bits(&w->series[m->series_avoided * h], r.avoided, h, "avoided_cost", path);
        same_bits(&w->series[m->first_mission_series * h], r.missions, nm * h, "indicators", path);
        for (int k = 0; k < np; k++)
            pv[k] = w->ps[k].pv_direct;
        same_bits(pv, r.pv_direct, np, "pv_direct", path);
        for (int k = 0; k < np; k++)
            pv[k] = w->ps[k].pv_savings;
        same_bits(pv, r.pv_savings, np, "pv_savings", path);
        for (int i = 0; i < nm; i++)
            assert_int_equal(res->mission_year[i], r.mission_year[i]);
        for (int k = 0; k < np; k++)
            succeeded += res->success[k];
    }
    free(pv);
    free(r.economic);
    free(r.health);
    free(r.savings);
    free(r.avoided);
    free(r.missions);
    free(r.pv_direct);
    free(r.pv_savings);
    free(r.decay);
    free(r.stock);
    free(r.mission_year);
    return succeeded;
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    long n = ftell(f);
    assert_true(n > 0);
    rewind(f);
    char *text = malloc((size_t)n + 1u);
    assert_non_null(text);
    assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
    text[n] = '\0';
    fclose(f);
    return text;
}

/* The canonical benchmark portfolio: every model feature on. */
static void test_national(void **state)
{
    (void)state;
    char *yaml = read_file(MPSIM_SOURCE_DIR "/benchmarks/portfolios/national.yaml");
    mps_test_sim x;
    mps_test_sim_open(&x, yaml);
    free(yaml);
    assert_true(x.m->n_prevention > 0 && x.m->series_avoided >= 0);
    long succeeded = compare_paths(&x, 300);
    assert_true(succeeded > 300 * 10);
    mps_test_sim_close(&x);
}

/* Saving-type benefits beside prevention (one present value fed by two
 * streams), persistence 0 and 1, lags past the horizon, a stream cut short
 * by the horizon, an outcome without benefits, links raising benefits
 * from a linked project's first benefit year, cuts and churn. */
static void test_routes(void **state)
{
    (void)state;
    mps_test_sim x;
    mps_test_sim_open(
        &x, "mpsim: 1\nname: routes\nbase_year: 2025\nhorizon: 24\n"
            "appraisal:\n  discount: {constant: 0.05}\n"
            "funding:\n  churn: 0.05\n  spending_review: {every: 2}\n"
            "  cuts: {applies_to: [PDEL, RDEL], probability: 0.4, fraction: 0.25}\n"
            "links:\n"
            "  - {from: a, to: b, gate_uplift: 0.3, benefit_uplift: 0.2}\n"
            "  - {from: c, to: b, benefit_uplift: 0.1}\n"
            "  - {from: b, to: a, benefit_uplift: 0.05}\n"
            "missions:\n"
            "  - id: m1\n    target: {value: 1.5, by: 2040}\n    projects:\n"
            "      - {id: a, category: PDEL, cost: {profile: [3, 4, 2]},\n"
            "         delay: {dist: poisson, mean: 2},\n"
            "         benefits: {annual: {dist: lognormal, median: 4, p90: 9}, type: saving,\n"
            "                    lag: 1, ramp: 3, duration: 12, decay: 0.1},\n"
            "         prevention: {effect: {dist: lognormal, median: 0.3, p90: 0.6}, lag: 2,\n"
            "                      persistence: 0.7},\n"
            "         stages: [{after: 1, p: 0.8}], outcome: 0.9}\n"
            "      - {id: b, category: RDEL, cost: {profile: [2, 2]},\n"
            "         delay: {dist: uniform, min: 0, max: 6},\n"
            "         benefits: {annual: {dist: normal, mean: 3, sd: 2}, ramp: 2, duration: 40},\n"
            "         stages: [{after: 2, p: 0.7}], outcome: 0.6}\n"
            "  - id: m2\n    target: {value: 0.5, by: 2048}\n    projects:\n"
            "      - {id: c, category: PDEL, cost: {profile: [1, 1, 1, 1]},\n"
            "         benefits: {annual: {dist: lognormal, median: 2, p90: 5}, type: health,\n"
            "                    lag: 2, duration: 30},\n"
            "         prevention: {effect: {dist: lognormal, median: 0.2, p90: 0.5},\n"
            "                      persistence: 1}}\n"
            "      - {id: d, category: PDEL, cost: {profile: [2, 2]},\n"
            "         delay: {dist: poisson, mean: 10},\n"
            "         prevention: {effect: 0.5, lag: 3, persistence: 0}, outcome: 0.5}\n"
            "      - {id: e, category: CDEL, cost: {profile: [5]},\n"
            "         delay: {dist: poisson, mean: 15},\n"
            "         benefits: {annual: 2, type: saving, ramp: 4}, outcome: 0.3}\n");
    long succeeded = compare_paths(&x, 2000);
    assert_true(succeeded > 2000);
    mps_test_sim_close(&x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_national),
        cmocka_unit_test(test_routes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
