#!/usr/bin/env bash
# Full disks and I/O errors: a results file that cannot be written in full
# gives exit 1 and a message saying so, leaves no file at the target path
# and no temporary file, and never touches an existing results file there.
#
#  - `ulimit -f` (the file-size limit) at several sizes, so that the write
#    fails at different points: creating the file, writing the summary,
#    writing per-path data, closing.  mpsim ignores SIGXFSZ so the write
#    returns EFBIG instead of the signal killing the process mid-write.
#  - a genuinely full file system: a small tmpfs, when this user may mount
#    one (root, or a user namespace); skipped with a note otherwise.
#  - standard output on /dev/full: the summary cannot be printed.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"

SMALL="$SRC/tests/data/reliability/small.yaml"

# expect_clean_failure WHAT: exit 1, a message about the results file, no
# stdout (no summary claiming success).
expect_clean_failure() {
  expect_rc 1 "$1"
  expect_contains "$ERR" "no results written to" "$1: says nothing was written"
  expect_empty "$OUT" "$1 (stdout)"
  CHECKS=$((CHECKS + 1))
  if grep -q "Segmentation\|core dumped\|HDF5-DIAG" "$ERR"; then
    fail "$1: crash or raw HDF5 diagnostics on stderr"
    head -n 20 "$ERR" >&2
  fi
}

# limited KB ARGS...: runs mpsim under `ulimit -f KB`, like mpsim(): sets RC,
# output in $OUT / $ERR.  Both go through pipes, which the limit does not
# govern, so that mpsim can still report the failure (a limit of 0 would
# otherwise stop it writing its own stderr file).
limited() {
  local kb="$1"
  shift
  { (cd "$CWD" && ulimit -f "$kb" && exec "$MPSIM" "$@" </dev/null) 2>&1 1>&3 3>&- |
      cat >"$ERR"
    echo "${PIPESTATUS[0]}" >"$WORK/rc"; } 3>&1 | cat >"$OUT"
  RC="$(cat "$WORK/rc")"
}

# --- sizes: a reference file with per-path data, written without a limit
mpsim run "$SMALL" --paths 4000 --keep-paths --quiet -o ref.h5
expect_rc 0 "reference run"
full_kb=$(( ($(stat -c %s "$CWD/ref.h5") + 1023) / 1024 ))
old="$WORK/old.h5"
mpsim run "$SMALL" --paths 300 --seed 3 --quiet -o old.h5
expect_rc 0 "the existing file's run"
cp "$CWD/old.h5" "$old"
clean_cwd

# --- ulimit -f: no file at the target, no temporary left behind
# (bash's ulimit -f counts 1024-byte blocks).
for kb in 0 1 4 16 64 $((full_kb / 2)) $((full_kb - 1)); do
  clean_cwd
  limited "$kb" run "$SMALL" --paths 4000 --keep-paths --quiet -o out.h5
  expect_clean_failure "ulimit -f $kb"
  expect_cwd_empty "ulimit -f $kb: no file left"

  # The same over an existing results file: still there, byte for byte.
  clean_cwd
  cp "$old" "$CWD/out.h5"
  limited "$kb" run "$SMALL" --paths 4000 --keep-paths --quiet -o out.h5
  expect_clean_failure "ulimit -f $kb over an existing file"
  CHECKS=$((CHECKS + 1))
  cmp -s "$CWD/out.h5" "$old" || fail "ulimit -f $kb: the existing results file was changed"
  expect_cwd_only "ulimit -f $kb: only the old file" out.h5
done
# Several rounds of paths (16384 each), so the limit is met while the run
# is still going: the run stops there, with nothing left.
clean_cwd
mpsim run "$SMALL" --paths 40000 --keep-paths --quiet -o ref40.h5
expect_rc 0 "reference run, 40000 paths"
kb40=$(( $(stat -c %s "$CWD/ref40.h5") / 1024 / 2 ))
clean_cwd
cp "$old" "$CWD/out.h5"
limited "$kb40" run "$SMALL" --paths 40000 --keep-paths --quiet -o out.h5
expect_clean_failure "ulimit -f $kb40 (half of 40000 paths)"
CHECKS=$((CHECKS + 1))
cmp -s "$CWD/out.h5" "$old" || fail "ulimit -f $kb40: the existing results file was changed"
expect_cwd_only "ulimit -f $kb40: only the old file" out.h5

# The message says why, in the system's words (EFBIG from the failed write).
expect_contains "$ERR" "cannot write the results file" "ulimit -f: the message names the file"
expect_contains "$ERR" "File too large" "ulimit -f: the message gives the reason"

# A limit the file fits under: the run succeeds (so the cases above can fail).
clean_cwd
limited $((full_kb + 64)) run "$SMALL" --paths 4000 --keep-paths --quiet -o out.h5
expect_rc 0 "ulimit -f just above the file's size"
expect_cwd_only "ulimit -f above the size writes the file" out.h5

# --- a genuinely full file system (tmpfs), where mounting is allowed
clean_cwd
MNT="$WORK/tmpfs"
mkdir -p "$MNT"
if mount -t tmpfs -o size=$(( $(stat -c %s "$old") + 48 * 1024 )) tmpfs "$MNT" 2>/dev/null; then
  trap 'umount "$MNT" 2>/dev/null; cleanup' EXIT
  # Empty file system: no file left at all.
  (cd "$CWD" && exec "$MPSIM" run "$SMALL" --paths 4000 --keep-paths --quiet \
     -o "$MNT/out.h5") >"$OUT" 2>"$ERR" </dev/null
  RC=$?
  expect_clean_failure "full tmpfs"
  expect_contains "$ERR" "No space left on device" "full tmpfs: the message gives the reason"
  CHECKS=$((CHECKS + 1))
  left="$(ls -A "$MNT")"
  [ -z "$left" ] || fail "full tmpfs: files left behind: $left"
  # An existing results file fills most of it: kept, byte for byte.
  cp "$old" "$MNT/out.h5"
  (cd "$CWD" && exec "$MPSIM" run "$SMALL" --paths 4000 --keep-paths --quiet \
     -o "$MNT/out.h5") >"$OUT" 2>"$ERR" </dev/null
  RC=$?
  expect_clean_failure "full tmpfs over an existing file"
  CHECKS=$((CHECKS + 1))
  cmp -s "$MNT/out.h5" "$old" || fail "full tmpfs: the existing results file was changed"
  CHECKS=$((CHECKS + 1))
  left="$(ls -A "$MNT")"
  [ "$left" = "out.h5" ] || fail "full tmpfs: files in the mount: $left (expected out.h5)"
  expect_cwd_empty "full tmpfs: nothing in the working directory"
  # show still reads the kept file.
  mpsim show "$MNT/out.h5" --json
  expect_rc 0 "show the kept file"
  umount "$MNT"
  trap cleanup EXIT
else
  echo "diskfull.sh: note: cannot mount a tmpfs here (needs root); full-disk case skipped"
fi

# --- standard output on /dev/full: exit 1 with a message, never 0
if [ -w /dev/full ]; then
  clean_cwd
  (cd "$CWD" && exec "$MPSIM" run "$SMALL" --paths 300 --json --quiet -o out.h5) \
    >/dev/full 2>"$ERR" </dev/null
  RC=$?
  expect_rc 1 "run with stdout on /dev/full"
  expect_contains "$ERR" "standard output" "run with stdout on /dev/full: says why"
  cp "$old" "$CWD/old.h5"
  for args in "show old.h5" "show old.h5 --json" "static $SMALL" "validate $SMALL --json" \
              "--help" "--version"; do
    # shellcheck disable=SC2086
    (cd "$CWD" && exec "$MPSIM" $args) >/dev/full 2>"$ERR" </dev/null
    RC=$?
    expect_rc 1 "mpsim $args with stdout on /dev/full"
  done
fi

finish
