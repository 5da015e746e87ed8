#!/usr/bin/env bash
# The hosting load benchmark of docs/benchmarks.md in one run (not part of eng/test.sh; Linux only, a few minutes):
# builds the load client in Release (which builds the demo and the baseline server), starts a private redis-server on
# a loopback port (in memory only), then runs tests/AutomagikHello.AgUi.LoadClient against the bare Kestrel baseline
# and the demo with each thread store (memory, SQLite, Redis), every mode, 3 rounds. It prints the performance issue's
# targets table (median and the ratio of each round against the baseline measured in the same run) and every metric,
# and writes the same as JSON to artifacts/bench-load-<UTC time>.json. Servers and redis-server are stopped on exit.
#
# Usage: eng/bench-load.sh [extra load client options, e.g. --rounds 5, --quick, --modes bd]
# BENCH_REDIS_PORT picks the redis-server port (default: the first free one in 6410-6429).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
readonly PROJECT="tests/AutomagikHello.AgUi.LoadClient"

log() { printf '==> %s\n' "$*"; }
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

REDIS_DIR=""
REDIS_PID=""
stop_redis() {
  if [[ -n "$REDIS_PID" ]] && kill -0 "$REDIS_PID" 2>/dev/null; then
    kill -TERM "$REDIS_PID" 2>/dev/null || true
  fi
  [[ -n "$REDIS_DIR" ]] && rm -rf "$REDIS_DIR"
  return 0
}
trap stop_redis EXIT

command -v redis-server >/dev/null || { echo "eng/bench-load.sh: redis-server not found (apt-get install redis-server)" >&2; exit 2; }

port="${BENCH_REDIS_PORT:-}"
if [[ -z "$port" ]]; then
  port=6410
  while port_in_use "$port"; do
    port=$((port + 1))
    [[ $port -le 6429 ]] || { echo "eng/bench-load.sh: no free port in 6410-6429 for redis-server" >&2; exit 2; }
  done
elif port_in_use "$port"; then
  echo "eng/bench-load.sh: port $port is taken; BENCH_REDIS_PORT must name a free one" >&2
  exit 2
fi

log "build ($PROJECT, Release)"
dotnet build -c Release "$PROJECT" -nologo -v quiet

REDIS_DIR=$(mktemp -d "${TMPDIR:-/tmp}/agui-bench-redis.XXXXXX")
log "redis-server $(redis-server --version | awk '{print $3}') on 127.0.0.1:$port (no persistence)"
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
  --dir "$REDIS_DIR" --pidfile "$REDIS_DIR/redis.pid" --logfile "$REDIS_DIR/redis.log"
for _ in $(seq 100); do
  [[ -s "$REDIS_DIR/redis.pid" ]] && port_in_use "$port" && break
  sleep 0.1
done
REDIS_PID=$(cat "$REDIS_DIR/redis.pid")

mkdir -p artifacts
json="artifacts/bench-load-$(date -u +%Y%m%dT%H%M%SZ).json"
log "load client: baseline, memory, sqlite, redis (JSON: $json)"
dotnet run -c Release --no-build --project "$PROJECT" -- \
  --targets baseline,memory,sqlite,redis --redis "127.0.0.1:$port" --redis-pid "$REDIS_PID" \
  --rounds 3 --json "$json" "$@"
