/*
 * Shared parts of the null model's two programs (common.h).
 */
#include "common.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int mps_bench_model_open(mps_bench_model *b, const char *file, const char *prog)
{
    mpsim_errors errs;
    mpsim_errors_init(&errs);
    b->s = NULL;
    b->m = NULL;
    b->w = NULL;
    if (mpsim_scenario_load(file, &b->s, &errs) != MPSIM_OK) {
        fprintf(stderr, "%s: cannot load %s:\n", prog, file);
        mpsim_errors_print(&errs, stderr);
        mpsim_errors_clear(&errs);
        return -1;
    }
    mpsim_errors_clear(&errs);
    if (mps_model_create(b->s, &b->m) != MPSIM_OK || !(b->w = mps_workspace_alloc(b->m))) {
        fprintf(stderr, "%s: cannot prepare the model of %s (out of memory?)\n", prog, file);
        mps_bench_model_close(b);
        return -1;
    }
    return 0;
}

void mps_bench_model_close(mps_bench_model *b)
{
    mps_workspace_free(b->w);
    mps_model_free(b->m);
    mpsim_scenario_free(b->s);
    b->w = NULL;
    b->m = NULL;
    b->s = NULL;
}

int mps_bench_parse_u64(const char *text, uint64_t *out)
{
    if (!text || *text < '0' || *text > '9')
        return -1;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno || *end)
        return -1;
    *out = (uint64_t)v;
    return 0;
}

static double seconds(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

double mps_bench_wall(void) { return seconds(CLOCK_MONOTONIC); }

double mps_bench_cpu(void) { return seconds(CLOCK_THREAD_CPUTIME_ID); }
