/*
 * Appraisal of one path (model.md section 10): the kernel's undiscounted
 * flows become present values, the headline metrics, the derived series
 * (benefits, costs_net, net_benefit, cumulative_npv) and each project's
 * additive shares of PVB and PVC.
 *
 * Each flow is discounted with its own type's schedule: health benefits
 * with the health schedule, everything else (spend, economic benefits,
 * cashable savings) with the standard one.
 */
#include <math.h>

#include "model/model_internal.h"

void mps_appraise_path(const mps_model *m, mps_workspace *w)
{
    const mps_scenario *s = m->s;
    const int h = m->horizon;
    const int net_cost = s->cost_savings == MPS_SAVINGS_NET_COST;
    const double *df = m->df_standard;
    const double *dfh = m->df_health;
    double *ser = w->series;

    double pv_cat[MPS_N_CATEGORIES] = {0.0, 0.0, 0.0};
    double pv_economic = 0.0, pv_health = 0.0, pv_savings = 0.0, cumulative = 0.0;
    for (int t = 0; t < h; t++) {
        for (int c = 0; c < MPS_N_CATEGORIES; c++)
            pv_cat[c] += df[t] * ser[(MPS_S_COST_CDEL + c) * h + t];
        double cost = ser[MPS_S_COST * h + t];
        double sav = ser[MPS_S_SAVINGS * h + t];
        double fe = w->flow_economic[t];
        double fh = w->flow_health[t];
        pv_economic += df[t] * fe;
        pv_health += dfh[t] * fh;
        pv_savings += df[t] * sav;

        /* Savings are either a benefit or a reduction of cost; the net
         * flow (benefits - costs_net) is the same under both conventions. */
        double benefits = fe + fh + (net_cost ? 0.0 : sav);
        double costs_net = cost - (net_cost ? sav : 0.0);
        ser[MPS_S_BENEFITS * h + t] = benefits;
        ser[MPS_S_COSTS_NET * h + t] = costs_net;
        ser[MPS_S_NET_BENEFIT * h + t] = benefits - costs_net;
        /* Health flows carry the health DF, so the running sum is not
         * DF_t * net_benefit_t; it is built so that its last value is npv. */
        cumulative += df[t] * (fe + sav - cost) + dfh[t] * fh;
        ser[MPS_S_CUMULATIVE_NPV * h + t] = cumulative;
    }

    double pv_cost = pv_cat[MPS_CDEL] + pv_cat[MPS_RDEL] + pv_cat[MPS_PDEL];
    double pv_direct = pv_economic + pv_health;
    /* Not modelled in this version: spillovers, the wider economy. */
    double pv_spillovers = 0.0, pv_gdp = 0.0, pv_tax = 0.0;
    double pvb = pv_direct + (s->include_spillovers ? pv_spillovers : 0.0) +
                 (s->include_wider_economy ? pv_gdp : 0.0) + (net_cost ? 0.0 : pv_savings);
    double pvc = pv_cost - (net_cost ? pv_savings : 0.0);

    double *mt = w->result.metrics;
    mt[MPSIM_M_NPV] = pvb - pvc;
    mt[MPSIM_M_BCR] = pvc > 0.0 ? pvb / pvc : NAN;
    mt[MPSIM_M_PV_BENEFITS] = pvb;
    mt[MPSIM_M_PVC] = pvc;
    mt[MPSIM_M_PV_COST] = pv_cost;
    mt[MPSIM_M_PV_COST_CDEL] = pv_cat[MPS_CDEL];
    mt[MPSIM_M_PV_COST_RDEL] = pv_cat[MPS_RDEL];
    mt[MPSIM_M_PV_COST_PDEL] = pv_cat[MPS_PDEL];
    mt[MPSIM_M_PV_DIRECT] = pv_direct;
    mt[MPSIM_M_PV_SAVINGS] = pv_savings;
    mt[MPSIM_M_PV_SPILLOVERS] = pv_spillovers;
    mt[MPSIM_M_PV_GDP] = pv_gdp;
    mt[MPSIM_M_PV_TAX] = pv_tax;
    mt[MPSIM_M_PV_EXCHEQUER] = pv_cost - pv_savings - pv_tax;
    mt[MPSIM_M_DEBT_RATIO_CHANGE_END] = 0.0;

    /* Per-project shares: the same conventions applied to the project's own
     * flows, so that they sum to PVB and PVC (up to rounding). */
    for (int k = 0; k < m->n_projects; k++) {
        const mps_project_state *ps = &w->ps[k];
        double *pp = &w->project_pv[(size_t)k * MPS_N_PROJECT_PV];
        double own_spill = 0.0, own_gdp = 0.0;
        pp[MPS_P_PV_COST] = ps->pv_spend - (net_cost ? ps->pv_savings : 0.0);
        pp[MPS_P_PV_BENEFITS] = ps->pv_direct + (s->include_spillovers ? own_spill : 0.0) +
                                (s->include_wider_economy ? own_gdp : 0.0) +
                                (net_cost ? 0.0 : ps->pv_savings);
        pp[MPS_P_PV_DIRECT] = ps->pv_direct;
        pp[MPS_P_PV_SPILLOVERS] = own_spill;
        pp[MPS_P_PV_SAVINGS] = ps->pv_savings;
        pp[MPS_P_PV_GDP] = own_gdp;
    }
}
