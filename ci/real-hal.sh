#!/usr/bin/env bash
# The kit against the real hal-mcp 1.0.14 (../shared/reference/hal-mcp, or the folder in
# $1): the live differential test of the kit's HAL server, then the whole reference
# matrix (every flow × every bundled scenario) once with the built-in server and once
# with the real one, whose verdicts must be the same. Run from the project root.
set -euo pipefail
source_dir=${1:-../shared/reference/hal-mcp}
if [ ! -f "$source_dir/dist/index.js" ]; then
  echo "real-hal: no hal-mcp build at $source_dir (dist/index.js); pass its folder as the first argument" >&2
  exit 2
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The reference copy is read-only: install its runtime packages in a copy.
cp -r "$source_dir/." "$work/hal-mcp"
(cd "$work/hal-mcp" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error)

npm run -s conformance -- --hal-mcp "$work/hal-mcp"

scenarios=$(find scenarios -maxdepth 1 -name '*.json' ! -name 'scenario.schema.json' -printf '%f\n' | sed 's/\.json$//' | sort | paste -sd, -)
flows=plan,tasks,implement,validate,audit,unlock
npm run -s harness -- run --flows "$flows" --scenarios "$scenarios" --out "$work/bundles" --report-json "$work/builtin.json" >"$work/builtin.log" \
  || { cat "$work/builtin.log"; exit 1; }
npm run -s harness -- run --flows "$flows" --scenarios "$scenarios" --out "$work/bundles" --report-json "$work/real.json" \
  --mcp-server "node $work/hal-mcp/dist/index.js" >"$work/real.log" \
  || { cat "$work/real.log"; exit 1; }
grep -E "^(PASSED|FAILED):" "$work/real.log"
node_modules/.bin/node ci/compare-verdicts.ts "$work/builtin.json" "$work/real.json"
