#!/usr/bin/env bash
# Builds mpsim (Release) and runs the policy batch of the demonstration
# portfolio (scenarios/policy/, docs/policy-scenarios.md), or whatever
# `mpsim run` arguments are given: ./scripts/demo.sh --paths 20000
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

./scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j "$(nproc 2>/dev/null || echo 2)" >/dev/null
exec ./build/mpsim run "$@"
