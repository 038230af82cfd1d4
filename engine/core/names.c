/*
 * Names of metrics, statistics and categories: one table each, used by the
 * JSON and HDF5 writers, the readers and the printed tables alike.
 */
#include "mpsim.h"
#include "scenario/scenario.h"

const char *const mpsim_metric_names[MPSIM_N_METRICS] = {
    "npv", "bcr", "pv_benefits", "pvc", "pv_cost",
    "pv_cost_cdel", "pv_cost_rdel", "pv_cost_pdel",
    "pv_direct", "pv_savings", "pv_spillovers", "pv_gdp",
    "pv_tax", "pv_exchequer", "debt_ratio_change_end",
};

const char *const mpsim_stat_names[MPSIM_N_STATS] = {
    "mean", "sd", "se", "min", "max",
    "p1", "p5", "p10", "p25", "p50", "p75", "p90", "p95", "p99",
};

const char *const mpsim_decomp_names[MPSIM_N_DECOMP] = {
    "direct", "spillovers", "savings", "wider_economy",
};

const double mpsim_year_q_levels[MPSIM_N_YEAR_Q] = {0.05, 0.25, 0.50, 0.75, 0.95};

const char *const mps_category_names[MPS_N_CATEGORIES] = {"CDEL", "RDEL", "PDEL"};

const char *const mps_kind_names[MPS_N_KINDS] = {
    "unlabelled", "tactical", "emblematic", "strategic",
};
