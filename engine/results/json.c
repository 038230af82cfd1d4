/*
 * mpsim_results_print_json: the --json summary of interface.md.  Objects of
 * plain numbers are printed on one line each, so the document stays short
 * enough to read and diff while remaining ordinary JSON.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>

#include "core/util.h"
#include "mpsim.h"
#include "results/schema.h"

/* Prints `"key": ` after a separator (", " inline, ",\n<indent>" otherwise). */
static void key(FILE *out, const char *k, int first, const char *sep)
{
    if (!first)
        fputs(sep, out);
    mps_json_string(out, k);
    fputs(": ", out);
}

/* The JSON-flagged fields of a record as one inline object. */
static void fields_object(FILE *out, const mps_schema *schema, const void *rec)
{
    fputc('{', out);
    int first = 1;
    for (size_t k = 0; k < schema->n; k++) {
        const mps_field *f = &schema->fields[k];
        if (!(f->flags & MPS_F_JSON))
            continue;
        key(out, f->name, first, ", ");
        first = 0;
        const void *p = mps_field_cptr(rec, f);
        switch (f->type) {
        case MPS_T_F64: mps_json_number(out, *(const double *)p); break;
        case MPS_T_I32: fprintf(out, "%d", *(const int *)p); break;
        case MPS_T_U64: fprintf(out, "%" PRIu64, *(const uint64_t *)p); break;
        case MPS_T_STR: mps_json_string(out, *(char *const *)p); break;
        }
    }
    fputc('}', out);
}

static void print_metrics(FILE *out, const mpsim_scenario_result *s)
{
    fputs("        \"metrics\": {", out);
    for (int m = 0; m < MPSIM_N_METRICS; m++) {
        fputs(m ? ",\n          " : "\n          ", out);
        key(out, mpsim_metric_names[m], 1, "");
        fputc('{', out);
        for (int k = 0; k < MPSIM_N_STATS; k++) {
            key(out, mpsim_stat_names[k], k == 0, ", ");
            mps_json_number(out, s->stats[m][k]);
        }
        fputc('}', out);
    }
    fputs("\n        },\n", out);
}

static void print_dynamic(FILE *out, const mpsim_scenario_result *s)
{
    fputs(",\n      \"dynamic\": {\n", out);
    for (size_t k = 0; k < mps_schema_dynamic.n; k++) {
        const mps_field *f = &mps_schema_dynamic.fields[k];
        if (!(f->flags & MPS_F_JSON))
            continue;
        fputs("        ", out);
        key(out, f->name, 1, "");
        mps_json_number(out, *(const double *)mps_field_cptr(s, f));
        fputs(",\n", out);
    }
    print_metrics(out, s);
    fprintf(out, "        \"bcr_undefined\": %" PRIu64 ",\n", s->bcr_undefined);
    fputs("        \"decomposition\": {", out);
    for (int k = 0; k < MPSIM_N_DECOMP; k++) {
        key(out, mpsim_decomp_names[k], k == 0, ", ");
        mps_json_number(out, s->decomposition[k]);
    }
    fputs("}\n      }", out);
}

/* A whole calendar year, or null. */
static void json_year(FILE *out, double y)
{
    if (isfinite(y))
        fprintf(out, "%.0f", y);
    else
        fputs("null", out);
}

static void print_missions(FILE *out, const mpsim_scenario_result *s)
{
    fputs(",\n      \"missions\": {", out);
    for (size_t i = 0; i < s->n_missions; i++) {
        const mpsim_mission_result *m = &s->missions[i];
        fputs(i ? ",\n        " : "\n        ", out);
        key(out, m->id, 1, "");
        fputs("{\"p_achieved\": ", out);
        mps_json_number(out, m->has_target ? m->p_achieved : NAN);
        for (int q = 0; q < MPSIM_N_YEAR_Q; q++) {
            fprintf(out, ", \"year_p%d\": ", (int)lround(100 * mpsim_year_q_levels[q]));
            json_year(out, m->year_q[q]);
        }
        fputc('}', out);
    }
    fputs(s->n_missions ? "\n      }" : "}", out);
}

/* "name": {records...} for projects or kinds, keyed by the char * at id_off. */
static void print_records(FILE *out, const char *name, const mps_schema *schema,
                          const void *base, size_t stride, size_t n, size_t id_off)
{
    fprintf(out, ",\n      \"%s\": {", name);
    for (size_t i = 0; i < n; i++) {
        const char *rec = (const char *)base + i * stride;
        fputs(i ? ",\n        " : "\n        ", out);
        key(out, *(char *const *)(rec + id_off), 1, "");
        fields_object(out, schema, rec);
    }
    fputs(n ? "\n      }" : "}", out);
}

static void print_scenario(FILE *out, const mpsim_scenario_result *s, int dynamic)
{
    fputs("      \"static\": ", out);
    fields_object(out, &mps_schema_static, &s->stat);
    if (dynamic) {
        print_dynamic(out, s);
        print_missions(out, s);
        print_records(out, "projects", &mps_schema_project, s->projects, sizeof *s->projects,
                      s->n_projects, offsetof(mpsim_project_result, id));
        print_records(out, "kinds", &mps_schema_kind, s->kinds, sizeof *s->kinds, s->n_kinds,
                      offsetof(mpsim_kind_result, kind));
    }
    fputc('\n', out);
}

static void print_comparison(FILE *out, const mpsim_comparison *c)
{
    fputs("{\"a\": ", out);
    mps_json_string(out, c->a);
    fputs(", \"b\": ", out);
    mps_json_string(out, c->b);
    fputs(",\n     ", out);
    for (size_t k = 0; k < mps_schema_comparison.n; k++) {
        const mps_field *f = &mps_schema_comparison.fields[k];
        key(out, f->name, k == 0, ", ");
        mps_json_number(out, *(const double *)mps_field_cptr(c, f));
    }
    fputs(",\n     \"p_achieved_diff\": {", out);
    for (size_t i = 0; i < c->n_missions; i++) {
        key(out, c->mission_ids[i], i == 0, ", ");
        mps_json_number(out, c->p_achieved_diff[i]);
    }
    fputs("}}", out);
}

void mpsim_results_print_json(const mpsim_results *r, FILE *out)
{
    fputs("{\n  \"format\": \"mpsim-summary\",\n", out);
    fprintf(out, "  \"format_version\": %d,\n", MPSIM_FORMAT_VERSION);
    fputs("  \"mpsim_version\": ", out);
    mps_json_string(out, r->mpsim_version ? r->mpsim_version : MPSIM_VERSION_STRING);
    fputs(",\n", out);
    if (!r->static_only) {
        fprintf(out, "  \"seed\": %" PRIu64 ",\n  \"paths\": %" PRIu64 ",\n", r->seed, r->paths);
        fprintf(out, "  \"quantile_method\": \"%s\",\n  \"antithetic\": %s,\n",
                r->quantiles_exact ? "exact" : "streamed", r->antithetic ? "true" : "false");
        fputs("  \"target_se\": ", out);
        mps_json_number(out, r->target_se > 0.0 ? r->target_se : NAN);
        fprintf(out, ",\n  \"target_se_reached\": %s,\n", r->target_se_reached ? "true" : "false");
    }
    fputs("  \"scenarios\": {", out);
    for (size_t i = 0; i < r->n_scenarios; i++) {
        const mpsim_scenario_result *s = &r->scenarios[i];
        fputs(i ? ",\n    " : "\n    ", out);
        key(out, s->name, 1, "");
        fputs("{\n", out);
        print_scenario(out, s, !r->static_only && s->has_dynamic);
        fputs("    }", out);
    }
    fputs(r->n_scenarios ? "\n  }" : "}", out);
    if (!r->static_only) {
        fputs(",\n  \"comparisons\": [", out);
        for (size_t i = 0; i < r->n_comparisons; i++) {
            fputs(i ? ",\n    " : "\n    ", out);
            print_comparison(out, &r->comparisons[i]);
        }
        fputs(r->n_comparisons ? "\n  ]" : "]", out);
    }
    fputs("\n}\n", out);
}
