#!/usr/bin/env bash
# Runs one libFuzzer harness for a while and sorts what it finds:
#
#   bash tests/fuzz/run_harness.sh HARNESS SECONDS WORKDIR [SEED_DIR_OR_FLAG...]
#
# HARNESS is the built executable (fuzz_scenario or fuzz_results); WORKDIR
# keeps the growing corpus (WORKDIR/corpus-NAME), the log and the findings
# (WORKDIR/artifacts/NAME-*).  Fuzzing runs in fork mode, so one finding
# does not end it.  Each new finding is then replayed and attributed to the
# first stack frame outside the sanitizers, libFuzzer and libc: inside
# libhdf5 it is an upstream finding (recorded in docs/reliability.md,
# contained by `mpsim show`'s child process), anywhere else it is ours and
# fails this script.  Prints one summary line:
#
#   fuzz_results: 106302 executions in 966 s; findings: 70 in libhdf5, 0 in mpsim
set -uo pipefail

if [ $# -lt 3 ]; then
  echo "usage: bash $0 HARNESS SECONDS WORKDIR [ARGS...]" >&2
  exit 2
fi
harness="$1" seconds="$2" work="$3"
shift 3
name="$(basename "$harness")"
short="${name#fuzz_}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mkdir -p "$work/corpus-$short" "$work/artifacts"
# libhdf5's own leaks on damaged files are not ours (lsan.supp says why).
export LSAN_OPTIONS="suppressions=$here/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"

stamp="$work/.start-$short"
touch "$stamp"
sleep 1 # artifacts newer than the stamp are this run's
log="$work/$short.log"
"$harness" -fork="${JOBS:-1}" -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
    -max_total_time="$seconds" -timeout=20 -rss_limit_mb=4096 \
    -artifact_prefix="$work/artifacts/$short-" "$work/corpus-$short" "$@" >"$log" 2>&1
last="$(grep -E '^#[0-9]+: cov:' "$log" | tail -n 1)"
execs="$(sed -nE 's/^#([0-9]+):.*/\1/p' <<<"$last")"
took="$(sed -nE 's/.* time: ([0-9]+)s.*/\1/p' <<<"$last")"

upstream=0
ours=0
while IFS= read -r f; do
  [ -n "$f" ] || continue
  out="$("$harness" -timeout=10 -rss_limit_mb=4096 "$f" 2>&1)"
  frame="$(grep -E '^ +#[0-9]+ ' <<<"$out" |
           grep -vE 'sanitizer|__asan|__lsan|__ubsan|interceptor|fuzzer::|LLVMFuzzer|libc\.so|StackTrace|Alarm|MallocHook|malloc|calloc|realloc' |
           head -n 1)"
  if grep -q 'libhdf5' <<<"$frame"; then
    upstream=$((upstream + 1))
  elif [ -z "$frame" ] && ! grep -q 'ERROR\|runtime error\|Sanitizer' <<<"$out"; then
    upstream=$((upstream + 1)) # does not reproduce alone (an OOM or slow unit)
  else
    ours=$((ours + 1))
    echo "$name: finding in mpsim: $f" >&2
    grep -E 'ERROR|runtime error|^ +#[0-9]+ ' <<<"$out" | head -n 15 >&2
  fi
done < <(find "$work/artifacts" -name "$short-*" -newer "$stamp" | sort)

echo "$name: ${execs:-0} executions in ${took:-0} s; findings: $upstream in libhdf5, $ours in mpsim"
[ "$ours" -eq 0 ]
