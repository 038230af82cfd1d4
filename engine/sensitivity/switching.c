/*
 * Switching values (Green Book 5.59-5.61): the value of one input at which
 * a result such as NPV crosses zero.  A grid scan finds the sign changes in
 * the search range, the one nearest the input's central value is chosen,
 * and GSL's Brent solver refines it.  A range with no sign change is a
 * result ("no switching value in range"), not a guess.
 *
 * GSL's solvers report misuse through gsl_error, whose default handler
 * aborts; the library may not abort, so the solver is only ever started on
 * a bracket whose end values are known to straddle zero (the grid's own
 * values, replayed exactly), and the wrapper never hands it a non-finite
 * value: a failure of the callback is recorded and ends the iteration.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>

#include "core/util.h"
#include "sensitivity/sens_internal.h"

#define MPS_SWITCH_GRID 64
#define MPS_SWITCH_MAX_ITER 200

typedef struct {
    mpsim_value_fn f;
    void *ctx;
    mpsim_errors *errs;
    int status;
    /* The bracket's ends and their grid values, replayed exactly so the
     * solver's own evaluation of them agrees with the scan. */
    double x0, f0, x1, f1;
} mps_switch_ctx;

/* One evaluation with its checks; MPSIM_OK and a finite *v, or a status. */
static int eval(mpsim_value_fn f, void *ctx, double x, double *v, mpsim_errors *errs)
{
    *v = NAN;
    int st = f(ctx, x, v, errs);
    if (st != MPSIM_OK)
        return st == MPSIM_ERR_INPUT || st == MPSIM_ERR_INTERRUPTED ? st : MPSIM_ERR_FAIL;
    if (!isfinite(*v)) {
        mpsim_errors_add(errs, NULL, 0, 0, NULL,
                         "the function returned %g at x = %.17g; a switching value needs finite "
                         "values over the search range",
                         *v, x);
        return MPSIM_ERR_INPUT;
    }
    return MPSIM_OK;
}

static double wrapped(double x, void *p)
{
    mps_switch_ctx *c = p;
    if (x == c->x0)
        return c->f0;
    if (x == c->x1)
        return c->f1;
    if (c->status != MPSIM_OK)
        return 0.0;
    double v;
    c->status = eval(c->f, c->ctx, x, &v, c->errs);
    /* 0 ends Brent's iteration at once; the caller then sees the status. */
    return c->status == MPSIM_OK ? v : 0.0;
}

static int check_spec(const mpsim_switching_spec *s, mpsim_value_fn f, mpsim_errors *errs)
{
    int status = MPSIM_OK;
    if (f == NULL) {
        mpsim_errors_add(errs, NULL, 0, 0, "function", "no function was given");
        status = MPSIM_ERR_INPUT;
    }
    if (!isfinite(s->lo) || !isfinite(s->hi) || !(s->lo < s->hi)) {
        mpsim_errors_add(errs, NULL, 0, 0, "range",
                         "the search range needs finite lo < hi (got [%g, %g])", s->lo, s->hi);
        status = MPSIM_ERR_INPUT;
    }
    if (isinf(s->centre)) {
        mpsim_errors_add(errs, NULL, 0, 0, "centre", "the central value must be finite or NaN");
        status = MPSIM_ERR_INPUT;
    }
    if (s->xtol < 0.0 || isnan(s->xtol) || s->max_iter < 0) {
        mpsim_errors_add(errs, NULL, 0, 0, "tolerance",
                         "xtol and max_iter must be 0 (the defaults) or positive");
        status = MPSIM_ERR_INPUT;
    }
    return status;
}

/* Distance from x to the interval [a, b] (0 inside). */
static double distance(double x, double a, double b)
{
    return x < a ? a - x : x > b ? x - b : 0.0;
}

int mpsim_switching_value(const mpsim_switching_spec *spec, mpsim_value_fn f, void *ctx,
                          mpsim_switching_result *out, mpsim_errors *errs)
{
    memset(out, 0, sizeof *out);
    out->x = out->value_lo = out->value_hi = out->bracket_lo = out->bracket_hi = NAN;
    if (spec == NULL) {
        mpsim_errors_add(errs, NULL, 0, 0, NULL, "no search was described (spec is NULL)");
        return MPSIM_ERR_INPUT;
    }
    int status = check_spec(spec, f, errs);
    if (status != MPSIM_OK)
        return status;
    unsigned g = spec->grid ? spec->grid : MPS_SWITCH_GRID;
    double lo = spec->lo, hi = spec->hi;
    double *xs = mps_calloc((size_t)g + 1, sizeof *xs);
    double *fs = mps_calloc((size_t)g + 1, sizeof *fs);
    if (xs == NULL || fs == NULL) {
        free(xs);
        free(fs);
        mpsim_errors_add(errs, NULL, 0, 0, NULL, "out of memory for the switching-value grid");
        return MPSIM_ERR_FAIL;
    }
    for (unsigned i = 0; i <= g && status == MPSIM_OK; i++) {
        /* lo + i h drifts off hi at the end; hit both ends exactly. */
        xs[i] = i == g ? hi : lo + (hi - lo) * ((double)i / (double)g);
        status = eval(f, ctx, xs[i], &fs[i], errs);
    }
    if (status == MPSIM_OK) {
        out->value_lo = fs[0];
        out->value_hi = fs[g];
        /* Cell i is [xs[i], xs[i+1]]; a zero at a grid point belongs to the
         * cell on its left (the first point's to cell 0), so it counts once. */
        long best = -1;
        double best_d = INFINITY;
        for (unsigned i = 0; i < g; i++) {
            int zero_left = i == 0 && fs[0] == 0.0;
            int cross = zero_left || fs[i + 1] == 0.0 || (fs[i] < 0.0 && fs[i + 1] > 0.0) ||
                        (fs[i] > 0.0 && fs[i + 1] < 0.0);
            if (!cross)
                continue;
            out->crossings++;
            double d = isnan(spec->centre) ? (double)i : distance(spec->centre, xs[i], xs[i + 1]);
            if (d < best_d) {
                best_d = d;
                best = (long)i;
            }
        }
        if (best >= 0) {
            size_t i = (size_t)best;
            out->found = 1;
            out->bracket_lo = xs[i];
            out->bracket_hi = xs[i + 1];
            if (fs[i] == 0.0 && (i == 0 || fs[i + 1] != 0.0))
                out->x = xs[i];
            else if (fs[i + 1] == 0.0)
                out->x = xs[i + 1];
        }
        if (best >= 0 && isnan(out->x)) {
            size_t i = (size_t)best;
            mps_switch_ctx c = {f, ctx, errs, MPSIM_OK, xs[i], fs[i], xs[i + 1], fs[i + 1]};
            gsl_function fn = {wrapped, &c};
            gsl_root_fsolver *s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
            if (s == NULL) {
                mpsim_errors_add(errs, NULL, 0, 0, NULL, "out of memory for the root finder");
                status = MPSIM_ERR_FAIL;
            } else {
                double tol = spec->xtol > 0.0 ? spec->xtol : 1e-10 * (hi - lo);
                int max_iter = spec->max_iter ? spec->max_iter : MPS_SWITCH_MAX_ITER;
                gsl_root_fsolver_set(s, &fn, xs[i], xs[i + 1]);
                int conv = GSL_CONTINUE;
                while (conv == GSL_CONTINUE && out->iterations < max_iter) {
                    out->iterations++;
                    gsl_root_fsolver_iterate(s);
                    if (c.status != MPSIM_OK)
                        break;
                    conv = gsl_root_test_interval(gsl_root_fsolver_x_lower(s),
                                                  gsl_root_fsolver_x_upper(s), tol, 0.0);
                }
                if (c.status != MPSIM_OK) {
                    status = c.status;
                } else if (conv != GSL_SUCCESS) {
                    mpsim_errors_add(errs, NULL, 0, 0, NULL,
                                     "Brent's method did not reach the tolerance %g in %d "
                                     "iterations (bracket [%.17g, %.17g])",
                                     tol, max_iter, gsl_root_fsolver_x_lower(s),
                                     gsl_root_fsolver_x_upper(s));
                    status = MPSIM_ERR_FAIL;
                } else {
                    out->x = gsl_root_fsolver_root(s);
                }
                gsl_root_fsolver_free(s);
            }
        }
    }
    free(xs);
    free(fs);
    if (status != MPSIM_OK) {
        out->found = 0;
        out->x = NAN;
    }
    return status;
}
