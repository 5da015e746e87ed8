#!/usr/bin/env bash
# Builds the solution once in Release and runs every test project under tests/, then prints, as its last line,
# "N passed, M failed" (", K skipped" when some were). Exits non-zero when a test failed, a test project did not
# run, or nothing ran. Works on a fresh Debian 12 machine with the .NET SDK and node: it installs what else is needed.
# After the .NET projects it runs the end-to-end suite in tests/e2e (node --test: the official @ag-ui/client against
# the demo's Release build; JUnit report in artifacts/test-results/e2e.xml) and counts its tests in the same line. That
# suite also packs every package (--no-build) and runs docs/getting-started.md word for word in a fresh app against them.
# Before the build it bundles the CopilotKit sample (samples/copilotkit: npm ci, npm run build) for the browser tests.
# For the Redis store's tests it starts a private redis-server on a loopback port (6390 upwards, in memory only),
# exports AGUI_REDIS for them, and stops it on exit, also when tests fail (an AGUI_REDIS already set is used instead).
#
# Usage: eng/test.sh [extra dotnet test arguments, e.g. --filter "FullyQualifiedName~Fixtures"]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# CI (true on the CI runner) is passed through untouched: Directory.Build.props keys ContinuousIntegrationBuild on it.
if [[ -n "${CI+x}" ]]; then
  export CI
fi

readonly SOLUTION="AutomagikHello.sln"
readonly CONFIGURATION="Release"
readonly RESULTS_DIR="artifacts/test-results"
# The node end-to-end suite (tests/e2e/README.md) and its JUnit report.
readonly E2E_DIR="tests/e2e"
readonly E2E_RESULTS="$RESULTS_DIR/e2e.xml"
# The CopilotKit sample, bundled here for the browser tests (CopilotKitTests serve its dist/ on the demo's origin).
readonly COPILOTKIT_DIR="samples/copilotkit"
# Projects under tests/ that are not test suites.
readonly SKIPPED_PROJECTS=("tests/AutomagikHello.AgUi.Benchmarks/AutomagikHello.AgUi.Benchmarks.csproj")

log() { printf '==> %s\n' "$*"; }
warn() { printf 'eng/test.sh: %s\n' "$*" >&2; }

# --- prerequisites ---------------------------------------------------------------------------------------------------

APT_UPDATED=0

as_root() {
  if [[ ${EUID} -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    warn "need root to run: $*"
    return 1
  fi
}

# ensure_apt_package NAME... : installs the Debian packages that are not installed yet (apt-get update once, first).
ensure_apt_package() {
  local missing=() pkg
  for pkg in "$@"; do
    if ! dpkg -s "$pkg" 2>/dev/null | grep -q '^Status: install ok installed$'; then
      missing+=("$pkg")
    fi
  done
  if [[ ${#missing[@]} -eq 0 ]]; then
    return 0
  fi
  if [[ ${APT_UPDATED} -eq 0 ]]; then
    log "apt-get update"
    # Marked done only when it worked, so the next package tries again.
    as_root apt-get update -qq && APT_UPDATED=1
  fi
  log "apt-get install ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o Dpkg::Use-Pty=0 --no-install-recommends "${missing[@]}"
}

# ensure_npm_dependencies DIR : `npm ci` in DIR when it has a package-lock.json.
ensure_npm_dependencies() {
  local dir=$1
  if [[ -f "$dir/package-lock.json" ]]; then
    if ! command -v npm >/dev/null 2>&1; then
      warn "npm is required for $dir but was not found"
      return 1
    fi
    log "npm ci ($dir)"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

install_prerequisites() {
  if ! command -v dotnet >/dev/null 2>&1; then
    warn "the .NET SDK (dotnet) is required but was not found on PATH"
    exit 1
  fi
  # The browser tests drive Debian's chromium (/usr/bin/chromium; Playwright never downloads a browser). Without it they
  # skip on a developer machine and fail under CI.
  if ! ensure_apt_package chromium; then
    warn "could not install chromium: the browser tests will be skipped (and fail under CI=true)"
  fi
  # The browser tests' voice mode plays microphone audio that they make with espeak-ng and sox. Without them those tests
  # skip on a developer machine and fail under CI.
  if ! ensure_apt_package espeak-ng sox; then
    warn "could not install espeak-ng and sox: the voice-mode browser tests will be skipped (and fail under CI=true)"
  fi
  # The Redis store's tests need a real redis-server (started below). Without one they skip on a developer machine and
  # fail under CI, so a failed install is reported here and judged by the tests.
  if [[ -z "${AGUI_REDIS:-}" ]] && ! ensure_apt_package redis-server; then
    warn "could not install redis-server: the Redis tests will be skipped (and fail under CI=true)"
  fi
  # The end-to-end suite needs node and npm; machines of this kind have them, a bare Debian gets its own packages.
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    ensure_apt_package nodejs npm || warn "could not install node and npm: the end-to-end tests cannot run"
  fi
  # A failed npm ci is judged with the results: the e2e suite then counts as not run (status 1), the summary still last.
  if ! ensure_npm_dependencies "$E2E_DIR"; then
    warn "npm ci failed in $E2E_DIR: the end-to-end tests cannot run"
    E2E_DEPENDENCIES_READY=0
  fi
  # Without the bundle the CopilotKit browser tests skip on a developer machine and fail under CI.
  if ! { ensure_npm_dependencies "$COPILOTKIT_DIR" && log "npm run build ($COPILOTKIT_DIR)" \
      && (cd "$COPILOTKIT_DIR" && npm run build --silent); }; then
    rm -rf "$COPILOTKIT_DIR/dist"
    warn "could not build $COPILOTKIT_DIR: the CopilotKit browser tests will be skipped (and fail under CI=true)"
  fi
}

# --- services --------------------------------------------------------------------------------------------------------

REDIS_DIR=""
REDIS_PID=""

# port_in_use PORT : whether something accepts connections on 127.0.0.1:PORT.
port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Starts a private redis-server on a free loopback port (6390 upwards), in memory only, and exports AGUI_REDIS for the
# Redis tests. An AGUI_REDIS already set by the caller is used as it is. stop_redis (on exit) stops it.
start_redis() {
  if [[ -n "${AGUI_REDIS:-}" ]]; then
    log "Redis: using AGUI_REDIS=$AGUI_REDIS"
    return 0
  fi
  if ! command -v redis-server >/dev/null 2>&1; then
    warn "redis-server not found: the Redis tests will be skipped (and fail under CI=true)"
    return 0
  fi
  local port=6390
  while port_in_use "$port"; do
    port=$((port + 1))
    if [[ $port -gt 6409 ]]; then
      warn "no free port in 6390-6409 for redis-server: the Redis tests will be skipped (and fail under CI=true)"
      return 0
    fi
  done
  REDIS_DIR=$(mktemp -d "${TMPDIR:-/tmp}/agui-redis.XXXXXX")
  log "redis-server on 127.0.0.1:$port ($REDIS_DIR)"
  if ! redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
      --dir "$REDIS_DIR" --pidfile "$REDIS_DIR/redis.pid" --logfile "$REDIS_DIR/redis.log"; then
    warn "redis-server did not start: the Redis tests will be skipped (and fail under CI=true)"
    return 0
  fi
  local waited=0
  until [[ -s "$REDIS_DIR/redis.pid" ]] && port_in_use "$port"; do
    if [[ $waited -ge 100 ]]; then
      warn "redis-server did not answer on 127.0.0.1:$port within 10 s; its log:"
      cat "$REDIS_DIR/redis.log" >&2 || true
      return 0
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
  REDIS_PID=$(cat "$REDIS_DIR/redis.pid")
  export AGUI_REDIS="127.0.0.1:$port"
}

# Stops the redis-server that start_redis started (by its pid), quietly: the summary must stay the last line.
stop_redis() {
  if [[ -n "$REDIS_PID" ]] && kill -0 "$REDIS_PID" 2>/dev/null; then
    kill -TERM "$REDIS_PID" 2>/dev/null || true
    local waited=0
    while kill -0 "$REDIS_PID" 2>/dev/null && [[ $waited -lt 50 ]]; do
      sleep 0.1
      waited=$((waited + 1))
    done
    if kill -0 "$REDIS_PID" 2>/dev/null; then
      kill -KILL "$REDIS_PID" 2>/dev/null || true
    fi
  fi
  REDIS_PID=""
  if [[ -n "$REDIS_DIR" ]]; then
    rm -rf "$REDIS_DIR"
    REDIS_DIR=""
  fi
}

cleanup() {
  stop_redis
}

# --- test projects ---------------------------------------------------------------------------------------------------

is_skipped_project() {
  local proj=$1 skipped
  for skipped in "${SKIPPED_PROJECTS[@]}"; do
    [[ "$proj" == "$skipped" ]] && return 0
  done
  return 1
}

# Prints the test projects under tests/, one per line, sorted: IsTestProject as MSBuild evaluates it, or, for a project
# the solution build did not restore (so Microsoft.NET.Test.Sdk's props are not imported), as its file declares it.
# Such a project then fails to run, loudly, instead of being skipped.
find_test_projects() {
  local proj is_test
  while IFS= read -r proj; do
    is_skipped_project "$proj" && continue
    is_test=$(dotnet msbuild "$proj" -getProperty:IsTestProject -p:Configuration="$CONFIGURATION" 2>/dev/null | tr -d '[:space:]') || is_test=""
    if [[ "$is_test" == "true" ]] \
      || { [[ "$is_test" != "false" ]] && grep -Eq 'Include="Microsoft\.NET\.Test\.Sdk"|<IsTestProject>[[:space:]]*true' "$proj"; }; then
      printf '%s\n' "$proj"
    fi
  done < <(find tests -name '*.csproj' -not -path '*/node_modules/*' -not -path '*/bin/*' -not -path '*/obj/*' | LC_ALL=C sort)
}

# Sums the <Counters> of TRX files: prints "passed failed skipped".
sum_trx_counters() {
  awk '
    match($0, /<Counters [^>]*>/) {
      element = substr($0, RSTART, RLENGTH)
      n = split(element, parts, /[ \t]+/)
      for (i = 1; i <= n; i++) {
        if (parts[i] ~ /^[A-Za-z]+="[0-9]+"/) {
          split(parts[i], kv, "=")
          value = kv[2]
          gsub(/[^0-9]/, "", value)
          sum[kv[1]] += value
        }
      }
    }
    END {
      failed = sum["failed"] + sum["error"] + sum["timeout"] + sum["aborted"]
      skipped = sum["total"] - sum["executed"]
      if (skipped < 0) skipped = 0
      printf "%d %d %d\n", sum["passed"], failed, skipped
    }
  ' "$@"
}

# Prints the failed-test count of one TRX file.
trx_failed() {
  local passed failed skipped
  read -r passed failed skipped < <(sum_trx_counters "$1")
  printf '%s\n' "$failed"
}

# --- end-to-end tests ------------------------------------------------------------------------------------------------

E2E_DEPENDENCIES_READY=1

# Sums the counters node's JUnit reporter writes as comments (<!-- pass 3 -->): prints "passed failed skipped", or
# nothing when the report has no summary (the run crashed before writing it). Cancelled tests (a failed hook, a
# timeout) count as failed.
sum_junit_counters() {
  awk '
    $1 == "<!--" && $4 == "-->" && $3 ~ /^[0-9]+$/ { sum[$2] += $3; seen = 1 }
    END {
      if (seen && ("tests" in sum)) {
        printf "%d %d %d\n", sum["pass"], sum["fail"] + sum["cancelled"], sum["skipped"] + sum["todo"]
      }
    }
  ' "$1"
}

# Runs the node end-to-end suite: a spec report on the console and a JUnit report in $E2E_RESULTS. Returns non-zero
# when it could not run cleanly (dependencies missing, node crashed, no report); failed tests show in the report.
run_e2e_tests() {
  if [[ ! -f "$E2E_DIR/package.json" ]]; then
    return 0
  fi
  if [[ $E2E_DEPENDENCIES_READY -ne 1 || ! -d "$E2E_DIR/node_modules" ]]; then
    warn "e2e: the npm dependencies of $E2E_DIR are not installed"
    return 1
  fi
  if ! command -v node >/dev/null 2>&1; then
    warn "e2e: node is required but was not found"
    return 1
  fi
  # node 20 or later: the built-in test runner's reporters and --test-timeout, and what @ag-ui/client 1.0.0 targets.
  if ! node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)'; then
    warn "e2e: node $(node --version) is too old; the end-to-end tests need node 20 or later"
    return 1
  fi
  local results rc=0
  results="$PWD/$E2E_RESULTS"
  log "node --test ($E2E_DIR)"
  (cd "$E2E_DIR" && node --test --test-timeout=300000 \
    --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=junit --test-reporter-destination="$results" \
    test/*.test.mjs) || rc=$?
  if [[ ! -f "$results" || -z "$(sum_junit_counters "$results")" ]]; then
    warn "e2e: no test results (node --test exited $rc)"
    return 1
  fi
  local passed failed skipped
  read -r passed failed skipped < <(sum_junit_counters "$results")
  if [[ $rc -ne 0 && $failed -eq 0 ]]; then
    warn "e2e: node --test exited $rc without a failed test"
    return 1
  fi
  return 0
}

# --- main ------------------------------------------------------------------------------------------------------------

trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

install_prerequisites

rm -rf "$RESULTS_DIR"
mkdir -p "$RESULTS_DIR"

log "dotnet build $SOLUTION -c $CONFIGURATION"
if ! dotnet build "$SOLUTION" -c "$CONFIGURATION" -v minimal; then
  warn "build failed"
  exit 1
fi

start_redis

mapfile -t projects < <(find_test_projects)
if [[ ${#projects[@]} -eq 0 ]]; then
  warn "no test project found under tests/"
  echo "0 passed, 0 failed"
  exit 1
fi

broken_projects=()
for proj in "${projects[@]}"; do
  name=$(basename "$proj" .csproj)
  trx="$RESULTS_DIR/$name.trx"
  log "dotnet test $proj"
  rc=0
  dotnet test "$proj" --no-build -c "$CONFIGURATION" \
    --results-directory "$RESULTS_DIR" \
    --logger "trx;LogFileName=$name.trx" \
    --logger "console;verbosity=minimal" \
    --blame-hang-timeout 15m --blame-hang-dump-type none \
    "$@" || rc=$?
  if [[ ! -f "$trx" ]]; then
    warn "$name: no test results (dotnet test exited $rc; is the project in $SOLUTION, so that it was built?)"
    broken_projects+=("$name")
  elif [[ $rc -ne 0 && "$(trx_failed "$trx")" -eq 0 ]]; then
    warn "$name: dotnet test exited $rc without a failed test (crash, abort or no test matched)"
    broken_projects+=("$name")
  fi
done

if ! run_e2e_tests; then
  broken_projects+=("e2e")
fi

trx_files=()
for f in "$RESULTS_DIR"/*.trx; do
  if [[ -f "$f" ]]; then
    trx_files+=("$f")
  fi
done
passed=0 failed=0 skipped=0
if [[ ${#trx_files[@]} -gt 0 ]]; then
  read -r passed failed skipped < <(sum_trx_counters "${trx_files[@]}")
fi

if [[ -f "$E2E_RESULTS" ]] && e2e_counts=$(sum_junit_counters "$E2E_RESULTS") && [[ -n "$e2e_counts" ]]; then
  read -r e2e_passed e2e_failed e2e_skipped <<<"$e2e_counts"
  passed=$((passed + e2e_passed))
  failed=$((failed + e2e_failed))
  skipped=$((skipped + e2e_skipped))
fi

status=0
if [[ ${#broken_projects[@]} -gt 0 ]]; then
  warn "test projects that did not run cleanly: ${broken_projects[*]}"
  status=1
fi
if [[ $failed -gt 0 ]]; then
  status=1
fi
if [[ $passed -eq 0 ]]; then
  warn "no test passed: nothing ran"
  status=1
fi

# The blame collector leaves an empty attachments folder per run.
find "$RESULTS_DIR" -mindepth 1 -type d -empty -delete 2>/dev/null || true

summary="$passed passed, $failed failed"
if [[ $skipped -gt 0 ]]; then
  summary+=", $skipped skipped"
fi
echo "$summary"
exit "$status"
