/*
 * Putting a finished file in place (file_write.h): written under a
 * temporary name beside the target, synced, then renamed over it.  A reader
 * never sees half a file, and a failure of any step (a full disk, a quota,
 * the file-size limit, an I/O error) leaves the target as it was and no
 * temporary file behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"
#include "results/file_write.h"

/* The directory part of path ("." when it has none), malloc'd. */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return mps_strdup(".");
    if (slash == path)
        return mps_strdup("/");
    char *d = mps_strdup(path);
    if (d)
        d[slash - path] = '\0';
    return d;
}

int mps_file_write_all(int fd, const void *data, size_t len)
{
    const unsigned char *buf = data;
    while (len > 0) {
        /* Pieces of at most 1 GiB: some systems refuse larger writes. */
        size_t piece = len < ((size_t)1 << 30) ? len : (size_t)1 << 30;
        ssize_t n = write(fd, buf, piece);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (n == 0) {
            errno = EIO;
            return -1;
        }
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

int mps_file_tmp_open(mps_tmp_file *t, const char *path, mode_t mode, const char *what,
                      mpsim_errors *errs)
{
    memset(t, 0, sizeof *t);
    t->fd = -1;
    t->mode = mode;
    t->what = what;
    t->path = mps_strdup(path);
    t->dir = dir_of(path);
    t->tmp = mps_asprintf("%s.tmp-XXXXXX", path);
    if (!t->path || !t->dir || !t->tmp) {
        mpsim_errors_add(errs, path, 0, 0, NULL, "cannot write the %s: out of memory", what);
        return MPSIM_ERR_FAIL;
    }
    struct stat st;
    if (stat(t->dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        mpsim_errors_add(errs, path, 0, 0, NULL, "cannot write the %s: directory %s does not exist",
                         what, t->dir);
        return MPSIM_ERR_FAIL;
    }
    t->fd = mkstemp(t->tmp);
    if (t->fd < 0) {
        mpsim_errors_add(errs, path, 0, 0, NULL,
                         "cannot write the %s: cannot create a file in directory %s (%s)", what,
                         t->dir, strerror(errno));
        /* mkstemp left no file; the name must not be removed later. */
        free(t->tmp);
        t->tmp = NULL;
        return MPSIM_ERR_FAIL;
    }
    return MPSIM_OK;
}

int mps_file_tmp_commit(mps_tmp_file *t, mpsim_errors *errs)
{
    /* mkstemp makes 0600; results are meant to be shared like any other
     * output.  Not derived from the umask: reading it means changing it,
     * which is process-wide. */
    const char *step = NULL;
    int err = 0;
    if (t->fd < 0 || t->tmp == NULL) {
        step = "it was not created";
        err = EBADF;
    } else if (fchmod(t->fd, t->mode) != 0) {
        step = "cannot set its permissions";
    } else if (fsync(t->fd) != 0) {
        step = "cannot flush it to disk";
    }
    if (step && !err)
        err = errno;
    /* close() reports deferred write errors on some file systems (NFS). */
    if (t->fd >= 0 && close(t->fd) != 0 && !step) {
        step = "cannot close it";
        err = errno;
    }
    t->fd = -1;
    if (!step && rename(t->tmp, t->path) != 0) {
        step = "cannot move it into place";
        err = errno;
    }
    if (step) {
        mpsim_errors_add(errs, t->path, 0, 0, NULL, "cannot write the %s: %s (%s)", t->what, step,
                         strerror(err));
        return MPSIM_ERR_FAIL;
    }
    /* Renamed: nothing left to remove. */
    free(t->tmp);
    t->tmp = NULL;
    /* Make the rename itself durable; some file systems refuse a directory
     * fsync, which is harmless. */
    int dfd = open(t->dir, O_RDONLY);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    return MPSIM_OK;
}

void mps_file_tmp_discard(mps_tmp_file *t)
{
    if (t->fd >= 0)
        close(t->fd);
    t->fd = -1;
    if (t->tmp)
        unlink(t->tmp);
    free(t->tmp);
    free(t->path);
    free(t->dir);
    t->tmp = t->path = t->dir = NULL;
}

int mps_file_write_atomic(const char *path, const void *data, size_t len, mode_t mode,
                          const char *what, mpsim_errors *errs)
{
    mps_tmp_file t;
    int rc = mps_file_tmp_open(&t, path, mode, what, errs);
    if (rc == MPSIM_OK && mps_file_write_all(t.fd, data, len) != 0) {
        mpsim_errors_add(errs, path, 0, 0, NULL, "cannot write the %s: cannot write it (%s)", what,
                         strerror(errno));
        rc = MPSIM_ERR_FAIL;
    }
    if (rc == MPSIM_OK)
        rc = mps_file_tmp_commit(&t, errs);
    mps_file_tmp_discard(&t);
    return rc;
}
