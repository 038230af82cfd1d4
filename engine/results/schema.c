/*
 * The results schema as data (see schema.h).  Descriptions are written into
 * every HDF5 dataset, so they are phrased for someone holding only the file.
 */
#include <stddef.h>

#include "results/schema.h"

#define F64 MPS_T_F64
#define I32 MPS_T_I32
#define U64 MPS_T_U64
#define STR MPS_T_STR
#define GBP MPS_UNITS_GBP
#define ONE MPS_UNITS_ONE
#define J MPS_F_JSON

static const mps_field static_fields[] = {
    {"pv_cost", F64, offsetof(mpsim_static_result, pv_cost), GBP,
     "static Green Book present value of gross public spend, with optimism bias", J},
    {"pvc", F64, offsetof(mpsim_static_result, pvc), GBP,
     "static present value of costs (PVC) under the cost_savings convention", J},
    {"pv_benefits", F64, offsetof(mpsim_static_result, pv_benefits), GBP,
     "static present value of benefits (PVB)", J},
    {"npv", F64, offsetof(mpsim_static_result, npv), GBP, "static net present value, PVB - PVC", J},
    {"bcr", F64, offsetof(mpsim_static_result, bcr), ONE,
     "static benefit-cost ratio PVB / PVC; NaN when PVC <= 0", J},
};

static const mps_field dynamic_fields[] = {
    {"expected_bcr", F64, offsetof(mpsim_scenario_result, expected_bcr), ONE,
     "expected BCR, E[PVB] / E[PVC] over paths (ratio of means); NaN when E[PVC] <= 0", J},
    {"p_bcr_above_1", F64, offsetof(mpsim_scenario_result, p_bcr_above_1), ONE,
     "P(bcr > 1) over the paths where bcr is defined; NaN when none is", J},
    {"p_npv_negative", F64, offsetof(mpsim_scenario_result, p_npv_negative), ONE,
     "P(npv < 0) over all paths", J},
    {"expected_shortfall_5", F64, offsetof(mpsim_scenario_result, expected_shortfall_5), GBP,
     "mean of the ceil(0.05 n) lowest npv values", J},
    /* Printed by hand in JSON: interface.md places it after "metrics". */
    {"bcr_undefined", U64, offsetof(mpsim_scenario_result, bcr_undefined), MPS_UNITS_PATHS,
     "number of paths where PVC <= 0, so bcr is undefined", 0},
};

static const mps_field project_fields[] = {
    {"mission", STR, offsetof(mpsim_project_result, mission), NULL,
     "id of the mission the project serves", 0},
    {"kind", STR, offsetof(mpsim_project_result, kind), NULL,
     "project kind: tactical, emblematic, strategic or unlabelled", 0},
    {"category", STR, offsetof(mpsim_project_result, category), NULL,
     "spending category: CDEL, RDEL or PDEL", 0},
    {"p_success", F64, offsetof(mpsim_project_result, p_success), ONE,
     "probability that the project passes every gate", J},
    {"mean_pv_cost", F64, offsetof(mpsim_project_result, mean_pv_cost), GBP,
     "mean of the project's additive share of PVC", J},
    {"mean_pv_benefits", F64, offsetof(mpsim_project_result, mean_pv_benefits), GBP,
     "mean of the project's additive share of PVB", J},
    {"mean_pv_direct", F64, offsetof(mpsim_project_result, mean_pv_direct), GBP,
     "mean present value of the project's direct (economic and health) benefits", J},
    {"mean_pv_spillovers", F64, offsetof(mpsim_project_result, mean_pv_spillovers), GBP,
     "mean present value of the spillovers the project produces", J},
    {"mean_pv_savings", F64, offsetof(mpsim_project_result, mean_pv_savings), GBP,
     "mean present value of the project's savings and avoided acute costs", J},
    {"mean_pv_gdp", F64, offsetof(mpsim_project_result, mean_pv_gdp), GBP,
     "mean present value of GDP from the project's spend (crowding-in included)", J},
    {"mean_spend_share", F64, offsetof(mpsim_project_result, mean_spend_share), ONE,
     "mean share of the planned programme delivered: over the build years actually spent, "
     "planned spend times cut factors, divided by all planned spend (cuts, cancellation, "
     "gate failure and management stops lower it)", J},
    {"p_stopped", F64, offsetof(mpsim_project_result, p_stopped), ONE,
     "probability that adaptive management stopped the project", J},
};

static const mps_field mission_fields[] = {
    {"name", STR, offsetof(mpsim_mission_result, name), NULL, "the mission's name", 0},
    {"has_target", I32, offsetof(mpsim_mission_result, has_target), NULL,
     "1 when the mission has a target, else 0", 0},
    {"target_value", F64, offsetof(mpsim_mission_result, target_value), NULL,
     "target level of the mission indicator (indicator units); NaN without a target", 0},
    {"target_by", I32, offsetof(mpsim_mission_result, target_by), MPS_UNITS_YEAR,
     "calendar year by which the target is to be reached; 0 without a target", 0},
    {"p_achieved", F64, offsetof(mpsim_mission_result, p_achieved), ONE,
     "P(the indicator reaches the target in some year <= target_by); NaN without a target", J},
};

static const mps_field kind_fields[] = {
    {"projects", I32, offsetof(mpsim_kind_result, projects), NULL,
     "number of projects of this kind", J},
    {"mean_pv_cost", F64, offsetof(mpsim_kind_result, mean_pv_cost), GBP,
     "sum over the kind's projects of mean_pv_cost", J},
    {"mean_pv_benefits", F64, offsetof(mpsim_kind_result, mean_pv_benefits), GBP,
     "sum over the kind's projects of mean_pv_benefits", J},
};

static const mps_field comparison_fields[] = {
    {"npv_diff_mean", F64, offsetof(mpsim_comparison, npv_diff_mean), GBP,
     "mean over paths of npv_b - npv_a (common random numbers)", J},
    {"npv_diff_sd", F64, offsetof(mpsim_comparison, npv_diff_sd), GBP,
     "standard deviation over paths of npv_b - npv_a (n - 1)", J},
    {"npv_diff_se", F64, offsetof(mpsim_comparison, npv_diff_se), GBP,
     "standard error of npv_diff_mean", J},
    {"p_b_better", F64, offsetof(mpsim_comparison, p_b_better), ONE, "P(npv_b > npv_a)", J},
    {"exchequer_diff_mean", F64, offsetof(mpsim_comparison, exchequer_diff_mean), GBP,
     "mean over paths of pv_exchequer_b - pv_exchequer_a", J},
    {"exchequer_diff_se", F64, offsetof(mpsim_comparison, exchequer_diff_se), GBP,
     "standard error of exchequer_diff_mean", J},
};

#define SCHEMA(t) {t, sizeof t / sizeof t[0]}
const mps_schema mps_schema_static = SCHEMA(static_fields);
const mps_schema mps_schema_dynamic = SCHEMA(dynamic_fields);
const mps_schema mps_schema_project = SCHEMA(project_fields);
const mps_schema mps_schema_mission = SCHEMA(mission_fields);
const mps_schema mps_schema_kind = SCHEMA(kind_fields);
const mps_schema mps_schema_comparison = SCHEMA(comparison_fields);

const mps_metric_info mps_metric_infos[MPSIM_N_METRICS] = {
    [MPSIM_M_NPV] = {GBP, "net present value, PVB - PVC"},
    [MPSIM_M_BCR] = {ONE, "benefit-cost ratio PVB / PVC, over paths where PVC > 0"},
    [MPSIM_M_PV_BENEFITS] = {GBP, "present value of benefits (PVB)"},
    [MPSIM_M_PVC] = {GBP, "present value of costs under the cost_savings convention (PVC)"},
    [MPSIM_M_PV_COST] = {GBP, "present value of gross public spend"},
    [MPSIM_M_PV_COST_CDEL] = {GBP, "present value of CDEL spend"},
    [MPSIM_M_PV_COST_RDEL] = {GBP, "present value of RDEL spend"},
    [MPSIM_M_PV_COST_PDEL] = {GBP, "present value of PDEL spend"},
    [MPSIM_M_PV_DIRECT] = {GBP, "present value of direct (economic and health) benefits"},
    [MPSIM_M_PV_SAVINGS] = {GBP, "present value of saving benefits plus avoided acute costs"},
    [MPSIM_M_PV_SPILLOVERS] = {GBP, "present value of spillovers"},
    [MPSIM_M_PV_GDP] = {GBP, "present value of wider-economy GDP gains"},
    [MPSIM_M_PV_TAX] = {GBP, "present value of tax receipts from the GDP gains"},
    [MPSIM_M_PV_EXCHEQUER] = {GBP, "present value of the net exchequer cost"},
    [MPSIM_M_DEBT_RATIO_CHANGE_END] = {ONE, "change in the debt-to-GDP ratio in the last model year"},
};

const char *const mps_decomp_descriptions[MPSIM_N_DECOMP] = {
    [MPSIM_D_DIRECT] = "mean pv_direct over paths",
    [MPSIM_D_SPILLOVERS] = "mean pv_spillovers over paths",
    [MPSIM_D_SAVINGS] = "mean pv_savings over paths",
    [MPSIM_D_WIDER_ECONOMY] = "mean pv_gdp over paths",
};

void *mps_field_ptr(void *record, const mps_field *f)
{
    return (char *)record + f->offset;
}

const void *mps_field_cptr(const void *record, const mps_field *f)
{
    return (const char *)record + f->offset;
}
