#!/usr/bin/env bash
# `mpsim report` of a sensitivity file (docs/report.md "Sensitivity files"):
# the page of a batch's analysis (tornado and indices charts per scenario,
# the tables, the value of information) checked against the --json of the
# run that wrote the file by tests/python/check_sens_report.py (every SVG
# parses as XML, the bars in the file's order by swing, every number the
# file's); a single scenario has no value of information; the same file
# gives the same page; bad sensitivity files (truncated, newer format)
# exit 2 writing nothing.  The page in a browser: report_browser.sh.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"

CHECK="$SRC/tests/python/check_sens_report.py"
D="$SRC/tests/data/sensitivity"

check_page() { # HTML JSON WHAT
  CHECKS=$((CHECKS + 1))
  if ! python3 "$CHECK" "$1" "$2" >"$WORK/check.out" 2>&1; then
    fail "$3: the page does not match the sensitivity file"
    head -n 30 "$WORK/check.out" >&2
  fi
}

# --- a batch: both scenarios, the value of information
mpsim sensitivity "$D/small.yaml" "$D/small-alt.yaml" --samples 64 -o sens.h5 --json
expect_rc 0 "sensitivity of the batch"
cp "$OUT" "$WORK/sens.json"
mpsim report sens.h5
expect_rc 0 "report of a sensitivity file"
expect_empty "$OUT" "report prints nothing on stdout"
expect_contains "$ERR" "sens.html" "report says where it wrote"
expect_cwd_only "report's default output" sens.h5 sens.html
PAGE="$CWD/sens.html"
check_page "$PAGE" "$WORK/sens.json" "batch"
for id in tornado-1 indices-1 tornado-2 indices-2; do
  expect_contains "$PAGE" "<figure id=\"$id\"" "the page has #$id"
done
for t in tornado indices indices-sums switching evpi evppi provenance; do
  expect_contains "$PAGE" "data-table=\"$t\"" "the page has the $t table"
done
expect_contains "$PAGE" "Sum of the first-order indices" "the sum of first-order indices stated"
expect_contains "$PAGE" "unexplained share" "the unexplained share stated"
expect_contains "$PAGE" "no crossing in range" "switching values without a crossing said"
expect_contains "$PAGE" "mpsim sensitivity" "provenance: the command line"
cp "$PAGE" "$WORK/sens.html"
cp "$CWD/sens.h5" "$WORK/good.h5"

mpsim report sens.h5 -o again.html --quiet
expect_rc 0 "report -o --quiet"
expect_empty "$ERR" "report --quiet says nothing"
CHECKS=$((CHECKS + 1))
cmp -s "$PAGE" "$CWD/again.html" || fail "the same file gave two different pages"

# The check itself catches bars out of order and a wrong number.
python3 - "$PAGE" "$WORK/swapped.html" <<'PY'
import re, sys
t = open(sys.argv[1], encoding="utf-8").read()
bars = re.findall(r'<g class="tornado-bar".*?</g>', t, re.S)
t = t.replace(bars[0], "\0").replace(bars[1], bars[0]).replace("\0", bars[1])
open(sys.argv[2], "w", encoding="utf-8").write(t)
PY
CHECKS=$((CHECKS + 1))
if python3 "$CHECK" "$WORK/swapped.html" "$WORK/sens.json" >/dev/null 2>&1; then
  fail "check_sens_report.py accepted tornado bars out of order"
fi
sed 's/data-key="first_order_sum" data-value="[^"]*"/data-key="first_order_sum" data-value="0.5"/' \
  "$PAGE" >"$WORK/wrong.html"
CHECKS=$((CHECKS + 1))
if python3 "$CHECK" "$WORK/wrong.html" "$WORK/sens.json" >/dev/null 2>&1; then
  fail "check_sens_report.py accepted a wrong sum of first-order indices"
fi
clean_cwd

# --- one scenario: no value of information
mpsim sensitivity "$D/small.yaml" --samples 64 -o one.h5 --json
expect_rc 0 "sensitivity of one scenario"
cp "$OUT" "$WORK/one.json"
mpsim report one.h5 -o one.html -q
expect_rc 0 "report of one scenario's sensitivity"
check_page "$CWD/one.html" "$WORK/one.json" "one scenario"
expect_not_contains "$CWD/one.html" 'data-table="evpi"' "one scenario has no value of information"
clean_cwd

# --- bad sensitivity files: exit 2, a message naming the file, nothing written
expect_refused() { # WHAT FILE
  mpsim report "$2" -o out.html
  expect_rc 2 "$1"
  expect_contains "$ERR" "$2" "$1: the message names the file"
  expect_cwd_empty "$1: nothing written"
  clean_cwd
}
head -c 20000 "$WORK/good.h5" >"$WORK/trunc.h5"
expect_refused "a truncated sensitivity file" "$WORK/trunc.h5"
head -c 3000 "$WORK/good.h5" >"$WORK/trunc-short.h5"
expect_refused "a sensitivity file cut short" "$WORK/trunc-short.h5"
PY_H5=""
for p in /usr/bin/python3 python3; do
  if "$p" -c "import h5py" 2>/dev/null; then PY_H5="$p"; break; fi
done
if [ -n "$PY_H5" ]; then
  cp "$WORK/good.h5" "$WORK/newer.h5"
  "$PY_H5" -c "
import h5py, numpy, sys
with h5py.File(sys.argv[1], 'r+') as f:
    f.attrs['format_version'] = numpy.int32(f.attrs['format_version'] + 1)" "$WORK/newer.h5"
  expect_refused "a newer sensitivity format version" "$WORK/newer.h5"
  expect_contains "$ERR" "newer" "a newer format version: the message says so"
  # A sensitivity file missing its tornado: the object is named.
  cp "$WORK/good.h5" "$WORK/damaged.h5"
  "$PY_H5" -c "
import h5py, sys
with h5py.File(sys.argv[1], 'r+') as f:
    del f['scenarios/sens-small/sensitivity/tornado/order']" "$WORK/damaged.h5"
  expect_refused "a sensitivity file without its tornado order" "$WORK/damaged.h5"
  expect_contains "$ERR" "order" "a damaged file: the message names the object"
fi

# --- an output path that cannot be written: exit 1, nothing left
mpsim report "$WORK/good.h5" -o no-such-dir/report.html
expect_rc 1 "output in a missing directory"
expect_contains "$ERR" "no-such-dir/report.html" "the message names the path"
expect_cwd_empty "output in a missing directory: nothing left"

finish
