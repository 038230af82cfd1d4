/*
 * Discount factors (model.md section 9).
 */
#ifndef MPS_DISCOUNT_H
#define MPS_DISCOUNT_H

#include "scenario/scenario.h"

/** Fills df[0 .. horizon-1] with DF_t = DF_{t-1} / (1 + r(t)), DF_0 = 1,
 *  where r(t) is the rate of the band holding model year t. */
void mps_discount_factors(const mps_rate_schedule *s, int horizon, double *df);

/** The rate that applies in model year t. */
double mps_discount_rate(const mps_rate_schedule *s, int t);

#endif
