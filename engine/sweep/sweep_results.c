/*
 * The results of a sweep (sweep.h): allocation, filling from a loaded
 * sweep, the identity that ties journals and shards to one sweep, and the
 * small public accessors.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "results/provenance.h"
#include "sweep/sweep.h"

const char *const mps_headline_names[MPS_N_HEADLINE] = {
    "static_npv",     "static_bcr",           "expected_bcr",  "p_bcr_above_1",
    "p_npv_negative", "expected_shortfall_5", "bcr_undefined",
};
const char *const mps_headline_units[MPS_N_HEADLINE] = {
    "GBP million (real, base-year prices)", "1",     "1", "1", "1",
    "GBP million (real, base-year prices)", "paths",
};

static void free_strs(char **v, size_t n)
{
    if (v == NULL)
        return;
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void mpsim_sweep_results_free(mpsim_sweep_results *r)
{
    if (r == NULL)
        return;
    free(r->sweep_id);
    free(r->mpsim_version);
    free(r->created);
    free(r->command_line);
    mpsim_provenance *p = &r->provenance;
    free(p->git_revision);
    free(p->compiler);
    free(p->compiler_flags);
    free(p->gsl_version);
    free(p->hdf5_version);
    free(p->yaml_version);
    free(p->random123_version);
    free(r->name);
    free(r->description);
    free(r->method);
    free(r->base);
    free(r->input_text);
    free(r->base_input_text);
    free(r->base_resolved_text);
    free_strs(r->param_path, r->n_params);
    free(r->param_min);
    free(r->param_max);
    free(r->param_integer);
    free_strs(r->param_values, r->n_params);
    free(r->points);
    free_strs(r->point_text, r->point_text ? r->n_points * r->n_params : 0);
    free(r->values);
    free(r->status);
    free_strs(r->error, r->n_points);
    free(r->done);
    free(r);
}

mpsim_sweep_results *mps_sweep_results_alloc(size_t n_points, size_t n_params, int grid)
{
    mpsim_sweep_results *r = calloc(1, sizeof *r);
    if (r == NULL)
        return NULL;
    r->n_points = n_points;
    r->n_params = n_params;
    size_t np = n_params ? n_params : 1, nn = n_points ? n_points : 1;
    r->param_path = mps_calloc(np, sizeof *r->param_path);
    r->param_min = mps_calloc(np, sizeof *r->param_min);
    r->param_max = mps_calloc(np, sizeof *r->param_max);
    r->param_integer = mps_calloc(np, sizeof *r->param_integer);
    r->param_values = mps_calloc(np, sizeof *r->param_values);
    r->points = mps_calloc(nn * np, sizeof *r->points);
    r->values = mps_calloc(nn * MPS_SWEEP_N_VALUES, sizeof *r->values);
    r->status = mps_calloc(nn, sizeof *r->status);
    r->error = mps_calloc(nn, sizeof *r->error);
    r->done = mps_calloc(nn, sizeof *r->done);
    if (grid)
        r->point_text = mps_calloc(nn * np, sizeof *r->point_text);
    if (!r->param_path || !r->param_min || !r->param_max || !r->param_integer || !r->param_values ||
        !r->points || !r->values || !r->status || !r->error || !r->done ||
        (grid && !r->point_text)) {
        mpsim_sweep_results_free(r);
        return NULL;
    }
    for (size_t i = 0; i < n_points * MPS_SWEEP_N_VALUES; i++)
        r->values[i] = NAN;
    for (size_t p = 0; p < n_points; p++)
        r->status[p] = -1;
    return r;
}

int mps_sweep_in_shard(size_t p, uint32_t shard_index, uint32_t shard_count)
{
    if (shard_count == 0)
        return 1;
    return p % shard_count == (size_t)(shard_index - 1);
}

/* FNV-1a over len-prefixed fields, from two offsets, each finished by a
 * splitmix64 finaliser: 128 bits, enough to tell sweeps apart (this is an
 * identity check against mistakes, not a defence against forgery). */
typedef struct {
    uint64_t a, b;
} hash2;

static void hash_bytes(hash2 *h, const void *data, size_t len)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) {
        h->a = (h->a ^ p[i]) * UINT64_C(0x100000001b3);
        h->b = (h->b ^ p[i]) * UINT64_C(0x100000001b3);
    }
}

static void hash_field(hash2 *h, const void *data, size_t len)
{
    uint64_t n = len;
    hash_bytes(h, &n, sizeof n);
    hash_bytes(h, data, len);
}

static uint64_t fmix(uint64_t z)
{
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

char *mps_sweep_identity(const mpsim_sweep *s, uint64_t seed, uint64_t paths)
{
    hash2 h = {UINT64_C(0xcbf29ce484222325), UINT64_C(0x84222325cbf29ce4)};
    static const char tag[] = "mpsim-sweep/1";
    hash_field(&h, tag, sizeof tag - 1);
    hash_field(&h, MPSIM_VERSION_STRING, strlen(MPSIM_VERSION_STRING));
    hash_field(&h, s->text, s->len);
    hash_field(&h, s->base_resolved, strlen(s->base_resolved));
    hash_field(&h, &seed, sizeof seed);
    hash_field(&h, &paths, sizeof paths);
    return mps_asprintf("%016llx%016llx", (unsigned long long)fmix(h.a),
                        (unsigned long long)fmix(h.b));
}

/* The value of grid point p's parameter j as written ("0.02", "true", a
 * string without its quotes). */
static const char *grid_text(const mpsim_sweep *s, size_t p, size_t j)
{
    return s->params[j].values[s->grid_index[p * s->n_params + j]]->text;
}

mpsim_sweep_results *mps_sweep_results_new(const mpsim_sweep *s, uint64_t seed, uint64_t paths,
                                           uint32_t shard_index, uint32_t shard_count)
{
    int grid = s->method == MPS_DESIGN_GRID;
    mpsim_sweep_results *r = mps_sweep_results_alloc(s->n_points, s->n_params, grid);
    if (r == NULL)
        return NULL;
    int ok = 1;
    r->sweep_id = mps_sweep_identity(s, seed, paths);
    r->mpsim_version = mps_strdup(MPSIM_VERSION_STRING);
    r->seed = seed;
    r->paths = paths;
    r->shard_index = shard_index;
    r->shard_count = shard_count;
    r->name = mps_strdup(s->name);
    r->description = mps_strdup(s->description ? s->description : "");
    r->method = mps_strdup(mps_design_names[s->method]);
    r->base = mps_strdup(s->base_written);
    r->design_seed = s->method == MPS_DESIGN_LHS ? s->design_seed : 0;
    r->input_text = mps_strdup(s->text);
    r->base_input_text = mps_strdup(s->base_text);
    r->base_resolved_text = mps_strdup(s->base_resolved);
    ok = r->sweep_id && r->mpsim_version && r->name && r->description && r->method && r->base &&
         r->input_text && r->base_input_text && r->base_resolved_text &&
         mps_provenance_fill(&r->provenance) == MPSIM_OK;
    for (size_t j = 0; ok && j < s->n_params; j++) {
        const mps_sweep_param *p = &s->params[j];
        r->param_path[j] = mps_strdup(p->path);
        r->param_min[j] = grid ? NAN : p->min;
        r->param_max[j] = grid ? NAN : p->max;
        r->param_integer[j] = p->integer;
        r->param_values[j] = mps_strdup(grid ? p->values_text : "");
        ok = r->param_path[j] && r->param_values[j];
    }
    memcpy(r->points, s->points, s->n_points * s->n_params * sizeof *r->points);
    for (size_t p = 0; ok && p < s->n_points; p++) {
        r->error[p] = mps_strdup("");
        ok = r->error[p] != NULL;
        for (size_t j = 0; ok && grid && j < s->n_params; j++)
            ok = (r->point_text[p * s->n_params + j] = mps_strdup(grid_text(s, p, j))) != NULL;
    }
    if (!ok) {
        mpsim_sweep_results_free(r);
        return NULL;
    }
    return r;
}

void mpsim_sweep_results_counts(const mpsim_sweep_results *r, size_t *points, size_t *done,
                                size_t *failed)
{
    size_t d = 0, f = 0;
    for (size_t p = 0; r && p < r->n_points; p++) {
        d += r->done[p] != 0;
        f += r->done[p] && r->status[p] == 1;
    }
    if (points)
        *points = r ? r->n_points : 0;
    if (done)
        *done = d;
    if (failed)
        *failed = f;
}

int mpsim_sweep_results_stamp(mpsim_sweep_results *r, int argc, char *const *argv)
{
    if (r == NULL)
        return MPSIM_ERR_FAIL;
    /* The run results' stamp, borrowed: one format for both kinds of file. */
    mpsim_results tmp;
    memset(&tmp, 0, sizeof tmp);
    int rc = mpsim_results_stamp(&tmp, argc, argv);
    if (rc != MPSIM_OK)
        return rc;
    free(r->created);
    free(r->command_line);
    r->created = tmp.created;
    r->command_line = tmp.command_line;
    return MPSIM_OK;
}

int mpsim_sweep_is_writer(void)
{
    /* The serial build has one process, which writes; under MPI, rank 0
     * (and nowhere else in the sweep code is this decided). */
    return mpsim_parallel_rank() == 0;
}

int mps_sweep_agree(int local)
{
    /* One process: its own view.  Under MPI the largest value over
     * ranks, so that every rank takes the same branch: a signal that
     * reached one rank, or a journal write that failed on the writer,
     * stops them all before the next point. */
    return mpsim_parallel_max(local);
}
