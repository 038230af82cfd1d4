#!/usr/bin/env bash
# Builds the libFuzzer harnesses (clang, ASan + UBSan, in build/fuzz) and
# runs each for SECONDS (default 300): first the scenario loader, then the
# results reader.  The corpora grow in build/fuzz/tests/fuzz/work/ and are
# kept between runs; crashes, leaks and timeouts are saved there under
# artifacts/.  Prints executions and findings per harness (in libhdf5, or
# in mpsim); exits non-zero if either found anything in mpsim, 77 if clang
# is missing.
#
#   scripts/fuzz.sh            # 5 minutes each
#   scripts/fuzz.sh 1800       # half an hour each
#   JOBS=2 scripts/fuzz.sh     # two fuzzing processes per harness
#   BUILD_DIR=/tmp/fuzz scripts/fuzz.sh   # build somewhere other than build/fuzz
#
# A finding: reproduce with `build/fuzz/tests/fuzz/fuzz_scenario FILE` (or
# fuzz_results), fix, then keep FILE under tests/data/fuzz-regressions/
# (scenario-* or results-*): the default tests load each one.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

seconds="${1:-300}"
case "$seconds" in
  '' | *[!0-9]*) echo "usage: scripts/fuzz.sh [SECONDS]" >&2; exit 2 ;;
esac

if ! command -v clang >/dev/null 2>&1; then
  echo "fuzz.sh: needs clang (libFuzzer); skipped" >&2
  exit 77
fi
build="${BUILD_DIR:-build/fuzz}"
cmake -S . -B "$build" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DMPSIM_FUZZ=ON -DMPSIM_TESTS=OFF >/dev/null
cmake --build "$build" -j "$(nproc 2>/dev/null || echo 2)" --target fuzz_scenario fuzz_results mpsim

here="$build/tests/fuzz"
work="$here/work"
mkdir -p "$work/seeds-results"
# Fresh results files from this build, so the reader's seeds follow the
# current format: one scenario, a batch (comparisons), kept paths.
seed="tests/fuzz/seeds/scenario/tiny.yaml"
sed 's/^name: tiny$/name: tiny-b/' "$seed" >"$work/seeds-results/tiny-b.yaml"
"$build/mpsim" run "$seed" --paths 20 --quiet -o "$work/seeds-results/one.h5" >/dev/null
"$build/mpsim" run "$seed" "$work/seeds-results/tiny-b.yaml" --paths 20 --quiet \
    -o "$work/seeds-results/batch.h5" >/dev/null
"$build/mpsim" run "$seed" --paths 30 --keep-paths --quiet \
    -o "$work/seeds-results/kept.h5" >/dev/null
rm -f "$work/seeds-results/tiny-b.yaml"

# Each harness in fork mode; tests/fuzz/run_harness.sh replays every
# finding and fails only for those outside libhdf5.
status=0
bash tests/fuzz/run_harness.sh "$here/fuzz_scenario" "$seconds" "$work" \
    -dict=tests/fuzz/scenario.dict scenarios tests/data/bad tests/data/reliability \
    tests/data/extreme tests/data/fuzz-regressions tests/fuzz/seeds/scenario || status=1
bash tests/fuzz/run_harness.sh "$here/fuzz_results" "$seconds" "$work" \
    tests/fuzz/seeds/results "$work/seeds-results" || status=1
echo "fuzz.sh: findings are in $work/artifacts/"
exit "$status"
