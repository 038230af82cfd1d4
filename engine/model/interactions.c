/*
 * Preparing what makes projects interact or share randomness (model.md
 * sections 3, 5 and 6): the links between projects, the wider economy
 * (regime chain, multiplier streams, baseline GDP) and the Gaussian copula
 * of correlated inputs.
 *
 * Everything here is computed once per model, so the per-path kernel reads
 * plain arrays: each project's incoming links, one stream key per
 * multiplier draw, one key and marginal per correlated input.
 */
#include <math.h>
#include <stdlib.h>

#include "core/util.h"
#include "model/model_internal.h"
#include "random/stream.h"
#include "random/stream_names.h"

/* Incoming links per project, grouped by target in one array so that the
 * hot loop walks a contiguous slice and never allocates. */
static int prepare_links(mps_model *m)
{
    const mps_scenario *s = m->s;
    if (s->n_links <= 0 || s->links == NULL)
        return MPSIM_OK;
    for (int l = 0; l < s->n_links; l++) {
        const mps_link *ln = &s->links[l];
        if (ln->from < 0 || ln->from >= m->n_projects || ln->to < 0 || ln->to >= m->n_projects)
            return MPSIM_ERR_FAIL;
    }
    m->links = mps_calloc((size_t)s->n_links, sizeof *m->links);
    if (m->links == NULL)
        return MPSIM_ERR_FAIL;
    /* Counting sort by target keeps the file's order within a target. */
    int at = 0;
    for (int k = 0; k < m->n_projects; k++) {
        m->projects[k].links = &m->links[at];
        for (int l = 0; l < s->n_links; l++) {
            const mps_link *ln = &s->links[l];
            if (ln->to != k)
                continue;
            m->links[at].from = ln->from;
            m->links[at].keep = 1.0 - ln->gate_uplift;
            m->links[at].factor = 1.0 + ln->benefit_uplift;
            at++;
        }
        m->projects[k].n_links = (int)(&m->links[at] - m->projects[k].links);
    }
    return MPSIM_OK;
}

/* The name of regime r, for stream names ("normal" when the struct has
 * none, as the spec names the single default regime). */
static const char *regime_name(const mps_economy *e, int r)
{
    if (e->regime_names != NULL && r < e->n_regimes && e->regime_names[r] != NULL)
        return e->regime_names[r];
    return "normal";
}

static int prepare_economy(mps_model *m)
{
    const mps_economy *e = &m->s->economy;
    mps_model_economy *me = &m->econ;
    /* A zeroed struct (no economy block from an older loader) is one
     * regime and no economy. */
    int nr = e->n_regimes >= 1 ? e->n_regimes : 1;
    me->present = e->present;
    me->n_regimes = nr;
    me->key_regime = mps_key_economy_regime();
    if (nr > 1) {
        if (e->initial == NULL || e->transition == NULL)
            return MPSIM_ERR_FAIL;
        me->initial = e->initial;
        me->transition = e->transition;
    }
    size_t n = (size_t)MPS_N_CATEGORIES * (size_t)nr;
    me->mult_dist = mps_calloc(n, sizeof *me->mult_dist);
    me->mult_key = mps_calloc(n, sizeof *me->mult_key);
    me->mult_corr = mps_calloc(n, sizeof *me->mult_corr);
    if (me->mult_dist == NULL || me->mult_key == NULL || me->mult_corr == NULL)
        return MPSIM_ERR_FAIL;
    for (size_t i = 0; i < n; i++)
        me->mult_corr[i] = -1;

    for (int c = 0; c < MPS_N_CATEGORIES; c++) {
        const mps_multiplier *mu = &e->multipliers[c];
        const char *cat = mps_category_names[c];
        if (!e->present || !mu->given || mu->dist == NULL) {
            /* PDEL not given takes RDEL's per-path draws (model.md s. 6);
             * any other category not given has multiplier 0. */
            me->mult_mode[c] = (e->present && c == MPS_PDEL) ? 3 : 0;
            continue;
        }
        if (mu->per_regime) {
            me->mult_mode[c] = 2;
            for (int r = 0; r < nr; r++) {
                me->mult_dist[c * nr + r] = &mu->dist[r];
                me->mult_key[c * nr + r] = mps_key_economy_multiplier(cat, regime_name(e, r));
            }
        } else {
            me->mult_mode[c] = 1;
            me->mult_dist[c * nr] = &mu->dist[0];
            me->mult_key[c * nr] = mps_key_economy_multiplier(cat, NULL);
        }
    }
    me->key_chi = mps_key_economy_crowding_in();
    me->chi_corr = -1;

    static const double one = 1.0;
    if (e->profile != NULL && e->n_profile >= 1) {
        me->profile = e->profile;
        me->n_profile = e->n_profile;
    } else {
        me->profile = &one; /* the default impulse [1] */
        me->n_profile = 1;
    }
    me->tax_take = e->tax_take;
    me->has_gdp = e->present && e->has_gdp;
    me->debt_ratio = e->debt_ratio;
    me->debt_interest = e->debt_interest;
    if (me->has_gdp) {
        me->gdp_base = mps_calloc((size_t)m->horizon, sizeof *me->gdp_base);
        if (me->gdp_base == NULL)
            return MPSIM_ERR_FAIL;
        for (int t = 0; t < m->horizon; t++)
            me->gdp_base[t] = e->gdp_level * pow(1.0 + e->gdp_growth, (double)t);
    }
    return MPSIM_OK;
}

/* Resolves each correlated input to its stream key and marginal, and marks
 * it on its owner so the per-path draw takes the copula's value. */
static int prepare_copula(mps_model *m)
{
    const mps_correlations *c = &m->s->correlations;
    mps_model_copula *cp = &m->copula;
    if (c->n <= 0)
        return MPSIM_OK;
    if (c->inputs == NULL || c->cholesky == NULL)
        return MPSIM_ERR_FAIL;
    cp->n = c->n;
    cp->cholesky = c->cholesky;
    cp->key = mps_calloc((size_t)c->n, sizeof *cp->key);
    cp->dist = mps_calloc((size_t)c->n, sizeof *cp->dist);
    if (cp->key == NULL || cp->dist == NULL)
        return MPSIM_ERR_FAIL;
    const mps_economy *e = &m->s->economy;
    mps_model_economy *me = &m->econ;
    for (int i = 0; i < c->n; i++) {
        const mps_input_ref *in = &c->inputs[i];
        if (in->kind == MPS_INPUT_OVERRUN || in->kind == MPS_INPUT_DELAY ||
            in->kind == MPS_INPUT_BENEFIT || in->kind == MPS_INPUT_PREVENTION) {
            if (in->project < 0 || in->project >= m->n_projects)
                return MPSIM_ERR_FAIL;
            const mps_project *p = &m->s->projects[in->project];
            mps_model_project *mp = &m->projects[in->project];
            if (in->kind == MPS_INPUT_OVERRUN) {
                cp->key[i] = mp->key_overrun;
                cp->dist[i] = &p->overrun;
                mp->corr_overrun = i;
            } else if (in->kind == MPS_INPUT_DELAY) {
                cp->key[i] = mp->key_delay;
                cp->dist[i] = &p->delay;
                mp->corr_delay = i;
            } else if (in->kind == MPS_INPUT_BENEFIT) {
                if (!p->has_benefits)
                    return MPSIM_ERR_FAIL;
                cp->key[i] = mp->key_benefit;
                cp->dist[i] = &p->annual;
                mp->corr_benefit = i;
            } else {
                if (!p->has_prevention)
                    return MPSIM_ERR_FAIL;
                cp->key[i] = mp->key_prevention;
                cp->dist[i] = &p->prev_effect;
                mp->corr_prevention = i;
            }
        } else if (in->kind == MPS_INPUT_MULTIPLIER) {
            int cat = in->category;
            if (cat < 0 || cat >= MPS_N_CATEGORIES)
                return MPSIM_ERR_FAIL;
            int mode = me->mult_mode[cat];
            int slot;
            if (mode == 2 && in->regime >= 0 && in->regime < me->n_regimes)
                slot = cat * me->n_regimes + in->regime;
            else if (mode == 1 && in->regime < 0)
                slot = cat * me->n_regimes;
            else
                return MPSIM_ERR_FAIL;
            cp->key[i] = me->mult_key[slot];
            cp->dist[i] = me->mult_dist[slot];
            me->mult_corr[slot] = i;
        } else if (in->kind == MPS_INPUT_CROWDING_IN) {
            cp->key[i] = me->key_chi;
            cp->dist[i] = &e->crowding_in;
            me->chi_corr = i;
        } else {
            return MPSIM_ERR_FAIL;
        }
    }
    return MPSIM_OK;
}

int mps_model_prepare_interactions(mps_model *m)
{
    if (prepare_links(m) != MPSIM_OK || prepare_economy(m) != MPSIM_OK ||
        prepare_copula(m) != MPSIM_OK)
        return MPSIM_ERR_FAIL;
    return MPSIM_OK;
}

void mps_model_free_interactions(mps_model *m)
{
    free(m->links);
    free(m->econ.mult_dist);
    free(m->econ.mult_key);
    free(m->econ.mult_corr);
    free(m->econ.gdp_base);
    free(m->copula.key);
    free(m->copula.dist);
}
