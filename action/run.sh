#!/usr/bin/env bash
# The GitHub Action's step (action.yml): `npx --yes authfix@<version> check --format github`, so
# findings become annotations on the pull request, and with INPUT_SARIF=true a SARIF file first
# (for github/codeql-action/upload-sarif). Kept as a script so it can be tested outside GitHub
# (tests/action/run.sh, with a fake npx).
#
# Env: INPUT_PATH (default .), INPUT_VERSION (default: this action's version, from its
#      Cargo.toml), INPUT_SARIF (true|false), INPUT_ARGS (extra `check` arguments, split on
#      spaces), GITHUB_OUTPUT (sarif-file=…, exit-code=…), RUNNER_TEMP (where the SARIF goes).
# Exit: authfix check's exit code (0 clean, 1 an error-level finding, 2 usage error).
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
path="${INPUT_PATH:-.}"
version="${INPUT_VERSION:-}"
if [ -z "$version" ]; then
  version="$(sed -n '/^\[package\]/,/^\[/{s/^version *= *"\([^"]*\)".*/\1/p}' "$here/../Cargo.toml" | head -n 1)"
fi
if ! [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$|^latest$ ]]; then
  echo "::error title=authfix::version \"$version\" is not an npm version (e.g. 0.1.0 or latest)"
  exit 2
fi
read -r -a extra <<<"${INPUT_ARGS:-}"
# authfix names files relative to the scanned path; GitHub wants them relative to the workspace
# (the working directory here), so a path other than "." is put in front of each file.
prefix="$(realpath -m --relative-to=. "$path" 2>/dev/null || echo "$path")"
[ "$prefix" = . ] && prefix="" || prefix="${prefix%/}/"
out="${GITHUB_OUTPUT:-/dev/null}"
export NO_COLOR=1

if [ "${INPUT_SARIF:-false}" = true ]; then
  sarif="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/authfix.sarif"
  npx --yes "authfix@$version" check --format sarif "${extra[@]}" "$path" >"$sarif"
  rc=$?
  if [ "$rc" -le 1 ] && [ -n "$prefix" ]; then
    node -e '
      const fs = require("fs"), [file, prefix] = process.argv.slice(1);
      const s = JSON.parse(fs.readFileSync(file, "utf8"));
      const fix = (loc) => { if (loc && loc.uri && !/^[a-z]+:/.test(loc.uri)) loc.uri = prefix + loc.uri; };
      for (const run of s.runs || []) {
        for (const r of run.results || []) for (const l of r.locations || []) fix(l.physicalLocation && l.physicalLocation.artifactLocation);
        for (const a of run.artifacts || []) fix(a.location);
      }
      fs.writeFileSync(file, JSON.stringify(s, null, 2) + "\n");
    ' "$sarif" "$prefix" || rc=2
  fi
  if [ "$rc" -gt 1 ]; then
    echo "::error title=authfix::authfix check --format sarif failed (exit $rc)"
    echo "exit-code=$rc" >>"$out"
    exit "$rc"
  fi
  echo "sarif-file=$sarif" >>"$out"
fi

npx --yes "authfix@$version" check --format github "${extra[@]}" "$path" >"${RUNNER_TEMP:-${TMPDIR:-/tmp}}/authfix.github"
rc=$?
# Workflow commands: `::error file=PATH,…`, PATH escaped as GitHub wants (%, :, , encoded).
esc="${prefix//%/%25}"
esc="${esc//:/%3A}"
esc="${esc//,/%2C}"
while IFS= read -r line || [ -n "$line" ]; do
  if [[ "$line" =~ ^(::[a-z]+\ file=)(.*)$ ]]; then
    printf '%s%s%s\n' "${BASH_REMATCH[1]}" "$esc" "${BASH_REMATCH[2]}"
  else
    printf '%s\n' "$line"
  fi
done <"${RUNNER_TEMP:-${TMPDIR:-/tmp}}/authfix.github"
echo "exit-code=$rc" >>"$out"
exit "$rc"
