#!/usr/bin/env bash
# mpsim validate: silent with exit 0 on good files; every error, naming the
# file, with exit 2 on bad ones (each file of tests/data/bad/); the --json
# document's shape; batch rules across files.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"

# --- every shipped scenario is valid, alone and as a batch
good=("$SRC"/scenarios/*.yaml "$SRC"/scenarios/examples/*.yaml)
CHECKS=$((CHECKS + 1))
[ "${#good[@]}" -ge 4 ] || fail "expected the shipped scenarios, found: ${good[*]}"
for f in "${good[@]}"; do
  mpsim validate "$f"
  expect_rc 0 "validate $(basename "$f")"
  expect_empty "$OUT" "validate $(basename "$f") (stdout)"
  expect_empty "$ERR" "validate $(basename "$f") (stderr)"
done
mpsim validate "$SRC/scenarios/examples/churn-low.yaml" "$SRC/scenarios/examples/churn-high.yaml"
expect_rc 0 "validate the churn batch"
expect_empty "$ERR" "validate the churn batch (stderr)"
mpsim validate "$SRC/scenarios/examples/economy-normal.yaml" "$SRC/scenarios/examples/economy-slack.yaml"
expect_rc 0 "validate the economy batch"
expect_empty "$ERR" "validate the economy batch (stderr)"

mpsim validate --json "$SRC/scenarios/demo.yaml"
expect_rc 0 "validate --json on a good file"
CHECKS=$((CHECKS + 1))
[ "$(tr -d ' \n\t' <"$OUT")" = '{"ok":true,"errors":[]}' ] ||
  fail "validate --json on a good file printed: $(cat "$OUT")"
expect_empty "$ERR" "validate --json on a good file (stderr)"
expect_cwd_empty "validate on good files"

# --- JSON shape of a failure: {"ok": false, "errors": [{file, line,
#     column, key_path, message}, ...]}, checked with python3 when present.
check_error_json() { # FILE-NAME WHAT
  CHECKS=$((CHECKS + 1))
  if have_python; then
    python3 - "$OUT" "$1" <<'PY' || fail "$2: --json document has the wrong shape"
import json, sys
doc = json.load(open(sys.argv[1]))
name = sys.argv[2]
assert set(doc) == {"ok", "errors"}, doc.keys()
assert doc["ok"] is False
errs = doc["errors"]
assert isinstance(errs, list) and errs, "no errors listed"
for e in errs:
    assert {"file", "line", "column", "key_path", "message"} <= set(e), e
    assert isinstance(e["message"], str) and e["message"], e
    assert e["line"] is None or isinstance(e["line"], int), e
    assert e["column"] is None or isinstance(e["column"], int), e
assert any(name in (e["file"] or "") for e in errs), "no error names " + name
PY
  else
    grep -q '"ok": *false' "$OUT" || fail "$2: --json does not say ok: false"
  fi
}

# --- every bad file: exit 2, its name in the message, nothing written
bad=()
if [ -d "$SRC/tests/data/bad" ]; then
  while IFS= read -r f; do bad+=("$f"); done < <(find "$SRC/tests/data/bad" -maxdepth 1 -type f -name '*.yaml' | sort)
fi
CHECKS=$((CHECKS + 1))
[ "${#bad[@]}" -ge 1 ] || fail "no bad scenarios found in tests/data/bad/"
for f in "${bad[@]}"; do
  b="$(basename "$f")"
  mpsim validate "$f"
  expect_rc 2 "validate bad/$b"
  expect_contains "$ERR" "$b" "validate bad/$b names the file"
  expect_empty "$OUT" "validate bad/$b (stdout)"
  expect_cwd_empty "validate bad/$b"
  mpsim validate --json "$f"
  expect_rc 2 "validate --json bad/$b"
  check_error_json "$b" "validate --json bad/$b"
  expect_cwd_empty "validate --json bad/$b"
done

# --- a missing file and a file that is not YAML
mpsim validate "$CWD/no-such-file.yaml"
expect_rc 2 "validate a missing file"
expect_contains "$ERR" "no-such-file.yaml" "validate a missing file"
printf '\x00\x01\x02binary' >"$WORK/binary.yaml"
mpsim validate "$WORK/binary.yaml"
expect_rc 2 "validate a binary file"
expect_contains "$ERR" "binary.yaml" "validate a binary file"

# --- errors of several files are all reported, with the good ones silent
cat >"$WORK/typo.yaml" <<'YAML'
mpsim: 1
name: typo
base_year: 2025
missions:
  - id: m
    projects:
      - id: p
        category: CDEL
        cost: {profile: [10]}
        benefts: {annual: 5}
YAML
mpsim validate "$SRC/scenarios/demo.yaml" "$WORK/typo.yaml" "$CWD/missing.yaml"
expect_rc 2 "validate good + typo + missing"
expect_contains "$ERR" "typo.yaml:10:" "the typo is reported with its line"
expect_contains "$ERR" "benefts" "the typo names the key"
expect_contains "$ERR" "missing.yaml" "the missing file is reported too"
expect_not_contains "$ERR" "demo.yaml" "the good file is not blamed"

# --- batch rules: two files with the same name
cp "$SRC/scenarios/examples/single-project.yaml" "$WORK/a.yaml"
cp "$SRC/scenarios/examples/single-project.yaml" "$WORK/b.yaml"
mpsim validate "$WORK/a.yaml" "$WORK/b.yaml"
expect_rc 2 "validate two scenarios with one name"
expect_contains "$ERR" "single-project" "the duplicate name is named"
mpsim validate --json "$WORK/a.yaml" "$WORK/b.yaml"
expect_rc 2 "validate --json two scenarios with one name"
expect_contains "$OUT" '"ok": false' "validate --json batch error"

expect_cwd_empty "validate"
finish
