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
 *   4. spillover discoveries from this year's spend
 *   5. GDP, tax, exchequer, debt: GDP was pushed forward at spend time;
 *      tax, exchequer and debt follow from it in the appraisal
 *      (present_value.c), since they need no decision within the path.
 *
 * The rest of step 4 (benefits raised by links and scaled by the share of
 * the planned programme delivered, the prevention stock and its avoided
 * costs, mission indicators) feeds back into no decision, so it is written
 * after the loop, one contiguous stream per project (streams.c), with the
 * same values bit for bit.
 *
 * Only live projects are visited: each year the loop walks the projects
 * that have started and are still building, in project order (so every
 * sum receives its terms in the same order as a walk over all projects),
 * and step 4 walks those that spent this year.  A project joins the live
 * set (a bit set over project indices, walked lowest bit first) in its
 * first build year, known once its delay is drawn, and leaves it when it
 * succeeds, fails a gate or is cancelled.
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

/* What step 3 of year t reads for every project, looked up once a year. */
typedef struct {
    int t;
    int stochastic;
    int review;         /* a management review year on a stochastic path */
    int gdp;            /* GDP effects are pushed (stochastic, with an economy) */
    double churn;       /* annual cancellation probability, 0 when not drawn */
    double cut_keep;    /* factor on an eligible project's planned spend */
    double df;          /* DF_t, standard schedule */
} year_state;

/* Step 3 for live project k (active, t >= s) in year t: management
 * review, churn, spend, gates.  Returns 1 when the project spent this year
 * (its spend_now is then set), 0 when it was stopped before spending. */
static int build_year(const mps_model *m, const mps_decisions *dec, const year_state *y, int k,
                      mps_workspace *w)
{
    mps_project_state *ps = &w->ps[k];
    const mps_model_project *mp = &m->projects[k];
    const int h = m->horizon, t = y->t;
    const int j = t - ps->s; /* build year, 0 .. d-1 while active */

    /* Management review, before churn and spend: a stop is a cancellation
     * (model.md section 11), counted in the projects_stopped series. */
    if (y->review && mp->managed && j >= 1 && mps_management_stops(m, dec, k, j, w)) {
        ps->status = MPS_PS_STOPPED;
        ps->stop_year = t;
        w->series[m->series_stopped * h + t] += 1.0;
        return 0;
    }

    /* Churn: cancelled at the start of build year j, before its spend.  The
     * uniform is positional (index j), so skipping it when churn is 0 keeps
     * common random numbers. */
    if (y->churn > 0.0 &&
        mps_uniform_at(dec->seed, dec->path, mp->key_churn, (uint32_t)j) < y->churn) {
        ps->status = MPS_PS_STOPPED;
        return 0;
    }

    /* The planned spend after any cut in force (missed spend is not made
     * up), times the overrun. */
    double planned = mp->profile[j] * (mp->cut_eligible ? y->cut_keep : 1.0);
    double spend = ps->cost_factor * planned;
    ps->delivered += planned;
    ps->n_spent = j + 1;
    w->series[MPS_S_COST * h + t] += spend;
    w->series[mp->cost_series * h + t] += spend;
    ps->pv_spend += y->df * spend;
    ps->spend_now = spend;
    if (y->gdp)
        mps_gdp_push(m, k, (int)mp->category, t, spend, w);

    /* Gates are sorted by `after`; those after this build year fall due. */
    while (ps->next_gate < mp->n_gates && mp->gates[ps->next_gate].after == j + 1) {
        double q = mp->gates[ps->next_gate].p;
        if (y->stochastic && mp->n_links > 0)
            q = linked_pass(mp, w, q, t);
        if (y->stochastic && q < 1.0 &&
            mps_uniform_at(dec->seed, dec->path, mp->gate_keys[ps->next_gate], 0) >= q) {
            ps->status = MPS_PS_STOPPED;
            return 1;
        }
        ps->next_gate++;
    }
    if (j + 1 == mp->build_years) {
        ps->status = MPS_PS_SUCCEEDED;
        ps->e = t + 1;
        /* Benefits and outcome scale with sum k_j c_j / sum c_j; every
         * build year is spent now, so the share is final.  Summed in the
         * same order as planned_total, an uncut project gets exactly 1. */
        double total = mp->planned_total;
        ps->scale = total > 0.0 ? ps->delivered / total : 1.0;
    }
    return 1;
}

/* Resets the flows and each project's state, and sorts the projects that
 * start inside the horizon by first build year (a counting sort, so each
 * year's starters stay in project order). */
static void reset(const mps_model *m, mps_workspace *w)
{
    const int h = m->horizon;
    size_t hs = (size_t)h;
    memset(w->series, 0, (size_t)m->n_series * hs * sizeof *w->series);
    memset(w->flow_economic, 0, hs * sizeof *w->flow_economic);
    memset(w->flow_health, 0, hs * sizeof *w->flow_health);
    memset(w->flow_spill, 0, hs * sizeof *w->flow_spill);
    memset(w->flow_gdp, 0, hs * sizeof *w->flow_gdp);
    memset(w->regime, 0, hs * sizeof *w->regime);
    memset(w->cut, 0, hs * sizeof *w->cut);
    memset(w->start_at, 0, (hs + 1u) * sizeof *w->start_at);
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
        if (ps->s < h)
            w->start_at[(ps->s > 0 ? ps->s : 0) + 1]++;
    }
    for (int t = 0; t < h; t++)
        w->start_at[t + 1] += w->start_at[t];
    /* start_at[t] is now the first slot of year t's starters; fill with a
     * moving cursor per year, then restore the offsets. */
    for (int k = 0; k < m->n_projects; k++) {
        int s = w->ps[k].s;
        if (s < h)
            w->by_start[w->start_at[s > 0 ? s : 0]++] = k;
    }
    for (int t = h; t > 0; t--)
        w->start_at[t] = w->start_at[t - 1];
    w->start_at[0] = 0;
    memset(w->live_bits, 0, (size_t)w->n_live_words * sizeof *w->live_bits);
}

/* The index of the lowest set bit of x (x != 0). */
static inline int lowest_bit(uint64_t x)
{
#if defined(__GNUC__)
    return __builtin_ctzll(x);
#else
    int n = 0;
    while (!(x & 1u)) {
        x >>= 1;
        n++;
    }
    return n;
#endif
}

/* Adds year t's starters to the live set. */
static void admit_starters(int t, mps_workspace *w)
{
    for (int a = w->start_at[t]; a < w->start_at[t + 1]; a++) {
        int k = w->by_start[a];
        w->live_bits[k / 64] |= (uint64_t)1 << (k % 64);
    }
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

        /* 3. Projects still building, in project order; those that spent
         * are noted for their spillovers, those that stopped or succeeded
         * leave the live set. */
        admit_starters(t, w);
        year_state y;
        y.t = t;
        y.stochastic = dec->stochastic;
        y.review = dec->stochastic && m->management.present && t % m->management.every == 0;
        y.gdp = dec->stochastic && m->econ.present;
        y.churn = dec->stochastic ? m->s->churn : 0.0;
        y.cut_keep = w->cut[t] ? m->funding.keep : 1.0;
        y.df = m->df_standard[t];
        int n_spent = 0;
        for (int wd = 0; wd < w->n_live_words; wd++) {
            uint64_t bits = w->live_bits[wd], keep = bits;
            while (bits != 0) {
                const int k = wd * 64 + lowest_bit(bits);
                bits &= bits - 1u;
                if (build_year(m, dec, &y, k, w) && spill && m->projects[k].spills)
                    w->spent[n_spent++] = k;
                if (w->ps[k].status != MPS_PS_ACTIVE)
                    keep &= ~((uint64_t)1 << (k % 64));
            }
            w->live_bits[wd] = keep;
        }

        /* 4. Spillover discoveries from this year's spend (benefits,
         * prevention and indicators follow the loop, in streams.c). */
        for (int a = 0; a < n_spent; a++)
            mps_spillover_year(m, dec, w->spent[a], t, w);

        /* 5. GDP is already pushed forward from step 3; tax, exchequer and
         * debt are derived from the flows in mps_appraise_path. */
    }
    mps_model_streams(m, dec, w);
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
