/*
 * The top-level `links` list (model.md section 5): once project `from` has
 * succeeded, project `to` passes its gates more easily and earns more.
 * Read after the missions, since both ends must name projects.  A pair
 * listed twice is refused rather than multiplied: it is almost surely a
 * copy-and-paste slip, and two uplifts can be written as one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/load_internal.h"

static const mps_key_spec link_keys[] = {
    {"from", 0}, {"to", 0}, {"gate_uplift", 0}, {"benefit_uplift", 0},
};
#define N_KEYS(t) (sizeof(t) / sizeof(t)[0])

/* Where each stored link was written, to point at the first of a pair
 * listed twice. */
typedef struct {
    int line;
} link_origin;

/* Reads one end of a link into *index (a project index). */
static int load_end(mps_loader *L, const mps_ynode *n, int *index)
{
    char buf[MPS_GOT_SIZE], near[512];
    if (n->type != MPS_YNODE_SCALAR || (n->plain && mps_yscalar_resolve(n).kind == MPS_YV_NULL)) {
        mps_load_error(L, n, "must be a project id (got %s)", mps_got(n, buf, sizeof buf));
        return 0;
    }
    int p = mps_find_project(L->s, n->text);
    if (p >= 0) {
        *index = p;
        return 1;
    }
    mps_nearest_projects(L->s, n->text, near, sizeof near);
    if (mps_find_mission(L->s, n->text) >= 0)
        mps_load_error(L, n, "'%.128s' is a mission, not a project; links join projects "
                             "(nearest project ids: %s)", n->text, near);
    else
        mps_load_error(L, n, "unknown project id '%.128s'; a link must join two projects of "
                             "this scenario (nearest project ids: %s)", n->text, near);
    return 0;
}

/* Reads link item m into *k; returns 1 when it is complete and valid. */
static int load_link(mps_loader *L, const mps_ynode *m, mps_link *k)
{
    char buf[MPS_GOT_SIZE];
    if (!mps_check_mapping(L, m, link_keys, N_KEYS(link_keys), "a link"))
        return 0;
    size_t before = L->n_errors;
    const mps_ynode *v, *to_node = NULL;
    size_t mark;
    if ((v = mps_map_get(m, "from", NULL)) != NULL) {
        mark = mps_path_key(L, "from");
        load_end(L, v, &k->from);
        mps_path_restore(L, mark);
    } else {
        mps_missing_key(L, m, "from", "the id of the project whose success helps");
    }
    if ((v = mps_map_get(m, "to", NULL)) != NULL) {
        mark = mps_path_key(L, "to");
        load_end(L, v, &k->to);
        to_node = v;
        mps_path_restore(L, mark);
    } else {
        mps_missing_key(L, m, "to", "the id of the project it helps");
    }
    if (L->n_errors == before && k->from == k->to) {
        mark = mps_path_key(L, "to");
        mps_load_error(L, to_node, "a link cannot join project '%s' to itself; from and to must "
                                   "be different projects", L->s->projects[k->to].id);
        mps_path_restore(L, mark);
    }
    if ((v = mps_map_get(m, "gate_uplift", NULL)) != NULL) {
        mark = mps_path_key(L, "gate_uplift");
        double g;
        if (mps_get_number(L, v, &g)) {
            if (g < 0 || g > 1)
                mps_load_error(L, v, "must be in [0, 1]: the share of B's gate failure "
                                     "probability removed once A succeeds (got %s)",
                               mps_got(v, buf, sizeof buf));
            else
                k->gate_uplift = g;
        }
        mps_path_restore(L, mark);
    }
    if ((v = mps_map_get(m, "benefit_uplift", NULL)) != NULL) {
        mark = mps_path_key(L, "benefit_uplift");
        double u;
        if (mps_get_number(L, v, &u)) {
            if (u < -1)
                mps_load_error(L, v, "must be >= -1: B's direct benefits are multiplied by "
                                     "(1 + benefit_uplift) (got %s)", mps_got(v, buf, sizeof buf));
            else
                k->benefit_uplift = u;
        }
        mps_path_restore(L, mark);
    }
    return L->n_errors == before;
}

void mps_load_links(mps_loader *L, const mps_ynode *n)
{
    char buf[MPS_GOT_SIZE];
    mps_scenario *s = L->s;
    size_t mark = mps_path_key(L, "links");
    if (n->type != MPS_YNODE_SEQUENCE) {
        mps_load_error(L, n, "must be a list of links such as [{from: a, to: b, gate_uplift: "
                             "0.3, benefit_uplift: 0.1}] (got %s)", mps_got(n, buf, sizeof buf));
        mps_path_restore(L, mark);
        return;
    }
    link_origin *origin = NULL;
    if (n->n > 0) {
        s->links = calloc(n->n, sizeof *s->links);
        origin = calloc(n->n, sizeof *origin);
        if (s->links == NULL || origin == NULL) {
            free(origin);
            mps_load_oom(L);
            mps_path_restore(L, mark);
            return;
        }
    }
    for (size_t i = 0; i < n->n && !L->oom; i++) {
        size_t m2 = mps_path_index(L, i);
        const mps_ynode *m = n->items[i];
        mps_link k = {-1, -2, 0.0, 0.0};
        if (load_link(L, m, &k)) {
            int dup = -1;
            for (int j = 0; j < s->n_links && dup < 0; j++)
                if (s->links[j].from == k.from && s->links[j].to == k.to)
                    dup = j;
            if (dup >= 0) {
                mps_load_error(L, m, "the link from '%s' to '%s' is listed twice (first at line "
                                     "%d); give each pair once, with both uplifts",
                               s->projects[k.from].id, s->projects[k.to].id, origin[dup].line);
            } else {
                origin[s->n_links].line = m->line;
                s->links[s->n_links++] = k;
            }
        }
        mps_path_restore(L, m2);
    }
    free(origin);
    mps_path_restore(L, mark);
}
