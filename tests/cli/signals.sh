#!/usr/bin/env bash
# Interrupted runs: SIGINT exits 130 and SIGTERM 143, saying "interrupted;
# nothing written", and leave no file (final or temporary) behind.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"

# wait_for_handlers PID: waits (up to 10 s) until the process catches both
# SIGINT (bit 2) and SIGTERM (bit 15) according to /proc, so that a slow
# start (a loaded machine, a sanitizer build) cannot make the test send the
# signal before mpsim is ready for it.
wait_for_handlers() {
  local pid="$1" i mask
  for ((i = 0; i < 100; i++)); do
    mask="$(awk '/^SigCgt:/ {print $2}' "/proc/$pid/status" 2>/dev/null)"
    if [ -n "$mask" ] && (((16#$mask & 0x4002) == 0x4002)); then
      return 0
    fi
    sleep 0.1
  done
}

# interrupt SIGNAL STATUS: starts a long run of the demonstration, sends the
# signal after half a second, and checks the outcome.
interrupt() {
  local sig="$1" want="$2" pid
  clean_cwd
  # A background job of a non-interactive shell starts with SIGINT ignored;
  # mpsim installs its own handler, which is what this checks.
  # 20 million paths take many seconds on any machine, while the per-path
  # arrays the driver reserves (about 120 bytes a path) stay a few GB of
  # address space, which is only touched as paths complete.
  # The demonstration portfolio alone, not the four-scenario batch that a
  # run without arguments does, so the reserved arrays stay within the
  # default memory limit on small machines.
  (cd "$CWD" && exec "$MPSIM" run "$SRC/scenarios/demo.yaml" --paths 20000000 --quiet -o big.h5) \
    >"$OUT" 2>"$ERR" </dev/null &
  pid=$!
  BG_PIDS+=("$pid")
  wait_for_handlers "$pid"
  sleep 0.5
  CHECKS=$((CHECKS + 1))
  if ! kill -0 "$pid" 2>/dev/null; then
    wait "$pid"
    RC=$?
    fail "SIG$sig: the run ended (status $RC) before the signal was sent"
    show_last
    return
  fi
  kill -s "$sig" "$pid"
  # The run stops at the next block of paths; allow a generous margin
  # (sanitizer builds are slow) before calling it hung.
  local waited=0
  while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt 300 ]; do
    sleep 0.1
    waited=$((waited + 1))
  done
  CHECKS=$((CHECKS + 1))
  if kill -0 "$pid" 2>/dev/null; then
    fail "SIG$sig: the run did not stop within 30 s"
    kill -KILL "$pid" 2>/dev/null
  fi
  wait "$pid"
  RC=$?
  expect_rc "$want" "run stopped by SIG$sig"
  expect_contains "$ERR" "interrupted; nothing written" "run stopped by SIG$sig"
  expect_empty "$OUT" "run stopped by SIG$sig (stdout)"
  expect_cwd_empty "run stopped by SIG$sig"
}

interrupt INT 130
interrupt TERM 143
finish
