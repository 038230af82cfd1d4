#!/usr/bin/env bash
# Builds mpsim and runs the default test tier three times: a normal build
# in build/, the MPI build in build/mpi (whose MPI tests compare mpirun's
# results with build/'s), then an AddressSanitizer +
# UndefinedBehaviorSanitizer build in build/asan.  Exits non-zero if any
# fails; the last line sums all three.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

./scripts/setup.sh
jobs="$(nproc 2>/dev/null || echo 2)"
passed=0
failed=0
status=0

# Runs the `default` tests of one build directory and adds its counts.
run_tier() {
  local dir="$1" log rc=0
  log="$(mktemp)"
  ctest --test-dir "$dir" -L default --output-on-failure -j2 2>&1 | tee "$log" || rc=$?
  # ctest's summary: "100% tests passed, 0 tests failed out of 12"
  local line total nfail
  line="$(grep -E 'tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -n 1 || true)"
  if [ -n "$line" ]; then
    nfail="$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/' <<<"$line")"
    total="$(sed -E 's/.* failed out of ([0-9]+).*/\1/' <<<"$line")"
    passed=$((passed + total - nfail))
    failed=$((failed + nfail))
  elif [ "$rc" -ne 0 ]; then
    failed=$((failed + 1)) # ctest itself failed (e.g. no tests found)
  fi
  rm -f "$log"
  [ "$rc" -eq 0 ] || status=1
}

echo "== normal build (build/)"
if cmake -S . -B build >/dev/null &&
   cmake --build build -j "$jobs"; then
  run_tier build
else
  echo "test.sh: the normal build failed" >&2
  failed=$((failed + 1)); status=1
fi

echo "== MPI build (build/mpi: OpenMPI, parallel HDF5)"
# mpirun refuses root unless told (CI runs as root); the tests also pass
# --oversubscribe, as a small machine has fewer cores than ranks.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
if cmake -S . -B build/mpi -DMPSIM_MPI=ON -DMPSIM_SERIAL_BINARY="$PWD/build/mpsim" >/dev/null &&
   cmake --build build/mpi -j "$jobs"; then
  run_tier build/mpi
else
  echo "test.sh: the MPI build failed" >&2
  failed=$((failed + 1)); status=1
fi

echo "== sanitizer build (build/asan: ASan + UBSan)"
if cmake -S . -B build/asan -DCMAKE_BUILD_TYPE=Debug -DMPSIM_SANITIZE=ON >/dev/null &&
   cmake --build build/asan -j "$jobs"; then
  # Leak checks stay on; halt on the first UBSan report so it fails the test.
  export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}"
  export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
  run_tier build/asan
else
  echo "test.sh: the sanitizer build failed" >&2
  failed=$((failed + 1)); status=1
fi

echo "mpsim tests: ${passed} passed, ${failed} failed"
exit "$status"
