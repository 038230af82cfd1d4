#!/usr/bin/env bash
# mpsim run --checkpoint / --resume (docs/parallel-runs.md): a run stopped
# by SIGTERM, or killed with kill -9 after one or after several checkpoints,
# then resumed (with another thread count too), writes the file an
# uninterrupted run writes, bit for bit; the checkpoint is gone after; a
# checkpoint of another run, a damaged one or a missing one is refused
# (exit 2, saying why).
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"
source "$(dirname "${BASH_SOURCE[0]}")/lib/h5same.bash"
command -v h5dump >/dev/null 2>&1 || { echo "FAIL: h5dump (hdf5-tools) is needed" >&2; exit 1; }

DEMO="$SRC/scenarios/demo.yaml"
PATHS=60000 # four rounds of 16,384 paths, the last one short
# A checkpoint after every round, so that the test can stop the run at a
# known point without waiting a minute.
export MPSIM_CHECKPOINT_INTERVAL=0
REF="$WORK/reference.h5"
ROUND_BYTES=$((16384 * 15 * 8)) # one round of per-path metrics, one scenario

(cd "$CWD" && "$MPSIM" run "$DEMO" --paths "$PATHS" --threads 2 -q -o "$REF") >"$OUT" 2>"$ERR"
RC=$?
expect_rc 0 "the uninterrupted run"

# start_run THREADS: a checkpointed run in the background; sets PID.
start_run() {
  (cd "$CWD" && exec "$MPSIM" run "$DEMO" --paths "$PATHS" --threads "$1" --checkpoint -q \
    -o run.h5) >"$OUT" 2>"$ERR" </dev/null &
  PID=$!
  BG_PIDS+=("$PID")
}

# wait_rounds N: until the side file holds N rounds (up to 120 s).
wait_rounds() {
  local i size
  for ((i = 0; i < 1200; i++)); do
    size="$(stat -c %s "$CWD/run.h5.ckpt.paths" 2>/dev/null || echo 0)"
    [ "$size" -ge $(($1 * ROUND_BYTES)) ] && [ -f "$CWD/run.h5.ckpt" ] && return 0
    kill -0 "$PID" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

# resume_and_compare THREADS WHAT: resumes, and checks the result and
# that only the results file is left.
resume_and_compare() {
  mpsim run "$DEMO" --paths "$PATHS" --threads "$1" --resume -q -o run.h5
  expect_rc 0 "$2: resumed"
  expect_h5_same "$REF" "$CWD/run.h5" "$2"
  expect_cwd_only "$2: the checkpoint removed" run.h5
}

# SIGTERM after the first checkpoint: the round in flight finishes, the
# checkpoint is written, the message gives the command that resumes.
clean_cwd
start_run 2
wait_rounds 1 || fail "SIGTERM: no checkpoint appeared"
kill -TERM "$PID"
wait "$PID"
RC=$?
expect_rc 143 "stopped by SIGTERM"
expect_contains "$ERR" "mpsim run: stopped after " "stopped by SIGTERM"
expect_contains "$ERR" " of $PATHS paths; resume with: " "stopped by SIGTERM"
CHECKS=$((CHECKS + 1))
[ ! -e "$CWD/run.h5" ] || fail "SIGTERM: a results file was left at the target path"
expect_cwd_only "stopped by SIGTERM: only the checkpoint" run.h5.ckpt run.h5.ckpt.paths
# The printed command, run as printed, finishes the job.
resume_cmd="$(sed -n 's/^mpsim run: stopped after .* resume with: //p' "$ERR")"
CHECKS=$((CHECKS + 1))
case "$resume_cmd" in
  *" --resume") ;;
  *) fail "the resume command does not end with --resume: $resume_cmd" ;;
esac
(cd "$CWD" && eval "$resume_cmd") >"$OUT" 2>"$ERR" </dev/null
RC=$?
expect_rc 0 "the printed resume command"
expect_h5_same "$REF" "$CWD/run.h5" "SIGTERM, then the printed command"
expect_cwd_only "resumed after SIGTERM: the checkpoint removed" run.h5

# kill -9 after the first checkpoint, and after several; resumed with
# another thread count.
for case in "1 2 1" "3 1 2"; do
  set -- $case
  clean_cwd
  start_run "$2"
  wait_rounds "$1" || fail "kill -9 after $1 rounds: the checkpoint did not get there"
  kill -KILL "$PID"
  wait "$PID" 2>/dev/null
  resume_and_compare "$3" "kill -9 after $1 round(s), resumed with $3 thread(s)"
done

# Refusals, each exit 2 with the reason, and the checkpoint left as it was.
clean_cwd
start_run 2
wait_rounds 1 || fail "no checkpoint for the refusal cases"
kill -KILL "$PID"
wait "$PID" 2>/dev/null
cp "$CWD/run.h5.ckpt" "$WORK/saved.ckpt"
mpsim run "$DEMO" --paths "$PATHS" --seed 7 --resume -q -o run.h5
expect_rc 2 "resuming another run's checkpoint"
expect_contains "$ERR" "the checkpoint is of a different run: its seed differs" "another seed"
mpsim run "$DEMO" --paths 70000 --resume -q -o run.h5
expect_rc 2 "resuming with another number of paths"
expect_contains "$ERR" "its number of paths differs" "another number of paths"
mpsim run "$SRC/scenarios/policy/baseline.yaml" --paths "$PATHS" --resume -q -o run.h5
expect_rc 2 "resuming with other scenarios"
expect_contains "$ERR" "differs" "other scenarios"
mpsim run "$DEMO" --paths "$PATHS" --checkpoint -q -o run.h5
expect_rc 2 "a fresh --checkpoint run over an existing checkpoint"
expect_contains "$ERR" "add --resume to continue it" "existing checkpoint"
CHECKS=$((CHECKS + 1))
cmp -s "$CWD/run.h5.ckpt" "$WORK/saved.ckpt" || fail "a refused resume changed the checkpoint"
# One byte changed: the checksum finds it.
printf 'X' | dd of="$CWD/run.h5.ckpt" bs=1 seek=300 conv=notrunc 2>/dev/null
mpsim run "$DEMO" --paths "$PATHS" --resume -q -o run.h5
expect_rc 2 "resuming a corrupted checkpoint"
expect_contains "$ERR" "does not match its checksum" "corrupted checkpoint"
CHECKS=$((CHECKS + 1))
[ ! -e "$CWD/run.h5" ] || fail "a refused resume wrote a results file"
# Missing.
rm -f "$CWD/run.h5.ckpt" "$CWD/run.h5.ckpt.paths"
mpsim run "$DEMO" --paths "$PATHS" --resume -q -o run.h5
expect_rc 2 "resuming without a checkpoint"
expect_contains "$ERR" "no checkpoint to resume from" "missing checkpoint"
# Kept paths are written as the run goes: no checkpoints for them.
mpsim run "$DEMO" --paths "$PATHS" --checkpoint --keep-paths -q -o run.h5
expect_rc 2 "--checkpoint with --keep-paths"
expect_contains "$ERR" "cannot be combined with --keep-paths" "--checkpoint with --keep-paths"
expect_cwd_empty "refused runs"

finish
