/*
 * The results object's lifetime: freeing (for the run driver, the reader and
 * callers alike) and the run stamp (creation time and command line).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/util.h"
#include "mpsim.h"

static void free_distribution(mpsim_distribution *d)
{
    free(d->levels);
    free(d->values);
    free(d->edges);
    free(d->counts);
}

static void free_scenario(mpsim_scenario_result *s)
{
    free(s->name);
    free(s->description);
    free(s->input_file);
    free(s->input_text);
    free(s->resolved_text);
    for (size_t i = 0; i < s->n_inputs; i++) {
        free(s->input_names ? s->input_names[i] : NULL);
        free(s->input_texts ? s->input_texts[i] : NULL);
    }
    free(s->input_names);
    free(s->input_texts);
    for (size_t i = 0; s->missions && i < s->n_missions; i++) {
        free(s->missions[i].id);
        free(s->missions[i].name);
    }
    free(s->missions);
    for (size_t i = 0; s->projects && i < s->n_projects; i++) {
        free(s->projects[i].id);
        free(s->projects[i].mission);
        free(s->projects[i].kind);
        free(s->projects[i].category);
    }
    free(s->projects);
    for (size_t i = 0; s->kinds && i < s->n_kinds; i++)
        free(s->kinds[i].kind);
    free(s->kinds);
    free(s->quantile_levels);
    for (size_t i = 0; s->series && i < s->n_series; i++) {
        free(s->series[i].name);
        free(s->series[i].description);
        free(s->series[i].units);
        free(s->series[i].bands);
        free(s->series[i].mean);
    }
    free(s->series);
    free_distribution(&s->dist_npv);
    free_distribution(&s->dist_bcr);
    for (int m = 0; m < MPSIM_N_METRICS; m++)
        free(s->paths[m]);
}

static void free_comparison(mpsim_comparison *c)
{
    free(c->a);
    free(c->b);
    for (size_t i = 0; c->mission_ids && i < c->n_missions; i++)
        free(c->mission_ids[i]);
    free(c->mission_ids);
    free(c->p_achieved_diff);
}

void mpsim_results_free(mpsim_results *r)
{
    if (r == NULL)
        return;
    free(r->mpsim_version);
    free(r->created);
    free(r->command_line);
    mpsim_provenance *p = &r->provenance;
    free(p->git_revision);
    free(p->compiler);
    free(p->compiler_flags);
    free(p->gsl_version);
    free(p->hdf5_version);
    free(p->yaml_version);
    free(p->random123_version);
    free(p->mpi_version);
    for (size_t i = 0; r->scenarios && i < r->n_scenarios; i++)
        free_scenario(&r->scenarios[i]);
    free(r->scenarios);
    for (size_t i = 0; r->comparisons && i < r->n_comparisons; i++)
        free_comparison(&r->comparisons[i]);
    free(r->comparisons);
    free(r);
}

/* 1 if a shell would take arg as one word unchanged without quotes. */
static int shell_safe(const char *arg)
{
    if (*arg == '\0')
        return 0;
    for (const char *p = arg; *p; p++) {
        char c = *p;
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 strchr("_@%+=:,./-", c) != NULL;
        if (!ok)
            return 0;
    }
    return 1;
}

/* Length of arg as written by append_quoted. */
static size_t quoted_len(const char *arg)
{
    if (shell_safe(arg))
        return strlen(arg);
    size_t n = 2;
    for (const char *p = arg; *p; p++)
        n += *p == '\'' ? 4 : 1;
    return n;
}

/* Appends arg at dst, in single quotes when it needs them (a ' inside
 * becomes '\'' ), so the line can be pasted back into a POSIX shell.
 * Returns the end of what was written. */
static char *append_quoted(char *dst, const char *arg)
{
    if (shell_safe(arg)) {
        size_t n = strlen(arg);
        memcpy(dst, arg, n);
        return dst + n;
    }
    *dst++ = '\'';
    for (const char *p = arg; *p; p++) {
        if (*p == '\'') {
            memcpy(dst, "'\\''", 4);
            dst += 4;
        } else {
            *dst++ = *p;
        }
    }
    *dst++ = '\'';
    return dst;
}

int mpsim_results_stamp(mpsim_results *r, int argc, char *const *argv)
{
    if (r == NULL)
        return MPSIM_ERR_FAIL;
    time_t now = time(NULL);
    struct tm tm;
    char stamp[32];
    if (now == (time_t)-1 || gmtime_r(&now, &tm) == NULL ||
        strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        return MPSIM_ERR_FAIL;
    char *created = mps_strdup(stamp);

    size_t len = 1;
    for (int i = 0; i < argc; i++)
        len += quoted_len(argv[i] ? argv[i] : "") + 1;
    char *line = malloc(len);
    if (!created || !line) {
        free(created);
        free(line);
        return MPSIM_ERR_FAIL;
    }
    char *p = line;
    for (int i = 0; i < argc; i++) {
        if (i > 0)
            *p++ = ' ';
        p = append_quoted(p, argv[i] ? argv[i] : "");
    }
    *p = '\0';

    free(r->created);
    free(r->command_line);
    r->created = created;
    r->command_line = line;
    return MPSIM_OK;
}
