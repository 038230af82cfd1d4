# Set-up shared by the MPI tests (sourced after common.bash).
#
# mpi_setup NAME: in a serial build (no mpi-tests.env beside the binary,
# written by CMakeLists.txt for the MPI build) prints that there is nothing
# to check and exits 0; otherwise sets SERIAL (the serial build's mpsim to
# compare with, which must exist) and MPIRUN (mpirun as CI needs it: run
# as root, more ranks than cores), and checks that h5dump is there.
mpi_setup() {
  local name="$1" env_file
  env_file="$(dirname "$MPSIM")/mpi-tests.env"
  if [ ! -f "$env_file" ]; then
    echo "$name: a serial build (no $env_file): nothing to check"
    exit 0
  fi
  # shellcheck disable=SC1090
  source "$env_file"
  SERIAL="$MPSIM_SERIAL_BINARY"
  if [ ! -x "$SERIAL" ]; then
    echo "FAIL: the serial build's mpsim ($SERIAL) is missing: build it (scripts/test.sh builds" \
         "build/ before build/mpi) or configure with -DMPSIM_SERIAL_BINARY=..." >&2
    exit 1
  fi
  command -v h5dump >/dev/null 2>&1 || { echo "FAIL: h5dump (hdf5-tools) is needed" >&2; exit 1; }
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
  export OMPI_MCA_rmaps_base_oversubscribe=1
  MPIRUN=("${MPSIM_MPIEXEC:-mpirun}" --oversubscribe --bind-to none)
}
