/*
 * Freeing a scenario, and its accessors.  Every pointer in the struct
 * is owned by it; a partly built scenario (the loader gave up midway) is
 * freed the same way because everything starts zeroed.
 */
#include <stdlib.h>

#include "scenario/scenario.h"

static void economy_free(mps_economy *e)
{
    if (e->regime_names != NULL)
        for (int r = 0; r < e->n_regimes; r++)
            free(e->regime_names[r]);
    free(e->regime_names);
    free(e->initial);
    free(e->transition);
    for (int c = 0; c < MPS_N_CATEGORIES; c++)
        free(e->multipliers[c].dist);
    free(e->profile);
}

static void correlations_free(mps_correlations *c)
{
    if (c->inputs != NULL)
        for (int i = 0; i < c->n; i++)
            free(c->inputs[i].key_path);
    free(c->inputs);
    free(c->cholesky);
}

void mpsim_scenario_free(mpsim_scenario *s)
{
    if (s == NULL)
        return;
    free(s->file);
    free(s->source_text);
    free(s->name);
    free(s->description);
    mps_discount_free(&s->discount);
    for (int i = 0; i < s->n_missions; i++) {
        free(s->missions[i].id);
        free(s->missions[i].name);
    }
    free(s->missions);
    for (int i = 0; i < s->n_projects; i++) {
        free(s->projects[i].id);
        free(s->projects[i].name);
        free(s->projects[i].profile);
        free(s->projects[i].gates);
    }
    free(s->projects);
    free(s->links);
    free(s->funding.cut_probability);
    if (s->sources != NULL)
        for (int i = 0; i < s->n_sources; i++) {
            free(s->sources[i].path);
            free(s->sources[i].text);
        }
    free(s->sources);
    free(s->resolved_text);
    economy_free(&s->economy);
    correlations_free(&s->correlations);
    free(s);
}

const char *mpsim_scenario_name(const mpsim_scenario *s)
{
    return s ? s->name : NULL;
}

const char *mpsim_scenario_resolved_text(const mpsim_scenario *s)
{
    return s ? s->resolved_text : NULL;
}
