#!/usr/bin/env bash
# Scenario variants with `extends` from the command line: `mpsim validate
# --resolved` prints the merged scenario as YAML (exit 0) that validates and
# resolves to itself; errors after merging name the file and line where the
# key was written; a cycle and a missing file exit 2; --resolved is a flag
# of validate only, and does not combine with --json.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"

mkdir -p "$WORK/variants/base"
cat >"$WORK/variants/base/portfolio.yaml" <<'YAML'
mpsim: 1
name: baseline
base_year: 2025
funding:
  churn: 0.02
  cuts: {applies_to: [RDEL, PDEL], probability: 0.3, fraction: 0.2}
management: {review_every: 3, signal_noise: 0.5}
missions:
  - id: health
    projects:
      - id: screening
        category: PDEL
        cost: {profile: [10, 10, 10]}
        prevention: {effect: {dist: lognormal, median: 0.35, p90: 0.7}, lag: 2, persistence: 0.85}
      - id: admin
        category: RDEL
        cost: {profile: [5, 5], overrun: {dist: lognormal, median: 1.1, p90: 1.8}}
        benefits: {annual: {dist: lognormal, median: 3, p90: 8}, type: saving}
YAML
cat >"$WORK/variants/ringfenced.yaml" <<'YAML'
# PDEL protected from cuts; no adaptive management.
extends: base/portfolio.yaml
name: ringfenced
funding: {ringfence: [PDEL]}
management: null
missions:
  - id: health
    projects:
      - id: admin
        drop: true
      - id: falls
        category: PDEL
        cost: {profile: [4, 4]}
YAML

# --- --resolved prints the merged scenario, and nothing else
mpsim validate --resolved "$WORK/variants/ringfenced.yaml"
expect_rc 0 "validate --resolved"
expect_empty "$ERR" "validate --resolved (stderr)"
expect_contains "$OUT" "name: ringfenced" "the child's name"
expect_contains "$OUT" "ringfence: [PDEL]" "the child's ringfence"
expect_contains "$OUT" "churn: 0.02" "the inherited churn"
expect_contains "$OUT" "id: falls" "the new project"
expect_not_contains "$OUT" "extends" "no extends left"
expect_not_contains "$OUT" "management" "management deleted"
expect_not_contains "$OUT" "id: admin" "admin dropped"
expect_not_contains "$OUT" "PDEL protected" "comments are not kept"
expect_cwd_empty "validate --resolved"

# --- the output is a scenario of its own that resolves to itself
cp "$OUT" "$WORK/resolved.yaml"
mpsim validate --resolved "$WORK/resolved.yaml"
expect_rc 0 "validate --resolved on the resolved scenario"
CHECKS=$((CHECKS + 1))
cmp -s "$OUT" "$WORK/resolved.yaml" || fail "the resolved scenario does not resolve to itself"

# --- a file without extends prints too; several files print as a stream
mpsim validate --resolved "$WORK/variants/base/portfolio.yaml" "$WORK/variants/ringfenced.yaml"
expect_rc 0 "validate --resolved on two files"
expect_contains "$OUT" "--- # $WORK/variants/base/portfolio.yaml" "the first document's header"
expect_contains "$OUT" "--- # $WORK/variants/ringfenced.yaml" "the second document's header"
expect_contains "$OUT" "name: baseline" "the first scenario"

# --- without --resolved, validate stays silent
mpsim validate "$WORK/variants/ringfenced.yaml"
expect_rc 0 "validate a variant"
expect_empty "$OUT" "validate a variant (stdout)"

# --- an error after merging names the file and line where it was written
cat >"$WORK/variants/bad-child.yaml" <<'YAML'
extends: base/portfolio.yaml
name: bad-child
funding: {cuts: {fraction: 1.5}}
YAML
mpsim validate --resolved "$WORK/variants/bad-child.yaml"
expect_rc 2 "an error in the child"
expect_empty "$OUT" "an error in the child (stdout)"
expect_contains "$ERR" "bad-child.yaml:3:28: funding.cuts.fraction: must be in [0, 1] (got 1.5)" \
  "the error points into the child"
sed 's/persistence: 0.85/persistence: 2/' "$WORK/variants/base/portfolio.yaml" >"$WORK/variants/base/bad.yaml"
printf 'extends: base/bad.yaml\nname: inherits-bad\n' >"$WORK/variants/inherits-bad.yaml"
mpsim validate "$WORK/variants/inherits-bad.yaml"
expect_rc 2 "an error inherited from the parent"
expect_contains "$ERR" "base/bad.yaml:14:" "the error points into the parent"
expect_contains "$ERR" "missions.health.projects.screening.prevention.persistence" "its key path"

# --- batch rules: a variant that inherits its name clashes with its parent
printf 'extends: base/portfolio.yaml\nfunding: {churn: 0.05}\n' >"$WORK/variants/no-name.yaml"
mpsim validate "$WORK/variants/base/portfolio.yaml" "$WORK/variants/no-name.yaml"
expect_rc 2 "a variant without its own name"
expect_contains "$ERR" "scenario name 'baseline' of $WORK/variants/no-name.yaml (inherited from here)" \
  "the inherited name is blamed where it was written"

# --- a cycle and a missing file
printf 'extends: b.yaml\nname: a\n' >"$WORK/variants/a.yaml"
printf 'extends: a.yaml\nname: b\n' >"$WORK/variants/b.yaml"
mpsim validate --resolved "$WORK/variants/a.yaml"
expect_rc 2 "a cycle of extends"
expect_contains "$ERR" "a.yaml:1:10: extends: extends forms a cycle: $WORK/variants/a.yaml -> $WORK/variants/b.yaml -> $WORK/variants/a.yaml" \
  "the cycle names the chain"
expect_empty "$OUT" "a cycle (stdout)"
printf 'extends: nowhere.yaml\nname: lost\n' >"$WORK/variants/lost.yaml"
mpsim validate --json "$WORK/variants/lost.yaml"
expect_rc 2 "extends of a missing file"
expect_contains "$OUT" "nowhere.yaml" "the missing file is named"
expect_contains "$OUT" '"line": 1' "at the extends line"

# --- usage
mpsim validate --resolved --json "$WORK/variants/ringfenced.yaml"
expect_rc 2 "--resolved with --json"
expect_contains "$ERR" "--resolved and --json cannot be combined" "--resolved with --json"
expect_empty "$OUT" "--resolved with --json (stdout)"
mpsim static --resolved "$WORK/variants/ringfenced.yaml"
expect_rc 2 "--resolved on static"
expect_contains "$ERR" "'--resolved' does not apply" "--resolved is validate's"
mpsim validate --help
expect_rc 0 "validate --help"
expect_contains "$OUT" "--resolved" "validate --help mentions --resolved"

expect_cwd_empty "extends"
finish
