#!/usr/bin/env bash
# Sensitivity analyses under MPI (docs/sensitivity.md, "Threads and MPI
# ranks"): `mpirun -np K mpsim sensitivity` shares the Saltelli samples and
# the paths of every tornado, switching-value and value-of-information
# evaluation out over the ranks, and writes the serial build's file bit for
# bit, for K = 2 and 3, with 1 and 2 threads a rank.  In the serial build
# there is nothing to check.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"
source "$(dirname "${BASH_SOURCE[0]}")/lib/h5same.bash"
source "$(dirname "${BASH_SOURCE[0]}")/lib/mpi.bash"

mpi_setup mpi_sensitivity.sh
D="$SRC/tests/data/sensitivity"

# serial NAME ARGS...: the serial build's analysis into $CWD/NAME.h5.
serial() {
  local name="$1"
  shift
  (cd "$CWD" && "$SERIAL" sensitivity "$@" -q -o "$name.h5") >"$OUT" 2>"$ERR" </dev/null
  RC=$?
  expect_rc 0 "serial $name"
}

# par NP THREADS NAME ARGS...: mpirun -np NP of the MPI build into NAME.h5.
par() {
  local np="$1" threads="$2" name="$3"
  shift 3
  (cd "$CWD" && "${MPIRUN[@]}" -np "$np" "$MPSIM" sensitivity "$@" --threads "$threads" -q \
    -o "$name.h5") >"$OUT" 2>"$ERR" </dev/null
  RC=$?
  expect_rc 0 "mpirun -np $np, $threads threads: $name"
}

clean_cwd

# One scenario: Sobol' indices (100 samples: shares of 50 and of 33 or 34,
# cut inside the model's blocks of 16), tornado and switching values.
serial one "$D/small.yaml" --samples 100
for run in "2 1" "3 1" "3 2"; do
  set -- $run
  par "$1" "$2" "one-np$1-t$2" "$D/small.yaml" --samples 100
  expect_h5_same "$CWD/one.h5" "$CWD/one-np$1-t$2.h5" "one scenario, -np $1, $2 threads"
done
CHECKS=$((CHECKS + 1))
h5dump -d /scenarios/sens-small/sensitivity/first_order "$CWD/one-np2-t1.h5" >/dev/null 2>&1 ||
  fail "no Sobol' indices in the file written under -np 2"

# A batch of two: the value of information too.
serial batch "$D/small.yaml" "$D/small-alt.yaml" --samples 128 --outputs npv
for np in 2 3; do
  par "$np" 2 "batch-np$np" "$D/small.yaml" "$D/small-alt.yaml" --samples 128 --outputs npv
  expect_h5_same "$CWD/batch.h5" "$CWD/batch-np$np.h5" "a batch with EVPI and EVPPI, -np $np"
done

# SIGUSR1 to mpirun (which forwards it to every rank) stops a long
# analysis: the ranks agree after their shares, nothing is written.
(cd "$CWD" && exec "${MPIRUN[@]}" -np 2 "$MPSIM" sensitivity "$SRC/scenarios/demo.yaml" \
  --samples 4096 --threads 1 -q -o long.h5) >"$OUT" 2>"$ERR" </dev/null &
pid=$!
BG_PIDS+=("$pid")
sleep 3
kill -USR1 "$pid"
wait "$pid"
RC=$?
CHECKS=$((CHECKS + 1))
[ "$RC" -ne 0 ] || fail "mpirun stopped by SIGUSR1 exited 0 (the analysis ran to its end?)"
expect_contains "$ERR" "stopped; nothing written" "sensitivity stopped by SIGUSR1"
CHECKS=$((CHECKS + 1))
[ ! -e "$CWD/long.h5" ] || fail "a file was written by the stopped analysis"

# Bad input: exit 2 from every rank, the message once.
clean_cwd
(cd "$CWD" && "${MPIRUN[@]}" -np 2 "$MPSIM" sensitivity "$D/small.yaml" --samples 10 -q \
  -o bad.h5) >"$OUT" 2>"$ERR" </dev/null
RC=$?
expect_rc 2 "mpirun with too few samples"
CHECKS=$((CHECKS + 1))
n="$(grep -c 'base samples' "$ERR")"
[ "$n" -eq 1 ] || fail "the input error was printed $n times, not once"
expect_cwd_empty "mpirun with bad input"

finish
