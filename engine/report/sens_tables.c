/*
 * The sensitivity report's tables: the tornado's values, the Sobol'
 * indices of every scalar output with their sums, the switching values and
 * the value of information.
 *
 * Rows carry the input's key path (data-input) and, for the indices, the
 * output (data-output); each number cell carries its field's name in the
 * `--json` document of `mpsim sensitivity` (data-key) and the exact value
 * (data-value), so the page can be checked against the file.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report/report.h"

static void th(FILE *out, const char *text)
{
    fputs("<th scope=\"col\">", out);
    mps_report_escape(out, text);
    fputs("</th>", out);
}

/* The row's opening tag and its first cell: the input's full key path. */
static void input_row(FILE *out, const char *key, const char *cls)
{
    fprintf(out, "<tr%s%s%s data-input=\"", cls ? " class=\"" : "", cls ? cls : "",
            cls ? "\"" : "");
    mps_report_escape(out, key);
    fputs("\"><td><code>", out);
    mps_report_escape(out, key);
    fputs("</code></td>", out);
}

/* Decimals for an input's own value: most inputs are factors or levels
 * near 1 to 100, where four decimals show what the quantile is. */
static int input_dec(double x)
{
    return fabs(x) >= 1000.0 ? 1 : fabs(x) >= 100.0 ? 2 : 4;
}

/* A cell for something with no value, with the reason as its text. */
static void na_cell(FILE *out, const char *key, const char *why)
{
    fprintf(out, "<td class=\"num na\" data-key=\"%s\" data-value=\"nan\">", key);
    mps_report_escape(out, why);
    fputs("</td>", out);
}

/* ---------------------------------------------------------------- tornado */

void mps_table_tornado(FILE *out, const mps_sens_file_scenario *s)
{
    if (s->k == 0 || s->order == NULL)
        return;
    fputs("<table data-table=\"tornado\">\n<thead><tr>", out);
    static const char *cols[] = {
        "Input (key path)",   "P10",        "P90",           "E[NPV] at P10 (£m)",
        "E[NPV] at P90 (£m)", "Swing (£m)", "E[BCR] at P10", "E[BCR] at P90"};
    for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++)
        th(out, cols[c]);
    fputs("</tr></thead>\n<tbody>\n", out);
    for (size_t r = 0; r < s->k; r++) {
        size_t i = (size_t)s->order[r];
        input_row(out, s->inputs[i], NULL);
        mps_report_num_cell(out, "p10", s->p10[i], input_dec(s->p10[i]));
        mps_report_num_cell(out, "p90", s->p90[i], input_dec(s->p90[i]));
        mps_report_num_cell(out, "npv_p10", s->npv_p10[i], MPS_DEC_MONEY);
        mps_report_num_cell(out, "npv_p90", s->npv_p90[i], MPS_DEC_MONEY);
        mps_report_num_cell(out, "swing", s->swing[i], MPS_DEC_MONEY);
        mps_report_num_cell(out, "bcr_p10", s->bcr_p10[i], MPS_DEC_RATIO);
        mps_report_num_cell(out, "bcr_p90", s->bcr_p90[i], MPS_DEC_RATIO);
        fputs("</tr>\n", out);
    }
    fputs("<tr class=\"key\"><td>Nothing fixed</td><td></td><td></td>", out);
    mps_report_num_cell(out, "expected_npv", s->expected_npv, MPS_DEC_MONEY);
    fputs("<td></td><td></td>", out);
    mps_report_num_cell(out, "expected_bcr", s->expected_bcr, MPS_DEC_RATIO);
    fputs("<td></td></tr>\n</tbody></table>\n", out);
}

/* ---------------------------------------------------------------- indices */

void mps_table_indices(FILE *out, const mps_sens_file_scenario *s)
{
    const size_t k = s->k, m = s->n_out;
    if (k == 0 || m == 0)
        return;
    fputs("<table data-table=\"indices-sums\">\n<thead><tr>", out);
    static const char *sums[] = {"Output", "Units", "Sum of first-order indices",
                                 "Its standard error", "Unexplained, 1 - sum"};
    for (size_t c = 0; c < sizeof sums / sizeof sums[0]; c++)
        th(out, sums[c]);
    fputs("</tr></thead>\n<tbody>\n", out);
    char units[256];
    for (size_t o = 0; o < m; o++) {
        fputs("<tr data-output=\"", out);
        mps_report_escape(out, s->outputs[o]);
        fputs("\"><td><code>", out);
        mps_report_escape(out, s->outputs[o]);
        fputs("</code></td><td>", out);
        mps_report_units_text(units, sizeof units, s->output_units ? s->output_units[o] : NULL);
        mps_report_escape(out, units);
        fputs("</td>", out);
        mps_report_num_cell(out, "first_order_sum", s->s1_sum[o], MPS_DEC_PROB);
        mps_report_num_cell(out, "first_order_sum_se", s->s1_sum_se[o], MPS_DEC_PROB);
        mps_report_num_cell(out, "unexplained", s->unexplained[o], MPS_DEC_PROB);
        fputs("</tr>\n", out);
    }
    fputs("</tbody></table>\n", out);

    fputs("<table data-table=\"indices\">\n<thead><tr>", out);
    static const char *cols[] = {
        "Output", "Input (key path)", "First order", "se", "Interval from", "to", "Total",
        "se",     "Interval from",    "to"};
    for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++)
        th(out, cols[c]);
    fputs("</tr></thead>\n<tbody>\n", out);
    for (size_t o = 0; o < m; o++)
        for (size_t i = 0; i < k; i++) {
            const size_t c = i * m + o;
            fputs("<tr data-output=\"", out);
            mps_report_escape(out, s->outputs[o]);
            fputs("\" data-input=\"", out);
            mps_report_escape(out, s->inputs[i]);
            fputs("\"><td><code>", out);
            mps_report_escape(out, s->outputs[o]);
            fputs("</code></td><td><code>", out);
            mps_report_escape(out, s->inputs[i]);
            fputs("</code></td>", out);
            mps_report_num_cell(out, "first_order", s->s1[c], MPS_DEC_PROB);
            mps_report_num_cell(out, "first_order_se", s->s1_se[c], MPS_DEC_PROB);
            mps_report_num_cell(out, "first_order_lo", s->s1_lo[c], MPS_DEC_PROB);
            mps_report_num_cell(out, "first_order_hi", s->s1_hi[c], MPS_DEC_PROB);
            mps_report_num_cell(out, "total", s->st[c], MPS_DEC_PROB);
            mps_report_num_cell(out, "total_se", s->st_se[c], MPS_DEC_PROB);
            mps_report_num_cell(out, "total_lo", s->st_lo[c], MPS_DEC_PROB);
            mps_report_num_cell(out, "total_hi", s->st_hi[c], MPS_DEC_PROB);
            fputs("</tr>\n", out);
        }
    fputs("</tbody></table>\n", out);
}

/* -------------------------------------------------------------- switching */

void mps_table_switching(FILE *out, const mps_sens_file_scenario *s)
{
    if (s->k == 0 || s->lo == NULL)
        return;
    fputs("<table data-table=\"switching\">\n<thead><tr>", out);
    static const char *cols[] = {
        "Input (key path)", "Search from",        "to",
        "Central value",    "Static: NPV = 0 at", "Dynamic: E[NPV] = 0 at"};
    for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++)
        th(out, cols[c]);
    fputs("</tr></thead>\n<tbody>\n", out);
    for (size_t i = 0; i < s->k; i++) {
        input_row(out, s->inputs[i], NULL);
        mps_report_num_cell(out, "lo", s->lo[i], input_dec(s->lo[i]));
        mps_report_num_cell(out, "hi", s->hi[i], input_dec(s->hi[i]));
        mps_report_num_cell(out, "centre", s->centre[i], input_dec(s->centre[i]));
        if (!s->static_applies[i])
            na_cell(out, "static_value", "not read by the static appraisal");
        else if (!s->static_found[i] || !isfinite(s->static_value[i]))
            na_cell(out, "static_value", "no crossing in range");
        else
            mps_report_num_cell(out, "static_value", s->static_value[i],
                                input_dec(s->static_value[i]));
        if (!s->dynamic_found[i] || !isfinite(s->dynamic_value[i]))
            na_cell(out, "dynamic_value", "no crossing in range");
        else
            mps_report_num_cell(out, "dynamic_value", s->dynamic_value[i],
                                input_dec(s->dynamic_value[i]));
        fputs("</tr>\n", out);
    }
    fputs("<tr class=\"key\"><td>Static NPV (£m), nothing changed</td><td></td><td></td><td>"
          "</td>",
          out);
    mps_report_num_cell(out, "static_npv", s->static_npv, MPS_DEC_MONEY);
    fputs("<td></td></tr>\n</tbody></table>\n", out);
}

/* ------------------------------------------------------ value of information */

void mps_table_voi(FILE *out, const mps_sens_file *f)
{
    if (!f->has_voi)
        return;
    fputs("<table data-table=\"evpi\">\n<tbody>\n<tr><th scope=\"row\">Best alternative now "
          "(largest E[NPV])</th><td><code>",
          out);
    mps_report_escape(out, f->best);
    fputs("</code></td></tr>\n<tr><th scope=\"row\">Value of deciding now, max E[NPV] "
          "(£m)</th>",
          out);
    mps_report_num_cell(out, "expected_current", f->expected_current, MPS_DEC_MONEY);
    fputs("</tr>\n<tr class=\"key\"><th scope=\"row\">EVPI (£m)</th>", out);
    mps_report_num_cell(out, "evpi", f->evpi, MPS_DEC_MONEY);
    fputs("</tr>\n<tr><th scope=\"row\">Its standard error (£m)</th>", out);
    mps_report_num_cell(out, "evpi_se", f->evpi_se, MPS_DEC_MONEY);
    fputs("</tr>\n</tbody></table>\n", out);
    if (f->voi_k == 0)
        return;
    fputs("<table data-table=\"evppi\">\n<thead><tr>", out);
    th(out, "Input (key path)");
    th(out, "EVPPI (£m)");
    th(out, "Standard error (£m)");
    fputs("</tr></thead>\n<tbody>\n", out);
    for (size_t q = 0; q < f->voi_k; q++) {
        input_row(out, f->voi_inputs[q], NULL);
        mps_report_num_cell(out, "value", f->evppi[q], MPS_DEC_MONEY);
        mps_report_num_cell(out, "se", f->evppi_se[q], MPS_DEC_MONEY);
        fputs("</tr>\n", out);
    }
    fputs("</tbody></table>\n", out);
}
