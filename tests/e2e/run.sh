#!/usr/bin/env bash
# Runs the end-to-end suite against the real window under a virtual X display.
#   tests/e2e/run.sh [pytest args]        (app: $WXFLEET_APP, default target/debug/wxfleet-desktop)
# Needs: python3-venv, xvfb-run, tauri-driver, WebKitWebDriver (see conftest.py). Screenshots go to test-output/e2e/.
set -euo pipefail
cd "$(dirname "$0")/../.."

if [[ ! -x .venv/bin/pytest ]] || ! .venv/bin/python -c 'import selenium' 2>/dev/null; then
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check -r tests/e2e/requirements.txt
fi

exec xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python -m pytest tests/e2e -p no:cacheprovider "$@"
