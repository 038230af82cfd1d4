/*
 * Writing a report to a file: the page is built in memory first and put
 * in place with the results writer's atomic write (temporary name, fsync,
 * rename), so a failure never leaves half a page at the target.  Both
 * pages (a results file's, a sensitivity file's) go through here.
 */
#include <stdio.h>
#include <stdlib.h>

#include "mpsim.h"
#include "report/report.h"
#include "results/file_write.h"

int mps_report_write_file(const char *path, mps_report_page page, const void *data,
                          mpsim_errors *errs)
{
    if (path == NULL) {
        mpsim_errors_add(errs, NULL, 0, 0, NULL, "report: no output path given");
        return MPSIM_ERR_INPUT;
    }
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    if (mem == NULL) {
        mpsim_errors_add(errs, path, 0, 0, NULL, "cannot build the report: out of memory");
        return MPSIM_ERR_FAIL;
    }
    int status = page(data, mem, errs);
    if (fclose(mem) != 0 && status == MPSIM_OK) {
        mpsim_errors_add(errs, path, 0, 0, NULL, "cannot build the report: out of memory");
        status = MPSIM_ERR_FAIL;
    }
    if (status == MPSIM_OK)
        status = mps_file_write_atomic(path, buf, len, 0644, "report", errs);
    free(buf);
    return status;
}

static int results_page(const void *data, FILE *out, mpsim_errors *errs)
{
    return mpsim_report_write_html(data, out, errs);
}

int mpsim_report_write_html_file(const mpsim_results *r, const char *path, mpsim_errors *errs)
{
    return mps_report_write_file(path, results_page, r, errs);
}
