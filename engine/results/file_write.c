/*
 * Putting a finished file in place (file_write.h): written whole under a
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

/* Writes all of buf, resuming after short writes and signals. */
static int write_all(int fd, const unsigned char *buf, size_t len)
{
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

int mps_file_write_atomic(const char *path, const void *data, size_t len, mode_t mode,
                          const char *what, mpsim_errors *errs)
{
    char *dir = dir_of(path);
    char *tmp = mps_asprintf("%s.tmp-XXXXXX", path);
    if (!dir || !tmp) {
        free(dir);
        free(tmp);
        mpsim_errors_add(errs, path, 0, 0, NULL, "cannot write the %s: out of memory", what);
        return MPSIM_ERR_FAIL;
    }
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        mpsim_errors_add(errs, path, 0, 0, NULL, "cannot write the %s: directory %s does not exist",
                         what, dir);
        free(dir);
        free(tmp);
        return MPSIM_ERR_FAIL;
    }
    int fd = mkstemp(tmp);
    if (fd < 0) {
        mpsim_errors_add(errs, path, 0, 0, NULL,
                         "cannot write the %s: cannot create a file in directory %s (%s)", what,
                         dir, strerror(errno));
        free(dir);
        free(tmp);
        return MPSIM_ERR_FAIL;
    }
    /* mkstemp makes 0600; results are meant to be shared like any other
     * output.  Not derived from the umask: reading it means changing it,
     * which is process-wide. */
    const char *step = NULL;
    int err = 0;
    if (fchmod(fd, mode) != 0)
        step = "cannot set its permissions";
    else if (write_all(fd, data, len) != 0)
        step = "cannot write it";
    else if (fsync(fd) != 0)
        step = "cannot flush it to disk";
    if (step)
        err = errno;
    /* close() reports deferred write errors on some file systems (NFS). */
    if (close(fd) != 0 && !step) {
        step = "cannot close it";
        err = errno;
    }
    if (!step && rename(tmp, path) != 0) {
        step = "cannot move it into place";
        err = errno;
    }
    if (step) {
        unlink(tmp);
        mpsim_errors_add(errs, path, 0, 0, NULL, "cannot write the %s: %s (%s)", what, step,
                         strerror(err));
    } else {
        /* Make the rename itself durable; some file systems refuse a
         * directory fsync, which is harmless. */
        int dfd = open(dir, O_RDONLY);
        if (dfd >= 0) {
            fsync(dfd);
            close(dfd);
        }
    }
    free(dir);
    free(tmp);
    return step ? MPSIM_ERR_FAIL : MPSIM_OK;
}
