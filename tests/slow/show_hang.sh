#!/usr/bin/env bash
# `mpsim show` on a damaged file that sends libhdf5 into an endless loop
# (found by fuzzing: a corrupt global heap, tests/data/fuzz-regressions/
# hang-*): the child process that reads it is stopped after 30 s and the
# command exits 2 with a message, instead of hanging.  Slow tier: it waits
# out the 30 s on purpose.
source "$(dirname "${BASH_SOURCE[0]}")/../cli/lib/common.bash"

shopt -s nullglob
n=0
for f in "$SRC"/tests/data/fuzz-regressions/hang-*; do
  start=$(date +%s)
  mpsim show "$f"
  took=$(($(date +%s) - start))
  expect_rc 2 "show $(basename "$f")"
  expect_contains "$ERR" "did not finish reading it within 30 seconds" "show $(basename "$f"): says why"
  expect_empty "$OUT" "show $(basename "$f") (stdout)"
  CHECKS=$((CHECKS + 1))
  [ "$took" -le 60 ] || fail "show $(basename "$f") took $took s"
  # The child must not outlive the command.
  CHECKS=$((CHECKS + 1))
  sleep 1
  if pgrep -f "mpsim show $f" >/dev/null 2>&1; then
    fail "show $(basename "$f"): a reader process is still running"
  fi
  n=$((n + 1))
done
CHECKS=$((CHECKS + 1))
[ "$n" -ge 1 ] || fail "no hang-* regression files found"
finish
