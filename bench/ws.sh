#!/usr/bin/env bash
# Tandem's websocket benchmark: 10,000 authenticated sockets on one instance (SQLite, demo
# data), a burst of alerts, commit-to-receipt latency and server memory per idle socket.
#   bench/ws.sh [sockets=10000] [alerts per rep=5]
# Results go to bench/out/ws.txt; docs/benchmarks.md records them with machine and date.
set -euo pipefail
source "$(dirname "$0")/../scripts/tools.sh"
cd "$ROOT"
SOCKETS="${1:-10000}"
PER_REP="${2:-5}"
OUT="$ROOT/bench/out"
mkdir -p "$OUT"
# Each side holds one descriptor per socket.
ulimit -n "$(ulimit -Hn)"
leptos_env
say "building (release)"
cargo build --release -q -p server --bin tandem --example ws_bench
DB="$OUT/ws-bench.db"
rm -f "$DB" "$DB-wal" "$DB-shm"
port="$(free_port)"
RUST_LOG=warn target/release/tandem serve --demo --database-url "sqlite://$DB" --addr "127.0.0.1:$port" > "$OUT/ws-server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 200); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.2; done
say "$SOCKETS sockets, $PER_REP alerts per rep"
target/release/examples/ws_bench "http://127.0.0.1:$port" "$server" "$SOCKETS" "$PER_REP" | tee "$OUT/ws.txt"
