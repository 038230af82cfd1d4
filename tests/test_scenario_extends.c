/*
 * Scenario variants with `extends` (scenario-format.md): the merge rules
 * (mappings key by key, `dist` replacing whole, lists replaced, missions and
 * projects merged by id with `drop`, null deleting), their errors, errors
 * after merging located in the file where the key was written, cycles,
 * missing files, nesting, the record of the files read, and the resolved
 * scenario that loads back as the same scenario.  Every file is written to
 * a fresh temporary folder.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scenario/scenario.h"
#include "test_support.h"
#include "scenario_expect.h"

/* Lines 1-15 of the parent most cases extend. */
static const char *BASE =
    "mpsim: 1\n"                                                                  /* 1 */
    "name: base\n"                                                                /* 2 */
    "description: the baseline\n"                                                 /* 3 */
    "base_year: 2025\n"                                                           /* 4 */
    "funding: {churn: 0.02, cuts: {probability: 0.3, fraction: 0.2}}\n"           /* 5 */
    "management: {review_every: 3, signal_noise: 0.5}\n"                          /* 6 */
    "missions:\n"                                                                 /* 7 */
    "  - id: m\n"                                                                 /* 8 */
    "    projects:\n"                                                             /* 9 */
    "      - id: p\n"                                                             /* 10 */
    "        category: RDEL\n"                                                    /* 11 */
    "        cost: {profile: [10, 20], overrun: {dist: lognormal, median: 1.1, p90: 1.8}}\n"
    "        stages: [{after: 1, p: 0.9}, {after: 2, p: 0.8}]\n"                  /* 13 */
    "      - id: q\n"                                                             /* 14 */
    "        category: PDEL\n"                                                    /* 15 */
    "        cost: {profile: [5]}\n"                                              /* 16 */
    "        prevention: {effect: 0.3, lag: 1}\n"                                 /* 17 */
    "  - id: n\n"                                                                 /* 18 */
    "    projects:\n"                                                             /* 19 */
    "      - id: r\n"                                                             /* 20 */
    "        category: CDEL\n"                                                    /* 21 */
    "        cost: {profile: [1]}\n";                                             /* 22 */

typedef struct {
    char *dir;
    char *paths[32];
    int n;
} files;

/* Writes `text` to dir/name (name may contain one folder) and returns the
 * path, owned by f. */
static const char *put(files *f, const char *name, const char *text)
{
    if (f->dir == NULL)
        f->dir = mps_test_tmpdir();
    size_t size = strlen(f->dir) + strlen(name) + 2;
    char *path = malloc(size);
    assert_non_null(path);
    snprintf(path, size, "%s/%s", f->dir, name);
    const char *slash = strrchr(name, '/');
    if (slash != NULL) {
        char sub[512];
        snprintf(sub, sizeof sub, "%s/%.*s", f->dir, (int)(slash - name), name);
        mkdir(sub, 0700);
    }
    FILE *out = fopen(path, "wb");
    assert_non_null(out);
    fputs(text, out);
    fclose(out);
    for (int i = 0; i < f->n; i++)
        if (strcmp(f->paths[i], path) == 0) {
            free(path);
            return f->paths[i];
        }
    assert_true(f->n < 32);
    f->paths[f->n++] = path;
    return path;
}

static void cleanup(files *f)
{
    for (int i = f->n; i-- > 0;) {
        remove(f->paths[i]);
        char *slash = strrchr(f->paths[i], '/');
        *slash = '\0';
        if (strcmp(f->paths[i], f->dir) != 0)
            rmdir(f->paths[i]);
        free(f->paths[i]);
    }
    rmdir(f->dir);
    free(f->dir);
    memset(f, 0, sizeof *f);
}

static mpsim_scenario *load_ok(const char *path)
{
    mpsim_errors e;
    mpsim_errors_init(&e);
    mpsim_scenario *s = NULL;
    int rc = mpsim_scenario_load(path, &s, &e);
    if (rc != MPSIM_OK) {
        mpsim_errors_print(&e, stderr);
        mpsim_errors_clear(&e);
        fail_msg("%s did not load (status %d)", path, rc);
    }
    mpsim_errors_clear(&e);
    return s;
}

/* Loads path, expecting bad input and an error at file:line:column (column
 * of `marker` in that file's line; any column when marker is NULL) with this
 * key path and message. */
static void expect_file_error(const char *path, const char *file, const char *file_text,
                              int line, const char *marker, const char *key_path,
                              const char *msg)
{
    mpsim_errors e;
    mpsim_errors_init(&e);
    mpsim_scenario *s = NULL;
    int rc = mpsim_scenario_load(path, &s, &e);
    assert_int_equal(rc, MPSIM_ERR_INPUT);
    assert_null(s);
    int found = 0;
    int column = marker ? column_of(file_text, line, marker) : -1;
    for (size_t i = 0; i < e.count && !found; i++) {
        const mpsim_error *it = &e.items[i];
        found = strcmp(it->file, file) == 0 && it->line == line &&
                (column < 0 || it->column == column) && strcmp(it->key_path, key_path) == 0 &&
                strstr(it->message, msg) != NULL;
    }
    if (!found) {
        mpsim_errors_print(&e, stderr);
        mpsim_errors_clear(&e);
        fail_msg("expected %s:%d:%d: %s: ...%s...", file, line, column, key_path, msg);
    }
    mpsim_errors_clear(&e);
}

static void test_merge_rules(void **state)
{
    (void)state;
    files f = {0};
    const char *base = put(&f, "base.yaml", BASE);
    const char *child = put(&f, "child.yaml",
                            "extends: base.yaml\n"
                            "name: child\n"
                            "description: null\n"
                            "funding: {cuts: {fraction: 0.5}, ringfence: [PDEL]}\n"
                            "management: null\n"
                            "missions:\n"
                            "  - id: m\n"
                            "    projects:\n"
                            "      - id: q\n"
                            "        drop: true\n"
                            "      - id: s\n"
                            "        category: RDEL\n"
                            "        cost: {profile: [3]}\n"
                            "      - id: p\n"
                            "        drop: false\n"
                            "        cost: {overrun: {p90: 2.0}}\n"
                            "        stages: [{after: 2, p: 0.5}]\n"
                            "  - id: o\n"
                            "    projects:\n"
                            "      - id: t\n"
                            "        category: CDEL\n"
                            "        cost: {profile: [2]}\n");
    mpsim_scenario *s = load_ok(child);
    assert_string_equal(s->name, "child");
    /* null deletes an inherited key. */
    assert_null(s->description);
    assert_int_equal(s->management.present, 0);
    /* A mapping without dist merges key by key. */
    assert_true(s->churn == 0.02);
    assert_true(s->funding.cut_probability[0] == 0.3);
    assert_true(s->funding.cut_fraction == 0.5);
    assert_int_equal(s->funding.ringfence, 1u << MPS_PDEL);
    /* Missions and projects merge by id: inherited order first, q dropped,
     * s appended, the new mission o last. */
    assert_int_equal(s->n_missions, 3);
    assert_string_equal(s->missions[0].id, "m");
    assert_string_equal(s->missions[1].id, "n");
    assert_string_equal(s->missions[2].id, "o");
    assert_int_equal(s->n_projects, 4);
    static const char *const ids[] = {"p", "s", "r", "t"};
    for (int i = 0; i < 4; i++)
        assert_string_equal(s->projects[i].id, ids[i]);
    assert_int_equal(s->missions[0].n_projects, 2);
    /* p: a mapping without dist over an inherited distribution changes one
     * parameter and keeps the rest; the profile is inherited; a list
     * (stages) replaces the inherited list whole. */
    const mps_project *p = &s->projects[0];
    assert_int_equal(p->category, MPS_RDEL);
    assert_int_equal(p->build_years, 2);
    assert_int_equal(p->overrun.kind, MPS_DIST_LOGNORMAL);
    mpsim_scenario *want = mps_test_load(
        "mpsim: 1\nname: w\nbase_year: 2025\nmissions:\n  - id: m\n    projects:\n"
        "      - id: p\n        category: RDEL\n"
        "        cost: {profile: [1], overrun: {dist: lognormal, median: 1.1, p90: 2.0}}\n");
    assert_true(p->overrun.a == want->projects[0].overrun.a);
    assert_true(p->overrun.b == want->projects[0].overrun.b);
    mpsim_scenario_free(want);
    assert_int_equal(p->n_gates, 1);
    assert_int_equal(p->gates[0].after, 2);
    assert_true(p->gates[0].p == 0.5);
    /* The files read: the file itself, then the file it extends. */
    assert_int_equal(s->n_sources, 2);
    assert_string_equal(s->sources[0].path, child);
    assert_string_equal(s->sources[1].path, base);
    assert_string_equal(s->sources[1].text, BASE);
    assert_string_equal(s->sources[0].text, s->source_text);
    mpsim_scenario_free(s);

    /* A mapping with dist replaces the inherited value whole: no median or
     * p90 is left to mix with the new parameters. */
    child = put(&f, "child.yaml",
                "extends: base.yaml\nname: child\nmissions:\n  - id: m\n    projects:\n"
                "      - id: p\n        cost: {overrun: {dist: pert, min: 1, mode: 1.2, max: 2}}\n");
    s = load_ok(child);
    assert_int_equal(s->projects[0].overrun.kind, MPS_DIST_PERT);
    assert_true(s->projects[0].overrun.a == 1.0 && s->projects[0].overrun.c == 2.0);
    assert_int_equal(s->projects[0].n_gates, 2);
    mpsim_scenario_free(s);

    /* Without dist, the parameters of two forms mix, and the validator
     * says so, at the mapping written in the child. */
    const char *text = "extends: base.yaml\nname: child\nmissions:\n  - id: m\n    projects:\n"
                       "      - id: p\n        cost: {overrun: {mean: 1.2, sd: 0.1}}\n";
    child = put(&f, "child.yaml", text);
    expect_file_error(child, child, text, 7, "{mean", "missions.m.projects.p.cost.overrun",
                      "lognormal distribution: give median and p90, or mean and sd, not a mix");
    cleanup(&f);
}

static void test_merge_errors(void **state)
{
    (void)state;
    files f = {0};
    const char *base = put(&f, "base.yaml", BASE);
    /* null for a key that is not inherited, at any depth. */
    const char *text = "extends: base.yaml\nname: child\neconomy: null\n"
                       "funding: {spending_review: null}\n";
    const char *child = put(&f, "child.yaml", text);
    char msg[512];
    snprintf(msg, sizeof msg, "is null, which deletes an inherited key, but %s gives no "
                              "'economy' here to delete", base);
    expect_file_error(child, child, text, 3, "economy", "economy", msg);
    expect_file_error(child, child, text, 4, "spending_review", "funding.spending_review",
                      "gives no 'spending_review' here to delete");
    /* Dropping an id that is not inherited, in a new mission too. */
    text = "extends: base.yaml\nname: child\nmissions:\n  - id: m\n    projects:\n"
           "      - id: x\n        drop: true\n  - id: y\n    drop: true\n";
    child = put(&f, "child.yaml", text);
    snprintf(msg, sizeof msg, "drops 'x', but %s has no mission or project with this id here "
                              "to drop", base);
    expect_file_error(child, child, text, 7, "drop", "missions.m.projects.x.drop", msg);
    expect_file_error(child, child, text, 9, "drop", "missions.y.drop", "drops 'y', but");
    /* drop must be a boolean; ids and keys may not repeat in one file. */
    text = "extends: base.yaml\nname: child\nmissions:\n  - id: m\n    projects:\n"
           "      - id: p\n        drop: yes\n      - id: p\n        category: CDEL\n"
           "funding: {churn: 0.1, churn: 0.2}\n";
    child = put(&f, "child.yaml", text);
    expect_file_error(child, child, text, 7, "yes", "missions.m.projects.p.drop",
                      "must be true (remove the inherited item with this id) or false (got yes)");
    expect_file_error(child, child, text, 8, "p", "missions.m.projects[1].id",
                      "duplicate id 'p' (first used at line 6)");
    expect_file_error(child, child, text, 10, "churn: 0.2", "funding.churn",
                      "duplicate key 'churn' (first given at line 10)");
    /* A file at the end of a chain inherits nothing: its nulls and drops
     * are errors too. */
    const char *top = "extends: child.yaml\nname: top\n";
    text = "mpsim: 1\nname: c\nbase_year: 2025\nhorizon: null\nmissions:\n  - id: m\n"
           "    drop: false\n    projects:\n      - id: p\n        category: CDEL\n"
           "        cost: {profile: [1]}\n      - id: z\n        drop: true\n";
    child = put(&f, "child.yaml", text);
    const char *topf = put(&f, "top.yaml", top);
    expect_file_error(topf, child, text, 4, "horizon", "horizon",
                      "nothing is inherited here (this file extends no other file)");
    expect_file_error(topf, child, text, 13, "drop", "missions.m.projects.z.drop",
                      "drops 'z', but nothing is inherited here");
    cleanup(&f);
}

static void test_error_locations(void **state)
{
    (void)state;
    files f = {0};
    /* An error in a key the child wrote points at the child; one in a key
     * inherited from the parent points at the parent. */
    char parent[2048];
    snprintf(parent, sizeof parent, "%s", BASE);
    char *churn = strstr(parent, "churn: 0.02");
    memcpy(churn, "churn: 1.50", 11);
    const char *base = put(&f, "base.yaml", parent);
    const char *text = "extends: base.yaml\nname: child\nhorizon: 0\nmissions:\n  - id: n\n"
                       "    projects:\n      - id: r\n        start: 2020\n";
    const char *child = put(&f, "child.yaml", text);
    expect_file_error(child, child, text, 3, "0", "horizon", "must be an integer in [1, 1000]");
    expect_file_error(child, child, text, 8, "2020", "missions.n.projects.r.start",
                      "must be a calendar year >= base_year 2025 (got 2020)");
    expect_file_error(child, base, parent, 5, "1.50", "funding.churn", "must be in [0, 1]");
    /* The errors come grouped by file, the file itself first, each in line
     * order. */
    mpsim_errors e;
    mpsim_errors_init(&e);
    mpsim_scenario *s = NULL;
    assert_int_equal(mpsim_scenario_load(child, &s, &e), MPSIM_ERR_INPUT);
    assert_int_equal(e.count, 3);
    assert_string_equal(e.items[0].file, child);
    assert_int_equal(e.items[0].line, 3);
    assert_string_equal(e.items[1].file, child);
    assert_int_equal(e.items[1].line, 8);
    assert_string_equal(e.items[2].file, base);
    mpsim_errors_clear(&e);

    /* A syntax error in the parent names the parent. */
    base = put(&f, "base.yaml", "mpsim: 1\nname: [x\n");
    expect_file_error(child, base, NULL, 3, NULL, "", "YAML syntax error");
    base = put(&f, "base.yaml", "# only a comment\n");
    expect_file_error(child, base, NULL, 0, NULL, "", "holds no scenario mapping, so it cannot "
                                                      "be extended");
    /* The extends value itself. */
    text = "extends: [base.yaml]\nname: child\n";
    child = put(&f, "child.yaml", text);
    expect_file_error(child, child, text, 1, "[", "extends",
                      "must be the path of the scenario file this one extends, relative to this "
                      "file, e.g. extends: baseline.yaml (got a list)");
    text = "extends: null\nname: child\n";
    child = put(&f, "child.yaml", text);
    expect_file_error(child, child, text, 1, "null", "extends", "must be the path");
    text = "extends: base.yaml\nname: child\nextends: other.yaml\n";
    child = put(&f, "child.yaml", text);
    expect_file_error(child, child, text, 3, "extends", "extends",
                      "duplicate key 'extends' (first given at line 1)");
    cleanup(&f);
}

static void test_missing_and_cycles(void **state)
{
    (void)state;
    files f = {0};
    const char *text = "name: a\nextends: sub/missing.yaml\n";
    const char *a = put(&f, "a.yaml", text);
    char msg[512];
    snprintf(msg, sizeof msg, "cannot read '%s/sub/missing.yaml', the file this scenario extends "
                              "(a path relative to this file): No such file or directory",
             f.dir);
    expect_file_error(a, a, text, 2, "sub/", "extends", msg);

    /* a -> b -> a: at a's extends, naming the chain. */
    a = put(&f, "a.yaml", text = "name: a\nextends: sub/b.yaml\n");
    const char *b = put(&f, "sub/b.yaml", "extends: ../a.yaml\nname: b\n");
    snprintf(msg, sizeof msg, "extends forms a cycle: %s -> %s -> %s; a scenario cannot extend "
                              "itself, directly or through other files", a, b, a);
    expect_file_error(a, a, text, 2, "sub/b.yaml", "extends", msg);
    /* Loaded from b, the same cycle is reported at b. */
    snprintf(msg, sizeof msg, "extends forms a cycle: %s -> %s/sub/../a.yaml -> %s", b, f.dir, b);
    expect_file_error(b, b, "extends: ../a.yaml\n", 1, "../a", "extends", msg);
    /* c -> a -> b -> a: the cycle starts at a, so it is reported in a. */
    const char *c = put(&f, "c.yaml", "extends: a.yaml\nname: c\n");
    expect_file_error(c, a, text, 2, "sub/b.yaml", "extends", "extends forms a cycle");
    /* a -> a. */
    a = put(&f, "a.yaml", text = "extends: ./a.yaml\n");
    snprintf(msg, sizeof msg, "extends forms a cycle: %s -> %s;", a, a);
    expect_file_error(a, a, text, 1, "./a", "extends", msg);
    cleanup(&f);
}

static void test_nesting(void **state)
{
    (void)state;
    files f = {0};
    put(&f, "g.yaml", BASE);
    const char *p = put(&f, "sub/p.yaml",
                        "extends: ../g.yaml\nname: parent\nhorizon: 40\n"
                        "simulation: {paths: 500}\n");
    const char *c = put(&f, "sub/c.yaml",
                        "extends: p.yaml\nname: child\nsimulation: {seed: 7}\nhorizon: 30\n");
    mpsim_scenario *s = load_ok(c);
    assert_string_equal(s->name, "child");
    assert_int_equal(s->horizon, 30);
    assert_int_equal(s->paths, 500);
    assert_int_equal(s->seed, 7);
    assert_string_equal(s->description, "the baseline");
    assert_int_equal(s->n_projects, 3);
    /* The files in the order the chain is followed, paths as resolved from
     * the file that names them. */
    assert_int_equal(s->n_sources, 3);
    assert_string_equal(s->sources[0].path, c);
    assert_string_equal(s->sources[1].path, p);
    char want[512];
    snprintf(want, sizeof want, "%s/sub/../g.yaml", f.dir);
    assert_string_equal(s->sources[2].path, want);
    assert_string_equal(s->sources[2].text, BASE);
    /* Where the batch rules point: paths was written in p.yaml. */
    assert_string_equal(s->paths_file, p);
    assert_int_equal(s->paths_line, 4);
    assert_string_equal(s->seed_file, c);
    assert_string_equal(s->name_file, c);
    mpsim_scenario_free(s);
    cleanup(&f);
}

static void test_depth_limit(void **state)
{
    (void)state;
    files f = {0};
    /* x0 -> x1 -> ... -> x16 (17 files): refused at x15's extends. */
    char name[32], text[64];
    const char *x15 = NULL;
    for (int i = 0; i <= 16; i++) {
        snprintf(name, sizeof name, "x%d.yaml", i);
        snprintf(text, sizeof text, "extends: x%d.yaml\n", i + 1);
        const char *path = put(&f, name, i < 16 ? text : BASE);
        if (i == 15)
            x15 = path;
    }
    expect_file_error(f.paths[0], x15, "extends: x16.yaml\n", 1, "x16", "extends",
                      "extends nests more than 16 files deep");
    /* 16 files load. */
    put(&f, "x15.yaml", BASE);
    mpsim_scenario *s = load_ok(f.paths[0]);
    assert_int_equal(s->n_sources, 16);
    mpsim_scenario_free(s);
    cleanup(&f);
}

static void assert_same_dist(const mps_dist *a, const mps_dist *b)
{
    assert_int_equal(a->kind, b->kind);
    assert_true(a->a == b->a && a->b == b->b && a->c == b->c);
}

/* Every field that the loader fills from the file. */
static void assert_same_scenario(const mps_scenario *a, const mps_scenario *b)
{
    assert_string_equal(a->name, b->name);
    assert_true((a->description == NULL) == (b->description == NULL));
    if (a->description)
        assert_string_equal(a->description, b->description);
    assert_int_equal(a->base_year, b->base_year);
    assert_int_equal(a->horizon, b->horizon);
    assert_true(a->paths == b->paths && a->seed == b->seed);
    assert_int_equal(a->discount.standard.n, b->discount.standard.n);
    for (int i = 0; i < a->discount.standard.n; i++)
        assert_true(a->discount.standard.rate[i] == b->discount.standard.rate[i]);
    assert_int_equal(a->central, b->central);
    assert_int_equal(a->cost_savings, b->cost_savings);
    assert_true(a->churn == b->churn);
    const mps_funding *fa = &a->funding, *fb = &b->funding;
    assert_true(fa->review_every == fb->review_every && fa->review_first == fb->review_first);
    assert_true(fa->has_cuts == fb->has_cuts && fa->cut_applies == fb->cut_applies);
    assert_true(fa->cut_per_regime == fb->cut_per_regime && fa->ringfence == fb->ringfence);
    assert_true(fa->cut_fraction == fb->cut_fraction);
    if (fa->has_cuts)
        for (int r = 0; r < (fa->cut_per_regime ? a->economy.n_regimes : 1); r++)
            assert_true(fa->cut_probability[r] == fb->cut_probability[r]);
    assert_memory_equal(&a->management, &b->management, sizeof a->management);
    assert_int_equal(a->economy.n_regimes, b->economy.n_regimes);
    for (int r = 0; r < a->economy.n_regimes; r++)
        assert_string_equal(a->economy.regime_names[r], b->economy.regime_names[r]);
    assert_int_equal(a->n_links, b->n_links);
    assert_int_equal(a->correlations.n, b->correlations.n);
    for (int i = 0; i < a->correlations.n * a->correlations.n; i++)
        assert_true(a->correlations.cholesky[i] == b->correlations.cholesky[i]);
    assert_int_equal(a->n_missions, b->n_missions);
    for (int i = 0; i < a->n_missions; i++) {
        assert_string_equal(a->missions[i].id, b->missions[i].id);
        assert_int_equal(a->missions[i].n_projects, b->missions[i].n_projects);
        assert_true(a->missions[i].target_value == b->missions[i].target_value);
    }
    assert_int_equal(a->n_projects, b->n_projects);
    for (int i = 0; i < a->n_projects; i++) {
        const mps_project *p = &a->projects[i], *q = &b->projects[i];
        assert_string_equal(p->id, q->id);
        assert_true((p->name == NULL) == (q->name == NULL));
        assert_true(p->category == q->category && p->kind == q->kind && p->start == q->start);
        assert_int_equal(p->build_years, q->build_years);
        assert_memory_equal(p->profile, q->profile, (size_t)p->build_years * sizeof *p->profile);
        assert_same_dist(&p->overrun, &q->overrun);
        assert_same_dist(&p->delay, &q->delay);
        assert_int_equal(p->n_gates, q->n_gates);
        if (p->n_gates)
            assert_memory_equal(p->gates, q->gates, (size_t)p->n_gates * sizeof *p->gates);
        assert_true(p->has_benefits == q->has_benefits && p->benefit_type == q->benefit_type);
        assert_same_dist(&p->annual, &q->annual);
        assert_true(p->lag == q->lag && p->ramp == q->ramp && p->duration == q->duration);
        assert_true(p->has_prevention == q->has_prevention && p->prev_lag == q->prev_lag);
        assert_true(p->prev_persistence == q->prev_persistence);
        assert_same_dist(&p->prev_effect, &q->prev_effect);
        assert_true(p->has_spillovers == q->has_spillovers && p->spill_rate == q->spill_rate);
    }
}

/* Loads the scenario's resolved text as a file of its own and compares. */
static void assert_round_trip(const mps_scenario *s)
{
    assert_non_null(s->resolved_text);
    assert_null(strstr(s->resolved_text, "extends"));
    mpsim_scenario *r = mps_test_load(s->resolved_text);
    assert_same_scenario(s, r);
    /* Its own resolved text is the same text again. */
    assert_string_equal(r->resolved_text, s->resolved_text);
    assert_string_equal(mpsim_scenario_resolved_text(r), r->resolved_text);
    mpsim_scenario_free(r);
}

static void test_resolved_text(void **state)
{
    (void)state;
    files f = {0};
    put(&f, "base.yaml", BASE);
    const char *child = put(&f, "child.yaml",
                            "extends: base.yaml  # a comment, lost in the resolved text\n"
                            "name: child\n"
                            "description: \"60\"\n"
                            "funding: {ringfence: [PDEL]}\n"
                            "missions:\n"
                            "  - id: m\n"
                            "    projects:\n"
                            "      - id: p\n"
                            "        name: 'Heat pumps: phase 2, \"quoted\"'\n"
                            "        cost: {overrun: {p90: 2.0}}\n");
    mpsim_scenario *s = load_ok(child);
    assert_string_equal(s->description, "60");
    assert_round_trip(s);
    /* A quoted number stays text; comments are gone. */
    assert_non_null(strstr(s->resolved_text, "'60'"));
    assert_null(strstr(s->resolved_text, "comment"));
    mpsim_scenario_free(s);

    /* A file without extends: the same tree, written the same way. */
    char *path = malloc(strlen(MPSIM_SOURCE_DIR) + 64);
    assert_non_null(path);
    static const char *const shipped[] = {"reference.yaml", "demo.yaml"};
    for (size_t i = 0; i < 2; i++) {
        sprintf(path, "%s/scenarios/%s", MPSIM_SOURCE_DIR, shipped[i]);
        s = load_ok(path);
        assert_int_equal(s->n_sources, 1);
        assert_string_equal(s->sources[0].path, path);
        assert_round_trip(s);
        mpsim_scenario_free(s);
    }
    free(path);
    cleanup(&f);
}

static void test_batch_names(void **state)
{
    (void)state;
    files f = {0};
    const char *base = put(&f, "base.yaml", BASE);
    const char *child = put(&f, "child.yaml", "extends: base.yaml\nfunding: {churn: 0}\n");
    mpsim_scenario *s[2] = {load_ok(base), load_ok(child)};
    /* The child inherited its name: the batch check points at the line that
     * wrote it, in the parent, and names the child. */
    assert_string_equal(s[1]->name, "base");
    mpsim_errors e;
    mpsim_errors_init(&e);
    assert_int_equal(mpsim_batch_check(s, 2, NULL, &e), MPSIM_ERR_INPUT);
    assert_true(has_error(&e, base, 2, 7, "name", "scenario name 'base' of "));
    assert_true(mps_test_errors_have(&e, "name", child));
    mpsim_errors_clear(&e);
    mpsim_scenario_free(s[0]);
    mpsim_scenario_free(s[1]);
    cleanup(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_merge_rules),
        cmocka_unit_test(test_merge_errors),
        cmocka_unit_test(test_error_locations),
        cmocka_unit_test(test_missing_and_cycles),
        cmocka_unit_test(test_nesting),
        cmocka_unit_test(test_depth_limit),
        cmocka_unit_test(test_resolved_text),
        cmocka_unit_test(test_batch_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
