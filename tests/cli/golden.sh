#!/usr/bin/env bash
# Golden files: `--json` output of fixed runs (tests/cli/golden/cases.txt)
# must match tests/cli/golden/NAME.json exactly, apart from the
# mpsim_version string.  After a deliberate change of results, regenerate
# them with scripts/update-golden.sh and review the diff.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"
source "$(dirname "${BASH_SOURCE[0]}")/lib/golden.bash"

n=0
while read -r name args; do
  n=$((n + 1))
  golden="$SRC/tests/cli/golden/$name.json"
  clean_cwd
  golden_run "$MPSIM" "$SRC" "$CWD" "$name" "$args" >"$OUT" 2>"$ERR" </dev/null
  RC=$?
  expect_rc 0 "golden case $name"
  CHECKS=$((CHECKS + 1))
  if [ ! -f "$golden" ]; then
    fail "golden case $name: $golden is missing (run scripts/update-golden.sh)"
    continue
  fi
  expect_same_json "$golden" "$OUT" "golden case $name (regenerate with scripts/update-golden.sh if the change is meant)"
done < <(golden_cases "$SRC")

CHECKS=$((CHECKS + 1))
[ "$n" -ge 4 ] || fail "expected at least 4 golden cases in tests/cli/golden/cases.txt, found $n"
finish
