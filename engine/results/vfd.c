/*
 * The latching file driver (vfd.h): plain pread/pwrite on a descriptor
 * until the first failure, then an in-memory overlay.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "results/vfd.h"

/* The largest address the driver accepts: that of off_t, as HDF5's own
 * POSIX driver does. */
#define MPS_VFD_MAXADDR (((haddr_t)1 << (8 * sizeof(off_t) - 1)) - 1)

/* A write kept in memory after the latch.  Later pieces cover earlier
 * ones, so reads apply them in order. */
typedef struct {
    haddr_t addr;
    size_t size;
    unsigned char *data;
} piece;

/* The driver's file: HDF5's public part first, as the VFD interface needs. */
typedef struct {
    H5FD_t pub;
    mps_vfd_status *st;
    haddr_t eoa;   /* end of the address space HDF5 has allocated */
    haddr_t eof;   /* end of everything written (to disk or the overlay) */
    piece *pieces; /* the overlay, once latched */
    size_t n_pieces, cap_pieces;
} vfd_file;

/* What H5Pset_driver copies into the access list. */
typedef struct {
    mps_vfd_status *st;
} vfd_info;

static H5FD_t *vfd_open(const char *name, unsigned flags, hid_t fapl, haddr_t maxaddr)
{
    (void)name;
    (void)flags;
    (void)maxaddr;
    const vfd_info *info = H5Pget_driver_info(fapl);
    if (info == NULL || info->st == NULL || info->st->fd < 0)
        return NULL;
    struct stat sb;
    if (fstat(info->st->fd, &sb) != 0)
        return NULL;
    vfd_file *f = calloc(1, sizeof *f);
    if (f == NULL)
        return NULL;
    f->st = info->st;
    f->eof = (haddr_t)sb.st_size;
    return &f->pub;
}

static herr_t vfd_close(H5FD_t *file)
{
    vfd_file *f = (vfd_file *)file;
    for (size_t i = 0; i < f->n_pieces; i++)
        free(f->pieces[i].data);
    free(f->pieces);
    free(f);
    return 0;
}

static herr_t vfd_query(const H5FD_t *file, unsigned long *flags)
{
    (void)file;
    /* As HDF5's POSIX driver: small metadata and raw data are gathered into
     * larger writes, which is what makes per-chunk appends cheap. */
    *flags = H5FD_FEAT_AGGREGATE_METADATA | H5FD_FEAT_ACCUMULATE_METADATA | H5FD_FEAT_DATA_SIEVE |
             H5FD_FEAT_AGGREGATE_SMALLDATA;
    return 0;
}

static haddr_t vfd_get_eoa(const H5FD_t *file, H5FD_mem_t type)
{
    (void)type;
    return ((const vfd_file *)file)->eoa;
}

static herr_t vfd_set_eoa(H5FD_t *file, H5FD_mem_t type, haddr_t addr)
{
    (void)type;
    ((vfd_file *)file)->eoa = addr;
    return 0;
}

static haddr_t vfd_get_eof(const H5FD_t *file, H5FD_mem_t type)
{
    (void)type;
    return ((const vfd_file *)file)->eof;
}

static herr_t vfd_get_handle(H5FD_t *file, hid_t fapl, void **handle)
{
    (void)fapl;
    *handle = &((vfd_file *)file)->st->fd;
    return 0;
}

/* Keeps a copy of a write in the overlay; -1 when out of memory. */
static int keep_piece(vfd_file *f, haddr_t addr, size_t size, const void *buf)
{
    if (f->n_pieces == f->cap_pieces) {
        size_t cap = f->cap_pieces ? 2 * f->cap_pieces : 16;
        piece *p = realloc(f->pieces, cap * sizeof *p);
        if (p == NULL)
            return -1;
        f->pieces = p;
        f->cap_pieces = cap;
    }
    unsigned char *data = malloc(size ? size : 1);
    if (data == NULL)
        return -1;
    memcpy(data, buf, size);
    f->pieces[f->n_pieces++] = (piece){addr, size, data};
    return 0;
}

static void latch(vfd_file *f, int err, const char *step)
{
    if (f->st->err != 0)
        return;
    f->st->err = err ? err : EIO;
    f->st->step = step;
}

static herr_t vfd_write(H5FD_t *file, H5FD_mem_t type, hid_t dxpl, haddr_t addr, size_t size,
                        const void *buf)
{
    (void)type;
    (void)dxpl;
    vfd_file *f = (vfd_file *)file;
    const unsigned char *p = buf;
    haddr_t at = addr;
    size_t left = size;
    while (f->st->err == 0 && left > 0) {
        /* Pieces of at most 1 GiB: some systems refuse larger writes. */
        size_t chunk = left < ((size_t)1 << 30) ? left : (size_t)1 << 30;
        ssize_t n = pwrite(f->st->fd, p, chunk, (off_t)at);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            latch(f, n < 0 ? errno : EIO, "write");
            break;
        }
        p += n;
        at += (haddr_t)n;
        left -= (size_t)n;
    }
    /* Latched: keep the whole write (a part may have reached the disk, but
     * the overlay is read over it anyway). */
    if (f->st->err != 0 && keep_piece(f, addr, size, buf) != 0)
        return -1;
    if (addr + size > f->eof)
        f->eof = addr + size;
    return 0;
}

static herr_t vfd_read(H5FD_t *file, H5FD_mem_t type, hid_t dxpl, haddr_t addr, size_t size,
                       void *buf)
{
    (void)type;
    (void)dxpl;
    vfd_file *f = (vfd_file *)file;
    unsigned char *p = buf;
    size_t got = 0;
    while (got < size) {
        ssize_t n = pread(f->st->fd, p + got, size - got, (off_t)(addr + got));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            break; /* past the end of the file on disk */
        got += (size_t)n;
    }
    /* Never written (or only to the overlay): zeros, as for HDF5's own
     * drivers, then the overlay on top. */
    memset(p + got, 0, size - got);
    for (size_t i = 0; i < f->n_pieces; i++) {
        const piece *q = &f->pieces[i];
        haddr_t lo = q->addr > addr ? q->addr : addr;
        haddr_t hi = q->addr + q->size < addr + size ? q->addr + q->size : addr + size;
        if (lo < hi)
            memcpy(p + (lo - addr), q->data + (lo - q->addr), (size_t)(hi - lo));
    }
    return 0;
}

static herr_t vfd_flush(H5FD_t *file, hid_t dxpl, hbool_t closing)
{
    /* The caller fsyncs the descriptor once the file is closed. */
    (void)file;
    (void)dxpl;
    (void)closing;
    return 0;
}

static herr_t vfd_truncate(H5FD_t *file, hid_t dxpl, hbool_t closing)
{
    (void)dxpl;
    (void)closing;
    vfd_file *f = (vfd_file *)file;
    if (f->eoa == f->eof)
        return 0;
    if (f->st->err == 0 && ftruncate(f->st->fd, (off_t)f->eoa) != 0)
        latch(f, errno, "truncate");
    f->eof = f->eoa;
    return 0;
}

static const H5FD_class_t vfd_class = {
#if H5_VERSION_GE(1, 13, 2)
    /* Later HDF5 versions number the interface and the driver; any value
     * from 512 up is free for private drivers. */
    .version = H5FD_CLASS_VERSION,
    .value = 555,
#endif
    .name = "mpsim-latching",
    .maxaddr = MPS_VFD_MAXADDR,
    .fc_degree = H5F_CLOSE_WEAK,
    .fapl_size = sizeof(vfd_info),
    .open = vfd_open,
    .close = vfd_close,
    .query = vfd_query,
    .get_eoa = vfd_get_eoa,
    .set_eoa = vfd_set_eoa,
    .get_eof = vfd_get_eof,
    .get_handle = vfd_get_handle,
    .read = vfd_read,
    .write = vfd_write,
    .flush = vfd_flush,
    .truncate = vfd_truncate,
    .fl_map = H5FD_FLMAP_DICHOTOMY,
};

hid_t mps_vfd_register(void)
{
    return H5FDregister(&vfd_class);
}

void mps_vfd_unregister(hid_t driver)
{
    if (driver >= 0)
        H5FDunregister(driver);
}

int mps_vfd_set_fapl(hid_t fapl, hid_t driver, mps_vfd_status *st)
{
    vfd_info info = {st};
    return H5Pset_driver(fapl, driver, &info) < 0 ? -1 : 0;
}
