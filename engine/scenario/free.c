/*
 * Freeing a scenario, and its name accessor.  Every pointer in the struct
 * is owned by it; a partly built scenario (the loader gave up midway) is
 * freed the same way because everything starts zeroed.
 */
#include <stdlib.h>

#include "scenario/scenario.h"

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
    free(s);
}

const char *mpsim_scenario_name(const mpsim_scenario *s)
{
    return s ? s->name : NULL;
}
