/*
 * The report of a sensitivity file (docs/report.md "Sensitivity files"):
 * per scenario the tornado chart and table, the Sobol' indices chart of
 * NPV with the sums and a table of every scalar output's indices, and the
 * switching values; with a batch, the value of information; then the
 * provenance.  The same page as the results report: the style sheet,
 * charts drawn with svg.c, inline, no scripts, escaped text.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report/report.h"

static void esc(FILE *out, const char *s)
{
    mps_report_escape(out, s);
}

/* A number in running text, with its exact value (as in table cells). */
static void num_span(FILE *out, const char *key, double x, int dec)
{
    char b[64];
    mps_report_fmt(b, sizeof b, x, dec);
    fprintf(out, "<span class=\"num\" data-key=\"%s\"", key);
    if (isfinite(x))
        fprintf(out, " data-value=\"%.17g\">%s</span>", x, b);
    else
        fprintf(out, " data-value=\"nan\">%s</span>", b);
}

/* The output the indices chart shows: NPV, else the first. */
static size_t chart_output(const mps_sens_file_scenario *s)
{
    for (size_t o = 0; o < s->n_out; o++)
        if (s->outputs[o] && strcmp(s->outputs[o], "npv") == 0)
            return o;
    return 0;
}

static void tornado(FILE *out, const mps_sens_file_scenario *s, size_t i)
{
    fputs("<h3>Tornado</h3>\n", out);
    fprintf(out, "<figure id=\"tornado-%zu\" class=\"tornado\">", i + 1);
    mps_chart_tornado(out, s);
    fputs("<figcaption>Expected NPV with each input fixed at its 10% and at its 90% quantile "
          "on every path, the other inputs and the rest of the randomness drawn as usual "
          "(common random numbers), around the expected NPV with nothing fixed; inputs by "
          "decreasing swing. Hover over a bar for the input's full key path.</figcaption>"
          "</figure>\n<div class=\"scroll\">",
          out);
    mps_table_tornado(out, s);
    fputs("</div>\n", out);
}

static void indices(FILE *out, const mps_sens_file *f, const mps_sens_file_scenario *s, size_t i)
{
    if (s->n_out == 0)
        return;
    const size_t o = chart_output(s);
    fputs("<h3>Sobol' indices</h3>\n", out);
    fprintf(out, "<figure id=\"indices-%zu\" class=\"indices\" data-output=\"", i + 1);
    esc(out, s->outputs[o]);
    fputs("\">", out);
    int drawn = mps_chart_indices(out, s, o) == 0;
    fputs("<figcaption>First-order and total Sobol' indices of each studied input for <code>", out);
    esc(out, s->outputs[o]);
    fprintf(out,
            "</code>, with %.0f%% bootstrap percentile intervals (%" PRIu64
            " resamples); inputs by decreasing total index.%s</figcaption></figure>\n",
            100.0 * f->confidence, f->bootstrap,
            drawn ? "" : " The output does not vary: its indices are undefined.");
    fputs("<p class=\"sums\" data-output=\"", out);
    esc(out, s->outputs[o]);
    fputs("\">Sum of the first-order indices: ", out);
    num_span(out, "first_order_sum", s->s1_sum[o], MPS_DEC_PROB);
    fputs(" (standard error ", out);
    num_span(out, "first_order_sum_se", s->s1_sum_se[o], MPS_DEC_PROB);
    fputs("); unexplained share, 1 - sum: ", out);
    num_span(out, "unexplained", s->unexplained[o], MPS_DEC_PROB);
    fputs(".</p>\n<p class=\"note\">The unexplained share is the variance from interactions "
          "between the inputs and from the randomness outside them (gates, churn, spillovers, "
          "regimes, unstudied inputs), which the rows of a sample share. A total index above "
          "the first-order one shows interactions; with few samples either can stray outside "
          "0 to 1 within its interval.</p>\n<details><summary>Indices of every "
          "output</summary><div class=\"scroll\">",
          out);
    mps_table_indices(out, s);
    fputs("</div></details>\n", out);
}

static void scenario_section(FILE *out, const mps_sens_file *f, size_t i)
{
    const mps_sens_file_scenario *s = &f->sc[i];
    fprintf(out, "<section class=\"scenario\" id=\"scenario-%zu\" data-scenario=\"", i + 1);
    esc(out, s->name);
    fputs("\">\n<h2>Scenario: ", out);
    esc(out, s->name);
    fputs("</h2>\n", out);
    if (s->k == 0) {
        fputs("<p class=\"note\">None of the studied inputs is an uncertain input of this "
              "scenario: it is an alternative valued only in the value of information.</p>\n"
              "</section>\n",
              out);
        return;
    }
    fprintf(out,
            "<p class=\"lede\">%zu studied input%s, %" PRIu64 " base samples: %" PRIu64
            " paths for the indices.</p>\n",
            s->k, s->k == 1 ? "" : "s", s->samples, s->evaluations);
    if (s->estimand) {
        fputs("<p class=\"note\">", out);
        esc(out, s->estimand);
        fputs(".</p>\n", out);
    }
    tornado(out, s, i);
    indices(out, f, s, i);
    fputs("<h3>Switching values</h3>\n<p class=\"note\">The value of each input at which the "
          "static NPV, and the expected NPV with the input fixed on every path, cross zero "
          "(Green Book 5.59-5.61), searched between the input's bounds or its P0.1 and "
          "P99.9.</p>\n<div class=\"scroll\">",
          out);
    mps_table_switching(out, s);
    fputs("</div>\n</section>\n", out);
}

static void voi(FILE *out, const mps_sens_file *f)
{
    fputs("<section id=\"voi\">\n<h2>Value of information</h2>\n<p class=\"note\">Over the "
          "alternatives of the batch, path by path under common random numbers: the expected "
          "value of perfect information EVPI = E[max NPV] - max E[NPV], and for each input "
          "the expected value of partial perfect information (EVPPI, binned estimator), in "
          "£m.</p>\n<div class=\"scroll\">",
          out);
    mps_table_voi(out, f);
    fputs("</div>\n</section>\n", out);
}

static void provenance(FILE *out, const mps_sens_file *f)
{
    char b[64];
    fputs("<footer id=\"provenance\">\n<h2>Provenance</h2>\n<div class=\"scroll\">"
          "<table data-table=\"provenance\" class=\"provenance\">\n<tbody>\n",
          out);
    mps_table_prov_row(out, "mpsim version", f->mpsim_version);
    mps_table_prov_row(out, "Created (UTC)", f->created);
    mps_table_prov_row(out, "Command line", f->command_line);
    snprintf(b, sizeof b, "%" PRIu64, f->seed);
    mps_table_prov_row(out, "Seed", b);
    snprintf(b, sizeof b, "%" PRIu64, f->samples);
    mps_table_prov_row(out, "Base samples", b);
    snprintf(b, sizeof b, "%" PRIu64, f->bootstrap);
    mps_table_prov_row(out, "Bootstrap resamples", b);
    snprintf(b, sizeof b, "%g", f->confidence);
    mps_table_prov_row(out, "Confidence of the intervals", b);
    snprintf(b, sizeof b, "%d", f->format_version);
    mps_table_prov_row(out, "Sensitivity file format version", b);
    mps_table_provenance_build(out, &f->provenance);
    fputs("</tbody></table></div>\n</footer>\n", out);
}

static void names(FILE *out, const mps_sens_file *f)
{
    for (size_t i = 0; i < f->n; i++) {
        fputs(i ? ", " : "", out);
        esc(out, f->sc[i].name);
    }
}

int mps_report_sensitivity_html(const mps_sens_file *f, FILE *out, mpsim_errors *errs)
{
    if (f == NULL || out == NULL) {
        mpsim_errors_add(errs, NULL, 0, 0, NULL, "report: no sensitivity results or no output");
        return MPSIM_ERR_INPUT;
    }
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
          out);
    fprintf(out, "<meta name=\"generator\" content=\"mpsim %s\">\n<title>mpsim sensitivity: ",
            MPSIM_VERSION_STRING);
    names(out, f);
    fprintf(out, "</title>\n<style>%s</style>\n</head>\n<body class=\"sensitivity\">\n<header>\n",
            mps_report_css);
    fputs("<h1>Sensitivity: ", out);
    names(out, f);
    fprintf(out,
            "</h1>\n<p class=\"lede\">%zu scenario%s, %" PRIu64 " base samples (seed %" PRIu64
            "), %" PRIu64 " bootstrap resamples. Money is in £m, real base-year prices; present "
            "values are discounted to the base year.",
            f->n, f->n == 1 ? "" : "s", f->samples, f->seed, f->bootstrap);
    if (f->created) {
        fputs(" Run ", out);
        esc(out, f->created);
        fputs(".", out);
    }
    fputs("</p>\n<nav><ul>", out);
    for (size_t i = 0; i < f->n; i++) {
        fprintf(out, "<li><a href=\"#scenario-%zu\">", i + 1);
        esc(out, f->sc[i].name);
        fputs("</a></li>", out);
    }
    if (f->has_voi)
        fputs("<li><a href=\"#voi\">Value of information</a></li>", out);
    fputs("<li><a href=\"#provenance\">Provenance</a></li></ul></nav>\n</header>\n<main>\n", out);
    for (size_t i = 0; i < f->n; i++)
        scenario_section(out, f, i);
    if (f->has_voi)
        voi(out, f);
    fputs("</main>\n", out);
    provenance(out, f);
    fputs("</body>\n</html>\n", out);
    if (ferror(out)) {
        mpsim_errors_add(errs, NULL, 0, 0, NULL, "report: writing the page failed");
        return MPSIM_ERR_FAIL;
    }
    return MPSIM_OK;
}

static int sensitivity_page(const void *data, FILE *out, mpsim_errors *errs)
{
    return mps_report_sensitivity_html(data, out, errs);
}

int mps_report_sensitivity_html_file(const mps_sens_file *f, const char *path, mpsim_errors *errs)
{
    return mps_report_write_file(path, sensitivity_page, f, errs);
}
