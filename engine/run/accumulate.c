/*
 * Accumulators of the run driver (accumulate.h): allocation and merging.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "run/accumulate.h"

int mps_sums_init(mps_sums *s, size_t n_values)
{
    memset(s, 0, sizeof *s);
    s->values = mps_calloc(n_values, sizeof *s->values);
    return s->values ? MPSIM_OK : MPSIM_ERR_FAIL;
}

void mps_sums_free(mps_sums *s)
{
    free(s->values);
    s->values = NULL;
}

void mps_sums_zero(mps_sums *s, size_t n_values)
{
    memset(s->values, 0, n_values * sizeof *s->values);
    memset(s->w, 0, sizeof s->w);
}

void mps_sums_merge(mps_sums *a, const mps_sums *b, size_t n_values)
{
    for (size_t i = 0; i < n_values; i++)
        a->values[i] += b->values[i];
    for (int k = 0; k < MPS_N_W; k++)
        mps_welford_merge(&a->w[k], &b->w[k]);
}

int mps_tally_init(mps_tally *t, const mps_accum *shape)
{
    memset(t, 0, sizeof *t);
    for (int m = 0; m < MPSIM_N_METRICS; m++) {
        t->min[m] = INFINITY;
        t->max[m] = -INFINITY;
    }
    t->project_success = mps_calloc((size_t)shape->n_projects, sizeof *t->project_success);
    t->project_stopped = mps_calloc((size_t)shape->n_projects, sizeof *t->project_stopped);
    t->mission_year = mps_calloc((size_t)shape->n_missions * (shape->horizon + 1),
                                 sizeof *t->mission_year);
    int ok = t->project_success && t->project_stopped && t->mission_year &&
             mps_fan_init(&t->fan, (size_t)shape->n_series * shape->horizon) == MPSIM_OK;
    if (ok && shape->streamed)
        ok = mps_fan_init_res(&t->metrics, MPSIM_N_METRICS, MPS_FAN_FINE) == MPSIM_OK;
    if (!ok) {
        mps_tally_free(t);
        return MPSIM_ERR_FAIL;
    }
    return MPSIM_OK;
}

void mps_tally_free(mps_tally *t)
{
    free(t->project_success);
    free(t->project_stopped);
    free(t->mission_year);
    mps_fan_free(&t->fan);
    mps_fan_free(&t->metrics);
    t->project_success = t->project_stopped = t->mission_year = NULL;
}

void mps_tally_merge(mps_tally *a, const mps_tally *b, const mps_accum *shape)
{
    for (int m = 0; m < MPSIM_N_METRICS; m++) {
        if (b->min[m] < a->min[m])
            a->min[m] = b->min[m];
        if (b->max[m] > a->max[m])
            a->max[m] = b->max[m];
    }
    a->bcr_defined += b->bcr_defined;
    a->bcr_above_1 += b->bcr_above_1;
    a->npv_negative += b->npv_negative;
    a->b_better += b->b_better;
    for (int j = 0; j < shape->n_projects; j++) {
        a->project_success[j] += b->project_success[j];
        a->project_stopped[j] += b->project_stopped[j];
    }
    for (size_t i = 0; i < (size_t)shape->n_missions * (shape->horizon + 1); i++)
        a->mission_year[i] += b->mission_year[i];
    mps_fan_merge(&a->fan, &b->fan);
    if (shape->streamed)
        mps_fan_merge(&a->metrics, &b->metrics);
}

int mps_accum_init(mps_accum *a, const mps_model *m, uint64_t capacity, int streamed)
{
    const mps_scenario *s = mps_model_scenario(m);
    memset(a, 0, sizeof *a);
    a->model = m;
    a->n_series = mps_model_n_series(m);
    a->horizon = s->horizon;
    a->n_projects = s->n_projects;
    a->n_missions = s->n_missions;
    a->n_values = (size_t)a->n_series * a->horizon +
                  (size_t)a->n_projects * (MPS_N_PROJECT_PV + 1);
    a->streamed = streamed;
    a->capacity = streamed ? 0 : capacity;
    int ok = 1;
    for (int k = 0; k < MPSIM_N_METRICS && !streamed; k++) {
        a->metric[k] = malloc((capacity ? capacity : 1) * sizeof *a->metric[k]);
        ok = ok && a->metric[k];
    }
    if (!ok || mps_sums_init(&a->sums, a->n_values) != MPSIM_OK ||
        mps_tally_init(&a->tally, a) != MPSIM_OK) {
        mps_accum_free(a);
        return MPSIM_ERR_FAIL;
    }
    return MPSIM_OK;
}

void mps_accum_free(mps_accum *a)
{
    for (int k = 0; k < MPSIM_N_METRICS; k++)
        free(a->metric[k]);
    mps_sums_free(&a->sums);
    mps_tally_free(&a->tally);
    memset(a, 0, sizeof *a);
}

double mps_accum_npv_rse(const mps_accum *a, int antithetic)
{
    const mps_welford *w = &a->sums.w[(antithetic ? MPS_W_PAIR : MPS_W_METRIC) + MPSIM_M_NPV];
    double se = mps_welford_sd(w) / sqrt((double)w->n);
    double mean = a->sums.w[MPS_W_METRIC + MPSIM_M_NPV].mean;
    return mean != 0.0 ? se / fabs(mean) : NAN;
}
