/*
 * mpsim_sobol: the Saltelli sampling scheme (Saltelli et al. 2010) around a
 * user callback.  This file checks the spec, draws the base matrices A and
 * B, hands the model blocks of rows over OpenMP threads and checks what it
 * returns; sobol_estimate.c turns the outputs into indices.
 *
 * Rows are ordered by base sample j, each sample as A_j, B_j, AB^(0)_j ..
 * AB^(k-1)_j, so a block holds whole samples and a model can share the
 * randomness outside the studied inputs among the rows of one sample.
 * Every output lands in a slot fixed by its row, so threads change only
 * the order of the callbacks, never the numbers.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_qrng.h>
#include <omp.h>

#include "core/util.h"
#include "random/quantile.h"
#include "random/stream.h"
#include "random/stream_names.h"
#include "sensitivity/sens_internal.h"

#define MPS_SOBOL_BLOCK 16

/* The largest base sample count: sample and bootstrap positions are 32-bit
 * Philox block indices (mps_uniform_at). */
#define MPS_SOBOL_MAX_SAMPLES UINT64_C(0xffffffff)

/* One thread's scratch space for a block, and what went wrong in it. */
typedef struct {
    mpsim_sobol_row *rows;
    double *x;
    double *ua, *ub; /* unit coordinates of the block's A and B rows */
    mpsim_errors errs;
    int status;
    size_t failed_block;
} mps_sobol_thread;

typedef struct {
    const mpsim_sobol_spec *spec;
    size_t k, m, n, block, n_blocks;
    mps_dist *dist;    /* [k] */
    const double *qmc; /* [n * 2k] quasi-random points, or NULL */
    uint64_t key_a, key_b;
    double *y; /* [n (k + 2) m], row-major as the callback sees it */
} mps_sobol_run;

static int check_spec(const mpsim_sobol_spec *s, mpsim_sobol_model f, mpsim_errors *errs)
{
    int status = MPSIM_OK;
    if (f == NULL) {
        mpsim_errors_add(errs, NULL, 0, 0, "model", "no model callback was given");
        status = MPSIM_ERR_INPUT;
    }
    if (mpsim_sens_input_check(s->inputs, s->k, errs) != MPSIM_OK)
        status = MPSIM_ERR_INPUT;
    if (s->m == 0) {
        mpsim_errors_add(errs, NULL, 0, 0, "outputs",
                         "the model needs at least one output (m >= 1)");
        status = MPSIM_ERR_INPUT;
    }
    if (s->n < MPSIM_SOBOL_MIN_SAMPLES || s->n > MPS_SOBOL_MAX_SAMPLES) {
        mpsim_errors_add(errs, NULL, 0, 0, "samples",
                         "%llu base samples: a Sobol analysis needs between %d and %llu (below %d "
                         "the indices' ratio bias and the bootstrap's coarse percentiles make "
                         "the error bars unreliable)",
                         (unsigned long long)s->n, MPSIM_SOBOL_MIN_SAMPLES,
                         (unsigned long long)MPS_SOBOL_MAX_SAMPLES, MPSIM_SOBOL_MIN_SAMPLES);
        status = MPSIM_ERR_INPUT;
    }
    if (s->bootstrap != 0 && s->bootstrap < MPSIM_SENS_MIN_BOOTSTRAP) {
        mpsim_errors_add(errs, NULL, 0, 0, "bootstrap",
                         "%u bootstrap resamples: at least %d are needed for a standard error "
                         "and percentile interval",
                         s->bootstrap, MPSIM_SENS_MIN_BOOTSTRAP);
        status = MPSIM_ERR_INPUT;
    }
    if (!(s->confidence == 0.0 || (s->confidence > 0.0 && s->confidence < 1.0))) {
        mpsim_errors_add(errs, NULL, 0, 0, "confidence",
                         "the confidence level must lie strictly between 0 and 1 (got %g)",
                         s->confidence);
        status = MPSIM_ERR_INPUT;
    }
    if (s->threads < 0) {
        mpsim_errors_add(errs, NULL, 0, 0, "threads", "threads must be 0 (the default) or more");
        status = MPSIM_ERR_INPUT;
    }
    if (s->sampler != MPSIM_SOBOL_PSEUDO && s->sampler != MPSIM_SOBOL_QUASI) {
        mpsim_errors_add(errs, NULL, 0, 0, "sampler", "unknown sampler %d", (int)s->sampler);
        status = MPSIM_ERR_INPUT;
    } else if (s->sampler == MPSIM_SOBOL_QUASI && s->k > MPSIM_SOBOL_QUASI_MAX_INPUTS) {
        mpsim_errors_add(errs, NULL, 0, 0, "sampler",
                         "the quasi-random sampler takes at most %d inputs (GSL's Sobol' sequence "
                         "has 40 dimensions and A and B need 2k); got %zu: use the pseudo-random "
                         "sampler",
                         MPSIM_SOBOL_QUASI_MAX_INPUTS, s->k);
        status = MPSIM_ERR_INPUT;
    }
    /* The output array holds n (k + 2) m doubles: refuse sizes that
     * overflow rather than allocate the wrong amount. */
    if (status == MPSIM_OK) {
        double cells = (double)s->n * (double)(s->k + 2) * (double)s->m;
        if (cells * sizeof(double) > (double)SIZE_MAX / 2) {
            mpsim_errors_add(errs, NULL, 0, 0, "samples",
                             "n (k + 2) m = %.3g outputs do not fit in memory", cells);
            status = MPSIM_ERR_INPUT;
        }
    }
    return status;
}

/* GSL's Sobol' sequence skips the all-zero point, and its later points have
 * no coordinate at 0 or 1, so every coordinate is a valid quantile level. */
static double *quasi_points(size_t n, size_t k)
{
    double *p = mps_calloc(n * 2 * k, sizeof *p);
    if (p == NULL)
        return NULL;
    gsl_qrng *q = gsl_qrng_alloc(gsl_qrng_sobol, (unsigned)(2 * k));
    if (q == NULL) {
        free(p);
        return NULL;
    }
    for (size_t j = 0; j < n; j++)
        gsl_qrng_get(q, p + j * 2 * k);
    gsl_qrng_free(q);
    return p;
}

/* Coordinates of sample j's rows of A and B in the unit cube. */
static void unit_rows(const mps_sobol_run *R, size_t j, double *ua, double *ub)
{
    size_t k = R->k;
    if (R->qmc) {
        memcpy(ua, R->qmc + j * 2 * k, k * sizeof *ua);
        memcpy(ub, R->qmc + j * 2 * k + k, k * sizeof *ub);
        return;
    }
    for (size_t i = 0; i < k; i++) {
        ua[i] = mps_uniform_at(R->spec->seed, j, R->key_a, (uint32_t)i);
        ub[i] = mps_uniform_at(R->spec->seed, j, R->key_b, (uint32_t)i);
    }
}

/* Builds the rows and inputs of block b and calls the model on them. */
static int run_block(const mps_sobol_run *R, size_t b, mpsim_sobol_model f, void *ctx,
                     mps_sobol_thread *t)
{
    size_t k = R->k, per = k + 2;
    size_t j0 = b * R->block, j1 = j0 + R->block < R->n ? j0 + R->block : R->n;
    size_t r = 0;
    for (size_t j = j0; j < j1; j++) {
        unit_rows(R, j, t->ua, t->ub);
        double *xa = t->x + r * k, *xb = xa + k;
        for (size_t i = 0; i < k; i++) {
            xa[i] = mps_dist_quantile(&R->dist[i], t->ua[i]);
            xb[i] = mps_dist_quantile(&R->dist[i], t->ub[i]);
        }
        t->rows[r].sample = j;
        t->rows[r].matrix = MPSIM_SOBOL_ROW_A;
        t->rows[r + 1].sample = j;
        t->rows[r + 1].matrix = MPSIM_SOBOL_ROW_B;
        for (size_t i = 0; i < k; i++) {
            double *xab = t->x + (r + 2 + i) * k;
            memcpy(xab, xa, k * sizeof *xab);
            xab[i] = xb[i];
            t->rows[r + 2 + i].sample = j;
            t->rows[r + 2 + i].matrix = (int)i;
        }
        r += per;
    }
    return f(ctx, r, t->rows, t->x, R->y + j0 * per * R->m, &t->errs);
}

static void describe_row(char *buf, size_t len, size_t k, size_t row)
{
    size_t j = row / (k + 2), c = row % (k + 2);
    if (c == 0)
        snprintf(buf, len, "row %zu (sample %zu, matrix A)", row, j);
    else if (c == 1)
        snprintf(buf, len, "row %zu (sample %zu, matrix B)", row, j);
    else
        snprintf(buf, len, "row %zu (sample %zu, matrix AB^(%zu))", row, j, c - 2);
}

/* The first non-finite output, in row order, so the message is the same
 * whatever the threads. */
static int check_outputs(const mps_sobol_run *R, const mpsim_sobol_result *res, mpsim_errors *errs)
{
    size_t cells = R->n * (R->k + 2) * R->m, bad = 0, first = 0;
    for (size_t c = 0; c < cells; c++)
        if (!isfinite(R->y[c]) && bad++ == 0)
            first = c;
    if (bad == 0)
        return MPSIM_OK;
    size_t row = first / R->m, o = first % R->m;
    char where[96];
    describe_row(where, sizeof where, R->k, row);
    mpsim_errors_add(errs, NULL, 0, 0, "outputs",
                     "the model returned %g for %s, output %zu ('%s') (%zu non-finite outputs "
                     "in all); Sobol indices need finite outputs",
                     R->y[first], where, o, res->output_names[o], bad);
    return MPSIM_ERR_INPUT;
}

static int set_names(mpsim_sobol_result *r, const mpsim_sobol_spec *s)
{
    for (size_t i = 0; i < s->k; i++) {
        const char *nm = s->inputs[i].name;
        r->input_names[i] = nm ? mps_strdup(nm) : mps_asprintf("x%zu", i + 1);
        if (r->input_names[i] == NULL)
            return MPSIM_ERR_FAIL;
    }
    for (size_t o = 0; o < s->m; o++) {
        const char *nm = s->output_names ? s->output_names[o] : NULL;
        r->output_names[o] = nm ? mps_strdup(nm) : mps_asprintf("y%zu", o + 1);
        if (r->output_names[o] == NULL)
            return MPSIM_ERR_FAIL;
    }
    return MPSIM_OK;
}

/* Evaluates every block; the failure reported is the one of the lowest
 * block, so with one thread it is exactly the first. */
static int evaluate(mps_sobol_run *R, mpsim_sobol_model f, void *ctx, int nt, mps_sobol_thread *th,
                    mpsim_errors *errs)
{
    const volatile sig_atomic_t *cancel = R->spec->cancel;
    int stop = 0;
#pragma omp parallel for num_threads(nt) schedule(dynamic, 1)
    for (size_t b = 0; b < R->n_blocks; b++) {
        int halted;
#pragma omp atomic read
        halted = stop;
        if (halted)
            continue;
        mps_sobol_thread *t = &th[omp_get_thread_num()];
        int st = (cancel && *cancel) ? MPSIM_ERR_INTERRUPTED : run_block(R, b, f, ctx, t);
        if (st != MPSIM_OK) {
            if (t->status == MPSIM_OK || b < t->failed_block) {
                t->status = st;
                t->failed_block = b;
            }
#pragma omp atomic write
            stop = 1;
        }
    }
    int worst = -1;
    for (int i = 0; i < nt; i++)
        if (th[i].status != MPSIM_OK && (worst < 0 || th[i].failed_block < th[worst].failed_block))
            worst = i;
    if (worst < 0)
        return MPSIM_OK;
    int st = th[worst].status;
    if (st == MPSIM_ERR_INTERRUPTED && th[worst].errs.count == 0)
        mpsim_errors_add(errs, NULL, 0, 0, NULL, "the sensitivity analysis was cancelled");
    for (size_t e = 0; e < th[worst].errs.count; e++) {
        const mpsim_error *it = &th[worst].errs.items[e];
        mpsim_errors_add(errs, it->file, it->line, it->column, it->key_path, "%s", it->message);
    }
    if (st != MPSIM_ERR_INPUT && st != MPSIM_ERR_INTERRUPTED)
        st = MPSIM_ERR_FAIL;
    return st;
}

int mpsim_sobol(const mpsim_sobol_spec *spec, mpsim_sobol_model f, void *ctx,
                mpsim_sobol_result *out, mpsim_errors *errs)
{
    memset(out, 0, sizeof *out);
    if (spec == NULL) {
        mpsim_errors_add(errs, NULL, 0, 0, NULL, "no Sobol analysis was described (spec is NULL)");
        return MPSIM_ERR_INPUT;
    }
    int status = check_spec(spec, f, errs);
    if (status != MPSIM_OK)
        return status;

    mps_sobol_run R;
    memset(&R, 0, sizeof R);
    R.spec = spec;
    R.k = spec->k;
    R.m = spec->m;
    R.n = (size_t)spec->n;
    R.block = spec->block ? spec->block : MPS_SOBOL_BLOCK;
    if (R.block > R.n)
        R.block = R.n;
    R.n_blocks = (R.n + R.block - 1) / R.block;
    R.key_a = mps_key_sensitivity("saltelli/A");
    R.key_b = mps_key_sensitivity("saltelli/B");
    int nt = spec->threads > 0 ? spec->threads : omp_get_max_threads();
    if ((size_t)nt > R.n_blocks)
        nt = (int)R.n_blocks;

    size_t per = R.k + 2, rows = R.block * per;
    mps_sobol_thread *th = mps_calloc((size_t)nt, sizeof *th);
    double *qmc = NULL, *yc = NULL;
    R.dist = mps_calloc(R.k, sizeof *R.dist);
    R.y = mps_calloc(R.n * per * R.m, sizeof *R.y);
    status = (th && R.dist && R.y) ? MPSIM_OK : MPSIM_ERR_FAIL;
    for (int i = 0; status == MPSIM_OK && i < nt; i++) {
        th[i].rows = mps_calloc(rows, sizeof *th[i].rows);
        th[i].x = mps_calloc(rows * R.k, sizeof *th[i].x);
        th[i].ua = mps_calloc(R.k, sizeof *th[i].ua);
        th[i].ub = mps_calloc(R.k, sizeof *th[i].ub);
        if (!th[i].rows || !th[i].x || !th[i].ua || !th[i].ub)
            status = MPSIM_ERR_FAIL;
    }
    if (status == MPSIM_OK && spec->sampler == MPSIM_SOBOL_QUASI) {
        R.qmc = qmc = quasi_points(R.n, R.k);
        if (qmc == NULL)
            status = MPSIM_ERR_FAIL;
    }
    if (status == MPSIM_OK)
        status = mps_sobol_result_alloc(out, R.k, R.m);
    if (status == MPSIM_OK)
        status = set_names(out, spec);
    if (status == MPSIM_ERR_FAIL)
        mpsim_errors_add(errs, NULL, 0, 0, NULL, "out of memory for the Sobol analysis");

    if (status == MPSIM_OK) {
        for (size_t i = 0; i < R.k; i++)
            R.dist[i] = mps_sens_to_dist(&spec->inputs[i]);
        /* NaN marks an output the callback never wrote. */
        for (size_t c = 0; c < R.n * per * R.m; c++)
            R.y[c] = NAN;
        status = evaluate(&R, f, ctx, nt, th, errs);
    }
    if (status == MPSIM_OK)
        status = check_outputs(&R, out, errs);

    if (status == MPSIM_OK) {
        /* Regroup by matrix and centre on the mean of A and B: a constant
         * shift leaves the estimators' expectations unchanged but removes
         * the term mean * (f(AB) - f(A)) from the first-order estimator's
         * variance (docs/sensitivity.md). */
        yc = mps_calloc(R.n * per * R.m, sizeof *yc);
        if (yc == NULL) {
            mpsim_errors_add(errs, NULL, 0, 0, NULL, "out of memory for the Sobol analysis");
            status = MPSIM_ERR_FAIL;
        }
    }
    if (status == MPSIM_OK) {
        double *ya = yc, *yb = yc + R.n * R.m, *yab = yc + 2 * R.n * R.m;
        for (size_t o = 0; o < R.m; o++) {
            double s = 0.0;
            for (size_t j = 0; j < R.n; j++)
                s += R.y[(j * per) * R.m + o] + R.y[(j * per + 1) * R.m + o];
            double mean = s / (2.0 * (double)R.n);
            out->mean[o] = mean;
            for (size_t j = 0; j < R.n; j++) {
                ya[j * R.m + o] = R.y[(j * per) * R.m + o] - mean;
                yb[j * R.m + o] = R.y[(j * per + 1) * R.m + o] - mean;
                for (size_t i = 0; i < R.k; i++)
                    yab[(i * R.n + j) * R.m + o] = R.y[(j * per + 2 + i) * R.m + o] - mean;
            }
        }
        out->n = spec->n;
        out->evaluations = (uint64_t)R.n * per;
        out->bootstrap = spec->bootstrap ? spec->bootstrap : MPSIM_SENS_BOOTSTRAP;
        out->confidence = spec->confidence > 0.0 ? spec->confidence : 0.95;
        out->sampler = spec->sampler;
        out->seed = spec->seed;
        mps_saltelli_outputs y = {R.k, R.m, R.n, ya, yb, yab};
        status = mps_sobol_estimate(&y, spec->seed, spec->threads, out);
        if (status != MPSIM_OK)
            mpsim_errors_add(errs, NULL, 0, 0, NULL, "out of memory for the Sobol bootstrap");
    }

    for (int i = 0; th && i < nt; i++) {
        free(th[i].rows);
        free(th[i].x);
        free(th[i].ua);
        free(th[i].ub);
        mpsim_errors_clear(&th[i].errs);
    }
    free(th);
    free(qmc);
    free(yc);
    free(R.dist);
    free(R.y);
    if (status != MPSIM_OK)
        mpsim_sobol_result_clear(out);
    return status;
}
