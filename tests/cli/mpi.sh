#!/usr/bin/env bash
# The MPI build (docs/parallel-runs.md): `mpirun -np K mpsim run` writes the
# file the serial build writes, bit for bit, for K = 1, 2, 3 and 1 or 2
# threads a rank, with exact and streamed quantiles, antithetic pairs, a
# precision target and --keep-paths; bad input exits 2 with one message;
# SIGUSR1 to mpirun stops a checkpointed run cleanly and any number of
# ranks resumes it.  In the serial build there is nothing to check.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"
source "$(dirname "${BASH_SOURCE[0]}")/lib/h5same.bash"
source "$(dirname "${BASH_SOURCE[0]}")/lib/mpi.bash"

mpi_setup mpi.sh

# serial NAME ARGS...: the serial build's run into $CWD/NAME.h5.
serial() {
  local name="$1"
  shift
  (cd "$CWD" && "$SERIAL" run "$@" -q -o "$name.h5") >"$OUT" 2>"$ERR" </dev/null
  RC=$?
  expect_rc 0 "serial $name"
}

# par NP THREADS NAME ARGS...: mpirun -np NP of the MPI build into NAME.h5.
par() {
  local np="$1" threads="$2" name="$3"
  shift 3
  (cd "$CWD" && "${MPIRUN[@]}" -np "$np" "$MPSIM" run "$@" --threads "$threads" -q \
    -o "$name.h5") >"$OUT" 2>"$ERR" </dev/null
  RC=$?
  expect_rc 0 "mpirun -np $np, $threads threads: $name"
}

clean_cwd

# The policy batch (four scenarios, common random numbers) over 5000 paths:
# 20 blocks, the last one short, shared out over the ranks.
serial exact --paths 5000
for run in "1 1" "2 1" "2 2" "3 1" "3 2"; do
  set -- $run
  par "$1" "$2" "exact-np$1-t$2" --paths 5000
  expect_h5_same "$CWD/exact.h5" "$CWD/exact-np$1-t$2.h5" "exact quantiles, -np $1, $2 threads"
done

# Streamed quantiles (histograms summed over ranks) with antithetic pairs.
MPSIM_QUANTILES=streamed serial streamed --paths 5000 --antithetic
for np in 2 3; do
  MPSIM_QUANTILES=streamed par "$np" 1 "streamed-np$np" --paths 5000 --antithetic
  expect_h5_same "$CWD/streamed.h5" "$CWD/streamed-np$np.h5" "streamed, antithetic, -np $np"
done
CHECKS=$((CHECKS + 1))
h5dump -a /quantile_method "$CWD/streamed-np2.h5" | grep streamed >/dev/null ||
  fail "MPSIM_QUANTILES=streamed did not stream the quantiles"

# A precision target: the rounds (16,384 paths) and the stop agreed by the
# ranks; the demonstration portfolio alone keeps it quick.
serial target "$SRC/scenarios/demo.yaml" --paths 60000 --target-se 0.02
for np in 2 3; do
  par "$np" 1 "target-np$np" "$SRC/scenarios/demo.yaml" --paths 60000 --target-se 0.02
  expect_h5_same "$CWD/target.h5" "$CWD/target-np$np.h5" "--target-se, -np $np"
done
CHECKS=$((CHECKS + 1))
h5dump -a /target_se_reached "$CWD/target.h5" | grep '(0): 1' >/dev/null ||
  fail "--target-se 0.02 was not reached before the cap: the stop went untested"

# --keep-paths: rank 0 writes every path's metrics as the rounds come in.
serial kept --paths 5000 --keep-paths
for np in 2 3; do
  par "$np" 1 "kept-np$np" --paths 5000 --keep-paths
  expect_h5_same "$CWD/kept.h5" "$CWD/kept-np$np.h5" "--keep-paths, -np $np"
done

# Bad input: exit 2 from every rank, the message once, nothing written.
clean_cwd
(cd "$CWD" && "${MPIRUN[@]}" -np 2 "$MPSIM" run "$SRC/scenarios/demo.yaml" --paths 1001 \
  --antithetic -q -o bad.h5) >"$OUT" 2>"$ERR" </dev/null
RC=$?
expect_rc 2 "mpirun with an odd number of antithetic paths"
CHECKS=$((CHECKS + 1))
n="$(grep -c 'must be even' "$ERR")"
[ "$n" -eq 1 ] || fail "the input error was printed $n times, not once"
expect_cwd_empty "mpirun with bad input"

# SIGUSR1 to mpirun (which forwards it) stops a checkpointed run after the
# round in flight; three ranks resume what two began.
# MPSIM_CHECKPOINT_INTERVAL=0: a checkpoint after every round.
serial full "$SRC/scenarios/demo.yaml" --paths 60000
(cd "$CWD" && MPSIM_CHECKPOINT_INTERVAL=0 exec "${MPIRUN[@]}" -np 2 "$MPSIM" run \
  "$SRC/scenarios/demo.yaml" --paths 60000 --threads 1 --checkpoint -q -o ck.h5) \
  >"$OUT" 2>"$ERR" </dev/null &
pid=$!
BG_PIDS+=("$pid")
for ((i = 0; i < 600; i++)); do # until the first checkpoint (up to 60 s)
  [ -f "$CWD/ck.h5.ckpt" ] && break
  sleep 0.1
done
CHECKS=$((CHECKS + 1))
[ -f "$CWD/ck.h5.ckpt" ] || fail "no checkpoint appeared"
kill -USR1 "$pid"
wait "$pid"
RC=$?
CHECKS=$((CHECKS + 1))
[ "$RC" -ne 0 ] || fail "mpirun stopped by SIGUSR1 exited 0"
expect_contains "$ERR" "resume with: mpirun -np 2" "run stopped by SIGUSR1"
CHECKS=$((CHECKS + 1))
[ ! -e "$CWD/ck.h5" ] || fail "a results file was left by the stopped run"
(cd "$CWD" && "${MPIRUN[@]}" -np 3 "$MPSIM" run "$SRC/scenarios/demo.yaml" --paths 60000 \
  --threads 1 --resume -q -o ck.h5) >"$OUT" 2>"$ERR" </dev/null
RC=$?
expect_rc 0 "resumed with -np 3"
expect_h5_same "$CWD/full.h5" "$CWD/ck.h5" "stopped under -np 2, resumed under -np 3"
CHECKS=$((CHECKS + 1))
[ ! -e "$CWD/ck.h5.ckpt" ] || fail "the checkpoint was not removed after the results"

finish
