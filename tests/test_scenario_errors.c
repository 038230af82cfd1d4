/*
 * Every validation rule of the scenario loader provoked on purpose.  Each
 * case asserts the status (MPSIM_ERR_INPUT, no scenario), and an error
 * with exactly the expected file, line, column and key path whose message
 * contains the expected text (scenario_expect.h).  Links, spillovers, the
 * economy and correlations are in test_scenario_errors_portfolio.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/scenario.h"
#include "test_support.h"
#include "scenario_expect.h"

/* Eight lines: a project without cost.  Extra project keys go on line 9. */
#define HEAD                                                                            \
    "mpsim: 1\nname: t\nbase_year: 2025\nmissions:\n  - id: m\n    projects:\n"         \
    "      - id: p\n        category: CDEL\n"
/* Nine lines: a valid scenario.  Extra keys go on line 10 (project keys
 * indented by 8 spaces, top-level keys at column 1). */
#define MINIMAL HEAD "        cost: {profile: [10]}\n"
/* Six lines: the missions part alone, for cases about the top level. */
#define MISSIONS                                                                        \
    "missions:\n  - id: m\n    projects:\n      - id: p\n        category: CDEL\n"      \
    "        cost: {profile: [10]}\n"
#define PROJECT "missions.m.projects.p"

static void test_unknown_keys(void **state)
{
    (void)state;
    expect_at(MINIMAL "horizn: 5\n", 10, "horizn", "horizn",
              "unknown key 'horizn'; allowed here: mpsim, name, description, base_year, horizon, "
              "simulation, appraisal, funding, missions, economy, management, correlations, "
              "links, extends (did you mean 'horizon'?)");
    expect_at(MINIMAL "        benefits: {annual: 5, duraton: 3}\n", 10, "duraton",
              PROJECT ".benefits.duraton",
              "unknown key 'duraton'; allowed here: annual, lag, ramp, duration, decay, type");
    expect_at(MINIMAL "        colour: red\n", 10, "colour", PROJECT ".colour",
              "allowed here: id, name, kind, category, start, cost, delay, stages, benefits, "
              "outcome, spillovers, prevention");
    expect_at(MINIMAL "simulation: {paths: 10, sed: 3}\n", 10, "sed", "simulation.sed",
              "unknown key 'sed'; allowed here: paths, seed, precision (did you mean 'seed'?)");

    expect_at(MINIMAL "funding: {churn: 0.1, cutz: {fraction: 0.3}}\n", 10, "cutz",
              "funding.cutz", "allowed here: churn, spending_review, cuts, ringfence (did you "
              "mean 'cuts'?)");
    expect_at(MINIMAL "        prevention: {effect: 1, lagg: 2}\n", 10, "lagg",
              PROJECT ".prevention.lagg", "allowed here: effect, lag, persistence");
    /* Nested `extends` and `drop` are not keys of the format. */
    expect_at(MINIMAL "        extends: x.yaml\n", 10, "extends", PROJECT ".extends",
              "unknown key 'extends'");
    expect_at(MINIMAL "        drop: true\n", 10, "drop", PROJECT ".drop", "unknown key 'drop'");
    /* A repeated key is an error at the repeat. */
    expect_at(MINIMAL "        category: RDEL\n", 10, "category", PROJECT ".category",
              "duplicate key 'category' (first given at line 8)");
    expect_at(MINIMAL "name: u\n", 10, "name", "name", "duplicate key 'name' (first given at line 2)");
    /* Keys must be text. */
    expect_at(MINIMAL "[a]: 1\n", 10, "[a]", "", "keys must be plain text (got a list as a key)");
}

static void test_top_level(void **state)
{
    (void)state;
    expect_at("mpsim: 2\nname: t\nbase_year: 2025\n" MISSIONS, 1, "2", "mpsim",
              "unsupported format version 2; this mpsim (0.1.0) reads format version 1");
    expect_at("mpsim: 1.0\nname: t\nbase_year: 2025\n" MISSIONS, 1, "1.0", "mpsim",
              "must be an integer");
    expect_at("name: t\nbase_year: 2025\n" MISSIONS, 1, "name", "mpsim",
              "missing required key 'mpsim'");
    expect_at("mpsim: 1\nbase_year: 2025\n" MISSIONS, 1, "mpsim", "name",
              "missing required key 'name'");
    expect_at("mpsim: 1\nname: t\n" MISSIONS, 1, "mpsim", "base_year",
              "missing required key 'base_year'");
    expect_at("mpsim: 1\nname: t\nbase_year: 2025\n", 1, "mpsim", "missions",
              "missing required key 'missions'");
    expect_at("mpsim: 1\nname: Warm\nbase_year: 2025\n" MISSIONS, 2, "Warm", "name",
              "must match [a-z0-9_-]+: letters in lower case, digits, '_' and '-' only (got Warm)");
    expect_at("mpsim: 1\nname: a.b\nbase_year: 2025\n" MISSIONS, 2, "a.b", "name",
              "must match [a-z0-9_-]+");
    char text[1024];
    snprintf(text, sizeof text, "mpsim: 1\nname: %0129d\nbase_year: 2025\n" MISSIONS, 0);
    expect_at(text, 2, "000", "name", "is 129 characters long; at most 128 are allowed");
    expect_at("mpsim: 1\nname: t\nbase_year: 2025.0\n" MISSIONS, 3, "2025.0", "base_year",
              "must be an integer in [1, 9999] (got 2025.0); write it without a decimal point");
    expect_at(MINIMAL "description: [a]\n", 10, "[a]", "description", "must be text (got a list)");
    expect_at(MINIMAL "horizon: 60.0\n", 10, "60.0", "horizon",
              "must be an integer in [1, 1000] (got 60.0)");
    expect_at(MINIMAL "horizon: 0\n", 10, "0", "horizon", "must be an integer in [1, 1000] (got 0)");
    expect_at(MINIMAL "horizon: 1001\n", 10, "1001", "horizon", "(got 1001)");
    expect_at(MINIMAL "horizon: '60'\n", 10, "'60'", "horizon",
              "must be an integer in [1, 1000] (got the string \"60\"); remove the quotes");
    expect_at(MINIMAL "horizon: 99999999999999999999999\n", 10, "999", "horizon",
              "must be an integer in [1, 1000]");
    expect_at(MINIMAL "simulation: {paths: 0}\n", 10, "0", "simulation.paths",
              "must be an integer in [1, 1000000000000] (got 0)");
    expect_at(MINIMAL "simulation: {paths: 1e4}\n", 10, "1e4", "simulation.paths",
              "must be an integer");
    expect_at(MINIMAL "simulation: {seed: -1}\n", 10, "-1", "simulation.seed",
              "must be an integer in [0, 18446744073709551615] (got -1)");
    expect_at(MINIMAL "simulation: 5\n", 10, "5", "simulation",
              "must be the simulation block: a mapping with keys from paths, seed, precision (got 5)");
    /* The root must be a mapping. */
    expect_at("- 1\n- 2\n", 1, "-", "", "must be a scenario: a mapping with keys from mpsim");
}

static void test_appraisal(void **state)
{
    (void)state;
    expect_at(MINIMAL "appraisal: {discount: green-book}\n", 10, "green-book",
              "appraisal.discount",
              "must be green_book, {constant: r} or {schedule: [[from_year, rate], ...]} (got "
              "green-book)");
    expect_at(MINIMAL "appraisal: {discount: {constant: 3.5}}\n", 10, "3.5",
              "appraisal.discount.constant",
              "must be a rate in (-1, 1] written as a fraction, e.g. 0.035 for 3.5% (got 3.5)");
    expect_at(MINIMAL "appraisal: {discount: {constant: -1}}\n", 10, "-1",
              "appraisal.discount.constant", "must be a rate in (-1, 1]");
    expect_at(MINIMAL "appraisal: {discount: {constant: 0.03, schedule: [[0, 0.03]]}}\n", 10,
              "schedule", "appraisal.discount.schedule",
              "give either constant or schedule, not both");
    expect_at(MINIMAL "appraisal: {discount: {health: 0.01}}\n", 10, "{health",
              "appraisal.discount", "needs 'constant: r' or 'schedule: [[from_year, rate], ...]'");
    expect_at(MINIMAL "appraisal: {discount: {schedule: [[2, 0.03]]}}\n", 10, "2,",
              "appraisal.discount.schedule[0][0]",
              "the first band must start at model year 0 or 1 (got 2)");
    expect_at(MINIMAL "appraisal: {discount: {schedule: [[0, 0.03], [0, 0.02]]}}\n", 10, "0, 0.02",
              "appraisal.discount.schedule[1][0]",
              "bands must start in strictly ascending model years (got 0 after 0)");
    expect_at(MINIMAL "appraisal: {discount: {schedule: [[0, 0.03], [31.5, 0.02]]}}\n", 10,
              "31.5", "appraisal.discount.schedule[1][0]", "must be an integer");
    expect_at(MINIMAL "appraisal: {discount: {schedule: [[0, 0.03, 1]]}}\n", 10, "[0, 0.03, 1]",
              "appraisal.discount.schedule[0]", "each band must be a pair [from_year, rate]");
    expect_at(MINIMAL "appraisal: {discount: {schedule: []}}\n", 10, "[]",
              "appraisal.discount.schedule", "must be a non-empty list of [from_year, rate] bands");
    expect_at(MINIMAL "appraisal: {discount: {schedule: [[0, 0.03]], health: 0.01, "
                      "health_schedule: [[0, 0.01]]}}\n",
              10, "health_schedule", "appraisal.discount.health_schedule",
              "give either health or health_schedule, not both");
    expect_at(MINIMAL "appraisal: {discount: {constant: 0.03, health: 2}}\n", 10, "2}",
              "appraisal.discount.health", "must be a rate in (-1, 1]");
    expect_at(MINIMAL "appraisal: {central: average}\n", 10, "average", "appraisal.central",
              "must be one of mean, median, mode (got average)");
    expect_at(MINIMAL "appraisal: {cost_savings: both}\n", 10, "both", "appraisal.cost_savings",
              "must be one of benefit, net_cost (got both)");
    expect_at(MINIMAL "appraisal: {include_spillovers: yes}\n", 10, "yes",
              "appraisal.include_spillovers", "must be true or false (got yes)");
    expect_at(MINIMAL "appraisal: {include_wider_economy: 1}\n", 10, "1",
              "appraisal.include_wider_economy", "must be true or false (got 1)");
    expect_at(MINIMAL "funding: {churn: 1.2}\n", 10, "1.2", "funding.churn",
              "must be in [0, 1] (got 1.2)");
    expect_at(MINIMAL "funding: {churn: -0.1}\n", 10, "-0.1", "funding.churn",
              "must be in [0, 1] (got -0.1)");
}

static void test_missions_and_ids(void **state)
{
    (void)state;
    expect_at("mpsim: 1\nname: t\nbase_year: 2025\nmissions: []\n", 4, "[]", "missions",
              "must be a non-empty list of missions");
    expect_at("mpsim: 1\nname: t\nbase_year: 2025\nmissions: [{id: m, projects: []}]\n", 4, "[{",
              "missions", "the scenario has no projects");
    expect_at("mpsim: 1\nname: t\nbase_year: 2025\nmissions:\n  - name: x\n"
              "    projects: [{id: p, category: CDEL, cost: {profile: [1]}}]\n",
              5, "name", "missions[0].id", "missing required key 'id'");
    /* A mission without a valid id is named by index; its projects by id. */
    expect_at("mpsim: 1\nname: t\nbase_year: 2025\nmissions:\n  - id: warm homes\n"
              "    projects: [{id: p, category: XDEL, cost: {profile: [1]}}]\n",
              5, "warm", "missions[0].id",
              "must match [A-Za-z0-9_-]+: letters, digits, '_' and '-' only (got warm homes)");
    expect_at("mpsim: 1\nname: t\nbase_year: 2025\nmissions:\n  - id: warm homes\n"
              "    projects: [{id: p, category: XDEL, cost: {profile: [1]}}]\n",
              6, "XDEL", "missions[0].projects.p.category", "must be one of CDEL, RDEL, PDEL");
    /* The spec's example: project 0 of mission 1 without a valid id. */
    expect_at("mpsim: 1\nname: t\nbase_year: 2025\nmissions:\n  - id: a\n    projects: []\n"
              "  - id: b\n    projects:\n      - id: 'x y'\n        category: CDEL\n"
              "        cost: {profile: [1]}\n",
              9, "'x y'", "missions.b.projects[0].id", "must match [A-Za-z0-9_-]+");
    expect_at("mpsim: 1\nname: t\nbase_year: 2025\nmissions:\n  - id: a\n    projects: []\n"
              "  - id: 'b!'\n    projects:\n      - category: CDEL\n"
              "        cost: {profile: [1]}\n",
              9, "category", "missions[1].projects[0].id", "missing required key 'id'");
    /* Mission and project ids are unique together. */
    expect_at("mpsim: 1\nname: t\nbase_year: 2025\nmissions:\n  - id: m\n    projects:\n"
              "      - id: m\n        category: CDEL\n        cost: {profile: [1]}\n",
              7, "m", "missions.m.projects[0].id",
              "duplicate id 'm' (first used at line 5); mission and project ids must be unique");
    expect_at(MINIMAL "      - id: p\n        category: CDEL\n        cost: {profile: [1]}\n", 10,
              "p", "missions.m.projects[1].id", "duplicate id 'p' (first used at line 7)");
    char text[1024];
    snprintf(text, sizeof text, "mpsim: 1\nname: t\nbase_year: 2025\nmissions:\n  - id: %0129d\n"
                                "    projects: [{id: p, category: CDEL, cost: {profile: [1]}}]\n", 7);
    expect_at(text, 5, "000", "missions[0].id", "is 129 characters long; at most 128 are allowed");
    /* Targets. */
    expect_at("mpsim: 1\nname: t\nbase_year: 2025\nmissions:\n  - id: m\n"
              "    target: {value: 1, by: 2085}\n"
              "    projects: [{id: p, category: CDEL, cost: {profile: [1]}}]\n",
              6, "2085", "missions.m.target.by",
              "must be a calendar year within the horizon, [2025, 2084]");
    expect_at("mpsim: 1\nname: t\nbase_year: 2025\nhorizon: 10\nmissions:\n  - id: m\n"
              "    target: {value: 1, by: 2024}\n"
              "    projects: [{id: p, category: CDEL, cost: {profile: [1]}}]\n",
              7, "2024", "missions.m.target.by", "[2025, 2034]");
    expect_at("mpsim: 1\nname: t\nbase_year: 2025\nmissions:\n  - id: m\n"
              "    target: {by: 2030}\n"
              "    projects: [{id: p, category: CDEL, cost: {profile: [1]}}]\n",
              6, "{by", "missions.m.target.value", "missing required key 'value'");
    expect_at("mpsim: 1\nname: t\nbase_year: 2025\nmissions:\n  - id: m\n"
              "    target: {value: .nan, by: 2030}\n"
              "    projects: [{id: p, category: CDEL, cost: {profile: [1]}}]\n",
              6, ".nan", "missions.m.target.value", "must be a finite number (got .nan)");
    expect_at("mpsim: 1\nname: t\nbase_year: 2025\nmissions:\n  - id: m\n    projects: {}\n", 6,
              "{}", "missions.m.projects", "must be a list of projects (got a mapping)");
    expect_at("mpsim: 1\nname: t\nbase_year: 2025\nmissions:\n  - id: m\n    projects: [5]\n", 6,
              "5", "missions.m.projects[0]", "must be a project: a mapping with keys from id");
}

static void test_project_cost_delay(void **state)
{
    (void)state;
    expect_at(MINIMAL "        kind: big\n", 10, "big", PROJECT ".kind",
              "must be one of tactical, emblematic, strategic (got big)");
    expect_at("mpsim: 1\nname: t\nbase_year: 2025\nmissions:\n  - id: m\n    projects:\n"
              "      - id: p\n        cost: {profile: [1]}\n",
              7, "id: p", PROJECT ".category",
              "missing required key 'category' (one of CDEL, RDEL, PDEL)");
    expect_at(MINIMAL "        start: 2024\n", 10, "2024", PROJECT ".start",
              "must be a calendar year >= base_year 2025 (got 2024)");
    expect_at(MINIMAL "        start: 2026.0\n", 10, "2026.0", PROJECT ".start", "must be an integer");
    expect_at(HEAD, 7, "id: p", PROJECT ".cost", "missing required key 'cost'");
    expect_at(HEAD "        cost: {overrun: 1}\n", 9, "{overrun", PROJECT ".cost.profile",
              "missing required key 'profile'");
    expect_at(HEAD "        cost: {profile: []}\n", 9, "[]", PROJECT ".cost.profile",
              "must be a non-empty list of planned spend per build year");
    expect_at(HEAD "        cost: {profile: 5}\n", 9, "5", PROJECT ".cost.profile",
              "must be a non-empty list");
    expect_at(HEAD "        cost: {profile: [1, -2]}\n", 9, "-2", PROJECT ".cost.profile[1]",
              "planned spend must be >= 0 (got -2)");
    expect_at(HEAD "        cost: {profile: [1, \"2\"]}\n", 9, "\"2\"", PROJECT ".cost.profile[1]",
              "must be a number (got the string \"2\"); remove the quotes");
    expect_at(HEAD "        cost: {profile: [1], optimism_bias: -0.1}\n", 9, "-0.1",
              PROJECT ".cost.optimism_bias", "must be >= 0");
    expect_at(HEAD "        cost: {profile: [1], optimism_bias: {dist: fixed, value: 1}}\n", 9,
              "{dist", PROJECT ".cost.optimism_bias",
              "must be a number, not a distribution; distributions ({dist: ...}) are allowed "
              "only at cost.overrun, delay, benefits.annual, spillovers.value, "
              "prevention.effect, economy.multipliers and economy.crowding_in");
    /* cost.overrun needs positive support. */
    static const struct {
        const char *overrun, *marker, *got;
    } overrun[] = {
        {"0", "0}", "(got 0)"},
        {"-1", "-1", "(got -1)"},
        {"{dist: normal, mean: 1, sd: 0.1}", "{dist", "(got a normal distribution"},
        {"{dist: poisson, mean: 1}", "{dist", "(got a poisson distribution"},
        {"{dist: triangular, min: 0, mode: 1, max: 2}", "{dist", "(got min 0)"},
        {"{dist: pert, min: -0.5, mode: 1, max: 2}", "{dist", "(got min -0.5)"},
        {"{dist: uniform, min: 0, max: 2}", "{dist", "(got min 0)"},
        {"{dist: fixed, value: 0}", "{dist", "(got 0)"},
    };
    for (size_t i = 0; i < sizeof overrun / sizeof overrun[0]; i++) {
        char text[1024];
        snprintf(text, sizeof text, HEAD "        cost: {profile: [1], overrun: %s}\n",
                 overrun[i].overrun);
        expect_at(text, 9, overrun[i].marker, PROJECT ".cost.overrun",
                  "must have positive support: a fixed value > 0, a lognormal, or a triangular, "
                  "pert or uniform with min > 0");
        expect_at(text, 9, overrun[i].marker, PROJECT ".cost.overrun", overrun[i].got);
    }
    /* A fixed delay is a whole number of years >= 0. */
    expect_at(MINIMAL "        delay: 1.5\n", 10, "1.5", PROJECT ".delay",
              "a fixed delay must be a whole number of years >= 0 (got 1.5)");
    expect_at(MINIMAL "        delay: 1.0\n", 10, "1.0", PROJECT ".delay",
              "a fixed delay must be a whole number of years >= 0 (got 1.0)");
    expect_at(MINIMAL "        delay: -1\n", 10, "-1", PROJECT ".delay", "(got -1)");
    expect_at(MINIMAL "        delay: {dist: fixed, value: 0.5}\n", 10, "0.5", PROJECT ".delay",
              "a fixed delay must be a whole number of years >= 0 (got 0.5)");
    expect_at(MINIMAL "        delay: soon\n", 10, "soon", PROJECT ".delay",
              "must be a number or a distribution such as {dist: lognormal, median: 1.1, p90: 1.8} "
              "(got soon)");
}

static void test_stages_and_benefits(void **state)
{
    (void)state;
    expect_at(MINIMAL "        stages: [{after: 0, p: 0.5}]\n", 10, "0,", PROJECT ".stages[0].after",
              "must satisfy 1 <= after <= 1, the number of build years in cost.profile (got 0)");
    expect_at(HEAD "        cost: {profile: [1, 2]}\n        stages: [{after: 1, p: 0.5}, "
                   "{after: 3, p: 0.5}]\n",
              10, "3,", PROJECT ".stages[1].after", "must satisfy 1 <= after <= 2");
    expect_at(MINIMAL "        stages: [{after: 1, p: 1.2}]\n", 10, "1.2", PROJECT ".stages[0].p",
              "must be in [0, 1] (got 1.2)");
    expect_at(MINIMAL "        stages: [{after: 1}]\n", 10, "{after", PROJECT ".stages[0].p",
              "missing required key 'p'");
    expect_at(MINIMAL "        stages: [{p: 0.5}]\n", 10, "{p", PROJECT ".stages[0].after",
              "missing required key 'after'");
    expect_at(MINIMAL "        stages: [{after: 1, p: 0.5, prob: 1}]\n", 10, "prob",
              PROJECT ".stages[0].prob", "unknown key 'prob'; allowed here: after, p");
    expect_at(MINIMAL "        stages: {after: 1, p: 0.5}\n", 10, "{after", PROJECT ".stages",
              "must be a list of gates");
    expect_at(MINIMAL "        benefits: {lag: 1}\n", 10, "{lag", PROJECT ".benefits.annual",
              "missing required key 'annual'");
    expect_at(MINIMAL "        benefits: {annual: 1, lag: -1}\n", 10, "-1", PROJECT ".benefits.lag",
              "must be an integer >= 0 (got -1)");
    expect_at(MINIMAL "        benefits: {annual: 1, ramp: 0}\n", 10, "0}", PROJECT ".benefits.ramp",
              "must be an integer >= 1 (got 0)");
    expect_at(MINIMAL "        benefits: {annual: 1, duration: 1.5}\n", 10, "1.5",
              PROJECT ".benefits.duration", "must be an integer >= 0 (got 1.5)");
    expect_at(MINIMAL "        benefits: {annual: 1, decay: 1.2}\n", 10, "1.2",
              PROJECT ".benefits.decay", "must be in [0, 1] (got 1.2)");
    expect_at(MINIMAL "        benefits: {annual: 1, type: cash}\n", 10, "cash",
              PROJECT ".benefits.type", "must be one of economic, health, saving (got cash)");
    expect_at(MINIMAL "        benefits: {annual: 1, lag: {dist: poisson, mean: 1}}\n", 10,
              "{dist", PROJECT ".benefits.lag", "must be an integer, not a distribution");
    expect_at(MINIMAL "        outcome: .inf\n", 10, ".inf", PROJECT ".outcome",
              "must be a finite number (got .inf)");
    expect_at(MINIMAL "        outcome: 1e999\n", 10, "1e999", PROJECT ".outcome",
              "number out of range (got 1e999)");
    expect_at(MINIMAL "        outcome: [1]\n", 10, "[1]", PROJECT ".outcome",
              "must be a number (got a list)");
}

static void test_distributions(void **state)
{
    (void)state;
#define ANNUAL(d) MINIMAL "        benefits: {annual: " d "}\n"
    const char *b = PROJECT ".benefits.annual";
    char path[256];
#define P(suffix) (snprintf(path, sizeof path, "%s%s", b, suffix), path)
    expect_at(ANNUAL("{dist: lognormal, median: 25, p90: 9}"), 10, "9}", P(".p90"),
              "lognormal distribution: p90 must be greater than median, p90 > median > 0 (got "
              "p90 9, median 25)");
    expect_at(ANNUAL("{dist: lognormal, median: 0, p90: 9}"), 10, "0,", P(".median"),
              "median must be > 0 (got 0)");
    expect_at(ANNUAL("{dist: lognormal, median: 1, sd: 9}"), 10, "{dist", b,
              "give median and p90, or mean and sd, not a mix");
    expect_at(ANNUAL("{dist: lognormal, median: 1}"), 10, "{dist", b,
              "lognormal distribution needs median and p90, or mean and sd (missing p90)");
    expect_at(ANNUAL("{dist: lognormal, mean: -1, sd: 1}"), 10, "-1", P(".mean"),
              "mean must be > 0 (got -1)");
    expect_at(ANNUAL("{dist: lognormal, mean: 1, sd: -1}"), 10, "-1", P(".sd"),
              "sd must be >= 0 (got -1)");
    expect_at(ANNUAL("{dist: normal, mean: 1, sd: -1}"), 10, "-1", P(".sd"),
              "normal distribution: sd must be >= 0 (got -1)");
    expect_at(ANNUAL("{dist: normal, mean: 1}"), 10, "{dist", b,
              "normal distribution needs mean and sd (missing sd)");
    expect_at(ANNUAL("{dist: triangular, min: 1, mode: 3, max: 2}"), 10, "3,", P(".mode"),
              "mode must lie in [min, max], min <= mode <= max (got min 1, mode 3, max 2)");
    expect_at(ANNUAL("{dist: pert, min: 2, mode: 2, max: 2}"), 10, "2}", P(".max"),
              "pert distribution: min must be less than max (got min 2, max 2)");
    expect_at(ANNUAL("{dist: uniform, min: 3, max: 2}"), 10, "2}", P(".max"),
              "uniform distribution: min must be less than max (got min 3, max 2)");
    expect_at(ANNUAL("{dist: poisson, mean: -1}"), 10, "-1", P(".mean"),
              "poisson distribution: mean must be >= 0 (got -1)");
    expect_at(ANNUAL("{dist: gamma, k: 1}"), 10, "gamma", P(".dist"),
              "unknown distribution 'gamma'; allowed: fixed, normal, lognormal, triangular, pert, "
              "uniform, poisson");
    expect_at(ANNUAL("{dist: lognormal, median: 1, p90: 2, sigma: 1}"), 10, "sigma", P(".sigma"),
              "unknown key 'sigma'; allowed here: dist, median, p90, mean, sd");
    expect_at(ANNUAL("{median: 1, p90: 2}"), 10, "{median", b,
              "must be a number or a distribution, a mapping with 'dist'");
    expect_at(ANNUAL("{dist: fixed, value: abc}"), 10, "abc", P(".value"), "must be a number (got abc)");
    expect_at(ANNUAL("{dist: normal, mean: .nan, sd: 1}"), 10, ".nan", P(".mean"),
              "must be a finite number");
    expect_at(ANNUAL("lots"), 10, "lots", b, "must be a number or a distribution such as");
#undef P
#undef ANNUAL
}

static void test_whole_file_errors(void **state)
{
    (void)state;
    expect_at("", 0, NULL, "", "file is empty");
    expect_at("  \n# only a comment\n\n", 0, NULL, "",
              "holds no YAML content (only comments or blank lines)");
    expect_at("---\n", 0, NULL, "", "holds no YAML content");
    /* mps_test_load_bad uses strlen, so NUL bytes need the buffer call. */
    mpsim_errors e;
    mpsim_errors_init(&e);
    mpsim_scenario *s = NULL;
    assert_int_equal(mpsim_scenario_load_buffer("mpsim: 1\nx\0y", 12, "bin.yaml", &s, &e),
                     MPSIM_ERR_INPUT);
    assert_null(s);
    assert_true(has_error(&e, "bin.yaml", 2, 2, "", "not a text file: contains a NUL byte"));
    mpsim_errors_clear(&e);
    expect_at("mpsim: 1\nname: caf\xE9\n", 2, "\xE9", "", "not valid UTF-8 (byte 0xE9)");
    expect_at("mpsim: 1\nname: \xC0\xAF\n", 2, "\xC0", "", "not valid UTF-8 (byte 0xC0)");
    expect_at("mpsim: 1\nname: \xED\xA0\x80\n", 2, "\xED", "", "not valid UTF-8 (byte 0xED)");
    expect_at("a: [1, 2\nb: 3\n", 2, ":", "",
              "YAML syntax error: did not find expected ',' or ']' (while parsing a flow "
              "sequence at line 1, column 4)");
    expect_at("mpsim: 1\n\tname: t\n", 2, "\t", "", "tabs cannot indent YAML, use spaces");
    expect_at("mpsim: 1\n---\nmpsim: 1\n", 2, "---", "",
              "a second YAML document starts here; a scenario file holds exactly one document");
    expect_at("a: &a [1, *a]\n", 1, "*a", "", "alias '*a' refers to a node that contains it");
    expect_at("a: *nowhere\n", 1, "*", "", "alias '*nowhere' names no anchor defined before it");
    expect_at("a: !!binary aGk=\n", 1, "!!", "", "unsupported YAML tag 'tag:yaml.org,2002:binary'");

    /* File too large: checked before parsing, so spaces are enough. */
    size_t big = (size_t)16 * 1024 * 1024 + 1;
    char *text = malloc(big);
    assert_non_null(text);
    memset(text, ' ', big);
    assert_int_equal(mpsim_scenario_load_buffer(text, big, "big.yaml", &s, &e), MPSIM_ERR_INPUT);
    assert_true(has_error(&e, "big.yaml", 0, 0, "", "file too large"));
    mpsim_errors_clear(&e);
    free(text);
}

static void test_limits(void **state)
{
    (void)state;
    /* 64 levels of nesting are accepted by the reader; 65 are not. */
    char text[256];
    memset(text, 0, sizeof text);
    strcpy(text, "mpsim: ");
    for (int i = 0; i < 63; i++)
        strcat(text, "[");
    for (int i = 0; i < 63; i++)
        strcat(text, "]");
    strcat(text, "\n");
    mpsim_errors e = mps_test_load_bad(text);
    for (size_t i = 0; i < e.count; i++)
        assert_null(strstr(e.items[i].message, "nesting"));
    assert_true(has_error(&e, "bad.yaml", 1, 8, "mpsim", "must be an integer"));
    mpsim_errors_clear(&e);
    strcpy(text, "mpsim: ");
    for (int i = 0; i < 64; i++)
        strcat(text, "[");
    for (int i = 0; i < 64; i++)
        strcat(text, "]");
    strcat(text, "\n");
    /* The root mapping is level 1, so the 64th bracket opens level 65. */
    expect_at(text, 1, "[]", "", "nesting deeper than 64 levels");

    /* An alias bomb: each level multiplies by ten. */
    char bomb[2048] = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
    for (int i = 1; i < 9; i++) {
        char line[128];
        char prev = (char)('a' + i - 1), cur = (char)('a' + i);
        snprintf(line, sizeof line, "%c: &%c [*%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c]\n",
                 cur, cur, prev, prev, prev, prev, prev, prev, prev, prev, prev, prev);
        strcat(bomb, line);
    }
    /* Running total: 10*11 + 10*111 + 10*1111 = 12330 after line 4; line 5
     * adds 11111 per alias, crossing 100000 at its 8th alias. */
    e = mps_test_load_bad(bomb);
    assert_int_equal(e.count, 1);
    assert_int_equal(e.items[0].line, 5);
    assert_int_equal(e.items[0].column, 8 + 4 * 7);
    assert_non_null(strstr(e.items[0].message, "aliases expand to more than 100000 nodes"));
    mpsim_errors_clear(&e);

    /* Errors are capped at 200 plus a note. */
    size_t n = 300, cap = 64 + n * 16;
    char *many = malloc(cap);
    assert_non_null(many);
    strcpy(many, MINIMAL);
    for (size_t i = 0; i < n; i++) {
        size_t used = strlen(many);
        snprintf(many + used, cap - used, "junk%zu: 1\n", i);
    }
    e = mps_test_load_bad(many);
    assert_int_equal(e.count, 201);
    assert_non_null(strstr(e.items[200].message, "more than 200 errors"));
    assert_int_equal(e.items[0].line, 10);
    free(many);
    mpsim_errors_clear(&e);
}

static void test_all_errors_collected(void **state)
{
    (void)state;
    const char *text = MINIMAL "        kind: big\n        outcome: x\nhorizon: 0\n"
                               "funding: {churn: 2}\n";
    mpsim_errors e = mps_test_load_bad(text);
    assert_int_equal(e.count, 4);
    /* Reported in file order. */
    assert_string_equal(e.items[0].key_path, PROJECT ".kind");
    assert_string_equal(e.items[1].key_path, PROJECT ".outcome");
    assert_string_equal(e.items[2].key_path, "horizon");
    assert_string_equal(e.items[3].key_path, "funding.churn");
    mpsim_errors_clear(&e);
}

static void test_file_errors(void **state)
{
    (void)state;
    mpsim_errors e;
    mpsim_errors_init(&e);
    mpsim_scenario *s = (mpsim_scenario *)&e; /* must be reset to NULL */
    const char *missing = MPSIM_TEST_DIR "/no-such-file.yaml";
    assert_int_equal(mpsim_scenario_load(missing, &s, &e), MPSIM_ERR_INPUT);
    assert_null(s);
    assert_true(has_error(&e, missing, 0, 0, "", "cannot read the scenario file: No such file"));
    mpsim_errors_clear(&e);
    assert_int_equal(mpsim_scenario_load(MPSIM_TEST_DIR, &s, &e), MPSIM_ERR_INPUT);
    assert_true(has_error(&e, MPSIM_TEST_DIR, 0, 0, "", "is a directory, not a scenario file"));
    mpsim_errors_clear(&e);

    /* An empty file on disk. */
    char *dir = mps_test_tmpdir();
    char path[512];
    snprintf(path, sizeof path, "%s/empty.yaml", dir);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fclose(f);
    assert_int_equal(mpsim_scenario_load(path, &s, &e), MPSIM_ERR_INPUT);
    assert_true(has_error(&e, path, 0, 0, "", "file is empty"));
    mpsim_errors_clear(&e);
    remove(path);
    remove(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unknown_keys),
        cmocka_unit_test(test_top_level),
        cmocka_unit_test(test_appraisal),
        cmocka_unit_test(test_missions_and_ids),
        cmocka_unit_test(test_project_cost_delay),
        cmocka_unit_test(test_stages_and_benefits),
        cmocka_unit_test(test_distributions),
        cmocka_unit_test(test_whole_file_errors),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_all_errors_collected),
        cmocka_unit_test(test_file_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
