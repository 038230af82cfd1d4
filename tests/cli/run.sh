#!/usr/bin/env bash
# mpsim run / show / static: results file written and nothing else, the same
# output twice and whatever the thread count, show repeating what run
# printed, the default output path, the policy batch, the hand-checked
# single project, and failures that leave nothing behind.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"

EX="$SRC/scenarios/examples"
GATES="$EX/gates-churn-overrun.yaml"
SINGLE="$EX/single-project.yaml"

# --- a small run: exit 0, the .h5 and nothing else, JSON on stdout only
mpsim run "$GATES" --paths 2000 --seed 7 --json --quiet -o out.h5
expect_rc 0 "run --json"
expect_cwd_only "run --json writes only the results file" out.h5
expect_empty "$ERR" "run --json --quiet (stderr)"
CHECKS=$((CHECKS + 1))
head -c 1 "$OUT" | grep -q '{' || fail "run --json: stdout does not start with a JSON object"
cp "$OUT" "$WORK/run1.json"

# The same run again: identical JSON (and a second file, to compare).
mpsim run "$GATES" --paths 2000 --seed 7 --json --quiet -o out2.h5
expect_rc 0 "run --json again"
expect_same_json "$WORK/run1.json" "$OUT" "the same run twice"

# Threads change the speed, never the numbers.
for t in 1 3; do
  mpsim run "$GATES" --paths 2000 --seed 7 --json --quiet --threads "$t" -o "t$t.h5"
  expect_rc 0 "run --threads $t"
  expect_same_json "$WORK/run1.json" "$OUT" "run --threads $t against the default"
done

# A different seed gives different numbers (so the checks above can fail).
mpsim run "$GATES" --paths 2000 --seed 8 --json --quiet -o seed8.h5
expect_rc 0 "run --seed 8"
CHECKS=$((CHECKS + 1))
cmp -s <(normalise_json "$WORK/run1.json") <(normalise_json "$OUT") &&
  fail "runs with seeds 7 and 8 printed the same summary"

# show --json repeats run --json; show repeats the table.
mpsim show out.h5 --json
expect_rc 0 "show --json"
expect_same_json "$WORK/run1.json" "$OUT" "show --json against run --json"

mpsim run "$GATES" --paths 2000 --seed 7 --quiet -o table.h5
expect_rc 0 "run (table)"
expect_nonempty "$OUT" "run prints a table"
cp "$OUT" "$WORK/table-run.txt"
mpsim show table.h5
expect_rc 0 "show (table)"
CHECKS=$((CHECKS + 1))
diff -u "$WORK/table-run.txt" "$OUT" >"$WORK/diff" ||
  { fail "show prints a different table from run"; head -n 30 "$WORK/diff" >&2; }

# Without --quiet, stderr says where the results went; stdout is unchanged.
mpsim run "$GATES" --paths 2000 --seed 7 -o loud.h5
expect_rc 0 "run without --quiet"
expect_contains "$ERR" "loud.h5" "run names the results file on stderr"
CHECKS=$((CHECKS + 1))
diff -q "$WORK/table-run.txt" "$OUT" >/dev/null || fail "--quiet changed stdout"
# stderr is not a terminal here, so there must be no progress bar.
CHECKS=$((CHECKS + 1))
if grep -q $'\r' "$ERR"; then fail "a progress bar was drawn on a non-terminal"; fi

# --keep-paths writes a (larger) file that show still reads.
mpsim run "$GATES" --paths 500 --seed 7 --keep-paths --quiet -o kept.h5
expect_rc 0 "run --keep-paths"
mpsim show kept.h5
expect_rc 0 "show a --keep-paths file"

# The largest seed is accepted.
mpsim run "$SINGLE" --paths 10 --seed 18446744073709551615 --quiet --json -o maxseed.h5
expect_rc 0 "run --seed 2^64-1"
expect_contains "$OUT" '"seed": 18446744073709551615' "the seed is reported in full"

expect_cwd_only "runs leave only their results files" \
  out.h5 out2.h5 t1.h5 t3.h5 seed8.h5 table.h5 loud.h5 kept.h5 maxseed.h5

# --- the hand-checked single project (arithmetic in its comments)
check_single() { # WHAT PYTHON-ASSERTIONS
  CHECKS=$((CHECKS + 1))
  if have_python; then
    python3 - "$OUT" "$2" <<'PY' || fail "$1: numbers differ from the hand calculation"
import json, math, sys
doc = json.load(open(sys.argv[1]))
s = doc["scenarios"]["single-project"]
def close(a, b):
    assert math.isclose(a, b, rel_tol=1e-9), (a, b)
exec(sys.argv[2])
PY
  fi
}
clean_cwd
mpsim static "$SINGLE" --json
expect_rc 0 "static single-project"
check_single "static single-project" '
st = s["static"]
close(st["pv_cost"], 1.24 * (60 + 40 / 1.035))
close(st["pv_benefits"], 20 * sum(1.035 ** -t for t in range(2, 12)))
close(st["npv"], 38.384643914549955)
close(st["bcr"], 1.313798193197365)
assert "dynamic" not in s and "paths" not in doc and "seed" not in doc
'
mpsim run "$SINGLE" --paths 50 --seed 3 --json --quiet -o single.h5
expect_rc 0 "run single-project"
check_single "run single-project" '
d = s["dynamic"]
m = d["metrics"]
close(m["npv"]["mean"], 62.06000623339054)
close(m["npv"]["p5"], 62.06000623339054)
close(m["bcr"]["mean"], 1.6291097595647326)
close(d["expected_bcr"], 1.6291097595647326)
close(m["pv_cost_cdel"]["mean"], 60 + 40 / 1.035)
assert m["npv"]["sd"] == 0 or m["npv"]["sd"] < 1e-9 * 62
assert d["p_bcr_above_1"] == 1 and d["p_npv_negative"] == 0
assert s["missions"]["libraries"]["p_achieved"] == 1
assert s["missions"]["libraries"]["year_p50"] == 2027
'

# --- the default output path: results/<first scenario name>.h5, creating
#     results/ when missing
clean_cwd
mpsim run "$SINGLE" --paths 20 --quiet
expect_rc 0 "run with the default output path"
expect_cwd_only "default output path" results/single-project.h5

# --- run without a scenario runs the policy batch (tests/cli/policy.sh
#     checks its contents)
clean_cwd
mpsim run --paths 1000 -o batch.h5
expect_rc 0 "run without a scenario"
expect_contains "$ERR" "policy batch" "run without a scenario says it runs the policy batch"
expect_contains "$ERR" "scenarios/policy/" "run without a scenario names the folder"
expect_contains "$ERR" "baseline.yaml (the baseline)" "run without a scenario names the baseline"
expect_contains "$OUT" "Scenario baseline" "the batch's table"
expect_cwd_only "run without a scenario" batch.h5
mpsim run --paths 1000 --quiet -o batch2.h5
expect_rc 0 "run --quiet without a scenario"
expect_empty "$ERR" "run --quiet without a scenario (stderr)"

# --- failures leave nothing behind
clean_cwd
cat >"$WORK/bad.yaml" <<'YAML'
mpsim: 1
name: bad
base_year: 2025
missions:
  - id: m
    projects:
      - id: p
        category: XDEL
        cost: {profile: [10]}
YAML
mpsim run "$WORK/bad.yaml" --paths 100
expect_rc 2 "run a bad scenario"
expect_contains "$ERR" "bad.yaml:8:" "run a bad scenario names file and line"
expect_empty "$OUT" "run a bad scenario (stdout)"
expect_cwd_empty "run a bad scenario (no results/ either)"

if [ -d "$SRC/tests/data/bad" ]; then
  first_bad="$(find "$SRC/tests/data/bad" -maxdepth 1 -type f -name '*.yaml' | sort | head -n 1)"
  if [ -n "$first_bad" ]; then
    mpsim run "$first_bad" --paths 100 -o x.h5
    expect_rc 2 "run $(basename "$first_bad")"
    expect_cwd_empty "run $(basename "$first_bad")"
  fi
fi

mpsim run "$SINGLE" "$WORK/bad.yaml" --paths 100 -o x.h5
expect_rc 2 "run a batch with one bad file"
expect_cwd_empty "run a batch with one bad file"

mpsim run "$SINGLE" --paths 100 -o no/such/dir/x.h5
expect_rc 1 "run -o into a missing directory"
expect_contains "$ERR" "no/such/dir" "run -o into a missing directory names it"
expect_empty "$OUT" "run -o into a missing directory (stdout)"
expect_cwd_empty "run -o into a missing directory"

mkdir "$CWD/adir"
mpsim run "$SINGLE" --paths 100 -o adir
expect_rc 1 "run -o onto a directory"
expect_contains "$ERR" "directory" "run -o onto a directory says so"
rmdir "$CWD/adir"

touch "$CWD/results"
mpsim run "$SINGLE" --paths 100
expect_rc 1 "run when ./results is a file"
expect_cwd_only "run when ./results is a file" results

clean_cwd
mpsim show "$WORK/bad.yaml"
expect_rc 2 "show a file that is not a results file"
expect_empty "$OUT" "show a file that is not a results file (stdout)"
mpsim show "$CWD/missing.h5"
expect_rc 2 "show a missing file"
expect_contains "$ERR" "missing.h5" "show a missing file names it"
expect_cwd_empty "show"

finish
