/*
 * The merge rules of `extends` (scenario-format.md), on YAML trees:
 *
 * - a mapping merges key by key into the inherited mapping (inherited keys
 *   keep their order, new keys follow in the order written), unless it
 *   contains `dist`: then it replaces the inherited value whole, so the
 *   parameters of two distributions never mix.  A mapping without `dist`
 *   over an inherited distribution changes its parameters and keeps its
 *   `dist` (`overrun: {p90: 2.0}`);
 * - a list replaces the inherited list whole, except `missions` and a
 *   mission's `projects`, which merge by `id`: an inherited id merges, a
 *   new id is appended, `drop: true` removes an inherited id;
 * - `key: null` deletes the inherited key.
 *
 * A null or a drop with nothing inherited to delete is an error (a slip
 * that would otherwise change nothing silently), and so is a key or an id
 * repeated in one file (merged, the repeat could vanish into the first);
 * each is reported and left out, and the merge goes on.  Anything else odd
 * (a key that is not text, an item without an id) is carried into the
 * merged tree so that validation reports it where it was written.
 *
 * Inherited and new nodes are shared, never copied or modified; only the
 * collections that merge are new, and each takes the position of the node
 * written last, so an error about the whole collection (a missing key)
 * points at the file that changed it.
 */
#include <stdlib.h>
#include <string.h>

#include "scenario/extends.h"

/* What a value means to the merge: where lists merge by id, and which
 * mappings are items of such lists (they carry `drop`). */
typedef enum {
    CTX_TOP,      /* the root mapping */
    CTX_MISSION,  /* an item of missions */
    CTX_PROJECT,  /* an item of a mission's projects */
    CTX_MISSIONS, /* the missions list */
    CTX_PROJECTS, /* a mission's projects list */
    CTX_OTHER
} merge_ctx;

typedef struct {
    mps_loader *L;
    mps_ytree *arena;
    const char *base_file;
} merger;

static const mps_ynode *merge_value(merger *M, const mps_ynode *base, const mps_ynode *over,
                                    merge_ctx ctx);

static int is_null(const mps_ynode *n)
{
    return n->type == MPS_YNODE_SCALAR && n->plain && mps_yscalar_resolve(n).kind == MPS_YV_NULL;
}

static int is_text_key(const mps_ynode *k)
{
    return k->type == MPS_YNODE_SCALAR && !is_null(k);
}

static merge_ctx child_ctx(merge_ctx ctx, const char *key)
{
    if (ctx == CTX_TOP && strcmp(key, "missions") == 0)
        return CTX_MISSIONS;
    if (ctx == CTX_MISSION && strcmp(key, "projects") == 0)
        return CTX_PROJECTS;
    return CTX_OTHER;
}

/* The `id` of a list item as text, or NULL when it has none usable. */
static const char *item_id(const mps_ynode *item)
{
    const mps_ynode *id = mps_map_get(item, "id", NULL);
    return id != NULL && is_text_key(id) ? id->text : NULL;
}

static void null_error(merger *M, const mps_ynode *key)
{
    if (M->base_file != NULL)
        mps_load_error(M->L, key,
                       "is null, which deletes an inherited key, but %s gives no "
                       "'%.60s' here to delete; remove the line",
                       M->base_file, key->text);
    else
        mps_load_error(M->L, key,
                       "is null, which deletes an inherited key, but nothing is "
                       "inherited here (this file extends no other file); remove "
                       "the line");
}

/* Merges mapping `over` into `base` (NULL, or not a mapping: nothing
 * inherited).  Items of the lists that merge by id skip their `drop` key,
 * which the list has dealt with. */
static const mps_ynode *merge_map(merger *M, const mps_ynode *base, const mps_ynode *over,
                                  merge_ctx ctx)
{
    mps_loader *L = M->L;
    if (base != NULL && base->type != MPS_YNODE_MAPPING)
        base = NULL;
    size_t nb = base ? base->n : 0, no = over->n;
    int is_item = ctx == CTX_MISSION || ctx == CTX_PROJECT;
    mps_ynode *out = mps_ytree_new_collection(M->arena, MPS_YNODE_MAPPING, over);
    /* match[j]: the base pair that over pair j overrides, -1 for a new key,
     * -2 for a pair left out; by_base[i]: the over pair overriding base
     * pair i, or -1. */
    long *match = malloc((no ? no : 1) * sizeof *match);
    long *by_base = malloc((nb ? nb : 1) * sizeof *by_base);
    if (out == NULL || match == NULL || by_base == NULL) {
        free(match);
        free(by_base);
        mps_load_oom(L);
        return NULL;
    }
    for (size_t i = 0; i < nb; i++)
        by_base[i] = -1;
    int seen_extends = 0;
    for (size_t j = 0; j < no; j++) {
        const mps_ynode *k = mps_ymap_key(over, j);
        match[j] = -1;
        if (!is_text_key(k))
            continue;
        /* A key repeated in this file is refused here: merged, the first
         * might be deleted or absorbed and the repeat never seen. */
        size_t first = 0;
        while (first < j && !(is_text_key(mps_ymap_key(over, first)) &&
                              strcmp(mps_ymap_key(over, first)->text, k->text) == 0))
            first++;
        if (first < j) {
            size_t mark = mps_path_key(L, k->text);
            mps_load_error(L, k,
                           "duplicate key '%s' (first given at line %d); each key may "
                           "appear once in a mapping",
                           k->text, mps_ymap_key(over, first)->line);
            mps_path_restore(L, mark);
            match[j] = -2;
            continue;
        }
        if ((ctx == CTX_TOP && strcmp(k->text, "extends") == 0 && !seen_extends++) ||
            (is_item && strcmp(k->text, "drop") == 0)) {
            match[j] = -2;
            continue;
        }
        for (size_t i = 0; i < nb; i++) {
            const mps_ynode *bk = mps_ymap_key(base, i);
            if (by_base[i] < 0 && is_text_key(bk) && strcmp(bk->text, k->text) == 0) {
                match[j] = (long)i;
                by_base[i] = (long)j;
                break;
            }
        }
    }
    int ok = 1;
    /* Inherited keys first, in their order: kept, merged or deleted. */
    for (size_t i = 0; i < nb && ok; i++) {
        const mps_ynode *bk = mps_ymap_key(base, i), *bv = mps_ymap_value(base, i);
        if (by_base[i] < 0) {
            ok = mps_ynode_append_pair(out, bk, bv) == MPSIM_OK;
            continue;
        }
        const mps_ynode *k = mps_ymap_key(over, (size_t)by_base[i]);
        const mps_ynode *v = mps_ymap_value(over, (size_t)by_base[i]);
        if (is_null(v))
            continue;
        size_t mark = mps_path_key(L, k->text);
        const mps_ynode *merged = merge_value(M, bv, v, child_ctx(ctx, k->text));
        mps_path_restore(L, mark);
        ok = merged != NULL && mps_ynode_append_pair(out, k, merged) == MPSIM_OK;
    }
    /* Then the new keys, in the order written. */
    for (size_t j = 0; j < no && ok; j++) {
        if (match[j] != -1)
            continue;
        const mps_ynode *k = mps_ymap_key(over, j), *v = mps_ymap_value(over, j);
        if (!is_text_key(k)) {
            ok = mps_ynode_append_pair(out, k, v) == MPSIM_OK;
            continue;
        }
        size_t mark = mps_path_key(L, k->text);
        if (is_null(v)) {
            null_error(M, k);
        } else {
            const mps_ynode *merged = merge_value(M, NULL, v, child_ctx(ctx, k->text));
            ok = merged != NULL && mps_ynode_append_pair(out, k, merged) == MPSIM_OK;
        }
        mps_path_restore(L, mark);
    }
    free(match);
    free(by_base);
    if (!ok) {
        mps_load_oom(L);
        return NULL;
    }
    return out;
}

/* An item's `drop`: 1 for `drop: true`, 0 otherwise (absent, false, or
 * not a boolean, which is reported). */
static int item_drop(merger *M, const mps_ynode *item, const mps_ynode **drop_key)
{
    char buf[MPS_GOT_SIZE];
    *drop_key = NULL;
    const mps_ynode *v = mps_map_get(item, "drop", drop_key);
    if (v == NULL)
        return 0;
    mps_yvalue y;
    if (v->type == MPS_YNODE_SCALAR && v->plain && (y = mps_yscalar_resolve(v)).kind == MPS_YV_BOOL)
        return y.boolean;
    size_t mark = mps_path_key(M->L, "drop");
    mps_load_error(M->L, v,
                   "must be true (remove the inherited item with this id) or false "
                   "(got %s)",
                   mps_got(v, buf, sizeof buf));
    mps_path_restore(M->L, mark);
    return 0;
}

/* missions or a mission's projects: merged by id. */
static const mps_ynode *merge_by_id(merger *M, const mps_ynode *base, const mps_ynode *over,
                                    merge_ctx item_ctx)
{
    mps_loader *L = M->L;
    if (base != NULL && base->type != MPS_YNODE_SEQUENCE)
        base = NULL;
    size_t nb = base ? base->n : 0, no = over->n;
    mps_ynode *out = mps_ytree_new_collection(M->arena, MPS_YNODE_SEQUENCE, over);
    /* For each base item: NULL (kept), the merged item, or the item itself
     * as a marker that it is dropped; taken says an over item named it. */
    const mps_ynode **repl = calloc(nb ? nb : 1, sizeof *repl);
    char *taken = calloc(nb ? nb : 1, 1);
    const mps_ynode **extra = calloc(no ? no : 1, sizeof *extra);
    if (out == NULL || repl == NULL || taken == NULL || extra == NULL) {
        free(repl);
        free(taken);
        free(extra);
        mps_load_oom(L);
        return NULL;
    }
    size_t n_extra = 0;
    int ok = 1;
    for (size_t j = 0; j < no && ok; j++) {
        const mps_ynode *item = over->items[j];
        const char *id = item->type == MPS_YNODE_MAPPING ? item_id(item) : NULL;
        if (id == NULL) {
            /* No usable id: kept as written, for the validator to report. */
            extra[n_extra++] = item;
            continue;
        }
        /* An id repeated in this list is refused here, as a repeated key
         * is: merged, the repeat could silently replace the first.  Like
         * the validator, the repeat is named by its index. */
        size_t first = 0;
        while (first < j && !(over->items[first]->type == MPS_YNODE_MAPPING &&
                              item_id(over->items[first]) != NULL &&
                              strcmp(item_id(over->items[first]), id) == 0))
            first++;
        if (first < j) {
            size_t m2 = mps_path_index(L, j);
            mps_path_key(L, "id");
            mps_load_error(L, mps_map_get(item, "id", NULL),
                           "duplicate id '%.128s' (first used at line %d); mission and project "
                           "ids must be unique together",
                           id, mps_map_get(over->items[first], "id", NULL)->line);
            mps_path_restore(L, m2);
            continue;
        }
        size_t mark = mps_path_key(L, id);
        const mps_ynode *drop_key;
        int drop = item_drop(M, item, &drop_key);
        size_t i = 0;
        while (i < nb &&
               (taken[i] || base->items[i]->type != MPS_YNODE_MAPPING ||
                item_id(base->items[i]) == NULL || strcmp(item_id(base->items[i]), id) != 0))
            i++;
        if (i < nb) {
            taken[i] = 1;
            if (drop) {
                repl[i] = base->items[i];
            } else {
                repl[i] = merge_map(M, base->items[i], item, item_ctx);
                ok = repl[i] != NULL;
            }
        } else if (drop) {
            size_t m2 = mps_path_key(L, "drop");
            if (M->base_file != NULL)
                mps_load_error(L, drop_key,
                               "drops '%.128s', but %s has no mission or project "
                               "with this id here to drop",
                               id, M->base_file);
            else
                mps_load_error(L, drop_key,
                               "drops '%.128s', but nothing is inherited here "
                               "(this file extends no other file)",
                               id);
            mps_path_restore(L, m2);
        } else {
            extra[n_extra] = merge_map(M, NULL, item, item_ctx);
            ok = extra[n_extra++] != NULL;
        }
        mps_path_restore(L, mark);
    }
    for (size_t i = 0; i < nb && ok; i++) {
        if (repl[i] == base->items[i])
            continue; /* dropped */
        ok = mps_ynode_append(out, repl[i] ? repl[i] : base->items[i]) == MPSIM_OK;
    }
    for (size_t j = 0; j < n_extra && ok; j++)
        ok = mps_ynode_append(out, extra[j]) == MPSIM_OK;
    free(repl);
    free(taken);
    free(extra);
    if (!ok) {
        mps_load_oom(L);
        return NULL;
    }
    return out;
}

static const mps_ynode *merge_value(merger *M, const mps_ynode *base, const mps_ynode *over,
                                    merge_ctx ctx)
{
    if (over->type == MPS_YNODE_MAPPING) {
        if (mps_map_get(over, "dist", NULL) != NULL)
            return over;
        return merge_map(M, base, over, ctx);
    }
    if (over->type == MPS_YNODE_SEQUENCE && (ctx == CTX_MISSIONS || ctx == CTX_PROJECTS))
        return merge_by_id(M, base, over, ctx == CTX_MISSIONS ? CTX_MISSION : CTX_PROJECT);
    return over;
}

const mps_ynode *mps_merge_tree(mps_loader *L, mps_ytree *arena, const mps_ynode *base,
                                const mps_ynode *over, const char *base_file)
{
    merger M = {L, arena, base_file};
    return merge_map(&M, base, over, CTX_TOP);
}
