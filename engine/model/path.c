/*
 * One Monte Carlo path, time-major (model.md sections 4 and 8).
 *
 * The year loop is outside and the project loop inside, because in later
 * versions projects interact within a year (links, cuts, the economy).  The
 * steps of each year keep section 8's order, with the steps this version
 * does not model marked where they will go:
 *
 *   1. regime r_t                        (not yet modelled)
 *   2. spending review and cuts          (not yet modelled)
 *   3. each project still building: management review (not yet modelled),
 *      churn, the year's spend, the gates after this build year
 *   4. benefits and mission indicators (spillovers, prevention: not yet)
 *   5. GDP, tax, exchequer, debt         (not yet modelled)
 *
 * Nothing here allocates: every buffer lives in the workspace.
 */
#include <math.h>
#include <string.h>

#include "model/model_internal.h"
#include "random/stream.h"

void mps_project_inputs(mps_project_state *ps, double cost_factor, int offset, double delay,
                        double level, int horizon)
{
    /* Floor then clamp at 0; "!(D > 0)" also catches a NaN draw.  The sum
     * is formed in double so that a huge draw cannot overflow an int. */
    double d = floor(delay);
    if (!(d > 0.0))
        d = 0.0;
    double s = (double)offset + d;
    ps->cost_factor = cost_factor;
    ps->s = s >= (double)horizon ? horizon : (int)s;
    ps->level = level;
}

/* One draw of dist from its own stream.  A fixed value consumes nothing;
 * since every input has its own stream, skipping it changes no other draw. */
static double draw(const mps_dist *d, gsl_rng *r, uint64_t seed, uint64_t path, uint64_t key)
{
    if (d->kind == MPS_DIST_FIXED)
        return d->a;
    mps_rng_seat(r, seed, path, key);
    return mps_dist_sample(d, r);
}

/* Step 3 for project k in year t: churn, spend, gates. */
static void build_year(const mps_model *m, const mps_decisions *dec, int k, int t,
                       mps_workspace *w)
{
    mps_project_state *ps = &w->ps[k];
    if (ps->status != MPS_PS_ACTIVE || t < ps->s)
        return;
    const mps_project *p = &m->s->projects[k];
    const mps_model_project *mp = &m->projects[k];
    const int h = m->horizon;
    const int j = t - ps->s; /* build year, 0 .. d-1 while active */

    /* (Management review goes here: it comes before churn and spend.) */

    /* Churn: cancelled at the start of build year j, before its spend.  The
     * uniform is positional (index j), so skipping it when churn is 0 keeps
     * common random numbers. */
    double churn = m->s->churn;
    if (dec->stochastic && churn > 0.0 &&
        mps_uniform_at(dec->seed, dec->path, mp->key_churn, (uint32_t)j) < churn) {
        ps->status = MPS_PS_STOPPED;
        return;
    }

    double spend = ps->cost_factor * p->profile[j];
    w->series[MPS_S_COST * h + t] += spend;
    w->series[mp->cost_series * h + t] += spend;
    ps->pv_spend += m->df_standard[t] * spend;

    /* Gates are sorted by `after`; those after this build year fall due. */
    while (ps->next_gate < p->n_gates && p->gates[ps->next_gate].after == j + 1) {
        double q = p->gates[ps->next_gate].p;
        if (dec->stochastic && q < 1.0 &&
            mps_uniform_at(dec->seed, dec->path, mp->gate_keys[ps->next_gate], 0) >= q) {
            ps->status = MPS_PS_STOPPED;
            return;
        }
        ps->next_gate++;
    }
    if (j + 1 == p->build_years) {
        ps->status = MPS_PS_SUCCEEDED;
        ps->e = t + 1;
    }
}

/* Step 4 for project k in year t: direct benefits and mission outcome. */
static void benefit_year(const mps_model *m, int k, int t, mps_workspace *w)
{
    mps_project_state *ps = &w->ps[k];
    if (ps->status != MPS_PS_SUCCEEDED)
        return;
    const mps_project *p = &m->s->projects[k];
    const mps_model_project *mp = &m->projects[k];
    const int h = m->horizon;
    const int i = t - ps->e - mp->lag; /* benefit year */
    if (i < 0)
        return;
    /* min(1, (i+1)/R), exact at and after the end of the ramp. */
    double ramp = i + 1 >= mp->ramp ? 1.0 : (double)(i + 1) / (double)mp->ramp;

    if (p->has_outcome)
        w->series[(MPS_N_CORE_SERIES + p->mission) * h + t] += p->outcome * ramp;

    if (!p->has_benefits || i >= p->duration)
        return;
    double flow = ps->level * ramp * ps->decay;
    ps->decay *= 1.0 - p->decay; /* running (1 - delta)^i: no pow() per year */
    switch (p->benefit_type) {
    case MPS_BENEFIT_ECONOMIC:
        w->flow_economic[t] += flow;
        ps->pv_direct += mp->df_benefit[t] * flow;
        break;
    case MPS_BENEFIT_HEALTH:
        w->flow_health[t] += flow;
        ps->pv_direct += mp->df_benefit[t] * flow;
        break;
    case MPS_BENEFIT_SAVING:
        w->series[MPS_S_SAVINGS * h + t] += flow;
        ps->pv_savings += m->df_standard[t] * flow;
        break;
    }
}

static void reset(const mps_model *m, mps_workspace *w)
{
    size_t h = (size_t)m->horizon;
    memset(w->series, 0, (size_t)m->n_series * h * sizeof *w->series);
    memset(w->flow_economic, 0, h * sizeof *w->flow_economic);
    memset(w->flow_health, 0, h * sizeof *w->flow_health);
    for (int k = 0; k < m->n_projects; k++) {
        mps_project_state *ps = &w->ps[k];
        ps->status = MPS_PS_ACTIVE;
        ps->e = -1;
        ps->next_gate = 0;
        ps->decay = 1.0;
        ps->pv_spend = 0.0;
        ps->pv_direct = 0.0;
        ps->pv_savings = 0.0;
    }
    for (int i = 0; i < m->n_missions; i++)
        w->mission_year[i] = -1;
}

void mps_model_simulate(const mps_model *m, const mps_decisions *dec, mps_workspace *w)
{
    const int h = m->horizon;
    reset(m, w);
    for (int t = 0; t < h; t++) {
        /* 1. regime and 2. spending review: not yet modelled. */

        /* 3. Projects still building. */
        for (int k = 0; k < m->n_projects; k++)
            build_year(m, dec, k, t, w);

        /* 4. Benefits and indicators (spillovers, prevention: later). */
        for (int k = 0; k < m->n_projects; k++)
            benefit_year(m, k, t, w);
        for (int i = 0; i < m->n_missions; i++) {
            if (w->mission_year[i] < 0 &&
                w->series[(MPS_N_CORE_SERIES + i) * h + t] >= m->mission_threshold[i])
                w->mission_year[i] = t;
        }

        /* 5. Economy: not yet modelled. */
    }
    for (int k = 0; k < m->n_projects; k++)
        w->success[k] = w->ps[k].status == MPS_PS_SUCCEEDED;
}

const mps_path_result *mps_path_run(const mps_model *m, uint64_t seed, uint64_t path,
                                    mps_workspace *w)
{
    const mps_scenario *s = m->s;
    /* Every uncertain input is drawn once per path from its own stream,
     * whether or not the path uses it (a project cancelled in year 0 still
     * draws B), so the draws of one project never depend on another's fate
     * or on the scenario's other contents: common random numbers. */
    for (int k = 0; k < m->n_projects; k++) {
        const mps_project *p = &s->projects[k];
        const mps_model_project *mp = &m->projects[k];
        double o = draw(&p->overrun, w->rng, seed, path, mp->key_overrun);
        double d = draw(&p->delay, w->rng, seed, path, mp->key_delay);
        double b = p->has_benefits ? draw(&p->annual, w->rng, seed, path, mp->key_benefit) : 0.0;
        mps_project_inputs(&w->ps[k], o, mp->offset, d, b, m->horizon);
    }
    mps_decisions dec = {1, seed, path};
    mps_model_simulate(m, &dec, w);
    mps_appraise_path(m, w);
    return &w->result;
}
