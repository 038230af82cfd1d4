#!/usr/bin/env bash
# Stopping and resuming sweeps: SIGTERM and SIGUSR1 stop a sweep with
# 128 + signal, a message saying how to resume and the journal kept (no
# sweep file); kill -9 at several points loses at most the point in flight;
# `--resume` then finishes, removes the journal, and the file equals the
# uninterrupted sweep's bit for bit (interface.md's sense: all but created,
# command_line and /provenance).
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"
source "$(dirname "${BASH_SOURCE[0]}")/lib/sweep.bash"

SWEEP="$SRC/tests/data/sweeps/lhs.yaml"
# Enough paths that each of the 8 points takes a while on any build.
ARGS=(--paths 20000 -q)

if ! have_h5dump; then
  echo "sweep_resume.sh: h5dump (hdf5-tools) is needed to compare files" >&2
  exit 1
fi

clean_cwd
mpsim sweep "$SWEEP" "${ARGS[@]}" -o ref.h5
expect_rc 0 "uninterrupted sweep"
mkdir -p "$WORK/keep"
mv "$CWD/ref.h5" "$WORK/keep/ref.h5"
REF="$WORK/keep/ref.h5"

# start_sweep [--resume]: starts the sweep in the background into out.h5.
start_sweep() {
  (cd "$CWD" && exec "$MPSIM" sweep "$SWEEP" "${ARGS[@]}" -o out.h5 "$@") \
    >"$OUT" 2>"$ERR" </dev/null &
  PID=$!
  BG_PIDS+=("$PID")
}

# stop_at N SIGNAL STATUS: waits for N recorded points, sends SIGNAL, and
# checks the exit status (and, for a clean stop, the message and files).
stop_at() {
  local n="$1" sig="$2" want="$3"
  CHECKS=$((CHECKS + 1))
  if ! wait_for_records "$CWD/out.h5.journal" "$n" "$PID"; then
    fail "SIG$sig after $n points: the sweep ended before $n points were recorded"
    wait "$PID"
    return
  fi
  kill -s "$sig" "$PID"
  wait "$PID" 2>/dev/null
  RC=$?
  expect_rc "$want" "sweep stopped by SIG$sig after $n points"
  CHECKS=$((CHECKS + 1))
  [ -e "$CWD/out.h5" ] && fail "SIG$sig: a sweep file was written by a stopped sweep"
  [ -e "$CWD/out.h5.journal" ] || fail "SIG$sig: the journal is gone"
  if [ "$sig" != KILL ]; then
    expect_contains "$ERR" "stopped after" "SIG$sig message"
    expect_contains "$ERR" "resume with: mpsim sweep $SWEEP" "SIG$sig resume hint"
    expect_contains "$ERR" "--resume" "SIG$sig resume hint"
  fi
}

# finish_resumed WHAT: resumes to the end and compares with the reference.
finish_resumed() {
  mpsim sweep "$SWEEP" "${ARGS[@]}" -o out.h5 --resume
  expect_rc 0 "$1: resumed to the end"
  expect_cwd_only "$1: journal removed" out.h5
  expect_same_sweep "$REF" "$CWD/out.h5" "$1"
}

# Clean stops: SIGTERM after 1 point, then SIGUSR1 (Slurm's warning) after
# 3, then resume.
clean_cwd
start_sweep
stop_at 1 TERM 143
start_sweep --resume
stop_at 3 USR1 138
finish_resumed "SIGTERM, SIGUSR1, resume"

# kill -9 at several points (the record being written may be torn), then
# resume; and a SIGINT for good measure.
clean_cwd
start_sweep
stop_at 2 KILL 137
start_sweep --resume
stop_at 4 KILL 137
start_sweep --resume
stop_at 5 INT 130
finish_resumed "kill -9 twice, SIGINT, resume"

# A journal is tied to its sweep: resuming with another seed is refused.
clean_cwd
start_sweep
stop_at 1 TERM 143
mpsim sweep "$SWEEP" "${ARGS[@]}" -o out.h5 --resume --seed 5
expect_rc 2 "resume with another seed"
expect_contains "$ERR" "different sweep" "resume with another seed"
expect_cwd_only "resume with another seed" out.h5.journal

finish
