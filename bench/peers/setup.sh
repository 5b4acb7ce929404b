#!/usr/bin/env bash
# Installs the peers the benchmarks compare wxfleet with, from their registries (idempotent):
#   bench/peers/.venv        wechatpy (PyPI), with `cryptography` for its AES
#   bench/peers/node         wechat-crypto (npm), with xml2js to parse what it decrypts
# Prints nothing but errors; the callers print the versions they measured.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
command -v python3 >/dev/null || apt-get install -y -qq python3 python3-venv >/dev/null
python3 -c 'import venv, ensurepip' 2>/dev/null || apt-get install -y -qq python3-venv >/dev/null
[ -x "$here/.venv/bin/python" ] || python3 -m venv "$here/.venv"
if ! cmp -s "$here/requirements.txt" "$here/.venv/installed.txt"; then
  "$here/.venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"
  cp "$here/requirements.txt" "$here/.venv/installed.txt"
fi
command -v node >/dev/null || { echo "node is missing: run scripts/test or scripts/run once (they install it)" >&2; exit 1; }
(cd "$here/node" && [ -d node_modules/wechat-crypto ] && [ -d node_modules/xml2js ] || npm ci --no-audit --no-fund --silent)
