#!/usr/bin/env bash
# `mpsim run --keep-paths`: per-path metrics written while the run goes.
#
#  - The file without its paths/ groups is the same as a run without
#    --keep-paths (every object, attribute and value; only the root
#    attributes created and command_line may differ), and the whole file,
#    paths included, is the same on 1 and 2 threads.
#  - The paths hold one value a path for every metric, in a chunked,
#    extendible dataset; shuffle + deflate level 1 by default, another
#    level or none with --compression, recorded on the paths group.
#  - The mean of the kept npv paths is the summary's mean.
#  - SIGINT, SIGTERM and SIGUSR1 while the file is being written leave
#    nothing behind (exit 128 + signal).
#  - `mpsim show` of a file with kept paths does not read them: its peak
#    memory is that of showing the same file without them.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"

command -v h5dump >/dev/null 2>&1 || { echo "keep_paths.sh: h5dump not found; skipped"; exit 0; }

SMALL="$SRC/tests/data/reliability/small.yaml"
# Two rounds of the run driver (16384 paths each), the second one short.
N=20000

# dump FILE: the file as h5dump prints it, without the paths/ groups, the
# root attributes that are allowed to differ and the object addresses in
# dimension-scale references (they depend on the order of writing).
dump() {
  h5dump "$1" | sed 1d | awk '
    skip == "" && /^ *(GROUP "paths"|ATTRIBUTE "created"|ATTRIBUTE "command_line") \{$/ {
      match($0, /^ */); skip = substr($0, 1, RLENGTH) "}"; next }
    skip != "" { if ($0 == skip) skip = ""; next }
    { print }' | sed -E 's/(DATASET|GROUP) [0-9]+ /\1 /g'
}

# dump_all FILE: the whole file but created, command_line and addresses.
dump_all() {
  h5dump "$1" | sed 1d | awk '
    skip == "" && /^ *(ATTRIBUTE "created"|ATTRIBUTE "command_line") \{$/ {
      match($0, /^ */); skip = substr($0, 1, RLENGTH) "}"; next }
    skip != "" { if ($0 == skip) skip = ""; next }
    { print }' | sed -E 's/(DATASET|GROUP) [0-9]+ /\1 /g'
}

# expect_same_dump A B WHAT
expect_same_dump() {
  CHECKS=$((CHECKS + 1))
  if ! diff -u "$1" "$2" >"$WORK/diff"; then
    fail "$3: files differ"
    head -n 30 "$WORK/diff" >&2
  fi
}

# --- the same results with and without --keep-paths, on 1 and 2 threads
mpsim run "$SMALL" --paths $N --seed 11 --threads 2 --quiet -o plain.h5
expect_rc 0 "run without --keep-paths"
mpsim run "$SMALL" --paths $N --seed 11 --threads 2 --keep-paths --quiet -o kept2.h5
expect_rc 0 "run --keep-paths, 2 threads"
mpsim run "$SMALL" --paths $N --seed 11 --threads 1 --keep-paths --quiet -o kept1.h5
expect_rc 0 "run --keep-paths, 1 thread"
expect_cwd_only "no temporary file left" plain.h5 kept1.h5 kept2.h5
dump "$CWD/plain.h5" >"$WORK/plain.dump"
dump "$CWD/kept2.h5" >"$WORK/kept2.dump"
expect_same_dump "$WORK/plain.dump" "$WORK/kept2.dump" "outside paths/, with and without --keep-paths"
dump_all "$CWD/kept1.h5" >"$WORK/kept1.all"
dump_all "$CWD/kept2.h5" >"$WORK/kept2.all"
expect_same_dump "$WORK/kept1.all" "$WORK/kept2.all" "the whole file on 1 and 2 threads"
# The comparison can fail: another seed differs.
mpsim run "$SMALL" --paths $N --seed 12 --threads 2 --quiet -o seed12.h5
dump "$CWD/seed12.h5" >"$WORK/seed12.dump"
CHECKS=$((CHECKS + 1))
cmp -s "$WORK/plain.dump" "$WORK/seed12.dump" && fail "the dump comparison cannot tell seeds apart"

# --- the layout of the paths
h5dump -p -H "$CWD/kept2.h5" >"$WORK/kept.h"
metrics=$(grep -c '^ *DATASET "[a-z_0-9]*" {' <(h5dump -H -g /scenarios/small/paths "$CWD/kept2.h5"))
CHECKS=$((CHECKS + 1))
[ "$metrics" -eq 15 ] || fail "expected 15 per-path datasets, found $metrics"
h5dump -p -H -d /scenarios/small/paths/npv "$CWD/kept2.h5" >"$WORK/npv.h"
expect_contains "$WORK/npv.h" "( $N ) / ( H5S_UNLIMITED )" "paths/npv: one value a path, extendible"
expect_contains "$WORK/npv.h" "CHUNKED ( 16384 )" "paths/npv: chunks of one round"
expect_contains "$WORK/npv.h" "PREPROCESSING SHUFFLE" "paths/npv: shuffled by default"
expect_contains "$WORK/npv.h" "COMPRESSION DEFLATE { LEVEL 1 }" "paths/npv: deflate level 1 by default"
h5dump -a /scenarios/small/paths/compression "$CWD/kept2.h5" >"$WORK/attr"
expect_contains "$WORK/attr" '"shuffle + deflate level 1"' "paths group records its filters"

# --- --compression none and a level: other filters, the same values
mpsim run "$SMALL" --paths $N --seed 11 --keep-paths --compression none --quiet -o none.h5
expect_rc 0 "run --compression none"
mpsim run "$SMALL" --paths $N --seed 11 --keep-paths --compression 6 --quiet -o six.h5
expect_rc 0 "run --compression 6"
h5dump -p -H -d /scenarios/small/paths/npv "$CWD/none.h5" >"$WORK/none.h"
expect_not_contains "$WORK/none.h" "DEFLATE" "--compression none: no deflate"
expect_not_contains "$WORK/none.h" "SHUFFLE" "--compression none: no shuffle"
h5dump -a /scenarios/small/paths/compression "$CWD/none.h5" >"$WORK/attr"
expect_contains "$WORK/attr" '"none"' "--compression none is recorded"
h5dump -p -H -d /scenarios/small/paths/npv "$CWD/six.h5" >"$WORK/six.h"
expect_contains "$WORK/six.h" "COMPRESSION DEFLATE { LEVEL 6 }" "--compression 6"
for f in none six; do
  CHECKS=$((CHECKS + 1))
  cmp -s <(h5dump -d /scenarios/small/paths/npv -y "$CWD/kept2.h5" | sed 1d | grep -v 'STORAGE\|FILTERS') \
         <(h5dump -d /scenarios/small/paths/npv -y "$CWD/$f.h5" | sed 1d | grep -v 'STORAGE\|FILTERS') ||
    fail "--compression $f changed the kept values"
done
CHECKS=$((CHECKS + 1))
[ "$(stat -c %s "$CWD/none.h5")" -gt "$(stat -c %s "$CWD/kept2.h5")" ] ||
  fail "--compression none should give a larger file than the default"
mpsim run "$SMALL" --paths 100 --compression 3 --quiet -o x.h5
expect_rc 2 "--compression without --keep-paths"
expect_contains "$ERR" "--compression applies to --keep-paths" "--compression without --keep-paths"

# --- the kept npv paths average to the summary's mean (17 digits printed)
mean_paths=$(h5dump -d /scenarios/small/paths/npv -y -m %.17g "$CWD/kept2.h5" |
  sed -n '/DATA {/,/}/p' | tr -s ' ,' '\n\n' | grep -E '^-?[0-9]' |
  awk '{ s += $1; n++ } END { printf "%.6f %d", s / n, n }')
mpsim show "$CWD/kept2.h5" --json
mean_show=$(python3 -c 'import json,sys; print("%.6f" % json.load(open(sys.argv[1]))["scenarios"]["small"]["dynamic"]["metrics"]["npv"]["mean"])' "$OUT" 2>/dev/null)
CHECKS=$((CHECKS + 1))
if [ -n "$mean_show" ]; then
  [ "$mean_paths" = "$mean_show $N" ] ||
    fail "mean of the kept npv paths ($mean_paths) is not the summary's ($mean_show over $N)"
fi

# --- show does not read the kept paths: 400k paths (46 MB of doubles
# uncompressed) add nothing to its peak memory
if [ -x /usr/bin/time ]; then
  mpsim run "$SMALL" --paths 400000 --seed 3 --keep-paths --compression none --quiet -o big.h5
  expect_rc 0 "a run keeping 400000 paths"
  mpsim run "$SMALL" --paths 400000 --seed 3 --quiet -o small.h5
  peak() {
    (cd "$CWD" && /usr/bin/time -f %M "$MPSIM" show "$1" --json 2>&1 >/dev/null | tail -n 1)
  }
  with=$(peak big.h5)
  without=$(peak small.h5)
  CHECKS=$((CHECKS + 1))
  [ "$with" -lt $((without + 8192)) ] ||
    fail "show of a file with kept paths peaks at $with KiB, without them $without KiB"
fi

# --- signals while the file is being written: nothing left behind
# interrupt SIGNAL STATUS: a long --keep-paths run of the demonstration,
# signalled once its temporary file exists (a round has been written).
interrupt() {
  local sig="$1" want="$2" pid i
  clean_cwd
  (cd "$CWD" && exec "$MPSIM" run "$SRC/scenarios/demo.yaml" --paths 20000000 --threads 2 \
     --keep-paths --quiet -o big.h5) >"$OUT" 2>"$ERR" </dev/null &
  pid=$!
  BG_PIDS+=("$pid")
  for ((i = 0; i < 600; i++)); do
    compgen -G "$CWD/big.h5.tmp-*" >/dev/null && break
    sleep 0.1
  done
  CHECKS=$((CHECKS + 1))
  compgen -G "$CWD/big.h5.tmp-*" >/dev/null || fail "SIG$sig: no temporary file appeared in 60 s"
  kill -s "$sig" "$pid"
  local waited=0
  while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt 600 ]; do
    sleep 0.1
    waited=$((waited + 1))
  done
  CHECKS=$((CHECKS + 1))
  if kill -0 "$pid" 2>/dev/null; then
    fail "SIG$sig: the run did not stop within 60 s"
    kill -KILL "$pid" 2>/dev/null
  fi
  wait "$pid"
  RC=$?
  expect_rc "$want" "--keep-paths run stopped by SIG$sig"
  expect_contains "$ERR" "interrupted; nothing written" "--keep-paths run stopped by SIG$sig"
  expect_cwd_empty "--keep-paths run stopped by SIG$sig"
}
interrupt INT 130
interrupt TERM 143
interrupt USR1 138

finish
