#!/usr/bin/env bash
# Every server-rendered page's speed, page by page, on the demo data: each page as the
# person who opens it (sign-in anonymously; the rep's pages as rep1, the desk's as agent1,
# the dashboard as manager1, administration as admin), wrk with CONNECTIONS (10 unless
# set) connections. What it measures is the server's cost of a page (queries on a small
# database, and rendering), not the database at size: bench/run.sh, bench/tickets.sh and
# bench/dashboard.sh measure that.
#   bench/pages.sh [label]                   # results in bench/out/pages-<label>.md
# BASELINE_BIN (and BASELINE_SITE, its target/site) names a second release build, served
# beside this one on its own demo database. Each page is then measured on the two in the
# order baseline, current, current, baseline (DURATION each, 5s unless set, after a 2 s
# warm-up), so a machine that speeds up or slows down during the run favours neither;
# each figure is the mean of a build's two runs. SKIP_BUILD=1 measures the release build
# as it is. docs/benchmarks.md records the results with machine and date.
set -euo pipefail
source "$(dirname "$0")/../scripts/tools.sh"
cd "$ROOT"

LABEL="${1:-$(date -u +%Y-%m-%d)}"
DURATION="${DURATION:-5s}"
mkdir -p "$ROOT/bench/out"
source "$ROOT/bench/common.sh"
bench_tools
if [ -z "${SKIP_BUILD:-}" ]; then
  ensure_rust_tools
  ensure_node_tools
  say "building (release)"
  build_site release
fi

# The figures of one wrk run, tab-separated: requests a second, p50 and p99 in ms, and
# the responses that were not 2xx/3xx.
figures() {
  python3 - "$1" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
def ms(label):
    m = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
    v, unit = float(m.group(1)), m.group(2)
    return v / 1000 if unit == "us" else v * 1000 if unit == "s" else v
rate = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
bad = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
print(f"{rate:.1f}\t{ms(50):.3f}\t{ms(99):.3f}\t{bad.group(1) if bad else 0}")
PY
}

# Serves build $1 ($2: the binary, $3: its site) on a fresh demo database; sets
# base_<name>, server_<name> and the cookies and record ids its pages need.
serve_build() {
  local name="$1" bin="$2" site="$3" port dir base
  port="$(free_port)"
  dir="$(mktemp -d)"
  DATABASE_URL="sqlite://$dir/demo.db" LEPTOS_SITE_ROOT="$site" RUST_LOG=warn \
    "$bin" serve --demo --addr "127.0.0.1:$port" > "$OUT/pages-server-$name.log" 2>&1 &
  servers+=("$!")
  base="http://127.0.0.1:$port"
  for _ in $(seq 1 600); do curl -fs "$base/readyz" >/dev/null && break; sleep 0.2; done
  first_id() {
    curl -fs -H "cookie: $1" "$base$2" | python3 -c 'import json, sys; print(json.load(sys.stdin)["items"][0]["id"])'
  }
  local rep agent manager admin customer deal ticket
  rep="$(sign_in rep1@demo.tandem)"
  agent="$(sign_in agent1@demo.tandem)"
  manager="$(sign_in manager1@demo.tandem)"
  admin="$(sign_in admin@demo.tandem)"
  customer="$(first_id "$rep" "/api/v1/customers?limit=1")"
  deal="$(first_id "$rep" "/api/v1/opportunities?limit=1")"
  ticket="$(first_id "$agent" "/api/v1/tickets?limit=1")"
  # page, path, cookie ("-": none)
  printf '%s\n' \
    "sign-in $base/login -" \
    "Today $base/today $rep" \
    "customer-list $base/customers $rep" \
    "customer $base/customers/$customer $rep" \
    "pipeline $base/pipeline $rep" \
    "deal $base/deals/$deal $rep" \
    "tasks $base/tasks $rep" \
    "alerts $base/alerts $rep" \
    "queue $base/queue $agent" \
    "ticket $base/tickets/$ticket $agent" \
    "dashboard $base/dashboard $manager" \
    "admin $base/admin $admin" \
    "settings $base/admin/settings $admin" > "$OUT/pages-$name.targets"
}

# One measured run of a page on a build: `run NAME PAGE URL COOKIE N`, its figures appended
# to $OUT/pages-NAME.tsv.
run() {
  local name="$1" page="$2" url="$3" cookie="$4" n="$5" header=()
  [ "$cookie" != - ] && header=(-H "Cookie: $cookie")
  # Every page answers 200 to its person, or the figures would be an error page's.
  local status line
  status="$(curl -s -o /dev/null -w '%{http_code}' "${header[@]}" "$url")"
  [ "$status" = 200 ] || { echo "$name: $url answered $status" >&2; exit 1; }
  say "$name: $page, run $n"
  wrk -t2 -c"${CONNECTIONS:-10}" -d2s "${header[@]}" "$url" > /dev/null
  wrk -t2 -c"${CONNECTIONS:-10}" -d"$DURATION" --latency "${header[@]}" "$url" > "$OUT/pages-$name-$page-$n.txt"
  line="$(figures "$OUT/pages-$name-$page-$n.txt")"
  [ "${line##*$'\t'}" = 0 ] || { echo "$name: $url answered errors under load" >&2; exit 1; }
  printf '%s\t%s\n' "$page" "$line" >> "$OUT/pages-$name.tsv"
}

servers=()
trap 'kill "${servers[@]}" 2>/dev/null || true' EXIT
builds=(current)
serve_build current "$ROOT/target/release/tandem" "$ROOT/target/site"
if [ -n "${BASELINE_BIN:-}" ]; then
  builds=(baseline current)
  serve_build baseline "$BASELINE_BIN" "${BASELINE_SITE:-$ROOT/target/site}"
fi
for b in "${builds[@]}"; do : > "$OUT/pages-$b.tsv"; done
mapfile -t current_targets < "$OUT/pages-current.targets"
for i in "${!current_targets[@]}"; do
  read -r page url cookie <<< "${current_targets[$i]}"
  if [ "${#builds[@]}" = 2 ]; then
    mapfile -t baseline_targets < "$OUT/pages-baseline.targets"
    read -r _ burl bcookie <<< "${baseline_targets[$i]}"
    run baseline "$page" "$burl" "$bcookie" 1
    run current "$page" "$url" "$cookie" 1
    run current "$page" "$url" "$cookie" 2
    run baseline "$page" "$burl" "$bcookie" 2
  else
    run current "$page" "$url" "$cookie" 1
  fi
done

{
  echo "wrk -c${CONNECTIONS:-10}, $DURATION a run, demo data on SQLite;"
  echo "$(nproc) vCPU $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  python3 - "$OUT" "${builds[@]}" <<'PY'
import sys
from collections import defaultdict
out, builds = sys.argv[1], sys.argv[2:]
def read(name):
    runs = defaultdict(list)
    for line in open(f"{out}/pages-{name}.tsv"):
        page, rate, p50, p99, _ = line.rstrip("\n").split("\t")
        runs[page].append((float(rate), float(p50), float(p99)))
    return {p: tuple(sum(r[i] for r in rs) / len(rs) for i in range(3)) for p, rs in runs.items()}
cur = read("current")
if "baseline" in builds:
    base = read("baseline")
    print("| page | baseline /s | p50 | p99 | now /s | p50 | p99 | now ÷ baseline (/s) |")
    print("|---|---|---|---|---|---|---|---|")
    for page, (r, p50, p99) in cur.items():
        br, b50, b99 = base[page]
        print(f"| {page} | {br:.0f} | {b50:.2f} ms | {b99:.2f} ms | {r:.0f} | {p50:.2f} ms | {p99:.2f} ms | {r / br:.2f} |")
else:
    print("| page | /s | p50 | p99 |")
    print("|---|---|---|---|")
    for page, (r, p50, p99) in cur.items():
        print(f"| {page} | {r:.0f} | {p50:.2f} ms | {p99:.2f} ms |")
PY
} | tee "$OUT/pages-$LABEL.md"
