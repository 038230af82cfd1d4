/*
 * The report's three kinds of chart, drawn as SVG: the histogram of a
 * distribution with the static value marked, the fan chart of a time
 * series, and horizontal stacked bars for the value decomposition.
 *
 * Each chart draws exactly what the results file holds (bins, quantile
 * bands, means); nothing is smoothed or re-estimated here.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"

/* ------------------------------------------------------------- histogram */

int mps_chart_histogram(FILE *out, const char *kind, const char *title, const char *xlabel,
                        const mpsim_distribution *d, const mps_marker *markers,
                        size_t n_markers)
{
    if (d->n_bins == 0 || d->edges == NULL || d->counts == NULL)
        return -1;
    double total = 0.0;
    for (size_t i = 0; i < d->n_bins; i++)
        total += (double)d->counts[i];
    if (total <= 0.0 || !isfinite(d->edges[0]) || !isfinite(d->edges[d->n_bins]))
        return -1;

    /* Equal bins show the share of paths in each; unequal ones (streamed
     * runs bin logarithmically) must show a density, or wide bins would
     * look heavier than they are. */
    double wmin = INFINITY, wmax = 0.0;
    for (size_t i = 0; i < d->n_bins; i++) {
        double w = d->edges[i + 1] - d->edges[i];
        wmin = fmin(wmin, w);
        wmax = fmax(wmax, w);
    }
    int uniform = wmin > 0.0 && wmax <= wmin * 1.001;
    double *h = malloc(d->n_bins * sizeof *h);
    if (h == NULL)
        return -1;
    double hmax = 0.0;
    for (size_t i = 0; i < d->n_bins; i++) {
        double w = d->edges[i + 1] - d->edges[i];
        h[i] = uniform ? 100.0 * (double)d->counts[i] / total
                       : (w > 0.0 ? (double)d->counts[i] / total / w : 0.0);
        hmax = fmax(hmax, h[i]);
    }

    double lo = d->edges[0], hi = d->edges[d->n_bins];
    for (size_t k = 0; k < n_markers; k++)
        if (isfinite(markers[k].value)) {
            lo = fmin(lo, markers[k].value);
            hi = fmax(hi, markers[k].value);
        }
    mps_frame f = {540, 320, 72, 512, 74, 268, {0, 0, 0, 0}, {0, 0, 0, 0}};
    mps_axis_nice(&f.x, lo, hi, 8);
    mps_axis_nice(&f.y, 0.0, hmax, 5);
    f.y.lo = 0.0;

    mps_legend lg[8];
    size_t nl = 0;
    lg[nl++] = (mps_legend){"Paths (histogram)", MPS_OI_SKY, "fill", 1.0};
    for (size_t k = 0; k < n_markers && nl < 8; k++)
        if (isfinite(markers[k].value))
            lg[nl++] = (mps_legend){markers[k].label, markers[k].colour,
                                    markers[k].dash == NULL                  ? "line"
                                    : strcmp(markers[k].dash, "2 2") == 0 ? "dot"
                                                                             : "dash",
                                    1.0};
    mps_svg_open(out, &f, kind, title, NULL, xlabel,
                 uniform ? "Share of paths (%)" : "Density (share of paths per unit)", lg, nl,
                 3);

    fprintf(out, "<g class=\"bars\" fill=\"%s\" stroke=\"#ffffff\" stroke-width=\"0.5\">",
            MPS_OI_SKY);
    for (size_t i = 0; i < d->n_bins; i++) {
        if (d->counts[i] == 0)
            continue;
        double x0 = mps_frame_x(&f, d->edges[i]), x1 = mps_frame_x(&f, d->edges[i + 1]);
        double y = mps_frame_y(&f, h[i]);
        fprintf(out, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\"/>", x0, y,
                fmax(x1 - x0, 2.0), f.bottom - y);
    }
    fputs("</g>\n", out);
    free(h);

    for (size_t k = 0; k < n_markers; k++) {
        char b[64], label[160];
        mps_report_fmt(b, sizeof b, markers[k].value, markers[k].dec < 0 ? 0 : markers[k].dec);
        if (markers[k].dec < 0) /* a fixed reference: its label says it all */
            snprintf(label, sizeof label, "%s", markers[k].label);
        else
            snprintf(label, sizeof label, "%s %s", markers[k].label, b);
        mps_svg_vline(out, &f, markers[k].value, markers[k].colour, markers[k].dash, label,
                      (int)k);
    }
    mps_svg_close(out);
    return 0;
}

/* ------------------------------------------------------------ fan chart */

/* Index of the quantile level q, or -1 when the file has no such band. */
static int level_index(const double *levels, size_t n, double q)
{
    for (size_t i = 0; i < n; i++)
        if (fabs(levels[i] - q) < 1e-9)
            return (int)i;
    return -1;
}

/* A closed band between quantile columns lo and hi, drawn where both are
 * finite. */
static void band(FILE *out, const mps_frame *f, const mpsim_series *s, size_t nq, int first,
                 int n, int lo, int hi, double opacity)
{
    if (lo < 0 || hi < 0)
        return;
    fprintf(out, "<path fill=\"%s\" fill-opacity=\"%.2f\" stroke=\"none\" d=\"", MPS_OI_BLUE,
            opacity);
    int started = 0;
    for (int t = 0; t < n; t++) {
        double a = s->bands[(size_t)t * nq + (size_t)lo], b = s->bands[(size_t)t * nq + (size_t)hi];
        if (!isfinite(a) || !isfinite(b))
            continue;
        fprintf(out, "%c%.1f %.1f", started ? 'L' : 'M', mps_frame_x(f, first + t),
                mps_frame_y(f, b));
        started = 1;
    }
    for (int t = n - 1; t >= 0; t--) {
        double a = s->bands[(size_t)t * nq + (size_t)lo], b = s->bands[(size_t)t * nq + (size_t)hi];
        if (!isfinite(a) || !isfinite(b))
            continue;
        fprintf(out, "L%.1f %.1f", mps_frame_x(f, first + t), mps_frame_y(f, a));
    }
    fputs(started ? "Z\"/>\n" : "\"/>\n", out);
}

int mps_chart_fan(FILE *out, const char *kind, const char *title, const char *ylabel,
                  const mpsim_series *s, const double *levels, size_t n_levels,
                  int first_year, int n_years, double target, int target_year)
{
    int q50 = level_index(levels, n_levels, 0.5);
    if (q50 < 0 || n_years < 1 || s->bands == NULL)
        return -1;
    int q05 = level_index(levels, n_levels, 0.05), q95 = level_index(levels, n_levels, 0.95);
    int q25 = level_index(levels, n_levels, 0.25), q75 = level_index(levels, n_levels, 0.75);

    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < (size_t)n_years * n_levels; i++)
        if (isfinite(s->bands[i])) {
            lo = fmin(lo, s->bands[i]);
            hi = fmax(hi, s->bands[i]);
        }
    if (!isfinite(lo))
        return -1;
    /* Money is read against zero; an indicator against its own range. */
    if (s->units && strstr(s->units, "GBP")) {
        lo = fmin(lo, 0.0);
        hi = fmax(hi, 0.0);
    }
    if (target_year > 0 && isfinite(target)) {
        lo = fmin(lo, target);
        hi = fmax(hi, target);
    }
    mps_frame f = {540, 320, 72, 512, 74, 268, {0, 0, 0, 0}, {0, 0, 0, 0}};
    mps_axis_nice(&f.x, first_year, first_year + n_years - 1, 8);
    if (f.x.step < 1.0) { /* whole years only */
        f.x.step = 1.0;
        f.x.decimals = 0;
    }
    /* The time axis spans the horizon exactly; ticks fall on round years. */
    f.x.lo = first_year;
    f.x.hi = n_years > 1 ? first_year + n_years - 1 : first_year + 1;
    mps_axis_nice(&f.y, lo, hi, 5);

    mps_legend lg[5];
    size_t nl = 0;
    if (q05 >= 0 && q95 >= 0)
        lg[nl++] = (mps_legend){"P5-P95", MPS_OI_BLUE, "fill", 0.2};
    if (q25 >= 0 && q75 >= 0)
        lg[nl++] = (mps_legend){"P25-P75", MPS_OI_BLUE, "fill", 0.45};
    lg[nl++] = (mps_legend){"Median", MPS_OI_BLUE, "line", 1.0};
    lg[nl++] = (mps_legend){"Mean", MPS_OI_BLACK, "dash", 1.0};
    if (target_year > 0)
        lg[nl++] = (mps_legend){"Target", MPS_OI_VERMILLION, "dash", 1.0};
    mps_svg_open(out, &f, kind, title, s->description, "Year", ylabel, lg, nl, 1 | 2 | 4);

    band(out, &f, s, n_levels, first_year, n_years, q05, q95, 0.2);
    band(out, &f, s, n_levels, first_year, n_years, q25, q75, 0.45);
    fprintf(out, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"",
            MPS_OI_BLUE);
    for (int t = 0; t < n_years; t++) {
        double v = s->bands[(size_t)t * n_levels + (size_t)q50];
        if (isfinite(v))
            fprintf(out, "%s%.1f,%.1f", t ? " " : "", mps_frame_x(&f, first_year + t),
                    mps_frame_y(&f, v));
    }
    fputs("\"/>\n", out);
    if (s->mean) {
        fprintf(out,
                "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" "
                "stroke-dasharray=\"6 3\" points=\"",
                MPS_OI_BLACK);
        for (int t = 0; t < n_years; t++)
            if (isfinite(s->mean[t]))
                fprintf(out, "%s%.1f,%.1f", t ? " " : "", mps_frame_x(&f, first_year + t),
                        mps_frame_y(&f, s->mean[t]));
        fputs("\"/>\n", out);
    }
    if (target_year > 0) {
        char b[64], label[96];
        mps_svg_hline(out, &f, target, MPS_OI_VERMILLION, "6 3");
        mps_report_fmt(b, sizeof b, target, fabs(target) < 10.0 ? 2 : 1);
        snprintf(label, sizeof label, "Target %s by %d", b, target_year);
        mps_svg_vline(out, &f, target_year, MPS_OI_VERMILLION, "6 3", label, 0);
    }
    mps_svg_close(out);
    return 0;
}

/* ------------------------------------------------------- stacked bars */

/* Writes at most `max` characters of s (whole UTF-8 characters), with an
 * ellipsis when it was cut. */
static void short_label(FILE *out, const char *s, size_t max)
{
    size_t chars = 0, i = 0;
    for (; s[i]; i++) {
        if (((unsigned char)s[i] & 0xC0) != 0x80) {
            if (chars == max)
                break;
            chars++;
        }
    }
    if (s[i] == '\0') {
        mps_report_escape(out, s);
        return;
    }
    char *cut = malloc(i + 1);
    if (cut == NULL)
        return;
    memcpy(cut, s, i);
    cut[i] = '\0';
    mps_report_escape(out, cut);
    fputs("…", out);
    free(cut);
}

int mps_chart_stacked(FILE *out, const char *kind, const char *title, const char *xlabel,
                      const char *const *categories, size_t n_cat,
                      const char *const *components, const char *const *colours, size_t n_comp,
                      const double *values)
{
    if (n_cat == 0 || n_comp == 0)
        return -1;
    double lo = 0.0, hi = 0.0;
    for (size_t c = 0; c < n_cat; c++) {
        double neg = 0.0, pos = 0.0;
        for (size_t k = 0; k < n_comp; k++) {
            double v = values[c * n_comp + k];
            if (isfinite(v))
                *(v < 0 ? &neg : &pos) += v;
        }
        lo = fmin(lo, neg);
        hi = fmax(hi, pos);
    }
    const double row = 28.0;
    mps_frame f = {720, 0, 190, 700, 70, 0, {0, 0, 0, 0}, {0, 0, 0, 0}};
    f.bottom = f.top + row * (double)n_cat;
    f.height = f.bottom + 50.0;
    mps_axis_nice(&f.x, lo, hi, 6);
    f.y = (mps_axis){0.0, (double)n_cat, 1.0, 0};

    mps_legend lg[9];
    size_t nl = 0;
    for (size_t k = 0; k < n_comp && nl < 8; k++)
        lg[nl++] = (mps_legend){components[k], colours[k], "fill", 1.0};
    lg[nl++] = (mps_legend){"Total", MPS_OI_BLACK, "line", 1.0};
    mps_svg_open(out, &f, kind, title, NULL, xlabel, NULL, lg, nl, 1);

    char b[64];
    for (size_t c = 0; c < n_cat; c++) {
        double y = f.top + row * (double)c + 5.0, neg = 0.0, pos = 0.0;
        fputs("<g class=\"bar\"><title>", out);
        mps_report_escape(out, categories[c]);
        fputs("</title>", out);
        fprintf(out, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">",
                f.left - 6.0, y + 13.0);
        short_label(out, categories[c], 26);
        fputs("</text>", out);
        for (size_t k = 0; k < n_comp; k++) {
            double v = values[c * n_comp + k];
            if (!isfinite(v) || v == 0.0)
                continue;
            double *acc = v < 0 ? &neg : &pos;
            double x0 = mps_frame_x(&f, *acc), x1 = mps_frame_x(&f, *acc + v);
            *acc += v;
            mps_report_fmt(b, sizeof b, v, MPS_DEC_MONEY);
            fprintf(out,
                    "<rect x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"%.1f\" fill=\"%s\">"
                    "<title>",
                    fmin(x0, x1), y, fmax(fabs(x1 - x0), 0.5), row - 10.0, colours[k]);
            mps_report_escape(out, components[k]);
            fprintf(out, ": %s</title></rect>", b);
        }
        double xt = mps_frame_x(&f, pos + neg);
        fprintf(out,
                "<line x1=\"%.2f\" x2=\"%.2f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                "stroke-width=\"2\"/></g>\n",
                xt, xt, y - 3.0, y + row - 7.0, MPS_OI_BLACK);
    }
    double x0 = mps_frame_x(&f, 0.0);
    fprintf(out, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#000000\"/>\n",
            x0, x0, f.top, f.bottom);
    mps_svg_close(out);
    return 0;
}
