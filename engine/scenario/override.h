/*
 * Loading a scenario with some of its values replaced, for parameter
 * sweeps (docs/sweeps.md): the file is parsed and merged over the files it
 * extends as usual, then each override replaces the scalar at a key path
 * of the merged tree, and only then is the tree validated.  A replaced
 * value is therefore checked by exactly the rules that apply when it is
 * written in the file, and an error about it points where it came from
 * (the sweep file's line), while every other node keeps its own file and
 * line.
 *
 * Key paths are written as scenario-format.md says: mapping keys joined by
 * dots, missions and projects (any list of mappings with an `id`) by id,
 * other lists by index: `missions.warm-homes.projects.heat-pump-rnd.
 * stages[1].p`.
 */
#ifndef MPS_OVERRIDE_H
#define MPS_OVERRIDE_H

#include <stddef.h>

#include "scenario/load_internal.h"
#include "scenario/yaml_tree.h"

/** A hook called on the merged tree before validation (load.c): returns
 *  the tree to validate (new collections go in `arena`), or NULL after
 *  reporting an error through L. */
typedef const mps_ynode *(*mps_tree_edit)(void *ctx, mps_loader *L, mps_ytree *arena,
                                          const mps_ynode *tree);

/** mpsim_scenario_load_buffer with an edit of the merged tree (edit may
 *  be NULL: a plain load).  Defined in load.c. */
int mps_scenario_load_edited(const char *text, size_t len, const char *file, mps_tree_edit edit,
                             void *edit_ctx, mpsim_scenario **out, mpsim_errors *errs);

/** One replacement.  The new value is `value` (a scalar node, shared, that
 *  must outlive the load), or else a new scalar with `text` (plain: 1 for
 *  an unquoted scalar resolved by the core schema, 0 for a string) at the
 *  position of `at`.  With neither, the key path is only checked. */
typedef struct {
    const char *key_path;
    const mps_ynode *value;
    const char *text;
    int plain;
    /** Where a key path that names nothing is reported (the sweep file's
     *  node), under key path `at_key_path`; errors about the new value
     *  itself point here too when `value` is NULL. */
    const mps_ynode *at;
    const char *at_key_path;
} mps_override;

/** Loads the scenario in text[0 .. len) (named `file`) with the overrides
 *  applied.  A key path that does not name a scalar of the merged tree is
 *  reported to path_errs (at ov->at, key path ov->at_key_path, saying what
 *  exists there and the nearest key) and *path_failed is set; the load
 *  then goes on without that override, so the base's own errors are still
 *  found.  Other errors go to errs.  Returns as mpsim_scenario_load_buffer
 *  (MPSIM_OK with *out set also when only key paths failed). */
int mps_scenario_load_overrides(const char *text, size_t len, const char *file,
                                const mps_override *ov, size_t n, mpsim_scenario **out,
                                mpsim_errors *errs, mpsim_errors *path_errs, int *path_failed);

/** Checks that key_path is well formed (dot-separated keys, ids or
 *  indexes `[i]`, none empty); returns NULL when it is, else a static
 *  message saying what is wrong. */
const char *mps_key_path_syntax(const char *key_path);

#endif
