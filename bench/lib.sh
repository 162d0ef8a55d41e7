# Shared setup of the bench scripts; sourced, not run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[1]}")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/tidings/target}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# shared_bench NAME: sets BENCH to the shared bench folder NAME, or stops saying where it looked.
shared_bench() {
  BENCH="${TIDINGS_SHARED:-$(cd .. && pwd)/shared}/bench/$1"
  [ -d "$BENCH/dev" ] || { echo "$1 bench: $BENCH/dev not found (set TIDINGS_SHARED)" >&2; exit 1; }
}

# peer_python PACKAGE...: a venv under ~/.cache with the peers installed; prints its python.
peer_python() {
  local venv="$HOME/.cache/tidings/bench-venv"
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv" >&2
  "$venv/bin/pip" install -q "$@" >&2
  echo "$venv/bin/python"
}
