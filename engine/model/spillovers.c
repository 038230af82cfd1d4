/*
 * Unplanned spillovers (model.md section 5): discoveries from a project's
 * actual spend in year t, Poisson with mean rate * S_t, each worth an
 * annual V (drawn per discovery) for years t + lag .. t + lag + duration - 1,
 * times (1 - decay)^i in its i-th year.
 *
 * Year t's discoveries come from their own sub-stream (the project's
 * spillover key with index t; stream_names.h): first the count N, then the
 * N values.  So they depend on year t's spend only, whatever happened in
 * other years (common random numbers between scenarios that share the
 * project), and adding spillovers to one project changes no other draw.
 * Spend of a project that later fails or is cancelled still discovers.
 */
#include <gsl/gsl_randist.h>

#include "model/model_internal.h"
#include "random/stream.h"

void mps_spillover_year(const mps_model *m, const mps_decisions *dec, int k, int t,
                        mps_workspace *w)
{
    const mps_project *p = &m->s->projects[k];
    mps_project_state *ps = &w->ps[k];
    double mean = p->spill_rate * ps->spend_now;
    if (!(mean > 0.0))
        return; /* no spend (or rate 0): no discoveries, no draws */
    const int h = m->horizon;
    const int start = t + p->spill_lag;
    if (start >= h || p->spill_duration <= 0)
        return; /* nothing could land inside the horizon */

    gsl_rng *r = w->rng;
    mps_rng_seat(r, dec->seed, dec->path, mps_stream_subkey(m->projects[k].key_spill,
                                                            (uint64_t)t));
    unsigned int n = gsl_ran_poisson(r, mean);
    if (n == 0)
        return;
    /* The year's discoveries share their timing, so their values are added
     * first and spread forward once: O(duration) per discovering year. */
    double v;
    if (p->spill_value.kind == MPS_DIST_FIXED) {
        v = (double)n * p->spill_value.a;
    } else {
        v = 0.0;
        for (unsigned int i = 0; i < n; i++)
            v += mps_dist_sample(&p->spill_value, r);
    }
    /* The project's present value is carried in a register (the store
     * into flow_spill could otherwise alias it), summed in the same order. */
    const double *df = m->df_standard;
    double *restrict flow = w->flow_spill;
    const int len = p->spill_duration < h - start ? p->spill_duration : h - start;
    double keep = 1.0 - p->spill_decay, decay = 1.0, pv = ps->pv_spill;
    for (int i = 0; i < len; i++) {
        double f = v * decay;
        flow[start + i] += f;
        pv += df[start + i] * f;
        decay *= keep;
    }
    ps->pv_spill = pv;
}
