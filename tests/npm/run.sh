#!/usr/bin/env bash
# The npm distribution tier: scripts/npm-pack.sh builds the launcher and this platform's package,
# they are installed offline (no registry) into a temp project, and `npx --no-install authfix`
# must behave exactly as the binary run directly: same stdout and exit codes on the examples and
# a clean scaffolded app, AUTHFIX_BINARY honoured, a signal-killed child's status passed on,
# signals forwarded, a clear message when the platform package is missing, and `fix -i` answered
# in a pseudo-terminal (tmux). Last line: "N passed, M failed".
#
# Env: NPM_PACK_PROFILE=debug|release (default debug: .ci/run has already built it; the packaging
#      is what is under test, not the optimiser). E2E_KEEP=1 keeps the work folder.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../e2e/lib.sh"
e2e_init
repo="$E2E_REPO"
cd "$repo" || exit 1

profile="${NPM_PACK_PROFILE:-debug}"
if ! e2e_run "npm-pack.sh --profile $profile" bash scripts/npm-pack.sh --profile "$profile" --out "$E2E_WORK/npm"; then
  e2e_summary; exit 1
fi
bin="$repo/target/$profile/authfix"
version="$(sed -n '/^\[package\]/,/^\[/{s/^version *= *"\([^"]*\)".*/\1/p}' Cargo.toml | head -n 1)"
host_key="linux-$(node -p 'process.arch')-gnu"
case "$(uname -s)" in Darwin) host_key="darwin-$(node -p 'process.arch')" ;; esac
ldd --version 2>&1 | grep -q musl && host_key="linux-$(node -p 'process.arch')-musl"

e2e_run "packages: the launcher and @authfix/cli-$host_key, version $version" bash -c "
  ls '$E2E_WORK/npm' && test -f '$E2E_WORK/npm/authfix-$version.tgz' &&
  test -f '$E2E_WORK/npm/authfix-cli-$host_key-$version.tgz' &&
  tar tvzf '$E2E_WORK/npm/authfix-cli-$host_key-$version.tgz' | grep -E '^-rwxr-xr-x .* package/authfix$' &&
  tar xzf '$E2E_WORK/npm/authfix-$version.tgz' -O package/package.json | tee /dev/stderr |
    node -e 'const p=JSON.parse(require(\"fs\").readFileSync(0,\"utf8\"));
      const o=Object.keys(p.optionalDependencies);
      if (o.length!==7||!o.every(n=>p.optionalDependencies[n]===\"$version\")) process.exit(1);
      if (p.scripts&&(p.scripts.postinstall||p.scripts.install||p.scripts.preinstall)) process.exit(1);'
"

# Release artifacts (as the release workflow downloads them): one package per binary, with the
# os / cpu / libc fields npm uses to pick it; no local build.
arts="$E2E_WORK/artifacts"
mkdir -p "$arts"
for t in aarch64-unknown-linux-musl x86_64-apple-darwin x86_64-pc-windows-msvc.exe; do
  printf '#!/bin/sh\necho %s\n' "$t" >"$arts/authfix-$t"
done
e2e_run "npm-pack.sh --artifacts: packages named by target, with os/cpu/libc" bash -c "
  bash scripts/npm-pack.sh --artifacts '$arts' --out '$E2E_WORK/npm-arts' && cd '$E2E_WORK/npm-arts' && ls &&
  test \$(ls | wc -l) -eq 4 &&
  tar xzf authfix-cli-linux-arm64-musl-$version.tgz -O package/package.json | node -e '
    const p=JSON.parse(require(\"fs\").readFileSync(0,\"utf8\"));
    if (p.os[0]!==\"linux\"||p.cpu[0]!==\"arm64\"||p.libc[0]!==\"musl\"||p.files[0]!==\"authfix\") process.exit(1)' &&
  tar xzf authfix-cli-darwin-x64-$version.tgz -O package/package.json | node -e '
    const p=JSON.parse(require(\"fs\").readFileSync(0,\"utf8\"));
    if (p.os[0]!==\"darwin\"||p.cpu[0]!==\"x64\"||p.libc) process.exit(1)' &&
  tar tzf authfix-cli-win32-x64-$version.tgz | grep -qx package/authfix.exe &&
  tar xzf authfix-cli-darwin-x64-$version.tgz -O package/authfix | grep -qx 'echo x86_64-apple-darwin'"

# The project: both tarballs, offline. npm gives up on the other platforms' optional packages
# (not in the cache, and not for this os/cpu) and keeps going, as on a user's machine.
proj="$E2E_WORK/proj"
mkdir -p "$proj"
echo '{"name":"npm-tier","private":true}' >"$proj/package.json"
e2e_run "npm install --offline the tarballs" bash -c "
  cd '$proj' && npm install --offline --no-audit --no-fund --loglevel=error \
    '$E2E_WORK/npm/authfix-$version.tgz' '$E2E_WORK/npm/authfix-cli-$host_key-$version.tgz' &&
  test -x node_modules/.bin/authfix && ls node_modules/@authfix"

# same NAME ARGS...: `npx --no-install authfix ARGS` in the project equals `authfix ARGS`
# (stdout, stderr and the exit code; LAST_RC is the exit code).
same() {
  local name="$1"
  shift
  local want got rc_want rc_got
  want="$(cd "$proj" && "$bin" "$@" 2>"$E2E_WORK/want.err")"; rc_want=$?
  got="$(cd "$proj" && npx --no-install authfix "$@" 2>"$E2E_WORK/got.err")"; rc_got=$?
  if [ "$want" == "$got" ] && cmp -s "$E2E_WORK/want.err" "$E2E_WORK/got.err" && [ "$rc_want" -eq "$rc_got" ] \
     && [ -n "$want$(cat "$E2E_WORK/want.err")" ]; then
    e2e_pass "$name: same stdout ($(grep -c '' <<<"$want") lines), stderr ($(grep -c '' "$E2E_WORK/want.err") lines) and exit $rc_got"
  else
    e2e_fail "$name: binary exit $rc_want, npx exit $rc_got"
    diff <(echo "$want"; cat "$E2E_WORK/want.err") <(echo "$got"; cat "$E2E_WORK/got.err") | head -n 20 | sed 's/^/    /'
  fi
  LAST_RC=$rc_got
}

for ex in examples/*/; do
  ex="$(basename "$ex")"
  cp -r "examples/$ex" "$proj/$ex"
  for fmt in human json github sarif; do
    same "check --format $fmt $ex" --color never check --format "$fmt" "$ex"
    [ "$LAST_RC" -eq 1 ] || e2e_fail "check $ex: expected exit 1 (findings), got $LAST_RC"
  done
  same "fix --dry-run $ex" --color never fix --dry-run "$ex"
  same "fix --diff $ex" fix --diff "$ex"
done
# A correct app: exit 0 through npx too.
if e2e_run "authfix new (a clean app)" "$bin" new --no-install --provider credentials "$proj/clean"; then
  same "check on a clean app" --color never check clean
  [ "$LAST_RC" -eq 0 ] || e2e_fail "check clean: expected exit 0, got $LAST_RC"
fi
same "usage error (unknown rule)" --color never check --select Z999 clean
[ "$LAST_RC" -eq 2 ] || e2e_fail "unknown rule: expected exit 2, got $LAST_RC"
same "--version" --version
# Piped stdin reaches the binary: without a terminal, fix writes nothing and says how to apply.
e2e_run "fix with stdin from a pipe: nothing written, exit 1" bash -c "
  cp -r '$proj/broken-v4' '$E2E_WORK/piped' && cd '$proj' &&
  out=\$(echo y | npx --no-install authfix --color never fix '$E2E_WORK/piped' 2>&1); rc=\$?; echo \"\$out\" | tail -n 3;
  [ \$rc -eq 1 ] && diff -r '$proj/broken-v4' '$E2E_WORK/piped'"

# AUTHFIX_BINARY: another binary runs, with the arguments and stdin as given.
fake="$E2E_WORK/fake-authfix"
cat >"$fake" <<'SH'
#!/bin/sh
echo "fake authfix: $*"
read -r line && echo "stdin: $line"
exit 7
SH
chmod +x "$fake"
e2e_run "AUTHFIX_BINARY runs that binary (args, stdin, exit 7)" bash -c "
  cd '$proj' && out=\$(echo hello | AUTHFIX_BINARY='$fake' npx --no-install authfix check 'a b'); rc=\$?; echo \"\$out\";
  [ \$rc -eq 7 ] && [ \"\$out\" = \"\$(printf 'fake authfix: check a b\nstdin: hello')\" ]"
e2e_run "AUTHFIX_BINARY pointing nowhere: a clear message, exit 2" bash -c "
  cd '$proj' && out=\$(AUTHFIX_BINARY=/nonexistent/authfix npx --no-install authfix check 2>&1); rc=\$?; echo \"\$out\";
  [ \$rc -eq 2 ] && grep -q 'AUTHFIX_BINARY=/nonexistent/authfix: no such file' <<<\"\$out\""

# Signals: a child killed by SIGTERM gives 143 (128+15), as the shell reports for the binary.
cat >"$E2E_WORK/self-kill" <<'SH'
#!/bin/sh
kill -TERM $$
SH
chmod +x "$E2E_WORK/self-kill"
e2e_run "a child killed by SIGTERM: exit 143 through npx and the launcher" bash -c "
  cd '$proj'; AUTHFIX_BINARY='$E2E_WORK/self-kill' npx --no-install authfix; a=\$?;
  AUTHFIX_BINARY='$E2E_WORK/self-kill' node_modules/.bin/authfix; b=\$?; '$E2E_WORK/self-kill'; c=\$?;
  echo \"npx \$a launcher \$b direct \$c\"; [ \$a -eq 143 ] && [ \$b -eq 143 ] && [ \$c -eq 143 ]"
# A SIGTERM sent to the launcher reaches the binary, whose own exit code comes back.
cat >"$E2E_WORK/trap-term" <<SH
#!/bin/sh
trap 'echo got-term > "$E2E_WORK/trap-term.out"; exit 3' TERM
echo ready > "$E2E_WORK/trap-term.ready"
i=0; while [ \$i -lt 100 ]; do sleep 0.1; i=\$((i+1)); done
exit 0
SH
chmod +x "$E2E_WORK/trap-term"
e2e_run "SIGTERM to the launcher is forwarded; the binary's exit code (3) comes back" bash -c "
  cd '$proj'; AUTHFIX_BINARY='$E2E_WORK/trap-term' node node_modules/authfix/bin/authfix & pid=\$!;
  for i in \$(seq 50); do [ -f '$E2E_WORK/trap-term.ready' ] && break; sleep 0.1; done;
  kill -TERM \$pid; wait \$pid; rc=\$?; cat '$E2E_WORK/trap-term.out'; echo rc=\$rc;
  [ \$rc -eq 3 ] && grep -q got-term '$E2E_WORK/trap-term.out'"

# The launcher alone (platform package left out, as with --omit=optional): a clear message.
lone="$E2E_WORK/lone"
mkdir -p "$lone" && echo '{"name":"npm-tier-lone","private":true}' >"$lone/package.json"
e2e_run "no platform package: names @authfix/cli-$host_key and cargo install, exit 2" bash -c "
  cd '$lone' && npm install --offline --no-audit --no-fund --loglevel=error '$E2E_WORK/npm/authfix-$version.tgz' &&
  ! test -e node_modules/@authfix/cli-$host_key &&
  out=\$(npx --no-install authfix check . 2>&1); rc=\$?; echo \"\$out\"; [ \$rc -eq 2 ] &&
  grep -q 'no authfix binary for this platform ($host_key' <<<\"\$out\" &&
  grep -q 'package @authfix/cli-$host_key, which is not installed' <<<\"\$out\" &&
  grep -q 'cargo install --locked' <<<\"\$out\""

# fix -i through npx in a pseudo-terminal: answer "yes" to the first fix, then "all".
if command -v tmux >/dev/null; then
  app="$proj/interactive"
  cp -r "$proj/broken-v4" "$app"
  (cd "$app" && git init -q && git add -A && git -c user.email=t@t -c user.name=t commit -qm fixture)
  sock="authfix-npm-$$"
  tmux -L "$sock" new-session -d -s t -x 160 -y 50 \
    "cd '$proj' && npx --no-install authfix --color never fix -i interactive; echo \"EXIT=\$?\" > '$E2E_WORK/tmux.rc'; sleep 60"
  wait_screen() { # PATTERN SECONDS
    local i
    for ((i = 0; i < $2 * 10; i++)); do
      tmux -L "$sock" capture-pane -p -t t -S -200 | grep -q "$1" && return 0
      sleep 0.1
    done
    return 1
  }
  ok=1
  wait_screen "Apply this fix?" 30 || ok=0
  prompts=$(tmux -L "$sock" capture-pane -p -t t -S -200 | grep -c "Apply this fix?")
  tmux -L "$sock" send-keys -t t Enter
  for ((i = 0; i < 100; i++)); do
    [ "$(tmux -L "$sock" capture-pane -p -t t -S -200 | grep -c "Apply this fix?")" -gt "$prompts" ] && break
    sleep 0.1
  done
  tmux -L "$sock" send-keys -t t Down Down Enter
  for ((i = 0; i < 200; i++)); do [ -f "$E2E_WORK/tmux.rc" ] && break; sleep 0.1; done
  screen="$(tmux -L "$sock" capture-pane -p -t t -S -200)"
  tmux -L "$sock" kill-server 2>/dev/null
  secret="$(sed -n 's/^NEXTAUTH_SECRET="\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$app/.env.local" 2>/dev/null)"
  if [ "$ok" = 1 ] && grep -q "EXIT=0" "$E2E_WORK/tmux.rc" 2>/dev/null && grep -q "authfix fix: wrote" <<<"$screen" \
     && [ -n "$(cd "$app" && git status --porcelain)" ] && "$bin" --color never check "$app" >/dev/null \
     && [ ${#secret} -ge 40 ] && ! grep -qF "$secret" <<<"$screen" && grep -q "NEXTAUTH_SECRET=\*\*\*" <<<"$screen"; then
    e2e_pass "fix -i through npx in a terminal: prompts answered (yes, all), files written, the secret shown as ***, check then clean"
  else
    e2e_fail "fix -i through npx in a terminal"
    tail -n 25 <<<"$screen" | sed 's/^/    /'
    sed "s/^/    /" "$E2E_WORK/tmux.rc" 2>/dev/null
  fi
else
  e2e_fail "tmux is not installed (needed for the pseudo-terminal test)"
fi

e2e_summary
