#!/usr/bin/env bash
# Token refresh under 1,000 concurrent callers: both tokens expired (then: due, 5 minutes left), and
# the callers need them at once; token requests counted by the simulator, and the time until every
# caller holds a token — wxfleet's core (Fleet::with_component_token / with_authorizer_token) beside wechatpy's
# WeChatComponent shared by 1,000 threads, against the same in-process simulator. See
# bench/tokens/README.md.
#
# Usage: bench/tokens.sh
# Env:   CALLERS (default 1000), LATENCY_MS (per token request, default 100), RUNS (of each, default 3)
source "$(dirname "$0")/../scripts/lib.sh"

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
step "cargo build --release (tokens)"
(cd "$ROOT" && cargo build --release --quiet -p wxfleet-bench --bin tokens)
step "peers (bench/peers/setup.sh)"
"$ROOT/bench/peers/setup.sh"
step "storms (load average $(cut -d' ' -f1 /proc/loadavg))"
cd "$ROOT"
"$CARGO_TARGET_DIR/release/tokens" --callers "${CALLERS:-1000}" --latency-ms "${LATENCY_MS:-100}" --runs "${RUNS:-3}" \
  --python bench/peers/.venv/bin/python --script bench/peers/tokens_wechatpy.py
