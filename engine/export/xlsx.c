/*
 * `mpsim export --xlsx FILE`: the export's tables as one Excel workbook
 * through libxlsxwriter (Debian libxlsxwriter-dev; docs/report.md says why
 * that library).  A sheet per table: row 1 the column names (bold), row 2
 * their units (italic), both frozen; numbers keep full precision and get a
 * number format by unit (£m "#,##0.0", probabilities and ratios "0.000",
 * years and counts "0").  Text is always written as text, never as a
 * formula, whatever it starts with.
 *
 * libxlsxwriter writes to a file name, so the workbook goes to a temporary
 * name beside the target, is fsync'd and renamed into place: on failure
 * nothing is left at the target.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "export/export.h"

#ifdef MPSIM_HAVE_XLSXWRITER
#include <xlsxwriter.h>

int mpsim_export_xlsx_available(void) { return 1; }

/* Formats shared by every sheet. */
typedef struct {
    lxw_format *header, *units, *money, *prob, *count;
} formats;

static lxw_format *number_format(const formats *f, const mps_xcol *c)
{
    const char *code = mps_export_format(c);
    if (code == NULL)
        return NULL;
    if (strcmp(code, "#,##0.0") == 0)
        return f->money;
    if (strcmp(code, "0.000") == 0)
        return f->prob;
    return f->count;
}

/* Sheet names may not hold []:*?/\ and are at most 31 characters; ours are
 * table names, which are short and plain. */
static lxw_error write_sheet(lxw_workbook *wb, const formats *f, const mps_xtable *t)
{
    lxw_worksheet *ws = workbook_add_worksheet(wb, t->name);
    if (ws == NULL)
        return LXW_ERROR_MEMORY_MALLOC_FAILED;
    lxw_error e = LXW_NO_ERROR;
    for (size_t j = 0; j < t->n_cols && e == LXW_NO_ERROR; j++) {
        const mps_xcol *c = &t->cols[j];
        double w = (double)strlen(c->name) + 2.0;
        if (w < 12.0)
            w = 12.0;
        e = worksheet_set_column(ws, (lxw_col_t)j, (lxw_col_t)j, w, NULL);
        if (e == LXW_NO_ERROR)
            e = worksheet_write_string(ws, 0, (lxw_col_t)j, c->name, f->header);
        if (e == LXW_NO_ERROR && c->units)
            e = worksheet_write_string(ws, 1, (lxw_col_t)j, c->units, f->units);
    }
    for (size_t i = 0; i < t->n_rows && e == LXW_NO_ERROR; i++) {
        const mps_xcell *row = t->cells + i * t->n_cols;
        lxw_row_t r = (lxw_row_t)(i + 2);
        for (size_t j = 0; j < t->n_cols && e == LXW_NO_ERROR; j++) {
            const mps_xcol *c = &t->cols[j];
            if (c->kind == MPS_X_TEXT) {
                if (row[j].text && row[j].text[0])
                    e = worksheet_write_string(ws, r, (lxw_col_t)j, row[j].text, NULL);
            } else if (isfinite(row[j].num)) {
                e = worksheet_write_number(ws, r, (lxw_col_t)j, row[j].num, number_format(f, c));
            }
        }
    }
    if (e == LXW_NO_ERROR)
        worksheet_freeze_panes(ws, 2, 0);
    return e;
}

/* The data dictionary sheet, as columns.csv. */
static lxw_error write_columns(lxw_workbook *wb, const formats *f, const mps_xbook *b)
{
    lxw_worksheet *ws = workbook_add_worksheet(wb, "columns");
    if (ws == NULL)
        return LXW_ERROR_MEMORY_MALLOC_FAILED;
    static const char *const head[] = {"table", "column", "units", "description"};
    static const double widths[] = {20, 26, 36, 90};
    lxw_error e = LXW_NO_ERROR;
    for (lxw_col_t j = 0; j < 4 && e == LXW_NO_ERROR; j++) {
        e = worksheet_set_column(ws, j, j, widths[j], NULL);
        if (e == LXW_NO_ERROR)
            e = worksheet_write_string(ws, 0, j, head[j], f->header);
    }
    lxw_row_t r = 1;
    for (size_t i = 0; i < b->n && e == LXW_NO_ERROR; i++)
        for (size_t j = 0; j < b->tables[i].n_cols && e == LXW_NO_ERROR; j++, r++) {
            const mps_xcol *c = &b->tables[i].cols[j];
            e = worksheet_write_string(ws, r, 0, b->tables[i].name, NULL);
            if (e == LXW_NO_ERROR)
                e = worksheet_write_string(ws, r, 1, c->name, NULL);
            if (e == LXW_NO_ERROR && c->units)
                e = worksheet_write_string(ws, r, 2, c->units, NULL);
            if (e == LXW_NO_ERROR && c->description)
                e = worksheet_write_string(ws, r, 3, c->description, NULL);
        }
    if (e == LXW_NO_ERROR)
        worksheet_freeze_panes(ws, 1, 0);
    return e;
}

/* Writes the workbook to `tmp`; a message names `path` on failure. */
static int write_workbook(const mps_xbook *b, const char *tmp, const char *path,
                          mpsim_errors *errs)
{
    lxw_workbook *wb = workbook_new(tmp);
    if (wb == NULL) {
        mpsim_errors_add(errs, path, 0, 0, NULL, "cannot write the workbook: cannot create it");
        return MPSIM_ERR_FAIL;
    }
    formats f;
    f.header = workbook_add_format(wb);
    f.units = workbook_add_format(wb);
    f.money = workbook_add_format(wb);
    f.prob = workbook_add_format(wb);
    f.count = workbook_add_format(wb);
    lxw_error e = LXW_NO_ERROR;
    if (!f.header || !f.units || !f.money || !f.prob || !f.count) {
        e = LXW_ERROR_MEMORY_MALLOC_FAILED;
    } else {
        format_set_bold(f.header);
        format_set_bottom(f.header, LXW_BORDER_THIN);
        format_set_italic(f.units);
        format_set_font_color(f.units, 0x555555);
        format_set_num_format(f.money, "#,##0.0");
        format_set_num_format(f.prob, "0.000");
        format_set_num_format(f.count, "0");
    }
    for (size_t i = 0; i < b->n && e == LXW_NO_ERROR; i++)
        e = write_sheet(wb, &f, &b->tables[i]);
    if (e == LXW_NO_ERROR)
        e = write_columns(wb, &f, b);
    /* workbook_close frees the workbook whatever happened; it is where the
     * file is actually written. */
    lxw_error ce = workbook_close(wb);
    if (e == LXW_NO_ERROR)
        e = ce;
    if (e != LXW_NO_ERROR) {
        mpsim_errors_add(errs, path, 0, 0, NULL, "cannot write the workbook: %s",
                         lxw_strerror(e));
        return MPSIM_ERR_FAIL;
    }
    return MPSIM_OK;
}

/* fsync of the finished temporary file, then of its directory after the
 * rename, so the workbook survives a crash once mpsim says it is written. */
static int sync_path(const char *p, int flags)
{
    int fd = open(p, flags);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    int saved = errno;
    close(fd);
    errno = saved;
    return rc;
}

int mpsim_export_xlsx(const mpsim_results *r, const char *path, mpsim_errors *errs)
{
    if (r == NULL || path == NULL || path[0] == '\0') {
        mpsim_errors_add(errs, NULL, 0, 0, NULL, "export: no results or no workbook path given");
        return MPSIM_ERR_INPUT;
    }
    size_t n = strlen(path) + 16;
    char *tmp = malloc(n);
    char *dir = malloc(strlen(path) + 2);
    if (tmp == NULL || dir == NULL) {
        free(tmp);
        free(dir);
        mpsim_errors_add(errs, path, 0, 0, NULL, "export: out of memory");
        return MPSIM_ERR_FAIL;
    }
    snprintf(tmp, n, "%s.tmp-XXXXXX", path);
    strcpy(dir, path);
    char *slash = strrchr(dir, '/');
    if (slash == NULL)
        strcpy(dir, ".");
    else if (slash == dir)
        dir[1] = '\0';
    else
        *slash = '\0';

    int status = MPSIM_OK;
    /* mkstemp reserves a name no one else is using; libxlsxwriter then
     * writes the workbook over it by name. */
    int fd = mkstemp(tmp);
    if (fd < 0) {
        mpsim_errors_add(errs, path, 0, 0, NULL, "cannot write the workbook: cannot create a "
                         "file in %s (%s)", dir, strerror(errno));
        free(tmp);
        free(dir);
        return MPSIM_ERR_FAIL;
    }
    close(fd);
    mps_xbook b;
    status = mps_export_build(r, &b, errs);
    if (status == MPSIM_OK)
        status = write_workbook(&b, tmp, path, errs);
    mps_export_book_free(&b);
    if (status == MPSIM_OK) {
        if (chmod(tmp, 0644) != 0 || sync_path(tmp, O_RDONLY) != 0 || rename(tmp, path) != 0) {
            mpsim_errors_add(errs, path, 0, 0, NULL, "cannot write the workbook (%s)",
                             strerror(errno));
            status = MPSIM_ERR_FAIL;
        } else {
            (void)sync_path(dir, O_RDONLY); /* best effort: some file systems refuse */
        }
    }
    if (status != MPSIM_OK)
        unlink(tmp);
    free(tmp);
    free(dir);
    return status;
}

#else /* no libxlsxwriter */

int mpsim_export_xlsx_available(void) { return 0; }

int mpsim_export_xlsx(const mpsim_results *r, const char *path, mpsim_errors *errs)
{
    (void)r;
    mpsim_errors_add(errs, path, 0, 0, NULL,
                     "cannot write workbooks: this mpsim was built without libxlsxwriter "
                     "(Debian: libxlsxwriter-dev; rebuild after installing it)");
    return MPSIM_ERR_FAIL;
}

#endif
