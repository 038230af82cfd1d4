/*
 * The sensitivity report's two charts (docs/report.md "Sensitivity
 * files"): the tornado of E[NPV] with each input at its P10 and P90, and
 * the first-order and total Sobol' indices of an output with their
 * bootstrap intervals.  Both draw exactly what the sensitivity file holds,
 * on the results report's frame, axes and palette (svg.c).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"

/* Characters of an input's label beside a bar: the plot starts 210 px in. */
#define MPS_LABEL_CHARS 30

/* The label of a key path: missions.<m>.projects.<p>.<rest> reads as
 * "<p>.<rest>" (as `mpsim sensitivity` prints it); a label still too long
 * keeps its end, which says what the input is ("...benefits.annual"), from
 * a word's start, behind an ellipsis.  The full key path is in the bar's <title>. */
static void input_label(FILE *out, const char *key_path)
{
    const char *s = key_path ? key_path : "";
    const char *p = strstr(s, ".projects.");
    if (p)
        s = p + 10;
    size_t chars = 0;
    for (const char *c = s; *c; c++)
        chars += ((unsigned char)*c & 0xC0) != 0x80;
    if (chars <= MPS_LABEL_CHARS) {
        mps_report_escape(out, s);
        return;
    }
    /* Skip to the first byte of character number chars - (max - 1). */
    const size_t skip = chars - (MPS_LABEL_CHARS - 1);
    size_t seen = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80 && seen++ == skip)
            break;
    /* Start at a word: after the first separator in what is kept. */
    size_t cut = strcspn(s, ".-_ ");
    if (s[cut] != '\0' && s[cut + 1] != '\0')
        s += cut + 1;
    fputs("…", out);
    mps_report_escape(out, s);
}

/* The exact value in an attribute, "nan" when undefined. */
static void data_attr(FILE *out, const char *name, double v)
{
    if (isfinite(v))
        fprintf(out, " data-%s=\"%.17g\"", name, v);
    else
        fprintf(out, " data-%s=\"nan\"", name);
}

static void widen(double *lo, double *hi, double v)
{
    if (isfinite(v)) {
        *lo = fmin(*lo, v);
        *hi = fmax(*hi, v);
    }
}

/* A horizontal bar from data x0 to x1 at pixel row y, height h, with a
 * tooltip; nothing when either end is undefined. */
static void hbar(FILE *out, const mps_frame *f, double x0, double x1, double y, double h,
                 const char *colour, const char *tip)
{
    if (!isfinite(x0) || !isfinite(x1))
        return;
    double a = mps_frame_x(f, x0), b = mps_frame_x(f, x1);
    fprintf(out, "<rect x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"%.1f\" fill=\"%s\"><title>",
            fmin(a, b), y, fmax(fabs(b - a), 1.0), h, colour);
    mps_report_escape(out, tip);
    fputs("</title></rect>", out);
}

/* --------------------------------------------------------------- tornado */

int mps_chart_tornado(FILE *out, const mps_sens_file_scenario *s)
{
    const size_t k = s->k;
    if (k == 0 || s->order == NULL)
        return -1;
    double lo = INFINITY, hi = -INFINITY;
    widen(&lo, &hi, s->expected_npv);
    for (size_t i = 0; i < k; i++) {
        widen(&lo, &hi, s->npv_p10[i]);
        widen(&lo, &hi, s->npv_p90[i]);
    }
    if (!isfinite(lo))
        lo = hi = 0.0;
    const double row = 30.0;
    mps_frame f = {720, 0, 210, 700, 76, 0, {0, 0, 0, 0}, {0, 0, 0, 0}};
    f.bottom = f.top + row * (double)k;
    f.height = f.bottom + 50.0;
    mps_axis_nice(&f.x, lo, hi, 6);
    f.y = (mps_axis){0.0, (double)k, 1.0, 0};

    char b[64], tip[512];
    mps_report_fmt(b, sizeof b, s->expected_npv, MPS_DEC_MONEY);
    const mps_legend lg[] = {
        {"Input at its P10", MPS_OI_BLUE, "fill", 1.0},
        {"Input at its P90", MPS_OI_ORANGE, "fill", 1.0},
        {"E[NPV], nothing fixed", MPS_OI_BLACK, "line", 1.0},
        {"NPV = 0", "#777777", "dot", 1.0},
    };
    char title[160];
    snprintf(title, sizeof title, "Tornado: expected NPV with each input at its P10 and P90");
    mps_svg_open(out, &f, "tornado", title,
                 "Bars from the expected NPV with nothing fixed to the expected NPV with the "
                 "input fixed at its 10% and 90% quantiles on every path (the other inputs "
                 "drawn as usual, common random numbers), inputs by decreasing swing.",
                 "Expected NPV (£m, present value, real base-year prices)", NULL, lg,
                 sizeof lg / sizeof lg[0], 1);

    const double base = s->expected_npv;
    const double h = (row - 8.0) / 2.0;
    for (size_t r = 0; r < k; r++) {
        size_t i = (size_t)s->order[r];
        const char *key = s->inputs[i] ? s->inputs[i] : "";
        double y = f.top + row * (double)r + 4.0;
        fprintf(out, "<g class=\"tornado-bar\" data-rank=\"%zu\" data-input=\"", r + 1);
        mps_report_escape(out, key);
        fputc('"', out);
        data_attr(out, "swing", s->swing[i]);
        data_attr(out, "npv-p10", s->npv_p10[i]);
        data_attr(out, "npv-p90", s->npv_p90[i]);
        fputs("><title>", out);
        mps_report_escape(out, key);
        fprintf(out, "</title><text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">",
                f.left - 6.0, y + h + 4.0);
        input_label(out, key);
        fputs("</text>", out);
        char v[64], n[64];
        mps_report_fmt(v, sizeof v, s->p10[i], fabs(s->p10[i]) >= 100.0 ? 1 : 4);
        mps_report_fmt(n, sizeof n, s->npv_p10[i], MPS_DEC_MONEY);
        snprintf(tip, sizeof tip, "At its P10 (%s): E[NPV] %s £m", v, n);
        hbar(out, &f, base, s->npv_p10[i], y, h, MPS_OI_BLUE, tip);
        mps_report_fmt(v, sizeof v, s->p90[i], fabs(s->p90[i]) >= 100.0 ? 1 : 4);
        mps_report_fmt(n, sizeof n, s->npv_p90[i], MPS_DEC_MONEY);
        snprintf(tip, sizeof tip, "At its P90 (%s): E[NPV] %s £m", v, n);
        hbar(out, &f, base, s->npv_p90[i], y + h, h, MPS_OI_ORANGE, tip);
        fputs("</g>\n", out);
    }
    if (base != 0.0 && 0.0 >= f.x.lo && 0.0 <= f.x.hi) {
        double x0 = mps_frame_x(&f, 0.0);
        fprintf(out,
                "<line class=\"zero\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" "
                "stroke=\"#777777\" stroke-width=\"1.5\" stroke-dasharray=\"2 2\"/>\n",
                x0, x0, f.top, f.bottom);
    }
    if (isfinite(base)) {
        double xb = mps_frame_x(&f, base);
        fprintf(out,
                "<line class=\"base\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" "
                "stroke=\"%s\" stroke-width=\"2\"",
                xb, xb, f.top - 4.0, f.bottom, MPS_OI_BLACK);
        data_attr(out, "value", base);
        fprintf(out,
                "/>\n<text class=\"mark\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">"
                "E[NPV] %s</text>\n",
                xb, f.top - 8.0, b);
    }
    mps_svg_close(out);
    return 0;
}

/* --------------------------------------------------------------- indices */

/* An error bar from lo to hi at pixel height y, with caps. */
static void error_bar(FILE *out, const mps_frame *f, double lo, double hi, double y)
{
    if (!isfinite(lo) || !isfinite(hi))
        return;
    double a = mps_frame_x(f, lo), b = mps_frame_x(f, hi);
    fprintf(out,
            "<path class=\"ci\" d=\"M%.2f %.1f H%.2f M%.2f %.1f V%.1f M%.2f %.1f V%.1f\" "
            "stroke=\"%s\" stroke-width=\"1.5\" fill=\"none\"/>",
            a, y, b, a, y - 4.0, y + 4.0, b, y - 4.0, y + 4.0, MPS_OI_BLACK);
}

/* Sorting inputs by decreasing total index, undefined ones last, ties in
 * the file's order (a stable insertion sort: k is small). */
static void sort_by_total(size_t *idx, size_t k, const double *st, size_t m, size_t o)
{
    for (size_t i = 0; i < k; i++)
        idx[i] = i;
    for (size_t i = 1; i < k; i++) {
        size_t t = idx[i], j = i;
        double v = st[t * m + o];
        while (j > 0) {
            double u = st[idx[j - 1] * m + o];
            int before = isfinite(v) && (!isfinite(u) || v > u);
            if (!before)
                break;
            idx[j] = idx[j - 1];
            j--;
        }
        idx[j] = t;
    }
}

int mps_chart_indices(FILE *out, const mps_sens_file_scenario *s, size_t o)
{
    const size_t k = s->k, m = s->n_out;
    if (k == 0 || o >= m || s->st == NULL)
        return -1;
    double lo = 0.0, hi = 0.1;
    int any = 0;
    for (size_t i = 0; i < k; i++) {
        const size_t c = i * m + o;
        any |= isfinite(s->s1[c]) || isfinite(s->st[c]);
        widen(&lo, &hi, s->s1[c]);
        widen(&lo, &hi, s->s1_lo[c]);
        widen(&lo, &hi, s->s1_hi[c]);
        widen(&lo, &hi, s->st[c]);
        widen(&lo, &hi, s->st_lo[c]);
        widen(&lo, &hi, s->st_hi[c]);
    }
    if (!any)
        return -1;
    size_t *idx = malloc(k * sizeof *idx);
    if (idx == NULL)
        return -1;
    sort_by_total(idx, k, s->st, m, o);

    const double row = 36.0, h = 12.0;
    mps_frame f = {720, 0, 210, 700, 70, 0, {0, 0, 0, 0}, {0, 0, 0, 0}};
    f.bottom = f.top + row * (double)k;
    f.height = f.bottom + 50.0;
    mps_axis_nice(&f.x, lo, hi, 6);
    f.y = (mps_axis){0.0, (double)k, 1.0, 0};
    const mps_legend lg[] = {
        {"First order", MPS_OI_BLUE, "fill", 1.0},
        {"Total", MPS_OI_ORANGE, "fill", 1.0},
        {"Bootstrap interval", MPS_OI_BLACK, "line", 1.0},
    };
    char title[600];
    snprintf(title, sizeof title, "Sobol' indices of %s", s->outputs[o] ? s->outputs[o] : "");
    mps_svg_open(out, &f, "indices", title,
                 "First-order and total Sobol' indices of each studied input, with their "
                 "bootstrap percentile intervals, inputs by decreasing total index.",
                 "Share of the output's variance", NULL, lg, sizeof lg / sizeof lg[0], 1);

    char tip[512], v[64], a[64], b[64];
    for (size_t r = 0; r < k; r++) {
        const size_t i = idx[r], c = i * m + o;
        const char *key = s->inputs[i] ? s->inputs[i] : "";
        double y = f.top + row * (double)r + 5.0;
        fprintf(out, "<g class=\"indices-bar\" data-rank=\"%zu\" data-input=\"", r + 1);
        mps_report_escape(out, key);
        fputc('"', out);
        data_attr(out, "first-order", s->s1[c]);
        data_attr(out, "first-order-lo", s->s1_lo[c]);
        data_attr(out, "first-order-hi", s->s1_hi[c]);
        data_attr(out, "total", s->st[c]);
        data_attr(out, "total-lo", s->st_lo[c]);
        data_attr(out, "total-hi", s->st_hi[c]);
        fputs("><title>", out);
        mps_report_escape(out, key);
        fprintf(out, "</title><text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">",
                f.left - 6.0, y + h + 4.0);
        input_label(out, key);
        fputs("</text>", out);
        mps_report_fmt(v, sizeof v, s->s1[c], MPS_DEC_PROB);
        mps_report_fmt(a, sizeof a, s->s1_lo[c], MPS_DEC_PROB);
        mps_report_fmt(b, sizeof b, s->s1_hi[c], MPS_DEC_PROB);
        snprintf(tip, sizeof tip, "First order %s (interval %s to %s)", v, a, b);
        hbar(out, &f, 0.0, s->s1[c], y, h, MPS_OI_BLUE, tip);
        error_bar(out, &f, s->s1_lo[c], s->s1_hi[c], y + h / 2.0);
        mps_report_fmt(v, sizeof v, s->st[c], MPS_DEC_PROB);
        mps_report_fmt(a, sizeof a, s->st_lo[c], MPS_DEC_PROB);
        mps_report_fmt(b, sizeof b, s->st_hi[c], MPS_DEC_PROB);
        snprintf(tip, sizeof tip, "Total %s (interval %s to %s)", v, a, b);
        hbar(out, &f, 0.0, s->st[c], y + h + 2.0, h, MPS_OI_ORANGE, tip);
        error_bar(out, &f, s->st_lo[c], s->st_hi[c], y + 1.5 * h + 2.0);
        fputs("</g>\n", out);
    }
    free(idx);
    double x0 = mps_frame_x(&f, 0.0);
    fprintf(out, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#000000\"/>\n", x0,
            x0, f.top, f.bottom);
    mps_svg_close(out);
    return 0;
}
