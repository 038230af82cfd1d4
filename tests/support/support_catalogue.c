/* The bad-input catalogues (support_catalogue.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support_catalogue.h"

typedef struct {
    char key_path[256];
    int line; /* -1: any */
    char message[256];
} expectation;

static void trim(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\n' || s[n - 1] == '\r'))
        s[--n] = '\0';
    size_t k = 0;
    while (s[k] == ' ')
        k++;
    memmove(s, s + k, strlen(s + k) + 1);
}

/* Reads the expectation from the first line of path; fails the test if the
 * line is malformed. */
static void read_expectation(const char *path, expectation *x)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char line[1024] = "";
    if (fgets(line, sizeof line, f) == NULL) {
        fclose(f);
        strcpy(x->key_path, "-");
        x->line = -1;
        strcpy(x->message, "file is empty");
        return;
    }
    fclose(f);
    const char *tag = "# expect:";
    if (strncmp(line, tag, strlen(tag)) != 0)
        fail_msg("%s: first line must be '# expect: key | line | message'", path);
    char *a = line + strlen(tag);
    char *b = strstr(a, " | ");
    assert_non_null(b);
    *b = '\0';
    b += 3;
    char *c = strstr(b, " | ");
    assert_non_null(c);
    *c = '\0';
    c += 3;
    trim(a);
    trim(b);
    trim(c);
    assert_true(strlen(a) < sizeof x->key_path && strlen(c) < sizeof x->message);
    strcpy(x->key_path, a);
    x->line = strcmp(b, "-") == 0 ? -1 : atoi(b);
    if (x->line == 0 && strcmp(b, "0") != 0)
        fail_msg("%s: bad line '%s' in the expectation", path, b);
    strcpy(x->message, c);
    assert_true(c[0] != '\0');
}

static int matches(const mpsim_error *e, const char *path, const expectation *x)
{
    const char *kp = strcmp(x->key_path, "-") == 0 ? "" : x->key_path;
    return strcmp(e->file, path) == 0 && strcmp(e->key_path, kp) == 0 &&
           (x->line < 0 || e->line == x->line) && strstr(e->message, x->message) != NULL;
}

static void check_file(const char *path, mps_test_loader load, int all_name_file)
{
    expectation x;
    read_expectation(path, &x);
    mpsim_errors e;
    mpsim_errors_init(&e);
    int rc = load(path, &e);
    if (rc != MPSIM_ERR_INPUT)
        fail_msg("%s: status %d, want MPSIM_ERR_INPUT", path, rc);
    assert_true(e.count > 0);
    /* Every error names the file it is about (a sweep's errors about its
     * base scenario name the base). */
    for (size_t i = 0; all_name_file && i < e.count; i++)
        assert_string_equal(e.items[i].file, path);
    int found = 0;
    for (size_t i = 0; i < e.count && !found; i++)
        found = matches(&e.items[i], path, &x);
    if (!found) {
        mpsim_errors_print(&e, stderr);
        mpsim_errors_clear(&e);
        fail_msg("%s: no error matches '%s | %d | %s'", path, x.key_path, x.line, x.message);
    }
    mpsim_errors_clear(&e);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void mps_test_bad_catalogue(const char *dir, size_t at_least, mps_test_loader load,
                            int all_name_file)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    char **names = NULL;
    size_t n = 0;
    struct dirent *ent;
    while ((ent = readdir(d)) != NULL) {
        size_t len = strlen(ent->d_name);
        if (len < 6 || strcmp(ent->d_name + len - 5, ".yaml") != 0)
            continue;
        names = realloc(names, (n + 1) * sizeof *names);
        assert_non_null(names);
        size_t size = strlen(dir) + len + 2;
        names[n] = malloc(size);
        assert_non_null(names[n]);
        snprintf(names[n], size, "%s/%s", dir, ent->d_name);
        n++;
    }
    closedir(d);
    /* The catalogue is meant to stay broad. */
    assert_true(n >= at_least);
    qsort(names, n, sizeof *names, by_name);
    for (size_t i = 0; i < n; i++) {
        check_file(names[i], load, all_name_file);
        free(names[i]);
    }
    free(names);
}

