/*
 * Helpers of the model tests: running moments with a 4-standard-error
 * check, and a scenario opened as a model with a path workspace.
 */
#ifndef MPS_SUPPORT_MODEL_H
#define MPS_SUPPORT_MODEL_H

#include "model/path.h"
#include "mpsim.h"

/** Running mean and sum of squared deviations (Welford), for the
 *  standard error of a sample mean. */
typedef struct {
    double n, mean, m2;
} mps_test_acc;

/** Adds x to the sample. */
void mps_test_acc_add(mps_test_acc *a, double x);

/** Fails the test unless |mean - want| <= 4 SE, SE = sd / sqrt(n) from the
 *  sample (sd with n - 1); a degenerate sample (SE 0) fails too, since it
 *  would make the check vacuous.  `what` names the quantity. */
void mps_test_acc_check(const mps_test_acc *a, double want, const char *what);

/** A scenario loaded from YAML, its model and one path workspace. */
typedef struct {
    mpsim_scenario *s;
    mps_model *m;
    mps_workspace *w;
} mps_test_sim;

/** Loads yaml and builds its model and workspace; fails the test if any
 *  step fails. */
void mps_test_sim_open(mps_test_sim *x, const char *yaml);

/** Frees what mps_test_sim_open made. */
void mps_test_sim_close(mps_test_sim *x);

#endif
