#!/usr/bin/env bash
# Sweeps under MPI (docs/sweeps.md, "MPI"): `mpirun -np K mpsim sweep` deals
# the points to the ranks in rounds of K (the last few run on every rank
# together) and writes the serial build's sweep file bit for bit, for
# K = 1, 2, 3, with a grid, an lhs design and points that fail; a sweep
# stopped by SIGUSR1 on 2 ranks and resumed on 3 writes it too.  In the
# serial build there is nothing to check.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"
source "$(dirname "${BASH_SOURCE[0]}")/lib/sweep.bash"
source "$(dirname "${BASH_SOURCE[0]}")/lib/mpi.bash"

mpi_setup mpi_sweep.sh

# The sweep files are read relative to $SRC, so that failed points' error
# texts (which name the base scenario by path) are the same in every run.
DATA=tests/data/sweeps
mkdir -p "$WORK/keep"

# serial_sweep NAME SWEEP ARGS...: the serial build's sweep into keep/NAME.h5.
serial_sweep() {
  local name="$1" sweep="$2"
  shift 2
  (cd "$SRC" && "$SERIAL" sweep "$sweep" "$@" -q -o "$WORK/keep/$name.h5") \
    >"$OUT" 2>"$ERR" </dev/null
  RC=$?
  expect_rc 0 "serial sweep $name"
}

# par_sweep NP NAME SWEEP ARGS...: mpirun -np NP of the MPI build into $CWD/NAME.h5.
par_sweep() {
  local np="$1" name="$2" sweep="$3"
  shift 3
  (cd "$SRC" && "${MPIRUN[@]}" -np "$np" "$MPSIM" sweep "$sweep" "$@" --threads 1 -q \
    -o "$CWD/$name.h5") >"$OUT" 2>"$ERR" </dev/null
  RC=$?
  expect_rc 0 "mpirun -np $np sweep $name"
}

clean_cwd

# A 3 x 2 grid (rounds of 2 and of 3 ranks, none left over), an 8-point
# Latin hypercube (with 3 ranks: two rounds, then 2 points on all ranks),
# and a grid whose middle point fails (its error travels from rank 1).
serial_sweep grid "$DATA/grid.yaml"
serial_sweep lhs "$DATA/lhs.yaml"
serial_sweep failing "$DATA/failing.yaml"
for np in 1 2 3; do
  for name in grid lhs failing; do
    par_sweep "$np" "$name-np$np" "$DATA/$name.yaml"
    expect_same_sweep "$WORK/keep/$name.h5" "$CWD/$name-np$np.h5" "$name sweep, -np $np"
  done
done
CHECKS=$((CHECKS + 1))
h5dump -d /sweep/error "$CWD/failing-np2.h5" | grep -q 'p90 must be greater than median' ||
  fail "the failing point's error did not reach the sweep file under -np 2"

# SIGUSR1 to mpirun (which forwards it to every rank) stops a sweep on 2
# ranks after at least one round; 3 ranks resume it.  Enough paths that a
# point takes a while (about a second a point in a Debug build).
ARGS=(--paths 60000)
serial_sweep slow "$DATA/lhs.yaml" "${ARGS[@]}"
(cd "$SRC" && exec "${MPIRUN[@]}" -np 2 "$MPSIM" sweep "$DATA/lhs.yaml" "${ARGS[@]}" \
  --threads 1 -q -o "$CWD/slow.h5") >"$OUT" 2>"$ERR" </dev/null &
pid=$!
BG_PIDS+=("$pid")
CHECKS=$((CHECKS + 1))
wait_for_records "$CWD/slow.h5.journal" 2 "$pid" ||
  fail "no round of points was journalled before the sweep ended"
kill -USR1 "$pid"
wait "$pid"
RC=$?
CHECKS=$((CHECKS + 1))
[ "$RC" -ne 0 ] || fail "mpirun stopped by SIGUSR1 exited 0 (the sweep ran to its end?)"
expect_contains "$ERR" "resume with: mpsim sweep" "sweep stopped by SIGUSR1"
CHECKS=$((CHECKS + 1))
[ ! -e "$CWD/slow.h5" ] || fail "a sweep file was left by the stopped sweep"
recorded="$(journal_records "$CWD/slow.h5.journal")"
CHECKS=$((CHECKS + 1))
[ "$recorded" -ge 2 ] && [ "$recorded" -lt 8 ] ||
  fail "the stopped sweep's journal holds $recorded points, not 2 to 7"
par_sweep 3 slow "$DATA/lhs.yaml" "${ARGS[@]}" --resume
expect_same_sweep "$WORK/keep/slow.h5" "$CWD/slow.h5" "stopped under -np 2, resumed under -np 3"
CHECKS=$((CHECKS + 1))
[ ! -e "$CWD/slow.h5.journal" ] || fail "the journal was not removed after the sweep file"

finish
