/*
 * Adaptive management, test and learn (model.md section 11).
 *
 * In model years t = Q, 2Q, ... each project still building that has spent
 * at least one build year, and whose benefits.annual is lognormal
 * (mu, sigma), shows a fresh signal z_k = ln B + e_k, e_k ~ N(0, s^2).
 * The manager's posterior of ln B after k signals is normal with
 *   precision 1/sigma^2 + k/s^2,
 *   mean      (mu/sigma^2 + (z_1 + ... + z_k)/s^2) / precision,
 * so E[B | z] = exp(mean + 1/(2 precision)).  With s = 0 the manager knows
 * B; with sigma = 0 the prior already does.  The project is stopped, as a
 * cancellation, when its expected remaining BCR
 *   prod(remaining gate p) E[B|z] W(e)  /  E[O] sum_{j' >= j} c_j' DF_{s+j'}
 * is below theta, where e = s + d is the planned completion given the
 * realised start s and
 *   W(e) = sum_{i < N, e + L + i < H} min(1, (i+1)/R) (1 - delta)^i DF_{e+L+i}
 * with DF the benefit type's schedule.  A remaining cost of 0 never stops.
 * The manager ignores links, spillovers, prevention, churn and cuts.
 *
 * Cost of a review: W is tabulated by e when the model is prepared and the
 * remaining-gate products by build year, so the benefit side is O(1); the
 * remaining cost is summed afresh, O(d - j), since it depends on the
 * path's start and build profiles are short.
 *
 * A project whose benefits.annual is not lognormal is never reviewed: the
 * conjugate update above needs a normal prior on ln B.
 */
#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>

#include "core/util.h"
#include "model/model_internal.h"
#include "random/stream.h"
#include "random/stream_names.h"

static int reviewable(const mps_project *p)
{
    return p->has_benefits && p->annual.kind == MPS_DIST_LOGNORMAL;
}

int mps_model_prepare_management(mps_model *m)
{
    const mps_scenario *s = m->s;
    const mps_management *g = &s->management;
    mps_model_management *mm = &m->management;
    mm->present = g->present && g->review_every >= 1;
    if (!mm->present)
        return MPSIM_OK;
    mm->every = g->review_every;
    mm->noise = g->signal_noise;
    mm->stop_below = g->stop_below;

    const int h = m->horizon;
    size_t n = 0;
    for (int k = 0; k < m->n_projects; k++)
        if (reviewable(&s->projects[k]))
            n += (size_t)h + (size_t)s->projects[k].build_years + 1u;
    if (n == 0)
        return MPSIM_OK;
    mm->storage = mps_calloc(n, sizeof *mm->storage);
    if (mm->storage == NULL)
        return MPSIM_ERR_FAIL;

    double *at = mm->storage;
    for (int k = 0; k < m->n_projects; k++) {
        const mps_project *p = &s->projects[k];
        mps_model_project *mp = &m->projects[k];
        if (!reviewable(p))
            continue;
        mp->managed = 1;
        mp->key_signal = mps_key_project(p->id, MPS_PURPOSE_SIGNAL);
        mp->mean_overrun = mps_dist_mean(&p->overrun);

        /* Gates still to be met before build year j is spent: after >= j+1. */
        double *gate_rest = at;
        at += p->build_years + 1;
        for (int j = 0; j <= p->build_years; j++) {
            double prod = 1.0;
            for (int g2 = 0; g2 < p->n_gates; g2++)
                if (p->gates[g2].after >= j + 1)
                    prod *= p->gates[g2].p;
            gate_rest[j] = prod;
        }
        mp->gate_rest = gate_rest;

        /* W(e) for every completion year inside the horizon (0 past it).
         * The decay is a running product, as in the kernel's benefit year. */
        double *weight = at;
        at += h;
        const double *df = mp->df_benefit;
        for (int e = 0; e < h; e++) {
            double sum = 0.0, decay = 1.0;
            for (int i = 0; i < p->duration && e + mp->lag + i < h; i++) {
                double ramp = i + 1 >= mp->ramp ? 1.0 : (double)(i + 1) / (double)mp->ramp;
                sum += ramp * decay * df[e + mp->lag + i];
                decay *= 1.0 - p->decay;
            }
            weight[e] = sum;
        }
        mp->benefit_weight = weight;
    }
    return MPSIM_OK;
}

void mps_model_free_management(mps_model *m)
{
    free(m->management.storage);
    m->management.storage = NULL;
}

/* E[B | z_1 .. z_k] after drawing the project's k-th signal. */
static double posterior_mean(const mps_model *m, const mps_decisions *dec, int k,
                             mps_workspace *w)
{
    const mps_project *p = &m->s->projects[k];
    mps_project_state *ps = &w->ps[k];
    const double noise = m->management.noise;
    const double mu = p->annual.a, sigma = p->annual.b;
    ps->n_signals++;
    if (!(noise > 0.0) || !(sigma > 0.0))
        return ps->level; /* s = 0: B is seen; sigma = 0: B = exp(mu) is known */
    /* e_k from position k - 1 of the signal stream, so the k-th signal is
     * the same whatever else happened on the path (common random numbers). */
    double u = mps_uniform_at(dec->seed, dec->path, m->projects[k].key_signal,
                              (uint32_t)(ps->n_signals - 1));
    /* ln B is the same at every review of the path: taken at the first. */
    if (ps->n_signals == 1)
        ps->log_level = log(ps->level);
    ps->signal_sum += ps->log_level + noise * gsl_cdf_ugaussian_Pinv(u);
    double prior = 1.0 / (sigma * sigma), like = 1.0 / (noise * noise);
    double precision = prior + (double)ps->n_signals * like;
    double mean = (mu * prior + ps->signal_sum * like) / precision;
    return exp(mean + 0.5 / precision);
}

int mps_management_stops(const mps_model *m, const mps_decisions *dec, int k, int j,
                         mps_workspace *w)
{
    const mps_project *p = &m->s->projects[k];
    const mps_model_project *mp = &m->projects[k];
    const mps_project_state *ps = &w->ps[k];
    const int h = m->horizon;
    double eb = posterior_mean(m, dec, k, w);

    /* The remaining cost, including this year's: the review precedes the
     * spend. */
    double cost = 0.0;
    for (int jj = j; jj < p->build_years && ps->s + jj < h; jj++)
        cost += p->profile[jj] * m->df_standard[ps->s + jj];
    cost *= mp->mean_overrun;
    if (!(cost > 0.0))
        return 0;
    int e = ps->s + p->build_years;
    double weight = e < h ? mp->benefit_weight[e] : 0.0;
    double benefit = mp->gate_rest[j] * eb * weight;
    return benefit / cost < m->management.stop_below;
}
