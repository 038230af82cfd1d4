/*
 * The streams a project adds once its path's decisions are known (model.md
 * sections 4, 5 and 7): direct benefits and the mission outcome of a
 * successful project, and the prevention stock with the acute costs it
 * avoids.
 *
 * Why after the year loop, one project at a time.  These flows feed back
 * into no decision within the path: the manager, gates, churn, cuts and
 * spillovers read spend, statuses and draws, never benefits, savings or
 * indicators.  Everything they depend on is final when the year loop ends:
 * a project's completion year e and delivered share (fixed at completion),
 * its linked projects' completion years (a status never changes after
 * success), the build years it spent and the cut in force in each year.
 * So each stream is written as one contiguous loop from its first year to
 * the horizon (the indicator's flat part vectorises), instead of visiting
 * every project in every year.
 *
 * Why the results are bit-identical to the year-by-year kernel.  Every
 * flow, indicator and savings cell receives its projects' contributions in
 * project order, as the year loop added them (the loop over k is outside
 * here, and only this file writes these cells); each contribution is
 * computed by the same expression in the same order of operations; each
 * project's own present values are summed over years in the same order.
 * Skipped additions are of exact zeros into sums that start at +0.0, which
 * changes nothing.  The one case where two streams share an accumulator
 * year by year (a project with prevention and saving-type benefits: both
 * add to its pv_savings), and a prevention effect that is not finite (its
 * product with an empty stock is not 0), take the year-by-year route.
 *
 * Two things are done four projects at a time, because a single running
 * sum is a chain of dependent additions: the present values of the
 * streams (pv_batch; a present value waiting in the batch is touched by
 * nothing else until it is flushed), and the prevention stocks.  Each sum
 * still runs over its own years in order.
 *
 * tests/test_model_streams.c recomputes everything here year by year and
 * compares the bits.
 */
#include <limits.h>
#include <math.h>

#include "model/model_internal.h"

/* min(1, (i+1)/R) for benefit year i, exact at and after the end of the
 * ramp. */
static inline double ramp_at(int i, int ramp)
{
    return i + 1 >= ramp ? 1.0 : (double)(i + 1) / (double)ramp;
}

/* The factor on B's direct benefits in year t: prod (1 + v) over links
 * from projects that have succeeded, from year e_A + L_A on (model.md
 * section 5), multiplied in the links' order. */
static double linked_factor(const mps_model *m, const mps_model_project *mp, const mps_workspace *w,
                            int t)
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

/* The first year after t in which one of B's links starts to raise its
 * benefits (a linked project's e_A + L_A), or INT_MAX when none will. */
static int next_link_change(const mps_model *m, const mps_model_project *mp, const mps_workspace *w,
                            int t)
{
    int next = INT_MAX;
    for (int l = 0; l < mp->n_links; l++) {
        int a = mp->links[l].from;
        const mps_project_state *pa = &w->ps[a];
        if (pa->status == MPS_PS_SUCCEEDED) {
            int from = pa->e + m->projects[a].lag;
            if (from > t && from < next)
                next = from;
        }
    }
    return next;
}

/* Benefit year t of project k, the year-by-year form (used only when its
 * benefits and its prevention stock share pv_savings). */
static void benefit_year(const mps_model *m, const mps_decisions *dec, int k, int t,
                         mps_workspace *w)
{
    mps_project_state *ps = &w->ps[k];
    if (ps->status != MPS_PS_SUCCEEDED)
        return;
    const mps_project *p = &m->s->projects[k];
    const mps_model_project *mp = &m->projects[k];
    const int h = m->horizon;
    const int i = t - ps->e - mp->lag;
    if (i < 0)
        return;
    double ramp = ramp_at(i, mp->ramp);
    if (p->has_outcome)
        w->series[(m->first_mission_series + p->mission) * h + t] += p->outcome * ramp * ps->scale;
    if (!p->has_benefits || i >= p->duration)
        return;
    double flow = ps->level * ramp * ps->decay * ps->scale;
    ps->decay *= 1.0 - p->decay;
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

/* The mission outcome of successful project k: u min(1, (i+1)/R) scale
 * from benefit year 0 to the horizon. */
static void outcome_stream(const mps_model *m, int k, int t0, mps_workspace *w)
{
    const mps_model_project *mp = &m->projects[k];
    const int h = m->horizon, ramp = mp->ramp;
    const double u = mp->outcome, scale = w->ps[k].scale;
    double *restrict cell = &w->series[(size_t)mp->mission_series * (size_t)h];
    int t = t0;
    for (; t < h && t - t0 + 1 < ramp; t++)
        cell[t] += u * ramp_at(t - t0, ramp) * scale;
    /* After the ramp u * 1.0 is u exactly, so the flat part is one product. */
    const double flat = u * scale;
    for (; t < h; t++)
        cell[t] += flat;
}

/* A stream whose flows are written and whose present value is still to
 * be summed: pv += df[i] * flow[i] for i = 0 .. n-1, in order. */
typedef struct {
    const double *flow;
    const double *df; /* from the stream's first year */
    int n;
    double *pv;
} pv_job;

/* Up to four pending present values.  Each is summed in its own year order
 * (so bit-identical to the year-by-year sum); summing four at once in
 * separate accumulators overlaps their addition latencies, which a single
 * running sum per project would leave as the stream's bottleneck. */
typedef struct {
    pv_job job[4];
    int n;
} pv_batch;

static void pv_flush(pv_batch *b)
{
    pv_job none = {NULL, NULL, 0, NULL};
    const pv_job *j0 = &b->job[0];
    const pv_job *j1 = b->n > 1 ? &b->job[1] : &none;
    const pv_job *j2 = b->n > 2 ? &b->job[2] : &none;
    const pv_job *j3 = b->n > 3 ? &b->job[3] : &none;
    double a0 = *j0->pv, a1 = j1->pv ? *j1->pv : 0.0, a2 = j2->pv ? *j2->pv : 0.0,
           a3 = j3->pv ? *j3->pv : 0.0;
    int n = j0->n;
    n = j1->n > n ? j1->n : n;
    n = j2->n > n ? j2->n : n;
    n = j3->n > n ? j3->n : n;
    /* The years all four streams share, then each one's tail. */
    int common = j0->n;
    common = j1->n < common ? j1->n : common;
    common = j2->n < common ? j2->n : common;
    common = j3->n < common ? j3->n : common;
    for (int i = 0; i < common; i++) {
        a0 += j0->df[i] * j0->flow[i];
        a1 += j1->df[i] * j1->flow[i];
        a2 += j2->df[i] * j2->flow[i];
        a3 += j3->df[i] * j3->flow[i];
    }
    for (int i = common; i < n; i++) {
        if (i < j0->n)
            a0 += j0->df[i] * j0->flow[i];
        if (i < j1->n)
            a1 += j1->df[i] * j1->flow[i];
        if (i < j2->n)
            a2 += j2->df[i] * j2->flow[i];
        if (i < j3->n)
            a3 += j3->df[i] * j3->flow[i];
    }
    *j0->pv = a0;
    if (j1->pv)
        *j1->pv = a1;
    if (j2->pv)
        *j2->pv = a2;
    if (j3->pv)
        *j3->pv = a3;
    b->n = 0;
}

/* Direct benefits of successful project k: B min(1, (i+1)/R) (1-delta)^i
 * scale, times its links' factors, for benefit years i < N inside the
 * horizon.  The flows go into the project's row of the scratch and into
 * their flow series; the present value joins the batch. */
static void benefit_stream(const mps_model *m, const mps_decisions *dec, int k, int t0,
                           pv_batch *batch, mps_workspace *w)
{
    const mps_model_project *mp = &m->projects[k];
    mps_project_state *ps = &w->ps[k];
    const int h = m->horizon, ramp = mp->ramp;
    const int n = mp->duration < h - t0 ? mp->duration : h - t0;
    if (n <= 0)
        return;
    const double level = ps->level, scale = ps->scale;
    const double *df = mp->df_benefit;
    double *restrict flow_out;
    double *pv;
    switch (mp->benefit_type) {
    case MPS_BENEFIT_HEALTH:
        flow_out = w->flow_health + t0;
        pv = &ps->pv_direct;
        break;
    case MPS_BENEFIT_SAVING:
        flow_out = &w->series[MPS_S_SAVINGS * h + t0];
        pv = &ps->pv_savings;
        df = m->df_standard;
        break;
    default:
        flow_out = w->flow_economic + t0;
        pv = &ps->pv_direct;
        break;
    }
    double *restrict flow = &w->stream_scratch[(size_t)batch->n * (size_t)h];

    /* B ramp (1-delta)^i scale, multiplied in the year-by-year order; after
     * the ramp B * 1.0 is B exactly. */
    int i = 0;
    double decay = 1.0; /* the running (1 - delta)^i, as year by year */
    const double keep = mp->keep;
    for (; i < n && i + 1 < ramp; i++) {
        flow[i] = level * ramp_at(i, ramp) * decay * scale;
        decay *= keep;
    }
    for (; i < n; i++) {
        flow[i] = level * decay * scale;
        decay *= keep;
    }
    /* Links raise the stream by a factor that changes only in the years a
     * linked project's benefits start, formed by the same product. */
    if (dec->stochastic && mp->n_links > 0) {
        int t = t0;
        while (t < t0 + n) {
            double factor = linked_factor(m, mp, w, t);
            int next = next_link_change(m, mp, w, t);
            int end = next < t0 + n ? next : t0 + n;
            for (; t < end; t++)
                flow[t - t0] *= factor;
        }
    }
    for (i = 0; i < n; i++)
        flow_out[i] += flow[i];

    batch->job[batch->n].flow = flow;
    batch->job[batch->n].df = df + t0;
    batch->job[batch->n].n = n;
    batch->job[batch->n].pv = pv;
    if (++batch->n == 4)
        pv_flush(batch);
}

/* The first year project k's prevention stock can receive an input:
 * before it the stock is exactly 0. */
static int prevention_first(const mps_project *p, const mps_project_state *ps)
{
    int t = ps->s + p->prev_lag;
    return t > 0 ? t : 0;
}

/* S_{t-lag}, the programme delivered in year t - lag: c_j k_j of build
 * year j = t - lag - s if that year was spent (model.md section 7). */
static inline double prevention_input(const mps_model *m, const mps_workspace *w, int k,
                                      const mps_project *p, const mps_project_state *ps, int t)
{
    int tp = t - p->prev_lag, j = tp - ps->s;
    if (tp >= 0 && j >= 0 && j < ps->n_spent)
        return p->profile[j] * mps_cut_factor(m, w, k, tp);
    return 0.0;
}

/* Every prevention project's stock P_t = persistence P_{t-1} + S_{t-lag}
 * for t from its first input to the horizon, four projects at a time.
 * Each stock is the same recurrence as year by year; running four at once
 * overlaps their latencies, which one recurrence at a time would leave as
 * the prevention stream's bottleneck. */
static void prevention_stocks(const mps_model *m, mps_workspace *w)
{
    const int h = m->horizon;
    for (int g = 0; g < m->n_prevention; g += 4) {
        const int nq = m->n_prevention - g < 4 ? m->n_prevention - g : 4;
        int kq[4], first[4], t0 = h;
        double stock[4] = {0.0, 0.0, 0.0, 0.0}, persistence[4] = {0.0, 0.0, 0.0, 0.0};
        double *row[4];
        for (int q = 0; q < nq; q++) {
            kq[q] = m->prevention[g + q];
            const mps_project *p = &m->s->projects[kq[q]];
            first[q] = prevention_first(p, &w->ps[kq[q]]);
            persistence[q] = p->prev_persistence;
            row[q] = &w->stock_rows[(size_t)(g + q) * (size_t)h];
            t0 = first[q] < t0 ? first[q] : t0;
        }
        for (int t = t0; t < h; t++) {
            for (int q = 0; q < nq; q++) {
                if (t < first[q])
                    continue;
                const int k = kq[q];
                double input = prevention_input(m, w, k, &m->s->projects[k], &w->ps[k], t);
                stock[q] = persistence[q] * stock[q] + input;
                row[q][t] = stock[q];
            }
        }
    }
}

/* Project k's avoided acute costs A_t = effect P_t (model.md section 7),
 * a cashable saving, from the stock computed by prevention_stocks.  Before
 * the first input the stock is exactly 0 and so is A_t (the effect is
 * finite here), which the year-by-year form skips, as it skips every
 * A_t = 0; the present value joins the batch (a zero term adds nothing to
 * a sum that starts at +0.0). */
static void prevention_stream(const mps_model *m, int k, pv_batch *batch, mps_workspace *w)
{
    const mps_project *p = &m->s->projects[k];
    mps_project_state *ps = &w->ps[k];
    const int h = m->horizon, t0 = prevention_first(p, ps);
    if (t0 >= h)
        return;
    const double effect = ps->effect;
    const double *restrict stock =
        &w->stock_rows[(size_t)m->projects[k].prevention_row * (size_t)h];
    double *restrict avoided = &w->series[(size_t)m->series_avoided * (size_t)h];
    double *restrict savings = &w->series[MPS_S_SAVINGS * h];
    double *restrict flow = &w->stream_scratch[(size_t)batch->n * (size_t)h];
    for (int t = t0; t < h; t++) {
        double a = effect * stock[t];
        flow[t - t0] = a;
        if (a == 0.0)
            continue;
        avoided[t] += a;
        savings[t] += a;
    }
    ps->stock = stock[h - 1];
    batch->job[batch->n].flow = flow;
    batch->job[batch->n].df = m->df_standard + t0;
    batch->job[batch->n].n = h - t0;
    batch->job[batch->n].pv = &ps->pv_savings;
    if (++batch->n == 4)
        pv_flush(batch);
}

void mps_model_streams(const mps_model *m, const mps_decisions *dec, mps_workspace *w)
{
    const int h = m->horizon;
    pv_batch batch;
    batch.n = 0;
    if (m->n_prevention > 0)
        prevention_stocks(m, w);
    for (int k = 0; k < m->n_projects; k++) {
        const mps_model_project *mp = &m->projects[k];
        mps_project_state *ps = &w->ps[k];
        const int succeeded = ps->status == MPS_PS_SUCCEEDED;
        if (mp->has_prevention &&
            ((succeeded && mp->has_benefits && mp->benefit_type == MPS_BENEFIT_SAVING) ||
             !isfinite(ps->effect))) {
            /* Two streams into one present value, or an effect whose
             * product with an empty stock is not 0: year by year, in the
             * year loop's order. */
            for (int t = 0; t < h; t++) {
                benefit_year(m, dec, k, t, w);
                mps_prevention_year(m, k, t, w);
            }
            continue;
        }
        if (succeeded) {
            const int t0 = ps->e + mp->lag;
            if (t0 < h) {
                if (mp->has_outcome)
                    outcome_stream(m, k, t0, w);
                if (mp->has_benefits)
                    benefit_stream(m, dec, k, t0, &batch, w);
            }
        }
        if (mp->has_prevention)
            prevention_stream(m, k, &batch, w);
    }
    if (batch.n > 0)
        pv_flush(&batch);
    /* The first year each indicator reaches its target (the test of the
     * year loop, which read each year's indicator once it was complete). */
    for (int i = 0; i < m->n_missions; i++) {
        const double *cell = &w->series[(size_t)(m->first_mission_series + i) * (size_t)h];
        w->mission_year[i] = -1;
        for (int t = 0; t < h; t++) {
            if (cell[t] >= m->mission_threshold[i]) {
                w->mission_year[i] = t;
                break;
            }
        }
    }
}
