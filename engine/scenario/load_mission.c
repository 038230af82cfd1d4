/*
 * The `missions` list: missions, their targets, and their projects stored
 * grouped by mission in file order.  Ids of missions and projects share one
 * namespace, so key paths (`missions.<id>.projects.<id>`) are unambiguous;
 * an item whose id is missing, invalid or repeated is named by its index
 * instead (`missions[1].projects[0]`).
 */
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "scenario/load_internal.h"

static const mps_key_spec mission_keys[] = {
    {"id", 0}, {"name", 0}, {"target", 0}, {"projects", 0},
};
static const mps_key_spec target_keys[] = {{"value", 0}, {"by", 0}};

static int remember_id(mps_loader *L, const char *id, int line)
{
    if (L->n_ids == L->cap_ids) {
        size_t cap = L->cap_ids ? 2 * L->cap_ids : 16;
        mps_seen_id *ids = realloc(L->ids, cap * sizeof *ids);
        if (ids == NULL) {
            mps_load_oom(L);
            return 0;
        }
        L->ids = ids;
        L->cap_ids = cap;
    }
    L->ids[L->n_ids].id = id;
    L->ids[L->n_ids].line = line;
    L->n_ids++;
    return 1;
}

/* Reads the id of list item m (index i) into *id and extends the key path
 * with ".<id>" when it is valid and new, else with "[i]".  The path is
 * extended in every case; the caller restores it. */
static void item_id(mps_loader *L, const mps_ynode *m, size_t i, const char *what, char **id)
{
    size_t base = L->path.len;
    mps_path_index(L, i);
    const mps_ynode *kn = NULL;
    const mps_ynode *v = mps_map_get(m, "id", &kn);
    if (v == NULL) {
        if (m->type == MPS_YNODE_MAPPING)
            mps_missing_key(L, m, "id", what);
        return;
    }
    size_t mark = mps_path_key(L, "id");
    int ok = mps_get_id(L, v, 0, id);
    if (ok) {
        for (size_t k = 0; k < L->n_ids; k++) {
            if (strcmp(L->ids[k].id, *id) == 0) {
                mps_load_error(L, v, "duplicate id '%s' (first used at line %d); mission and "
                                     "project ids must be unique together", *id, L->ids[k].line);
                ok = 0;
                break;
            }
        }
    }
    mps_path_restore(L, mark);
    if (!ok)
        return;
    remember_id(L, *id, v->line);
    mps_path_restore(L, base);
    mps_path_key(L, *id);
}

static void load_target(mps_loader *L, const mps_ynode *n, mps_mission *ms)
{
    if (!mps_check_mapping(L, n, target_keys, 2, "the mission's target"))
        return;
    int ok = 1;
    const mps_ynode *v;
    size_t mark;
    if ((v = mps_map_get(n, "value", NULL)) != NULL) {
        mark = mps_path_key(L, "value");
        ok = mps_get_number(L, v, &ms->target_value) && ok;
        mps_path_restore(L, mark);
    } else {
        mps_missing_key(L, n, "value", "the indicator level to reach");
        ok = 0;
    }
    if ((v = mps_map_get(n, "by", NULL)) != NULL) {
        mark = mps_path_key(L, "by");
        int by;
        if (mps_get_int(L, v, -MPS_YEARS_MAX, 2 * MPS_YEARS_MAX, &by)) {
            int first = L->s->base_year, last = L->s->base_year + L->s->horizon - 1;
            if (L->base_year_ok && L->horizon_ok && (by < first || by > last)) {
                mps_load_error(L, v, "must be a calendar year within the horizon, [%d, %d] "
                                     "(base_year .. base_year + horizon - 1) (got %d)",
                               first, last, by);
                ok = 0;
            } else {
                ms->target_by = by;
            }
        } else {
            ok = 0;
        }
        mps_path_restore(L, mark);
    } else {
        mps_missing_key(L, n, "by", "the calendar year by which to reach it");
        ok = 0;
    }
    ms->has_target = ok;
}

typedef struct {
    size_t cap;
} project_store;

static mps_project *new_project(mps_loader *L, project_store *st)
{
    mps_scenario *s = L->s;
    if ((size_t)s->n_projects == st->cap) {
        size_t cap = st->cap ? 2 * st->cap : 16;
        mps_project *p = realloc(s->projects, cap * sizeof *p);
        if (p == NULL) {
            mps_load_oom(L);
            return NULL;
        }
        s->projects = p;
        st->cap = cap;
    }
    return &s->projects[s->n_projects++];
}

static void load_projects(mps_loader *L, const mps_ynode *n, int mission, project_store *st)
{
    char buf[MPS_GOT_SIZE];
    if (n->type != MPS_YNODE_SEQUENCE) {
        mps_load_error(L, n, "must be a list of projects (got %s)", mps_got(n, buf, sizeof buf));
        return;
    }
    for (size_t j = 0; j < n->n && !L->oom; j++) {
        const mps_ynode *m = n->items[j];
        mps_project *p = new_project(L, st);
        if (p == NULL)
            return;
        mps_project_defaults(p, mission, L->s->base_year);
        size_t mark = L->path.len;
        item_id(L, m, j, "[A-Za-z0-9_-]+, unique among missions and projects", &p->id);
        mps_load_project_body(L, m, p);
        mps_path_restore(L, mark);
    }
}

static void load_mission(mps_loader *L, const mps_ynode *m, size_t i, project_store *st)
{
    mps_scenario *s = L->s;
    int index = s->n_missions++;
    mps_mission *ms = &s->missions[index];
    memset(ms, 0, sizeof *ms);
    ms->first_project = s->n_projects;
    size_t mark = L->path.len;
    item_id(L, m, i, "[A-Za-z0-9_-]+, unique among missions and projects", &ms->id);
    if (mps_check_mapping(L, m, mission_keys, 4, "a mission")) {
        const mps_ynode *v;
        size_t m2;
        if ((v = mps_map_get(m, "name", NULL)) != NULL) {
            m2 = mps_path_key(L, "name");
            mps_get_text(L, v, &ms->name);
            mps_path_restore(L, m2);
        }
        if ((v = mps_map_get(m, "target", NULL)) != NULL) {
            m2 = mps_path_key(L, "target");
            load_target(L, v, ms);
            mps_path_restore(L, m2);
        }
        if ((v = mps_map_get(m, "projects", NULL)) != NULL) {
            m2 = mps_path_key(L, "projects");
            load_projects(L, v, index, st);
            mps_path_restore(L, m2);
        }
    }
    ms->n_projects = s->n_projects - ms->first_project;
    mps_path_restore(L, mark);
}

void mps_load_missions(mps_loader *L, const mps_ynode *n)
{
    char buf[MPS_GOT_SIZE];
    mps_scenario *s = L->s;
    size_t mark = mps_path_key(L, "missions");
    if (n->type != MPS_YNODE_SEQUENCE || n->n == 0) {
        mps_load_error(L, n, "must be a non-empty list of missions, each with an id and its "
                             "projects (got %s)",
                       n->type == MPS_YNODE_SEQUENCE ? "an empty list" : mps_got(n, buf, sizeof buf));
        mps_path_restore(L, mark);
        return;
    }
    s->missions = calloc(n->n, sizeof *s->missions);
    if (s->missions == NULL) {
        mps_load_oom(L);
        mps_path_restore(L, mark);
        return;
    }
    project_store st = {0};
    for (size_t i = 0; i < n->n && !L->oom; i++)
        load_mission(L, n->items[i], i, &st);
    if (s->n_projects == 0 && !L->oom)
        mps_load_error(L, n, "the scenario has no projects; at least one mission needs a "
                             "projects list with at least one project");
    mps_path_restore(L, mark);
}
