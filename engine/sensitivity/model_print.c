/*
 * The printed summary and the --json document of a sensitivity analysis
 * (docs/sensitivity.md, "Output").  The table shows, per scenario, the
 * tornado (bars by decreasing swing), the indices of each scalar output
 * with the share left unexplained, and the switching values; the JSON
 * holds the same plus the time-series indices.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/util.h"
#include "sensitivity/model_sens.h"

/* A number in a fixed width, "-" when undefined. */
static void cell(FILE *out, int width, int prec, double x)
{
    if (isfinite(x))
        fprintf(out, " %*.*f", width, prec, x);
    else
        fprintf(out, " %*s", width, "-");
}

static const char *short_name(const char *key_path)
{
    /* missions.<m>.projects.<p>.<rest>: "<p>.<rest>" reads better. */
    const char *p = strstr(key_path, ".projects.");
    return p ? p + 10 : key_path;
}

static void print_indices(const mps_sens_scenario *sc, FILE *out)
{
    const mpsim_sobol_result *r = &sc->sobol;
    for (size_t o = 0; o < sc->out.n_scalar; o++) {
        if (!isfinite(r->s1_sum[o])) {
            fprintf(out, "\n  Sobol' indices of %s: none (it does not vary over the samples)\n",
                    sc->out.scalar_name[o]);
            continue;
        }
        fprintf(out, "\n  Sobol' indices of %s (sum of first order %.3f +/- %.3f; unexplained "
                     "1 - sum %.3f)\n",
                sc->out.scalar_name[o], r->s1_sum[o], r->s1_sum_se[o], 1.0 - r->s1_sum[o]);
        fprintf(out, "    %-52s %8s %8s %8s %8s\n", "input", "S1", "se", "ST", "se");
        for (size_t i = 0; i < sc->k; i++) {
            size_t c = o * sc->k + i;
            fprintf(out, "    %-52.52s", short_name(sc->inputs[i].key_path));
            cell(out, 8, 3, r->s1[c]);
            cell(out, 8, 3, r->s1_se[c]);
            cell(out, 8, 3, r->st[c]);
            cell(out, 8, 3, r->st_se[c]);
            fputc('\n', out);
        }
    }
}

static void print_tornado(const mps_sens_scenario *sc, FILE *out)
{
    fprintf(out, "\n  Tornado: E[NPV] with each input at its P10 and P90, the others drawn (£m; "
                 "E[NPV] %.1f, E[BCR] %.2f)\n",
            sc->base_npv, sc->base_bcr);
    fprintf(out, "    %-44s %11s %11s %10s %10s %9s\n", "input", "P10", "P90", "NPV@P10",
            "NPV@P90", "swing");
    for (size_t b = 0; b < sc->k; b++) {
        size_t i = sc->tornado_order[b];
        const mps_sens_tornado *t = &sc->tornado[i];
        fprintf(out, "    %-44.44s", short_name(sc->inputs[i].key_path));
        cell(out, 11, 4, sc->inputs[i].p10);
        cell(out, 11, 4, sc->inputs[i].p90);
        cell(out, 10, 1, t->npv_p10);
        cell(out, 10, 1, t->npv_p90);
        cell(out, 9, 1, t->swing);
        fputc('\n', out);
    }
}

static void print_switch(FILE *out, int applies, const mpsim_switching_result *s)
{
    if (!applies)
        fprintf(out, " %16s", "not used");
    else if (!s->found)
        fprintf(out, " %16s", "none in range");
    else
        fprintf(out, " %16.5g", s->x);
}

static void print_switching(const mps_sens_scenario *sc, FILE *out)
{
    fprintf(out, "\n  Switching values: the input's value at which NPV is 0 (static NPV %.1f)\n",
            sc->static_npv);
    fprintf(out, "    %-44s %11s %11s %16s %16s\n", "input", "from", "to", "static", "dynamic");
    for (size_t i = 0; i < sc->k; i++) {
        fprintf(out, "    %-44.44s", short_name(sc->inputs[i].key_path));
        cell(out, 11, 4, sc->inputs[i].lo);
        cell(out, 11, 4, sc->inputs[i].hi);
        print_switch(out, sc->static_applies[i], &sc->sw_static[i]);
        print_switch(out, 1, &sc->sw_dynamic[i]);
        fputc('\n', out);
    }
}

void mpsim_sensitivity_print_table(const mpsim_sensitivity *r, FILE *out)
{
    for (size_t d = 0; d < r->n; d++) {
        const mps_sens_scenario *sc = &r->sc[d];
        fprintf(out, "%s: sensitivity of %zu inputs, %llu samples (%llu paths for the indices), "
                     "seed %llu\n",
                sc->name, sc->k, (unsigned long long)r->samples,
                (unsigned long long)sc->sobol.evaluations, (unsigned long long)r->seed);
        if (sc->k == 0) {
            fputs("  none of the studied inputs: an alternative for the value of information "
                  "only\n\n",
                  out);
            continue;
        }
        if (sc->correlated)
            fputs("  Correlated inputs: indices are those of their independent normal scores "
                  "before the copula\n",
                  out);
        print_tornado(sc, out);
        print_indices(sc, out);
        print_switching(sc, out);
        fputc('\n', out);
    }
    if (r->has_voi) {
        fprintf(out, "Value of information over %zu alternatives (£m; best now: %s)\n", r->n,
                r->sc[r->evpi.best].name);
        fprintf(out, "  EVPI %.2f (se %.2f)\n", r->evpi.value, r->evpi.se);
        fprintf(out, "    %-52s %10s %8s\n", "EVPPI of", "value", "se");
        for (size_t q = 0; q < r->voi_k; q++) {
            fprintf(out, "    %-52.52s", short_name(r->sc[0].inputs[q].key_path));
            cell(out, 10, 2, r->evppi[q].value);
            cell(out, 8, 2, r->evppi[q].se);
            fputc('\n', out);
        }
    }
}

/* ------------------------------------------------------------------ JSON */

static void key(FILE *out, const char *k)
{
    mps_json_string(out, k);
    fputs(": ", out);
}

static void num(FILE *out, const char *k, double x)
{
    key(out, k);
    mps_json_number(out, x);
}

static void json_array(FILE *out, const double *v, size_t n, size_t stride)
{
    fputc('[', out);
    for (size_t i = 0; i < n; i++) {
        if (i)
            fputs(", ", out);
        mps_json_number(out, v[i * stride]);
    }
    fputc(']', out);
}

/* One output's indices: index o of the result. */
static void json_output(FILE *out, const mps_sens_scenario *sc, size_t o)
{
    const mpsim_sobol_result *r = &sc->sobol;
    fputc('{', out);
    num(out, "mean", r->mean[o]);
    fputs(", ", out);
    num(out, "variance", r->variance[o]);
    fputs(", ", out);
    num(out, "first_order_sum", r->s1_sum[o]);
    fputs(", ", out);
    num(out, "first_order_sum_se", r->s1_sum_se[o]);
    fputs(", ", out);
    num(out, "unexplained", 1.0 - r->s1_sum[o]);
    fputs(", \"inputs\": {", out);
    for (size_t i = 0; i < sc->k; i++) {
        size_t c = o * sc->k + i;
        fputs(i ? ", " : "", out);
        key(out, sc->inputs[i].key_path);
        fputc('{', out);
        num(out, "first_order", r->s1[c]);
        fputs(", ", out);
        num(out, "first_order_se", r->s1_se[c]);
        fputs(", ", out);
        num(out, "first_order_lo", r->s1_lo[c]);
        fputs(", ", out);
        num(out, "first_order_hi", r->s1_hi[c]);
        fputs(", ", out);
        num(out, "total", r->st[c]);
        fputs(", ", out);
        num(out, "total_se", r->st_se[c]);
        fputs(", ", out);
        num(out, "total_lo", r->st_lo[c]);
        fputs(", ", out);
        num(out, "total_hi", r->st_hi[c]);
        fputc('}', out);
    }
    fputs("}}", out);
}

static void json_scenario(FILE *out, const mps_sens_scenario *sc)
{
    const size_t k = sc->k, h = (size_t)sc->out.horizon;
    if (k == 0) {
        fputs("{\"inputs\": []}", out);
        return;
    }
    fputs("{\"estimand\": ", out);
    mps_json_string(out, sc->correlated
                             ? "indices on the independent normal scores before the copula"
                             : "indices on the independent inputs");
    fputs(", \"inputs\": [", out);
    for (size_t i = 0; i < k; i++) {
        const mps_sens_model_input *in = &sc->inputs[i];
        fputs(i ? ", {" : "{", out);
        key(out, "key_path");
        mps_json_string(out, in->key_path);
        fprintf(out, ", \"correlated\": %s, ", in->copula >= 0 ? "true" : "false");
        num(out, "p10", in->p10);
        fputs(", ", out);
        num(out, "p90", in->p90);
        fputs(", ", out);
        num(out, "centre", in->centre);
        fputc('}', out);
    }
    fputs("], \"indices\": {", out);
    for (size_t o = 0; o < sc->out.n_scalar; o++) {
        fputs(o ? ", " : "", out);
        key(out, sc->out.scalar_name[o]);
        json_output(out, sc, o);
    }
    fputs("}, \"timeseries\": {", out);
    for (size_t q = 0; q < sc->out.n_series; q++) {
        size_t first = sc->out.n_scalar + q * h;
        fputs(q ? ", " : "", out);
        key(out, sc->out.series_name[q]);
        fputs("{\"years\": [", out);
        for (size_t t = 0; t < h; t++)
            fprintf(out, "%s%d", t ? ", " : "", sc->out.years[t]);
        fputs("], \"first_order_sum\": ", out);
        json_array(out, sc->sobol.s1_sum + first, h, 1);
        fputs(", \"first_order\": {", out);
        for (size_t i = 0; i < k; i++) {
            fputs(i ? ", " : "", out);
            key(out, sc->inputs[i].key_path);
            json_array(out, sc->sobol.s1 + first * k + i, h, k);
        }
        fputs("}, \"total\": {", out);
        for (size_t i = 0; i < k; i++) {
            fputs(i ? ", " : "", out);
            key(out, sc->inputs[i].key_path);
            json_array(out, sc->sobol.st + first * k + i, h, k);
        }
        fputs("}}", out);
    }
    fputs("}, \"tornado\": {", out);
    num(out, "expected_npv", sc->base_npv);
    fputs(", ", out);
    num(out, "expected_bcr", sc->base_bcr);
    fputs(", \"bars\": [", out);
    for (size_t b = 0; b < k; b++) {
        size_t i = sc->tornado_order[b];
        const mps_sens_tornado *t = &sc->tornado[i];
        fputs(b ? ", {" : "{", out);
        key(out, "input");
        mps_json_string(out, sc->inputs[i].key_path);
        fputs(", ", out);
        num(out, "p10", sc->inputs[i].p10);
        fputs(", ", out);
        num(out, "p90", sc->inputs[i].p90);
        fputs(", ", out);
        num(out, "npv_p10", t->npv_p10);
        fputs(", ", out);
        num(out, "npv_p90", t->npv_p90);
        fputs(", ", out);
        num(out, "bcr_p10", t->bcr_p10);
        fputs(", ", out);
        num(out, "bcr_p90", t->bcr_p90);
        fputs(", ", out);
        num(out, "swing", t->swing);
        fputc('}', out);
    }
    fputs("]}, \"switching\": {", out);
    num(out, "static_npv", sc->static_npv);
    fputs(", \"inputs\": [", out);
    for (size_t i = 0; i < k; i++) {
        fputs(i ? ", {" : "{", out);
        key(out, "input");
        mps_json_string(out, sc->inputs[i].key_path);
        fputs(", ", out);
        num(out, "lo", sc->inputs[i].lo);
        fputs(", ", out);
        num(out, "hi", sc->inputs[i].hi);
        fprintf(out, ", \"static_applies\": %s, \"static_found\": %s, ",
                sc->static_applies[i] ? "true" : "false", sc->sw_static[i].found ? "true" : "false");
        num(out, "static_value", sc->sw_static[i].x);
        fprintf(out, ", \"dynamic_found\": %s, ", sc->sw_dynamic[i].found ? "true" : "false");
        num(out, "dynamic_value", sc->sw_dynamic[i].x);
        fputc('}', out);
    }
    fputs("]}}", out);
}

void mpsim_sensitivity_print_json(const mpsim_sensitivity *r, FILE *out)
{
    fprintf(out, "{\"format\": \"mpsim-sensitivity\", \"format_version\": %d, "
                 "\"mpsim_version\": \"%s\", \"seed\": %llu, \"samples\": %llu, "
                 "\"bootstrap\": %u, ",
            MPSIM_FORMAT_VERSION, MPSIM_VERSION_STRING, (unsigned long long)r->seed,
            (unsigned long long)r->samples, r->bootstrap);
    num(out, "confidence", r->confidence);
    fputs(", \"scenarios\": {", out);
    for (size_t d = 0; d < r->n; d++) {
        fputs(d ? ", " : "", out);
        key(out, r->sc[d].name);
        json_scenario(out, &r->sc[d]);
    }
    fputs("}, \"voi\": ", out);
    if (!r->has_voi) {
        fputs("null}\n", out);
        return;
    }
    fputs("{\"alternatives\": [", out);
    for (size_t d = 0; d < r->n; d++) {
        fputs(d ? ", " : "", out);
        mps_json_string(out, r->sc[d].name);
    }
    fputs("], \"best\": ", out);
    mps_json_string(out, r->sc[r->evpi.best].name);
    fputs(", ", out);
    num(out, "evpi", r->evpi.value);
    fputs(", ", out);
    num(out, "evpi_se", r->evpi.se);
    fputs(", ", out);
    num(out, "expected_current", r->evpi.expected_current);
    fputs(", \"evppi\": {", out);
    for (size_t q = 0; q < r->voi_k; q++) {
        fputs(q ? ", " : "", out);
        key(out, r->sc[0].inputs[q].key_path);
        fputc('{', out);
        num(out, "value", r->evppi[q].value);
        fputs(", ", out);
        num(out, "se", r->evppi[q].se);
        fputc('}', out);
    }
    fputs("}}}\n", out);
}
