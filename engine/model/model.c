/*
 * Preparing a scenario for simulation (mps_model) and the per-thread
 * workspaces the kernel runs in.
 *
 * Everything that does not change between paths is computed here once:
 * discount factors, stream keys (hashing names is far too slow for the hot
 * loop), indicator thresholds, the output series declared as data, and the
 * static appraisal.  Links, the economy and the copula are prepared in
 * interactions.c, the funding regime in funding.c and management's tables
 * in management.c.  The model is read-only afterwards, so threads share it.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "appraisal/discount.h"
#include "core/util.h"
#include "model/model_internal.h"
#include "random/stream.h"
#include "random/stream_names.h"

#define MPS_UNITS_MONEY "GBP m per year, real base-year prices"

/* The core series as data (interface.md: timeseries/<var>); mission
 * indicators are appended per mission by mps_model_create. */
static const mps_series_def core_series[MPS_N_CORE_SERIES] = {
    {"cost", "Gross public spend, all categories", MPS_UNITS_MONEY},
    {"cost_cdel", "Gross public spend, capital (CDEL)", MPS_UNITS_MONEY},
    {"cost_rdel", "Gross public spend, resource (RDEL)", MPS_UNITS_MONEY},
    {"cost_pdel", "Gross public spend, preventative (PDEL)", MPS_UNITS_MONEY},
    {"benefits", "Benefit flows that make up PV benefits (PVB)", MPS_UNITS_MONEY},
    {"costs_net", "Cost flows that make up PV costs (PVC)", MPS_UNITS_MONEY},
    {"net_benefit", "benefits - costs_net", MPS_UNITS_MONEY},
    {"cumulative_npv",
     "Running sum of discounted net flows (each flow with its own type's discount factor); "
     "its last value is the path's NPV",
     "GBP m, present value, real base-year prices"},
    {"savings", "Cashable public-sector savings", MPS_UNITS_MONEY},
};

/* Series of what a scenario models, appended after the core ones when
 * modelled (interface.md: "(when modelled)"). */
static const mps_series_def spillovers_series = {
    "spillovers", "Benefits of unplanned spillover discoveries (model.md section 5)",
    MPS_UNITS_MONEY};
static const mps_series_def gdp_series = {
    "gdp", "Change in GDP from the portfolio's spend through the multipliers, "
           "crowding-in included (model.md section 6)",
    MPS_UNITS_MONEY};
static const mps_series_def debt_series = {
    "debt_ratio_change",
    "Change in the public debt-to-GDP ratio against the baseline (0 without a gdp block)", "1"};
static const mps_series_def avoided_series = {
    "avoided_cost",
    "Acute cost avoided by the prevention stock (model.md section 7); included in savings",
    MPS_UNITS_MONEY};
static const mps_series_def cut_series = {
    "cut",
    "1 in years when a spending-review cut is in force for at least one category, else 0; "
    "its mean over paths is the probability that a cut is in force (model.md section 7)",
    "1"};
static const mps_series_def stopped_series = {
    "projects_stopped",
    "Number of projects stopped by adaptive management in the year (model.md section 11)",
    "projects"};

void mps_model_free(mps_model *m)
{
    if (m == NULL)
        return;
    if (m->series != NULL) {
        /* Mission series own their name and description. */
        for (int i = m->first_mission_series; i < m->n_series; i++) {
            free((void *)m->series[i].name);
            free((void *)m->series[i].description);
        }
    }
    free(m->series);
    free(m->mission_threshold);
    free(m->gate_keys);
    free(m->prevention);
    mps_model_free_interactions(m);
    mps_model_free_management(m);
    free(m->projects);
    free(m->df_standard);
    free(m->df_health);
    free(m);
}

/* Stream keys and yearly constants of project k. */
static void prepare_project(mps_model *m, int k, uint64_t *gate_keys)
{
    const mps_scenario *s = m->s;
    const mps_project *p = &s->projects[k];
    mps_model_project *mp = &m->projects[k];

    mp->key_overrun = mps_key_project(p->id, MPS_PURPOSE_OVERRUN);
    mp->key_delay = mps_key_project(p->id, MPS_PURPOSE_DELAY);
    mp->key_benefit = mps_key_project(p->id, MPS_PURPOSE_BENEFIT);
    mp->key_churn = mps_key_project(p->id, MPS_PURPOSE_CHURN);
    mp->key_spill = mps_key_project(p->id, MPS_PURPOSE_SPILLOVER);
    mp->key_prevention = mps_key_project(p->id, MPS_PURPOSE_PREVENTION);
    /* A gate's key is named by its position `after` and by how many earlier
     * gates share that position, never by its index in the list, so adding
     * a gate elsewhere does not change this one's draw. */
    for (int g = 0; g < p->n_gates; g++) {
        int nth = 0;
        for (int h = 0; h < g; h++)
            if (p->gates[h].after == p->gates[g].after)
                nth++;
        gate_keys[g] = mps_key_gate(p->id, p->gates[g].after, nth);
    }
    mp->gate_keys = gate_keys;
    mp->offset = p->start - s->base_year;
    /* Without benefits the indicator uses L = 0 and R = 1 (model.md s. 4). */
    mp->lag = p->has_benefits ? p->lag : 0;
    mp->ramp = p->has_benefits && p->ramp > 1 ? p->ramp : 1;
    mp->cost_series = MPS_S_COST_CDEL + (int)p->category;
    mp->profile = p->profile;
    mp->gates = p->gates;
    mp->build_years = p->build_years;
    mp->n_gates = p->n_gates;
    mp->category = (unsigned char)p->category;
    mp->spills = p->has_spillovers ? 1 : 0;
    mp->outcome = p->outcome;
    mp->mission_series = m->first_mission_series + p->mission;
    mp->keep = 1.0 - p->decay;
    mp->duration = p->duration;
    mp->has_benefits = p->has_benefits ? 1 : 0;
    mp->has_outcome = p->has_outcome ? 1 : 0;
    mp->has_prevention = p->has_prevention ? 1 : 0;
    mp->benefit_type = (unsigned char)p->benefit_type;
    mp->df_benefit = (p->has_benefits && p->benefit_type == MPS_BENEFIT_HEALTH)
                         ? m->df_health : m->df_standard;
    mp->corr_overrun = mp->corr_delay = mp->corr_benefit = mp->corr_prevention = -1;
    /* Summed in build-year order, as the kernel sums the delivered
     * programme, so that an uncut project's share is exactly 1. */
    double total = 0.0;
    for (int j = 0; j < p->build_years; j++)
        total += p->profile[j];
    mp->planned_total = total;
}

/* The projects with prevention, whose stocks the kernel computes together. */
static int prepare_prevention(mps_model *m)
{
    m->prevention = mps_calloc((size_t)m->n_projects + 1u, sizeof *m->prevention);
    if (m->prevention == NULL)
        return MPSIM_ERR_FAIL;
    for (int k = 0; k < m->n_projects; k++) {
        m->projects[k].prevention_row = -1;
        if (m->s->projects[k].has_prevention) {
            m->projects[k].prevention_row = m->n_prevention;
            m->prevention[m->n_prevention++] = k;
        }
    }
    return MPSIM_OK;
}

static int prepare_missions(mps_model *m)
{
    const mps_scenario *s = m->s;
    m->mission_threshold = mps_calloc((size_t)m->n_missions, sizeof *m->mission_threshold);
    m->series = mps_calloc((size_t)m->n_series, sizeof *m->series);
    if (m->mission_threshold == NULL || m->series == NULL)
        return MPSIM_ERR_FAIL;
    memcpy(m->series, core_series, sizeof core_series);
    if (m->series_spillovers >= 0)
        m->series[m->series_spillovers] = spillovers_series;
    if (m->series_gdp >= 0)
        m->series[m->series_gdp] = gdp_series;
    if (m->series_debt >= 0)
        m->series[m->series_debt] = debt_series;
    if (m->series_avoided >= 0)
        m->series[m->series_avoided] = avoided_series;
    if (m->series_cut >= 0)
        m->series[m->series_cut] = cut_series;
    if (m->series_stopped >= 0)
        m->series[m->series_stopped] = stopped_series;
    for (int i = 0; i < m->n_missions; i++) {
        const mps_mission *mi = &s->missions[i];
        double x = mi->target_value;
        /* "Reaches X" tolerates rounding in sums of ramp fractions. */
        m->mission_threshold[i] = mi->has_target ? x - 1e-9 * fmax(1.0, fabs(x)) : INFINITY;
        mps_series_def *d = &m->series[m->first_mission_series + i];
        d->name = mps_asprintf("mission_%s", mi->id);
        d->description = mi->name != NULL
                             ? mps_asprintf("Indicator of mission %s (%s)", mi->id, mi->name)
                             : mps_asprintf("Indicator of mission %s", mi->id);
        d->units = "mission indicator units";
        if (d->name == NULL || d->description == NULL)
            return MPSIM_ERR_FAIL;
    }
    return MPSIM_OK;
}

int mps_model_create(const mps_scenario *s, mps_model **out)
{
    *out = NULL;
    mps_model *m = mps_calloc(1, sizeof *m);
    if (m == NULL)
        return MPSIM_ERR_FAIL;
    m->s = s;
    m->horizon = s->horizon;
    m->n_projects = s->n_projects;
    m->n_missions = s->n_missions;
    /* The optional series: spillovers when any project has them, the
     * economy's when there is an economy block, avoided_cost when any
     * project has prevention, cut when the funding regime has cuts,
     * projects_stopped under management; missions after them. */
    int n = MPS_N_CORE_SERIES;
    for (int k = 0; k < s->n_projects; k++) {
        if (s->projects[k].has_spillovers)
            m->any_spillovers = 1;
        if (s->projects[k].has_prevention)
            m->any_prevention = 1;
    }
    m->series_spillovers = m->any_spillovers ? n++ : -1;
    m->series_gdp = s->economy.present ? n++ : -1;
    m->series_debt = s->economy.present ? n++ : -1;
    m->series_avoided = m->any_prevention ? n++ : -1;
    m->series_cut = s->funding.has_cuts ? n++ : -1;
    m->series_stopped = (s->management.present && s->management.review_every >= 1) ? n++ : -1;
    m->first_mission_series = n;
    m->n_series = n + s->n_missions;

    size_t h = (size_t)m->horizon;
    m->df_standard = mps_calloc(h, sizeof *m->df_standard);
    m->df_health = mps_calloc(h, sizeof *m->df_health);
    m->projects = mps_calloc((size_t)m->n_projects, sizeof *m->projects);
    size_t n_gates = 0;
    for (int k = 0; k < s->n_projects; k++)
        n_gates += (size_t)s->projects[k].n_gates;
    m->gate_keys = mps_calloc(n_gates, sizeof *m->gate_keys);
    if (m->df_standard == NULL || m->df_health == NULL || m->projects == NULL ||
        m->gate_keys == NULL || prepare_missions(m) != MPSIM_OK) {
        mps_model_free(m);
        return MPSIM_ERR_FAIL;
    }
    mps_discount_factors(&s->discount.standard, m->horizon, m->df_standard);
    mps_discount_factors(&s->discount.health, m->horizon, m->df_health);

    uint64_t *gk = m->gate_keys;
    for (int k = 0; k < s->n_projects; k++) {
        prepare_project(m, k, gk);
        gk += s->projects[k].n_gates;
    }
    if (prepare_prevention(m) != MPSIM_OK ||
        mps_model_prepare_interactions(m) != MPSIM_OK ||
        mps_model_prepare_funding(m) != MPSIM_OK ||
        mps_model_prepare_management(m) != MPSIM_OK) {
        mps_model_free(m);
        return MPSIM_ERR_FAIL;
    }

    /* The static appraisal is a single deterministic path: compute it now,
     * where an allocation failure can still be reported. */
    mps_workspace *w = mps_workspace_alloc(m);
    if (w == NULL) {
        mps_model_free(m);
        return MPSIM_ERR_FAIL;
    }
    mps_static_compute(m, w, &m->stat);
    mps_workspace_free(w);

    *out = m;
    return MPSIM_OK;
}

const mps_scenario *mps_model_scenario(const mps_model *m) { return m->s; }

int mps_model_n_series(const mps_model *m) { return m->n_series; }

const mps_series_def *mps_model_series(const mps_model *m, int i)
{
    if (i < 0 || i >= m->n_series)
        return NULL;
    return &m->series[i];
}

int mps_model_series_find(const mps_model *m, const char *name)
{
    for (int i = 0; name != NULL && i < m->n_series; i++)
        if (strcmp(m->series[i].name, name) == 0)
            return i;
    return -1;
}

int mps_model_mission_series(const mps_model *m, int mission)
{
    if (mission < 0 || mission >= m->n_missions)
        return -1;
    return m->first_mission_series + mission;
}

const double *mps_model_df(const mps_model *m, mps_benefit_type type)
{
    /* Saving flows are cash: they take the standard schedule. */
    return type == MPS_BENEFIT_HEALTH ? m->df_health : m->df_standard;
}

void mps_static_appraise(const mps_model *m, mpsim_static_result *out) { *out = m->stat; }

/* ------------------------------------------------------------ workspaces */

void mps_workspace_free(mps_workspace *w)
{
    if (w == NULL)
        return;
    if (w->rng != NULL)
        gsl_rng_free(w->rng);
    free(w->ps);
    free(w->series);
    free(w->flow_economic);
    free(w->flow_health);
    free(w->flow_spill);
    free(w->flow_gdp);
    free(w->regime);
    free(w->cut);
    free(w->mult);
    free(w->gdp_coef);
    free(w->corr_z);
    free(w->corr_value);
    free(w->success);
    free(w->project_pv);
    free(w->mission_year);
    free(w->spend_share);
    free(w->stop_year);
    free(w->by_start);
    free(w->start_at);
    free(w->live_bits);
    free(w->spent);
    free(w->stream_scratch);
    free(w->stock_rows);
    free(w);
}

mps_workspace *mps_workspace_alloc(const mps_model *m)
{
    mps_workspace *w = mps_calloc(1, sizeof *w);
    if (w == NULL)
        return NULL;
    size_t h = (size_t)m->horizon;
    size_t np = (size_t)m->n_projects;
    w->rng = gsl_rng_alloc(mps_rng_philox);
    w->ps = mps_calloc(np, sizeof *w->ps);
    w->series = mps_calloc((size_t)m->n_series * h, sizeof *w->series);
    w->flow_economic = mps_calloc(h, sizeof *w->flow_economic);
    w->flow_health = mps_calloc(h, sizeof *w->flow_health);
    w->flow_spill = mps_calloc(h, sizeof *w->flow_spill);
    w->flow_gdp = mps_calloc(h, sizeof *w->flow_gdp);
    w->regime = mps_calloc(h, sizeof *w->regime);
    w->cut = mps_calloc(h, sizeof *w->cut);
    size_t nm = (size_t)MPS_N_CATEGORIES * (size_t)m->econ.n_regimes;
    w->mult = mps_calloc(nm, sizeof *w->mult);
    w->gdp_coef = mps_calloc(nm, sizeof *w->gdp_coef);
    /* One spare element so that a scenario without correlations still
     * gets non-NULL buffers. */
    w->corr_z = mps_calloc((size_t)m->copula.n + 1u, sizeof *w->corr_z);
    w->corr_value = mps_calloc((size_t)m->copula.n + 1u, sizeof *w->corr_value);
    w->success = mps_calloc(np, sizeof *w->success);
    w->project_pv = mps_calloc(np * MPS_N_PROJECT_PV, sizeof *w->project_pv);
    w->mission_year = mps_calloc((size_t)m->n_missions, sizeof *w->mission_year);
    w->spend_share = mps_calloc(np, sizeof *w->spend_share);
    w->stop_year = mps_calloc(np, sizeof *w->stop_year);
    /* One spare element each, so that a scenario without projects still
     * gets non-NULL buffers. */
    w->by_start = mps_calloc(np + 1u, sizeof *w->by_start);
    w->start_at = mps_calloc(h + 1u, sizeof *w->start_at);
    w->n_live_words = (int)((np + 63u) / 64u);
    w->live_bits = mps_calloc((size_t)w->n_live_words + 1u, sizeof *w->live_bits);
    w->spent = mps_calloc(np + 1u, sizeof *w->spent);
    w->stream_scratch = mps_calloc(4u * h, sizeof *w->stream_scratch);
    w->stock_rows = mps_calloc((size_t)m->n_prevention * h + 1u, sizeof *w->stock_rows);
    if (w->rng == NULL || w->ps == NULL || w->series == NULL || w->flow_economic == NULL ||
        w->flow_health == NULL || w->flow_spill == NULL || w->flow_gdp == NULL ||
        w->regime == NULL || w->mult == NULL || w->gdp_coef == NULL || w->corr_z == NULL ||
        w->corr_value == NULL || w->success == NULL || w->project_pv == NULL ||
        w->mission_year == NULL || w->cut == NULL || w->spend_share == NULL ||
        w->stop_year == NULL || w->by_start == NULL || w->start_at == NULL ||
        w->live_bits == NULL || w->spent == NULL || w->stream_scratch == NULL ||
        w->stock_rows == NULL) {
        mps_workspace_free(w);
        return NULL;
    }
    w->result.series = w->series;
    w->result.success = w->success;
    w->result.project_pv = w->project_pv;
    w->result.mission_year = w->mission_year;
    w->result.spend_share = w->spend_share;
    w->result.stop_year = w->stop_year;
    return w;
}
