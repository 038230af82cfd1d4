/*
 * Preventative spending and the funding regime (model.md section 7):
 * spending reviews and the cuts they decide (step 2 of each year), and the
 * prevention stock with the acute costs it avoids (step 4).
 *
 * A cut decided at a review stays in force until the next review, so the
 * kernel keeps one flag per year (w->cut) and each project applies it
 * through mps_cut_factor when it spends.  The prevention stock reads the
 * same flags back for the year its input was delivered, which is how a
 * lagged stock knows the cut factor of a past build year without keeping a
 * per-project history.
 */
#include "model/model_internal.h"
#include "random/stream.h"
#include "random/stream_names.h"

int mps_model_prepare_funding(mps_model *m)
{
    const mps_scenario *s = m->s;
    const mps_funding *f = &s->funding;
    mps_model_funding *mf = &m->funding;
    /* A zeroed struct (a loader that predates the funding block) means the
     * defaults: a review every 3 years from base_year. */
    int every = f->review_every >= 1 ? f->review_every : 3;
    int first = f->review_every >= 1 ? f->review_first : s->base_year;
    mf->every = every;
    /* The first review at or after model year 0.  A first review before
     * base_year still fixes the cycle; the periods it would have started
     * before year 0 are not modelled, so nothing is cut before the first
     * review inside the horizon. */
    int t0 = first - s->base_year;
    if (t0 < 0)
        t0 = ((t0 % every) + every) % every;
    mf->first_review = t0;
    mf->key_cut = mps_key_funding_cut();
    mf->has_cuts = f->has_cuts;
    mf->keep = 1.0 - f->cut_fraction;
    mf->per_regime = f->cut_per_regime;
    mf->probability = f->cut_probability;
    if (mf->has_cuts && mf->probability == NULL)
        return MPSIM_ERR_FAIL;

    /* Category sets are bit masks (bit c for mps_category c). */
    unsigned cut = f->cut_applies & ~f->ringfence;
    mf->any_category = f->has_cuts && (cut & ((1u << MPS_N_CATEGORIES) - 1u)) != 0;
    for (int k = 0; k < m->n_projects; k++) {
        const mps_project *p = &s->projects[k];
        m->projects[k].cut_eligible = f->has_cuts && ((cut >> (unsigned)p->category) & 1u);
    }
    return MPSIM_OK;
}

void mps_funding_review(const mps_model *m, const mps_decisions *dec, int t, mps_workspace *w)
{
    const mps_model_funding *f = &m->funding;
    if (!dec->stochastic || !f->has_cuts)
        return; /* w->cut stays all 0 from the reset */
    unsigned char cut = t > 0 ? w->cut[t - 1] : 0;
    if (t >= f->first_review && (t - f->first_review) % f->every == 0) {
        double p = f->probability[f->per_regime ? w->regime[t] : 0];
        /* The uniform is positional (index t) and lies in (0, 1), so not
         * drawing it when p is 0 or 1 gives the same decision. */
        if (p >= 1.0)
            cut = 1;
        else if (p > 0.0)
            cut = mps_uniform_at(dec->seed, dec->path, f->key_cut, (uint32_t)t) < p;
        else
            cut = 0;
    }
    w->cut[t] = cut;
    if (m->series_cut >= 0)
        w->series[m->series_cut * m->horizon + t] = (cut && f->any_category) ? 1.0 : 0.0;
}

void mps_prevention_year(const mps_model *m, int k, int t, mps_workspace *w)
{
    const mps_project *p = &m->s->projects[k];
    mps_project_state *ps = &w->ps[k];
    /* S_{t-lag}: the programme delivered in year t - lag, i.e. c_j k_j of
     * build year j = t - lag - s if that year was actually spent (overrun
     * raises the cost, not the programme). */
    double input = 0.0;
    int tp = t - p->prev_lag;
    int j = tp - ps->s;
    if (tp >= 0 && j >= 0 && j < ps->n_spent)
        input = p->profile[j] * mps_cut_factor(m, w, k, tp);
    ps->stock = p->prev_persistence * ps->stock + input;
    double a = ps->effect * ps->stock;
    if (a == 0.0)
        return;
    const int h = m->horizon;
    w->series[m->series_avoided * h + t] += a;
    w->series[MPS_S_SAVINGS * h + t] += a;
    ps->pv_savings += m->df_standard[t] * a;
}
