# What Tandem's HTTP benchmarks share: the tools and the release build they need, a
# database held in memory, a release server on it, signing in, and one measured wrk run
# that also counts the commits made while it lasted. Sourced by bench/run.sh and
# bench/tickets.sh after scripts/tools.sh, with DURATION set (and DB before holding it).

OUT="$ROOT/bench/out"

# wrk and vmtouch, the results' folder, and the release server with the examples named
# (the store baseline, a load client: server/examples). SKIP_BUILD=1 measures what is
# already in target/release.
bench_build() {
  mkdir -p "$OUT"
  bench_tools
  leptos_env
  [ -z "${SKIP_BUILD:-}" ] || return 0
  say "building (release)"
  local examples=()
  for e in "$@"; do examples+=(--example "$e"); done
  cargo build --release -q -p server --bin tandem "${examples[@]}"
}

bench_tools() {
  for tool in wrk vmtouch; do
    if ! command -v "$tool" >/dev/null; then
      say "installing $tool"
      apt-get install -y -q "$tool" >/dev/null
    fi
  done
}

# Folds the seed's write-ahead log into the file (a server in its steady state has a short
# one), then locks the file in memory: these virtual machines hand idle page cache back to
# the host within seconds, so a database that is not locked is read from disk at random
# moments, which a server with enough memory would keep cached.
hold_database() {
  [ -n "${DB:-}" ] || return 0
  python3 -c 'import sqlite3, sys; sqlite3.connect(sys.argv[1]).execute("PRAGMA wal_checkpoint(TRUNCATE)")' "$DB"
  vmtouch -l -q "$DB" &
  locker=$!
}

# Starts the release server on the database; sets base and server.
start_server() {
  local port
  port="$(free_port)"
  RUST_LOG=warn target/release/tandem serve --addr "127.0.0.1:$port" > "$OUT/server.log" 2>&1 &
  server=$!
  trap 'kill $server ${locker:-} 2>/dev/null || true' EXIT
  # Up to ten minutes: a new migration may first rework a large database.
  for _ in $(seq 1 3000); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.2; done
  base="http://127.0.0.1:$port"
}

# The session cookie of a demo or load user.
sign_in() {
  curl -fs -D - -o /dev/null -H 'content-type: application/json' \
    -d "{\"email\":\"$1\",\"password\":\"tandem-demo\"}" "$base/api/v1/auth/login" \
    | sed -n 's/^[Ss]et-[Cc]ookie: \(tandem_session=[^;]*\).*/\1/p'
}

# Commits made to the database while a run lasts (the server's own background work, such
# as the alert engine's tick): every commit makes SQLite readers drop their page cache and
# mapping, so a run measured during a burst of writes is not the steady state it claims.
commits() {
  if [ -z "${DB:-}" ]; then
    # PostgreSQL: every statement counts as a transaction there, so the bytes of WAL the
    # run wrote stand for its writes.
    local lsn="SELECT pg_current_wal_lsn()" before
    before="$(psql "$DATABASE_URL" -tAc "$lsn")"
    sleep "$1"
    echo "$(psql "$DATABASE_URL" -tAc "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '$before')") bytes of WAL"
    return
  fi
  python3 - "$DB" "$1" <<'PY'
import sqlite3, sys, time
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
end, last, n = time.time() + float(sys.argv[2]), None, -1
while time.time() < end:
    v = db.execute("PRAGMA data_version").fetchone()[0]
    n, last = (n + 1, v) if v != last else (n, last)
    time.sleep(0.005)
print(f"{n} commits")
PY
}

# One measured run: CONNECTIONS (50 unless set) connections on 2 threads for DURATION. `measure NAME URL [wrk
# options…]` (a cookie header or a Lua script among the options).
measure() {
  local name="$1" url="$2"
  shift 2
  say "$name: $url"
  commits "${DURATION%s}" > "$OUT/$name.commits" &
  local poller=$!
  wrk -t2 -c"${CONNECTIONS:-50}" -d"$DURATION" --latency "$@" "$url" | tee "$OUT/$name.txt" | grep -E "Requests/sec|50%|99%|Non-2xx|Socket errors" || true
  wait "$poller"
  echo "    written during the run: $(cat "$OUT/$name.commits")" | tee -a "$OUT/$name.txt"
}

# `script NAME TARGET…`: a wrk script that signs each request as the next of `cookies`
# (the signed-in people) and sends, in turn, each target: a path to GET, or "POST path
# body" (a server function, as the pages call it once hydrated).
script() {
  local file="$OUT/$1.lua"
  shift
  {
    echo "local cookies = {"
    for c in "${cookies[@]}"; do echo "  \"$c\","; done
    echo "}"
    echo "local targets = {"
    for t in "$@"; do echo "  \"$t\","; done
    echo "}"
    cat <<'LUA'
local n = 0
request = function()
  n = n + 1
  local t = targets[(n % #targets) + 1]
  local headers = { ["Cookie"] = cookies[(n % #cookies) + 1] }
  local path, body = t:match("^POST (%S+) (.*)$")
  if path then
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    return wrk.format("POST", path, headers, body)
  end
  return wrk.format("GET", t, headers)
end
LUA
  } > "$file"
  echo "$file"
}
# `open_loop NAME RATE TARGET…`: the targets (`GET path` or `POST path body`) at RATE
# requests a second for DURATION, signed in as `cookies` in turn, each timed from the
# moment it was due (server/examples/open_loop.rs).
open_loop() {
  local name="$1" rate="$2"
  shift 2
  printf '%s\n' "${cookies[@]}" > "$OUT/cookies.txt"
  printf '%s\n' "$@" > "$OUT/$name.targets"
  say "$name at $rate/s (open loop, $DURATION)"
  target/release/examples/open_loop "$base" "$rate" "${DURATION%s}" "$OUT/cookies.txt" "$OUT/$name.targets" \
    | tee "$OUT/$name-$rate.txt"
}
