#!/usr/bin/env bash
# Decrypt + verify + parse of pushed component_verify_ticket pushes, side by side on one thread:
#   - wxfleet (the inbox's call path: PushQuery::parse, MsgCrypt::open_push, Event::parse, AppId check),
#   - wechatpy (PyPI): WeChatComponent.parse_message,
#   - wechat-crypto (npm) with xml2js, as node-webot's wechat middleware uses them,
#   - the floor: SHA-1 + AES-256-CBC of the same bytes, pre-decoded (the aes, cbc, sha1 crates).
# The same PUSHES pushes (sealed once with MsgCrypt::seal_push) for all; each implementation checks
# that every push opens to its ticket. ROUNDS rounds, the implementations interleaved; each round is
# one process: a warm-up pass, then REPS timed passes. Prints the table (see bench/crypto/README.md).
#
# Usage: bench/crypto.sh
# Env:   PUSHES (default 10000), REPS (default 7), ROUNDS (default 3),
#        RESULTS (JSON lines kept there; default $CARGO_TARGET_DIR/crypto-results.jsonl)
source "$(dirname "$0")/../scripts/lib.sh"

PUSHES="${PUSHES:-10000}"
REPS="${REPS:-7}"
ROUNDS="${ROUNDS:-3}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
RESULTS="${RESULTS:-$CARGO_TARGET_DIR/crypto-results.jsonl}"
PEERS="$ROOT/bench/peers"

step "cargo build --release (crypto)"
(cd "$ROOT" && cargo build --release --quiet -p wxfleet-bench --bin crypto)
BIN="$CARGO_TARGET_DIR/release/crypto"
step "peers (bench/peers/setup.sh)"
"$PEERS/setup.sh"

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
step "sealing $PUSHES pushes"
"$BIN" gen --count "$PUSHES" --out "$WORK/pushes.jsonl"
: >"$RESULTS"
for round in $(seq 1 "$ROUNDS"); do
  step "round $round/$ROUNDS (load average $(cut -d' ' -f1 /proc/loadavg))"
  "$BIN" measure --impl wxfleet --input "$WORK/pushes.jsonl" --reps "$REPS" | tee -a "$RESULTS"
  "$BIN" measure --impl floor --input "$WORK/pushes.jsonl" --reps "$REPS" | tee -a "$RESULTS"
  "$PEERS/.venv/bin/python" "$PEERS/crypto_wechatpy.py" "$WORK/pushes.jsonl" "$REPS" | tee -a "$RESULTS"
  (cd "$PEERS/node" && node crypto.js "$WORK/pushes.jsonl" "$REPS") | tee -a "$RESULTS"
done
echo
echo "Pushes opened per second on one thread, $(nproc) cores, $(date -u +%F):"
"$BIN" report --results "$RESULTS"
