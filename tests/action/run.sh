#!/usr/bin/env bash
# The GitHub Action's script (action/run.sh) outside GitHub: a fake `npx` on PATH records the
# package spec it was asked for and runs the authfix binary built here. Checks annotations on
# stdout, exit codes, the SARIF file and the step outputs. Last line: "N passed, M failed".
# Env: AUTHFIX=path/to/authfix (default target/debug/authfix, built by .ci/run).
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../e2e/lib.sh"
e2e_init
repo="$E2E_REPO"
AUTHFIX="${AUTHFIX:-$repo/target/debug/authfix}"
version="$(sed -n '/^\[package\]/,/^\[/{s/^version *= *"\([^"]*\)".*/\1/p}' "$repo/Cargo.toml" | head -n 1)"

mkdir -p "$E2E_WORK/bin"
cat >"$E2E_WORK/bin/npx" <<SH
#!/bin/sh
# fake npx: expects "--yes authfix@VERSION ARGS...", records the spec, runs the binary.
[ "\$1" = --yes ] || { echo "fake npx: expected --yes, got \$1" >&2; exit 99; }
echo "\$2" >> "$E2E_WORK/npx-specs"
shift 2
exec "$AUTHFIX" "\$@"
SH
chmod +x "$E2E_WORK/bin/npx"
cp -r "$repo/examples/broken-v4" "$E2E_WORK/broken"
"$AUTHFIX" new --no-install --provider credentials "$E2E_WORK/clean" >/dev/null

# act NAME KEY=VALUE...: run action/run.sh with those inputs; sets OUT, RC, GH_OUT (step outputs).
act() {
  local name="$1"
  shift
  rm -f "$E2E_WORK/npx-specs" "$E2E_WORK/github-output"
  : >"$E2E_WORK/github-output"
  mkdir -p "$E2E_WORK/runner-temp"
  OUT="$(cd "$E2E_WORK" && env PATH="$E2E_WORK/bin:$PATH" GITHUB_OUTPUT="$E2E_WORK/github-output" \
    RUNNER_TEMP="$E2E_WORK/runner-temp" INPUT_PATH= INPUT_VERSION= INPUT_SARIF=false INPUT_ARGS= "$@" \
    bash "$repo/action/run.sh" 2>"$E2E_WORK/stderr")"
  RC=$?
  GH_OUT="$(cat "$E2E_WORK/github-output")"
  SPECS="$(cat "$E2E_WORK/npx-specs" 2>/dev/null)"
  echo "--- $name: exit $RC" >>"$E2E_WORK/act.log"
}
check() { # NAME CONDITION...
  local name="$1"
  shift
  if "$@"; then e2e_pass "$name"; else
    e2e_fail "$name (exit $RC)"
    { echo "stdout:"; echo "$OUT"; echo "stderr:"; cat "$E2E_WORK/stderr"; echo "outputs:"; echo "$GH_OUT"; echo "npx:"; echo "$SPECS"; } | head -n 30 | sed 's/^/    /'
  fi
}

act "broken app" INPUT_PATH=broken
n_ann=$(grep -c '^::error file=' <<<"$OUT")
check "broken app: $n_ann ::error annotations, exit 1, authfix@$version (the action's version)" \
  bash -c "[ $RC -eq 1 ] && [ $n_ann -ge 3 ] && [ '$SPECS' = 'authfix@$version' ] && grep -qx 'exit-code=1' <<<'$GH_OUT' && ! grep -q sarif-file <<<'$GH_OUT'"
check "broken app: annotations name files inside the project and rule codes" \
  bash -c "grep -q '^::error file=broken/app/api/auth/\[...nextauth\]/route.ts,line=12,col=3,endLine=12,endColumn=58,title=C001 secure-cookies-node-env::' <<<\"\$0\"" "$OUT"
check "no SARIF written unless asked" bash -c "! test -e '$E2E_WORK/runner-temp/authfix.sarif'"

act "sarif" INPUT_PATH=broken INPUT_SARIF=true
check "sarif=true: SARIF 2.1.0 written with results (URIs under broken/), its path in the step outputs, annotations still printed" bash -c "
  [ $RC -eq 1 ] && grep -qx 'sarif-file=$E2E_WORK/runner-temp/authfix.sarif' <<<'$GH_OUT' &&
  node -e 'const s=JSON.parse(require(\"fs\").readFileSync(process.argv[1],\"utf8\"));
    if (s.version!==\"2.1.0\"||!(s.runs[0].results.length>=3)) process.exit(1);
    if (!s.runs[0].results.every(r=>r.locations[0].physicalLocation.artifactLocation.uri.startsWith(\"broken/app/\"))) process.exit(1)' '$E2E_WORK/runner-temp/authfix.sarif' &&
  grep -q '^::error file=' <<<\"\$0\"" "$OUT"

act "clean app" INPUT_PATH=clean INPUT_SARIF=true
check "clean app: no annotation, exit 0, empty SARIF results" bash -c "
  [ $RC -eq 0 ] && ! grep -q '^::error' <<<\"\$0\" && grep -qx 'exit-code=0' <<<'$GH_OUT' &&
  node -e 'const s=JSON.parse(require(\"fs\").readFileSync(process.argv[1],\"utf8\")); if (s.runs[0].results.length) process.exit(1)' '$E2E_WORK/runner-temp/authfix.sarif'" "$OUT"

act "version and args" INPUT_PATH=broken INPUT_VERSION=9.8.7 "INPUT_ARGS=--select C001"
check "version and args inputs: authfix@9.8.7, --select C001 keeps only C001" bash -c "
  [ $RC -eq 1 ] && [ '$SPECS' = authfix@9.8.7 ] && grep -q 'title=C001' <<<\"\$0\" && ! grep -v 'title=C001' <<<\"\$0\" | grep -q '^::error'" "$OUT"

act "ignore everything that fires" INPUT_PATH=broken "INPUT_ARGS=--select C001 --ignore C001"
check "args split into words (--select C001 --ignore C001): nothing left, exit 0" bash -c "[ $RC -eq 0 ] && [ -z \"\$0\" ]" "$OUT"

act "bad version" INPUT_PATH=broken "INPUT_VERSION=1.0; rm -rf /"
check "a version that is not an npm version: an ::error, exit 2, npx never called" bash -c "
  [ $RC -eq 2 ] && grep -q '^::error title=authfix::version' <<<\"\$0\" && [ -z '$SPECS' ]" "$OUT"

mkdir -p "$E2E_WORK/mono,repo:x"
cp -r "$E2E_WORK/broken" "$E2E_WORK/mono,repo:x/web"
act "odd folder names" "INPUT_PATH=./mono,repo:x/web/"
check "a path with ',' and ':' is escaped in the annotations' file=" bash -c "
  [ $RC -eq 1 ] && grep -q '^::error file=mono%2Crepo%3Ax/web/app/layout.tsx,line=1,col=1,' <<<\"\$0\"" "$OUT"

act "app at the root" INPUT_PATH=. "INPUT_ARGS=--select P001"
check "path '.' (cwd is the workspace): file= unchanged" bash -c "[ $RC -eq 1 ] && grep -q '^::error file=broken/app/layout.tsx,' <<<\"\$0\"" "$OUT"

act "missing path" INPUT_PATH=does-not-exist
check "a path that does not exist: exit 2 (usage error)" bash -c "[ $RC -eq 2 ] && grep -qx 'exit-code=2' <<<'$GH_OUT'"

e2e_summary
