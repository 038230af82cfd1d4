/*
 * The export's tables, built from an mpsim_results.  Tidy: one row per
 * observation (a scenario, a scenario's metric, a project, a year of a
 * series, ...), one column per variable, the scenario named in every row
 * so tables of a batch stack and join without reshaping.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export/export.h"
#include "results/schema.h"

/* ------------------------------------------------------- table building */

static void add_col(mps_xtable *t, const char *name, const char *units, const char *desc,
                    mps_xkind kind)
{
    if (t->oom)
        return;
    if (t->n_cols == t->cap_cols) {
        size_t cap = t->cap_cols ? 2 * t->cap_cols : 16;
        mps_xcol *c = realloc(t->cols, cap * sizeof *c);
        if (c == NULL) {
            t->oom = 1;
            return;
        }
        t->cols = c;
        t->cap_cols = cap;
    }
    char *dup = malloc(strlen(name) + 1);
    if (dup == NULL) {
        t->oom = 1;
        return;
    }
    strcpy(dup, name);
    t->cols[t->n_cols++] = (mps_xcol){dup, units, desc, kind};
}

/* The columns of a schema (prefixed when prefix is non-NULL). */
static void add_schema_cols(mps_xtable *t, const mps_schema *s, const char *prefix)
{
    char name[128];
    for (size_t k = 0; k < s->n; k++) {
        const mps_field *f = &s->fields[k];
        snprintf(name, sizeof name, "%s%s", prefix ? prefix : "", f->name);
        add_col(t, name, f->units, f->description,
                f->type == MPS_T_STR   ? MPS_X_TEXT
                : f->type == MPS_T_F64 ? MPS_X_NUM
                                       : MPS_X_INT);
    }
}

/* A new row, every cell empty; NULL when out of memory. */
static mps_xcell *add_row(mps_xtable *t)
{
    if (t->oom)
        return NULL;
    if (t->n_rows == t->cap_rows) {
        size_t cap = t->cap_rows ? 2 * t->cap_rows : 32;
        mps_xcell *c = realloc(t->cells, cap * t->n_cols * sizeof *c);
        if (c == NULL) {
            t->oom = 1;
            return NULL;
        }
        t->cells = c;
        t->cap_rows = cap;
    }
    mps_xcell *row = t->cells + t->n_rows * t->n_cols;
    for (size_t j = 0; j < t->n_cols; j++)
        row[j] = (mps_xcell){NULL, NAN};
    t->n_rows++;
    return row;
}

/* Fills cells from column j on with the schema's fields of record rec;
 * returns the next column. */
static size_t put_schema(mps_xcell *row, size_t j, const mps_schema *s, const void *rec)
{
    for (size_t k = 0; k < s->n; k++, j++) {
        const mps_field *f = &s->fields[k];
        const void *p = mps_field_cptr(rec, f);
        switch (f->type) {
        case MPS_T_F64: row[j].num = *(const double *)p; break;
        case MPS_T_I32: row[j].num = *(const int *)p; break;
        case MPS_T_U64: row[j].num = (double)*(const uint64_t *)p; break;
        case MPS_T_STR: row[j].text = *(char *const *)p; break;
        }
    }
    return j;
}

static mps_xtable *new_table(mps_xbook *b, const char *name, const char *desc)
{
    mps_xtable *t = &b->tables[b->n++];
    memset(t, 0, sizeof *t);
    t->name = name;
    t->description = desc;
    return t;
}

#define SCEN_DESC "scenario name"

/* ------------------------------------------------------------- the tables */

static void summary(mps_xbook *b, const mpsim_results *r)
{
    mps_xtable *t = new_table(b, "summary", "one row per scenario: the static appraisal beside "
                                            "the dynamic headline");
    add_col(t, "scenario", NULL, SCEN_DESC, MPS_X_TEXT);
    add_col(t, "description", NULL, "the scenario's description", MPS_X_TEXT);
    add_col(t, "base_year", MPS_UNITS_YEAR, "base year of prices and discounting", MPS_X_INT);
    add_col(t, "horizon", "years", "appraisal horizon", MPS_X_INT);
    add_schema_cols(t, &mps_schema_static, "static_");
    if (!r->static_only) {
        add_schema_cols(t, &mps_schema_dynamic, NULL);
        add_col(t, "npv_mean", MPS_UNITS_GBP, "mean NPV over paths", MPS_X_NUM);
        add_col(t, "npv_p5", MPS_UNITS_GBP, "5th percentile of NPV", MPS_X_NUM);
        add_col(t, "npv_p50", MPS_UNITS_GBP, "median NPV", MPS_X_NUM);
        add_col(t, "npv_p95", MPS_UNITS_GBP, "95th percentile of NPV", MPS_X_NUM);
        char name[64];
        for (int k = 0; k < MPSIM_N_DECOMP; k++) {
            snprintf(name, sizeof name, "decomposition_%s", mpsim_decomp_names[k]);
            add_col(t, name, MPS_UNITS_GBP, mps_decomp_descriptions[k], MPS_X_NUM);
        }
    }
    for (size_t i = 0; i < r->n_scenarios; i++) {
        const mpsim_scenario_result *s = &r->scenarios[i];
        mps_xcell *row = add_row(t);
        if (row == NULL)
            return;
        row[0].text = s->name;
        row[1].text = s->description;
        row[2].num = s->base_year;
        row[3].num = s->horizon;
        size_t j = put_schema(row, 4, &mps_schema_static, &s->stat);
        if (r->static_only || !s->has_dynamic)
            continue;
        j = put_schema(row, j, &mps_schema_dynamic, s);
        const double *npv = s->stats[MPSIM_M_NPV];
        row[j++].num = npv[MPSIM_STAT_MEAN];
        row[j++].num = npv[MPSIM_STAT_P5];
        row[j++].num = npv[MPSIM_STAT_P50];
        row[j++].num = npv[MPSIM_STAT_P95];
        for (int k = 0; k < MPSIM_N_DECOMP; k++)
            row[j++].num = s->decomposition[k];
    }
}

static void metrics(mps_xbook *b, const mpsim_results *r)
{
    mps_xtable *t = new_table(b, "metrics", "every statistic of every per-path metric");
    add_col(t, "scenario", NULL, SCEN_DESC, MPS_X_TEXT);
    add_col(t, "metric", NULL, "per-path metric (model.md section 10)", MPS_X_TEXT);
    add_col(t, "units", NULL, "units of the metric and of its statistics", MPS_X_TEXT);
    for (int k = 0; k < MPSIM_N_STATS; k++)
        add_col(t, mpsim_stat_names[k], NULL, "statistic over paths, in the row's units",
                MPS_X_NUM);
    for (size_t i = 0; i < r->n_scenarios; i++) {
        const mpsim_scenario_result *s = &r->scenarios[i];
        if (!s->has_dynamic)
            continue;
        for (int m = 0; m < MPSIM_N_METRICS; m++) {
            mps_xcell *row = add_row(t);
            if (row == NULL)
                return;
            row[0].text = s->name;
            row[1].text = mpsim_metric_names[m];
            row[2].text = mps_metric_infos[m].units;
            for (int k = 0; k < MPSIM_N_STATS; k++)
                row[3 + k].num = s->stats[m][k];
        }
    }
}

static void missions(mps_xbook *b, const mpsim_results *r)
{
    static const char *const qn[MPSIM_N_YEAR_Q] = {"year_p5", "year_p25", "year_p50",
                                                   "year_p75", "year_p95"};
    mps_xtable *t = new_table(b, "missions", "one row per mission of each scenario");
    add_col(t, "scenario", NULL, SCEN_DESC, MPS_X_TEXT);
    add_col(t, "mission", NULL, "mission id", MPS_X_TEXT);
    add_schema_cols(t, &mps_schema_mission, NULL);
    for (int k = 0; k < MPSIM_N_YEAR_Q; k++)
        add_col(t, qn[k], MPS_UNITS_YEAR,
                "quantile of the first year the target is reached, over paths that reach it "
                "within the horizon; empty when none does",
                MPS_X_INT);
    for (size_t i = 0; i < r->n_scenarios; i++) {
        const mpsim_scenario_result *s = &r->scenarios[i];
        for (size_t m = 0; m < s->n_missions; m++) {
            mps_xcell *row = add_row(t);
            if (row == NULL)
                return;
            row[0].text = s->name;
            row[1].text = s->missions[m].id;
            size_t j = put_schema(row, 2, &mps_schema_mission, &s->missions[m]);
            for (int k = 0; k < MPSIM_N_YEAR_Q; k++)
                row[j + (size_t)k].num = s->missions[m].year_q[k];
        }
    }
}

static void projects(mps_xbook *b, const mpsim_results *r)
{
    mps_xtable *t = new_table(b, "projects", "one row per project of each scenario");
    add_col(t, "scenario", NULL, SCEN_DESC, MPS_X_TEXT);
    add_col(t, "project", NULL, "project id", MPS_X_TEXT);
    add_schema_cols(t, &mps_schema_project, NULL);
    for (size_t i = 0; i < r->n_scenarios; i++) {
        const mpsim_scenario_result *s = &r->scenarios[i];
        for (size_t p = 0; p < s->n_projects; p++) {
            mps_xcell *row = add_row(t);
            if (row == NULL)
                return;
            row[0].text = s->name;
            row[1].text = s->projects[p].id;
            put_schema(row, 2, &mps_schema_project, &s->projects[p]);
        }
    }
}

static void kinds(mps_xbook *b, const mpsim_results *r)
{
    mps_xtable *t = new_table(b, "kinds", "one row per project kind of each scenario");
    add_col(t, "scenario", NULL, SCEN_DESC, MPS_X_TEXT);
    add_col(t, "kind", NULL, "project kind", MPS_X_TEXT);
    add_schema_cols(t, &mps_schema_kind, NULL);
    for (size_t i = 0; i < r->n_scenarios; i++) {
        const mpsim_scenario_result *s = &r->scenarios[i];
        for (size_t k = 0; k < s->n_kinds; k++) {
            mps_xcell *row = add_row(t);
            if (row == NULL)
                return;
            row[0].text = s->name;
            row[1].text = s->kinds[k].kind;
            put_schema(row, 2, &mps_schema_kind, &s->kinds[k]);
        }
    }
}

static void comparisons(mps_xbook *b, const mpsim_results *r)
{
    mps_xtable *t = new_table(b, "comparisons",
                              "each later scenario (b) against the first (a), per path under "
                              "common random numbers");
    add_col(t, "a", NULL, "the baseline scenario", MPS_X_TEXT);
    add_col(t, "b", NULL, "the scenario compared with it", MPS_X_TEXT);
    add_schema_cols(t, &mps_schema_comparison, NULL);
    mps_xtable *u = new_table(b, "comparison_missions",
                              "change in each mission's P(achieved), b against a");
    add_col(u, "a", NULL, "the baseline scenario", MPS_X_TEXT);
    add_col(u, "b", NULL, "the scenario compared with it", MPS_X_TEXT);
    add_col(u, "mission", NULL, "mission id", MPS_X_TEXT);
    add_col(u, "p_achieved_diff", MPS_UNITS_ONE,
            "change in P(achieved), b - a; empty for a mission without a target or absent "
            "from either scenario",
            MPS_X_NUM);
    for (size_t i = 0; i < r->n_comparisons; i++) {
        const mpsim_comparison *c = &r->comparisons[i];
        mps_xcell *row = add_row(t);
        if (row == NULL)
            return;
        row[0].text = c->a;
        row[1].text = c->b;
        put_schema(row, 2, &mps_schema_comparison, c);
        for (size_t m = 0; m < c->n_missions; m++) {
            mps_xcell *mr = add_row(u);
            if (mr == NULL)
                return;
            mr[0].text = c->a;
            mr[1].text = c->b;
            mr[2].text = c->mission_ids[m];
            mr[3].num = c->p_achieved_diff[m];
        }
    }
}

/* The quantile columns of the time series: those of the first scenario
 * with any (one run writes the same levels for every scenario). */
static const mpsim_scenario_result *series_levels(const mpsim_results *r)
{
    for (size_t i = 0; i < r->n_scenarios; i++)
        if (r->scenarios[i].has_dynamic && r->scenarios[i].n_series > 0)
            return &r->scenarios[i];
    return NULL;
}

static void timeseries(mps_xbook *b, const mpsim_results *r)
{
    mps_xtable *t = new_table(b, "timeseries",
                              "one row per scenario, series and year: the mean and quantiles "
                              "over paths (fan chart bands)");
    add_col(t, "scenario", NULL, SCEN_DESC, MPS_X_TEXT);
    add_col(t, "series", NULL, "time series (model.md section 10)", MPS_X_TEXT);
    add_col(t, "units", NULL, "units of the series", MPS_X_TEXT);
    add_col(t, "year", MPS_UNITS_YEAR, "calendar year", MPS_X_INT);
    add_col(t, "mean", NULL, "mean over paths, in the row's units", MPS_X_NUM);
    const mpsim_scenario_result *ref = series_levels(r);
    size_t nq = ref ? ref->n_quantiles : 0;
    char name[32];
    for (size_t q = 0; q < nq; q++) {
        snprintf(name, sizeof name, "p%g", 100.0 * ref->quantile_levels[q]);
        add_col(t, name, NULL, "quantile over paths, in the row's units", MPS_X_NUM);
    }
    for (size_t i = 0; i < r->n_scenarios; i++) {
        const mpsim_scenario_result *s = &r->scenarios[i];
        if (!s->has_dynamic || s->n_quantiles != nq)
            continue;
        for (size_t v = 0; v < s->n_series; v++) {
            const mpsim_series *x = &s->series[v];
            for (int y = 0; y < s->horizon; y++) {
                mps_xcell *row = add_row(t);
                if (row == NULL)
                    return;
                row[0].text = s->name;
                row[1].text = x->name;
                row[2].text = x->units;
                row[3].num = s->base_year + y;
                row[4].num = x->mean ? x->mean[y] : NAN;
                for (size_t q = 0; q < nq; q++)
                    row[5 + q].num = x->bands ? x->bands[(size_t)y * nq + q] : NAN;
            }
        }
    }
}

static void histograms(mps_xbook *b, const mpsim_results *r)
{
    mps_xtable *t = new_table(b, "histograms", "the histograms of NPV and BCR over paths");
    add_col(t, "scenario", NULL, SCEN_DESC, MPS_X_TEXT);
    add_col(t, "metric", NULL, "npv (GBP m) or bcr (1)", MPS_X_TEXT);
    add_col(t, "bin_lower", NULL, "lower edge of the bin (included), in the metric's units",
            MPS_X_NUM);
    add_col(t, "bin_upper", NULL, "upper edge of the bin (excluded), in the metric's units",
            MPS_X_NUM);
    add_col(t, "count", MPS_UNITS_PATHS, "paths in the bin", MPS_X_INT);
    for (size_t i = 0; i < r->n_scenarios; i++) {
        const mpsim_scenario_result *s = &r->scenarios[i];
        const mpsim_distribution *d[2] = {&s->dist_npv, &s->dist_bcr};
        for (int k = 0; k < 2 && s->has_dynamic; k++)
            for (size_t j = 0; j < d[k]->n_bins; j++) {
                mps_xcell *row = add_row(t);
                if (row == NULL)
                    return;
                row[0].text = s->name;
                row[1].text = k == 0 ? "npv" : "bcr";
                row[2].num = d[k]->edges[j];
                row[3].num = d[k]->edges[j + 1];
                row[4].num = (double)d[k]->counts[j];
            }
    }
}

/* ------------------------------------------------------------- the book */

enum { MPS_N_TABLES = 9 };

int mps_export_build(const mpsim_results *r, mps_xbook *b, mpsim_errors *errs)
{
    b->n = 0;
    b->tables = calloc(MPS_N_TABLES, sizeof *b->tables);
    if (b->tables == NULL) {
        mpsim_errors_add(errs, NULL, 0, 0, NULL, "export: out of memory");
        return MPSIM_ERR_FAIL;
    }
    summary(b, r);
    metrics(b, r);
    missions(b, r);
    projects(b, r);
    kinds(b, r);
    comparisons(b, r);
    timeseries(b, r);
    histograms(b, r);
    for (size_t i = 0; i < b->n; i++)
        if (b->tables[i].oom) {
            mps_export_book_free(b);
            mpsim_errors_add(errs, NULL, 0, 0, NULL, "export: out of memory");
            return MPSIM_ERR_FAIL;
        }
    return MPSIM_OK;
}

void mps_export_book_free(mps_xbook *b)
{
    for (size_t i = 0; i < b->n; i++) {
        mps_xtable *t = &b->tables[i];
        for (size_t j = 0; j < t->n_cols; j++)
            free(t->cols[j].name);
        free(t->cols);
        free(t->cells);
    }
    free(b->tables);
    b->tables = NULL;
    b->n = 0;
}

const char *mps_export_format(const mps_xcol *c)
{
    if (c->kind == MPS_X_TEXT)
        return NULL;
    if (c->kind == MPS_X_INT)
        return "0";
    if (c->units == NULL)
        return NULL;
    if (strcmp(c->units, MPS_UNITS_GBP) == 0)
        return "#,##0.0";
    if (strcmp(c->units, MPS_UNITS_ONE) == 0)
        return "0.000";
    return NULL;
}
