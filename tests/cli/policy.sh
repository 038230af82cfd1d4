#!/usr/bin/env bash
# The shipped policy batch (scenarios/policy/, docs/policy-scenarios.md):
# it validates as a batch and resolves to what its comments say; `mpsim run`
# with no scenario runs its four variants, baseline first, into
# results/baseline.h5 and prints their tables and three comparisons; the
# same comparison numbers are in the table, in --json `comparisons` and in
# the HDF5 /comparisons group.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"

P="$SRC/scenarios/policy"
BATCH=("$P/baseline.yaml" "$P/pdel-ringfenced.yaml" "$P/long-term.yaml" "$P/adaptive.yaml")

# count_lines FILE REGEX: lines of FILE matching the extended REGEX.
count_lines() {
  grep -cE -- "$2" "$1" || true
}

# expect_count FILE REGEX N WHAT
expect_count() {
  CHECKS=$((CHECKS + 1))
  local n
  n="$(count_lines "$1" "$2")"
  if [ "$n" -ne "$3" ]; then
    fail "$4: $n lines match '$2', expected $3"
    show_last
  fi
}

# --- the four files form a valid batch (unique names, shared paths and seed)
mpsim validate "${BATCH[@]}"
expect_rc 0 "validate the policy batch"
expect_empty "$ERR" "validate the policy batch (stderr)"

# Each variant adds its lever to the one before.
mpsim validate --resolved "$P/adaptive.yaml"
expect_rc 0 "validate --resolved adaptive.yaml"
expect_contains "$OUT" "name: adaptive" "adaptive resolves with its own name"
expect_contains "$OUT" "  churn: 0" "adaptive inherits long-term's churn 0"
expect_contains "$OUT" "  ringfence: [PDEL]" "adaptive inherits the PDEL ringfence"
expect_contains "$OUT" "  applies_to: [RDEL, PDEL]" "adaptive inherits the baseline's cuts"
expect_contains "$OUT" "  signal_noise: 0.5" "adaptive adds management"
expect_contains "$OUT" "prevention:" "the PDEL projects keep their prevention stock"
mpsim validate --resolved "$P/baseline.yaml"
expect_rc 0 "validate --resolved baseline.yaml"
expect_contains "$OUT" "  churn: 0.03" "the baseline keeps the demonstration's churn"
expect_contains "$OUT" "  ringfence: []" "the baseline protects nothing"
expect_not_contains "$OUT" "management:" "the baseline has no management"

# --- run with no scenario: the batch, into results/baseline.h5
clean_cwd
mpsim run --paths 2000
expect_rc 0 "run without a scenario"
expect_cwd_only "run without a scenario writes results/<baseline>.h5" results/baseline.h5
cp "$OUT" "$WORK/table.txt"
expect_contains "$ERR" "baseline.yaml (the baseline), pdel-ringfenced.yaml, long-term.yaml, adaptive.yaml" \
  "run without a scenario lists the batch in order"
expect_count "$WORK/table.txt" '^Scenario ' 4 "four scenario tables"
for name in baseline pdel-ringfenced long-term adaptive; do
  expect_contains "$WORK/table.txt" "Scenario $name:" "a table for $name"
done
expect_count "$WORK/table.txt" '^Comparisons with the baseline' 1 "one comparison section"
expect_count "$WORK/table.txt" '^  baseline -> ' 3 "three comparisons"
expect_count "$WORK/table.txt" '^  baseline -> (pdel-ringfenced|long-term|adaptive)$' 3 \
  "each variant against the baseline"
# Cuts are in every variant (RDEL stays exposed); management only in adaptive.
expect_count "$WORK/table.txt" '^    Cut in force, share of years ' 4 "how often cuts happened, per variant"
expect_count "$WORK/table.txt" '^    Projects stopped, expected ' 1 "stops, adaptive only"
expect_count "$WORK/table.txt" 'Planned spend delivered \(share\)  P\(stopped\)$' 1 \
  "P(stopped) column, adaptive only"
expect_count "$WORK/table.txt" 'Planned spend delivered \(share\)$' 3 "delivery tables without stops"

# --- the same run with --json: the same numbers as the table, and in the file
clean_cwd
mpsim run --paths 2000 --json --quiet -o batch.h5
expect_rc 0 "run --json without a scenario"
expect_empty "$ERR" "run --json --quiet without a scenario (stderr)"
cp "$OUT" "$WORK/batch.json"
mpsim show batch.h5 --json
expect_rc 0 "show the batch's file"
expect_same_json "$WORK/batch.json" "$OUT" "show --json against run --json for the batch"

have_h5dump() {
  command -v h5dump >/dev/null 2>&1
}

CHECKS=$((CHECKS + 1))
if have_python; then
  # The comparison values of /comparisons, read with h5dump at full precision.
  h5vals="$WORK/h5vals.txt"
  : >"$h5vals"
  if have_h5dump; then
    for b in pdel-ringfenced long-term adaptive; do
      for v in npv_diff_mean npv_diff_sd npv_diff_se p_b_better exchequer_diff_mean exchequer_diff_se; do
        x="$(h5dump -m %.17g -d "/comparisons/baseline--$b/$v" "$CWD/batch.h5" |
          sed -n 's/^ *(0): *//p' | head -n 1)"
        echo "$b $v $x" >>"$h5vals"
      done
    done
  fi
  python3 - "$WORK/batch.json" "$WORK/table.txt" "$h5vals" <<'PY' ||
import json, math, sys
doc = json.load(open(sys.argv[1]))
table = open(sys.argv[2], encoding="utf-8").read()
names = ["baseline", "pdel-ringfenced", "long-term", "adaptive"]
assert list(doc["scenarios"]) == names, list(doc["scenarios"])
comps = doc["comparisons"]
assert [(c["a"], c["b"]) for c in comps] == [("baseline", b) for b in names[1:]], comps
for c in comps:
    # The table prints the same numbers, rounded.
    want = "mean %+.1f (se %.1f, sd %.1f)" % (c["npv_diff_mean"], c["npv_diff_se"], c["npv_diff_sd"])
    assert want in table, (c["b"], want)
    assert "mean %+.1f (se %.1f)" % (c["exchequer_diff_mean"], c["exchequer_diff_se"]) in table, c["b"]
    for m, d in c["p_achieved_diff"].items():
        assert ("P(achieved) change, %s" % m) in table and ("%+.3f" % d) in table, (c["b"], m)
    # Common random numbers: the difference is far more precise than either mean.
    se = [doc["scenarios"][k]["dynamic"]["metrics"]["npv"]["se"] for k in (c["a"], c["b"])]
    assert c["npv_diff_se"] < min(se), (c["b"], c["npv_diff_se"], se)
# The HDF5 /comparisons group holds the same values.
h5 = {}
for line in open(sys.argv[3]):
    b, v, x = line.split()
    h5[(b, v)] = float(x)
for c in comps:
    for v in ("npv_diff_mean", "npv_diff_sd", "npv_diff_se", "p_b_better",
              "exchequer_diff_mean", "exchequer_diff_se"):
        if h5:
            assert math.isclose(h5[(c["b"], v)], c[v], rel_tol=1e-15, abs_tol=0), (c["b"], v)
PY
    fail "the batch's comparisons differ between the table, --json and the HDF5 file"
fi

finish
