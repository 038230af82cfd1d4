#!/usr/bin/env bash
# Data-race check of the OpenMP driver (engine/run/): builds mpsim with clang
# and ThreadSanitizer against LLVM's OpenMP runtime (build/tsan), loads
# Archer (LLVM's OpenMP tool that tells ThreadSanitizer about OpenMP's
# synchronisation, from Debian's libomp-14-dev) and runs the run-driver
# tests and multi-threaded command-line runs.  Any race report fails it.
#
#   scripts/race-check.sh                      # builds in build/tsan
#   BUILD_DIR=/tmp/tsan scripts/race-check.sh  # elsewhere
#
# Exit 77 when clang or Archer is missing (nothing was checked).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

archer="${ARCHER:-}"
if [ -z "$archer" ]; then
  for f in /usr/lib/llvm-*/lib/libarcher.so; do
    [ -e "$f" ] && archer="$f"
  done
fi
if ! command -v clang >/dev/null 2>&1 || [ -z "$archer" ] || [ ! -e "$archer" ]; then
  echo "race-check.sh: needs clang and Archer (Debian: libomp-14-dev); skipped" >&2
  exit 77
fi

build="${BUILD_DIR:-build/tsan}"
cmake -S . -B "$build" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DCMAKE_C_FLAGS="-fsanitize=thread -fno-omit-frame-pointer" \
      -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=thread" >/dev/null || exit 1
cmake --build "$build" -j "$(nproc 2>/dev/null || echo 2)" --target mpsim test_run || exit 1

export OMP_TOOL_LIBRARIES="$archer"
# OpenMP says on stderr whether it started the tool: checked below.
export OMP_TOOL_VERBOSE_INIT=stderr
# Report every race, fail with a distinctive status; libraries that are not
# instrumented (GSL, HDF5, libyaml) are not ours to check.
export TSAN_OPTIONS="${TSAN_OPTIONS:-exitcode=66 ignore_noninstrumented_modules=1 report_signal_unsafe=0}"

work="$(mktemp -d "${TMPDIR:-/tmp}/mpsim-race.XXXXXX")"
trap 'rm -rf "$work"' EXIT
status=0
checks=0

# check WHAT COMMAND...: runs it, fails on a race report or a bad status.
check() {
  local what="$1"
  shift
  checks=$((checks + 1))
  "$@" >"$work/out" 2>"$work/err"
  local rc=$?
  if grep -q "WARNING: ThreadSanitizer" "$work/err" || [ "$rc" -ne 0 ]; then
    echo "race-check.sh: FAIL: $what (status $rc)" >&2
    grep -A30 "WARNING: ThreadSanitizer" "$work/err" | head -n 60 >&2 || tail -n 20 "$work/err" >&2
    status=1
  else
    echo "race-check.sh: $what: no race reported"
  fi
  if ! grep -q "Tool was started" "$work/err"; then
    echo "race-check.sh: FAIL: $what: Archer did not start ($archer)" >&2
    status=1
  fi
}

# The canary: a deliberate race must be reported, or the checks below
# prove nothing.
clang -fopenmp -fsanitize=thread -g -O1 tests/slow/race_canary.c -o "$work/canary" || exit 1
"$work/canary" >/dev/null 2>"$work/err"
if grep -q "WARNING: ThreadSanitizer: data race" "$work/err"; then
  echo "race-check.sh: the deliberate race in tests/slow/race_canary.c is reported (good)"
else
  echo "race-check.sh: FAIL: the deliberate race was not reported: the checker is blind" >&2
  exit 1
fi

SMALL=tests/data/reliability/small.yaml
sed 's/^name: small$/name: small-b/' "$SMALL" >"$work/small-b.yaml"
for t in 2 4 8; do
  check "mpsim run, $t threads" "$build/mpsim" run "$SMALL" --paths 20000 --threads "$t" \
      --keep-paths --quiet -o "$work/t$t.h5"
done
check "mpsim run, a batch on 4 threads" "$build/mpsim" run "$SMALL" "$work/small-b.yaml" \
    --paths 20000 --threads 4 --quiet -o "$work/batch.h5"
check "test_run (thread invariance, cancellation, batches)" "$build/tests/test_run"
[ "$status" -eq 0 ] && echo "race-check.sh: $checks checks, no data race reported"
exit "$status"
