#!/usr/bin/env bash
# Tandem's HTTP benchmark: customer list, search and customer page under 50 concurrent
# clients (wrk), against the same queries run directly on the store as the baseline.
#   bench/run.sh [customers=100000] [activities=1000000] [search term=恒远]
# Results go to bench/out/; docs/benchmarks.md records them with machine and date.
set -euo pipefail
source "$(dirname "$0")/../scripts/tools.sh"
cd "$ROOT"

CUSTOMERS="${1:-100000}"
ACTIVITIES="${2:-1000000}"
TERM="${3:-恒远}"
DURATION="${BENCH_DURATION:-20s}"  # seconds, e.g. 20s
OUT="$ROOT/bench/out"
mkdir -p "$OUT"

for tool in wrk vmtouch; do
  if ! command -v "$tool" >/dev/null; then
    say "installing $tool"
    apt-get install -y -q "$tool" >/dev/null
  fi
done
leptos_env
say "building (release)"
cargo build --release -q -p server --bin tandem --example store_baseline

DB="$OUT/bench-$CUSTOMERS-$ACTIVITIES.db"
export DATABASE_URL="sqlite://$DB"
if [ ! -f "$DB" ]; then
  say "seeding $CUSTOMERS customers and $ACTIVITIES activities"
  /usr/bin/time -f "seed: %e s, max RSS %M KiB" target/release/tandem seed --customers "$CUSTOMERS" --activities "$ACTIVITIES"
fi

# A server in its steady state has a short write-ahead log: fold the seed's into the file.
python3 -c 'import sqlite3, sys; sqlite3.connect(sys.argv[1]).execute("PRAGMA wal_checkpoint(TRUNCATE)")' "$DB"

# These virtual machines hand idle page cache back to the host within seconds, so a
# database that is not locked in memory is read from disk at random moments. Lock it, as a
# server with enough memory would keep it cached.
vmtouch -l -q "$DB" &
locker=$!

port="$(free_port)"
RUST_LOG=warn target/release/tandem serve --addr "127.0.0.1:$port" > "$OUT/server.log" 2>&1 &
server=$!
trap 'kill $server $locker 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.2; done

base="http://127.0.0.1:$port"
cookie="$(curl -fs -D - -o /dev/null -H 'content-type: application/json' \
  -d '{"email":"rep1@demo.tandem","password":"tandem-demo"}' "$base/api/v1/auth/login" \
  | sed -n 's/^[Ss]et-[Cc]ookie: \(tandem_session=[^;]*\).*/\1/p')"
me="$(curl -fs -H "Cookie: $cookie" "$base/api/v1/me" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')"
customer="$(curl -fs -H "Cookie: $cookie" "$base/api/v1/customers?owner_id=$me&limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')"
q="$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$TERM")"

# Commits made to the database while a run lasts (the server's own background work, such
# as pool reclaims): every commit makes SQLite readers drop their page cache and mapping,
# so a run measured during a burst of writes is not the steady state it claims to be.
commits() {
  python3 - "$DB" "$1" <<'PY'
import sqlite3, sys, time
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
end, last, n = time.time() + float(sys.argv[2]), None, -1
while time.time() < end:
    v = db.execute("PRAGMA data_version").fetchone()[0]
    n, last = (n + 1, v) if v != last else (n, last)
    time.sleep(0.005)
print(n)
PY
}

run() {
  local name="$1" url="$2"
  say "$name: $url"
  commits "${DURATION%s}" > "$OUT/$name.commits" &
  local poller=$!
  wrk -t2 -c50 -d"$DURATION" --latency -H "Cookie: $cookie" "$url" | tee "$OUT/$name.txt" | grep -E "Requests/sec|50%|99%|Non-2xx|Socket errors" || true
  wait "$poller"
  echo "    commits during the run: $(cat "$OUT/$name.commits")" | tee -a "$OUT/$name.txt"
}
say "warming up"
wrk -t2 -c50 -d5s -H "Cookie: $cookie" "$base/api/v1/customers?limit=50&q=$q" >/dev/null
run list "$base/api/v1/customers?limit=50"
run list-by-name "$base/api/v1/customers?limit=50&sort=name"
run search "$base/api/v1/customers?limit=50&q=$q"
run customer-api "$base/api/v1/customers/$customer"
run customer-page "$base/customers/$customer"

say "baseline: the same queries on the store, one at a time"
target/release/examples/store_baseline rep1@demo.tandem "$TERM" 300 | tee "$OUT/baseline.txt"
