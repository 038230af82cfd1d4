/*
 * The progress bar on stderr: paths done of total, throughput and the time
 * left.  The run driver calls it from one thread; it redraws at most ten
 * times a second so a terminal never slows a run down.
 */
#include "cli/cli.h"

#define BAR_WIDTH 24
#define REDRAW_SECONDS 0.1

static double seconds_between(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) + 1e-9 * (double)(b->tv_nsec - a->tv_nsec);
}

/* "12.3k" style rate, so the line keeps its width. */
static void format_rate(char *buf, size_t size, double per_second)
{
    if (per_second >= 1e6)
        snprintf(buf, size, "%.1fM", per_second / 1e6);
    else if (per_second >= 1e3)
        snprintf(buf, size, "%.1fk", per_second / 1e3);
    else
        snprintf(buf, size, "%.0f", per_second);
}

/* "1:02:03", "2:03" or "3.4s". */
static void format_duration(char *buf, size_t size, double seconds)
{
    if (!(seconds >= 0) || seconds > 99.0 * 3600)
        seconds = 99.0 * 3600;
    if (seconds < 59.95) {
        snprintf(buf, size, "%.1fs", seconds);
        return;
    }
    long s = (long)(seconds + 0.5);
    if (s >= 3600)
        snprintf(buf, size, "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
    else
        snprintf(buf, size, "%ld:%02ld", s / 60, s % 60);
}

void mps_progress_init(mps_progress *p, FILE *out, int enabled)
{
    p->out = out;
    p->enabled = enabled;
    p->drawn = 0;
    p->done = 0;
    p->total = 0;
    clock_gettime(CLOCK_MONOTONIC, &p->start);
    p->last = p->start;
}

static void draw(mps_progress *p, const struct timespec *now)
{
    double elapsed = seconds_between(&p->start, now);
    double frac = p->total ? (double)p->done / (double)p->total : 0.0;
    double rate = elapsed > 0 ? (double)p->done / elapsed : 0.0;
    char bar[BAR_WIDTH + 1];
    int filled = (int)(frac * BAR_WIDTH);
    for (int i = 0; i < BAR_WIDTH; i++)
        bar[i] = i < filled ? '#' : '-';
    bar[BAR_WIDTH] = '\0';

    char rate_s[32], eta_s[32];
    format_rate(rate_s, sizeof rate_s, rate);
    if (rate > 0 && p->done > 0)
        format_duration(eta_s, sizeof eta_s, (double)(p->total - p->done) / rate);
    else
        snprintf(eta_s, sizeof eta_s, "?");
    /* \r returns to the start; \033[K clears what a longer line left. */
    fprintf(p->out, "\r[%s] %5.1f%%  %llu/%llu paths  %s paths/s  ETA %s\033[K", bar, 100.0 * frac,
            (unsigned long long)p->done, (unsigned long long)p->total, rate_s, eta_s);
    fflush(p->out);
    p->drawn = 1;
    p->last = *now;
}

void mps_progress_update(void *ctx, uint64_t paths_done, uint64_t paths_total)
{
    mps_progress *p = ctx;
    p->done = paths_done;
    p->total = paths_total;
    if (!p->enabled)
        return;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (p->drawn && seconds_between(&p->last, &now) < REDRAW_SECONDS && paths_done < paths_total)
        return;
    draw(p, &now);
}

void mps_progress_finish(mps_progress *p, int completed)
{
    if (!p->enabled || !p->drawn)
        return;
    if (!completed) {
        fputs("\r\033[K", p->out);
        fflush(p->out);
        p->drawn = 0;
        return;
    }
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double elapsed = seconds_between(&p->start, &now);
    char rate_s[32], time_s[32];
    format_rate(rate_s, sizeof rate_s, elapsed > 0 ? (double)p->done / elapsed : 0.0);
    format_duration(time_s, sizeof time_s, elapsed);
    fprintf(p->out, "\r%llu paths in %s (%s paths/s)\033[K\n", (unsigned long long)p->done, time_s,
            rate_s);
    fflush(p->out);
    p->drawn = 0;
}
