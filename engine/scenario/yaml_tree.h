/*
 * A YAML document as a plain tree of nodes with line/column marks.
 *
 * libyaml's event parser feeds a small builder that keeps every node's
 * position, so each validation error can name file:line:column.  Aliases
 * are resolved by sharing the anchored node (no copying); their expanded
 * size and depth are counted, so alias bombs and absurd nesting are refused
 * while parsing, before anything walks the tree.  Nothing here knows about
 * scenarios: the key tables and the meaning of values live in keys.c and
 * load*.c.
 */
#ifndef MPS_YAML_TREE_H
#define MPS_YAML_TREE_H

#include <stddef.h>
#include <stdint.h>

#include "mpsim.h"

/** Deepest nesting of mappings and sequences accepted (the root is 1). */
#define MPS_YAML_MAX_DEPTH 64
/** Most nodes that aliases may add by expansion, over the whole document. */
#define MPS_YAML_MAX_ALIAS_NODES 100000

typedef enum { MPS_YNODE_SCALAR, MPS_YNODE_SEQUENCE, MPS_YNODE_MAPPING } mps_ynode_type;

/** One node.  Mapping entries are stored as items[2*i] (key) and
 *  items[2*i + 1] (value), i < n; a sequence has items[0 .. n-1].  A node
 *  reached through an alias is the anchored node itself, shared. */
typedef struct mps_ynode {
    mps_ynode_type type;
    int line;    /**< 1-based line where the node starts */
    int column;  /**< 1-based column where the node starts */
    char *text;  /**< scalar text, NUL-terminated (NULL for collections) */
    size_t len;  /**< scalar length in bytes */
    int plain;   /**< 1 for an untagged plain scalar (resolved by the core
                      schema); quoted or !!str scalars are strings */
    struct mps_ynode **items;
    size_t n;    /**< sequence items, or mapping pairs */
    size_t cap;  /**< allocated slots in items */
    size_t weight; /**< nodes in the subtree with aliases expanded (saturating) */
    int height;    /**< collection levels in the subtree (a scalar is 0) */
    struct mps_ynode *next_alloc; /**< every node, for freeing */
    /** The file the node was written in, for error messages after `extends`
     *  merging has mixed nodes of several files (not owned: the name given
     *  to mps_ytree_parse, which must outlive the tree). */
    const char *file;
} mps_ynode;

/** A parsed document.  root is NULL for a stream without a document
 *  (empty, or only comments). */
typedef struct {
    mps_ynode *root;
    mps_ynode *all;
} mps_ytree;

/** Parses text[0 .. len) as one YAML document.  On a syntax error, a second
 *  document, an unknown tag, a recursive or undefined alias, or a limit
 *  reached, appends one error naming `file` and the line and returns
 *  MPSIM_ERR_INPUT; MPSIM_ERR_FAIL when out of memory.  The caller frees
 *  the tree with mps_ytree_free in every case. */
int mps_ytree_parse(const char *text, size_t len, const char *file, mps_ytree *out,
                    mpsim_errors *errs);

/** Frees every node; accepts a zeroed tree. */
void mps_ytree_free(mps_ytree *t);

/* ------------------------------------------- building trees (extends.c)
 *
 * Merging `extends` files builds new collections that point at nodes of
 * the parsed trees (shared, never modified).  The new nodes belong to an
 * arena tree (root NULL), freed with mps_ytree_free like any other. */

/** A new empty collection owned by `arena`, with the line, column and file
 *  of `at` (the node written last, where errors about the whole collection
 *  should point).  NULL when out of memory. */
mps_ynode *mps_ytree_new_collection(mps_ytree *arena, mps_ynode_type type, const mps_ynode *at);

/** Appends `child` to sequence `seq`; MPSIM_ERR_FAIL when out of memory. */
int mps_ynode_append(mps_ynode *seq, const mps_ynode *child);

/** Appends the pair (key, value) to mapping `map`; MPSIM_ERR_FAIL when out
 *  of memory. */
int mps_ynode_append_pair(mps_ynode *map, const mps_ynode *key, const mps_ynode *value);

/** Key and value of mapping pair i. */
static inline const mps_ynode *mps_ymap_key(const mps_ynode *m, size_t i)
{
    return m->items[2 * i];
}
static inline const mps_ynode *mps_ymap_value(const mps_ynode *m, size_t i)
{
    return m->items[2 * i + 1];
}

/* --------------------------------------------------- core schema scalars */

/** What a scalar is under the YAML 1.2 core schema. */
typedef enum {
    MPS_YV_NULL,   /**< plain "", "~", null/Null/NULL */
    MPS_YV_BOOL,   /**< plain true/True/TRUE/false/False/FALSE */
    MPS_YV_INT,    /**< plain [-+]?[0-9]+, 0o[0-7]+, 0x[0-9a-fA-F]+ */
    MPS_YV_FLOAT,  /**< plain decimal with a point or exponent, .inf, .nan */
    MPS_YV_STRING  /**< anything else, and every quoted scalar */
} mps_yvalue_kind;

/** A resolved scalar. */
typedef struct {
    mps_yvalue_kind kind;
    int boolean;          /**< MPS_YV_BOOL */
    int negative;         /**< MPS_YV_INT: sign */
    uint64_t magnitude;   /**< MPS_YV_INT: |value| when !int_overflow */
    int int_overflow;     /**< MPS_YV_INT: |value| does not fit 64 bits */
    double number;        /**< MPS_YV_INT and MPS_YV_FLOAT: the value */
    int range_error;      /**< the number overflows a double (e.g. 1e999) */
} mps_yvalue;

/** Resolves a scalar node (call only on MPS_YNODE_SCALAR). */
mps_yvalue mps_yscalar_resolve(const mps_ynode *n);

#endif
