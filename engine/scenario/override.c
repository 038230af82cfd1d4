/*
 * Overrides of scenario values by key path (override.h): finding the node
 * a key path names in the merged tree, and replacing it.
 *
 * The merged tree shares nodes with the parsed files (and aliases share
 * nodes within a file), so nothing is modified in place: the collections
 * on the way from the root to the replaced value are copied into the
 * load's arena (path copying) and everything else stays shared.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "scenario/override.h"

/* One step of a key path: a key or id (name != NULL), or an index. */
typedef struct {
    char *name;
    size_t index;
} segment;

typedef struct {
    segment *seg;
    size_t n;
} parsed_path;

static void path_free(parsed_path *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->seg[i].name);
    free(p->seg);
    p->seg = NULL;
    p->n = 0;
}

/* Splits a key path into steps; returns NULL or a message (static). */
static const char *path_parse(const char *kp, parsed_path *out)
{
    out->seg = NULL;
    out->n = 0;
    if (kp == NULL || *kp == '\0')
        return "is empty; write a key path such as economy.tax_take";
    size_t cap = 0;
    const char *p = kp;
    for (;;) {
        /* A key or id, then any number of [i]. */
        size_t len = strcspn(p, ".[]");
        if (len == 0)
            return "has an empty key (two dots, a leading dot, or '[' without a key before it)";
        for (int first = 1;; first = 0) {
            if (out->n == cap) {
                cap = cap ? 2 * cap : 8;
                segment *s = realloc(out->seg, cap * sizeof *s);
                if (s == NULL)
                    return "could not be read (out of memory)";
                out->seg = s;
            }
            segment *s = &out->seg[out->n];
            s->name = NULL;
            s->index = 0;
            if (first) {
                s->name = malloc(len + 1);
                if (s->name == NULL)
                    return "could not be read (out of memory)";
                memcpy(s->name, p, len);
                s->name[len] = '\0';
                out->n++;
                p += len;
            } else if (*p == '[') {
                p++;
                if (*p < '0' || *p > '9')
                    return "has an index that is not a whole number: write [0], [1], ...";
                size_t v = 0;
                while (*p >= '0' && *p <= '9') {
                    if (v > (SIZE_MAX - 9) / 10)
                        return "has an index too large";
                    v = 10 * v + (size_t)(*p - '0');
                    p++;
                }
                if (*p != ']')
                    return "has an index without its closing ']'";
                p++;
                s->index = v;
                out->n++;
            } else {
                break;
            }
        }
        if (*p == '\0')
            return NULL;
        if (*p != '.')
            return "has a stray ']' or text after an index; write key.key[0].key";
        p++;
    }
}

const char *mps_key_path_syntax(const char *key_path)
{
    parsed_path pp;
    const char *why = path_parse(key_path, &pp);
    path_free(&pp);
    return why;
}

/* The id of list item `item` (a mapping with a plain `id`), or NULL. */
static const char *item_id(const mps_ynode *item)
{
    const mps_ynode *id = mps_map_get(item, "id", NULL);
    return id != NULL && id->type == MPS_YNODE_SCALAR ? id->text : NULL;
}

/* Index of the child that step `s` selects in `node`, or -1. */
static long child_index(const mps_ynode *node, const segment *s)
{
    if (s->name == NULL)
        return node->type == MPS_YNODE_SEQUENCE && s->index < node->n ? (long)s->index : -1;
    if (node->type == MPS_YNODE_MAPPING) {
        for (size_t i = 0; i < node->n; i++) {
            const mps_ynode *k = mps_ymap_key(node, i);
            if (k->type == MPS_YNODE_SCALAR && strcmp(k->text, s->name) == 0)
                return (long)i;
        }
    } else if (node->type == MPS_YNODE_SEQUENCE) {
        for (size_t i = 0; i < node->n; i++) {
            const char *id = item_id(node->items[i]);
            if (id != NULL && strcmp(id, s->name) == 0)
                return (long)i;
        }
    }
    return -1;
}

static const mps_ynode *child_at(const mps_ynode *node, long i)
{
    return node->type == MPS_YNODE_MAPPING ? mps_ymap_value(node, (size_t)i) : node->items[i];
}

/* "a, b, c" (cut short) of what node offers, and the entry nearest to
 * `want`, for messages. */
static void describe_choices(const mps_ynode *node, const char *want, char *list, size_t size,
                             const char **nearest)
{
    list[0] = '\0';
    *nearest = NULL;
    size_t used = 0, best = 4;
    for (size_t i = 0; i < node->n; i++) {
        const char *name = NULL;
        if (node->type == MPS_YNODE_MAPPING) {
            const mps_ynode *k = mps_ymap_key(node, i);
            name = k->type == MPS_YNODE_SCALAR ? k->text : NULL;
        } else {
            name = item_id(node->items[i]);
        }
        if (name == NULL)
            continue;
        if (want != NULL) {
            size_t d = mps_edit_distance(want, name);
            if (d < best) {
                best = d;
                *nearest = name;
            }
        }
        if (used + 1 < size) {
            int w = snprintf(list + used, size - used, "%s%s", used ? ", " : "", name);
            if (w > 0)
                used += (size_t)w;
            if (used >= size - 1 && size > 4)
                memcpy(list + size - 4, "...", 4);
        }
    }
}

/* Reports why step k of the path finds nothing under `node` (reached by
 * the steps before it, `prefix`). */
static void report_missing(mpsim_errors *errs, const mps_override *ov, const mps_ynode *node,
                           const segment *s, const char *prefix)
{
    const char *file = ov->at ? ov->at->file : NULL;
    int line = ov->at ? ov->at->line : 0, col = ov->at ? ov->at->column : 0;
    const char *where = prefix[0] ? prefix : "the top level";
    char list[400];
    const char *nearest = NULL;
    if (s->name == NULL) {
        if (node->type == MPS_YNODE_SEQUENCE)
            mpsim_errors_add(errs, file, line, col, ov->at_key_path,
                             "key path '%s' names nothing in the base scenario: %s has %zu "
                             "items (indexes 0 to %zu), not [%zu]",
                             ov->key_path, where, node->n, node->n ? node->n - 1 : 0, s->index);
        else
            mpsim_errors_add(errs, file, line, col, ov->at_key_path,
                             "key path '%s' names nothing in the base scenario: %s is %s, not "
                             "a list, so it has no [%zu]",
                             ov->key_path, where,
                             node->type == MPS_YNODE_MAPPING ? "a mapping" : "a single value",
                             s->index);
        return;
    }
    if (node->type == MPS_YNODE_SCALAR) {
        mpsim_errors_add(errs, file, line, col, ov->at_key_path,
                         "key path '%s' names nothing in the base scenario: %s is a single "
                         "value, with no '%s' under it",
                         ov->key_path, where, s->name);
        return;
    }
    describe_choices(node, s->name, list, sizeof list, &nearest);
    const char *what = node->type == MPS_YNODE_MAPPING ? "keys" : "ids";
    if (nearest != NULL)
        mpsim_errors_add(errs, file, line, col, ov->at_key_path,
                         "key path '%s' names nothing in the base scenario: no '%s' in %s (%s "
                         "there: %s; did you mean '%s'?)",
                         ov->key_path, s->name, where, what, list[0] ? list : "none", nearest);
    else
        mpsim_errors_add(errs, file, line, col, ov->at_key_path,
                         "key path '%s' names nothing in the base scenario: no '%s' in %s (%s "
                         "there: %s)",
                         ov->key_path, s->name, where, what, list[0] ? list : "none");
}

/* Appends step s to prefix (a key path being rebuilt, for messages). */
static void prefix_add(char *prefix, size_t size, const segment *s)
{
    size_t used = strlen(prefix);
    if (s->name != NULL)
        snprintf(prefix + used, size - used, "%s%s", used ? "." : "", s->name);
    else
        snprintf(prefix + used, size - used, "[%zu]", s->index);
}

/* Finds the scalar that pp names under root; NULL after a report. */
static const mps_ynode *find_scalar(const mps_ynode *root, const parsed_path *pp,
                                    const mps_override *ov, mpsim_errors *errs)
{
    char prefix[512] = "";
    const mps_ynode *node = root;
    for (size_t k = 0; k < pp->n; k++) {
        long i = child_index(node, &pp->seg[k]);
        if (i < 0) {
            report_missing(errs, ov, node, &pp->seg[k], prefix);
            return NULL;
        }
        prefix_add(prefix, sizeof prefix, &pp->seg[k]);
        node = child_at(node, i);
    }
    if (node->type != MPS_YNODE_SCALAR) {
        char list[400];
        const char *nearest;
        describe_choices(node, NULL, list, sizeof list, &nearest);
        mpsim_errors_add(errs, ov->at ? ov->at->file : NULL, ov->at ? ov->at->line : 0,
                         ov->at ? ov->at->column : 0, ov->at_key_path,
                         "key path '%s' names %s in the base scenario, not a single value; "
                         "a sweep varies one number, string or boolean (%s there: %s)",
                         ov->key_path, node->type == MPS_YNODE_MAPPING ? "a mapping" : "a list",
                         node->type == MPS_YNODE_MAPPING ? "keys" : "items",
                         list[0] ? list : "none");
        return NULL;
    }
    return node;
}

/* A copy of `node` with the child on path step k replaced, recursively,
 * down to `value`; NULL when out of memory. */
static const mps_ynode *replace(mps_ytree *arena, const mps_ynode *node, const parsed_path *pp,
                                size_t k, const mps_ynode *value)
{
    if (k == pp->n)
        return value;
    long i = child_index(node, &pp->seg[k]);
    if (i < 0)
        return NULL;
    const mps_ynode *child = replace(arena, child_at(node, i), pp, k + 1, value);
    if (child == NULL)
        return NULL;
    mps_ynode *copy = mps_ytree_new_collection(arena, node->type, node);
    if (copy == NULL)
        return NULL;
    for (size_t j = 0; j < node->n; j++) {
        int rc;
        if (node->type == MPS_YNODE_MAPPING)
            rc = mps_ynode_append_pair(copy, mps_ymap_key(node, j),
                                       (long)j == i ? child : mps_ymap_value(node, j));
        else
            rc = mps_ynode_append(copy, (long)j == i ? child : node->items[j]);
        if (rc != MPSIM_OK)
            return NULL;
    }
    return copy;
}

/* A new scalar node in the arena, at the position of `at`. */
static const mps_ynode *new_scalar(mps_ytree *arena, const char *text, int plain,
                                   const mps_ynode *at)
{
    mps_ynode *n = mps_ytree_new_collection(arena, MPS_YNODE_SCALAR, at);
    if (n == NULL)
        return NULL;
    n->text = mps_strdup(text);
    if (n->text == NULL)
        return NULL;
    n->len = strlen(text);
    n->plain = plain;
    return n;
}

typedef struct {
    const mps_override *ov;
    size_t n;
    mpsim_errors *path_errs;
    int *path_failed;
} edit_ctx;

static const mps_ynode *apply(void *ctx, mps_loader *L, mps_ytree *arena, const mps_ynode *tree)
{
    edit_ctx *E = ctx;
    for (size_t i = 0; i < E->n && tree != NULL; i++) {
        const mps_override *ov = &E->ov[i];
        parsed_path pp;
        const char *why = path_parse(ov->key_path, &pp);
        if (why != NULL) {
            mpsim_errors_add(E->path_errs, ov->at ? ov->at->file : NULL, ov->at ? ov->at->line : 0,
                             ov->at ? ov->at->column : 0, ov->at_key_path, "key path '%s' %s",
                             ov->key_path ? ov->key_path : "", why);
            *E->path_failed = 1;
            path_free(&pp);
            continue;
        }
        if (find_scalar(tree, &pp, ov, E->path_errs) == NULL) {
            *E->path_failed = 1;
        } else if (ov->value != NULL || ov->text != NULL) {
            const mps_ynode *v =
                ov->value ? ov->value : new_scalar(arena, ov->text, ov->plain, ov->at);
            const mps_ynode *t = v ? replace(arena, tree, &pp, 0, v) : NULL;
            if (t == NULL)
                mps_load_oom(L);
            tree = t;
        }
        path_free(&pp);
    }
    return tree;
}

int mps_scenario_load_overrides(const char *text, size_t len, const char *file,
                                const mps_override *ov, size_t n, mpsim_scenario **out,
                                mpsim_errors *errs, mpsim_errors *path_errs, int *path_failed)
{
    int failed = 0;
    edit_ctx E = {ov, n, path_errs, &failed};
    int rc = mps_scenario_load_edited(text, len, file, n ? apply : NULL, &E, out, errs);
    if (path_failed != NULL)
        *path_failed = failed;
    return rc;
}
