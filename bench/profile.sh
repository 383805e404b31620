#!/usr/bin/env bash
# Profiles edge-lb one hop with JFR under bench/run.sh's setup (two NGINX backends, bench config,
# the launcher's JVM options, access log off). See bench/README.md.
#   bench/profile.sh [SECONDS] [CONNECTIONS]      (defaults: 20 s, 64 connections)
# Writes bench/results/profile-<timestamp>/{edge-lb.jfr,top.txt,wrk.txt,logs/} and prints the top
# frames and the CPU microseconds per request of the edge-lb process.
set -euo pipefail
SECS=${1:-20}; CONNS=${2:-64}; WARMUP=${WARMUP:-10}
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
OUT="$BENCH_DIR/results/profile-$(date -u +%Y%m%dT%H%M%SZ)"
WORK="$OUT/work"; mkdir -p "$OUT/logs" "$WORK"
log() { printf '[profile %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
export PATH="$PATH:/usr/sbin:/sbin"
for tool in wrk nginx jfr python3 curl; do
  command -v $tool >/dev/null || { echo "$tool is required (bench/run.sh installs wrk and nginx)" >&2; exit 1; }
done
EDGE_JAR="$ROOT/edge-lb/target/edge-lb.jar"
[ -f "$EDGE_JAR" ] || (cd "$ROOT" && mvn -q -o -DskipTests package)
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
# shellcheck source=bench/jvm-options.sh
. "$BENCH_DIR/jvm-options.sh"

PIDS=()
cleanup() {
  local rc=$? i
  trap - EXIT INT TERM
  for ((i=${#PIDS[@]}-1; i>=0; i--)); do kill -TERM "${PIDS[$i]}" 2>/dev/null || true; done
  for _ in $(seq 1 50); do
    local alive=0 p
    for p in "${PIDS[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ $alive = 0 ] && break; sleep 0.1
  done
  for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM
wait_http() {
  local i
  for ((i=0; i<$3*10; i++)); do
    kill -0 "$2" 2>/dev/null || { log "process $2 died (see $OUT/logs)"; return 1; }
    curl -fsS -o /dev/null --max-time 1 "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  log "timeout waiting for $1"; return 1
}
cpu_ticks() { sed -E 's/^.*\) //' /proc/"$1"/stat | awk '{print $12 + $13}'; }

mapfile -t P < <(python3 -c '
import socket
s=[socket.socket() for _ in range(4)]
[x.bind(("127.0.0.1",0)) for x in s]
print("\n".join(str(x.getsockname()[1]) for x in s))')
B1=${P[0]}; B2=${P[1]}; EL=${P[2]}; EL_ADMIN=${P[3]}
BODY='{"service":"bench","ok":true,"items":[1,2,3]}'
for b in "1:$B1" "2:$B2"; do
  n=${b%%:*}; port=${b##*:}; dir="$WORK/backend-$n"; mkdir -p "$dir/tmp"
  cat >"$dir/nginx.conf" <<CONF
worker_processes 1;
pid $dir/nginx.pid;
error_log $OUT/logs/backend-$n.log warn;
events { worker_connections 1024; }
http {
  access_log off; keepalive_requests 100000;
  client_body_temp_path $dir/tmp; proxy_temp_path $dir/tmp; fastcgi_temp_path $dir/tmp;
  uwsgi_temp_path $dir/tmp; scgi_temp_path $dir/tmp;
  server { listen 127.0.0.1:$port; location / { default_type application/json; return 200 '$BODY'; } }
}
CONF
  nginx -p "$dir" -c "$dir/nginx.conf" -g 'daemon off;' >>"$OUT/logs/backend-$n.log" 2>&1 &
  PIDS+=($!)
  wait_http "http://127.0.0.1:$port/" "$!" 10
done

EDGE_INSTANCE=bench-edge-lb EDGE_BIND=127.0.0.1 EDGE_HTTP_PORT=$EL EDGE_ADMIN_PORT=$EL_ADMIN \
  GATEWAY_ENDPOINTS="127.0.0.1:$B1,127.0.0.1:$B2" EDGE_ACCESS_LOG_LEVEL=OFF \
  "$JAVA" "${JAVA_OPTS[@]}" ${EXTRA_JAVA_OPTS:-} -jar "$EDGE_JAR" --config "$BENCH_DIR/edge-lb.yaml" \
  >"$OUT/logs/edge-lb.log" 2>&1 &
PID_EL=$!; PIDS+=("$PID_EL")
wait_http "http://127.0.0.1:$EL_ADMIN/health/ready" "$PID_EL" 60
wait_http "http://127.0.0.1:$EL/" "$PID_EL" 10

log "warm-up ${WARMUP}s"
timeout $((WARMUP + 15)) wrk -t2 -c"$CONNS" -d"${WARMUP}"s http://127.0.0.1:$EL/ >/dev/null 2>&1 || true
log "recording ${SECS}s at $CONNS connections"
jcmd "$PID_EL" JFR.start name=bench settings=profile >/dev/null
c0=$(cpu_ticks "$PID_EL")
timeout $((SECS + 15)) wrk -t2 -c"$CONNS" -d"${SECS}"s --latency http://127.0.0.1:$EL/ >"$OUT/wrk.txt" 2>&1 || true
c1=$(cpu_ticks "$PID_EL")
jcmd "$PID_EL" JFR.stop name=bench filename="$OUT/edge-lb.jfr" >/dev/null
reqs=$(awk '/requests in/{print $1}' "$OUT/wrk.txt")
python3 "$BENCH_DIR/jfr-top.py" "$OUT/edge-lb.jfr" 30 >"$OUT/top.txt"
cat "$OUT/top.txt"
grep -E 'Requests/sec|99%' "$OUT/wrk.txt" >&2 || true
awk -v c=$(( (c1 - c0) * 1000000 / $(getconf CLK_TCK) )) -v n="${reqs:-0}" \
  'BEGIN{ if (n>0) printf "edge-lb CPU us/req (JFR on): %.1f over %d requests\n", c/n, n }' | tee -a "$OUT/top.txt"
log "recording: $OUT/edge-lb.jfr"
