/*
 * Discount factors (model.md section 9).
 *
 * A schedule is piecewise constant in model years: rate[i] applies from
 * from_year[i] until the next band starts.  Each year is discounted at its
 * own band's rate, so DF_t = DF_{t-1} / (1 + r(t)) with DF_0 = 1; this is the
 * Green Book's "declining schedule" as published implementations compute it
 * (check values in facts.md).
 */
#include <stdlib.h>

#include "appraisal/discount.h"
#include "core/util.h"

/* Green Book bands (Green Book 2003 Table 6.1, kept since; facts.md).  The
 * first band is written from year 0: DF_0 = 1 whatever its rate, and year 1
 * is the first year discounted. */
enum { MPS_GB_BANDS = 6 };
static const int gb_from[MPS_GB_BANDS] = {0, 31, 76, 126, 201, 301};
static const double gb_standard[MPS_GB_BANDS] = {0.035, 0.030, 0.025, 0.020, 0.015, 0.010};
/* Health (risk to life) rates on the same bands: 1.5%, 1.29%, 1.07% from
 * Green Book A6, the later bands 1.5/3.5 of the standard rate (facts.md). */
static const double gb_health[MPS_GB_BANDS] = {0.015, 0.0129, 0.0107, 0.0086, 0.0064, 0.0043};

double mps_discount_rate(const mps_rate_schedule *s, int t)
{
    if (s == NULL || s->n <= 0)
        return 0.0;
    /* Years before the first band (only year 0 when the schedule starts at
     * 1) take the first band's rate; it never matters because DF_0 = 1. */
    int i = 0;
    while (i + 1 < s->n && s->from_year[i + 1] <= t)
        i++;
    return s->rate[i];
}

void mps_discount_factors(const mps_rate_schedule *s, int horizon, double *df)
{
    if (horizon <= 0)
        return;
    df[0] = 1.0;
    int band = 0;
    for (int t = 1; t < horizon; t++) {
        /* Advance the band pointer instead of searching: O(horizon + bands). */
        while (s != NULL && band + 1 < s->n && s->from_year[band + 1] <= t)
            band++;
        double r = (s != NULL && s->n > 0) ? s->rate[band] : 0.0;
        df[t] = df[t - 1] / (1.0 + r);
    }
}

static int fill_schedule(mps_rate_schedule *out, const double *rates)
{
    out->n = 0;
    out->from_year = mps_calloc(MPS_GB_BANDS, sizeof *out->from_year);
    out->rate = mps_calloc(MPS_GB_BANDS, sizeof *out->rate);
    if (out->from_year == NULL || out->rate == NULL) {
        free(out->from_year);
        free(out->rate);
        out->from_year = NULL;
        out->rate = NULL;
        return MPSIM_ERR_FAIL;
    }
    for (int i = 0; i < MPS_GB_BANDS; i++) {
        out->from_year[i] = gb_from[i];
        out->rate[i] = rates[i];
    }
    out->n = MPS_GB_BANDS;
    return MPSIM_OK;
}

int mps_discount_green_book(mps_discount *d)
{
    d->standard.n = 0;
    d->standard.from_year = NULL;
    d->standard.rate = NULL;
    d->health = d->standard;
    if (fill_schedule(&d->standard, gb_standard) != MPSIM_OK ||
        fill_schedule(&d->health, gb_health) != MPSIM_OK) {
        mps_discount_free(d);
        return MPSIM_ERR_FAIL;
    }
    return MPSIM_OK;
}

static void free_schedule(mps_rate_schedule *s)
{
    free(s->from_year);
    free(s->rate);
    s->from_year = NULL;
    s->rate = NULL;
    s->n = 0;
}

void mps_discount_free(mps_discount *d)
{
    if (d == NULL)
        return;
    free_schedule(&d->standard);
    free_schedule(&d->health);
}
