/*
 * mpsim_results_print_table: the readable summary printed by `mpsim run`,
 * `mpsim static` and `mpsim show`.  Money is in £m with one decimal (£0.1m
 * is finer than any input is known to), probabilities with three decimals,
 * ratios with two; undefined values print as n/a (model.md section 10).
 *
 * What a scenario models decides what is shown: the lines on spending-review
 * cuts and adaptive management appear only when the run produced their time
 * series (`cut`, `projects_stopped`), and the per-project delivery table
 * only then or when some project was stopped.  The table is meant to stay
 * readable in 100 columns, apart from the per-project value table whose
 * width follows the longest project id.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "mpsim.h"

/* Display width of a UTF-8 string (continuation bytes take no column), so
 * labels holding "£" still line up. */
static int width(const char *s)
{
    int w = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        w += (*p & 0xC0) != 0x80;
    return w;
}

/* Prints s left-aligned in a field of w columns. */
static void pad(FILE *out, const char *s, int w)
{
    s = s ? s : "";
    fputs(s, out);
    for (int n = width(s); n < w; n++)
        fputc(' ', out);
}

/* Prints x right-aligned in w columns with `dec` decimals, or n/a. */
static void num(FILE *out, double x, int w, int dec)
{
    if (isfinite(x))
        fprintf(out, "%*.*f", w, dec, x);
    else
        fprintf(out, "%*s", w, "n/a");
}

/* Widest of the given header and the char * members at `off` of n records. */
static int id_width(const char *header, const void *base, size_t stride, size_t n, size_t off)
{
    int w = width(header);
    for (size_t i = 0; i < n; i++) {
        const char *s = *(char *const *)((const char *)base + i * stride + off);
        if (s && width(s) > w)
            w = width(s);
    }
    return w;
}

/* The per-year means of the series called `name`, or NULL when the run did
 * not produce it (the scenario does not model it). */
static const double *series_mean(const mpsim_scenario_result *s, const char *name)
{
    for (size_t i = 0; i < s->n_series; i++)
        if (s->series[i].name && strcmp(s->series[i].name, name) == 0)
            return s->series[i].mean;
    return NULL;
}

static int any_stopped(const mpsim_scenario_result *s)
{
    for (size_t i = 0; i < s->n_projects; i++)
        if (s->projects[i].p_stopped > 0.0)
            return 1;
    return 0;
}

static void print_static_only(FILE *out, const mpsim_static_result *st)
{
    fputs("  Static Green Book appraisal\n", out);
    static const char *labels[] = {"PV cost (£m)", "PVC (£m)", "PV benefits (£m)", "NPV (£m)"};
    const double v[] = {st->pv_cost, st->pvc, st->pv_benefits, st->npv};
    for (int i = 0; i < 4; i++) {
        fputs("    ", out);
        pad(out, labels[i], 18);
        num(out, v[i], 12, 1);
        fputc('\n', out);
    }
    fputs("    ", out);
    pad(out, "BCR", 18);
    num(out, st->bcr, 12, 2);
    fputc('\n', out);
}

static void print_headline(FILE *out, const mpsim_results *r, const mpsim_scenario_result *s)
{
    const mpsim_static_result *st = &s->stat;
    fputs("  Static Green Book BCR ", out);
    num(out, st->bcr, 0, 2);
    fputs(" beside dynamic expected BCR ", out);
    num(out, s->expected_bcr, 0, 2);
    fprintf(out, "\n  (%" PRIu64 " paths, seed %" PRIu64 ")\n\n", r->paths, r->seed);

    fputs("    ", out);
    pad(out, "", 30);
    fprintf(out, "%12s  %12s\n", "Static", "Dynamic mean");
    static const char *labels[] = {"PV cost (£m)", "PVC (£m)", "PV benefits (£m)", "NPV (£m)"};
    const double sv[] = {st->pv_cost, st->pvc, st->pv_benefits, st->npv};
    const int dm[] = {MPSIM_M_PV_COST, MPSIM_M_PVC, MPSIM_M_PV_BENEFITS, MPSIM_M_NPV};
    for (int i = 0; i < 4; i++) {
        fputs("    ", out);
        pad(out, labels[i], 30);
        num(out, sv[i], 12, 1);
        fputs("  ", out);
        num(out, s->stats[dm[i]][MPSIM_STAT_MEAN], 12, 1);
        fputc('\n', out);
    }
    fputs("    ", out);
    pad(out, "BCR (dynamic: E[PVB] / E[PVC])", 30);
    num(out, st->bcr, 12, 2);
    fputs("  ", out);
    num(out, s->expected_bcr, 12, 2);
    fputs("\n\n", out);

    const double *npv = s->stats[MPSIM_M_NPV];
    fputs("    ", out);
    pad(out, "NPV P5 / P50 / P95 (£m)", 30);
    num(out, npv[MPSIM_STAT_P5], 0, 1);
    fputs(" / ", out);
    num(out, npv[MPSIM_STAT_P50], 0, 1);
    fputs(" / ", out);
    num(out, npv[MPSIM_STAT_P95], 0, 1);
    fputs("\n    ", out);
    pad(out, "P(BCR > 1)", 30);
    num(out, s->p_bcr_above_1, 0, 3);
    fputs("\n    ", out);
    pad(out, "P(NPV < 0)", 30);
    num(out, s->p_npv_negative, 0, 3);
    fputs("\n    ", out);
    pad(out, "Expected shortfall, 5% (£m)", 30);
    num(out, s->expected_shortfall_5, 0, 1);
    fputs("\n    ", out);
    pad(out, "BCR undefined (PVC <= 0)", 30);
    fprintf(out, "%" PRIu64 " paths\n", s->bcr_undefined);
}

/* Where the expected value comes from: the mean of each benefit component,
 * whatever the switches say (interface.md `decomposition`), then the fiscal
 * side when it is modelled. */
static void print_decomposition(FILE *out, const mpsim_scenario_result *s)
{
    static const char *labels[MPSIM_N_DECOMP] = {
        "Direct benefits", "Unplanned spillovers", "Cashable savings", "Wider economy (GDP)"};
    double total = 0.0;
    for (int d = 0; d < MPSIM_N_DECOMP; d++)
        total += s->decomposition[d];
    fputs("\n    Value decomposition (mean PV, £m; shares of their sum)\n", out);
    for (int d = 0; d < MPSIM_N_DECOMP; d++) {
        fputs("    ", out);
        pad(out, labels[d], 30);
        num(out, s->decomposition[d], 12, 1);
        if (total > 0.0)
            fprintf(out, "  %5.1f%%", 100.0 * s->decomposition[d] / total);
        fputc('\n', out);
    }
    const double tax = s->stats[MPSIM_M_PV_TAX][MPSIM_STAT_MEAN];
    const double debt = s->stats[MPSIM_M_DEBT_RATIO_CHANGE_END][MPSIM_STAT_MEAN];
    fputs("    ", out);
    pad(out, "Net exchequer cost (£m)", 30);
    num(out, s->stats[MPSIM_M_PV_EXCHEQUER][MPSIM_STAT_MEAN], 12, 1);
    fputc('\n', out);
    if (tax != 0.0 || debt != 0.0) {
        fputs("    ", out);
        pad(out, "Tax receipts (£m)", 30);
        num(out, tax, 12, 1);
        fputs("\n    ", out);
        pad(out, "Debt-to-GDP change, last year", 30);
        if (isfinite(debt))
            fprintf(out, "%+12.5f\n", debt);
        else
            num(out, debt, 12, 5);
    }
}

/* How often spending-review cuts were in force: the `cut` series is 1 in a
 * year with a cut in force, so its mean in year t is P(cut in force in t),
 * the mean of those over the horizon is the share of years cut, and their
 * sum the expected number of years cut (model.md section 7).  The series
 * cannot tell review periods apart, so periods are left to the reader
 * (years / spending_review.every, docs/policy-scenarios.md). */
static void print_cuts(FILE *out, const mpsim_scenario_result *s, const double *cut)
{
    double years = 0.0;
    for (int t = 0; t < s->horizon; t++)
        years += cut[t];
    fputs("\n    Spending-review cuts\n    ", out);
    pad(out, "Cut in force, share of years", 30);
    num(out, s->horizon > 0 ? years / s->horizon : NAN, 12, 3);
    fputs("  (expected ", out);
    num(out, years, 0, 1);
    fprintf(out, " of %d years)\n", s->horizon);
}

enum { STOP_YEARS_SHOWN = 10, STOP_YEARS_PER_LINE = 5 };

/* Adaptive management: the expected number of projects stopped (the sum of
 * the per-project P(stopped)) and the years the stops fall in, from the mean
 * of `projects_stopped` (reviews fall every review_every years, so only a
 * few years carry stops).  Years whose mean rounds to 0.000 are left out; of
 * the rest at most STOP_YEARS_SHOWN, the largest, are listed in year order. */
static void print_management(FILE *out, const mpsim_scenario_result *s, const double *stopped)
{
    double expected = 0.0;
    for (size_t i = 0; i < s->n_projects; i++)
        expected += s->projects[i].p_stopped;
    fputs("\n    Adaptive management\n    ", out);
    pad(out, "Projects stopped, expected", 30);
    num(out, expected, 12, 3);
    fprintf(out, "  (of %zu)\n", s->n_projects);

    /* The cut-off for the STOP_YEARS_SHOWN largest means: the smallest of
     * them, found by selection (no allocation; the horizon is at most 1000). */
    const double shown = 0.0005;
    int n_shown = 0;
    for (int t = 0; t < s->horizon; t++)
        n_shown += stopped[t] >= shown;
    double floor_value = shown;
    int limited = n_shown > STOP_YEARS_SHOWN;
    if (limited) {
        double prev = INFINITY;
        for (int k = 0; k < STOP_YEARS_SHOWN; k++) {
            double best = -INFINITY;
            for (int t = 0; t < s->horizon; t++)
                if (stopped[t] < prev && stopped[t] > best)
                    best = stopped[t];
            prev = best;
        }
        floor_value = prev;
    }
    fputs("    ", out);
    pad(out, limited ? "Stops by year (largest)" : "Stops by year (expected)", 30);
    if (n_shown == 0) {
        fputs("  none\n", out);
        return;
    }
    int on_line = 0, printed = 0;
    for (int t = 0; t < s->horizon && printed < STOP_YEARS_SHOWN; t++) {
        if (!(stopped[t] >= floor_value))
            continue;
        if (on_line == STOP_YEARS_PER_LINE) {
            fputs("\n    ", out);
            pad(out, "", 30);
            on_line = 0;
        }
        fprintf(out, "  %4d: %.3f", s->base_year + t, stopped[t]);
        on_line++;
        printed++;
    }
    fputc('\n', out);
}

static void print_policy(FILE *out, const mpsim_scenario_result *s)
{
    const double *cut = series_mean(s, "cut");
    const double *stopped = series_mean(s, "projects_stopped");
    if (cut != NULL)
        print_cuts(out, s, cut);
    if (stopped != NULL)
        print_management(out, s, stopped);
}

/* The share of each project's planned programme delivered (cuts,
 * cancellations, gate failures and stops lower it) and, when management
 * stopped anything, P(stopped): a second table, so that the value table
 * above keeps its width. */
static void print_delivery(FILE *out, const mpsim_scenario_result *s)
{
    int stops = any_stopped(s);
    if (s->n_projects == 0 ||
        !(stops || series_mean(s, "cut") != NULL || series_mean(s, "projects_stopped") != NULL))
        return;
    int w = id_width("Project", s->projects, sizeof *s->projects, s->n_projects,
                     offsetof(mpsim_project_result, id));
    fputs("\n    ", out);
    pad(out, "Project", w);
    fputs("  Category  Planned spend delivered (share)", out);
    if (stops)
        fputs("  P(stopped)", out);
    fputc('\n', out);
    for (size_t i = 0; i < s->n_projects; i++) {
        const mpsim_project_result *p = &s->projects[i];
        fputs("    ", out);
        pad(out, p->id, w);
        fputs("  ", out);
        pad(out, p->category, 8);
        num(out, p->mean_spend_share, 33, 3);
        if (stops)
            num(out, p->p_stopped, 12, 3);
        fputc('\n', out);
    }
}

static void print_missions(FILE *out, const mpsim_scenario_result *s)
{
    if (s->n_missions == 0)
        return;
    int w = id_width("Mission", s->missions, sizeof *s->missions,
                     s->n_missions, offsetof(mpsim_mission_result, id));
    fputs("\n    Missions (P5 .. P95: quantiles of the first year the target is reached)\n    ", out);
    pad(out, "Mission", w);
    fprintf(out, "  %11s  %-16s", "P(achieved)", "Target");
    for (int q = 0; q < MPSIM_N_YEAR_Q; q++)
        fprintf(out, "  %5s", q == 0 ? "P5" : q == 1 ? "P25" : q == 2 ? "P50" : q == 3 ? "P75" : "P95");
    fputc('\n', out);
    for (size_t i = 0; i < s->n_missions; i++) {
        const mpsim_mission_result *m = &s->missions[i];
        fputs("    ", out);
        pad(out, m->id, w);
        fputs("  ", out);
        num(out, m->has_target ? m->p_achieved : NAN, 11, 3);
        char target[64];
        if (m->has_target)
            snprintf(target, sizeof target, "%g by %d", m->target_value, m->target_by);
        else
            snprintf(target, sizeof target, "none");
        fprintf(out, "  %-16s", target);
        for (int q = 0; q < MPSIM_N_YEAR_Q; q++) {
            fputs("  ", out);
            num(out, m->year_q[q], 5, 0);
        }
        fputc('\n', out);
    }
}

static void print_projects(FILE *out, const mpsim_scenario_result *s)
{
    if (s->n_projects > 0) {
        int w = id_width("Project", s->projects, sizeof *s->projects, s->n_projects,
                         offsetof(mpsim_project_result, id));
        int wk = id_width("Kind", s->projects, sizeof *s->projects, s->n_projects,
                          offsetof(mpsim_project_result, kind));
        fputs("\n    ", out);
        pad(out, "Project", w);
        fputs("  ", out);
        pad(out, "Kind", wk);
        fputs("  P(success)  PV cost (£m)  PV benefits (£m)"
              "    Direct  Spillovers   Savings       GDP\n", out);
        for (size_t i = 0; i < s->n_projects; i++) {
            const mpsim_project_result *p = &s->projects[i];
            fputs("    ", out);
            pad(out, p->id, w);
            fputs("  ", out);
            pad(out, p->kind, wk);
            num(out, p->p_success, 12, 3);
            num(out, p->mean_pv_cost, 14, 1);
            num(out, p->mean_pv_benefits, 18, 1);
            num(out, p->mean_pv_direct, 10, 1);
            num(out, p->mean_pv_spillovers, 12, 1);
            num(out, p->mean_pv_savings, 10, 1);
            num(out, p->mean_pv_gdp, 10, 1);
            fputc('\n', out);
        }
    }
    print_delivery(out, s);
    if (s->n_kinds > 0) {
        int w = id_width("Kind", s->kinds, sizeof *s->kinds, s->n_kinds,
                         offsetof(mpsim_kind_result, kind));
        fputs("\n    ", out);
        pad(out, "Kind", w);
        fputs("  Projects  PV cost (£m)  PV benefits (£m)\n", out);
        for (size_t i = 0; i < s->n_kinds; i++) {
            const mpsim_kind_result *k = &s->kinds[i];
            fputs("    ", out);
            pad(out, k->kind, w);
            fprintf(out, "  %8d", k->projects);
            num(out, k->mean_pv_cost, 14, 1);
            num(out, k->mean_pv_benefits, 18, 1);
            fputc('\n', out);
        }
    }
}

/* Prints a signed difference ("+12.5"), or n/a. */
static void signed_num(FILE *out, double x, int dec)
{
    if (isfinite(x))
        fprintf(out, "%+.*f", dec, x);
    else
        fputs("n/a", out);
}

/* Each later scenario b against the baseline a, per path under common
 * random numbers (interface.md `comparisons`).  Differences carry their
 * sign.  P(b better) counts strict improvements only: paths the variant
 * does not touch give equal NPVs, so 1 - P(b better) mixes "worse" and
 * "the same", which the line says. */
static void print_comparisons(FILE *out, const mpsim_results *r)
{
    if (r->n_comparisons == 0)
        return;
    fputs("\nComparisons with the baseline (b - a per path, common random numbers)\n", out);
    for (size_t i = 0; i < r->n_comparisons; i++) {
        const mpsim_comparison *c = &r->comparisons[i];
        int w = width("Net exchequer cost, b - a (£m)");
        for (size_t m = 0; m < c->n_missions; m++) {
            int wm =
                width("P(achieved) change, ") + width(c->mission_ids[m] ? c->mission_ids[m] : "");
            if (wm > w)
                w = wm;
        }
        w += 2;
        fprintf(out, "  %s -> %s\n    ", c->a ? c->a : "", c->b ? c->b : "");
        pad(out, "NPV difference, b - a (£m)", w);
        fputs("mean ", out);
        signed_num(out, c->npv_diff_mean, 1);
        fputs(" (se ", out);
        num(out, c->npv_diff_se, 0, 1);
        fputs(", sd ", out);
        num(out, c->npv_diff_sd, 0, 1);
        fputs(")\n    ", out);
        pad(out, "P(b has the higher NPV)", w);
        num(out, c->p_b_better, 0, 3);
        fputs(" (equal NPVs count as not higher)\n    ", out);
        pad(out, "Net exchequer cost, b - a (£m)", w);
        fputs("mean ", out);
        signed_num(out, c->exchequer_diff_mean, 1);
        fputs(" (se ", out);
        num(out, c->exchequer_diff_se, 0, 1);
        fputs(")\n", out);
        for (size_t m = 0; m < c->n_missions; m++) {
            fputs("    P(achieved) change, ", out);
            pad(out, c->mission_ids[m], w - width("P(achieved) change, "));
            signed_num(out, c->p_achieved_diff[m], 3);
            fputc('\n', out);
        }
    }
}

void mpsim_results_print_table(const mpsim_results *r, FILE *out)
{
    for (size_t i = 0; i < r->n_scenarios; i++) {
        const mpsim_scenario_result *s = &r->scenarios[i];
        if (i > 0)
            fputc('\n', out);
        fprintf(out, "Scenario %s", s->name ? s->name : "");
        if (s->description && *s->description)
            fprintf(out, ": %s", s->description);
        fputc('\n', out);
        if (r->static_only || !s->has_dynamic) {
            print_static_only(out, &s->stat);
            continue;
        }
        print_headline(out, r, s);
        print_decomposition(out, s);
        print_policy(out, s);
        print_missions(out, s);
        print_projects(out, s);
    }
    if (!r->static_only)
        print_comparisons(out, r);
}
