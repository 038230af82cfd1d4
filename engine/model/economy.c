/*
 * The wider economy within a path (model.md section 6): the regime chain
 * (step 1 of each year) and the GDP effect of each year's spend.
 *
 * GDP is built by pushing forward at spend time: a spend G of category c
 * in year t, in regime r_t, adds h_k (m_{c,r_t} + chi m_{CDEL,r_t}) G to
 * GDP_{t+k} for k = 0 .. K (t + k < H).  Summed over spends this is
 * exactly model.md's
 *   GDP_t = sum_c sum_k h_k m_{c,r_{t-k}} G^c_{t-k}
 *         + sum_k h_k m_{CDEL,r_{t-k}} I_{t-k},   I_t = chi sum_c G^c_t,
 * and it also tells each project its own share of GDP (the crowding-in
 * its spend induces belongs to it, interface.md), so the per-project
 * pv_gdp sum to the portfolio's.
 */
#include "model/model_internal.h"
#include "random/stream.h"

int mps_regime_draw(const mps_model_economy *e, uint64_t seed, uint64_t path, int t,
                    int previous)
{
    const int nr = e->n_regimes;
    if (nr <= 1)
        return 0; /* one regime: nothing to draw */
    const double *prob = t == 0 ? e->initial : e->transition + (size_t)previous * (size_t)nr;
    /* Inverse CDF of a positional uniform (block t), so r_t depends on
     * r_{t-1} and u_t only. */
    double u = mps_uniform_at(seed, path, e->key_regime, (uint32_t)t);
    double cum = 0.0;
    int last = 0;
    for (int r = 0; r < nr; r++) {
        if (prob[r] <= 0.0)
            continue;
        last = r;
        cum += prob[r];
        if (u < cum)
            return r;
    }
    /* A row summing to just under 1 (validated within 1e-9) and u above
     * it: the last regime that has any probability. */
    return last;
}

void mps_gdp_push(const mps_model *m, int k, int c, int t, double g, mps_workspace *w)
{
    const mps_model_economy *e = &m->econ;
    double a = w->gdp_coef[c * e->n_regimes + w->regime[t]] * g;
    if (a == 0.0)
        return;
    mps_project_state *ps = &w->ps[k];
    const int h = m->horizon;
    /* The project's pv_gdp is carried in a register (the store into
     * flow_gdp could otherwise alias it), summed in the same order. */
    const int n = e->n_profile < h - t ? e->n_profile : h - t;
    double *restrict flow = w->flow_gdp;
    double pv = ps->pv_gdp;
    for (int j = 0; j < n; j++) {
        double f = e->profile[j] * a;
        flow[t + j] += f;
        pv += m->df_standard[t + j] * f;
    }
    ps->pv_gdp = pv;
}
