/*
 * Looking up missions and projects by id once the missions are loaded, for
 * the parts of the file that refer to them (links, correlations), and the
 * "nearest ids" that an error about an unknown id suggests.
 */
#include <stdio.h>
#include <string.h>

#include "scenario/load_internal.h"

int mps_find_project(const mps_scenario *s, const char *id)
{
    for (int i = 0; i < s->n_projects; i++)
        if (s->projects[i].id != NULL && strcmp(s->projects[i].id, id) == 0)
            return i;
    return -1;
}

int mps_find_mission(const mps_scenario *s, const char *id)
{
    for (int i = 0; i < s->n_missions; i++)
        if (s->missions[i].id != NULL && strcmp(s->missions[i].id, id) == 0)
            return i;
    return -1;
}

void mps_nearest_projects(const mps_scenario *s, const char *id, char *buf, size_t size)
{
    enum { N_NEAREST = 3 };
    int best[N_NEAREST];
    size_t dist[N_NEAREST];
    int n = 0;
    /* Keep the N_NEAREST smallest distances, ties in file order. */
    for (int i = 0; i < s->n_projects; i++) {
        if (s->projects[i].id == NULL)
            continue;
        size_t d = mps_edit_distance(id, s->projects[i].id);
        int k = n < N_NEAREST ? n++ : N_NEAREST;
        while (k > 0 && dist[k - 1] > d) {
            if (k < N_NEAREST) {
                best[k] = best[k - 1];
                dist[k] = dist[k - 1];
            }
            k--;
        }
        if (k < N_NEAREST) {
            best[k] = i;
            dist[k] = d;
        }
    }
    if (size == 0)
        return;
    snprintf(buf, size, "%s", n == 0 ? "none" : "");
    size_t used = strlen(buf);
    for (int k = 0; k < n && used + 1 < size; k++) {
        int w = snprintf(buf + used, size - used, "%s%s", k ? ", " : "", s->projects[best[k]].id);
        if (w < 0)
            break;
        used += (size_t)w;
        if (used >= size)
            break;
    }
}
