#!/usr/bin/env bash
# The cluster in containers, from the repo's own docker-compose.yml, checked as a client would:
#
#   up        the image builds (under 150 MB) and the two routers and three nodes come up healthy
#   readme    the README's curl examples through the router's published port
#   spread    600 keys, each on its replicas: all three nodes (the file's replicas 3; node
#             /admin/stats and export)
#   routers   docker kill of the first router under write load through the second: no write
#             fails, and every key reads back through either router
#   kill      docker kill of a node under write load: no read and no write fails; the node comes
#             back on another address, the router finds it, and it gets every write it missed
#             (hinted handoff, anti-entropy): every key on three nodes again
#   partition docker network disconnect of a node, then connect: the same, for a partition
#   stop      docker stop of a node under load is clean: exit 143 (SIGTERM, shutdown hook run), no
#             write fails, and the restarted node's recovery line reports no torn record
#   grow      a fourth node (the node-4 service), added to the mounted cluster file: the router's
#             move finishes (/admin/rebalance phase done), node-4 holds its share, and every key
#             is on exactly three of the four nodes
#   restart   docker compose down, then up: every key is still there (named volumes)
#   logs      every container logs one line per event
#
# `docker compose down -v` at the end, whatever happened. Needs root; installs Docker, compose and
# debootstrap if missing, starts dockerd if none runs (and stops it again), and builds the image
# on base images made from Debian's packages (scripts/docker-base-images.sh, cached) from the jar
# in launcher/target (built if missing). Prints how long each phase took.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/docker-setup.sh

export COMPOSE_PROJECT_NAME=pxkv-compose-test
# The router on any free port of the loopback address: "127.0.0.1:" + ":8080" in the compose file.
export PXKV_ROUTER_PORT=127.0.0.1:
export PXKV_ROUTER2_PORT=127.0.0.1:
unset COMPOSE_PROFILES
cluster_file=config/cluster.docker.json
work="$(mktemp -d "${TMPDIR:-/tmp}/pxkv-compose-test.XXXXXX")"
cp "$cluster_file" "$work/cluster.docker.json.orig"
placeholder="$COMPOSE_PROJECT_NAME-placeholder"
load_pid=""
passed=0

say() { echo "compose-test: $*"; }
fail() {
  echo "compose-test: FAIL: $*" >&2
  exit 1
}
ok() {
  passed=$((passed + 1))
  echo "  ok - $*"
}

seconds_since() { awk -v a="$1" -v b="${2:-$EPOCHREALTIME}" 'BEGIN { printf "%.1f", b - a }'; }

phase_name=""
phase_start=""
phase() {
  local now="$EPOCHREALTIME"
  [[ -n "$phase_name" ]] && printf 'compose-test: phase %-9s %6.1f s\n' "$phase_name" "$(seconds_since "$phase_start" "$now")"
  phase_name="${1:-}"
  phase_start="$now"
  [[ -n "$phase_name" ]] && say "--- $phase_name"
  return 0
}

cleanup() {
  local code=$?
  set +e
  [[ -n "$load_pid" ]] && kill "$load_pid" 2>/dev/null && wait "$load_pid" 2>/dev/null
  if docker info >/dev/null 2>&1; then
    if ((code != 0)); then
      say "the last 40 lines of each container's log:"
      docker compose --profile node-4 logs --no-color --tail 40 >&2
    fi
    docker rm -f "$placeholder" >/dev/null 2>&1
    docker compose --profile node-4 down -v --remove-orphans >/dev/null 2>&1
  fi
  cp "$work/cluster.docker.json.orig" "$cluster_file"
  if [[ -n "$DOCKERD_STARTED_PID" ]]; then
    kill "$DOCKERD_STARTED_PID" && wait "$DOCKERD_STARTED_PID" 2>/dev/null
  fi
  rm -rf "$work"
  ((code == 0)) || say "FAILED (exit $code); stack removed (down -v)"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- helpers -------------------------------------------------------------------------------------

cid() { docker compose ps -q "$1"; }

# docker compose up/down/build, their progress lines kept in a log that a failure shows.
compose() {
  echo "\$ docker compose $*" >>"$work/compose.log"
  docker compose "$@" >>"$work/compose.log" 2>&1 ||
    fail "docker compose $* failed: $(tail -30 "$work/compose.log")"
}

# GET PATH on a node from inside its own container (nodes publish no port; the image has pxkv-get).
node_get() { docker exec "$(cid "$1")" pxkv-get "$2"; }
node_keys() { node_get "$1" /admin/stats | jq .keys; }
node_export_keys() { node_get "$1" /admin/export | jq -r 'select(.key) | .key' | sort; }

wait_healthy() { # SERVICE...
  local s deadline=$((SECONDS + 90))
  for s in "$@"; do
    until [[ "$(docker inspect -f '{{.State.Health.Status}}' "$(cid "$s")")" == healthy ]]; do
      ((SECONDS < deadline)) || fail "$s not healthy after 90 s"
      sleep 0.2
    done
  done
}

# start_to_healthy SINCE SERVICE: seconds from the service's container start (after SINCE, a
# Unix time) to its first passing health check, from Docker's own events.
start_to_healthy() {
  docker events --since "$1" --until "$(date +%s.%N)" --filter type=container \
    --filter "label=com.docker.compose.service=$2" --format '{{.TimeNano}} {{.Status}}' |
    awk '$2 == "start" { start = $1 } $2 == "health_status:" && $3 == "healthy" && start { printf "%.1f", ($1 - start) / 1e9; exit }'
}

router_base() { echo "http://$(docker compose port "${1:-router}" 8080)"; }

# put_keys FILE > "CODE KEY VALUE" lines: PUT /kv/KEY with the JSON number VALUE for each "KEY VALUE"
# line of FILE, 16 at a time (curl's parallel transfers over one process).
put_keys() {
  local cfg="$work/put.$BASHPID.cfg" key value
  : >"$cfg"
  while read -r key value; do
    # "next" between transfers only: a trailing one is a transfer with no URL, which aborts all.
    [[ -s "$cfg" ]] && echo next >>"$cfg"
    printf 'url = "%s/kv/%s"\nrequest = "PUT"\ndata = "%s"\noutput = "/dev/null"\nsilent\nconnect-timeout = 10\nmax-time = 20\nwrite-out = "%%{http_code} %s %s\\n"\n' \
      "$base" "$key" "$value" "$key" "$value" >>"$cfg"
  done <"$1"
  curl -Z --parallel-max 16 -K "$cfg" 2>/dev/null || true
}

# put_many PREFIX COUNT FIRST_VALUE: put_keys of fresh keys PREFIX-i with values FIRST_VALUE + i.
put_many() {
  local i
  for ((i = 0; i < $2; i++)); do echo "$1-$i $(($3 + i))"; done >"$work/keys.$BASHPID"
  put_keys "$work/keys.$BASHPID"
}

# get_many KEYS_FILE > "CODE KEY BODY" lines, 32 at a time: a node cut off costs a 1 s connect
# timeout per request, which one by one would take minutes.
get_many() {
  local keys="$1" dir="$work/get" key cfg="$work/get.cfg"
  rm -rf "$dir" && mkdir -p "$dir"
  : >"$cfg"
  while read -r key; do
    [[ -s "$cfg" ]] && echo next >>"$cfg"
    printf 'url = "%s/kv/%s"\noutput = "%s/%s"\nsilent\nconnect-timeout = 10\nmax-time = 20\nwrite-out = "%%{http_code} %s\\n"\n' \
      "$base" "$key" "$dir" "$key" "$key" >>"$cfg"
  done <"$keys"
  curl -Z --parallel-max 32 -K "$cfg" 2>/dev/null | while read -r code key; do
    echo "$code $key $(cat "$dir/$key" 2>/dev/null)"
  done
}

# Every key of "KEY VALUE" lines in $work/expected reads back with its value through the router.
check_expected() { # WHAT
  local bad
  cut -d' ' -f1 "$work/expected" >"$work/expected.keys"
  bad="$(get_many "$work/expected.keys" | awk 'NR == FNR { want[$1] = $2; next }
      { v = match($0, /"value":-?[0-9]+/) ? substr($0, RSTART + 8, RLENGTH - 8) : "none" }
      $1 != "200" || v != want[$2]' "$work/expected" -)"
  [[ -z "$bad" ]] || fail "$1: $(wc -l <<<"$bad") keys wrong, first: $(head -3 <<<"$bad")"
  ok "$1: all $(wc -l <"$work/expected") written keys read back with their values"
}

# Copies of each key on NODES nodes: the cluster file's replicas (3 when it does not say), capped.
copies() { # NODES
  local r
  r="$(jq '.replicas // 3' "$cluster_file")"
  echo $((r < $1 ? r : $1))
}

# The nodes' /admin/stats key counts, "total" and "node-1 N, ..." for the message.
counted() { # NODE...
  local n total=0 counts=""
  for n in "$@"; do
    local k
    k="$(node_keys "$n")"
    total=$((total + k))
    counts+="$n $k, "
  done
  echo "$total ${counts%, }"
}

# The nodes' /admin/stats key counts add up to the copies of the keys written: each key on as many
# nodes as the cluster keeps copies. Waits up to 60 s for a node that was out to get back the
# writes it missed (hints are handed over within seconds, anti-entropy finds the rest).
check_counts() { # WHAT NODE...
  local what="$1" want got deadline=$((SECONDS + 60))
  shift
  want=$(($(copies $#) * $(wc -l <"$work/expected")))
  until got="$(counted "$@")" && [[ "${got%% *}" == "$want" ]]; do
    ((SECONDS < deadline)) || fail "$what: nodes hold ${got%% *} keys (${got#* }), expected $want"
    sleep 0.5
  done
  ok "$what: /admin/stats ${got#* }: ${got%% *} keys, $(copies $#) copies of each key written"
}

# Background writes until $work/load.stop appears: batches of 50 fresh keys LOAD-PREFIX-b-i, their
# answers appended to $work/load.acks. Bounded: at most 200 batches.
start_load() { # PREFIX
  rm -f "$work/load.stop"
  : >"$work/load.acks"
  (
    for ((b = 0; b < 200; b++)); do
      [[ -f "$work/load.stop" ]] && break
      put_many "$1-$b" 50 $((b * 1000)) >>"$work/load.acks"
    done
  ) &
  load_pid=$!
}
load_batches() { echo $(($(wc -l <"$work/load.acks") / 50)); }
wait_load_batches() { # N: N more batches than now
  local want=$(($(load_batches) + $1)) deadline=$((SECONDS + 120))
  until (($(load_batches) >= want)); do
    ((SECONDS < deadline)) || fail "the write load stalled at $(load_batches) batches"
    sleep 0.1
  done
}
stop_load() {
  touch "$work/load.stop"
  wait "$load_pid"
  load_pid=""
  # Acknowledged writes are expected to stay; the others are returned for the caller to judge.
  awk '$1 ~ /^2/ {print $2, $3}' "$work/load.acks" >>"$work/expected"
  awk '$1 !~ /^2/' "$work/load.acks" >"$work/load.failed"
}

# No write failed while a node was out (W=2 of 3 copies).
check_no_failed_writes() { # WHAT
  [[ ! -s "$work/load.failed" ]] || fail "$1: $(wc -l <"$work/load.failed") writes failed, first: $(head -3 "$work/load.failed")"
  ok "$1: $(wc -l <"$work/load.acks") writes, none failed"
}

wait_router_sees_up() { # NODE: until the router's /admin/cluster says NODE is up
  local deadline=$((SECONDS + 30))
  until [[ "$(curl -s "$base/admin/cluster" | jq -r --arg n "$1" '.nodes[] | select(.id == $n) | .state')" == up ]]; do
    ((SECONDS < deadline)) || fail "the router did not reach $1 again within 30 s"
    sleep 0.2
  done
}

container_ip() { docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$1"; }
network_of() { docker inspect -f '{{range $k, $v := .NetworkSettings.Networks}}{{$k}}{{end}}' "$1"; }

# --- the test ------------------------------------------------------------------------------------

phase setup
docker_setup_packages
docker_setup_daemon
docker_setup_compose_plugin
say "$(docker version -f 'engine {{.Server.Version}}'), $(docker compose version | head -1)"
# A dockerd restarted with a stack of this project left over starts it again (restart:
# unless-stopped): clear it first.
docker rm -f "$placeholder" >/dev/null 2>&1 || true
docker compose --profile node-4 down -v --remove-orphans >/dev/null 2>&1 || true

phase base
eval "$(scripts/docker-base-images.sh)"

phase jar
if [[ ! -f launcher/target/px-kvstore.jar ]]; then
  mvn -B -ntp -q -DskipTests package
fi
ls -l launcher/target/px-kvstore.jar

phase build
compose build router
size_mb=$(($(docker image inspect -f '{{.Size}}' px-kvstore:local) / 1000000))
((size_mb < 150)) || fail "image px-kvstore:local is $size_mb MB, over the 150 MB goal"
ok "image px-kvstore:local is $size_mb MB (base $PXKV_BASE_IMAGE)"

phase up
up_since="$(date +%s.%N)"
compose up -d
wait_healthy node-1 node-2 node-3 router router-2
base="$(router_base)"
for s in node-1 node-2 node-3 router router-2; do
  say "$s healthy $(start_to_healthy "$up_since" "$s") s after its container started"
done
say "router at $base"
# The image's runtime is cut to the modules jdeps finds, less a few it leaves out (Dockerfile):
# the metrics, which load the most library code, must still answer in it.
router_metrics="$(curl -sf "$base/metrics")" || fail "the router's /metrics does not answer in the image"
[[ "$router_metrics" == *pxkv_http_server_requests_seconds* ]] || fail "the router's /metrics has no request series"
node_metrics="$(node_get node-1 /metrics)" || fail "node-1's /metrics does not answer in the image"
[[ "$node_metrics" == *pxkv_http_server_requests_seconds* ]] || fail "node-1's /metrics has no request series"
ok "router and node /metrics answer in the image"

phase readme
bash scripts/readme-examples.sh "$base"
ok "README examples through the router's published port"

phase spread
: >"$work/expected"
put_many seed 600 0 >"$work/seed.acks"
[[ "$(awk '$1 != "201"' "$work/seed.acks")" == "" ]] || fail "seed writes failed: $(awk '$1 != "201"' "$work/seed.acks" | head -3)"
awk '{print $2, $3}' "$work/seed.acks" >>"$work/expected"
awk '{print $2}' "$work/seed.acks" | sort >"$work/seed.keys"
for n in node-1 node-2 node-3; do
  node_export_keys "$n" | grep '^seed-' >"$work/owned-by-$n" || true
done
copies3="$(copies 3)"
[[ "$(sort "$work"/owned-by-node-{1,2,3} | uniq -c | awk -v c="$copies3" '$1 != c')" == "" ]] ||
  fail "a key is not on exactly $copies3 nodes"
[[ "$(sort -u "$work"/owned-by-node-{1,2,3})" == "$(cat "$work/seed.keys")" ]] || fail "keys missing from every node"
ok "600 keys spread: node-1 $(wc -l <"$work/owned-by-node-1"), node-2 $(wc -l <"$work/owned-by-node-2"), node-3 $(wc -l <"$work/owned-by-node-3"), each key on $copies3 nodes"
check_counts spread node-1 node-2 node-3

phase routers
base1="$base"
base="$(router_base router-2)"
check_expected "through the second router"
start_load routers
wait_load_batches 2
docker kill "$(cid router)" >/dev/null
wait_load_batches 3
stop_load
[[ ! -s "$work/load.failed" ]] || fail "writes through router-2 failed while router was killed: $(head -3 "$work/load.failed")"
ok "router killed under load through router-2: $(wc -l <"$work/load.acks") writes, none failed"
docker start "$(cid router)" >/dev/null
wait_healthy router
base="$(router_base)"
[[ "$base" == "$base1" ]] || say "router back at $base (was $base1)"
check_expected "through the first router, back"

phase kill
start_load kill
wait_load_batches 2
node2="$(cid node-2)"
ip_before="$(container_ip "$node2")"
docker kill "$node2" >/dev/null
# Something else takes node-2's address meanwhile, so that it comes back on another one and the
# router must look its name up again.
docker run -d --name "$placeholder" --network "$(network_of "$(cid node-1)")" --entrypoint sleep px-kvstore:local 600 >/dev/null
wait_load_batches 2
check_expected "node-2 killed: every key"
docker start "$node2" >/dev/null
ip_after="$(container_ip "$node2")"
[[ "$ip_after" != "$ip_before" ]] || fail "node-2 came back on the same address $ip_before; the address change was not exercised"
wait_healthy node-2
wait_router_sees_up node-2
ok "node-2 back on $ip_after (was $ip_before), and the router reaches it"
wait_load_batches 2
stop_load
docker rm -f "$placeholder" >/dev/null
check_no_failed_writes "node-2 killed under load"
check_expected "after the kill"
check_counts "after the kill" node-1 node-2 node-3

phase partition
node3="$(cid node-3)"
net="$(network_of "$node3")"
docker network disconnect "$net" "$node3"
put_many part 100 0 >"$work/load.acks"
awk '$1 ~ /^2/ {print $2, $3}' "$work/load.acks" >>"$work/expected"
awk '$1 !~ /^2/' "$work/load.acks" >"$work/load.failed"
check_no_failed_writes "node-3 cut off"
check_expected "node-3 cut off: every key"
docker network connect --alias node-3 "$net" "$node3"
wait_router_sees_up node-3
ok "node-3 reconnected, and the router reaches it"
check_expected "after the partition"
check_counts "after the partition" node-1 node-2 node-3

phase stop
start_load stop
wait_load_batches 2
node1="$(cid node-1)"
stop_started="$EPOCHREALTIME"
docker stop "$node1" >/dev/null
stop_seconds="$(seconds_since "$stop_started")"
stop_load
code="$(docker inspect -f '{{.State.ExitCode}}' "$node1")"
[[ "$code" == 143 ]] || fail "node-1 exited with $code on docker stop, not 143 (SIGTERM, shutdown hook run)"
ok "docker stop node-1 under load: exit 143 after $stop_seconds s"
start_since="$(date +%s.%N)"
docker start "$node1" >/dev/null
wait_healthy node-1
# The image's goal is under 3 s on a quiet machine (docs/BENCHMARKS.md); CI's shares its cores.
say "node-1 healthy $(start_to_healthy "$start_since" node-1) s after docker start"
wait_router_sees_up node-1
recovery="$(docker logs "$node1" 2>&1 | grep 'recovery:' | tail -1)"
[[ "$recovery" == *" 0 torn records cut (0 bytes), 0 damaged records dropped"* ]] || fail "node-1 after docker stop: $recovery"
ok "node-1 restarted: $recovery"
check_no_failed_writes "node-1 stopped under load"
check_expected "after the stop"
check_counts "after the stop" node-1 node-2 node-3

phase grow
compose up -d node-4
wait_healthy node-4
say "node-4 up and healthy after $(seconds_since "$phase_start") s"
jq '.nodes += [{"id": "node-4", "url": "http://node-4:9001"}]' "$work/cluster.docker.json.orig" >"$work/cluster.json"
cp "$work/cluster.json" "$cluster_file"
deadline=$((SECONDS + 120))
until [[ "$(curl -s "$base/admin/rebalance" | jq -r .phase)" == done ]] &&
  (($(node_keys node-4) > 0)) &&
  (($(node_keys node-1) + $(node_keys node-2) + $(node_keys node-3) + $(node_keys node-4) == $(copies 4) * $(wc -l <"$work/expected"))); do
  ((SECONDS < deadline)) || fail "the move to node-4 did not finish in 120 s: $(curl -s "$base/admin/rebalance" | head -c 600)"
  sleep 0.5
done
ok "rebalance phase done, node-4 holds $(node_keys node-4) keys, $(seconds_since "$phase_start") s into the phase"
check_counts "after the move" node-1 node-2 node-3 node-4
check_expected "after the move"

phase logs
bad=""
for s in node-1 node-2 node-3 node-4 router router-2; do
  lines="$(docker logs "$(cid "$s")" 2>&1)"
  # java.util.logging's two-line records, stack traces, unclean stops.
  bad+="$(grep -E '^(SEVERE|WARNING|INFO|CONFIG|FINE):|^\s+at |^Caused by|unclean shutdown' <<<"$lines" | sed "s/^/$s: /" || true)"$'\n'
  say "$s: $(wc -l <<<"$lines") log lines, last: $(tail -1 <<<"$lines")"
done
[[ -z "${bad//$'\n'/}" ]] || fail "log lines that are not one line per event: $(grep . <<<"$bad" | head -5)"
# The router's java.util.logging records: time, level, logger and message on one line.
# Whichever router led the move logged it.
grep -qE '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:.]+ INFO io\.pxkv\.[a-zA-Z.]+: rebalance complete' <<<"$(docker logs "$(cid router)" 2>&1; docker logs "$(cid router-2)" 2>&1)" ||
  fail "no router logged 'rebalance complete' as one line with its time and level"
ok "every container logs one line per event"

phase restart
# node-4 is in the cluster file now: its profile stays on, as docs/OPERATIONS.md says.
export COMPOSE_PROFILES=node-4
compose down
say "down after $(seconds_since "$phase_start") s"
compose up -d
wait_healthy node-1 node-2 node-3 node-4 router router-2
say "up and healthy after $(seconds_since "$phase_start") s"
base="$(router_base)"
check_counts "after down and up" node-1 node-2 node-3 node-4
check_expected "after down and up"

phase down
compose down -v
phase
echo "compose-test: $passed passed, 0 failed"
