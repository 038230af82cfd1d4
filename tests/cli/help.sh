#!/usr/bin/env bash
# Help, version and usage errors: help on stdout with exit 0; a usage error
# prints what was wrong and a short usage on stderr, exits 2 and writes
# nothing; numbers on the command line are checked strictly.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"

# --- help and version: stdout, exit 0, nothing on stderr
for args in "--help" "-h" "help"; do
  mpsim $args
  expect_rc 0 "mpsim $args"
  expect_contains "$OUT" "usage:" "mpsim $args"
  expect_contains "$OUT" "mpsim run" "mpsim $args"
  expect_empty "$ERR" "mpsim $args"
done

mpsim --version
expect_rc 0 "mpsim --version"
CHECKS=$((CHECKS + 1))
head -n 1 "$OUT" | grep -qE '^mpsim [0-9]+\.[0-9]+\.[0-9]+$' ||
  fail "mpsim --version: first line '$(head -n 1 "$OUT")' is not 'mpsim X.Y.Z'"
expect_empty "$ERR" "mpsim --version"

for cmd in run static validate show; do
  mpsim "$cmd" --help
  expect_rc 0 "mpsim $cmd --help"
  expect_contains "$OUT" "usage: mpsim $cmd" "mpsim $cmd --help"
  expect_empty "$ERR" "mpsim $cmd --help"
  # --help wins over everything else on the line, even a mistake.
  mpsim "$cmd" --json --help
  expect_rc 0 "mpsim $cmd --json --help"
  expect_contains "$OUT" "usage: mpsim $cmd" "mpsim $cmd --json --help"
done
mpsim help run
expect_rc 0 "mpsim help run"
expect_contains "$OUT" "usage: mpsim run" "mpsim help run"

# --- usage errors: message and short usage on stderr, exit 2, no stdout
usage_error() { # WHAT NEEDLE ARGS...
  local what="$1" needle="$2"
  shift 2
  mpsim "$@"
  expect_rc 2 "$what"
  expect_empty "$OUT" "$what (stdout)"
  expect_contains "$ERR" "$needle" "$what"
  expect_contains "$ERR" "usage:" "$what (short usage)"
  expect_cwd_empty "$what"
}

SCEN="$SRC/scenarios/examples/single-project.yaml"
usage_error "no command" "no command"
usage_error "unknown command" "unknown command 'frobnicate'" frobnicate
usage_error "option before the command" "unknown option '--json'" --json run
usage_error "unknown option" "unknown option '--bogus'" run --bogus "$SCEN"
usage_error "option of another command" "'--paths' does not apply" validate --paths 5 "$SCEN"
usage_error "--quiet is for run only" "does not apply" static --quiet "$SCEN"

# Numbers: the message names the flag and what is allowed.
usage_error "--paths 1e5" "--paths must be a positive whole number" run "$SCEN" --paths 1e5
usage_error "--paths -3" "--paths must be a positive whole number" run "$SCEN" --paths -3
usage_error "--paths 0" "--paths must be a positive whole number" run "$SCEN" --paths 0
usage_error "--paths +5" "--paths must be a positive whole number" run "$SCEN" --paths +5
usage_error "--paths 10x" "not '10x'" run "$SCEN" --paths 10x
usage_error "--paths empty" "--paths must be a positive whole number" run "$SCEN" --paths=
usage_error "--paths beyond 64 bits" "--paths must be a positive whole number" \
  run "$SCEN" --paths 18446744073709551616
usage_error "--paths without a value" "--paths needs a value" run "$SCEN" --paths
usage_error "--seed -1" "--seed must be an unsigned 64-bit whole number" run "$SCEN" --seed -1
usage_error "--seed 1.5" "--seed must be an unsigned 64-bit whole number" run "$SCEN" --seed 1.5
usage_error "--seed beyond 64 bits" "(0 to 18446744073709551615)" \
  run "$SCEN" --seed 18446744073709551616
usage_error "--threads 0" "--threads must be a whole number of threads from 1" run "$SCEN" --threads 0
usage_error "--threads two" "--threads must be" run "$SCEN" --threads two
usage_error "--threads=-2" "--threads must be" run "$SCEN" --threads=-2
usage_error "-o without a value" "-o needs a value" run "$SCEN" -o
usage_error "flag with a value" "--json takes no value" run "$SCEN" --json=yes

# Missing operands.
usage_error "validate without files" "give at least one scenario file" validate
usage_error "static without files" "give at least one scenario file" static --json
usage_error "show without a file" "give exactly one results file" show
usage_error "show with two files" "give exactly one results file" show a.h5 b.h5

finish
