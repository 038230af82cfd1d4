/*
 * mpsim_sweep_run: the loop over a sweep's points (docs/sweeps.md).
 *
 * Every point is a full mpsim_run of the base scenario with the point's
 * values set by key path (engine/scenario/override.c), on the sweep's seed
 * and paths, so points share common random numbers.  A point whose values
 * make the scenario invalid is recorded as failed and the loop goes on.
 *
 * Under MPI with K ranks the points still to run are dealt in rounds of
 * K: point q of a round runs on rank q alone (mps_run_local, all its
 * threads), then every rank receives the round's K records, bit for bit,
 * and the writer (mpsim_sweep_is_writer) journals them in point order.
 * When fewer than K points are left, each runs on all the ranks together
 * (mpsim_run spreads its paths).  A point's results do not depend on where
 * or how it ran, so the sweep file is the serial one for any K.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "run/comm.h"
#include "run/run_local.h"
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

/* Runs point p into r, on every rank together or (local) on this one
 * alone.  MPSIM_OK when the point is recorded (done or failed);
 * MPSIM_ERR_INTERRUPTED or MPSIM_ERR_FAIL (with errs) otherwise. */
static int run_point(const mpsim_sweep *s, const mpsim_run_options *ropt, size_t p,
                     mpsim_sweep_results *r, mpsim_errors *errs, int local)
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
        rc = local ? mps_run_local(&scen, 1, ropt, &res, &perr)
                   : mpsim_run(&scen, 1, ropt, &res, &perr);
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

/* A point's record as it travels between ranks: how its run ended
 * (run_point's status), the point's status, its values (bit for bit) and
 * its error text (the point's, or for MPSIM_ERR_FAIL the rank's errors). */
enum {
    X_OUTCOME = 0,
    X_STATUS = 4,
    X_VALUES = 8,
    X_ERROR = X_VALUES + 8 * MPS_SWEEP_N_VALUES,
    X_SIZE = X_ERROR + MPS_SWEEP_ERROR_MAX + 1
};

static void pack(unsigned char *x, int outcome, const mpsim_sweep_results *r, size_t p,
                 const mpsim_errors *errs)
{
    memset(x, 0, X_SIZE);
    int32_t o = outcome, st = r->status[p];
    memcpy(x + X_OUTCOME, &o, 4);
    memcpy(x + X_STATUS, &st, 4);
    memcpy(x + X_VALUES, &r->values[p * MPS_SWEEP_N_VALUES], 8 * MPS_SWEEP_N_VALUES);
    char *failure = outcome == MPSIM_ERR_FAIL ? error_text(errs) : NULL;
    const char *text = outcome == MPSIM_ERR_FAIL ? (failure ? failure : "out of memory")
                       : outcome == MPSIM_OK    ? r->error[p]
                                                : "";
    snprintf((char *)x + X_ERROR, MPS_SWEEP_ERROR_MAX + 1, "%s", text ? text : "");
    free(failure);
}

static int32_t outcome_of(const unsigned char *x)
{
    int32_t o;
    memcpy(&o, x + X_OUTCOME, 4);
    return o;
}

/* Files another rank's record of point p into r.  MPSIM_ERR_FAIL when out
 * of memory. */
static int unpack(const unsigned char *x, mpsim_sweep_results *r, size_t p)
{
    int32_t st;
    memcpy(&st, x + X_STATUS, 4);
    char *text = mps_strdup((const char *)x + X_ERROR);
    if (text == NULL)
        return MPSIM_ERR_FAIL;
    free(r->error[p]);
    r->error[p] = text;
    r->status[p] = st;
    memcpy(&r->values[p * MPS_SWEEP_N_VALUES], x + X_VALUES, 8 * MPS_SWEEP_N_VALUES);
    return MPSIM_OK;
}

/* Runs the round's points pts[0 .. k-1], pts[q] on rank q alone, and gives
 * every rank all k records in r.  x: (k + 1) X_SIZE bytes of scratch;
 * counts[q] = X_SIZE.  The same status on every rank: MPSIM_ERR_FAIL if
 * any point met a failure not its own (or the exchange failed), else
 * MPSIM_ERR_INTERRUPTED if any was stopped, else MPSIM_OK.  ran[q] says
 * whether point q was recorded here; *short_here is set when this rank
 * could not record one for want of memory (the caller agrees on it). */
static int run_round(const mpsim_sweep *s, const mpsim_run_options *ropt, const size_t *pts,
                     int k, mpsim_sweep_results *r, unsigned char *x, const size_t *counts,
                     int *ran, int *short_here, mpsim_errors *errs)
{
    const int rank = mps_comm_rank();
    pack(x, run_point(s, ropt, pts[rank], r, errs, 1), r, pts[rank], errs);
    if (mps_comm_allgather(x, X_SIZE, x + X_SIZE, counts) != MPSIM_OK) {
        mpsim_errors_add(errs, s->file, 0, 0, "", "MPI: exchanging the points' results failed");
        return MPSIM_ERR_FAIL;
    }
    int out = MPSIM_OK;
    for (int q = 0; q < k; q++) {
        const unsigned char *xq = x + (size_t)(q + 1) * X_SIZE;
        const int32_t o = outcome_of(xq);
        ran[q] = o == MPSIM_OK;
        if (o == MPSIM_OK && q != rank && unpack(xq, r, pts[q]) != MPSIM_OK) {
            mpsim_errors_add(errs, s->file, 0, 0, "", "out of memory recording point %zu", pts[q]);
            ran[q] = 0;
            *short_here = 1;
        }
        if (o == MPSIM_ERR_FAIL) {
            if (q != rank)
                mpsim_errors_add(errs, s->file, 0, 0, "", "MPI rank %d: %s", q,
                                 (const char *)xq + X_ERROR);
            out = MPSIM_ERR_FAIL;
        } else if (o != MPSIM_OK && out == MPSIM_OK) {
            out = MPSIM_ERR_INTERRUPTED;
        }
    }
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
    /* The points still to run, in order; under MPI with K ranks, the
     * scratch space of a round.  A rank short of memory says so in the
     * agreement, before any round begins. */
    const int k = mps_comm_size();
    size_t *pending = mps_calloc(total - done + 1, sizeof *pending), n_pending = 0;
    unsigned char *x = k > 1 ? mps_calloc((size_t)k + 1, X_SIZE) : NULL;
    size_t *counts = k > 1 ? mps_calloc((size_t)k, sizeof *counts) : NULL;
    int *ran = k > 1 ? mps_calloc((size_t)k, sizeof *ran) : NULL;
    int rc = MPSIM_OK;
    if (mps_sweep_agree(pending == NULL || (k > 1 && (!x || !counts || !ran)))) {
        mpsim_errors_add(errs, s->file, 0, 0, "", "out of memory preparing the sweep");
        rc = MPSIM_ERR_FAIL;
    }
    for (int q = 0; rc == MPSIM_OK && q < k && counts; q++)
        counts[q] = X_SIZE;
    for (size_t p = 0; rc == MPSIM_OK && p < s->n_points; p++)
        if (mps_sweep_in_shard(p, opt->shard_index, opt->shard_count) && !r->done[p])
            pending[n_pending++] = p;
    for (size_t i = 0; i < n_pending && rc == MPSIM_OK;) {
        if (mps_sweep_agree(opt->cancel != NULL && *opt->cancel)) {
            rc = MPSIM_ERR_INTERRUPTED;
            break;
        }
        /* A round of K points, one a rank; or, for the last few, one
         * point on every rank. */
        const int dealt = k > 1 && n_pending - i >= (size_t)k;
        const size_t *pts = pending + i;
        int one = 1, *rec = dealt ? ran : &one, short_here = 0;
        if (dealt) {
            rc = run_round(s, &ropt, pts, k, r, x, counts, ran, &short_here, errs);
        } else {
            rc = run_point(s, &ropt, pts[0], r, errs, 0);
            if (rc != MPSIM_OK)
                break; /* the same on every rank: a collective run agrees */
        }
        int jrc = MPSIM_OK;
        for (int q = 0; q < (dealt ? k : 1); q++) {
            if (!rec[q])
                continue;
            const size_t p = pts[q];
            r->done[p] = 1;
            done++;
            failed += r->status[p] == 1;
            if (j != NULL && writer && jrc == MPSIM_OK)
                jrc = mps_journal_append(j, r, p, errs);
            if (opt->progress != NULL)
                opt->progress(opt->progress_ctx, done, total, failed);
        }
        i += dealt ? (size_t)k : 1;
        if (mps_sweep_agree(jrc != MPSIM_OK || short_here))
            rc = jrc != MPSIM_OK ? jrc : MPSIM_ERR_FAIL;
    }
    free(pending);
    free(x);
    free(counts);
    free(ran);
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
