/*
 * Checkpoints of a run (checkpoint.h): what the state file holds, in
 * order, and how it is checked when read back.
 *
 * Layout (native byte order, no padding):
 *   "MPSIMCKP", u32 format (1), u32 byte-order mark 0x01020304
 *   identity: u64 scenarios hash, seed, cap, target_se bits;
 *             u32 n, antithetic, streamed; char version[16]
 *   u64 done, u32 reached, u32 0, u64 side paths, u64 side hash
 *   per scenario: u64 n_values, u32 n_projects, n_missions, horizon, 0;
 *     f64 values[n_values]; Welford records (u64 n, f64 mean, f64 m2)
 *     [MPS_N_W]; the tally: f64 min[15], max[15], u64 counters[4],
 *     u64 project_success[np], project_stopped[np],
 *     mission_year[nm * (horizon + 1)]; the fan chart and (streamed) the
 *     metric histograms, each as u64 cells, bins, nonzero count, then
 *     (u64 index, u64 count) pairs, then f64 min[cells], max[cells]
 *   u64 hash of everything before
 * Histograms are stored sparsely: most of their bins are empty, and the
 * dense arrays would make each checkpoint tens of megabytes.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/util.h"
#include "run/checkpoint.h"
#include "run/checkpoint_io.h"

static const char magic[8] = {'M', 'P', 'S', 'I', 'M', 'C', 'K', 'P'};
enum { FORMAT = 1 };
#define BYTE_ORDER_MARK UINT32_C(0x01020304)

void mps_ckpt_identity(mps_ckpt_id *id, mpsim_scenario *const *scenarios, size_t n,
                       uint64_t seed, uint64_t cap, int antithetic, double target_se,
                       int streamed)
{
    memset(id, 0, sizeof *id);
    uint64_t h = MPS_CKPT_HASH_INIT;
    for (size_t k = 0; k < n; k++) {
        const char *text = mpsim_scenario_resolved_text(scenarios[k]);
        h = mps_ckpt_hash(h, text ? text : "", text ? strlen(text) + 1 : 1);
    }
    id->scenarios = h;
    id->seed = seed;
    id->cap = cap;
    memcpy(&id->target_se, &target_se, sizeof id->target_se);
    id->n = (uint32_t)n;
    id->antithetic = antithetic != 0;
    id->streamed = streamed != 0;
    snprintf(id->version, sizeof id->version, "%s", MPSIM_VERSION_STRING);
}

int mps_ckpt_init(mps_ckpt *c, const char *path, double interval, const mps_ckpt_id *id)
{
    memset(c, 0, sizeof *c);
    c->id = *id;
    c->interval = interval > 0.0 ? interval : MPSIM_CHECKPOINT_INTERVAL;
    c->side_hash = MPS_CKPT_HASH_INIT;
    clock_gettime(CLOCK_MONOTONIC, &c->last);
    c->path = mps_strdup(path);
    c->tmp_path = mps_asprintf("%s.tmp", path);
    c->side_path = mps_asprintf("%s.paths", path);
    if (!c->path || !c->tmp_path || !c->side_path) {
        mps_ckpt_free(c);
        return MPSIM_ERR_FAIL;
    }
    return MPSIM_OK;
}

void mps_ckpt_free(mps_ckpt *c)
{
    free(c->path);
    free(c->tmp_path);
    free(c->side_path);
    c->path = c->tmp_path = c->side_path = NULL;
}

int mps_ckpt_check_absent(const mps_ckpt *c, mpsim_errors *errs)
{
    if (access(c->path, F_OK) != 0)
        return MPSIM_OK;
    mpsim_errors_add(errs, c->path, 0, 0, NULL,
                     "a checkpoint of an earlier run is here: add --resume to continue it, or "
                     "remove it to start afresh");
    return MPSIM_ERR_INPUT;
}

int mps_ckpt_due(const mps_ckpt *c)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double dt = (double)(now.tv_sec - c->last.tv_sec) + 1e-9 * (double)(now.tv_nsec - c->last.tv_nsec);
    return dt >= c->interval;
}

/* ---------------------------------------------------------------- writing */

typedef struct {
    unsigned char *p;
    size_t len, cap;
    int bad;
} buf;

static void put(buf *b, const void *x, size_t n)
{
    if (b->bad || n == 0)
        return;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 1 << 16;
        while (cap < b->len + n)
            cap *= 2;
        unsigned char *p = realloc(b->p, cap);
        if (p == NULL) {
            b->bad = 1;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, x, n);
    b->len += n;
}

static void put_u64(buf *b, uint64_t v)
{
    put(b, &v, sizeof v);
}

static void put_u32(buf *b, uint32_t v)
{
    put(b, &v, sizeof v);
}

static void put_id(buf *b, const mps_ckpt_id *id)
{
    put_u64(b, id->scenarios);
    put_u64(b, id->seed);
    put_u64(b, id->cap);
    put_u64(b, id->target_se);
    put_u32(b, id->n);
    put_u32(b, id->antithetic);
    put_u32(b, id->streamed);
    put(b, id->version, sizeof id->version);
}

static void put_fan(buf *b, const mps_fan *f)
{
    const size_t total = f->cells * f->bins;
    uint64_t nnz = 0;
    for (size_t i = 0; i < total; i++)
        nnz += f->counts[i] != 0;
    put_u64(b, f->cells);
    put_u64(b, f->bins);
    put_u64(b, nnz);
    for (size_t i = 0; i < total; i++)
        if (f->counts[i] != 0) {
            put_u64(b, i);
            put_u64(b, f->counts[i]);
        }
    put(b, f->min, sizeof(double) * f->cells);
    put(b, f->max, sizeof(double) * f->cells);
}

static void put_accum(buf *b, const mps_accum *a)
{
    const mps_tally *t = &a->tally;
    const size_t np = (size_t)a->n_projects;
    const size_t years = (size_t)a->n_missions * (a->horizon + 1);
    put_u64(b, a->n_values);
    put_u32(b, (uint32_t)a->n_projects);
    put_u32(b, (uint32_t)a->n_missions);
    put_u32(b, (uint32_t)a->horizon);
    put_u32(b, 0);
    put(b, a->sums.values, sizeof(double) * a->n_values);
    for (int w = 0; w < MPS_N_W; w++) {
        put_u64(b, a->sums.w[w].n);
        put(b, &a->sums.w[w].mean, sizeof(double));
        put(b, &a->sums.w[w].m2, sizeof(double));
    }
    put(b, t->min, sizeof t->min);
    put(b, t->max, sizeof t->max);
    put_u64(b, t->bcr_defined);
    put_u64(b, t->bcr_above_1);
    put_u64(b, t->npv_negative);
    put_u64(b, t->b_better);
    put(b, t->project_success, sizeof(uint64_t) * np);
    put(b, t->project_stopped, sizeof(uint64_t) * np);
    put(b, t->mission_year, sizeof(uint64_t) * years);
    put_fan(b, &t->fan);
    if (a->streamed)
        put_fan(b, &t->metrics);
}

int mps_ckpt_save(mps_ckpt *c, const mps_accum *acc, size_t n, uint64_t done, int reached,
                  mpsim_errors *errs)
{
    /* The side file first: the state file that counts these paths must
     * never be in place before they are durable. */
    uint64_t side_paths = c->side_paths, side_hash = c->side_hash;
    if (!c->id.streamed && done > side_paths) {
        int status = mps_ckpt_side_append(c->side_path, acc, n, side_paths, done, &side_hash, errs);
        if (status != MPSIM_OK)
            return status;
        side_paths = done;
    }
    buf b = {0};
    put(&b, magic, sizeof magic);
    put_u32(&b, FORMAT);
    put_u32(&b, BYTE_ORDER_MARK);
    put_id(&b, &c->id);
    put_u64(&b, done);
    put_u32(&b, reached != 0);
    put_u32(&b, 0);
    put_u64(&b, side_paths);
    put_u64(&b, side_hash);
    for (size_t k = 0; k < n; k++)
        put_accum(&b, &acc[k]);
    put_u64(&b, mps_ckpt_hash(MPS_CKPT_HASH_INIT, b.p, b.len));
    if (b.bad) {
        free(b.p);
        mpsim_errors_add(errs, c->path, 0, 0, NULL, "out of memory writing the checkpoint");
        return MPSIM_ERR_FAIL;
    }
    int status = mps_ckpt_write_atomic(c->path, c->tmp_path, b.p, b.len, errs);
    free(b.p);
    if (status != MPSIM_OK)
        return status;
    c->side_paths = side_paths;
    c->side_hash = side_hash;
    clock_gettime(CLOCK_MONOTONIC, &c->last);
    return MPSIM_OK;
}

/* ---------------------------------------------------------------- reading */

typedef struct {
    const unsigned char *p;
    size_t len, pos;
    int bad;
} reader;

static void get(reader *r, void *x, size_t n)
{
    if (r->bad || n > r->len - r->pos) {
        r->bad = 1;
        memset(x, 0, n);
        return;
    }
    memcpy(x, r->p + r->pos, n);
    r->pos += n;
}

static uint64_t get_u64(reader *r)
{
    uint64_t v;
    get(r, &v, sizeof v);
    return v;
}

static uint32_t get_u32(reader *r)
{
    uint32_t v;
    get(r, &v, sizeof v);
    return v;
}

static void get_fan(reader *r, mps_fan *f)
{
    const size_t total = f->cells * f->bins;
    if (get_u64(r) != f->cells || get_u64(r) != f->bins) {
        r->bad = 1;
        return;
    }
    uint64_t nnz = get_u64(r);
    if (nnz > total || nnz > (r->len - r->pos) / 16) {
        r->bad = 1;
        return;
    }
    for (uint64_t j = 0; j < nnz && !r->bad; j++) {
        uint64_t i = get_u64(r), v = get_u64(r);
        if (i >= total)
            r->bad = 1;
        else
            f->counts[i] = v;
    }
    get(r, f->min, sizeof(double) * f->cells);
    get(r, f->max, sizeof(double) * f->cells);
}

static void get_accum(reader *r, mps_accum *a)
{
    mps_tally *t = &a->tally;
    const size_t np = (size_t)a->n_projects;
    const size_t years = (size_t)a->n_missions * (a->horizon + 1);
    if (get_u64(r) != a->n_values || get_u32(r) != (uint32_t)a->n_projects ||
        get_u32(r) != (uint32_t)a->n_missions || get_u32(r) != (uint32_t)a->horizon) {
        r->bad = 1;
        return;
    }
    get_u32(r);
    get(r, a->sums.values, sizeof(double) * a->n_values);
    for (int w = 0; w < MPS_N_W; w++) {
        a->sums.w[w].n = get_u64(r);
        get(r, &a->sums.w[w].mean, sizeof(double));
        get(r, &a->sums.w[w].m2, sizeof(double));
    }
    get(r, t->min, sizeof t->min);
    get(r, t->max, sizeof t->max);
    t->bcr_defined = get_u64(r);
    t->bcr_above_1 = get_u64(r);
    t->npv_negative = get_u64(r);
    t->b_better = get_u64(r);
    get(r, t->project_success, sizeof(uint64_t) * np);
    get(r, t->project_stopped, sizeof(uint64_t) * np);
    get(r, t->mission_year, sizeof(uint64_t) * years);
    get_fan(r, &t->fan);
    if (a->streamed)
        get_fan(r, &t->metrics);
}

/* The checksum: the last 8 bytes (copied, as they need not be aligned). */
static uint64_t tail_u64(const unsigned char *data, size_t len)
{
    uint64_t v;
    memcpy(&v, data + len - 8, sizeof v);
    return v;
}

/* Compares the recorded identity with the run's; MPSIM_ERR_INPUT naming
 * the first difference. */
static int check_identity(const char *path, const mps_ckpt_id *got, const mps_ckpt_id *want,
                          mpsim_errors *errs)
{
    const char *why = NULL;
    char detail[160] = "";
    if (memcmp(got->version, want->version, sizeof got->version) != 0) {
        why = "mpsim version";
        snprintf(detail, sizeof detail, " (%.15s; this is %.15s)", got->version, want->version);
    } else if (got->n != want->n) {
        why = "number of scenarios";
        snprintf(detail, sizeof detail, " (%u; this run has %u)", (unsigned)got->n,
                 (unsigned)want->n);
    } else if (got->scenarios != want->scenarios) {
        why = "scenarios (their resolved text, or their order)";
    } else if (got->seed != want->seed) {
        why = "seed";
        snprintf(detail, sizeof detail, " (%llu; this run's is %llu)",
                 (unsigned long long)got->seed, (unsigned long long)want->seed);
    } else if (got->cap != want->cap) {
        why = "number of paths";
        snprintf(detail, sizeof detail, " (%llu; this run's is %llu)",
                 (unsigned long long)got->cap, (unsigned long long)want->cap);
    } else if (got->antithetic != want->antithetic) {
        why = "antithetic setting";
    } else if (got->target_se != want->target_se) {
        why = "target standard error";
    } else if (got->streamed != want->streamed) {
        why = "quantile method (exact or streamed)";
    }
    if (why == NULL)
        return MPSIM_OK;
    mpsim_errors_add(errs, path, 0, 0, NULL,
                     "the checkpoint is of a different run: its %s differs%s; resume with the "
                     "same scenarios and options, or remove the checkpoint to start afresh",
                     why, detail);
    return MPSIM_ERR_INPUT;
}

int mps_ckpt_load(mps_ckpt *c, mps_accum *acc, size_t n, uint64_t *done, int *reached,
                  mpsim_errors *errs)
{
    unsigned char *data = NULL;
    size_t len = 0;
    int status = mps_ckpt_read_file(c->path, &data, &len, errs);
    if (status != MPSIM_OK)
        return status;
    reader r = {data, len, 0, 0};
    char m[sizeof magic];
    get(&r, m, sizeof m);
    uint32_t format = get_u32(&r), bom = get_u32(&r);
    const char *bad = NULL;
    if (r.bad || memcmp(m, magic, sizeof magic) != 0)
        bad = "it is not an mpsim checkpoint";
    else if (format != FORMAT || bom != BYTE_ORDER_MARK)
        bad = "it was written by another version of mpsim or on another kind of machine";
    else if (len < r.pos + 8 || mps_ckpt_hash(MPS_CKPT_HASH_INIT, data, len - 8) != tail_u64(data, len))
        bad = "it does not match its checksum (damaged or cut short)";
    if (bad == NULL) {
        r.len = len - 8;
        mps_ckpt_id id;
        id.scenarios = get_u64(&r);
        id.seed = get_u64(&r);
        id.cap = get_u64(&r);
        id.target_se = get_u64(&r);
        id.n = get_u32(&r);
        id.antithetic = get_u32(&r);
        id.streamed = get_u32(&r);
        get(&r, id.version, sizeof id.version);
        status = check_identity(c->path, &id, &c->id, errs);
    }
    if (bad == NULL && status == MPSIM_OK) {
        *done = get_u64(&r);
        *reached = (int)get_u32(&r);
        get_u32(&r);
        c->side_paths = get_u64(&r);
        c->side_hash = get_u64(&r);
        for (size_t k = 0; k < n && !r.bad; k++)
            get_accum(&r, &acc[k]);
        if (r.bad || r.pos != r.len || *done > c->id.cap ||
            (!c->id.streamed && c->side_paths != *done))
            bad = "its contents do not fit this run's scenarios (damaged)";
    }
    free(data);
    if (bad != NULL) {
        mpsim_errors_add(errs, c->path, 0, 0, NULL,
                         "cannot resume from this checkpoint: %s; remove it to start afresh", bad);
        return MPSIM_ERR_INPUT;
    }
    if (status != MPSIM_OK)
        return status;
    if (!c->id.streamed)
        status = mps_ckpt_side_read(c->side_path, acc, n, c->side_paths, c->side_hash, errs);
    for (size_t k = 0; status == MPSIM_OK && k < n; k++)
        acc[k].paths = *done;
    return status;
}
