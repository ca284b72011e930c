#!/usr/bin/env bash
# Prepares the migrate tier; idempotent. Debian's postgresql (apt-get, as root on a fresh
# machine), the browser tier's chromium and playwright (tests/e2e/setup.sh), and the shared
# node_modules in tests/migrate/deps (npm install with the committed lockfile; reinstalled when
# missing or older than package.json / package-lock.json). Serialised with flock.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bash "$here/../e2e/setup.sh"
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: PostgreSQL is missing and this is not root: run 'apt-get install -y postgresql' as root" >&2
    exit 1
  fi
  echo "setup: installing postgresql (apt-get)"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
exec 9>"$here/deps/.setup.lock"
flock 9
d="$here/deps"
stamp="$d/node_modules/.authfix-installed"
if [ -f "$stamp" ] && [ "$stamp" -nt "$d/package.json" ] && [ "$stamp" -nt "$d/package-lock.json" ] && [ -d "$d/node_modules/better-auth" ]; then
  exit 0
fi
echo "setup: npm install in tests/migrate/deps"
start=$(date +%s)
(cd "$d" && npm install --no-audit --no-fund --loglevel=error)
touch "$stamp"
echo "setup: tests/migrate/deps ready in $(( $(date +%s) - start )) s"
