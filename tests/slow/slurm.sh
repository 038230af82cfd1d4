#!/usr/bin/env bash
# The Slurm scripts of examples/slurm/ on a real, single-node Slurm that
# this test starts on the machine (the `slow` tier; docs/hpc.md records what
# it found).  It installs Debian's slurm-wlm and munge when missing, writes
# its own slurm.conf and munge key in a temporary directory (nothing under
# /etc is read or changed: SLURM_CONF names its file, and munged gets its
# own key, socket, pid and log files), starts munged, slurmctld and slurmd,
# and checks:
#
#  1. a sweep submitted with submit-sweep.sh (a job array of 3 shards and a
#     merge job with --dependency=afterok) gives the file an unsharded
#     `mpsim sweep` writes, bit for bit;
#  2. with an MPI build (MPSIM_MPI_BINARY, or mpi/mpsim beside the binary
#     under test, or build/mpi/mpsim), mpi-run.sbatch over 2 ranks gives a
#     serial run's results; without one this part is skipped and says so;
#  3. a shard sent SIGUSR1 the way Slurm's time-limit warning is
#     (`--signal=B:USR1@120`: to the batch shell, which passes it on) stops
#     with exit 138 and the resume message; submitted again it resumes from
#     its journal, and the merged file equals the unsharded sweep's;
#  4. a checkpointed run sent SIGUSR1 requeues itself, resumes from its
#     checkpoint and gives an uninterrupted run's results;
#  5. the real warning: a sweep shard with --time=1 --signal=B:USR1@50 is
#     stopped by Slurm itself before its limit, cleanly (exit 138).
#
#   bash tests/slow/slurm.sh build/mpsim .
#
# Exit 77 (ctest: skipped) when it cannot run: not root, or Slurm missing
# and apt-get unable to install it.  The daemons are stopped and the
# temporary directory removed however the test ends.
source "$(dirname "${BASH_SOURCE[0]}")/../cli/lib/common.bash"

# ------------------------------------------------------------- helpers

# slurm_skip WHY: exit 77, which ctest reports as skipped.
slurm_skip() {
    echo "slurm.sh: $*; skipped"
    exit 77
}

# slurm_install: Debian's slurm-wlm and munge, when a command is missing.
slurm_install() {
    local c missing=0
    for c in slurmctld slurmd slurmstepd sbatch scontrol sinfo squeue scancel munged; do
        command -v "$c" >/dev/null 2>&1 || missing=1
    done
    [ "$missing" = 0 ] && return 0
    command -v apt-get >/dev/null 2>&1 || slurm_skip "Slurm is not installed and there is no apt-get"
    echo "slurm.sh: installing slurm-wlm and munge with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get install -y --no-install-recommends slurm-wlm munge >"$WORK/apt.log" 2>&1; then
        apt-get update >>"$WORK/apt.log" 2>&1
        apt-get install -y --no-install-recommends slurm-wlm munge >>"$WORK/apt.log" 2>&1 ||
            slurm_skip "apt-get could not install slurm-wlm and munge ($(tail -n 1 "$WORK/apt.log"))"
    fi
}

# port_free PORT: nothing listens on it.
port_free() {
    ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# slurm_start: munged, slurmctld and slurmd, all on files under $WORK/slurm;
# returns once the node is idle.  Sets SLURM_CONF, SLURM_HOST, SLURM_VERSION.
slurm_start() {
    S="$WORK/slurm"
    # munged wants every directory above its socket searchable by all.
    chmod 755 "$WORK"
    mkdir -p "$S/etc" "$S/state" "$S/spool" "$S/log" "$S/run" "$S/munge"
    chmod 755 "$S" "$S/munge"
    mkdir -m 700 "$S/munge-key"
    dd if=/dev/urandom of="$S/munge-key/munge.key" bs=1024 count=1 status=none
    chmod 600 "$S/munge-key/munge.key"
    MUNGE_SOCKET="$S/munge/munge.socket"
    if ! munged --socket="$MUNGE_SOCKET" --key-file="$S/munge-key/munge.key" \
        --pid-file="$S/munge/munged.pid" --log-file="$S/munge-key/munged.log" \
        --seed-file="$S/munge-key/munged.seed" >"$S/log/munged.out" 2>&1; then
        fail "munged did not start"
        cat "$S/log/munged.out" "$S/munge-key/munged.log" >&2
        return 1
    fi

    SLURM_HOST="$(hostname -s)"
    local node port=$((20000 + $$ % 20000))
    while ! port_free "$port" || ! port_free $((port + 1)); do
        port=$((port + 2))
    done
    # The node as slurmd sees it (CPUs, sockets, cores, RealMemory).
    node="$(slurmd -C | head -n 1)"
    : >"$S/etc/plugstack.conf"
    cat >"$S/etc/slurm.conf" <<EOF
# Written by tests/slow/slurm.sh: a one-node cluster for the test only.
ClusterName=mpsimtest
SlurmctldHost=$SLURM_HOST(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$MUNGE_SOCKET
StateSaveLocation=$S/state
SlurmdSpoolDir=$S/spool
SlurmctldPidFile=$S/run/slurmctld.pid
SlurmdPidFile=$S/run/slurmd.pid
SlurmctldLogFile=$S/log/slurmctld.log
SlurmdLogFile=$S/log/slurmd.log
PlugStackConfig=$S/etc/plugstack.conf
MailProg=/bin/true
# No cgroups in a container: processes are tracked through /proc.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
# Finished jobs stay visible to scontrol for the whole test.
MinJobAge=3600
KillWait=30
$node NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=test Nodes=$SLURM_HOST Default=YES MaxTime=INFINITE State=UP
EOF
    export SLURM_CONF="$S/etc/slurm.conf"
    slurmctld -D >"$S/log/slurmctld.out" 2>&1 &
    CTLD_PID=$!
    slurmd -D >"$S/log/slurmd.out" 2>&1 &
    SLURMD_PID=$!
    local i state=""
    for ((i = 0; i < 120; i++)); do
        state="$(sinfo -h -n "$SLURM_HOST" -o %t 2>/dev/null)"
        [ "$state" = idle ] && break
        sleep 0.5
    done
    if [ "$state" != idle ]; then
        fail "the Slurm node did not become idle within 60 s (state '$state')"
        tail -n 20 "$S/log/slurmctld.log" "$S/log/slurmd.log" >&2
        return 1
    fi
    SLURM_VERSION="$(sinfo -V 2>/dev/null)"
}

# pid_alive PID
pid_alive() {
    [ -n "$1" ] && kill -0 "$1" 2>/dev/null
}

# pid_gone PID SECONDS: waits until the process has ended.
pid_gone() {
    local t
    for ((t = 0; t < $2 * 10; t++)); do
        pid_alive "$1" || return 0
        sleep 0.1
    done
}

# stop_pid PID [SECONDS]: TERM, then KILL after the grace period.
stop_pid() {
    local pid="$1" i
    pid_alive "$pid" || return 0
    kill -TERM "$pid" 2>/dev/null
    for ((i = 0; i < ${2:-10} * 10; i++)); do
        pid_alive "$pid" || return 0
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null
}

# slurm_cleanup: cancels the jobs, stops the daemons this test started (by
# their process ids) and removes $WORK; the EXIT trap.
slurm_cleanup() {
    local i pid name f
    # What the daemons said, to explain a failure.
    if [ "$FAILS" -gt 0 ] && [ -n "${S:-}" ]; then
        for f in "$S/log/slurmctld.log" "$S/log/slurmd.log"; do
            [ -f "$f" ] || continue
            echo "  --- $f (last 25 lines):" >&2
            tail -n 25 "$f" >&2
        done
    fi
    if [ -n "${SLURM_CONF:-}" ] && pid_alive "${CTLD_PID:-}"; then
        scancel --user="$(id -un)" 2>/dev/null
        for ((i = 0; i < 60; i++)); do
            [ -z "$(squeue -h 2>/dev/null)" ] && break
            sleep 0.5
        done
        scontrol shutdown >/dev/null 2>&1
    fi
    stop_pid "${SLURMD_PID:-}" 20
    stop_pid "${CTLD_PID:-}" 20
    if [ -n "${S:-}" ] && [ -f "$S/munge/munged.pid" ]; then
        stop_pid "$(cat "$S/munge/munged.pid")" 10
    fi
    # Anything left of the jobs (their environment names this test's
    # slurm.conf, so the test started them).
    if [ -n "${S:-}" ]; then
        for pid in $(grep -lsF "SLURM_CONF=$S/etc/slurm.conf" /proc/[0-9]*/environ |
                     sed 's|/proc/\([0-9]*\)/environ|\1|'); do
            name="$(cat "/proc/$pid/comm" 2>/dev/null)"
            case "$name" in
                slurmstepd | slurmd | slurmctld | mpsim | mpirun | orted) kill -KILL "$pid" 2>/dev/null ;;
            esac
        done
    fi
    cleanup
}

# job_lines ID: `scontrol show job -o` of the job (one line per array task).
job_lines() {
    scontrol show job -o "$1" 2>/dev/null
}

# job_ids ID: the job ids of the job (of each array task).
job_ids() {
    job_lines "$1" | sed -n 's/^JobId=\([0-9]*\) .*/\1/p'
}

# job_field ID FIELD: the field's value on each line.
job_field() {
    job_lines "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}

# job_settled ID: every line is in a final state, or pending on a
# dependency that can never be met.
job_settled() {
    local line state
    [ -n "$(job_lines "$1")" ] || return 1
    while read -r line; do
        state="$(echo "$line" | tr ' ' '\n' | sed -n 's/^JobState=//p')"
        case "$state" in
            COMPLETED | FAILED | CANCELLED | TIMEOUT | NODE_FAIL | OUT_OF_MEMORY | BOOT_FAIL | DEADLINE | PREEMPTED) ;;
            PENDING) echo "$line" | grep -q 'Reason=DependencyNeverSatisfied' || return 1 ;;
            *) return 1 ;;
        esac
    done < <(job_lines "$1")
}

# show_job ID: what a failure needs to be explained.
show_job() {
    local f
    job_lines "$1" | tr ' ' '\n' | grep -E '^(JobId|ArrayTaskId|JobState|Reason|ExitCode|Restarts)=' |
        paste -sd' ' >&2
    for f in $(job_field "$1" StdOut | sort -u); do
        echo "  --- $f (last 15 lines):" >&2
        tail -n 15 "$f" >&2 2>/dev/null
    done
}

# wait_jobs SECONDS ID...: until every job has settled.
wait_jobs() {
    local limit="$1" t id busy
    shift
    for ((t = 0; t < limit * 2; t++)); do
        busy=0
        for id in "$@"; do
            job_settled "$id" || busy=1
        done
        [ "$busy" = 0 ] && return 0
        sleep 0.5
    done
    CHECKS=$((CHECKS + 1))
    fail "jobs $* did not finish within $limit s"
    for id in "$@"; do show_job "$id"; done
    return 1
}

# expect_job_states ID "STATE..." WHAT: the states of the job's lines (in
# any order).
expect_job_states() {
    local got want
    CHECKS=$((CHECKS + 1))
    got="$(job_field "$1" JobState | sort | paste -sd' ')"
    want="$(echo "$2" | tr ' ' '\n' | sort | paste -sd' ')"
    if [ "$got" != "$want" ]; then
        fail "$3: job $1 states [$got], expected [$want]"
        show_job "$1"
    fi
}

# expect_job_exit ID CODE WHAT: ExitCode (status:signal) of a single job.
expect_job_exit() {
    local got
    CHECKS=$((CHECKS + 1))
    got="$(job_field "$1" ExitCode | paste -sd' ')"
    [ "$got" = "$2" ] || { fail "$3: job $1 ExitCode $got, expected $2"; show_job "$1"; }
}

# expect_job_reason ID REASON WHAT
expect_job_reason() {
    local got
    CHECKS=$((CHECKS + 1))
    got="$(job_field "$1" Reason | paste -sd' ')"
    [ "$got" = "$2" ] || { fail "$3: job $1 Reason $got, expected $2"; show_job "$1"; }
}

# wait_for_reason ID REASON SECONDS: until the job's Reason is REASON (Slurm
# re-evaluates dependencies only every so often).
wait_for_reason() {
    local t
    for ((t = 0; t < $3 * 2; t++)); do
        [ "$(job_field "$1" Reason)" = "$2" ] && return 0
        sleep 0.5
    done
}

# wait_for_lines FILE TEXT COUNT SECONDS: until FILE has COUNT lines with
# TEXT.
wait_for_lines() {
    local t n
    for ((t = 0; t < $4 * 10; t++)); do
        n="$(grep -cF -- "$2" "$1" 2>/dev/null)"
        [ "${n:-0}" -ge "$3" ] && return 0
        sleep 0.1
    done
    CHECKS=$((CHECKS + 1))
    fail "$1: no $3 lines with '$2' within $4 s"
    tail -n 15 "$1" >&2 2>/dev/null
    return 1
}

# started_pid LOG: the process id that the sbatch script reported.
started_pid() {
    sed -n 's/^mpsim-slurm: started .* (pid \([0-9]*\)).*/\1/p' "$1" | tail -n 1
}

# mpsim_pids PID: PID if it is mpsim, and its descendants that are (the
# ranks under mpirun).
mpsim_pids() {
    local todo=("$1") next p c
    while [ ${#todo[@]} -gt 0 ]; do
        next=()
        for p in "${todo[@]}"; do
            [ "$(cat "/proc/$p/comm" 2>/dev/null)" = mpsim ] && echo "$p"
            for c in $(cat "/proc/$p/task/"*/children 2>/dev/null); do
                next+=("$c")
            done
        done
        todo=("${next[@]+"${next[@]}"}")
    done
}

# wait_for_mpsim_handlers PID: until mpsim (every rank) catches SIGUSR1
# (bit 10 of SigCgt), so that the signal cannot come before the handler.
wait_for_mpsim_handlers() {
    local t p ready mask pids
    for ((t = 0; t < 300; t++)); do
        pids="$(mpsim_pids "$1")"
        ready=0
        if [ -n "$pids" ]; then
            ready=1
            for p in $pids; do
                mask="$(awk '/^SigCgt:/ {print $2}' "/proc/$p/status" 2>/dev/null)"
                if [ -z "$mask" ] || (((16#$mask & 0x200) == 0)); then
                    ready=0
                fi
            done
        fi
        [ "$ready" = 1 ] && return 0
        sleep 0.1
    done
    echo "slurm.sh: mpsim under pid $1 did not show a SIGUSR1 handler within 30 s" >&2
}

# wait_for_requeue ID SECONDS: until the job is pending again after a
# restart.
wait_for_requeue() {
    local t
    for ((t = 0; t < $2 * 2; t++)); do
        if [ "$(job_field "$1" JobState)" = PENDING ] && [ "$(job_field "$1" Restarts)" -ge 1 ]; then
            return 0
        fi
        job_settled "$1" && break
        sleep 0.5
    done
    CHECKS=$((CHECKS + 1))
    fail "job $1 was not requeued"
    show_job "$1"
    return 1
}

# find_mpi_binary: an MPI build of mpsim, with mpirun beside it.
find_mpi_binary() {
    local b
    command -v mpirun >/dev/null 2>&1 || return 0
    for b in "${MPSIM_MPI_BINARY:-}" "$(dirname "$MPSIM")/mpi/mpsim" "$SRC/build/mpi/mpsim"; do
        if [ -n "$b" ] && [ -x "$b" ]; then
            echo "$b"
            return 0
        fi
    done
}

# h5_canonical FILE: h5dump at full precision without the parts that may
# differ between identical runs (interface.md): the root attributes
# `created` and `command_line`, and /provenance.
h5_canonical() {
    h5dump -m %.17g "$1" | awk '
        NR == 1 { next }
        skip { if ($0 == "   }") skip = 0; next }
        /^   (ATTRIBUTE "(created|command_line)"|GROUP "provenance") \{$/ { skip = 1; next }
        { print }' |
        # Object references (dimension scales) print the target's address,
        # which moves with the length of the attributes left out above.
        sed -E 's/(DATASET|GROUP|DATATYPE) [0-9]+ "/\1 "/g'
}

# expect_same_h5 A B WHAT: bit-identical in the sense of interface.md.
expect_same_h5() {
    CHECKS=$((CHECKS + 1))
    if [ ! -f "$1" ] || [ ! -f "$2" ]; then
        fail "$3: $([ -f "$1" ] || echo "$1") $([ -f "$2" ] || echo "$2") missing"
        return
    fi
    if ! diff <(h5_canonical "$1") <(h5_canonical "$2") >"$WORK/h5.diff"; then
        fail "$3: $(basename "$1") and $(basename "$2") differ"
        head -n 30 "$WORK/h5.diff" >&2
    else
        echo "slurm.sh: $3: identical"
    fi
}

# ------------------------------------------------------------- the test

START=$SECONDS
SLURM_DIR="$SRC/examples/slurm"
JOBS="$WORK/jobs"
mkdir -p "$JOBS"
export MPSIM

trap slurm_cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

[ "$(id -u)" = 0 ] || slurm_skip "needs root (it installs packages and runs the Slurm daemons)"
command -v h5dump >/dev/null 2>&1 || slurm_skip "h5dump (hdf5-tools) is not installed"
slurm_install

# ---------------------------------------------------------------- inputs
SMALL="$SRC/tests/data/reliability/small.yaml"
write_sweep() { # NAME POINTS PATHS
    cat >"$JOBS/$1.yaml" <<EOF
mpsim_sweep: 1
name: $1
base: $SMALL
design: {method: lhs, points: $2, seed: 7}
paths: $3
parameters:
  - {path: missions.m.projects.a.cost.overrun.median, min: 1.0, max: 1.4}
  - {path: "missions.m.projects.a.stages[0].p", min: 0.5, max: 0.95}
EOF
}
write_sweep small 6 2000
# Long enough (about 10 s on one core here) to be stopped part way.
write_sweep long 24 80000
# Long enough (minutes) that Slurm's own warning comes first on any machine.
write_sweep timed 600 100000

# The references, computed directly before the daemons start.
direct() { # WHAT ARGS...
    local what="$1"
    shift
    (cd "$JOBS" && "$MPSIM" "$@") >"$OUT" 2>"$ERR" </dev/null
    RC=$?
    expect_rc 0 "$what"
}
direct "unsharded sweep" sweep small.yaml --quiet --threads 2 -o direct-small.h5
direct "unsharded long sweep" sweep long.yaml --quiet --threads 2 -o direct-long.h5
RUN_ARGS=("$SMALL" --paths 200000 --seed 5)
direct "serial run" run "${RUN_ARGS[@]}" --quiet --threads 2 -o serial.h5
LONG_RUN_ARGS=("$SMALL" --paths 3000000 --seed 9)
direct "long serial run" run "${LONG_RUN_ARGS[@]}" --quiet --threads 2 -o serial-long.h5
echo "slurm.sh: references computed ($((SECONDS - START)) s)"

slurm_start || { finish; }
echo "slurm.sh: Slurm $SLURM_VERSION up on $SLURM_HOST ($((SECONDS - START)) s)"

# submit_sweep ARGS...: submit-sweep.sh in $JOBS; sets ARRAY_JOB, MERGE_JOB.
submit_sweep() {
    (cd "$JOBS" && bash "$SLURM_DIR/submit-sweep.sh" -c 1 -t 10 "$@") >"$OUT" 2>"$ERR"
    RC=$?
    expect_rc 0 "submit-sweep.sh $*"
    ARRAY_JOB="$(awk '/^array job/ {sub(":", "", $3); print $3}' "$OUT")"
    MERGE_JOB="$(awk '/^merge job/ {sub(":", "", $3); print $3}' "$OUT")"
}

# ------------------------------------------ 1. job array of shards + merge
submit_sweep -n 3 small.yaml out/small.h5
if [ -n "$ARRAY_JOB" ] && [ -n "$MERGE_JOB" ]; then
    wait_jobs 300 "$ARRAY_JOB" "$MERGE_JOB"
    expect_job_states "$ARRAY_JOB" "COMPLETED COMPLETED COMPLETED" "sweep array (3 shards)"
    expect_job_states "$MERGE_JOB" "COMPLETED" "merge job"
    for i in 1 2 3; do
        expect_contains "$JOBS/out/small.shards/slurm-${ARRAY_JOB}_$i.out" "shard $i/3" "array task $i"
    done
    expect_same_h5 "$JOBS/out/small.h5" "$JOBS/direct-small.h5" "merged shards vs unsharded sweep"
fi
echo "slurm.sh: 1. sweep array and merge done ($((SECONDS - START)) s)"

# ------------------------------------------------ 2. MPI run over 2 ranks
MPI_BIN="$(find_mpi_binary)"
if [ -n "$MPI_BIN" ]; then
    export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
    # Two ranks of one thread on a two-core node, with the script's own
    # placement (--map-by slot:PE=1 --bind-to core).
    job="$(cd "$JOBS" && MPSIM="$MPI_BIN" sbatch --parsable --ntasks=2 --cpus-per-task=1 \
        --time=10 --output=mpi-%j.out "$SLURM_DIR/mpi-run.sbatch" out/mpi.h5 "${RUN_ARGS[@]}" --quiet)"
    wait_jobs 300 "$job"
    expect_job_states "$job" "COMPLETED" "MPI job (2 ranks)"
    expect_contains "$JOBS/mpi-$job.out" "2 ranks x 1 threads" "MPI job log"
    expect_same_h5 "$JOBS/out/mpi.h5" "$JOBS/serial.h5" "MPI run (2 ranks) vs serial run"
    echo "slurm.sh: 2. MPI job done with $MPI_BIN ($((SECONDS - START)) s)"
else
    echo "slurm.sh: 2. skipped: no MPI build (set MPSIM_MPI_BINARY, or build build/mpi/mpsim" \
         "with -DMPSIM_MPI=ON)"
fi

# ------------------- 3. SIGUSR1 to a shard, then submitted again: resumes
MPSIM_REQUEUE=0 submit_sweep -n 1 long.yaml out/long.h5
if [ -n "$ARRAY_JOB" ]; then
    log="$JOBS/out/long.shards/slurm-${ARRAY_JOB}_1.out"
    # Signal once two points are recorded, so that there is work to resume.
    wait_for_lines "$log" "points done" 2 120
    task="$(job_ids "$ARRAY_JOB" | head -n 1)"
    scancel --signal=USR1 --batch "$task"
    wait_jobs 120 "$ARRAY_JOB"
    expect_job_states "$ARRAY_JOB" "FAILED" "shard stopped by SIGUSR1"
    expect_job_exit "$task" "138:0" "shard stopped by SIGUSR1"
    expect_contains "$log" "SIGUSR1 (time-limit warning) passed on" "shard stopped by SIGUSR1"
    expect_contains "$log" "mpsim sweep: stopped after" "shard stopped by SIGUSR1"
    expect_contains "$log" "--resume" "shard stopped by SIGUSR1 (the resume hint)"
    CHECKS=$((CHECKS + 1))
    [ -f "$JOBS/out/long.shards/shard-1-of-1.h5.journal" ] ||
        fail "shard stopped by SIGUSR1: no journal left to resume from"
    # afterok can never be met now: Slurm keeps the merge pending.
    wait_for_reason "$MERGE_JOB" DependencyNeverSatisfied 120
    expect_job_reason "$MERGE_JOB" DependencyNeverSatisfied "merge after a failed shard"
    scancel "$MERGE_JOB"
    first="$(grep -c 'points done' "$log")"

    submit_sweep -n 1 -a 1 long.yaml out/long.h5
    wait_jobs 300 "$ARRAY_JOB" "$MERGE_JOB"
    expect_job_states "$ARRAY_JOB" "COMPLETED" "shard submitted again"
    expect_job_states "$MERGE_JOB" "COMPLETED" "merge after the shard was submitted again"
    log2="$JOBS/out/long.shards/slurm-${ARRAY_JOB}_1.out"
    # The second run starts from the journal: it reports fewer points done.
    CHECKS=$((CHECKS + 1))
    second="$(grep -c 'points done' "$log2")"
    if [ "$second" -ge 24 ] || [ "$first" -lt 2 ]; then
        fail "resumed shard: $first points done before the stop and $second after; expected" \
             "the second run to carry on from the journal"
    fi
    expect_same_h5 "$JOBS/out/long.h5" "$JOBS/direct-long.h5" "stopped, resumed and merged vs unsharded"
fi
echo "slurm.sh: 3. stopped and resubmitted shard done ($((SECONDS - START)) s)"

# -------------- 4. SIGUSR1 to a checkpointed run: it requeues and resumes
if [ -n "$MPI_BIN" ]; then
    bin="$MPI_BIN" launcher=mpirun ntasks=2
else
    bin="$MPSIM" launcher=none ntasks=1
fi
job="$(cd "$JOBS" && MPSIM="$bin" MPSIM_LAUNCHER="$launcher" sbatch --parsable --ntasks="$ntasks" \
    --cpus-per-task=1 --time=10 --output=ckpt-%j.out \
    "$SLURM_DIR/mpi-run.sbatch" out/ckpt.h5 "${LONG_RUN_ARGS[@]}" --quiet)"
if [ -n "$job" ]; then
    log="$JOBS/ckpt-$job.out"
    wait_for_lines "$log" "mpsim-slurm: started" 1 120
    wait_for_mpsim_handlers "$(started_pid "$log")"
    sleep 1
    scancel --signal=USR1 --batch "$job"
    # The script requeues the job; Slurm holds a requeued job for two
    # minutes before it may start, which the test need not wait for.
    wait_for_requeue "$job" 120
    # Only once the first instance has gone: a start while its batch step
    # is still being torn down can fail the job.
    pid_gone "$(started_pid "$log")" 30
    sleep 2
    scontrol update JobId="$job" StartTime=now
    wait_jobs 300 "$job"
    expect_job_states "$job" "COMPLETED" "checkpointed run after a requeue ($launcher, $ntasks ranks)"
    expect_contains "$log" "SIGUSR1 (time-limit warning) passed on" "checkpointed run"
    expect_contains "$log" "mpsim run: stopped after" "checkpointed run stopped by SIGUSR1"
    expect_contains "$log" "exited with status 138" "checkpointed run stopped by SIGUSR1"
    expect_contains "$log" "requeueing job $job to resume" "checkpointed run"
    expect_contains "$log" "resuming from out/ckpt.h5.ckpt" "requeued run"
    expect_same_h5 "$JOBS/out/ckpt.h5" "$JOBS/serial-long.h5" "stopped, requeued and resumed run vs uninterrupted"
fi
echo "slurm.sh: 4. requeued checkpointed run done ($((SECONDS - START)) s)"

# ------------ 5. Slurm's own time-limit warning reaches mpsim and stops it
job="$(cd "$JOBS" && MPSIM_REQUEUE=0 MPSIM_SHARDS=1 sbatch --parsable --array=1 --time=1 \
    --signal=B:USR1@50 --cpus-per-task=1 --output=timed-%A_%a.out \
    "$SLURM_DIR/sweep-array.sbatch" timed.yaml out/timed)"
if [ -n "$job" ]; then
    wait_jobs 200 "$job"
    log="$JOBS/timed-${job}_1.out"
    expect_job_states "$job" "FAILED" "shard at its time limit"
    expect_job_exit "$(job_ids "$job" | head -n 1)" "138:0" "shard at its time limit"
    expect_contains "$log" "SIGUSR1 (time-limit warning) passed on" "shard at its time limit"
    expect_contains "$log" "mpsim sweep: stopped after" "shard at its time limit"
    expect_not_contains "$log" "DUE TO TIME LIMIT" "shard at its time limit (stopped before it)"
    t0="$(sed -n 's/^mpsim-slurm: started .* at \(.*\)$/\1/p' "$log" | head -n 1)"
    t1="$(sed -n 's/^mpsim-slurm: SIGUSR1 .* at \(.*\)$/\1/p' "$log" | head -n 1)"
    if [ -n "$t0" ] && [ -n "$t1" ]; then
        echo "slurm.sh: Slurm's warning (--time=1 --signal=B:USR1@50) came" \
             "$(($(date -d "$t1" +%s) - $(date -d "$t0" +%s))) s after mpsim started"
    fi
fi
echo "slurm.sh: 5. time-limit warning done ($((SECONDS - START)) s)"

echo "slurm.sh: took $((SECONDS - START)) s in all"
finish
