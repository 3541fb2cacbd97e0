#!/usr/bin/env bash
# The load benchmark: Qihang against PostGraphile v5 and v4 on the same PostgreSQL database,
# with the SQL Qihang issues run through pgbench as the floor. One command:
#
#   bench/load/run.sh            # measure and put the results table into bench/README.md
#   bench/load/run.sh profile    # also record a perf profile of Qihang under load
#
# It installs what it needs (wrk and pgbench from Debian; PostGraphile v5 and a Node >= 22
# from npm into bench/load/node_modules, PostGraphile v4 into bench/load/v4/node_modules,
# each with postgraphile-plugin-connection-filter), builds the release server, seeds a fresh
# database through the API, and drives every query at 1 and 16 connections with wrk. See
# bench/README.md.
#
# Settings (environment):
#   BENCH_PG_URL        server to use           postgres://postgres@127.0.0.1:5432
#   BENCH_DB            database, recreated     qihang_bench_load
#   BENCH_PORT          first port of the servers (Qihang; v5 +1, v4 +2)   18480
#   BENCH_DURATION      seconds per measurement 10
#   BENCH_WARMUP        seconds of warm-up      3
#   BENCH_CONNECTIONS   connection counts       "1 16"
#   BENCH_ROUNDS        rounds over all cells; the report shows each cell's median   1
#   BENCH_SERVERS       servers to measure      "qihang postgraphile5 postgraphile4"
#   BENCH_UPDATE_README 0 leaves bench/README.md alone (results stay in bench/load/results/)
#   BENCH_QIHANG_BIN    a server binary to measure instead of building this tree's
#   BENCH_PROFILE_QUERY the query `profile` records under             nested
#   BENCH_NOTE          a sentence to put under the run's heading in the report
#   BENCH_BASES, BENCH_TRAINEES_PER_BASE, BENCH_SERVICES_PER_TRAINEE: network size (19, 100, 2)
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
MODE="${1:-measure}"
PG_URL="${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432}"
DB="${BENCH_DB:-qihang_bench_load}"
DB_URL="$PG_URL/$DB"
DURATION="${BENCH_DURATION:-10}"
WARMUP="${BENCH_WARMUP:-3}"
CONNECTIONS="${BENCH_CONNECTIONS:-1 16}"
ROUNDS="${BENCH_ROUNDS:-1}"
SERVERS="${BENCH_SERVERS:-qihang postgraphile5 postgraphile4}"
PROFILE_QUERY="${BENCH_PROFILE_QUERY:-nested}"
RESULTS="$HERE/results"
PORT="${BENCH_PORT:-18480}"
NODE="$HERE/node_modules/.bin/node"
TICK_MS=$((1000 / $(getconf CLK_TCK)))
export BENCH_LOGIN=bench BENCH_PASSWORD=bench-password-123

log() { printf '\n== %s\n' "$*" >&2; }

# ---- tools ---------------------------------------------------------------------------------
install_tools() {
  local missing=()
  command -v wrk >/dev/null || missing+=(wrk)
  command -v pgbench >/dev/null || missing+=(postgresql-client)
  command -v npm >/dev/null || missing+=(npm)
  command -v curl >/dev/null || missing+=(curl)
  if ((${#missing[@]})); then
    log "installing ${missing[*]} (apt)"
    apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  local dir
  for dir in "$HERE" "$HERE/v4"; do
    if [[ ! -d "$dir/node_modules" || "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]]; then
      log "installing ${dir#"$ROOT/"}/node_modules (npm)"
      (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    fi
  done
}

# ---- processes -----------------------------------------------------------------------------
# The servers run side by side, each on its own port, so every cell of the table is measured
# right after the same cell of the other servers: on a shared host the speed of the machine
# drifts over minutes, and measuring one server after the other would put that drift between
# them.
declare -A PIDS=() PORTS=([qihang]=$PORT [postgraphile5]=$((PORT + 1)) [postgraphile4]=$((PORT + 2)))
url_of() { echo "http://127.0.0.1:${PORTS[$1]}/graphql"; }

stop_server() { # <server>
  local pid=${PIDS[$1]:-}
  if [[ -n "$pid" ]]; then
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    unset "PIDS[$1]"
  fi
}
stop_servers() {
  local server
  for server in "${!PIDS[@]}"; do stop_server "$server"; done
}
trap stop_servers EXIT

# Waits until <server> answers a trivial query.
wait_ready() { # <server> <log file>
  local url
  url=$(url_of "$1")
  for _ in $(seq 1 120); do
    if curl -sf -o /dev/null -H 'content-type: application/json' \
      --data '{"query":"{ __typename }"}' "$url"; then
      return 0
    fi
    kill -0 "${PIDS[$1]}" 2>/dev/null || { echo "$1 exited; see $2" >&2; return 1; }
    sleep 0.5
  done
  echo "$1 did not become ready; see $2" >&2
  return 1
}

QIHANG_BIN=""
# Product images the seed uploads go to results/media, not into the caller's directory.
start_qihang() { # <log file> [RUST_LOG]
  env DATABASE_URL="$DB_URL" QIHANG_LISTEN="127.0.0.1:${PORTS[qihang]}" QIHANG_ENV=production \
    QIHANG_JWT_SECRET="$JWT_SECRET" QIHANG_DATA_KEY="$DATA_KEY" \
    QIHANG_ADMIN_LOGIN="$BENCH_LOGIN" QIHANG_ADMIN_PASSWORD="$BENCH_PASSWORD" \
    QIHANG_ACCESS_TOKEN_TTL=86400 QIHANG_MEDIA_DIR="$RESULTS/media" QIHANG_LOG_FORMAT=json \
    RUST_LOG="${2:-info,sqlx=warn}" \
    "$QIHANG_BIN" >"$1" 2>&1 &
  PIDS[qihang]=$!
  wait_ready qihang "$1"
}

# Both PostGraphiles get the connection-filter plugin, for the product search (`filter`).
start_postgraphile5() {
  GRAPHILE_ENV=production "$NODE" "$HERE/node_modules/postgraphile/dist/cli-run.js" \
    -P postgraphile/presets/amber,postgraphile-plugin-connection-filter:PostGraphileConnectionFilterPreset \
    -c "$DB_URL" -s public -n 127.0.0.1 -p "${PORTS[postgraphile5]}" >"$1" 2>&1 &
  PIDS[postgraphile5]=$!
  wait_ready postgraphile5 "$1"
}

# v4 runs in v4/, where it finds its smart tags (postgraphile.tags.json5).
start_postgraphile4() {
  (cd "$HERE/v4" && exec env NODE_ENV=production "$NODE" node_modules/postgraphile/cli.js \
    -c "$DB_URL" -s public -n 127.0.0.1 -p "${PORTS[postgraphile4]}" --disable-query-log \
    --append-plugins postgraphile-plugin-connection-filter) >"$1" 2>&1 &
  PIDS[postgraphile4]=$!
  wait_ready postgraphile4 "$1"
}

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/${PIDS[$1]}/stat"; }
peak_rss_kb() { awk '/^VmHWM/ { print $2 }' "/proc/${PIDS[$1]}/status"; }
token_of() { [[ $1 == qihang ]] && echo "$TOKEN" || true; }

# One measurement: wrk for $DURATION s after a warm-up; appends a line to runs.tsv.
measure() { # <server> <query> <connections>
  local server=$1 query=$2 conns=$3 body="$RESULTS/bodies/$2.$1.json" threads=$(($3 < 2 ? 1 : 2))
  local token url
  token=$(token_of "$server")
  url=$(url_of "$server")
  BODY_FILE="$body" TOKEN="$token" wrk -t"$threads" -c"$conns" -d"${WARMUP}s" \
    -s "$HERE/wrk.lua" "$url" >/dev/null
  local before after out
  before=$(cpu_ticks "$server")
  out=$(BODY_FILE="$body" TOKEN="$token" wrk -t"$threads" -c"$conns" -d"${DURATION}s" \
    --latency -s "$HERE/wrk.lua" "$url" | tail -n 1)
  after=$(cpu_ticks "$server")
  echo "$out" >"$RESULTS/wrk.$server.$query.c$conns.json"
  "$NODE" -e '
    const r = JSON.parse(process.argv[1]);
    const [server, query, conns, ticks, tickMs] = process.argv.slice(2);
    const secs = r.duration_us / 1e6;
    const cpu = r.requests ? (ticks * tickMs) / r.requests : 0;
    console.log([server, query, conns, (r.requests / secs).toFixed(1), (r.p50_us / 1000).toFixed(2),
      (r.p99_us / 1000).toFixed(2), cpu.toFixed(2), r.errors].join("\t"));
  ' "$out" "$server" "$query" "$conns" "$((after - before))" "$TICK_MS" | tee -a "$RESULTS/runs.tsv" >&2
}

# Every query's answer from every server is checked before any is measured.
check_answers() {
  local query server
  while IFS=$'\t' read -r -u 3 query _; do
    for server in $SERVERS; do
      printf '%s %s: ' "$server" "$query" >&2
      "$NODE" "$HERE/queries.mjs" check "$server" "$(url_of "$server")" \
        "$RESULTS/bodies/$query.$server.json" "$(token_of "$server")" |
        tee "$RESULTS/shape.$server.$query" >&2
    done
  done 3<"$RESULTS/bodies/queries.tsv"
}

# Each query at each connection count on every server in turn (and the SQL floor beside the
# nested query), so the servers of one cell are measured within a minute of each other. With
# several rounds, each round goes through every cell again: the host's drift over minutes
# then lands in different rounds, and the report takes each cell's median.
measure_all() {
  local round query conns server
  for round in $(seq 1 "$ROUNDS"); do
    while IFS=$'\t' read -r -u 3 query _; do
      for conns in $CONNECTIONS; do
        log "round $round of $ROUNDS: $query, $conns connections"
        for server in $SERVERS; do
          measure "$server" "$query" "$conns"
        done
        if [[ $query == nested ]]; then
          measure_floor "$conns"
        fi
      done
    done 3<"$RESULTS/bodies/queries.tsv"
  done
  for server in $SERVERS; do
    printf '%s\t%s\n' "$server" "$(peak_rss_kb "$server")" >>"$RESULTS/rss.tsv"
  done
}

# perf profile of Qihang under one query at 16 connections: flat, by symbol (the
# release build has no frame pointers or debug info, so call graphs would be noise).
profile_qihang() {
  log "profiling Qihang (perf record, $PROFILE_QUERY query, 16 connections)"
  BODY_FILE="$RESULTS/bodies/$PROFILE_QUERY.qihang.json" TOKEN="$TOKEN" \
    wrk -t2 -c16 -d"$((DURATION + 2))s" -s "$HERE/wrk.lua" "$(url_of qihang)" >/dev/null &
  local wrk_pid=$!
  sleep 1
  perf record -F 999 -p "${PIDS[qihang]}" -o "$RESULTS/perf.data" -- sleep "$DURATION" 2>/dev/null
  wait "$wrk_pid"
  perf report -i "$RESULTS/perf.data" --no-children --sort symbol --percent-limit 0 \
    --stdio 2>/dev/null | grep -E '^ +[0-9]' | sed -E 's/ +-? +-? *$//' >"$RESULTS/profile.txt" || true
  # The same samples by where they were spent: the allocator, the kernel, or a crate (the first
  # path of the symbol, e.g. `<sqlx_postgres::row::… as …>` counts for sqlx_postgres).
  awk '
    { p = $1; sub("%", "", p); kind = $2; $1 = ""; $2 = ""; s = $0
      if (kind == "[k]") c = "kernel"
      else if (s ~ /malloc|free|realloc|unlink_chunk|_int_|cfree|tcache|calloc|memalign|^ *mi_|^ *_mi_/) c = "allocator"
      else if (s ~ /^ *__mem|^ *mem(cpy|move|cmp|set)/) c = "memcpy, memmove, memcmp"
      else if (match(s, /[a-z_][a-z0-9_]*::/)) c = substr(s, RSTART, RLENGTH - 2)
      else c = "other"
      t[c] += p }
    END { for (c in t) printf "%6.2f%%  %s\n", t[c], c }' "$RESULTS/profile.txt" |
    sort -rn >"$RESULTS/profile-by-crate.txt"
  head -n 25 "$RESULTS/profile.txt" >&2
  head -n 15 "$RESULTS/profile-by-crate.txt" >&2
}

# The statements Qihang ran for one nested query, captured from its SQL debug log and run by
# pgbench at 1 and 16 clients: what the database alone needs for that answer.
capture_floor() {
  local logfile="$RESULTS/qihang-capture.log" lines
  lines=$(wc -l <"$logfile")
  curl -sf -o /dev/null -H 'content-type: application/json' -H "authorization: Bearer $TOKEN" \
    --data @"$RESULTS/bodies/nested.qihang.json" "$(url_of qihang)"
  sleep 1
  tail -n +"$((lines + 1))" "$logfile" | "$NODE" -e '
    const lines = require("fs").readFileSync(0, "utf8").split("\n").filter(Boolean);
    const sql = lines.map((l) => { try { return JSON.parse(l); } catch { return {}; } })
      .filter((e) => e.target === "qihang::sql")
      // A VALUES list of inlined ids would be text; the server binds them as uuid.
      .map((e) => e.statement.replace(/\(\x27([0-9a-f-]{36})\x27\)/g, "(\x27$1\x27::uuid)") + ";\n");
    process.stdout.write(sql.join(""));
  ' >"$RESULTS/floor.sql"
  echo "captured $(grep -c ';$' "$RESULTS/floor.sql") statements for the nested query" >&2
}

measure_floor() { # <connections>
  local conns=$1 threads=$(($1 < 2 ? 1 : 2)) out tps
  pgbench -n -M prepared -f "$RESULTS/floor.sql" -c "$conns" -j "$threads" -T "$WARMUP" \
    "$DB_URL" >/dev/null 2>&1
  rm -f "$RESULTS"/pgbench_log.*
  out=$(pgbench -n -M prepared -f "$RESULTS/floor.sql" -c "$conns" -j "$threads" \
    -T "$DURATION" -l --log-prefix="$RESULTS/pgbench_log" "$DB_URL" 2>&1)
  tps=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' <<<"$out" | tail -n 1)
  # Per-transaction log: the third column is the latency in microseconds.
  cat "$RESULTS"/pgbench_log.* | awk '{ print $3 }' | sort -n | awk -v tps="$tps" -v c="$conns" '
    { v[NR] = $1 }
    END {
      p50 = v[int(NR * 0.50) > 0 ? int(NR * 0.50) : 1] / 1000
      p99 = v[int(NR * 0.99) > 0 ? int(NR * 0.99) : 1] / 1000
      printf "floor\tnested\t%s\t%.1f\t%.2f\t%.2f\t-\t0\n", c, tps, p50, p99
    }' | tee -a "$RESULTS/runs.tsv" >&2
  rm -f "$RESULTS"/pgbench_log.*
}

# ---- the run -------------------------------------------------------------------------------
install_tools
rm -rf "$RESULTS"
mkdir -p "$RESULTS"

if [[ -n "${BENCH_QIHANG_BIN:-}" ]]; then
  QIHANG_BIN="$BENCH_QIHANG_BIN"
else
  log "building the release server"
  (cd "$ROOT" && cargo build --release -q -p qihang-api)
  QIHANG_BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/qihang"
fi

log "fresh database $DB"
psql "$PG_URL/postgres" -v ON_ERROR_STOP=1 -q \
  -c "DROP DATABASE IF EXISTS \"$DB\"" -c "CREATE DATABASE \"$DB\""
JWT_SECRET=$(openssl rand -hex 32)
DATA_KEY=$(openssl rand -base64 32)

log "seeding through the API"
start_qihang "$RESULTS/qihang-capture.log" "warn,qihang::sql=debug"
"$NODE" "$HERE/seed.mjs" "$(url_of qihang)" "$RESULTS/seed.json"
TOKEN=$("$NODE" -p 'require(process.argv[1]).token' "$RESULTS/seed.json")
"$NODE" "$HERE/queries.mjs" bodies "$RESULTS/seed.json" "$RESULTS/bodies"
psql "$DB_URL" -q -c 'VACUUM ANALYZE'
capture_floor
stop_server qihang

: >"$RESULTS/runs.tsv"
: >"$RESULTS/rss.tsv"
for server in $SERVERS; do
  log "starting $server"
  "start_$server" "$RESULTS/$server.log"
done
check_answers
measure_all
if [[ $MODE == profile && " $SERVERS " == *" qihang "* ]]; then
  profile_qihang
fi
stop_servers

"$NODE" "$HERE/report.mjs" "$RESULTS" "$ROOT/bench/README.md" "${BENCH_UPDATE_README:-1}"
