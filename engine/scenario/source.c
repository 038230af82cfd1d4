/*
 * Reading a scenario file and the checks that concern the whole file:
 * unreadable, a directory, empty, too large, binary (NUL bytes), or not
 * UTF-8.  These come before YAML parsing so that the user is told what is
 * wrong with the file itself rather than a confusing syntax error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "scenario/source.h"

static void describe_errno(int err, char *buf, size_t size)
{
    /* The XSI strerror_r (POSIX 2008) is thread-safe, unlike strerror. */
    if (strerror_r(err, buf, size) != 0)
        snprintf(buf, size, "error %d", err);
}

int mps_source_read(const char *path, char **text, size_t *len, mpsim_errors *errs)
{
    char why[128];
    *text = NULL;
    *len = 0;
    struct stat st;
    if (stat(path, &st) != 0) {
        describe_errno(errno, why, sizeof why);
        mpsim_errors_add(errs, path, 0, 0, "", "cannot read the scenario file: %s", why);
        return MPSIM_ERR_INPUT;
    }
    if (S_ISDIR(st.st_mode)) {
        mpsim_errors_add(errs, path, 0, 0, "", "is a directory, not a scenario file");
        return MPSIM_ERR_INPUT;
    }
    if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > MPS_SOURCE_MAX_BYTES) {
        mpsim_errors_add(errs, path, 0, 0, "",
                         "file too large (%lld bytes); scenario files are limited to 16 MiB",
                         (long long)st.st_size);
        return MPSIM_ERR_INPUT;
    }
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        describe_errno(errno, why, sizeof why);
        mpsim_errors_add(errs, path, 0, 0, "", "cannot read the scenario file: %s", why);
        return MPSIM_ERR_INPUT;
    }
    /* Read in growing chunks: a pipe or a special file has no size, and the
     * limit must hold for those too. */
    size_t cap = 0, n = 0;
    char *buf = NULL;
    int rc = MPSIM_OK;
    for (;;) {
        if (n + 1 >= cap) {
            size_t c = cap ? 2 * cap : 65536;
            char *b = realloc(buf, c);
            if (b == NULL) {
                mpsim_errors_add(errs, path, 0, 0, "", "out of memory reading the file");
                rc = MPSIM_ERR_FAIL;
                break;
            }
            buf = b;
            cap = c;
        }
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (n > MPS_SOURCE_MAX_BYTES) {
            mpsim_errors_add(errs, path, 0, 0, "",
                             "file too large (over 16 MiB); scenario files are limited to "
                             "16 MiB");
            rc = MPSIM_ERR_INPUT;
            break;
        }
        if (got == 0) {
            if (ferror(f)) {
                describe_errno(errno, why, sizeof why);
                mpsim_errors_add(errs, path, 0, 0, "", "cannot read the scenario file: %s", why);
                rc = MPSIM_ERR_INPUT;
            }
            break;
        }
    }
    fclose(f);
    if (rc != MPSIM_OK) {
        free(buf);
        return rc;
    }
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return MPSIM_OK;
}

/* Length of the UTF-8 sequence starting at s (n bytes left), 0 if invalid:
 * no overlong forms, no surrogates, nothing above U+10FFFF. */
static size_t utf8_length(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    if (c < 0x80)
        return 1;
    size_t need;
    unsigned lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
        need = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 3;
        if (c == 0xE0)
            lo = 0xA0;
        if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 4;
        if (c == 0xF0)
            lo = 0x90;
        if (c == 0xF4)
            hi = 0x8F;
    } else {
        return 0;
    }
    if (n < need)
        return 0;
    if (s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < need; i++)
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    return need;
}

int mps_source_check(const char *text, size_t len, const char *file, mpsim_errors *errs)
{
    if (len == 0) {
        mpsim_errors_add(errs, file, 0, 0, "",
                         "file is empty; a scenario needs at least mpsim, name, base_year "
                         "and missions");
        return MPSIM_ERR_INPUT;
    }
    if (len > MPS_SOURCE_MAX_BYTES) {
        mpsim_errors_add(errs, file, 0, 0, "",
                         "file too large (%zu bytes); scenario files are limited to 16 MiB", len);
        return MPSIM_ERR_INPUT;
    }
    const unsigned char *s = (const unsigned char *)text;
    int line = 1, column = 1;
    for (size_t i = 0; i < len;) {
        if (s[i] == 0) {
            mpsim_errors_add(errs, file, line, column, "",
                             "not a text file: contains a NUL byte (binary data, or UTF-16?); "
                             "scenario files are UTF-8 text");
            return MPSIM_ERR_INPUT;
        }
        size_t k = utf8_length(s + i, len - i);
        if (k == 0) {
            mpsim_errors_add(errs, file, line, column, "",
                             "not valid UTF-8 (byte 0x%02X); scenario files are UTF-8 text",
                             s[i]);
            return MPSIM_ERR_INPUT;
        }
        if (s[i] == '\n') {
            line++;
            column = 1;
        } else {
            column++;
        }
        i += k;
    }
    return MPSIM_OK;
}
