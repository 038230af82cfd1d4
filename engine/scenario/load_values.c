/*
 * Key paths, error reporting and typed getters for the scenario loader
 * (load_internal.h).  Messages follow one pattern: what must hold, then
 * "(got ...)" with the text as written, so the user sees their own input.
 */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "scenario/load_internal.h"

/* ------------------------------------------------------------ key paths */

static void path_append(mps_loader *L, const char *s)
{
    size_t n = strlen(s);
    if (L->path.len + n + 1 > L->path.cap) {
        size_t cap = L->path.cap ? L->path.cap : 64;
        while (cap < L->path.len + n + 1)
            cap *= 2;
        char *buf = realloc(L->path.buf, cap);
        if (buf == NULL) {
            mps_load_oom(L);
            return;
        }
        L->path.buf = buf;
        L->path.cap = cap;
    }
    memcpy(L->path.buf + L->path.len, s, n + 1);
    L->path.len += n;
}

size_t mps_path_key(mps_loader *L, const char *key)
{
    size_t mark = L->path.len;
    if (L->path.len > 0)
        path_append(L, ".");
    path_append(L, key);
    return mark;
}

size_t mps_path_index(mps_loader *L, size_t i)
{
    size_t mark = L->path.len;
    char buf[32];
    snprintf(buf, sizeof buf, "[%zu]", i);
    path_append(L, buf);
    return mark;
}

void mps_path_restore(mps_loader *L, size_t mark)
{
    if (L->path.buf != NULL && mark <= L->path.len) {
        L->path.len = mark;
        L->path.buf[mark] = '\0';
    }
}

/* --------------------------------------------------------------- errors */

void mps_load_error(mps_loader *L, const mps_ynode *at, const char *fmt, ...)
{
    L->n_errors++;
    if (L->n_errors > MPS_LOAD_MAX_ERRORS + 1)
        return;
    if (L->n_errors == MPS_LOAD_MAX_ERRORS + 1) {
        mpsim_errors_add(L->errs, L->file, 0, 0, "",
                         "more than %d errors; the rest are not shown", MPS_LOAD_MAX_ERRORS);
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    char *msg = mps_vasprintf(fmt, ap);
    va_end(ap);
    if (msg == NULL) {
        mps_load_oom(L);
        return;
    }
    /* After `extends` merging a node may come from another file than the
     * one being loaded: the error names the file where it was written. */
    const char *file = at != NULL && at->file != NULL ? at->file : L->file;
    mpsim_errors_add(L->errs, file, at ? at->line : 0, at ? at->column : 0,
                     L->path.buf ? L->path.buf : "", "%s", msg);
    free(msg);
}

void mps_load_oom(mps_loader *L)
{
    if (!L->oom)
        mpsim_errors_add(L->errs, L->file, 0, 0, "", "out of memory while loading the scenario");
    L->oom = 1;
}

const char *mps_got(const mps_ynode *n, char *buf, size_t size)
{
    if (n == NULL)
        return "nothing";
    if (n->type == MPS_YNODE_MAPPING)
        return "a mapping";
    if (n->type == MPS_YNODE_SEQUENCE)
        return "a list";
    if (n->plain && n->len == 0)
        return "nothing";
    /* Long values are cut so a message stays one readable line. */
    int cut = n->len > 40;
    if (n->plain)
        snprintf(buf, size, "%.40s%s", n->text, cut ? "..." : "");
    else
        snprintf(buf, size, "the string \"%.40s%s\"", n->text, cut ? "..." : "");
    return buf;
}

/* --------------------------------------------------------------- getters */

/* Resolves a scalar, reporting a type error naming `expected` otherwise. */
static int scalar_of(mps_loader *L, const mps_ynode *n, const char *expected, mps_yvalue *v)
{
    char buf[MPS_GOT_SIZE];
    if (n->type == MPS_YNODE_MAPPING && mps_map_get(n, "dist", NULL) != NULL) {
        mps_load_error(L, n, "must be %s, not a distribution; distributions ({dist: ...}) are "
                             "allowed only at cost.overrun, delay, benefits.annual, spillovers.value, "
                             "prevention.effect, economy.multipliers and economy.crowding_in",
                       expected);
        return 0;
    }
    if (n->type != MPS_YNODE_SCALAR) {
        mps_load_error(L, n, "must be %s (got %s)", expected, mps_got(n, buf, sizeof buf));
        return 0;
    }
    *v = mps_yscalar_resolve(n);
    return 1;
}

static int check_numeric(mps_loader *L, const mps_ynode *n, const mps_yvalue *v,
                         const char *expected)
{
    char buf[MPS_GOT_SIZE];
    if (v->kind != MPS_YV_INT && v->kind != MPS_YV_FLOAT) {
        const char *hint = (v->kind == MPS_YV_STRING && !n->plain) ? "; remove the quotes" : "";
        mps_load_error(L, n, "must be %s (got %s)%s", expected, mps_got(n, buf, sizeof buf),
                       hint);
        return 0;
    }
    if (v->range_error) {
        mps_load_error(L, n, "number out of range (got %s); must be %s that fits a double",
                       mps_got(n, buf, sizeof buf), expected);
        return 0;
    }
    if (!isfinite(v->number)) {
        mps_load_error(L, n, "must be a finite number (got %s); NaN and infinity are refused",
                       mps_got(n, buf, sizeof buf));
        return 0;
    }
    return 1;
}

int mps_get_number(mps_loader *L, const mps_ynode *n, double *out)
{
    mps_yvalue v;
    if (!scalar_of(L, n, "a number", &v) || !check_numeric(L, n, &v, "a number"))
        return 0;
    *out = v.number;
    return 1;
}

int mps_get_number_in(mps_loader *L, const mps_ynode *n, double lo, double hi, double *out)
{
    double x;
    char buf[MPS_GOT_SIZE];
    if (!mps_get_number(L, n, &x))
        return 0;
    if (x < lo || x > hi) {
        mps_load_error(L, n, "must be in [%g, %g] (got %s)", lo, hi, mps_got(n, buf, sizeof buf));
        return 0;
    }
    *out = x;
    return 1;
}

int mps_get_prob(mps_loader *L, const mps_ynode *n, double *out)
{
    return mps_get_number_in(L, n, 0.0, 1.0, out);
}

/* Reads an integer as sign and magnitude; reports floats and text. */
static int integer_of(mps_loader *L, const mps_ynode *n, mps_yvalue *v, const char *range)
{
    char buf[MPS_GOT_SIZE];
    if (!scalar_of(L, n, "an integer", v))
        return 0;
    if (v->kind == MPS_YV_FLOAT) {
        mps_load_error(L, n, "must be an integer%s (got %s); write it without a decimal point "
                             "or exponent", range, mps_got(n, buf, sizeof buf));
        return 0;
    }
    if (v->kind != MPS_YV_INT) {
        const char *hint = (v->kind == MPS_YV_STRING && !n->plain) ? "; remove the quotes" : "";
        mps_load_error(L, n, "must be an integer%s (got %s)%s", range,
                       mps_got(n, buf, sizeof buf), hint);
        return 0;
    }
    return 1;
}

int mps_get_int(mps_loader *L, const mps_ynode *n, long long lo, long long hi, int *out)
{
    char range[96], buf[MPS_GOT_SIZE];
    if (hi >= MPS_YEARS_MAX && lo >= 0)
        snprintf(range, sizeof range, " >= %lld", lo);
    else
        snprintf(range, sizeof range, " in [%lld, %lld]", lo, hi);
    mps_yvalue v;
    if (!integer_of(L, n, &v, range))
        return 0;
    /* lo and hi fit an int, so any magnitude beyond 2^62 is out of range. */
    int out_of_range = v.int_overflow || v.magnitude > (UINT64_C(1) << 62);
    long long x = 0;
    if (!out_of_range) {
        x = v.negative ? -(long long)v.magnitude : (long long)v.magnitude;
        out_of_range = x < lo || x > hi;
    }
    if (out_of_range) {
        mps_load_error(L, n, "must be an integer%s (got %s)", range, mps_got(n, buf, sizeof buf));
        return 0;
    }
    *out = (int)x;
    return 1;
}

int mps_get_u64(mps_loader *L, const mps_ynode *n, uint64_t lo, uint64_t hi, uint64_t *out)
{
    char range[96], buf[MPS_GOT_SIZE];
    snprintf(range, sizeof range, " in [%" PRIu64 ", %" PRIu64 "]", lo, hi);
    mps_yvalue v;
    if (!integer_of(L, n, &v, range))
        return 0;
    int negative = v.negative && v.magnitude != 0;
    if (v.int_overflow || negative || v.magnitude < lo || v.magnitude > hi) {
        mps_load_error(L, n, "must be an integer%s (got %s)", range, mps_got(n, buf, sizeof buf));
        return 0;
    }
    *out = v.magnitude;
    return 1;
}

int mps_get_bool(mps_loader *L, const mps_ynode *n, int *out)
{
    char buf[MPS_GOT_SIZE];
    mps_yvalue v;
    if (!scalar_of(L, n, "true or false", &v))
        return 0;
    if (v.kind != MPS_YV_BOOL) {
        mps_load_error(L, n, "must be true or false (got %s)", mps_got(n, buf, sizeof buf));
        return 0;
    }
    *out = v.boolean;
    return 1;
}

int mps_get_enum(mps_loader *L, const mps_ynode *n, const char *const *names, int n_names,
                 int *out)
{
    char allowed[256] = "", buf[MPS_GOT_SIZE];
    for (int i = 0; i < n_names; i++) {
        size_t used = strlen(allowed);
        snprintf(allowed + used, sizeof allowed - used, "%s%s", i ? ", " : "", names[i]);
    }
    if (n->type == MPS_YNODE_SCALAR) {
        mps_yvalue v = mps_yscalar_resolve(n);
        if (v.kind != MPS_YV_NULL) {
            for (int i = 0; i < n_names; i++) {
                if (strcmp(n->text, names[i]) == 0) {
                    *out = i;
                    return 1;
                }
            }
        }
    }
    mps_load_error(L, n, "must be one of %s (got %s)", allowed, mps_got(n, buf, sizeof buf));
    return 0;
}

int mps_get_text(mps_loader *L, const mps_ynode *n, char **out)
{
    char buf[MPS_GOT_SIZE];
    if (n->type != MPS_YNODE_SCALAR || (n->plain && mps_yscalar_resolve(n).kind == MPS_YV_NULL)) {
        mps_load_error(L, n, "must be text (got %s)", mps_got(n, buf, sizeof buf));
        return 0;
    }
    char *copy = mps_strdup(n->text);
    if (copy == NULL) {
        mps_load_oom(L);
        return 0;
    }
    free(*out);
    *out = copy;
    return 1;
}

int mps_get_id(mps_loader *L, const mps_ynode *n, int lower_only, char **out)
{
    char buf[MPS_GOT_SIZE];
    const char *pattern = lower_only ? "[a-z0-9_-]+" : "[A-Za-z0-9_-]+";
    if (n->type != MPS_YNODE_SCALAR || (n->plain && mps_yscalar_resolve(n).kind == MPS_YV_NULL)) {
        mps_load_error(L, n, "must be an identifier matching %s (got %s)", pattern,
                       mps_got(n, buf, sizeof buf));
        return 0;
    }
    int ok = n->len > 0 && strlen(n->text) == n->len;
    for (size_t i = 0; ok && i < n->len; i++) {
        char c = n->text[i];
        int lower = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
        ok = lower || (!lower_only && c >= 'A' && c <= 'Z');
    }
    if (!ok) {
        mps_load_error(L, n, "must match %s: letters%s, digits, '_' and '-' only (got %s)",
                       pattern, lower_only ? " in lower case" : "", mps_got(n, buf, sizeof buf));
        return 0;
    }
    if (n->len > MPS_ID_MAX) {
        mps_load_error(L, n, "is %zu characters long; at most %d are allowed", n->len,
                       MPS_ID_MAX);
        return 0;
    }
    return mps_get_text(L, n, out);
}
