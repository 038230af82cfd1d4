#!/usr/bin/env bash
# The man page (docs/mpsim.1, written by hand) against the program's help:
# the same commands; for every command the same options, comparing the
# option lines of `mpsim COMMAND --help` with the option tags (.TP) of the
# command's .SS section both ways; every option that `mpsim --help` and the
# SYNOPSIS show for a command is one of its options; the global options;
# the version; and the page renders without a groff warning.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"

PAGE="$SRC/docs/mpsim.1"
[ -s "$PAGE" ] || { fail "no man page at $PAGE"; finish; }

# option_tokens: the --long and -s option names in stdin, one a line, sorted.
option_tokens() {
  grep -oE -- '(^|[^A-Za-z0-9-])--?[A-Za-z][A-Za-z0-9-]*' |
    sed -E 's/^[^-]*//' | sort -u
}

# man_plain: the page's source with \- as - and font escapes dropped, so
# its option names read as on the command line.
man_plain() {
  sed -E -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\f\(..//g' "$PAGE"
}

# man_section_tags CMD: the option names of the tags of .SS "mpsim CMD ...".
man_section_tags() {
  man_plain | awk -v cmd="$1" '
    /^\.S[SH] / { on = ($1 == ".SS" && $2 == "\"mpsim" && $3 == cmd); next }
    on && /^\.TP/ { tag = 1; next }
    on && tag { print; tag = 0 }' | option_tokens
}

# man_synopsis CMD: the option names of the SYNOPSIS lines of CMD.
man_synopsis() {
  man_plain | awk -v cmd="$1" '
    /^\.SH / { syn = ($2 == "SYNOPSIS"); next }
    syn && /^\.B mpsim/ { on = ($3 == cmd); next }
    syn && /^\.br/ { on = 0; next }
    syn && on { print }' | option_tokens
}

# help_option_lines: of a command's --help (stdin), the options list's
# option names (lines "  -o, --output FILE  what it does").
help_option_lines() {
  awk '/^options:/ { on = 1; next } on && /^[^ ]/ { on = 0 } on && /^  -/ { print }' |
    sed -E 's/^  //; s/  .*//' | option_tokens
}

# expect_same_set A B WHAT: two sorted lists hold the same lines.
expect_same_set() {
  CHECKS=$((CHECKS + 1))
  local only_a only_b
  only_a="$(comm -23 <(echo "$1") <(echo "$2") | tr '\n' ' ')"
  only_b="$(comm -13 <(echo "$1") <(echo "$2") | tr '\n' ' ')"
  if [ -n "${only_a// /}" ] || [ -n "${only_b// /}" ]; then
    fail "$3: only in --help: [${only_a% }]; only in the man page: [${only_b% }]"
  fi
}

# expect_subset A B WHAT: every line of A is a line of B.
expect_subset() {
  CHECKS=$((CHECKS + 1))
  local extra
  extra="$(comm -23 <(echo "$1") <(echo "$2") | tr '\n' ' ')"
  [ -z "${extra// /}" ] || fail "$3: [${extra% }] not among the options [$(echo "$2" | tr '\n' ' ')]"
}

# --- the commands: `mpsim --help` lists them under "commands:"
mpsim --help
expect_rc 0 "mpsim --help"
cp "$OUT" "$WORK/help"
help_cmds="$(awk '/^commands:/ { on = 1; next } on && /^$/ { exit }
                  on && /^  [a-z]/ { print $1 }' "$WORK/help" | sort -u)"
man_cmds="$(man_plain | awk '$1 == ".SS" && $2 == "\"mpsim" { print $3 }' | sort -u)"
CHECKS=$((CHECKS + 1))
[ -n "$help_cmds" ] || fail "mpsim --help lists no commands under 'commands:'"
expect_same_set "$help_cmds" "$man_cmds" "commands"

# --- each command's options, both ways
for cmd in $help_cmds; do
  mpsim "$cmd" --help
  expect_rc 0 "mpsim $cmd --help"
  help_opts="$(help_option_lines <"$OUT")"
  man_opts="$(man_section_tags "$cmd")"
  CHECKS=$((CHECKS + 1))
  [ -n "$help_opts" ] || fail "mpsim $cmd --help: no options found under 'options:'"
  expect_same_set "$help_opts" "$man_opts" "options of $cmd"

  # The overview's usage lines and the SYNOPSIS show only real options.
  usage_opts="$(awk -v cmd="$cmd" '
      /^usage:/ { on = 1; next } on && /^[^ ]/ { exit }
      on && /^  mpsim / { mine = ($2 == cmd) }
      on && mine { print }' "$WORK/help" | option_tokens)"
  expect_subset "$usage_opts" "$help_opts" "mpsim --help usage of $cmd"
  syn_opts="$(man_synopsis "$cmd")"
  CHECKS=$((CHECKS + 1))
  [ -n "$syn_opts" ] || [ -z "$usage_opts" ] || fail "the SYNOPSIS has no line for $cmd"
  expect_subset "$syn_opts" "$man_opts" "SYNOPSIS of $cmd"
  expect_subset "$usage_opts" "$syn_opts" "SYNOPSIS of $cmd against mpsim --help"
done

# --- global options: the overview's "mpsim --version | --help" are in the
# man page's OPTIONS, and every one listed there works on its own.
global_help="$(grep -E '^  mpsim --' "$WORK/help" | option_tokens)"
global_man="$(man_plain | awk '/^\.SH / { on = ($2 == "OPTIONS"); next }
                               on && /^\.TP/ { tag = 1; next } on && tag { print; tag = 0 }' |
              option_tokens)"
expect_subset "$global_help" "$global_man" "global options"
for opt in $global_man; do
  mpsim "$opt"
  expect_rc 0 "mpsim $opt (a global option of the man page)"
  expect_nonempty "$OUT" "mpsim $opt"
done

# --- the version in the title line is the program's
mpsim --version
version="$(head -n 1 "$OUT")"
CHECKS=$((CHECKS + 1))
grep -qE "^\.TH MPSIM 1 \"[^\"]*\" \"$version\"" "$PAGE" ||
  fail "the man page's .TH line does not name '$version': $(grep -m1 '^\.TH' "$PAGE")"

# --- it renders: no groff warning (-ww), and man(1) formats it
if command -v groff >/dev/null 2>&1; then
  CHECKS=$((CHECKS + 1))
  if ! groff -man -Tutf8 -ww -z "$PAGE" >"$WORK/groff.out" 2>"$WORK/groff.err" ||
    [ -s "$WORK/groff.err" ]; then
    fail "groff -man -ww warns about the man page:"
    head -n 20 "$WORK/groff.err" >&2
  fi
else
  echo "manpage.sh: groff not installed; rendering not checked" >&2
fi
if command -v man >/dev/null 2>&1; then
  MANWIDTH=80 man -l "$PAGE" >"$WORK/man.txt" 2>"$WORK/man.err" </dev/null
  RC=$?
  expect_rc 0 "man -l docs/mpsim.1"
  expect_contains "$WORK/man.txt" "EXIT STATUS" "man -l docs/mpsim.1"
  expect_contains "$WORK/man.txt" "--max-memory" "man -l docs/mpsim.1 (hyphens as typed)"
fi

finish
