#!/usr/bin/env bash
# The browser tier for `authfix new` (and `init`): for v5 and v4, generate a project with the
# credentials provider, give it the shared node_modules, `tsc --noEmit`, `next build`,
# `next start` on loopback, run the headless-chromium sign-in check, and `authfix fix --dry-run`.
# Last line: "N passed, M failed"; exit status non-zero on failure.
#
# Env: AUTHFIX=path/to/authfix (default: cargo build, target/debug/authfix);
#      E2E_VERSIONS="v5 v4" (new), E2E_INIT_CASES="v5 v4 js-v5 js-v4" (init); E2E_KEEP=1 keeps the work folder.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

bash "$E2E_DIR/setup.sh" || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }
e2e_init

if [ -z "${AUTHFIX:-}" ]; then
  if ! (cd "$E2E_REPO" && cargo build -q --bin authfix) >"$E2E_WORK/cargo.log" 2>&1; then
    tail -n 30 "$E2E_WORK/cargo.log"; echo "cargo build failed"; echo "0 passed, 1 failed"; exit 1
  fi
  AUTHFIX="$E2E_REPO/target/debug/authfix"
fi

# env_value FILE NAME: a value from a dotenv file (no quotes).
env_value() { sed -n "s/^$2=\"\{0,1\}\([^\"]*\)\"\{0,1\}$/\1/p" "$1" | tail -n 1; }

# check_app NAME APP v5|v4: the steps shared by `new` and `init` projects.
check_app() {
  local name="$1" app="$2" v="$3" port base url_env
  e2e_give_deps "$app" "$v"
  if [ -f "$app/tsconfig.json" ]; then
    e2e_run "$name: tsc --noEmit" bash -c "cd '$app' && ./node_modules/.bin/tsc --noEmit" || return 1
  fi
  e2e_run "$name: next build" bash -c "cd '$app' && ./node_modules/.bin/next build" || return 1
  if [ -d "$app/.git" ]; then
    e2e_run "$name: next build leaves tracked files unchanged" \
      bash -c "cd '$app' && git status --porcelain && test -z \"\$(git status --porcelain)\""
  fi
  port="$(e2e_free_port)"
  base="http://localhost:$port"
  if [ "$v" = v5 ]; then url_env="AUTH_URL=$base"; else url_env="NEXTAUTH_URL=$base"; fi
  e2e_start_next "$app" "$port" "$E2E_WORK/$name-server.log" "$url_env" NEXT_TELEMETRY_DISABLED=1
  if ! e2e_wait_http "http://127.0.0.1:$port/" 60; then
    e2e_fail "$name: next start did not answer on $base"
    tail -n 25 "$E2E_WORK/$name-server.log" | sed 's/^/    /'
    e2e_stop_all
    return 1
  fi
  e2e_pass "$name: next start on $base"
  local email password
  email="$(env_value "$app/.env.local" AUTH_DEMO_EMAIL)"
  password="$(env_value "$app/.env.local" AUTH_DEMO_PASSWORD)"
  if ! e2e_run "$name: browser sign-in check" \
      node "$E2E_DIR/signin-check.mjs" --base-url "$base" --email "$email" --password "$password"; then
    echo "    server log:"; tail -n 20 "$E2E_WORK/$name-server.log" | sed 's/^/    /'
  else
    sed 's/^/    /' "$E2E_WORK/$(echo "$name: browser sign-in check" | tr -c 'a-zA-Z0-9._-' '_').log"
  fi
  # Negative control: the same check with a wrong password must fail at sign-in.
  e2e_run "$name: a wrong password does not sign in" bash -c "
    ! node '$E2E_DIR/signin-check.mjs' --base-url '$base' --email '$email' --password 'wrong-$password' \
      > '$E2E_WORK/$name-negative.log' 2>&1 && grep -q '^not ok - demo-user sign-in' '$E2E_WORK/$name-negative.log'"
  e2e_stop_all
}

# generated_playwright NAME APP: the app's own sign-in guard (e2e/auth.spec.ts, written by
# `authfix new`) through its playwright.config.ts: `next start` as its webServer, Debian's Chromium
# through PLAYWRIGHT_CHROMIUM_EXECUTABLE, the loopback-only flags through PLAYWRIGHT_CHROMIUM_ARGS.
# Then the same test against a server with another demo password must fail (it can fail).
generated_playwright() {
  local name="$1" app="$2" v="$3" port flags
  flags="$(cd "$E2E_DIR" && node -e 'import("./browser.mjs").then((m) => console.log(JSON.stringify(m.chromiumFlags().filter((f) => f !== "--headless"))))')"
  port="$(e2e_free_port)"
  local env=(CI=true E2E_PORT="$port" PLAYWRIGHT_CHROMIUM_EXECUTABLE=/usr/bin/chromium PLAYWRIGHT_CHROMIUM_ARGS="$flags")
  e2e_run "$name: the generated Playwright test (e2e/auth.spec.ts) passes" bash -c "
    cd '$app' && env ${env[*]@Q} ./node_modules/.bin/playwright test --reporter=list > '$E2E_WORK/$name-pw.log' 2>&1; rc=\$?;
    cat '$E2E_WORK/$name-pw.log'; [ \$rc -eq 0 ] && grep -Eq '^ +1 passed' '$E2E_WORK/$name-pw.log' &&
    grep -q 'sign in, reload, the session is still there, sign out' '$E2E_WORK/$name-pw.log'" &&
    sed -n '/✓\|passed/p' "$E2E_WORK/$name-pw.log" | sed 's/^/    /'
  # Negative control: against a server whose demo user has another password (reused, as the
  # config does outside CI), the same test must fail at sign-in.
  local port2 url_env
  port2="$(e2e_free_port)"
  if [ "$v" = v5 ]; then url_env="AUTH_URL=http://localhost:$port2"; else url_env="NEXTAUTH_URL=http://localhost:$port2"; fi
  e2e_start_next "$app" "$port2" "$E2E_WORK/$name-pw-neg-server.log" "$url_env" AUTH_DEMO_PASSWORD=not-the-tests-password
  e2e_wait_http "http://127.0.0.1:$port2/" 60
  e2e_run "$name: the generated Playwright test fails when the server rejects the demo password" bash -c "
    cd '$app' && ! env -u CI E2E_PORT=$port2 PLAYWRIGHT_CHROMIUM_EXECUTABLE=/usr/bin/chromium PLAYWRIGHT_CHROMIUM_ARGS=${flags@Q} \
      ./node_modules/.bin/playwright test --reporter=list > '$E2E_WORK/$name-pw-neg.log' 2>&1;
    cat '$E2E_WORK/$name-pw-neg.log'; grep -Eq '^ +1 failed' '$E2E_WORK/$name-pw-neg.log' && grep -q 'toHaveURL' '$E2E_WORK/$name-pw-neg.log'"
  e2e_stop_all
  e2e_run "$name: Playwright stopped its next start (port $port free)" bash -c "
    sleep 0.5; ! curl -s -o /dev/null --max-time 2 'http://127.0.0.1:$port/'"
}

# fix_dry_run NAME APP: `authfix fix --dry-run` finds nothing (skipped while fix is missing).
fix_dry_run() {
  local name="$1" app="$2" out rc
  out="$("$AUTHFIX" --color never fix --dry-run "$app" 2>&1)"; rc=$?
  if grep -q "not yet available" <<<"$out"; then
    echo "SKIP $name: authfix fix --dry-run (fix is not yet available)"
  elif [ "$rc" -eq 0 ]; then
    e2e_pass "$name: authfix fix --dry-run finds nothing"
  else
    e2e_fail "$name: authfix fix --dry-run exit $rc"
    sed 's/^/    /' <<<"$out" | tail -n 40
  fi
}

for v in ${E2E_VERSIONS-v5 v4}; do
  name="new-$v"
  app="$E2E_WORK/$name"
  flags=(--auth "$v" --provider credentials,github --no-install)
  [ "$v" = v4 ] && flags+=(--src-dir)
  if ! e2e_run "$name: authfix new ${flags[*]}" "$AUTHFIX" --color never new "${flags[@]}" "$app"; then
    continue
  fi
  (cd "$app" && git init -q && git add -A && git -c user.email=e2e@test -c user.name=e2e commit -qm generated)
  fix_dry_run "$name" "$app"
  check_app "$name" "$app" "$v" && generated_playwright "$name" "$app" "$v"
done

# init on plain create-next-app-style projects (tests/e2e/fixtures/plain-app, and plain-app-js
# for JavaScript), then the same check.
for case in ${E2E_INIT_CASES-v5 v4 js-v5 js-v4}; do
  v="${case#js-}"
  fixture=plain-app
  [ "$case" != "$v" ] && fixture=plain-app-js
  name="init-$case"
  app="$E2E_WORK/$name"
  layout=app/layout.tsx
  [ "$fixture" = plain-app-js ] && layout=app/layout.js
  cp -r "$E2E_DIR/fixtures/$fixture" "$app"
  mv "$app/gitignore" "$app/.gitignore"
  git_commit() { (cd "$app" && git add -A && git -c user.email=e2e@test -c user.name=e2e commit -qm "$1"); }
  (cd "$app" && git init -q) && git_commit fixture
  if ! e2e_run "$name: authfix init --auth $v --provider credentials --yes" \
      "$AUTHFIX" --color never init --auth "$v" --provider credentials --yes "$app"; then
    continue
  fi
  e2e_run "$name: init kept the layout and wired AuthProvider" bash -c "
    cd '$app' && git diff HEAD -- $layout | grep -q '^+.*<AuthProvider>{children}</AuthProvider>' &&
    grep -q 'antialiased' $layout && grep -q 'export const metadata' $layout &&
    grep -q '\"next-auth\"' package.json"
  e2e_run "$name: a second init refuses and points at fix" bash -c "
    out=\$('$AUTHFIX' --color never init --auth $v --provider credentials --yes '$app' 2>&1); rc=\$?;
    echo \"\$out\"; [ \$rc -eq 2 ] && grep -q 'authfix fix' <<<\"\$out\""
  git_commit init
  fix_dry_run "$name" "$app"
  check_app "$name" "$app" "$v"
done

e2e_summary
