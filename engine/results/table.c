/*
 * mpsim_results_print_table: the readable summary printed by `mpsim run`,
 * `mpsim static` and `mpsim show`.  Money is in £m with one decimal (£0.1m
 * is finer than any input is known to), probabilities with three decimals,
 * ratios with two; undefined values print as n/a (model.md section 10).
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

static void print_comparisons(FILE *out, const mpsim_results *r)
{
    if (r->n_comparisons == 0)
        return;
    fputs("\nComparisons with the baseline (per path, common random numbers)\n", out);
    for (size_t i = 0; i < r->n_comparisons; i++) {
        const mpsim_comparison *c = &r->comparisons[i];
        fprintf(out, "  %s -> %s\n", c->a ? c->a : "", c->b ? c->b : "");
        fputs("    NPV difference, b - a (£m)     mean ", out);
        num(out, c->npv_diff_mean, 0, 1);
        fputs(" (se ", out);
        num(out, c->npv_diff_se, 0, 1);
        fputs(", sd ", out);
        num(out, c->npv_diff_sd, 0, 1);
        fputs(")\n    P(b has the higher NPV)        ", out);
        num(out, c->p_b_better, 0, 3);
        fputs("\n    Exchequer cost, b - a (£m)     mean ", out);
        num(out, c->exchequer_diff_mean, 0, 1);
        fputs(" (se ", out);
        num(out, c->exchequer_diff_se, 0, 1);
        fputs(")\n", out);
        int w = 0;
        for (size_t m = 0; m < c->n_missions; m++)
            if (c->mission_ids[m] && width(c->mission_ids[m]) > w)
                w = width(c->mission_ids[m]);
        for (size_t m = 0; m < c->n_missions; m++) {
            fputs("    P(achieved) change, ", out);
            pad(out, c->mission_ids[m], w);
            fputs("  ", out);
            if (isfinite(c->p_achieved_diff[m]))
                fprintf(out, "%+.3f\n", c->p_achieved_diff[m]);
            else
                fputs("n/a\n", out);
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
        print_missions(out, s);
        print_projects(out, s);
    }
    if (!r->static_only)
        print_comparisons(out, r);
}
