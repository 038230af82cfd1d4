# Golden cases (tests/cli/golden/cases.txt), shared by tests/cli/golden.sh
# and scripts/update-golden.sh.

# golden_cases SRC: prints "NAME ARGS" lines, @SRC@ not yet expanded.
golden_cases() {
  local src="$1" name rest
  while read -r name rest; do
    case "$name" in '' | '#'*) continue ;; esac
    printf '%s %s\n' "$name" "$rest"
  done <"$src/tests/cli/golden/cases.txt"
}

# golden_run MPSIM SRC CWD NAME ARGS: runs one case in CWD, the JSON on
# stdout, and returns mpsim's exit status.  ARGS is split on blanks before
# @SRC@ is expanded, so a source directory with spaces still works.
golden_run() {
  local mpsim="$1" src="$2" cwd="$3" name="$4" args="$5" tok
  local -a raw argv=()
  read -r -a raw <<<"$args"
  for tok in "${raw[@]}"; do
    argv+=("${tok//@SRC@/$src}")
  done
  if [ "${argv[0]}" = run ]; then
    argv+=(-o "$cwd/$name.h5")
  fi
  (cd "$cwd" && "$mpsim" "${argv[@]}")
}
