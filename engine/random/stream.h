/*
 * Keyed counter-based random streams (model.md section 2).
 *
 * Every variate is a pure function of (seed, path, stream key, position).
 * A stream key is a 64-bit hash of a stable name such as
 * "project/<id>/benefit"; the names are built only by the functions in
 * stream_names.c, so the list of stream purposes lives in one place.
 *
 * Philox4x32-10 (Random123) computes 4 x 32 random bits from a 128-bit
 * counter and a 64-bit key.  Layout:
 *   key     = mix64(seed) XOR stream key          (two 32-bit words)
 *   counter = {block index, 0, path low 32 bits, path high 32 bits}
 * where `block index` counts 4-word blocks within the stream.
 */
#ifndef MPS_STREAM_H
#define MPS_STREAM_H

#include <stddef.h>
#include <stdint.h>
#include <gsl/gsl_rng.h>

/** A path code is a path index, or, for antithetic variates, the index of
 *  a pair with this bit set on its second (mirrored) member: every 32-bit
 *  word of a mirrored path's streams is complemented, so each uniform u
 *  becomes 1 - u (to within 2^-53) and draws by inversion or by the polar
 *  method are mirrored.  Functions here taking a `path` take a path code. */
#define MPS_PATH_MIRROR (UINT64_C(1) << 63)

/** The path code of path p: p itself, or with antithetic pairs (2i, 2i+1)
 *  the pair index i, mirrored on the odd member. */
static inline uint64_t mps_path_code(uint64_t p, int antithetic)
{
    return antithetic ? (p >> 1) | ((p & 1u) ? MPS_PATH_MIRROR : 0u) : p;
}

/** The gsl_rng type "philox4x32-10".  gsl_rng_set(r, s) seats it on stream
 *  key 0 of path 0 with seed s; use mps_rng_seat to choose a stream. */
extern const gsl_rng_type *mps_rng_philox;

/** 64-bit key of a stream name (FNV-1a then a splitmix64 finaliser). */
uint64_t mps_stream_key(const char *name);

/** Key of the name built from printf-style arguments; the name is formatted
 *  into a local buffer, long names are hashed in full (no truncation). */
uint64_t mps_stream_keyf(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/** Re-seats a philox gsl_rng at position 0 of stream (seed, path, key).
 *  Cheap: no allocation.  r must be of type mps_rng_philox. */
void mps_rng_seat(gsl_rng *r, uint64_t seed, uint64_t path, uint64_t key);

/** The index-th uniform in (0, 1) of stream (seed, path, key), computed
 *  directly (for decisions drawn once per position, such as churn in build
 *  year j).  Uses block `index` and its first two words (53 bits). */
double mps_uniform_at(uint64_t seed, uint64_t path, uint64_t key, uint32_t index);

/** A sub-stream key: a fresh key for position `index` of a family of
 *  streams under `key` (e.g. year t of a project's spillover discoveries),
 *  so that each member is its own stream and its draws do not depend on how
 *  many draws the other members took.  Pure and cheap (two splitmix64
 *  finalisers): mix64(key XOR mix64(index + 1)); the + 1 keeps index 0 from
 *  mapping to key itself. */
uint64_t mps_stream_subkey(uint64_t key, uint64_t index);

/* Stream names (model.md section 2).  All stream keys come from here. */
uint64_t mps_key_project(const char *project_id, const char *purpose);
uint64_t mps_key_gate(const char *project_id, int after, int nth);

#endif
