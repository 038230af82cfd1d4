/*
 * Text in the report: escaping for HTML and XML, and the one way numbers
 * are formatted, so a number reads the same in a table, a chart label and
 * `mpsim show`.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report/report.h"

/* Length of the valid UTF-8 sequence at p (1-4), or 0 when the bytes there
 * are not one (overlong forms, surrogates and values past U+10FFFF count
 * as invalid: an XML parser would reject them). */
static size_t utf8_len(const unsigned char *p)
{
    unsigned c = p[0];
    if (c < 0x80)
        return 1;
    size_t n;
    unsigned min, v;
    if ((c & 0xE0) == 0xC0) {
        n = 2, v = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        n = 3, v = c & 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
        n = 4, v = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0; /* also stops at the terminating NUL */
        v = (v << 6) | (p[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF) || v == 0xFFFE || v == 0xFFFF)
        return 0;
    return n;
}

void mps_report_escape(FILE *out, const char *s)
{
    if (s == NULL)
        return;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        size_t n = utf8_len(p);
        if (n == 0) {
            fputs("\xEF\xBF\xBD", out); /* U+FFFD for a byte that is not UTF-8 */
            p++;
            continue;
        }
        if (n > 1) {
            fwrite(p, 1, n, out);
            p += n;
            continue;
        }
        switch (*p) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        case '\'': fputs("&#39;", out); break;
        case '\t':
        case '\n': fputc(*p, out); break;
        default:
            /* XML 1.0 allows no other control characters, even escaped. */
            if (*p < 0x20 || *p == 0x7F)
                fputs("\xEF\xBF\xBD", out);
            else
                fputc(*p, out);
        }
        p++;
    }
}

void mps_report_fmt(char *buf, size_t n, double x, int dec)
{
    if (!isfinite(x)) {
        snprintf(buf, n, "n/a");
        return;
    }
    char raw[64];
    snprintf(raw, sizeof raw, "%.*f", dec, x);
    /* "-0.0" reads as a sign error to a reader; it is zero. */
    int neg = raw[0] == '-';
    if (neg && strspn(raw + 1, "0.") == strlen(raw + 1))
        neg = 0;
    const char *digits = raw[0] == '-' ? raw + 1 : raw;
    size_t int_len = strcspn(digits, ".");
    if (strlen(digits) > 40) { /* beyond any £m figure: leave it plain */
        snprintf(buf, n, "%s%s", neg ? "-" : "", digits);
        return;
    }
    char tmp[96];
    size_t k = 0;
    if (neg)
        tmp[k++] = '-';
    for (size_t i = 0; i < int_len; i++) {
        if (i > 0 && (int_len - i) % 3 == 0)
            tmp[k++] = ',';
        tmp[k++] = digits[i];
    }
    tmp[k] = '\0';
    snprintf(buf, n, "%s%s", tmp, digits + int_len);
}

void mps_report_num_cell(FILE *out, const char *key, double x, int dec)
{
    char b[64];
    if (dec < 0 && isfinite(x))
        snprintf(b, sizeof b, "%.0f", x);
    else
        mps_report_fmt(b, sizeof b, x, dec < 0 ? 0 : dec);
    fputs(isfinite(x) ? "<td class=\"num\"" : "<td class=\"num na\"", out);
    if (key) {
        fputs(" data-key=\"", out);
        mps_report_escape(out, key);
        fputc('"', out);
    }
    if (isfinite(x))
        fprintf(out, " data-value=\"%.17g\">%s</td>", x, b);
    else
        fprintf(out, " data-value=\"nan\">%s</td>", b);
}

void mps_report_units_text(char *buf, size_t n, const char *units)
{
    if (units == NULL || units[0] == '\0' || strcmp(units, "1") == 0) {
        snprintf(buf, n, "ratio");
        return;
    }
    /* "GBP million" (the results file's money unit) or its short form. */
    static const char *const gbp[] = {"GBP million", "GBP m"};
    for (size_t k = 0; k < 2; k++) {
        const char *hit = strstr(units, gbp[k]);
        if (hit) {
            snprintf(buf, n, "%.*s£m%s", (int)(hit - units), units, hit + strlen(gbp[k]));
            return;
        }
    }
    snprintf(buf, n, "%s", units);
}
