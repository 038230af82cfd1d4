/*
 * Shared by the scenario loader's files: the loading context (file name,
 * error list, the current key path), typed getters that report errors in
 * the one format of scenario-format.md, and the per-section loaders.
 *
 * Every getter returns 1 when the value is good and stored, 0 when it added
 * an error (the target is left as it was, usually a default), so a caller
 * can carry on and collect every error in the file.
 */
#ifndef MPS_LOAD_INTERNAL_H
#define MPS_LOAD_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "scenario/scenario.h"
#include "scenario/yaml_tree.h"

/** Errors reported for one file before the loader stops adding more. */
#define MPS_LOAD_MAX_ERRORS 200
/** Longest id or scenario name, in bytes. */
#define MPS_ID_MAX 128
/** Largest simulation.paths accepted. */
#define MPS_PATHS_MAX UINT64_C(1000000000000)
/** Largest integer accepted for lags, durations, ramps and similar counts
 *  of years: far beyond any horizon, small enough that sums cannot overflow. */
#define MPS_YEARS_MAX 1000000

/** A key path under construction ("missions.m.projects.p.stages[1].p"). */
typedef struct {
    char *buf;
    size_t len, cap;
} mps_kpath;

/** One id already used in the scenario (mission and project ids share one
 *  namespace). */
typedef struct {
    const char *id;
    int line;
} mps_seen_id;

/** The loading context. */
typedef struct {
    const char *file;
    mpsim_errors *errs;
    size_t n_errors;   /**< errors this load added (reported or not) */
    int oom;           /**< an allocation failed: the load returns MPSIM_ERR_FAIL */
    mps_kpath path;
    mps_scenario *s;
    int base_year_ok;  /**< s->base_year holds a valid value */
    int horizon_ok;    /**< s->horizon holds a valid value (given or default) */
    int regimes_ok;    /**< s->economy's regime names are valid, so mappings by
                            regime can be checked against them */
    int regimes_given; /**< the file has economy.regimes (else one regime, "normal") */
    mps_seen_id *ids;
    size_t n_ids, cap_ids;
} mps_loader;

/* ------------------------------------------------------------ key paths */

/** Appends ".key" ("key" at the start); returns the length to restore. */
size_t mps_path_key(mps_loader *L, const char *key);
/** Appends "[i]"; returns the length to restore. */
size_t mps_path_index(mps_loader *L, size_t i);
/** Cuts the path back to `mark` (a value returned by a push). */
void mps_path_restore(mps_loader *L, size_t mark);

/* --------------------------------------------------------------- errors */

/** Adds an error at node `at` (its line and column; 0 when NULL) under the
 *  current key path. */
void mps_load_error(mps_loader *L, const mps_ynode *at, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/** Notes an allocation failure (reported once). */
void mps_load_oom(mps_loader *L);
/** A short description of a node for "(got ...)": the scalar's text
 *  (quoted when it was a quoted string), "a mapping", "a list" or
 *  "nothing".  Returns a static string or one stored in buf. */
const char *mps_got(const mps_ynode *n, char *buf, size_t size);
/** Size of the buffer mps_got needs. */
#define MPS_GOT_SIZE 96

/* ------------------------------------------------------------ key tables */

/** One key of a mapping: `unsupported` keys are part of the format but not
 *  modelled by this version, and are refused with a clear message. */
typedef struct {
    const char *name;
    int unsupported;
} mps_key_spec;

/** Checks that `node` is a mapping whose keys are plain scalars from
 *  `keys[0 .. n)`, none repeated.  Reports every unknown, unsupported or
 *  duplicate key (key path: the current path plus the key).  `what` names
 *  the expected mapping for a type error ("the project").  Returns 0 when
 *  node is not a mapping (nothing more to read), 1 otherwise. */
int mps_check_mapping(mps_loader *L, const mps_ynode *node, const mps_key_spec *keys, size_t n,
                      const char *what);
/** The value of the first `key` in mapping m, or NULL; *key_node gets the
 *  key node when key_node is not NULL. */
const mps_ynode *mps_map_get(const mps_ynode *m, const char *key, const mps_ynode **key_node);
/** Reports "missing required key" at mapping m, key path current + key. */
void mps_missing_key(mps_loader *L, const mps_ynode *m, const char *key, const char *allowed);
/** Edit distance between a and b (insertions, deletions, substitutions),
 *  for "did you mean" suggestions; strings longer than MPS_ID_MAX count as
 *  far from everything. */
size_t mps_edit_distance(const char *a, const char *b);

/* --------------------------------------------------------------- getters */

/** A finite number (integer or float). */
int mps_get_number(mps_loader *L, const mps_ynode *n, double *out);
/** A number in [lo, hi]. */
int mps_get_number_in(mps_loader *L, const mps_ynode *n, double lo, double hi, double *out);
/** A probability or fraction in [0, 1]. */
int mps_get_prob(mps_loader *L, const mps_ynode *n, double *out);
/** An integer in [lo, hi] (a float such as 60.0 is refused). */
int mps_get_int(mps_loader *L, const mps_ynode *n, long long lo, long long hi, int *out);
/** An unsigned 64-bit integer in [lo, hi]. */
int mps_get_u64(mps_loader *L, const mps_ynode *n, uint64_t lo, uint64_t hi, uint64_t *out);
/** true or false. */
int mps_get_bool(mps_loader *L, const mps_ynode *n, int *out);
/** One of names[0 .. n_names), stored as its index. */
int mps_get_enum(mps_loader *L, const mps_ynode *n, const char *const *names, int n_names,
                 int *out);
/** Free text (any scalar but null); *out is a new string. */
int mps_get_text(mps_loader *L, const mps_ynode *n, char **out);
/** An id: `[A-Za-z0-9_-]+` (lower_only: `[a-z0-9_-]+`), at most
 *  MPS_ID_MAX bytes; *out is a new string. */
int mps_get_id(mps_loader *L, const mps_ynode *n, int lower_only, char **out);

/* ------------------------------------------------------------- sections */

/** A distribution or a plain number (a fixed value).  *fixed_value gets the
 *  node that gave a fixed value (NULL otherwise) so callers can add rules. */
int mps_load_dist(mps_loader *L, const mps_ynode *n, mps_dist *out,
                  const mps_ynode **fixed_value);
/** appraisal.discount (node may be NULL: the Green Book default). */
int mps_load_discount(mps_loader *L, const mps_ynode *n, mps_discount *out);
/** Sets the defaults of model.md section 4 on a project of mission
 *  `mission`. */
void mps_project_defaults(mps_project *p, int mission, int base_year);
/** Reads every key of project mapping m but `id` into p (defaults set). */
void mps_load_project_body(mps_loader *L, const mps_ynode *m, mps_project *p);
/** The `missions` list: fills s->missions and s->projects. */
void mps_load_missions(mps_loader *L, const mps_ynode *n);

/* ------------------------------------------- look-ups (lookup.c), after
 * the missions are loaded */

/** Index of the project with this id, or -1. */
int mps_find_project(const mps_scenario *s, const char *id);
/** Index of the mission with this id, or -1. */
int mps_find_mission(const mps_scenario *s, const char *id);
/** "a, b, c": the (at most) three project ids nearest to `id` by edit
 *  distance, nearest first, into buf ("none" without projects). */
void mps_nearest_projects(const mps_scenario *s, const char *id, char *buf, size_t size);

/* ------------------------ funding and management (model.md 7, 11) */

/** Sets the funding defaults of model.md section 7 (reviews every 3 years
 *  from base_year, cuts none, applying to every category, no ringfence),
 *  freeing a cut probability already stored. */
void mps_funding_defaults(mps_funding *f, int base_year);
/** The `funding` block (the key path is extended here); after the economy,
 *  since a cut probability may be given by regime.  Call
 *  mps_funding_defaults first. */
void mps_load_funding(mps_loader *L, const mps_ynode *n);
/** The `management` block (the key path is extended here). */
void mps_load_management(mps_loader *L, const mps_ynode *n);

/* --------------------------- links, economy, correlations (model.md 5, 6) */

/** The top-level `links` list (after the missions). */
void mps_load_links(mps_loader *L, const mps_ynode *n);
/** The `economy` block; n NULL sets the defaults of model.md section 6
 *  (one regime "normal", no multipliers, profile [1]).  Call once, before
 *  the correlations. */
void mps_load_economy(mps_loader *L, const mps_ynode *n);
/** economy.regimes (the key path is extended here); sets L->regimes_ok. */
void mps_load_regimes(mps_loader *L, const mps_ynode *n);
/** "slack, normal": the regime names (cut short with ", ..." when long),
 *  into buf. */
void mps_regime_list(const mps_economy *e, char *buf, size_t size);
/** Fills the default regimes (one regime, "normal") and profile ([1]) into
 *  e, freeing what they replace; returns 0 when out of memory. */
int mps_economy_defaults(mps_economy *e);
/** A mapping by regime name (economy.regimes.names): values[r] gets the
 *  value node of regime r (values has s->economy.n_regimes slots).  Reports
 *  keys that are not regimes (listing the regimes), repeated keys, and every
 *  regime not named (a mapping by regime must name them all).  Returns 1
 *  when every regime is named once and nothing else; 0 otherwise, and
 *  without a report when the regimes themselves are invalid. */
int mps_load_by_regime(mps_loader *L, const mps_ynode *m, const mps_ynode **values);
/** The top-level `correlations` list (after the missions and the economy);
 *  key is the `correlations` key node, where an inconsistent matrix is
 *  reported. */
void mps_load_correlations(mps_loader *L, const mps_ynode *n, const mps_ynode *key);

#endif
