#!/usr/bin/env bash
# `mpsim export`: the CSV files and the workbook of the demonstration batch
# reopen with the numbers of `mpsim show --json` (tests/python/check_export.py:
# the csv module, and openpyxl for the workbook where it is installed);
# bad input exits 2 writing nothing; unwritable outputs exit 1 leaving
# nothing behind.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"

CHECK="$SRC/tests/python/check_export.py"
# A python3 with openpyxl (Debian python3-openpyxl) for the workbook check.
PY_XL=""
for p in /usr/bin/python3 python3; do
  if "$p" -c "import openpyxl" 2>/dev/null; then PY_XL="$p"; break; fi
done

mpsim run --paths 1000 --quiet -o batch.h5
expect_rc 0 "run the demonstration batch"
mpsim show batch.h5 --json
cp "$OUT" "$WORK/batch.json"
cp "$CWD/batch.h5" "$WORK/good.h5"

mpsim export batch.h5 --csv tables --xlsx batch.xlsx
expect_rc 0 "export --csv --xlsx"
expect_empty "$OUT" "export prints nothing on stdout"
expect_contains "$ERR" "batch.xlsx" "export says where it wrote"
for t in summary metrics missions projects kinds comparisons comparison_missions timeseries \
  histograms columns; do
  CHECKS=$((CHECKS + 1))
  [ -s "$CWD/tables/$t.csv" ] || fail "no tables/$t.csv"
done
CHECKS=$((CHECKS + 1))
if [ -n "$PY_XL" ]; then
  "$PY_XL" "$CHECK" "$WORK/batch.json" "$CWD/tables" "$CWD/batch.xlsx" >"$WORK/check.out" 2>&1
else
  echo "export.sh: no python3 with openpyxl; the workbook's cells are not checked" >&2
  python3 "$CHECK" "$WORK/batch.json" "$CWD/tables" >"$WORK/check.out" 2>&1
fi || { fail "the exports do not match the results file"; head -n 30 "$WORK/check.out" >&2; }

# The check can fail: a changed number is caught.
cp -r "$CWD/tables" "$WORK/wrong"
sed -i '2s/,2025,60,[0-9.]*/,2025,60,1.5/' "$WORK/wrong/summary.csv"
CHECKS=$((CHECKS + 1))
if python3 "$CHECK" "$WORK/batch.json" "$WORK/wrong" >/dev/null 2>&1; then
  fail "check_export.py accepted a changed static_pv_cost"
fi

# Exporting again replaces the files in place and leaves no temporary file.
mpsim export batch.h5 --csv tables -q
expect_rc 0 "export again"
expect_empty "$ERR" "export --quiet says nothing"
CHECKS=$((CHECKS + 1))
left=$(cd "$CWD" && find . -name '*.tmp-*')
[ -z "$left" ] || fail "temporary files left: $left"
clean_cwd

# --- bad input: exit 2, nothing written
mpsim export "$WORK/missing.h5" --csv tables
expect_rc 2 "export of a missing file"
expect_contains "$ERR" "missing.h5" "export of a missing file names it"
expect_cwd_empty "export of a missing file writes nothing"
head -c 4000 "$WORK/good.h5" >"$WORK/trunc.h5"
mpsim export "$WORK/trunc.h5" --csv tables --xlsx b.xlsx
expect_rc 2 "export of a truncated file"
expect_cwd_empty "export of a truncated file writes nothing"
mpsim export "$WORK/good.h5"
expect_rc 2 "export without --csv or --xlsx"
expect_cwd_empty "export without an output writes nothing"

# --- unwritable outputs: exit 1, nothing left
: >"$CWD/a-file"
mpsim export "$WORK/good.h5" --csv a-file
expect_rc 1 "export --csv onto a file"
expect_contains "$ERR" "a-file" "export --csv onto a file names it"
mpsim export "$WORK/good.h5" --csv no/such/dir
expect_rc 1 "export --csv under a missing directory"
mpsim export "$WORK/good.h5" --xlsx a-file/b.xlsx
expect_rc 1 "export --xlsx under a file"
expect_contains "$ERR" "a-file/b.xlsx" "export --xlsx under a file names it"
expect_cwd_only "unwritable outputs leave nothing" a-file

finish
