#!/usr/bin/env bash
# `mpsim show` on results files from elsewhere: truncated at many lengths,
# damaged at many offsets, not HDF5 at all, not a file, and the files the
# fuzzer kept (tests/data/fuzz-regressions/results-*).  Each gives exit 2
# with a message naming the file, or (a damaged byte in numbers that HDF5
# does not checksum) exit 0 with a summary; never a crash, a hang, HDF5's
# own diagnostics on stderr, or any other status.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"

SMALL="$SRC/tests/data/reliability/small.yaml"

mpsim run "$SMALL" --paths 200 --quiet -o good.h5
expect_rc 0 "the good file's run"
good="$WORK/good.h5"
cp "$CWD/good.h5" "$good"
size=$(stat -c %s "$good")
clean_cwd

mpsim show "$good"
expect_rc 0 "show a good file"
expect_contains "$OUT" "Scenario small" "show a good file prints its summary"

# expect_show_handled WHAT FILE: exit 0 with a summary, or exit 2 with a
# message naming the file and nothing on stdout.
expect_show_handled() {
  mpsim show "$2"
  CHECKS=$((CHECKS + 1))
  case "$RC" in
    0) [ -s "$OUT" ] || fail "$1: exit 0 without a summary" ;;
    2)
      [ -s "$OUT" ] && fail "$1: exit 2 but something on stdout"
      grep -qF -- "$2" "$ERR" || { fail "$1: the message does not name the file"; show_last; }
      ;;
    *) fail "$1: exit status $RC (expected 0 or 2)"; show_last ;;
  esac
  CHECKS=$((CHECKS + 1))
  if grep -q "HDF5-DIAG\|infinite loop\|core dumped\|AddressSanitizer\|runtime error" "$ERR"; then
    fail "$1: crash or raw HDF5 output on stderr"
    head -n 10 "$ERR" >&2
  fi
}

# --- truncated: every length below the whole file is refused
refused=0
for len in 0 1 7 8 100 512 1024 2048 4096 $((size / 4)) $((size / 2)) $((size - 4096)) \
           $((size - 1)); do
  head -c "$len" "$good" >"$WORK/trunc.h5"
  expect_show_handled "truncated to $len bytes" "$WORK/trunc.h5"
  [ "$RC" -eq 2 ] && refused=$((refused + 1))
done
CHECKS=$((CHECKS + 1))
[ "$refused" -eq 13 ] || fail "truncated files: only $refused of 13 refused"

# --- damaged: 8 bytes overwritten at offsets spread over the file
damaged=0
for ((off = 0; off < size; off += 1531)); do
  cp "$good" "$WORK/bad.h5"
  printf '\377\000\377\000\125\252\377\377' |
    dd of="$WORK/bad.h5" bs=1 seek="$off" conv=notrunc status=none
  expect_show_handled "8 bytes damaged at offset $off" "$WORK/bad.h5"
  damaged=$((damaged + 1))
done
echo "show.sh: $damaged damaged and 13 truncated files handled"

# --- not results files at all
printf 'mpsim: 1\nname: x\n' >"$WORK/yaml.h5"
: >"$WORK/empty.h5"
head -c 4096 /dev/urandom >"$WORK/random.h5" 2>/dev/null || printf 'xyz' >"$WORK/random.h5"
for f in "$WORK/yaml.h5" "$WORK/empty.h5" "$WORK/random.h5" "$WORK/missing.h5" "$WORK" /dev/null; do
  mpsim show "$f"
  expect_rc 2 "show $(basename "$f")"
  expect_empty "$OUT" "show $(basename "$f") (stdout)"
done

# --- what fuzzing and the damage above found (each once crashed, leaked
# or misbehaved inside libhdf5): refused cleanly
shopt -s nullglob
for f in "$SRC"/tests/data/fuzz-regressions/results-*; do
  expect_show_handled "fuzz regression $(basename "$f")" "$f"
  CHECKS=$((CHECKS + 1))
  [ "$RC" -eq 2 ] || fail "fuzz regression $(basename "$f"): exit $RC, expected 2"
done
# One of them crashes libhdf5 itself (a NULL dereference in H5Lexists):
# the child process takes the crash and the message says so.
mpsim show "$SRC/tests/data/fuzz-regressions/results-hdf5-segv-in-h5lexists.h5"
expect_rc 2 "a file that crashes libhdf5"
expect_contains "$ERR" "crashed the HDF5 library" "a file that crashes libhdf5: says so"

finish
