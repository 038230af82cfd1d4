/*
 * Mapping checks against key tables (load_internal.h).
 *
 * A typo must never be ignored silently, so every mapping the loader reads
 * is checked here first: unknown keys are errors that list what is allowed
 * (and suggest the nearest allowed key), keys of the format that this
 * version does not model yet are refused by name, and repeated keys are
 * errors (libyaml itself accepts them).
 */
#include <stdlib.h>
#include <string.h>

#include "scenario/load_internal.h"

size_t mps_edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > MPS_ID_MAX || lb > MPS_ID_MAX)
        return 999;
    size_t prev[MPS_ID_MAX + 1], cur[MPS_ID_MAX + 1];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
            size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
            cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
        }
        memcpy(prev, cur, (lb + 1) * sizeof prev[0]);
    }
    return prev[lb];
}

/* "a, b, c" of the supported keys, into buf. */
static void list_keys(const mps_key_spec *keys, size_t n, char *buf, size_t size)
{
    buf[0] = '\0';
    size_t used = 0;
    for (size_t i = 0; i < n && used + 1 < size; i++) {
        if (keys[i].unsupported)
            continue;
        int w = snprintf(buf + used, size - used, "%s%s", used ? ", " : "", keys[i].name);
        if (w < 0)
            break;
        used += (size_t)w;
    }
}

static void unknown_key(mps_loader *L, const mps_ynode *k, const mps_key_spec *keys, size_t n,
                        const char *allowed)
{
    const char *best = NULL;
    size_t best_d = 3;
    for (size_t i = 0; i < n; i++) {
        size_t d = mps_edit_distance(k->text, keys[i].name);
        if (d < best_d && !keys[i].unsupported) {
            best_d = d;
            best = keys[i].name;
        }
    }
    /* Long keys are cut so the message stays one readable line. */
    if (best != NULL)
        mps_load_error(L, k, "unknown key '%.60s'; allowed here: %s (did you mean '%s'?)",
                       k->text, allowed, best);
    else
        mps_load_error(L, k, "unknown key '%.60s'; allowed here: %s", k->text, allowed);
}

int mps_check_mapping(mps_loader *L, const mps_ynode *node, const mps_key_spec *keys, size_t n,
                      const char *what)
{
    char allowed[512], buf[MPS_GOT_SIZE];
    list_keys(keys, n, allowed, sizeof allowed);
    if (node->type != MPS_YNODE_MAPPING) {
        mps_load_error(L, node, "must be %s: a mapping with keys from %s (got %s)", what, allowed,
                       mps_got(node, buf, sizeof buf));
        return 0;
    }
    /* First occurrence of each table key, so repeats are found in one pass. */
    const mps_ynode **first = calloc(n ? n : 1, sizeof *first);
    if (first == NULL) {
        mps_load_oom(L);
        return 0;
    }
    for (size_t i = 0; i < node->n; i++) {
        const mps_ynode *k = mps_ymap_key(node, i);
        if (k->type != MPS_YNODE_SCALAR) {
            mps_load_error(L, k, "keys must be plain text (got %s as a key); allowed here: %s",
                           mps_got(k, buf, sizeof buf), allowed);
            continue;
        }
        size_t j = 0;
        while (j < n && strcmp(keys[j].name, k->text) != 0)
            j++;
        size_t mark = mps_path_key(L, k->text);
        if (j == n) {
            unknown_key(L, k, keys, n, allowed);
        } else if (first[j] != NULL) {
            mps_load_error(L, k, "duplicate key '%s' (first given at line %d); each key may "
                                 "appear once in a mapping", k->text, first[j]->line);
        } else {
            first[j] = k;
            if (keys[j].unsupported)
                mps_load_error(L, k, "'%s' is not supported yet in this version of mpsim "
                                     "(see docs/scenario-format.md); remove it", k->text);
        }
        mps_path_restore(L, mark);
    }
    free(first);
    return 1;
}

const mps_ynode *mps_map_get(const mps_ynode *m, const char *key, const mps_ynode **key_node)
{
    if (m == NULL || m->type != MPS_YNODE_MAPPING)
        return NULL;
    for (size_t i = 0; i < m->n; i++) {
        const mps_ynode *k = mps_ymap_key(m, i);
        if (k->type == MPS_YNODE_SCALAR && strcmp(k->text, key) == 0) {
            if (key_node)
                *key_node = k;
            return mps_ymap_value(m, i);
        }
    }
    return NULL;
}

void mps_missing_key(mps_loader *L, const mps_ynode *m, const char *key, const char *allowed)
{
    size_t mark = mps_path_key(L, key);
    if (allowed != NULL && allowed[0])
        mps_load_error(L, m, "missing required key '%s' (%s)", key, allowed);
    else
        mps_load_error(L, m, "missing required key '%s'", key);
    mps_path_restore(L, mark);
}
