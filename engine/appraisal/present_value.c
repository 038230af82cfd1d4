/*
 * Appraisal of one path (model.md sections 6 and 10): the kernel's
 * undiscounted flows become present values, the headline metrics, the
 * derived series (benefits, costs_net, net_benefit, cumulative_npv, and
 * the optional spillovers, gdp, debt_ratio_change) and each project's
 * additive shares of PVB and PVC.
 *
 * Each flow is discounted with its own type's schedule: health benefits
 * with the health schedule, everything else (spend, economic benefits,
 * cashable savings, spillovers, GDP, tax) with the standard one.
 *
 * Cashable savings (the `savings` series, pv_savings) are saving-type
 * benefits plus the avoided acute costs of prevention (model.md section
 * 7): the kernel adds both to the series and to each project's own
 * pv_savings, so both count as a benefit or as a cost reduction by
 * cost_savings, and both reduce the net exchequer cost.  The
 * `avoided_cost`, `cut` and `projects_stopped` series are written by the
 * kernel itself.
 *
 * Tax, the net exchequer cost and debt (model.md section 6, step 5 of each
 * year) are computed here from the year's flows: they feed back into no
 * decision within the path, so this is the same as computing them in the
 * year loop, and it keeps the kernel's loop short.
 */
#include <math.h>

#include "model/model_internal.h"

void mps_appraise_path(const mps_model *m, mps_workspace *w)
{
    const mps_scenario *s = m->s;
    const mps_model_economy *e = &m->econ;
    const int h = m->horizon;
    const int net_cost = s->cost_savings == MPS_SAVINGS_NET_COST;
    const int sp = s->include_spillovers;
    const int we = s->include_wider_economy;
    const double *df = m->df_standard;
    const double *dfh = m->df_health;
    double *ser = w->series;

    double pv_cat[MPS_N_CATEGORIES] = {0.0, 0.0, 0.0};
    double pv_economic = 0.0, pv_health = 0.0, pv_savings = 0.0, cumulative = 0.0;
    double pv_spillovers = 0.0, pv_gdp = 0.0, pv_tax = 0.0;
    double debt = 0.0, debt_change = 0.0;
    for (int t = 0; t < h; t++) {
        for (int c = 0; c < MPS_N_CATEGORIES; c++)
            pv_cat[c] += df[t] * ser[(MPS_S_COST_CDEL + c) * h + t];
        double cost = ser[MPS_S_COST * h + t];
        double sav = ser[MPS_S_SAVINGS * h + t];
        double fe = w->flow_economic[t];
        double fh = w->flow_health[t];
        double fs = w->flow_spill[t];
        double gdp = w->flow_gdp[t];
        pv_economic += df[t] * fe;
        pv_health += dfh[t] * fh;
        pv_savings += df[t] * sav;
        pv_spillovers += df[t] * fs;
        pv_gdp += df[t] * gdp;

        /* Fiscal feedback: T_t = tax_take GDP_t; X_t = G_t - savings_t - T_t;
         * debt_t = (1 + i) debt_{t-1} + X_t; the ratio change against a
         * baseline Y_t, b (0 without a gdp block). */
        double tax = e->tax_take * gdp;
        pv_tax += df[t] * tax;
        if (e->present) {
            debt = (1.0 + e->debt_interest) * debt + (cost - sav - tax);
            if (e->has_gdp) {
                double y = e->gdp_base[t], b = e->debt_ratio;
                debt_change = (b * y + debt) / (y + gdp) - b;
            }
            ser[m->series_gdp * h + t] = gdp;
            ser[m->series_debt * h + t] = debt_change;
        }
        if (m->series_spillovers >= 0)
            ser[m->series_spillovers * h + t] = fs;

        /* Savings are either a benefit or a reduction of cost; the net
         * flow (benefits - costs_net) is the same under both conventions. */
        double extra = (sp ? fs : 0.0) + (we ? gdp : 0.0);
        double benefits = fe + fh + extra + (net_cost ? 0.0 : sav);
        double costs_net = cost - (net_cost ? sav : 0.0);
        ser[MPS_S_BENEFITS * h + t] = benefits;
        ser[MPS_S_COSTS_NET * h + t] = costs_net;
        ser[MPS_S_NET_BENEFIT * h + t] = benefits - costs_net;
        /* Health flows carry the health DF, so the running sum is not
         * DF_t * net_benefit_t; it is built so that its last value is npv. */
        cumulative += df[t] * (fe + extra + sav - cost) + dfh[t] * fh;
        ser[MPS_S_CUMULATIVE_NPV * h + t] = cumulative;
    }

    double pv_cost = pv_cat[MPS_CDEL] + pv_cat[MPS_RDEL] + pv_cat[MPS_PDEL];
    double pv_direct = pv_economic + pv_health;
    double pvb = pv_direct + (sp ? pv_spillovers : 0.0) + (we ? pv_gdp : 0.0) +
                 (net_cost ? 0.0 : pv_savings);
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
    /* sum_t DF_t X_t, by linearity. */
    mt[MPSIM_M_PV_EXCHEQUER] = pv_cost - pv_savings - pv_tax;
    mt[MPSIM_M_DEBT_RATIO_CHANGE_END] = debt_change;

    /* Per-project shares: the same conventions applied to the project's own
     * flows, so that they sum to PVB and PVC (up to rounding). */
    for (int k = 0; k < m->n_projects; k++) {
        const mps_project_state *ps = &w->ps[k];
        double *pp = &w->project_pv[(size_t)k * MPS_N_PROJECT_PV];
        pp[MPS_P_PV_COST] = ps->pv_spend - (net_cost ? ps->pv_savings : 0.0);
        pp[MPS_P_PV_BENEFITS] = ps->pv_direct + (sp ? ps->pv_spill : 0.0) +
                                (we ? ps->pv_gdp : 0.0) + (net_cost ? 0.0 : ps->pv_savings);
        pp[MPS_P_PV_DIRECT] = ps->pv_direct;
        pp[MPS_P_PV_SPILLOVERS] = ps->pv_spill;
        pp[MPS_P_PV_SAVINGS] = ps->pv_savings;
        pp[MPS_P_PV_GDP] = ps->pv_gdp;
    }
}
