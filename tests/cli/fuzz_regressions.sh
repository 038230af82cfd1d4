#!/usr/bin/env bash
# Inputs that fuzzing (or damage tests) once found to crash, hang, leak or
# misbehave, kept in tests/data/fuzz-regressions/: scenario-* must load or
# be refused cleanly (validate and a short run: exit 0 or 2, never a crash),
# results-* must be refused by `show` (exit 2).  hang-* files are the slow
# tier's (tests/slow/show_hang.sh).  See tests/fuzz/README.md.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"

shopt -s nullglob
DIR="$SRC/tests/data/fuzz-regressions"
n=0

# expect_no_crash WHAT: exit 0 or 2, and nothing on stderr that says crash.
expect_no_crash() {
  CHECKS=$((CHECKS + 1))
  if [ "$RC" -ne 0 ] && [ "$RC" -ne 2 ]; then
    fail "$1: exit status $RC (expected 0 or 2)"
    show_last
  fi
  CHECKS=$((CHECKS + 1))
  if grep -q "AddressSanitizer\|runtime error\|HDF5-DIAG\|core dumped" "$ERR"; then
    fail "$1: sanitizer or library diagnostics on stderr"
    head -n 10 "$ERR" >&2
  fi
}

for f in "$DIR"/scenario-*; do
  clean_cwd
  mpsim validate "$f"
  expect_no_crash "validate $(basename "$f")"
  mpsim run "$f" --paths 100 --threads 2 --quiet -o out.h5
  expect_no_crash "run $(basename "$f")"
  n=$((n + 1))
done
for f in "$DIR"/results-*; do
  mpsim show "$f"
  expect_rc 2 "show $(basename "$f")"
  expect_no_crash "show $(basename "$f")"
  expect_empty "$OUT" "show $(basename "$f") (stdout)"
  n=$((n + 1))
done
CHECKS=$((CHECKS + 1))
[ "$n" -ge 1 ] || fail "no regression files in $DIR"
echo "fuzz_regressions.sh: $n regression inputs"
finish
