/*
 * The --json summary of a sweep (docs/sweeps.md): the sweep's identity and
 * per point its values, status and a few headline statistics.  The full
 * statistics are in the sweep file.
 */
#include <stdio.h>
#include <strings.h>

#include "core/util.h"
#include "sweep/sweep.h"

static void key(FILE *out, const char *k)
{
    mps_json_string(out, k);
    fputs(": ", out);
}

static void point_json(FILE *out, const mpsim_sweep_results *r, size_t p)
{
    const double *v = &r->values[p * MPS_SWEEP_N_VALUES];
    const double *h = v + MPSIM_N_METRICS * MPSIM_N_STATS;
    fprintf(out, "    {\"point\": %zu, \"values\": {", p);
    for (size_t j = 0; j < r->n_params; j++) {
        if (j)
            fputs(", ", out);
        key(out, r->param_path[j]);
        double x = r->points[p * r->n_params + j];
        const char *text = r->point_text ? r->point_text[p * r->n_params + j] : NULL;
        /* Grid values keep their YAML type: strings, booleans, numbers. */
        if (text != NULL && x != x)
            mps_json_string(out, text);
        else if (text != NULL && (x == 1.0 || x == 0.0) && strcasecmp(text, "true") != 0 &&
                 strcasecmp(text, "false") != 0)
            mps_json_number(out, x);
        else if (text != NULL && (x == 1.0 || x == 0.0))
            fputs(x == 1.0 ? "true" : "false", out);
        else
            mps_json_number(out, x);
    }
    fputs("}, ", out);
    key(out, "status");
    mps_json_string(out, !r->done[p] ? "not_run" : r->status[p] == 0 ? "ok" : "failed");
    fputs(", ", out);
    key(out, "error");
    mps_json_string(out, r->done[p] && r->status[p] == 1 ? r->error[p] : NULL);
    fputs(",\n     \"npv\": {\"mean\": ", out);
    mps_json_number(out, v[MPSIM_M_NPV * MPSIM_N_STATS + MPSIM_STAT_MEAN]);
    fputs(", \"se\": ", out);
    mps_json_number(out, v[MPSIM_M_NPV * MPSIM_N_STATS + MPSIM_STAT_SE]);
    fputs(", \"p5\": ", out);
    mps_json_number(out, v[MPSIM_M_NPV * MPSIM_N_STATS + MPSIM_STAT_P5]);
    fputs(", \"p95\": ", out);
    mps_json_number(out, v[MPSIM_M_NPV * MPSIM_N_STATS + MPSIM_STAT_P95]);
    fputs("}", out);
    static const int shown[] = {MPS_H_STATIC_BCR, MPS_H_EXPECTED_BCR, MPS_H_P_BCR_ABOVE_1,
                                MPS_H_P_NPV_NEGATIVE};
    for (size_t k = 0; k < sizeof shown / sizeof shown[0]; k++) {
        fputs(", ", out);
        key(out, mps_headline_names[shown[k]]);
        mps_json_number(out, h[shown[k]]);
    }
    fputs("}", out);
}

void mpsim_sweep_print_json(const mpsim_sweep_results *r, FILE *out)
{
    size_t n = 0, done = 0, failed = 0;
    mpsim_sweep_results_counts(r, &n, &done, &failed);
    fputs("{\n  \"format\": \"mpsim-sweep-summary\",\n  \"format_version\": 1,\n  ", out);
    key(out, "mpsim_version");
    mps_json_string(out, r->mpsim_version);
    fputs(",\n  ", out);
    key(out, "name");
    mps_json_string(out, r->name);
    fputs(",\n  ", out);
    key(out, "method");
    mps_json_string(out, r->method);
    fprintf(out, ",\n  \"seed\": %llu,\n  \"paths\": %llu,\n", (unsigned long long)r->seed,
            (unsigned long long)r->paths);
    if (r->shard_count)
        fprintf(out, "  \"shard\": \"%u/%u\",\n", (unsigned)r->shard_index,
                (unsigned)r->shard_count);
    fprintf(out, "  \"points\": %zu,\n  \"done\": %zu,\n  \"failed\": %zu,\n", n, done, failed);
    fputs("  \"parameters\": [", out);
    for (size_t j = 0; j < r->n_params; j++) {
        if (j)
            fputs(", ", out);
        mps_json_string(out, r->param_path[j]);
    }
    fputs("],\n  \"results\": [\n", out);
    int first = 1;
    for (size_t p = 0; p < r->n_points; p++) {
        if (!r->done[p])
            continue;
        if (!first)
            fputs(",\n", out);
        first = 0;
        point_json(out, r, p);
    }
    fputs("\n  ]\n}\n", out);
}

void mpsim_sweep_print_table(const mpsim_sweep_results *r, FILE *out)
{
    size_t n = 0, done = 0, failed = 0;
    mpsim_sweep_results_counts(r, &n, &done, &failed);
    fprintf(out, "sweep %s: %s design, %zu points", r->name, r->method, n);
    if (r->shard_count)
        fprintf(out, " (shard %u/%u: %zu of them)", (unsigned)r->shard_index,
                (unsigned)r->shard_count, done);
    fprintf(out, ", %llu paths each, seed %llu\n", (unsigned long long)r->paths,
            (unsigned long long)r->seed);
    for (size_t j = 0; j < r->n_params; j++)
        fprintf(out, "  x%zu = %s\n", j + 1, r->param_path[j]);
    fputs("\n point", out);
    for (size_t j = 0; j < r->n_params; j++)
        fprintf(out, " %12s%zu", "x", j + 1);
    fprintf(out, " %12s %10s %8s %8s  %s\n", "E[NPV] £m", "se", "E[BCR]", "P(BCR>1)", "status");
    for (size_t p = 0; p < r->n_points; p++) {
        if (!r->done[p])
            continue;
        const double *v = &r->values[p * MPS_SWEEP_N_VALUES];
        const double *h = v + MPSIM_N_METRICS * MPSIM_N_STATS;
        fprintf(out, "%6zu", p);
        for (size_t j = 0; j < r->n_params; j++) {
            double x = r->points[p * r->n_params + j];
            if (r->point_text != NULL)
                fprintf(out, " %13.13s", r->point_text[p * r->n_params + j]);
            else
                fprintf(out, " %13.6g", x);
        }
        if (r->status[p] == 0)
            fprintf(out, " %12.1f %10.2f %8.3f %8.3f  ok\n",
                    v[MPSIM_M_NPV * MPSIM_N_STATS + MPSIM_STAT_MEAN],
                    v[MPSIM_M_NPV * MPSIM_N_STATS + MPSIM_STAT_SE], h[MPS_H_EXPECTED_BCR],
                    h[MPS_H_P_BCR_ABOVE_1]);
        else
            fprintf(out, " %12s %10s %8s %8s  failed: %s\n", "-", "-", "-", "-", r->error[p]);
    }
    if (failed)
        fprintf(out, "\n%zu of %zu points failed: their values make the scenario invalid\n", failed,
                done);
}
