/*
 * The command line's memory limit: `--max-memory SIZE`, and the default
 * when it is not given, a safe share of what this process can really have.
 *
 * The default matters more than the option: without it a run of a billion
 * paths is accepted, allocates lazily, and is killed by the kernel's OOM
 * killer hours later with no message (or, on a shared node, takes a
 * neighbour's job with it).
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cli/cli.h"

/* The share of the available memory a run may plan to use by default: the
 * estimate is an estimate, and the system, HDF5's buffers and other
 * processes need the rest. */
#define MPS_DEFAULT_MEMORY_SHARE 0.75

int mps_cli_parse_size(const char *s, uint64_t *out)
{
    if (s == NULL || !isdigit((unsigned char)s[0]))
        return -1;
    /* Whole part and optional fraction, digits only: no sign, exponent,
     * hex or spaces (strtod would accept all of those). */
    const char *c = s;
    long double v = 0.0L;
    for (; isdigit((unsigned char)*c); c++) {
        v = v * 10.0L + (long double)(*c - '0');
        if (v > 1e30L)
            return -1;
    }
    int has_fraction = 0;
    if (*c == '.') {
        c++;
        if (!isdigit((unsigned char)*c))
            return -1;
        long double scale = 0.1L;
        for (; isdigit((unsigned char)*c); c++, scale /= 10.0L)
            v += scale * (long double)(*c - '0');
        has_fraction = 1;
    }
    /* Binary multiples, as free(1) and the kernel use: 1K = 1024 bytes. */
    long double mult = 1.0L;
    switch (toupper((unsigned char)*c)) {
    case 'K': mult = 1024.0L; c++; break;
    case 'M': mult = 1024.0L * 1024.0L; c++; break;
    case 'G': mult = 1024.0L * 1024.0L * 1024.0L; c++; break;
    case 'T': mult = 1024.0L * 1024.0L * 1024.0L * 1024.0L; c++; break;
    default: break;
    }
    if (mult > 1.0L && (strcmp(c, "iB") == 0 || strcmp(c, "B") == 0 || strcmp(c, "b") == 0))
        c += strlen(c);
    else if (mult == 1.0L && (strcmp(c, "B") == 0 || strcmp(c, "b") == 0))
        c++;
    if (*c != '\0')
        return -1;
    /* A fraction of a byte is not a size. */
    if (has_fraction && mult == 1.0L)
        return -1;
    long double bytes = floorl(v * mult);
    if (!(bytes < 18446744073709551616.0L))
        return -1;
    if (bytes < 1.0L && v != 0.0L)
        return -1;
    *out = (uint64_t)bytes;
    return 0;
}

/* Reads one number from a cgroup limit file; 0 when absent, unlimited
 * ("max") or unreadable. */
static uint64_t read_limit_file(const char *path)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return 0;
    char buf[64];
    uint64_t v = 0;
    if (fgets(buf, sizeof buf, f) != NULL && isdigit((unsigned char)buf[0])) {
        char *end;
        unsigned long long x = strtoull(buf, &end, 10);
        v = (uint64_t)x;
    }
    fclose(f);
    return v;
}

static uint64_t min_nonzero(uint64_t a, uint64_t b)
{
    if (a == 0)
        return b;
    if (b == 0)
        return a;
    return a < b ? a : b;
}

/* The memory limit of this process's control group, 0 when none: cgroup v2
 * (memory.max of our own group, from /proc/self/cgroup, and of the root
 * that a container sees), else cgroup v1 (memory.limit_in_bytes, which
 * reads as a huge number when unlimited; the caller's min() handles that). */
static uint64_t cgroup_limit(void)
{
    uint64_t lim = read_limit_file("/sys/fs/cgroup/memory.max");
    FILE *f = fopen("/proc/self/cgroup", "r");
    if (f != NULL) {
        char line[4096];
        while (fgets(line, sizeof line, f) != NULL) {
            if (strncmp(line, "0::/", 4) != 0)
                continue;
            line[strcspn(line, "\n")] = '\0';
            char path[4200];
            snprintf(path, sizeof path, "/sys/fs/cgroup%s/memory.max", line + 3);
            lim = min_nonzero(lim, read_limit_file(path));
        }
        fclose(f);
    }
    lim = min_nonzero(lim, read_limit_file("/sys/fs/cgroup/memory/memory.limit_in_bytes"));
    return lim;
}

uint64_t mps_cli_default_memory_limit(void)
{
    uint64_t avail = 0;
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    if (pages > 0 && page > 0)
        avail = (uint64_t)pages * (uint64_t)page;
    avail = min_nonzero(avail, cgroup_limit());
    struct rlimit rl;
    if (getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
        avail = min_nonzero(avail, (uint64_t)rl.rlim_cur);
    /* Nothing known: no limit rather than a made-up one. */
    return (uint64_t)((double)avail * MPS_DEFAULT_MEMORY_SHARE);
}
