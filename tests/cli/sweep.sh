#!/usr/bin/env bash
# `mpsim sweep` and `mpsim merge`: output files and their default names, no
# journal left after success, --json, a failing point, a point equal to a
# plain `mpsim run` of the edited scenario, every bad sweep file refused
# with exit 2 and nothing written, a leftover journal refused without
# --resume, and shards merged equal to the unsharded sweep.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"
source "$(dirname "${BASH_SOURCE[0]}")/lib/sweep.bash"

D="$SRC/tests/data/sweeps"

# A grid sweep: the file, the table, nothing else left.
clean_cwd
mpsim sweep "$D/grid.yaml" -o g.h5
expect_rc 0 "grid sweep"
expect_contains "$OUT" "sweep test-grid: grid design, 6 points" "grid sweep table"
expect_contains "$ERR" "6/6 points done" "grid sweep progress"
expect_cwd_only "grid sweep" g.h5

# The default output name, and --quiet.
clean_cwd
mpsim sweep "$D/sobol.yaml" --quiet
expect_rc 0 "sobol sweep"
expect_empty "$ERR" "sobol sweep --quiet"
expect_cwd_only "sobol sweep default output" results/test-sobol.h5

# --json.
clean_cwd
mpsim sweep "$D/lhs.yaml" --json -q -o l.h5
expect_rc 0 "lhs sweep --json"
if have_python; then
  CHECKS=$((CHECKS + 1))
  python3 - "$OUT" <<'EOF' || fail "lhs sweep --json: unexpected document"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["format"] == "mpsim-sweep-summary" and d["points"] == 8 and d["failed"] == 0
assert len(d["results"]) == 8 and d["results"][0]["status"] == "ok"
assert set(d["results"][0]["values"]) == set(d["parameters"])
assert d["results"][0]["npv"]["se"] > 0
EOF
fi

# A point whose value is invalid fails; the sweep goes on and succeeds.
clean_cwd
mpsim sweep "$D/failing.yaml" -o f.h5
expect_rc 0 "sweep with a failing point"
expect_contains "$ERR" "1 of 3 points failed" "sweep with a failing point"
expect_contains "$OUT" "p90 must be greater than median" "sweep with a failing point (table)"
if have_h5dump; then
  CHECKS=$((CHECKS + 1))
  got="$(h5dump -y -w 0 -d /sweep/status "$CWD/f.h5" | first_data)"
  [ "$got" = "DATA{0,1,0}" ] || fail "failing point: /sweep/status is $got"
fi

# Point 3 of the grid (churn 0.02, stage p 0.9) equals a plain run of the
# base with that value written in, bit for bit.
if have_h5dump; then
  clean_cwd
  mpsim sweep "$D/grid.yaml" -q -o g.h5
  sed 's/{after: 2, p: 0.8}/{after: 2, p: 0.9}/' "$D/base.yaml" >"$CWD/edited.yaml"
  mpsim run edited.yaml --paths 100 -q -o r.h5
  expect_rc 0 "plain run of the edited base"
  CHECKS=$((CHECKS + 1))
  a="$(h5dump -y -w 0 -m %.17g -d /sweep/summary -s 3,0,0 -c 1,15,14 "$CWD/g.h5" |
    first_data)"
  b="$(h5dump -y -w 0 -m %.17g -d /scenarios/sweep-base/summary/values "$CWD/r.h5" |
    first_data)"
  if [ -z "$a" ] || [ "$a" != "$b" ]; then
    fail "grid point 3 differs from the plain run"
    echo "  sweep: ${a:0:200}" >&2
    echo "  run:   ${b:0:200}" >&2
  fi
fi

# Every bad sweep file: exit 2, the file named, nothing written.
n_bad=0
for f in "$SRC"/tests/data/bad/sweeps/*.yaml; do
  n_bad=$((n_bad + 1))
  clean_cwd
  mpsim sweep "$f" -o out.h5
  expect_rc 2 "bad sweep $(basename "$f")"
  expect_contains "$ERR" "$(basename "$f")" "bad sweep $(basename "$f") names the file"
  expect_cwd_empty "bad sweep $(basename "$f")"
done
CHECKS=$((CHECKS + 1))
[ "$n_bad" -ge 40 ] || fail "only $n_bad bad sweep files"

# A journal left by an unfinished sweep is not overwritten without --resume.
clean_cwd
echo "left over" >"$CWD/g.h5.journal"
mpsim sweep "$D/grid.yaml" -o g.h5
expect_rc 2 "leftover journal"
expect_contains "$ERR" "--resume" "leftover journal"
expect_cwd_only "leftover journal" g.h5.journal
CHECKS=$((CHECKS + 1))
[ "$(cat "$CWD/g.h5.journal")" = "left over" ] || fail "leftover journal was changed"

# Shards merged equal the unsharded sweep (the failing sweep: a failed
# point travels through the merge too).
clean_cwd
mpsim sweep "$D/lhs.yaml" -q -o whole.h5
expect_rc 0 "unsharded lhs sweep"
for i in 1 2 3; do
  mpsim sweep "$D/lhs.yaml" -q --shard "$i/3"
  expect_rc 0 "lhs shard $i/3"
done
expect_cwd_only "lhs shards" whole.h5 results/test-lhs.shard-1-of-3.h5 \
  results/test-lhs.shard-2-of-3.h5 results/test-lhs.shard-3-of-3.h5
mpsim merge results/test-lhs.shard-3-of-3.h5 results/test-lhs.shard-1-of-3.h5 \
  results/test-lhs.shard-2-of-3.h5 -o merged.h5
expect_rc 0 "merge"
expect_contains "$ERR" "8 points" "merge"
if have_h5dump; then
  expect_same_sweep "$CWD/whole.h5" "$CWD/merged.h5" "merged shards"
fi
# A missing shard, a repeated shard, a whole sweep, another sweep: exit 2.
mpsim merge results/test-lhs.shard-1-of-3.h5 results/test-lhs.shard-2-of-3.h5 -o bad.h5
expect_rc 2 "merge with a shard missing"
expect_contains "$ERR" "miss" "merge with a shard missing"
mpsim merge results/test-lhs.shard-1-of-3.h5 results/test-lhs.shard-1-of-3.h5 \
  results/test-lhs.shard-2-of-3.h5 results/test-lhs.shard-3-of-3.h5 -o bad.h5
expect_rc 2 "merge with a shard twice"
mpsim merge whole.h5 -o bad.h5
expect_rc 2 "merge of a whole sweep"
mpsim sweep "$D/lhs.yaml" -q --shard 2/3 --seed 9 -o other.h5
mpsim merge results/test-lhs.shard-1-of-3.h5 other.h5 results/test-lhs.shard-3-of-3.h5 -o bad.h5
expect_rc 2 "merge of shards of different sweeps"
expect_contains "$ERR" "different sweep" "merge of shards of different sweeps"
CHECKS=$((CHECKS + 1))
[ ! -e "$CWD/bad.h5" ] || fail "a refused merge wrote bad.h5"

finish
