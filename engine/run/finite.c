/*
 * Numerical safety checks (finite.h) and the search for the input that
 * caused an overflow.
 *
 * The cause is looked for in order: discount factors that overflow (a rate
 * near -1 compounded over the horizon), an uncertain input whose mean is
 * not finite (a lognormal with an enormous p90 / median ratio), then the
 * input whose values can be largest (costs or benefits near the limit of
 * double precision, or a distribution with huge tails).  The message names
 * its key path as scenario-format.md writes them.
 */
#include <math.h>
#include <stdio.h>

#include "random/dist.h"
#include "run/finite.h"
#include "scenario/scenario.h"

/* Beyond this a value is "about to overflow": squares, sums over paths and
 * years of values above it leave double precision. */
#define MPS_HUGE 1e150

/* A generous bound on |X| for draws of d (ten standard deviations). */
static double dist_reach(const mps_dist *d)
{
    switch (d->kind) {
    case MPS_DIST_FIXED: return fabs(d->a);
    case MPS_DIST_NORMAL: return fabs(d->a) + 10.0 * d->b;
    case MPS_DIST_LOGNORMAL: return exp(d->a + 10.0 * d->b);
    case MPS_DIST_TRIANGULAR:
    case MPS_DIST_PERT: return fmax(fabs(d->a), fabs(d->c));
    case MPS_DIST_UNIFORM: return fmax(fabs(d->a), fabs(d->b));
    case MPS_DIST_POISSON: return d->a + 10.0 * sqrt(d->a);
    }
    return 0.0;
}

typedef struct {
    const char *suffix; /* after "missions.<m>.projects.<p>." */
    const mps_dist *d;
    double scale;       /* what multiplies draws: the largest profile entry for overrun */
} input_ref;

/* The uncertain inputs of project j (those it has). */
static int project_inputs(const mps_project *p, input_ref out[4])
{
    int n = 0;
    double maxprof = 0.0;
    for (int i = 0; i < p->build_years; i++)
        maxprof = fmax(maxprof, fabs(p->profile[i]));
    out[n++] = (input_ref){"cost.overrun", &p->overrun, maxprof};
    if (p->has_benefits)
        out[n++] = (input_ref){"benefits.annual", &p->annual, 1.0};
    if (p->has_prevention)
        out[n++] = (input_ref){"prevention.effect", &p->prev_effect, 1.0};
    if (p->has_spillovers)
        out[n++] = (input_ref){"spillovers.value", &p->spill_value, 1.0};
    return n;
}

/* Below this a PVC makes PVB / PVC (and its square) leave double precision. */
#define MPS_TINY 1e-100

/* Writes the likely cause of an overflow in scenario s into buf.  `pvc` is
 * the PVC behind a BCR that overflowed (NaN when the value is not a BCR). */
static void find_cause(const mps_model *m, double pvc, char *buf, size_t size)
{
    const mps_scenario *s = mps_model_scenario(m);
    if (pvc > 0.0 && pvc < MPS_TINY) {
        /* The project with the smallest costs is the likeliest culprit. */
        const mps_project *tiny = NULL;
        double smallest = INFINITY;
        for (int j = 0; j < s->n_projects; j++) {
            const mps_project *p = &s->projects[j];
            double maxprof = 0.0;
            for (int i = 0; i < p->build_years; i++)
                maxprof = fmax(maxprof, fabs(p->profile[i]));
            if (maxprof > 0.0 && maxprof < smallest) {
                smallest = maxprof;
                tiny = p;
            }
        }
        if (tiny != NULL) {
            snprintf(buf, size,
                     "missions.%s.projects.%s.cost.profile: costs of about %g make PVC about %g, "
                     "so BCR = PVB / PVC (or its square) overflows; costs this small are not "
                     "meaningful",
                     s->missions[tiny->mission].id, tiny->id, smallest, pvc);
            return;
        }
    }
    static const struct {
        mps_benefit_type type;
        const char *what;
    } schedules[] = {{MPS_BENEFIT_ECONOMIC, "appraisal.discount"},
                     {MPS_BENEFIT_HEALTH, "appraisal.discount (health schedule)"}};
    for (size_t k = 0; k < sizeof schedules / sizeof schedules[0]; k++) {
        const double *df = mps_model_df(m, schedules[k].type);
        for (int t = 0; df && t < s->horizon; t++) {
            if (!isfinite(df[t]) || df[t] > MPS_HUGE) {
                snprintf(buf, size,
                         "%s: the discount factor for year %d is %g (a rate near -1 compounds "
                         "without bound over the horizon of %d years); use a rate further "
                         "from -1 or a shorter horizon",
                         schedules[k].what, t, df[t], s->horizon);
                return;
            }
        }
    }
    /* An input whose mean overflows, else the one that reaches furthest. */
    const char *mission = NULL, *project = NULL, *suffix = NULL;
    double worst = 0.0;
    for (int j = 0; j < s->n_projects; j++) {
        const mps_project *p = &s->projects[j];
        input_ref in[4];
        int n = project_inputs(p, in);
        for (int i = 0; i < n; i++) {
            double mean = mps_dist_mean(in[i].d);
            if (!isfinite(mean)) {
                snprintf(buf, size,
                         "missions.%s.projects.%s.%s: its mean is not finite (its distribution's "
                         "tail is too heavy for double precision); narrow it, e.g. a smaller "
                         "p90 / median ratio",
                         s->missions[p->mission].id, p->id, in[i].suffix);
                return;
            }
            double reach = dist_reach(in[i].d) * fmax(in[i].scale, 1.0);
            if (!(reach <= worst)) {
                worst = reach;
                mission = s->missions[p->mission].id;
                project = p->id;
                suffix = in[i].suffix;
            }
        }
        double maxprof = 0.0;
        for (int i = 0; i < p->build_years; i++)
            maxprof = fmax(maxprof, fabs(p->profile[i]));
        if (maxprof > worst) {
            worst = maxprof;
            mission = s->missions[p->mission].id;
            project = p->id;
            suffix = "cost.profile";
        }
    }
    if (project != NULL && !(worst <= MPS_HUGE)) {
        snprintf(buf, size,
                 "missions.%s.projects.%s.%s: its values reach about %g, so sums and squares "
                 "over years and paths overflow double precision; keep money below about 1e150",
                 mission, project, suffix, worst);
        return;
    }
    snprintf(buf, size,
             "no single input explains it: very large costs, benefits or economy values "
             "(largest project input: about %g) combine beyond double precision",
             worst);
}

static int report(const mps_model *m, double pvc, mpsim_errors *errs, const char *what)
{
    char cause[512];
    find_cause(m, pvc, cause, sizeof cause);
    const mps_scenario *s = mps_model_scenario(m);
    mpsim_errors_add(errs, s->file, 0, 0, NULL,
                     "scenario '%s': %s is not a finite number (an overflow); likely cause: %s",
                     s->name, what, cause);
    return MPSIM_ERR_INPUT;
}

/* The static appraisal: BCR is NaN exactly when PVC <= 0 (model.md
 * section 10); everything else is a number. */
static int check_static(const mps_model *m, const mpsim_static_result *st, mpsim_errors *errs)
{
    const struct {
        const char *name;
        double v;
    } v[] = {{"pv_cost", st->pv_cost}, {"pvc", st->pvc}, {"pv_benefits", st->pv_benefits},
             {"npv", st->npv}, {"bcr", st->bcr}};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        int is_bcr = i == 4;
        int ok = is_bcr && !(st->pvc > 0.0) ? isnan(v[i].v) != 0 : isfinite(v[i].v) != 0;
        if (!ok) {
            char what[96];
            snprintf(what, sizeof what, "the static appraisal's %s (%g)", v[i].name, v[i].v);
            return report(m, is_bcr ? st->pvc : NAN, errs, what);
        }
    }
    return MPSIM_OK;
}

int mps_check_scenario_finite(const mps_model *m, const mpsim_scenario_result *res,
                              uint64_t paths, mpsim_errors *errs)
{
    int rc = check_static(m, &res->stat, errs);
    if (rc != MPSIM_OK || !res->has_dynamic)
        return rc;
    char what[200];
    /* Statistics of each metric: a non-finite value on any path reaches
     * the mean (and an infinite one the minimum or maximum).  BCR is
     * defined on paths with PVC > 0 only; sd and se need two values. */
    for (int k = 0; k < MPSIM_N_METRICS; k++) {
        uint64_t defined = k == MPSIM_M_BCR ? paths - res->bcr_undefined : paths;
        for (int q = 0; q < MPSIM_N_STATS && defined > 0; q++) {
            if ((q == MPSIM_STAT_SD || q == MPSIM_STAT_SE) && defined < 2)
                continue;
            if (!isfinite(res->stats[k][q])) {
                snprintf(what, sizeof what, "the %s of metric %s over paths (%g)",
                         mpsim_stat_names[q], mpsim_metric_names[k], res->stats[k][q]);
                /* A BCR overflows through a tiny PVC: the smallest seen. */
                double pvc = k == MPSIM_M_BCR ? res->stats[MPSIM_M_PVC][MPSIM_STAT_MIN] : NAN;
                if (k == MPSIM_M_BCR && !(pvc > 0.0))
                    pvc = res->stats[MPSIM_M_PVC][MPSIM_STAT_MEAN];
                return report(m, pvc, errs, what);
            }
        }
    }
    const struct {
        const char *name;
        double v;
        int may_be_nan;
    } head[] = {
        {"expected_bcr", res->expected_bcr, !(res->stats[MPSIM_M_PVC][MPSIM_STAT_MEAN] > 0.0)},
        {"p_bcr_above_1", res->p_bcr_above_1, res->bcr_undefined == paths},
        {"p_npv_negative", res->p_npv_negative, 0},
        {"expected_shortfall_5", res->expected_shortfall_5, 0},
        {"decomposition.direct", res->decomposition[MPSIM_D_DIRECT], 0},
        {"decomposition.spillovers", res->decomposition[MPSIM_D_SPILLOVERS], 0},
        {"decomposition.savings", res->decomposition[MPSIM_D_SAVINGS], 0},
        {"decomposition.wider_economy", res->decomposition[MPSIM_D_WIDER_ECONOMY], 0},
    };
    for (size_t i = 0; i < sizeof head / sizeof head[0]; i++)
        if (!isfinite(head[i].v) && !(head[i].may_be_nan && isnan(head[i].v)))
            return report(m, i == 0 ? res->stats[MPSIM_M_PVC][MPSIM_STAT_MEAN] : NAN, errs,
                          head[i].name);
    /* Per project: a sum over paths of finite values can still overflow. */
    for (size_t j = 0; j < res->n_projects; j++) {
        const mpsim_project_result *p = &res->projects[j];
        const double v[] = {p->p_success,          p->mean_pv_cost,    p->mean_pv_benefits,
                            p->mean_pv_direct,     p->mean_pv_spillovers, p->mean_pv_savings,
                            p->mean_pv_gdp};
        for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
            if (!isfinite(v[i])) {
                snprintf(what, sizeof what, "the mean present values of project %s", p->id);
                return report(m, NAN, errs, what);
            }
        }
    }
    for (size_t i = 0; i < res->n_kinds; i++)
        if (!isfinite(res->kinds[i].mean_pv_cost) || !isfinite(res->kinds[i].mean_pv_benefits))
            return report(m, NAN, errs, "the means by project kind");
    for (size_t v = 0; v < res->n_series; v++) {
        const mpsim_series *sr = &res->series[v];
        for (int t = 0; t < res->horizon; t++) {
            int ok = isfinite(sr->mean[t]);
            for (size_t q = 0; ok && q < res->n_quantiles; q++)
                ok = isfinite(sr->bands[(size_t)t * res->n_quantiles + q]);
            if (!ok) {
                snprintf(what, sizeof what, "the fan chart of %s in %d", sr->name,
                         res->base_year + t);
                return report(m, NAN, errs, what);
            }
        }
    }
    return MPSIM_OK;
}

int mps_check_comparison_finite(const mpsim_comparison *c, uint64_t paths, mpsim_errors *errs)
{
    const double v[] = {c->npv_diff_mean, c->exchequer_diff_mean, c->npv_diff_sd,
                        c->npv_diff_se, c->exchequer_diff_se};
    /* The spreads (the last three) need two paths. */
    const size_t n = paths > 1 ? sizeof v / sizeof v[0] : 2;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(v[i])) {
            mpsim_errors_add(errs, NULL, 0, 0, NULL,
                             "the comparison of '%s' with '%s' is not a finite number (an "
                             "overflow): their NPVs differ by more than double precision holds; "
                             "keep money below about 1e150",
                             c->b, c->a);
            return MPSIM_ERR_INPUT;
        }
    }
    return MPSIM_OK;
}
