#!/usr/bin/env bash
# Tandem's service-desk benchmark: the agents' queue (mine, unassigned, breached) and the
# ticket page (as REST, as the page's first load, and as the server function the page
# calls when an agent moves from ticket to ticket) under 50 concurrent agents (wrk, each request signed in as the next of 50
# agents), against the same store queries run one at a time as the baseline; then the
# alert engine's tick with the desk's open tickets, against the same tick on the demo
# desk.
#   bench/tickets.sh [tickets=1000000] [messages=5000000] [customers=100000] [activities=1000000]
# Results go to bench/out/; docs/benchmarks.md records them with machine and date.
set -euo pipefail
source "$(dirname "$0")/../scripts/tools.sh"
cd "$ROOT"

TICKETS="${1:-1000000}"
MESSAGES="${2:-5000000}"
CUSTOMERS="${3:-100000}"
ACTIVITIES="${4:-1000000}"
DURATION="${BENCH_DURATION:-20s}"
source "$ROOT/bench/common.sh"
bench_build ticket_baseline open_loop

DB="$OUT/tickets-$TICKETS-$MESSAGES-$CUSTOMERS.db"
export DATABASE_URL="sqlite://$DB"
if [ ! -f "$DB" ]; then
  say "seeding $CUSTOMERS customers, $ACTIVITIES activities, 46 more agents (50 in all), $TICKETS tickets and $MESSAGES messages"
  /usr/bin/time -f "seed: %e s, max RSS %M KiB" target/release/tandem seed \
    --customers "$CUSTOMERS" --activities "$ACTIVITIES" --agents 46 \
    --tickets "$TICKETS" --messages "$MESSAGES"
fi

hold_database
start_server

# Fifty agents signed in, and two hundred open tickets to open in turn.
agents=(agent1@demo.tandem agent2@demo.tandem agent3@demo.tandem agent4@demo.tandem)
for i in $(seq 1 46); do agents+=("agent$i@load.tandem"); done
cookies=()
for a in "${agents[@]}"; do cookies+=("$(sign_in "$a")"); done
first="${cookies[0]}"
tickets="$(curl -fs -H "Cookie: $first" "$base/api/v1/tickets?view=open&limit=200" | python3 -c 'import json,sys; print(" ".join(str(t["id"]) for t in json.load(sys.stdin)["items"]))')"

pages=(); apis=(); calls=()
for t in $tickets; do pages+=("/tickets/$t"); apis+=("/api/v1/tickets/$t"); calls+=("POST /sfn/ticket id=$t"); done

say "warming up"
wrk -t2 -c50 -d5s -s "$(script warm /api/v1/tickets?view=mine\&limit=50)" "$base" >/dev/null
measure queue-mine "$base" -s "$(script mine '/api/v1/tickets?view=mine&limit=50')"
measure queue-unassigned "$base" -s "$(script unassigned '/api/v1/tickets?view=unassigned&limit=50')"
measure queue-breached "$base" -s "$(script breached '/api/v1/tickets?view=breached&limit=50')"
measure queue-page "$base" -s "$(script queue-page '/queue?view=mine')"
measure queue-sfn "$base" -s "$(script queue-sfn 'POST /sfn/queue view=mine')"
measure ticket-api "$base" -s "$(script ticket-api "${apis[@]}")"
measure ticket-page "$base" -s "$(script ticket-page "${pages[@]}")"
measure ticket-sfn "$base" -s "$(script ticket-sfn "${calls[@]}")"

# The same pages at a set rate (open loop): what an agent waits when fifty agents together
# open this many pages a second, each request timed from the moment it was due to leave.
# wrk's runs above are closed loops (each of 50 connections sends again the instant it is
# answered): they measure how many pages a second the server can give, and their latency is
# 50 divided by that. RATES: pages a second for all 50 agents together.
page_targets=(); for t in $tickets; do page_targets+=("GET /tickets/$t"); done
for rate in ${RATES:-100 300 600}; do
  open_loop queue-page-open "$rate" "GET /queue?view=mine"
  open_loop ticket-page-open "$rate" "${page_targets[@]}"
done
kill "$server" 2>/dev/null || true
wait "$server" 2>/dev/null || true

say "baseline: the same queries on the store, one at a time"
target/release/examples/ticket_baseline queue 300 | tee "$OUT/ticket-baseline.txt"

say "the alert engine's tick with $(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT COUNT(*) FROM tickets WHERE status IN (\"new\",\"open\",\"pending\")").fetchone()[0])' "$DB") open tickets"
target/release/examples/ticket_baseline tick 300 | tee "$OUT/ticket-tick.txt"
say "…and on the demo desk (80 tickets) as the baseline"
demo="$OUT/tick-demo.db"
rm -f "$demo" "$demo-wal" "$demo-shm"
target/release/tandem --database-url "sqlite://$demo" seed --demo >/dev/null
DATABASE_URL="sqlite://$demo" target/release/examples/ticket_baseline tick 300 | tee "$OUT/ticket-tick-demo.txt"
