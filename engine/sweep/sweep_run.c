/*
 * mpsim_sweep_run: the loop over a sweep's points (docs/sweeps.md).
 *
 * Every point is a full mpsim_run of the base scenario with the point's
 * values set by key path (engine/scenario/override.c), on the sweep's seed
 * and paths, so points share common random numbers.  A point whose values
 * make the scenario invalid is recorded as failed and the loop goes on.
 *
 * Under MPI every process runs this same loop and calls mpsim_run for
 * every point (the run spreads its paths over the processes); only the
 * writer (mpsim_sweep_is_writer) appends to the journal.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "scenario/override.h"
#include "sweep/sweep.h"

/* The shortest of %.15g, %.16g, %.17g that reads back as x exactly, so a
 * point's value is set exactly and reads naturally. */
static void format_number(double x, char *buf, size_t size)
{
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, size, "%.*g", prec, x);
        if (strtod(buf, NULL) == x)
            return;
    }
}

/* Cuts s to at most max bytes without splitting a UTF-8 sequence. */
static void cut_utf8(char *s, size_t max)
{
    size_t n = strlen(s);
    if (n <= max)
        return;
    n = max;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    s[n] = '\0';
}

/* The point's error text: every error as "file:line:column: key path:
 * message", joined by "; ", cut at MPS_SWEEP_ERROR_MAX bytes. */
static char *error_text(const mpsim_errors *e)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    if (f == NULL)
        return NULL;
    if (e->count == 0)
        fputs("the point failed without a message", f);
    else
        mpsim_errors_print(e, f);
    if (fclose(f) != 0) {
        free(buf);
        return NULL;
    }
    size_t n = strlen(buf);
    while (n > 0 && buf[n - 1] == '\n')
        buf[--n] = '\0';
    /* One line per error becomes "; ": the field is one line of text. */
    char *out = malloc(2 * n + 1);
    if (out == NULL) {
        free(buf);
        return NULL;
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (buf[i] == '\n') {
            out[k++] = ';';
            out[k++] = ' ';
        } else {
            out[k++] = buf[i];
        }
    }
    out[k] = '\0';
    free(buf);
    cut_utf8(out, MPS_SWEEP_ERROR_MAX);
    return out;
}

static void record_ok(mpsim_sweep_results *r, size_t p, const mpsim_results *res)
{
    /* Under MPI only rank 0 (the writer) gets the point's results from
     * mpsim_run; the other ranks only note that it is done. */
    if (res == NULL) {
        r->status[p] = 0;
        return;
    }
    const mpsim_scenario_result *sr = &res->scenarios[0];
    double *v = &r->values[p * MPS_SWEEP_N_VALUES];
    for (int m = 0; m < MPSIM_N_METRICS; m++)
        for (int k = 0; k < MPSIM_N_STATS; k++)
            v[m * MPSIM_N_STATS + k] = sr->stats[m][k];
    double *h = v + MPSIM_N_METRICS * MPSIM_N_STATS;
    h[MPS_H_STATIC_NPV] = sr->stat.npv;
    h[MPS_H_STATIC_BCR] = sr->stat.bcr;
    h[MPS_H_EXPECTED_BCR] = sr->expected_bcr;
    h[MPS_H_P_BCR_ABOVE_1] = sr->p_bcr_above_1;
    h[MPS_H_P_NPV_NEGATIVE] = sr->p_npv_negative;
    h[MPS_H_EXPECTED_SHORTFALL_5] = sr->expected_shortfall_5;
    h[MPS_H_BCR_UNDEFINED] = (double)sr->bcr_undefined;
    r->status[p] = 0;
}

static int record_failed(mpsim_sweep_results *r, size_t p, const mpsim_errors *perr)
{
    char *text = error_text(perr);
    if (text == NULL)
        return MPSIM_ERR_FAIL;
    free(r->error[p]);
    r->error[p] = text;
    for (size_t i = 0; i < MPS_SWEEP_N_VALUES; i++)
        r->values[p * MPS_SWEEP_N_VALUES + i] = NAN;
    r->status[p] = 1;
    return MPSIM_OK;
}

/* Runs point p into r.  MPSIM_OK when the point is recorded (done or
 * failed); MPSIM_ERR_INTERRUPTED or MPSIM_ERR_FAIL (with errs) otherwise. */
static int run_point(const mpsim_sweep *s, const mpsim_run_options *ropt, size_t p,
                     mpsim_sweep_results *r, mpsim_errors *errs)
{
    size_t d = s->n_params;
    mps_override *ov = mps_calloc(d, sizeof *ov);
    char(*num)[32] = mps_calloc(d, sizeof *num);
    if (ov == NULL || num == NULL) {
        free(ov);
        free(num);
        mpsim_errors_add(errs, s->file, 0, 0, "", "out of memory running point %zu", p);
        return MPSIM_ERR_FAIL;
    }
    for (size_t j = 0; j < d; j++) {
        const mps_sweep_param *par = &s->params[j];
        ov[j].key_path = par->path;
        ov[j].at = par->node;
        ov[j].at_key_path = par->path;
        if (s->method == MPS_DESIGN_GRID) {
            ov[j].value = par->values[s->grid_index[p * d + j]];
        } else {
            format_number(s->points[p * d + j], num[j], sizeof num[j]);
            ov[j].text = num[j];
            ov[j].plain = 1;
        }
    }
    mpsim_errors perr;
    mpsim_errors_init(&perr);
    mpsim_scenario *scen = NULL;
    mpsim_results *res = NULL;
    int pf = 0;
    int rc = mps_scenario_load_overrides(s->base_text, s->base_len, s->base_path, ov, d, &scen,
                                         &perr, &perr, &pf);
    if (rc == MPSIM_OK && pf)
        rc = MPSIM_ERR_INPUT;
    if (rc == MPSIM_OK)
        rc = mpsim_batch_check(&scen, 1, ropt, &perr);
    if (rc == MPSIM_OK)
        rc = mpsim_run(&scen, 1, ropt, &res, &perr);
    int out = MPSIM_OK;
    if (rc == MPSIM_OK) {
        record_ok(r, p, res);
    } else if (rc == MPSIM_ERR_INPUT) {
        out = record_failed(r, p, &perr);
        if (out != MPSIM_OK)
            mpsim_errors_add(errs, s->file, 0, 0, "", "out of memory recording point %zu", p);
    } else if (rc == MPSIM_ERR_INTERRUPTED) {
        out = rc;
    } else {
        /* Memory or I/O: not the point's fault, so the sweep stops (its
         * journal keeps what was done). */
        for (size_t i = 0; i < perr.count; i++) {
            const mpsim_error *e = &perr.items[i];
            mpsim_errors_add(errs, e->file, e->line, e->column, e->key_path, "point %zu: %s", p,
                             e->message);
        }
        if (perr.count == 0)
            mpsim_errors_add(errs, s->file, 0, 0, "", "point %zu failed", p);
        out = MPSIM_ERR_FAIL;
    }
    mpsim_results_free(res);
    mpsim_scenario_free(scen);
    mpsim_errors_clear(&perr);
    free(ov);
    free(num);
    return out;
}

int mpsim_sweep_run(const mpsim_sweep *s, const mpsim_sweep_options *opt, mpsim_sweep_results **out,
                    mpsim_errors *errs)
{
    *out = NULL;
    mpsim_sweep_options none;
    if (opt == NULL) {
        memset(&none, 0, sizeof none);
        opt = &none;
    }
    if (s == NULL) {
        mpsim_errors_add(errs, "", 0, 0, "", "no sweep given");
        return MPSIM_ERR_INPUT;
    }
    if ((opt->shard_count == 0) != (opt->shard_index == 0) || opt->shard_index > opt->shard_count) {
        mpsim_errors_add(errs, s->file, 0, 0, "", "shard %u/%u: give i/n with 1 <= i <= n",
                         (unsigned)opt->shard_index, (unsigned)opt->shard_count);
        return MPSIM_ERR_INPUT;
    }
    uint64_t seed = opt->seed_set ? opt->seed : s->base_seed;
    uint64_t paths = opt->paths_set ? opt->paths : s->paths_set ? s->paths : s->base_paths;
    if (paths == 0) {
        mpsim_errors_add(errs, s->file, 0, 0, "", "paths must be at least 1");
        return MPSIM_ERR_INPUT;
    }
    mpsim_sweep_results *r =
        mps_sweep_results_new(s, seed, paths, opt->shard_index, opt->shard_count);
    if (r == NULL) {
        mpsim_errors_add(errs, s->file, 0, 0, "", "out of memory preparing the sweep");
        return MPSIM_ERR_FAIL;
    }
    int writer = mpsim_sweep_is_writer();
    mps_journal *j = NULL;
    if (opt->journal != NULL) {
        int rc = mps_journal_open(opt->journal, r, opt->resume, writer, &j, errs);
        if (mps_sweep_agree(rc != MPSIM_OK) && rc == MPSIM_OK) {
            /* Only the writer met the problem; the others stop with it. */
            mpsim_errors_add(errs, opt->journal, 0, 0, "",
                             "the writing process could not open the sweep journal");
            mps_journal_close(j);
            rc = MPSIM_ERR_FAIL;
        }
        if (rc != MPSIM_OK) {
            mpsim_sweep_results_free(r);
            return rc;
        }
    }

    mpsim_run_options ropt;
    memset(&ropt, 0, sizeof ropt);
    ropt.paths = paths;
    ropt.paths_set = 1;
    ropt.seed = seed;
    ropt.seed_set = 1;
    ropt.threads = opt->threads;
    ropt.max_memory = opt->max_memory;
    ropt.cancel = opt->cancel;

    size_t total = 0, done = 0, failed = 0;
    for (size_t p = 0; p < s->n_points; p++) {
        if (mps_sweep_in_shard(p, opt->shard_index, opt->shard_count)) {
            total++;
            done += r->done[p] != 0;
            failed += r->done[p] && r->status[p] == 1;
        }
    }
    /* A resumed sweep says at once how far it had got. */
    if (done > 0 && opt->progress != NULL)
        opt->progress(opt->progress_ctx, done, total, failed);
    int rc = MPSIM_OK;
    for (size_t p = 0; p < s->n_points && rc == MPSIM_OK; p++) {
        if (!mps_sweep_in_shard(p, opt->shard_index, opt->shard_count) || r->done[p])
            continue;
        if (mps_sweep_agree(opt->cancel != NULL && *opt->cancel)) {
            rc = MPSIM_ERR_INTERRUPTED;
            break;
        }
        rc = run_point(s, &ropt, p, r, errs);
        if (rc != MPSIM_OK)
            break;
        r->done[p] = 1;
        done++;
        failed += r->status[p] == 1;
        int jrc = j != NULL && writer ? mps_journal_append(j, r, p, errs) : MPSIM_OK;
        if (mps_sweep_agree(jrc != MPSIM_OK))
            rc = jrc != MPSIM_OK ? jrc : MPSIM_ERR_FAIL;
        if (opt->progress != NULL)
            opt->progress(opt->progress_ctx, done, total, failed);
    }
    mps_journal_close(j);
    if (rc == MPSIM_ERR_INTERRUPTED) {
        *out = r;
        return rc;
    }
    if (rc != MPSIM_OK) {
        mpsim_sweep_results_free(r);
        return rc;
    }
    *out = r;
    return MPSIM_OK;
}
