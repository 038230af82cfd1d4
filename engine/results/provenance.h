/*
 * Provenance recorded in every results file: what built this mpsim and with
 * which libraries, so a result can be traced to the code that made it.
 */
#ifndef MPS_RESULTS_PROVENANCE_H
#define MPS_RESULTS_PROVENANCE_H

#include "mpsim.h"

/** Fills p with the git revision, compiler and flags (from the generated
 *  build_info.h) and the GSL, HDF5, libyaml and Random123 versions (and the
 *  MPI library's in the MPI build, NULL otherwise),
 *  replacing (and freeing) any strings p already holds.  Returns MPSIM_OK,
 *  or MPSIM_ERR_FAIL when out of memory (p is then partly filled; free it
 *  with the results). */
int mps_provenance_fill(mpsim_provenance *p);

/** The HDF5 library's version as "1.10.8" (malloc'd; NULL when out of
 *  memory).  Defined in h5io.c, so that only the results I/O layer calls
 *  H5* and this file need not include hdf5.h. */
char *mps_h5_library_version(void);

#endif
