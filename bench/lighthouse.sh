#!/usr/bin/env bash
# The rep's phone, measured with Lighthouse's mobile preset (simulated slow 4G, 4x CPU
# slowdown) in Debian's Chromium against the release build with its demo data: the
# sign-in page, Today and a customer page as rep1, each RUNS times (3 unless set; the
# medians are reported), with the bytes each page downloads by kind.
#   bench/lighthouse.sh [label]            # results in bench/out/lighthouse-<label>.md
# BASELINE_BIN and BASELINE_SITE name a second build (another revision's
# target/release/tandem and target/site, built with `build_site release` there) served
# beside this one and measured in the same run, the two in turn, as the baseline.
# SKIP_BUILD=1 measures the release build as it is. docs/benchmarks.md records the
# results with machine and date.
set -euo pipefail
source "$(dirname "$0")/../scripts/tools.sh"
cd "$ROOT"

LABEL="${1:-$(date -u +%Y-%m-%d)}"
RUNS="${RUNS:-3}"
OUT="$ROOT/bench/out"
mkdir -p "$OUT"
ensure_rust_tools
ensure_node_tools
ensure_chromium
ensure_cjk_fonts
if [ ! -x bench/lighthouse/node_modules/.bin/lighthouse ]; then
  say "installing Lighthouse from npm"
  (cd bench/lighthouse && npm ci --no-audit --no-fund)
fi
if [ -z "${SKIP_BUILD:-}" ]; then
  say "building (release)"
  build_site release
fi
rm -f "$OUT"/lh-*.json

# Serves build $1 ($2: the binary, $3: its site) on a fresh demo database, signs rep1 in
# and lists its pages (page, address, header file) in $dir/pages-$1.
servers=()
trap 'kill "${servers[@]}" 2>/dev/null || true' EXIT
dir="$(mktemp -d)"
serve_build() {
  local name="$1" bin="$2" site="$3" port base cookie customer
  port="$(free_port)"
  mkdir -p "$dir/$name"
  DATABASE_URL="sqlite://$dir/$name/demo.db" LEPTOS_SITE_ROOT="$site" RUST_LOG=warn \
    "$bin" serve --demo --addr "127.0.0.1:$port" > "$OUT/lighthouse-server-$name.log" 2>&1 &
  servers+=("$!")
  base="http://127.0.0.1:$port"
  for _ in $(seq 1 600); do curl -fs "$base/readyz" >/dev/null && break; sleep 0.2; done
  cookie="$(curl -fs -D - -o /dev/null -H 'content-type: application/json' \
    -d '{"email":"rep1@demo.tandem","password":"tandem-demo"}' "$base/api/v1/auth/login" \
    | sed -n 's/^[Ss]et-[Cc]ookie: \(tandem_session=[^;]*\).*/\1/p')"
  customer="$(curl -fs -H "cookie: $cookie" "$base/api/v1/customers?limit=1" \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["items"][0]["id"])')"
  printf '{"Cookie": "%s"}' "$cookie" > "$dir/$name/signed-in.json"
  echo '{}' > "$dir/$name/anonymous.json"
  printf '%s\n' "login $base/login $dir/$name/anonymous.json" \
    "today $base/today $dir/$name/signed-in.json" \
    "customer $base/customers/$customer $dir/$name/signed-in.json" > "$dir/pages-$name"
}

# One Lighthouse run of a page: `measure NAME PAGE URL HEADERS RUN`.
measure() {
  local name="$1" page="$2" url="$3" headers="$4" run="$5"
  say "$name: $page, run $run of $RUNS"
  # Lighthouse now and then loses the trace of a load (NO_NAVSTART): that run again.
  for attempt in 1 2 3; do
    if bench/lighthouse/node_modules/.bin/lighthouse "$url" --quiet \
      --chrome-path="${CHROMIUM_PATH:-/usr/bin/chromium}" \
      --chrome-flags="--headless=new --no-sandbox --disable-gpu" \
      --only-categories=performance,accessibility,best-practices \
      --extra-headers="$headers" \
      --output=json --output-path="$OUT/lh-$name-$page-$run.json"; then
      return
    fi
  done
  exit 1
}

builds=(current)
serve_build current "$ROOT/target/release/tandem" "$ROOT/target/site"
if [ -n "${BASELINE_BIN:-}" ]; then
  builds=(baseline current)
  serve_build baseline "$BASELINE_BIN" "${BASELINE_SITE:?BASELINE_SITE names the site of the baseline build}"
fi
# Page by page, run by run, the builds in turn (the baseline first in odd runs, second in
# even ones): a machine whose speed drifts during the run favours neither build.
for i in 1 2 3; do
  for run in $(seq 1 "$RUNS"); do
    order=("${builds[@]}")
    if [ $((run % 2)) = 0 ] && [ "${#builds[@]}" = 2 ]; then order=(current baseline); fi
    for b in "${order[@]}"; do
      read -r page url headers < <(sed -n "${i}p" "$dir/pages-$b")
      measure "$b" "$page" "$url" "$headers" "$run"
    done
  done
done
kill "${servers[@]}" 2>/dev/null || true
wait 2>/dev/null || true
rm -rf "$dir"

{
  echo "Lighthouse $(bench/lighthouse/node_modules/.bin/lighthouse --version), mobile preset, $RUNS runs each (medians);"
  echo "$(nproc) vCPU $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  node bench/lighthouse/summarize.mjs "$OUT"/lh-*.json
} | tee "$OUT/lighthouse-$LABEL.md"
