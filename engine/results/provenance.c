/*
 * mps_provenance_fill (see provenance.h).  The HDF5 version comes from the
 * results I/O layer (h5io.c), which is the only code that calls H5*.
 */
#include <stdlib.h>

#include <gsl/gsl_version.h>
#include <yaml.h>

#include "build_info.h"
#include "core/util.h"
#include "results/provenance.h"
#include "run/comm.h"

/* Random123's headers carry no version macro.  The build may pass the
 * installed package's version as MPS_RANDOM123_VERSION; otherwise the
 * generator in use is named, which is what a reader needs most. */
#ifdef MPS_RANDOM123_VERSION
#define MPS_R123_STRING "Random123 " MPS_RANDOM123_VERSION " (philox4x32-10)"
#else
#define MPS_R123_STRING "Random123 (philox4x32-10)"
#endif

/* Replaces *slot with value (owned); returns 0, or -1 when value is NULL. */
static int set(char **slot, char *value)
{
    free(*slot);
    *slot = value;
    return value ? 0 : -1;
}

int mps_provenance_fill(mpsim_provenance *p)
{
    int bad = 0;
    bad |= set(&p->git_revision, mps_strdup(MPS_GIT_REVISION));
    bad |= set(&p->compiler, mps_strdup(MPS_COMPILER));
    bad |= set(&p->compiler_flags, mps_strdup(MPS_COMPILER_FLAGS));
    bad |= set(&p->gsl_version, mps_strdup(GSL_VERSION));
    bad |= set(&p->hdf5_version, mps_h5_library_version());
    bad |= set(&p->yaml_version, mps_strdup(yaml_get_version_string()));
    bad |= set(&p->random123_version, mps_strdup(MPS_R123_STRING));
    /* The MPI library only in the MPI build (comm_mpi.c; NULL otherwise). */
    free(p->mpi_version);
    p->mpi_version = mps_comm_library_version();
    return bad ? MPSIM_ERR_FAIL : MPSIM_OK;
}
