/*
 * mpsim_sensitivity_write_hdf5: the sensitivity file (docs/sensitivity.md,
 * "Output").  Like the results and sweep files it is built in memory by
 * HDF5's core driver and put in place atomically by file_write.c, with
 * object timestamps off, so two runs with the same inputs write the same
 * datasets.  Arrays over (input, output) are written [input, output]; the
 * library holds them [output, input].
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <hdf5.h>

#include "core/util.h"
#include "results/h5io.h"
#include "results/provenance.h"
#include "results/write_hdf5.h"
#include "sensitivity/model_sens.h"

static const char *const estimand_plain =
    "Sobol' indices of the studied inputs as drawn independently from their marginals; one "
    "evaluation is one path, and the randomness outside the studied inputs (gates, churn, "
    "spillovers, regimes, cuts, unstudied inputs) is shared by the rows of a sample, so it "
    "shows up in 1 - sum of first-order indices";
static const char *const estimand_copula =
    "Some studied inputs are correlated (Gaussian copula): their indices are those of their "
    "INDEPENDENT normal scores before the Cholesky mix, so a correlated input's index includes "
    "what it passes to the inputs it is correlated with; the randomness outside the studied "
    "inputs (gates, churn, spillovers, regimes, cuts, unstudied inputs) shows up in 1 - sum of "
    "first-order indices";

/* out[i * n_out + o] = in[(first + o) * k + i] for o < n_out. */
static void transpose(const double *in, size_t k, size_t first, size_t n_out, double *out)
{
    for (size_t i = 0; i < k; i++)
        for (size_t o = 0; o < n_out; o++)
            out[i * n_out + o] = in[(first + o) * k + i];
}

typedef struct {
    const char *name;
    const char *description;
    size_t offset; /* of the array pointer within mpsim_sobol_result */
} index_field;

static const index_field index_fields[] = {
    {"first_order", "first-order Sobol' index S_i (Saltelli 2010)",
     offsetof(mpsim_sobol_result, s1)},
    {"first_order_se", "bootstrap standard error of first_order",
     offsetof(mpsim_sobol_result, s1_se)},
    {"first_order_lo", "lower end of first_order's 95% bootstrap percentile interval",
     offsetof(mpsim_sobol_result, s1_lo)},
    {"first_order_hi", "upper end of first_order's 95% bootstrap percentile interval",
     offsetof(mpsim_sobol_result, s1_hi)},
    {"total", "total-effect Sobol' index ST_i (Jansen 1999)", offsetof(mpsim_sobol_result, st)},
    {"total_se", "bootstrap standard error of total", offsetof(mpsim_sobol_result, st_se)},
    {"total_lo", "lower end of total's 95% bootstrap percentile interval",
     offsetof(mpsim_sobol_result, st_lo)},
    {"total_hi", "upper end of total's 95% bootstrap percentile interval",
     offsetof(mpsim_sobol_result, st_hi)},
};
#define N_INDEX_FIELDS (sizeof index_fields / sizeof index_fields[0])

static const double *field(const mpsim_sobol_result *r, const index_field *f)
{
    return *(double *const *)((const char *)r + f->offset);
}

/* The indices of outputs first .. first + n_out - 1 into group g, with
 * the per-output sums. */
static void write_indices(mps_h5w *w, hid_t g, const mpsim_sobol_result *r, size_t first,
                          size_t n_out, hid_t in_scale, hid_t out_scale, const char *out_dim)
{
    const size_t k = r->k;
    double *buf = mps_calloc(k * n_out + n_out + 1, sizeof *buf);
    if (buf == NULL) {
        mps_h5w_fail(w, g, NULL, "out of memory");
        return;
    }
    hsize_t d2[2] = {k, n_out};
    hid_t s2[2] = {in_scale, out_scale};
    for (size_t f = 0; f < N_INDEX_FIELDS; f++) {
        transpose(field(r, &index_fields[f]), k, first, n_out, buf);
        char desc[256];
        snprintf(desc, sizeof desc, "%s [input, %s]; NaN for an output that does not vary",
                 index_fields[f].description, out_dim);
        mps_h5w_data(w, g, index_fields[f].name, MPS_T_F64, 2, d2, buf, desc, "1", s2);
    }
    hsize_t d1 = n_out;
    mps_h5w_data(w, g, "first_order_sum", MPS_T_F64, 1, &d1, r->s1_sum + first,
                 "sum over the studied inputs of first_order", "1", &out_scale);
    mps_h5w_data(w, g, "first_order_sum_se", MPS_T_F64, 1, &d1, r->s1_sum_se + first,
                 "bootstrap standard error of first_order_sum", "1", &out_scale);
    for (size_t o = 0; o < n_out; o++)
        buf[o] = 1.0 - r->s1_sum[first + o];
    mps_h5w_data(w, g, "unexplained", MPS_T_F64, 1, &d1, buf,
                 "1 - first_order_sum: the share of the variance from interactions and from "
                 "the randomness outside the studied inputs",
                 "1", &out_scale);
    mps_h5w_data(w, g, "output_mean", MPS_T_F64, 1, &d1, r->mean + first,
                 "mean of the output over the 2N rows of A and B", NULL, &out_scale);
    mps_h5w_data(w, g, "output_variance", MPS_T_F64, 1, &d1, r->variance + first,
                 "variance of the output over the 2N rows of A and B (the indices' "
                 "denominator)",
                 NULL, &out_scale);
    free(buf);
}

static void write_timeseries(mps_h5w *w, hid_t sg, const mps_sens_scenario *sc, hid_t in_scale,
                             hid_t year_scale)
{
    hid_t tg = mps_h5w_group(w, sg, "timeseries");
    for (size_t q = 0; q < sc->out.n_series; q++) {
        hid_t g = mps_h5w_group(w, tg, sc->out.series_name[q]);
        mps_h5w_attr_str(w, g, "units", sc->out.series_units[q]);
        write_indices(w, g, &sc->sobol, sc->out.n_scalar + q * (size_t)sc->out.horizon,
                      (size_t)sc->out.horizon, in_scale, year_scale, "year");
        mps_h5_close(g);
    }
    mps_h5_close(tg);
}

static void write_tornado(mps_h5w *w, hid_t sg, const mps_sens_scenario *sc, hid_t in_scale)
{
    const size_t k = sc->k;
    hid_t g = mps_h5w_group(w, sg, "tornado");
    mps_h5w_attr_f64(w, g, "expected_npv", sc->base_npv);
    mps_h5w_attr_f64(w, g, "expected_bcr", sc->base_bcr);
    double *v = mps_calloc(7 * k + 1, sizeof *v);
    int *order = mps_calloc(k + 1, sizeof *order);
    if (v == NULL || order == NULL) {
        mps_h5w_fail(w, g, NULL, "out of memory");
    } else {
        for (size_t i = 0; i < k; i++) {
            v[i] = sc->inputs[i].p10;
            v[k + i] = sc->inputs[i].p90;
            v[2 * k + i] = sc->tornado[i].npv_p10;
            v[3 * k + i] = sc->tornado[i].npv_p90;
            v[4 * k + i] = sc->tornado[i].bcr_p10;
            v[5 * k + i] = sc->tornado[i].bcr_p90;
            v[6 * k + i] = sc->tornado[i].swing;
            order[i] = (int)sc->tornado_order[i];
        }
        hsize_t d = k;
        mps_h5w_data(w, g, "p10", MPS_T_F64, 1, &d, v, "the input's 10% quantile", NULL,
                     &in_scale);
        mps_h5w_data(w, g, "p90", MPS_T_F64, 1, &d, v + k, "the input's 90% quantile", NULL,
                     &in_scale);
        mps_h5w_data(w, g, "npv_p10", MPS_T_F64, 1, &d, v + 2 * k,
                     "expected NPV with the input fixed at its P10 on every path, the others "
                     "drawn",
                     MPS_UNITS_GBP, &in_scale);
        mps_h5w_data(w, g, "npv_p90", MPS_T_F64, 1, &d, v + 3 * k,
                     "expected NPV with the input fixed at its P90 on every path", MPS_UNITS_GBP,
                     &in_scale);
        mps_h5w_data(w, g, "bcr_p10", MPS_T_F64, 1, &d, v + 4 * k,
                     "expected BCR (over paths where defined) with the input at its P10", "1",
                     &in_scale);
        mps_h5w_data(w, g, "bcr_p90", MPS_T_F64, 1, &d, v + 5 * k,
                     "expected BCR (over paths where defined) with the input at its P90", "1",
                     &in_scale);
        mps_h5w_data(w, g, "swing", MPS_T_F64, 1, &d, v + 6 * k, "|npv_p90 - npv_p10|",
                     MPS_UNITS_GBP, &in_scale);
        mps_h5w_data(w, g, "order", MPS_T_I32, 1, &d, order,
                     "indices into `input` by decreasing swing (the tornado's bars, top first)",
                     NULL, NULL);
    }
    free(v);
    free(order);
    mps_h5_close(g);
}

static void write_switching(mps_h5w *w, hid_t sg, const mps_sens_scenario *sc, hid_t in_scale)
{
    const size_t k = sc->k;
    hid_t g = mps_h5w_group(w, sg, "switching");
    mps_h5w_attr_f64(w, g, "static_npv", sc->static_npv);
    double *v = mps_calloc(5 * k + 1, sizeof *v);
    int *f = mps_calloc(3 * k + 1, sizeof *f);
    if (v == NULL || f == NULL) {
        mps_h5w_fail(w, g, NULL, "out of memory");
    } else {
        for (size_t i = 0; i < k; i++) {
            v[i] = sc->inputs[i].lo;
            v[k + i] = sc->inputs[i].hi;
            v[2 * k + i] = sc->inputs[i].centre;
            v[3 * k + i] = sc->sw_static[i].x;
            v[4 * k + i] = sc->sw_dynamic[i].x;
            f[i] = sc->static_applies[i];
            f[k + i] = sc->sw_static[i].found;
            f[2 * k + i] = sc->sw_dynamic[i].found;
        }
        hsize_t d = k;
        mps_h5w_data(w, g, "lo", MPS_T_F64, 1, &d, v,
                     "lower end of the search range: the input's minimum, else its P0.1", NULL,
                     &in_scale);
        mps_h5w_data(w, g, "hi", MPS_T_F64, 1, &d, v + k,
                     "upper end of the search range: the input's maximum, else its P99.9", NULL,
                     &in_scale);
        mps_h5w_data(w, g, "centre", MPS_T_F64, 1, &d, v + 2 * k,
                     "the input's central value (appraisal.central)", NULL, &in_scale);
        mps_h5w_data(w, g, "static_applies", MPS_T_I32, 1, &d, f,
                     "1 when the static appraisal reads the input (benefit levels and "
                     "prevention effects; it replaces overrun by optimism bias and delay by 0, "
                     "and has no wider economy)",
                     NULL, &in_scale);
        mps_h5w_data(w, g, "static_found", MPS_T_I32, 1, &d, f + k,
                     "1 when the static NPV crosses 0 in the range", NULL, &in_scale);
        mps_h5w_data(w, g, "static_value", MPS_T_F64, 1, &d, v + 3 * k,
                     "the input's value at which the static NPV is 0 (central value replaced); "
                     "NaN: no crossing in the range",
                     NULL, &in_scale);
        mps_h5w_data(w, g, "dynamic_found", MPS_T_I32, 1, &d, f + 2 * k,
                     "1 when the expected NPV crosses 0 in the range", NULL, &in_scale);
        mps_h5w_data(w, g, "dynamic_value", MPS_T_F64, 1, &d, v + 4 * k,
                     "the input's value which, fixed on every path, makes the expected NPV 0 "
                     "(the same N paths throughout); NaN: no crossing in the range",
                     NULL, &in_scale);
    }
    free(v);
    free(f);
    mps_h5_close(g);
}

static void write_scenario(mps_h5w *w, hid_t scen, const mpsim_sensitivity *r,
                           const mps_sens_scenario *sc)
{
    hid_t s = mps_h5w_group(w, scen, sc->name);
    hid_t g = mps_h5w_group(w, s, "sensitivity");
    mps_h5w_attr_u64(w, g, "samples", r->samples);
    mps_h5w_attr_u64(w, g, "studied_inputs", (uint64_t)sc->k);
    if (sc->k == 0) {
        /* An alternative of the batch with none of the inputs: it is only
         * valued in /voi. */
        mps_h5_close(g);
        mps_h5_close(s);
        return;
    }
    mps_h5w_attr_u64(w, g, "evaluations", sc->sobol.evaluations);
    mps_h5w_attr_str(w, g, "estimand", sc->correlated ? estimand_copula : estimand_plain);
    const char **kp = mps_calloc(sc->k + 1, sizeof *kp);
    int *cop = mps_calloc(sc->k + 1, sizeof *cop);
    if (kp == NULL || cop == NULL) {
        mps_h5w_fail(w, g, NULL, "out of memory");
    } else {
        for (size_t i = 0; i < sc->k; i++) {
            kp[i] = sc->inputs[i].key_path;
            cop[i] = sc->inputs[i].copula >= 0;
        }
        hid_t in = mps_h5w_scale(w, g, "input", MPS_T_STR, sc->k, kp,
                                 "key path of each studied input (scenario-format.md)", NULL);
        hid_t out = -1;
        if (sc->out.n_scalar > 0)
            out = mps_h5w_scale(w, g, "output", MPS_T_STR, sc->out.n_scalar, sc->out.scalar_name,
                                "scalar output of each path", NULL);
        hid_t year = mps_h5w_scale(w, g, "year", MPS_T_I32, (size_t)sc->out.horizon,
                                   sc->out.years, "calendar year", NULL);
        hsize_t dk = sc->k, dout = sc->out.n_scalar;
        mps_h5w_data(w, g, "correlated", MPS_T_I32, 1, &dk, cop,
                     "1 when the input is in the Gaussian copula: its indices are those of its "
                     "independent normal score",
                     NULL, &in);
        if (sc->out.n_scalar > 0) {
            mps_h5w_data(w, g, "output_units", MPS_T_STR, 1, &dout, sc->out.scalar_units,
                         "units of each scalar output", NULL, &out);
            write_indices(w, g, &sc->sobol, 0, sc->out.n_scalar, in, out, "output");
        }
        write_timeseries(w, g, sc, in, year);
        write_tornado(w, g, sc, in);
        write_switching(w, g, sc, in);
        mps_h5_close(in);
        mps_h5_close(out);
        mps_h5_close(year);
    }
    free(kp);
    free(cop);
    mps_h5_close(g);
    mps_h5_close(s);
}

static void write_voi(mps_h5w *w, hid_t file, const mpsim_sensitivity *r)
{
    hid_t g = mps_h5w_group(w, file, "voi");
    const char **alt = mps_calloc(r->n, sizeof *alt);
    const char **kp = mps_calloc(r->voi_k + 1, sizeof *kp);
    double *v = mps_calloc(2 * r->voi_k + 1, sizeof *v);
    if (alt == NULL || kp == NULL || v == NULL) {
        mps_h5w_fail(w, g, NULL, "out of memory");
    } else {
        for (size_t d = 0; d < r->n; d++)
            alt[d] = r->sc[d].name;
        for (size_t q = 0; q < r->voi_k; q++) {
            kp[q] = r->sc[0].inputs[q].key_path;
            v[q] = r->evppi[q].value;
            v[r->voi_k + q] = r->evppi[q].se;
        }
        mps_h5w_attr_str(w, g, "best", alt[r->evpi.best]);
        hid_t as = mps_h5w_scale(w, g, "alternative", MPS_T_STR, r->n, alt,
                                 "the scenarios of the batch, the decision's alternatives", NULL);
        hid_t is = mps_h5w_scale(w, g, "input", MPS_T_STR, r->voi_k, kp,
                                 "key path of each input (the first scenario's)", NULL);
        mps_h5w_data(w, g, "evpi", MPS_T_F64, 0, NULL, &r->evpi.value,
                     "expected value of perfect information E[max_d NPV_d] - max_d E[NPV_d]",
                     MPS_UNITS_GBP, NULL);
        mps_h5w_data(w, g, "evpi_se", MPS_T_F64, 0, NULL, &r->evpi.se,
                     "standard error of evpi", MPS_UNITS_GBP, NULL);
        mps_h5w_data(w, g, "expected_current", MPS_T_F64, 0, NULL, &r->evpi.expected_current,
                     "max_d E[NPV_d]: the value of deciding now", MPS_UNITS_GBP, NULL);
        hsize_t dk = r->voi_k;
        mps_h5w_data(w, g, "evppi", MPS_T_F64, 1, &dk, v,
                     "expected value of partial perfect information on the input (binned "
                     "estimator, Strong and Oakley 2013)",
                     MPS_UNITS_GBP, &is);
        mps_h5w_data(w, g, "evppi_se", MPS_T_F64, 1, &dk, v + r->voi_k,
                     "bootstrap standard error of evppi", MPS_UNITS_GBP, &is);
        mps_h5_close(as);
        mps_h5_close(is);
    }
    free(alt);
    free(kp);
    free(v);
    mps_h5_close(g);
}

static void write_provenance(mps_h5w *w, hid_t file)
{
    mpsim_provenance p;
    memset(&p, 0, sizeof p);
    if (mps_provenance_fill(&p) != MPSIM_OK)
        mps_h5w_fail(w, file, "provenance", "out of memory");
    mps_results_write_provenance(w, file, &p);
    free(p.git_revision);
    free(p.compiler);
    free(p.compiler_flags);
    free(p.gsl_version);
    free(p.hdf5_version);
    free(p.yaml_version);
    free(p.random123_version);
    free(p.mpi_version);
}

static void write_contents(mps_h5w *w, hid_t file, const mpsim_sensitivity *r)
{
    mps_h5w_attr_str(w, file, "format", "mpsim-sensitivity");
    mps_h5w_attr_i32(w, file, "format_version", MPSIM_FORMAT_VERSION);
    mps_h5w_attr_str(w, file, "mpsim_version", MPSIM_VERSION_STRING);
    mps_h5w_attr_str(w, file, "created", r->created);
    mps_h5w_attr_str(w, file, "command_line", r->command_line);
    mps_h5w_attr_u64(w, file, "seed", r->seed);
    mps_h5w_attr_u64(w, file, "samples", r->samples);
    mps_h5w_attr_u64(w, file, "bootstrap", r->bootstrap);
    mps_h5w_attr_f64(w, file, "confidence", r->confidence);
    mps_h5w_attr_str(w, file, "rng", "philox4x32-10");
    write_provenance(w, file);
    hid_t scen = mps_h5w_group(w, file, "scenarios");
    for (size_t d = 0; d < r->n; d++)
        write_scenario(w, scen, r, &r->sc[d]);
    mps_h5_close(scen);
    if (r->has_voi)
        write_voi(w, file, r);
}

static void fill_contents(mps_h5w *w, hid_t file, const void *ctx)
{
    write_contents(w, file, ctx);
}

int mpsim_sensitivity_write_hdf5(const mpsim_sensitivity *r, const char *path,
                                 mpsim_errors *errs)
{
    if (r == NULL || path == NULL || *path == '\0') {
        mpsim_errors_add(errs, path, 0, 0, NULL, "no sensitivity results or no output path");
        return MPSIM_ERR_FAIL;
    }
    return mps_h5_write_image_file(path, fill_contents, r, "sensitivity file", errs);
}
