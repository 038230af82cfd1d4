/*
 * Provenance recorded with every results file: code revision, compiler and
 * library versions.
 */
#ifndef MPS_PROVENANCE_H
#define MPS_PROVENANCE_H

#include "mpsim.h"

/** Fills every field of p with newly allocated strings. */
int mps_provenance_fill(mpsim_provenance *p);

#endif
