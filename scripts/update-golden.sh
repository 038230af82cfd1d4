#!/usr/bin/env bash
# Regenerates the CLI golden files (tests/cli/golden/NAME.json) from the
# cases in tests/cli/golden/cases.txt.  Run it only after a deliberate
# change of results, then review the diff:
#   ./scripts/update-golden.sh && git diff tests/cli/golden
# With an argument, uses that mpsim binary instead of building build/mpsim.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
src="$(pwd)"

if [ $# -ge 1 ]; then
  mpsim="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
else
  ./scripts/setup.sh
  cmake -S . -B build >/dev/null
  cmake --build build -j "$(nproc 2>/dev/null || echo 2)" --target mpsim >/dev/null
  mpsim="$src/build/mpsim"
fi

source tests/cli/lib/golden.bash
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

while read -r name args; do
  golden_run "$mpsim" "$src" "$tmp" "$name" "$args" >"$tmp/$name.json" </dev/null
  mv "$tmp/$name.json" "tests/cli/golden/$name.json"
  echo "updated tests/cli/golden/$name.json"
done < <(golden_cases "$src")
