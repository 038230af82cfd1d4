/*
 * Help, usage and version text.  Help goes to stdout (it was asked for);
 * the short usage after a mistake goes to stderr.
 */
#include "build_info.h"
#include "cli/cli.h"

static const char program_help[] =
    "mpsim: Monte Carlo appraisal of portfolios of public mission programmes.\n"
    "\n"
    "Sets the HM Treasury Green Book static benefit-cost ratio beside the\n"
    "distribution of outcomes once gates, overruns, delays and political churn\n"
    "are simulated.\n"
    "\n"
    "usage:\n"
    "  mpsim run [SCENARIO.yaml ...] [-o FILE.h5] [--paths N] [--seed S]\n"
    "            [--threads T] [--max-memory SIZE] [--keep-paths] [--exact-quantiles]\n"
    "            [--target-se X] [--antithetic] [--checkpoint] [--resume]\n"
    "            [--compression none|LEVEL] [--json] [--quiet]\n"
    "  mpsim sweep SWEEP.yaml [-o FILE.h5] [--paths N] [--seed S] [--threads T]\n"
    "              [--shard I/N] [--resume] [--json] [--quiet]\n"
    "  mpsim merge SHARD.h5 ... -o FILE.h5 [--quiet]\n"
    "  mpsim sensitivity SCENARIO.yaml ... [--inputs KEYPATH,...] [--outputs NAME,...]\n"
    "              [--samples N] [--seed S] [--threads T] [-o FILE.h5] [--json]\n"
    "  mpsim report RESULTS.h5 [-o REPORT.html]\n"
    "  mpsim export RESULTS.h5 [--csv DIR] [--xlsx FILE.xlsx]\n"
    "  mpsim static SCENARIO.yaml ... [--json]\n"
    "  mpsim validate SCENARIO.yaml ... [--json | --resolved]\n"
    "  mpsim show RESULTS.h5 [--json]\n"
    "  mpsim --version | --help | COMMAND --help\n"
    "\n"
    "commands:\n"
    "  run       simulate the scenarios (the shipped policy batch when none is\n"
    "            given), write an HDF5 results file and print a summary\n"
    "  static    the deterministic Green Book appraisal only\n"
    "  validate  check scenario files; silent when they are good\n"
    "  show      summarise an existing results file\n"
    "  sweep     run a scenario over a design of parameter values (grid, Latin\n"
    "            hypercube or Sobol points), resumable, optionally in shards\n"
    "  merge     combine the shard files of a sweep into one file\n"
    "  report    write a self-contained HTML report (charts and tables) of a\n"
    "            results file\n"
    "  export    write a results file's tables as CSV files or an Excel workbook\n"
    "  sensitivity  Sobol' indices, tornado, switching values and (for a batch)\n"
    "            the value of information of the scenarios' uncertain inputs\n"
    "\n"
    "exit status: 0 success; 2 bad input or usage (nothing written); 1 any other\n"
    "failure; 130 / 143 / 138 when stopped by SIGINT / SIGTERM / SIGUSR1 (nothing\n"
    "written, unless the run keeps progress for --resume: then it says so).\n";

static const char run_help[] =
    "usage: mpsim run [SCENARIO.yaml ...] [options]\n"
    "\n"
    "Simulates every scenario over the same paths (common random numbers),\n"
    "writes the results file, then prints a table per scenario and the\n"
    "comparison of each later scenario with the first.\n"
    "\n"
    "Without a scenario it runs the shipped policy batch, scenarios/policy/:\n"
    "the demonstration portfolio (scenarios/demo.yaml) under stop-go funding\n"
    "(baseline.yaml, the baseline), with preventative spend ringfenced\n"
    "(pdel-ringfenced.yaml), with long-term commitment (long-term.yaml) and\n"
    "with adaptive management (adaptive.yaml); the results go to\n"
    "results/baseline.h5.  docs/policy-scenarios.md explains the batch.\n"
    "\n"
    "options:\n"
    "  -o, --output FILE  results file (default results/<first scenario name>.h5;\n"
    "                     results/ is created when missing)\n"
    "  --paths N          Monte Carlo paths, a whole number >= 1\n"
    "                     (default: the first scenario's simulation.paths)\n"
    "  --seed S           seed, 0 .. 18446744073709551615\n"
    "                     (default: the first scenario's simulation.seed)\n"
    "  --threads T        OpenMP threads, 1 .. 65536 (default: OpenMP's choice);\n"
    "                     results do not depend on it\n"
    "  --max-memory SIZE  refuse (exit 2, before simulating) a run estimated to\n"
    "                     need more memory than SIZE: bytes, or with K, M, G, T\n"
    "                     (500M, 2G; binary units); 0 = no limit.  Default: 75%\n"
    "                     of physical memory or of the cgroup limit, if lower\n"
    "  --keep-paths       also store every path's metrics in the results file,\n"
    "                     written while the run computes\n"
    "  --compression C    deflate level of the kept paths, 0-9, or none (default 1)\n"
    "  --exact-quantiles  keep every path's metrics for exact quantiles however\n"
    "                     many paths (default: exact up to 1,000,000 paths, then\n"
    "                     streamed within 0.2%; memory then stays flat)\n"
    "  --target-se X      stop once the mean NPV of every scenario has a relative\n"
    "                     standard error of at most X (e.g. 0.01), checked every\n"
    "                     16384 paths; --paths is then the cap\n"
    "  --antithetic       run paths in mirrored pairs (antithetic variates);\n"
    "                     needs an even number of paths\n"
    "  --checkpoint       record progress durably as the run goes (FILE.ckpt next\n"
    "                     to the results file), so that a stopped run can resume\n"
    "  --resume           continue a run started with --checkpoint; the results\n"
    "                     are bit-identical to an uninterrupted run's\n"
    "  --json             print the JSON summary instead of the table\n"
    "  -q, --quiet        no progress bar and no notes on stderr\n"
    "  -h, --help         this help\n"
    "\n"
    "The results file is written under a temporary name and renamed into place\n"
    "when complete.  Ctrl-C stops the run cleanly (exit 130, nothing written);\n"
    "a second Ctrl-C stops at once.\n";

static const char sweep_help[] =
    "usage: mpsim sweep SWEEP.yaml [options]\n"
    "\n"
    "Runs the sweep's base scenario once per point of its design (grid, lhs or\n"
    "sobol), every point on the same paths (common random numbers), and writes\n"
    "one HDF5 file with the points and each point's summary.  Completed points\n"
    "are recorded as they finish, so a stopped sweep resumes with --resume.\n"
    "docs/sweeps.md describes sweep files; docs/hpc.md running them on clusters.\n"
    "\n"
    "options:\n"
    "  -o, --output FILE  sweep file to write (default results/<sweep name>.h5)\n"
    "  --paths N          paths per point (default: the sweep's `paths`, else the\n"
    "                     base scenario's simulation.paths)\n"
    "  --seed S           seed of every point (default: the base scenario's)\n"
    "  --threads T        OpenMP threads; results do not depend on it\n"
    "  --max-memory SIZE  as for run, per point\n"
    "  --shard I/N        run only the I-th of N shares of the points (for job\n"
    "                     arrays); combine the shard files with `mpsim merge`\n"
    "  --resume           continue a stopped sweep from its recorded points\n"
    "  --json             print a JSON summary of the points\n"
    "  -q, --quiet        no progress on stderr\n"
    "  -h, --help         this help\n";

static const char merge_help[] =
    "usage: mpsim merge SHARD.h5 ... -o FILE.h5\n"
    "\n"
    "Combines the shard files of one sweep (written with --shard I/N) into the\n"
    "file the unsharded sweep writes, bit for bit.  Refuses shards of different\n"
    "sweeps, and shards that miss or repeat points.\n"
    "\n"
    "options:\n"
    "  -o, --output FILE  the merged file (required)\n"
    "  -q, --quiet        no notes on stderr\n"
    "  -h, --help         this help\n";

static const char report_help[] =
    "usage: mpsim report RESULTS.h5 [-o REPORT.html]\n"
    "\n"
    "Writes one self-contained HTML file (inline SVG charts and CSS; nothing\n"
    "fetched from the network) showing, for every scenario of the results\n"
    "file, the distribution of outcomes beside the static Green Book figures,\n"
    "fan charts by year, the value decomposition and, for a batch, the\n"
    "comparisons.  Open it in a browser; print it to PDF from there.\n"
    "\n"
    "Given a file written by `mpsim sensitivity`, the page shows instead the\n"
    "tornado, the Sobol' indices, the switching values and, for a batch, the\n"
    "value of information.\n"
    "\n"
    "options:\n"
    "  -o, --output FILE  the report (default: the input file's name with .html)\n"
    "  -q, --quiet        no notes on stderr\n"
    "  -h, --help         this help\n";

static const char export_help[] =
    "usage: mpsim export RESULTS.h5 [--csv DIR] [--xlsx FILE.xlsx]\n"
    "\n"
    "Writes the tables of a results file (summary, metrics, missions, projects,\n"
    "kinds, comparisons, time series, histograms) as tidy CSV files with a\n"
    "header row (columns.csv gives every column's units and meaning), or as\n"
    "one Excel workbook with a sheet per table (rows of names and units,\n"
    "frozen; number formats by unit).  Numbers keep their full precision.\n"
    "\n"
    "options:\n"
    "  --csv DIR    write one CSV file per table into DIR (created when missing)\n"
    "  --xlsx FILE  write one workbook\n"
    "  -q, --quiet  no notes on stderr\n"
    "  -h, --help   this help\n";

static const char static_help[] =
    "usage: mpsim static SCENARIO.yaml ... [--json]\n"
    "\n"
    "Prints the deterministic Green Book appraisal of each scenario: every\n"
    "uncertain input at its central value, optimism bias instead of overrun,\n"
    "no delay, every gate passed, no churn.  Writes no file.\n"
    "\n"
    "options:\n"
    "  --json      print the JSON summary (only the `static` block of each scenario)\n"
    "  -h, --help  this help\n";

static const char validate_help[] =
    "usage: mpsim validate SCENARIO.yaml ... [--json | --resolved]\n"
    "\n"
    "Loads every file and applies the batch rules (unique names; paths and\n"
    "seed agreeing).  Prints nothing and exits 0 when all is well; otherwise\n"
    "prints every error as file:line:column: key.path: message on stderr and\n"
    "exits 2.\n"
    "\n"
    "options:\n"
    "  --json      print {\"ok\": ..., \"errors\": [...]} on stdout in both cases\n"
    "  --resolved  when all is well, print each scenario as YAML after `extends`\n"
    "              merging (comments are not kept; it loads as the same\n"
    "              scenario); with several files, each starts with '--- # FILE'\n"
    "  -h, --help  this help\n";

static const char show_help[] =
    "usage: mpsim show RESULTS.h5 [--json]\n"
    "\n"
    "Prints the summary stored in a results file written by `mpsim run`: the\n"
    "same table (or with --json, the same document) that the run printed.\n"
    "\n"
    "options:\n"
    "  --json      print the JSON summary instead of the table\n"
    "  -h, --help  this help\n";

static const char sensitivity_help[] =
    "usage: mpsim sensitivity SCENARIO.yaml [SCENARIO.yaml ...] [options]\n"
    "\n"
    "Global and one-way sensitivity of each scenario to its uncertain inputs\n"
    "(docs/sensitivity.md): first-order and total Sobol' indices with bootstrap\n"
    "errors for NPV, PVB, PVC, P(mission achieved) and, per year, net benefit and\n"
    "the mission indicators; a tornado (E[NPV] with each input at its P10 and\n"
    "P90); switching values (where the static NPV and the expected NPV cross 0).\n"
    "With several scenarios (alternatives): EVPI and each input's EVPPI, in £m.\n"
    "One evaluation is one path; the randomness outside the studied inputs is\n"
    "shared by a sample's rows and shows up as 1 - sum of first-order indices.\n"
    "Correlated inputs are studied through their independent normal scores.\n"
    "Cost: N (k + 2) paths for the indices, about 32 N k more for the rest.\n"
    "\n"
    "options:\n"
    "  --inputs K1,K2,... key paths of the inputs to study, as in `correlations`\n"
    "                     (default: every uncertain input)\n"
    "  --outputs O1,...   metrics (npv, bcr, pv_benefits, pvc, ...), p_achieved,\n"
    "                     achieved:<mission>, series (net_benefit, missions,\n"
    "                     mission_<id>, ...); default npv,pv_benefits,pvc,\n"
    "                     p_achieved,net_benefit,missions\n"
    "  --samples N        base samples, at least 64 (default 2048)\n"
    "  --seed S           seed (default: the first scenario's simulation.seed)\n"
    "  --threads T        OpenMP threads; results do not depend on it\n"
    "  -o, --output FILE  sensitivity file (default\n"
    "                     results/<first scenario name>-sensitivity.h5)\n"
    "  --json             print one JSON document instead of the tables\n"
    "  -q, --quiet        no message saying where the file went\n"
    "  -h, --help         this help\n";

void mps_cli_print_help(mps_cli_command cmd, FILE *out)
{
    switch (cmd) {
    case MPS_CMD_RUN:
        fputs(run_help, out);
        break;
    case MPS_CMD_STATIC:
        fputs(static_help, out);
        break;
    case MPS_CMD_VALIDATE:
        fputs(validate_help, out);
        break;
    case MPS_CMD_SHOW:
        fputs(show_help, out);
        break;
    case MPS_CMD_SWEEP:
        fputs(sweep_help, out);
        break;
    case MPS_CMD_MERGE:
        fputs(merge_help, out);
        break;
    case MPS_CMD_REPORT:
        fputs(report_help, out);
        break;
    case MPS_CMD_EXPORT:
        fputs(export_help, out);
        break;
    case MPS_CMD_SENSITIVITY:
        fputs(sensitivity_help, out);
        break;
    default:
        fputs(program_help, out);
        break;
    }
}

void mps_cli_print_usage(mps_cli_command cmd, FILE *out)
{
    switch (cmd) {
    case MPS_CMD_RUN:
        fputs("usage: mpsim run [SCENARIO.yaml ...] [-o FILE.h5] [--paths N] [--seed S]\n"
              "                 [--threads T] [--max-memory SIZE] [--keep-paths]\n"
              "                 [--exact-quantiles] [--target-se X] [--antithetic]\n"
              "                 [--checkpoint] [--resume] [--compression C] [--json] [--quiet]\n"
              "(see 'mpsim run --help')\n",
              out);
        break;
    case MPS_CMD_STATIC:
        fputs("usage: mpsim static SCENARIO.yaml ... [--json]\n(see 'mpsim static --help')\n", out);
        break;
    case MPS_CMD_VALIDATE:
        fputs("usage: mpsim validate SCENARIO.yaml ... [--json | --resolved]\n"
              "(see 'mpsim validate --help')\n",
              out);
        break;
    case MPS_CMD_SHOW:
        fputs("usage: mpsim show RESULTS.h5 [--json]\n(see 'mpsim show --help')\n", out);
        break;
    case MPS_CMD_SWEEP:
        fputs("usage: mpsim sweep SWEEP.yaml [-o FILE.h5] [--paths N] [--seed S] [--threads T]\n"
              "                   [--shard I/N] [--resume] [--json] [--quiet]\n"
              "(see 'mpsim sweep --help')\n",
              out);
        break;
    case MPS_CMD_MERGE:
        fputs("usage: mpsim merge SHARD.h5 ... -o FILE.h5\n(see 'mpsim merge --help')\n", out);
        break;
    case MPS_CMD_REPORT:
        fputs("usage: mpsim report RESULTS.h5 [-o REPORT.html]\n(see 'mpsim report --help')\n", out);
        break;
    case MPS_CMD_EXPORT:
        fputs("usage: mpsim export RESULTS.h5 [--csv DIR] [--xlsx FILE.xlsx]\n"
              "(see 'mpsim export --help')\n",
              out);
        break;
    case MPS_CMD_SENSITIVITY:
        fputs("usage: mpsim sensitivity SCENARIO.yaml ... [--inputs K,...] [--outputs O,...]\n"
              "                         [--samples N] [--seed S] [--threads T] [-o FILE.h5]\n"
              "                         [--json] [--quiet]\n"
              "(see 'mpsim sensitivity --help')\n",
              out);
        break;
    default:
        fputs("usage: mpsim run|static|validate|show|sweep|merge|report|export|sensitivity ...\n"
              "       | --version | --help\n"
              "(see 'mpsim --help')\n",
              out);
        break;
    }
}

void mps_cli_print_version(FILE *out)
{
    fprintf(out, "mpsim %s\n", MPSIM_VERSION_STRING);
    fprintf(out, "results and summary format version %d\n", MPSIM_FORMAT_VERSION);
    fprintf(out, "built from revision %s with %s\n", MPS_GIT_REVISION, MPS_COMPILER);
}
