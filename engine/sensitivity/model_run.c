/*
 * mpsim_sensitivity_run: every check first (batch rules, samples, key
 * paths and outputs of every scenario), so bad input costs nothing and
 * reports every mistake at once; then per scenario the Sobol' indices, the
 * tornado and the switching values; then, for a batch, the value of
 * information.  Every stage runs paths 0 .. N-1 of the same seed, so all
 * of them share common random numbers.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/util.h"
#include "sensitivity/model_sens.h"

static void scenario_clear(mps_sens_scenario *sc)
{
    free(sc->name);
    mps_sens_inputs_free(sc->inputs, sc->k);
    mps_sens_outputs_free(&sc->out);
    mpsim_sobol_result_clear(&sc->sobol);
    free(sc->tornado);
    free(sc->tornado_order);
    free(sc->static_applies);
    free(sc->sw_static);
    free(sc->sw_dynamic);
}

void mpsim_sensitivity_free(mpsim_sensitivity *r)
{
    if (r == NULL)
        return;
    for (size_t i = 0; i < r->n; i++)
        scenario_clear(&r->sc[i]);
    free(r->sc);
    free(r->evppi);
    free(r->created);
    free(r->command_line);
    free(r);
}

/* Checks everything and prepares each scenario's model, inputs and
 * outputs. */
static int prepare(mpsim_scenario *const *s, size_t n, const mpsim_sensitivity_options *o,
                   mpsim_sensitivity *r, mps_model **models, mpsim_errors *errs)
{
    mpsim_run_options ro;
    memset(&ro, 0, sizeof ro);
    ro.paths_set = 1; /* the paths of the files do not matter here */
    ro.paths = 1;
    ro.seed_set = o->seed_set;
    ro.seed = o->seed;
    int status = mpsim_batch_check(s, n, &ro, errs);
    if (r->samples < MPSIM_SOBOL_MIN_SAMPLES || r->samples > UINT64_C(0xffffffff)) {
        mpsim_errors_add(errs, NULL, 0, 0, "--samples",
                         "%llu base samples: a sensitivity analysis needs between %d and "
                         "4294967295 (below %d the indices' ratio bias and the bootstrap's "
                         "coarse percentiles make the error bars unreliable)",
                         (unsigned long long)r->samples, MPSIM_SOBOL_MIN_SAMPLES,
                         MPSIM_SOBOL_MIN_SAMPLES);
        status = MPSIM_ERR_INPUT;
    }
    if (o->bootstrap != 0 && o->bootstrap < MPSIM_SENS_MIN_BOOTSTRAP) {
        mpsim_errors_add(errs, NULL, 0, 0, "bootstrap", "at least %d bootstrap resamples",
                         MPSIM_SENS_MIN_BOOTSTRAP);
        status = MPSIM_ERR_INPUT;
    }
    for (size_t d = 0; d < n && status != MPSIM_ERR_FAIL; d++) {
        mps_sens_scenario *sc = &r->sc[d];
        sc->s = s[d];
        sc->name = mps_strdup(mpsim_scenario_name(s[d]));
        if (sc->name == NULL || mps_model_create(s[d], &models[d]) != MPSIM_OK) {
            mpsim_errors_add(errs, s[d]->file, 0, 0, NULL, "cannot prepare the model");
            status = MPSIM_ERR_FAIL;
            break;
        }
        /* The first scenario must have every input asked for; a later
         * alternative studies those it has (a "do nothing" option may have
         * none) and is still valued in the EVPI. */
        int st = mps_sens_inputs_resolve(models[d], o->inputs, o->inputs ? o->n_inputs : 0,
                                         d > 0, &sc->inputs, &sc->k, errs);
        int so = mps_sens_outputs_choose(models[d], o->outputs, o->outputs ? o->n_outputs : 0,
                                         &sc->out, errs);
        if (st == MPSIM_ERR_FAIL || so == MPSIM_ERR_FAIL)
            status = MPSIM_ERR_FAIL;
        else if (st != MPSIM_OK || so != MPSIM_OK)
            status = MPSIM_ERR_INPUT;
        for (size_t i = 0; i < sc->k; i++)
            sc->correlated |= sc->inputs[i].copula >= 0;
    }
    return status;
}

int mpsim_sensitivity_run(mpsim_scenario *const *scenarios, size_t n,
                          const mpsim_sensitivity_options *o, mpsim_sensitivity **out,
                          mpsim_errors *errs)
{
    *out = NULL;
    mpsim_sensitivity_options none;
    if (o == NULL) {
        memset(&none, 0, sizeof none);
        o = &none;
    }
    if (scenarios == NULL || n == 0) {
        mpsim_errors_add(errs, NULL, 0, 0, NULL, "no scenario to analyse");
        return MPSIM_ERR_INPUT;
    }
    mpsim_sensitivity *r = mps_calloc(1, sizeof *r);
    mps_model **models = mps_calloc(n, sizeof *models);
    mps_sens_pool *pools = mps_calloc(n, sizeof *pools);
    if (r == NULL || models == NULL || pools == NULL ||
        (r->sc = mps_calloc(n, sizeof *r->sc)) == NULL) {
        free(r);
        free(models);
        free(pools);
        mpsim_errors_add(errs, NULL, 0, 0, NULL, "out of memory");
        return MPSIM_ERR_FAIL;
    }
    r->n = n;
    r->samples = o->samples_set ? o->samples : MPS_SENS_DEFAULT_SAMPLES;
    r->seed = o->seed_set ? o->seed : scenarios[0]->seed;
    r->bootstrap = o->bootstrap ? o->bootstrap : MPSIM_SENS_BOOTSTRAP;
    r->confidence = 0.95;
    int status = prepare(scenarios, n, o, r, models, errs);
    for (size_t d = 0; d < n && status == MPSIM_OK; d++) {
        mps_sens_scenario *sc = &r->sc[d];
        if (mps_sens_pool_init(&pools[d], models[d], o->threads) != MPSIM_OK) {
            mpsim_errors_add(errs, NULL, 0, 0, NULL, "out of memory");
            status = MPSIM_ERR_FAIL;
            break;
        }
        if (sc->k == 0)
            continue; /* an alternative with none of the inputs: only in the VOI */
        status = mps_sens_sobol_scenario(sc, models[d], &pools[d], o, r->samples, r->seed, errs);
        if (status == MPSIM_OK)
            status = mps_sens_oneway(sc, models[d], &pools[d], r->samples, r->seed, o->cancel,
                                     errs);
    }
    if (status == MPSIM_OK && n >= 2)
        status = mps_sens_voi(r, models, pools, o->cancel, errs);
    if (status == MPSIM_OK && o->cancel != NULL && *o->cancel)
        status = MPSIM_ERR_INTERRUPTED;
    for (size_t d = 0; d < n; d++) {
        mps_sens_pool_free(&pools[d]);
        mps_model_free(models[d]);
    }
    free(pools);
    free(models);
    if (status != MPSIM_OK) {
        mpsim_sensitivity_free(r);
        return status;
    }
    *out = r;
    return MPSIM_OK;
}

int mpsim_sensitivity_stamp(mpsim_sensitivity *r, int argc, char *const *argv)
{
    if (r == NULL)
        return MPSIM_ERR_FAIL;
    time_t now = time(NULL);
    struct tm tm;
    char stamp[32];
    if (now == (time_t)-1 || gmtime_r(&now, &tm) == NULL ||
        strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        return MPSIM_ERR_FAIL;
    size_t len = 1;
    for (int i = 0; i < argc; i++)
        len += strlen(argv[i] ? argv[i] : "") + 1;
    char *line = malloc(len), *created = mps_strdup(stamp);
    if (line == NULL || created == NULL) {
        free(line);
        free(created);
        return MPSIM_ERR_FAIL;
    }
    line[0] = '\0';
    for (int i = 0; i < argc; i++) {
        if (i > 0)
            strcat(line, " ");
        strcat(line, argv[i] ? argv[i] : "");
    }
    free(r->created);
    free(r->command_line);
    r->created = created;
    r->command_line = line;
    return MPSIM_OK;
}
