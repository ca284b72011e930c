#!/usr/bin/env bash
# The proof tier: broken Next.js 16 App Router apps (tests/proof/apps/*, one Auth.js mistake
# each) fail a real check before `authfix fix --yes` and pass it after, with the real packages
# (next 16.4.6, next-auth 4.24.15 / 5.0.0-beta.32) and headless Debian chromium.
#
# Per app: copy it to a temp dir (the committed app is never touched), `git init` + commit (so
# fix's git guard passes), hardlink the shared node_modules from tests/e2e/deps/<v4|v5>, run the
# check and assert the app's own symptom (build error text, prerender crash, missing id, sign-in
# failure, redirect loop, UntrustedHost, thrown out on reload), run `authfix fix --yes`
# (`--unsafe` where the rule's fix is unsafe), assert exit 0, rebuild and assert the full browser
# check passes (tests/proof/check.mjs: sign in, email on the server page and the useSession()
# page, reload, still signed in). Each app is built at most twice; builds run one at a time.
#
# Prints PASS/FAIL per assertion, the wall time, and last "N passed, M failed"; exit status
# non-zero on any failure.
#
# Env: AUTHFIX=path/to/authfix (default: cargo build, target/debug/authfix);
#      PROOF_APPS="s001-bare-get-server-session ..." runs only those; E2E_KEEP=1 keeps the work dir.
set -uo pipefail
PROOF_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# The browser harness's helpers: free ports, hardlinked deps, process-group servers, PASS/FAIL.
. "$PROOF_DIR/../e2e/lib.sh"
export NEXT_TELEMETRY_DISABLED=1

bash "$E2E_DIR/setup.sh" || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }
e2e_init
W="$E2E_WORK"

if [ -z "${AUTHFIX:-}" ]; then
  if ! (cd "$E2E_REPO" && cargo build -q --bin authfix) >"$W/cargo.log" 2>&1; then
    tail -n 30 "$W/cargo.log"; echo "cargo build failed"; echo "0 passed, 1 failed"; exit 1
  fi
  AUTHFIX="$E2E_REPO/target/debug/authfix"
fi

TEST_HOST=myapp.test          # resolved to 127.0.0.1 inside chromium only (tests/proof/browser.mjs)
DEMO_EMAIL=demo@example.com
DEMO_PASSWORD="demo-$(node -e 'console.log(require("crypto").randomBytes(12).toString("base64url"))')"
SECRET="$(node -e 'console.log(require("crypto").randomBytes(32).toString("base64"))')"

# The apps: NAME VERSION KIND HOST FIX_FLAGS
#   KIND build      `next build` fails (SYMPTOM_<name>: the error text)
#        prerender  `next build` fails while prerendering a page
#        browser    builds and starts; the browser check fails at a given step
#        untrusted  builds and starts; /api/auth/* answers 500 UntrustedHost
#        header     builds and starts; tests/proof/header-check.mjs (sign in on the app's own
#                   /login form, the root layout's header must follow without a reload) fails
#                   before, and passes after together with the full browser check
#   HOST localhost, or myapp.test for a plain-HTTP non-loopback deployment.
#   FIX_FLAGS extra `authfix fix` flags, comma-separated (`-` for none).
APPS=(
  "p001-client-root-layout          v5 build     localhost  -"
  "p003-missing-session-provider    v4 prerender localhost  -"
  "s001-bare-get-server-session     v4 browser   localhost  -"
  "c001-secure-cookies-node-env     v4 browser   $TEST_HOST -"
  "m001-matcher-catches-auth-routes v5 browser   localhost  -"
  "m002-middleware-reexport         v4 build     localhost  -"
  "m003-destructured-auth-export    v5 build     localhost  -"
  "e005-untrusted-host              v5 untrusted $TEST_HOST --unsafe"
  "u001-redirect-while-loading      v5 browser   localhost  -"
  "c005-credentials-with-database-strategy v5 browser localhost -"
  "m009-node-only-code-in-edge-middleware  v5 browser localhost --unsafe,--select=M009"
  "u004-stale-session-after-sign-in        v5 header  localhost -"
)

# The symptom each app must show before the fix: an extended regex, matched against the build
# log (build/prerender) or the browser check's output (browser), line by line.
declare -A SYMPTOM=(
  [p001-client-root-layout]='You are attempting to export "metadata" from a component marked with "use client", which is disallowed'
  [p003-missing-session-provider]='Error occurred prerendering page "/client"'
  [s001-bare-get-server-session]='^not ok - server page shows session.user.id: server-id: expected "demo-user", got ""$'
  [c001-secure-cookies-node-env]='^not ok - demo-user sign-in reaches /dashboard: sign-in did not reach /dashboard: landed on http://myapp.test:[0-9]+/api/auth/signin\?csrf=true'
  [m001-matcher-catches-auth-routes]='^not ok - demo-user sign-in reaches /dashboard: sign-in did not reach /dashboard: landed on http://localhost:[0-9]+/api/auth/signin \(/api/auth/session: a redirect\)$'
  [m002-middleware-reexport]='must export a function, either as a default export or as a named "proxy" export'
  [m003-destructured-auth-export]='must export a function, either as a default export or as a named "proxy" export'
  [u001-redirect-while-loading]='^not ok - after a reload the useSession\(\) page still shows the session: thrown out of /client: landed on http://localhost:[0-9]+/api/auth/signin.* while /api/auth/session answers 200 .*"email":"demo@example.com"'
  [c005-credentials-with-database-strategy]='^not ok - demo-user sign-in reaches /dashboard: sign-in did not reach /dashboard: landed on http://localhost:[0-9]+/api/auth/signin.*\(/api/auth/session: 200 (null|\{\})\)$'
  [m009-node-only-code-in-edge-middleware]='^not ok - signed-out /dashboard leads to the sign-in page: HTTP 500 at http://localhost:[0-9]+/dashboard'
  [u004-stale-session-after-sign-in]='^not ok - without a reload, the header shows the signed-in user: header-user still shows "Signed out" on /dashboard after signing in'
)
# A line the server log must show before the fix (what the server says about the symptom).
declare -A SERVER_SYMPTOM=(
  [m009-node-only-code-in-edge-middleware]='Native module not found: node:'
)
# Apps that talk to the PostgreSQL this script starts (DATABASE_URL, schema from the app's schema.sql).
declare -A NEEDS_PG=(
  [c005-credentials-with-database-strategy]=1
)
# A second line the log must also show (the crash behind a prerender error, ...).
declare -A SYMPTOM2=(
  [p003-missing-session-provider]="TypeError: Cannot destructure property 'data' of .* as it is undefined"
  [s001-bare-get-server-session]='^ok - server page shows session.user.email'
)

# Pages guarded only by the proxy or a client-side redirect: the check also asserts that, signed
# out, they lead to the sign-in page (before and after), so a fix cannot "pass" by dropping a guard.
declare -A PROTECTED=(
  [m001-matcher-catches-auth-routes]=/client
  [m002-middleware-reexport]=/client
  [m003-destructured-auth-export]=/client
  [u001-redirect-while-loading]=/client
)

# ---- PostgreSQL on loopback (Debian's postgresql: initdb + pg_ctl in a temp folder, as `nobody`
# when run as root, since PostgreSQL refuses to run as root); stopped and removed on exit.
PG_DIR=""
PG_PORT=""
pg_bin() {
  local b
  b="$(command -v "$1" 2>/dev/null)" && { echo "$b"; return; }
  ls /usr/lib/postgresql/*/bin/"$1" 2>/dev/null | sort -V | tail -n 1
}
pg_as() {
  if [ "$(id -u)" -eq 0 ]; then setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$@"; else "$@"; fi
}
pg_start() {
  local initdb pg_ctl
  initdb="$(pg_bin initdb)"; pg_ctl="$(pg_bin pg_ctl)"
  [ -n "$initdb" ] && [ -n "$pg_ctl" ] || { echo "initdb/pg_ctl not found (apt-get install postgresql)"; return 1; }
  PG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/authfix-pg.XXXXXX")"
  [ "$(id -u)" -eq 0 ] && chown nobody "$PG_DIR"
  PG_PORT="$(e2e_free_port)"
  pg_as "$initdb" -D "$PG_DIR/data" -U authfix --auth=trust -E UTF8 >"$PG_DIR/initdb.log" 2>&1 || { tail -n 20 "$PG_DIR/initdb.log"; return 1; }
  pg_as "$pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DIR" start >"$PG_DIR/pg_ctl.log" 2>&1 || { tail -n 20 "$PG_DIR/server.log"; return 1; }
}
pg_stop() {
  [ -n "$PG_DIR" ] || return 0
  [ -d "$PG_DIR/data" ] && pg_as "$(pg_bin pg_ctl)" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1
  rm -rf "$PG_DIR"
  PG_DIR=""
}
trap 'pg_stop; e2e_cleanup' EXIT
DATABASE_URL=""
for spec in "${APPS[@]}"; do
  read -r n _ <<<"$spec"
  if [ -n "${NEEDS_PG[$n]:-}" ] && { [ -z "${PROOF_APPS:-}" ] || grep -qw -- "$n" <<<"$PROOF_APPS"; }; then
    if pg_start; then
      DATABASE_URL="postgres://authfix@127.0.0.1:$PG_PORT/postgres"
      if psql "$DATABASE_URL" -q -v ON_ERROR_STOP=1 -f "$PROOF_DIR/apps/$n/schema.sql" >"$W/schema.log" 2>&1; then
        e2e_pass "PostgreSQL started on 127.0.0.1:$PG_PORT ($(pg_as "$(pg_bin postgres)" --version 2>/dev/null | head -n 1)), schema from apps/$n/schema.sql"
      else
        e2e_fail "schema for $n:"; sed 's/^/    /' "$W/schema.log"
      fi
    else
      e2e_fail "PostgreSQL did not start"
    fi
    break
  fi
done

log_of() { echo "$W/$(echo "$1" | tr -c 'a-zA-Z0-9._-' '_').log"; }

# app_env NAME VERSION BASE: the environment of `next build` / `next start`, one VAR=VALUE a line.
app_env() {
  local name="$1" v="$2" base="$3"
  echo "NEXT_TELEMETRY_DISABLED=1"
  echo "AUTH_DEMO_EMAIL=$DEMO_EMAIL"
  echo "AUTH_DEMO_PASSWORD=$DEMO_PASSWORD"
  if [ "$v" = v4 ]; then
    echo "NEXTAUTH_SECRET=$SECRET"
    echo "NEXTAUTH_URL=$base"
  else
    echo "AUTH_SECRET=$SECRET"
    # E005 is about exactly this: the URL comes from the app's own .env.production, no trust.
    [ "$name" = e005-untrusted-host ] || echo "AUTH_TRUST_HOST=true"
  fi
  [ -n "${NEEDS_PG[$name]:-}" ] && echo "DATABASE_URL=$DATABASE_URL"
  true
}

# build NAME APP VERSION BASE LOG: `next build`; exit status of the build.
build() {
  local name="$1" app="$2" v="$3" base="$4" logf="$5" envs
  mapfile -t envs < <(app_env "$name" "$v" "$base")
  (cd "$app" && env "${envs[@]}" ./node_modules/.bin/next build) >"$logf" 2>&1
}

# serve NAME APP VERSION BASE PORT LOG: `next start` on 127.0.0.1:PORT; 0 once it answers.
serve() {
  local name="$1" app="$2" v="$3" base="$4" port="$5" logf="$6" envs
  mapfile -t envs < <(app_env "$name" "$v" "$base")
  e2e_start_next "$app" "$port" "$logf" "${envs[@]}"
  e2e_wait_http "http://127.0.0.1:$port/" 60
}

# header_check BASE LOG: the U004 header check (tests/proof/header-check.mjs); its exit status.
header_check() {
  node "$PROOF_DIR/header-check.mjs" --base-url "$1" --email "$DEMO_EMAIL" --password "$DEMO_PASSWORD" >"$2" 2>&1
}

# check NAME BASE LOG: the browser check; its exit status.
check() {
  local extra=()
  [ -n "${PROTECTED[$1]:-}" ] && extra=(--protected "${PROTECTED[$1]}")
  node "$PROOF_DIR/check.mjs" --base-url "$2" --email "$DEMO_EMAIL" --password "$DEMO_PASSWORD" "${extra[@]}" >"$3" 2>&1
}

# expect_in LABEL LOG REGEX...: PASS when LOG has a line matching every REGEX (printed), else FAIL.
expect_in() {
  local label="$1" logf="$2" re
  shift 2
  for re in "$@"; do
    if ! grep -Eq -- "$re" "$logf"; then
      e2e_fail "$label; no line matches /$re/ in $logf:"
      tail -n 25 "$logf" | sed 's/^/    /'
      return 1
    fi
  done
  e2e_pass "$label"
  for re in "$@"; do grep -E -m1 -- "$re" "$logf" | sed 's/\x1b\[[0-9;]*m//g' | cut -c1-300 | sed 's/^/    | /'; done
}

# after NAME APP VERSION BASE PORT: rebuild, start, full browser check.
after() {
  local name="$1" app="$2" v="$3" base="$4" port="$5" kind="${6:-}" logf
  logf="$(log_of "$name-after-build")"
  if ! build "$name" "$app" "$v" "$base" "$logf"; then
    e2e_fail "$name after: next build; last lines of $logf:"
    tail -n 25 "$logf" | sed 's/^/    /'
    return 1
  fi
  e2e_pass "$name after: next build succeeds"
  if ! serve "$name" "$app" "$v" "$base" "$port" "$(log_of "$name-after-server")"; then
    e2e_fail "$name after: next start did not answer"; e2e_stop_all; return 1
  fi
  if [ "$kind" = header ]; then
    logf="$(log_of "$name-after-header")"
    if header_check "$base" "$logf"; then
      e2e_pass "$name after: the header shows the user right after signing in on /login, no reload"
    else
      e2e_fail "$name after: header check on $base:"; sed 's/^/    /' "$logf"
    fi
  fi
  logf="$(log_of "$name-after-check")"
  if check "$name" "$base" "$logf"; then
    e2e_pass "$name after: browser check passes on $base (sign in, server page email+id, useSession() page, reloads${PROTECTED[$name]:+, signed-out ${PROTECTED[$name]} guarded})"
  else
    e2e_fail "$name after: browser check on $base:"
    sed 's/^/    /' "$logf"
    echo "    server log:"; tail -n 20 "$(log_of "$name-after-server")" | sed 's/^/    /'
  fi
  e2e_stop_all
}

for spec in "${APPS[@]}"; do
  read -r name v kind host fixflags <<<"$spec"
  if [ -n "${PROOF_APPS:-}" ] && ! grep -qw -- "$name" <<<"$PROOF_APPS"; then continue; fi
  echo "== $name ($v, ${kind})"
  t_app=$(date +%s)
  app="$W/$name"
  port="$(e2e_free_port)"
  base="http://$host:$port"
  cp -r "$PROOF_DIR/apps/$name" "$app"
  # The deployment's URL names the test server's port.
  [ -f "$app/.env.production" ] && sed -i "s#://$TEST_HOST:3000#://$TEST_HOST:$port#" "$app/.env.production"
  (cd "$app" && git init -q && git add -A && git -c user.email=proof@test -c user.name=proof commit -qm "broken app") \
    || { e2e_fail "$name: git init"; continue; }
  e2e_give_deps "$app" "$v"

  # ---- before: the symptom
  blog="$(log_of "$name-before-build")"
  build "$name" "$app" "$v" "$base" "$blog"; brc=$?
  case "$kind" in
    build | prerender)
      if [ "$brc" -eq 0 ]; then
        e2e_fail "$name before: next build succeeded, expected it to fail"
      else
        expect_in "$name before: next build fails (exit $brc)" "$blog" "${SYMPTOM[$name]}" ${SYMPTOM2[$name]:+"${SYMPTOM2[$name]}"}
      fi
      ;;
    browser | untrusted | header)
      if [ "$brc" -ne 0 ]; then
        e2e_fail "$name before: next build failed (the symptom is at run time); last lines:"
        tail -n 25 "$blog" | sed 's/^/    /'
        continue
      fi
      slog="$(log_of "$name-before-server")"
      if ! serve "$name" "$app" "$v" "$base" "$port" "$slog"; then
        e2e_fail "$name before: next start did not answer"; e2e_stop_all; continue
      fi
      if [ "$kind" = untrusted ]; then
        code="$(curl -s -o "$W/$name-session.body" -w '%{http_code}' -H "Host: $TEST_HOST:$port" "http://127.0.0.1:$port/api/auth/session")"
        if [ "$code" = 500 ]; then
          e2e_pass "$name before: GET /api/auth/session answers HTTP 500"
        else
          e2e_fail "$name before: GET /api/auth/session answered HTTP $code, expected 500"
        fi
        sleep 0.5
        expect_in "$name before: the server log says UntrustedHost" "$slog" '\[auth\]\[error\].* UntrustedHost: Host must be trusted'
      fi
      clog="$(log_of "$name-before-check")"
      if [ "$kind" = header ]; then
        header_check "$base" "$clog"; crc=$?
      else
        check "$name" "$base" "$clog"; crc=$?
      fi
      if [ "$crc" -eq 0 ]; then
        e2e_fail "$name before: the browser check passed on the broken app"
        sed 's/^/    /' "$clog"
      elif [ "$kind" = untrusted ]; then
        expect_in "$name before: the browser check fails on $base" "$clog" \
          '^not ok - signed-out /dashboard leads to the sign-in page: HTTP 500 at http://myapp.test:[0-9]+/api/auth/signin'
      else
        expect_in "$name before: the browser check fails on $base" "$clog" \
          "${SYMPTOM[$name]}" ${SYMPTOM2[$name]:+"${SYMPTOM2[$name]}"}
      fi
      if [ -n "${SERVER_SYMPTOM[$name]:-}" ]; then
        sleep 0.5
        expect_in "$name before: the server log says why" "$slog" "${SERVER_SYMPTOM[$name]}"
      fi
      e2e_stop_all
      ;;
  esac

  # ---- fix
  flags=(--yes)
  if [ "$fixflags" != - ]; then IFS=, read -r -a more <<<"$fixflags"; flags+=("${more[@]}"); fi
  flog="$(log_of "$name-fix")"
  "$AUTHFIX" --color never fix "${flags[@]}" "$app" >"$flog" 2>&1; frc=$?
  if [ "$frc" -eq 0 ] && [ -n "$(cd "$app" && git status --porcelain)" ]; then
    e2e_pass "$name: authfix fix ${flags[*]} exits 0 and rewrites: $(grep -Eo '(error|warning)\[[A-Z][0-9]+\]' "$flog" | sort -u | tr '\n' ' ')"
    (cd "$app" && git add -A -N . && git diff) | sed 's/^/    /'
  else
    e2e_fail "$name: authfix fix ${flags[*]} exit $frc; output:"
    sed 's/^/    /' "$flog" | tail -n 40
    continue
  fi

  clog2="$(log_of "$name-check-after-fix")"
  if "$AUTHFIX" --color never check "$app" >"$clog2" 2>&1; then
    e2e_pass "$name: authfix check on the fixed app finds nothing"
  else
    e2e_fail "$name: authfix check on the fixed app still reports:"
    sed 's/^/    /' "$clog2" | tail -n 20
  fi

  # ---- after: the same check passes
  after "$name" "$app" "$v" "$base" "$port" "$kind"
  echo "   ($name: $(( $(date +%s) - t_app )) s)"
done

e2e_summary
