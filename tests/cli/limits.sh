#!/usr/bin/env bash
# Memory limits: a run whose estimated memory exceeds --max-memory exits 2
# before simulating, names the estimate and the limit, and writes nothing
# (not even results/); --max-memory is parsed strictly; the default limit
# (a share of the memory this process may have) lets an ordinary run
# through and stops one too big for it.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"

SMALL="$SRC/tests/data/reliability/small.yaml"

# --- over the limit, with -o: exit 2, the numbers, nothing written
mpsim run "$SMALL" --paths 100000 --max-memory 1M --quiet -o out.h5
expect_rc 2 "run over --max-memory 1M"
expect_contains "$ERR" "this run needs about" "over the limit: names the estimate"
expect_contains "$ERR" "the limit is 1.00 MiB" "over the limit: names the limit"
expect_contains "$ERR" "100000 paths" "over the limit: names the paths"
expect_contains "$ERR" "--max-memory" "over the limit: says how to raise it"
expect_empty "$OUT" "over the limit (stdout)"
expect_cwd_empty "over the limit"

# --- the default output path: results/ is not even created
mpsim run "$SMALL" --paths 100000 --max-memory 500K --quiet
expect_rc 2 "run over --max-memory 500K, default output"
expect_contains "$ERR" "the limit is 500 KiB" "500K read as 500 KiB"
expect_cwd_empty "over the limit, default output path"

# --- an existing results file at the target is untouched by a refused run
mpsim run "$SMALL" --paths 500 --quiet -o keep.h5
expect_rc 0 "a small run"
cp "$CWD/keep.h5" "$WORK/keep.before"
mpsim run "$SMALL" --paths 100000 --max-memory 1M --quiet -o keep.h5
expect_rc 2 "refused run over an existing file"
CHECKS=$((CHECKS + 1))
cmp -s "$CWD/keep.h5" "$WORK/keep.before" || fail "a refused run changed the existing results file"
expect_cwd_only "refused run leaves only the old file" keep.h5
clean_cwd

# --- sizes that are accepted: suffixes, fractions, 0 = no limit
for size in 2G 2g 500M 1.5G 64MiB 64MB 1T 0 1073741824 40960K; do
  mpsim run "$SMALL" --paths 500 --max-memory "$size" --quiet -o ok.h5
  expect_rc 0 "--max-memory $size"
  expect_cwd_only "--max-memory $size writes the results" ok.h5
  clean_cwd
done
mpsim run "$SMALL" --paths 500 --max-memory=1G --quiet -o ok.h5
expect_rc 0 "--max-memory=1G"
clean_cwd

# --- sizes that are not: usage error, exit 2, nothing written
for size in "" 1e9 -1 +5G " 5G" "5G " 5X 5GG 0x10 1.5 .5G 5. 1,000 \
            99999999999999999999 20000000T 5Gi nan inf; do
  mpsim run "$SMALL" --paths 500 --max-memory "$size" --quiet -o bad.h5
  expect_rc 2 "--max-memory '$size'"
  expect_contains "$ERR" "--max-memory must be a size" "--max-memory '$size' explained"
  expect_cwd_empty "--max-memory '$size' writes nothing"
done
mpsim run "$SMALL" --max-memory
expect_rc 2 "--max-memory without a value"
mpsim validate "$SMALL" --max-memory 1G
expect_rc 2 "--max-memory is for run only"

# --- the default limit: 75% of the smallest of physical memory, the cgroup
# limit and the address-space limit.  `ulimit -v` sets the last, so the
# default can be pinned here whatever the machine: under 1 GiB the limit
# is 768 MiB, which fan charts of 1000 years on 4 threads exceed (whatever
# the number of paths).  Sanitizer builds reserve terabytes of address
# space and cannot run under ulimit -v: skipped there.
LONG="$SRC/tests/data/reliability/long.yaml"
if ldd "$MPSIM" 2>/dev/null | grep 'libasan\|libtsan' >/dev/null; then
  echo "limits.sh: note: sanitizer build, default-limit cases skipped"
else
  clean_cwd
  (cd "$CWD" && ulimit -v 1048576 && exec "$MPSIM" run "$LONG" --paths 2000 --threads 4 --quiet \
     -o long.h5) >"$OUT" 2>"$ERR" </dev/null
  RC=$?
  expect_rc 2 "the default limit under ulimit -v 1 GiB"
  expect_contains "$ERR" "the limit is 768 MiB" "the default limit is 75% of the address-space limit"
  expect_contains "$ERR" "lower --threads" "fan charts dominate: the advice says threads"
  expect_cwd_empty "the default limit: nothing written"
  # ... and lets an ordinary run through.
  (cd "$CWD" && ulimit -v 1048576 && exec "$MPSIM" run "$SMALL" --paths 2000 --quiet \
     -o fine.h5) >"$OUT" 2>"$ERR" </dev/null
  RC=$?
  expect_rc 0 "an ordinary run under the default limit"
fi

finish
