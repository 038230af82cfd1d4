/*
 * One path's uncertain inputs (model.md sections 2, 3, 6 and 7): each
 * project's overrun O, delay D, benefit level B and prevention effect, the
 * economy's
 * multipliers m_{c,r} and crowding-in chi, all drawn once per path, each
 * from its own stream.
 *
 * Correlated inputs (the Gaussian copula) are drawn first: input i takes a
 * standard normal score z_i from its own stream (the stream it would use
 * uncorrelated), the scores are mixed by the lower Cholesky factor,
 * x = L z, and the input's value is its marginal's quantile at Phi(x_i).
 * Because every score still comes from its owner's stream, a correlation
 * changes the draws of the inputs it names and of no other.
 *
 * A sensitivity analysis may override inputs on a workspace
 * (mps_workspace_set_overrides): an input set by a unit coordinate u takes
 * its marginal's quantile at u, or, in the copula, the independent score
 * Phi^-1(u) in place of its stream's draw, before the Cholesky mix; an
 * input set to a value takes that value on every path (after the mix, so
 * the other correlated inputs keep their own draws).  Without overrides
 * (the default, NULL) nothing here changes.
 */
#include <math.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

#include "model/model_internal.h"
#include "random/quantile.h"
#include "random/stream.h"

/* One draw of dist from its own stream.  A fixed value consumes nothing;
 * since every input has its own stream, skipping it changes no other draw. */
static double draw(const mps_dist *d, gsl_rng *r, uint64_t seed, uint64_t path, uint64_t key)
{
    if (d->kind == MPS_DIST_FIXED)
        return d->a;
    mps_rng_seat(r, seed, path, key);
    return mps_dist_sample(d, r);
}

/* The marginal's quantile at Phi(x).  Normal and lognormal use x directly
 * (the same value, exactly, without losing the tails to Phi rounding to 1);
 * the others clamp Phi(x) below 1 so that a far tail stays finite. */
static double copula_value(const mps_dist *d, double x)
{
    switch (d->kind) {
    case MPS_DIST_NORMAL:
        return d->a + d->b * x;
    case MPS_DIST_LOGNORMAL:
        return exp(d->a + d->b * x);
    default: {
        double p = gsl_cdf_ugaussian_P(x);
        const double top = 1.0 - 1.1102230246251565e-16; /* 1 - 2^-53 */
        return mps_dist_quantile(d, p < top ? p : top);
    }
    }
}

static void draw_copula(const mps_model *m, uint64_t seed, uint64_t path, mps_workspace *w)
{
    const mps_model_copula *cp = &m->copula;
    const int n = cp->n;
    for (int i = 0; i < n; i++) {
        const mps_input_override *o =
            w->overrides != NULL
                ? &w->overrides[mps_model_input_slot(m, &m->s->correlations.inputs[i])]
                : NULL;
        if (o != NULL && o->mode == MPS_OVERRIDE_UNIT) {
            w->corr_z[i] = gsl_cdf_ugaussian_Pinv(o->value);
            continue;
        }
        mps_rng_seat(w->rng, seed, path, cp->key[i]);
        w->corr_z[i] = gsl_ran_ugaussian(w->rng);
    }
    for (int i = 0; i < n; i++) {
        const double *row = cp->cholesky + (size_t)i * (size_t)n;
        double x = 0.0;
        for (int j = 0; j <= i; j++)
            x += row[j] * w->corr_z[j];
        w->corr_value[i] = copula_value(cp->dist[i], x);
    }
}

/* The marginal's quantile at a unit coordinate, kept below 1 so that an
 * unbounded marginal stays finite. */
static double unit_value(const mps_dist *d, double u)
{
    const double top = 1.0 - 1.1102230246251565e-16; /* 1 - 2^-53 */
    return mps_dist_quantile(d, u < top ? u : top);
}

/* An input's value: an override's when one is set, the copula's when it
 * is correlated, else its own draw. */
static double input(const mps_dist *d, int corr, const mps_workspace *w, uint64_t seed,
                    uint64_t path, uint64_t key, int slot)
{
    if (w->overrides != NULL) {
        const mps_input_override *o = &w->overrides[slot];
        if (o->mode == MPS_OVERRIDE_VALUE)
            return o->value;
        if (o->mode == MPS_OVERRIDE_UNIT && corr < 0)
            return unit_value(d, o->value);
    }
    if (corr >= 0)
        return w->corr_value[corr];
    return draw(d, w->rng, seed, path, key);
}

/* Override slots: four per project (overrun, delay, benefit level,
 * prevention effect), then one per category and regime of multipliers
 * (regime 0 for a category drawn once for every regime), then
 * crowding-in. */
enum { SLOT_OVERRUN, SLOT_DELAY, SLOT_BENEFIT, SLOT_PREVENTION, SLOTS_PER_PROJECT };

static int slot_multiplier(const mps_model *m, int c, int r)
{
    return SLOTS_PER_PROJECT * m->n_projects + c * m->econ.n_regimes + r;
}

static int slot_chi(const mps_model *m)
{
    return SLOTS_PER_PROJECT * m->n_projects + MPS_N_CATEGORIES * m->econ.n_regimes;
}

int mps_model_n_input_slots(const mps_model *m)
{
    return slot_chi(m) + 1;
}

int mps_model_input_slot(const mps_model *m, const mps_input_ref *ref)
{
    switch (ref->kind) {
    case MPS_INPUT_OVERRUN:
    case MPS_INPUT_DELAY:
    case MPS_INPUT_BENEFIT:
    case MPS_INPUT_PREVENTION:
        if (ref->project < 0 || ref->project >= m->n_projects)
            return -1;
        return SLOTS_PER_PROJECT * ref->project +
               (ref->kind == MPS_INPUT_OVERRUN   ? SLOT_OVERRUN
                : ref->kind == MPS_INPUT_DELAY   ? SLOT_DELAY
                : ref->kind == MPS_INPUT_BENEFIT ? SLOT_BENEFIT
                                                 : SLOT_PREVENTION);
    case MPS_INPUT_MULTIPLIER: {
        int c = ref->category, mode = c >= 0 && c < MPS_N_CATEGORIES ? m->econ.mult_mode[c] : 0;
        if (mode == 1 && ref->regime < 0)
            return slot_multiplier(m, c, 0);
        if (mode == 2 && ref->regime >= 0 && ref->regime < m->econ.n_regimes)
            return slot_multiplier(m, c, ref->regime);
        return -1;
    }
    case MPS_INPUT_CROWDING_IN:
        return m->econ.present ? slot_chi(m) : -1;
    }
    return -1;
}

void mps_workspace_set_overrides(mps_workspace *w, const mps_input_override *overrides)
{
    w->overrides = overrides;
}

static void draw_economy(const mps_model *m, uint64_t seed, uint64_t path, mps_workspace *w)
{
    const mps_model_economy *e = &m->econ;
    const mps_economy *se = &m->s->economy;
    const int nr = e->n_regimes;
    /* RDEL before PDEL, so a PDEL that copies RDEL finds its draws. */
    for (int c = 0; c < MPS_N_CATEGORIES; c++) {
        double *mc = &w->mult[c * nr];
        switch (e->mult_mode[c]) {
        case 1: {
            double v = input(e->mult_dist[c * nr], e->mult_corr[c * nr], w, seed, path,
                             e->mult_key[c * nr], slot_multiplier(m, c, 0));
            for (int r = 0; r < nr; r++)
                mc[r] = v;
            break;
        }
        case 2:
            for (int r = 0; r < nr; r++)
                mc[r] = input(e->mult_dist[c * nr + r], e->mult_corr[c * nr + r], w, seed, path,
                              e->mult_key[c * nr + r], slot_multiplier(m, c, r));
            break;
        case 3:
            for (int r = 0; r < nr; r++)
                mc[r] = w->mult[MPS_RDEL * nr + r];
            break;
        default:
            for (int r = 0; r < nr; r++)
                mc[r] = 0.0;
            break;
        }
    }
    w->chi = e->present
                 ? input(&se->crowding_in, e->chi_corr, w, seed, path, e->key_chi, slot_chi(m))
                 : 0.0;
    /* Spend G of category c in regime r adds (m_{c,r} + chi m_{CDEL,r}) G
     * in all (model.md section 6: public spend plus the private
     * co-investment chi G it crowds in, which takes the capital multiplier). */
    for (int c = 0; c < MPS_N_CATEGORIES; c++)
        for (int r = 0; r < nr; r++)
            w->gdp_coef[c * nr + r] = w->mult[c * nr + r] + w->chi * w->mult[MPS_CDEL * nr + r];
}

void mps_path_inputs(const mps_model *m, uint64_t seed, uint64_t path, mps_workspace *w)
{
    const mps_scenario *s = m->s;
    if (m->copula.n > 0)
        draw_copula(m, seed, path, w);
    /* Every uncertain input is drawn once per path from its own stream,
     * whether or not the path uses it (a project cancelled in year 0 still
     * draws B), so the draws of one project never depend on another's fate
     * or on the scenario's other contents: common random numbers. */
    for (int k = 0; k < m->n_projects; k++) {
        const mps_project *p = &s->projects[k];
        const mps_model_project *mp = &m->projects[k];
        const int slot = SLOTS_PER_PROJECT * k;
        double o = input(&p->overrun, mp->corr_overrun, w, seed, path, mp->key_overrun,
                         slot + SLOT_OVERRUN);
        double d = input(&p->delay, mp->corr_delay, w, seed, path, mp->key_delay,
                         slot + SLOT_DELAY);
        double b = p->has_benefits ? input(&p->annual, mp->corr_benefit, w, seed, path,
                                           mp->key_benefit, slot + SLOT_BENEFIT)
                                   : 0.0;
        mps_project_inputs(&w->ps[k], o, mp->offset, d, b, m->horizon);
        w->ps[k].effect = p->has_prevention ? input(&p->prev_effect, mp->corr_prevention, w, seed,
                                                    path, mp->key_prevention,
                                                    slot + SLOT_PREVENTION)
                                            : 0.0;
    }
    draw_economy(m, seed, path, w);
}
