#!/usr/bin/env bash
# Installs the build and test dependencies of mpsim (Debian / Ubuntu), and
# only those that are missing, so rerunning it is quick and changes nothing.
set -euo pipefail

# libxlsxwriter-dev: `mpsim export --xlsx`; chromium: the report's browser
# test (tests/cli/report_browser.sh); the python3 modules: the tests that
# read results from Python and check the exports, and examples/read_results.py.
packages=(cmake gcc make pkg-config libgsl-dev libhdf5-dev librandom123-dev
          libyaml-dev libcmocka-dev hdf5-tools libxlsxwriter-dev chromium
          python3-h5py python3-xarray python3-netcdf4 python3-pandas python3-openpyxl)
# The MPI build (build/mpi, -DMPSIM_MPI=ON): OpenMPI and the OpenMPI flavour
# of HDF5, which Debian installs beside the serial one.
packages+=(libopenmpi-dev openmpi-bin libhdf5-openmpi-dev)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup.sh: missing packages: ${missing[*]}; install them (this script knows only apt-get)" >&2
  exit 1
fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    sudo_cmd=(sudo)
  else
    echo "setup.sh: missing packages: ${missing[*]}; run as root or install sudo" >&2
    exit 1
  fi
fi

echo "setup.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
"${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
