#!/usr/bin/env bash
# Benchmark harness (issues 7 and 5). See bench/README.md.
#   bench/run.sh [--quick|--full] [--only PATTERNS] [--list]
# Starts the selected targets itself on 127.0.0.1 (free ports), runs wrk against them in
# interleaved rounds, stops everything it started (also on Ctrl-C / failure) and writes
# bench/results/<timestamp>/{results.md,results.json,cpu.svg,raw.tsv,logs/}.
# --only (or BENCH_ONLY): comma-separated shell patterns of target names, e.g. 'gateway-jwt*,hybrid*'.
set -euo pipefail

# Every target, in the order of a round (see bench/README.md for what each one is).
ALL_TARGETS=(direct haproxy-1hop nginx-1hop edge-lb-1hop gateway-plain gateway-jwt gateway-jwt-leased
  gateway-jwt-exact haproxy-3hop hybrid-jwt hybrid-jwt-leased hybrid-jwt-exact)

usage() { echo "usage: bench/run.sh [--quick|--full] [--only PATTERNS] [--list]" >&2; exit 2; }
MODE=quick
ONLY=${BENCH_ONLY:-}
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) MODE=quick ;;
    --full) MODE=full ;;
    --only) [ $# -ge 2 ] || usage; ONLY=$2; shift ;;
    --only=*) ONLY=${1#--only=} ;;
    --list) printf '%s\n' "${ALL_TARGETS[@]}"; exit 0 ;;
    -h|--help) sed -n 2,7p "$0"; exit 0 ;;
    *) usage ;;
  esac
  shift
done

# --quick without --only leaves out direct and nginx-1hop (baselines that are no target's reference):
# with all 12 targets it took 3.6 min on this shared machine (load average 4.8), over its 3 min.
QUICK_DEFAULT='haproxy-*,edge-lb-1hop,gateway-*,hybrid-*'
[ -z "${ONLY// /}" ] && [ "$MODE" = quick ] && ONLY=$QUICK_DEFAULT
SELECTED=()
if [ -z "${ONLY// /}" ]; then
  SELECTED=("${ALL_TARGETS[@]}")
else
  IFS=',' read -ra patterns <<<"${ONLY// /}"
  for pat in "${patterns[@]}"; do
    [ -n "$pat" ] || continue
    hit=0
    for name in "${ALL_TARGETS[@]}"; do
      # shellcheck disable=SC2053  # $pat is a pattern on purpose
      [[ $name == $pat ]] && hit=1
    done
    [ $hit = 1 ] || { echo "--only: '$pat' matches no target (bench/run.sh --list)" >&2; exit 2; }
  done
  for name in "${ALL_TARGETS[@]}"; do
    for pat in "${patterns[@]}"; do
      # shellcheck disable=SC2053
      if [ -n "$pat" ] && [[ $name == $pat ]]; then SELECTED+=("$name"); break; fi
    done
  done
fi
# BENCH_IDLE_CYCLES / BENCH_IDLE_GAPS (section 4), checked before anything starts.
IDLE_CYCLES=${BENCH_IDLE_CYCLES:-0}
[[ $IDLE_CYCLES =~ ^(0|[1-9][0-9]?)$ ]] || { echo "BENCH_IDLE_CYCLES: expected 0-99, got '$IDLE_CYCLES'" >&2; exit 2; }
read -ra IDLE_GAPS <<<"${BENCH_IDLE_GAPS:-20 5}"
for g in "${IDLE_GAPS[@]}"; do
  [[ $g =~ ^[0-9]{1,3}$ ]] || { echo "BENCH_IDLE_GAPS: expected seconds (0-999), got '$g'" >&2; exit 2; }
done
selected() {     # selected PATTERN: is any selected target's name matched by PATTERN?
  local n
  # shellcheck disable=SC2053
  for n in "${SELECTED[@]}"; do [[ $n == $1 ]] && return 0; done
  return 1
}

if [ "$MODE" = quick ]; then
  ROUNDS=2; DURATION=2; WARMUP=4; WARMUP_OTHER=1   # under 3 min with the 10 targets of QUICK_DEFAULT
else
  ROUNDS=3; DURATION=5; WARMUP=15; WARMUP_OTHER=2  # about 9.5 min with all 12 targets
fi
# BENCH_REHEARSAL=0|1: the rehearsal after the warm-up (below); on by default in full mode, but not
# with BENCH_IDLE_CYCLES, whose cycle 1 is meant to be a JVM's first burst after a quiet spell.
REHEARSAL=${BENCH_REHEARSAL:-$([ "$MODE" = full ] && [ "$IDLE_CYCLES" = 0 ] && echo 1 || echo 0)}
[[ $REHEARSAL =~ ^[01]$ ]] || { echo "BENCH_REHEARSAL: expected 0 or 1, got '$REHEARSAL'" >&2; exit 2; }
REHEARSAL_GAP=16; REHEARSAL_SECS=2
THREADS=2                      # wrk threads
PROFILES="throughput:64 latency:8"

BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT="$BENCH_DIR/results/$STAMP"
WORK="$OUT/work"
mkdir -p "$OUT/logs" "$WORK"
RAW="$OUT/raw.tsv"
log() { printf '[bench %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

# ---------------------------------------------------------------- 1. tools
need=()
command -v wrk >/dev/null || need+=(wrk)
command -v haproxy >/dev/null || [ -x /usr/sbin/haproxy ] || need+=(haproxy)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx)
[ "${BENCH_PERF:-0}" = 1 ] && ! command -v perf >/dev/null && need+=(linux-perf)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  log "installing ${need[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
export PATH="$PATH:/usr/sbin:/sbin"
command -v python3 >/dev/null || { echo "python3 is required" >&2; exit 1; }

# ---------------------------------------------------------------- 2. jars
EDGE_JAR="$ROOT/edge-lb/target/edge-lb.jar"
GATEWAY_JAR="$ROOT/api-gateway/target/api-gateway.jar"
INTERNAL_JAR="$ROOT/internal-lb/target/internal-lb.jar"
SERVICES_JAR="$ROOT/sample-services/target/sample-services.jar"
if [ ! -f "$EDGE_JAR" ] || [ ! -f "$GATEWAY_JAR" ] || [ ! -f "$INTERNAL_JAR" ] \
    || [ ! -f "$SERVICES_JAR" ] || [ ! -f "$ROOT/stack/target/stack.jar" ]; then
  log "building jars (mvn -q -o -DskipTests package)"
  (cd "$ROOT" && mvn -q -o -DskipTests package)
fi
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
# shellcheck source=bench/jvm-options.sh
. "$BENCH_DIR/jvm-options.sh"
# BENCH_JAVA_OPTS: more JVM options for every Java target, for experiments (results not comparable
# with the launcher's).
if [ -n "${BENCH_JAVA_OPTS:-}" ]; then read -ra EXTRA_OPTS <<<"$BENCH_JAVA_OPTS"; JAVA_OPTS+=("${EXTRA_OPTS[@]}"); fi

# ---------------------------------------------------------------- process bookkeeping
PIDS=()            # every process this script started (stopped in reverse order)
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  local i pid
  for ((i=${#PIDS[@]}-1; i>=0; i--)); do
    pid=${PIDS[$i]}; kill -TERM "$pid" 2>/dev/null || true
  done
  for _ in $(seq 1 50); do
    local alive=0
    for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ $alive = 0 ] && break; sleep 0.1
  done
  for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  [ ${#PIDS[@]} -gt 0 ] && log "stopped ${#PIDS[@]} processes"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_ports() {   # free_ports N -> N free loopback ports, one per line
  python3 - "$1" <<'EOF'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); socks.append(s)
print("\n".join(str(s.getsockname()[1]) for s in socks))
EOF
}

wait_http() {    # wait_http URL PID SECONDS: 2xx from URL while PID lives, bounded
  local url=$1 pid=$2 secs=$3 i
  for ((i=0; i<secs*10; i++)); do
    kill -0 "$pid" 2>/dev/null || { log "process $pid died (see $OUT/logs)"; return 1; }
    curl -fsS -o /dev/null --max-time 1 "$url" 2>/dev/null && return 0
    sleep 0.1
  done
  log "timeout waiting for $url"; return 1
}

# pids of a process and its descendants (nginx master + workers, java + nothing else)
tree_pids() {
  local p=$1 c
  echo "$p"
  for c in $(cat /proc/"$p"/task/*/children 2>/dev/null); do tree_pids "$c"; done
}
cpu_ticks() {    # cpu_ticks PID... -> utime+stime in clock ticks over the process trees
  local t=0 p f
  for p in "$@"; do
    for f in $(tree_pids "$p"); do
      [ -r /proc/"$f"/stat ] || continue
      # fields after the ")" so that a command name with spaces cannot shift them
      t=$((t + $(sed -E 's/^.*\) //' /proc/"$f"/stat | awk '{print $12 + $13}')))
    done
  done
  echo $t
}
rss_kb() {       # rss_kb PID... -> summed VmRSS in kB
  local t=0 p f v
  for p in "$@"; do
    for f in $(tree_pids "$p"); do
      v=$(awk '/^VmRSS:/{print $2}' /proc/"$f"/status 2>/dev/null || true)
      t=$((t + ${v:-0}))
    done
  done
  echo $t
}
CLK_TCK=$(getconf CLK_TCK)
# BENCH_THREADS=1: also split each target's CPU and context switches (voluntary: the thread waited;
# involuntary: it was preempted) by thread (name with digits dropped, so the two event loops or the
# partition threads add up) into threads.tsv, summarised at the end.
THREAD_SPLIT=${BENCH_THREADS:-0}
# BENCH_JFR=1: a JFR recording (settings=profile) of each JVM of a target during each of its runs;
# bench/jfr-top.py then sums the rounds per target, profile and JVM into jfr/<...>.txt. JFR costs
# CPU of its own, so the figures of such a run are not to be published.
JFR_SPLIT=${BENCH_JFR:-0}
# BENCH_PERF=1: `perf record -e cpu-clock` of each JVM of a target during round 1 (kernel and JVM
# frames, which JFR does not sample), symbolised with the JIT's perf map (jcmd Compiler.perfmap) and
# summarised per target, profile and JVM into perf/<...>.txt. Needs `perf` (linux-perf).
PERF_SPLIT=${BENCH_PERF:-0}
thread_ticks() { # thread_ticks PID... -> "pid tid group ticks voluntary involuntary" (tabs) per thread
  local p f t g n=0 prefix=""
  for p in "$@"; do
    # A chain's processes apart: "1:" is the first pid of the target (its front), and so on.
    n=$((n + 1)); [ $# -gt 1 ] && prefix="$n:"
    for f in $(tree_pids "$p"); do
      for t in /proc/"$f"/task/*; do
        [ -r "$t/stat" ] || continue
        g=$prefix$(tr -d '0-9' <"$t/comm" 2>/dev/null | tr ' ' '_')
        printf '%s\t%s\t%s\t%s\t%s\n' "$f" "${t##*/}" "${g:-?}" \
          "$(sed -E 's/^.*\) //' "$t/stat" | awk '{print $12 + $13}')" \
          "$(awk '/^voluntary_ctxt_switches/{v=$2} /^nonvoluntary_ctxt_switches/{n=$2} END{print v "\t" n}' "$t/status" 2>/dev/null)"
      done
    done
  done
}

# ---------------------------------------------------------------- 3. targets
# Only the processes that the selected targets need are started.
mapfile -t P < <(free_ports 20)
B1=${P[0]}; B2=${P[1]}; HA=${P[2]}; NG=${P[3]}; EL=${P[4]}; EL_ADMIN=${P[5]}; H3A=${P[6]}; H3B=${P[7]}
GW=${P[8]}; GW_ADMIN=${P[9]}; GW_CLUSTER=${P[10]}; ISS=${P[11]}; ISS_ADMIN=${P[12]}
IL=${P[13]}; IL_ADMIN=${P[14]}; EH=${P[15]}; EH_ADMIN=${P[16]}
GH=${P[17]}; GH_ADMIN=${P[18]}; GH_CLUSTER=${P[19]}
NEED_HAPROXY=no; selected 'haproxy-*' && NEED_HAPROXY=yes
NEED_GATEWAY=no; selected 'gateway-*' && NEED_GATEWAY=yes
NEED_HYBRID=no; selected 'hybrid-*' && NEED_HYBRID=yes
NEED_ISSUER=no; [ $NEED_GATEWAY = yes ] || [ $NEED_HYBRID = yes ] && NEED_ISSUER=yes
# The hybrid chain is a topology of its own, three JVMs on this machine's cores: like the launcher
# (StackPlanner.eventLoopsPerInstance), it gives each its share of the cores as event loops, so it
# has its own gateway. The one-hop targets are one JVM each and keep one loop per core.
CORES=$(nproc)
CHAIN_LOOPS=${BENCH_CHAIN_EVENT_LOOPS:-$(( CORES / 3 > 1 ? CORES / 3 : 1 ))}

# Two small NGINX backends: a static JSON body, one worker each.
start_nginx() {  # start_nginx NAME CONF_BODY -> pid
  local name=$1 dir="$WORK/$1"
  mkdir -p "$dir/logs" "$dir/tmp"
  cat > "$dir/nginx.conf" <<EOF
worker_processes ${NGINX_WORKERS:-1};
pid $dir/nginx.pid;
error_log $OUT/logs/$name.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $dir/tmp; proxy_temp_path $dir/tmp; fastcgi_temp_path $dir/tmp;
  uwsgi_temp_path $dir/tmp; scgi_temp_path $dir/tmp;
  keepalive_requests 100000;
$2
}
EOF
  nginx -p "$dir" -c "$dir/nginx.conf" -g 'daemon off;' >>"$OUT/logs/$name.log" 2>&1 &
  echo $!
}
BODY='{"service":"bench","ok":true,"items":[1,2,3]}'
backend_conf() {
  printf '  server { listen 127.0.0.1:%s; location / { default_type application/json; return 200 %s; } }\n' \
    "$1" "'$BODY'"
}
PID_B1=$(start_nginx backend-1 "$(backend_conf "$B1")"); PIDS+=("$PID_B1")
PID_B2=$(start_nginx backend-2 "$(backend_conf "$B2")"); PIDS+=("$PID_B2")
wait_http "http://127.0.0.1:$B1/" "$PID_B1" 10
wait_http "http://127.0.0.1:$B2/" "$PID_B2" 10

if [ $NEED_HAPROXY = yes ]; then
  # HAProxy one hop: round robin over the two backends, keep-alive to the backends.
  cat > "$WORK/haproxy.cfg" <<EOF
global
  maxconn 4096
  nbthread ${BENCH_HAPROXY_THREADS:-2}
defaults
  mode http
  timeout connect 1s
  timeout client 30s
  timeout server 30s
  option http-keep-alive
  http-reuse always
frontend fe
  bind 127.0.0.1:$HA
  default_backend be
backend be
  balance roundrobin
  server b1 127.0.0.1:$B1
  server b2 127.0.0.1:$B2
EOF
  haproxy -db -f "$WORK/haproxy.cfg" >"$OUT/logs/haproxy-1hop.log" 2>&1 &
  PID_HA=$!; PIDS+=("$PID_HA")
fi

if selected haproxy-3hop; then
  # HAProxy three hops in a chain: $H3A -> $H3B -> the one-hop HAProxy ($HA) -> backends.
  haproxy_hop() {  # haproxy_hop NAME LISTEN_PORT NEXT_PORT -> pid
    sed -e "s/bind 127.0.0.1:$HA/bind 127.0.0.1:$2/" \
        -e "/server b1 /c\\  server next 127.0.0.1:$3" -e "/server b2 /d" \
        "$WORK/haproxy.cfg" >"$WORK/$1.cfg"
    haproxy -db -f "$WORK/$1.cfg" >"$OUT/logs/$1.log" 2>&1 &
    echo $!
  }
  PID_H3B=$(haproxy_hop haproxy-3hop-2 "$H3B" "$HA"); PIDS+=("$PID_H3B")
  PID_H3A=$(haproxy_hop haproxy-3hop-1 "$H3A" "$H3B"); PIDS+=("$PID_H3A")
fi

if selected nginx-1hop; then
  # NGINX one hop: round robin (default) with an upstream keep-alive pool.
  PID_NG=$(NGINX_WORKERS=2 start_nginx nginx-1hop "  upstream be { server 127.0.0.1:$B1; server 127.0.0.1:$B2; keepalive 64; }
  server { listen 127.0.0.1:$NG; location / { proxy_pass http://be; proxy_http_version 1.1; proxy_set_header Connection \"\"; } }")
  PIDS+=("$PID_NG")
fi

if selected edge-lb-1hop; then
  # edge-lb one hop: the real jar, the bench copy of its config (health checks off), no access log.
  EDGE_INSTANCE=bench-edge-lb EDGE_BIND=127.0.0.1 EDGE_HTTP_PORT=$EL EDGE_ADMIN_PORT=$EL_ADMIN \
    GATEWAY_ENDPOINTS="127.0.0.1:$B1,127.0.0.1:$B2" EDGE_ACCESS_LOG_LEVEL=OFF \
    "$JAVA" "${JAVA_OPTS[@]}" -jar "$EDGE_JAR" --config "$BENCH_DIR/edge-lb.yaml" \
    >"$OUT/logs/edge-lb-1hop.log" 2>&1 &
  PID_EL=$!; PIDS+=("$PID_EL")
fi

# A long-lived token signed with the demo issuer's key, made by the launcher's token command in a
# bench-local run folder. Every target gets it in every request, whether it checks it or not: a
# target and its reference then move the same bytes (the token is ~700 of a request's ~800), and
# a client of an API sends its token to the load balancer in front of the gateway too.
RUN_DIR="$WORK/run"; mkdir -p "$RUN_DIR"
TOKEN=$("$JAVA" -jar "$ROOT/stack/target/stack.jar" --home "$ROOT" --run-dir "$RUN_DIR" \
  token --sub bench --scope accounts:read --ttl 86400 2>>"$OUT/logs/token.log")
[ -n "$TOKEN" ] || { log "no bench token (see $OUT/logs/token.log)"; exit 1; }
if [ $NEED_ISSUER = yes ]; then
  # The demo issuer: the JWKS for the gateway, whose config names it whatever routes are selected.
  EDGE_INSTANCE=bench-issuer EDGE_BIND=127.0.0.1 EDGE_HTTP_PORT=$ISS EDGE_ADMIN_PORT=$ISS_ADMIN \
    ISSUER_KEY_FILE="$RUN_DIR/keys/issuer-key.pem" \
    "$JAVA" "${JAVA_OPTS[@]}" -jar "$SERVICES_JAR" --config "$ROOT/config/services/issuer.yaml" \
    >"$OUT/logs/issuer.log" 2>&1 &
  PID_ISS=$!; PIDS+=("$PID_ISS")
fi

if [ $NEED_HYBRID = yes ]; then
  # internal-lb over the backends (the last proxy of the hybrid chain).
  EDGE_HTTP_PORT=$IL EDGE_ADMIN_PORT=$IL_ADMIN BACKEND_ENDPOINTS="127.0.0.1:$B1,127.0.0.1:$B2" \
    EDGE_ACCESS_LOG_LEVEL=OFF EDGE_EVENT_LOOPS=$CHAIN_LOOPS \
    "$JAVA" "${JAVA_OPTS[@]}" -jar "$INTERNAL_JAR" --config "$BENCH_DIR/internal-lb.yaml" \
    >"$OUT/logs/internal-lb.log" 2>&1 &
  PID_IL=$!; PIDS+=("$PID_IL")
fi

if [ $NEED_ISSUER = yes ]; then
  wait_http "http://127.0.0.1:$ISS_ADMIN/health/ready" "$PID_ISS" 60
fi
start_gateway() {  # start_gateway NAME HTTP ADMIN CLUSTER [VAR=VALUE ...] -> pid
  local name=$1 http=$2 admin=$3 cluster=$4; shift 4
  env EDGE_INSTANCE="bench-$name" EDGE_HTTP_PORT="$http" EDGE_ADMIN_PORT="$admin" \
    EDGE_CLUSTER_PORT="$cluster" JWKS_URL="http://127.0.0.1:$ISS/.well-known/jwks.json" \
    TRUSTED_PROXIES=127.0.0.1/32 BACKEND_ENDPOINTS="127.0.0.1:$B1,127.0.0.1:$B2" \
    INTERNAL_LB_ENDPOINTS="127.0.0.1:$IL" EDGE_ACCESS_LOG_LEVEL=OFF "$@" \
    "$JAVA" "${JAVA_OPTS[@]}" -jar "$GATEWAY_JAR" --config "$BENCH_DIR/gateway.yaml" \
    >"$OUT/logs/$name.log" 2>&1 &
  echo $!
}
if [ $NEED_GATEWAY = yes ]; then
  # One gateway with a one-member Hazelcast cluster; one route per gateway target
  # (bench/gateway.yaml).
  PID_GW=$(start_gateway gateway "$GW" "$GW_ADMIN" "$GW_CLUSTER"); PIDS+=("$PID_GW")
fi
if [ $NEED_HYBRID = yes ]; then
  # The chain's gateway: the same file (its three hybrid routes), a one-member cluster of its own.
  PID_GH=$(start_gateway gateway-hybrid "$GH" "$GH_ADMIN" "$GH_CLUSTER" EDGE_EVENT_LOOPS="$CHAIN_LOOPS")
  PIDS+=("$PID_GH")
fi

if [ $NEED_HYBRID = yes ]; then
  # The hybrid chain's edge-lb: a second edge-lb whose only gateway is the bench gateway.
  EDGE_INSTANCE=bench-edge-lb-hybrid EDGE_BIND=127.0.0.1 EDGE_HTTP_PORT=$EH EDGE_ADMIN_PORT=$EH_ADMIN \
    GATEWAY_ENDPOINTS="127.0.0.1:$GH" EDGE_ACCESS_LOG_LEVEL=OFF EDGE_EVENT_LOOPS=$CHAIN_LOOPS \
    "$JAVA" "${JAVA_OPTS[@]}" -jar "$EDGE_JAR" --config "$BENCH_DIR/edge-lb.yaml" \
    >"$OUT/logs/edge-lb-hybrid.log" 2>&1 &
  PID_EH=$!; PIDS+=("$PID_EH")
fi

if [ $NEED_HAPROXY = yes ]; then wait_http "http://127.0.0.1:$HA/" "$PID_HA" 10; fi
if selected haproxy-3hop; then wait_http "http://127.0.0.1:$H3A/" "$PID_H3A" 10; fi
if selected nginx-1hop; then wait_http "http://127.0.0.1:$NG/" "$PID_NG" 10; fi
if selected edge-lb-1hop; then wait_http "http://127.0.0.1:$EL_ADMIN/health/ready" "$PID_EL" 60; fi
if [ $NEED_HYBRID = yes ]; then wait_http "http://127.0.0.1:$IL_ADMIN/health/ready" "$PID_IL" 60; fi
if [ $NEED_GATEWAY = yes ]; then wait_http "http://127.0.0.1:$GW_ADMIN/health/ready" "$PID_GW" 90; fi
if [ $NEED_HYBRID = yes ]; then wait_http "http://127.0.0.1:$GH_ADMIN/health/ready" "$PID_GH" 90; fi
if [ $NEED_HYBRID = yes ]; then wait_http "http://127.0.0.1:$EH_ADMIN/health/ready" "$PID_EH" 60; fi
AUTH="Authorization: Bearer $TOKEN"

# name|depth|url|pids whose CPU and RSS count|jvm?
TARGETS=()
selected direct && TARGETS+=("direct|0|http://127.0.0.1:$B1/|$PID_B1|no")
selected haproxy-1hop && TARGETS+=("haproxy-1hop|1|http://127.0.0.1:$HA/|$PID_HA|no")
selected nginx-1hop && TARGETS+=("nginx-1hop|1|http://127.0.0.1:$NG/|$PID_NG|no")
selected edge-lb-1hop && TARGETS+=("edge-lb-1hop|1|http://127.0.0.1:$EL/|$PID_EL|yes")
selected gateway-plain && TARGETS+=("gateway-plain|1|http://127.0.0.1:$GW/bench/plain|$PID_GW|yes")
selected gateway-jwt && TARGETS+=("gateway-jwt|1|http://127.0.0.1:$GW/bench/jwt|$PID_GW|yes")
selected gateway-jwt-leased && TARGETS+=("gateway-jwt-leased|1|http://127.0.0.1:$GW/bench/leased|$PID_GW|yes")
selected gateway-jwt-exact && TARGETS+=("gateway-jwt-exact|1|http://127.0.0.1:$GW/bench/exact|$PID_GW|yes")
selected haproxy-3hop && TARGETS+=("haproxy-3hop|3|http://127.0.0.1:$H3A/|$PID_H3A $PID_H3B $PID_HA|no")
for mode in jwt leased exact; do
  name=hybrid-jwt; [ $mode = jwt ] || name=hybrid-jwt-$mode
  selected $name && TARGETS+=("$name|3|http://127.0.0.1:$EH/bench/hybrid/$mode|$PID_EH $PID_GH $PID_IL|yes")
done
for t in "${TARGETS[@]}"; do
  IFS='|' read -r name depth url pids jvm <<<"$t"
  curl -fsS -o /dev/null --max-time 5 -H "$AUTH" "$url" \
    || { log "$name ($url) does not answer 2xx (see $OUT/logs)"; exit 1; }
done
log "targets up: ${#TARGETS[@]} (mode $MODE, $ROUNDS rounds x ${DURATION}s x 2 profiles): ${SELECTED[*]}"

# ---------------------------------------------------------------- 4. measure
run_wrk() {      # run_wrk CONNS SECONDS URL OUTFILE
  timeout $(( $2 + 15 )) wrk -t"$THREADS" -c"$1" -d"$2"s --timeout 5s --latency -H "$AUTH" "$3" \
    >"$4" 2>&1 || true
}

# Warm-up at 64 connections. A target without a JVM gets WARMUP_OTHER seconds (it has nothing to
# compile). The first target on a JVM gets WARMUP seconds; a chain whose JVMs no
# other target warms gets three times that (measured with the single warm-up, hybrid ran at a
# quarter of its warm rate, still compiling). A later target on JVMs that are warm already (another
# route of the same gateway, another limiter through the same chain) gets a third of WARMUP.
WARMED=" "
for t in "${TARGETS[@]}"; do
  IFS='|' read -r name depth url pids jvm <<<"$t"
  secs=$WARMUP_OTHER
  if [ "$jvm" = yes ]; then
    cold=0
    for p in $pids; do [[ $WARMED == *" $p "* ]] || cold=$((cold + 1)); done
    if [ $cold = 0 ]; then secs=$(( WARMUP / 3 > 2 ? WARMUP / 3 : 2 ))
    elif [ "$cold" -gt 1 ]; then secs=$(( WARMUP * 3 ))
    else secs=$WARMUP
    fi
    WARMED="$WARMED$pids "
  fi
  log "warm-up $name (${secs}s)"
  run_wrk 64 "$secs" "$url" "$WORK/warmup-$name.txt"
done

# A rehearsal of what the rounds do to a JVM besides serving at 64 connections: a quiet spell longer
# than every pool's idle limit in bench/*.yaml (the pools' request timeout, 10-15 s), so that idle
# upstream connections go stale, are swept and reconnect; then both profiles, each a new set of
# client connections. Without it the rounds are the first time the JIT sees these paths: it
# deoptimised the relay's and io_uring's hot methods during the measured rounds and recompiled
# them there (-XX:+PrintCompilation), which the rounds counted as the target's CPU and latency.
# What the first seconds after a JVM's first quiet spell cost is measured apart (BENCH_IDLE_CYCLES).
if [ "$REHEARSAL" = 1 ]; then
  log "rehearsal: ${REHEARSAL_GAP}s quiet, then ${REHEARSAL_SECS}s per Java target and profile"
  sleep "$REHEARSAL_GAP"
  for t in "${TARGETS[@]}"; do
    IFS='|' read -r name depth url pids jvm <<<"$t"
    [ "$jvm" = yes ] || continue
    for p in $PROFILES; do
      run_wrk "${p#*:}" "$REHEARSAL_SECS" "$url" "$WORK/rehearsal-${p%%:*}-$name.txt"
    done
  done
fi

to_us() {        # wrk latency ("812.00us", "1.23ms", "2.00s") -> microseconds
  awk -v v="$1" 'BEGIN{ n=v+0; if (v ~ /us$/) m=1; else if (v ~ /ms$/) m=1000; else if (v ~ /s$/) m=1000000; else m=1; printf "%.0f", n*m }'
}
wrk_requests() { # wrk_requests OUTFILE -> the requests wrk completed (0 when it reported none)
  local n; n=$(awk '/requests in/{print $1}' "$1"); echo "${n:-0}"
}
wrk_latency() {  # wrk_latency OUTFILE PERCENT -> that percentile of the latency in microseconds
  to_us "$(awk -v p="$2%" '$1==p{print $2}' "$1")"
}
# BENCH_IDLE_CYCLES=N: instead of the rounds, N cycles of bursts after idle gaps (BENCH_IDLE_GAPS,
# seconds, default "20 5": one longer than every pool's idle limit in bench/*.yaml, which is the
# pool's request timeout, 10-15 s, so the pooled connections are stale and reconnect; one shorter).
# Each burst is 2 s at 64 connections, every selected target in turn; idle.tsv and the
# summary give p99 and max per target and gap. Measures what the first seconds of traffic after a
# quiet spell see; in the rounds that depends on how long the other targets take.
if [ "$IDLE_CYCLES" != 0 ]; then
  printf 'cycle\tgap_s\ttarget\trequests\tp99_us\tmax_us\tcpu_us_per_req\n' >"$OUT/idle.tsv"
  # One target at a time, so that the time since its previous burst is the gap itself.
  for t in "${TARGETS[@]}"; do
    IFS='|' read -r name depth url pids jvm <<<"$t"
    for ((c=1; c<=IDLE_CYCLES; c++)); do
      for g in "${IDLE_GAPS[@]}"; do
        sleep "$g"
        f="$WORK/idle-$c-$g-$name.txt"
        c0=$(cpu_ticks $pids)
        run_wrk 64 2 "$url" "$f"
        c1=$(cpu_ticks $pids)
        reqs=$(wrk_requests "$f")
        p99=$(wrk_latency "$f" 99)
        max=$(to_us "$(awk '$1=="Latency"{print $4; exit}' "$f")")
        cpu=$(awk -v t=$((c1 - c0)) -v n="$reqs" -v hz="$CLK_TCK" 'BEGIN{printf "%.1f", n ? t * 1e6 / hz / n : 0}')
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$c" "$g" "$name" "$reqs" "$p99" "$max" "$cpu" >>"$OUT/idle.tsv"
        log "idle cycle $c, ${g}s idle, $name: p99 ${p99}us, max ${max}us, $cpu cpu-us/req"
      done
    done
  done
  python3 - "$OUT/idle.tsv" <<'PY' | tee "$OUT/idle.md"
import collections, statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])][1:]
by = collections.defaultdict(list)
for c, gap, target, reqs, p99, mx, cpu in rows:
    by[(target, int(gap))].append((int(c), float(p99) / 1000, float(mx) / 1000, float(cpu)))
print("| target | idle s | p99 ms, cycle 1 | p99 ms, later cycles (median) | max ms (median) | CPU µs/req (median) |")
print("|---|---|---|---|---|---|")
for (target, gap), v in sorted(by.items(), key=lambda kv: (kv[0][0], -kv[0][1])):
    later = [p for c, p, _, _ in v if c > 1]
    later_p99 = f"{statistics.median(later):.2f}" if later else "–"
    print(f"| {target} | {gap} | {v[0][1]:.2f} | {later_p99} "
          f"| {statistics.median(m for _, _, m, _ in v):.2f} | {statistics.median(x for *_, x in v):.1f} |")
PY
  log "idle bursts: $OUT/idle.tsv, $OUT/idle.md"
  exit 0
fi

printf 'profile\tconns\tround\ttarget\tdepth\trps\trequests\tp50_us\tp99_us\tcpu_us\tcpu_us_per_req\trss_kb\tnon2xx\tsocket_errors\n' >"$RAW"
for prof in $PROFILES; do
  pname=${prof%%:*}; conns=${prof##*:}
  for ((r=1; r<=ROUNDS; r++)); do
    for t in "${TARGETS[@]}"; do
      IFS='|' read -r name depth url pids jvm <<<"$t"
      f="$WORK/$pname-$r-$name.txt"
      [ "$THREAD_SPLIT" = 1 ] && thread_ticks $pids >"$WORK/threads0"
      if [ "$JFR_SPLIT" = 1 ] && [ "$jvm" = yes ]; then
        mkdir -p "$OUT/jfr"
        for p in $pids; do jcmd "$p" JFR.start name=bench settings=profile >/dev/null; done
      fi
      PERF_PIDS=()
      if [ "$PERF_SPLIT" = 1 ] && [ "$jvm" = yes ] && [ "$r" = 1 ]; then
        mkdir -p "$OUT/perf"
        for p in $pids; do
          perf record -q -g -e cpu-clock -F 1999 -p "$p" -o "$OUT/perf/$name-$conns-$p.data" \
            -- sleep $((DURATION + 1)) >/dev/null 2>&1 &
          PERF_PIDS+=($!)
        done
      fi
      c0=$(cpu_ticks $pids)
      run_wrk "$conns" "$DURATION" "$url" "$f"
      c1=$(cpu_ticks $pids)
      [ "$THREAD_SPLIT" = 1 ] && thread_ticks $pids >"$WORK/threads1"
      for p in "${PERF_PIDS[@]}"; do wait "$p" || true; done
      if [ "$JFR_SPLIT" = 1 ] && [ "$jvm" = yes ]; then
        for p in $pids; do
          jcmd "$p" JFR.stop name=bench filename="$OUT/jfr/$name-$conns-$p-r$r.jfr" >/dev/null
        done
      fi
      rss=$(rss_kb $pids)
      rps=$(awk '/^Requests\/sec:/{print $2}' "$f"); rps=${rps:-0}
      reqs=$(wrk_requests "$f")
      p50=$(wrk_latency "$f" 50)
      p99=$(wrk_latency "$f" 99)
      non2xx=$(awk '/Non-2xx or 3xx responses:/{print $NF}' "$f"); non2xx=${non2xx:-0}
      sockerr=$(awk '/Socket errors:/{gsub(",",""); print $4+$6+$8+$10}' "$f"); sockerr=${sockerr:-0}
      cpu_us=$(( (c1 - c0) * 1000000 / CLK_TCK ))
      per=$(awk -v c="$cpu_us" -v n="$reqs" 'BEGIN{ if (n>0) printf "%.1f", c/n; else print "nan" }')
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$pname" "$conns" "$r" "$name" \
        "$depth" "$rps" "$reqs" "$p50" "$p99" "$cpu_us" "$per" "$rss" "$non2xx" "$sockerr" >>"$RAW"
      log "$pname r$r $name: $rps req/s, p99 ${p99}us, ${per} cpu-us/req"
      if [ "$THREAD_SPLIT" = 1 ]; then
        # Threads that ended during the run are lost; threads that began count from zero.
        awk -F'\t' -v pre="$pname\t$conns\t$r\t$name" -v n="$reqs" -v tck="$CLK_TCK" '
          NR==FNR { before[$1 FS $2] = $4; vol[$1 FS $2] = $5; inv[$1 FS $2] = $6; next }
          { d[$3] += $4 - before[$1 FS $2]; v[$3] += $5 - vol[$1 FS $2]; i[$3] += $6 - inv[$1 FS $2] }
          END { for (g in d) if (d[g] > 0 && n > 0)
                  printf "%s\t%s\t%.2f\t%.3f\t%.3f\n", pre, g, d[g] * 1e6 / tck / n, v[g] / n, i[g] / n }' \
          "$WORK/threads0" "$WORK/threads1" >>"$OUT/threads.tsv"
      fi
    done
  done
done

# The gateway's own counters (store calls, leased tokens, coalesced calls per policy) for the run.
if [ $NEED_GATEWAY = yes ]; then
  curl -fsS --max-time 5 -o "$OUT/gateway-metrics.txt" "http://127.0.0.1:$GW_ADMIN/metrics" || true
fi
if [ $NEED_HYBRID = yes ]; then
  curl -fsS --max-time 5 -o "$OUT/gateway-hybrid-metrics.txt" "http://127.0.0.1:$GH_ADMIN/metrics" || true
fi
if [ "$PERF_SPLIT" = 1 ] && [ -d "$OUT/perf" ]; then
  # The JIT's symbols, written while the JVMs still run; perf report reads /tmp/perf-<pid>.map.
  for t in "${TARGETS[@]}"; do
    IFS='|' read -r name depth url pids jvm <<<"$t"
    if [ "$jvm" = yes ]; then
      for p in $pids; do jcmd "$p" Compiler.perfmap >/dev/null 2>&1 || true; done
    fi
  done
  for f in "$OUT"/perf/*.data; do
    perf report -i "$f" --no-children --sort dso,sym --stdio 2>/dev/null | grep -v '^#' \
      | grep -v '^$' | head -60 >"${f%.data}.txt" || true
  done
  log "perf profiles: $OUT/perf/*.txt (target-conns-pid)"
fi

# ---------------------------------------------------------------- 6. report
python3 "$BENCH_DIR/report.py" "$RAW" "$OUT" "$MODE" "$ROUNDS" "$DURATION"
log "results: $OUT/results.md"
cat "$OUT/results.md"
if [ "$JFR_SPLIT" = 1 ] && [ -d "$OUT/jfr" ]; then
  for f in "$OUT"/jfr/*-r1.jfr; do
    base=${f%-r1.jfr}
    python3 "$BENCH_DIR/jfr-top.py" "$base"-r*.jfr 40 >"$base.txt"
  done
  log "profiles: $OUT/jfr/*.txt (target-conns-pid)"
fi
if [ -s "$OUT/threads.tsv" ]; then
  # Median over the rounds of each thread group's CPU µs and context switches per request.
  echo; echo "By thread, per request (median over rounds; BENCH_THREADS=1): CPU µs, voluntary and"
  echo "involuntary context switches"
  python3 - "$OUT/threads.tsv" <<'PY'
import collections, statistics, sys
per = collections.defaultdict(list)
for line in open(sys.argv[1]):
    prof, conns, _, target, group, us, vol, inv = line.rstrip("\n").split("\t")
    per[(target, conns, group)].append((float(us), float(vol), float(inv)))
rows = sorted(((t, c, g, *(statistics.median(x[k] for x in v) for k in range(3)))
               for (t, c, g), v in per.items()), key=lambda r: (r[0], -int(r[1]), -r[3]))
for t, c, g, us, vol, inv in rows:
    if us >= 0.1:
        print(f"{t:22} {c:>3} conns  {g:28} {us:7.2f} µs  {vol:6.3f} vol  {inv:6.3f} invol")
PY
fi
