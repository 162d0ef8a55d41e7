#!/usr/bin/env bash
# Installs what the test suite needs and the machine lacks: Debian's Chromium and ChromeDriver
# (browser tests), PostgreSQL (the store contract), Node.js and axe-core (the accessibility
# test), and newsboat with tmux to drive it (the reader test of newsboat's Google Reader
# source). Safe to run again; installs nothing that is already there.
set -euo pipefail

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "install-test-deps: need root (or sudo) to run: $*" >&2; return 1; fi
}

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
command -v newsboat >/dev/null || missing+=(newsboat)
command -v tmux >/dev/null || missing+=(tmux)
command -v npm >/dev/null || missing+=(npm)
if ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null && ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  missing+=(postgresql)
fi
if [ "${#missing[@]}" -gt 0 ]; then
  echo "install-test-deps: installing ${missing[*]}" >&2
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# Reader-app clients from PyPI for the reader API tests, in a venv beside the build
# (CARGO_TARGET_DIR/test-venv): `google-reader` (Miniflux's Google Reader API client, which needs
# Python 3.12 or newer), `freshrss-api` (a Fever API client; it imports loguru without
# declaring it) and `schemathesis` (checks the REST API against its OpenAPI document).
target="${CARGO_TARGET_DIR:-target}"
venv="$target/test-venv"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import google_reader, freshrss_api, schemathesis' 2>/dev/null; then
  python=""
  for candidate in python3.14 python3.13 python3.12 $(compgen -G "$HOME/.pyenv/versions/3.1[2-9]*/bin/python3" || true); do
    if command -v "$candidate" >/dev/null && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
      python="$candidate"; break
    fi
  done
  if [ -z "$python" ]; then
    echo "install-test-deps: no Python 3.12 or newer for the reader API clients; installing Debian's python3" >&2
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-venv >/dev/null
    python=python3
  fi
  echo "install-test-deps: making $venv for the reader API clients" >&2
  mkdir -p "$target"
  [ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
  "$venv/bin/pip" install -q google-reader==0.0.3 freshrss-api==2.0.5 loguru schemathesis==4.32.5
fi

# axe-core from npm for the accessibility test (tests/it/browser.rs injects it into each page),
# in a folder beside the build (CARGO_TARGET_DIR/test-node); the tests themselves never go online.
axe="$target/test-node/node_modules/axe-core/axe.min.js"
if [ ! -f "$axe" ]; then
  echo "install-test-deps: installing axe-core into $target/test-node" >&2
  mkdir -p "$target/test-node"
  npm install --silent --no-audit --no-fund --prefix "$target/test-node" axe-core@4.14.1 >/dev/null
fi
