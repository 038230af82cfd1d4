/*
 * mpsim-nullmodel: the engine's distance to the random-number limit.
 *
 *   mpsim-nullmodel PORTFOLIO.yaml [--paths N] [--chunk C] [--seed S] [--recorder PATH]
 *
 * Starts the recorder (mpsim-nullmodel-record, by default from this
 * program's own folder) on the same arguments, asks it for the draw log one
 * chunk at a time (draw_log.h; recording and reading are not timed, and
 * the recorder waits while the timer times, so the two never compete for
 * the cores), and for each chunk times
 *   - the null model: mps_draw_replay of the chunk's draws, i.e. the same
 *     seats, samples and direct uniforms the engine made, and nothing else;
 *   - the engine: mps_path_run on the same paths with the same seed,
 * in alternating order (so neither always runs with a warm cache), after
 * one untimed warm-up of the first chunk.  The replay's sum of values must
 * equal the recorder's, bit for bit, or the program fails.
 *
 * Prints one JSON object on stdout: the draws per path by kind, the times
 * (thread CPU time, which on a shared machine leaves out time when another
 * tenant had the core, and wall time) and the ratios engine / null, over
 * all chunks and as the median of the chunks' ratios.  This program links
 * the ordinary engine library, so nothing intercepts the calls it times.
 */
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"
#include "draw_log.h"
#include "random/stream.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, size_t n)
{
    if (n == 0)
        return NAN;
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

typedef struct {
    double wall, cpu;
} span;

static span timed_replay(const mps_draw_chunk *h, const mps_draw *d, gsl_rng *r, int *ok)
{
    span s;
    double w0 = mps_bench_wall(), c0 = mps_bench_cpu();
    double sum = mps_draw_replay(d, (size_t)h->n_draws, r);
    s.cpu = mps_bench_cpu() - c0;
    s.wall = mps_bench_wall() - w0;
    /* Compared bit for bit: same calls in the same order give the same sum. */
    if (memcmp(&sum, &h->checksum, sizeof sum) != 0)
        *ok = 0;
    return s;
}

static span timed_engine(const mps_draw_chunk *h, const mps_bench_model *b, double *sink)
{
    span s;
    double w0 = mps_bench_wall(), c0 = mps_bench_cpu();
    for (uint64_t p = h->first_path; p < h->first_path + h->n_paths; p++)
        *sink += mps_path_run(b->m, h->seed, p, b->w)->metrics[MPSIM_M_NPV];
    s.cpu = mps_bench_cpu() - c0;
    s.wall = mps_bench_wall() - w0;
    return s;
}

/* The recorder, started with pipes to its stdin (requests) and from its
 * stdout (the log). */
typedef struct {
    pid_t pid;
    int request; /* write end: one byte asks for the next chunk */
    FILE *log;   /* read end */
} recorder;

static int recorder_start(recorder *rec, const char *path, char **args)
{
    int to[2], from[2];
    if (pipe(to) != 0)
        return -1;
    if (pipe(from) != 0) {
        close(to[0]);
        close(to[1]);
        return -1;
    }
    rec->pid = fork();
    if (rec->pid < 0)
        return -1;
    if (rec->pid == 0) {
        dup2(to[0], STDIN_FILENO);
        dup2(from[1], STDOUT_FILENO);
        close(to[0]);
        close(to[1]);
        close(from[0]);
        close(from[1]);
        execvp(path, args);
        fprintf(stderr, "mpsim-nullmodel: cannot start %s\n", path);
        _exit(127);
    }
    close(to[0]);
    close(from[1]);
    rec->request = to[1];
    rec->log = fdopen(from[0], "rb");
    return rec->log ? 0 : -1;
}

/* Closes the pipes and waits; 0 when the recorder succeeded. */
static int recorder_finish(recorder *rec)
{
    close(rec->request);
    fclose(rec->log);
    int status = 0;
    if (waitpid(rec->pid, &status, 0) < 0)
        return -1;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static int usage(void)
{
    fprintf(stderr, "usage: mpsim-nullmodel PORTFOLIO.yaml [--paths N] [--chunk C] [--seed S] "
                    "[--recorder PATH]\n");
    return 2;
}

int main(int argc, char **argv)
{
    /* The recorder's arguments: ours, less --recorder, plus --handshake. */
    const char *file = NULL, *rec_path = NULL;
    char **rargs = calloc((size_t)argc + 2, sizeof *rargs);
    int nr = 1;
    if (!rargs)
        return 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--recorder") && i + 1 < argc) {
            rec_path = argv[++i];
        } else if ((!strcmp(a, "--paths") || !strcmp(a, "--chunk") || !strcmp(a, "--seed")) &&
                   i + 1 < argc) {
            rargs[nr++] = argv[i];
            rargs[nr++] = argv[++i];
        } else if (a[0] != '-' && !file) {
            file = a;
            rargs[nr++] = argv[i];
        } else {
            return usage();
        }
    }
    if (!file)
        return usage();
    rargs[nr++] = (char *)"--handshake";
    /* By default the recorder from this program's folder. */
    char *own = NULL;
    if (!rec_path) {
        const char *slash = strrchr(argv[0], '/');
        size_t dir = slash ? (size_t)(slash - argv[0]) + 1 : 0;
        own = malloc(dir + sizeof "mpsim-nullmodel-record");
        if (!own)
            return 1;
        memcpy(own, argv[0], dir);
        strcpy(own + dir, "mpsim-nullmodel-record");
        rec_path = own;
    }
    rargs[0] = (char *)rec_path;

    mps_bench_model b;
    if (mps_bench_model_open(&b, file, "mpsim-nullmodel") != 0)
        return 1;
    gsl_rng *r = gsl_rng_alloc(mps_rng_philox);
    if (!r)
        return 1;
    /* A request written after the recorder's last chunk finds it gone. */
    signal(SIGPIPE, SIG_IGN);
    recorder rec;
    if (recorder_start(&rec, rec_path, rargs) != 0) {
        fprintf(stderr, "mpsim-nullmodel: cannot start the recorder %s\n", rec_path);
        return 1;
    }

    mps_draw *d = NULL;
    size_t cap = 0, n_chunks = 0, ratio_cap = 0;
    double *ratios = NULL;
    uint64_t paths = 0, draws = 0, seats = 0, by_kind[6] = {0};
    span eng = {0, 0}, nul = {0, 0};
    double record_s = 0.0, sink = 0.0;
    int ok = 1, rc;
    mps_draw_chunk h;
    for (;;) {
        /* Asks for the next chunk.  After the last one the recorder has
         * gone (EPIPE, ignored) and its end marker is already in the pipe. */
        ssize_t asked = write(rec.request, "c", 1);
        (void)asked;
        if ((rc = mps_draw_chunk_read(rec.log, &h, &d, &cap)) != 1)
            break;
        if (n_chunks == 0) { /* warm-up: caches, page faults, branch history */
            timed_replay(&h, d, r, &ok);
            timed_engine(&h, &b, &sink);
        }
        span e, z;
        if (n_chunks % 2 == 0) {
            z = timed_replay(&h, d, r, &ok);
            e = timed_engine(&h, &b, &sink);
        } else {
            e = timed_engine(&h, &b, &sink);
            z = timed_replay(&h, d, r, &ok);
        }
        if (!ok) {
            fprintf(stderr, "mpsim-nullmodel: the replay of the chunk from path %llu did not "
                            "reproduce the recorded draws (different build?)\n",
                    (unsigned long long)h.first_path);
            return 1;
        }
        eng.cpu += e.cpu, eng.wall += e.wall;
        nul.cpu += z.cpu, nul.wall += z.wall;
        if (n_chunks == ratio_cap) {
            ratio_cap = ratio_cap ? 2 * ratio_cap : 64;
            double *grown = realloc(ratios, ratio_cap * sizeof *grown);
            if (!grown)
                return 1;
            ratios = grown;
        }
        ratios[n_chunks++] = z.cpu > 0 ? e.cpu / z.cpu : NAN;
        paths += h.n_paths;
        draws += h.n_draws;
        seats += h.n_seats;
        record_s += h.record_s;
        for (uint64_t i = 0; i < h.n_draws; i++)
            by_kind[d[i].kind < 6 ? d[i].kind : 0]++;
    }
    if (recorder_finish(&rec) != 0 || rc != 0 || paths == 0) {
        fprintf(stderr, "mpsim-nullmodel: the recorder failed (%s)\n",
                paths == 0 ? "no draws" : "broken log");
        return 1;
    }
    double np = (double)paths;
    printf("{\"portfolio\": \"%s\", \"paths\": %llu, \"chunks\": %zu,\n", mpsim_scenario_name(b.s),
           (unsigned long long)paths, n_chunks);
    printf(" \"draws_per_path\": %.2f, \"seats_per_path\": %.2f, \"samples_per_path\": %.2f,"
           " \"uniform_at_per_path\": %.2f, \"poisson_per_path\": %.2f,"
           " \"ugaussian_per_path\": %.2f,\n",
           (double)(draws - seats) / np, (double)seats / np,
           (double)by_kind[MPS_DRAW_SAMPLE] / np, (double)by_kind[MPS_DRAW_UNIFORM_AT] / np,
           (double)by_kind[MPS_DRAW_POISSON] / np, (double)by_kind[MPS_DRAW_UGAUSSIAN] / np);
    printf(" \"engine_cpu_s\": %.6f, \"null_cpu_s\": %.6f, \"engine_wall_s\": %.6f,"
           " \"null_wall_s\": %.6f,\n",
           eng.cpu, nul.cpu, eng.wall, nul.wall);
    printf(" \"engine_us_per_path\": %.3f, \"null_us_per_path\": %.3f, \"ns_per_draw\": %.2f,\n",
           1e6 * eng.cpu / np, 1e6 * nul.cpu / np,
           draws > seats ? 1e9 * nul.cpu / (double)(draws - seats) : 0.0);
    printf(" \"ratio_cpu\": %.4f, \"ratio_wall\": %.4f, \"ratio_cpu_median_chunk\": %.4f,"
           " \"record_s\": %.3f, \"sink\": %.6g}\n",
           eng.cpu / nul.cpu, eng.wall / nul.wall, median(ratios, n_chunks), record_s, sink);
    free(ratios);
    free(rargs);
    free(own);
    free(d);
    gsl_rng_free(r);
    mps_bench_model_close(&b);
    return 0;
}
