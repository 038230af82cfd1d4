#!/usr/bin/env bash
# The package: `cmake --install` of the build this mpsim comes from into a
# temporary prefix, then, against the installed copy only:
#  - the files are there: program, libmpsim.so.<major> with its SONAME,
#    libmpsim.a, mpsim.h, mpsim.pc, the CMake package, man page, scenarios,
#    docs; the shared library exports the public mpsim_ API and nothing else;
#  - tests/install/consumer.c, built three ways (pkg-config and the shared
#    library; pkg-config --static and the archive; CMake's find_package),
#    prints the same mean NPV as the in-tree `mpsim run --json`, bit for bit;
#  - the installed `mpsim run` with no scenario, started outside any source
#    or build tree, finds the shipped policy batch in
#    <prefix>/share/mpsim/scenarios (it says where it found it, and the
#    place must be under the prefix, not the source tree compiled in as the
#    last fallback); the installed scenarios and a sweep load there.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"

BUILD="$(dirname "$MPSIM")"
PREFIX="$WORK/prefix"
CC="${CC:-cc}"
if [ ! -f "$BUILD/cmake_install.cmake" ]; then
  fail "$BUILD has no cmake_install.cmake: is $MPSIM the top of a CMake build tree?"
  finish
fi

CHECKS=$((CHECKS + 1))
if ! cmake --install "$BUILD" --prefix "$PREFIX" >"$WORK/install.log" 2>&1; then
  fail "cmake --install $BUILD --prefix $PREFIX failed:"
  tail -n 20 "$WORK/install.log" >&2
  finish
fi
PREFIX="$(cd "$PREFIX" && pwd -P)" # as /proc/self/exe will show it
PC="$(find "$PREFIX" -name mpsim.pc | head -n 1)"
if [ -z "$PC" ]; then
  fail "no mpsim.pc installed under $PREFIX"
  finish
fi
LIBDIR="$(dirname "$(dirname "$PC")")"

version="$("$MPSIM" --version | head -n 1 | cut -d' ' -f2)"
major="${version%%.*}"

# --- the installed files
expect_file() { # PATH WHAT
  CHECKS=$((CHECKS + 1))
  [ -e "$1" ] || fail "not installed: $2 (${1#"$PREFIX"/})"
}
expect_file "$PREFIX/bin/mpsim" "the program"
expect_file "$LIBDIR/libmpsim.so.$version" "the shared library"
expect_file "$LIBDIR/libmpsim.so.$major" "the SONAME link"
expect_file "$LIBDIR/libmpsim.so" "the link-time link"
expect_file "$LIBDIR/libmpsim.a" "the static library"
expect_file "$PREFIX/include/mpsim.h" "the header"
expect_file "$PC" "mpsim.pc"
for f in mpsimConfig.cmake mpsimConfigVersion.cmake mpsimTargets.cmake; do
  expect_file "$LIBDIR/cmake/mpsim/$f" "the CMake package ($f)"
done
expect_file "$PREFIX/share/man/man1/mpsim.1" "the man page"
for f in demo.yaml policy/baseline.yaml policy/pdel-ringfenced.yaml policy/long-term.yaml \
  policy/adaptive.yaml examples/single-project.yaml sweeps/churn-grid.yaml; do
  expect_file "$PREFIX/share/mpsim/scenarios/$f" "scenario $f"
done
for f in README.md docs/api.md docs/model.md docs/results-format.md examples/read_results.py; do
  expect_file "$PREFIX/share/doc/mpsim/$f" "documentation $f"
done
CHECKS=$((CHECKS + 1))
cmp -s "$SRC/include/mpsim.h" "$PREFIX/include/mpsim.h" || fail "the installed mpsim.h differs"
CHECKS=$((CHECKS + 1))
cmp -s "$SRC/docs/mpsim.1" "$PREFIX/share/man/man1/mpsim.1" || fail "the installed man page differs"

# --- the shared library: SONAME, and only the public API exported
SO="$LIBDIR/libmpsim.so.$version"
CHECKS=$((CHECKS + 1))
soname="$(readelf -d "$SO" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')"
[ "$soname" = "libmpsim.so.$major" ] || fail "SONAME is '$soname', expected libmpsim.so.$major"
nm -D --defined-only "$SO" | awk '{ print $NF }' | sort >"$WORK/exports"
CHECKS=$((CHECKS + 1))
if grep -q '^mps_' "$WORK/exports"; then
  fail "libmpsim.so exports internal mps_ symbols: $(grep '^mps_' "$WORK/exports" | head -n 5 | tr '\n' ' ')"
fi
CHECKS=$((CHECKS + 1))
if grep -qv '^mpsim_' "$WORK/exports"; then
  fail "libmpsim.so exports names outside the API: $(grep -v '^mpsim_' "$WORK/exports" | head -n 5 | tr '\n' ' ')"
fi
# Exactly the functions and tables that the installed header declares.
grep -oE '\bmpsim_[a-z0-9_]+ *[([]' "$PREFIX/include/mpsim.h" | tr -d ' ([' | sort -u >"$WORK/declared"
CHECKS=$((CHECKS + 1))
[ "$(wc -l <"$WORK/declared")" -ge 50 ] || fail "found only $(wc -l <"$WORK/declared") declarations in mpsim.h"
CHECKS=$((CHECKS + 1))
if ! diff "$WORK/declared" "$WORK/exports" >"$WORK/exports.diff"; then
  fail "libmpsim.so's exports differ from mpsim.h's declarations (< declared only, > exported only):"
  grep '^[<>]' "$WORK/exports.diff" | head -n 10 >&2
fi

# A sanitizer build's library needs the sanitizer runtime loaded first: build
# the consumers the same way (GCC records the runtime as a dependency).
SAN=""
if grep -q 'libasan' <<<"$(readelf -d "$SO")"; then
  SAN="-fsanitize=address,undefined"
fi
export PKG_CONFIG_PATH="$LIBDIR/pkgconfig"
export LD_LIBRARY_PATH="$LIBDIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
CFLAGS_C11="-std=c11 -Wall -Wextra -Wpedantic -Werror"

# --- the in-tree reference: the same scenario, seed and paths
consumer_src="$SRC/tests/install/consumer.c"
mkdir -p "$WORK/ref"
CHECKS=$((CHECKS + 1))
# shellcheck disable=SC2086
if ! $CC $CFLAGS_C11 $SAN -I"$SRC/include" -fsyntax-only "$consumer_src" 2>"$WORK/cc.err"; then
  fail "consumer.c does not compile against the source header:"
  head -n 20 "$WORK/cc.err" >&2
fi

# check_consumer BIN WHAT: BIN runs and prints the in-tree mean NPV.
check_consumer() {
  local bin="$1" what="$2" got
  CHECKS=$((CHECKS + 1))
  if [ ! -x "$bin" ]; then
    fail "$what: not built"
    return
  fi
  got="$("$bin" 2>"$WORK/consumer.err")" || {
    fail "$what: the consumer failed: $(head -n 5 "$WORK/consumer.err")"
    return
  }
  CHECKS=$((CHECKS + 1))
  if [ -z "$REF_MEAN" ]; then
    fail "$what: no in-tree mean to compare with"
  elif ! python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) == float(sys.argv[2]) else 1)' \
    "$got" "$REF_MEAN"; then
    fail "$what: mean NPV $got, but the in-tree mpsim run --json says $REF_MEAN"
  fi
}

# --- 1. pkg-config, shared library
CHECKS=$((CHECKS + 1))
if ! pkg-config --exists mpsim; then
  fail "pkg-config does not find mpsim in $PKG_CONFIG_PATH"
fi
CHECKS=$((CHECKS + 1))
pc_inc="$(pkg-config --variable=includedir mpsim)"
[ "$(cd "$pc_inc" 2>/dev/null && pwd -P)" = "$PREFIX/include" ] ||
  fail "mpsim.pc's includedir '$pc_inc' is not $PREFIX/include"
CHECKS=$((CHECKS + 1))
# shellcheck disable=SC2046,SC2086
if ! $CC $CFLAGS_C11 $SAN "$consumer_src" -o "$WORK/consumer_pc" \
  $(pkg-config --cflags --libs mpsim) 2>"$WORK/cc.err"; then
  fail "building the consumer with pkg-config --cflags --libs mpsim failed:"
  head -n 20 "$WORK/cc.err" >&2
fi

# The reference, from the scenario text the consumer carries.
REF_MEAN=""
if [ -x "$WORK/consumer_pc" ]; then
  "$WORK/consumer_pc" --yaml >"$WORK/ref/consumer.yaml"
  mpsim run "$WORK/ref/consumer.yaml" --paths 1000 --seed 20251128 --json --quiet \
    -o "$WORK/ref/consumer.h5"
  expect_rc 0 "in-tree mpsim run of the consumer's scenario"
  REF_MEAN="$(python3 -c 'import json, sys
print(repr(json.load(open(sys.argv[1]))["scenarios"]["consumer"]["dynamic"]["metrics"]["npv"]["mean"]))' \
    "$OUT" 2>/dev/null)"
fi
check_consumer "$WORK/consumer_pc" "pkg-config build"
CHECKS=$((CHECKS + 1))
if [ -x "$WORK/consumer_pc" ]; then
  loaded="$(ldd "$WORK/consumer_pc")" # not piped into grep -q: pipefail and SIGPIPE
  grep -qF "libmpsim.so.$major => $LIBDIR/" <<<"$loaded" ||
    fail "the pkg-config build does not load $LIBDIR/libmpsim.so.$major: $(grep mpsim <<<"$loaded")"
fi

# --- 2. pkg-config --static, the archive (both libmpsim.so and .a are in
# LIBDIR; -Bstatic picks the archive for -lmpsim alone)
CHECKS=$((CHECKS + 1))
static_libs="$(pkg-config --static --libs mpsim | sed 's/-lmpsim\b/-Wl,-Bstatic -lmpsim -Wl,-Bdynamic/')"
# shellcheck disable=SC2046,SC2086
if ! $CC $CFLAGS_C11 $SAN "$consumer_src" -o "$WORK/consumer_static" \
  $(pkg-config --cflags mpsim) $static_libs 2>"$WORK/cc.err"; then
  fail "building the consumer with pkg-config --static --libs mpsim failed:"
  head -n 20 "$WORK/cc.err" >&2
fi
check_consumer "$WORK/consumer_static" "static build"
CHECKS=$((CHECKS + 1))
if [ -x "$WORK/consumer_static" ] &&
  grep -q 'NEEDED.*libmpsim' <<<"$(readelf -d "$WORK/consumer_static")"; then
  fail "the static build still needs libmpsim.so"
fi

# --- 3. CMake, find_package(mpsim)
CHECKS=$((CHECKS + 1))
if ! cmake -S "$SRC/tests/install" -B "$WORK/cmake-consumer" -DCMAKE_PREFIX_PATH="$PREFIX" \
  -DCMAKE_C_COMPILER="$CC" -DCMAKE_C_FLAGS="$SAN" -DCMAKE_BUILD_TYPE=Release \
  >"$WORK/cmake.log" 2>&1 ||
  ! cmake --build "$WORK/cmake-consumer" >>"$WORK/cmake.log" 2>&1; then
  fail "building the consumer with find_package(mpsim) failed:"
  tail -n 20 "$WORK/cmake.log" >&2
fi
CHECKS=$((CHECKS + 1))
grep -qF "mpsim_DIR=$LIBDIR/cmake/mpsim" "$WORK/cmake.log" ||
  fail "find_package(mpsim) did not find the installed copy: $(grep mpsim_DIR "$WORK/cmake.log")"
check_consumer "$WORK/cmake-consumer/consumer" "find_package build"

# --- the installed program finds the installed batch
mkdir -p "$WORK/elsewhere"
(cd "$WORK/elsewhere" && "$PREFIX/bin/mpsim" run --paths 200 -o "$WORK/x.h5") \
  >"$OUT" 2>"$ERR" </dev/null
RC=$?
expect_rc 0 "installed mpsim run with no scenario"
expect_contains "$ERR" "in the installed data, $PREFIX/share/mpsim/scenarios/policy/" \
  "installed mpsim run with no scenario (where the batch was found)"
expect_nonempty "$WORK/x.h5" "installed mpsim run with no scenario (results file)"
expect_contains "$OUT" "adaptive" "installed mpsim run with no scenario (the batch's table)"

# Every installed scenario loads where it was installed (extends and sweep
# bases are relative paths), and a one-point shard of a sweep runs.
for f in "$PREFIX"/share/mpsim/scenarios/*.yaml "$PREFIX"/share/mpsim/scenarios/policy/*.yaml \
  "$PREFIX"/share/mpsim/scenarios/examples/*.yaml; do
  "$PREFIX/bin/mpsim" validate "$f" >"$OUT" 2>"$ERR" </dev/null
  RC=$?
  expect_rc 0 "installed mpsim validate ${f#"$PREFIX"/}"
done
(cd "$WORK/elsewhere" && "$PREFIX/bin/mpsim" sweep \
  "$PREFIX/share/mpsim/scenarios/sweeps/churn-grid.yaml" --paths 16 --shard 1/12 --quiet \
  -o "$WORK/sweep.h5") >"$OUT" 2>"$ERR" </dev/null
RC=$?
expect_rc 0 "installed mpsim sweep of the installed churn-grid.yaml (one point)"

finish
