/*
 * The validation rules of the portfolio-wide parts of a scenario provoked
 * on purpose: links and spillovers (model.md section 5), the economy
 * (section 6) and correlations (scenario-format.md).  Each case asserts
 * the status, and an error with exactly the expected file, line, column
 * and key path whose message contains the expected text.
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

/* Nine lines: one mission m with project p.  Extra keys go on line 10. */
#define MINIMAL                                                                         \
    "mpsim: 1\nname: t\nbase_year: 2025\nmissions:\n  - id: m\n    projects:\n"         \
    "      - id: p\n        category: CDEL\n        cost: {profile: [10]}\n"
/* Twelve lines: projects p and q.  Top-level keys go on line 13. */
#define TWO MINIMAL "      - id: q\n        category: RDEL\n        cost: {profile: [5]}\n"
#define PROJECT "missions.m.projects.p"
/* Fourteen lines: MINIMAL and two regimes.  Economy keys go on line 15,
 * indented by two spaces. */
#define REGIMES                                                                         \
    MINIMAL "economy:\n  regimes:\n    names: [slack, normal]\n    initial: [0.3, 0.7]\n" \
            "    transition: [[0.6, 0.4], [0.1, 0.9]]\n"

static void test_links(void **state)
{
    (void)state;
    expect_at(TWO "links: [{from: x, to: p}]\n", 13, "x,", "links[0].from",
              "unknown project id 'x'; a link must join two projects of this scenario (nearest "
              "project ids: p, q)");
    expect_at(TWO "links: [{from: p, to: heat}]\n", 13, "heat", "links[0].to",
              "unknown project id 'heat'");
    expect_at(TWO "links: [{from: m, to: p}]\n", 13, "m,", "links[0].from",
              "'m' is a mission, not a project; links join projects");
    expect_at(TWO "links: [{from: p, to: p}]\n", 13, "p}", "links[0].to",
              "a link cannot join project 'p' to itself; from and to must be different projects");
    expect_at(TWO "links: [{from: p, to: q, gate_uplift: 1.5}]\n", 13, "1.5",
              "links[0].gate_uplift",
              "must be in [0, 1]: the share of B's gate failure probability removed once A "
              "succeeds (got 1.5)");
    expect_at(TWO "links: [{from: p, to: q, gate_uplift: -0.1}]\n", 13, "-0.1",
              "links[0].gate_uplift", "must be in [0, 1]");
    expect_at(TWO "links: [{from: p, to: q, benefit_uplift: -1.5}]\n", 13, "-1.5",
              "links[0].benefit_uplift",
              "must be >= -1: B's direct benefits are multiplied by (1 + benefit_uplift) (got "
              "-1.5)");
    expect_at(TWO "links: [{from: p, to: q, gate_uplift: {dist: fixed, value: 0.1}}]\n", 13,
              "{dist", "links[0].gate_uplift", "must be a number, not a distribution");
    expect_at(TWO "links: [{from: p, to: q, gate_uplift: '0.1'}]\n", 13, "'0.1'",
              "links[0].gate_uplift", "remove the quotes");
    expect_at(TWO "links: [{to: q}]\n", 13, "{to", "links[0].from",
              "missing required key 'from'");
    expect_at(TWO "links: [{from: p}]\n", 13, "{from", "links[0].to", "missing required key 'to'");
    expect_at(TWO "links: [{from: [p], to: q}]\n", 13, "[p]", "links[0].from",
              "must be a project id (got a list)");
    expect_at(TWO "links: [{from: p, to: q, uplift: 1}]\n", 13, "uplift", "links[0].uplift",
              "unknown key 'uplift'; allowed here: from, to, gate_uplift, benefit_uplift");
    expect_at(TWO "links: {from: p, to: q}\n", 13, "{from", "links",
              "must be a list of links such as [{from: a, to: b, gate_uplift: 0.3, "
              "benefit_uplift: 0.1}] (got a mapping)");
    expect_at(TWO "links: [5]\n", 13, "5", "links[0]", "must be a link: a mapping with keys from");
    /* A pair listed twice is refused at the repeat; the reverse link is a
     * different link and is fine (test_scenario_load_portfolio.c). */
    expect_at(TWO "links:\n  - {from: p, to: q}\n  - {from: p, to: q, gate_uplift: 0.1}\n", 15,
              "{from", "links[1]",
              "the link from 'p' to 'q' is listed twice (first at line 14); give each pair once");
}

static void test_spillovers(void **state)
{
    (void)state;
    const char *sp = PROJECT ".spillovers";
    char path[256];
#define P(suffix) (snprintf(path, sizeof path, "%s%s", sp, suffix), path)
    expect_at(MINIMAL "        spillovers: {value: 2, lag: 1}\n", 10, "{value", P(".rate"),
              "missing required key 'rate' (expected discoveries per £m actually spent, >= 0)");
    expect_at(MINIMAL "        spillovers: {rate: 0.01}\n", 10, "{rate", P(".value"),
              "missing required key 'value' (the annual benefit of one discovery, £m");
    expect_at(MINIMAL "        spillovers: {rate: -0.01, value: 2}\n", 10, "-0.01", P(".rate"),
              "must be >= 0: expected discoveries per £m actually spent (got -0.01)");
    expect_at(MINIMAL "        spillovers: {rate: {dist: poisson, mean: 1}, value: 2}\n", 10,
              "{dist", P(".rate"), "must be a number, not a distribution");
    expect_at(MINIMAL "        spillovers: {rate: 0.1, value: {dist: lognormal, median: 2, p90: "
                      "1}}\n",
              10, "1}}", P(".value.p90"), "p90 must be greater than median");
    expect_at(MINIMAL "        spillovers: {rate: 0.1, value: big}\n", 10, "big", P(".value"),
              "must be a number or a distribution such as");
    expect_at(MINIMAL "        spillovers: {rate: 0.1, value: 2, lag: -1}\n", 10, "-1", P(".lag"),
              "must be an integer >= 0 (got -1)");
    expect_at(MINIMAL "        spillovers: {rate: 0.1, value: 2, duration: 1.5}\n", 10, "1.5",
              P(".duration"), "must be an integer >= 0 (got 1.5)");
    expect_at(MINIMAL "        spillovers: {rate: 0.1, value: 2, decay: 1.2}\n", 10, "1.2",
              P(".decay"), "must be in [0, 1] (got 1.2)");
    expect_at(MINIMAL "        spillovers: {rte: 0.1, value: 2}\n", 10, "rte", P(".rte"),
              "unknown key 'rte'; allowed here: rate, value, lag, duration, decay (did you mean "
              "'rate'?)");
    expect_at(MINIMAL "        spillovers: 0.1\n", 10, "0.1", sp,
              "must be the project's spillovers: a mapping with keys from rate, value, lag, "
              "duration, decay (got 0.1)");
#undef P
}

static void test_regimes(void **state)
{
    (void)state;
    char text[2048];
    /* MINIMAL, then economy.regimes with its three lines as given: names
     * on line 12, initial on 13, transition on 14 (when all are given). */
#define REG(names, initial, transition)                                                  \
    (snprintf(text, sizeof text, MINIMAL "economy:\n  regimes:\n%s%s%s", names, initial,   \
              transition),                                                               \
     text)
    const char *names = "    names: [slack, normal]\n";
    const char *initial = "    initial: [0.3, 0.7]\n";
    const char *transition = "    transition: [[0.6, 0.4], [0.1, 0.9]]\n";
    expect_at(REG(names, "    initial: [1]\n", transition), 13, "[1]", "economy.regimes.initial",
              "must have 2 entries, one per regime in the order of economy.regimes.names (got 1)");
    expect_at(REG(names, "    initial: [0.3, 0.6]\n", transition), 13, "[0.3",
              "economy.regimes.initial",
              "must sum to 1 within 1e-9: these are the probabilities of starting in each regime "
              "(got a sum of 0.9)");
    expect_at(REG(names, "    initial: [1.2, -0.2]\n", transition), 13, "1.2",
              "economy.regimes.initial[0]", "must be in [0, 1] (got 1.2)");
    expect_at(REG(names, "    initial: []\n", transition), 13, "[]", "economy.regimes.initial",
              "must be a non-empty list of the probabilities of starting in each regime");
    expect_at(REG(names, initial, "    transition: [[0.6, 0.4]]\n"), 14, "[[",
              "economy.regimes.transition",
              "must have 2 rows, one per regime in the order of economy.regimes.names (got 1)");
    expect_at(REG(names, initial, "    transition: [[0.6, 0.4], [1]]\n"), 14, "[1]",
              "economy.regimes.transition[1]", "must have 2 entries, one per regime");
    expect_at(REG(names, initial, "    transition: [[0.6, 0.4], [0.1, 0.8]]\n"), 14, "[0.1",
              "economy.regimes.transition[1]",
              "must sum to 1 within 1e-9: these are the probabilities of moving from regime "
              "normal to each regime next year (got a sum of 0.9)");
    /* 1e-7 off is far outside the 1e-9 tolerance. */
    expect_at(REG(names, initial, "    transition: [[0.6, 0.4], [0.1, 0.9000001]]\n"), 14,
              "[0.1", "economy.regimes.transition[1]", "(got a sum of 1.0000001)");
    expect_at(REG(names, initial, "    transition: 1\n"), 14, "1", "economy.regimes.transition",
              "must be a list of rows, one per regime");
    expect_at(REG("    names: [a, a]\n", initial, transition), 12, "a]",
              "economy.regimes.names[1]",
              "duplicate regime name 'a' (first given at line 12); regime names must be unique");
    expect_at(REG("    names: [a b, c]\n", initial, transition), 12, "a b",
              "economy.regimes.names[0]", "must match [A-Za-z0-9_-]+");
    expect_at(REG("    names: []\n", initial, transition), 12, "[]", "economy.regimes.names",
              "must be a non-empty list of regime names such as [slack, normal]");
    expect_at(REG(names, "", transition), 12, "names", "economy.regimes.initial",
              "missing required key 'initial'");
    expect_at(REG(names, initial, ""), 12, "names", "economy.regimes.transition",
              "missing required key 'transition'");
    expect_at(REG("", initial, transition), 12, "initial", "economy.regimes.names",
              "missing required key 'names'");
    expect_at(REG(names, initial, "    trans: 1\n"), 14, "trans", "economy.regimes.trans",
              "unknown key 'trans'; allowed here: names, initial, transition");
    expect_at(MINIMAL "economy:\n  regimes: [slack]\n", 11, "[slack", "economy.regimes",
              "must be the regimes block: a mapping with keys from names, initial, transition");
#undef REG
}

static void test_multipliers(void **state)
{
    (void)state;
    const char *mu = "economy.multipliers";
    char path[256];
#define P(suffix) (snprintf(path, sizeof path, "%s%s", mu, suffix), path)
    expect_at(REGIMES "  multipliers:\n    RDEL: {slack: 1.0}\n", 16, "{slack", P(".RDEL.normal"),
              "missing regime 'normal': a mapping by regime must give a value for every regime "
              "(slack, normal)");
    expect_at(REGIMES "  multipliers:\n    RDEL: {slack: 1, normal: 0.5, boom: 2}\n", 16, "boom",
              P(".RDEL.boom"),
              "unknown regime 'boom'; the regimes are slack, normal (a mapping without 'dist' "
              "gives one value per regime; a distribution needs 'dist')");
    expect_at(REGIMES "  multipliers:\n    RDEL:\n      slack: 1\n      normal: 1\n"
                      "      slack: 2\n",
              19, "slack", P(".RDEL.slack"), "duplicate key 'slack' (first given at line 17)");
    /* Without economy.regimes the one regime is "normal". */
    expect_at(MINIMAL "economy: {multipliers: {CDEL: {slack: 1}}}\n", 10, "slack",
              P(".CDEL.slack"),
              "unknown regime 'slack'; the regimes are normal (without economy.regimes there is "
              "one regime, normal)");
    expect_at(MINIMAL "economy: {multipliers: {CDEL: {slack: 1}}}\n", 10, "{slack",
              P(".CDEL.normal"), "missing regime 'normal'");
    /* A distribution-like mapping without `dist` is read by regime. */
    expect_at(REGIMES "  multipliers:\n    CDEL: {median: 1, p90: 2}\n", 16, "median",
              P(".CDEL.median"), "a distribution needs 'dist'");
    expect_at(REGIMES "  multipliers:\n    CDEL: {slack: {dist: normal, mean: 1}, normal: 1}\n", 16,
              "{dist", P(".CDEL.slack"), "normal distribution needs mean and sd (missing sd)");
    expect_at(REGIMES "  multipliers:\n    CDEL: {slack: {dist: lognormal, median: 2, p90: 1}, "
                      "normal: 1}\n",
              16, "1}", P(".CDEL.slack.p90"), "p90 must be greater than median");
    expect_at(REGIMES "  multipliers:\n    CDEL: [1, 2]\n", 16, "[1", P(".CDEL"),
              "must be a number, a distribution, or a mapping by regime such as {slack: 1.5, "
              "normal: 0.6} (got a list)");
    expect_at(REGIMES "  multipliers:\n    CDEL: high\n", 16, "high", P(".CDEL"),
              "must be a number or a distribution such as");
    expect_at(REGIMES "  multipliers:\n    AME: 1\n", 16, "AME", P(".AME"),
              "unknown key 'AME'; allowed here: CDEL, RDEL, PDEL, profile");
    expect_at(REGIMES "  multipliers:\n    profile: [0.5, 0.3]\n", 16, "[0.5", P(".profile"),
              "must sum to 1 within 1e-9: the shares of the multiplier's effect falling in each "
              "year (got a sum of 0.8)");
    expect_at(REGIMES "  multipliers:\n    profile: [1.5, -0.5]\n", 16, "-0.5", P(".profile[1]"),
              "must be >= 0: a share of the multiplier's effect (got -0.5)");
    expect_at(REGIMES "  multipliers:\n    profile: []\n", 16, "[]", P(".profile"),
              "must be a non-empty list of non-negative shares");
    expect_at(REGIMES "  multipliers:\n    profile: [a]\n", 16, "a]", P(".profile[0]"),
              "must be a number (got a)");
    expect_at(REGIMES "  multipliers: 1\n", 15, "1", mu,
              "must be the multipliers block: a mapping with keys from CDEL, RDEL, PDEL, profile");
#undef P
}

static void test_economy_rest(void **state)
{
    (void)state;
    expect_at(REGIMES "  tax_take: 1.5\n", 15, "1.5", "economy.tax_take",
              "must be in [0, 1] (got 1.5)");
    expect_at(REGIMES "  gdp: {level: 0, growth: 0.01}\n", 15, "0,", "economy.gdp.level",
              "must be > 0: baseline GDP in model year 0, £m (got 0)");
    expect_at(REGIMES "  gdp: {growth: 0.01}\n", 15, "{growth", "economy.gdp.level",
              "missing required key 'level'");
    expect_at(REGIMES "  gdp: {level: 100, growth: -1}\n", 15, "-1", "economy.gdp.growth",
              "must be > -1: annual real growth of baseline GDP");
    expect_at(REGIMES "  gdp: {level: 100, grwth: 0.1}\n", 15, "grwth", "economy.gdp.grwth",
              "unknown key 'grwth'; allowed here: level, growth (did you mean 'growth'?)");
    expect_at(REGIMES "  debt: {ratio: -0.1}\n", 15, "-0.1", "economy.debt.ratio",
              "must be >= 0: the baseline debt-to-GDP ratio");
    expect_at(REGIMES "  debt: {ratio: 0.9, interest: -1.5}\n", 15, "-1.5", "economy.debt.interest",
              "must be > -1: the annual interest rate");
    expect_at(REGIMES "  crowding_in: lots\n", 15, "lots", "economy.crowding_in",
              "must be a number or a distribution such as");
    expect_at(REGIMES "  crowding_in: {dist: uniform, min: 1, max: 0}\n", 15, "0}",
              "economy.crowding_in.max", "uniform distribution: min must be less than max");
    expect_at(REGIMES "  tax_tak: 0.3\n", 15, "tax_tak", "economy.tax_tak",
              "unknown key 'tax_tak'; allowed here: regimes, multipliers, crowding_in, tax_take, "
              "gdp, debt (did you mean 'tax_take'?)");
    expect_at(MINIMAL "economy: 5\n", 10, "5", "economy",
              "must be the economy block: a mapping with keys from regimes, multipliers");
}

/* Twenty-four lines: projects with uncertain and fixed inputs, two
 * regimes, CDEL given per regime and RDEL once.  Items go on line 25. */
#define CORR                                                                                 \
    "mpsim: 1\nname: t\nbase_year: 2025\nmissions:\n  - id: m\n    projects:\n"              \
    "      - id: p\n        category: CDEL\n"                                                \
    "        cost: {profile: [10], overrun: {dist: lognormal, median: 1.1, p90: 1.8}}\n"     \
    "        delay: {dist: poisson, mean: 0.5}\n"                                            \
    "        benefits: {annual: {dist: normal, mean: 5, sd: 1}}\n"                           \
    "      - id: q\n        category: RDEL\n        cost: {profile: [10]}\n"                 \
    "        benefits: {annual: 3}\n"                                                        \
    "  - id: n\n    projects: [{id: r, category: PDEL, cost: {profile: [1]}}]\n"             \
    "economy:\n"                                                                             \
    "  regimes: {names: [slack, normal], initial: [0.5, 0.5], transition: [[0.5, 0.5], "     \
    "[0.5, 0.5]]}\n"                                                                         \
    "  multipliers:\n"                                                                       \
    "    CDEL: {slack: {dist: lognormal, median: 1.5, p90: 2.2}, normal: 0.6}\n"             \
    "    RDEL: {dist: normal, mean: 0.6, sd: 0.2}\n"                                         \
    "  crowding_in: {dist: uniform, min: 0, max: 0.4}\n"                                     \
    "correlations:\n"
#define OV "missions.m.projects.p.cost.overrun"
#define DL "missions.m.projects.p.delay"
#define BN "missions.m.projects.p.benefits.annual"

/* CORR with one item {a, b, rho} on line 25, into buf. */
static const char *corr1(char *buf, size_t size, const char *a, const char *b, const char *rho)
{
    snprintf(buf, size, CORR "  - {a: %s, b: %s, rho: %s}\n", a, b, rho);
    return buf;
}

/* Expects the error at `a` of the single item a, b = OV. */
static void expect_a(const char *a, const char *msg)
{
    char text[4096];
    expect_at(corr1(text, sizeof text, a, OV, "0.3"), 25, a, "correlations[0].a", msg);
}

static void test_correlation_inputs(void **state)
{
    (void)state;
    const char *list = "; correlatable inputs are a project's cost.overrun, delay, "
                       "benefits.annual and prevention.effect";
    char msg[512];
#define WITH_LIST(m) (snprintf(msg, sizeof msg, "%s%s", m, list), msg)
    expect_a("missions.m.projects.q.cost.overrun",
             WITH_LIST("cost.overrun of project q is a fixed number, not an uncertain input (a "
                       "plain number, dist: fixed, or the default)"));
    expect_a("missions.m.projects.q.delay", "delay of project q is a fixed number");
    expect_a("missions.m.projects.q.benefits.annual",
             "benefits.annual of project q is a fixed number, not an uncertain input");
    expect_a("missions.n.projects.r.benefits.annual",
             WITH_LIST("project r has no benefits, so benefits.annual is not an uncertain input"));
    expect_a("missions.m.projects.zz.delay",
             "names an unknown project 'zz' (nearest project ids: p, q, r)");
    expect_a("missions.n.projects.p.delay",
             "project p belongs to mission m, not n; write missions.m.projects.p.delay");
    expect_a("missions.x.projects.p.delay", "names an unknown mission 'x'");
    expect_a("missions.m.projects.p.prevention.effect",
             WITH_LIST("project p has no prevention, so prevention.effect is not an uncertain "
                       "input"));
    expect_a("missions.m.projects.p.spillovers.value",
             "spillovers.value is drawn afresh for each discovery, so it cannot be correlated");
    expect_a("missions.m.projects.p.cost.profile",
             WITH_LIST("'cost.profile' is not a correlatable input of project p"));
    expect_a("foo.bar", WITH_LIST("'foo.bar' is not a correlatable input"));
    expect_a("missions.m.p", "'missions.m.p' is not a correlatable input");
    expect_a("'missions[0].projects[0].delay'", "is not a correlatable input");
    expect_a("economy.multipliers.CDEL",
             "economy.multipliers.CDEL is given per regime; name one regime, e.g. "
             "economy.multipliers.CDEL.slack (the regimes are slack, normal)");
    expect_a("economy.multipliers.RDEL.slack",
             "economy.multipliers.RDEL is given once for every regime; write "
             "economy.multipliers.RDEL without a regime");
    expect_a("economy.multipliers.CDEL.normal",
             WITH_LIST("economy.multipliers.CDEL.normal is a fixed number, not an uncertain "
                       "input (a plain number or dist: fixed)"));
    expect_a("economy.multipliers.CDEL.boom", "unknown regime 'boom'; the regimes are slack, normal");
    expect_a("economy.multipliers.PDEL",
             "economy.multipliers.PDEL is not given, so PDEL spend uses RDEL's multiplier draws: "
             "correlate economy.multipliers.RDEL instead");
    expect_a("economy.multipliers.AME",
             "unknown budget category 'AME'; economy.multipliers has CDEL, RDEL and PDEL");
    expect_a("economy.multipliers.profile",
             WITH_LIST("economy.multipliers.profile is a list of plain numbers, not an uncertain "
                       "input"));
    expect_a("economy.gdp", "'economy.gdp' is not a correlatable input");
    expect_a("[x]", "must be the key path of an uncertain input, e.g. "
                    "missions.<mission>.projects.<project>.benefits.annual (got a list)");
    /* Inputs that exist but are not uncertain, and the economy absent. */
    const char *t = MINIMAL "economy: {tax_take: 0.1}\ncorrelations: [{a: economy.multipliers.CDEL, "
                            "b: economy.crowding_in, rho: 0.1}]\n";
    expect_at(t, 11, "economy.multipliers.CDEL", "correlations[0].a",
              WITH_LIST("economy.multipliers.CDEL is not given (its multiplier is 0), so it is not "
                        "an uncertain input"));
    expect_at(t, 11, "economy.crowding_in", "correlations[0].b",
              WITH_LIST("economy.crowding_in is a fixed number, not an uncertain input (a plain "
                        "number, dist: fixed, or the default 0)"));
    expect_at(MINIMAL "correlations: [{a: economy.crowding_in, b: " PROJECT ".delay, rho: 0.5}]\n",
              10, "economy.crowding_in", "correlations[0].a",
              "the scenario has no economy block, so 'economy.crowding_in' names nothing");
#undef WITH_LIST
}

static void test_correlation_items(void **state)
{
    (void)state;
    char text[4096];
    expect_at(corr1(text, sizeof text, OV, DL, "1.2"), 25, "1.2", "correlations[0].rho",
              "must be in [-1, 1]: the correlation of the two inputs' normal scores (got 1.2)");
    expect_at(corr1(text, sizeof text, OV, DL, "1"), 25, "1}", "correlations[0].rho",
              "|rho| = 1 makes the matrix singular; use e.g. 0.99 (got 1)");
    expect_at(corr1(text, sizeof text, OV, DL, "-1.0"), 25, "-1.0", "correlations[0].rho",
              "|rho| = 1 makes the matrix singular; use e.g. -0.99 (got -1.0)");
    expect_at(corr1(text, sizeof text, OV, DL, "high"), 25, "high", "correlations[0].rho",
              "must be a number (got high)");
    /* b written quoted, so the marker finds it and not a. */
    expect_at(corr1(text, sizeof text, OV, "'" OV "'", "0.5"), 25, "'", "correlations[0].b",
              "a and b name the same input (" OV "); a correlation joins two different inputs");
    expect_at(CORR "  - {a: " OV ", b: " DL "}\n", 25, "{a", "correlations[0].rho",
              "missing required key 'rho' (the correlation, in (-1, 1))");
    expect_at(CORR "  - {b: " DL ", rho: 0.1}\n", 25, "{b", "correlations[0].a",
              "missing required key 'a'");
    expect_at(CORR "  - {a: " OV ", b: " DL ", r: 0.3}\n", 25, "r:", "correlations[0].r",
              "unknown key 'r'; allowed here: a, b, rho");
    expect_at(CORR "  {a: " OV ", b: " DL ", rho: 0.3}\n", 25, "{a", "correlations",
              "must be a list of correlations such as [{a: KEY_PATH, b: KEY_PATH, rho: 0.4}] "
              "(got a mapping)");
    /* A pair is the same whichever way round it is written. */
    expect_at(CORR "  - {a: " OV ", b: " DL ", rho: 0.3}\n  - {a: " DL ", b: " OV ", rho: 0.2}\n",
              26, "{a", "correlations[1]",
              "the pair " OV ", " DL " is listed twice (first at line 25); give each pair once");
}

static void test_correlation_matrix(void **state)
{
    (void)state;
    /* R = [[1, .9, -.9], [.9, 1, .9], [-.9, .9, 1]] has determinant
     * 1 + 2(.9)(.9)(-.9) - 3(.81) < 0: no joint distribution has it. */
    const char *triple = "  - {a: " OV ", b: " DL ", rho: 0.9}\n  - {a: " DL ", b: " BN
                         ", rho: 0.9}\n  - {a: " OV ", b: " BN ", rho: -0.9}\n";
    char text[4096];
    snprintf(text, sizeof text, CORR "%s", triple);
    expect_at(text, 24, "correlations", "correlations",
              "the correlations among " OV ", " DL " and " BN " are not consistent (the matrix is "
              "not positive definite)");
    /* Inputs correlated only among themselves before the failing block are
     * not blamed: the message names the three, not crowding_in or RDEL. */
    snprintf(text, sizeof text, CORR "  - {a: economy.crowding_in, b: economy.multipliers.RDEL, "
                                     "rho: 0.5}\n%s", triple);
    expect_at(text, 24, "correlations", "correlations",
              "the correlations among " OV ", " DL " and " BN " are not consistent");
    /* The same three with a consistent sign load (a positive definite
     * matrix), so the refusal above is about the values. */
    snprintf(text, sizeof text, CORR "  - {a: " OV ", b: " DL ", rho: 0.9}\n  - {a: " DL ", b: " BN
                                     ", rho: 0.9}\n  - {a: " OV ", b: " BN ", rho: 0.81}\n");
    mpsim_scenario *s = mps_test_load(text);
    assert_int_equal(s->correlations.n, 3);
    mpsim_scenario_free(s);
    /* A pair so close to |rho| = 1 that the factor would be meaningless. */
    expect_at(corr1(text, sizeof text, OV, DL, "0.99999999999999"), 24, "correlations",
              "correlations", "the correlations among " OV " and " DL " are not consistent");
}

/* More than 1000 correlated inputs are refused at the item that adds the
 * 1001st: 501 projects, each correlating its overrun with its delay. */
static void test_correlation_limit(void **state)
{
    (void)state;
    size_t cap = 1 << 18, used;
    char *text = malloc(cap);
    assert_non_null(text);
    used = (size_t)snprintf(text, cap, "mpsim: 1\nname: t\nbase_year: 2025\nmissions:\n"
                                       "  - id: m\n    projects:\n");
    for (int i = 0; i < 501; i++)
        used += (size_t)snprintf(text + used, cap - used,
                                 "      - {id: p%d, category: CDEL, delay: {dist: poisson, mean: "
                                 "1}, cost: {profile: [1], overrun: {dist: uniform, min: 1, max: "
                                 "2}}}\n", i);
    used += (size_t)snprintf(text + used, cap - used, "correlations:\n");
    for (int i = 0; i < 501; i++)
        used += (size_t)snprintf(text + used, cap - used,
                                 "  - {a: missions.m.projects.p%d.cost.overrun, "
                                 "b: missions.m.projects.p%d.delay, rho: 0.1}\n", i, i);
    assert_true(used < cap);
    mpsim_errors e = mps_test_load_bad(text);
    assert_int_equal(e.count, 1);
    assert_true(mps_test_errors_have(&e, "correlations[500].a",
                                     "more than 1000 inputs are correlated; at most 1000 are "
                                     "allowed"));
    assert_int_equal(e.items[0].line, 6 + 501 + 1 + 501);
    mpsim_errors_clear(&e);
    free(text);
}

/* Errors in links, the economy and correlations are all collected, in
 * file order. */
static void test_all_collected(void **state)
{
    (void)state;
    char text[4096];
    snprintf(text, sizeof text, CORR "  - {a: " OV ", b: " DL ", rho: 2}\n"
                                     "links: [{from: p, to: nobody}]\n");
    mpsim_errors e = mps_test_load_bad(text);
    assert_int_equal(e.count, 2);
    assert_string_equal(e.items[0].key_path, "correlations[0].rho");
    assert_string_equal(e.items[1].key_path, "links[0].to");
    mpsim_errors_clear(&e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_links),
        cmocka_unit_test(test_spillovers),
        cmocka_unit_test(test_regimes),
        cmocka_unit_test(test_multipliers),
        cmocka_unit_test(test_economy_rest),
        cmocka_unit_test(test_correlation_inputs),
        cmocka_unit_test(test_correlation_items),
        cmocka_unit_test(test_correlation_matrix),
        cmocka_unit_test(test_correlation_limit),
        cmocka_unit_test(test_all_collected),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
