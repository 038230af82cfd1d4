#!/usr/bin/env bash
# Builds mpsim (Release) and runs the `slow` test tier: large runs that
# check Monte Carlo estimates tightly, valgrind memcheck over whole runs,
# the OpenMP race check and short fuzzing runs.  Takes minutes, not seconds.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

./scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j "$(nproc 2>/dev/null || echo 2)"
status=0
ctest --test-dir build -L slow --output-on-failure -j2 || status=1

# Reliability checks that need builds of their own (docs/reliability.md):
# the OpenMP race check (clang + ThreadSanitizer + Archer) and a short run
# of each fuzzing harness (clang + libFuzzer).  Exit 77: tools missing.
for check in "scripts/race-check.sh" "scripts/fuzz.sh 30"; do
  echo "== $check"
  rc=0
  $check || rc=$?
  if [ "$rc" -eq 77 ]; then
    echo "test-slow.sh: $check skipped (tools missing)"
  elif [ "$rc" -ne 0 ]; then
    status=1
  fi
done
exit "$status"
