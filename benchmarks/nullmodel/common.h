/*
 * What the null model's recorder and timer share: loading the portfolio
 * into a model and a workspace, and reading numbers from the command line.
 */
#ifndef MPS_BENCH_COMMON_H
#define MPS_BENCH_COMMON_H

#include <stdint.h>

#include "model/path.h"
#include "mpsim.h"

/** A loaded portfolio ready to simulate. */
typedef struct {
    mpsim_scenario *s;
    mps_model *m;
    mps_workspace *w;
} mps_bench_model;

/** Loads `file` and prepares its model and one workspace; on failure
 *  prints why (prefixed with `prog`) and returns -1. */
int mps_bench_model_open(mps_bench_model *b, const char *file, const char *prog);
void mps_bench_model_close(mps_bench_model *b);

/** Parses a whole number >= 0 (decimal); 0 on success, -1 if not one. */
int mps_bench_parse_u64(const char *text, uint64_t *out);

/** Seconds on the monotonic wall clock. */
double mps_bench_wall(void);
/** CPU seconds used by the calling thread (not counting time when another
 *  tenant of a shared machine had the core). */
double mps_bench_cpu(void);

#endif
