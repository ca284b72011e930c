#!/usr/bin/env bash
# Real-server tests for `authfix doctor` (issue 8).
#
# Builds the small Next.js 16 apps in tests/doctor/apps (v4 and v5, plus variants that carry
# a mistake in code), starts `next start` on 127.0.0.1 in correct and broken configurations,
# runs `authfix doctor` against each and asserts the exact set of D-codes and the exit code.
#
# Needs node >= 20.9 and npm. Servers listen on loopback only, on free ports picked at run
# time; every process started here is stopped on exit. Prints `N passed, M failed` last and
# exits non-zero on any failure.
#
# Environment: DOCTOR_WORK (build folder, default target/doctor-apps), AUTHFIX_BIN (use this
# binary instead of `cargo build`), DOCTOR_REBUILD=1 (ignore the build cache).
# `--samples DIR` also writes the human output of the documented cases to DIR/<name>.txt, for
# `tests/doctor/doc-samples.py DIR` to refresh docs/doctor.md.
set -euo pipefail
SAMPLES=
if [ "${1:-}" = --samples ]; then
  SAMPLES=$(mkdir -p "$2" && cd "$2" && pwd)
fi

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
export NEXT_TELEMETRY_DISABLED=1
# Loopback only: never send the test traffic through a proxy.
unset HTTPS_PROXY https_proxy HTTP_PROXY http_proxy ALL_PROXY all_proxy
WORK=${DOCTOR_WORK:-$ROOT/target/doctor-apps}
mkdir -p "$WORK"
# One run at a time per build folder (a second run waits here).
exec 8>"$WORK/.lock"
flock 8
rm -f "$WORK"/*/server-*.log
APPS=$ROOT/tests/doctor/apps
DEPS=$ROOT/tests/e2e/deps
START=$(date +%s)
PASSED=0
FAILED=0
PIDS=()
SECRET=doctor-test-secret-0123456789abcdefghijklmnop

log() { printf '[doctor] %s\n' "$*" >&2; }

cleanup() {
  local pid
  for pid in "${PIDS[@]:-}"; do
    [ -n "$pid" ] || continue
    kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]:-}"; do
    [ -n "$pid" ] && wait "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- 1. npm dependencies (shared with the browser tests) -------------------------------
deps_ok() { # deps_ok v5 5.0.0-beta.32
  local want
  want=$(node -e 'try{console.log(require(process.argv[1]).version)}catch{console.log("")}' \
    "$DEPS/$1/node_modules/next-auth/package.json")
  [ "$want" = "$2" ] && [ -x "$DEPS/$1/node_modules/.bin/next" ]
}
if [ -f tests/e2e/setup.sh ]; then
  log "installing npm dependencies: bash tests/e2e/setup.sh"
  # setup.sh also prepares chromium for the browser tier, which this tier does not need: if it
  # fails, carry on — the check below still fails when the node_modules are missing.
  bash tests/e2e/setup.sh >&2 || log "tests/e2e/setup.sh failed (exit $?); checking the deps directly"
fi
for v in v4 v5; do
  if [ "$v" = v4 ]; then ver=4.24.15; else ver=5.0.0-beta.32; fi
  if deps_ok "$v" "$ver"; then continue; fi
  # `npm install`, not `npm ci`: the committed lockfiles lack other platforms' @next/swc-* here.
  log "installing npm dependencies in tests/e2e/deps/$v"
  (cd "$DEPS/$v" && npm install --no-audit --no-fund --loglevel=error >&2)
done
deps_ok v4 4.24.15 || { log "tests/e2e/deps/v4 lacks next-auth 4.24.15"; exit 1; }
deps_ok v5 5.0.0-beta.32 || { log "tests/e2e/deps/v5 lacks next-auth 5.0.0-beta.32"; exit 1; }
# D011's vulnerable Next.js (15.2.2: CVE-2025-29927, GHSA-36qx-fr4f-26g5), its own node_modules.
NEXT15=$ROOT/tests/doctor/deps/next15
next15_ok() {
  [ "$(node -e 'try{console.log(require(process.argv[1]).version)}catch{console.log("")}' \
    "$NEXT15/node_modules/next/package.json")" = 15.2.2 ] && [ -x "$NEXT15/node_modules/.bin/next" ]
}
if ! next15_ok; then
  log "installing npm dependencies in tests/doctor/deps/next15"
  # A copy of the lockfile: `npm install` rewrites it with this platform's optional packages.
  (cd "$NEXT15" && cp package-lock.json "$WORK/next15-lock.json" && npm install --no-audit --no-fund --loglevel=error >&2;
   cp "$WORK/next15-lock.json" package-lock.json)
fi
next15_ok || { log "tests/doctor/deps/next15 lacks next 15.2.2"; exit 1; }

# --- 2. the authfix binary ----------------------------------------------------------------
if [ -n "${AUTHFIX_BIN:-}" ]; then
  BIN=$AUTHFIX_BIN
else
  log "cargo build --bin authfix"
  cargo build -q --bin authfix
  TARGET_DIR=$(cargo metadata --format-version 1 --no-deps \
    | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))')
  BIN=$TARGET_DIR/debug/authfix
fi
[ -x "$BIN" ] || { log "no authfix binary at $BIN"; exit 1; }

# --- 3. build the apps (cached by a hash of their sources) ---------------------------------
# An app is tests/doctor/apps/<name>; a variant folder holds a BASE file naming its base app
# and only the files it changes. With DEPS_DIR and TAG the app is built against those
# node_modules instead of tests/e2e/deps/<major>, into $WORK/<name>@<tag>.
build_app() { # build_app NAME [DEPS_DIR TAG]
  local name=$1 base=$1 dir=$WORK/$1${3:+@$3} hash
  if [ -f "$APPS/$name/BASE" ]; then base=$(cat "$APPS/$name/BASE"); fi
  local major=${base%%-*}
  local deps=${2:-$DEPS/$major}
  hash=$( (cd "$APPS" && find "$base" "$name" -type f -print0 | sort -z | xargs -0 sha256sum;
           sha256sum "$deps/package.json";
           [ ! -f "$deps/package-lock.json" ] || sha256sum "$deps/package-lock.json") \
         | sha256sum | cut -c1-16)
  if [ "${DOCTOR_REBUILD:-}" != 1 ] && [ -f "$dir/.next/BUILD_ID" ] \
     && [ "$(cat "$dir/.doctor-hash" 2>/dev/null)" = "$hash" ]; then
    log "app ${dir##*/}: build is current"
    return
  fi
  log "app ${dir##*/}: next build"
  rm -rf "$dir"
  mkdir -p "$dir"
  cp -a "$APPS/$base/." "$dir/"
  if [ "$name" != "$base" ]; then
    (cd "$APPS/$name" && tar cf - --exclude=BASE .) | tar xf - -C "$dir"
  fi
  # A hardlinked copy: Turbopack refuses a symlinked node_modules outside the app's root.
  cp -al "$deps/node_modules" "$dir/node_modules" 2>/dev/null \
    || cp -a "$deps/node_modules" "$dir/node_modules"
  if ! (cd "$dir" && ./node_modules/.bin/next build >"$dir/build.log" 2>&1); then
    tail -40 "$dir/build.log" >&2
    log "app ${dir##*/}: next build failed"
    exit 1
  fi
  echo "$hash" >"$dir/.doctor-hash"
}
for app in v5 v5-proxy v5-trailing-slash v4 v4-withauth v4-secure-cookies v4-cookie-domain v4-protected v4-pages; do
  build_app "$app"
done
# D011: the same two apps on the vulnerable Next.js.
build_app v4-protected "$NEXT15" next15
build_app v4-pages "$NEXT15" next15

# --- 4. servers ------------------------------------------------------------------------------
free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

SERVER_PID=
PORT=
PPORT=
# start_server APP [ENV=VALUE...]; `@PORT@` in a value becomes the port, `@PPORT@` the port
# of the TLS proxy (pick it first: PPORT=$(free_port)).
start_server() {
  local app=$1
  shift
  PORT=$(free_port)
  local args=() a
  for a in "$@"; do a=${a//@PORT@/$PORT}; args+=("${a//@PPORT@/$PPORT}"); done
  (cd "$WORK/$app" && exec env -i PATH="$PATH" HOME="$HOME" NEXT_TELEMETRY_DISABLED=1 \
     ${args[@]+"${args[@]}"} setsid ./node_modules/.bin/next start -H 127.0.0.1 -p "$PORT") \
    >"$WORK/$app/server-$PORT.log" 2>&1 &
  SERVER_PID=$!
  PIDS+=("$SERVER_PID")
  local i
  for i in $(seq 1 100); do
    if node -e 'fetch(process.argv[1]).then(()=>process.exit(0),()=>process.exit(1))' \
         "http://127.0.0.1:$PORT/favicon.ico" 2>/dev/null; then
      return
    fi
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      cat "$WORK/$app/server-$PORT.log" >&2
      log "server for $app exited"
      exit 1
    fi
    sleep 0.2
  done
  log "server for $app not ready after 20 s"
  exit 1
}

stop_server() {
  kill -- "-$SERVER_PID" 2>/dev/null || kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
}

# wait_port PORT: until something accepts connections on 127.0.0.1:PORT (5 s at most).
wait_port() {
  local i
  for i in $(seq 1 50); do
    node -e 'require("net").connect(+process.argv[1],"127.0.0.1").on("connect",()=>process.exit(0)).on("error",()=>process.exit(1))' \
      "$1" 2>/dev/null && return
    sleep 0.1
  done
  log "nothing listens on $1"
  exit 1
}

# start_tls_proxy [--no-forwarded]: https on 127.0.0.1:$PPORT in front of the app on $PORT.
TLS_PID=
start_tls_proxy() {
  (exec setsid node tests/doctor/tls-proxy.js "$PPORT" "$PORT" "$WORK/tls/leaf.key" \
     "$WORK/tls/leaf.pem" "$@") >"$WORK/tls/proxy.log" 2>&1 &
  TLS_PID=$!
  PIDS+=("$TLS_PID")
  wait_port "$PPORT"
}
stop_tls_proxy() {
  kill -- "-$TLS_PID" 2>/dev/null || kill "$TLS_PID" 2>/dev/null || true
  wait "$TLS_PID" 2>/dev/null || true
}

# --- 5. assertions ---------------------------------------------------------------------------
# expect "LABEL" "EXPECTED CODES (space-separated, sorted; empty = healthy)" EXIT -- DOCTOR ARGS
expect() {
  local label=$1 want=$2 want_exit=$3
  shift 4
  local out err code got
  out=$(mktemp)
  err=$(mktemp)
  set +e
  "$BIN" doctor --format json --color never "$@" >"$out" 2>"$err"
  code=$?
  set -e
  got=$(node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    console.log(r.findings.map(f => f.code).sort().join(" "));' "$out" 2>/dev/null || echo "<no json>")
  if [ "$got" = "$want" ] && [ "$code" = "$want_exit" ]; then
    PASSED=$((PASSED + 1))
    printf 'ok    %-58s [%s] exit %s\n' "$label" "$got" "$code"
  else
    FAILED=$((FAILED + 1))
    printf 'FAIL  %-58s want [%s] exit %s, got [%s] exit %s\n' "$label" "$want" "$want_exit" "$got" "$code"
    sed 's/^/      /' "$err" | head -5
  fi
  rm -f "$out" "$err"
}

# expect_text "LABEL" EXIT PATTERN -- DOCTOR ARGS   (human output, stdout+stderr)
expect_text() {
  local label=$1 want_exit=$2 pattern=$3
  shift 4
  local out code
  set +e
  out=$("$BIN" doctor --color never "$@" 2>&1)
  code=$?
  set -e
  if [ "$code" = "$want_exit" ] && grep -qE -- "$pattern" <<<"$out"; then
    PASSED=$((PASSED + 1))
    printf 'ok    %-58s exit %s\n' "$label" "$code"
  else
    FAILED=$((FAILED + 1))
    printf 'FAIL  %-58s want exit %s and /%s/, got exit %s:\n' "$label" "$want_exit" "$pattern" "$code"
    sed 's/^/      /' <<<"$out" | head -20
  fi
}

# Secrets must never reach the output: the server's secret and any cookie value.
expect_no_secret() { # expect_no_secret LABEL -- DOCTOR ARGS
  local label=$1
  shift 2
  local out
  out=$("$BIN" doctor --color never "$@" 2>&1; "$BIN" doctor --format json "$@" 2>&1) || true
  if grep -q -- "$SECRET" <<<"$out" || grep -qE 'csrf-token=|session-token=|"csrfToken"' <<<"$out"; then
    FAILED=$((FAILED + 1))
    printf 'FAIL  %-58s a secret or cookie value was printed\n' "$label"
  else
    PASSED=$((PASSED + 1))
    printf 'ok    %-58s\n' "$label"
  fi
}

URL() { echo "http://127.0.0.1:$PORT"; }

# sample NAME -- DOCTOR ARGS: with --samples, keep the output (and exit code) for the docs.
sample() {
  [ -n "$SAMPLES" ] || return 0
  local name=$1
  shift 2
  local code
  {
    echo "\$ authfix doctor $*"
    set +e
    "$BIN" doctor --color never "$@" 2>&1
    code=$?
    set -e
    echo "(exit $code)"
  } >"$SAMPLES/$name.txt"
}

# v5 ----------------------------------------------------------------------------------------
start_server v5 AUTH_SECRET=$SECRET AUTH_TRUST_HOST=true
expect "v5 healthy (AUTH_SECRET, AUTH_TRUST_HOST)" "" 0 -- --url "$(URL)"
sample healthy -- --url "$(URL)"
expect "v5 healthy, asked as localhost" "" 0 -- --url "http://localhost:$PORT"
expect "v5 healthy, --project of the same major" "" 0 -- --url "$(URL)" --project tests/doctor/apps/v5
expect "v5 running, --project depends on v4" "D009" 1 -- --url "$(URL)" --project tests/doctor/apps/v4
expect "v5 healthy, wrong --base-path" "D004" 1 -- --url "$(URL)" --base-path /auth
sample d004 -- --url "$(URL)" --base-path /auth --project tests/doctor/apps/v5
expect_text "v5 healthy, human output" 0 "^No problems found\.$" -- --url "$(URL)"
expect_no_secret "v5 healthy: no secret or cookie value printed" -- --url "$(URL)"
# HTTPS_PROXY is honoured: the requests go through a loopback CONNECT proxy.
APP_PORT=$PORT
APP_PID=$SERVER_PID
PROXY_PORT=$(free_port)
(exec setsid node tests/doctor/connect-proxy.js "$PROXY_PORT") >"$WORK/proxy.log" 2>&1 &
PROXY_PID=$!
PIDS+=("$PROXY_PID")
for i in $(seq 1 50); do
  node -e 'require("net").connect(+process.argv[1],"127.0.0.1").on("connect",()=>process.exit(0)).on("error",()=>process.exit(1))' \
    "$PROXY_PORT" 2>/dev/null && break
  sleep 0.1
done
HTTPS_PROXY=http://127.0.0.1:$PROXY_PORT expect "v5 healthy through HTTPS_PROXY" "" 0 -- --url "http://127.0.0.1:$APP_PORT"
# (one tunnel: the agent keeps the connection for the three requests)
if grep -q "^CONNECT 127.0.0.1:$APP_PORT$" "$WORK/proxy.log"; then
  PASSED=$((PASSED + 1)); printf 'ok    %-58s\n' "the requests went through the HTTPS_PROXY tunnel"
else
  FAILED=$((FAILED + 1)); printf 'FAIL  %-58s proxy log: %s\n' "the requests went through the HTTPS_PROXY tunnel" "$(tr '\n' ' ' <"$WORK/proxy.log")"
fi
kill -- "-$PROXY_PID" 2>/dev/null || kill "$PROXY_PID" 2>/dev/null || true
wait "$PROXY_PID" 2>/dev/null || true
SERVER_PID=$APP_PID
stop_server

start_server v5 AUTH_TRUST_HOST=true
expect "v5 without AUTH_SECRET" "D001" 1 -- --url "$(URL)"
stop_server

start_server v5 AUTH_SECRET=$SECRET
expect "v5 without AUTH_TRUST_HOST / AUTH_URL (untrusted host)" "D001" 1 -- --url "$(URL)"
sample d001 -- --url "$(URL)"
expect_text "v5 untrusted host, human output names the fix" 1 "AUTH_TRUST_HOST=true" -- --url "$(URL)"
stop_server

start_server v5 AUTH_SECRET=$SECRET AUTH_URL=http://localhost:3000
expect "v5 AUTH_URL=http://localhost:3000 (another port)" "D005" 1 -- --url "$(URL)"
stop_server

start_server v5 AUTH_SECRET=$SECRET AUTH_URL=https://myapp.example
expect "v5 AUTH_URL=https://myapp.example served over http" "D005 D007" 1 -- --url "$(URL)"
stop_server

start_server v5-proxy AUTH_SECRET=$SECRET AUTH_TRUST_HOST=true
expect "v5 proxy.ts matching /api/auth" "D002" 1 -- --url "$(URL)"
sample d002 -- --url "$(URL)"
expect_text "v5 proxy, human output shows the redirect" 1 "/api/auth/session → 307 /api/auth/signin" -- --url "$(URL)"
stop_server

start_server v5-trailing-slash AUTH_SECRET=$SECRET AUTH_TRUST_HOST=true
expect "v5 with trailingSlash: true (308 to the slash path is fine)" "" 0 -- --url "$(URL)"
stop_server

# v4 ----------------------------------------------------------------------------------------
start_server v4 NEXTAUTH_SECRET=$SECRET NEXTAUTH_URL=http://localhost:@PORT@
expect "v4 healthy (NEXTAUTH_SECRET, NEXTAUTH_URL)" "" 0 -- --url "$(URL)"
expect "v4 running, --project depends on v5" "D009" 1 -- --url "$(URL)" --project tests/doctor/apps/v5
sample d009 -- --url "$(URL)" --project tests/doctor/apps/v5
expect_no_secret "v4 healthy: no secret or cookie value printed" -- --url "$(URL)"
stop_server

start_server v4-withauth NEXTAUTH_SECRET=$SECRET NEXTAUTH_URL=http://localhost:@PORT@
expect "v4 withAuth on every path (it skips /api/auth itself)" "" 0 -- --url "$(URL)"
stop_server

start_server v4 NEXTAUTH_URL=http://localhost:@PORT@
expect "v4 without NEXTAUTH_SECRET" "D001" 1 -- --url "$(URL)"
sample d001v4 -- --url "$(URL)"
expect_text "v4 without secret, human output names NEXTAUTH_SECRET" 1 "NEXTAUTH_SECRET" -- --url "$(URL)"
stop_server

start_server v4 NEXTAUTH_SECRET=$SECRET
expect "v4 without NEXTAUTH_URL (falls back to localhost:3000)" "D005" 1 -- --url "$(URL)"
sample d005 -- --url "$(URL)"
stop_server

start_server v4 NEXTAUTH_SECRET=$SECRET NEXTAUTH_URL=https://myapp.example
expect "v4 NEXTAUTH_URL=https://myapp.example served over http" "D005 D007" 1 -- --url "$(URL)"
sample d005d007 -- --url "$(URL)"
stop_server

start_server v4-secure-cookies NEXTAUTH_SECRET=$SECRET NEXTAUTH_URL=http://localhost:@PORT@
expect "v4 useSecureCookies forced on, served over http" "D007" 1 -- --url "$(URL)"
sample d007 -- --url "$(URL)"
sample json -- --url "$(URL)" --format json
stop_server

start_server v4-cookie-domain NEXTAUTH_SECRET=$SECRET NEXTAUTH_URL=http://localhost:@PORT@
expect "v4 cookie domain .myapp.example, asked on another host" "D008" 1 -- --url "$(URL)"
sample d008 -- --url "$(URL)"
stop_server

# D011 (--protected): middleware-only pages on a Next.js the bypass advisories affect (15.2.2)
# and on a fixed one (16.4.6); /account also checks the session itself and must stay silent.
start_server v4-protected@next15 NEXTAUTH_SECRET=$SECRET NEXTAUTH_URL=http://localhost:@PORT@
expect "next 15.2.2, /dashboard behind the middleware only" "D011" 1 -- --url "$(URL)" --protected /dashboard
expect_text "next 15.2.2: x-middleware-subrequest gets the page" 1 \
  "GET /dashboard with .x-middleware-subrequest: middleware:…. \(CVE-2025-29927" -- --url "$(URL)" --protected /dashboard
expect "next 15.2.2, /account checks the session itself" "" 0 -- --url "$(URL)" --protected /account
expect "next 15.2.2, a path that does not exist is not D011" "" 0 -- --url "$(URL)" --protected /no-such-page
sample d011 -- --url "$(URL)" --protected /dashboard --protected /account
expect_no_secret "next 15.2.2 --protected: no secret or cookie value printed" -- --url "$(URL)" --protected /dashboard
stop_server

start_server v4-protected NEXTAUTH_SECRET=$SECRET NEXTAUTH_URL=http://localhost:@PORT@
expect "next 16.4.6 (fixed), /dashboard behind the middleware only" "" 0 -- --url "$(URL)" --protected /dashboard --protected /account
stop_server

start_server v4-pages@next15 NEXTAUTH_SECRET=$SECRET NEXTAUTH_URL=http://localhost:@PORT@
expect "next 15.2.2 Pages Router + i18n, /dashboard middleware only" "D011" 1 -- --url "$(URL)" --protected /dashboard
expect_text "next 15.2.2 Pages Router: the locale-less data route gets the props" 1 \
  "/_next/data/…, no locale +200 application/json  the page" -- --url "$(URL)" --protected /dashboard
expect "next 15.2.2 Pages Router, /account checks in getServerSideProps" "" 0 -- --url "$(URL)" --protected /account
stop_server

start_server v4-pages NEXTAUTH_SECRET=$SECRET NEXTAUTH_URL=http://localhost:@PORT@
expect "next 16.4.6 (fixed) Pages Router + i18n" "" 0 -- --url "$(URL)" --protected /dashboard --protected /account
expect_text "next 16.4.6: the data route is redirected too" 0 "/_next/data/…, no locale +307 → /api/auth/signin\?…  redirect" \
  -- --url "$(URL)" --protected /dashboard
stop_server

# https through a TLS-terminating proxy (a test CA, trusted through SSL_CERT_FILE) -------------
if command -v openssl >/dev/null; then
  mkdir -p "$WORK/tls"
  (
    cd "$WORK/tls"
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=authfix-doctor-test-ca \
      -keyout ca.key -out ca.pem
    openssl req -newkey rsa:2048 -nodes -subj /CN=localhost -keyout leaf.key -out leaf.csr
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' >leaf.ext
    openssl x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
      -extfile leaf.ext -out leaf.pem
  ) >/dev/null 2>&1
  HTTPS() { echo "https://localhost:$PPORT"; }
  CA=$WORK/tls/ca.pem

  PPORT=$(free_port)
  start_server v5 AUTH_SECRET=$SECRET AUTH_URL=https://localhost:@PPORT@
  start_tls_proxy
  SSL_CERT_FILE=$CA expect "https: v5 with AUTH_URL behind the proxy" "" 0 -- --url "$(HTTPS)"
  expect_text "https: untrusted certificate without SSL_CERT_FILE: exit 2, tls" 2 "unreachable \(tls\)" -- --url "$(HTTPS)"
  # An http site that redirects to the https one: asked on http, the answer is elsewhere.
  RPORT=$(free_port)
  (exec setsid node -e '
    require("http").createServer((req, res) => {
      res.writeHead(308, { location: "https://localhost:" + process.argv[2] + req.url }).end();
    }).listen(+process.argv[1], "127.0.0.1");' "$RPORT" "$PPORT") &
  REDIRECT_PID=$!
  PIDS+=("$REDIRECT_PID")
  wait_port "$RPORT"
  expect "http:// redirecting to https:// (asked the wrong origin)" "D003" 1 -- --url "http://localhost:$RPORT"
  kill -- "-$REDIRECT_PID" 2>/dev/null || kill "$REDIRECT_PID" 2>/dev/null || true
  wait "$REDIRECT_PID" 2>/dev/null || true
  stop_tls_proxy
  stop_server

  PPORT=$(free_port)
  start_server v5 AUTH_SECRET=$SECRET AUTH_TRUST_HOST=true
  start_tls_proxy --no-forwarded
  SSL_CERT_FILE=$CA expect "https: v5 AUTH_TRUST_HOST, proxy drops X-Forwarded-Proto" "D005 D006" 1 -- --url "$(HTTPS)"
  stop_tls_proxy
  stop_server

  PPORT=$(free_port)
  start_server v4 NEXTAUTH_SECRET=$SECRET NEXTAUTH_URL=https://localhost:@PPORT@
  start_tls_proxy
  SSL_CERT_FILE=$CA expect "https: v4 NEXTAUTH_URL=https://… behind the proxy" "" 0 -- --url "$(HTTPS)"
  stop_tls_proxy
  stop_server

  PPORT=$(free_port)
  start_server v4 NEXTAUTH_SECRET=$SECRET NEXTAUTH_URL=http://localhost:@PPORT@
  start_tls_proxy
  SSL_CERT_FILE=$CA expect "https: v4 NEXTAUTH_URL=http://… (cookies downgraded)" "D005 D006" 1 -- --url "$(HTTPS)"
  SSL_CERT_FILE=$CA sample d006 -- --url "$(HTTPS)"
  stop_tls_proxy
  stop_server

  PPORT=$(free_port)
  start_server v4-secure-cookies NEXTAUTH_SECRET=$SECRET NEXTAUTH_URL=https://localhost:@PPORT@
  start_tls_proxy
  SSL_CERT_FILE=$CA expect "https: v4 useSecureCookies forced on is fine over https" "" 0 -- --url "$(HTTPS)"
  stop_tls_proxy
  stop_server
else
  log "openssl not found: the https cases are not run"
fi

# Unreachable and usage errors ----------------------------------------------------------------
PORT=$(free_port)
expect_text "nothing listening: exit 2, reason refused" 2 "unreachable \(refused\)" -- --url "$(URL)"
expect "nothing listening, JSON: no findings, exit 2" "" 2 -- --url "$(URL)"
sample unreach -- --url "$(URL)"
# A listener that accepts and never answers: the request must time out, bounded.
PORT=$(free_port)
(exec setsid node -e 'require("net").createServer(()=>{}).listen(+process.argv[1],"127.0.0.1")' "$PORT") &
SERVER_PID=$!
PIDS+=("$SERVER_PID")
sleep 0.5
T0=$(date +%s)
AUTHFIX_DOCTOR_TIMEOUT_SECS=2 expect_text "silent server: exit 2, reason timeout" 2 "unreachable \(timeout\)" -- --url "$(URL)"
if [ $(( $(date +%s) - T0 )) -gt 10 ]; then
  FAILED=$((FAILED + 1)); printf 'FAIL  %-58s took more than 10 s\n' "timeout is bounded"
else
  PASSED=$((PASSED + 1)); printf 'ok    %-58s\n' "timeout is bounded"
fi
stop_server
expect_text "URL without a scheme: usage error" 2 "no scheme" -- --url myapp.example
expect_text "--project without package.json: usage error" 2 "no package.json" -- --url "$(URL)" --project tests/doctor

log "run time $(( $(date +%s) - START )) s"
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ]
