# Shared by the command-line tests (sourced, never run by ctest: ctest runs
# only tests/cli/*.sh).  Each test is `bash script <mpsim binary> <source dir>`.
#
# Every command runs in a fresh empty directory ($CWD) so a test can check
# that nothing was written; failures are counted and reported, and the
# script exits non-zero at the end if any check failed.

set -uo pipefail

if [ $# -lt 2 ]; then
  echo "usage: bash $0 <mpsim binary> <source dir>" >&2
  exit 2
fi
MPSIM="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
SRC="$(cd "$2" && pwd)"
[ -x "$MPSIM" ] || { echo "FAIL: $MPSIM is not an executable" >&2; exit 1; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/mpsim-cli.XXXXXX")"
CWD="$WORK/cwd"
mkdir -p "$CWD"
OUT="$WORK/stdout"
ERR="$WORK/stderr"
RC=0
FAILS=0
CHECKS=0
BG_PIDS=()

cleanup() {
  local pid
  for pid in "${BG_PIDS[@]+"${BG_PIDS[@]}"}"; do
    kill -KILL "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

fail() {
  FAILS=$((FAILS + 1))
  echo "FAIL: $*" >&2
}

# Shows what the last command printed, to explain a failure.
show_last() {
  echo "  --- stdout (first 20 lines):" >&2
  head -n 20 "$OUT" >&2
  echo "  --- stderr (first 20 lines):" >&2
  head -n 20 "$ERR" >&2
}

# mpsim ARGS...: runs mpsim in $CWD; sets RC, leaves output in $OUT / $ERR.
mpsim() {
  (cd "$CWD" && "$MPSIM" "$@") >"$OUT" 2>"$ERR" </dev/null
  RC=$?
}

# expect_rc N WHAT: the last command exited with N.
expect_rc() {
  CHECKS=$((CHECKS + 1))
  if [ "$RC" -ne "$1" ]; then
    fail "$2: exit status $RC, expected $1"
    show_last
  fi
}

# expect_empty FILE WHAT
expect_empty() {
  CHECKS=$((CHECKS + 1))
  if [ -s "$1" ]; then
    fail "$2: expected no output on $(basename "$1"), got:"
    head -n 10 "$1" >&2
  fi
}

# expect_nonempty FILE WHAT
expect_nonempty() {
  CHECKS=$((CHECKS + 1))
  [ -s "$1" ] || fail "$2: expected output on $(basename "$1"), got none"
}

# expect_contains FILE TEXT WHAT: fixed-string search.
expect_contains() {
  CHECKS=$((CHECKS + 1))
  if ! grep -qF -- "$2" "$1"; then
    fail "$3: $(basename "$1") does not mention '$2'"
    head -n 10 "$1" >&2
  fi
}

# expect_not_contains FILE TEXT WHAT
expect_not_contains() {
  CHECKS=$((CHECKS + 1))
  if grep -qF -- "$2" "$1"; then
    fail "$3: $(basename "$1") mentions '$2'"
  fi
}

# expect_cwd_empty WHAT: nothing at all was written in $CWD.
expect_cwd_empty() {
  CHECKS=$((CHECKS + 1))
  local left
  left="$(cd "$CWD" && find . -mindepth 1 | sort)"
  if [ -n "$left" ]; then
    fail "$1: files were left behind: $(echo "$left" | tr '\n' ' ')"
  fi
}

# expect_cwd_only WHAT PATH...: $CWD holds exactly these files (and the
# directories above them), so no temporary file was left.
expect_cwd_only() {
  CHECKS=$((CHECKS + 1))
  local what="$1"
  shift
  local got want p
  got="$(cd "$CWD" && find . -mindepth 1 -type f | sed 's|^\./||' | sort)"
  want="$(for p in "$@"; do echo "$p"; done | sort)"
  if [ "$got" != "$want" ]; then
    fail "$what: files in the working directory: [$(echo "$got" | tr '\n' ' ')], expected [$*]"
  fi
}

# clean_cwd: empties $CWD between cases.
clean_cwd() {
  rm -rf "$CWD"
  mkdir -p "$CWD"
}

# normalise_json FILE: the JSON with the version string masked, the only
# part of a summary that may differ from a golden file.
normalise_json() {
  sed -E 's/"mpsim_version": *"[^"]*"/"mpsim_version": "*"/' "$1"
}

# expect_same_json A B WHAT: identical apart from mpsim_version.
expect_same_json() {
  CHECKS=$((CHECKS + 1))
  if ! diff -u <(normalise_json "$1") <(normalise_json "$2") >"$WORK/diff"; then
    fail "$3: JSON differs"
    head -n 40 "$WORK/diff" >&2
  fi
}

# have_python: python3 is there for JSON structure checks.
have_python() {
  command -v python3 >/dev/null 2>&1
}

# finish: the verdict.
finish() {
  local name
  name="$(basename "$0")"
  if [ "$FAILS" -gt 0 ]; then
    echo "$name: $FAILS of $CHECKS checks failed" >&2
    exit 1
  fi
  echo "$name: all $CHECKS checks passed"
  exit 0
}
