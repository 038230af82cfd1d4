/*
 * Helpers shared by the scenario error tests (test_scenario_errors*.c):
 * load a text expected to be bad and assert that one error has exactly
 * the expected file, line, column and key path, with a message containing
 * the expected text.  The column is found by locating a marker in the
 * expected line, so the cases read like the YAML they test.  Include after
 * <cmocka.h> and test_support.h.
 */
#ifndef MPS_SCENARIO_EXPECT_H
#define MPS_SCENARIO_EXPECT_H

#include <stdio.h>
#include <string.h>

#include "mpsim.h"

/* 1-based column of `needle` in line `line` of text (0 when needle is NULL). */
static inline int column_of(const char *text, int line, const char *needle)
{
    if (needle == NULL)
        return 0;
    const char *p = text;
    for (int l = 1; l < line; l++) {
        p = strchr(p, '\n');
        assert_non_null(p);
        p++;
    }
    const char *end = strchr(p, '\n');
    size_t n = end ? (size_t)(end - p) : strlen(p);
    for (size_t i = 0; i + strlen(needle) <= n; i++)
        if (strncmp(p + i, needle, strlen(needle)) == 0)
            return (int)i + 1;
    fail_msg("marker '%s' is not on line %d", needle, line);
    return 0;
}

static inline int has_error(const mpsim_errors *e, const char *file, int line, int column,
                            const char *key_path, const char *msg)
{
    for (size_t i = 0; i < e->count; i++) {
        const mpsim_error *it = &e->items[i];
        if (strcmp(it->file, file) == 0 && it->line == line && it->column == column &&
            strcmp(it->key_path, key_path) == 0 && strstr(it->message, msg) != NULL)
            return 1;
    }
    return 0;
}

/* Loads text as "bad.yaml" and expects the error described. */
static inline void expect_at(const char *text, int line, const char *marker,
                             const char *key_path, const char *msg)
{
    int column = column_of(text, line, marker);
    mpsim_errors e = mps_test_load_bad(text);
    if (!has_error(&e, "bad.yaml", line, column, key_path, msg)) {
        mpsim_errors_print(&e, stderr);
        mpsim_errors_clear(&e);
        fail_msg("expected bad.yaml:%d:%d: %s: ...%s...", line, column, key_path, msg);
    }
    mpsim_errors_clear(&e);
}

#endif
