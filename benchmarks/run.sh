#!/usr/bin/env bash
# The benchmark harness: builds a Release binary and the null model in
# build/bench, measures, prints a table beside the targets, and writes
# benchmarks/results/<date>-<host>[-quick].json.  See benchmarks/README.md.
#
#   benchmarks/run.sh [--quick] [--only throughput,nullmodel,...] [--reps N]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec python3 "$here/harness.py" "$@"
