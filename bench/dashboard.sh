#!/usr/bin/env bash
# Tandem's dashboard benchmark: the managers' KPI report (as REST, and as the dashboard
# page's first load with its charts) under 20 concurrent managers, each signed in as the
# next of 20 managers over the sales teams, against the same record-set queries run one
# at a time on the store as the baseline (server/examples/kpi_baseline.rs).
#   bench/dashboard.sh [deals=1000000] [activities=10000000] [tickets=1000000] [customers=100000] [contracts=100000]
# Results go to bench/out/; docs/benchmarks.md records them with machine and date.
set -euo pipefail
source "$(dirname "$0")/../scripts/tools.sh"
cd "$ROOT"

DEALS="${1:-1000000}"
ACTIVITIES="${2:-10000000}"
TICKETS="${3:-1000000}"
CUSTOMERS="${4:-100000}"
CONTRACTS="${5:-100000}"
DURATION="${BENCH_DURATION:-20s}"
source "$ROOT/bench/common.sh"
bench_build kpi_baseline open_loop

# SQLite in bench/out/ by default; with BENCH_POSTGRES (a server's URL, e.g.
# postgres://postgres@127.0.0.1:5432) a database of its own there, kept between runs.
name="dashboard-$DEALS-$ACTIVITIES-$TICKETS-$CUSTOMERS-$CONTRACTS"
if [ -n "${BENCH_POSTGRES:-}" ]; then
  database="tandem_bench_${name//-/_}"
  export DATABASE_URL="$BENCH_POSTGRES/$database"
  OUT="$OUT/postgres"
  mkdir -p "$OUT"
  if ! psql "$BENCH_POSTGRES/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname = '$database'" | grep -q 1; then
    psql "$BENCH_POSTGRES/postgres" -qc "CREATE DATABASE $database"
    seed=yes
  fi
else
  DB="$OUT/$name.db"
  export DATABASE_URL="sqlite://$DB"
  [ -f "$DB" ] || seed=yes
fi
if [ -n "${seed:-}" ]; then
  say "seeding $CUSTOMERS customers, $ACTIVITIES activities, 20 managers, $DEALS deals, $CONTRACTS contracts, $TICKETS tickets"
  /usr/bin/time -f "seed: %e s, max RSS %M KiB" target/release/tandem seed \
    --customers "$CUSTOMERS" --activities "$ACTIVITIES" --managers 20 --deals "$DEALS" \
    --contracts "$CONTRACTS" --tickets "$TICKETS" --messages "$TICKETS"
fi

# A build whose roll-ups are defined otherwise rebuilds them when it opens the database
# (minutes at this size): done here, with no limit, before the server is timed to start.
target/release/tandem migrate >/dev/null
hold_database
start_server

managers=()
for i in $(seq 1 20); do managers+=("manager$i@load.tandem"); done
cookies=()
for m in "${managers[@]}"; do cookies+=("$(sign_in "$m")"); done
export CONNECTIONS=20
say "warming up"
wrk -t2 -c20 -d5s -s "$(script warm /api/v1/kpis?period=month)" "$base" >/dev/null
# A report takes seconds at this size: wrk waits up to a minute for each.
measure kpis-month "$base" --timeout 60s -s "$(script kpis-month '/api/v1/kpis?period=month')"
measure kpis-quarter "$base" --timeout 60s -s "$(script kpis-quarter '/api/v1/kpis?period=quarter')"
measure dashboard-page "$base" --timeout 60s -s "$(script dashboard-page '/dashboard?period=month')"

# The whole company's report and page: twenty connections signed in as the admin (who,
# like a director, sees every team).
team_cookies=("${cookies[@]}")
cookies=("$(sign_in admin@demo.tandem)")
measure kpis-month-company "$base" --timeout 60s -s "$(script kpis-month-company '/api/v1/kpis?period=month')"
measure dashboard-page-company "$base" --timeout 60s -s "$(script dashboard-page-company '/dashboard?period=month')"
cookies=("${team_cookies[@]}")

# The page at a set rate (open loop; see bench/tickets.sh): twenty managers opening the
# dashboard this many times a second together (0.2: one every five seconds, so each
# request has the server to itself: what one manager waits).
for rate in ${RATES:-0.2}; do
  open_loop dashboard-page-open "$rate" "GET /dashboard?period=month"
done
kill "$server" 2>/dev/null || true
wait "$server" 2>/dev/null || true

say "baseline: the report's record sets on the store, one report at a time (teams, then the company)"
target/release/examples/kpi_baseline "${BASELINE_RUNS:-30}" | tee "$OUT/kpi-baseline.txt"
