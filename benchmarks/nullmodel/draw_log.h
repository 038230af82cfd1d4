/*
 * The draw log of the benchmark's null model (benchmarks/README.md).
 *
 * The null model answers "how far is the engine from the random-number
 * limit?": it replays, for every path, exactly the draws the engine made
 * (the same stream seats, distribution samples and direct uniforms, with
 * the same parameters, in the same order) and does nothing else.  A
 * recorder (record.c) runs the real model and logs each draw; a timer
 * (time.c) reads the log, times its replay and times the engine on the same
 * paths.  They are two programs because the recorder intercepts the draw
 * functions at link time (GNU ld --wrap), which would slow the engine it
 * times; the log travels between them through a pipe, chunk by chunk.
 *
 * The log format is for a pipe between two programs of one build on one
 * machine (native byte order and struct layout), never for storage.
 */
#ifndef MPS_BENCH_DRAW_LOG_H
#define MPS_BENCH_DRAW_LOG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <gsl/gsl_rng.h>

/** What a logged draw was, i.e. which function the replay calls. */
typedef enum {
    MPS_DRAW_SEAT = 1,   /**< mps_rng_seat(r, seed, path, key) */
    MPS_DRAW_SAMPLE,     /**< mps_dist_sample(dist, r) on the seated generator */
    MPS_DRAW_UNIFORM_AT, /**< mps_uniform_at(seed, path, key, index) */
    MPS_DRAW_POISSON,    /**< gsl_ran_poisson(r, mean), called by the model itself */
    MPS_DRAW_UGAUSSIAN   /**< gsl_ran_ugaussian(r), called by the model itself */
} mps_draw_kind;

/** One logged draw (40 bytes). */
typedef struct {
    uint32_t kind; /**< mps_draw_kind */
    uint32_t aux;  /**< uniform_at: the index; sample: the mps_dist_kind */
    /** seat, uniform_at: seed, path code, stream key; sample: the bits of
     *  the distribution's a, b, c; poisson: the bits of the mean in w[0]. */
    uint64_t w[3];
    /** The bits of the value returned (a double; Poisson counts as a
     *  double).  For a seat: a hash of the state of the generator the seat
     *  replaced (0 when not comparable), which shows the replay consumed
     *  exactly as many words of each stream as the engine did. */
    uint64_t out;
} mps_draw;

/** The header that precedes each chunk's draws on the pipe; a header with
 *  n_paths == 0 ends the log. */
typedef struct {
    uint64_t magic;      /**< MPS_DRAW_LOG_MAGIC */
    uint64_t seed;
    uint64_t first_path; /**< paths first_path .. first_path + n_paths - 1 */
    uint64_t n_paths;
    uint64_t n_draws;
    uint64_t n_seats;
    double checksum;     /**< sum of the values drawn, in log order */
    double record_s;     /**< seconds the recorder took for the chunk (untimed work) */
} mps_draw_chunk;

#define MPS_DRAW_LOG_MAGIC UINT64_C(0x6d7073696d64726c) /* "mpsimdrl" */

/** Replays n draws on r (a philox generator) with exactly the calls they
 *  record, and returns the sum of the values drawn (the checksum, and a
 *  sink the compiler cannot drop).  Nothing else is done per draw but
 *  unpacking the record. */
double mps_draw_replay(const mps_draw *d, size_t n, gsl_rng *r);

/** FNV-1a hash of a generator's state bytes (never 0). */
uint64_t mps_draw_state_hash(const gsl_rng *r);

/** Writes one chunk (header, then the draws); 0 on success. */
int mps_draw_chunk_write(FILE *f, const mps_draw_chunk *h, const mps_draw *d);

/** Reads one chunk header into h and its draws into *d (grown as needed,
 *  capacity in *cap).  Returns 1 for a chunk, 0 at the end marker, -1 on
 *  an error (short read, bad magic, out of memory). */
int mps_draw_chunk_read(FILE *f, mps_draw_chunk *h, mps_draw **d, size_t *cap);

#endif
