/*
 * The outputs of a scenario's Sobol' analysis: per path, scalars (metrics
 * such as npv, and each mission's "achieved" indicator, whose mean is
 * P(mission achieved)) and time series (a model series per year, e.g.
 * net_benefit and each mission's indicator).  They are the callback's
 * vector output: scalars first, then each series' years.
 *
 * Names accepted by --outputs: any metric (mpsim_metric_names),
 * "p_achieved" (every mission with a target), "achieved:<mission>", any
 * series of the model by name ("net_benefit", "mission_<id>", ...) and
 * "missions" (every mission indicator series).
 */
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "results/schema.h"
#include "sensitivity/model_sens.h"

static const char *const default_outputs[] = {"npv", "pv_benefits", "pvc", "p_achieved",
                                              "net_benefit", "missions"};

static int add_name(char ***names, size_t *n, const char *name)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*names)[i], name) == 0)
            return 1; /* already there: "missions" and "mission_x" may overlap */
    char **p = realloc(*names, (*n + 1) * sizeof *p);
    if (p == NULL)
        return 0;
    *names = p;
    if ((p[*n] = mps_strdup(name)) == NULL)
        return 0;
    (*n)++;
    return 1;
}

static int metric_index(const char *name)
{
    for (int i = 0; i < MPSIM_N_METRICS; i++)
        if (strcmp(mpsim_metric_names[i], name) == 0)
            return i;
    return -1;
}

/* Fills the parallel arrays from the collected names. */
static int finish(const mps_model *m, mps_sens_outputs *o)
{
    const mps_scenario *s = mps_model_scenario(m);
    o->scalar_units = mps_calloc(o->n_scalar + 1, sizeof *o->scalar_units);
    o->scalar_metric = mps_calloc(o->n_scalar + 1, sizeof *o->scalar_metric);
    o->series_units = mps_calloc(o->n_series + 1, sizeof *o->series_units);
    o->series_index = mps_calloc(o->n_series + 1, sizeof *o->series_index);
    o->horizon = s->horizon;
    o->years = mps_calloc((size_t)s->horizon, sizeof *o->years);
    if (!o->scalar_units || !o->scalar_metric || !o->series_units || !o->series_index || !o->years)
        return 0;
    for (size_t i = 0; i < o->n_scalar; i++) {
        int mi = metric_index(o->scalar_name[i]);
        if (mi >= 0) {
            o->scalar_metric[i] = mi;
            o->scalar_units[i] = mps_metric_infos[mi].units;
        } else {
            int ms = 0;
            while (ms < s->n_missions && strcmp(o->scalar_name[i] + 9, s->missions[ms].id) != 0)
                ms++;
            o->scalar_metric[i] = -1 - ms;
            o->scalar_units[i] = "1 when the mission's target is reached by its year, else 0";
        }
    }
    for (size_t i = 0; i < o->n_series; i++) {
        int si = mps_model_series_find(m, o->series_name[i]);
        o->series_index[i] = si;
        o->series_units[i] = mps_model_series(m, si)->units;
    }
    for (int t = 0; t < s->horizon; t++)
        o->years[t] = s->base_year + t;
    return 1;
}

int mps_sens_outputs_choose(const mps_model *m, const char *const *names, size_t n,
                            mps_sens_outputs *o, mpsim_errors *errs)
{
    const mps_scenario *s = mps_model_scenario(m);
    memset(o, 0, sizeof *o);
    if (names == NULL) {
        names = default_outputs;
        n = sizeof default_outputs / sizeof default_outputs[0];
    }
    int ok = 1, bad = 0;
    for (size_t q = 0; q < n && ok; q++) {
        const char *nm = names[q];
        if (metric_index(nm) >= 0) {
            ok = add_name(&o->scalar_name, &o->n_scalar, nm);
        } else if (strcmp(nm, "p_achieved") == 0) {
            for (int ms = 0; ms < s->n_missions && ok; ms++) {
                if (!s->missions[ms].has_target)
                    continue;
                char *a = mps_asprintf("achieved:%s", s->missions[ms].id);
                ok = a != NULL && add_name(&o->scalar_name, &o->n_scalar, a);
                free(a);
            }
        } else if (strncmp(nm, "achieved:", 9) == 0) {
            int ms = 0;
            while (ms < s->n_missions && strcmp(nm + 9, s->missions[ms].id) != 0)
                ms++;
            if (ms == s->n_missions || !s->missions[ms].has_target) {
                mpsim_errors_add(errs, s->file, 0, 0, NULL,
                                 "--outputs: '%s': scenario '%s' has no mission '%s' with a "
                                 "target",
                                 nm, s->name, nm + 9);
                bad = 1;
                continue;
            }
            ok = add_name(&o->scalar_name, &o->n_scalar, nm);
        } else if (strcmp(nm, "missions") == 0) {
            for (int ms = 0; ms < s->n_missions && ok; ms++)
                ok = add_name(&o->series_name, &o->n_series,
                              mps_model_series(m, mps_model_mission_series(m, ms))->name);
        } else if (mps_model_series_find(m, nm) >= 0) {
            ok = add_name(&o->series_name, &o->n_series, nm);
        } else {
            mpsim_errors_add(errs, s->file, 0, 0, NULL,
                             "--outputs: unknown output '%s'; give metrics (npv, bcr, "
                             "pv_benefits, pvc, pv_cost, ...), p_achieved or achieved:<mission>, "
                             "or time series (net_benefit, cost, benefits, cumulative_npv, "
                             "mission_<id>, missions, ...)",
                             nm);
            bad = 1;
        }
    }
    if (ok && !bad && o->n_scalar + o->n_series == 0) {
        mpsim_errors_add(errs, s->file, 0, 0, NULL,
                         "--outputs: scenario '%s' has none of the outputs asked for (no "
                         "mission has a target)",
                         s->name);
        bad = 1;
    }
    if (ok && !bad)
        ok = finish(m, o);
    if (!ok || bad) {
        if (!ok)
            mpsim_errors_add(errs, s->file, 0, 0, NULL, "out of memory");
        mps_sens_outputs_free(o);
        return ok ? MPSIM_ERR_INPUT : MPSIM_ERR_FAIL;
    }
    return MPSIM_OK;
}

void mps_sens_outputs_free(mps_sens_outputs *o)
{
    for (size_t i = 0; i < o->n_scalar; i++)
        free(o->scalar_name[i]);
    for (size_t i = 0; i < o->n_series; i++)
        free(o->series_name[i]);
    free(o->scalar_name);
    free(o->series_name);
    free((void *)o->scalar_units);
    free(o->scalar_metric);
    free((void *)o->series_units);
    free(o->series_index);
    free(o->years);
    memset(o, 0, sizeof *o);
}

size_t mps_sens_outputs_count(const mps_sens_outputs *o)
{
    return o->n_scalar + o->n_series * (size_t)o->horizon;
}

void mps_sens_outputs_fill(const mps_model *m, const mps_sens_outputs *o,
                           const mps_path_result *r, double *y)
{
    const mps_scenario *s = mps_model_scenario(m);
    for (size_t i = 0; i < o->n_scalar; i++) {
        int c = o->scalar_metric[i];
        if (c >= 0) {
            y[i] = r->metrics[c];
        } else {
            int ms = -1 - c;
            int year = r->mission_year[ms];
            y[i] = year >= 0 && year <= s->missions[ms].target_by - s->base_year ? 1.0 : 0.0;
        }
    }
    const size_t h = (size_t)o->horizon;
    double *ys = y + o->n_scalar;
    for (size_t q = 0; q < o->n_series; q++)
        memcpy(ys + q * h, r->series + (size_t)o->series_index[q] * h, h * sizeof *ys);
}
