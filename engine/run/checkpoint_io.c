/*
 * The file side of checkpoints (checkpoint.h): writing the state file
 * atomically, appending to and reading back the side file of per-path
 * metrics, and the hash that checks both.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"
#include "run/checkpoint_io.h"

uint64_t mps_ckpt_hash(uint64_t h, const void *data, size_t len)
{
    /* FNV-1a, 64 bits: not cryptographic, but any change of a byte, a
     * truncation or a torn write changes it with near certainty. */
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= UINT64_C(1099511628211);
    }
    return h;
}

/* Writes all of data to fd, retrying short writes. */
static int write_all(int fd, const void *data, size_t len)
{
    const unsigned char *p = data;
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

/* fsync of the directory holding path, so a rename in it is durable. */
static int sync_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash == NULL ? mps_strdup(".")
                : slash == path ? mps_strdup("/")
                                : mps_asprintf("%.*s", (int)(slash - path), path);
    if (dir == NULL)
        return -1;
    int fd = open(dir, O_RDONLY);
    free(dir);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

int mps_ckpt_write_atomic(const char *path, const char *tmp, const void *data, size_t len,
                          mpsim_errors *errs)
{
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    int ok = fd >= 0 && write_all(fd, data, len) == 0 && fsync(fd) == 0;
    int err = errno;
    if (fd >= 0 && close(fd) != 0 && ok) {
        ok = 0;
        err = errno;
    }
    if (ok && rename(tmp, path) != 0) {
        ok = 0;
        err = errno;
    }
    if (!ok) {
        unlink(tmp);
        mpsim_errors_add(errs, path, 0, 0, NULL, "cannot write the checkpoint: %s",
                         strerror(err));
        return MPSIM_ERR_FAIL;
    }
    if (sync_dir(path) != 0) {
        mpsim_errors_add(errs, path, 0, 0, NULL,
                         "cannot make the checkpoint durable (fsync of its directory): %s",
                         strerror(errno));
        return MPSIM_ERR_FAIL;
    }
    return MPSIM_OK;
}

/* Paths per chunk of the side file read or written at once. */
enum { SIDE_CHUNK = 4096 };

int mps_ckpt_side_append(const char *side, const mps_accum *acc, size_t n, uint64_t from,
                         uint64_t to, uint64_t *hash, mpsim_errors *errs)
{
    const size_t rec = n * MPSIM_N_METRICS;
    double *buf = malloc(sizeof(double) * rec * SIDE_CHUNK);
    int fd = buf ? open(side, O_WRONLY | O_CREAT, 0666) : -1;
    /* Cut off whatever a killed run wrote beyond the recorded length. */
    const off_t valid = (off_t)(from * rec * sizeof(double));
    int ok = fd >= 0 && ftruncate(fd, valid) == 0 && lseek(fd, valid, SEEK_SET) == valid;
    uint64_t h = *hash;
    for (uint64_t p = from; ok && p < to; p += SIDE_CHUNK) {
        uint64_t m_paths = to - p < SIDE_CHUNK ? to - p : SIDE_CHUNK;
        double *q = buf;
        for (uint64_t i = 0; i < m_paths; i++)
            for (size_t k = 0; k < n; k++)
                for (int m = 0; m < MPSIM_N_METRICS; m++)
                    *q++ = acc[k].metric[m][p + i];
        size_t bytes = sizeof(double) * rec * m_paths;
        h = mps_ckpt_hash(h, buf, bytes);
        ok = write_all(fd, buf, bytes) == 0;
    }
    ok = ok && fsync(fd) == 0;
    int err = buf ? errno : ENOMEM;
    if (fd >= 0 && close(fd) != 0 && ok) {
        ok = 0;
        err = errno;
    }
    free(buf);
    if (!ok) {
        mpsim_errors_add(errs, side, 0, 0, NULL, "cannot write the checkpoint's paths: %s",
                         strerror(err));
        return MPSIM_ERR_FAIL;
    }
    *hash = h;
    return MPSIM_OK;
}

int mps_ckpt_side_read(const char *side, mps_accum *acc, size_t n, uint64_t paths,
                       uint64_t want_hash, mpsim_errors *errs)
{
    const size_t rec = n * MPSIM_N_METRICS;
    int fd = open(side, O_RDONLY);
    if (fd < 0) {
        mpsim_errors_add(errs, side, 0, 0, NULL,
                         "the checkpoint's paths file cannot be read (%s): start afresh, "
                         "without --resume, after removing the checkpoint",
                         strerror(errno));
        return MPSIM_ERR_INPUT;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || (uint64_t)st.st_size < paths * rec * sizeof(double)) {
        close(fd);
        mpsim_errors_add(errs, side, 0, 0, NULL,
                         "the checkpoint's paths file is shorter than the checkpoint records "
                         "(damaged): start afresh after removing the checkpoint");
        return MPSIM_ERR_INPUT;
    }
    double *buf = malloc(sizeof(double) * rec * SIDE_CHUNK);
    int ok = buf != NULL;
    uint64_t h = MPS_CKPT_HASH_INIT;
    for (uint64_t p = 0; ok && p < paths; p += SIDE_CHUNK) {
        uint64_t m_paths = paths - p < SIDE_CHUNK ? paths - p : SIDE_CHUNK;
        size_t bytes = sizeof(double) * rec * m_paths, got = 0;
        while (ok && got < bytes) {
            ssize_t r = read(fd, (char *)buf + got, bytes - got);
            if (r < 0 && errno == EINTR)
                continue;
            ok = r > 0;
            got += ok ? (size_t)r : 0;
        }
        if (!ok)
            break;
        h = mps_ckpt_hash(h, buf, bytes);
        const double *q = buf;
        for (uint64_t i = 0; i < m_paths; i++)
            for (size_t k = 0; k < n; k++)
                for (int m = 0; m < MPSIM_N_METRICS; m++)
                    acc[k].metric[m][p + i] = *q++;
    }
    close(fd);
    free(buf);
    if (!ok || h != want_hash) {
        mpsim_errors_add(errs, side, 0, 0, NULL,
                         "the checkpoint's paths file does not match its checksum (damaged): "
                         "start afresh after removing the checkpoint");
        return MPSIM_ERR_INPUT;
    }
    return MPSIM_OK;
}

int mps_ckpt_read_file(const char *path, unsigned char **data, size_t *len, mpsim_errors *errs)
{
    *data = NULL;
    *len = 0;
    int fd = open(path, O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        int err = fd < 0 ? errno : EINVAL;
        if (fd >= 0)
            close(fd);
        if (err == ENOENT)
            mpsim_errors_add(errs, path, 0, 0, NULL,
                             "no checkpoint to resume from (run without --resume to start "
                             "afresh)");
        else
            mpsim_errors_add(errs, path, 0, 0, NULL, "cannot read the checkpoint: %s",
                             err == EINVAL ? "not a regular file" : strerror(err));
        return MPSIM_ERR_INPUT;
    }
    size_t size = (size_t)st.st_size;
    unsigned char *buf = malloc(size ? size : 1);
    size_t got = 0;
    int ok = buf != NULL;
    while (ok && got < size) {
        ssize_t r = read(fd, buf + got, size - got);
        if (r < 0 && errno == EINTR)
            continue;
        ok = r > 0;
        got += ok ? (size_t)r : 0;
    }
    close(fd);
    if (!ok) {
        free(buf);
        mpsim_errors_add(errs, path, 0, 0, NULL, "cannot read the checkpoint");
        return buf ? MPSIM_ERR_INPUT : MPSIM_ERR_FAIL;
    }
    *data = buf;
    *len = size;
    return MPSIM_OK;
}

int mpsim_checkpoint_remove(const char *checkpoint, mpsim_errors *errs)
{
    /* The temporary state file too: a run killed while writing it leaves
     * one, which the next checkpoint would have replaced. */
    char *side = mps_asprintf("%s.paths", checkpoint);
    char *tmp = mps_asprintf("%s.tmp", checkpoint);
    if (side == NULL || tmp == NULL) {
        free(side);
        free(tmp);
        mpsim_errors_add(errs, NULL, 0, 0, NULL, "out of memory");
        return MPSIM_ERR_FAIL;
    }
    int status = MPSIM_OK;
    const char *files[3] = {checkpoint, side, tmp};
    for (int i = 0; i < 3; i++)
        if (unlink(files[i]) != 0 && errno != ENOENT) {
            mpsim_errors_add(errs, files[i], 0, 0, NULL, "cannot remove the checkpoint: %s",
                             strerror(errno));
            status = MPSIM_ERR_FAIL;
        }
    free(side);
    free(tmp);
    return status;
}
