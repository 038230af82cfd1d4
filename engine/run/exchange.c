/*
 * Moving a round's results between MPI ranks (driver.h): the block slots
 * gathered to rank 0 and merged there in block order (with the per-path
 * metrics filed by path and handed to a paths sink), and the tallies
 * summed over ranks.  With one rank (the serial build, or MPI with -np 1) every
 * function here is a plain local operation.
 *
 * Slots travel as raw bytes: every rank runs the same binary, so doubles,
 * and the Welford records (a uint64 count and two doubles), have the same
 * representation everywhere, and a copy is exact.
 */
#include <stdlib.h>
#include <string.h>

#include "run/comm.h"
#include "run/driver.h"

size_t mps_exchange_block_bytes(const mps_driver *d)
{
    size_t bytes = 0;
    for (size_t k = 0; k < d->n; k++)
        bytes += d->acc[k].n_values * sizeof(double) + sizeof(mps_welford) * MPS_N_W;
    if (d->block_metrics)
        bytes += d->n * sizeof(double) * MPSIM_N_METRICS * BLOCK_PATHS;
    return bytes;
}

int mps_exchange_local_blocks(int nb, int r, int size)
{
    return nb > r ? (nb - r + size - 1) / size : 0;
}

/* The per-path metrics of block b, all scenarios (contiguous). */
static double *block_metrics_of(const mps_driver *d, int b)
{
    return d->block_metrics + (size_t)b * d->n * MPSIM_N_METRICS * BLOCK_PATHS;
}

static unsigned char *pack_block(const mps_driver *d, int b, unsigned char *p)
{
    for (size_t k = 0; k < d->n; k++) {
        const mps_sums *s = &d->slots[(size_t)b * d->n + k];
        memcpy(p, s->values, d->acc[k].n_values * sizeof(double));
        p += d->acc[k].n_values * sizeof(double);
        memcpy(p, s->w, sizeof(mps_welford) * MPS_N_W);
        p += sizeof(mps_welford) * MPS_N_W;
    }
    if (d->block_metrics) {
        size_t bytes = d->n * sizeof(double) * MPSIM_N_METRICS * BLOCK_PATHS;
        memcpy(p, block_metrics_of(d, b), bytes);
        p += bytes;
    }
    return p;
}

static const unsigned char *unpack_block(mps_driver *d, int b, const unsigned char *p)
{
    for (size_t k = 0; k < d->n; k++) {
        mps_sums *s = &d->slots[(size_t)b * d->n + k];
        memcpy(s->values, p, d->acc[k].n_values * sizeof(double));
        p += d->acc[k].n_values * sizeof(double);
        memcpy(s->w, p, sizeof(mps_welford) * MPS_N_W);
        p += sizeof(mps_welford) * MPS_N_W;
    }
    if (d->block_metrics) {
        size_t bytes = d->n * sizeof(double) * MPSIM_N_METRICS * BLOCK_PATHS;
        memcpy(block_metrics_of(d, b), p, bytes);
        p += bytes;
    }
    return p;
}

int mps_exchange_round(mps_driver *d, int nb)
{
    if (d->size == 1)
        return MPSIM_OK;
    size_t *counts = d->counts;
    for (int r = 0; r < d->size; r++)
        counts[r] = (size_t)mps_exchange_local_blocks(nb, r, d->size) * d->block_bytes;
    unsigned char *p = d->send;
    for (int b = d->rank; b < nb; b += d->size)
        p = pack_block(d, b, p);
    int status = mps_comm_gather(d->send, counts[d->rank], d->recv, counts);
    if (status == MPSIM_OK && d->rank == 0) {
        /* Rank 0's own blocks are in place already; the others' follow
         * in rank order, each rank's in block order. */
        const unsigned char *q = d->recv + counts[0];
        for (int r = 1; r < d->size; r++)
            for (int b = r; b < nb; b += d->size)
                q = unpack_block(d, b, q);
    }
    return status;
}

/* Hands the round's per-path metrics, paths [first, end), to the sink,
 * packed metric-major for n = end - first paths. */
static int sink_round(mps_driver *d, const mpsim_run_options *opt, uint64_t first, uint64_t end,
                      mpsim_errors *errs)
{
    const uint64_t n = end - first;
    for (size_t k = 0; k < d->n; k++) {
        double *buf = d->round_metrics[k];
        /* Close the gaps of a short last round in place: metric m moves
         * from m * ROUND_PATHS to m * n, never over a metric still to move. */
        for (int m = 1; n < ROUND_PATHS && m < MPSIM_N_METRICS; m++)
            memmove(buf + (size_t)m * n, buf + (size_t)m * ROUND_PATHS, sizeof(double) * n);
        int status = opt->paths_sink(opt->paths_sink_ctx, k, first, n, buf, errs);
        if (status != MPSIM_OK)
            return status;
    }
    return MPSIM_OK;
}

int mps_exchange_collect(mps_driver *d, const mpsim_run_options *opt, uint64_t round, int nb,
                         uint64_t end, mpsim_errors *errs)
{
    for (int b = 0; b < nb; b++)
        for (size_t k = 0; k < d->n; k++)
            mps_sums_merge(&d->acc[k].sums, &d->slots[(size_t)b * d->n + k], d->acc[k].n_values);
    const uint64_t first = round * BLOCK_PATHS;
    for (int b = 0; d->block_metrics && b < nb; b++)
        for (size_t k = 0; k < d->n; k++) {
            const double *pm = block_metrics_of(d, b) + k * MPSIM_N_METRICS * BLOCK_PATHS;
            const uint64_t p0 = first + (uint64_t)b * BLOCK_PATHS;
            const size_t len = (size_t)((end - p0) < BLOCK_PATHS ? end - p0 : BLOCK_PATHS);
            for (int m = 0; m < MPSIM_N_METRICS; m++) {
                const double *src = pm + (size_t)m * BLOCK_PATHS;
                if (!d->acc[k].streamed)
                    memcpy(d->acc[k].metric[m] + p0, src, sizeof(double) * len);
                if (d->round_metrics)
                    memcpy(d->round_metrics[k] + (size_t)m * ROUND_PATHS + (p0 - first), src,
                           sizeof(double) * len);
            }
        }
    return d->round_metrics ? sink_round(d, opt, first, end, errs) : MPSIM_OK;
}

/* Sums one scenario's tally over ranks into rank 0's. */
static int reduce_tally(mps_tally *t, const mps_accum *shape)
{
    uint64_t counters[4] = {t->bcr_defined, t->bcr_above_1, t->npv_negative, t->b_better};
    const size_t np = (size_t)shape->n_projects;
    const size_t years = (size_t)shape->n_missions * (shape->horizon + 1);
    int ok = mps_comm_minmax(t->min, MPSIM_N_METRICS, 0) == MPSIM_OK &&
             mps_comm_minmax(t->max, MPSIM_N_METRICS, 1) == MPSIM_OK &&
             mps_comm_sum_u64(counters, 4) == MPSIM_OK &&
             mps_comm_sum_u64(t->project_success, np) == MPSIM_OK &&
             mps_comm_sum_u64(t->project_stopped, np) == MPSIM_OK &&
             mps_comm_sum_u64(t->mission_year, years) == MPSIM_OK;
    mps_fan *fans[2] = {&t->fan, shape->streamed ? &t->metrics : NULL};
    for (int i = 0; ok && i < 2 && fans[i]; i++)
        ok = mps_comm_sum_u64(fans[i]->counts, fans[i]->cells * fans[i]->bins) == MPSIM_OK &&
             mps_comm_minmax(fans[i]->min, fans[i]->cells, 0) == MPSIM_OK &&
             mps_comm_minmax(fans[i]->max, fans[i]->cells, 1) == MPSIM_OK;
    t->bcr_defined = counters[0];
    t->bcr_above_1 = counters[1];
    t->npv_negative = counters[2];
    t->b_better = counters[3];
    return ok ? MPSIM_OK : MPSIM_ERR_FAIL;
}

static int reset_tally(mps_tally *t, const mps_accum *shape)
{
    mps_tally_free(t);
    return mps_tally_init(t, shape);
}

int mps_exchange_tallies(mps_driver *d, int reset)
{
    int ok = 1;
    for (int i = 0; i < d->threads; i++)
        for (size_t k = 0; k < d->n; k++) {
            mps_tally_merge(&d->acc[k].tally, &d->t[i].tally[k], &d->acc[k]);
            if (reset)
                ok = ok && reset_tally(&d->t[i].tally[k], &d->acc[k]) == MPSIM_OK;
        }
    /* Every rank takes part in every reduction even after a failure here,
     * so that no rank is left waiting; the failure is agreed after. */
    for (size_t k = 0; d->size > 1 && k < d->n; k++) {
        ok = reduce_tally(&d->acc[k].tally, &d->acc[k]) == MPSIM_OK && ok;
        if (reset && d->rank != 0)
            ok = ok && reset_tally(&d->acc[k].tally, &d->acc[k]) == MPSIM_OK;
    }
    /* One rank (a serial run, -np 1, or a local run on one rank of many)
     * has nobody to agree with, and must not make a collective call. */
    int bad = !ok;
    if (d->size > 1)
        mps_comm_max_int(&bad, 1);
    return bad ? MPSIM_ERR_FAIL : MPSIM_OK;
}
