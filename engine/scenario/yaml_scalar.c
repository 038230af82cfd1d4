/*
 * The YAML 1.2 core schema for plain scalars (yaml_tree.h).
 *
 * YAML 1.1 resolvers (PyYAML and others) read `yes`, `on` and `0777` in
 * surprising ways; the core schema does not, and it is what the scenario
 * format promises.  Quoted scalars are always strings.  Numbers are parsed
 * with strtod in the "C" locale, which the library never changes.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/yaml_tree.h"

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int one_of(const char *s, const char *const *words)
{
    for (; *words; words++)
        if (strcmp(s, *words) == 0)
            return 1;
    return 0;
}

/* Accumulates digits in base `base` into v->magnitude, noting overflow. */
static int digits(const char *s, int base, mps_yvalue *v)
{
    if (*s == '\0')
        return 0;
    uint64_t m = 0;
    for (; *s; s++) {
        int d = hex_value(*s);
        if (d < 0 || d >= base)
            return 0;
        if (m > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
            v->int_overflow = 1;
        else
            m = m * (uint64_t)base + (uint64_t)d;
    }
    v->magnitude = m;
    return 1;
}

static int resolve_int(const char *s, mps_yvalue *v)
{
    if (s[0] == '0' && s[1] == 'x')
        return digits(s + 2, 16, v);
    if (s[0] == '0' && s[1] == 'o')
        return digits(s + 2, 8, v);
    const char *p = s;
    if (*p == '-' || *p == '+') {
        v->negative = *p == '-';
        p++;
    }
    return digits(p, 10, v);
}

/* [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )? */
static int is_core_float(const char *s)
{
    const char *p = s;
    if (*p == '-' || *p == '+')
        p++;
    if (*p == '.') {
        p++;
        if (!is_digit(*p))
            return 0;
        while (is_digit(*p))
            p++;
    } else {
        if (!is_digit(*p))
            return 0;
        while (is_digit(*p))
            p++;
        if (*p == '.') {
            p++;
            while (is_digit(*p))
                p++;
        }
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '-' || *p == '+')
            p++;
        if (!is_digit(*p))
            return 0;
        while (is_digit(*p))
            p++;
    }
    return *p == '\0';
}

mps_yvalue mps_yscalar_resolve(const mps_ynode *n)
{
    static const char *const nulls[] = {"", "~", "null", "Null", "NULL", NULL};
    static const char *const trues[] = {"true", "True", "TRUE", NULL};
    static const char *const falses[] = {"false", "False", "FALSE", NULL};
    static const char *const pinf[] = {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", NULL};
    static const char *const ninf[] = {"-.inf", "-.Inf", "-.INF", NULL};
    static const char *const nans[] = {".nan", ".NaN", ".NAN", NULL};

    mps_yvalue v;
    memset(&v, 0, sizeof v);
    v.kind = MPS_YV_STRING;
    /* A scalar holding a NUL byte cannot be anything but text; the loader
     * refuses such files before this point anyway. */
    if (!n->plain || n->text == NULL || strlen(n->text) != n->len)
        return v;
    const char *s = n->text;
    if (one_of(s, nulls)) {
        v.kind = MPS_YV_NULL;
    } else if (one_of(s, trues) || one_of(s, falses)) {
        v.kind = MPS_YV_BOOL;
        v.boolean = one_of(s, trues);
    } else if (resolve_int(s, &v)) {
        v.kind = MPS_YV_INT;
        if (v.int_overflow && s[0] == '0' && (s[1] == 'x' || s[1] == 'o')) {
            v.range_error = 1; /* strtod cannot read 0o; such a number is absurd anyway */
        } else if (v.int_overflow) {
            errno = 0;
            v.number = strtod(s, NULL);
            v.range_error = errno == ERANGE && fabs(v.number) > 1.0;
        } else {
            v.number = v.negative ? -(double)v.magnitude : (double)v.magnitude;
        }
    } else if (is_core_float(s)) {
        v.kind = MPS_YV_FLOAT;
        errno = 0;
        v.number = strtod(s, NULL);
        /* Overflow is an error; underflow towards zero (1e-999) is not. */
        v.range_error = errno == ERANGE && fabs(v.number) > 1.0;
    } else if (one_of(s, pinf)) {
        v.kind = MPS_YV_FLOAT;
        v.number = HUGE_VAL;
    } else if (one_of(s, ninf)) {
        v.kind = MPS_YV_FLOAT;
        v.number = -HUGE_VAL;
    } else if (one_of(s, nans)) {
        v.kind = MPS_YV_FLOAT;
        v.number = NAN;
    } else {
        memset(&v, 0, sizeof v);
        v.kind = MPS_YV_STRING;
    }
    return v;
}
