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

# release_bin: the binary to measure: $TIDINGS_BIN, or the release build (built now).
release_bin() {
  if [ -n "${TIDINGS_BIN:-}" ]; then echo "$TIDINGS_BIN"; return; fi
  cargo build --release --bin tidings -q >&2
  echo "$CARGO_TARGET_DIR/release/tidings"
}

# free_port: a loopback port that was free a moment ago.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# ms VALUE: a wrk duration (850.00us, 12.3ms, 1.20s) in milliseconds.
ms() { awk -v v="$1" 'BEGIN { u = v; sub(/[0-9.]+/, "", u); x = v + 0;
  printf "%.1f", (u == "us") ? x / 1000 : (u == "s") ? x * 1000 : (u == "m") ? x * 60000 : x }'; }
