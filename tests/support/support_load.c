/* Test helpers: loading scenarios from strings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "test_support.h"

mpsim_scenario *mps_test_load(const char *yaml)
{
    mpsim_errors e;
    mpsim_errors_init(&e);
    mpsim_scenario *s = NULL;
    int rc = mpsim_scenario_load_buffer(yaml, strlen(yaml), "test.yaml", &s, &e);
    if (rc != MPSIM_OK) {
        mpsim_errors_print(&e, stderr);
        mpsim_errors_clear(&e);
        fail_msg("scenario did not load (status %d)", rc);
    }
    mpsim_errors_clear(&e);
    return s;
}

mpsim_errors mps_test_load_bad(const char *yaml)
{
    mpsim_errors e;
    mpsim_errors_init(&e);
    mpsim_scenario *s = NULL;
    int rc = mpsim_scenario_load_buffer(yaml, strlen(yaml), "bad.yaml", &s, &e);
    if (rc == MPSIM_OK) {
        mpsim_scenario_free(s);
        fail_msg("bad scenario loaded:\n%s", yaml);
    }
    assert_int_equal(rc, MPSIM_ERR_INPUT);
    assert_null(s);
    assert_true(e.count > 0);
    return e;
}

int mps_test_errors_have(const mpsim_errors *e, const char *key_path, const char *needle)
{
    for (size_t i = 0; i < e->count; i++) {
        const mpsim_error *it = &e->items[i];
        if (key_path && (!it->key_path || !strstr(it->key_path, key_path)))
            continue;
        if (needle && (!it->message || !strstr(it->message, needle)))
            continue;
        return 1;
    }
    mpsim_errors_print(e, stderr);
    return 0;
}

const char *const mps_test_yaml_pair[2] = {
    "mpsim: 1\n"
    "name: pair-a\n"
    "base_year: 2025\n"
    "horizon: 20\n"
    "funding: {churn: 0.05}\n"
    "missions:\n"
    "  - id: m1\n"
    "    projects:\n"
    "      - id: a\n"
    "        category: RDEL\n"
    "        cost: {profile: [10, 20], overrun: {dist: lognormal, median: 1.1, p90: 1.6}}\n"
    "        stages: [{after: 1, p: 0.7}]\n"
    "        benefits: {annual: {dist: lognormal, median: 8, p90: 20}, lag: 1, ramp: 2}\n",
    "mpsim: 1\n"
    "name: pair-b\n"
    "base_year: 2025\n"
    "horizon: 20\n"
    "funding: {churn: 0.0}\n"
    "missions:\n"
    "  - id: m1\n"
    "    projects:\n"
    "      - id: a\n"
    "        category: RDEL\n"
    "        cost: {profile: [10, 20], overrun: {dist: lognormal, median: 1.1, p90: 1.6}}\n"
    "        stages: [{after: 1, p: 0.7}]\n"
    "        benefits: {annual: {dist: lognormal, median: 8, p90: 20}, lag: 1, ramp: 2}\n"};
