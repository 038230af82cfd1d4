#!/bin/bash
# Submits a sharded mpsim sweep: a job array of N shards, then a merge job
# that starts when every shard has succeeded (docs/hpc.md).
#
#   examples/slurm/submit-sweep.sh [-n N] [-a LIST] [-d SHARD_DIR] [-c CPUS]
#       [-t TIME] [-p PARTITION] [-A ACCOUNT] SWEEP.yaml OUT.h5 [SWEEP OPTIONS...]
#
#   -n N          shards (array tasks 1-N; default 4)
#   -a LIST       array indices to submit (default 1-N); e.g. -a 3,5 submits
#                 shards 3 and 5 of N again, then a new merge of all N
#   -d DIR        where the shard files go (default OUT.shards, beside OUT.h5)
#   -c CPUS       OpenMP threads per shard (--cpus-per-task; default 4)
#   -t TIME       time limit per shard (default 02:00:00)
#   -p, -A        partition and account, passed to sbatch
#
# Prints the two job ids.  SWEEP OPTIONS (--paths, --seed) go to every
# shard.  Set MPSIM to the mpsim binary when it is not on PATH; the jobs
# inherit this shell's environment.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
n=4
array=""
dir=""
cpus=4
time_limit="02:00:00"
extra=()

usage() {
    echo "usage: submit-sweep.sh [-n N] [-a LIST] [-d SHARD_DIR] [-c CPUS] [-t TIME]" \
         "[-p PARTITION] [-A ACCOUNT] SWEEP.yaml OUT.h5 [SWEEP OPTIONS...]" >&2
    exit 2
}

while getopts ":n:a:d:c:t:p:A:h" opt; do
    case "$opt" in
        n) n="$OPTARG" ;;
        a) array="$OPTARG" ;;
        d) dir="$OPTARG" ;;
        c) cpus="$OPTARG" ;;
        t) time_limit="$OPTARG" ;;
        p) extra+=(--partition="$OPTARG") ;;
        A) extra+=(--account="$OPTARG") ;;
        h) usage ;;
        *) usage ;;
    esac
done
shift $((OPTIND - 1))
[ $# -ge 2 ] || usage
sweep="$1"
out="$2"
shift 2

case "$n" in
    '' | *[!0-9]* | 0)
        echo "submit-sweep.sh: -n takes a whole number of shards >= 1, not '$n'" >&2
        exit 2
        ;;
esac
[ -f "$sweep" ] || { echo "submit-sweep.sh: $sweep: no such file" >&2; exit 2; }
array="${array:-1-$n}"
dir="${dir:-${out%.h5}.shards}"
mkdir -p "$dir" "$(dirname "$out")"

# MPSIM_SHARDS tells each task N, which is not the array's task count when
# only some shards are submitted again.
array_job=$(MPSIM_SHARDS="$n" sbatch --parsable "${extra[@]}" --array="$array" \
    --cpus-per-task="$cpus" --time="$time_limit" \
    --output="$dir/slurm-%A_%a.out" \
    "$here/sweep-array.sbatch" "$sweep" "$dir" "$@")
array_job="${array_job%%;*}"

merge_job=$(sbatch --parsable "${extra[@]}" --dependency="afterok:$array_job" \
    --output="$dir/slurm-merge-%j.out" \
    "$here/merge.sbatch" "$dir" "$n" "$out")
merge_job="${merge_job%%;*}"

echo "array job $array_job: shards $array of $n -> $dir/shard-I-of-$n.h5"
echo "merge job $merge_job: -> $out once every shard has succeeded"
