/*
 * A program that uses libmpsim as an outside user would: only the
 * installed <mpsim.h>, linked against the installed library (tests/cli/
 * install.sh builds it with pkg-config and with CMake's find_package).
 * It loads a small scenario from a string, runs 1000 paths and prints the
 * mean NPV (£m) with 17 significant digits, enough to tell doubles apart,
 * so the test can check it against `mpsim run --json` bit for bit.
 *
 *   consumer          prints the mean NPV
 *   consumer --yaml   prints the scenario, for the in-tree `mpsim run`
 */
#include <stdio.h>
#include <string.h>

#include <mpsim.h>

/* Two uncertain projects (overrun, delay, a gate, uncertain benefits):
 * enough that the mean NPV depends on every path.  Numbers illustrative. */
static const char scenario_yaml[] =
    "mpsim: 1\n"
    "name: consumer\n"
    "description: Two risky projects, for the installed-library test.\n"
    "base_year: 2025\n"
    "horizon: 30\n"
    "simulation:\n"
    "  paths: 1000\n"
    "  seed: 20251128\n"
    "missions:\n"
    "  - id: clean-industry\n"
    "    name: Clean industry\n"
    "    target: {value: 1.5, by: 2040}\n"
    "    projects:\n"
    "      - id: capture-pilot\n"
    "        kind: strategic\n"
    "        category: CDEL\n"
    "        start: 2025\n"
    "        cost:\n"
    "          profile: [40, 80, 40]\n"
    "          overrun: {dist: lognormal, median: 1.1, p90: 1.6}\n"
    "          optimism_bias: 0.66\n"
    "        delay: {dist: poisson, mean: 1}\n"
    "        stages: [{after: 2, p: 0.7}]\n"
    "        benefits:\n"
    "          annual: {dist: lognormal, median: 40, p90: 90}\n"
    "          ramp: 2\n"
    "          duration: 20\n"
    "        outcome: 1\n"
    "      - id: efficiency-grants\n"
    "        kind: tactical\n"
    "        category: RDEL\n"
    "        start: 2026\n"
    "        cost:\n"
    "          profile: [20, 20]\n"
    "          overrun: {dist: triangular, min: 0.95, mode: 1.0, max: 1.4}\n"
    "          optimism_bias: 0.24\n"
    "        benefits:\n"
    "          annual: {dist: normal, mean: 8, sd: 2}\n"
    "          duration: 10\n"
    "        outcome: 0.5\n";

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--yaml") == 0) {
        fputs(scenario_yaml, stdout);
        return 0;
    }

    mpsim_errors errs;
    mpsim_errors_init(&errs);
    mpsim_scenario *s = NULL;
    mpsim_results *r = NULL;
    int rc = mpsim_scenario_load_buffer(scenario_yaml, strlen(scenario_yaml), "consumer.yaml",
                                        &s, &errs);
    if (rc == MPSIM_OK)
        rc = mpsim_batch_check(&s, 1, NULL, &errs);
    if (rc == MPSIM_OK) {
        mpsim_run_options opt;
        memset(&opt, 0, sizeof opt);
        opt.paths = 1000;
        opt.paths_set = 1;
        opt.seed = 20251128;
        opt.seed_set = 1;
        rc = mpsim_run(&s, 1, &opt, &r, &errs);
    }
    if (rc == MPSIM_OK)
        printf("%.17g\n", r->scenarios[0].stats[MPSIM_M_NPV][MPSIM_STAT_MEAN]);
    else
        mpsim_errors_print(&errs, stderr);

    mpsim_results_free(r);
    mpsim_scenario_free(s);
    mpsim_errors_clear(&errs);
    return rc;
}
