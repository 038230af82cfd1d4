/*
 * One Monte Carlo path, time-major (model.md sections 4, 5, 6 and 8).
 *
 * The year loop is outside and the project loop inside, because projects
 * interact within a year (links, cuts).  The steps of each year keep
 * section 8's order:
 *
 *   1. regime r_t
 *   2. spending review: the cut in force for the review period (funding.c)
 *   3. each project still building: management review (management.c),
 *      churn, the year's spend after any cut (and its GDP effect), the
 *      gates after this build year (raised by links)
 *   4. benefits (raised by links, scaled by the share of the planned
 *      programme delivered), spillover discoveries from this year's spend,
 *      the prevention stock and its avoided costs, mission indicators
 *   5. GDP, tax, exchequer, debt: GDP was pushed forward at spend time;
 *      tax, exchequer and debt follow from it in the appraisal
 *      (present_value.c), since they need no decision within the path.
 *
 * "A has succeeded by year t" is exact whatever the project order: A's
 * completion year is e_A = (last build year) + 1, so A finishing in year t
 * does not count for a gate B meets in year t (e_A <= t fails).
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

/* B's gate pass probability in year t, raised by its links from projects
 * that have succeeded (e_A <= t): q' = 1 - (1 - q) prod (1 - g). */
static double linked_pass(const mps_model_project *mp, const mps_workspace *w, double q, int t)
{
    double fail = 1.0 - q;
    for (int l = 0; l < mp->n_links; l++) {
        const mps_project_state *a = &w->ps[mp->links[l].from];
        if (a->status == MPS_PS_SUCCEEDED && a->e <= t)
            fail *= mp->links[l].keep;
    }
    return 1.0 - fail;
}

/* The factor on B's direct benefits in year t: prod (1 + v) over links
 * from projects that have succeeded, from year e_A + L_A on. */
static double linked_factor(const mps_model *m, const mps_model_project *mp,
                            const mps_workspace *w, int t)
{
    double f = 1.0;
    for (int l = 0; l < mp->n_links; l++) {
        int a = mp->links[l].from;
        const mps_project_state *pa = &w->ps[a];
        if (pa->status == MPS_PS_SUCCEEDED && t >= pa->e + m->projects[a].lag)
            f *= mp->links[l].factor;
    }
    return f;
}

/* Step 3 for project k in year t: management review, churn, spend, gates. */
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

    /* Management review, before churn and spend: a stop is a cancellation
     * (model.md section 11), counted in the projects_stopped series. */
    const mps_model_management *mm = &m->management;
    if (dec->stochastic && mp->managed && j >= 1 && t % mm->every == 0 &&
        mps_management_stops(m, dec, k, j, w)) {
        ps->status = MPS_PS_STOPPED;
        ps->stop_year = t;
        w->series[m->series_stopped * h + t] += 1.0;
        return;
    }

    /* Churn: cancelled at the start of build year j, before its spend.  The
     * uniform is positional (index j), so skipping it when churn is 0 keeps
     * common random numbers. */
    double churn = m->s->churn;
    if (dec->stochastic && churn > 0.0 &&
        mps_uniform_at(dec->seed, dec->path, mp->key_churn, (uint32_t)j) < churn) {
        ps->status = MPS_PS_STOPPED;
        return;
    }

    /* The planned spend after any cut in force (missed spend is not made
     * up), times the overrun. */
    double planned = p->profile[j] * mps_cut_factor(m, w, k, t);
    double spend = ps->cost_factor * planned;
    ps->delivered += planned;
    ps->n_spent = j + 1;
    w->series[MPS_S_COST * h + t] += spend;
    w->series[mp->cost_series * h + t] += spend;
    ps->pv_spend += m->df_standard[t] * spend;
    ps->spend_now = spend;
    if (dec->stochastic && m->econ.present)
        mps_gdp_push(m, k, (int)p->category, t, spend, w);

    /* Gates are sorted by `after`; those after this build year fall due. */
    while (ps->next_gate < p->n_gates && p->gates[ps->next_gate].after == j + 1) {
        double q = p->gates[ps->next_gate].p;
        if (dec->stochastic && mp->n_links > 0)
            q = linked_pass(mp, w, q, t);
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
        /* Benefits and outcome scale with sum k_j c_j / sum c_j; every
         * build year is spent now, so the share is final.  Summed in the
         * same order as planned_total, an uncut project gets exactly 1. */
        double total = mp->planned_total;
        ps->scale = total > 0.0 ? ps->delivered / total : 1.0;
    }
}

/* Step 4 for project k in year t: direct benefits and mission outcome. */
static void benefit_year(const mps_model *m, const mps_decisions *dec, int k, int t,
                         mps_workspace *w)
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
        w->series[(m->first_mission_series + p->mission) * h + t] +=
            p->outcome * ramp * ps->scale;

    if (!p->has_benefits || i >= p->duration)
        return;
    double flow = ps->level * ramp * ps->decay * ps->scale;
    ps->decay *= 1.0 - p->decay; /* running (1 - delta)^i: no pow() per year */
    /* Links raise the whole direct stream, whatever its type (model.md
     * s. 4), and nothing else; the static appraisal has no links. */
    if (dec->stochastic && mp->n_links > 0)
        flow *= linked_factor(m, mp, w, t);
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
    memset(w->flow_spill, 0, h * sizeof *w->flow_spill);
    memset(w->flow_gdp, 0, h * sizeof *w->flow_gdp);
    memset(w->regime, 0, h * sizeof *w->regime);
    memset(w->cut, 0, h * sizeof *w->cut);
    for (int k = 0; k < m->n_projects; k++) {
        mps_project_state *ps = &w->ps[k];
        ps->status = MPS_PS_ACTIVE;
        ps->e = -1;
        ps->next_gate = 0;
        ps->decay = 1.0;
        ps->pv_spend = 0.0;
        ps->pv_direct = 0.0;
        ps->pv_savings = 0.0;
        ps->pv_spill = 0.0;
        ps->pv_gdp = 0.0;
        ps->spend_now = 0.0;
        ps->n_spent = 0;
        ps->delivered = 0.0;
        ps->scale = 1.0;
        ps->stock = 0.0;
        ps->n_signals = 0;
        ps->signal_sum = 0.0;
        ps->stop_year = -1;
    }
    for (int i = 0; i < m->n_missions; i++)
        w->mission_year[i] = -1;
}

void mps_model_simulate(const mps_model *m, const mps_decisions *dec, mps_workspace *w)
{
    const int h = m->horizon;
    const int spill = dec->stochastic && m->any_spillovers;
    reset(m, w);
    for (int t = 0; t < h; t++) {
        /* 1. The regime (the static appraisal stays in regime 0, unused). */
        if (dec->stochastic)
            w->regime[t] = mps_regime_draw(&m->econ, dec->seed, dec->path, t,
                                           t > 0 ? w->regime[t - 1] : 0);

        /* 2. Spending review: the cut in force from this year. */
        mps_funding_review(m, dec, t, w);

        /* 3. Projects still building. */
        for (int k = 0; k < m->n_projects; k++) {
            w->ps[k].spend_now = 0.0;
            build_year(m, dec, k, t, w);
        }

        /* 4. Benefits, spillover discoveries from this year's spend, the
         * prevention stock (whatever the project's status: its stock was
         * built by real spend), and indicators. */
        for (int k = 0; k < m->n_projects; k++) {
            benefit_year(m, dec, k, t, w);
            if (spill && m->s->projects[k].has_spillovers)
                mps_spillover_year(m, dec, k, t, w);
            if (m->s->projects[k].has_prevention)
                mps_prevention_year(m, k, t, w);
        }
        for (int i = 0; i < m->n_missions; i++) {
            if (w->mission_year[i] < 0 &&
                w->series[(m->first_mission_series + i) * h + t] >= m->mission_threshold[i])
                w->mission_year[i] = t;
        }

        /* 5. GDP is already pushed forward from step 3; tax, exchequer and
         * debt are derived from the flows in mps_appraise_path. */
    }
    for (int k = 0; k < m->n_projects; k++) {
        const mps_project_state *ps = &w->ps[k];
        double total = m->projects[k].planned_total;
        w->success[k] = ps->status == MPS_PS_SUCCEEDED;
        /* The share of the planned programme delivered, over the build
         * years actually spent (a cancelled project's share is below 1
         * even without cuts). */
        w->spend_share[k] = total > 0.0 ? ps->delivered / total : 1.0;
        w->stop_year[k] = ps->stop_year;
    }
}

const mps_path_result *mps_path_run(const mps_model *m, uint64_t seed, uint64_t path,
                                    mps_workspace *w)
{
    mps_path_inputs(m, seed, path, w);
    mps_decisions dec = {1, seed, path};
    mps_model_simulate(m, &dec, w);
    mps_appraise_path(m, w);
    return &w->result;
}
