/*
 * Command-line options: one table says which option each command takes and
 * what its value may be; numbers are checked strictly, because a run of
 * "--paths 1e5" silently taken as 1 path would look like a result.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

/* Threads above this are almost certainly a typo; OpenMP would try. */
#define MPS_CLI_MAX_THREADS 65536

typedef enum {
    OPT_OUTPUT,
    OPT_PATHS,
    OPT_SEED,
    OPT_THREADS,
    OPT_MAX_MEMORY,
    OPT_KEEP_PATHS,
    OPT_JSON,
    OPT_QUIET,
    OPT_RESOLVED,
    OPT_EXACT_QUANTILES,
    OPT_TARGET_SE,
    OPT_ANTITHETIC,
    OPT_CHECKPOINT,
    OPT_RESUME,
    OPT_SHARD,
    OPT_COMPRESSION,
    OPT_CSV,
    OPT_XLSX,
    OPT_INPUTS,
    OPT_OUTPUTS,
    OPT_SAMPLES,
    OPT_HELP
} opt_id;

typedef struct {
    const char *long_name; /* without the leading "--" */
    char short_name;       /* 0 when none */
    int takes_value;
    unsigned commands; /* mps_cli_command bits where it is allowed */
    opt_id id;
} opt_spec;

#define ALL_COMMANDS                                                                           \
    (MPS_CMD_RUN | MPS_CMD_STATIC | MPS_CMD_VALIDATE | MPS_CMD_SHOW | MPS_CMD_SWEEP |            \
     MPS_CMD_MERGE | MPS_CMD_REPORT | MPS_CMD_EXPORT | MPS_CMD_SENSITIVITY)
#define RUNS (MPS_CMD_RUN | MPS_CMD_SWEEP)
#define SENS MPS_CMD_SENSITIVITY

static const opt_spec opt_table[] = {
    {"output", 'o', 1, RUNS | MPS_CMD_MERGE | MPS_CMD_REPORT | SENS, OPT_OUTPUT},
    {"paths", 0, 1, RUNS, OPT_PATHS},
    {"seed", 0, 1, RUNS | SENS, OPT_SEED},
    {"threads", 0, 1, RUNS | SENS, OPT_THREADS},
    {"max-memory", 0, 1, RUNS, OPT_MAX_MEMORY},
    {"keep-paths", 0, 0, MPS_CMD_RUN, OPT_KEEP_PATHS},
    {"exact-quantiles", 0, 0, MPS_CMD_RUN, OPT_EXACT_QUANTILES},
    {"target-se", 0, 1, MPS_CMD_RUN, OPT_TARGET_SE},
    {"antithetic", 0, 0, MPS_CMD_RUN, OPT_ANTITHETIC},
    {"checkpoint", 0, 0, MPS_CMD_RUN, OPT_CHECKPOINT},
    {"resume", 0, 0, RUNS, OPT_RESUME},
    {"shard", 0, 1, MPS_CMD_SWEEP, OPT_SHARD},
    {"compression", 0, 1, MPS_CMD_RUN, OPT_COMPRESSION},
    {"csv", 0, 1, MPS_CMD_EXPORT, OPT_CSV},
    {"xlsx", 0, 1, MPS_CMD_EXPORT, OPT_XLSX},
    {"inputs", 0, 1, SENS, OPT_INPUTS},
    {"outputs", 0, 1, SENS, OPT_OUTPUTS},
    {"samples", 0, 1, SENS, OPT_SAMPLES},
    {"json", 0, 0, ALL_COMMANDS, OPT_JSON},
    {"quiet", 'q', 0, RUNS | MPS_CMD_MERGE | MPS_CMD_REPORT | MPS_CMD_EXPORT | SENS, OPT_QUIET},
    {"resolved", 0, 0, MPS_CMD_VALIDATE, OPT_RESOLVED},
    {"help", 'h', 0, ALL_COMMANDS, OPT_HELP},
};
#define N_OPTS (sizeof opt_table / sizeof opt_table[0])

static const struct {
    const char *name;
    mps_cli_command cmd;
} command_names[] = {
    {"run", MPS_CMD_RUN},
    {"static", MPS_CMD_STATIC},
    {"validate", MPS_CMD_VALIDATE},
    {"show", MPS_CMD_SHOW},
    {"sweep", MPS_CMD_SWEEP},
    {"merge", MPS_CMD_MERGE},
    {"report", MPS_CMD_REPORT},
    {"export", MPS_CMD_EXPORT},
    {"sensitivity", MPS_CMD_SENSITIVITY},
};

mps_cli_command mps_cli_command_from_name(const char *name)
{
    for (size_t i = 0; i < sizeof command_names / sizeof command_names[0]; i++)
        if (strcmp(name, command_names[i].name) == 0)
            return command_names[i].cmd;
    return (mps_cli_command)0;
}

/* Decimal digits only: no sign, no exponent, no spaces, no hex; a value
 * that does not fit in 64 bits is refused rather than wrapped. */
static int parse_u64(const char *s, uint64_t *out)
{
    if (s == NULL || *s == '\0')
        return -1;
    uint64_t v = 0;
    for (const char *c = s; *c; c++) {
        if (*c < '0' || *c > '9')
            return -1;
        unsigned d = (unsigned)(*c - '0');
        if (v > (UINT64_MAX - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

static int usage_error(const mps_cli_options *o, FILE *err, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Prints "mpsim COMMAND: message" and the command's short usage; returns the
 * usage exit status so callers can `return usage_error(...)`. */
static int usage_error(const mps_cli_options *o, FILE *err, const char *fmt, ...)
{
    va_list ap;
    fprintf(err, "mpsim %s: ", o->command_name);
    va_start(ap, fmt);
    vfprintf(err, fmt, ap);
    va_end(ap);
    fputc('\n', err);
    mps_cli_print_usage(o->command, err);
    return MPS_EXIT_USAGE;
}

/* Applies one option with its value (NULL for flags). */
static int apply_option(mps_cli_options *o, const opt_spec *spec, const char *shown,
                        const char *value, FILE *err)
{
    uint64_t v = 0;
    switch (spec->id) {
    case OPT_OUTPUT:
        if (value[0] == '\0')
            return usage_error(o, err, "%s needs a file name", shown);
        o->output = value;
        break;
    case OPT_PATHS:
        if (parse_u64(value, &v) != 0 || v == 0)
            return usage_error(o, err,
                               "%s must be a positive whole number of paths written in digits "
                               "(1 to 18446744073709551615), not '%s'",
                               shown, value);
        o->paths = v;
        o->paths_set = 1;
        break;
    case OPT_SEED:
        if (parse_u64(value, &v) != 0)
            return usage_error(o, err,
                               "%s must be an unsigned 64-bit whole number written in digits "
                               "(0 to 18446744073709551615), not '%s'",
                               shown, value);
        o->seed = v;
        o->seed_set = 1;
        break;
    case OPT_THREADS:
        if (parse_u64(value, &v) != 0 || v < 1 || v > MPS_CLI_MAX_THREADS)
            return usage_error(o, err,
                               "%s must be a whole number of threads from 1 to 65536, not '%s'",
                               shown, value);
        o->threads = (int)v;
        break;
    case OPT_MAX_MEMORY:
        if (mps_cli_parse_size(value, &v) != 0)
            return usage_error(o, err,
                               "%s must be a size in bytes, or with a suffix K, M, G or T "
                               "(500M, 2G, 1.5T; 0 for no limit), not '%s'",
                               shown, value);
        o->max_memory = v;
        o->max_memory_set = 1;
        break;
    case OPT_KEEP_PATHS:
        o->keep_paths = 1;
        break;
    case OPT_EXACT_QUANTILES:
        o->exact_quantiles = 1;
        break;
    case OPT_TARGET_SE: {
        char *end = NULL;
        double x = strtod(value, &end);
        if (value[0] == '\0' || *end != '\0' || !(x > 0.0 && x < 1.0))
            return usage_error(o, err,
                               "%s must be a relative standard error between 0 and 1 "
                               "(e.g. 0.01 for 1%% of the mean NPV), not '%s'",
                               shown, value);
        o->target_se = x;
        break;
    }
    case OPT_ANTITHETIC:
        o->antithetic = 1;
        break;
    case OPT_CHECKPOINT:
        o->checkpoint = 1;
        break;
    case OPT_RESUME:
        o->resume = 1;
        break;
    case OPT_SHARD: {
        /* "i/n" with 1 <= i <= n, digits only (Slurm's array index when
         * the array is 1-n). */
        const char *slash = strchr(value, '/');
        uint64_t i = 0, n = 0;
        char head[32];
        size_t len = slash ? (size_t)(slash - value) : 0;
        int ok = slash != NULL && len > 0 && len < sizeof head;
        if (ok) {
            memcpy(head, value, len);
            head[len] = '\0';
            ok = parse_u64(head, &i) == 0 && parse_u64(slash + 1, &n) == 0 && i >= 1 &&
                 n >= 1 && i <= n && n <= UINT32_MAX;
        }
        if (!ok)
            return usage_error(o, err,
                               "%s must be i/n with whole numbers 1 <= i <= n (e.g. 3/8: the "
                               "third of eight shards), not '%s'",
                               shown, value);
        o->shard_index = (uint32_t)i;
        o->shard_count = (uint32_t)n;
        break;
    }
    case OPT_COMPRESSION:
        /* "none" or a deflate level 0-9 (0 is the same as none). */
        if (strcmp(value, "none") == 0) {
            o->compression = 0;
        } else if (parse_u64(value, &v) == 0 && v <= 9) {
            o->compression = (int)v;
        } else {
            return usage_error(o, err,
                               "%s must be none or a deflate level from 0 to 9 (default 1), not "
                               "'%s'",
                               shown, value);
        }
        o->compression_set = 1;
        break;
    case OPT_CSV:
        if (value[0] == '\0')
            return usage_error(o, err, "%s needs a directory name", shown);
        o->csv_dir = value;
        break;
    case OPT_XLSX:
        if (value[0] == '\0')
            return usage_error(o, err, "%s needs a file name", shown);
        o->xlsx_file = value;
        break;
    case OPT_INPUTS:
    case OPT_OUTPUTS:
        if (value[0] == '\0')
            return usage_error(o, err, "%s needs a comma-separated list", shown);
        if (spec->id == OPT_INPUTS)
            o->sens_inputs = value;
        else
            o->sens_outputs = value;
        break;
    case OPT_SAMPLES:
        /* The minimum is the library's (MPSIM_SOBOL_MIN_SAMPLES), checked
         * there with the reason. */
        if (parse_u64(value, &v) != 0 || v == 0)
            return usage_error(o, err,
                               "%s must be a positive whole number of base samples written in "
                               "digits, not '%s'",
                               shown, value);
        o->samples = v;
        o->samples_set = 1;
        break;
    case OPT_JSON:
        o->json = 1;
        break;
    case OPT_QUIET:
        o->quiet = 1;
        break;
    case OPT_RESOLVED:
        o->resolved = 1;
        break;
    case OPT_HELP:
        o->help = 1;
        break;
    }
    return MPS_EXIT_OK;
}

static const opt_spec *find_long(const char *name, size_t len)
{
    for (size_t i = 0; i < N_OPTS; i++)
        if (strlen(opt_table[i].long_name) == len &&
            strncmp(opt_table[i].long_name, name, len) == 0)
            return &opt_table[i];
    return NULL;
}

static const opt_spec *find_short(char c)
{
    for (size_t i = 0; i < N_OPTS; i++)
        if (opt_table[i].short_name != 0 && opt_table[i].short_name == c)
            return &opt_table[i];
    return NULL;
}

/* Parses one argument that starts with '-' (argv[*i]); may consume the next
 * argument as its value. */
static int parse_option(int argc, char **argv, int *i, mps_cli_options *o, FILE *err)
{
    const char *arg = argv[*i];
    const opt_spec *spec = NULL;
    const char *value = NULL;
    int inline_value = 0;

    if (arg[1] == '-') {
        const char *name = arg + 2;
        const char *eq = strchr(name, '=');
        size_t len = eq ? (size_t)(eq - name) : strlen(name);
        spec = find_long(name, len);
        if (eq) {
            value = eq + 1;
            inline_value = 1;
        }
    } else if (arg[1] != '\0' && arg[2] == '\0') {
        spec = find_short(arg[1]);
    }
    if (spec == NULL)
        return usage_error(o, err, "unknown option '%s'", arg);
    if ((spec->commands & o->command) == 0)
        return usage_error(o, err, "option '%s' does not apply to this command", arg);

    /* Name the option as the user wrote it, without any "=value". */
    char shown[32];
    if (arg[1] == '-')
        snprintf(shown, sizeof shown, "--%s", spec->long_name);
    else
        snprintf(shown, sizeof shown, "-%c", spec->short_name);

    if (spec->takes_value && !inline_value) {
        if (*i + 1 >= argc)
            return usage_error(o, err, "%s needs a value", shown);
        value = argv[++*i];
    } else if (!spec->takes_value && inline_value) {
        return usage_error(o, err, "%s takes no value", shown);
    }
    return apply_option(o, spec, shown, value, err);
}

int mps_cli_parse(int argc, char **argv, mps_cli_command cmd, mps_cli_options *o, FILE *err)
{
    memset(o, 0, sizeof *o);
    o->command = cmd;
    o->command_name = argv[1];
    o->inputs = calloc((size_t)argc + 1, sizeof *o->inputs);
    if (o->inputs == NULL) {
        fputs("mpsim: out of memory\n", err);
        return MPS_EXIT_FAIL;
    }
    int only_files = 0; /* after "--" everything is a file name */
    for (int i = 2; i < argc; i++) {
        const char *arg = argv[i];
        if (!only_files && strcmp(arg, "--") == 0) {
            only_files = 1;
        } else if (!only_files && arg[0] == '-' && arg[1] != '\0') {
            int rc = parse_option(argc, argv, &i, o, err);
            if (rc != MPS_EXIT_OK)
                return rc;
        } else {
            o->inputs[o->n_inputs++] = argv[i];
        }
    }
    if (o->help)
        return MPS_EXIT_OK;

    switch (cmd) {
    case MPS_CMD_RUN:
        break; /* no scenario: the shipped policy batch */
    case MPS_CMD_STATIC:
    case MPS_CMD_VALIDATE:
        if (o->n_inputs == 0)
            return usage_error(o, err, "give at least one scenario file");
        /* Both would write to stdout, in two formats. */
        if (cmd == MPS_CMD_VALIDATE && o->resolved && o->json)
            return usage_error(o, err, "--resolved and --json cannot be combined");
        break;
    case MPS_CMD_SHOW:
        if (o->n_inputs != 1)
            return usage_error(o, err, "give exactly one results file (got %s)",
                               o->n_inputs == 0 ? "none" : "several");
        break;
    case MPS_CMD_SWEEP:
        if (o->n_inputs != 1)
            return usage_error(o, err, "give exactly one sweep file (got %s)",
                               o->n_inputs == 0 ? "none" : "several");
        break;
    case MPS_CMD_REPORT:
    case MPS_CMD_EXPORT:
        if (o->n_inputs != 1)
            return usage_error(o, err, "give exactly one results file (got %s)",
                               o->n_inputs == 0 ? "none" : "several");
        if (cmd == MPS_CMD_EXPORT && o->csv_dir == NULL && o->xlsx_file == NULL)
            return usage_error(o, err, "say what to write: --csv DIR, --xlsx FILE or both");
        break;
    case MPS_CMD_SENSITIVITY:
        if (o->n_inputs == 0)
            return usage_error(o, err, "give at least one scenario file");
        break;
    case MPS_CMD_MERGE:
        if (o->n_inputs == 0)
            return usage_error(o, err, "give the shard files to merge");
        if (o->output == NULL)
            return usage_error(o, err, "give the merged file's name with -o");
        break;
    }
    if (o->compression_set && !o->keep_paths)
        return usage_error(o, err, "--compression applies to --keep-paths output only");
    return MPS_EXIT_OK;
}

void mps_cli_options_free(mps_cli_options *o)
{
    free(o->inputs);
    o->inputs = NULL;
    o->n_inputs = 0;
}
