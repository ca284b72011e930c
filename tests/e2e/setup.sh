#!/usr/bin/env bash
# Prepares the browser e2e tier; idempotent, safe to call from several test scripts.
#  - Debian's chromium at /usr/bin/chromium (apt-get; needs root on a fresh machine)
#  - the shared node_modules in tests/e2e/deps/{v5,v4} (npm install with the committed lockfiles;
#    `npm ci` refuses them: the registry here serves no @next/swc-* entries for other platforms),
#    reinstalled when missing or older than package.json / package-lock.json.
# Concurrent callers are serialised with flock. `--deps-only` skips chromium (for tiers that
# run servers but no browser).
set -euo pipefail
deps_only=0
[ "${1:-}" = "--deps-only" ] && deps_only=1
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

exec 9>"$here/deps/.setup.lock"
flock 9

if [ "$deps_only" -eq 0 ] && [ ! -x /usr/bin/chromium ]; then
  echo "setup: installing chromium (apt-get)"
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: /usr/bin/chromium is missing and this is not root: run 'apt-get install -y chromium' as root" >&2
    exit 1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

if ! command -v node >/dev/null || ! node -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)'; then
  echo "setup: Node.js >= 20.9 is required (next 16)" >&2
  exit 1
fi

for v in v5 v4; do
  d="$here/deps/$v"
  stamp="$d/node_modules/.authfix-installed"
  if [ -f "$stamp" ] && [ "$stamp" -nt "$d/package.json" ] && [ "$stamp" -nt "$d/package-lock.json" ] \
     && [ -d "$d/node_modules/next" ]; then
    continue
  fi
  echo "setup: npm install in tests/e2e/deps/$v"
  start=$(date +%s)
  (cd "$d" && npm install --no-audit --no-fund --loglevel=error)
  touch "$stamp"
  echo "setup: deps/$v ready in $(( $(date +%s) - start )) s"
done
