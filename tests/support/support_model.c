/* Helpers of the model tests (support_model.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>

#include "support_model.h"
#include "test_support.h"

void mps_test_acc_add(mps_test_acc *a, double x)
{
    a->n += 1.0;
    double d = x - a->mean;
    a->mean += d / a->n;
    a->m2 += d * (x - a->mean);
}

void mps_test_acc_check(const mps_test_acc *a, double want, const char *what)
{
    double se = sqrt(a->m2 / (a->n - 1.0) / a->n);
    assert_true(se > 0.0);
    if (!(fabs(a->mean - want) <= 4.0 * se))
        fail_msg("%s: sample mean %.10g, expected %.10g, 4 SE = %.3g", what, a->mean, want,
                 4.0 * se);
}

void mps_test_sim_open(mps_test_sim *x, const char *yaml)
{
    x->s = mps_test_load(yaml);
    assert_int_equal(mps_model_create(x->s, &x->m), MPSIM_OK);
    x->w = mps_workspace_alloc(x->m);
    assert_non_null(x->w);
}

void mps_test_sim_close(mps_test_sim *x)
{
    mps_workspace_free(x->w);
    mps_model_free(x->m);
    mpsim_scenario_free(x->s);
}
