# Helpers for the sweep tests (sourced after common.bash).

# have_h5dump: the HDF5 tools are there (Debian hdf5-tools).
have_h5dump() {
  command -v h5dump >/dev/null 2>&1
}

# dump_sweep FILE: the file as h5dump prints it (every double to 17
# digits), less what interface.md leaves out of "bit-identical": the root
# attributes `created` and `command_line` and the /provenance group.  Object
# addresses in dimension-scale references are masked, since a longer
# command line moves objects in the file without changing any datum.
dump_sweep() {
  h5dump -m %.17g "$1" | awk '
    skip > 0 { o = gsub(/\{/, "{"); c = gsub(/\}/, "}"); skip += o - c; next }
    /ATTRIBUTE "(created|command_line)" \{/ || /GROUP "provenance" \{/ { skip = 1; next }
    /^HDF5 "/ { next }
    { print }' | sed -E 's/(DATASET|GROUP) [0-9]+ /\1 /g'
}

# first_data: of an h5dump of one dataset (stdin), its values only (the
# first DATA block; the attributes follow it), without spaces or newlines.
first_data() {
  awk '/DATA \{/ { on = 1 } on { print } on && /\}/ { exit }' | tr -d ' \n'
}

# expect_same_sweep A B WHAT: identical but for the parts dump_sweep masks.
expect_same_sweep() {
  CHECKS=$((CHECKS + 1))
  if ! diff <(dump_sweep "$1") <(dump_sweep "$2") >"$WORK/diff"; then
    fail "$3: the sweep files differ"
    head -n 30 "$WORK/diff" >&2
  fi
}

# journal_records FILE: completed points recorded in a sweep journal
# (header 128 bytes, records 3816 bytes: docs/sweeps.md); 0 when absent.
journal_records() {
  local size
  size="$(stat -c %s "$1" 2>/dev/null || echo 0)"
  if [ "$size" -lt 128 ]; then
    echo 0
  else
    echo $(((size - 128) / 3816))
  fi
}

# wait_for_records JOURNAL N PID: waits (up to 120 s) until the journal
# holds at least N records, or the process has ended.
wait_for_records() {
  local i
  for ((i = 0; i < 2400; i++)); do
    [ "$(journal_records "$1")" -ge "$2" ] && return 0
    kill -0 "$3" 2>/dev/null || return 1
    sleep 0.05
  done
  return 1
}
