#!/usr/bin/env bash
# Campaign benchmark: wxfleet's campaign runner at concurrency 1, 8 and 32 over 1,000 mini programs
# (a fresh simulator and workspace each), then a sequential wechatpy script making the same per-app
# calls against the same kind of simulator, all at 100 ms per WeChat call; prints each beside its
# bound (calls × latency ÷ concurrency) and the ratios. See bench/campaign-peers/README.md.
#
# Usage: bench/campaign.sh [campaign options, e.g. --apps 100 --concurrency 1,32 --no-wechatpy]
# Takes about 25 minutes at the defaults (concurrency 1 and the script are call-bound).
source "$(dirname "$0")/../scripts/lib.sh"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"

step "bench/peers/setup.sh (wechatpy from PyPI)"
"$ROOT/bench/peers/setup.sh"
step "cargo build --release (campaign)"
(cd "$ROOT" && cargo build --release --quiet -p wxfleet-bench --bin campaign)
echo "machine: $(nproc) cores; $(uptime)"
"$CARGO_TARGET_DIR/release/campaign" "$@"
echo "machine: $(nproc) cores; $(uptime)"
