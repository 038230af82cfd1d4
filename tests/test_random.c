/*
 * Tests of the keyed Philox streams (engine/random/stream.c, stream_names.c;
 * docs/random-streams.md): known answers, the key/counter layout, purity,
 * and statistical sanity of the uniforms.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <Random123/philox.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "random/stream.h"
#include "random/stream_names.h"

#define TWO_M53 (1.0 / 9007199254740992.0)

/* The splitmix64 finaliser, written out again here so the layout test does
 * not trust the engine's copy.  Checked against a published value below. */
static uint64_t ref_mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* Block `block` of stream (seed, path, key), from the documented layout. */
static philox4x32_ctr_t ref_block(uint64_t seed, uint64_t path, uint64_t key, uint32_t block)
{
    uint64_t k = ref_mix64(seed) ^ key;
    philox4x32_key_t pk = {{(uint32_t)k, (uint32_t)(k >> 32)}};
    philox4x32_ctr_t c = {{block, 0u, (uint32_t)path, (uint32_t)(path >> 32)}};
    return philox4x32(c, pk);
}

static double ref_u53(uint32_t hi, uint32_t lo)
{
    uint64_t x = ((uint64_t)(hi >> 5) << 26) | (lo >> 6);
    return (double)x * TWO_M53;
}

/* Random123's published known-answer vectors for Philox4x32-10, from
 * tests/kat_vectors of github.com/DEShawResearch/random123 (the three
 * "philox4x32 10" lines: counter[4] key[2] -> output[4]).  Debian's
 * librandom123-dev ships no kat file; these lines were checked against
 * several independent copies of that file.  A broken header, wrong round
 * count or miscompiled multiply fails here. */
static void test_philox_kat(void **state)
{
    (void)state;
    static const struct {
        uint32_t ctr[4], key[2], out[4];
    } kat[] = {
        {{0x00000000, 0x00000000, 0x00000000, 0x00000000},
         {0x00000000, 0x00000000},
         {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}},
        {{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff},
         {0xffffffff, 0xffffffff},
         {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}},
        {{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344},
         {0xa4093822, 0x299f31d0},
         {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}},
    };
    for (size_t i = 0; i < sizeof kat / sizeof kat[0]; ++i) {
        philox4x32_ctr_t c = {{kat[i].ctr[0], kat[i].ctr[1], kat[i].ctr[2], kat[i].ctr[3]}};
        philox4x32_key_t k = {{kat[i].key[0], kat[i].key[1]}};
        philox4x32_ctr_t r = philox4x32(c, k);
        for (int j = 0; j < 4; ++j)
            assert_int_equal(r.v[j], kat[i].out[j]);
    }
}

/* Published values: splitmix64 seeded with 0 first outputs
 * mix(0x9e3779b97f4a7c15) = 0xe220a8397b1dcdaf (Vigna's splitmix64.c);
 * FNV-1a 64 of "a" is 0xaf63dc4c8601ec8c and of "foobar" 0x85944171f73967e8
 * (the FNV reference test suite). */
static void test_key_hash_known_answers(void **state)
{
    (void)state;
    assert_true(ref_mix64(UINT64_C(0x9e3779b97f4a7c15)) == UINT64_C(0xe220a8397b1dcdaf));
    assert_true(mps_stream_key("a") == ref_mix64(UINT64_C(0xaf63dc4c8601ec8c)));
    assert_true(mps_stream_key("foobar") == ref_mix64(UINT64_C(0x85944171f73967e8)));
    assert_true(mps_stream_key("") == ref_mix64(UINT64_C(0xcbf29ce484222325)));
}

static void test_rng_type(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(mps_rng_philox);
    assert_non_null(r);
    assert_string_equal(gsl_rng_name(r), "philox4x32-10");
    assert_true(gsl_rng_max(r) == 0xffffffffUL);
    assert_true(gsl_rng_min(r) == 0UL);
    gsl_rng_free(r);
}

/* gsl_rng_get returns the words of blocks 0, 1, 2, ... in order, with the
 * documented key and counter; get_double joins the next two words. */
static void test_stream_layout(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(mps_rng_philox);
    const uint64_t seed = 20250101u, key = mps_stream_key("project/a/benefit");
    const uint64_t path = UINT64_C(0x0000000500000007); /* both halves used */
    mps_rng_seat(r, seed, path, key);
    for (uint32_t b = 0; b < 5; ++b) {
        philox4x32_ctr_t want = ref_block(seed, path, key, b);
        for (int j = 0; j < 4; ++j)
            assert_true(gsl_rng_get(r) == want.v[j]);
    }
    /* Doubles: words 0,1 then 2,3 of block 0 after a reseat. */
    mps_rng_seat(r, seed, path, key);
    philox4x32_ctr_t b0 = ref_block(seed, path, key, 0);
    assert_true(gsl_rng_uniform(r) == ref_u53(b0.v[0], b0.v[1]));
    assert_true(gsl_rng_uniform(r) == ref_u53(b0.v[2], b0.v[3]));
    /* A word then a double: the double spans the word boundary in order. */
    mps_rng_seat(r, seed, path, key);
    (void)gsl_rng_get(r);
    assert_true(gsl_rng_uniform(r) == ref_u53(b0.v[1], b0.v[2]));

    /* gsl_rng_set(r, s) is stream key 0 of path 0. */
    gsl_rng_set(r, 77u);
    philox4x32_ctr_t s0 = ref_block(77u, 0u, 0u, 0);
    assert_true(gsl_rng_get(r) == s0.v[0]);
    gsl_rng_free(r);
}

static void test_uniform_at_layout(void **state)
{
    (void)state;
    const uint64_t seed = 3u, path = 12345u, key = mps_stream_key("x");
    for (uint32_t i = 0; i < 100; ++i) {
        philox4x32_ctr_t b = ref_block(seed, path, key, i);
        double want = ref_u53(b.v[0], b.v[1]);
        if (want == 0.0)
            want = 0.5 * TWO_M53;
        assert_true(mps_uniform_at(seed, path, key, i) == want);
    }
    /* The largest block index is reachable too. */
    philox4x32_ctr_t b = ref_block(seed, path, key, UINT32_MAX);
    assert_true(mps_uniform_at(seed, path, key, UINT32_MAX) == ref_u53(b.v[0], b.v[1]));
}

/* Reseating restarts the same sequence; any change of seed, path (low or
 * high half) or key gives a different one. */
static void test_purity(void **state)
{
    (void)state;
    enum { N = 64 };
    gsl_rng *r = gsl_rng_alloc(mps_rng_philox);
    const uint64_t seed = 1u, key = mps_key_project("p1", MPS_PURPOSE_BENEFIT);
    unsigned long ref[N], again[N];
    mps_rng_seat(r, seed, 9u, key);
    for (int i = 0; i < N; ++i)
        ref[i] = gsl_rng_get(r);
    /* Use the generator on another stream in between, then come back. */
    mps_rng_seat(r, seed, 10u, key);
    for (int i = 0; i < 17; ++i)
        (void)gsl_rng_uniform(r);
    mps_rng_seat(r, seed, 9u, key);
    for (int i = 0; i < N; ++i)
        again[i] = gsl_rng_get(r);
    assert_memory_equal(ref, again, sizeof ref);

    const struct {
        uint64_t seed, path, key;
    } other[] = {
        {2u, 9u, key},
        {seed, 10u, key},
        {seed, 9u | (UINT64_C(1) << 32), key},
        {seed, 9u, mps_key_project("p1", MPS_PURPOSE_OVERRUN)},
        {seed, 9u, mps_key_project("p2", MPS_PURPOSE_BENEFIT)},
    };
    for (size_t k = 0; k < sizeof other / sizeof other[0]; ++k) {
        mps_rng_seat(r, other[k].seed, other[k].path, other[k].key);
        int same = 0;
        for (int i = 0; i < N; ++i)
            same += gsl_rng_get(r) == ref[i];
        /* Equal 32-bit words by chance: expected 64 / 2^32. */
        assert_true(same <= 1);
    }
    gsl_rng_free(r);
}

/* uniform_at is a pure function of its index: forward, backward and
 * scattered access agree, and it matches the seated generator's block. */
static void test_uniform_at_order(void **state)
{
    (void)state;
    enum { N = 200 };
    double fwd[N], bwd[N];
    const uint64_t key = mps_key_project("p", MPS_PURPOSE_CHURN);
    for (int i = 0; i < N; ++i)
        fwd[i] = mps_uniform_at(5u, 42u, key, (uint32_t)i);
    for (int i = N - 1; i >= 0; --i)
        bwd[i] = mps_uniform_at(5u, 42u, key, (uint32_t)i);
    assert_memory_equal(fwd, bwd, sizeof fwd);
    for (int i = 0; i < N; i += 37)
        assert_true(mps_uniform_at(5u, 42u, key, (uint32_t)i) == fwd[i]);

    /* The seated generator reaches block i after 4 i words. */
    gsl_rng *r = gsl_rng_alloc(mps_rng_philox);
    mps_rng_seat(r, 5u, 42u, key);
    for (int i = 0; i < 3 * 4; ++i)
        (void)gsl_rng_get(r);
    assert_true(gsl_rng_uniform(r) == fwd[3]);
    gsl_rng_free(r);
}

static void test_names(void **state)
{
    (void)state;
    assert_true(mps_key_project("solar", "benefit") == mps_stream_key("project/solar/benefit"));
    assert_true(mps_key_gate("solar", 2, 0) == mps_stream_key("project/solar/gate/2"));
    assert_true(mps_key_gate("solar", 2, 1) == mps_stream_key("project/solar/gate/2/1"));
    assert_true(mps_key_economy_regime() == mps_stream_key("economy/regime"));
    assert_true(mps_key_economy_crowding_in() == mps_stream_key("economy/crowding_in"));
    assert_true(mps_key_economy_multiplier("CDEL", "slack") ==
                mps_stream_key("economy/multiplier/CDEL/slack"));
    assert_true(mps_key_economy_multiplier("RDEL", NULL) ==
                mps_stream_key("economy/multiplier/RDEL"));
    assert_true(mps_stream_keyf("a/%d/%s", 7, "b") == mps_stream_key("a/7/b"));

    /* All the names a small scenario uses are distinct. */
    uint64_t keys[] = {
        mps_key_project("a", MPS_PURPOSE_OVERRUN),    mps_key_project("a", MPS_PURPOSE_DELAY),
        mps_key_project("a", MPS_PURPOSE_BENEFIT),    mps_key_project("a", MPS_PURPOSE_CHURN),
        mps_key_project("a", MPS_PURPOSE_SIGNAL),     mps_key_project("a", MPS_PURPOSE_SPILLOVER),
        mps_key_project("a", MPS_PURPOSE_PREVENTION), mps_key_project("b", MPS_PURPOSE_OVERRUN),
        mps_key_project("ab", MPS_PURPOSE_OVERRUN),   mps_key_gate("a", 1, 0),
        mps_key_gate("a", 1, 1),                      mps_key_gate("a", 2, 0),
        mps_key_gate("a", 11, 0),                     mps_key_economy_regime(),
        mps_key_economy_crowding_in(),                mps_key_economy_multiplier("CDEL", "boom"),
        mps_key_economy_multiplier("CDEL", "slack"),  mps_key_economy_multiplier("CDEL", NULL),
        mps_key_economy_multiplier("RDEL", "boom"),
    };
    size_t n = sizeof keys / sizeof keys[0];
    for (size_t i = 0; i < n; ++i)
        for (size_t j = i + 1; j < n; ++j)
            assert_true(keys[i] != keys[j]);
}

/* Names longer than the formatting buffer are hashed in full. */
static void test_long_names(void **state)
{
    (void)state;
    enum { LEN = 1000 };
    char *id1 = malloc(LEN + 1), *id2 = malloc(LEN + 1);
    char *full = malloc(LEN + 64);
    assert_non_null(id1);
    assert_non_null(id2);
    assert_non_null(full);
    memset(id1, 'x', LEN);
    memset(id2, 'x', LEN);
    id1[LEN] = id2[LEN] = '\0';
    id2[LEN - 1] = 'y'; /* differs only past any plausible buffer */
    uint64_t k1 = mps_key_project(id1, MPS_PURPOSE_BENEFIT);
    uint64_t k2 = mps_key_project(id2, MPS_PURPOSE_BENEFIT);
    assert_true(k1 != k2);
    strcpy(full, "project/");
    strcat(full, id1);
    strcat(full, "/benefit");
    assert_true(k1 == mps_stream_key(full));
    free(id1);
    free(id2);
    free(full);
}

/* Chi-square of mps_uniform_at over 100 equal bins across many paths (the
 * way churn and gates use it), with its range; the test fails if the
 * statistic's upper tail probability is below 1e-6.  Also the mean within 4
 * standard errors and the lag-1 correlation between neighbouring paths. */
static void test_uniform_at_uniformity(void **state)
{
    (void)state;
    enum { N = 200000, BINS = 100 };
    static unsigned long count[BINS];
    memset(count, 0, sizeof count);
    const uint64_t key = mps_key_gate("g", 1, 0);
    double sum = 0.0, sum2 = 0.0, cross = 0.0, prev = 0.0;
    for (uint64_t p = 0; p < N; ++p) {
        double u = mps_uniform_at(11u, p, key, 0);
        assert_true(u > 0.0 && u < 1.0);
        count[(int)(u * BINS)]++;
        sum += u;
        sum2 += u * u;
        if (p > 0)
            cross += (u - 0.5) * (prev - 0.5);
        prev = u;
    }
    double expect = (double)N / BINS, chi2 = 0.0;
    for (int b = 0; b < BINS; ++b)
        chi2 += (count[b] - expect) * (count[b] - expect) / expect;
    assert_true(gsl_cdf_chisq_Q(chi2, BINS - 1) > 1e-6);

    double mean = sum / N, var = (sum2 - N * mean * mean) / (N - 1);
    assert_true(fabs(mean - 0.5) < 4.0 * sqrt(var / N));
    /* Correlation of neighbours: each product has sd var, so the sum's
     * standard error is var * sqrt(N - 1). */
    assert_true(fabs(cross) < 4.0 * var * sqrt((double)(N - 1)));

    /* Along one stream (positions 0 .. N-1 of one path) as well. */
    memset(count, 0, sizeof count);
    for (uint32_t i = 0; i < N; ++i)
        count[(int)(mps_uniform_at(11u, 3u, key, i) * BINS)]++;
    chi2 = 0.0;
    for (int b = 0; b < BINS; ++b)
        chi2 += (count[b] - expect) * (count[b] - expect) / expect;
    assert_true(gsl_cdf_chisq_Q(chi2, BINS - 1) > 1e-6);
}

/* The generator serves GSL's own samplers: uniform doubles in [0, 1),
 * 32-bit words over the whole range, and Gaussian moments within 4 SE. */
static void test_gsl_samplers(void **state)
{
    (void)state;
    enum { N = 200000 };
    gsl_rng *r = gsl_rng_alloc(mps_rng_philox);
    mps_rng_seat(r, 99u, 0u, mps_stream_key("test/gsl"));
    unsigned long top = 0;
    int high_bit = 0;
    double umin = 1.0, umax = 0.0;
    for (int i = 0; i < N; ++i) {
        unsigned long w = gsl_rng_get(r);
        assert_true(w <= 0xffffffffUL);
        top = w > top ? w : top;
        high_bit += (w >> 31) & 1u;
        double u = gsl_rng_uniform(r);
        assert_true(u >= 0.0 && u < 1.0);
        umin = u < umin ? u : umin;
        umax = u > umax ? u : umax;
    }
    /* The top bit is set half the time (binomial, 4 sd) and values reach
     * close to 2^32 and to both ends of [0, 1). */
    assert_true(fabs(high_bit - N / 2.0) < 4.0 * sqrt(N / 4.0));
    assert_true(top > 0xffff0000UL);
    assert_true(umin < 1e-4 && umax > 1.0 - 1e-4);

    double sum = 0.0, sum2 = 0.0;
    for (int i = 0; i < N; ++i) {
        double z = gsl_ran_gaussian(r, 2.0);
        sum += z;
        sum2 += z * z;
    }
    double mean = sum / N, var = (sum2 - N * mean * mean) / (N - 1);
    assert_true(fabs(mean) < 4.0 * sqrt(var / N));
    /* Var of the sample variance of a normal: 2 sigma^4 / (N - 1). */
    assert_true(fabs(var - 4.0) < 4.0 * sqrt(2.0 * var * var / (N - 1)));
    gsl_rng_free(r);
}

/* Antithetic pairs: the mirrored member of a pair reads every word of the
 * same streams complemented, so its uniforms are 1 - u to within 2^-53 and
 * a polar-method normal is exactly negated. */
static void test_mirrored_paths(void **state)
{
    (void)state;
    const uint64_t seed = 99, key = mps_stream_key("project/x/benefit");
    assert_int_equal(mps_path_code(6, 0), 6);
    assert_int_equal(mps_path_code(6, 1), 3);
    assert_true(mps_path_code(7, 1) == (3 | MPS_PATH_MIRROR));
    gsl_rng *a = gsl_rng_alloc(mps_rng_philox), *b = gsl_rng_alloc(mps_rng_philox);
    mps_rng_seat(a, seed, 3, key);
    mps_rng_seat(b, seed, 3 | MPS_PATH_MIRROR, key);
    for (int i = 0; i < 64; i++)
        assert_int_equal(gsl_rng_get(a) ^ gsl_rng_get(b), 0xffffffffUL);
    mps_rng_seat(a, seed, 3, key);
    mps_rng_seat(b, seed, 3 | MPS_PATH_MIRROR, key);
    for (int i = 0; i < 64; i++) {
        double za = gsl_ran_gaussian(a, 1.0), zb = gsl_ran_gaussian(b, 1.0);
        assert_true(fabs(za + zb) < 1e-12 * (1.0 + fabs(za)));
    }
    for (uint32_t j = 0; j < 64; j++) {
        double u = mps_uniform_at(seed, 3, key, j);
        double v = mps_uniform_at(seed, 3 | MPS_PATH_MIRROR, key, j);
        assert_true(v > 0.0 && v < 1.0);
        assert_true(fabs(u + v - 1.0) <= 2.0 / 9007199254740992.0);
    }
    /* The first member of pair i (path 2i) reads the streams of plain path i. */
    mps_rng_seat(a, seed, 3, key);
    uint32_t first_plain = (uint32_t)gsl_rng_get(a);
    mps_rng_seat(b, seed, mps_path_code(6, 1), key);
    assert_int_equal(first_plain, gsl_rng_get(b));
    gsl_rng_free(a);
    gsl_rng_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_philox_kat),
        cmocka_unit_test(test_key_hash_known_answers),
        cmocka_unit_test(test_rng_type),
        cmocka_unit_test(test_stream_layout),
        cmocka_unit_test(test_uniform_at_layout),
        cmocka_unit_test(test_purity),
        cmocka_unit_test(test_uniform_at_order),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_long_names),
        cmocka_unit_test(test_uniform_at_uniformity),
        cmocka_unit_test(test_gsl_samplers),
        cmocka_unit_test(test_mirrored_paths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
