/*
 * The report's tables: the headline of each scenario, missions, projects,
 * the batch overview and comparisons, and the provenance footer.
 *
 * Every number cell carries the exact value from the results file
 * (data-value) and, for the headline figures, its path in the --json
 * summary (data-key), so the page can be checked against the file.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report/report.h"

/* A <th> with escaped text. */
static void th(FILE *out, const char *text, const char *attrs)
{
    fprintf(out, "<th%s%s>", attrs ? " " : "", attrs ? attrs : "");
    mps_report_escape(out, text);
    fputs("</th>", out);
}

static void td_text(FILE *out, const char *text)
{
    fputs("<td>", out);
    mps_report_escape(out, text);
    fputs("</td>", out);
}

/* A key "prefix.<id>.suffix" for ids from the file. */
static void key3(char *b, size_t n, const char *a, const char *id, const char *c)
{
    snprintf(b, n, "%s.%s.%s", a, id ? id : "", c);
}

/* ---------------------------------------------------------- headline */

void mps_table_headline(FILE *out, const mpsim_scenario_result *s)
{
    const mpsim_static_result *st = &s->stat;
    const int dyn = s->has_dynamic;
    fputs("<table class=\"headline\" data-table=\"headline\">\n<thead><tr>", out);
    th(out, "", NULL);
    th(out, "Static (Green Book)", "scope=\"col\"");
    if (dyn)
        th(out, "Dynamic (Monte Carlo)", "scope=\"col\"");
    fputs("</tr></thead>\n<tbody>\n", out);

    static const char *labels[] = {"PV cost (£m)", "PVC (£m)", "PV benefits (£m)", "NPV (£m)"};
    static const char *skeys[] = {"static.pv_cost", "static.pvc", "static.pv_benefits",
                                  "static.npv"};
    static const char *dkeys[] = {"dynamic.metrics.pv_cost.mean", "dynamic.metrics.pvc.mean",
                                  "dynamic.metrics.pv_benefits.mean", "dynamic.metrics.npv.mean"};
    const double sv[] = {st->pv_cost, st->pvc, st->pv_benefits, st->npv};
    const int dm[] = {MPSIM_M_PV_COST, MPSIM_M_PVC, MPSIM_M_PV_BENEFITS, MPSIM_M_NPV};
    for (int i = 0; i < 4; i++) {
        fputs("<tr>", out);
        th(out, dyn ? (i == 3 ? "NPV (£m; dynamic: mean)" : labels[i]) : labels[i],
           "scope=\"row\"");
        mps_report_num_cell(out, skeys[i], sv[i], MPS_DEC_MONEY);
        if (dyn)
            mps_report_num_cell(out, dkeys[i], s->stats[dm[i]][MPSIM_STAT_MEAN], MPS_DEC_MONEY);
        fputs("</tr>\n", out);
    }
    fputs("<tr class=\"key\">", out);
    th(out, dyn ? "BCR (dynamic: expected, E[PVB] / E[PVC])" : "BCR", "scope=\"row\"");
    mps_report_num_cell(out, "static.bcr", st->bcr, MPS_DEC_RATIO);
    if (dyn)
        mps_report_num_cell(out, "dynamic.expected_bcr", s->expected_bcr, MPS_DEC_RATIO);
    fputs("</tr>\n", out);
    if (!dyn) {
        fputs("</tbody></table>\n", out);
        return;
    }

    /* The rest exists only in the distribution: the static column is empty. */
    struct {
        const char *label, *key;
        double v;
        int dec;
    } rows[] = {
        {"P(BCR > 1)", "dynamic.p_bcr_above_1", s->p_bcr_above_1, MPS_DEC_PROB},
        {"P(NPV < 0)", "dynamic.p_npv_negative", s->p_npv_negative, MPS_DEC_PROB},
        {"NPV P5 (£m)", "dynamic.metrics.npv.p5", s->stats[MPSIM_M_NPV][MPSIM_STAT_P5],
         MPS_DEC_MONEY},
        {"NPV P50 (£m)", "dynamic.metrics.npv.p50", s->stats[MPSIM_M_NPV][MPSIM_STAT_P50],
         MPS_DEC_MONEY},
        {"NPV P95 (£m)", "dynamic.metrics.npv.p95", s->stats[MPSIM_M_NPV][MPSIM_STAT_P95],
         MPS_DEC_MONEY},
        {"Expected shortfall, worst 5% of NPV (£m)", "dynamic.expected_shortfall_5",
         s->expected_shortfall_5, MPS_DEC_MONEY},
        {"Paths with an undefined BCR (PVC <= 0)", "dynamic.bcr_undefined",
         (double)s->bcr_undefined, 0},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        fputs("<tr>", out);
        th(out, rows[i].label, "scope=\"row\"");
        fputs("<td class=\"empty\"></td>", out);
        mps_report_num_cell(out, rows[i].key, rows[i].v, rows[i].dec);
        fputs("</tr>\n", out);
    }
    char key[512], label[512];
    for (size_t m = 0; m < s->n_missions; m++) {
        const mpsim_mission_result *mi = &s->missions[m];
        if (!mi->has_target)
            continue;
        snprintf(label, sizeof label, "P(mission achieved): %s", mi->name ? mi->name : mi->id);
        key3(key, sizeof key, "missions", mi->id, "p_achieved");
        fputs("<tr>", out);
        th(out, label, "scope=\"row\"");
        fputs("<td class=\"empty\"></td>", out);
        mps_report_num_cell(out, key, mi->p_achieved, MPS_DEC_PROB);
        fputs("</tr>\n", out);
    }
    fputs("</tbody></table>\n", out);
}

/* ---------------------------------------------------------- missions */

void mps_table_missions(FILE *out, const mpsim_scenario_result *s)
{
    if (s->n_missions == 0)
        return;
    fputs("<table data-table=\"missions\">\n<thead><tr>", out);
    th(out, "Mission", "scope=\"col\"");
    th(out, "Id", "scope=\"col\"");
    th(out, "Target level", "scope=\"col\"");
    th(out, "By (year)", "scope=\"col\"");
    if (s->has_dynamic) {
        th(out, "P(achieved)", "scope=\"col\"");
        static const char *q[] = {"First year P5", "P25", "P50", "P75", "P95"};
        for (int k = 0; k < MPSIM_N_YEAR_Q; k++)
            th(out, q[k], "scope=\"col\"");
    }
    fputs("</tr></thead>\n<tbody>\n", out);
    char key[512];
    static const char *qk[] = {"year_p5", "year_p25", "year_p50", "year_p75", "year_p95"};
    for (size_t m = 0; m < s->n_missions; m++) {
        const mpsim_mission_result *mi = &s->missions[m];
        fputs("<tr>", out);
        td_text(out, mi->name ? mi->name : mi->id);
        td_text(out, mi->id);
        if (mi->has_target) {
            mps_report_num_cell(out, NULL, mi->target_value, fabs(mi->target_value) < 10 ? 2 : 1);
            mps_report_num_cell(out, NULL, mi->target_by, -1);
        } else {
            fputs("<td class=\"na\">no target</td><td class=\"na\">n/a</td>", out);
        }
        if (s->has_dynamic) {
            key3(key, sizeof key, "missions", mi->id, "p_achieved");
            mps_report_num_cell(out, key, mi->p_achieved, MPS_DEC_PROB);
            for (int k = 0; k < MPSIM_N_YEAR_Q; k++) {
                key3(key, sizeof key, "missions", mi->id, qk[k]);
                mps_report_num_cell(out, key, mi->year_q[k], -1);
            }
        }
        fputs("</tr>\n", out);
    }
    fputs("</tbody></table>\n", out);
}

/* ---------------------------------------------------------- projects */

void mps_table_projects(FILE *out, const mpsim_scenario_result *s)
{
    if (s->n_projects == 0)
        return;
    fputs("<table data-table=\"projects\">\n<thead><tr>", out);
    static const char *cols[] = {"Project", "Mission", "Kind", "Category", "P(success)",
                                 "Mean PV cost (£m)", "Mean PV benefits (£m)", "Direct (£m)",
                                 "Spillovers (£m)", "Savings (£m)", "GDP (£m)",
                                 "Share of plan delivered", "P(stopped)"};
    for (size_t k = 0; k < sizeof cols / sizeof cols[0]; k++)
        th(out, cols[k], "scope=\"col\"");
    fputs("</tr></thead>\n<tbody>\n", out);
    char key[512];
    for (size_t i = 0; i < s->n_projects; i++) {
        const mpsim_project_result *p = &s->projects[i];
        fputs("<tr>", out);
        td_text(out, p->id);
        td_text(out, p->mission);
        td_text(out, p->kind);
        td_text(out, p->category);
        key3(key, sizeof key, "projects", p->id, "p_success");
        mps_report_num_cell(out, key, p->p_success, MPS_DEC_PROB);
        key3(key, sizeof key, "projects", p->id, "mean_pv_cost");
        mps_report_num_cell(out, key, p->mean_pv_cost, MPS_DEC_MONEY);
        key3(key, sizeof key, "projects", p->id, "mean_pv_benefits");
        mps_report_num_cell(out, key, p->mean_pv_benefits, MPS_DEC_MONEY);
        mps_report_num_cell(out, NULL, p->mean_pv_direct, MPS_DEC_MONEY);
        mps_report_num_cell(out, NULL, p->mean_pv_spillovers, MPS_DEC_MONEY);
        mps_report_num_cell(out, NULL, p->mean_pv_savings, MPS_DEC_MONEY);
        mps_report_num_cell(out, NULL, p->mean_pv_gdp, MPS_DEC_MONEY);
        mps_report_num_cell(out, NULL, p->mean_spend_share, MPS_DEC_PROB);
        mps_report_num_cell(out, NULL, p->p_stopped, MPS_DEC_PROB);
        fputs("</tr>\n", out);
    }
    fputs("</tbody></table>\n", out);
}

/* ---------------------------------------------------------- the batch */

void mps_table_overview(FILE *out, const mpsim_results *r)
{
    fputs("<table data-table=\"overview\">\n<thead><tr>", out);
    th(out, "Scenario", "scope=\"col\"");
    th(out, "Static BCR", "scope=\"col\"");
    th(out, "Static NPV (£m)", "scope=\"col\"");
    if (!r->static_only) {
        th(out, "Expected BCR", "scope=\"col\"");
        th(out, "P(BCR > 1)", "scope=\"col\"");
        th(out, "NPV P5 (£m)", "scope=\"col\"");
        th(out, "NPV P50 (£m)", "scope=\"col\"");
        th(out, "NPV P95 (£m)", "scope=\"col\"");
    }
    fputs("</tr></thead>\n<tbody>\n", out);
    for (size_t i = 0; i < r->n_scenarios; i++) {
        const mpsim_scenario_result *s = &r->scenarios[i];
        fprintf(out, "<tr><td><a href=\"#scenario-%zu\">", i + 1);
        mps_report_escape(out, s->name);
        fputs("</a></td>", out);
        mps_report_num_cell(out, NULL, s->stat.bcr, MPS_DEC_RATIO);
        mps_report_num_cell(out, NULL, s->stat.npv, MPS_DEC_MONEY);
        if (!r->static_only) {
            mps_report_num_cell(out, NULL, s->expected_bcr, MPS_DEC_RATIO);
            mps_report_num_cell(out, NULL, s->p_bcr_above_1, MPS_DEC_PROB);
            mps_report_num_cell(out, NULL, s->stats[MPSIM_M_NPV][MPSIM_STAT_P5], MPS_DEC_MONEY);
            mps_report_num_cell(out, NULL, s->stats[MPSIM_M_NPV][MPSIM_STAT_P50], MPS_DEC_MONEY);
            mps_report_num_cell(out, NULL, s->stats[MPSIM_M_NPV][MPSIM_STAT_P95], MPS_DEC_MONEY);
        }
        fputs("</tr>\n", out);
    }
    fputs("</tbody></table>\n", out);
}

void mps_table_comparisons(FILE *out, const mpsim_results *r)
{
    if (r->n_comparisons == 0)
        return;
    fputs("<table data-table=\"comparisons\">\n<thead><tr>", out);
    static const char *cols[] = {"Baseline (A)", "Variant (B)", "Mean NPV difference B - A (£m)",
                                 "Standard error (£m, common random numbers)",
                                 "P(B better)", "Change in net exchequer cost (£m)",
                                 "Its standard error (£m)"};
    for (size_t k = 0; k < sizeof cols / sizeof cols[0]; k++)
        th(out, cols[k], "scope=\"col\"");
    fputs("</tr></thead>\n<tbody>\n", out);
    char key[64];
    for (size_t i = 0; i < r->n_comparisons; i++) {
        const mpsim_comparison *c = &r->comparisons[i];
        fputs("<tr>", out);
        td_text(out, c->a);
        td_text(out, c->b);
        snprintf(key, sizeof key, "comparisons.%zu.npv_diff_mean", i);
        mps_report_num_cell(out, key, c->npv_diff_mean, MPS_DEC_MONEY);
        snprintf(key, sizeof key, "comparisons.%zu.npv_diff_se", i);
        mps_report_num_cell(out, key, c->npv_diff_se, MPS_DEC_MONEY);
        snprintf(key, sizeof key, "comparisons.%zu.p_b_better", i);
        mps_report_num_cell(out, key, c->p_b_better, MPS_DEC_PROB);
        /* pv_exchequer is the net cost to the exchequer (model.md s. 10). */
        snprintf(key, sizeof key, "comparisons.%zu.exchequer_diff_mean", i);
        mps_report_num_cell(out, key, c->exchequer_diff_mean, MPS_DEC_MONEY);
        snprintf(key, sizeof key, "comparisons.%zu.exchequer_diff_se", i);
        mps_report_num_cell(out, key, c->exchequer_diff_se, MPS_DEC_MONEY);
        fputs("</tr>\n", out);
    }
    fputs("</tbody></table>\n", out);

    fputs("<table data-table=\"comparison-missions\">\n<thead><tr>", out);
    th(out, "Baseline (A)", "scope=\"col\"");
    th(out, "Variant (B)", "scope=\"col\"");
    th(out, "Mission", "scope=\"col\"");
    th(out, "Change in P(achieved), B - A", "scope=\"col\"");
    fputs("</tr></thead>\n<tbody>\n", out);
    char mkey[512];
    for (size_t i = 0; i < r->n_comparisons; i++) {
        const mpsim_comparison *c = &r->comparisons[i];
        for (size_t m = 0; m < c->n_missions; m++) {
            fputs("<tr>", out);
            td_text(out, c->a);
            td_text(out, c->b);
            td_text(out, c->mission_ids[m]);
            snprintf(mkey, sizeof mkey, "comparisons.%zu.p_achieved_diff.%s", i,
                     c->mission_ids[m] ? c->mission_ids[m] : "");
            mps_report_num_cell(out, mkey, c->p_achieved_diff[m], MPS_DEC_PROB);
            fputs("</tr>\n", out);
        }
    }
    fputs("</tbody></table>\n", out);
}

/* ---------------------------------------------------------- provenance */

void mps_table_prov_row(FILE *out, const char *label, const char *value)
{
    if (value == NULL)
        return;
    fputs("<tr>", out);
    th(out, label, "scope=\"row\"");
    fputs("<td><code>", out);
    mps_report_escape(out, value);
    fputs("</code></td></tr>\n", out);
}

void mps_table_provenance(FILE *out, const mpsim_results *r)
{
    char b[64];
    fputs("<table data-table=\"provenance\" class=\"provenance\">\n<tbody>\n", out);
    mps_table_prov_row(out, "mpsim version", r->mpsim_version);
    mps_table_prov_row(out, "Created (UTC)", r->created);
    mps_table_prov_row(out, "Command line", r->command_line);
    if (!r->static_only) {
        snprintf(b, sizeof b, "%" PRIu64, r->seed);
        mps_table_prov_row(out, "Seed", b);
        snprintf(b, sizeof b, "%" PRIu64, r->paths);
        mps_table_prov_row(out, "Paths", b);
        mps_table_prov_row(out, "Quantiles", r->quantiles_exact ? "exact" : "streamed");
        mps_table_prov_row(out, "Antithetic pairs", r->antithetic ? "yes" : "no");
        if (r->target_se > 0.0) {
            snprintf(b, sizeof b, "%g (%s)", r->target_se,
                     r->target_se_reached ? "reached" : "not reached: path cap");
            mps_table_prov_row(out, "Precision target (relative SE of mean NPV)", b);
        }
    }
    for (size_t i = 0; i < r->n_scenarios; i++) {
        const mpsim_scenario_result *s = &r->scenarios[i];
        char label[512];
        snprintf(label, sizeof label, "Input file of %s", s->name ? s->name : "");
        mps_table_prov_row(out, label, s->input_file);
        for (size_t k = 0; k < s->n_inputs; k++)
            mps_table_prov_row(out, "  extends", s->input_names[k]);
    }
    mps_table_provenance_build(out, &r->provenance);
    fputs("</tbody></table>\n", out);
}

void mps_table_provenance_build(FILE *out, const mpsim_provenance *p)
{
    mps_table_prov_row(out, "Git revision", p->git_revision);
    mps_table_prov_row(out, "Compiler", p->compiler);
    mps_table_prov_row(out, "Compiler flags", p->compiler_flags);
    mps_table_prov_row(out, "GSL", p->gsl_version);
    mps_table_prov_row(out, "HDF5", p->hdf5_version);
    mps_table_prov_row(out, "libyaml", p->yaml_version);
    mps_table_prov_row(out, "Random123", p->random123_version);
    mps_table_prov_row(out, "MPI", p->mpi_version);
}
