/*
 * Per-path metrics written while the run goes (results/paths_stream.h):
 * the streamed file holds exactly what the in-memory writer writes for a
 * keep_paths run (every object, attribute and value, per-path data
 * included), for any thread count, and so does `mpsim run --keep-paths`;
 * the filters follow the level asked; a disk error while appending or
 * finishing, an interrupted run, paths out of order or mismatched results
 * leave no file (and an existing target untouched); and the memory
 * estimate counts the round buffers instead of the per-path arrays.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hdf5.h>

#include "results/paths_stream.h"
#include "results_compare.h"
#include "run/estimate.h"
#include "test_support.h"

/* ------------------------------------------------------------ fixtures */

/* More than one round of the driver (16384 paths), the last one short. */
enum { PATHS = 20000 };
#define SEED UINT64_C(20250101)

typedef struct {
    mpsim_scenario *s[2];
    const char *names[2];
    char *dir;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->s[0] = mps_test_load(mps_test_yaml_pair[0]);
    f->s[1] = mps_test_load(mps_test_yaml_pair[1]);
    f->names[0] = mpsim_scenario_name(f->s[0]);
    f->names[1] = mpsim_scenario_name(f->s[1]);
    f->dir = mps_test_tmpdir();
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    mpsim_scenario_free(f->s[0]);
    mpsim_scenario_free(f->s[1]);
    cmp_remove_tree(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

static mpsim_run_options options(int threads)
{
    mpsim_run_options o;
    memset(&o, 0, sizeof o);
    o.paths = PATHS;
    o.paths_set = 1;
    o.seed = SEED;
    o.seed_set = 1;
    o.threads = threads;
    return o;
}

/* The library's way: keep_paths in memory, then mpsim_results_write_hdf5. */
static mpsim_results *run_in_memory(fixture *f, const char *path)
{
    mpsim_run_options o = options(1);
    o.keep_paths = 1;
    mpsim_errors e;
    mpsim_errors_init(&e);
    mpsim_results *r = NULL;
    assert_int_equal(mpsim_run(f->s, 2, &o, &r, &e), MPSIM_OK);
    assert_int_equal(mpsim_results_write_hdf5(r, path, &e), MPSIM_OK);
    mpsim_errors_clear(&e);
    return r;
}

/* The command line's way: a stream as the run's sink, keep_paths off.
 * Returns the status of the run or, when it succeeded, of finishing. */
static int run_streamed(fixture *f, const char *path, int threads, int level, mpsim_errors *e)
{
    mps_paths_stream *st = NULL;
    assert_int_equal(mps_paths_stream_new(path, f->names, 2, level, 0, &st, e), MPSIM_OK);
    mpsim_run_options o = options(threads);
    o.paths_sink = mps_paths_stream_sink;
    o.paths_sink_ctx = st;
    mpsim_results *r = NULL;
    int rc = mpsim_run(f->s, 2, &o, &r, e);
    if (rc == MPSIM_OK) {
        for (size_t k = 0; k < r->n_scenarios; k++)
            assert_int_equal(r->scenarios[k].n_paths_kept, 0); /* never held */
        rc = mps_paths_stream_finish(st, r, e);
    }
    mps_paths_stream_free(st);
    mpsim_results_free(r);
    return rc;
}

static char *path_in(const fixture *f, const char *name)
{
    size_t n = strlen(f->dir) + strlen(name) + 2;
    char *p = malloc(n);
    assert_non_null(p);
    snprintf(p, n, "%s/%s", f->dir, name);
    return p;
}

/* ------------------------------------------------------------------ tests */

static void test_stream_equals_memory(void **state)
{
    fixture *f = *state;
    char *mem = path_in(f, "memory.h5"), *str = path_in(f, "stream.h5");
    mpsim_results *r = run_in_memory(f, mem);
    const int threads[] = {1, 2, 3};
    for (size_t t = 0; t < sizeof threads / sizeof threads[0]; t++) {
        mpsim_errors e;
        mpsim_errors_init(&e);
        int rc = run_streamed(f, str, threads[t], MPS_PATHS_LEVEL_DEFAULT, &e);
        if (rc != MPSIM_OK) {
            mpsim_errors_print(&e, stderr);
            fail_msg("streamed run on %d threads: status %d", threads[t], rc);
        }
        mpsim_errors_clear(&e);
        assert_int_equal(cmp_count_entries(f->dir), 2); /* no temporary file left */
        /* Every object, attribute and value, both ways round. */
        cmp_files_equal(mem, str);
        cmp_files_equal(str, mem);
        /* The kept paths are the library's in-memory ones, bit for bit. */
        hid_t file = H5Fopen(str, H5F_ACC_RDONLY, H5P_DEFAULT);
        assert_true(file >= 0);
        double *buf = malloc(PATHS * sizeof *buf);
        assert_non_null(buf);
        for (size_t k = 0; k < 2; k++) {
            assert_int_equal(r->scenarios[k].n_paths_kept, PATHS);
            for (int m = 0; m < MPSIM_N_METRICS; m++) {
                char name[128];
                snprintf(name, sizeof name, "/scenarios/%s/paths/%s", f->names[k],
                         mpsim_metric_names[m]);
                cmp_read_f64(file, name, buf, PATHS);
                assert_memory_equal(buf, r->scenarios[k].paths[m], PATHS * sizeof *buf);
            }
        }
        free(buf);
        H5Fclose(file);
    }
    /* The comparison can fail: another seed gives other values, and a
     * file without kept paths lacks objects. */
    mpsim_run_options o = options(1);
    o.seed = SEED + 1;
    o.keep_paths = 1;
    mpsim_errors e;
    mpsim_errors_init(&e);
    mpsim_results *other = NULL;
    assert_int_equal(mpsim_run(f->s, 2, &o, &other, &e), MPSIM_OK);
    assert_int_equal(mpsim_results_write_hdf5(other, str, &e), MPSIM_OK);
    assert_true(cmp_files_differ(mem, str) > 0);
    assert_int_equal(cmp_paths_equal(mem, str, f->names, 2, PATHS), 0);
    mpsim_results_free(other);
    o.seed = SEED;
    o.keep_paths = 0;
    assert_int_equal(mpsim_run(f->s, 2, &o, &other, &e), MPSIM_OK);
    assert_int_equal(mpsim_results_write_hdf5(other, str, &e), MPSIM_OK);
    /* A subset: all the same but the scenario groups' member counts. */
    assert_int_equal(cmp_files_differ(str, mem), 2);
    assert_true(cmp_files_differ(mem, str) > 0);
    mpsim_results_free(other);
    mpsim_errors_clear(&e);
    mpsim_results_free(r);
    free(mem);
    free(str);
}

static void write_text(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

/* The command line's --keep-paths file against the library's in-memory
 * keep_paths file of the same run, stamped with the same command line and
 * time: identical, per-path values included. */
static void test_cli_equals_library(void **state)
{
    fixture *f = *state;
    if (access(MPSIM_BINARY, X_OK) != 0)
        skip(); /* the command line is not built (a partial build) */
    char *ya = path_in(f, "a.yaml"), *yb = path_in(f, "b.yaml");
    char *cli = path_in(f, "cli.h5"), *lib = path_in(f, "lib.h5");
    write_text(ya, mps_test_yaml_pair[0]);
    write_text(yb, mps_test_yaml_pair[1]);
    char *argv[] = {MPSIM_BINARY, "run", ya, yb, "--paths", "20000", "--seed", "20250101",
                    "--threads", "2", "--keep-paths", "--quiet", "-o", cli, NULL};
    const int argc = (int)(sizeof argv / sizeof argv[0]) - 1;
    char command[4096] = "";
    for (int i = 0; i < argc; i++) {
        strcat(command, argv[i]);
        strcat(command, " ");
    }
    strcat(command, ">/dev/null");
    assert_int_equal(system(command), 0);

    mpsim_scenario *s[2] = {NULL, NULL};
    mpsim_errors e;
    mpsim_errors_init(&e);
    assert_int_equal(mpsim_scenario_load(ya, &s[0], &e), MPSIM_OK);
    assert_int_equal(mpsim_scenario_load(yb, &s[1], &e), MPSIM_OK);
    mpsim_run_options o = options(1);
    o.keep_paths = 1;
    mpsim_results *r = NULL;
    assert_int_equal(mpsim_run(s, 2, &o, &r, &e), MPSIM_OK);
    assert_int_equal(mpsim_results_stamp(r, argc, argv), MPSIM_OK);
    hid_t file = H5Fopen(cli, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(file >= 0);
    char created[64];
    cmp_attr_string(file, "created", created, sizeof created);
    H5Fclose(file);
    free(r->created);
    r->created = strdup(created);
    assert_int_equal(mpsim_results_write_hdf5(r, lib, &e), MPSIM_OK);
    cmp_files_equal(lib, cli);
    cmp_files_equal(cli, lib);
    assert_int_equal(cmp_paths_equal(lib, cli, f->names, 2, PATHS), 1);
    mpsim_errors_clear(&e);
    mpsim_results_free(r);
    mpsim_scenario_free(s[0]);
    mpsim_scenario_free(s[1]);
    free(ya);
    free(yb);
    free(cli);
    free(lib);
}

/* Filters and their record for a level; the values survive any of them. */
static void check_level(fixture *f, int level, int nfilters)
{
    char *p = path_in(f, "level.h5");
    mpsim_errors e;
    mpsim_errors_init(&e);
    assert_int_equal(run_streamed(f, p, 2, level, &e), MPSIM_OK);
    mpsim_errors_clear(&e);
    hid_t file = H5Fopen(p, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(file >= 0);
    hid_t g = H5Gopen2(file, "/scenarios/pair-b/paths", H5P_DEFAULT);
    assert_true(g >= 0);
    char text[64] = "";
    cmp_attr_string(g, "compression", text, sizeof text);
    if (level > 0) {
        char want[64];
        snprintf(want, sizeof want, "shuffle + deflate level %d", level);
        assert_string_equal(text, want);
    } else {
        assert_string_equal(text, "none");
    }
    int stored = -1;
    hid_t a = H5Aopen(g, "deflate_level", H5P_DEFAULT);
    assert_true(H5Aread(a, H5T_NATIVE_INT, &stored) >= 0);
    H5Aclose(a);
    assert_int_equal(stored, level);
    hid_t ds = H5Dopen2(g, "npv", H5P_DEFAULT);
    hid_t dcpl = H5Dget_create_plist(ds);
    assert_int_equal(H5Pget_layout(dcpl), H5D_CHUNKED);
    hsize_t chunk = 0;
    assert_int_equal(H5Pget_chunk(dcpl, 1, &chunk), 1);
    assert_int_equal(chunk, 16384); /* one round of the driver */
    assert_int_equal(H5Pget_nfilters(dcpl), nfilters);
    if (nfilters == 2) {
        unsigned flags, cd[4];
        size_t ncd = 4;
        assert_int_equal(H5Pget_filter2(dcpl, 0, &flags, &ncd, cd, 0, NULL, NULL),
                         H5Z_FILTER_SHUFFLE);
        ncd = 4;
        assert_int_equal(H5Pget_filter2(dcpl, 1, &flags, &ncd, cd, 0, NULL, NULL),
                         H5Z_FILTER_DEFLATE);
        assert_int_equal(cd[0], (unsigned)level);
    }
    H5Pclose(dcpl);
    H5Dclose(ds);
    H5Gclose(g);
    H5Fclose(file);
    unlink(p);
    free(p);
}

static void test_stream_levels(void **state)
{
    fixture *f = *state;
    check_level(f, 0, 0);
    check_level(f, 1, 2);
    check_level(f, 9, 2);
    /* Whatever the filters, the values are the same. */
    char *a = path_in(f, "a.h5"), *b = path_in(f, "b.h5");
    mpsim_errors e;
    mpsim_errors_init(&e);
    assert_int_equal(run_streamed(f, a, 1, 0, &e), MPSIM_OK);
    assert_int_equal(run_streamed(f, b, 2, 6, &e), MPSIM_OK);
    mpsim_errors_clear(&e);
    assert_int_equal(cmp_paths_equal(a, b, f->names, 2, PATHS), 1);
    /* A bad level is refused before anything is made. */
    mps_paths_stream *st = (mps_paths_stream *)&e;
    assert_int_equal(mps_paths_stream_new(a, f->names, 2, 10, 0, &st, &e), MPSIM_ERR_INPUT);
    assert_null(st);
    mpsim_errors_clear(&e);
    unlink(a);
    unlink(b);
    free(a);
    free(b);
}

/* A file-size limit of `limit` bytes for this process (SIGXFSZ ignored, as
 * the command line does), so a write past it fails with EFBIG. */
static void limit_file_size(rlim_t limit, struct rlimit *old, struct sigaction *old_sa)
{
    struct sigaction ign;
    memset(&ign, 0, sizeof ign);
    ign.sa_handler = SIG_IGN;
    sigemptyset(&ign.sa_mask);
    assert_int_equal(sigaction(SIGXFSZ, &ign, old_sa), 0);
    assert_int_equal(getrlimit(RLIMIT_FSIZE, old), 0);
    struct rlimit lim = *old;
    lim.rlim_cur = limit;
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
}

static void unlimit_file_size(const struct rlimit *old, const struct sigaction *old_sa)
{
    assert_int_equal(setrlimit(RLIMIT_FSIZE, old), 0);
    sigaction(SIGXFSZ, old_sa, NULL);
}

static void test_stream_disk_errors(void **state)
{
    fixture *f = *state;
    char *p = path_in(f, "out.h5");
    mpsim_errors e;
    mpsim_errors_init(&e);
    /* The full file's size, to fail while appending (a few chunks in) and
     * while finishing (one block short of the end). */
    assert_int_equal(run_streamed(f, p, 2, 0, &e), MPSIM_OK);
    struct stat sb;
    assert_int_equal(stat(p, &sb), 0);
    const rlim_t full = (rlim_t)sb.st_size;
    static const char old_text[] = "an existing results file";
    FILE *old = fopen(p, "wb");
    assert_non_null(old);
    fputs(old_text, old);
    fclose(old);
    const rlim_t limits[] = {0, 4096, 300 * 1024, full - 4096};
    for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++) {
        struct rlimit saved;
        struct sigaction saved_sa;
        limit_file_size(limits[i], &saved, &saved_sa);
        int rc = run_streamed(f, p, 2, 0, &e);
        unlimit_file_size(&saved, &saved_sa);
        assert_int_equal(rc, MPSIM_ERR_FAIL);
        if (!mps_test_errors_have(&e, NULL, "File too large")) {
            mpsim_errors_print(&e, stderr);
            fail_msg("limit %lu: no EFBIG message", (unsigned long)limits[i]);
        }
        assert_true(mps_test_errors_have(&e, NULL, "cannot write the results file"));
        mpsim_errors_clear(&e);
        /* Only the old file, unchanged. */
        assert_int_equal(cmp_count_entries(f->dir), 1);
        char buf[64] = "";
        old = fopen(p, "rb");
        assert_non_null(old);
        assert_non_null(fgets(buf, sizeof buf, old));
        fclose(old);
        assert_string_equal(buf, old_text);
    }
    /* A limit a little above the file's size is enough (so the above can
     * fail); a little, since HDF5 reserves space for metadata as it goes
     * and gives back what it did not use when the file is closed. */
    struct rlimit saved;
    struct sigaction saved_sa;
    limit_file_size(full + 64 * 1024, &saved, &saved_sa);
    int rc = run_streamed(f, p, 2, 0, &e);
    unlimit_file_size(&saved, &saved_sa);
    assert_int_equal(rc, MPSIM_OK);
    mpsim_errors_clear(&e);
    unlink(p);
    free(p);
}

/* Cancels the run after its first round (the progress callback comes after
 * the round was handed to the sink). */
static void cancel_after_first(void *ctx, uint64_t done, uint64_t total)
{
    (void)done;
    (void)total;
    *(volatile sig_atomic_t *)ctx = 1;
}

static void test_stream_abandoned(void **state)
{
    fixture *f = *state;
    char *p = path_in(f, "sub/out.h5");
    mpsim_errors e;
    mpsim_errors_init(&e);
    /* Interrupted after a round (the file may have been made by then, its
     * directory too: make_dir): freeing the stream removes it. */
    mps_paths_stream *st = NULL;
    assert_int_equal(mps_paths_stream_new(p, f->names, 2, 1, 1, &st, &e), MPSIM_OK);
    volatile sig_atomic_t cancel = 0;
    mpsim_run_options o = options(2);
    o.paths_sink = mps_paths_stream_sink;
    o.paths_sink_ctx = st;
    o.cancel = &cancel;
    o.progress = cancel_after_first;
    o.progress_ctx = (void *)&cancel;
    mpsim_results *r = NULL;
    assert_int_equal(mpsim_run(f->s, 2, &o, &r, &e), MPSIM_ERR_INTERRUPTED);
    char *sub = path_in(f, "sub");
    mps_paths_stream_free(st);
    struct stat sb;
    if (stat(sub, &sb) == 0)
        assert_int_equal(cmp_count_entries(sub), 0);
    else
        assert_int_equal(mkdir(sub, 0755), 0); /* the writer had not begun */

    /* Paths out of order: an error naming them; nothing left. */
    assert_int_equal(mps_paths_stream_new(p, f->names, 2, 1, 0, &st, &e), MPSIM_OK);
    double metrics[MPSIM_N_METRICS * 4] = {0};
    assert_int_equal(mps_paths_stream_sink(st, 0, 0, 4, metrics, &e), MPSIM_OK);
    assert_int_equal(mps_paths_stream_sink(st, 0, 8, 4, metrics, &e), MPSIM_ERR_FAIL);
    assert_true(mps_test_errors_have(&e, NULL, "out of order"));
    mps_paths_stream_free(st);
    assert_int_equal(cmp_count_entries(sub), 0);
    mpsim_errors_clear(&e);

    /* Results of another run (fewer paths than were written): refused. */
    assert_int_equal(mps_paths_stream_new(p, f->names, 2, 1, 0, &st, &e), MPSIM_OK);
    o = options(1);
    o.paths_sink = mps_paths_stream_sink;
    o.paths_sink_ctx = st;
    assert_int_equal(mpsim_run(f->s, 2, &o, &r, &e), MPSIM_OK);
    r->paths--;
    assert_int_equal(mps_paths_stream_finish(st, r, &e), MPSIM_ERR_FAIL);
    assert_true(mps_test_errors_have(&e, NULL, "do not match"));
    mps_paths_stream_free(st);
    mpsim_results_free(r);
    assert_int_equal(cmp_count_entries(sub), 0);
    mpsim_errors_clear(&e);
    free(sub);
    free(p);
}

/* The estimate counts the driver's round buffer for a sink, never the
 * per-path arrays it streams; in memory, kept paths count twice (the
 * arrays and the file's image). */
static void test_stream_estimate(void **state)
{
    fixture *f = *state;
    mpsim_run_options plain = options(2), kept = options(2), sink = options(2);
    plain.paths = kept.paths = sink.paths = 500000; /* exact quantiles */
    kept.keep_paths = 1;
    sink.paths_sink = mps_paths_stream_sink;
    mps_run_memory mp, mk, ms;
    assert_int_equal(mps_run_estimate_parts(f->s, 2, &plain, &mp), MPSIM_OK);
    assert_int_equal(mps_run_estimate_parts(f->s, 2, &kept, &mk), MPSIM_OK);
    assert_int_equal(mps_run_estimate_parts(f->s, 2, &sink, &ms), MPSIM_OK);
    /* The driver's buffer and the writer's copy, for each of 2 scenarios. */
    const uint64_t round = 2u * 2u * MPSIM_N_METRICS * 16384u * sizeof(double);
    const uint64_t hdf5 = 2u * 64 * 1024 + (2u << 20);
    const uint64_t arrays = 2u * 500000u * MPSIM_N_METRICS * sizeof(double);
    assert_int_equal(ms.per_path, mp.per_path);
    assert_int_equal(ms.other, mp.other + round + hdf5);
    assert_true(ms.write <= mp.write);
    assert_true(ms.total <= mp.total + round + hdf5);
    assert_true(mk.write >= 2 * arrays);
    assert_true(ms.total < mk.total);
}

int main(void)
{
    /* Failures provoked on purpose must not print HDF5's error stacks. */
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_stream_equals_memory, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cli_equals_library, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stream_levels, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stream_disk_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stream_abandoned, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stream_estimate, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
