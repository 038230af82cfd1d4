/*
 * The file operations behind checkpoints (checkpoint.h), kept apart from
 * the layout of the state so each reads in one sitting.
 */
#ifndef MPS_RUN_CHECKPOINT_IO_H
#define MPS_RUN_CHECKPOINT_IO_H

#include <stddef.h>
#include <stdint.h>

#include "mpsim.h"
#include "run/accumulate.h"

/** The starting value of mps_ckpt_hash (FNV-1a's offset basis). */
#define MPS_CKPT_HASH_INIT UINT64_C(14695981039346656037)

/** Continues the hash h over len bytes of data. */
uint64_t mps_ckpt_hash(uint64_t h, const void *data, size_t len);

/** Writes data to tmp, fsyncs it, renames it to path and fsyncs the
 *  directory.  On failure tmp is removed, path untouched, and
 *  MPSIM_ERR_FAIL returned with a message. */
int mps_ckpt_write_atomic(const char *path, const char *tmp, const void *data, size_t len,
                          mpsim_errors *errs);

/** Appends the metrics of paths [from, to) of acc[0..n-1] to the side file
 *  after cutting it to `from` paths, fsyncs it, and continues *hash over
 *  the bytes appended.  MPSIM_ERR_FAIL with a message on an I/O error. */
int mps_ckpt_side_append(const char *side, const mps_accum *acc, size_t n, uint64_t from,
                         uint64_t to, uint64_t *hash, mpsim_errors *errs);

/** Reads the first `paths` paths of the side file into acc[0..n-1]'s
 *  metric arrays, checking their hash.  MPSIM_ERR_INPUT (with a message)
 *  when it is missing, short or does not match. */
int mps_ckpt_side_read(const char *side, mps_accum *acc, size_t n, uint64_t paths,
                       uint64_t want_hash, mpsim_errors *errs);

/** Reads a whole file into a new buffer.  MPSIM_ERR_INPUT with a message
 *  when it is missing or unreadable. */
int mps_ckpt_read_file(const char *path, unsigned char **data, size_t *len, mpsim_errors *errs);

#endif
