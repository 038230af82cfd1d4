/*
 * A synthetic mpsim_results built by hand for the results-output tests
 * (HDF5 writer and reader, JSON, printed table), so those tests do not
 * depend on the model or the run driver.  Values are arbitrary but
 * distinct, so a field written to or read from the wrong place shows.
 * Header-only (static functions) because each test is one executable.
 * Include after <cmocka.h>.
 */
#ifndef MPS_RESULTS_FIXTURE_H
#define MPS_RESULTS_FIXTURE_H

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mpsim.h"

static char *fx_str(const char *s)
{
    char *d = malloc(strlen(s) + 1);
    assert_non_null(d);
    strcpy(d, s);
    return d;
}

static void *fx_calloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    assert_non_null(p);
    return p;
}

static void fx_distribution(mpsim_distribution *d, double scale, size_t n_bins)
{
    d->n_levels = 101;
    d->levels = fx_calloc(101, sizeof(double));
    d->values = fx_calloc(101, sizeof(double));
    for (size_t i = 0; i < 101; i++) {
        d->levels[i] = (double)i / 100.0;
        d->values[i] = scale > 0 ? scale * ((double)i - 50.0) : NAN;
    }
    d->n_bins = n_bins;
    d->edges = n_bins ? fx_calloc(n_bins + 1, sizeof(double)) : NULL;
    d->counts = n_bins ? fx_calloc(n_bins, sizeof(uint64_t)) : NULL;
    for (size_t i = 0; i < n_bins; i++) {
        d->edges[i] = scale * (double)i - 100.0;
        d->counts[i] = 10 * i + 3;
    }
    if (n_bins)
        d->edges[n_bins] = scale * (double)n_bins - 100.0;
}

/* Scenario k of the fixture (k = 0 or 1). */
static void fx_scenario(mpsim_scenario_result *s, int k, int keep_paths)
{
    s->name = fx_str(k == 0 ? "warm-homes" : "warm-homes-ringfenced");
    s->description = fx_str(k == 0 ? "Warm, low-carbon homes" : "Ring-fenced variant");
    s->input_file = fx_str(k == 0 ? "scenarios/warm-homes.yaml" : "scenarios/ring.yaml");
    s->input_text = fx_str("mpsim: 1\nname: warm-homes   # £m, \"quoted\"\n");
    s->resolved_text = fx_str("mpsim: 1\nname: warm-homes\nbase_year: 2025\n");
    /* Two extended files with the same base name: stored as base.yaml, base.yaml~2. */
    s->n_inputs = 2;
    s->input_names = fx_calloc(2, sizeof *s->input_names);
    s->input_texts = fx_calloc(2, sizeof *s->input_texts);
    s->input_names[0] = fx_str("policy/base.yaml");
    s->input_texts[0] = fx_str("mpsim: 1\nextends: ../base.yaml\n");
    s->input_names[1] = fx_str("base.yaml");
    s->input_texts[1] = fx_str("mpsim: 1\nname: base\n");
    s->base_year = 2025;
    s->horizon = 4;
    s->stat.pv_cost = 1000.375 + k;
    s->stat.pvc = 900.5;
    s->stat.pv_benefits = 1665.925;
    s->stat.npv = 765.425;
    s->stat.bcr = 1.85;
    s->has_dynamic = 1;
    for (int m = 0; m < MPSIM_N_METRICS; m++)
        for (int j = 0; j < MPSIM_N_STATS; j++)
            s->stats[m][j] = 100.0 * m + j + 0.5 + k;
    s->stats[MPSIM_M_BCR][MPSIM_STAT_MIN] = NAN;
    s->expected_bcr = 1.42;
    s->p_bcr_above_1 = k == 0 ? 0.873 : NAN;
    s->p_npv_negative = 0.127;
    s->expected_shortfall_5 = -250.75;
    s->bcr_undefined = 3 + (uint64_t)k;
    for (int d = 0; d < MPSIM_N_DECOMP; d++)
        s->decomposition[d] = 10.0 * (d + 1) + 0.25;

    s->n_missions = 2;
    s->missions = fx_calloc(2, sizeof *s->missions);
    s->missions[0].id = fx_str("warm-homes");
    s->missions[0].name = fx_str("Warm homes");
    s->missions[0].has_target = 1;
    s->missions[0].target_value = 1.25;
    s->missions[0].target_by = 2035;
    s->missions[0].p_achieved = 0.64;
    const double yq[MPSIM_N_YEAR_Q] = {2031, 2033, 2036, 2039, NAN};
    memcpy(s->missions[0].year_q, yq, sizeof yq);
    s->missions[1].id = fx_str("healthy-lives");
    s->missions[1].name = fx_str("Healthy lives");
    s->missions[1].has_target = 0;
    s->missions[1].target_value = NAN;
    s->missions[1].p_achieved = NAN;
    for (int q = 0; q < MPSIM_N_YEAR_Q; q++)
        s->missions[1].year_q[q] = NAN;

    s->n_projects = 3;
    s->projects = fx_calloc(3, sizeof *s->projects);
    const char *ids[3] = {"heat-pump-rnd", "retrofit", "clinics"};
    const char *kinds[3] = {"strategic", "tactical", "strategic"};
    const char *cats[3] = {"RDEL", "CDEL", "PDEL"};
    for (int i = 0; i < 3; i++) {
        mpsim_project_result *p = &s->projects[i];
        p->id = fx_str(ids[i]);
        p->mission = fx_str(i < 2 ? "warm-homes" : "healthy-lives");
        p->kind = fx_str(kinds[i]);
        p->category = fx_str(cats[i]);
        p->p_success = 0.5 + 0.1 * i;
        p->mean_pv_cost = 100.0 * (i + 1);
        p->mean_pv_benefits = 150.0 * (i + 1);
        p->mean_pv_direct = 1.0 + i;
        p->mean_pv_spillovers = 2.0 + i;
        p->mean_pv_savings = 3.0 + i;
        p->mean_pv_gdp = 4.0 + i;
        p->mean_spend_share = 0.9 - 0.1 * i;
        p->p_stopped = 0.05 * i;
    }
    s->n_kinds = 2;
    s->kinds = fx_calloc(2, sizeof *s->kinds);
    s->kinds[0].kind = fx_str("tactical");
    s->kinds[0].projects = 1;
    s->kinds[0].mean_pv_cost = 200.0;
    s->kinds[0].mean_pv_benefits = 300.0;
    s->kinds[1].kind = fx_str("strategic");
    s->kinds[1].projects = 2;
    s->kinds[1].mean_pv_cost = 400.0;
    s->kinds[1].mean_pv_benefits = 600.0;

    s->n_quantiles = 3;
    s->quantile_levels = fx_calloc(3, sizeof(double));
    s->quantile_levels[0] = 0.05;
    s->quantile_levels[1] = 0.5;
    s->quantile_levels[2] = 0.95;
    s->n_series = 2;
    s->series = fx_calloc(2, sizeof *s->series);
    const char *snames[2] = {"net_benefit", "cost"};
    for (int i = 0; i < 2; i++) {
        mpsim_series *v = &s->series[i];
        v->name = fx_str(snames[i]);
        v->description = fx_str(i == 0 ? "benefits less costs_net" : "gross public spend");
        v->units = fx_str("GBP million (real, base-year prices)");
        v->bands = fx_calloc(4 * 3, sizeof(double));
        v->mean = fx_calloc(4, sizeof(double));
        for (int t = 0; t < 4; t++) {
            for (int q = 0; q < 3; q++)
                v->bands[t * 3 + q] = 1000.0 * i + 10.0 * t + q;
            v->mean[t] = 1000.0 * i + 10.0 * t + 0.75;
        }
    }
    fx_distribution(&s->dist_npv, 2.5, 4);
    fx_distribution(&s->dist_bcr, 0, 0);

    if (keep_paths) {
        s->n_paths_kept = 70000; /* more than one chunk */
        for (int m = 0; m < MPSIM_N_METRICS; m++) {
            s->paths[m] = fx_calloc(s->n_paths_kept, sizeof(double));
            for (uint64_t i = 0; i < s->n_paths_kept; i++)
                s->paths[m][i] = m + 0.001 * (double)(i % 977);
        }
    }
}

/* Two scenarios and one comparison (or one scenario, no comparison). */
static mpsim_results *fx_results(int n_scenarios, int keep_paths)
{
    mpsim_results *r = fx_calloc(1, sizeof *r);
    r->seed = 20250101;
    r->quantiles_exact = 0;
    r->antithetic = 1;
    r->target_se = 0.01;
    r->target_se_reached = 1;
    r->paths = 1000;
    r->mpsim_version = fx_str(MPSIM_VERSION_STRING);
    r->created = fx_str("2025-01-01T00:00:00Z");
    r->command_line = fx_str("mpsim run 'my scenario.yaml'");
    r->provenance.git_revision = fx_str("0123456789ab");
    r->provenance.compiler = fx_str("GNU 12.2.0");
    r->provenance.compiler_flags = fx_str("-O2 -g");
    r->provenance.gsl_version = fx_str("2.7.1");
    r->provenance.hdf5_version = fx_str("1.10.8");
    r->provenance.yaml_version = fx_str("0.2.5");
    r->provenance.random123_version = fx_str("Random123 (philox4x32-10)");
    r->n_scenarios = (size_t)n_scenarios;
    r->scenarios = fx_calloc((size_t)n_scenarios, sizeof *r->scenarios);
    for (int k = 0; k < n_scenarios; k++)
        fx_scenario(&r->scenarios[k], k, keep_paths);
    if (n_scenarios == 2) {
        r->n_comparisons = 1;
        r->comparisons = fx_calloc(1, sizeof *r->comparisons);
        mpsim_comparison *c = &r->comparisons[0];
        c->a = fx_str("warm-homes");
        c->b = fx_str("warm-homes-ringfenced");
        c->npv_diff_mean = 12.5;
        c->npv_diff_sd = 40.25;
        c->npv_diff_se = 1.27;
        c->p_b_better = 0.55;
        c->exchequer_diff_mean = -3.5;
        c->exchequer_diff_se = 0.375;
        c->n_missions = 2;
        c->mission_ids = fx_calloc(2, sizeof(char *));
        c->mission_ids[0] = fx_str("warm-homes");
        c->mission_ids[1] = fx_str("healthy-lives");
        c->p_achieved_diff = fx_calloc(2, sizeof(double));
        c->p_achieved_diff[0] = 0.02;
        c->p_achieved_diff[1] = NAN;
    }
    return r;
}

/* A static-only result (as `mpsim static` makes) of one scenario. */
static mpsim_results *fx_static_results(void)
{
    mpsim_results *r = fx_calloc(1, sizeof *r);
    r->static_only = 1;
    r->mpsim_version = fx_str(MPSIM_VERSION_STRING);
    r->created = fx_str("2025-01-01T00:00:00Z");
    r->command_line = fx_str("mpsim static warm-homes.yaml");
    r->n_scenarios = 1;
    r->scenarios = fx_calloc(1, sizeof *r->scenarios);
    mpsim_scenario_result *s = &r->scenarios[0];
    s->name = fx_str("warm-homes");
    s->input_text = fx_str("mpsim: 1\n");
    s->resolved_text = fx_str("mpsim: 1\n");
    s->base_year = 2025;
    s->horizon = 30;
    s->stat.pv_cost = 1000.375;
    s->stat.pvc = 0.0;
    s->stat.pv_benefits = 12.5;
    s->stat.npv = 12.5;
    s->stat.bcr = NAN;
    return r;
}

#endif
