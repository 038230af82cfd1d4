/*
 * mpsim-nullmodel-record: runs the real model on paths and writes, chunk by
 * chunk, every random draw it made to stdout (the draw log, draw_log.h),
 * for mpsim-nullmodel to replay and time.  mpsim-nullmodel starts it:
 *
 *   mpsim-nullmodel-record PORTFOLIO.yaml [--paths N] [--chunk C] [--seed S]
 *                          [--first P] [--handshake]
 *
 * With --handshake it reads one byte from stdin before each chunk (and
 * stops at end of file), so that it never computes while the timer times:
 * on a 2-core machine the two would otherwise compete for the cores.
 *
 * How draws are caught: this program is linked with GNU ld's
 * --wrap=SYMBOL for each function through which the model draws
 * (mps_rng_seat, mps_dist_sample, mps_uniform_at, and the two GSL samplers
 * the model calls itself, gsl_ran_poisson and gsl_ran_ugaussian), so every
 * call to SYMBOL from the engine library lands in __wrap_SYMBOL below,
 * which logs it and calls the real one (__real_SYMBOL).  The engine's
 * sources stay untouched and the library is the ordinary one; only this
 * program pays for the interception, and the timer links without it.
 * (The __wrap_/__real_ names are reserved identifiers in ISO C; the linker
 * defines that spelling.)
 *
 * Each chunk is checked before it is written: its draws are replayed (the
 * same replay the timer times) while being logged again, and the second
 * log must equal the first draw for draw, including a hash of the
 * generator's state at every reseat.  So the replay makes exactly the
 * engine's draws, consuming exactly as many words of each stream.  A draw
 * made through a function not wrapped here would leave the engine's
 * generator state different from the replay's and fail the check, unless
 * it is stateless (a new direct-uniform function): extend the list above
 * when the random API grows.
 *
 * The log of the thread that runs the paths is _Thread_local: the recorder
 * is single-threaded, but a draw function may be called on any thread and
 * must only ever see its own thread's log.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_randist.h>

#include "common.h"
#include "draw_log.h"
#include "random/dist.h"
#include "random/stream.h"

/* A growing log of draws. */
typedef struct {
    mps_draw *v;
    size_t n, cap;
    int failed;          /* growing failed: the log is incomplete */
    int depth;           /* > 0 inside mps_dist_sample: its inner GSL calls are part of it */
    const gsl_rng *last; /* generator of the last seat */
} rec_log;

static _Thread_local rec_log *rec_current;

static void rec_push(rec_log *L, uint32_t kind, uint32_t aux, uint64_t w0, uint64_t w1,
                     uint64_t w2, uint64_t out)
{
    if (L->n == L->cap) {
        size_t cap = L->cap ? 2 * L->cap : 65536;
        mps_draw *v = realloc(L->v, cap * sizeof *v);
        if (!v) {
            L->failed = 1;
            return;
        }
        L->v = v;
        L->cap = cap;
    }
    mps_draw *d = &L->v[L->n++];
    d->kind = kind;
    d->aux = aux;
    d->w[0] = w0;
    d->w[1] = w1;
    d->w[2] = w2;
    d->out = out;
}

static uint64_t dbits(double x)
{
    uint64_t b;
    memcpy(&b, &x, sizeof b);
    return b;
}

/* ------------------------------------------------------------ the wrappers */

void __real_mps_rng_seat(gsl_rng *r, uint64_t seed, uint64_t path, uint64_t key);
double __real_mps_uniform_at(uint64_t seed, uint64_t path, uint64_t key, uint32_t index);
double __real_mps_dist_sample(const mps_dist *d, gsl_rng *r);
unsigned int __real_gsl_ran_poisson(const gsl_rng *r, double mu);
double __real_gsl_ran_ugaussian(const gsl_rng *r);

void __wrap_mps_rng_seat(gsl_rng *r, uint64_t seed, uint64_t path, uint64_t key);
double __wrap_mps_uniform_at(uint64_t seed, uint64_t path, uint64_t key, uint32_t index);
double __wrap_mps_dist_sample(const mps_dist *d, gsl_rng *r);
unsigned int __wrap_gsl_ran_poisson(const gsl_rng *r, double mu);
double __wrap_gsl_ran_ugaussian(const gsl_rng *r);

void __wrap_mps_rng_seat(gsl_rng *r, uint64_t seed, uint64_t path, uint64_t key)
{
    rec_log *L = rec_current;
    if (L) {
        /* The state the seat is about to replace: where the previous stream
         * of this generator stopped.  Not comparable for the first seat
         * of a log (the generator's earlier history is not in it). */
        uint64_t h = L->last == r ? mps_draw_state_hash(r) : 0u;
        L->last = r;
        rec_push(L, MPS_DRAW_SEAT, 0u, seed, path, key, h);
    }
    __real_mps_rng_seat(r, seed, path, key);
}

double __wrap_mps_uniform_at(uint64_t seed, uint64_t path, uint64_t key, uint32_t index)
{
    double x = __real_mps_uniform_at(seed, path, key, index);
    rec_log *L = rec_current;
    if (L && L->depth == 0)
        rec_push(L, MPS_DRAW_UNIFORM_AT, index, seed, path, key, dbits(x));
    return x;
}

double __wrap_mps_dist_sample(const mps_dist *d, gsl_rng *r)
{
    rec_log *L = rec_current;
    if (!L)
        return __real_mps_dist_sample(d, r);
    L->depth++;
    double x = __real_mps_dist_sample(d, r);
    L->depth--;
    if (L->depth == 0)
        rec_push(L, MPS_DRAW_SAMPLE, (uint32_t)d->kind, dbits(d->a), dbits(d->b), dbits(d->c),
                 dbits(x));
    return x;
}

unsigned int __wrap_gsl_ran_poisson(const gsl_rng *r, double mu)
{
    unsigned int n = __real_gsl_ran_poisson(r, mu);
    rec_log *L = rec_current;
    if (L && L->depth == 0)
        rec_push(L, MPS_DRAW_POISSON, 0u, dbits(mu), 0u, 0u, dbits((double)n));
    return n;
}

double __wrap_gsl_ran_ugaussian(const gsl_rng *r)
{
    double x = __real_gsl_ran_ugaussian(r);
    rec_log *L = rec_current;
    if (L && L->depth == 0)
        rec_push(L, MPS_DRAW_UGAUSSIAN, 0u, 0u, 0u, 0u, dbits(x));
    return x;
}

/* --------------------------------------------------------------- recording */

static void rec_attach(rec_log *L)
{
    L->n = 0;
    L->failed = 0;
    L->depth = 0;
    L->last = NULL;
    rec_current = L;
}

/* Detaches and returns the hash of where the last stream stopped. */
static uint64_t rec_detach(rec_log *L)
{
    rec_current = NULL;
    return L->last ? mps_draw_state_hash(L->last) : 0u;
}

static double log_checksum(const rec_log *L)
{
    double sum = 0.0;
    for (size_t i = 0; i < L->n; i++) {
        if (L->v[i].kind == MPS_DRAW_SEAT)
            continue;
        double x;
        memcpy(&x, &L->v[i].out, sizeof x);
        sum += x;
    }
    return sum;
}

/* Replays log a while logging into b, and compares.  0 when identical. */
static int verify(const rec_log *a, uint64_t end_a, rec_log *b, gsl_rng *r, uint64_t first)
{
    rec_attach(b);
    mps_draw_replay(a->v, a->n, r);
    uint64_t end_b = rec_detach(b);
    if (b->failed) {
        fprintf(stderr, "mpsim-nullmodel-record: out of memory verifying the log\n");
        return -1;
    }
    size_t n = a->n < b->n ? a->n : b->n;
    for (size_t i = 0; i < n; i++) {
        if (memcmp(&a->v[i], &b->v[i], sizeof a->v[i]) != 0) {
            fprintf(stderr,
                    "mpsim-nullmodel-record: the replay differs from the engine at draw %zu of "
                    "the chunk from path %llu (kind %u, replay kind %u)%s\n",
                    i, (unsigned long long)first, a->v[i].kind, b->v[i].kind,
                    a->v[i].kind == MPS_DRAW_SEAT ? ": the previous stream was not consumed "
                                                    "alike (a draw not logged?)"
                                                  : "");
            return -1;
        }
    }
    if (a->n != b->n || end_a != end_b) {
        fprintf(stderr,
                "mpsim-nullmodel-record: the replay differs from the engine at the end of the "
                "chunk from path %llu (%zu draws against %zu)\n",
                (unsigned long long)first, b->n, a->n);
        return -1;
    }
    return 0;
}

static int usage(void)
{
    fprintf(stderr, "usage: mpsim-nullmodel-record PORTFOLIO.yaml [--paths N] [--chunk C] "
                    "[--seed S] [--first P] [--handshake] (started by mpsim-nullmodel)\n");
    return 2;
}

int main(int argc, char **argv)
{
    const char *file = NULL;
    uint64_t paths = 10000, chunk = 1000, seed = 0, first = 0;
    int seed_set = 0, handshake = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        uint64_t *dst = NULL;
        if (!strcmp(a, "--handshake")) {
            handshake = 1;
            continue;
        }
        if (!strcmp(a, "--paths"))
            dst = &paths;
        else if (!strcmp(a, "--chunk"))
            dst = &chunk;
        else if (!strcmp(a, "--seed"))
            dst = &seed, seed_set = 1;
        else if (!strcmp(a, "--first"))
            dst = &first;
        else if (a[0] != '-' && !file) {
            file = a;
            continue;
        } else
            return usage();
        if (i + 1 >= argc || mps_bench_parse_u64(argv[++i], dst) != 0)
            return usage();
    }
    if (!file || paths == 0 || chunk == 0)
        return usage();
    if (isatty(fileno(stdout))) {
        fprintf(stderr, "mpsim-nullmodel-record: stdout is a terminal; pipe it into "
                        "mpsim-nullmodel\n");
        return 2;
    }

    mps_bench_model b;
    if (mps_bench_model_open(&b, file, "mpsim-nullmodel-record") != 0)
        return 1;
    if (!seed_set)
        seed = b.s->seed;

    rec_log la = {0}, lb = {0};
    gsl_rng *rv = gsl_rng_alloc(mps_rng_philox);
    int rc = rv ? 0 : 1;
    for (uint64_t done = 0; rc == 0 && done < paths; done += chunk) {
        uint64_t n = paths - done < chunk ? paths - done : chunk;
        uint64_t p0 = first + done;
        if (handshake && getchar() == EOF)
            break; /* the timer has had enough */
        double t0 = mps_bench_wall();
        rec_attach(&la);
        for (uint64_t p = p0; p < p0 + n; p++)
            mps_path_run(b.m, seed, p, b.w);
        uint64_t end_a = rec_detach(&la);
        if (la.failed) {
            fprintf(stderr, "mpsim-nullmodel-record: out of memory (use a smaller --chunk)\n");
            rc = 1;
            break;
        }
        if (verify(&la, end_a, &lb, rv, p0) != 0) {
            rc = 1;
            break;
        }
        mps_draw_chunk h = {MPS_DRAW_LOG_MAGIC, seed, p0, n, la.n, 0u, log_checksum(&la), 0.0};
        for (size_t i = 0; i < la.n; i++)
            h.n_seats += la.v[i].kind == MPS_DRAW_SEAT;
        h.record_s = mps_bench_wall() - t0;
        if (mps_draw_chunk_write(stdout, &h, la.v) != 0 || fflush(stdout) != 0) {
            fprintf(stderr, "mpsim-nullmodel-record: cannot write the log (reader gone?)\n");
            rc = 1;
        }
    }
    if (rc == 0) {
        mps_draw_chunk end = {MPS_DRAW_LOG_MAGIC, seed, first + paths, 0u, 0u, 0u, 0.0, 0.0};
        if (mps_draw_chunk_write(stdout, &end, NULL) != 0 || fflush(stdout) != 0)
            rc = 1;
    }
    gsl_rng_free(rv);
    free(la.v);
    free(lb.v);
    mps_bench_model_close(&b);
    return rc;
}
