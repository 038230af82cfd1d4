/*
 * Scenario source text: reading the file and the checks about the whole
 * file (size, NUL bytes, UTF-8), made before any YAML parsing.
 */
#ifndef MPS_SOURCE_H
#define MPS_SOURCE_H

#include <stddef.h>

#include "mpsim.h"

/** Largest scenario file accepted, bytes (16 MiB). */
#define MPS_SOURCE_MAX_BYTES ((size_t)16 * 1024 * 1024)

/** Reads the file at `path` whole into a new NUL-terminated buffer.
 *  Unreadable files, directories and files over the limit are
 *  MPSIM_ERR_INPUT with an error naming the file; MPSIM_ERR_FAIL when out
 *  of memory. */
int mps_source_read(const char *path, char **text, size_t *len, mpsim_errors *errs);

/** Refuses empty, oversized, binary (NUL bytes) and non-UTF-8 text with an
 *  error naming `file` (and the line and column of the first bad byte). */
int mps_source_check(const char *text, size_t len, const char *file, mpsim_errors *errs);

#endif
