/*
 * `mpsim export --csv DIR`: one RFC 4180 CSV file per table (a header row
 * of column names, then the rows), and columns.csv saying each column's
 * units and meaning.  Numbers are printed with 17 significant digits, so
 * they read back as exactly the numbers in the results file; an undefined
 * value is an empty field (pandas and R read it as NaN / NA).
 *
 * Each file is built in memory and put in place atomically, so a reader
 * never sees half a file and a failure leaves the old one as it was.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "export/export.h"
#include "results/file_write.h"

/* A field, quoted when it holds a comma, a quote or a line break. */
static void field(FILE *out, const char *s)
{
    if (s == NULL)
        return;
    if (strpbrk(s, ",\"\r\n") == NULL) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

static void number(FILE *out, const mps_xcol *c, double x)
{
    if (!isfinite(x))
        return;
    if (c->kind == MPS_X_INT && fabs(x) < 9007199254740992.0)
        fprintf(out, "%.0f", x);
    else
        fprintf(out, "%.17g", x);
}

static void write_table(FILE *out, const mps_xtable *t)
{
    for (size_t j = 0; j < t->n_cols; j++) {
        if (j)
            fputc(',', out);
        field(out, t->cols[j].name);
    }
    fputs("\r\n", out);
    for (size_t i = 0; i < t->n_rows; i++) {
        const mps_xcell *row = t->cells + i * t->n_cols;
        for (size_t j = 0; j < t->n_cols; j++) {
            if (j)
                fputc(',', out);
            if (t->cols[j].kind == MPS_X_TEXT)
                field(out, row[j].text);
            else
                number(out, &t->cols[j], row[j].num);
        }
        fputs("\r\n", out);
    }
}

/* columns.csv: the data dictionary of every table. */
static void write_columns(FILE *out, const mps_xbook *b)
{
    fputs("table,column,units,description\r\n", out);
    for (size_t i = 0; i < b->n; i++) {
        const mps_xtable *t = &b->tables[i];
        for (size_t j = 0; j < t->n_cols; j++) {
            field(out, t->name);
            fputc(',', out);
            field(out, t->cols[j].name);
            fputc(',', out);
            field(out, t->cols[j].units);
            fputc(',', out);
            field(out, t->cols[j].description);
            fputs("\r\n", out);
        }
    }
}

/* Builds one file in memory with `fill` and writes it to dir/name.csv. */
static int write_file(const char *dir, const char *name, const mps_xbook *b,
                      const mps_xtable *t, mpsim_errors *errs)
{
    size_t plen = strlen(dir) + strlen(name) + 6;
    char *path = malloc(plen);
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = path ? open_memstream(&buf, &len) : NULL;
    if (mem == NULL) {
        free(path);
        mpsim_errors_add(errs, dir, 0, 0, NULL, "export: out of memory");
        return MPSIM_ERR_FAIL;
    }
    snprintf(path, plen, "%s/%s.csv", dir, name);
    if (t)
        write_table(mem, t);
    else
        write_columns(mem, b);
    int status = MPSIM_OK;
    if (ferror(mem) | (fclose(mem) != 0)) {
        mpsim_errors_add(errs, path, 0, 0, NULL, "export: out of memory");
        status = MPSIM_ERR_FAIL;
    }
    if (status == MPSIM_OK)
        status = mps_file_write_atomic(path, buf, len, 0644, "CSV file", errs);
    free(buf);
    free(path);
    return status;
}

int mpsim_export_csv(const mpsim_results *r, const char *dir, mpsim_errors *errs)
{
    if (r == NULL || dir == NULL || dir[0] == '\0') {
        mpsim_errors_add(errs, NULL, 0, 0, NULL, "export: no results or no directory given");
        return MPSIM_ERR_INPUT;
    }
    /* The directory is created when missing (not its parents: a typo in a
     * parent should be an error, not a new tree). */
    struct stat st;
    if (stat(dir, &st) != 0) {
        if (errno != ENOENT || mkdir(dir, 0755) != 0) {
            mpsim_errors_add(errs, dir, 0, 0, NULL, "cannot create the CSV directory (%s)",
                             strerror(errno));
            return MPSIM_ERR_FAIL;
        }
    } else if (!S_ISDIR(st.st_mode)) {
        mpsim_errors_add(errs, dir, 0, 0, NULL,
                         "cannot write CSV files there: it exists and is not a directory");
        return MPSIM_ERR_FAIL;
    }
    mps_xbook b;
    int status = mps_export_build(r, &b, errs);
    for (size_t i = 0; status == MPSIM_OK && i < b.n; i++)
        status = write_file(dir, b.tables[i].name, &b, &b.tables[i], errs);
    if (status == MPSIM_OK)
        status = write_file(dir, "columns", &b, NULL, errs);
    mps_export_book_free(&b);
    return status;
}
