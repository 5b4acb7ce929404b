#!/usr/bin/env bash
# Push → desktop-core latency while connected: the simulator pushes tickets and audit results at
# 20/s and 200/s (1,000 each) to a real wxfleet-relay process; a fleet core connected through the
# relay client's long-poll stores and handles them; prints p50/p90/p99/max from queued at the
# simulator to processed by the core. See bench/push-latency/README.md.
#
# Usage: bench/push-latency.sh [push-latency options, e.g. --pushes 200 --rates 20,200,500]
source "$(dirname "$0")/../scripts/lib.sh"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"

step "cargo build --release (wxfleet-relay, push-latency)"
(cd "$ROOT" && cargo build --release --quiet -p wxfleet-relay --bin wxfleet-relay -p wxfleet-bench --bin push-latency)
echo "machine: $(nproc) cores; $(uptime)"
# Temporary files on disk (not tmpfs), so the relay's and the workspace's fsyncs are real.
TMPDIR="${TMPDIR:-/var/tmp}" "$CARGO_TARGET_DIR/release/push-latency" --relay-bin "$CARGO_TARGET_DIR/release/wxfleet-relay" "$@"
echo "machine: $(nproc) cores; $(uptime)"
