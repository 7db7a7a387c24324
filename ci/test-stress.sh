#!/usr/bin/env bash
# npm run test:stress [-- vitest args]: the whole suite (npm test) with one busy process
# per core beside it, the way CI runs next to other work. A test that fails here fails
# on a loaded machine, and is a bug in the test.
set -euo pipefail

cores=$(nproc)
burners=()
stop_burners() {
  if ((${#burners[@]})); then kill "${burners[@]}" 2>/dev/null || true; fi
}
trap stop_burners EXIT

for _ in $(seq "$cores"); do
  node -e 'for (;;) {}' &
  burners+=("$!")
done
echo "test:stress: ${cores} busy processes beside the suite (pids ${burners[*]})" >&2

started=$(date +%s)
status=0
npm test -- "$@" || status=$?
echo "test:stress: npm test exited ${status} after $(($(date +%s) - started)) s under load" >&2
exit "$status"
