/*
 * The diagnostics list shared by every module (include/mpsim.h).
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "mpsim.h"
#include "core/util.h"

void mpsim_errors_init(mpsim_errors *e)
{
    e->items = NULL;
    e->count = 0;
    e->capacity = 0;
}

void mpsim_errors_clear(mpsim_errors *e)
{
    for (size_t i = 0; i < e->count; i++) {
        free(e->items[i].file);
        free(e->items[i].key_path);
        free(e->items[i].message);
    }
    free(e->items);
    mpsim_errors_init(e);
}

void mpsim_errors_add(mpsim_errors *e, const char *file, int line, int column,
                      const char *key_path, const char *fmt, ...)
{
    if (e == NULL)
        return;
    if (e->count == e->capacity) {
        size_t cap = e->capacity ? 2 * e->capacity : 8;
        mpsim_error *items = realloc(e->items, cap * sizeof *items);
        if (items == NULL)
            return; /* out of memory: the caller's status still says what failed */
        e->items = items;
        e->capacity = cap;
    }
    va_list ap;
    va_start(ap, fmt);
    char *msg = mps_vasprintf(fmt, ap);
    va_end(ap);
    mpsim_error *it = &e->items[e->count++];
    it->file = mps_strdup(file ? file : "");
    it->line = line;
    it->column = column;
    it->key_path = mps_strdup(key_path ? key_path : "");
    it->message = msg ? msg : mps_strdup("out of memory while formatting a message");
}

void mpsim_errors_print(const mpsim_errors *e, FILE *out)
{
    for (size_t i = 0; i < e->count; i++) {
        const mpsim_error *it = &e->items[i];
        if (it->file && it->file[0]) {
            fputs(it->file, out);
            if (it->line > 0) {
                fprintf(out, ":%d", it->line);
                if (it->column > 0)
                    fprintf(out, ":%d", it->column);
            }
            fputs(": ", out);
        }
        if (it->key_path && it->key_path[0])
            fprintf(out, "%s: ", it->key_path);
        fprintf(out, "%s\n", it->message ? it->message : "");
    }
}

void mpsim_errors_print_json(const mpsim_errors *e, FILE *out)
{
    fprintf(out, "{\"ok\": %s, \"errors\": [", e->count ? "false" : "true");
    for (size_t i = 0; i < e->count; i++) {
        const mpsim_error *it = &e->items[i];
        fputs(i ? ",\n  {\"file\": " : "\n  {\"file\": ", out);
        mps_json_string(out, it->file);
        if (it->line > 0)
            fprintf(out, ", \"line\": %d", it->line);
        else
            fputs(", \"line\": null", out);
        if (it->column > 0)
            fprintf(out, ", \"column\": %d", it->column);
        else
            fputs(", \"column\": null", out);
        fputs(", \"key_path\": ", out);
        mps_json_string(out, it->key_path);
        fputs(", \"message\": ", out);
        mps_json_string(out, it->message);
        fputs("}", out);
    }
    fputs(e->count ? "\n]}\n" : "]}\n", out);
}
