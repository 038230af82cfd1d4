#!/usr/bin/env bash
# The report of the demonstration batch in headless Chromium (Debian
# `chromium`, installed by scripts/setup.sh): it loads with no console
# error and no request for anything outside the page, the rendered DOM
# holds every chart and table of the page, and a screenshot is not blank.
# The same for the report of a sensitivity file.  Exits 77 (skipped) only
# when no Chromium is installed.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"

BROWSER=""
for b in chromium chromium-browser google-chrome; do
  if command -v "$b" >/dev/null 2>&1; then BROWSER="$(command -v "$b")"; break; fi
done
if [ -z "$BROWSER" ]; then
  echo "report_browser.sh: no chromium installed (scripts/setup.sh installs it); skipped"
  exit 77
fi

# browse URL ARGS...: headless Chromium with a fresh profile, no network
# (every host name resolves to nothing), console messages on stderr.
browse() {
  local url="$1"
  shift
  rm -rf "$WORK/profile"
  timeout 120 "$BROWSER" --headless --no-sandbox --disable-gpu --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$WORK/profile" --enable-logging=stderr --v=0 \
    --host-resolver-rules="MAP * ~NOTFOUND" --hide-scrollbars "$@" "$url" \
    >"$WORK/browser.out" 2>"$WORK/browser.err"
}

# Console messages of the last page (Chromium logs them as CONSOLE lines),
# and failed loads of anything the page asked for.
console_errors() {
  grep -E 'CONSOLE|Uncaught|net::ERR_|Failed to load' "$WORK/browser.err" || true
}

# The check can fail: a page that logs an error is caught.
printf '<!DOCTYPE html><title>t</title><script>console.error("boom")</script><p>x</p>\n' \
  >"$WORK/bad.html"
browse "file://$WORK/bad.html" --dump-dom
CHECKS=$((CHECKS + 1))
[ -n "$(console_errors)" ] || fail "a page with a console error was not caught"

mpsim run --paths 2000 --quiet -o batch.h5
expect_rc 0 "run the demonstration batch"
mpsim report batch.h5 -o batch.html -q
expect_rc 0 "report of the batch"
PAGE="$CWD/batch.html"

browse "file://$PAGE" --dump-dom
CHECKS=$((CHECKS + 1))
if [ -n "$(console_errors)" ]; then
  fail "console errors while loading the report:"
  console_errors | head -n 10 >&2
fi
CHECKS=$((CHECKS + 1))
[ -s "$WORK/browser.out" ] || fail "Chromium rendered no DOM"
# Every chart and table of the page is in the DOM Chromium built.
for kind in chart table; do
  want=$(grep -o "data-$kind=\"[^\"]*\"" "$PAGE" | sort | uniq -c)
  got=$(grep -o "data-$kind=\"[^\"]*\"" "$WORK/browser.out" | sort | uniq -c)
  CHECKS=$((CHECKS + 1))
  if [ -z "$want" ] || [ "$want" != "$got" ]; then
    fail "the rendered page lacks some ${kind}s"
    diff <(echo "$want") <(echo "$got") | head -n 10 >&2
  fi
done
for kind in npv-histogram bcr-histogram fan-net_benefit fan-cumulative_npv \
  decomposition-scenarios decomposition-projects; do
  expect_contains "$WORK/browser.out" "data-chart=\"$kind\"" "rendered page: $kind"
done
expect_contains "$WORK/browser.out" 'data-table="comparisons"' "rendered page: comparisons"

browse "file://$PAGE" --window-size=1024,1400 --screenshot="$WORK/shot.png"
CHECKS=$((CHECKS + 1))
if [ ! -s "$WORK/shot.png" ]; then
  fail "no screenshot"
elif ! python3 "$SRC/tests/python/png_variance.py" "$WORK/shot.png" 100 >"$WORK/png.out"; then
  fail "the screenshot is blank: $(cat "$WORK/png.out")"
fi
# The report of a sensitivity file (a batch: tornado and indices charts per
# scenario, value of information): it loads cleanly, the DOM holds its
# charts and tables, and its screenshot is not blank.
mpsim sensitivity "$SRC/tests/data/sensitivity/small.yaml" \
  "$SRC/tests/data/sensitivity/small-alt.yaml" --samples 64 -o sens.h5
expect_rc 0 "sensitivity of the small batch"
mpsim report sens.h5 -o sens.html -q
expect_rc 0 "report of the sensitivity file"
SPAGE="$CWD/sens.html"
browse "file://$SPAGE" --dump-dom
CHECKS=$((CHECKS + 1))
if [ -n "$(console_errors)" ]; then
  fail "console errors while loading the sensitivity report:"
  console_errors | head -n 10 >&2
fi
for kind in chart table; do
  want=$(grep -o "data-$kind=\"[^\"]*\"" "$SPAGE" | sort | uniq -c)
  got=$(grep -o "data-$kind=\"[^\"]*\"" "$WORK/browser.out" | sort | uniq -c)
  CHECKS=$((CHECKS + 1))
  if [ -z "$want" ] || [ "$want" != "$got" ]; then
    fail "the rendered sensitivity page lacks some ${kind}s"
    diff <(echo "$want") <(echo "$got") | head -n 10 >&2
  fi
done
for kind in tornado indices; do
  expect_contains "$WORK/browser.out" "data-chart=\"$kind\"" "rendered sensitivity page: $kind"
done
browse "file://$SPAGE" --window-size=1024,1400 --screenshot="$WORK/sens.png"
CHECKS=$((CHECKS + 1))
if [ ! -s "$WORK/sens.png" ]; then
  fail "no screenshot of the sensitivity report"
elif ! python3 "$SRC/tests/python/png_variance.py" "$WORK/sens.png" 100 >"$WORK/png.out"; then
  fail "the sensitivity report's screenshot is blank: $(cat "$WORK/png.out")"
fi

# The variance check can fail: a blank page's screenshot is refused.
printf '<!DOCTYPE html><title>blank</title>\n' >"$WORK/blank.html"
browse "file://$WORK/blank.html" --window-size=400,300 --screenshot="$WORK/blank.png"
CHECKS=$((CHECKS + 1))
if python3 "$SRC/tests/python/png_variance.py" "$WORK/blank.png" 100 >/dev/null 2>&1; then
  fail "png_variance.py accepted a blank screenshot"
fi

finish
