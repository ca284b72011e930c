# Shared helpers for the browser e2e scripts. Source it: `. "$(dirname "$0")/lib.sh"`.
# Provides: e2e_init, e2e_free_port, e2e_give_deps, e2e_start_next, e2e_wait_http, e2e_stop_all,
#           e2e_pass / e2e_fail / e2e_summary. Every server runs in its own process group on
#           127.0.0.1 and is stopped on exit.

E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
E2E_REPO="$(cd "$E2E_DIR/../.." && pwd)"
E2E_PIDS=()
E2E_PASSED=0
E2E_FAILED=0
E2E_START=$(date +%s)
export NEXT_TELEMETRY_DISABLED=1

# e2e_init: a fresh work dir ($E2E_WORK) removed on exit with every started server.
e2e_init() {
  E2E_WORK="$(mktemp -d "${TMPDIR:-/tmp}/authfix-e2e.XXXXXX")"
  trap e2e_cleanup EXIT
  trap 'exit 130' INT TERM
}

e2e_cleanup() {
  e2e_stop_all
  if [ -n "${E2E_KEEP:-}" ]; then
    echo "# kept $E2E_WORK (E2E_KEEP set)"
  else
    rm -rf "$E2E_WORK"
  fi
}

# e2e_free_port: print a TCP port free on 127.0.0.1 right now.
e2e_free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# e2e_give_deps APP v5|v4: the shared node_modules, hardlinked (copied across filesystems).
# A symlink is not enough: Turbopack refuses files outside the project root.
e2e_give_deps() {
  local app="$1" v="$2"
  rm -rf "$app/node_modules"
  cp -al "$E2E_DIR/deps/$v/node_modules" "$app/node_modules" 2>/dev/null \
    || cp -a "$E2E_DIR/deps/$v/node_modules" "$app/node_modules"
}

# e2e_start_next APP PORT LOGFILE [ENV=VALUE...]: `next start` on 127.0.0.1:PORT in its own
# process group (stopped by e2e_stop_all / on exit).
e2e_start_next() {
  local app="$1" port="$2" logf="$3"
  shift 3
  (cd "$app" && exec setsid env "$@" ./node_modules/.bin/next start -H 127.0.0.1 -p "$port") >"$logf" 2>&1 &
  E2E_PIDS+=("$!")
}

# e2e_wait_http URL [SECONDS]: wait until URL answers (any HTTP status).
e2e_wait_http() {
  local url="$1" limit="${2:-60}" i
  for ((i = 0; i < limit * 4; i++)); do
    if curl -s -o /dev/null --max-time 2 "$url"; then return 0; fi
    sleep 0.25
  done
  return 1
}

e2e_stop_all() {
  local pid
  for pid in "${E2E_PIDS[@]}"; do
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${E2E_PIDS[@]}"; do
    for _ in 1 2 3 4 5 6 7 8 9 10; do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    kill -KILL -- "-$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  E2E_PIDS=()
}

e2e_pass() { E2E_PASSED=$((E2E_PASSED + 1)); echo "PASS $*"; }
e2e_fail() { E2E_FAILED=$((E2E_FAILED + 1)); echo "FAIL $*"; }

# e2e_run NAME CMD...: run CMD, log to $E2E_WORK/<name>.log, PASS/FAIL with the log tail.
e2e_run() {
  local name="$1" t0 logf
  shift
  t0=$(date +%s)
  logf="$E2E_WORK/$(echo "$name" | tr -c 'a-zA-Z0-9._-' '_').log"
  if "$@" >"$logf" 2>&1; then
    e2e_pass "$name ($(( $(date +%s) - t0 )) s)"
    return 0
  else
    e2e_fail "$name ($(( $(date +%s) - t0 )) s); last lines of $logf:"
    tail -n 25 "$logf" | sed 's/^/    /'
    return 1
  fi
}

# e2e_summary: the final line ("N passed, M failed"), the time taken; exit status.
e2e_summary() {
  echo "took $(( $(date +%s) - E2E_START )) s"
  echo "$E2E_PASSED passed, $E2E_FAILED failed"
  [ "$E2E_FAILED" -eq 0 ]
}
