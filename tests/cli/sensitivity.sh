#!/usr/bin/env bash
# `mpsim sensitivity`: the file (default name, groups, dimension scales,
# descriptions), the table and --json, the value of information for a
# batch, 1 and 2 threads writing the same file, --help, and every bad
# input refused with exit 2 and nothing written.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"
source "$(dirname "${BASH_SOURCE[0]}")/lib/h5same.bash"

D="$SRC/tests/data/sensitivity"
A=missions.m.projects.a.benefits.annual

have_h5dump() { command -v h5dump >/dev/null 2>&1; }

# The default output name and the printed summary.
clean_cwd
mpsim sensitivity "$D/small.yaml" --samples 64
expect_rc 0 "sensitivity of one scenario"
expect_contains "$OUT" "sens-small: sensitivity of 5 inputs, 64 samples (448 paths" "summary line"
expect_contains "$OUT" "Tornado: E[NPV]" "tornado table"
expect_contains "$OUT" "Sobol' indices of npv" "indices table"
expect_contains "$OUT" "Switching values" "switching table"
expect_contains "$OUT" "independent normal scores" "correlated inputs said"
expect_contains "$ERR" "written to results/sens-small-sensitivity.h5" "where it went"
expect_cwd_only "default output" results/sens-small-sensitivity.h5

if have_h5dump; then
  F="$CWD/results/sens-small-sensitivity.h5"
  CHECKS=$((CHECKS + 1))
  h5dump -A "$F" >"$WORK/dump" 2>&1 || fail "h5dump of the sensitivity file"
  for obj in '/scenarios/sens-small/sensitivity/first_order' \
             '/scenarios/sens-small/sensitivity/total_se' \
             '/scenarios/sens-small/sensitivity/timeseries/net_benefit/first_order' \
             '/scenarios/sens-small/sensitivity/tornado/swing' \
             '/scenarios/sens-small/sensitivity/switching/dynamic_value'; do
    CHECKS=$((CHECKS + 1))
    h5dump -A -d "$obj" "$F" | grep 'ATTRIBUTE "description"' >/dev/null ||
      fail "$obj is missing or has no description"
  done
  CHECKS=$((CHECKS + 1))
  h5dump -A -d /scenarios/sens-small/sensitivity/first_order "$F" | grep DIMENSION_LIST >/dev/null ||
    fail "first_order has no dimension scales"
  CHECKS=$((CHECKS + 1))
  got="$(h5dump -d /scenarios/sens-small/sensitivity/first_order -H "$F" | grep -o 'DATASPACE  SIMPLE { ( [0-9, ]* )' | head -n 1)"
  [ "$got" = "DATASPACE  SIMPLE { ( 5, 4 )" ] || fail "first_order is [input, output]: got '$got'"
fi

# Threads change nothing; --json; --inputs and --outputs.
clean_cwd
mpsim sensitivity "$D/small.yaml" --samples 64 --threads 1 -o one.h5 -q --json
expect_rc 0 "one thread"
cp "$OUT" "$WORK/one.json"
mpsim sensitivity "$D/small.yaml" --samples 64 --threads 2 -o two.h5 -q --json
expect_rc 0 "two threads"
CHECKS=$((CHECKS + 1))
cmp -s "$OUT" "$WORK/one.json" || fail "--json differs between 1 and 2 threads"
if have_h5dump; then
  expect_h5_same "$CWD/one.h5" "$CWD/two.h5" "1 and 2 threads"
fi
if have_python; then
  CHECKS=$((CHECKS + 1))
  python3 - "$OUT" <<'EOF' || fail "--json: unexpected document"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["format"] == "mpsim-sensitivity" and d["samples"] == 64 and d["voi"] is None
s = d["scenarios"]["sens-small"]
assert len(s["inputs"]) == 5 and s["inputs"][0]["correlated"] is False
assert set(s["indices"]) == {"npv", "pv_benefits", "pvc", "achieved:m"}
npv = s["indices"]["npv"]
assert abs(npv["unexplained"] - (1 - npv["first_order_sum"])) < 1e-12
swings = [b["swing"] for b in s["tornado"]["bars"]]
assert swings == sorted(swings, reverse=True)
assert len(s["timeseries"]["net_benefit"]["years"]) == 15
assert "mission_m" in s["timeseries"]
EOF
fi

clean_cwd
mpsim sensitivity "$D/small.yaml" --samples 64 --inputs "$A,missions.m.projects.b.delay" \
  --outputs npv,bcr -o io.h5 -q --json
expect_rc 0 "--inputs and --outputs"
if have_python; then
  CHECKS=$((CHECKS + 1))
  python3 - "$OUT" <<'EOF' || fail "--inputs/--outputs: unexpected document"
import json, sys
s = json.load(open(sys.argv[1]))["scenarios"]["sens-small"]
assert [i["key_path"] for i in s["inputs"]] == [
    "missions.m.projects.a.benefits.annual", "missions.m.projects.b.delay"]
assert s["inputs"][0]["correlated"] is True
assert set(s["indices"]) == {"npv", "bcr"} and s["timeseries"] == {}
EOF
fi

# A batch of alternatives: EVPI and EVPPI.
clean_cwd
mpsim sensitivity "$D/small.yaml" "$D/small-alt.yaml" --samples 128 --outputs npv -o voi.h5 -q
expect_rc 0 "batch"
expect_contains "$OUT" "Value of information over 2 alternatives" "VOI table"
expect_contains "$OUT" "EVPI" "EVPI printed"
if have_h5dump; then
  CHECKS=$((CHECKS + 1))
  h5dump -A -d /voi/evppi "$CWD/voi.h5" | grep '"GBP million' >/dev/null || fail "/voi/evppi has no units"
fi

# Help.
mpsim sensitivity --help
expect_rc 0 "sensitivity --help"
expect_contains "$OUT" "N (k + 2) paths" "help gives the cost"

# Bad input: exit 2, a clear message, nothing written.
bad() {
  local what="$1" needle="$2"
  shift 2
  clean_cwd
  mpsim sensitivity "$@"
  expect_rc 2 "$what"
  expect_contains "$ERR" "$needle" "$what"
  expect_cwd_empty "$what"
}
bad "unknown key path" "nearest: missions.m.projects.a.benefits.annual" \
  "$D/small.yaml" --inputs missions.m.projects.a.benefits.anual
bad "key path names the file" "small.yaml" \
  "$D/small.yaml" --inputs missions.m.projects.zz.delay
bad "fixed input" "fixed number" \
  "$D/small.yaml" --inputs missions.m.projects.a.delay
bad "too few samples" "between 64" "$D/small.yaml" --samples 10
bad "unknown output" "unknown output 'nvp'" "$D/small.yaml" --outputs npv,nvp
bad "empty list item" "empty key path" "$D/small.yaml" --inputs "$A,"
bad "no scenario" "give at least one scenario file"
bad "bad --samples" "--samples must be" "$D/small.yaml" --samples 1e5
bad "option of another command" "does not apply" "$D/small.yaml" --paths 10

finish
