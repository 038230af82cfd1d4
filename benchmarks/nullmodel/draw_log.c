/*
 * Replaying a draw log, and moving it through a pipe (draw_log.h).
 */
#include "draw_log.h"

#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "random/dist.h"
#include "random/stream.h"

static double bits_to_double(uint64_t b)
{
    double x;
    memcpy(&x, &b, sizeof x);
    return x;
}

double mps_draw_replay(const mps_draw *d, size_t n, gsl_rng *r)
{
    double sum = 0.0;
    for (size_t i = 0; i < n; i++) {
        const mps_draw *e = &d[i];
        switch ((mps_draw_kind)e->kind) {
        case MPS_DRAW_SEAT:
            mps_rng_seat(r, e->w[0], e->w[1], e->w[2]);
            break;
        case MPS_DRAW_SAMPLE: {
            mps_dist dist = {(mps_dist_kind)e->aux, bits_to_double(e->w[0]),
                             bits_to_double(e->w[1]), bits_to_double(e->w[2])};
            sum += mps_dist_sample(&dist, r);
            break;
        }
        case MPS_DRAW_UNIFORM_AT:
            sum += mps_uniform_at(e->w[0], e->w[1], e->w[2], e->aux);
            break;
        case MPS_DRAW_POISSON:
            sum += (double)gsl_ran_poisson(r, bits_to_double(e->w[0]));
            break;
        case MPS_DRAW_UGAUSSIAN:
            sum += gsl_ran_ugaussian(r);
            break;
        }
    }
    return sum;
}

uint64_t mps_draw_state_hash(const gsl_rng *r)
{
    const unsigned char *p = gsl_rng_state(r);
    size_t n = gsl_rng_size(r);
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= UINT64_C(0x100000001b3);
    }
    return h ? h : 1u;
}

int mps_draw_chunk_write(FILE *f, const mps_draw_chunk *h, const mps_draw *d)
{
    if (fwrite(h, sizeof *h, 1, f) != 1)
        return -1;
    if (h->n_draws > 0 && fwrite(d, sizeof *d, (size_t)h->n_draws, f) != (size_t)h->n_draws)
        return -1;
    return 0;
}

int mps_draw_chunk_read(FILE *f, mps_draw_chunk *h, mps_draw **d, size_t *cap)
{
    if (fread(h, sizeof *h, 1, f) != 1 || h->magic != MPS_DRAW_LOG_MAGIC)
        return -1;
    if (h->n_paths == 0)
        return 0;
    if (h->n_draws > *cap) {
        mps_draw *grown = realloc(*d, (size_t)h->n_draws * sizeof **d);
        if (!grown)
            return -1;
        *d = grown;
        *cap = (size_t)h->n_draws;
    }
    if (h->n_draws > 0 && fread(*d, sizeof **d, (size_t)h->n_draws, f) != (size_t)h->n_draws)
        return -1;
    return 1;
}
