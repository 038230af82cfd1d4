/*
 * Sobol' indices (engine/sensitivity/sobol*.c) against test functions with
 * known analytic indices: Ishigami (Ishigami and Homma 1990; indices as in
 * Saltelli et al. 2008, "Global Sensitivity Analysis: The Primer", 4.6),
 * Sobol's G-function (Saltelli and Sobol' 1995; V_i = 1/(3 (1 + a_i)^2)),
 * and an additive linear model.  Every estimate must lie within 4 of its
 * own bootstrap standard errors of the exact value.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mpsim.h"

/* pi, as PI is not C11. */
#define PI 3.14159265358979323846
#define ISHIGAMI_A 7.0
#define ISHIGAMI_B 0.1

/* ------------------------------------------------------------- models */

static int ishigami(void *ctx, size_t n, const mpsim_sobol_row *rows, const double *x, double *y,
                    mpsim_errors *errs)
{
    (void)ctx;
    (void)rows;
    (void)errs;
    for (size_t r = 0; r < n; r++) {
        const double *v = x + r * 3;
        double x3 = v[2] * v[2];
        y[r] = sin(v[0]) + ISHIGAMI_A * sin(v[1]) * sin(v[1]) + ISHIGAMI_B * x3 * x3 * sin(v[0]);
    }
    return MPSIM_OK;
}

/* Exact Ishigami indices: V1 = (1 + b pi^4 / 5)^2 / 2, V2 = a^2 / 8,
 * V13 = 8 b^2 pi^8 / 225, V = a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2. */
static void ishigami_exact(double s1[3], double st[3])
{
    double a = ISHIGAMI_A, b = ISHIGAMI_B, p4 = pow(PI, 4), p8 = pow(PI, 8);
    double v = a * a / 8 + b * p4 / 5 + b * b * p8 / 18 + 0.5;
    double v1 = 0.5 * pow(1 + b * p4 / 5, 2), v2 = a * a / 8, v13 = 8 * b * b * p8 / 225;
    s1[0] = v1 / v;
    s1[1] = v2 / v;
    s1[2] = 0.0;
    st[0] = (v1 + v13) / v;
    st[1] = v2 / v;
    st[2] = v13 / v;
}

typedef struct {
    size_t k;
    const double *a;
} gfun_ctx;

static int gfunction(void *ctx, size_t n, const mpsim_sobol_row *rows, const double *x, double *y,
                     mpsim_errors *errs)
{
    (void)rows;
    (void)errs;
    const gfun_ctx *g = ctx;
    for (size_t r = 0; r < n; r++) {
        double p = 1.0;
        for (size_t i = 0; i < g->k; i++)
            p *= (fabs(4.0 * x[r * g->k + i] - 2.0) + g->a[i]) / (1.0 + g->a[i]);
        y[r] = p;
    }
    return MPSIM_OK;
}

/* y1 = x1 + 2 x2 + 3 x3; y2 = 5 x1 (only x1 matters); y3 = 4 (constant). */
static int linear3(void *ctx, size_t n, const mpsim_sobol_row *rows, const double *x, double *y,
                   mpsim_errors *errs)
{
    (void)ctx;
    (void)rows;
    (void)errs;
    for (size_t r = 0; r < n; r++) {
        const double *v = x + r * 3;
        y[r * 3] = v[0] + 2.0 * v[1] + 3.0 * v[2];
        y[r * 3 + 1] = 5.0 * v[0];
        y[r * 3 + 2] = 4.0;
    }
    return MPSIM_OK;
}

/* ------------------------------------------------------------- helpers */

static const mpsim_sens_input ishigami_inputs[3] = {
    {"x1", MPSIM_SENS_UNIFORM, -PI, PI, 0},
    {"x2", MPSIM_SENS_UNIFORM, -PI, PI, 0},
    {"x3", MPSIM_SENS_UNIFORM, -PI, PI, 0},
};

static void run(const mpsim_sobol_spec *spec, mpsim_sobol_model f, void *ctx, mpsim_sobol_result *r)
{
    mpsim_errors errs = {0};
    int st = mpsim_sobol(spec, f, ctx, r, &errs);
    if (st != MPSIM_OK)
        mpsim_errors_print(&errs, stderr);
    assert_int_equal(st, MPSIM_OK);
    mpsim_errors_clear(&errs);
}

/* |estimate - exact| <= 4 se, with a message naming what failed. */
static void within_4se(const char *what, size_t i, double est, double se, double exact)
{
    int ok = isfinite(est) && isfinite(se) && se > 0.0 && fabs(est - exact) <= 4.0 * se;
    if (!ok)
        print_error("%s[%zu] = %.6f, se %.6f, exact %.6f (%.1f se off)\n", what, i, est, se, exact,
                    (est - exact) / se);
    assert_true(ok);
}

static void check_indices(const mpsim_sobol_result *r, size_t o, const double *s1, const double *st)
{
    for (size_t i = 0; i < r->k; i++) {
        within_4se("S1", i, r->s1[o * r->k + i], r->s1_se[o * r->k + i], s1[i]);
        within_4se("ST", i, r->st[o * r->k + i], r->st_se[o * r->k + i], st[i]);
        /* The percentile interval brackets its own estimate. */
        assert_true(r->s1_lo[o * r->k + i] <= r->s1[o * r->k + i] + 1e-12);
        assert_true(r->s1_hi[o * r->k + i] >= r->s1[o * r->k + i] - 1e-12);
        assert_true(r->st_lo[o * r->k + i] <= r->st_hi[o * r->k + i]);
    }
}

/* -------------------------------------------------------------- tests */

static void test_ishigami(void **state)
{
    (void)state;
    double s1[3], st[3];
    ishigami_exact(s1, st);
    /* The rounded values of the literature, as a check on the formulas. */
    assert_true(fabs(s1[0] - 0.3139) < 5e-5 && fabs(s1[1] - 0.4424) < 5e-5);
    assert_true(fabs(st[0] - 0.5576) < 5e-5 && fabs(st[2] - 0.2437) < 5e-5);

    mpsim_sobol_spec spec = {0};
    spec.k = 3;
    spec.inputs = ishigami_inputs;
    spec.m = 1;
    spec.n = 1u << 14;
    spec.seed = 20260101;
    mpsim_sobol_result r;
    run(&spec, ishigami, NULL, &r);
    assert_int_equal(r.evaluations, (uint64_t)5 << 14);
    assert_int_equal(r.bootstrap, MPSIM_SENS_BOOTSTRAP);
    assert_string_equal(r.input_names[1], "x2");
    assert_string_equal(r.output_names[0], "y1");
    check_indices(&r, 0, s1, st);
    /* The mean of f is a/2 = 3.5; its variance V above. */
    double v = s1[1] > 0 ? (ISHIGAMI_A * ISHIGAMI_A / 8) / s1[1] : 0;
    double se_mean = sqrt(v / (2.0 * (double)spec.n));
    assert_true(fabs(r.mean[0] - 3.5) <= 4.0 * se_mean);
    within_4se("sum S1", 0, r.s1_sum[0], r.s1_sum_se[0], s1[0] + s1[1] + s1[2]);
    mpsim_sobol_result_clear(&r);
    mpsim_sobol_result_clear(&r); /* clearing twice is harmless */
}

/* The quasi-random sampler estimates the same indices; its bootstrap
 * errors are conservative, so the 4 se test holds a fortiori. */
static void test_ishigami_quasi(void **state)
{
    (void)state;
    double s1[3], st[3];
    ishigami_exact(s1, st);
    mpsim_sobol_spec spec = {0};
    spec.k = 3;
    spec.inputs = ishigami_inputs;
    spec.m = 1;
    spec.n = 1u << 13;
    spec.seed = 7;
    spec.sampler = MPSIM_SOBOL_QUASI;
    mpsim_sobol_result r;
    run(&spec, ishigami, NULL, &r);
    assert_int_equal(r.sampler, MPSIM_SOBOL_QUASI);
    check_indices(&r, 0, s1, st);
    mpsim_sobol_result_clear(&r);
}

/* Standard errors shrink as 1 / sqrt(N): from N = 2^12 to 2^14 by 2.  Each
 * bootstrap se is itself uncertain, by a relative 1 / sqrt(2 B) for
 * near-normal replicates (B resamples), so the ratio of two independent
 * ones has relative sd sqrt(2 / (2 B)) = 1 / sqrt(B), and the test allows
 * 4 of those. */
static void test_errors_shrink(void **state)
{
    (void)state;
    mpsim_sobol_spec spec = {0};
    spec.k = 3;
    spec.inputs = ishigami_inputs;
    spec.m = 1;
    spec.bootstrap = 400;
    spec.seed = 99;
    mpsim_sobol_result small, large;
    spec.n = 1u << 12;
    run(&spec, ishigami, NULL, &small);
    spec.seed = 100; /* independent samples, so the two errors are too */
    spec.n = 1u << 14;
    run(&spec, ishigami, NULL, &large);
    double tol = 2.0 * 4.0 / sqrt((double)spec.bootstrap);
    for (size_t i = 0; i < 3; i++) {
        double r1 = small.s1_se[i] / large.s1_se[i], rt = small.st_se[i] / large.st_se[i];
        if (fabs(r1 - 2.0) > tol || fabs(rt - 2.0) > tol)
            print_error("input %zu: se ratios %.3f (S1), %.3f (ST), allowed 2 +- %.3f\n", i, r1, rt,
                        tol);
        assert_true(fabs(r1 - 2.0) <= tol);
        assert_true(fabs(rt - 2.0) <= tol);
    }
    mpsim_sobol_result_clear(&small);
    mpsim_sobol_result_clear(&large);
}

/* G-function: V_i = 1 / (3 (1 + a_i)^2), V = prod (1 + V_i) - 1,
 * S_i = V_i / V, ST_i = V_i prod_{j != i} (1 + V_j) / V. */
static void gfunction_case(const double *a, size_t k, uint64_t n, uint64_t seed)
{
    mpsim_sens_input in[8];
    double s1[8], st[8], vi[8], prod = 1.0;
    assert_true(k <= 8);
    for (size_t i = 0; i < k; i++) {
        in[i] = (mpsim_sens_input){NULL, MPSIM_SENS_UNIFORM, 0.0, 1.0, 0.0};
        vi[i] = 1.0 / (3.0 * (1.0 + a[i]) * (1.0 + a[i]));
        prod *= 1.0 + vi[i];
    }
    double v = prod - 1.0;
    for (size_t i = 0; i < k; i++) {
        s1[i] = vi[i] / v;
        st[i] = vi[i] * prod / (1.0 + vi[i]) / v;
    }
    gfun_ctx g = {k, a};
    mpsim_sobol_spec spec = {0};
    spec.k = k;
    spec.inputs = in;
    spec.m = 1;
    spec.n = n;
    spec.seed = seed;
    mpsim_sobol_result r;
    run(&spec, gfunction, &g, &r);
    check_indices(&r, 0, s1, st);
    assert_string_equal(r.input_names[0], "x1");
    mpsim_sobol_result_clear(&r);
}

static void test_gfunction(void **state)
{
    (void)state;
    const double a1[6] = {0, 1, 4.5, 9, 99, 99};
    const double a2[4] = {0, 0, 0, 0};
    const double a3[3] = {0.5, 2, 20};
    gfunction_case(a1, 6, 1u << 13, 11);
    gfunction_case(a2, 4, 1u << 13, 12);
    gfunction_case(a3, 3, 1u << 12, 13);
}

/* An additive model of three inputs of different kinds: ST_i = S_i =
 * c_i^2 Var(x_i) / sum, the first orders sum to 1.  A second output
 * depends on x1 only (S = ST = 1, 0, 0), and a constant third output has
 * no variance to apportion (NaN). */
static void test_additive_vector_output(void **state)
{
    (void)state;
    const mpsim_sens_input in[3] = {
        {"a", MPSIM_SENS_NORMAL, 1.0, 2.0, 0},
        {"b", MPSIM_SENS_LOGNORMAL, 1.0, 2.0, 0}, /* median 1, p90 2 */
        {"c", MPSIM_SENS_TRIANGULAR, 0.0, 1.0, 4.0},
    };
    double sig = log(2.0) / 1.2815515655446004;
    double var[3] = {4.0, (exp(sig * sig) - 1.0) * exp(sig * sig),
                     (0.0 + 1.0 + 16.0 - 0.0 - 0.0 - 4.0) / 18.0};
    double c[3] = {1.0, 2.0, 3.0}, tot = 0.0, share[3];
    for (size_t i = 0; i < 3; i++)
        tot += c[i] * c[i] * var[i];
    for (size_t i = 0; i < 3; i++)
        share[i] = c[i] * c[i] * var[i] / tot;
    const char *names[3] = {"sum", "only_a", "constant"};
    mpsim_sobol_spec spec = {0};
    spec.k = 3;
    spec.inputs = in;
    spec.m = 3;
    spec.output_names = names;
    spec.n = 1u << 13;
    spec.seed = 5;
    mpsim_sobol_result r;
    run(&spec, linear3, NULL, &r);
    check_indices(&r, 0, share, share);
    within_4se("sum S1", 0, r.s1_sum[0], r.s1_sum_se[0], 1.0);
    /* Output 2 = 5 x1: A and AB^(1), AB^(2) rows agree exactly, so those
     * indices are exactly 0, and ST_1 is 1 up to the 2N / (2N - 1) of V. */
    assert_true(r.s1[3 + 1] == 0.0 && r.s1[3 + 2] == 0.0);
    assert_true(r.st[3 + 1] == 0.0 && r.st[3 + 2] == 0.0);
    within_4se("S1(only_a)", 0, r.s1[3], r.s1_se[3], 1.0);
    assert_true(fabs(r.variance[1] - 25.0 * 4.0) <= 4.0 * 25.0 * 4.0 * sqrt(2.0 / 16384.0));
    /* The constant output. */
    assert_string_equal(r.output_names[2], "constant");
    assert_true(r.variance[2] == 0.0 && r.mean[2] == 4.0);
    for (size_t i = 0; i < 3; i++)
        assert_true(isnan(r.s1[6 + i]) && isnan(r.st[6 + i]) && isnan(r.st_se[6 + i]));
    mpsim_sobol_result_clear(&r);
}

/* The bootstrap errors are honest: over independent replications, the
 * squared z-scores of S1_1 and ST_1 average about 1.  With T replications
 * the mean of T chi-square(1) values has sd sqrt(2 / T); allow 4 of those. */
static void test_errors_honest(void **state)
{
    (void)state;
    double s1[3], st[3];
    ishigami_exact(s1, st);
    const int trials = 60;
    double z2s1 = 0.0, z2st = 0.0;
    mpsim_sobol_spec spec = {0};
    spec.k = 3;
    spec.inputs = ishigami_inputs;
    spec.m = 1;
    spec.n = 1024;
    spec.bootstrap = 100;
    for (int t = 0; t < trials; t++) {
        spec.seed = 1000 + (uint64_t)t;
        mpsim_sobol_result r;
        run(&spec, ishigami, NULL, &r);
        z2s1 += pow((r.s1[0] - s1[0]) / r.s1_se[0], 2);
        z2st += pow((r.st[0] - st[0]) / r.st_se[0], 2);
        mpsim_sobol_result_clear(&r);
    }
    z2s1 /= trials;
    z2st /= trials;
    double tol = 4.0 * sqrt(2.0 / trials);
    if (fabs(z2s1 - 1.0) > tol || fabs(z2st - 1.0) > tol)
        print_error("mean z^2: S1 %.3f, ST %.3f (1 +- %.3f)\n", z2s1, z2st, tol);
    assert_true(fabs(z2s1 - 1.0) <= tol);
    assert_true(fabs(z2st - 1.0) <= tol);
}

/* Same seed, any threads: bit-identical; another seed: different. */
static void test_threads_bit_identical(void **state)
{
    (void)state;
    mpsim_sobol_spec spec = {0};
    spec.k = 3;
    spec.inputs = ishigami_inputs;
    spec.m = 1;
    spec.n = 3000; /* not a multiple of the block, so the last block is short */
    spec.seed = 42;
    spec.block = 7;
    mpsim_sobol_result r[4];
    int threads[3] = {1, 2, 3};
    for (int t = 0; t < 3; t++) {
        spec.threads = threads[t];
        run(&spec, ishigami, NULL, &r[t]);
    }
    spec.threads = 2;
    spec.seed = 43;
    run(&spec, ishigami, NULL, &r[3]);
    for (int t = 1; t < 3; t++) {
        assert_memory_equal(r[0].s1, r[t].s1, 3 * sizeof(double));
        assert_memory_equal(r[0].st, r[t].st, 3 * sizeof(double));
        assert_memory_equal(r[0].s1_se, r[t].s1_se, 3 * sizeof(double));
        assert_memory_equal(r[0].st_lo, r[t].st_lo, 3 * sizeof(double));
        assert_memory_equal(r[0].st_hi, r[t].st_hi, 3 * sizeof(double));
        assert_memory_equal(r[0].s1_sum_se, r[t].s1_sum_se, sizeof(double));
    }
    assert_true(memcmp(r[0].s1, r[3].s1, 3 * sizeof(double)) != 0);
    for (int t = 0; t < 4; t++)
        mpsim_sobol_result_clear(&r[t]);
}

/* The rows a callback sees: whole samples, in the order A, B, AB^(0..k-1),
 * sharing the sample index, AB^(i) being A with column i from B. */
typedef struct {
    uint64_t next_sample;
    size_t calls;
    int bad;
} layout_ctx;

static int layout(void *ctx, size_t n, const mpsim_sobol_row *rows, const double *x, double *y,
                  mpsim_errors *errs)
{
    (void)errs;
    layout_ctx *c = ctx;
    const size_t k = 3, per = k + 2;
    c->calls++;
    if (n % per != 0)
        c->bad = 1;
    for (size_t s = 0; s < n / per; s++) {
        const mpsim_sobol_row *rw = rows + s * per;
        const double *xa = x + s * per * k, *xb = xa + k;
        if (rw[0].sample != c->next_sample || rw[0].matrix != MPSIM_SOBOL_ROW_A ||
            rw[1].matrix != MPSIM_SOBOL_ROW_B)
            c->bad = 1;
        for (size_t i = 0; i < k; i++) {
            const double *xab = xa + (2 + i) * k;
            if (rw[2 + i].sample != c->next_sample || rw[2 + i].matrix != (int)i)
                c->bad = 1;
            for (size_t q = 0; q < k; q++)
                if (xab[q] != (q == i ? xb[q] : xa[q]))
                    c->bad = 1;
            /* uniform(10, 20) inputs */
            if (!(xa[i] > 10.0 && xa[i] < 20.0 && xb[i] > 10.0 && xb[i] < 20.0))
                c->bad = 1;
        }
        c->next_sample++;
    }
    for (size_t r = 0; r < n; r++)
        y[r] = x[r * k] + x[r * k + 1] * x[r * k + 2];
    return MPSIM_OK;
}

static void test_row_layout(void **state)
{
    (void)state;
    const mpsim_sens_input in[3] = {
        {NULL, MPSIM_SENS_UNIFORM, 10, 20, 0},
        {NULL, MPSIM_SENS_UNIFORM, 10, 20, 0},
        {NULL, MPSIM_SENS_UNIFORM, 10, 20, 0},
    };
    mpsim_sobol_spec spec = {0};
    spec.k = 3;
    spec.inputs = in;
    spec.m = 1;
    spec.n = 100;
    spec.block = 8;
    spec.threads = 1;
    layout_ctx c = {0, 0, 0};
    mpsim_sobol_result r;
    run(&spec, layout, &c, &r);
    assert_int_equal(c.bad, 0);
    assert_int_equal(c.next_sample, 100);
    assert_int_equal(c.calls, 13); /* ceil(100 / 8) */
    mpsim_sobol_result_clear(&r);
}

/* First-N stability of the pseudo-random sampler: the first 64 samples of
 * a run of 128 are those of a run of 64, so a model that records sample
 * 0's A row sees the same values. */
typedef struct {
    double a0[3];
} first_ctx;

static int record_first(void *ctx, size_t n, const mpsim_sobol_row *rows, const double *x,
                        double *y, mpsim_errors *errs)
{
    first_ctx *c = ctx;
    for (size_t r = 0; r < n; r++) {
        if (rows[r].sample == 0 && rows[r].matrix == MPSIM_SOBOL_ROW_A)
            memcpy(c->a0, x + r * 3, sizeof c->a0);
    }
    return ishigami(NULL, n, rows, x, y, errs);
}

static void test_first_n_stable(void **state)
{
    (void)state;
    mpsim_sobol_spec spec = {0};
    spec.k = 3;
    spec.inputs = ishigami_inputs;
    spec.m = 1;
    spec.seed = 3;
    first_ctx c1, c2;
    mpsim_sobol_result r;
    spec.n = 64;
    run(&spec, record_first, &c1, &r);
    mpsim_sobol_result_clear(&r);
    spec.n = 128;
    run(&spec, record_first, &c2, &r);
    mpsim_sobol_result_clear(&r);
    assert_memory_equal(c1.a0, c2.a0, sizeof c1.a0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ishigami),
        cmocka_unit_test(test_ishigami_quasi),
        cmocka_unit_test(test_errors_shrink),
        cmocka_unit_test(test_gfunction),
        cmocka_unit_test(test_additive_vector_output),
        cmocka_unit_test(test_errors_honest),
        cmocka_unit_test(test_threads_bit_identical),
        cmocka_unit_test(test_row_layout),
        cmocka_unit_test(test_first_n_stable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
