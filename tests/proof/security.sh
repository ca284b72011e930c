#!/usr/bin/env bash
# The security proof (issue 13): a proxy-only app on an affected Next.js is reachable through a
# bypass request before `authfix fix --unsafe` and not after — the page's own check answers.
#
# App: tests/proof/apps/s010-proxy-only-next15 — next 15.2.2 (CVE-2025-29927 /
# GHSA-f82v-jwr5-mffw), next-auth 4.24.15, `middleware.ts` with `withAuth` as the only check in
# front of /dashboard (a page) and /api/invoices (a route handler), both reading the stand-in db.
#
# Steps (each PASS/FAIL):
#   1. next build + next start on 127.0.0.1; signed out, /dashboard redirects (the middleware
#      works) and /api/invoices redirects;
#   2. the bypass: the same requests with `x-middleware-subrequest` (the name five times, as
#      Next 15 counts it) answer 200 with the private data;
#   3. `authfix check` reports V003 (error) and S010 for the page and the handler;
#      `authfix fix --unsafe --yes` exits 0; a second `authfix check` has no S010 left;
#   4. rebuild + restart: the bypass requests now get the page's own answer — a redirect to
#      sign-in for /dashboard, 401 for /api/invoices — without the data;
#   5. a signed-in user (credentials sign-in through /api/auth with curl) still gets the data.
# Only loopback is contacted; every server is stopped on exit.
#
# Env: AUTHFIX=path/to/authfix (default: cargo build, target/debug/authfix); E2E_KEEP=1 keeps
# the work dir.
set -uo pipefail
PROOF_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$PROOF_DIR/../e2e/lib.sh"
export NEXT_TELEMETRY_DISABLED=1
e2e_init
W="$E2E_WORK"

# The deps: the doctor tier's node_modules for next 15.2.2 (tests/doctor/deps/next15, the same
# package set; installed here when missing, its committed lockfile kept as the doctor tier keeps it).
DEPS="$PROOF_DIR/../doctor/deps/next15"
if [ ! -x "$DEPS/node_modules/.bin/next" ] || ! "$DEPS/node_modules/.bin/next" --version 2>/dev/null | grep -q "v15.2.2"; then
  echo "setup: npm install in tests/doctor/deps/next15"
  (cd "$DEPS" && cp package-lock.json "$W/next15-lock.json" && npm install --no-audit --no-fund --loglevel=error; rc=$?; cp "$W/next15-lock.json" package-lock.json; exit $rc) \
    || { e2e_fail "npm install in $DEPS"; e2e_summary; exit 1; }
fi

if [ -z "${AUTHFIX:-}" ]; then
  if ! (cd "$E2E_REPO" && cargo build -q --bin authfix) >"$W/cargo.log" 2>&1; then
    tail -n 30 "$W/cargo.log"; echo "cargo build failed"; echo "0 passed, 1 failed"; exit 1
  fi
  AUTHFIX="$E2E_REPO/target/debug/authfix"
fi

SECRET="$(node -e 'console.log(require("crypto").randomBytes(32).toString("base64"))')"
DEMO_EMAIL=demo@example.com
DEMO_PASSWORD="demo-$(node -e 'console.log(require("crypto").randomBytes(12).toString("base64url"))')"
BYPASS="x-middleware-subrequest: middleware:middleware:middleware:middleware:middleware"
DATA=PRIVATE-INVOICE-DATA

name=s010-proxy-only-next15
app="$W/$name"
cp -r "$PROOF_DIR/apps/$name" "$app"
(cd "$app" && git init -q && git add -A && git -c user.email=proof@test -c user.name=proof commit -qm "proxy-only app") || { e2e_fail "git init"; e2e_summary; exit 1; }
cp -al "$DEPS/node_modules" "$app/node_modules" 2>/dev/null || cp -a "$DEPS/node_modules" "$app/node_modules"
port="$(e2e_free_port)"
base="http://localhost:$port"
envs=(NEXT_TELEMETRY_DISABLED=1 "NEXTAUTH_SECRET=$SECRET" "NEXTAUTH_URL=$base" "AUTH_DEMO_EMAIL=$DEMO_EMAIL" "AUTH_DEMO_PASSWORD=$DEMO_PASSWORD")

build_and_start() { # LABEL
  local label="$1"
  if ! (cd "$app" && env "${envs[@]}" ./node_modules/.bin/next build) >"$W/$label-build.log" 2>&1; then
    e2e_fail "$label: next build; last lines:"; tail -n 25 "$W/$label-build.log" | sed 's/^/    /'; return 1
  fi
  e2e_pass "$label: next build"
  e2e_start_next "$app" "$port" "$W/$label-server.log" "${envs[@]}"
  if ! e2e_wait_http "http://127.0.0.1:$port/" 60; then
    e2e_fail "$label: next start did not answer"; return 1
  fi
}

# ask LABEL PATH [HEADER]: prints "STATUS LOCATION" and keeps the body in $W/LABEL.body
ask() {
  local label="$1" path="$2" hdr="${3:-}"
  local args=(-s -o "$W/$label.body" -w '%{http_code} %{redirect_url}' --max-time 10)
  [ -n "$hdr" ] && args+=(-H "$hdr")
  curl "${args[@]}" "http://127.0.0.1:$port$path"
}

# expect LABEL PATH HEADER STATUS_RE BODY(has|lacks)
expect() {
  local label="$1" path="$2" hdr="$3" want="$4" body="$5" got
  got="$(ask "$label" "$path" "$hdr")"
  local ok=1
  [[ "$got" =~ ^($want) ]] || ok=0
  if [ "$body" = has ] && ! grep -q "$DATA" "$W/$label.body"; then ok=0; fi
  if [ "$body" = lacks ] && grep -q "$DATA" "$W/$label.body"; then ok=0; fi
  if [ $ok -eq 1 ]; then
    e2e_pass "$label: GET $path${hdr:+ with $hdr} -> $got (data: $body)"
  else
    e2e_fail "$label: GET $path${hdr:+ with $hdr} -> $got, expected /$want/ with the data $body"
  fi
}

echo "== $name (next 15.2.2, next-auth 4.24.15, withAuth middleware only)"
# ---- before
if build_and_start before; then
  expect "before-plain-page" /dashboard "" "307 .*/api/auth/signin" lacks
  expect "before-plain-api" /api/invoices "" "307 .*/api/auth/signin" lacks
  expect "before-bypass-page" /dashboard "$BYPASS" "200" has
  expect "before-bypass-api" /api/invoices "$BYPASS" "200" has
fi
e2e_stop_all

# ---- authfix
(cd "$app" && "$AUTHFIX" check --format json . >"$W/check-before.json" 2>"$W/check-before.err"); crc=$?
if [ "$crc" -eq 1 ] && node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const f = r.findings || r.diagnostics || [];
  const v3 = f.filter(x => x.code === "V003" && x.severity === "error");
  const s10 = f.filter(x => x.code === "S010").map(x => x.file).sort();
  if (v3.length !== 1) { console.error("V003:", JSON.stringify(v3)); process.exit(1); }
  if (JSON.stringify(s10) !== JSON.stringify(["app/api/invoices/route.ts", "app/dashboard/page.tsx"])) { console.error("S010:", s10); process.exit(1); }
' "$W/check-before.json" 2>"$W/check-assert.err"; then
  e2e_pass "authfix check: V003 (error) on middleware.ts, S010 on app/dashboard/page.tsx and app/api/invoices/route.ts (exit 1)"
else
  e2e_fail "authfix check (exit $crc):"; cat "$W/check-assert.err" "$W/check-before.err" | sed 's/^/    /'; head -c 3000 "$W/check-before.json" | sed 's/^/    /'
fi
if (cd "$app" && "$AUTHFIX" fix --unsafe --yes . >"$W/fix.log" 2>&1); then
  e2e_pass "authfix fix --unsafe --yes (exit 0)"
  sed -n '/^--- a\/app\/dashboard\/page.tsx/,/^--- a\/[^a]/p' "$W/fix.log" | head -n 20 | sed 's/^/    | /'
else
  e2e_fail "authfix fix --unsafe --yes:"; tail -n 40 "$W/fix.log" | sed 's/^/    /'
fi
(cd "$app" && "$AUTHFIX" check --format json . >"$W/check-after.json" 2>&1)
if node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); const f = r.findings || r.diagnostics || []; process.exit(f.some(x => x.code === "S010") ? 1 : 0)' "$W/check-after.json"; then
  e2e_pass "authfix check after the fix: no S010 left (V003 stays until next is upgraded)"
else
  e2e_fail "authfix check after the fix still reports S010"
fi

# ---- after
if build_and_start after; then
  expect "after-plain-page" /dashboard "" "307 .*/api/auth/signin" lacks
  expect "after-bypass-page" /dashboard "$BYPASS" "307 .*/api/auth/signin|200" lacks
  # The page's redirect() after streaming began is an in-page meta refresh (200): accept it only
  # with the redirect marker and without the data.
  if [[ "$(ask after-bypass-page-2 /dashboard "$BYPASS")" =~ ^200 ]] && ! grep -q '__next-page-redirect\|NEXT_REDIRECT' "$W/after-bypass-page-2.body"; then
    e2e_fail "after-bypass-page: a 200 that is not the page's redirect"
  fi
  expect "after-bypass-api" /api/invoices "$BYPASS" "401" lacks
  # A signed-in user still gets the data (credentials sign-in with curl).
  jar="$W/cookies.txt"
  csrf="$(curl -s -c "$jar" "http://127.0.0.1:$port/api/auth/csrf" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).csrfToken))')"
  curl -s -b "$jar" -c "$jar" -o /dev/null --max-time 10 -X POST \
    --data-urlencode "csrfToken=$csrf" --data-urlencode "email=$DEMO_EMAIL" --data-urlencode "password=$DEMO_PASSWORD" \
    --data-urlencode "callbackUrl=$base/dashboard" --data-urlencode "json=true" \
    "http://127.0.0.1:$port/api/auth/callback/credentials"
  got="$(curl -s -b "$jar" -o "$W/after-signed-in.body" -w '%{http_code}' --max-time 10 "http://127.0.0.1:$port/dashboard")"
  if [ "$got" = 200 ] && grep -q "$DATA" "$W/after-signed-in.body"; then
    e2e_pass "after: signed in, GET /dashboard -> 200 with the data (the inserted check lets sessions through)"
  else
    e2e_fail "after: signed in, GET /dashboard -> $got without the data; server log:"; tail -n 20 "$W/after-server.log" | sed 's/^/    /'
  fi
fi
e2e_stop_all
e2e_summary
