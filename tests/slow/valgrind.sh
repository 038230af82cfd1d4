#!/usr/bin/env bash
# Valgrind memcheck over whole command-line runs (the `slow` tier): no
# invalid access, no use of uninitialised memory, no leak (definite,
# indirect or possible) in a run with two threads and kept paths, a batch,
# show (good and damaged files), static, validate of every bad input, a
# run refused by its memory limit, and a run whose results cannot be
# written.  Suppressions: tests/valgrind.supp, each one justified there.
#
#   bash tests/slow/valgrind.sh build/mpsim .
#
# Exit 77 (ctest: skipped) when valgrind is not installed.
source "$(dirname "${BASH_SOURCE[0]}")/../cli/lib/common.bash"

if ! command -v valgrind >/dev/null 2>&1; then
  echo "valgrind.sh: valgrind is not installed; skipped"
  exit 77
fi
SMALL="$SRC/tests/data/reliability/small.yaml"
SUPP="$SRC/tests/valgrind.supp"
VG=(valgrind --error-exitcode=99 --leak-check=full
    --errors-for-leak-kinds=definite,indirect,possible
    --show-leak-kinds=definite,indirect,possible --track-origins=yes
    --child-silent-after-fork=yes --suppressions="$SUPP")

# vg WANT WHAT ARGS...: mpsim under memcheck; the status must be WANT
# (99 means memcheck found something).
vg() {
  local want="$1" what="$2"
  shift 2
  (cd "$CWD" && exec "${VG[@]}" "$MPSIM" "$@") >"$OUT" 2>"$ERR" </dev/null
  RC=$?
  CHECKS=$((CHECKS + 1))
  if [ "$RC" -eq 99 ]; then
    fail "$what: memcheck reported errors"
    grep -E "^==[0-9]+== (Invalid|Conditional|Use of|Syscall|[0-9,]+ .*lost)" "$ERR" | head -n 20 >&2
  elif [ "$RC" -ne "$want" ]; then
    fail "$what: exit status $RC, expected $want"
    show_last
  else
    echo "valgrind.sh: $what: $(grep -E 'ERROR SUMMARY' "$ERR" | tail -n 1 | sed 's/^==[0-9]*== //')"
  fi
}

sed 's/^name: small$/name: small-b/; s/churn: .*/churn: 0.1/' "$SMALL" >"$WORK/small-b.yaml"

vg 0 "run, 2 threads, kept paths" run "$SMALL" --paths 600 --threads 2 --keep-paths --quiet -o r.h5
vg 0 "run of a batch of two" run "$SMALL" "$WORK/small-b.yaml" --paths 300 --threads 2 --json \
   --quiet -o batch.h5
vg 0 "show" show r.h5
vg 0 "show --json of a batch" show batch.h5 --json
vg 0 "static" static "$SMALL" --json
vg 2 "validate every bad input" validate "$SRC"/tests/data/bad/*.yaml
vg 2 "run refused by --max-memory" run "$SMALL" --paths 100000 --max-memory 1M -o no.h5
cp "$SRC/tests/data/fuzz-regressions/results-hdf5-segv-in-h5lexists.h5" "$CWD/crash.h5"
vg 2 "show of a file that crashes libhdf5 (in the child)" show crash.h5
# A results file that cannot be written (file-size limit): the error path.
(cd "$CWD" && ulimit -f 16 && exec "${VG[@]}" --log-file="$WORK/vg-ulimit.log" "$MPSIM" run \
   "$SMALL" --paths 2000 --keep-paths --quiet -o big.h5) </dev/null >/dev/null 2>&1
RC=$?
CHECKS=$((CHECKS + 1))
if [ "$RC" -ne 1 ]; then
  fail "run under ulimit -f 16: exit status $RC, expected 1 (99: memcheck errors)"
  grep -E "(Invalid|Conditional|lost in)" "$WORK/vg-ulimit.log" | head >&2
else
  echo "valgrind.sh: write failure: $(grep 'ERROR SUMMARY' "$WORK/vg-ulimit.log" | tail -n 1 | sed 's/^==[0-9]*== //')"
fi

finish
