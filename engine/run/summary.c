/*
 * From accumulated paths to the reported summary (model.md section 10,
 * interface.md): metric statistics, headline figures, fan charts, missions,
 * projects, kinds and comparisons.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "run/accumulate.h"

/* Fan-chart quantile levels written for every time series. */
static const double fan_levels[] = {0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95};
enum { N_FAN_LEVELS = sizeof fan_levels / sizeof fan_levels[0] };

int mps_result_describe(const mps_model *m, mpsim_scenario_result *res)
{
    const mps_scenario *s = mps_model_scenario(m);
    res->name = mps_strdup(s->name);
    res->description = mps_strdup(s->description);
    res->input_file = mps_strdup(s->file);
    res->input_text = mps_strdup(s->source_text);
    res->resolved_text = mps_strdup(s->resolved_text ? s->resolved_text : s->source_text);
    /* sources[0] is the file itself; the rest are the files it extends. */
    if (s->n_sources > 1) {
        res->n_inputs = (size_t)s->n_sources - 1;
        res->input_names = mps_calloc(res->n_inputs, sizeof *res->input_names);
        res->input_texts = mps_calloc(res->n_inputs, sizeof *res->input_texts);
        if (!res->input_names || !res->input_texts)
            return MPSIM_ERR_FAIL;
        for (size_t i = 0; i < res->n_inputs; i++) {
            res->input_names[i] = mps_strdup(s->sources[i + 1].path);
            res->input_texts[i] = mps_strdup(s->sources[i + 1].text);
            if (!res->input_names[i] || !res->input_texts[i])
                return MPSIM_ERR_FAIL;
        }
    }
    res->base_year = s->base_year;
    res->horizon = s->horizon;
    mps_static_appraise(m, &res->stat);

    res->n_missions = (size_t)s->n_missions;
    res->missions = mps_calloc(res->n_missions, sizeof *res->missions);
    res->n_projects = (size_t)s->n_projects;
    res->projects = mps_calloc(res->n_projects, sizeof *res->projects);
    if (!res->name || !res->input_text || !res->resolved_text || !res->missions || !res->projects)
        return MPSIM_ERR_FAIL;
    for (int i = 0; i < s->n_missions; i++) {
        const mps_mission *ms = &s->missions[i];
        mpsim_mission_result *mr = &res->missions[i];
        mr->id = mps_strdup(ms->id);
        mr->name = mps_strdup(ms->name);
        mr->has_target = ms->has_target;
        mr->target_value = ms->has_target ? ms->target_value : NAN;
        mr->target_by = ms->has_target ? ms->target_by : 0;
        mr->p_achieved = NAN;
        for (int q = 0; q < MPSIM_N_YEAR_Q; q++)
            mr->year_q[q] = NAN;
        if (!mr->id)
            return MPSIM_ERR_FAIL;
    }
    for (int j = 0; j < s->n_projects; j++) {
        const mps_project *p = &s->projects[j];
        mpsim_project_result *pr = &res->projects[j];
        pr->id = mps_strdup(p->id);
        pr->mission = mps_strdup(s->missions[p->mission].id);
        pr->kind = mps_strdup(mps_kind_names[p->kind]);
        pr->category = mps_strdup(mps_category_names[p->category]);
        if (!pr->id || !pr->mission || !pr->kind || !pr->category)
            return MPSIM_ERR_FAIL;
    }
    return MPSIM_OK;
}

/* Mission results from the histogram of first years reached. */
static void summarise_missions(const mps_accum *a, mpsim_scenario_result *res)
{
    const mps_scenario *s = mps_model_scenario(a->model);
    const int h = a->horizon;
    for (int i = 0; i < a->n_missions; i++) {
        const mps_mission *ms = &s->missions[i];
        mpsim_mission_result *mr = &res->missions[i];
        if (!ms->has_target)
            continue;
        const uint64_t *count = a->tally.mission_year + (size_t)i * (h + 1);
        const int by = ms->target_by - s->base_year;
        uint64_t by_target = 0, reached = 0;
        for (int t = 0; t < h; t++) {
            reached += count[t];
            if (t <= by)
                by_target += count[t];
        }
        mr->p_achieved = (double)by_target / (double)a->paths;
        /* Smallest year whose empirical CDF (over paths that reach the
         * target within the horizon) is at least q. */
        for (int q = 0; q < MPSIM_N_YEAR_Q && reached > 0; q++) {
            uint64_t cum = 0;
            for (int t = 0; t < h; t++) {
                cum += count[t];
                if ((double)cum >= mpsim_year_q_levels[q] * (double)reached - 1e-9) {
                    mr->year_q[q] = s->base_year + t;
                    break;
                }
            }
        }
    }
}

static int summarise_projects(const mps_accum *a, mpsim_scenario_result *res)
{
    const double n = (double)a->paths;
    const double *project_sum = a->sums.values + (size_t)a->n_series * a->horizon;
    const double *share_sum = project_sum + (size_t)a->n_projects * MPS_N_PROJECT_PV;
    for (int j = 0; j < a->n_projects; j++) {
        mpsim_project_result *pr = &res->projects[j];
        const double *sum = project_sum + (size_t)j * MPS_N_PROJECT_PV;
        pr->p_success = (double)a->tally.project_success[j] / n;
        pr->mean_pv_cost = sum[MPS_P_PV_COST] / n;
        pr->mean_pv_benefits = sum[MPS_P_PV_BENEFITS] / n;
        pr->mean_pv_direct = sum[MPS_P_PV_DIRECT] / n;
        pr->mean_pv_spillovers = sum[MPS_P_PV_SPILLOVERS] / n;
        pr->mean_pv_savings = sum[MPS_P_PV_SAVINGS] / n;
        pr->mean_pv_gdp = sum[MPS_P_PV_GDP] / n;
        pr->mean_spend_share = share_sum[j] / n;
        pr->p_stopped = (double)a->tally.project_stopped[j] / n;
    }
    /* Kinds present in the scenario, in the order of mps_kind. */
    const mps_scenario *s = mps_model_scenario(a->model);
    int count[MPS_N_KINDS] = {0};
    for (int j = 0; j < s->n_projects; j++)
        count[s->projects[j].kind]++;
    res->n_kinds = 0;
    for (int k = 0; k < MPS_N_KINDS; k++)
        res->n_kinds += count[k] > 0;
    res->kinds = mps_calloc(res->n_kinds, sizeof *res->kinds);
    if (!res->kinds)
        return MPSIM_ERR_FAIL;
    size_t slot = 0;
    for (int k = 0; k < MPS_N_KINDS; k++) {
        if (!count[k])
            continue;
        mpsim_kind_result *kr = &res->kinds[slot++];
        kr->kind = mps_strdup(mps_kind_names[k]);
        if (!kr->kind)
            return MPSIM_ERR_FAIL;
        kr->projects = count[k];
        for (int j = 0; j < s->n_projects; j++) {
            if ((int)s->projects[j].kind != k)
                continue;
            kr->mean_pv_cost += res->projects[j].mean_pv_cost;
            kr->mean_pv_benefits += res->projects[j].mean_pv_benefits;
        }
    }
    return MPSIM_OK;
}

static int summarise_series(const mps_accum *a, mpsim_scenario_result *res)
{
    const int h = a->horizon;
    res->n_quantiles = N_FAN_LEVELS;
    res->quantile_levels = malloc(sizeof fan_levels);
    res->n_series = (size_t)a->n_series;
    res->series = mps_calloc(res->n_series, sizeof *res->series);
    if (!res->quantile_levels || !res->series)
        return MPSIM_ERR_FAIL;
    memcpy(res->quantile_levels, fan_levels, sizeof fan_levels);
    for (int v = 0; v < a->n_series; v++) {
        const mps_series_def *def = mps_model_series(a->model, v);
        mpsim_series *out = &res->series[v];
        out->name = mps_strdup(def->name);
        out->description = mps_strdup(def->description);
        out->units = mps_strdup(def->units);
        out->bands = malloc((size_t)h * N_FAN_LEVELS * sizeof *out->bands);
        out->mean = malloc((size_t)h * sizeof *out->mean);
        if (!out->name || !out->description || !out->units || !out->bands || !out->mean)
            return MPSIM_ERR_FAIL;
        for (int t = 0; t < h; t++) {
            size_t cell = (size_t)v * h + t;
            out->mean[t] = a->sums.values[cell] / (double)a->paths;
            for (int q = 0; q < N_FAN_LEVELS; q++)
                out->bands[(size_t)t * N_FAN_LEVELS + q] =
                    mps_fan_quantile(&a->tally.fan, cell, fan_levels[q], a->paths);
        }
    }
    return MPSIM_OK;
}

/* Exact statistics of metric k from its per-path array; `sorted` is
 * scratch for a->paths values. */
static int summarise_metric(const mps_accum *a, int k, double *sorted, mpsim_scenario_result *res)
{
    const uint64_t n = a->paths;
    size_t n_def = 0;
    double st[MPSIM_N_STATS];
    mps_stats_summarise(a->metric[k], n, sorted, &n_def, st);
    for (int q = MPSIM_STAT_P1; q < MPSIM_N_STATS; q++)
        res->stats[k][q] = st[q];
    if (k == MPSIM_M_NPV) {
        /* sorted holds npv ascending: the shortfall and its distribution. */
        size_t tail = (size_t)ceil(0.05 * (double)n_def);
        double sum = 0.0;
        for (size_t i = 0; i < tail; i++)
            sum += sorted[i];
        res->expected_shortfall_5 = tail ? sum / (double)tail : NAN;
        return mps_distribution_fill(&res->dist_npv, sorted, n_def);
    }
    if (k == MPSIM_M_BCR)
        return mps_distribution_fill(&res->dist_bcr, sorted, n_def);
    return MPSIM_OK;
}

/* Exact statistics from the per-path arrays (model.md section 10).  The
 * metrics are sorted side by side, one scratch array per thread: each
 * metric's statistics depend only on its own array, so the results do not
 * depend on the threads, and the sort no longer runs on one core after
 * the parallel part of the run (it was most of the serial tail). */
static int summarise_exact(mps_accum *a, mpsim_scenario_result *res, int threads)
{
    const uint64_t n = a->paths;
    int failed = 0;
#pragma omp parallel num_threads(threads > 0 ? threads : 1) reduction(| : failed)
    {
        double *sorted = malloc((n ? n : 1) * sizeof *sorted);
        failed |= sorted == NULL;
#pragma omp for schedule(dynamic, 1)
        for (int k = 0; k < MPSIM_N_METRICS; k++)
            if (sorted != NULL)
                failed |= summarise_metric(a, k, sorted, res) != MPSIM_OK;
        free(sorted);
    }
    return failed ? MPSIM_ERR_FAIL : MPSIM_OK;
}

/* Quantiles, shortfall and distributions from the metric histograms. */
static int summarise_streamed(const mps_accum *a, mpsim_scenario_result *res)
{
    const mps_fan *h = &a->tally.metrics;
    for (int k = 0; k < MPSIM_N_METRICS; k++) {
        const uint64_t n = a->sums.w[MPS_W_METRIC + k].n;
        for (int q = MPSIM_STAT_P1; q < MPSIM_N_STATS; q++)
            res->stats[k][q] = mps_fan_quantile(h, (size_t)k, mps_stat_levels[q], n);
    }
    const uint64_t n_npv = a->sums.w[MPS_W_METRIC + MPSIM_M_NPV].n;
    res->expected_shortfall_5 =
        mps_fan_lower_mean(h, MPSIM_M_NPV, (uint64_t)ceil(0.05 * (double)n_npv));
    if (mps_fan_distribution(h, MPSIM_M_NPV, n_npv, &res->dist_npv) != MPSIM_OK ||
        mps_fan_distribution(h, MPSIM_M_BCR, a->sums.w[MPS_W_METRIC + MPSIM_M_BCR].n,
                             &res->dist_bcr) != MPSIM_OK)
        return MPSIM_ERR_FAIL;
    return MPSIM_OK;
}

int mps_accum_summarise(mps_accum *a, mpsim_scenario_result *res, int antithetic, int threads)
{
    const uint64_t n = a->paths;
    res->has_dynamic = 1;
    /* Moments from the block-ordered Welford sums, whatever the method for
     * quantiles; with antithetic pairs the standard error is that of the
     * mean of the (independent) pair means. */
    for (int k = 0; k < MPSIM_N_METRICS; k++) {
        const mps_welford *w = &a->sums.w[MPS_W_METRIC + k];
        const mps_welford *wp = &a->sums.w[MPS_W_PAIR + k];
        double *st = res->stats[k];
        for (int q = 0; q < MPSIM_N_STATS; q++)
            st[q] = NAN;
        if (w->n == 0)
            continue;
        st[MPSIM_STAT_MEAN] = w->mean;
        st[MPSIM_STAT_SD] = mps_welford_sd(w);
        st[MPSIM_STAT_SE] = antithetic ? mps_welford_sd(wp) / sqrt((double)wp->n)
                                       : st[MPSIM_STAT_SD] / sqrt((double)w->n);
        st[MPSIM_STAT_MIN] = a->tally.min[k];
        st[MPSIM_STAT_MAX] = a->tally.max[k];
    }
    res->bcr_undefined = n - a->tally.bcr_defined;
    res->p_bcr_above_1 =
        a->tally.bcr_defined ? (double)a->tally.bcr_above_1 / (double)a->tally.bcr_defined : NAN;
    res->p_npv_negative = (double)a->tally.npv_negative / (double)n;
    int status = a->streamed ? summarise_streamed(a, res) : summarise_exact(a, res, threads);

    const double e_pvb = res->stats[MPSIM_M_PV_BENEFITS][MPSIM_STAT_MEAN];
    const double e_pvc = res->stats[MPSIM_M_PVC][MPSIM_STAT_MEAN];
    res->expected_bcr = e_pvc > 0.0 ? e_pvb / e_pvc : NAN;
    res->decomposition[MPSIM_D_DIRECT] = res->stats[MPSIM_M_PV_DIRECT][MPSIM_STAT_MEAN];
    res->decomposition[MPSIM_D_SPILLOVERS] = res->stats[MPSIM_M_PV_SPILLOVERS][MPSIM_STAT_MEAN];
    res->decomposition[MPSIM_D_SAVINGS] = res->stats[MPSIM_M_PV_SAVINGS][MPSIM_STAT_MEAN];
    res->decomposition[MPSIM_D_WIDER_ECONOMY] = res->stats[MPSIM_M_PV_GDP][MPSIM_STAT_MEAN];

    summarise_missions(a, res);
    if (status == MPSIM_OK)
        status = summarise_projects(a, res);
    if (status == MPSIM_OK)
        status = summarise_series(a, res);
    return status == MPSIM_OK ? MPSIM_OK : MPSIM_ERR_FAIL;
}

void mps_accum_keep_paths(mps_accum *a, mpsim_scenario_result *res)
{
    if (a->streamed)
        return;
    res->n_paths_kept = a->paths;
    for (int k = 0; k < MPSIM_N_METRICS; k++) {
        res->paths[k] = a->metric[k];
        a->metric[k] = NULL;
    }
}

static const mpsim_mission_result *find_mission(const mpsim_scenario_result *r, const char *id)
{
    for (size_t i = 0; i < r->n_missions; i++)
        if (strcmp(r->missions[i].id, id) == 0)
            return &r->missions[i];
    return NULL;
}

int mps_compare(const mpsim_scenario_result *ra, const mps_accum *b,
                const mpsim_scenario_result *rb, int antithetic, mpsim_comparison *out)
{
    const mps_welford *npv = &b->sums.w[MPS_W_DIFF_NPV];
    const mps_welford *exch = &b->sums.w[MPS_W_DIFF_EXCHEQUER];
    const mps_welford *npv_se = antithetic ? &b->sums.w[MPS_W_PAIR_DIFF_NPV] : npv;
    const mps_welford *exch_se = antithetic ? &b->sums.w[MPS_W_PAIR_DIFF_EXCHEQUER] : exch;
    out->a = mps_strdup(ra->name);
    out->b = mps_strdup(rb->name);
    out->npv_diff_mean = npv->mean;
    out->npv_diff_sd = mps_welford_sd(npv);
    out->npv_diff_se = mps_welford_sd(npv_se) / sqrt((double)npv_se->n);
    out->exchequer_diff_mean = exch->mean;
    out->exchequer_diff_se = mps_welford_sd(exch_se) / sqrt((double)exch_se->n);
    out->p_b_better = (double)b->tally.b_better / (double)b->paths;

    /* Missions: a's in order, then those of b that a lacks. */
    out->mission_ids = mps_calloc(ra->n_missions + rb->n_missions, sizeof *out->mission_ids);
    out->p_achieved_diff = mps_calloc(ra->n_missions + rb->n_missions, sizeof *out->p_achieved_diff);
    if (!out->a || !out->b || !out->mission_ids || !out->p_achieved_diff)
        return MPSIM_ERR_FAIL;
    size_t k = 0;
    for (size_t i = 0; i < ra->n_missions; i++)
        out->mission_ids[k++] = mps_strdup(ra->missions[i].id);
    for (size_t j = 0; j < rb->n_missions; j++) {
        int seen = 0;
        for (size_t i = 0; i < ra->n_missions; i++)
            seen = seen || strcmp(ra->missions[i].id, rb->missions[j].id) == 0;
        if (!seen)
            out->mission_ids[k++] = mps_strdup(rb->missions[j].id);
    }
    out->n_missions = k;
    for (size_t i = 0; i < k; i++) {
        if (!out->mission_ids[i])
            return MPSIM_ERR_FAIL;
        const mpsim_mission_result *ma = find_mission(ra, out->mission_ids[i]);
        const mpsim_mission_result *mb = find_mission(rb, out->mission_ids[i]);
        out->p_achieved_diff[i] = ma && mb && ma->has_target && mb->has_target
                                      ? mb->p_achieved - ma->p_achieved
                                      : NAN;
    }
    return MPSIM_OK;
}
