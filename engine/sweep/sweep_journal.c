/*
 * The journal of a sweep (docs/sweeps.md): completed points recorded
 * durably as they finish, so that a sweep stopped by a signal, a job
 * limit or kill -9 resumes where it was, and its final file is
 * bit-identical to an uninterrupted sweep's.
 *
 * Layout (native byte order; the header records it):
 *
 *   header, 128 bytes: "MPSIMSWJ", u32 version 1, u32 header size, u32
 *     record size, u32 doubles per record, u64 points, u32 shard index,
 *     u32 shard count, u64 0x0102030405060708 (byte order), char[40] the
 *     sweep's identity (hex), zero padding, u64 checksum of bytes 0..119.
 *   records, fixed size, appended: u64 "MPSIMREC", u64 point, i32 status,
 *     u32 error length, f64[doubles] the point's values, char[2048] the
 *     error text (NUL padded), u64 checksum of everything before it.
 *
 * Each record is written whole with one write and fsync'd before the next
 * point starts.  A record cut short (kill -9 while writing) or failing its
 * checksum at the end of the file is the point in flight: it is ignored
 * and overwritten.  The doubles are stored bit for bit, so resumed points
 * are exactly the points that ran.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"
#include "sweep/sweep.h"

#define J_VERSION 1u
#define J_HEADER 128u
#define J_ID 40u
#define J_ERRLEN (MPS_SWEEP_ERROR_MAX + 1)
/* Offsets within a record. */
#define R_MAGIC 0
#define R_POINT 8
#define R_STATUS 16
#define R_ERRLEN 20
#define R_VALUES 24
#define R_ERROR (R_VALUES + 8 * MPS_SWEEP_N_VALUES)
#define R_SUM (R_ERROR + J_ERRLEN)
#define J_RECORD (R_SUM + 8)

static const char header_magic[8] = {'M', 'P', 'S', 'I', 'M', 'S', 'W', 'J'};
static const char record_magic[8] = {'M', 'P', 'S', 'I', 'M', 'R', 'E', 'C'};

struct mps_journal {
    int fd;
    char *path;
    off_t end; /* where the next record goes */
};

static uint64_t checksum(const unsigned char *p, size_t n)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * UINT64_C(0x100000001b3);
    h = (h ^ (h >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    h = (h ^ (h >> 27)) * UINT64_C(0x94d049bb133111eb);
    return h ^ (h >> 31);
}

static void put32(unsigned char *b, size_t off, uint32_t v)
{
    memcpy(b + off, &v, 4);
}
static void put64(unsigned char *b, size_t off, uint64_t v)
{
    memcpy(b + off, &v, 8);
}
static uint32_t get32(const unsigned char *b, size_t off)
{
    uint32_t v;
    memcpy(&v, b + off, 4);
    return v;
}
static uint64_t get64(const unsigned char *b, size_t off)
{
    uint64_t v;
    memcpy(&v, b + off, 8);
    return v;
}

static void make_header(unsigned char *h, const mpsim_sweep_results *r)
{
    memset(h, 0, J_HEADER);
    memcpy(h, header_magic, 8);
    put32(h, 8, J_VERSION);
    put32(h, 12, J_HEADER);
    put32(h, 16, (uint32_t)J_RECORD);
    put32(h, 20, (uint32_t)MPS_SWEEP_N_VALUES);
    put64(h, 24, (uint64_t)r->n_points);
    put32(h, 32, r->shard_index);
    put32(h, 36, r->shard_count);
    put64(h, 40, UINT64_C(0x0102030405060708));
    snprintf((char *)h + 48, J_ID, "%s", r->sweep_id);
    put64(h, J_HEADER - 8, checksum(h, J_HEADER - 8));
}

static void sys_error(mpsim_errors *errs, const char *path, const char *what)
{
    char why[128];
    if (strerror_r(errno, why, sizeof why) != 0)
        snprintf(why, sizeof why, "error %d", errno);
    mpsim_errors_add(errs, path, 0, 0, "", "sweep journal: %s (%s)", what, why);
}

/* write() all of buf, retrying short writes and interruptions. */
static int write_all(int fd, const void *buf, size_t n, off_t at)
{
    const unsigned char *p = buf;
    while (n > 0) {
        ssize_t w = pwrite(fd, p, n, at);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
        at += w;
    }
    return 0;
}

/* fsync of the directory holding path, so a new file's name is durable. */
static void sync_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash ? mps_asprintf("%.*s", slash == path ? 1 : (int)(slash - path), path)
                      : mps_strdup(".");
    if (dir == NULL)
        return;
    int fd = open(dir, O_RDONLY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
    free(dir);
}

static int create_journal(mps_journal *j, const mpsim_sweep_results *r, int flags,
                          mpsim_errors *errs)
{
    j->fd = open(j->path, flags, 0644);
    if (j->fd < 0) {
        sys_error(errs, j->path, "cannot create it");
        return MPSIM_ERR_FAIL;
    }
    unsigned char h[J_HEADER];
    make_header(h, r);
    if (ftruncate(j->fd, 0) != 0 || write_all(j->fd, h, J_HEADER, 0) != 0 || fsync(j->fd) != 0) {
        sys_error(errs, j->path, "cannot write its header");
        return MPSIM_ERR_FAIL;
    }
    sync_dir(j->path);
    j->end = J_HEADER;
    return MPSIM_OK;
}

/* Loads record k (buf) into r; 0 when it is not a valid record of r. */
static int load_record(const unsigned char *b, mpsim_sweep_results *r)
{
    if (memcmp(b + R_MAGIC, record_magic, 8) != 0 || get64(b, R_SUM) != checksum(b, R_SUM))
        return 0;
    uint64_t p = get64(b, R_POINT);
    int32_t status;
    memcpy(&status, b + R_STATUS, 4);
    uint32_t elen = get32(b, R_ERRLEN);
    if (p >= r->n_points || r->done[p] || (status != 0 && status != 1) || elen >= J_ERRLEN ||
        !mps_sweep_in_shard((size_t)p, r->shard_index, r->shard_count))
        return 0;
    char *e = malloc(elen + 1);
    if (e == NULL)
        return 0;
    memcpy(e, b + R_ERROR, elen);
    e[elen] = '\0';
    free(r->error[p]);
    r->error[p] = e;
    memcpy(&r->values[p * MPS_SWEEP_N_VALUES], b + R_VALUES, 8 * MPS_SWEEP_N_VALUES);
    r->status[p] = status;
    r->done[p] = 1;
    return 1;
}

/* Reads an existing journal into r; cuts a torn last record (writer). */
static int resume_journal(mps_journal *j, mpsim_sweep_results *r, int write, mpsim_errors *errs)
{
    j->fd = open(j->path, write ? O_RDWR : O_RDONLY);
    struct stat st;
    if (j->fd < 0 || fstat(j->fd, &st) != 0) {
        sys_error(errs, j->path, "cannot open it to resume");
        return MPSIM_ERR_FAIL;
    }
    if (st.st_size < (off_t)J_HEADER) {
        /* Killed while creating it: nothing was recorded. */
        if (!write)
            return MPSIM_OK;
        return create_journal(j, r, O_RDWR, errs);
    }
    unsigned char h[J_HEADER], want[J_HEADER];
    if (pread(j->fd, h, J_HEADER, 0) != (ssize_t)J_HEADER) {
        sys_error(errs, j->path, "cannot read its header");
        return MPSIM_ERR_FAIL;
    }
    if (memcmp(h, header_magic, 8) != 0 || get64(h, J_HEADER - 8) != checksum(h, J_HEADER - 8) ||
        get32(h, 8) != J_VERSION) {
        mpsim_errors_add(errs, j->path, 0, 0, "",
                         "is not a sweep journal of this mpsim, or its header is damaged; "
                         "delete it to run the sweep from the start");
        return MPSIM_ERR_INPUT;
    }
    make_header(want, r);
    if (memcmp(h, want, J_HEADER) != 0) {
        mpsim_errors_add(errs, j->path, 0, 0, "",
                         "belongs to a different sweep: the sweep file, its base scenario, the "
                         "paths, the seed, the shard or the mpsim version differ from this "
                         "run's (journal %.32s, shard %u/%u; this run %s, shard %u/%u); rerun "
                         "with the options that started it, or delete it to start again",
                         (const char *)h + 48, get32(h, 32), get32(h, 36), r->sweep_id,
                         r->shard_index, r->shard_count);
        return MPSIM_ERR_INPUT;
    }
    unsigned char *b = malloc(J_RECORD);
    if (b == NULL) {
        mpsim_errors_add(errs, j->path, 0, 0, "", "out of memory reading the sweep journal");
        return MPSIM_ERR_FAIL;
    }
    off_t at = J_HEADER;
    int rc = MPSIM_OK;
    while (at + (off_t)J_RECORD <= st.st_size) {
        if (pread(j->fd, b, J_RECORD, at) != (ssize_t)J_RECORD) {
            sys_error(errs, j->path, "cannot read a record");
            rc = MPSIM_ERR_FAIL;
            break;
        }
        if (!load_record(b, r)) {
            /* Only the last record can be torn (each is fsync'd before
             * the next is written); a bad one before others is damage. */
            if (at + 2 * (off_t)J_RECORD <= st.st_size) {
                mpsim_errors_add(errs, j->path, 0, 0, "",
                                 "record %lld is damaged and is not the last; delete the "
                                 "journal to run the sweep from the start",
                                 (long long)((at - J_HEADER) / (off_t)J_RECORD));
                rc = MPSIM_ERR_INPUT;
            }
            break;
        }
        at += J_RECORD;
    }
    free(b);
    if (rc != MPSIM_OK)
        return rc;
    j->end = at;
    if (write && at < st.st_size && (ftruncate(j->fd, at) != 0 || fsync(j->fd) != 0)) {
        sys_error(errs, j->path, "cannot cut its torn last record");
        return MPSIM_ERR_FAIL;
    }
    return MPSIM_OK;
}

int mps_journal_open(const char *path, mpsim_sweep_results *r, int resume, int write,
                     mps_journal **out, mpsim_errors *errs)
{
    *out = NULL;
    mps_journal *j = calloc(1, sizeof *j);
    if (j == NULL || (j->path = mps_strdup(path)) == NULL) {
        free(j);
        mpsim_errors_add(errs, path, 0, 0, "", "out of memory opening the sweep journal");
        return MPSIM_ERR_FAIL;
    }
    j->fd = -1;
    struct stat st;
    int exists = lstat(path, &st) == 0;
    int rc;
    if (!write && !resume) {
        /* A process that does not write has nothing to check: the writer
         * may already have created the journal of this very run. */
        rc = MPSIM_OK;
    } else if (exists && !resume) {
        mpsim_errors_add(errs, path, 0, 0, "",
                         "a journal of an earlier, unfinished run of this sweep is here; "
                         "continue it with --resume (and the same options), or delete it to "
                         "start again");
        rc = MPSIM_ERR_INPUT;
    } else if (exists && !S_ISREG(st.st_mode)) {
        mpsim_errors_add(errs, path, 0, 0, "",
                         "is not a regular file, so it cannot be a sweep "
                         "journal");
        rc = MPSIM_ERR_INPUT;
    } else if (exists) {
        rc = resume_journal(j, r, write, errs);
    } else {
        rc = write ? create_journal(j, r, O_RDWR | O_CREAT | O_EXCL, errs) : MPSIM_OK;
    }
    if (rc != MPSIM_OK) {
        mps_journal_close(j);
        return rc;
    }
    *out = j;
    return MPSIM_OK;
}

int mps_journal_append(mps_journal *j, const mpsim_sweep_results *r, size_t p, mpsim_errors *errs)
{
    if (j == NULL || j->fd < 0)
        return MPSIM_OK;
    unsigned char *b = calloc(1, J_RECORD);
    if (b == NULL) {
        mpsim_errors_add(errs, j->path, 0, 0, "", "out of memory writing the sweep journal");
        return MPSIM_ERR_FAIL;
    }
    memcpy(b + R_MAGIC, record_magic, 8);
    put64(b, R_POINT, (uint64_t)p);
    int32_t status = r->status[p];
    memcpy(b + R_STATUS, &status, 4);
    const char *e = r->error[p] ? r->error[p] : "";
    size_t elen = strlen(e);
    if (elen > MPS_SWEEP_ERROR_MAX)
        elen = MPS_SWEEP_ERROR_MAX; /* run_point cuts it already */
    put32(b, R_ERRLEN, (uint32_t)elen);
    memcpy(b + R_VALUES, &r->values[p * MPS_SWEEP_N_VALUES], 8 * MPS_SWEEP_N_VALUES);
    memcpy(b + R_ERROR, e, elen);
    put64(b, R_SUM, checksum(b, R_SUM));
    int rc = MPSIM_OK;
    if (write_all(j->fd, b, J_RECORD, j->end) != 0 || fsync(j->fd) != 0) {
        sys_error(errs, j->path, "cannot record a completed point");
        rc = MPSIM_ERR_FAIL;
    } else {
        j->end += J_RECORD;
    }
    free(b);
    return rc;
}

void mps_journal_close(mps_journal *j)
{
    if (j == NULL)
        return;
    if (j->fd >= 0)
        close(j->fd);
    free(j->path);
    free(j);
}
