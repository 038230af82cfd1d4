/*
 * Scenario variants with `extends` (scenario-format.md): the files a load
 * reads, the merge of one file's tree over the tree it extends, and the
 * merged tree written back out as YAML (the resolved scenario).
 *
 * Merging happens on YAML trees, before validation, so the validator sees
 * one tree and knows nothing about files; every node keeps the file, line
 * and column where it was written, so its errors still point there.
 */
#ifndef MPS_EXTENDS_H
#define MPS_EXTENDS_H

#include <stddef.h>

#include "scenario/load_internal.h"
#include "scenario/yaml_tree.h"

/** Deepest chain of `extends` accepted: a file, the file it extends, and
 *  so on, 16 files in all. */
#define MPS_EXTENDS_MAX_FILES 16

/** Every tree parsed for one scenario, and the arena that holds the
 *  collections merging creates.  Zero-initialise; free with
 *  mps_docs_free once validation is done (the merged tree points into all
 *  of them). */
typedef struct {
    mps_ytree *trees;
    size_t n, cap;
    mps_ytree arena;
} mps_doc_set;

/** Parses text[0 .. len) as the YAML of `file` (a name that must outlive
 *  the set) and keeps the tree in d; *root gets its root (NULL for a
 *  document without content).  Errors as mps_ytree_parse. */
int mps_docs_parse(mps_doc_set *d, const char *text, size_t len, const char *file,
                   mpsim_errors *errs, const mps_ynode **root);

/** Frees every tree of the set; accepts a zeroed set. */
void mps_docs_free(mps_doc_set *d);

/** Resolves the top-level `extends` of root (the tree of L->s->sources[0],
 *  which must be a mapping with an `extends` key): reads, parses and
 *  merges every file of the chain, appending each to L->s->sources in the
 *  order they are followed.  Returns the merged root, or NULL after an
 *  error that leaves nothing sensible to validate (an unreadable or
 *  missing file, a cycle, a chain too deep, a bad `extends` value, a YAML
 *  error in an extended file).  Errors of the merge rules themselves (a
 *  null or a drop with nothing inherited) are reported and the merge goes
 *  on without them. */
const mps_ynode *mps_resolve_extends(mps_loader *L, mps_doc_set *docs, const mps_ynode *root);

/** Merges mapping `over` (a file's root) over `base` (the merged tree of
 *  the file it extends; NULL for a file that extends nothing, which still
 *  checks its nulls and drops) by the rules of scenario-format.md, into
 *  new collections in `arena`.  A top-level `extends` in over is left out.
 *  `base_file` names the extended file in messages (NULL when none).
 *  Returns NULL only when out of memory (L->oom set). */
const mps_ynode *mps_merge_tree(mps_loader *L, mps_ytree *arena, const mps_ynode *base,
                                const mps_ynode *over, const char *base_file);

/** Writes the tree as YAML text (libyaml's emitter; block mappings, lists
 *  of scalars and distributions in flow style, aliases expanded, comments
 *  lost) into *out, a
 *  new NUL-terminated string.  Plain scalars stay plain and quoted ones are
 *  written double-quoted, so reading the text back gives the same values.
 *  Returns MPSIM_OK, or MPSIM_ERR_FAIL (out of memory, or an emitter
 *  error) with *out NULL. */
int mps_yaml_emit(const mps_ynode *root, char **out);

#endif
