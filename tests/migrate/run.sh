#!/usr/bin/env bash
# The migrate tier: `authfix migrate better-auth` on a real Auth.js v4 app (app/) and v5 app
# (src/app), each with @auth/pg-adapter on a real PostgreSQL and two users, one signing in through
# a local OpenID Connect provider (tests/migrate/oidc.mjs) and one with email + bcrypt password.
#
# Per app (the fixture transforms/tests/migrate/<case>.input.txt, written out as a runnable app):
#   before: create the Auth.js tables, seed the credentials user, `next build`, `next start`, the
#           browser check (tests/migrate/check.mjs): both users sign in, reload, sign out; the OIDC
#           user is created by the adapter on first sign-in;
#   migrate: `--emit-sql postgres` (SQL printed), `--yes` (code, env, package.json), apply the SQL,
#           Better Auth's own migration planner finds nothing left to do, install, `next build`;
#   after:  the same check: the same two users sign in with the same ids (the OIDC account linked to
#           the same user), the session survives a reload, sign-out works; a second migrate run
#           changes nothing.
# Then `authfix new --auth better-auth` (PostgreSQL) passes the same check (signing up first), and
# its own Playwright guard (e2e/auth.spec.ts) passes, and fails on a database without the tables.
#
# PostgreSQL (Debian's packages) runs in a temp folder on a loopback port, as `nobody` when this
# runs as root, and is stopped and removed at the end with every server started here.
# First (`sql`), the data alone: the SQL for a Drizzle schema applied to its tables with rows
# (data_sql below), and an integer foreign key on the pg-adapter schema.
# Last line: "N passed, M failed". Env: AUTHFIX=path/to/authfix; MIGRATE_APPS="sql v4 v5 new"; E2E_KEEP=1.
set -uo pipefail
MIG_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# @auth/pg-adapter's tables, the same file the C005 proof app (tests/proof) starts from.
AUTHJS_PG_SCHEMA="$MIG_DIR/../proof/apps/c005-credentials-with-database-strategy/schema.sql"
. "$MIG_DIR/../e2e/lib.sh"
export NEXT_TELEMETRY_DISABLED=1

bash "$MIG_DIR/setup.sh" || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }
e2e_init
W="$E2E_WORK"
if [ -z "${AUTHFIX:-}" ]; then
  if ! (cd "$E2E_REPO" && cargo build -q --bin authfix) >"$W/cargo.log" 2>&1; then
    tail -n 30 "$W/cargo.log"; echo "cargo build failed"; echo "0 passed, 1 failed"; exit 1
  fi
  AUTHFIX="$E2E_REPO/target/debug/authfix"
fi
DEPS="$MIG_DIR/deps/node_modules"
FIXTURES="$E2E_REPO/transforms/tests/migrate"

# --- PostgreSQL ---------------------------------------------------------------------------
PGBIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
PGROOT="$(mktemp -d "${TMPDIR:-/tmp}/authfix-pg.XXXXXX")"
AS=()
if [ "$(id -u)" -eq 0 ]; then
  chown nobody "$PGROOT"
  AS=(runuser -u nobody --)
fi
PGPORT="$(e2e_free_port)"
pg_stop() {
  [ -f "$PGROOT/data/postmaster.pid" ] && "${AS[@]}" "$PGBIN/pg_ctl" -D "$PGROOT/data" -m fast -w stop >/dev/null 2>&1
  rm -rf "$PGROOT"
}
trap 'pg_stop; e2e_cleanup' EXIT
if ! "${AS[@]}" "$PGBIN/initdb" -D "$PGROOT/data" -U postgres -A trust --no-sync >"$W/initdb.log" 2>&1 \
  || ! "${AS[@]}" "$PGBIN/pg_ctl" -D "$PGROOT/data" -l "$PGROOT/pg.log" -w -o "-c listen_addresses=127.0.0.1 -c port=$PGPORT -k $PGROOT -c fsync=off" start >"$W/pgctl.log" 2>&1; then
  cat "$W/initdb.log" "$W/pgctl.log" "$PGROOT/pg.log" 2>/dev/null | tail -n 20
  echo "PostgreSQL did not start"; echo "0 passed, 1 failed"; exit 1
fi
e2e_pass "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PGPORT (as ${AS[2]:-$(id -un)})"
PG="postgres://postgres@127.0.0.1:$PGPORT"
psql_q() { psql "$PG/$1" -v ON_ERROR_STOP=1 -qAt "${@:2}"; }

# --- The OpenID Connect provider ----------------------------------------------------------
OIDC_PORT="$(e2e_free_port)"
(exec setsid node "$MIG_DIR/oidc.mjs" "$OIDC_PORT") >"$W/oidc.log" 2>&1 &
E2E_PIDS+=("$!")
for _ in $(seq 1 80); do grep -q '^ready' "$W/oidc.log" && break; sleep 0.25; done
if ! grep -q '^ready' "$W/oidc.log"; then cat "$W/oidc.log"; e2e_fail "OIDC provider did not start"; e2e_summary; exit 1; fi
ISSUER="$(sed -n "s/^ready //p" "$W/oidc.log")"  # the issuer the provider announces (http://localhost:PORT)
e2e_pass "OIDC provider (oauth2-mock-server) at $ISSUER"

CRED_EMAIL=cred@example.com
CRED_PASSWORD="pw-$(node -e 'console.log(require("crypto").randomBytes(9).toString("base64url"))')"
OIDC_EMAIL=oidc@example.com

# logof NAME: the log file e2e_run writes for a step of that name.
logof() { echo "$W/$(echo "$1" | tr -c 'a-zA-Z0-9._-' '_').log"; }

give_deps() { # APP v4|v5|ba: the shared node_modules, hardlinked; v4 apps get next-auth 4 in place.
  rm -rf "$1/node_modules"
  cp -al "$DEPS" "$1/node_modules" 2>/dev/null || cp -a "$DEPS" "$1/node_modules"
  if [ "$2" = v4 ]; then
    rm -rf "$1/node_modules/next-auth" && mv "$1/node_modules/next-auth-v4" "$1/node_modules/next-auth"
  fi
}

# serve NAME APP PORT: next start in the background, waiting until it answers.
serve() {
  e2e_start_next "$2" "$3" "$W/$1-server.log" NEXT_TELEMETRY_DISABLED=1
  if ! e2e_wait_http "http://127.0.0.1:$3/" 60; then
    e2e_fail "$1: next start did not answer"; tail -n 20 "$W/$1-server.log" | sed 's/^/    /'; return 1
  fi
}

# browser NAME PORT ARGS...: the browser check; its ids line goes to $W/NAME.ids.
browser() {
  local name="$1" port="$2"; shift 2
  if e2e_run "$name: browser check (sign in, reload, sign out, both users)" node "$MIG_DIR/check.mjs" --base-url "http://localhost:$port" "$@"; then
    local log; log="$(logof "$name: browser check (sign in, reload, sign out, both users)")"
    sed -n 's/^ids //p' "$log" >"$W/$name.ids"
    sed 's/^/    /' "$log"
  else
    echo "    server log:"; tail -n 25 "$W/$name-server.log" | sed 's/^/    /'
    return 1
  fi
}

# seed_authjs DB COLUMN HASH: the Auth.js tables (@auth/pg-adapter's schema), the app's password
# column, and one credentials user whose bcrypt hash the app's `authorize` checks.
seed_authjs() {
  psql "$PG/postgres" -v ON_ERROR_STOP=1 -q -c "CREATE DATABASE $1" &&
    psql "$PG/$1" -v ON_ERROR_STOP=1 -q -f "$AUTHJS_PG_SCHEMA" &&
    psql "$PG/$1" -v ON_ERROR_STOP=1 -q -c "ALTER TABLE users ADD COLUMN $2 TEXT" &&
    printf "INSERT INTO users (name, email, %s) VALUES ('Cred User', :'email', :'hash');\n" "$2" |
    psql "$PG/$1" -v ON_ERROR_STOP=1 -q -v email="$CRED_EMAIL" -v hash="$3"
}

migrate_app() { # v4|v5 FIXTURE
  local v="$1" fixture="$2" app="$W/$1-app" db="${1}app" port
  port="$(e2e_free_port)"
  node "$MIG_DIR/materialize.mjs" "$FIXTURES/$fixture.input.txt" "$app" || { e2e_fail "$v: materialize"; return 1; }
  local secret; secret="$(node -e 'console.log(require("crypto").randomBytes(32).toString("base64"))')"
  if [ "$v" = v4 ]; then
    printf 'NEXTAUTH_SECRET="%s"\nNEXTAUTH_URL=http://localhost:%s\nDATABASE_URL=%s/%s\nOIDC_ISSUER=%s\nOIDC_CLIENT_ID=migrate-%s\nOIDC_CLIENT_SECRET=mock-secret\n' \
      "$secret" "$port" "$PG" "$db" "$ISSUER" "$v" >"$app/.env.local"
  else
    printf "AUTH_SECRET='%s'\nAUTH_URL=http://localhost:%s\nDATABASE_URL=%s/%s\nOIDC_ISSUER=%s\nOIDC_CLIENT_ID=migrate-%s\nOIDC_CLIENT_SECRET=mock-secret\n" \
      "$secret" "$port" "$PG" "$db" "$ISSUER" "$v" >"$app/.env.local"
  fi
  (cd "$app" && git init -q && git add -A && git -c user.email=e2e@test -c user.name=e2e commit -qm "Auth.js $v app") || return 1
  give_deps "$app" "$v"
  # The Auth.js tables (@auth/pg-adapter's schema) plus the app's password column; one bcrypt user.
  local pwcol=password
  [ "$v" = v5 ] && pwcol=password_hash
  local hash; hash="$(node -e "console.log(require('$DEPS/bcryptjs').hashSync(process.argv[1], 10))" "$CRED_PASSWORD")"
  e2e_run "$v: Auth.js tables and a bcrypt credentials user" seed_authjs "$db" "$pwcol" "$hash" || return 1
  e2e_run "$v: next build (Auth.js)" bash -c "cd '$app' && ./node_modules/.bin/next build" || return 1
  serve "$v-before" "$app" "$port" || return 1
  browser "$v-before" "$port" --email "$CRED_EMAIL" --password "$CRED_PASSWORD" --oidc-email "$OIDC_EMAIL"
  e2e_stop_all_next
  [ -s "$W/$v-before.ids" ] || { e2e_fail "$v: no user ids before the migration"; return 1; }
  rm -rf "$app/.next"

  e2e_run "$v: authfix migrate better-auth --emit-sql postgres" bash -c "'$AUTHFIX' --color never migrate better-auth --emit-sql postgres '$app' >'$W/$v.sql' && grep -q 'CREATE TABLE \"user\"' '$W/$v.sql' && git -C '$app' diff --quiet" || return 1
  e2e_run "$v: authfix migrate better-auth --yes" bash -c "'$AUTHFIX' --color never migrate better-auth --yes '$app'" || return 1
  sed -n '/^Needs a human/,/^$/p' "$(logof "$v: authfix migrate better-auth --yes")" | sed 's/^/    /'
  e2e_run "$v: the migrated app has no Auth.js left and pins better-auth to 1.7" bash -c "
    cd '$app' && ! grep -rqE \"from ['\\\"](next-auth|@auth/)\" --include='*.ts' --include='*.tsx' . --exclude-dir=node_modules &&
    grep -q '\"better-auth\": \"~1.7.25\"' package.json && ! grep -q '\"next-auth\"' package.json &&
    grep -q '^BETTER_AUTH_SECRET=' .env.local && grep -q '^BETTER_AUTH_URL=http://localhost:$port' .env.local &&
    ! grep -q 'AUTH_SECRET=\\|NEXTAUTH' .env.local.bak 2>/dev/null; ! grep -qE '^(NEXTAUTH_|AUTH_SECRET|AUTH_URL)' .env.local" || return 1
  e2e_run "$v: apply the emitted SQL" psql "$PG/$db" -v ON_ERROR_STOP=1 -q -f "$W/$v.sql" || return 1
  e2e_run "$v: better-auth's migration planner finds nothing to do" node "$MIG_DIR/schema-check.mjs" "$PG/$db" || return 1
  e2e_run "$v: install (better-auth $(node -p "require('$DEPS/better-auth/package.json').version") from the shared deps)" bash -c "
    node -e \"const r=require('$app/package.json').dependencies['better-auth']; const v=require('$DEPS/better-auth/package.json').version; if(!(r==='~1.7.25' && /^1\\.7\\./.test(v) && +v.split('.')[2]>=25)) process.exit(1)\"" || return 1
  give_deps "$app" ba
  e2e_run "$v: next build (Better Auth)" bash -c "cd '$app' && ./node_modules/.bin/next build" || return 1
  serve "$v-after" "$app" "$port" || return 1
  browser "$v-after" "$port" --email "$CRED_EMAIL" --password "$CRED_PASSWORD" --oidc-email "$OIDC_EMAIL"
  e2e_stop_all_next
  e2e_run "$v: the same user ids before and after ($(cat "$W/$v-before.ids"))" bash -c "test -s '$W/$v-after.ids' && diff '$W/$v-before.ids' '$W/$v-after.ids'"
  e2e_run "$v: the OIDC account is linked to the same user (one user, one account row)" bash -c "
    test \"\$(psql '$PG/$db' -qAt -c \"SELECT count(*) FROM \\\"user\\\" WHERE email = '$OIDC_EMAIL'\")\" = 1 &&
    test \"\$(psql '$PG/$db' -qAt -c \"SELECT count(*) FROM account a JOIN \\\"user\\\" u ON u.id = a.\\\"userId\\\" WHERE u.email = '$OIDC_EMAIL' AND a.\\\"providerId\\\" = 'mock'\")\" = 1"
  (cd "$app" && git add -A && git -c user.email=e2e@test -c user.name=e2e commit -qm migrated)
  e2e_run "$v: a second migrate run changes nothing" bash -c "
    out=\$('$AUTHFIX' --color never migrate better-auth --yes '$app' 2>&1); echo \"\$out\"; grep -q 'nothing to do' <<<\"\$out\" && test -z \"\$(git -C '$app' status --porcelain)\""
}

# generated_playwright APP: the scaffold's own guard (e2e/auth.spec.ts through its
# playwright.config.ts, `next start` as its webServer) passes on the built app; then, against a
# server on a database without Better Auth's tables, the same test must fail (it can fail).
generated_playwright() {
  local app="$1" pport flags
  flags="$(cd "$E2E_DIR" && node -e 'import("./browser.mjs").then((m) => console.log(JSON.stringify(m.chromiumFlags().filter((f) => f !== "--headless"))))')"
  pport="$(e2e_free_port)"
  e2e_run "new: the generated Playwright test (e2e/auth.spec.ts) passes" bash -c "
    cd '$app' && env CI=true E2E_PORT=$pport PLAYWRIGHT_CHROMIUM_EXECUTABLE=/usr/bin/chromium PLAYWRIGHT_CHROMIUM_ARGS=${flags@Q} \
      ./node_modules/.bin/playwright test --reporter=list > '$W/new-pw.log' 2>&1; rc=\$?; cat '$W/new-pw.log';
    [ \$rc -eq 0 ] && grep -Eq '^ +1 passed' '$W/new-pw.log' && grep -q 'sign up, reload, the session is still there, sign out, sign in again' '$W/new-pw.log'" &&
    sed -n '/✓\|passed/p' "$W/new-pw.log" | sed 's/^/    /'
  local nport; nport="$(e2e_free_port)"
  psql "$PG/postgres" -v ON_ERROR_STOP=1 -q -c 'CREATE DATABASE notables'
  e2e_start_next "$app" "$nport" "$W/new-pw-neg-server.log" "DATABASE_URL=$PG/notables" "BETTER_AUTH_URL=http://localhost:$nport" NEXT_TELEMETRY_DISABLED=1
  e2e_wait_http "http://127.0.0.1:$nport/" 60
  e2e_run "new: the generated Playwright test fails against a database without the tables" bash -c "
    cd '$app' && ! env -u CI E2E_PORT=$nport PLAYWRIGHT_CHROMIUM_EXECUTABLE=/usr/bin/chromium PLAYWRIGHT_CHROMIUM_ARGS=${flags@Q} \
      ./node_modules/.bin/playwright test --reporter=list > '$W/new-pw-neg.log' 2>&1;
    cat '$W/new-pw-neg.log'; grep -Eq '^ +1 failed' '$W/new-pw-neg.log' && grep -q 'toHaveURL' '$W/new-pw-neg.log'"
  e2e_stop_all_next
  e2e_run "new: Playwright stopped its next start (port $pport free)" bash -c "sleep 0.5; ! curl -s -o /dev/null --max-time 2 'http://127.0.0.1:$pport/'"
}

# data_sql: `--emit-sql postgres` on the Drizzle fixture (tables read from its db/schema.ts)
# applied to the tables drizzle-kit made from that schema (tests/migrate/drizzle-pg-schema.sql):
# the same user ids, the app's own `role` column carried with its type and default, the bcrypt
# hash in a credential account, the GitHub account keyed and linked, the app's `post` foreign key
# re-pointed to Better Auth's "user" (a post by a new user inserts), and Better Auth's planner
# finds nothing left to create. Then the pg-adapter case: an integer foreign key stays (NOTICE).
data_sql() {
  local app="$W/sql-app" db=drizzleapp
  node "$MIG_DIR/materialize.mjs" "$FIXTURES/v5_drizzle_pg_schema.input.txt" "$app" || { e2e_fail "sql: materialize"; return 1; }
  e2e_run "sql: authfix migrate better-auth --emit-sql postgres (Drizzle schema in db/schema.ts)" bash -c "
    '$AUTHFIX' --color never migrate better-auth --emit-sql postgres '$app' >'$W/drizzle.sql' && grep -q 'FROM \"authjs_user\" src' '$W/drizzle.sql'" || return 1
  psql "$PG/postgres" -v ON_ERROR_STOP=1 -q -c "CREATE DATABASE $db" || return 1
  e2e_run "sql: the Auth.js Drizzle tables with rows" psql "$PG/$db" -v ON_ERROR_STOP=1 -q -f "$MIG_DIR/drizzle-pg-schema.sql" || return 1
  e2e_run "sql: apply the emitted SQL" psql "$PG/$db" -v ON_ERROR_STOP=1 -q -f "$W/drizzle.sql" || return 1
  e2e_run "sql: the same user ids, role carried with its default, credential hash, GitHub account linked, post re-pointed (tests/migrate/drizzle-pg-check.sql)" \
    psql "$PG/$db" -v ON_ERROR_STOP=1 -q -f "$MIG_DIR/drizzle-pg-check.sql" || return 1
  e2e_run "sql: better-auth's migration planner finds nothing to do" node "$MIG_DIR/schema-check.mjs" "$PG/$db" || return 1
  e2e_run "sql: the same on SQLite (--emit-sql sqlite: legacy rename keeps post -> \"user\")" bash -c "
    '$AUTHFIX' --color never migrate better-auth --emit-sql sqlite '$app' >'$W/drizzle-sqlite.sql' 2>/dev/null && python3 '$MIG_DIR/drizzle-sqlite-check.py' '$W/drizzle-sqlite.sql'" || return 1
  # pg-adapter (integer ids): the app's integer foreign key stays on the Auth.js table, with a NOTICE.
  local db2=pgnotes
  node "$MIG_DIR/materialize.mjs" "$FIXTURES/v5_pg_src_app.input.txt" "$W/sql-pg-app" >/dev/null
  "$AUTHFIX" --color never migrate better-auth --emit-sql postgres "$W/sql-pg-app" >"$W/pg.sql" 2>/dev/null
  psql "$PG/postgres" -v ON_ERROR_STOP=1 -q -c "CREATE DATABASE $db2" &&
    psql "$PG/$db2" -v ON_ERROR_STOP=1 -q -f "$AUTHJS_PG_SCHEMA" &&
    psql "$PG/$db2" -v ON_ERROR_STOP=1 -q -c "ALTER TABLE users ADD COLUMN password_hash TEXT; CREATE TABLE notes (id serial PRIMARY KEY, user_id integer REFERENCES users(id)); INSERT INTO users (email) VALUES ('a@example.com'); INSERT INTO notes (user_id) VALUES (1);"
  e2e_run "sql: an integer foreign key (pg-adapter ids) stays on the Auth.js table, with a NOTICE" bash -c "
    psql '$PG/$db2' -v ON_ERROR_STOP=1 -q -f '$W/pg.sql' 2>&1 | tee '$W/pg-apply.log'; grep -q 'NOTICE:  authfix: notes (notes_user_id_fkey) still references the Auth.js users' '$W/pg-apply.log' &&
    test \"\$(psql '$PG/$db2' -qAt -c \"SELECT confrelid::regclass FROM pg_constraint WHERE conrelid = 'notes'::regclass AND contype = 'f'\")\" = users"
}

# Stop the Next servers started so far (the OIDC provider stays up).
e2e_stop_all_next() {
  local keep=("${E2E_PIDS[0]}") pid
  for pid in "${E2E_PIDS[@]:1}"; do
    kill -TERM -- "-$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  E2E_PIDS=("${keep[@]}")
}

for v in ${MIGRATE_APPS-sql v4 v5 new}; do
  case "$v" in
    sql) data_sql ;;
    v4) migrate_app v4 v4_pg_app ;;
    v5) migrate_app v5 v5_pg_src_app ;;
    new)
      app="$W/new-ba"; port="$(e2e_free_port)"
      if e2e_run "new: authfix new --auth better-auth --provider credentials --no-install" "$AUTHFIX" --color never new --auth better-auth --provider credentials --no-install "$app"; then
        sed -i "s#^DATABASE_URL=.*#DATABASE_URL=$PG/newapp#; s#^BETTER_AUTH_URL=.*#BETTER_AUTH_URL=http://localhost:$port#" "$app/.env.local"
        give_deps "$app" ba
        if e2e_run "new: npm run db:migrate (the scaffold's db/better-auth.sql) on a fresh database" bash -c "
            psql '$PG/postgres' -v ON_ERROR_STOP=1 -q -c 'CREATE DATABASE newapp' && cd '$app' && node scripts/migrate-db.mjs" \
          && e2e_run "new: better-auth's migration planner finds nothing to do" node "$MIG_DIR/schema-check.mjs" "$PG/newapp" \
          && e2e_run "new: next build" bash -c "cd '$app' && ./node_modules/.bin/next build" \
          && serve new "$app" "$port"; then
          browser new "$port" --email "new@example.com" --password "$CRED_PASSWORD" --sign-up "New User" --sign-in-path /sign-in
          e2e_stop_all_next
          generated_playwright "$app"
        fi
      fi
      ;;
  esac
done
e2e_summary
