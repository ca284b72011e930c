#!/usr/bin/env bash
# Builds the npm packages into target/npm/*.tgz:
#   authfix-<version>.tgz                      the launcher (npm/authfix), its optionalDependencies
#                                              naming one platform package per target below
#   authfix-cli-<platform>-<version>.tgz       one per platform binary found
# The version is Cargo.toml's. This machine's platform comes from a local `cargo build --release`
# (or --profile debug); other platforms from release artifacts: --artifacts DIR holding binaries
# named by target triple (DIR/authfix-x86_64-unknown-linux-musl, DIR/authfix-x86_64-pc-windows-msvc.exe,
# …, as the release workflow uploads them). With --artifacts the local build is skipped unless
# --host is given too.
#
#   scripts/npm-pack.sh [--profile release|debug] [--artifacts DIR] [--host] [--out DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$(pwd)"

profile=release artifacts="" host=auto out="$repo/target/npm"
while [ $# -gt 0 ]; do
  case "$1" in
    --profile) profile="$2"; shift 2 ;;
    --artifacts) artifacts="$2"; shift 2 ;;
    --host) host=yes; shift ;;
    --out) out="$2"; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "npm-pack: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ "$host" = auto ] && { [ -n "$artifacts" ] && host=no || host=yes; }

version="$(sed -n '/^\[package\]/,/^\[/{s/^version *= *"\([^"]*\)".*/\1/p}' Cargo.toml | head -n 1)"
[ -n "$version" ] || { echo "npm-pack: no version in Cargo.toml" >&2; exit 1; }

# platform key (package @authfix/cli-<key>) | Rust target triple | npm os | npm cpu | npm libc
PLATFORMS="
linux-x64-gnu     x86_64-unknown-linux-gnu   linux  x64   glibc
linux-arm64-gnu   aarch64-unknown-linux-gnu  linux  arm64 glibc
linux-x64-musl    x86_64-unknown-linux-musl  linux  x64   musl
linux-arm64-musl  aarch64-unknown-linux-musl linux  arm64 musl
darwin-x64        x86_64-apple-darwin        darwin x64   -
darwin-arm64      aarch64-apple-darwin       darwin arm64 -
win32-x64         x86_64-pc-windows-msvc     win32  x64   -
"

stage="$(mktemp -d "${TMPDIR:-/tmp}/authfix-npm-pack.XXXXXX")"
trap 'rm -rf "$stage"' EXIT
mkdir -p "$out"
rm -f "$out"/authfix-*.tgz

# Where each triple's binary comes from.
declare -A binary=()
if [ "$host" = yes ]; then
  host_triple="$(rustc -vV | sed -n 's/^host: //p')"
  if [ "$profile" = release ]; then cargo build -q --release --bin authfix; else cargo build -q --bin authfix; fi
  dir="$repo/target/$profile"; [ "$profile" = dev ] && dir="$repo/target/debug"
  ext=""; case "$host_triple" in *windows*) ext=.exe ;; esac
  binary[$host_triple]="$dir/authfix$ext"
fi
if [ -n "$artifacts" ]; then
  for f in "$artifacts"/authfix-*; do
    [ -f "$f" ] || continue
    t="$(basename "$f")"; t="${t#authfix-}"; t="${t%.exe}"
    binary[$t]="$f"
  done
fi

repo_url="$(node -p 'require("./npm/authfix/package.json").repository.url')"
optional="{}"
packed=0
while read -r key triple os cpu libc; do
  [ -n "$key" ] || continue
  name="@authfix/cli-$key"
  optional="$(node -e 'const o=JSON.parse(process.argv[1]);o[process.argv[2]]=process.argv[3];console.log(JSON.stringify(o))' "$optional" "$name" "$version")"
  src="${binary[$triple]:-}"
  [ -n "$src" ] || continue
  d="$stage/cli-$key"
  mkdir -p "$d"
  exe=authfix; [ "$os" = win32 ] && exe=authfix.exe
  cp "$src" "$d/$exe"
  chmod 0755 "$d/$exe"
  # A local build's debug symbols (192 MB in a debug build) are no use to npm users.
  if [ "$triple" = "${host_triple:-}" ] && command -v strip >/dev/null; then strip "$d/$exe"; fi
  node -e '
    const [name, version, os, cpu, libc, exe, triple, url] = process.argv.slice(1);
    const pkg = {
      name, version,
      description: `The authfix binary for ${triple}; installed by the authfix package, not used directly.`,
      license: "MIT",
      repository: { type: "git", url },
      os: [os], cpu: [cpu],
      ...(libc !== "-" ? { libc: [libc] } : {}),
      files: [exe],
      preferUnplugged: true,
    };
    require("fs").writeFileSync(process.argv.at(-1), JSON.stringify(pkg, null, 2) + "\n");
  ' "$name" "$version" "$os" "$cpu" "$libc" "$exe" "$triple" "$repo_url" "$d/package.json"
  (cd "$d" && npm pack --silent --pack-destination "$out" >/dev/null)
  echo "npm-pack: $name@$version ($triple) <- ${src#"$repo"/}"
  packed=$((packed + 1))
done <<<"$PLATFORMS"

for t in "${!binary[@]}"; do
  grep -q " $t " <<<"$PLATFORMS" || echo "npm-pack: warning: no npm platform for $t (${binary[$t]}), skipped" >&2
done

d="$stage/authfix"
cp -r npm/authfix "$d"
cp README.md "$d/README.md"
node -e '
  const fs = require("fs"), f = process.argv[1];
  const pkg = JSON.parse(fs.readFileSync(f, "utf8"));
  pkg.version = process.argv[2];
  pkg.optionalDependencies = JSON.parse(process.argv[3]);
  fs.writeFileSync(f, JSON.stringify(pkg, null, 2) + "\n");
' "$d/package.json" "$version" "$optional"
(cd "$d" && npm pack --silent --pack-destination "$out" >/dev/null)
echo "npm-pack: authfix@$version (launcher) with $packed platform package(s) -> ${out#"$repo"/}"
ls "$out"/*.tgz
