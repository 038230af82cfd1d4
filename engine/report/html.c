/*
 * The report page: an overview of the batch, then one section per scenario
 * (headline table, distributions beside the static value, fan charts, the
 * value decomposition, projects, the inputs), then the provenance.
 *
 * The page is self-contained: inline CSS and SVG, no scripts, no fonts or
 * images fetched from anywhere, so it opens offline, mails as one file and
 * prints to PDF.  A chart whose data the results file lacks (a static-only
 * run, a scenario without missions or economy) is left out, not drawn
 * empty.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"

/* Shared with the sensitivity report (sens_html.c): one look for both pages. */
const char mps_report_css[] =
    "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;color:#111;"
    "max-width:1120px;margin:0 auto;padding:0 16px 32px;line-height:1.45}"
    "h1{font-size:1.6em;margin:.8em 0 .2em}h2{border-bottom:2px solid #0072B2;"
    "padding-bottom:4px;margin-top:1.8em}h3{margin:1.2em 0 .4em}"
    ".lede{color:#333}nav ul{padding-left:1.2em}"
    "table{border-collapse:collapse;margin:6px 0 14px;font-size:14px}"
    "th,td{border-bottom:1px solid #ddd;padding:3px 10px;text-align:left;vertical-align:top}"
    "thead th{border-bottom:2px solid #999}"
    "td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}"
    "td.na{color:#777}tr.key th,tr.key td{font-weight:bold}"
    ".scroll{overflow-x:auto}.charts{display:flex;flex-wrap:wrap;gap:12px}"
    "figure{margin:6px 0;break-inside:avoid}figcaption{font-size:13px;color:#444;max-width:540px}"
    "svg.chart{max-width:100%;height:auto}"
    "pre{background:#f5f5f5;padding:8px;overflow:auto;font-size:12px;white-space:pre-wrap}"
    "details{margin:4px 0}summary{cursor:pointer}"
    "footer{margin-top:2em;font-size:13px}.note{color:#555;font-style:italic}"
    "@media print{nav{display:none}section.scenario{break-before:page}"
    "details>summary{list-style:none}}";

static void esc(FILE *out, const char *s) { mps_report_escape(out, s); }

/* The series called `name`, or NULL when the run did not produce it. */
static const mpsim_series *find_series(const mpsim_scenario_result *s, const char *name)
{
    for (size_t i = 0; i < s->n_series; i++)
        if (s->series[i].name && strcmp(s->series[i].name, name) == 0)
            return &s->series[i];
    return NULL;
}

/* 1 when some band value is non-zero (a cost category nobody spends in
 * is all zeros and not worth a chart). */
static int any_nonzero(const mpsim_series *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (isfinite(v->bands[i]) && v->bands[i] != 0.0)
            return 1;
    return 0;
}

/* A figure holding one fan chart. */
static void fan(FILE *out, const mpsim_scenario_result *s, const mpsim_series *v,
                const char *kind, const char *title, double target, int target_year)
{
    char ylabel[256];
    mps_report_units_text(ylabel, sizeof ylabel, v->units);
    /* Drawn aside first: a series with nothing to draw gets no figure. */
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    if (mem == NULL)
        return;
    int drawn = mps_chart_fan(mem, kind, title, ylabel, v, s->quantile_levels, s->n_quantiles,
                              s->base_year, s->horizon, target, target_year) == 0;
    if (fclose(mem) == 0 && drawn) {
        fputs("<figure>", out);
        fwrite(buf, 1, len, out);
        fputs("<figcaption>", out);
        esc(out, v->description);
        fputs("</figcaption></figure>\n", out);
    }
    free(buf);
}

static void fan_charts(FILE *out, const mpsim_scenario_result *s)
{
    static const struct {
        const char *name, *kind, *title;
        int skip_zero;
    } fixed[] = {
        {"net_benefit", "fan-net_benefit", "Net benefit by year (£m)", 0},
        {"cumulative_npv", "fan-cumulative_npv", "Cumulative NPV (£m, present value)", 0},
        {"cost_cdel", "fan-cost_cdel", "Cost by year: capital, CDEL (£m)", 1},
        {"cost_rdel", "fan-cost_rdel", "Cost by year: resource, RDEL (£m)", 1},
        {"cost_pdel", "fan-cost_pdel", "Cost by year: prevention, PDEL (£m)", 1},
        {"gdp", "fan-gdp", "GDP effect by year (£m)", 0},
        {"avoided_cost", "fan-avoided_cost", "Avoided acute cost by year (£m)", 0},
        {"debt_ratio_change", "fan-debt_ratio_change",
         "Change in the debt-to-GDP ratio against the baseline", 0},
    };
    const size_t n = (size_t)s->horizon * s->n_quantiles;
    fputs("<div class=\"charts\">\n", out);
    for (size_t k = 0; k < sizeof fixed / sizeof fixed[0]; k++) {
        const mpsim_series *v = find_series(s, fixed[k].name);
        if (v == NULL || (fixed[k].skip_zero && !any_nonzero(v, n)))
            continue;
        fan(out, s, v, fixed[k].kind, fixed[k].title, NAN, 0);
    }
    char name[512], title[600], kind[600];
    for (size_t m = 0; m < s->n_missions; m++) {
        const mpsim_mission_result *mi = &s->missions[m];
        snprintf(name, sizeof name, "mission_%s", mi->id ? mi->id : "");
        const mpsim_series *v = find_series(s, name);
        if (v == NULL)
            continue;
        snprintf(title, sizeof title, "Mission indicator: %s", mi->name ? mi->name : mi->id);
        snprintf(kind, sizeof kind, "fan-%s", name);
        fan(out, s, v, kind, title, mi->has_target ? mi->target_value : NAN,
            mi->has_target ? mi->target_by : 0);
    }
    fputs("</div>\n", out);
}

static const char *const decomp_labels[MPSIM_N_DECOMP] = {"Direct", "Spillovers", "Savings",
                                                          "Wider economy"};
static const char *const decomp_colours[MPSIM_N_DECOMP] = {MPS_OI_BLUE, MPS_OI_ORANGE,
                                                           MPS_OI_GREEN, MPS_OI_PURPLE};

/* How many of the largest projects the decomposition chart shows. */
#define MPS_TOP_PROJECTS 10

static double project_size(const mpsim_project_result *p)
{
    return fabs(p->mean_pv_direct) + fabs(p->mean_pv_spillovers) + fabs(p->mean_pv_savings) +
           fabs(p->mean_pv_gdp);
}

static void project_decomposition(FILE *out, const mpsim_scenario_result *s)
{
    size_t n = s->n_projects < MPS_TOP_PROJECTS ? s->n_projects : MPS_TOP_PROJECTS;
    if (n == 0)
        return;
    size_t *idx = malloc(s->n_projects * sizeof *idx);
    const char **cat = malloc(n * sizeof *cat);
    double *v = malloc(n * MPSIM_N_DECOMP * sizeof *v);
    if (idx == NULL || cat == NULL || v == NULL) {
        free(idx);
        free(cat);
        free(v);
        return;
    }
    /* A selection of the largest n by total absolute value; stable, so ties
     * keep the scenario's order. */
    for (size_t i = 0; i < s->n_projects; i++)
        idx[i] = i;
    for (size_t i = 0; i < n; i++) {
        size_t best = i;
        for (size_t j = i + 1; j < s->n_projects; j++)
            if (project_size(&s->projects[idx[j]]) > project_size(&s->projects[idx[best]]))
                best = j;
        size_t t = idx[best];
        memmove(idx + i + 1, idx + i, (best - i) * sizeof *idx);
        idx[i] = t;
    }
    for (size_t i = 0; i < n; i++) {
        const mpsim_project_result *p = &s->projects[idx[i]];
        cat[i] = p->id ? p->id : "";
        v[i * MPSIM_N_DECOMP + MPSIM_D_DIRECT] = p->mean_pv_direct;
        v[i * MPSIM_N_DECOMP + MPSIM_D_SPILLOVERS] = p->mean_pv_spillovers;
        v[i * MPSIM_N_DECOMP + MPSIM_D_SAVINGS] = p->mean_pv_savings;
        v[i * MPSIM_N_DECOMP + MPSIM_D_WIDER_ECONOMY] = p->mean_pv_gdp;
    }
    char title[128];
    if (n < s->n_projects)
        snprintf(title, sizeof title, "Value by source: the %zu largest projects", n);
    else
        snprintf(title, sizeof title, "Value by source: every project");
    fputs("<figure>", out);
    mps_chart_stacked(out, "decomposition-projects", title,
                      "Mean present value (£m, real base-year prices)", cat, n, decomp_labels,
                      decomp_colours, MPSIM_N_DECOMP, v);
    fputs("<figcaption>Mean present value of each benefit component of the projects with the "
          "largest benefits, whatever the switches and the cost_savings convention say "
          "(GDP from crowding-in belongs to the spending project).</figcaption></figure>\n",
          out);
    free(idx);
    free(cat);
    free(v);
}

static void scenario_decomposition(FILE *out, const mpsim_results *r)
{
    const char **cat = malloc(r->n_scenarios * sizeof *cat);
    double *v = malloc(r->n_scenarios * MPSIM_N_DECOMP * sizeof *v);
    if (cat == NULL || v == NULL) {
        free(cat);
        free(v);
        return;
    }
    size_t n = 0;
    for (size_t i = 0; i < r->n_scenarios; i++) {
        const mpsim_scenario_result *s = &r->scenarios[i];
        if (!s->has_dynamic)
            continue;
        cat[n] = s->name ? s->name : "";
        memcpy(v + n * MPSIM_N_DECOMP, s->decomposition, sizeof s->decomposition);
        n++;
    }
    if (n > 0) {
        fputs("<figure>", out);
        mps_chart_stacked(out, "decomposition-scenarios", "Value by source, by scenario",
                          "Mean present value (£m, real base-year prices)", cat, n,
                          decomp_labels, decomp_colours, MPSIM_N_DECOMP, v);
        fputs("<figcaption>Mean present value of the benefit components: direct benefits, "
              "spillovers, savings (with avoided acute costs) and the wider economy "
              "(GDP).</figcaption></figure>\n",
              out);
    }
    free(cat);
    free(v);
}

static void distributions(FILE *out, const mpsim_scenario_result *s)
{
    fputs("<div class=\"charts\">\n", out);
    mps_marker npv[] = {
        {s->stat.npv, "Static NPV", MPS_OI_VERMILLION, NULL, MPS_DEC_MONEY},
        {s->stats[MPSIM_M_NPV][MPSIM_STAT_MEAN], "Mean", MPS_OI_BLACK, "6 3", MPS_DEC_MONEY},
    };
    if (s->dist_npv.n_bins > 0) {
        fputs("<figure>", out);
        if (mps_chart_histogram(out, "npv-histogram", "Distribution of NPV",
                                "NPV (£m, present value, real base-year prices)", &s->dist_npv,
                                npv, 2) == 0)
            fputs("<figcaption>Histogram of NPV over the paths, with the static Green Book "
                  "NPV and the mean of the distribution.</figcaption>",
                  out);
        fputs("</figure>\n", out);
    }
    if (s->dist_bcr.n_bins == 0) { /* no path has a defined BCR */
        fputs("</div>\n", out);
        return;
    }
    fputs("<figure>", out);
    mps_marker bcr[] = {
        {s->stat.bcr, "Static BCR", MPS_OI_VERMILLION, NULL, MPS_DEC_RATIO},
        {1.0, "Break-even, BCR = 1", MPS_OI_BLACK, "2 2", -1},
        {s->expected_bcr, "Expected BCR", MPS_OI_BLACK, "6 3", MPS_DEC_RATIO},
    };
    if (mps_chart_histogram(out, "bcr-histogram", "Distribution of BCR", "BCR (PVB / PVC)",
                            &s->dist_bcr, bcr, 3) == 0)
        fputs("<figcaption>Histogram of the BCR over the paths where it is defined, with the "
              "static Green Book BCR, break-even (1.0) and the expected BCR "
              "E[PVB] / E[PVC].</figcaption>",
              out);
    fputs("</figure>\n</div>\n", out);
}

static void input_block(FILE *out, const char *label, const char *name, const char *text)
{
    if (text == NULL)
        return;
    fputs("<details><summary>", out);
    esc(out, label);
    if (name) {
        fputs(": <code>", out);
        esc(out, name);
        fputs("</code>", out);
    }
    fputs("</summary><pre>", out);
    esc(out, text);
    fputs("</pre></details>\n", out);
}

static void scenario_section(FILE *out, const mpsim_results *r, size_t i)
{
    const mpsim_scenario_result *s = &r->scenarios[i];
    fprintf(out, "<section class=\"scenario\" id=\"scenario-%zu\" data-scenario=\"", i + 1);
    esc(out, s->name);
    fputs("\">\n<h2>Scenario: ", out);
    esc(out, s->name);
    fputs("</h2>\n", out);
    if (s->description && s->description[0]) {
        fputs("<p>", out);
        esc(out, s->description);
        fputs("</p>\n", out);
    }
    fprintf(out, "<p class=\"lede\">Base year %d, horizon %d years (%d to %d).</p>\n",
            s->base_year, s->horizon, s->base_year, s->base_year + s->horizon - 1);
    fputs("<h3>Headline</h3>\n<div class=\"scroll\">", out);
    mps_table_headline(out, s);
    fputs("</div>\n", out);
    if (s->has_dynamic) {
        fputs("<h3>Distribution beside the static appraisal</h3>\n", out);
        distributions(out, s);
    } else {
        fputs("<p class=\"note\">Static appraisal only: this results file holds no Monte Carlo "
              "paths, so there are no distributions or fan charts.</p>\n",
              out);
    }
    if (s->n_missions > 0) {
        fputs("<h3>Missions</h3>\n<div class=\"scroll\">", out);
        mps_table_missions(out, s);
        fputs("</div>\n", out);
    }
    if (s->has_dynamic && s->n_series > 0) {
        fputs("<h3>Over time</h3>\n<p class=\"note\">Bands: P5-P95 and P25-P75 over paths in "
              "each year; line: median; dashed: mean. Flows are undiscounted, real base-year "
              "prices.</p>\n",
              out);
        fan_charts(out, s);
    }
    if (s->has_dynamic && s->n_projects > 0) {
        fputs("<h3>Projects</h3>\n", out);
        project_decomposition(out, s);
        fputs("<details><summary>Every project</summary><div class=\"scroll\">", out);
        mps_table_projects(out, s);
        fputs("</div></details>\n", out);
    }
    fputs("<h3>Inputs</h3>\n", out);
    input_block(out, "Scenario file", s->input_file, s->input_text);
    for (size_t k = 0; k < s->n_inputs; k++)
        input_block(out, "Extends", s->input_names[k], s->input_texts ? s->input_texts[k] : NULL);
    input_block(out, "Resolved scenario (after extends merging)", NULL, s->resolved_text);
    fputs("</section>\n", out);
}

int mpsim_report_write_html(const mpsim_results *r, FILE *out, mpsim_errors *errs)
{
    if (r == NULL || out == NULL) {
        mpsim_errors_add(errs, NULL, 0, 0, NULL, "report: no results or no output given");
        return MPSIM_ERR_INPUT;
    }
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
          out);
    fprintf(out, "<meta name=\"generator\" content=\"mpsim %s\">\n<title>mpsim report: ",
            MPSIM_VERSION_STRING);
    for (size_t i = 0; i < r->n_scenarios; i++) {
        fputs(i ? ", " : "", out);
        esc(out, r->scenarios[i].name);
    }
    fprintf(out, "</title>\n<style>%s</style>\n</head>\n<body>\n<header>\n", mps_report_css);
    fputs("<h1>Appraisal: ", out);
    for (size_t i = 0; i < r->n_scenarios; i++) {
        fputs(i ? ", " : "", out);
        esc(out, r->scenarios[i].name);
    }
    fputs("</h1>\n<p class=\"lede\">", out);
    if (r->static_only)
        fputs("Static Green Book appraisal only (no Monte Carlo run). ", out);
    else
        fprintf(out, "%zu scenario%s over %" PRIu64 " Monte Carlo paths (seed %" PRIu64 ")%s. ",
                r->n_scenarios, r->n_scenarios == 1 ? "" : "s", r->paths, r->seed,
                r->n_scenarios > 1 ? ", common random numbers across scenarios" : "");
    fputs("Money is in £m, real base-year prices; present values are discounted to the base "
          "year.",
          out);
    if (r->created) {
        fputs(" Run ", out);
        esc(out, r->created);
        fputs(".", out);
    }
    fputs("</p>\n<nav><ul><li><a href=\"#overview\">Overview</a></li>", out);
    for (size_t i = 0; i < r->n_scenarios; i++) {
        fprintf(out, "<li><a href=\"#scenario-%zu\">", i + 1);
        esc(out, r->scenarios[i].name);
        fputs("</a></li>", out);
    }
    fputs("<li><a href=\"#provenance\">Provenance</a></li></ul></nav>\n</header>\n<main>\n", out);

    fputs("<section id=\"overview\">\n<h2>Overview</h2>\n<div class=\"scroll\">", out);
    mps_table_overview(out, r);
    fputs("</div>\n", out);
    if (!r->static_only)
        scenario_decomposition(out, r);
    if (r->n_comparisons > 0) {
        fputs("<h3>Comparisons with the baseline</h3>\n<p class=\"note\">Each variant against "
              "the first scenario, path by path under common random numbers, so the standard "
              "errors are those of the differences. Net exchequer cost is "
              "pv_exchequer.</p>\n<div class=\"scroll\">",
              out);
        mps_table_comparisons(out, r);
        fputs("</div>\n", out);
    }
    fputs("</section>\n", out);
    for (size_t i = 0; i < r->n_scenarios; i++)
        scenario_section(out, r, i);
    fputs("</main>\n<footer id=\"provenance\">\n<h2>Provenance</h2>\n<div class=\"scroll\">",
          out);
    mps_table_provenance(out, r);
    fputs("</div>\n</footer>\n</body>\n</html>\n", out);

    if (ferror(out)) {
        mpsim_errors_add(errs, NULL, 0, 0, NULL, "report: writing the page failed");
        return MPSIM_ERR_FAIL;
    }
    return MPSIM_OK;
}
