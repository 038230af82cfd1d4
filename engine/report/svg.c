/*
 * SVG primitives of the report's charts: nice axes, the frame (title,
 * legend, grid, ticks and axis labels) and marker lines.
 *
 * Every chart is a standalone SVG document (it declares its namespace and
 * its fonts on the root element), so it parses as XML on its own and looks
 * the same copied out of the page.  Sizes are in CSS pixels of a fixed
 * viewBox; the page scales the charts down to narrow windows.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report/report.h"

/* Rough width of a character of the 12 px label font: SVG cannot measure
 * text before it is drawn, and legends only need to avoid overlapping. */
#define MPS_CHAR_PX 6.6

void mps_axis_nice(mps_axis *a, double lo, double hi, int target)
{
    if (!isfinite(lo) || !isfinite(hi)) {
        lo = 0.0;
        hi = 1.0;
    }
    if (hi < lo) {
        double t = lo;
        lo = hi;
        hi = t;
    }
    if (hi - lo <= 1e-12 * fmax(fabs(lo), fabs(hi))) {
        double d = fabs(lo) * 0.1;
        if (d == 0.0)
            d = 1.0;
        lo -= d;
        hi += d;
    }
    if (target < 2)
        target = 2;
    /* The step is 1, 2 or 5 times a power of ten: the steps people read
     * without arithmetic. */
    double raw = (hi - lo) / target;
    double mag = pow(10.0, floor(log10(raw)));
    double f = raw / mag;
    double step = (f <= 1.0 ? 1.0 : f <= 2.0 ? 2.0 : f <= 5.0 ? 5.0 : 10.0) * mag;
    a->step = step;
    a->lo = floor(lo / step + 1e-9) * step;
    a->hi = ceil(hi / step - 1e-9) * step;
    if (a->hi <= a->lo)
        a->hi = a->lo + step;
    a->decimals = step >= 1.0 ? 0 : (int)ceil(-log10(step) - 1e-9);
}

double mps_frame_x(const mps_frame *f, double v)
{
    return f->left + (v - f->x.lo) / (f->x.hi - f->x.lo) * (f->right - f->left);
}

double mps_frame_y(const mps_frame *f, double v)
{
    return f->bottom - (v - f->y.lo) / (f->y.hi - f->y.lo) * (f->bottom - f->top);
}

/* A tick label: years plain ("2030"), everything else with separators. */
static void tick_label(char *b, size_t n, const mps_axis *a, double v, int plain)
{
    if (fabs(v) < a->step * 1e-9)
        v = 0.0;
    if (plain)
        snprintf(b, n, "%.*f", a->decimals, v);
    else
        mps_report_fmt(b, n, v, a->decimals);
}

static void legend_row(FILE *out, const mps_frame *f, const mps_legend *lg, size_t n)
{
    double x = f->left, y = 42.0;
    for (size_t i = 0; i < n; i++) {
        const mps_legend *e = &lg[i];
        double w = 18.0 + MPS_CHAR_PX * (double)strlen(e->label) + 16.0;
        if (x > f->left && x + w > f->width) { /* wrap to a second row */
            x = f->left;
            y += 16.0;
        }
        if (strcmp(e->style, "fill") == 0) {
            fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"14\" height=\"10\" fill=\"%s\"",
                    x, y - 9.0, e->colour);
            if (e->opacity > 0.0 && e->opacity < 1.0)
                fprintf(out, " fill-opacity=\"%.2f\"", e->opacity);
            fputs("/>", out);
        } else {
            const char *dash = strcmp(e->style, "dash") == 0  ? " stroke-dasharray=\"6 3\""
                               : strcmp(e->style, "dot") == 0 ? " stroke-dasharray=\"2 2\""
                                                              : "";
            fprintf(out,
                    "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                    "stroke-width=\"2\"%s/>",
                    x, y - 4.0, x + 14.0, y - 4.0, e->colour, dash);
        }
        fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" class=\"legend\">", x + 18.0, y);
        mps_report_escape(out, e->label);
        fputs("</text>", out);
        x += w;
    }
    fputc('\n', out);
}

void mps_svg_open(FILE *out, const mps_frame *f, const char *kind, const char *title,
                  const char *desc, const char *xlabel, const char *ylabel,
                  const mps_legend *legend, size_t n_legend, int ticks)
{
    fprintf(out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" "
            "data-chart=\"%s\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
            "font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif\" "
            "font-size=\"12\">\n",
            kind, f->width, f->height, f->width, f->height);
    fputs("<title>", out);
    mps_report_escape(out, title);
    fputs("</title>\n", out);
    if (desc) {
        fputs("<desc>", out);
        mps_report_escape(out, desc);
        fputs("</desc>\n", out);
    }
    fputs("<style>.legend,.tick{fill:#333}.axis-label{fill:#000;font-size:12px}"
          ".chart-title{font-size:14px;font-weight:bold}.mark{font-size:11px}</style>\n",
          out);
    fprintf(out, "<rect width=\"%.0f\" height=\"%.0f\" fill=\"#ffffff\"/>\n", f->width, f->height);
    fprintf(out, "<text x=\"%.1f\" y=\"22\" class=\"chart-title\">", f->left);
    mps_report_escape(out, title);
    fputs("</text>\n", out);
    if (n_legend > 0)
        legend_row(out, f, legend, n_legend);

    char b[64];
    /* Ticks at the multiples of the step inside the axis (an axis may be
     * cut to the data, as years are, rather than to whole steps). */
    const double x0 = ceil(f->x.lo / f->x.step - 1e-9) * f->x.step;
    const double y0 = ceil(f->y.lo / f->y.step - 1e-9) * f->y.step;
    /* Grid and tick labels. */
    fputs("<g class=\"grid\" stroke=\"#dddddd\" stroke-width=\"1\">", out);
    if (ticks & 2)
        for (double v = y0; v <= f->y.hi + f->y.step * 1e-6; v += f->y.step)
            fprintf(out, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>", f->left,
                    f->right, mps_frame_y(f, v), mps_frame_y(f, v));
    if (ticks & 1)
        for (double v = x0; v <= f->x.hi + f->x.step * 1e-6; v += f->x.step)
            fprintf(out, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>",
                    mps_frame_x(f, v), mps_frame_x(f, v), f->top, f->bottom);
    fputs("</g>\n<g class=\"ticks\">", out);
    if (ticks & 2)
        for (double v = y0; v <= f->y.hi + f->y.step * 1e-6; v += f->y.step) {
            tick_label(b, sizeof b, &f->y, v, 0);
            fprintf(out, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>",
                    f->left - 6.0, mps_frame_y(f, v) + 4.0, b);
        }
    if (ticks & 1)
        for (double v = x0; v <= f->x.hi + f->x.step * 1e-6; v += f->x.step) {
            tick_label(b, sizeof b, &f->x, v, (ticks & 4) != 0);
            fprintf(out,
                    "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>",
                    mps_frame_x(f, v), f->bottom + 16.0, b);
        }
    fputs("</g>\n", out);
    fprintf(out,
            "<path d=\"M%.1f %.1f V%.1f H%.1f\" fill=\"none\" stroke=\"#000000\" "
            "stroke-width=\"1\"/>\n",
            f->left, f->top, f->bottom, f->right);
    if (xlabel) {
        fprintf(out, "<text class=\"axis-label\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">",
                (f->left + f->right) / 2.0, f->height - 10.0);
        mps_report_escape(out, xlabel);
        fputs("</text>\n", out);
    }
    if (ylabel) {
        double cy = (f->top + f->bottom) / 2.0;
        fprintf(out,
                "<text class=\"axis-label\" x=\"16\" y=\"%.1f\" text-anchor=\"middle\" "
                "transform=\"rotate(-90 16 %.1f)\">",
                cy, cy);
        mps_report_escape(out, ylabel);
        fputs("</text>\n", out);
    }
}

void mps_svg_close(FILE *out) { fputs("</svg>\n", out); }

void mps_svg_vline(FILE *out, const mps_frame *f, double x, const char *colour,
                   const char *dash, const char *label, int label_row)
{
    if (!isfinite(x) || x < f->x.lo || x > f->x.hi)
        return;
    double px = mps_frame_x(f, x);
    fprintf(out, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                 "stroke-width=\"2\"",
            px, px, f->top, f->bottom, colour);
    if (dash)
        fprintf(out, " stroke-dasharray=\"%s\"", dash);
    fputs("/>\n", out);
    if (label) {
        /* Labels sit inside the plot, on the side with more room, one row
         * each so neighbouring markers do not overwrite one another. */
        int right = px < (f->left + f->right) / 2.0;
        fprintf(out,
                "<text class=\"mark\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" fill=\"%s\">",
                right ? px + 4.0 : px - 4.0, f->top + 12.0 + 14.0 * label_row,
                right ? "start" : "end", colour);
        mps_report_escape(out, label);
        fputs("</text>\n", out);
    }
}

void mps_svg_hline(FILE *out, const mps_frame *f, double y, const char *colour,
                   const char *dash)
{
    if (!isfinite(y) || y < f->y.lo || y > f->y.hi)
        return;
    double py = mps_frame_y(f, y);
    fprintf(out, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                 "stroke-width=\"2\"",
            f->left, f->right, py, py, colour);
    if (dash)
        fprintf(out, " stroke-dasharray=\"%s\"", dash);
    fputs("/>\n", out);
}
