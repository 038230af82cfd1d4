/*
 * appraisal.discount (model.md section 9): `green_book`, `{constant: r}` or
 * `{schedule: [[from_year, rate], ...]}`, each mapping form optionally with
 * `health: r` or `health_schedule: [...]`.  Without a health rate, health
 * flows use the standard rates, as model.md says.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "scenario/load_internal.h"

static const mps_key_spec discount_keys[] = {
    {"constant", 0}, {"schedule", 0}, {"health", 0}, {"health_schedule", 0},
};

static int get_rate(mps_loader *L, const mps_ynode *n, double *out)
{
    char buf[MPS_GOT_SIZE];
    double r;
    if (!mps_get_number(L, n, &r))
        return 0;
    /* Rates are fractions: 3.5 meaning 3.5% would discount everything to
     * nothing, so anything above 1 is taken for that mistake. */
    if (r <= -1.0 || r > 1.0) {
        mps_load_error(L, n, "must be a rate in (-1, 1] written as a fraction, e.g. 0.035 for "
                             "3.5%% (got %s)", mps_got(n, buf, sizeof buf));
        return 0;
    }
    *out = r;
    return 1;
}

static int alloc_schedule(mps_loader *L, mps_rate_schedule *s, size_t n)
{
    s->from_year = calloc(n, sizeof *s->from_year);
    s->rate = calloc(n, sizeof *s->rate);
    if (s->from_year == NULL || s->rate == NULL) {
        mps_load_oom(L);
        return 0;
    }
    s->n = (int)n;
    return 1;
}

static int constant(mps_loader *L, const mps_ynode *n, mps_rate_schedule *out)
{
    double r;
    if (!get_rate(L, n, &r) || !alloc_schedule(L, out, 1))
        return 0;
    out->from_year[0] = 0;
    out->rate[0] = r;
    return 1;
}

/* Reads band i; *from gets its year as written (for the ascending check). */
static int band(mps_loader *L, const mps_ynode *b, size_t i, int *from_io, mps_rate_schedule *out)
{
    char buf[MPS_GOT_SIZE];
    if (b->type != MPS_YNODE_SEQUENCE || b->n != 2) {
        mps_load_error(L, b, "each band must be a pair [from_year, rate] (got %s)",
                       b->type == MPS_YNODE_SEQUENCE ? "a list of another length"
                                                     : mps_got(b, buf, sizeof buf));
        return 0;
    }
    int from = 0, ok = 1, prev = *from_io;
    size_t mark = mps_path_index(L, 0);
    if (mps_get_int(L, b->items[0], 0, MPS_YEARS_MAX, &from)) {
        *from_io = from;
        if (i == 0 && from > 1) {
            mps_load_error(L, b->items[0], "the first band must start at model year 0 or 1 "
                                           "(got %d)", from);
            ok = 0;
        } else if (i > 0 && from <= prev) {
            mps_load_error(L, b->items[0], "bands must start in strictly ascending model years "
                                           "(got %d after %d)", from, prev);
            ok = 0;
        }
    } else {
        ok = 0;
    }
    mps_path_restore(L, mark);
    mark = mps_path_index(L, 1);
    double r = 0;
    ok = get_rate(L, b->items[1], &r) && ok;
    mps_path_restore(L, mark);
    /* A schedule starting at 1 leaves year 0 undiscounted anyway (DF_0 = 1),
     * so its first band is stored from 0. */
    out->from_year[i] = i == 0 ? 0 : from;
    out->rate[i] = r;
    return ok;
}

static int schedule(mps_loader *L, const mps_ynode *n, mps_rate_schedule *out)
{
    char buf[MPS_GOT_SIZE];
    if (n->type != MPS_YNODE_SEQUENCE || n->n == 0) {
        mps_load_error(L, n, "must be a non-empty list of [from_year, rate] bands, e.g. "
                             "[[0, 0.035], [31, 0.03]] (got %s)",
                       n->type == MPS_YNODE_SEQUENCE ? "an empty list" : mps_got(n, buf, sizeof buf));
        return 0;
    }
    if (!alloc_schedule(L, out, n->n))
        return 0;
    int ok = 1, prev = -1;
    for (size_t i = 0; i < n->n; i++) {
        size_t mark = mps_path_index(L, i);
        if (!band(L, n->items[i], i, &prev, out))
            ok = 0;
        mps_path_restore(L, mark);
    }
    return ok;
}

/* Reads `constant` or `schedule` (exactly one) from mapping m into out. */
static int standard_rates(mps_loader *L, const mps_ynode *m, mps_rate_schedule *out)
{
    const mps_ynode *kc = NULL, *ks = NULL;
    const mps_ynode *c = mps_map_get(m, "constant", &kc);
    const mps_ynode *s = mps_map_get(m, "schedule", &ks);
    if (c != NULL && s != NULL) {
        size_t mark = mps_path_key(L, "schedule");
        mps_load_error(L, ks, "give either constant or schedule, not both");
        mps_path_restore(L, mark);
        return 0;
    }
    if (c == NULL && s == NULL) {
        mps_load_error(L, m, "needs 'constant: r' or 'schedule: [[from_year, rate], ...]' "
                             "(or write 'discount: green_book')");
        return 0;
    }
    size_t mark = mps_path_key(L, c ? "constant" : "schedule");
    int ok = c ? constant(L, c, out) : schedule(L, s, out);
    mps_path_restore(L, mark);
    return ok;
}

static int copy_schedule(mps_loader *L, const mps_rate_schedule *from, mps_rate_schedule *to)
{
    if (!alloc_schedule(L, to, (size_t)from->n))
        return 0;
    memcpy(to->from_year, from->from_year, (size_t)from->n * sizeof *to->from_year);
    memcpy(to->rate, from->rate, (size_t)from->n * sizeof *to->rate);
    return 1;
}

int mps_load_discount(mps_loader *L, const mps_ynode *n, mps_discount *out)
{
    char buf[MPS_GOT_SIZE];
    memset(out, 0, sizeof *out);
    if (n == NULL || (n->type == MPS_YNODE_SCALAR && strcmp(n->text, "green_book") == 0)) {
        if (mps_discount_green_book(out) != MPSIM_OK) {
            mps_load_oom(L);
            return 0;
        }
        return 1;
    }
    if (n->type != MPS_YNODE_MAPPING) {
        mps_load_error(L, n, "must be green_book, {constant: r} or {schedule: [[from_year, "
                             "rate], ...]} (got %s)", mps_got(n, buf, sizeof buf));
        return 0;
    }
    size_t before = L->n_errors;
    mps_check_mapping(L, n, discount_keys, sizeof discount_keys / sizeof discount_keys[0],
                      "a discount schedule");
    int ok = standard_rates(L, n, &out->standard);

    const mps_ynode *kh = NULL, *khs = NULL;
    const mps_ynode *h = mps_map_get(n, "health", &kh);
    const mps_ynode *hs = mps_map_get(n, "health_schedule", &khs);
    if (h != NULL && hs != NULL) {
        size_t mark = mps_path_key(L, "health_schedule");
        mps_load_error(L, khs, "give either health or health_schedule, not both");
        mps_path_restore(L, mark);
        ok = 0;
    } else if (h != NULL || hs != NULL) {
        size_t mark = mps_path_key(L, h ? "health" : "health_schedule");
        ok = (h ? constant(L, h, &out->health) : schedule(L, hs, &out->health)) && ok;
        mps_path_restore(L, mark);
    } else if (ok) {
        ok = copy_schedule(L, &out->standard, &out->health);
    }
    return ok && L->n_errors == before;
}
