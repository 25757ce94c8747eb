#!/usr/bin/env bash
# Tandem's websocket benchmark: 10,000 authenticated sockets on one instance (SQLite, demo
# data), a burst of alerts, commit-to-receipt latency and server memory per idle socket.
#   bench/ws.sh users  [sockets=10000] [devices per person=3] [alerts=1000]
#       sockets ÷ devices people signed in, each alert to a different person;
#   bench/ws.sh fanout [sockets=10000] [alerts per rep=5]
#       every socket belongs to one of the eight demo reps (the worst case for fan-out).
# Results go to bench/out/ws.txt; docs/benchmarks.md records them with machine and date.
set -euo pipefail
source "$(dirname "$0")/../scripts/tools.sh"
cd "$ROOT"
MODE="${1:-users}"
SOCKETS="${2:-10000}"
OUT="$ROOT/bench/out"
mkdir -p "$OUT"
# Each side holds one descriptor per socket.
ulimit -n "$(ulimit -Hn)"
leptos_env
say "building (release)"
cargo build --release -q -p server --bin tandem --example ws_bench
DB="$OUT/ws-bench.db"
rm -f "$DB" "$DB-wal" "$DB-shm"
case "$MODE" in
  users)
    DEVICES="${3:-3}"
    ALERTS="${4:-1000}"
    PEOPLE=$(( (SOCKETS + DEVICES - 1) / DEVICES ))
    ARGS=(users "$SOCKETS" "$DEVICES" "$ALERTS")
    target/release/tandem seed --database-url "sqlite://$DB" --demo --users "$PEOPLE" >/dev/null
    ;;
  fanout)
    ARGS=(fanout "$SOCKETS" "${3:-5}")
    ;;
  *) echo "usage: bench/ws.sh users|fanout [sockets] ..." >&2; exit 2 ;;
esac
port="$(free_port)"
RUST_LOG=warn target/release/tandem serve --demo --database-url "sqlite://$DB" --addr "127.0.0.1:$port" > "$OUT/ws-server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 200); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.2; done
say "${ARGS[*]}"
target/release/examples/ws_bench "http://127.0.0.1:$port" "$server" "${ARGS[@]}" | tee "$OUT/ws-$MODE.txt"
