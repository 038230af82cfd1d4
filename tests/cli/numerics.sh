#!/usr/bin/env bash
# Numerical safety: valid but extreme inputs (tests/data/extreme/) give a
# correct, finite result (ok-*.yaml) or a clear error naming the input that
# caused the overflow (err-*.yaml): exit 2, nothing written, never NaN or
# infinity passed off as a result.  Both `run` and `static` are checked.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"

DIR="$SRC/tests/data/extreme"

# expect_finite_json FILE WHAT: every number that must be a number is one.
# JSON has no NaN or infinity: mpsim writes null for a value that is not a
# number, so a null where the specification allows none is the failure.
# Allowed nulls: BCR statistics and P(BCR > 1) when no path has PVC > 0,
# the static BCR when PVC <= 0, mission quantiles without a target.
expect_finite_json() {
  CHECKS=$((CHECKS + 1))
  have_python || return 0
  local why
  if ! why="$(python3 - "$1" <<'EOF'
import json, math, sys
d = json.load(open(sys.argv[1]))
bad = []
def num(path, x):
    if x is None or not isinstance(x, (int, float)) or not math.isfinite(x):
        bad.append(path)
for name, s in d["scenarios"].items():
    st = s["static"]
    for k, v in st.items():
        if k == "bcr" and not st["pvc"] > 0:
            continue
        num(f"{name}.static.{k}", v)
    dyn = s.get("dynamic")
    if dyn:
        none_defined = dyn["bcr_undefined"] == d["paths"]
        for m, stats in dyn["metrics"].items():
            for k, v in stats.items():
                if m == "bcr" and (none_defined or (k in ("sd", "se") and d["paths"] - dyn["bcr_undefined"] < 2)):
                    continue
                if k in ("sd", "se") and d["paths"] < 2:
                    continue
                num(f"{name}.dynamic.metrics.{m}.{k}", v)
        for k in ("p_npv_negative", "expected_shortfall_5"):
            num(f"{name}.dynamic.{k}", dyn[k])
        for k, v in dyn["decomposition"].items():
            num(f"{name}.dynamic.decomposition.{k}", v)
        for p, pr in s["projects"].items():
            for k, v in pr.items():
                num(f"{name}.projects.{p}.{k}", v)
if bad:
    print(", ".join(bad[:8]))
    sys.exit(1)
EOF
)"; then
    fail "$2: not a number where one is due: $why"
  fi
}

n_ok=0
n_err=0
for f in "$DIR"/ok-*.yaml; do
  name="$(basename "$f" .yaml)"
  clean_cwd
  mpsim run "$f" --paths 2000 --json --quiet -o out.h5
  expect_rc 0 "$name: run"
  expect_empty "$ERR" "$name: run (stderr)"
  expect_finite_json "$OUT" "$name: run"
  mpsim static "$f" --json
  expect_rc 0 "$name: static"
  expect_finite_json "$OUT" "$name: static"
  n_ok=$((n_ok + 1))
done

# err-*.yaml: the second line of each file says which key must be named.
for f in "$DIR"/err-*.yaml; do
  name="$(basename "$f" .yaml)"
  key="$(sed -n 's/.*naming \([A-Za-z_.]*[A-Za-z_]\).*/\1/p' "$f" | head -n 1)"
  clean_cwd
  mpsim run "$f" --paths 2000 --json --quiet -o out.h5
  expect_rc 2 "$name: run"
  expect_empty "$OUT" "$name: run (stdout)"
  expect_cwd_empty "$name: run writes nothing"
  expect_contains "$ERR" "not a finite number" "$name: run says what overflowed"
  expect_contains "$ERR" "$key" "$name: run names the input ($key)"
  n_err=$((n_err + 1))
done

# The static appraisal alone: an infinite central value, discount factor or
# BCR is refused there too; the others (tails that only draws reach, spreads
# over paths) are not its concern and give finite numbers.
for name in err-benefit-mean-infinite err-rate-minus-099-horizon-1000 err-tiny-costs-bcr-overflow; do
  mpsim static "$DIR/$name.yaml" --json
  expect_rc 2 "$name: static"
  expect_contains "$ERR" "not a finite number" "$name: static says what overflowed"
done
for name in err-overrun-heavy-tail err-benefit-sd-1e307 err-costs-1e300 err-tiny-costs-bcr-sd-overflow; do
  mpsim static "$DIR/$name.yaml" --json
  expect_rc 0 "$name: static (draws are not its concern)"
  expect_finite_json "$OUT" "$name: static"
done

echo "numerics.sh: $n_ok extreme inputs with finite results, $n_err refused with the input named"
finish
