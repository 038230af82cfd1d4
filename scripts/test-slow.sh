#!/usr/bin/env bash
# Builds mpsim (Release) and runs the `slow` test tier: large runs that
# check Monte Carlo estimates tightly.  Takes minutes, not seconds.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

./scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j "$(nproc 2>/dev/null || echo 2)"
ctest --test-dir build -L slow --output-on-failure -j2
