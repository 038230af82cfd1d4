/*
 * Files built whole in memory by HDF5's core driver and only then written
 * to disk, by file_write.c (a temporary name, fsync, rename): the results
 * file (mpsim_results_write_hdf5), and through mps_h5_write_image_file the
 * sweep and sensitivity files.  HDF5 therefore never meets a disk error:
 * HDF5 1.10 cannot be trusted after one (a failed H5Fclose leaves the file
 * half torn down and the library's exit handler then crashes; found under
 * `ulimit -f` and on a full tmpfs by tests/cli/diskfull.sh), while a plain
 * write() fails cleanly with errno.  The price is memory: the file's image
 * while it is written, which mpsim_run_estimate counts.  (`mpsim run
 * --keep-paths` writes on disk as it goes instead, through a driver that
 * keeps disk errors from HDF5: paths_stream.c, vfd.c.)
 */
#include <stdlib.h>
#include <string.h>

#include <hdf5.h>

#include "results/file_write.h"
#include "results/h5io.h"
#include "results/write_hdf5.h"

/* Where the core driver's memory goes: the file image callbacks below keep
 * the buffer HDF5 would free when the file closes, so the finished file is
 * taken without a copy.  `live` is the buffer of the file being built (the
 * one the driver grows), `size` its size (a multiple of the growth step);
 * the file's length is read from its superblock.  Any other buffer (HDF5
 * may open a file of the same name to see whether it exists) is freed. */
typedef struct {
    void *live;
    size_t size;
    unsigned char *buf;
} image_sink;

static void *image_malloc(size_t size, H5FD_file_image_op_t op, void *udata)
{
    (void)op;
    (void)udata;
    return malloc(size);
}

static void *image_memcpy(void *dest, const void *src, size_t size, H5FD_file_image_op_t op,
                          void *udata)
{
    (void)op;
    (void)udata;
    return memcpy(dest, src, size);
}

static void *image_realloc(void *ptr, size_t size, H5FD_file_image_op_t op, void *udata)
{
    (void)op;
    image_sink *sink = udata;
    void *p = realloc(ptr, size);
    if (p && op == H5FD_FILE_IMAGE_OP_FILE_RESIZE) {
        sink->live = p;
        sink->size = size;
    }
    return p;
}

static herr_t image_free(void *ptr, H5FD_file_image_op_t op, void *udata)
{
    image_sink *sink = udata;
    if (op == H5FD_FILE_IMAGE_OP_FILE_CLOSE && ptr != NULL && ptr == sink->live && !sink->buf)
        sink->buf = ptr; /* the finished file: ours now */
    else
        free(ptr);
    return 0;
}

/* The sink outlives every property list that refers to it, so copies of
 * the list share it. */
static void *udata_copy(void *udata) { return udata; }
static herr_t udata_free(void *udata)
{
    (void)udata;
    return 0;
}

/* The file's length: the "end of file address" of its superblock (format
 * version 2, which H5F_LIBVER_V18 writes, or 3: signature, version, sizes
 * of offsets and lengths, flags, then base, extension and end-of-file
 * addresses).  0 when the image does not look like that. */
static size_t image_length(const unsigned char *buf, size_t size)
{
    static const unsigned char sig[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    if (size < 48 || memcmp(buf, sig, sizeof sig) != 0 || (buf[8] != 2 && buf[8] != 3) ||
        buf[9] != 8)
        return 0;
    uint64_t eoa = 0;
    for (int i = 7; i >= 0; i--)
        eoa = (eoa << 8) | buf[28 + i];
    return eoa >= 48 && eoa <= size ? (size_t)eoa : 0;
}

/* The finished file as bytes: HDF5's in-memory ("core") driver builds it
 * without touching the disk, `fill` writes its contents; *image is
 * malloc'd. */
static void build_image(mps_h5w *w, mps_h5_fill fill, const void *ctx, unsigned char **image,
                        size_t *size)
{
    image_sink sink = {NULL, 0, NULL};
    H5FD_file_image_callbacks_t cb = {image_malloc, image_memcpy, image_realloc, image_free,
                                      udata_copy,   udata_free,   &sink};
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS), fcpl = -1, file = -1;
    /* Memory grows in steps of 1 MiB; no backing store: HDF5 writes
     * nothing to disk. */
    if (fapl < 0 || H5Pset_fapl_core(fapl, (size_t)1 << 20, 0) < 0 ||
        H5Pset_file_image_callbacks(fapl, &cb) < 0)
        mps_h5w_fail(w, -1, NULL, "cannot set up file access");
    if (!w->failed)
        mps_results_file_props(w, fapl, &fcpl);
    /* The name only identifies the in-memory file to HDF5, which first
     * tries to open a file of that name on disk (and would read it whole
     * into memory); under /dev/null, which is not a directory, none can
     * exist. */
    if (!w->failed &&
        (file = H5Fcreate("/dev/null/mpsim-file-in-memory", H5F_ACC_TRUNC, fcpl, fapl)) < 0)
        mps_h5w_fail(w, -1, NULL, "cannot create the file in memory");
    if (!w->failed)
        fill(w, file, ctx);
    if (file >= 0 && H5Fclose(file) < 0)
        mps_h5w_fail(w, -1, NULL, "cannot finish the file in memory");
    mps_h5_close(fapl);
    mps_h5_close(fcpl);
    *size = sink.buf ? image_length(sink.buf, sink.size) : 0;
    if (!w->failed && *size == 0)
        mps_h5w_fail(w, -1, NULL, "the finished file has no valid superblock");
    if (w->failed) {
        free(sink.buf);
        sink.buf = NULL;
        *size = 0;
    }
    *image = sink.buf;
}

int mps_h5_write_image_file(const char *path, mps_h5_fill fill, const void *ctx, const char *what,
                            mpsim_errors *errs)
{
    mps_h5_quiet quiet;
    mps_h5_quiet_begin(&quiet);
    mps_h5w w;
    unsigned char *image = NULL;
    size_t size = 0;
    if (mps_h5w_init(&w, path, errs) == 0)
        build_image(&w, fill, ctx, &image, &size);
    mps_h5w_close(&w);
    mps_h5_quiet_end(&quiet);
    if (w.failed)
        return MPSIM_ERR_FAIL;
    int rc = mps_file_write_atomic(path, image, size, MPS_RESULTS_MODE, what, errs);
    free(image);
    return rc;
}

static void fill_results(mps_h5w *w, hid_t file, const void *ctx)
{
    mps_results_write_contents(w, file, ctx, MPS_PATHS_LEVEL_DEFAULT, 0);
}

int mpsim_results_write_hdf5(const mpsim_results *r, const char *path, mpsim_errors *errs)
{
    if (r == NULL || path == NULL || *path == '\0') {
        mpsim_errors_add(errs, path, 0, 0, NULL, "no results or no output path given");
        return MPSIM_ERR_FAIL;
    }
    return mps_h5_write_image_file(path, fill_results, r, "results file", errs);
}
