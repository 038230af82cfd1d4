/*
 * Small helpers shared by the engine: strings, JSON string escaping,
 * overflow-checked allocation.
 */
#ifndef MPS_UTIL_H
#define MPS_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

/** strdup that accepts NULL (returns NULL). */
char *mps_strdup(const char *s);
/** Allocating vsprintf/sprintf; NULL when out of memory. */
char *mps_vasprintf(const char *fmt, va_list ap);
char *mps_asprintf(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;
/** calloc(n, size) with overflow checking (calloc checks too; this
 *  exists so callers need not cast and to document intent). */
void *mps_calloc(size_t n, size_t size);
/** Writes s as a JSON string literal ("..."), escaping as RFC 8259 asks;
 *  NULL is written as null.  Bytes that are not valid UTF-8 become U+FFFD. */
void mps_json_string(FILE *out, const char *s);
/** Writes a double for JSON: null when not finite, else %.17g trimmed. */
void mps_json_number(FILE *out, double x);

#endif
