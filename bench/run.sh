#!/usr/bin/env bash
# Measures px-kvstore side by side with its baselines in one run and writes docs/BENCHMARKS.md.
#
#   bash bench/run.sh
#
# Every scenario below is one function, scenario_<name>: it starts what it needs on free
# loopback ports (data in a temp dir), preloads keys, measures with wrk, and its processes are
# stopped when it returns. Raw wrk outputs and server logs go to bench/results/<timestamp>/.
# See bench/README.md for what each scenario measures and how to add one.
#
# Settings (environment):
#   BENCH_SECONDS=10          measured wrk run length per call
#   BENCH_WARMUP_SECONDS=90   at most this long unmeasured wrk runs before each measured one,
#   BENCH_WARMUP_WINDOW=3     in windows of this length, until three windows agree within 5%
#   BENCH_WARMUP_MIN_SECONDS=12  and at least this long
#   BENCH_THREADS=2           wrk threads
#   BENCH_CONNECTIONS=64      wrk connections
#   BENCH_KEYS=10000          keys preloaded and addressed (bench-0 .. bench-(N-1))
#   BENCH_SCENARIOS="..."     which scenarios, in order (default: all, see ALL_SCENARIOS)
#   BENCH_CACHE_BYTES=67108864  node value cache size for the cache-on runs
#   BENCH_NODE_FLAGS="--fsync never"  extra flags for every node started
#   BENCH_JAVA_OPTS=""        JVM options for every JVM under test (baselines and px-kvstore)
#   BENCH_START_TIMEOUT=60    seconds a server gets to answer its readiness probe
#   BENCH_NOTE=""             a paragraph put at the top of the report (e.g. "preliminary")
#   BENCH_REPORT=docs/BENCHMARKS.md  where the report goes
#   BENCH_REBUILD=0           1 rebuilds the px-kvstore and bench jars even if they exist
#   BENCH_DISTURBED_PERCENT=10  verdicts of runs where other processes used more CPU are marked
#   BENCH_FSYNC_COUNT=2000    fsync_modes: appends + fsyncs timed by FsyncLatency
#   BENCH_FSYNC_ROUNDS=3      fsync_modes: turns of the side-by-side always/never runs
#   BENCH_ROUTER_ROUNDS=3     router_side_by_side: turns of router, chain and webdis runs
#   BENCH_RESTART_KEYS=1000000  restart_time: keys loaded before the restarts
#   BENCH_RESTART_CHUNK=100000  restart_time: lines per POST /admin/import body
#   BENCH_COMPACTION_KEYS=100000  compaction_p99: keys, each written BENCH_COMPACTION_ROUNDS=5 times
#   BENCH_REBALANCE_KEYS=200000  rebalance: keys loaded through the router
#   BENCH_REBALANCE_RATE=2500  rebalance: the router's --rebalance-rate (keys/s), low enough that
#                             moving a quarter of the keys outlasts the two measured runs
#   BENCH_REBALANCE_TIMEOUT=300  rebalance: seconds to wait for "done" after the measured runs
#   BENCH_STOP_TIMEOUT=60     seconds a stopped node gets to exit before it is killed
#   PXKV_TARGET=target        Maven output folder name (-Dpxkv.target) for both builds
#   PXKV_JAR=launcher/$PXKV_TARGET/px-kvstore.jar  the px-kvstore launcher jar
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH_DIR=$ROOT/bench

BENCH_SECONDS=${BENCH_SECONDS:-10}
BENCH_WARMUP_SECONDS=${BENCH_WARMUP_SECONDS:-90}
BENCH_WARMUP_WINDOW=${BENCH_WARMUP_WINDOW:-3}
BENCH_WARMUP_MIN_SECONDS=${BENCH_WARMUP_MIN_SECONDS:-12}
BENCH_THREADS=${BENCH_THREADS:-2}
BENCH_CONNECTIONS=${BENCH_CONNECTIONS:-64}
BENCH_KEYS=${BENCH_KEYS:-10000}
BENCH_CACHE_BYTES=${BENCH_CACHE_BYTES:-67108864}
BENCH_NODE_FLAGS=${BENCH_NODE_FLAGS-"--fsync never"}
BENCH_JAVA_OPTS=${BENCH_JAVA_OPTS:-}
BENCH_START_TIMEOUT=${BENCH_START_TIMEOUT:-60}
BENCH_NOTE=${BENCH_NOTE:-}
BENCH_REPORT=${BENCH_REPORT:-$ROOT/docs/BENCHMARKS.md}
BENCH_REBUILD=${BENCH_REBUILD:-0}
BENCH_DISTURBED_PERCENT=${BENCH_DISTURBED_PERCENT:-10}
BENCH_FSYNC_COUNT=${BENCH_FSYNC_COUNT:-2000}
BENCH_FSYNC_ROUNDS=${BENCH_FSYNC_ROUNDS:-3}
BENCH_ROUTER_ROUNDS=${BENCH_ROUTER_ROUNDS:-3}
BENCH_RESTART_KEYS=${BENCH_RESTART_KEYS:-1000000}
BENCH_RESTART_CHUNK=${BENCH_RESTART_CHUNK:-100000}
BENCH_COMPACTION_KEYS=${BENCH_COMPACTION_KEYS:-100000}
BENCH_COMPACTION_ROUNDS=${BENCH_COMPACTION_ROUNDS:-5}
BENCH_REBALANCE_KEYS=${BENCH_REBALANCE_KEYS:-200000}
BENCH_REBALANCE_RATE=${BENCH_REBALANCE_RATE:-2500}
BENCH_REBALANCE_TIMEOUT=${BENCH_REBALANCE_TIMEOUT:-300}
BENCH_STOP_TIMEOUT=${BENCH_STOP_TIMEOUT:-60}
PXKV_TARGET=${PXKV_TARGET:-target}
PXKV_JAR=${PXKV_JAR:-$ROOT/launcher/$PXKV_TARGET/px-kvstore.jar}
BENCH_JAR=$BENCH_DIR/$PXKV_TARGET/bench.jar

CLK_TCK=$(getconf CLK_TCK 2>/dev/null || echo 100)
TIMEFORMAT='%3U %3S' # bash's time: user and system CPU seconds of wrk

ALL_SCENARIOS="bare_server bare_chain webdis node_cache_on node_cache_off router router_side_by_side fsync_modes restart_time compaction_p99 rebalance"
BENCH_SCENARIOS=${BENCH_SCENARIOS:-$ALL_SCENARIOS}

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RESULTS_DIR=$BENCH_DIR/results/$STAMP
RESULTS_TSV=$RESULTS_DIR/results.tsv     # scenario, op, req/s, p99 ms, errors, requests, other load %, server CPU us/request
SCENARIOS_TSV=$RESULTS_DIR/scenarios.tsv # scenario, title, description
EXTRA_TSV=$RESULTS_DIR/extra.tsv         # scenario, label, value (non-wrk numbers)
RUN_DIR=""

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() {
  log "error: $*"
  [[ -n $RUN_DIR && -d $RUN_DIR ]] && echo "$*" >"$RUN_DIR/last-error"
  exit 1
}

# ---------------------------------------------------------------------------------------------
# Processes: every one started is recorded with its pid in the current scenario's pid file and
# stopped (TERM, then KILL after 10 s) when the scenario ends or the script exits.
# ---------------------------------------------------------------------------------------------
PIDS_FILE=""
LAST_PID=""

alive() {
  [[ -r /proc/$1/stat ]] || return 1
  local state
  state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) || return 1
  [[ -n $state && $state != Z && $state != X ]]
}

# start_bg NAME COMMAND...: starts COMMAND in the background, output to RESULTS_DIR/NAME.log.
start_bg() {
  local name=$1
  shift
  "$@" >"$RESULTS_DIR/$name.log" 2>&1 &
  LAST_PID=$!
  echo "$LAST_PID $name" >>"$PIDS_FILE"
  log "started $name (pid $LAST_PID): $*"
}

# await_exit PID NAME SECONDS: waits for a process sent TERM to exit, polling every 0.1 s; kills it
# if it is still there after SECONDS.
await_exit() {
  local pid=$1 name=$2 seconds=$3 waited=0
  while alive "$pid" && ((waited < seconds * 10)); do
    sleep 0.1
    waited=$((waited + 1))
  done
  if alive "$pid"; then
    log "$name (pid $pid) ignored TERM for $seconds s, killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

stop_pids_in() {
  local file=$1 pid name
  [[ -f $file ]] || return 0
  while read -r pid name; do
    alive "$pid" && kill -TERM "$pid" 2>/dev/null || true
  done <"$file"
  while read -r pid name; do
    await_exit "$pid" "$name" 10
  done <"$file"
  rm -f "$file"
}

cleanup_all() {
  local f
  for f in "$RUN_DIR"/pids.*; do
    [[ -e $f ]] && stop_pids_in "$f"
  done
  if [[ -n $RUN_DIR && -d $RUN_DIR ]]; then
    rm -rf "$RUN_DIR"
  fi
}

# free_port: a loopback port nobody listens on, below the ephemeral range wrk's sockets use.
free_port() {
  local p tries
  for tries in $(seq 1 500); do
    p=$((20000 + RANDOM % 12000))
    grep -qx "$p" "$RUN_DIR/ports" 2>/dev/null && continue
    if ss -Htan "( sport = :$p or dport = :$p )" 2>/dev/null | grep -q .; then
      continue
    fi
    echo "$p" >>"$RUN_DIR/ports"
    echo "$p"
    return 0
  done
  die "no free port found"
}

# wait_ready NAME PID URL [BODY_SUBSTRING]: polls URL until it answers 2xx (and its body holds
# BODY_SUBSTRING) or the deadline passes or the process exits.
wait_ready() {
  local name=$1 pid=$2 url=$3 want=${4:-} body deadline
  deadline=$((SECONDS + BENCH_START_TIMEOUT))
  while ((SECONDS < deadline)); do
    if ! alive "$pid"; then
      log "$name exited before it was ready; last lines of its log:"
      tail -n 20 "$RESULTS_DIR/$name.log" >&2 || true
      echo "$name exited before it was ready: $(grep -v '^[[:space:]]*at ' "$RESULTS_DIR/$name.log" | tail -n 1)" >"$RUN_DIR/last-error"
      return 1
    fi
    if body=$(curl -fsS --max-time 1 "$url" 2>/dev/null) && [[ -z $want || $body == *"$want"* ]]; then
      log "$name ready at $url"
      return 0
    fi
    sleep 0.1
  done
  log "$name not ready at $url within ${BENCH_START_TIMEOUT} s; last lines of its log:"
  tail -n 20 "$RESULTS_DIR/$name.log" >&2 || true
  echo "$name did not answer $url within ${BENCH_START_TIMEOUT} s" >"$RUN_DIR/last-error"
  return 1
}

# ---------------------------------------------------------------------------------------------
# Servers under test
# ---------------------------------------------------------------------------------------------
read -r -a JAVA_CMD <<<"java $BENCH_JAVA_OPTS"
read -r -a NODE_FLAGS <<<"$BENCH_NODE_FLAGS"
# The cluster scenarios put 3 or 4 nodes and a router on this machine's cores: each node gets its
# share of event loops (cores / 3, at least 1), as `px-kvstore local` gives its nodes, instead of
# one per core each. The router keeps its default, one per core.
CLUSTER_NODE_INSTANCES=$(($(nproc) / 3 > 0 ? $(nproc) / 3 : 1))
CLUSTER_NODE_FLAGS=("${NODE_FLAGS[@]}" --instances "$CLUSTER_NODE_INSTANCES")

# start_bare_server NAME -> sets PORT
start_bare_server() {
  PORT=$(free_port)
  start_bg "$1" "${JAVA_CMD[@]}" -cp "$BENCH_JAR" io.pxkv.bench.BareServer --port "$PORT"
  wait_ready "$1" "$LAST_PID" "http://127.0.0.1:$PORT/health"
}

# start_bare_proxy NAME TARGET_PORT -> sets PORT
start_bare_proxy() {
  PORT=$(free_port)
  start_bg "$1" "${JAVA_CMD[@]}" -cp "$BENCH_JAR" io.pxkv.bench.BareProxy --port "$PORT" \
    --target "http://127.0.0.1:$2" --pool 64
  wait_ready "$1" "$LAST_PID" "http://127.0.0.1:$PORT/health"
}

# start_node NAME ID CACHE_BYTES [FLAGS...] -> sets PORT; data in a fresh folder under the temp
# dir; FLAGS replace BENCH_NODE_FLAGS for this node.
start_node() {
  local name=$1 id=$2 cache=$3
  shift 3
  local flags=("${NODE_FLAGS[@]}")
  (($#)) && flags=("$@")
  PORT=$(free_port)
  mkdir -p "$RUN_DIR/data/$name"
  start_bg "$name" "${JAVA_CMD[@]}" -jar "$PXKV_JAR" node --id "$id" --host 127.0.0.1 --port "$PORT" \
    --data "$RUN_DIR/data/$name" --cache-bytes "$cache" "${flags[@]}"
  wait_ready "$name" "$LAST_PID" "http://127.0.0.1:$PORT/health"
}

# preload API URL: writes bench-0 .. bench-(BENCH_KEYS-1); API is kv or webdis
preload() {
  local started=$SECONDS
  if ! java -cp "$BENCH_JAR" io.pxkv.bench.Preload --api "$1" --url "$2" --keys "$BENCH_KEYS" --concurrency 32 \
    2>"$RUN_DIR/preload.err" >&2; then
    cat "$RUN_DIR/preload.err" >&2
    die "preloading keys failed: $(tail -n 1 "$RUN_DIR/preload.err")"
  fi
  log "preloaded $BENCH_KEYS keys via $2 in $((SECONDS - started)) s"
}

# require_pxkv SCENARIO: true when the launcher jar is there, building it on first need (once
# per run); otherwise records the scenario as skipped, with the reason, and returns false.
require_pxkv() {
  local reason_file=$RUN_DIR/pxkv-skip-reason
  if [[ ($BENCH_REBUILD == 1 || ! -f $PXKV_JAR) && ! -f $reason_file && ! -f $RUN_DIR/pxkv-built ]]; then
    touch "$RUN_DIR/pxkv-built"
    log "building the px-kvstore jar ($PXKV_JAR), log in $RESULTS_DIR/build.log"
    if ! (cd "$ROOT" && mvn -q -Dpxkv.target="$PXKV_TARGET" -DskipTests package) >"$RESULTS_DIR/build.log" 2>&1; then
      log "the px-kvstore build failed (see $RESULTS_DIR/build.log)"
      echo "the px-kvstore build (\`mvn -DskipTests package\`) failed; its output is in bench/results/$STAMP/build.log" >"$reason_file"
    elif [[ ! -f $PXKV_JAR ]]; then
      echo "no px-kvstore jar at ${PXKV_JAR#"$ROOT"/} (\`mvn -DskipTests package\` did not produce it)" >"$reason_file"
    fi
  fi
  if [[ -f $reason_file ]]; then
    skip_scenario "$1" "$(cat "$reason_file")"
    return 1
  fi
}

# ---------------------------------------------------------------------------------------------
# Measuring and recording
# ---------------------------------------------------------------------------------------------
# describe SCENARIO TITLE DESCRIPTION: the report's heading and text for the scenario.
describe() {
  printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$SCENARIOS_TSV"
}

skip_scenario() {
  log "skipping $1: $2"
  printf '%s\t%s\t%s\n' "$1" "skipped" "$2" >>"$EXTRA_TSV"
}

# record_extra SCENARIO LABEL VALUE: a number that is not a wrk run (restart time, ...).
record_extra() {
  printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$EXTRA_TSV"
}

# wrk_p99_ms FILE: the 99th percentile from wrk --latency output, in milliseconds.
wrk_p99_ms() {
  awk '$1 == "99%" {
    v = $2; unit = v; sub(/^[0-9.]+/, "", unit); sub(/[a-z]+$/, "", v)
    if (unit == "us") v /= 1000; else if (unit == "s") v *= 1000; else if (unit == "m") v *= 60000
    printf "%.2f", v; found = 1 }
    END { if (!found) printf "NA" }' "$1"
}

wrk_rps() {
  awk '/^Requests\/sec:/ { printf "%.0f", $2; found = 1 } END { if (!found) printf "NA" }' "$1"
}

wrk_requests() {
  awk '/ requests in / { print $1; found = 1 } END { if (!found) print "NA" }' "$1"
}

# errors: non-2xx/3xx answers plus socket errors (connect, read, write, timeout)
wrk_errors() {
  awk '/Non-2xx or 3xx responses:/ { n += $NF }
       /Socket errors:/ { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) { v = $i; sub(/,/, "", v); n += v } }
       END { print n + 0 }' "$1"
}

# warm_up SCENARIO OP URL SCRIPT: wrk windows of BENCH_WARMUP_WINDOW seconds until, after at
# least BENCH_WARMUP_MIN_SECONDS, three in a row are each within 5% of the one before (the JIT has
# settled: two alone were seen to agree in the middle of a slow ramp), or BENCH_WARMUP_SECONDS have
# been spent.
within_5_percent() { awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(b > 0 && d / b < 0.05) }'; }

warm_up() {
  local scenario=$1 op=$2 url=$3 script=$4 spent=0 prev2="" prev="" rps=NA n=0 settled="did NOT settle, cap reached"
  local out=$RESULTS_DIR/$scenario-${op// /-}.warmup.txt
  : >"$out"
  while ((spent < BENCH_WARMUP_SECONDS)); do
    n=$((n + 1))
    wrk -t"$BENCH_THREADS" -c"$BENCH_CONNECTIONS" -d"${BENCH_WARMUP_WINDOW}s" -s "$script" "$url" \
      -- "$BENCH_KEYS" >"$out.tmp" 2>&1
    cat "$out.tmp" >>"$out"
    rps=$(wrk_rps "$out.tmp")
    spent=$((spent + BENCH_WARMUP_WINDOW))
    if ((spent >= BENCH_WARMUP_MIN_SECONDS)) && [[ -n $prev2 && $rps != NA && $prev != NA && $prev2 != NA ]] &&
      within_5_percent "$rps" "$prev" && within_5_percent "$prev" "$prev2"; then
      settled=settled
      break
    fi
    prev2=$prev
    prev=$rps
  done
  rm -f "$out.tmp"
  log "$scenario $op: warmed up in ${spent} s ($n windows, last $rps req/s, $settled)"
}

# measure SCENARIO OP BASE_URL LUA_SCRIPT: a warm-up, then the measured run.
measure() {
  warm_up "$1" "$2" "$3" "$BENCH_DIR/wrk/$4"
  measure_run "$@"
}

# measure_run SCENARIO OP BASE_URL LUA_SCRIPT: the measured run alone, no warm-up (for a server
# already warm, or a run that must start at a given moment). The wrk settings are the globals
# BENCH_THREADS, BENCH_CONNECTIONS, BENCH_SECONDS and BENCH_KEYS: a scenario may shadow them with
# `local`. OP may hold spaces; the raw output file name gets dashes instead.
measure_run() {
  local scenario=$1 op=$2 url=$3 script=$BENCH_DIR/wrk/$4
  local raw=$RESULTS_DIR/$scenario-${op// /-}.wrk.txt
  log "$scenario $op: measuring ${BENCH_SECONDS} s"
  local stat0 stat1 own0 own1 wrk_cpu
  echo "# wrk -t$BENCH_THREADS -c$BENCH_CONNECTIONS -d${BENCH_SECONDS}s --latency -s bench/wrk/$4 $url -- $BENCH_KEYS" >"$raw"
  echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$raw"
  stat0=$(cpu_ticks)
  own0=$(own_ticks)
  local per0
  per0=$(per_process_ticks)
  {
    time wrk -t"$BENCH_THREADS" -c"$BENCH_CONNECTIONS" -d"${BENCH_SECONDS}s" --latency -s "$script" "$url" \
      -- "$BENCH_KEYS" >>"$raw" 2>&1
  } 2>"$RUN_DIR/wrk-cpu"
  stat1=$(cpu_ticks)
  own1=$(own_ticks)
  wrk_cpu=$(cat "$RUN_DIR/wrk-cpu")
  local rps p99 errors requests other cpu_per_req
  rps=$(wrk_rps "$raw")
  p99=$(wrk_p99_ms "$raw")
  errors=$(wrk_errors "$raw")
  requests=$(wrk_requests "$raw")
  other=$(awk -v s0="$stat0" -v s1="$stat1" -v o0="$own0" -v o1="$own1" -v w="$wrk_cpu" -v hz="$CLK_TCK" 'BEGIN {
    split(s0, a, " "); split(s1, b, " "); split(w, c, " ")
    total = b[2] - a[2]; busy = b[1] - a[1]
    other = busy - (o1 - o0) - (c[1] + c[2]) * hz
    if (other < 0) other = 0
    printf "%.0f", (total > 0 ? 100 * other / total : 0) }')
  cpu_per_req=$(awk -v o0="$own0" -v o1="$own1" -v hz="$CLK_TCK" -v n="$requests" \
    'BEGIN { if (n + 0 > 0) printf "%.0f", (o1 - o0) / hz * 1000000 / n; else printf "NA" }')
  echo "# CPU used outside this benchmark during the run: ${other}% of the machine" >>"$raw"
  echo "# CPU the servers under test used per request: ${cpu_per_req} us" >>"$raw"
  awk -v hz="$CLK_TCK" -v secs="$BENCH_SECONDS" -v w="$wrk_cpu" 'NR == FNR { before[$1] = $3; next }
    { printf "# CPU used by %s during the run: %.0f%% of one core\n", $2, 100 * ($3 - before[$1]) / hz / secs }
    END { split(w, c, " "); printf "# CPU used by wrk during the run: %.0f%% of one core\n", 100 * (c[1] + c[2]) / secs }' \
    <(echo "$per0") <(per_process_ticks) >>"$raw"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$scenario" "$op" "$rps" "$p99" "$errors" "$requests" "$other" "$cpu_per_req" >>"$RESULTS_TSV"
  log "$scenario $op: $rps req/s, p99 $p99 ms, $errors errors of $requests requests, other load ${other}%"
}

# cpu_ticks: "busy total" clock ticks of the whole machine so far (steal counts as busy).
cpu_ticks() {
  awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9; exit }' /proc/stat
}

# per_process_ticks: "pid name ticks" for each server this scenario started (CPU clock ticks
# used so far, user + system, all threads).
per_process_ticks() {
  local pid name t
  [[ -f $PIDS_FILE ]] || return 0
  while read -r pid name; do
    t=$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | awk '{ print $12 + $13 }') || t=0
    echo "$pid $name ${t:-0}"
  done <"$PIDS_FILE"
}

# own_ticks: CPU clock ticks used so far by the servers this scenario started.
own_ticks() {
  per_process_ticks | awk '{ sum += $3 } END { print sum + 0 }'
}

# ---------------------------------------------------------------------------------------------
# Scenarios: one function each. Add a new one here and to ALL_SCENARIOS, and a goal below if
# the issue names one.
# ---------------------------------------------------------------------------------------------
scenario_bare_server() {
  describe bare_server "Bare Vert.x server" \
    "The ceiling for one Vert.x HTTP hop: \`BareServer\` answers every request with the same 35-byte JSON body, reading and dropping any request body. It gets the very same GET and PUT requests as px-kvstore."
  start_bare_server bare-server
  measure bare_server GET "http://127.0.0.1:$PORT" get-kv.lua
  measure bare_server PUT "http://127.0.0.1:$PORT" put-kv.lua
}

scenario_bare_chain() {
  describe bare_chain "Bare Vert.x proxy chain" \
    "\`BareProxy\` (Vert.x server + pooled keep-alive HttpClient, pool 64 per event loop, 5 s deadline per call) forwarding method, URI and body to a \`BareServer\`: the honest minimum cost of a router hop in front of a node."
  start_bare_server bare-chain-server
  local backend=$PORT
  start_bare_proxy bare-chain-proxy "$backend"
  measure bare_chain GET "http://127.0.0.1:$PORT" get-kv.lua
  measure bare_chain PUT "http://127.0.0.1:$PORT" put-kv.lua
}

scenario_webdis() {
  describe webdis "webdis in front of redis-server" \
    "An off-the-shelf HTTP front end to a key-value store: webdis (threads = cores) over redis-server with persistence off (no RDB, no AOF). GET is \`GET /GET/bench-N\`; PUT is \`PUT /SET/bench-N\` with the same JSON bytes px-kvstore gets as body."
  start_webdis webdis
  preload webdis "http://127.0.0.1:$PORT"
  measure webdis GET "http://127.0.0.1:$PORT" get-webdis.lua
  measure webdis PUT "http://127.0.0.1:$PORT" put-webdis.lua
}

# start_webdis NAME: redis-server (persistence off) and webdis in front of it -> sets PORT (webdis)
start_webdis() {
  local name=$1 redis_port webdis_port redis_pid
  redis_port=$(free_port)
  mkdir -p "$RUN_DIR/$name-redis"
  start_bg "$name-redis" redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no \
    --dir "$RUN_DIR/$name-redis" --daemonize no --protected-mode no
  redis_pid=$LAST_PID
  webdis_port=$(free_port)
  sed -e "s/\"redis_port\": *[0-9]*/\"redis_port\": $redis_port/" \
    -e "s/\"http_port\": *[0-9]*/\"http_port\": $webdis_port/" \
    -e "s/\"threads\": *[0-9]*/\"threads\": $(nproc)/" \
    -e "s|\"logfile\": *\"[^\"]*\"|\"logfile\": \"$RESULTS_DIR/$name-own.log\"|" \
    "$BENCH_DIR/webdis.json" >"$RUN_DIR/$name.json"
  start_bg "$name" webdis "$RUN_DIR/$name.json"
  wait_ready "$name" "$LAST_PID" "http://127.0.0.1:$webdis_port/PING" PONG
  alive "$redis_pid" || die "redis-server exited; see $RESULTS_DIR/$name-redis.log"
  PORT=$webdis_port
}

scenario_node_cache_on() {
  describe node_cache_on "Storage node, cache on" \
    "One px-kvstore node (\`--cache-bytes $BENCH_CACHE_BYTES\`, enough for every preloaded value, \`$BENCH_NODE_FLAGS\`) called directly, no router."
  require_pxkv node_cache_on || return 0
  start_node node-cache-on bench-node "$BENCH_CACHE_BYTES"
  preload kv "http://127.0.0.1:$PORT"
  measure node_cache_on GET "http://127.0.0.1:$PORT" get-kv.lua
  measure node_cache_on PUT "http://127.0.0.1:$PORT" put-kv.lua
}

scenario_node_cache_off() {
  describe node_cache_off "Storage node, cache off" \
    "The same node with \`--cache-bytes 0\`: every GET reads its value from the log segment on disk (through the OS page cache)."
  require_pxkv node_cache_off || return 0
  start_node node-cache-off bench-node 0
  preload kv "http://127.0.0.1:$PORT"
  measure node_cache_off GET "http://127.0.0.1:$PORT" get-kv.lua
  measure node_cache_off PUT "http://127.0.0.1:$PORT" put-kv.lua
}

scenario_router() {
  describe router "Router in front of 3 nodes" \
    "A px-kvstore router (cluster file with 3 nodes, 128 virtual nodes each) in front of 3 nodes configured like the cache-on node plus \`--instances $CLUSTER_NODE_INSTANCES\` (see Method); keys preloaded through the router. Compare with the cache-on node called directly."
  require_pxkv router || return 0
  start_router_cluster router
  preload kv "http://127.0.0.1:$PORT"
  measure router GET "http://127.0.0.1:$PORT" get-kv.lua
  measure router PUT "http://127.0.0.1:$PORT" put-kv.lua
}

# start_router_cluster NAME: 3 nodes configured like the cache-on node (plus their share of event
# loops) and a router in front of them (its state dir in the temp dir) -> sets PORT (the router)
start_router_cluster() {
  local name=$1 i ports=() cluster=$RUN_DIR/$1-cluster.json
  for i in 1 2 3; do
    start_node "$name-node-$i" "node-$i" "$BENCH_CACHE_BYTES" "${CLUSTER_NODE_FLAGS[@]}"
    ports+=("$PORT")
  done
  {
    echo '{'
    echo '  "virtualNodes": 128,'
    echo '  "nodes": ['
    echo "    {\"id\": \"node-1\", \"url\": \"http://127.0.0.1:${ports[0]}\"},"
    echo "    {\"id\": \"node-2\", \"url\": \"http://127.0.0.1:${ports[1]}\"},"
    echo "    {\"id\": \"node-3\", \"url\": \"http://127.0.0.1:${ports[2]}\"}"
    echo '  ]'
    echo '}'
  } >"$cluster"
  cp "$cluster" "$RESULTS_DIR/$name-cluster.json"
  PORT=$(free_port)
  start_bg "$name" "${JAVA_CMD[@]}" -jar "$PXKV_JAR" router --host 127.0.0.1 --port "$PORT" --cluster "$cluster" \
    --state-dir "$RUN_DIR/$name-state"
  wait_ready "$name" "$LAST_PID" "http://127.0.0.1:$PORT/health"
}

# The router goals' three parties at once, measured in turns: see the describe text.
scenario_router_side_by_side() {
  describe router_side_by_side "Router, bare proxy chain and webdis side by side" \
    "The three parties of the router goals run at once, each set up as in its own scenario: the router with its 3 nodes (\`router\`), \`BareProxy\` in front of \`BareServer\` (\`bare_chain\`), and webdis in front of redis-server (\`webdis\`). Each is preloaded and warmed up, then they are measured in turns (router, chain, webdis), $BENCH_ROUTER_ROUNDS turns of GET, then $BENCH_ROUTER_ROUNDS of PUT, all at \`-t$BENCH_THREADS -c$BENCH_CONNECTIONS\`; the router goals compare the run with the median req/s of each (\`median of N turns\` rows), so drift of the machine between scenarios minutes apart cannot decide them. The two parties not being measured sit idle; \`server CPU per request\` counts all three."
  require_pxkv router_side_by_side || return 0
  local router_url chain_url webdis_url party op round
  start_router_cluster side-router
  router_url=http://127.0.0.1:$PORT
  start_bare_server side-chain-server
  start_bare_proxy side-chain-proxy "$PORT"
  chain_url=http://127.0.0.1:$PORT
  start_webdis side-webdis
  webdis_url=http://127.0.0.1:$PORT
  preload kv "$router_url"
  preload webdis "$webdis_url"
  for op in GET PUT; do
    for party in router chain webdis; do
      local url=${party}_url
      warm_up router_side_by_side "$op $party" "${!url}" "$BENCH_DIR/wrk/$(side_script "$party" "$op")"
    done
    for round in $(seq "$BENCH_ROUTER_ROUNDS"); do
      for party in router chain webdis; do
        local url=${party}_url
        measure_run router_side_by_side "$op $party turn $round" "${!url}" "$(side_script "$party" "$op")"
      done
    done
    for party in router chain webdis; do
      median_row router_side_by_side "$op $party turn " "$op $party, median of $BENCH_ROUTER_ROUNDS turns"
    done
  done
}

# side_script PARTY OP: the wrk script a party gets for OP (webdis has its own URL scheme).
side_script() {
  local op
  op=$(tr '[:upper:]' '[:lower:]' <<<"$2")
  if [[ $1 == webdis ]]; then echo "$op-webdis.lua"; else echo "$op-kv.lua"; fi
}

# ---------------------------------------------------------------------------------------------
# Storage and cluster scenarios: durability, restart, compaction, rebalance. Helpers first.
# ---------------------------------------------------------------------------------------------
# stop_one PID NAME: TERM, then wait for the exit (KILL after BENCH_STOP_TIMEOUT s); prints the
# milliseconds the process took to exit.
stop_one() {
  local pid=$1 name=$2 t0
  t0=$(date +%s%N)
  alive "$pid" && kill -TERM "$pid" 2>/dev/null || true
  await_exit "$pid" "$name" "$BENCH_STOP_TIMEOUT"
  echo $((($(date +%s%N) - t0) / 1000000))
}

# start_node_in NAME ID DATA_DIR FLAGS...: a node on an existing (or new) data folder; sets PORT,
# and START_HEALTH_MS / START_LOG_MS: milliseconds from launching the JVM to its first /health 200
# and to its "listening on port" line (both polled every 20 ms).
start_node_in() {
  local name=$1 id=$2 dir=$3 t0 now deadline pid
  shift 3
  PORT=$(free_port)
  mkdir -p "$dir"
  START_HEALTH_MS=NA
  START_LOG_MS=NA
  t0=$(date +%s%N)
  start_bg "$name" "${JAVA_CMD[@]}" -jar "$PXKV_JAR" node --id "$id" --host 127.0.0.1 --port "$PORT" \
    --data "$dir" "$@"
  pid=$LAST_PID
  deadline=$((SECONDS + BENCH_START_TIMEOUT))
  while ((SECONDS < deadline)); do
    now=$(date +%s%N)
    if [[ $START_LOG_MS == NA ]] && grep -q 'listening on port' "$RESULTS_DIR/$name.log" 2>/dev/null; then
      START_LOG_MS=$(((now - t0) / 1000000))
    fi
    if curl -fsS --max-time 1 "http://127.0.0.1:$PORT/health" >/dev/null 2>&1; then
      START_HEALTH_MS=$((($(date +%s%N) - t0) / 1000000))
      [[ $START_LOG_MS == NA ]] && START_LOG_MS=$START_HEALTH_MS
      log "$name ready at http://127.0.0.1:$PORT/health after $START_HEALTH_MS ms (log line after $START_LOG_MS ms)"
      return 0
    fi
    if ! alive "$pid"; then
      wait_ready "$name" "$pid" "http://127.0.0.1:$PORT/health" # reports the exit and the log
      return 1
    fi
    sleep 0.02
  done
  wait_ready "$name" "$pid" "http://127.0.0.1:$PORT/health"
}

# import_file URL FILE: POST /admin/import with FILE's JSON lines; fails unless every line was taken.
import_file() {
  local url=$1 file=$2 answer lines
  lines=$(wc -l <"$file")
  answer=$(curl -sS --max-time 600 -X POST -H 'Content-Type: application/x-ndjson' --data-binary "@$file" \
    "$url/admin/import") || die "POST $url/admin/import failed: $answer"
  [[ $(jq -r '.imported // empty' <<<"$answer" 2>/dev/null) == "$lines" ]] ||
    die "POST $url/admin/import of $lines lines answered: $answer"
}

# json URL JQ_FILTER: one field of a JSON answer.
json() {
  curl -fsS --max-time 10 "$1" | jq -r "$2"
}

ms_to_s() { awk -v m="$1" 'BEGIN { if (m == "NA") print "NA"; else printf "%.2f", m / 1000 }'; }

fs_facts() { # fs_facts DIR: "ext4 on /dev/vda"
  local fs src
  fs=$(df --output=fstype "$1" 2>/dev/null | tail -n 1 | tr -d ' ')
  src=$(df --output=source "$1" 2>/dev/null | tail -n 1 | tr -d ' ')
  echo "${fs:-unknown} on ${src:-unknown}"
}

scenario_fsync_modes() {
  describe fsync_modes "Storage node PUT by fsync mode" \
    "One node per sync mode (\`--fsync always\`: group commit, fsync before the ack; \`--fsync interval\`: fsync every 1000 ms; \`--fsync never\`), cache \`$BENCH_CACHE_BYTES\`, $BENCH_KEYS keys preloaded, each measured with wrk PUT (random key, small JSON value) at \`-t1 -c1\`, \`-t2 -c16\` and \`-t2 -c64\` after one warm-up at \`-t2 -c64\`; the nodes run one after the other. Then the goal's pair is measured side by side: an \`always\` node and a \`never\` node run at once, both preloaded and warmed up, and are measured in turns at \`-t2 -c64\`, $BENCH_FSYNC_ROUNDS turns each; the goal compares the run with the median req/s of each mode (\`turn N\` rows), so drift of the machine between runs minutes apart cannot decide it. Before them \`io.pxkv.bench.FsyncLatency\` appends 4 KiB and calls \`FileChannel.force(false)\` $BENCH_FSYNC_COUNT times in the benchmark's temp dir, the same filesystem the nodes keep their data on ($(fs_facts "$RUN_DIR")): the floor under an \`always\` PUT at one connection. Redis with \`appendfsync always\` keeps about 0.67x of its no-fsync SET throughput on such a machine."
  require_pxkv fsync_modes || return 0
  local out mode spec t c url
  log "fsync_modes: disk fsync latency, $BENCH_FSYNC_COUNT x (4 KiB append + force) in $RUN_DIR/data"
  out=$(java -cp "$BENCH_JAR" io.pxkv.bench.FsyncLatency --dir "$RUN_DIR/data/fsync-latency" \
    --count "$BENCH_FSYNC_COUNT") || die "FsyncLatency failed"
  echo "$out" >"$RESULTS_DIR/fsync-latency.txt"
  log "fsync_modes: $out"
  record_extra fsync_modes "disk fsync latency, 4 KiB append + \`force(false)\` x $BENCH_FSYNC_COUNT ($(fs_facts "$RUN_DIR"), same filesystem as the node data)" \
    "$(awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } }
      END { printf "mean %s ms, p50 %s ms, p99 %s ms, max %s ms", v["mean_ms"], v["p50_ms"], v["p99_ms"], v["max_ms"] }' <<<"$out")"
  for mode in always interval never; do
    start_node "fsync-$mode" bench-node "$BENCH_CACHE_BYTES" --fsync "$mode"
    url=http://127.0.0.1:$PORT
    preload kv "$url"
    BENCH_THREADS=2 BENCH_CONNECTIONS=64 warm_up fsync_modes "PUT $mode" "$url" "$BENCH_DIR/wrk/put-kv.lua"
    for spec in "1 1" "2 16" "2 64"; do
      read -r t c <<<"$spec"
      BENCH_THREADS=$t BENCH_CONNECTIONS=$c measure_run fsync_modes "PUT $mode -c$c" "$url" put-kv.lua
    done
    stop_one "$LAST_PID" "fsync-$mode" >/dev/null
  done
  fsync_side_by_side
}

# fsync_side_by_side: the always/never goal at 64 connections, measured so that drift of the
# machine over the scenario (the runs above are minutes apart) cannot decide it: an always node and
# a never node run at once, both warm, and are measured in turns, BENCH_FSYNC_ROUNDS times each;
# the run with the median req/s of each mode is the one the goal compares.
fsync_side_by_side() {
  local round mode always_url never_url url
  start_node fsync-side-always bench-node "$BENCH_CACHE_BYTES" --fsync always
  always_url=http://127.0.0.1:$PORT
  start_node fsync-side-never bench-node "$BENCH_CACHE_BYTES" --fsync never
  never_url=http://127.0.0.1:$PORT
  for mode in always never; do
    url=${mode}_url
    preload kv "${!url}"
    BENCH_THREADS=2 BENCH_CONNECTIONS=64 warm_up fsync_modes "PUT $mode side by side" "${!url}" "$BENCH_DIR/wrk/put-kv.lua"
  done
  for round in $(seq "$BENCH_FSYNC_ROUNDS"); do
    for mode in always never; do
      url=${mode}_url
      BENCH_THREADS=2 BENCH_CONNECTIONS=64 measure_run fsync_modes "PUT $mode -c64 turn $round" "${!url}" put-kv.lua
    done
  done
  for mode in always never; do
    median_row fsync_modes "PUT $mode -c64 turn " "PUT $mode -c64, median of $BENCH_FSYNC_ROUNDS turns"
  done
}

# median_row SCENARIO OP_PREFIX NEW_OP: copies the row with the median req/s among the rows whose op
# starts with OP_PREFIX, under NEW_OP.
median_row() {
  awk -F'\t' -v s="$1" -v p="$2" -v n="$3" 'BEGIN { OFS = FS }
    $1 == s && index($2, p) == 1 { rows[++k] = $0; rps[k] = $3 + 0 }
    END {
      if (k == 0) exit
      for (i = 1; i <= k; i++) order[i] = i
      for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (rps[order[j]] < rps[order[i]]) { t = order[i]; order[i] = order[j]; order[j] = t }
      split(rows[order[int((k + 1) / 2)]], f, FS); f[2] = n
      line = f[1]; for (i = 2; i <= 8; i++) line = line OFS f[i]; print line
    }' "$RESULTS_TSV" >>"$RESULTS_TSV.median"
  cat "$RESULTS_TSV.median" >>"$RESULTS_TSV"
  rm -f "$RESULTS_TSV.median"
}

scenario_restart_time() {
  describe restart_time "Node restart time" \
    "A node (\`--fsync never --no-auto-compact\`) loaded with $BENCH_RESTART_KEYS keys (\`restart-N\`, 38-byte string values) through \`POST /admin/import\` in bodies of $BENCH_RESTART_CHUNK lines, stopped with SIGTERM, restarted on the same folder: \"without hints\" every segment is scanned to rebuild the key directory. Then \`POST /admin/compact\` (every segment rewritten, one hint file per output segment), SIGTERM, restart again: \"with hints\". Times run from launching the JVM to the first \`/health\` 200 (and to the node's \`listening on port\` line), polled every 20 ms; they include JVM start-up."
  require_pxkv restart_time || return 0
  local dir=$RUN_DIR/data/restart gen=$RUN_DIR/restart-import i from to n url pid ms answer
  mkdir -p "$gen"
  start_node_in restart-load restart-node "$dir" --fsync never --no-auto-compact --cache-bytes "$BENCH_CACHE_BYTES"
  url=http://127.0.0.1:$PORT
  record_extra restart_time "first start, empty folder: to \`/health\` 200 (JVM start-up, the floor under both restarts)" "$(ms_to_s "$START_HEALTH_MS") s"
  local started=$SECONDS
  n=0
  for ((from = 0; from < BENCH_RESTART_KEYS; from += BENCH_RESTART_CHUNK)); do
    to=$((from + BENCH_RESTART_CHUNK))
    ((to > BENCH_RESTART_KEYS)) && to=$BENCH_RESTART_KEYS
    awk -v a="$from" -v b="$to" 'BEGIN { for (i = a; i < b; i++) printf "{\"key\":\"restart-%d\",\"value\":\"value-%030d\"}\n", i, i }' >"$gen/chunk"
    import_file "$url" "$gen/chunk"
    n=$((n + 1))
  done
  rm -rf "$gen"
  log "restart_time: imported $BENCH_RESTART_KEYS keys in $n bodies in $((SECONDS - started)) s"
  record_extra restart_time "keys loaded (import, $n bodies)" "$(json "$url/admin/stats" '.keys') in $((SECONDS - started)) s"
  record_extra restart_time "data on disk (\`/admin/stats\` diskBytes), before compaction" "$(json "$url/admin/stats" '.diskBytes') bytes"
  ms=$(stop_one "$LAST_PID" restart-load)
  record_extra restart_time "stop after load (SIGTERM to exit)" "$(ms_to_s "$ms") s"

  start_node_in restart-no-hints restart-node "$dir" --fsync never --no-auto-compact --cache-bytes "$BENCH_CACHE_BYTES"
  url=http://127.0.0.1:$PORT
  record_extra restart_time "restart without hints: to \`/health\` 200 (to \`listening on port\`)" "$(ms_to_s "$START_HEALTH_MS") s ($(ms_to_s "$START_LOG_MS") s)"
  record_extra restart_time "recovery line without hints" "\`$(grep -m1 'recovery:' "$RESULTS_DIR/restart-no-hints.log" | sed 's/`//g')\`"
  [[ $(json "$url/admin/stats" '.keys') == "$BENCH_RESTART_KEYS" ]] ||
    log "restart_time: warning: key count after restart is $(json "$url/admin/stats" '.keys'), expected $BENCH_RESTART_KEYS"
  local t0
  t0=$(date +%s%N)
  answer=$(curl -fsS --max-time 600 -X POST "$url/admin/compact") || die "POST /admin/compact failed"
  record_extra restart_time "\`POST /admin/compact\`" "$(ms_to_s $((($(date +%s%N) - t0) / 1000000))) s, answer \`$answer\`"
  record_extra restart_time "data on disk after compaction" "$(json "$url/admin/stats" '.diskBytes') bytes"
  ms=$(stop_one "$LAST_PID" restart-no-hints)
  record_extra restart_time "stop after compaction (SIGTERM to exit)" "$(ms_to_s "$ms") s"

  start_node_in restart-hints restart-node "$dir" --fsync never --no-auto-compact --cache-bytes "$BENCH_CACHE_BYTES"
  url=http://127.0.0.1:$PORT
  record_extra restart_time "restart with hints: to \`/health\` 200 (to \`listening on port\`)" "$(ms_to_s "$START_HEALTH_MS") s ($(ms_to_s "$START_LOG_MS") s)"
  record_extra restart_time "recovery line with hints" "\`$(grep -m1 'recovery:' "$RESULTS_DIR/restart-hints.log" | sed 's/`//g')\`"
  local keys_after
  keys_after=$(json "$url/admin/stats" '.keys')
  record_extra restart_time "keys after the restart with hints" "$keys_after"
  [[ $keys_after == "$BENCH_RESTART_KEYS" ]] || log "restart_time: warning: $keys_after keys after restart, expected $BENCH_RESTART_KEYS"
  printf '%s\n' "$START_HEALTH_MS" >"$RESULTS_DIR/restart-with-hints-ms"
  stop_one "$LAST_PID" restart-hints >/dev/null
}

scenario_compaction_p99() {
  describe compaction_p99 "GET latency during compaction" \
    "One node (\`--fsync never --segment-bytes 4m --no-auto-compact --cache-bytes 0\`: every GET reads its segment file) holding $BENCH_COMPACTION_KEYS keys each written $BENCH_COMPACTION_ROUNDS times with a ~200-byte string value (imported, so most of the disk is dead records). wrk GET (\`-t$BENCH_THREADS -c$BENCH_CONNECTIONS\`, random key) for ${BENCH_SECONDS} s before, then for ${BENCH_SECONDS} s with \`POST /admin/compact\` sent half a second after wrk starts."
  require_pxkv compaction_p99 || return 0
  local BENCH_KEYS=$BENCH_COMPACTION_KEYS
  local r url file=$RUN_DIR/compaction-import.jsonl pad
  start_node compaction-node bench-node 0 --fsync never --segment-bytes 4m --no-auto-compact
  url=http://127.0.0.1:$PORT
  pad=$(printf '%0190d' 0 | tr 0 x)
  local started=$SECONDS
  for ((r = 1; r <= BENCH_COMPACTION_ROUNDS; r++)); do
    awk -v k="$BENCH_KEYS" -v r="$r" -v p="$pad" 'BEGIN { for (i = 0; i < k; i++) printf "{\"key\":\"bench-%d\",\"value\":\"r%d-%07d-%s\"}\n", i, r, i, p }' >"$file"
    import_file "$url" "$file"
  done
  rm -f "$file"
  log "compaction_p99: wrote $BENCH_KEYS keys x $BENCH_COMPACTION_ROUNDS in $((SECONDS - started)) s"
  curl -fsS "$url/admin/stats" >"$RESULTS_DIR/compaction-stats-before.json"
  record_extra compaction_p99 "before: diskBytes / liveBytes / segments" \
    "$(jq -r '"\(.diskBytes) / \(.liveBytes // "NA") / \(.segments // "NA")"' "$RESULTS_DIR/compaction-stats-before.json")"
  measure compaction_p99 "GET before" "$url" get-kv.lua
  (
    sleep 0.5
    t0=$(date +%s%N)
    curl -sS --max-time 600 -X POST "$url/admin/compact" >"$RESULTS_DIR/compaction-answer.json" 2>&1
    echo $((($(date +%s%N) - t0) / 1000000)) >"$RUN_DIR/compaction-ms"
  ) &
  local compactor=$!
  echo "$compactor compaction-call" >>"$PIDS_FILE"
  measure_run compaction_p99 "GET during compaction" "$url" get-kv.lua
  local finished_in_window=yes
  [[ -f $RUN_DIR/compaction-ms ]] || finished_in_window=no
  wait "$compactor" || true
  local ms
  ms=$(cat "$RUN_DIR/compaction-ms" 2>/dev/null || echo NA)
  record_extra compaction_p99 "\`POST /admin/compact\` took" "$(ms_to_s "$ms") s ($([[ $finished_in_window == yes ]] && echo "finished inside the measured run: the rest of the run saw no compaction" || echo "still running when the measured run ended: the whole run overlapped it"))"
  record_extra compaction_p99 "compaction answer" "\`$(tr -d '\n' <"$RESULTS_DIR/compaction-answer.json")\`"
  record_extra compaction_p99 "bytes reclaimed" "$(jq -r '.bytesReclaimed // "NA"' "$RESULTS_DIR/compaction-answer.json" 2>/dev/null || echo NA)"
  curl -fsS "$url/admin/stats" >"$RESULTS_DIR/compaction-stats-after.json"
  record_extra compaction_p99 "after: diskBytes / liveBytes / segments" \
    "$(jq -r '"\(.diskBytes) / \(.liveBytes // "NA") / \(.segments // "NA")"' "$RESULTS_DIR/compaction-stats-after.json")"
}

# cluster_file FILE PORT...: a cluster file naming node-1.. at the given ports (written to a
# temp file first and moved over FILE, so a watcher never reads half a file).
cluster_file() {
  local file=$1 i=0 p sep=""
  shift
  {
    echo '{'
    echo '  "virtualNodes": 128,'
    echo '  "nodes": ['
    for p in "$@"; do
      i=$((i + 1))
      printf '%s    {"id": "node-%d", "url": "http://127.0.0.1:%s"}' "$sep" "$i" "$p"
      sep=$',\n'
    done
    echo
    echo '  ]'
    echo '}'
  } >"$file.tmp"
  mv "$file.tmp" "$file"
}

scenario_rebalance() {
  describe rebalance "Adding a node under load" \
    "A router (\`--rebalance-rate $BENCH_REBALANCE_RATE\` keys/s, \`--state-dir\` in the temp dir) in front of 3 nodes (configured like the cache-on node, plus \`--instances $CLUSTER_NODE_INSTANCES\`), $BENCH_REBALANCE_KEYS keys (\`bench-N\`) imported through the router's \`POST /admin/import\`, and a 4th node running but not in the cluster file. wrk GET and PUT (\`-t$BENCH_THREADS -c$BENCH_CONNECTIONS\`, random key among the $BENCH_REBALANCE_KEYS) against the router ${BENCH_SECONDS} s each, warmed up, \"before\"; then the cluster file is rewritten with node-4 (temp file + \`mv\`), and once \`GET /admin/rebalance\` says \`moving\` the same GET and PUT runs are made \"during\"; then \`/admin/rebalance\` is polled until \`done\`. The rate is lowered from the router's default 20000 so the move outlasts both measured runs (\`BENCH_REBALANCE_RATE\`)."
  require_pxkv rebalance || return 0
  local BENCH_KEYS=$BENCH_REBALANCE_KEYS
  local i ports=() cluster=$RUN_DIR/rebalance-cluster.json url file=$RUN_DIR/rebalance-import.jsonl
  for i in 1 2 3 4; do
    start_node "rebalance-node-$i" "node-$i" "$BENCH_CACHE_BYTES" "${CLUSTER_NODE_FLAGS[@]}"
    ports+=("$PORT")
  done
  cluster_file "$cluster" "${ports[@]:0:3}"
  cp "$cluster" "$RESULTS_DIR/rebalance-cluster-before.json"
  PORT=$(free_port)
  start_bg rebalance-router "${JAVA_CMD[@]}" -jar "$PXKV_JAR" router --host 127.0.0.1 --port "$PORT" \
    --cluster "$cluster" --state-dir "$RUN_DIR/router-state" --rebalance-rate "$BENCH_REBALANCE_RATE"
  wait_ready rebalance-router "$LAST_PID" "http://127.0.0.1:$PORT/health"
  url=http://127.0.0.1:$PORT
  local started=$SECONDS
  awk -v k="$BENCH_KEYS" 'BEGIN { for (i = 0; i < k; i++) printf "{\"key\":\"bench-%d\",\"value\":{\"n\":%d,\"s\":\"bench-value\"}}\n", i, i }' >"$file"
  import_file "$url" "$file"
  rm -f "$file"
  log "rebalance: imported $BENCH_KEYS keys through the router in $((SECONDS - started)) s"
  for i in 1 2 3 4; do
    record_extra rebalance "keys on node-$i before" "$(json "http://127.0.0.1:${ports[$((i - 1))]}/admin/stats" '.keys')"
  done
  measure rebalance "GET before" "$url" get-kv.lua
  measure rebalance "PUT before" "$url" put-kv.lua

  local progress=$RESULTS_DIR/rebalance-progress.jsonl t0 phase deadline
  cluster_file "$cluster" "${ports[@]}"
  cp "$cluster" "$RESULTS_DIR/rebalance-cluster-after.json"
  t0=$(date +%s%N)
  log "rebalance: node-4 added to the cluster file"
  deadline=$((SECONDS + 30))
  phase=""
  while ((SECONDS < deadline)); do
    # "done" counts only once the router has taken the new file as its target (it polls the file
    # every second): before that, "done" is the old layout's and the move has not begun.
    phase=$(json "$url/admin/rebalance" 'if (.target.nodes | length) == 4 then .phase else "not yet" end' 2>/dev/null || echo "?")
    [[ $phase == moving || $phase == done ]] && break
    sleep 0.1
  done
  log "rebalance: phase $phase after $((($(date +%s%N) - t0) / 1000000)) ms"
  [[ $phase == moving || $phase == done ]] || die "the router did not start moving keys within 30 s (phase $phase)"
  # a background sampler: one /admin/rebalance answer per half second, with a timestamp
  (
    while :; do
      printf '{"t_ms":%d,"status":%s}\n' $((($(date +%s%N) - t0) / 1000000)) \
        "$(curl -fsS --max-time 2 "$url/admin/rebalance" 2>/dev/null || echo null)"
      sleep 0.5
    done
  ) >"$progress" &
  local sampler=$!
  echo "$sampler rebalance-sampler" >>"$PIDS_FILE"
  local when op
  for op in GET PUT; do
    when=$(json "$url/admin/rebalance" '.phase')
    measure_run rebalance "$op during move" "$url" "$([[ $op == GET ]] && echo get-kv.lua || echo put-kv.lua)"
    record_extra rebalance "phase at start / end of the $op run" "$when / $(json "$url/admin/rebalance" '.phase')"
  done
  deadline=$((SECONDS + BENCH_REBALANCE_TIMEOUT))
  while ((SECONDS < deadline)); do
    phase=$(json "$url/admin/rebalance" '.phase' 2>/dev/null || echo "?")
    [[ $phase == done ]] && break
    sleep 0.2
  done
  local move_ms=$((($(date +%s%N) - t0) / 1000000))
  kill "$sampler" 2>/dev/null || true
  wait "$sampler" 2>/dev/null || true
  curl -fsS "$url/admin/rebalance" >"$RESULTS_DIR/rebalance-final.json" || true
  [[ $phase == done ]] || die "the rebalance was not done $BENCH_REBALANCE_TIMEOUT s after the measured runs (phase $phase)"
  local moved reported
  moved=$(jq -r '.progress.keysMoved // "NA"' "$RESULTS_DIR/rebalance-final.json")
  reported=$(jq -r '.progress.keysPerSecond // "NA"' "$RESULTS_DIR/rebalance-final.json")
  record_extra rebalance "keys moved (\`progress.keysMoved\`)" "$moved"
  record_extra rebalance "move duration (file rewritten to \`done\`, polled every 0.2 s)" "$(ms_to_s "$move_ms") s"
  record_extra rebalance "keys per second: moved / duration (\`progress.keysPerSecond\`)" \
    "$(awk -v m="$moved" -v d="$move_ms" 'BEGIN { if (m == "NA" || d <= 0) print "NA"; else printf "%.0f", m / (d / 1000) }') ($reported), paced to $BENCH_REBALANCE_RATE"
  for i in 1 2 3 4; do
    record_extra rebalance "keys on node-$i after" "$(json "http://127.0.0.1:${ports[$((i - 1))]}/admin/stats" '.keys')"
  done
  local total
  total=$(for p in "${ports[@]}"; do json "http://127.0.0.1:$p/admin/stats" '.keys'; done | awk '{ s += $1 } END { print s }')
  record_extra rebalance "keys on all nodes after (expected $BENCH_KEYS)" "$total"
  grep -E 'rebalance (plan|complete)' "$RESULTS_DIR/rebalance-router.log" | head -n 3 >"$RESULTS_DIR/rebalance-router-lines.txt" || true
}

# The goals the issues set: goal LABEL SCENARIO OP BASE_SCENARIO BASE_OP MIN_RATIO.
# MIN_RATIO "-" shows the ratio without a verdict.
goals() {
  goal "Node GET (cache on) / bare server GET" node_cache_on GET bare_server GET 0.8
  goal "Node PUT (cache on) / bare server PUT" node_cache_on PUT bare_server PUT -
  goal "Node GET cache off / cache on" node_cache_off GET node_cache_on GET -
  local m="median of $BENCH_ROUTER_ROUNDS turns"
  goal "Router GET / bare proxy chain GET (side by side, $m)" router_side_by_side "GET router, $m" router_side_by_side "GET chain, $m" 0.9
  goal "Router PUT / bare proxy chain PUT (side by side, $m)" router_side_by_side "PUT router, $m" router_side_by_side "PUT chain, $m" 0.9
  goal "Router GET / webdis GET (side by side, $m)" router_side_by_side "GET router, $m" router_side_by_side "GET webdis, $m" 1.0
  goal "Router PUT / webdis PUT (side by side, $m)" router_side_by_side "PUT router, $m" router_side_by_side "PUT webdis, $m" 1.0
  goal "Router GET / bare proxy chain GET (one run each, minutes apart)" router GET bare_chain GET -
  goal "Router PUT / bare proxy chain PUT (one run each, minutes apart)" router PUT bare_chain PUT -
  goal "Router GET / webdis GET (one run each, minutes apart)" router GET webdis GET -
  goal "Router PUT / webdis PUT (one run each, minutes apart)" router PUT webdis PUT -
  goal "Router GET / direct node GET (cache on)" router GET node_cache_on GET -
  goal "Router PUT / direct node PUT (cache on)" router PUT node_cache_on PUT -
  goal "Bare proxy chain GET / bare server GET" bare_chain GET bare_server GET -
  goal "Node PUT fsync always / never, 64 connections (side by side, median of $BENCH_FSYNC_ROUNDS turns)" fsync_modes "PUT always -c64, median of $BENCH_FSYNC_ROUNDS turns" fsync_modes "PUT never -c64, median of $BENCH_FSYNC_ROUNDS turns" 0.8
  goal "Node PUT fsync always / never, 64 connections (one run each, minutes apart)" fsync_modes "PUT always -c64" fsync_modes "PUT never -c64" -
  goal "Node PUT fsync interval / never, 64 connections" fsync_modes "PUT interval -c64" fsync_modes "PUT never -c64" -
  goal "Node PUT fsync always / never, 1 connection" fsync_modes "PUT always -c1" fsync_modes "PUT never -c1" -
  goal_restart "Node restart with hints, $BENCH_RESTART_KEYS keys (s to /health)" 3
  goal "Node GET during compaction / before" compaction_p99 "GET during compaction" compaction_p99 "GET before" -
  goal "Router GET while adding a node / before" rebalance "GET during move" rebalance "GET before" -
  goal "Router PUT while adding a node / before" rebalance "PUT during move" rebalance "PUT before" -
}

# goal_restart LABEL MAX_SECONDS: the restart_time scenario's restart with hints, in seconds.
goal_restart() {
  local ms s verdict
  ms=$(cat "$RESULTS_DIR/restart-with-hints-ms" 2>/dev/null || echo NA)
  if [[ $ms == NA ]]; then
    echo "| $1 | - | - | - | < $2 s | not measured | - |"
    return
  fi
  s=$(ms_to_s "$ms")
  verdict=$(awk -v s="$s" -v m="$2" 'BEGIN { print (s + 0 < m + 0 ? "PASS" : "MISS") }')
  echo "| $1 | ${s} s | - | - | < $2 s | $verdict | - |"
}

# ---------------------------------------------------------------------------------------------
# The report
# ---------------------------------------------------------------------------------------------
field() { # field SCENARIO OP COLUMN(3 rps, 4 p99, 5 errors, 6 requests)
  awk -F'\t' -v s="$1" -v o="$2" -v c="$3" '$1 == s && $2 == o { v = $c } END { print (v == "" ? "NA" : v) }' "$RESULTS_TSV"
}

goal() {
  local label=$1 s=$2 o=$3 bs=$4 bo=$5 min=$6 a b ea eb ratio verdict target other
  a=$(field "$s" "$o" 3)
  b=$(field "$bs" "$bo" 3)
  ea=$(field "$s" "$o" 5)
  eb=$(field "$bs" "$bo" 5)
  target=$([[ $min == - ]] && echo "-" || echo ">= ${min}x")
  other=$(awk -v x="$(field "$s" "$o" 7)" -v y="$(field "$bs" "$bo" 7)" 'BEGIN { m = (x + 0 > y + 0 ? x : y); print (m == "NA" ? "-" : m "%") }')
  if [[ $a == NA || $b == NA || $b == 0 ]]; then
    echo "| $label | $a | $b | - | $target | not measured | - |"
    return
  fi
  ratio=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", a / b }')
  if [[ $min == - ]]; then
    verdict="-"
  elif [[ $ea != 0 || $eb != 0 ]]; then
    verdict="INVALID (errors)"
  else
    verdict=$(awk -v r="$ratio" -v m="$min" 'BEGIN { print (r + 0 >= m + 0 ? "PASS" : "MISS") }')
  fi
  if [[ $verdict != - ]] && awk -v o="${other%\%}" -v lim="$BENCH_DISTURBED_PERCENT" 'BEGIN { exit !(o + 0 > lim + 0) }'; then
    verdict="$verdict (disturbed)"
  fi
  echo "| $label | $a | $b | ${ratio}x | $target | $verdict | $other |"
}

machine_facts() {
  local cpu mem javav kernel
  cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
  mem=$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
  javav=$(java -version 2>&1 | head -n 2 | tr '\n' ' ' | sed 's/ *$//')
  kernel=$(uname -sr)
  echo "| fact | value |"
  echo "|---|---|"
  echo "| date (UTC) | $(date -u '+%Y-%m-%d %H:%M') |"
  echo "| cores (nproc) | $(nproc) |"
  echo "| CPU | ${cpu:-unknown} |"
  echo "| memory | $mem |"
  echo "| kernel | $kernel |"
  echo "| java | $javav |"
  echo "| wrk | $(wrk -v 2>&1 | head -n 1 | awk '{ print $2 }') |"
  echo "| redis-server | $(redis-server --version | awk '{ print $3 }' | sed 's/v=//') |"
  echo "| webdis | $(dpkg-query -W -f '${Version}' webdis 2>/dev/null || echo unknown) |"
  echo "| px-kvstore commit | $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet HEAD -- . ':!bench' ':!docs/BENCHMARKS.md' 2>/dev/null || echo ' (with uncommitted changes)') |"
  echo "| load average at start / end | $LOAD_START / $(cut -d' ' -f1-3 /proc/loadavg) |"
}

write_report() {
  local out=$RESULTS_DIR/BENCHMARKS.md s title desc
  {
    echo "# Benchmarks"
    echo
    echo "Written by \`bash bench/run.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'); raw wrk outputs were kept in \`bench/results/$STAMP/\` (not committed)."
    if [[ -n $BENCH_NOTE ]]; then
      echo
      echo "> **Note:** $BENCH_NOTE"
    fi
    local disturbed
    disturbed=$(awk -F'\t' -v lim="$BENCH_DISTURBED_PERCENT" '$7 + 0 > lim + 0 { n++ } END { print n + 0 }' "$RESULTS_TSV")
    if ((disturbed > 0)); then
      echo
      echo "> **Preliminary:** in $disturbed of $(grep -c . "$RESULTS_TSV") measured runs, processes outside this benchmark used more than ${BENCH_DISTURBED_PERCENT}% of the machine (column \`other load\`), so these ratios are not yet evidence either way. Re-run on a quiet machine."
    fi
    echo
    echo "## Machine"
    echo
    machine_facts
    echo
    echo "## Method"
    echo
    echo "- One \`wrk -t$BENCH_THREADS -c$BENCH_CONNECTIONS -d${BENCH_SECONDS}s --latency\` per call, after an unmeasured warm-up with the same settings: ${BENCH_WARMUP_WINDOW} s wrk windows, at least ${BENCH_WARMUP_MIN_SECONDS} s, until three in a row agree within 5% (the JIT has settled), at most ${BENCH_WARMUP_SECONDS} s."
    echo "- Everything on loopback (127.0.0.1) on the same $(nproc) cores: wrk and the servers under test share them, so absolute numbers are low and the ratios between scenarios measured side by side in one run are what counts."
    echo "- $BENCH_KEYS keys (\`bench-0\` .. \`bench-$((BENCH_KEYS - 1))\`, values like \`{\"n\":42,\"s\":\"bench-value\"}\`) are preloaded before the GET runs; GET and PUT pick a uniformly random key per request (Lua scripts in \`bench/wrk/\`)."
    echo "- px-kvstore nodes run with \`--cache-bytes <N>${BENCH_NODE_FLAGS:+ $BENCH_NODE_FLAGS}\`.$([[ $BENCH_NODE_FLAGS == *"--fsync never"* ]] && echo " PUT is measured with \`--fsync never\`: these runs are about the HTTP and forwarding cost, not the disk; fsync-mode PUT is its own scenario.")"
    echo "- The nodes of the cluster scenarios (\`router\`, \`router_side_by_side\`, \`rebalance\`) share the machine with each other and the router, so each also gets \`--instances $CLUSTER_NODE_INSTANCES\` (cores / 3, at least 1: its share of event loops, as \`px-kvstore local\` gives its nodes); a node alone keeps one event loop per core."
    echo "- The storage and cluster scenarios (\`fsync_modes\`, \`restart_time\`, \`compaction_p99\`, \`rebalance\`) set their own node flags, key counts and wrk connections, named in their sections; their extra numbers (times, sizes, keys moved) are in a second table under each."
    echo "- JVM options for every JVM under test: \`${BENCH_JAVA_OPTS:-(defaults)}\`."
    echo "- \`server CPU per request\` is the CPU time (user + system, all threads) that the processes under test (for the router: the router and its 3 nodes) used during the measured run, divided by the requests served. It is less sensitive than req/s to other work on the machine, and says where a gap comes from."
    echo "- \`errors\` counts non-2xx answers and socket errors; a goal whose runs had errors is not judged."
    echo "- \`other load\` is the CPU that processes outside this benchmark (neither wrk nor the servers under test) used during the measured run, as a share of the whole machine: above a few percent the run was disturbed and its ratios are suspect; a verdict whose runs saw more than ${BENCH_DISTURBED_PERCENT}% is marked \`(disturbed)\`."
    echo
    echo "## Goals"
    echo
    echo "| ratio | req/s | baseline req/s | ratio | goal | verdict | other load |"
    echo "|---|---:|---:|---:|---|---|---:|"
    goals
    echo
    echo "## Scenarios"
    while IFS=$'\t' read -r s title desc; do
      echo
      echo "### $title (\`$s\`)"
      echo
      echo "$desc"
      echo
      if awk -F'\t' -v s="$s" '$1 == s && $2 == "skipped" { f = 1 } END { exit !f }' "$EXTRA_TSV"; then
        echo "Skipped: $(awk -F'\t' -v s="$s" '$1 == s && $2 == "skipped" { print $3; exit }' "$EXTRA_TSV")"
        continue
      fi
      if awk -F'\t' -v s="$s" '$1 == s && $2 == "failed" { f = 1 } END { exit !f }' "$EXTRA_TSV"; then
        echo "**Failed:** $(awk -F'\t' -v s="$s" '$1 == s && $2 == "failed" { print $3; exit }' "$EXTRA_TSV")"
        echo
      fi
      if awk -F'\t' -v s="$s" '$1 == s { f = 1 } END { exit !f }' "$RESULTS_TSV"; then
        echo "| call | req/s | p99 (ms) | errors | requests | server CPU per request (µs) | other load |"
        echo "|---|---:|---:|---:|---:|---:|---:|"
        awk -F'\t' -v s="$s" '$1 == s { printf "| %s | %s | %s | %s | %s | %s | %s%% |\n", $2, $3, $4, $5, $6, $8, $7 }' "$RESULTS_TSV"
      fi
      if awk -F'\t' -v s="$s" '$1 == s && $2 != "skipped" && $2 != "failed" { f = 1 } END { exit !f }' "$EXTRA_TSV"; then
        echo
        echo "| measure | value |"
        echo "|---|---|"
        awk -F'\t' -v s="$s" '$1 == s && $2 != "skipped" && $2 != "failed" { printf "| %s | %s |\n", $2, $3 }' "$EXTRA_TSV"
      fi
    done <"$SCENARIOS_TSV"
    echo
    echo "## How to reproduce"
    echo
    echo '```'
    echo 'bash bench/run.sh'
    echo '```'
    echo
    echo "It installs wrk, redis-server and webdis if missing, builds the project and bench jars if missing, and rewrites this file. Run it on a quiet machine (check \`uptime\`): other work on the same cores skews the ratios. \`BENCH_SECONDS\`, \`BENCH_SCENARIOS\` and the other settings at the top of \`bench/run.sh\` change the run; \`bench/README.md\` explains each scenario."
  } >"$out"
  mkdir -p "$(dirname "$BENCH_REPORT")"
  cp "$out" "$BENCH_REPORT"
  log "report written to $BENCH_REPORT"
}

# ---------------------------------------------------------------------------------------------
# Setup
# ---------------------------------------------------------------------------------------------
ensure_tools() {
  local missing=()
  command -v wrk >/dev/null || missing+=(wrk)
  command -v redis-server >/dev/null || missing+=(redis-server)
  command -v webdis >/dev/null || missing+=(webdis)
  command -v curl >/dev/null || missing+=(curl)
  command -v ss >/dev/null || missing+=(iproute2)
  command -v java >/dev/null || missing+=(openjdk-17-jdk-headless)
  command -v mvn >/dev/null || missing+=(maven)
  if ((${#missing[@]})); then
    local sudo=""
    [[ $(id -u) == 0 ]] || sudo=sudo
    log "installing ${missing[*]} with apt-get"
    $sudo apt-get update
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}"
  fi
}

build_jars() {
  local stale
  stale=$(find "$BENCH_DIR/src" "$BENCH_DIR/pom.xml" -newer "$BENCH_JAR" 2>/dev/null | head -n 1 || true)
  if [[ $BENCH_REBUILD == 1 || ! -f $BENCH_JAR || -n $stale ]]; then
    log "building $BENCH_JAR"
    (cd "$ROOT" && mvn -q -f bench/pom.xml -Dpxkv.target="$PXKV_TARGET" -DskipTests package) ||
      die "the bench module does not build"
  fi
}

run_scenario() {
  local name=$1 rc
  if ! declare -F "scenario_$name" >/dev/null; then
    die "unknown scenario $name (known: $ALL_SCENARIOS)"
  fi
  log "=== scenario $name"
  set +e
  (
    set -e
    PIDS_FILE=$RUN_DIR/pids.$name
    trap 'stop_pids_in "$PIDS_FILE"' EXIT
    trap 'exit 130' INT TERM
    "scenario_$name"
  )
  rc=$?
  set -e
  if ((rc != 0)); then
    local why="exit code $rc"
    if [[ -f $RUN_DIR/last-error ]]; then
      why=$(tr '\t\n' '  ' <"$RUN_DIR/last-error")
      rm -f "$RUN_DIR/last-error"
    fi
    log "scenario $name failed ($why); logs in $RESULTS_DIR"
    record_extra "$name" failed "$why (logs in bench/results/$STAMP/)"
  fi
}

main() {
  if [[ ${1:-} == -h || ${1:-} == --help ]]; then
    sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'
    return 0
  fi
  (($# == 0)) || die "no arguments expected (settings are environment variables, see --help)"
  ensure_tools
  mkdir -p "$RESULTS_DIR"
  : >"$RESULTS_TSV"
  : >"$SCENARIOS_TSV"
  : >"$EXTRA_TSV"
  RUN_DIR=$(mktemp -d "${TMPDIR:-/tmp}/pxkv-bench.XXXXXX")
  trap cleanup_all EXIT
  trap 'exit 130' INT TERM
  LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
  {
    echo "load average: $LOAD_START"
    ps aux --sort=-%cpu | head -n 8
  } >"$RESULTS_DIR/machine-at-start.txt"
  log "results in $RESULTS_DIR (load average $LOAD_START)"
  build_jars
  local s
  for s in $BENCH_SCENARIOS; do
    run_scenario "$s"
  done
  write_report
  column -t -s $'\t' "$RESULTS_TSV" >&2 || cat "$RESULTS_TSV" >&2
}

main "$@"
