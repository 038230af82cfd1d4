/*
 * The Philox4x32-10 gsl_rng type and keyed stream addressing
 * (model.md section 2; the layout is documented in docs/random-streams.md).
 *
 * A stream is the sequence of 32-bit words produced by Philox4x32-10 under
 *   key     = mix64(seed) XOR stream key        (k[0] low word, k[1] high)
 *   counter = {block, 0, path low 32 bits, path high 32 bits}
 * for block = 0, 1, 2, ...; each block yields four words, consumed in order.
 * Nothing here keeps state between calls other than the gsl_rng's own
 * state, which the caller owns (one per thread), so any thread may compute
 * any (seed, path, key, position) and get the same bits.
 *
 * The stream names (which keys exist) live in streams.c.
 */
#include "random/stream.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <Random123/philox.h>

/* 2^-53: the spacing of the 53-bit uniform grid. */
#define MPS_TWO_M53 (1.0 / 9007199254740992.0)

/* splitmix64's output finaliser (Steele, Lea and Flood 2014): a bijection on
 * 64-bit words with full avalanche, so nearby seeds or hashes give unrelated
 * Philox keys. */
static inline uint64_t mps_mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static inline philox4x32_key_t mps_philox_key(uint64_t seed, uint64_t key)
{
    uint64_t k = mps_mix64(seed) ^ key;
    philox4x32_key_t pk = {{(uint32_t)k, (uint32_t)(k >> 32)}};
    return pk;
}

static inline philox4x32_ctr_t mps_philox_ctr(uint64_t path, uint32_t block)
{
    philox4x32_ctr_t c = {{block, 0u, (uint32_t)path, (uint32_t)(path >> 32)}};
    return c;
}

/* 53 random bits from two words, the first giving the high 27 bits. */
static inline uint64_t mps_bits53(uint32_t hi, uint32_t lo)
{
    return ((uint64_t)(hi >> 5) << 26) | (uint64_t)(lo >> 6);
}

/* ------------------------------------------------------------ gsl_rng type */

/* The generator's state: where the next block comes from and the unread
 * words of the current block.  idx == 4 means the buffer is used up. */
typedef struct {
    philox4x32_key_t key;
    philox4x32_ctr_t ctr; /* counter of the next block to compute */
    philox4x32_ctr_t buf; /* the current block's four words */
    unsigned idx;         /* next unread word of buf, 0..4 */
    uint32_t flip;        /* 0, or all ones on the mirrored path of a pair */
} mps_philox_state;

/* All ones when the path code has the mirror flag (MPS_PATH_MIRROR). */
static inline uint32_t mps_path_flip(uint64_t code)
{
    return (code & MPS_PATH_MIRROR) ? UINT32_C(0xffffffff) : 0u;
}

static void mps_philox_seat_state(mps_philox_state *st, uint64_t seed, uint64_t path,
                                  uint64_t key)
{
    st->key = mps_philox_key(seed, key);
    st->ctr = mps_philox_ctr(path & ~MPS_PATH_MIRROR, 0u);
    st->idx = 4u;
    st->flip = mps_path_flip(path);
}

static inline uint32_t mps_philox_next(mps_philox_state *st)
{
    if (st->idx >= 4u) {
        st->buf = philox4x32(st->ctr, st->key);
        /* The block index is word 0; a stream longer than 2^32 blocks
         * (2^34 words, far beyond any path) carries into word 1 rather
         * than wrapping onto its own start. */
        if (++st->ctr.v[0] == 0u)
            ++st->ctr.v[1];
        st->idx = 0u;
    }
    return st->buf.v[st->idx++] ^ st->flip;
}

static void mps_philox_set(void *vstate, unsigned long int s)
{
    mps_philox_seat_state(vstate, (uint64_t)s, 0u, 0u);
}

static unsigned long int mps_philox_get(void *vstate)
{
    return mps_philox_next(vstate);
}

/* A 53-bit uniform in [0, 1) from the next two words, so GSL's
 * distributions see full double resolution rather than 32 bits. */
static double mps_philox_get_double(void *vstate)
{
    mps_philox_state *st = vstate;
    uint32_t hi = mps_philox_next(st);
    uint32_t lo = mps_philox_next(st);
    return (double)mps_bits53(hi, lo) * MPS_TWO_M53;
}

static const gsl_rng_type mps_rng_philox_type = {
    "philox4x32-10",          /* name */
    UINT32_C(0xffffffff),     /* max */
    0,                        /* min */
    sizeof(mps_philox_state), /* size */
    &mps_philox_set,
    &mps_philox_get,
    &mps_philox_get_double,
};

const gsl_rng_type *mps_rng_philox = &mps_rng_philox_type;

void mps_rng_seat(gsl_rng *r, uint64_t seed, uint64_t path, uint64_t key)
{
    mps_philox_seat_state(r->state, seed, path, key);
}

double mps_uniform_at(uint64_t seed, uint64_t path, uint64_t key, uint32_t index)
{
    philox4x32_ctr_t out =
        philox4x32(mps_philox_ctr(path & ~MPS_PATH_MIRROR, index), mps_philox_key(seed, key));
    const uint32_t flip = mps_path_flip(path);
    uint64_t x = mps_bits53(out.v[0] ^ flip, out.v[1] ^ flip);
    /* x * 2^-53 lies in [0, 1 - 2^-53], every value exact.  Only x == 0
     * would touch the closed end; it becomes 2^-54, half a grid step, so
     * the result is in the open interval (0, 1) that inverse CDFs and logs
     * need.  (A midpoint grid (x + 0.5) * 2^-53 is not representable near
     * 1 and would round to 1.0.) */
    if (x == 0u)
        return 0.5 * MPS_TWO_M53;
    return (double)x * MPS_TWO_M53;
}

/* ------------------------------------------------------------- stream keys */

uint64_t mps_stream_subkey(uint64_t key, uint64_t index)
{
    return mps_mix64(key ^ mps_mix64(index + 1u));
}

static uint64_t mps_fnv1a64(const char *s)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (const unsigned char *p = (const unsigned char *)s; *p; ++p) {
        h ^= *p;
        h *= UINT64_C(0x100000001b3);
    }
    return h;
}

uint64_t mps_stream_key(const char *name)
{
    return mps_mix64(mps_fnv1a64(name ? name : ""));
}

uint64_t mps_stream_keyf(const char *fmt, ...)
{
    /* Names are short ("project/<id>/gate/<k>"), so the stack buffer is the
     * normal case; it is per call, never shared between threads. */
    char local[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(local, sizeof local, fmt, ap);
    va_end(ap);
    if (n < 0)
        return mps_stream_key(""); /* an encoding error: nothing to hash */
    if ((size_t)n < sizeof local)
        return mps_stream_key(local);

    /* Long names (long project ids) are hashed in full, so two ids that
     * share a 255-byte prefix still get different streams.  If the heap is
     * exhausted the truncated name is hashed instead: the run still gets a
     * deterministic key, and only such pathological pairs could collide. */
    char *big = malloc((size_t)n + 1u);
    if (!big)
        return mps_stream_key(local);
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1u, fmt, ap);
    va_end(ap);
    uint64_t k = mps_stream_key(big);
    free(big);
    return k;
}
