/*
 * libFuzzer harness for the results reader behind `mpsim show`
 * (tests/fuzz/README.md).
 *
 * Each input is written to a file and read with mpsim_results_read_hdf5,
 * which must return MPSIM_OK with results, or an error status with a
 * message and no results; never crash, hang or leak.  HDF5 is not built
 * with the sanitizers, so a fault inside libhdf5 shows as a plain crash:
 * docs/reliability.md lists those as upstream findings.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mpsim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_results: invariant broken: %s\n", what);
        abort();
    }
}

/* One file per process, reused: $TMPDIR/mpsim-fuzz-results-<pid>.h5. */
static const char *input_path(void)
{
    static char path[512];
    if (path[0] == '\0') {
        const char *dir = getenv("TMPDIR");
        snprintf(path, sizeof path, "%s/mpsim-fuzz-results-%ld.h5", dir && *dir ? dir : "/tmp",
                 (long)getpid());
    }
    return path;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = input_path();
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        return 0;
    size_t wrote = fwrite(data, 1, size, f);
    int closed = fclose(f);
    if (wrote != size || closed != 0) {
        remove(path);
        return 0;
    }
    mpsim_errors e;
    mpsim_errors_init(&e);
    mpsim_results *r = (mpsim_results *)&e; /* the reader must reset it */
    int rc = mpsim_results_read_hdf5(path, &r, &e);
    if (rc == MPSIM_OK) {
        check(r != NULL, "MPSIM_OK without results");
        /* What `show` does with them next. */
        FILE *null = fopen("/dev/null", "w");
        if (null) {
            mpsim_results_print_table(r, null);
            mpsim_results_print_json(r, null);
            fclose(null);
        }
    } else {
        check(r == NULL, "an error status with results");
        check(e.count > 0, "an error status without a message");
    }
    mpsim_results_free(r);
    mpsim_errors_clear(&e);
    remove(path);
    return 0;
}
