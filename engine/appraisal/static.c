/*
 * The static Green Book appraisal (model.md section 10).
 *
 * It is one deterministic path through the same kernel as the Monte Carlo
 * (mps_model_simulate, mps_appraise_path), with the inputs a Green Book
 * appraisal would use:
 *   - every distribution at its central value (appraisal.central);
 *   - cost c_j * (1 + optimism_bias) in place of the overrun: the uplift
 *     stands in for overrun, so the overrun distribution is not used;
 *   - no delay: D = 0 whatever the delay distribution's central value;
 *   - every gate passed and no churn (the decisions are all favourable);
 *   - no links, no spillovers, no cuts, no management and no wider
 *     economy: the non-stochastic decisions mode switches them off in the
 *     kernel, so pv_spillovers and pv_gdp are 0 whatever
 *     include_spillovers and include_wider_economy say;
 *   - the prevention stock is built from the planned programme c_j (every
 *     build year is spent and nothing is cut), with the effect at its
 *     central value; its avoided costs are savings as in the dynamic
 *     appraisal.
 * The benefit types and the cost_savings convention are those of the
 * dynamic appraisal, so the two numbers are comparable.
 */
#include "model/model_internal.h"

void mps_static_compute(const mps_model *m, mps_workspace *w, mpsim_static_result *out)
{
    const mps_scenario *s = m->s;
    for (int k = 0; k < m->n_projects; k++) {
        const mps_project *p = &s->projects[k];
        double level = p->has_benefits ? mps_dist_central(&p->annual, s->central) : 0.0;
        mps_project_inputs(&w->ps[k], 1.0 + p->optimism_bias, m->projects[k].offset, 0.0, level,
                           m->horizon);
        w->ps[k].effect = p->has_prevention ? mps_dist_central(&p->prev_effect, s->central) : 0.0;
    }
    mps_decisions dec = {0, 0, 0};
    mps_model_simulate(m, &dec, w);
    mps_appraise_path(m, w);

    const double *mt = w->result.metrics;
    out->pv_cost = mt[MPSIM_M_PV_COST];
    out->pvc = mt[MPSIM_M_PVC];
    out->pv_benefits = mt[MPSIM_M_PV_BENEFITS];
    out->npv = mt[MPSIM_M_NPV];
    out->bcr = mt[MPSIM_M_BCR];
}
