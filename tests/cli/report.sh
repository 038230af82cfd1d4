#!/usr/bin/env bash
# `mpsim report`: the page of the demonstration batch and of a single
# scenario, checked against `mpsim show --json` by tests/python/check_report.py
# (every SVG parses as XML, every headline number is the file's, every chart
# and table is there); bad input (missing, truncated, foreign, newer
# format) exits 2 writing nothing; an unwritable output path exits 1
# leaving nothing behind.  The page in a browser: report_browser.sh.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"

CHECK="$SRC/tests/python/check_report.py"

# check_page HTML JSON WHAT [--expect-batch]
check_page() {
  CHECKS=$((CHECKS + 1))
  if ! python3 "$CHECK" "$1" "$2" "${@:4}" >"$WORK/check.out" 2>&1; then
    fail "$3: the page does not match the results file"
    head -n 30 "$WORK/check.out" >&2
  fi
}

# --- the demonstration batch (the policy variants, baseline first)
mpsim run --paths 2000 --quiet -o batch.h5
expect_rc 0 "run the demonstration batch"
mpsim show batch.h5 --json
cp "$OUT" "$WORK/batch.json"
mpsim report batch.h5
expect_rc 0 "report of the batch"
expect_empty "$OUT" "report prints nothing on stdout"
expect_contains "$ERR" "batch.html" "report says where it wrote"
expect_cwd_only "report's default output" batch.h5 batch.html
check_page "$CWD/batch.html" "$WORK/batch.json" "batch" --expect-batch

mpsim report batch.h5 -o out.html --quiet
expect_rc 0 "report -o --quiet"
expect_empty "$ERR" "report --quiet says nothing"
CHECKS=$((CHECKS + 1))
cmp -s "$CWD/batch.html" "$CWD/out.html" || fail "the same file gave two different pages"

# The check itself catches a wrong number (it must be able to fail).
sed 's/data-key="static.bcr" data-value="[^"]*"/data-key="static.bcr" data-value="9.75"/' \
  "$CWD/batch.html" >"$WORK/wrong.html"
CHECKS=$((CHECKS + 1))
if python3 "$CHECK" "$WORK/wrong.html" "$WORK/batch.json" >/dev/null 2>&1; then
  fail "check_report.py accepted a page with a wrong static BCR"
fi
clean_cwd

# --- one scenario, without comparisons
mpsim run "$SRC/scenarios/examples/single-project.yaml" --paths 1000 --quiet -o one.h5
expect_rc 0 "run one scenario"
mpsim show one.h5 --json
cp "$OUT" "$WORK/one.json"
mpsim report one.h5 -o one.html -q
expect_rc 0 "report of one scenario"
check_page "$CWD/one.html" "$WORK/one.json" "one scenario"
expect_not_contains "$CWD/one.html" 'data-table="comparisons"' "one scenario has no comparisons"
cp "$CWD/one.h5" "$WORK/good.h5"
clean_cwd

# --- bad input: exit 2, a message naming the file, nothing written
expect_refused() { # WHAT FILE
  mpsim report "$2" -o out.html
  expect_rc 2 "$1"
  expect_contains "$ERR" "$2" "$1: the message names the file"
  expect_cwd_empty "$1: nothing written"
  clean_cwd
}
expect_refused "a missing file" "$WORK/missing.h5"
head -c 3000 "$WORK/good.h5" >"$WORK/trunc.h5"
expect_refused "a truncated file" "$WORK/trunc.h5"
printf 'mpsim: 1\n' >"$WORK/yaml.h5"
expect_refused "a YAML file" "$WORK/yaml.h5"
if command -v h5copy >/dev/null 2>&1; then
  # An HDF5 file that mpsim did not write: one group copied out of a good one.
  h5copy -i "$WORK/good.h5" -o "$WORK/foreign.h5" -s /provenance -d /p
  expect_refused "a foreign HDF5 file" "$WORK/foreign.h5"
  expect_contains "$ERR" "mpsim-results" "a foreign HDF5 file: the message says what is missing"
fi
PY_H5=""
for p in /usr/bin/python3 python3; do
  if "$p" -c "import h5py" 2>/dev/null; then PY_H5="$p"; break; fi
done
if [ -n "$PY_H5" ]; then
  cp "$WORK/good.h5" "$WORK/newer.h5"
  "$PY_H5" -c "
import h5py, numpy, sys
with h5py.File(sys.argv[1], 'r+') as f:
    f.attrs['format_version'] = numpy.int32(2)" "$WORK/newer.h5"
  expect_refused "a newer format version" "$WORK/newer.h5"
  expect_contains "$ERR" "newer" "a newer format version: the message says so"
fi

# --- an output path that cannot be written: exit 1, nothing left
: >"$CWD/a-file"
mpsim report "$WORK/good.h5" -o a-file/report.html
expect_rc 1 "output under a file"
expect_contains "$ERR" "a-file/report.html" "output under a file: the message names the path"
expect_cwd_only "output under a file: nothing left" a-file
mpsim report "$WORK/good.h5" -o no-such-dir/report.html
expect_rc 1 "output in a missing directory"
expect_cwd_only "output in a missing directory: nothing left" a-file
mkdir "$CWD/a-dir"
mpsim report "$WORK/good.h5" -o a-dir
expect_rc 1 "output onto a directory"
expect_cwd_only "output onto a directory: nothing left" a-file
clean_cwd

# --- the report would replace the results file: refused, the file untouched
cp "$WORK/good.h5" "$CWD/r.h5"
mpsim report r.h5 -o r.h5
expect_rc 2 "report onto its own results file"
CHECKS=$((CHECKS + 1))
cmp -s "$WORK/good.h5" "$CWD/r.h5" || fail "report onto its own results file changed it"
clean_cwd

# --- usage
mpsim report
expect_rc 2 "report without a file"
mpsim report "$WORK/good.h5" "$WORK/good.h5"
expect_rc 2 "report of two files"
mpsim report --help
expect_rc 0 "report --help"
expect_contains "$OUT" "mpsim report RESULTS.h5" "report --help"

finish
