/*
 * Input descriptions of a sensitivity analysis: checking them and mapping a
 * unit-cube coordinate to the input's value through the engine's inverse
 * CDFs (random/quantile.h), so that Saltelli samples, tornado points and
 * switching-value ranges all use the same quantile functions as the model.
 */
#include <math.h>

#include "random/quantile.h"
#include "sensitivity/sens_internal.h"

/* z of the normal 0.9 quantile: lognormal sigma = ln(p90 / median) / z90
 * (model.md section 3). */
#define MPS_Z90 1.2815515655446004

int mps_sens_input_ok(const mpsim_sens_input *in, const char **why)
{
    double a = in->a, b = in->b, c = in->c;
    switch (in->dist) {
    case MPSIM_SENS_UNIFORM:
        if (!isfinite(a) || !isfinite(b) || !(a < b)) {
            *why = "uniform needs finite min a < max b";
            return 0;
        }
        return 1;
    case MPSIM_SENS_NORMAL:
        if (!isfinite(a) || !isfinite(b) || !(b > 0.0)) {
            *why = "normal needs a finite mean a and sd b > 0";
            return 0;
        }
        return 1;
    case MPSIM_SENS_LOGNORMAL:
        if (!isfinite(a) || !isfinite(b) || !(a > 0.0) || !(b > a)) {
            *why = "lognormal needs a finite median a > 0 and p90 b > median";
            return 0;
        }
        return 1;
    case MPSIM_SENS_TRIANGULAR:
    case MPSIM_SENS_PERT:
        if (!isfinite(a) || !isfinite(b) || !isfinite(c) || !(a <= b) || !(b <= c) || !(a < c)) {
            *why = "triangular and pert need finite min a <= mode b <= max c with a < c";
            return 0;
        }
        return 1;
    }
    *why = "unknown distribution kind";
    return 0;
}

mps_dist mps_sens_to_dist(const mpsim_sens_input *in)
{
    mps_dist d = {MPS_DIST_FIXED, in->a, in->b, in->c};
    switch (in->dist) {
    case MPSIM_SENS_UNIFORM:
        d.kind = MPS_DIST_UNIFORM;
        break;
    case MPSIM_SENS_NORMAL:
        d.kind = MPS_DIST_NORMAL;
        break;
    case MPSIM_SENS_LOGNORMAL:
        d.kind = MPS_DIST_LOGNORMAL;
        d.a = log(in->a);
        d.b = log(in->b / in->a) / MPS_Z90;
        break;
    case MPSIM_SENS_TRIANGULAR:
        d.kind = MPS_DIST_TRIANGULAR;
        break;
    case MPSIM_SENS_PERT:
        d.kind = MPS_DIST_PERT;
        break;
    }
    return d;
}

int mpsim_sens_input_check(const mpsim_sens_input *inputs, size_t k, mpsim_errors *errs)
{
    if (k == 0 || inputs == NULL) {
        mpsim_errors_add(errs, NULL, 0, 0, "inputs",
                         "a sensitivity analysis needs at least one input (k >= 1)");
        return MPSIM_ERR_INPUT;
    }
    int status = MPSIM_OK;
    for (size_t i = 0; i < k; i++) {
        const char *why = NULL;
        if (!mps_sens_input_ok(&inputs[i], &why)) {
            char key[48];
            snprintf(key, sizeof key, "inputs[%zu]", i);
            mpsim_errors_add(errs, NULL, 0, 0, key, "input '%s': %s (got a = %g, b = %g, c = %g)",
                             inputs[i].name ? inputs[i].name : "", why, inputs[i].a, inputs[i].b,
                             inputs[i].c);
            status = MPSIM_ERR_INPUT;
        }
    }
    return status;
}

int mpsim_sens_input_quantile(const mpsim_sens_input *in, double p, double *x, mpsim_errors *errs)
{
    *x = NAN;
    if (mpsim_sens_input_check(in, 1, errs) != MPSIM_OK)
        return MPSIM_ERR_INPUT;
    if (!(p > 0.0 && p < 1.0)) {
        mpsim_errors_add(errs, NULL, 0, 0, "p",
                         "a quantile level must lie strictly between 0 and 1 (got %g)", p);
        return MPSIM_ERR_INPUT;
    }
    mps_dist d = mps_sens_to_dist(in);
    *x = mps_dist_quantile(&d, p);
    return MPSIM_OK;
}
