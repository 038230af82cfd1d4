/*
 * The analyst's report (docs/report.md): one self-contained HTML page with
 * SVG charts drawn here, from an mpsim_results or from a sensitivity file
 * as engine/sensitivity/model_read.c reads it.  Internal interface of
 * engine/report/; the public entry points are in include/mpsim.h.
 *
 * Everything writes to a FILE * (a memory stream when the page is written
 * to a file, so a failed write leaves nothing behind); nothing here prints
 * on its own or touches HDF5.
 */
#ifndef MPS_REPORT_H
#define MPS_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "mpsim.h"
#include "sensitivity/sens_read.h"

/* The Okabe-Ito palette (Okabe and Ito, "Color Universal Design", 2008):
 * eight colours that stay distinct under the common forms of colour-blindness. */
#define MPS_OI_BLACK "#000000"
#define MPS_OI_ORANGE "#E69F00"
#define MPS_OI_SKY "#56B4E9"
#define MPS_OI_GREEN "#009E73"
#define MPS_OI_YELLOW "#F0E442"
#define MPS_OI_BLUE "#0072B2"
#define MPS_OI_VERMILLION "#D55E00"
#define MPS_OI_PURPLE "#CC79A7"

/** The page's style sheet (html.c), shared by every report page. */
extern const char mps_report_css[];

/* ------------------------------------------------------------ text (text.c) */

/** Writes s escaped for HTML and XML text or attribute values: & < > " '
 *  become entities, and bytes that are not valid UTF-8, or control
 *  characters other than tab and newline, become U+FFFD, so any text from a
 *  results file keeps the page (and every SVG in it) well formed.  NULL
 *  writes nothing. */
void mps_report_escape(FILE *out, const char *s);

/** Formats x with `dec` decimals and thousands separators ("12,345.6"),
 *  or "n/a" when x is not finite; never "-0".  buf holds at least 48 bytes. */
void mps_report_fmt(char *buf, size_t n, double x, int dec);

/** Decimals shown for each kind of number, the same everywhere in the
 *  report (and as `mpsim show` prints them): £m one, ratios two,
 *  probabilities three. */
enum { MPS_DEC_MONEY = 1, MPS_DEC_RATIO = 2, MPS_DEC_PROB = 3 };

/** Writes a table cell holding x: the formatted number as text and the exact
 *  value (17 significant digits, "nan" when undefined) in `data-value`, so
 *  a reader (or a test) can check the page against the results file.  key,
 *  when non-NULL, goes into `data-key`: the value's path in the --json
 *  summary ("static.bcr", "dynamic.metrics.npv.p5", ...). dec < 0 prints a
 *  calendar year (no separators). */
void mps_report_num_cell(FILE *out, const char *key, double x, int dec);

/** A display label (not escaped) for a units string from the results file:
 *  "GBP million" or "GBP m" becomes "£m", "1" becomes "ratio". */
void mps_report_units_text(char *buf, size_t n, const char *units);

/* ----------------------------------------------------------- axes (svg.c) */

/** A "nice" axis: ticks from lo to hi in steps of 1, 2 or 5 times a power
 *  of ten, labelled with `decimals` decimals. */
typedef struct {
    double lo, hi, step;
    int decimals;
} mps_axis;

/** The nice axis covering [lo, hi] with about `target` intervals.  A
 *  degenerate or non-finite range gets a small range around it. */
void mps_axis_nice(mps_axis *a, double lo, double hi, int target);

/** A chart's frame: the SVG size and the plot area inside it, in pixels. */
typedef struct {
    double width, height;
    double left, right, top, bottom; /**< the plot area's edges */
    mps_axis x, y;
} mps_frame;

/** Maps a data value to a pixel. */
double mps_frame_x(const mps_frame *f, double v);
double mps_frame_y(const mps_frame *f, double v);

/** One entry of a chart's legend. */
typedef struct {
    const char *label;
    const char *colour;
    const char *style; /**< "fill", "line", "dash" or "dot" */
    double opacity;
} mps_legend;

/** Opens an <svg> with its accessible title (and `desc` when non-NULL),
 *  draws the visible title, a legend row under it, the grid, the axes with
 *  tick labels and the axis labels.  `ticks` says which axes get ticks:
 *  1 the x axis, 2 the y axis, 4 x labels without thousands separators
 *  (years); bar charts label their categories themselves.  `kind` goes
 *  into the element's data-chart attribute. */
void mps_svg_open(FILE *out, const mps_frame *f, const char *kind, const char *title,
                  const char *desc, const char *xlabel, const char *ylabel,
                  const mps_legend *legend, size_t n_legend, int ticks);

/** Closes the <svg>. */
void mps_svg_close(FILE *out);

/** A vertical marker line across the plot at data x, labelled at the top. */
void mps_svg_vline(FILE *out, const mps_frame *f, double x, const char *colour,
                   const char *dash, const char *label, int label_row);

/** A horizontal marker line across the plot at data y. */
void mps_svg_hline(FILE *out, const mps_frame *f, double y, const char *colour,
                   const char *dash);

/* -------------------------------------------------------- charts (charts.c) */

/** A value marked on a distribution. */
typedef struct {
    double value;
    const char *label;  /**< e.g. "Static NPV" */
    const char *colour;
    const char *dash;   /**< SVG dash array, NULL for solid */
    int dec;            /**< decimals of the value in the label; -1: label only */
} mps_marker;

/** The histogram of a distribution with markers.  Returns 0, or -1 (and
 *  writes nothing) when the histogram is empty. */
int mps_chart_histogram(FILE *out, const char *kind, const char *title, const char *xlabel,
                        const mpsim_distribution *d, const mps_marker *markers,
                        size_t n_markers);

/** A fan chart of a series over the years first_year.. : P5-P95 and
 *  P25-P75 bands and the median.  When target_year > 0 the mission target
 *  level and year are marked.  Returns -1 (writing nothing) when the
 *  series has no finite value or the quantile levels lack the median. */
int mps_chart_fan(FILE *out, const char *kind, const char *title, const char *ylabel,
                  const mpsim_series *s, const double *levels, size_t n_levels,
                  int first_year, int n_years, double target, int target_year);

/** Horizontal stacked bars: one bar per category, one segment per
 *  component (values[c * n_comp + k]); negative segments stack leftwards
 *  from zero.  Returns -1 (writing nothing) when there are no categories. */
int mps_chart_stacked(FILE *out, const char *kind, const char *title, const char *xlabel,
                      const char *const *categories, size_t n_cat,
                      const char *const *components, const char *const *colours, size_t n_comp,
                      const double *values);

/* ----------------------------------------------------------- tables (tables.c) */

/** The headline table of a scenario (static beside dynamic). */
void mps_table_headline(FILE *out, const mpsim_scenario_result *s);

/** The missions table (P(achieved), target, first-year quantiles). */
void mps_table_missions(FILE *out, const mpsim_scenario_result *s);

/** The projects table (kind, category, P(success), values). */
void mps_table_projects(FILE *out, const mpsim_scenario_result *s);

/** The comparison table of a batch; nothing without comparisons. */
void mps_table_comparisons(FILE *out, const mpsim_results *r);

/** The overview table: one row per scenario. */
void mps_table_overview(FILE *out, const mpsim_results *r);

/** The provenance footer. */
void mps_table_provenance(FILE *out, const mpsim_results *r);

/** One row of a provenance table: the label and the value as code;
 *  nothing when value is NULL. */
void mps_table_prov_row(FILE *out, const char *label, const char *value);

/** The build's rows of a provenance table (git revision, compiler, flags,
 *  library versions), shared by the results and sensitivity reports. */
void mps_table_provenance_build(FILE *out, const mpsim_provenance *p);

/* ------------------------------------------------------ writing (write.c) */

/** Writes one page to out; a status, with a message in errs on failure. */
typedef int (*mps_report_page)(const void *data, FILE *out, mpsim_errors *errs);

/** Builds the page `page(data)` in memory and writes it atomically to path
 *  (temporary name, fsync, rename): on failure nothing is left at path. */
int mps_report_write_file(const char *path, mps_report_page page, const void *data,
                          mpsim_errors *errs);

/* -------------------------------- the sensitivity report (sens_*.c) */

/** Horizontal tornado bars of E[NPV] (£m) with each input at its P10 and
 *  P90 around the base E[NPV], in the file's order by swing.  Returns -1
 *  (writing nothing) when the scenario has no studied inputs. */
int mps_chart_tornado(FILE *out, const mps_sens_file_scenario *s);

/** First-order and total Sobol' indices of scalar output o, paired bars
 *  with their bootstrap intervals as error bars, inputs sorted by total
 *  index.  Returns -1 (writing nothing) when no index of o is finite. */
int mps_chart_indices(FILE *out, const mps_sens_file_scenario *s, size_t o);

/** The tornado table: each input's P10 and P90 and E[NPV], E[BCR] there. */
void mps_table_tornado(FILE *out, const mps_sens_file_scenario *s);

/** The Sobol' indices of every scalar output, and their sums. */
void mps_table_indices(FILE *out, const mps_sens_file_scenario *s);

/** The switching values, static and dynamic. */
void mps_table_switching(FILE *out, const mps_sens_file_scenario *s);

/** The value of information of a batch (EVPI, EVPPI); nothing without. */
void mps_table_voi(FILE *out, const mps_sens_file *f);

/** The sensitivity report page (docs/report.md) of f: per scenario the
 *  tornado and indices charts and the tables, then the value of
 *  information and the provenance.  MPSIM_ERR_FAIL when writing failed. */
int mps_report_sensitivity_html(const mps_sens_file *f, FILE *out, mpsim_errors *errs);

/** As mps_report_sensitivity_html, written atomically to path. */
int mps_report_sensitivity_html_file(const mps_sens_file *f, const char *path,
                                     mpsim_errors *errs);

#endif
