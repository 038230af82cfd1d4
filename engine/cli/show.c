/*
 * `mpsim show`: summarise a results file, which may come from anywhere.
 *
 * The reader checks the file's signature, format and every object's type
 * and shape, but the parsing of a damaged file happens inside libhdf5, which
 * can crash, loop or leak on crafted input (docs/reliability.md lists what
 * fuzzing found).  So the file is first read in a child process: if the
 * child crashes, hangs or reports an error, the parent says so (exit 2)
 * without ever letting HDF5 near the file itself; only a file the child read
 * cleanly is read again, in the parent, and printed.  Reading the summary
 * twice costs milliseconds.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"

/* How long the child may take to read a file's summary before it is
 * presumed stuck in a loop (fuzzing found damaged global heaps that send
 * libhdf5 into one): a real file's summary takes milliseconds. */
#define MPS_SHOW_CHILD_SECONDS 30

/* ------------------------------------------------ errors through a pipe */

/* A growable byte buffer. */
typedef struct {
    unsigned char *p;
    size_t len, cap;
    int oom;
} buf;

static void put(buf *b, const void *data, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n)
            cap *= 2;
        unsigned char *p = realloc(b->p, cap);
        if (p == NULL) {
            b->oom = 1;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, data, n);
    b->len += n;
}

static void put_i32(buf *b, int32_t v) { put(b, &v, sizeof v); }

/* A string as its length and bytes; UINT32_MAX for NULL. */
static void put_str(buf *b, const char *s)
{
    uint32_t n = s ? (uint32_t)strlen(s) : UINT32_MAX;
    put(b, &n, sizeof n);
    if (s)
        put(b, s, n);
}

static void encode_errors(const mpsim_errors *e, buf *b)
{
    for (size_t i = 0; i < e->count; i++) {
        const mpsim_error *x = &e->items[i];
        put_str(b, x->file);
        put_i32(b, x->line);
        put_i32(b, x->column);
        put_str(b, x->key_path);
        put_str(b, x->message);
    }
}

typedef struct {
    const unsigned char *p;
    size_t left;
} reader;

static int get(reader *r, void *out, size_t n)
{
    if (r->left < n)
        return -1;
    memcpy(out, r->p, n);
    r->p += n;
    r->left -= n;
    return 0;
}

/* A string: malloc'd into *out (NULL for NULL). */
static int get_str(reader *r, char **out)
{
    uint32_t n;
    *out = NULL;
    if (get(r, &n, sizeof n) != 0)
        return -1;
    if (n == UINT32_MAX)
        return 0;
    if (r->left < n || (*out = malloc((size_t)n + 1)) == NULL)
        return -1;
    memcpy(*out, r->p, n);
    (*out)[n] = '\0';
    r->p += n;
    r->left -= n;
    return 0;
}

/* Adds the child's errors to e; -1 if the bytes are not what
 * encode_errors writes. */
static int decode_errors(const unsigned char *p, size_t len, mpsim_errors *e)
{
    reader r = {p, len};
    while (r.left > 0) {
        char *file = NULL, *key = NULL, *msg = NULL;
        int32_t line = 0, column = 0;
        int bad = get_str(&r, &file) || get(&r, &line, sizeof line) ||
                  get(&r, &column, sizeof column) || get_str(&r, &key) || get_str(&r, &msg);
        if (!bad)
            mpsim_errors_add(e, file, line, column, key, "%s", msg ? msg : "");
        free(file);
        free(key);
        free(msg);
        if (bad)
            return -1;
    }
    return 0;
}

/* ------------------------------------------------------ the child */

static int write_all(int fd, const unsigned char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* The child's exit statuses.  Anything else (a signal, or the status a
 * sanitizer exits with after reporting a fault inside libhdf5) means the
 * read did not finish. */
enum { CHILD_OK = 0, CHILD_INPUT = 10, CHILD_FAIL = 11 };

/* Reads the file, sends any errors up the pipe and exits with the status,
 * through _exit: HDF5's exit handler, which a damaged file can make crash
 * or complain, is not run.  Its stderr goes to /dev/null: the library
 * prints nothing, and what a crashing libhdf5 (or a sanitizer watching it)
 * would print is replaced by the parent's one-line message. */
static void child_read(const char *path, int fd)
{
    /* If the parent dies while HDF5 loops, the child must not loop on. */
    alarm(MPS_SHOW_CHILD_SECONDS + 5);
    int null = open("/dev/null", O_WRONLY);
    if (null >= 0) {
        dup2(null, STDERR_FILENO);
        close(null);
    }
    mpsim_errors e;
    mpsim_errors_init(&e);
    mpsim_results *r = NULL;
    int status = mpsim_results_read_hdf5(path, &r, &e);
    mpsim_results_free(r);
    buf b = {NULL, 0, 0, 0};
    encode_errors(&e, &b);
    if (!b.oom && b.len > 0)
        write_all(fd, b.p, b.len);
    close(fd);
    _exit(status == MPSIM_OK ? CHILD_OK : status == MPSIM_ERR_INPUT ? CHILD_INPUT : CHILD_FAIL);
}

/* ------------------------------------------------------ the parent */

static double now_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Collects what the child writes until it closes the pipe or the time is
 * up (returns -1 then). */
static int collect(int fd, buf *b)
{
    const double deadline = now_seconds() + MPS_SHOW_CHILD_SECONDS;
    unsigned char chunk[4096];
    for (;;) {
        double left = deadline - now_seconds();
        if (left <= 0)
            return -1;
        struct pollfd p = {fd, POLLIN, 0};
        int rc = poll(&p, 1, (int)(left * 1000) + 1);
        if (rc < 0 && errno == EINTR)
            continue;
        if (rc < 0)
            return 0; /* cannot wait: judge by the exit status */
        if (rc == 0)
            continue;
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return 0;
        put(b, chunk, (size_t)n);
    }
}

/* Reads `path` in a child process.  MPSIM_OK when the child read it
 * cleanly (or no child could be started: then the caller reads it
 * directly); otherwise the child's errors, or what became of it, are in
 * errs and the status says how bad. */
static int probe_in_child(const char *path, mpsim_errors *errs)
{
    int fd[2];
    if (pipe(fd) != 0)
        return MPSIM_OK;
    fflush(NULL); /* nothing buffered may be written twice */
    pid_t pid = fork();
    if (pid < 0) {
        close(fd[0]);
        close(fd[1]);
        return MPSIM_OK;
    }
    if (pid == 0) {
        close(fd[0]);
        child_read(path, fd[1]);
    }
    close(fd[1]);
    buf b = {NULL, 0, 0, 0};
    int timed_out = collect(fd[0], &b) != 0;
    close(fd[0]);
    if (timed_out)
        kill(pid, SIGKILL);
    int wst = 0;
    while (waitpid(pid, &wst, 0) < 0 && errno == EINTR)
        ;

    int status;
    if (timed_out) {
        mpsim_errors_add(errs, path, 0, 0, NULL,
                         "not a readable results file: HDF5 did not finish reading it within "
                         "%d seconds (damaged or crafted file?)",
                         MPS_SHOW_CHILD_SECONDS);
        status = MPSIM_ERR_INPUT;
    } else if (WIFSIGNALED(wst)) {
        int sig = WTERMSIG(wst);
        mpsim_errors_add(errs, path, 0, 0, NULL,
                         "not a readable results file: reading it crashed the HDF5 library "
                         "(signal %d: %s); the file is damaged or was not written by mpsim",
                         sig, strsignal(sig));
        status = MPSIM_ERR_INPUT;
    } else if (WIFEXITED(wst) && WEXITSTATUS(wst) == CHILD_OK) {
        status = MPSIM_OK;
    } else if (WIFEXITED(wst) &&
               (WEXITSTATUS(wst) == CHILD_INPUT || WEXITSTATUS(wst) == CHILD_FAIL)) {
        status = WEXITSTATUS(wst) == CHILD_FAIL ? MPSIM_ERR_FAIL : MPSIM_ERR_INPUT;
        size_t before = errs->count;
        if (b.oom || decode_errors(b.p, b.len, errs) != 0 || errs->count == before)
            mpsim_errors_add(errs, path, 0, 0, NULL, "not a readable results file");
    } else {
        mpsim_errors_add(errs, path, 0, 0, NULL,
                         "not a readable results file: reading it crashed the HDF5 library "
                         "(exit status %d); the file is damaged or was not written by mpsim",
                         WIFEXITED(wst) ? WEXITSTATUS(wst) : -1);
        status = MPSIM_ERR_INPUT;
    }
    free(b.p);
    return status;
}

int mps_cli_read_results(const char *path, mpsim_results **out, mpsim_errors *errs)
{
    *out = NULL;
    int status = probe_in_child(path, errs);
    if (status == MPSIM_OK)
        status = mpsim_results_read_hdf5(path, out, errs);
    return status;
}

int mps_cli_show(const mps_cli_options *o)
{
    mpsim_errors errs;
    mpsim_errors_init(&errs);
    mpsim_results *r = NULL;
    int status = mps_cli_read_results(o->inputs[0], &r, &errs);
    if (status != MPSIM_OK) {
        mps_cli_report_errors(&errs, "reading the results file");
    } else if (o->json) {
        mpsim_results_print_json(r, stdout);
    } else {
        mpsim_results_print_table(r, stdout);
    }
    mpsim_results_free(r);
    mpsim_errors_clear(&errs);
    return mps_cli_exit_status(status);
}
