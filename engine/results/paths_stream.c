/*
 * The results file written while the run goes (paths_stream.h).
 *
 * The file lives under its temporary name (file_write.h) from the first
 * round of paths to the end.  HDF5 reaches it through the latching driver
 * (vfd.h), so a full disk or a file-size limit never reaches HDF5 as an
 * error: the driver records the first one, HDF5 carries on in memory, and
 * this file turns the record into a message after each step, then throws
 * the file away.  The same writer as the in-memory file fills in the rest
 * (write_hdf5.h), so the two files hold the same objects.
 *
 * Filtering and writing a round (about 2 s of deflate per 10^6 paths of a
 * scenario) happen on a writer thread of the stream's own, while the run
 * computes the next round: the sink only copies the round and queues it.
 * Only the writer thread calls HDF5 while the run goes (the HDF5 build is
 * not thread-safe); the sink waits for a scenario's previous round to be
 * written before reusing its buffer, so at most one round a scenario is
 * queued, and a write error stops the run at the next round.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <hdf5.h>

#include "core/util.h"
#include "results/file_write.h"
#include "results/h5io.h"
#include "results/paths_stream.h"
#include "results/schema.h"
#include "results/vfd.h"
#include "results/write_hdf5.h"

/* A round of one scenario, copied from the driver and waiting for the
 * writer thread. */
typedef struct {
    double *buf;  /* metric-major, n per metric */
    size_t cap;   /* doubles buf holds */
    uint64_t first, n;
    int pending;  /* queued or being written */
} job;

struct mps_paths_stream {
    char *path;
    size_t n;          /* scenarios */
    char **names;      /* [n] */
    int level;
    int make_dir;
    uint64_t *next;    /* [n] first path the sink expects (the run's side) */

    /* The file: the writer thread's while it runs, the caller's after. */
    int opened, failed, finished;
    mps_tmp_file tmp;
    mps_vfd_status vst;
    mps_h5w w;
    int w_ready;
    hid_t driver, file;
    hid_t *ds;         /* [n * MPSIM_N_METRICS] open per-path datasets */
    mpsim_errors werrs; /* the writer's messages, handed on by the sink */

    /* The queue, under mu. */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int sync_ready, thread_started, stop, abandon;
    int broken;        /* the writer failed: its messages are in werrs */
    pthread_t thread;
    job *jobs;         /* [n] */
    size_t *queue;     /* [n] scenarios in order of arrival, a ring */
    size_t head, count;
};

int mps_paths_stream_new(const char *path, const char *const *names, size_t n, int level,
                         int make_dir, mps_paths_stream **out, mpsim_errors *errs)
{
    *out = NULL;
    if (level < 0 || level > 9 || path == NULL || n == 0) {
        mpsim_errors_add(errs, path, 0, 0, NULL,
                         "per-path output needs a path, scenarios and a deflate level 0-9");
        return MPSIM_ERR_INPUT;
    }
    mps_paths_stream *s = calloc(1, sizeof *s);
    if (s == NULL)
        goto oom;
    s->tmp.fd = -1;
    s->vst.fd = -1;
    s->driver = s->file = -1;
    s->n = n;
    s->level = level;
    s->make_dir = make_dir;
    mpsim_errors_init(&s->werrs);
    s->path = mps_strdup(path);
    s->names = calloc(n, sizeof *s->names);
    s->next = calloc(n, sizeof *s->next);
    s->ds = malloc(n * MPSIM_N_METRICS * sizeof *s->ds);
    s->jobs = calloc(n, sizeof *s->jobs);
    s->queue = calloc(n, sizeof *s->queue);
    if (!s->path || !s->names || !s->next || !s->ds || !s->jobs || !s->queue)
        goto oom;
    for (size_t i = 0; i < n * MPSIM_N_METRICS; i++)
        s->ds[i] = -1;
    for (size_t k = 0; k < n; k++)
        if (!(s->names[k] = mps_strdup(names[k])))
            goto oom;
    if (pthread_mutex_init(&s->mu, NULL) != 0)
        goto oom;
    if (pthread_cond_init(&s->cv, NULL) != 0) {
        pthread_mutex_destroy(&s->mu);
        goto oom;
    }
    s->sync_ready = 1;
    *out = s;
    return MPSIM_OK;
oom:
    mps_paths_stream_free(s);
    mpsim_errors_add(errs, path, 0, 0, NULL, "cannot write the results file: out of memory");
    return MPSIM_ERR_FAIL;
}

/* Turns the driver's record of a disk error into the stream's failure. */
static int check_disk(mps_paths_stream *s)
{
    if (s->vst.err != 0 && !s->failed) {
        mpsim_errors_add(s->w.errs, s->path, 0, 0, NULL,
                         "cannot write the results file: cannot %s it (%s)",
                         strcmp(s->vst.step, "truncate") == 0 ? "finish" : "write",
                         strerror(s->vst.err));
        s->failed = 1;
    }
    if (s->w.failed)
        s->failed = 1;
    return s->failed ? MPSIM_ERR_FAIL : MPSIM_OK;
}

/* Prepares the writing context once, reporting into errs. */
static void ready_writer(mps_paths_stream *s, mpsim_errors *errs)
{
    if (!s->w_ready) {
        s->w_ready = 1;
        if (mps_h5w_init(&s->w, s->path, errs) != 0)
            s->failed = 1;
    }
    s->w.errs = errs;
}

/* Creates the directory of the target when asked and missing. */
static int make_parent(mps_paths_stream *s)
{
    char *dir = mps_strdup(s->path);
    if (dir == NULL) {
        mpsim_errors_add(s->w.errs, s->path, 0, 0, NULL,
                         "cannot write the results file: out of memory");
        return MPSIM_ERR_FAIL;
    }
    char *slash = strrchr(dir, '/');
    int rc = MPSIM_OK;
    if (slash != NULL && slash != dir) {
        *slash = '\0';
        if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
            mpsim_errors_add(s->w.errs, s->path, 0, 0, NULL,
                             "cannot write the results file: cannot create directory '%s' (%s)",
                             dir, strerror(errno));
            rc = MPSIM_ERR_FAIL;
        }
    }
    free(dir);
    return rc;
}

/* Creates the file under its temporary name, with every per-path dataset
 * empty, chunked in `chunk` paths (the first append's: a whole round, or
 * the whole of a shorter run, as the in-memory writer would choose). */
static int open_file(mps_paths_stream *s, uint64_t chunk)
{
    s->opened = 1;
    if (s->make_dir && make_parent(s) != MPSIM_OK) {
        s->failed = 1;
        return MPSIM_ERR_FAIL;
    }
    if (mps_file_tmp_open(&s->tmp, s->path, MPS_RESULTS_MODE, "results file", s->w.errs) !=
        MPSIM_OK) {
        s->failed = 1;
        return MPSIM_ERR_FAIL;
    }
    s->vst.fd = s->tmp.fd;
    mps_h5w *w = &s->w;
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS), fcpl = -1;
    s->driver = mps_vfd_register();
    if (fapl < 0 || s->driver < 0 || mps_vfd_set_fapl(fapl, s->driver, &s->vst) != 0)
        mps_h5w_fail(w, -1, NULL, "cannot set up file access");
    if (!w->failed)
        mps_results_file_props(w, fapl, &fcpl);
    if (!w->failed && (s->file = H5Fcreate(s->tmp.tmp, H5F_ACC_TRUNC, fcpl, fapl)) < 0)
        mps_h5w_fail(w, -1, NULL, "cannot create the file");
    mps_h5_close(fapl);
    mps_h5_close(fcpl);
    hid_t all = mps_h5w_group(w, s->file, "scenarios");
    for (size_t k = 0; k < s->n && !w->failed; k++) {
        hid_t sg = mps_h5w_group(w, all, s->names[k]);
        hid_t g = mps_h5w_paths_group(w, sg, s->level);
        for (int m = 0; m < MPSIM_N_METRICS && !w->failed; m++) {
            char *desc = mps_results_paths_description(m);
            s->ds[k * MPSIM_N_METRICS + (size_t)m] =
                mps_h5w_paths_create(w, g, mpsim_metric_names[m], chunk, s->level,
                                     desc ? desc : mps_metric_infos[m].description,
                                     mps_metric_infos[m].units);
            free(desc);
        }
        mps_h5_close(g);
        mps_h5_close(sg);
    }
    mps_h5_close(all);
    return check_disk(s);
}

/* Writes one queued round (writer thread, or the caller once it is gone). */
static void write_job(mps_paths_stream *s, size_t k, const job *j)
{
    mps_h5_quiet quiet;
    mps_h5_quiet_begin(&quiet);
    ready_writer(s, &s->werrs);
    if (!s->failed && !s->opened)
        open_file(s, j->n);
    for (int m = 0; m < MPSIM_N_METRICS && !s->failed && !s->w.failed && s->vst.err == 0; m++)
        mps_h5w_paths_append(&s->w, s->ds[k * MPSIM_N_METRICS + (size_t)m], j->first,
                             (size_t)j->n, j->buf + (size_t)m * j->n);
    check_disk(s);
    mps_h5_quiet_end(&quiet);
}

static void *writer_main(void *arg)
{
    mps_paths_stream *s = arg;
    pthread_mutex_lock(&s->mu);
    for (;;) {
        while (s->count == 0 && !s->stop)
            pthread_cond_wait(&s->cv, &s->mu);
        if (s->count == 0)
            break;
        size_t k = s->queue[s->head];
        int skip = s->abandon || s->broken;
        pthread_mutex_unlock(&s->mu);
        /* The job's buffer is not touched by the sink while pending. */
        if (!skip)
            write_job(s, k, &s->jobs[k]);
        pthread_mutex_lock(&s->mu);
        /* After a failure the writer skips every later round, so werrs
         * is left alone for the sink to read. */
        s->broken = s->broken || s->failed;
        s->jobs[k].pending = 0;
        s->head = (s->head + 1) % s->n;
        s->count--;
        pthread_cond_broadcast(&s->cv);
    }
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

/* Starts the writer thread with every signal blocked, so signals go to
 * the run's own threads (its handlers only set a flag anyway). */
static int start_writer(mps_paths_stream *s)
{
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int rc = pthread_create(&s->thread, NULL, writer_main, s);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0)
        return -1;
    s->thread_started = 1;
    return 0;
}

/* Hands the writer's messages to errs (once it is broken, or gone). */
static void pass_errors(mps_paths_stream *s, mpsim_errors *errs)
{
    for (size_t i = 0; i < s->werrs.count; i++) {
        const mpsim_error *e = &s->werrs.items[i];
        mpsim_errors_add(errs, e->file, e->line, e->column, e->key_path, "%s",
                         e->message ? e->message : "");
    }
    mpsim_errors_clear(&s->werrs);
}

int mps_paths_stream_sink(void *ctx, size_t scenario, uint64_t first, uint64_t n,
                          const double *metrics, mpsim_errors *errs)
{
    mps_paths_stream *s = ctx;
    if (scenario >= s->n || first != s->next[scenario]) {
        mpsim_errors_add(errs, s->path, 0, 0, NULL,
                         "cannot write the results file: paths of scenario %zu arrived out of "
                         "order (from %llu, expected %llu)",
                         scenario, (unsigned long long)first,
                         (unsigned long long)(scenario < s->n ? s->next[scenario] : 0));
        return MPSIM_ERR_FAIL;
    }
    if (!s->thread_started && start_writer(s) != 0) {
        mpsim_errors_add(errs, s->path, 0, 0, NULL,
                         "cannot write the results file: cannot start its writer thread");
        return MPSIM_ERR_FAIL;
    }
    job *j = &s->jobs[scenario];
    pthread_mutex_lock(&s->mu);
    while (j->pending && !s->broken)
        pthread_cond_wait(&s->cv, &s->mu);
    int failed = s->broken;
    if (failed)
        pass_errors(s, errs);
    pthread_mutex_unlock(&s->mu);
    if (failed)
        return MPSIM_ERR_FAIL;
    /* The buffer is ours until queued: the writer is done with it. */
    const size_t need = (size_t)n * MPSIM_N_METRICS;
    if (need > j->cap) {
        double *buf = realloc(j->buf, need * sizeof *buf);
        if (buf == NULL) {
            mpsim_errors_add(errs, s->path, 0, 0, NULL,
                             "cannot write the results file: out of memory");
            return MPSIM_ERR_FAIL;
        }
        j->buf = buf;
        j->cap = need;
    }
    memcpy(j->buf, metrics, need * sizeof *metrics);
    j->first = first;
    j->n = n;
    s->next[scenario] = first + n;
    pthread_mutex_lock(&s->mu);
    j->pending = 1;
    s->queue[(s->head + s->count) % s->n] = scenario;
    s->count++;
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
    return MPSIM_OK;
}

/* Stops the writer thread: after the queued rounds are written, or at
 * once when abandoning the file. */
static void stop_writer(mps_paths_stream *s, int abandon)
{
    if (!s->thread_started)
        return;
    pthread_mutex_lock(&s->mu);
    s->stop = 1;
    s->abandon = s->abandon || abandon;
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
    pthread_join(s->thread, NULL);
    s->thread_started = 0;
}

/* Closes the HDF5 side (datasets, file, driver), keeping the first error. */
static void close_file(mps_paths_stream *s)
{
    for (size_t i = 0; s->ds && i < s->n * MPSIM_N_METRICS; i++) {
        if (s->ds[i] >= 0 && H5Dclose(s->ds[i]) < 0 && s->w_ready)
            mps_h5w_fail(&s->w, -1, mpsim_metric_names[i % MPSIM_N_METRICS],
                         "cannot close dataset");
        s->ds[i] = -1;
    }
    if (s->file >= 0 && H5Fclose(s->file) < 0 && s->w_ready)
        mps_h5w_fail(&s->w, -1, NULL, "cannot close the file");
    s->file = -1;
    mps_vfd_unregister(s->driver);
    s->driver = -1;
}

int mps_paths_stream_finish(mps_paths_stream *s, const mpsim_results *r, mpsim_errors *errs)
{
    /* From here on only this thread calls HDF5. */
    stop_writer(s, 0);
    pass_errors(s, errs);
    mps_h5_quiet quiet;
    mps_h5_quiet_begin(&quiet);
    ready_writer(s, errs);
    if (!s->failed && !s->opened)
        open_file(s, r ? r->paths : 0);
    /* The results must be those of the run that fed the stream, without
     * per-path arrays of their own (the groups would clash). */
    int match = r != NULL && !r->static_only && r->n_scenarios == s->n;
    for (size_t k = 0; match && k < s->n; k++)
        match = r->scenarios[k].name && strcmp(r->scenarios[k].name, s->names[k]) == 0 &&
                s->next[k] == r->paths && r->scenarios[k].n_paths_kept == 0;
    if (!s->failed && !match) {
        mpsim_errors_add(errs, s->path, 0, 0, NULL,
                         "cannot write the results file: the results do not match the paths "
                         "written while the run went");
        s->failed = 1;
    }
    if (!s->failed)
        mps_results_write_contents(&s->w, s->file, r, s->level, 1);
    close_file(s);
    int rc = check_disk(s);
    if (rc == MPSIM_OK)
        rc = mps_file_tmp_commit(&s->tmp, errs);
    if (rc == MPSIM_OK)
        s->finished = 1;
    else
        s->failed = 1;
    mps_file_tmp_discard(&s->tmp);
    mps_h5_quiet_end(&quiet);
    return rc;
}

void mps_paths_stream_free(mps_paths_stream *s)
{
    if (s == NULL)
        return;
    if (s->sync_ready)
        stop_writer(s, 1);
    mps_h5_quiet quiet;
    mps_h5_quiet_begin(&quiet);
    /* An unfinished file is thrown away: whatever HDF5 still writes while
     * closing goes to a file about to be removed. */
    s->w.errs = NULL;
    if (s->w_ready)
        s->w.failed = 1;
    close_file(s);
    mps_file_tmp_discard(&s->tmp);
    if (s->w_ready)
        mps_h5w_close(&s->w);
    mps_h5_quiet_end(&quiet);
    mpsim_errors_clear(&s->werrs);
    if (s->sync_ready) {
        pthread_cond_destroy(&s->cv);
        pthread_mutex_destroy(&s->mu);
    }
    for (size_t k = 0; s->jobs && k < s->n; k++)
        free(s->jobs[k].buf);
    for (size_t k = 0; s->names && k < s->n; k++)
        free(s->names[k]);
    free(s->jobs);
    free(s->queue);
    free(s->names);
    free(s->next);
    free(s->ds);
    free(s->path);
    free(s);
}
