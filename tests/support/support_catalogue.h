/*
 * The bad-input catalogues: every .yaml file of a directory must be refused
 * with MPSIM_ERR_INPUT and an error that names the file and matches the
 * expectation written on the file's first line:
 *
 *   # expect: <key path or -> | <line or -> | <message substring>
 *
 * "-" as key path means the error is about the whole file (empty key path);
 * "-" as line means any line.  A zero-byte file cannot carry a comment and
 * expects "- | - | file is empty".
 */
#ifndef MPS_SUPPORT_CATALOGUE_H
#define MPS_SUPPORT_CATALOGUE_H

#include <stddef.h>

#include "mpsim.h"

/** Loads the file at path, appending its errors to errs, and frees
 *  whatever it loaded; returns the loader's status. */
typedef int (*mps_test_loader)(const char *path, mpsim_errors *errs);

/** Checks every *.yaml file of dir, in name order, against its
 *  expectation; fails the test on the first that does not match, or when
 *  the directory holds fewer than at_least files (the catalogue is meant
 *  to stay broad).  all_name_file: every error, not only the expected one,
 *  must name the file. */
void mps_test_bad_catalogue(const char *dir, size_t at_least, mps_test_loader load,
                            int all_name_file);

#endif
