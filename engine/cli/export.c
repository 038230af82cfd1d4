/*
 * `mpsim export RESULTS.h5 [--csv DIR] [--xlsx FILE]`: a results file's
 * tables as CSV files and / or one Excel workbook (docs/report.md).  The
 * file is read as `mpsim show` reads it (mps_cli_read_results).
 */
#include "cli/cli.h"

int mps_cli_export(const mps_cli_options *o)
{
    mpsim_errors errs;
    mpsim_errors_init(&errs);
    mpsim_results *r = NULL;
    int status = mps_cli_read_results(o->inputs[0], &r, &errs);
    if (status != MPSIM_OK) {
        mps_cli_report_errors(&errs, "reading the results file");
        goto done;
    }
    /* Check what cannot work before writing anything. */
    if (o->xlsx_file && !mpsim_export_xlsx_available()) {
        status = mpsim_export_xlsx(r, o->xlsx_file, &errs);
        mps_cli_report_errors(&errs, "writing the workbook");
        goto done;
    }
    if (o->csv_dir) {
        status = mpsim_export_csv(r, o->csv_dir, &errs);
        if (status != MPSIM_OK) {
            mps_cli_report_errors(&errs, "writing the CSV files");
            goto done;
        }
        if (!o->quiet)
            fprintf(stderr, "mpsim export: wrote CSV files to %s\n", o->csv_dir);
    }
    if (o->xlsx_file) {
        status = mpsim_export_xlsx(r, o->xlsx_file, &errs);
        if (status != MPSIM_OK) {
            mps_cli_report_errors(&errs, "writing the workbook");
            goto done;
        }
        if (!o->quiet)
            fprintf(stderr, "mpsim export: wrote %s\n", o->xlsx_file);
    }
done:
    mpsim_results_free(r);
    mpsim_errors_clear(&errs);
    return mps_cli_exit_status(status);
}
