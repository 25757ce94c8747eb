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
source "$ROOT/bench/common.sh"
bench_build store_baseline

DB="$OUT/bench-$CUSTOMERS-$ACTIVITIES.db"
export DATABASE_URL="sqlite://$DB"
if [ ! -f "$DB" ]; then
  say "seeding $CUSTOMERS customers and $ACTIVITIES activities"
  /usr/bin/time -f "seed: %e s, max RSS %M KiB" target/release/tandem seed --customers "$CUSTOMERS" --activities "$ACTIVITIES"
fi

hold_database
start_server
cookie="$(sign_in rep1@demo.tandem)"
me="$(curl -fs -H "Cookie: $cookie" "$base/api/v1/me" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')"
customer="$(curl -fs -H "Cookie: $cookie" "$base/api/v1/customers?owner_id=$me&limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')"
q="$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$TERM")"

run() { measure "$1" "$2" -H "Cookie: $cookie"; }
say "warming up"
wrk -t2 -c50 -d5s -H "Cookie: $cookie" "$base/api/v1/customers?limit=50&q=$q" >/dev/null
run list "$base/api/v1/customers?limit=50"
run list-by-name "$base/api/v1/customers?limit=50&sort=name"
run search "$base/api/v1/customers?limit=50&q=$q"
run customer-api "$base/api/v1/customers/$customer"
run customer-page "$base/customers/$customer"

say "baseline: the same queries on the store, one at a time"
target/release/examples/store_baseline rep1@demo.tandem "$TERM" 300 | tee "$OUT/baseline.txt"
