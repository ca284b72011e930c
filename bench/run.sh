#!/usr/bin/env bash
# Benchmark authfix against ripgrep on the same synthetic monorepo, at 1x and 10x size.
#
#   bash bench/run.sh            # 10 apps (~4,300 files) and 100 apps (~43,000 files)
#   APPS=5 bash bench/run.sh     # a smaller base
#   BASELINE=/path/to/authfix bash bench/run.sh   # also time another build (e.g. main's) in the
#                                                 # same hyperfine runs, and print the ratio to it
#
# Prints wall times (hyperfine, mean of several runs), authfix/ripgrep ratios measured in the
# same run, authfix's peak memory, and how time grows from 1x to 10x. Trees are generated into
# target/bench/ (deterministic) and reused.
set -euo pipefail
cd "$(dirname "$0")/.."
APPS=${APPS:-10}
RUNS=${RUNS:-10}
need=()
command -v hyperfine >/dev/null || need+=(hyperfine)
command -v rg >/dev/null || need+=(ripgrep)
if [ ${#need[@]} -gt 0 ]; then apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null; fi
cargo build --release -q --bin authfix
BIN=$PWD/target/release/authfix
mkdir -p target/bench
# The literals the rules' prefilters look for: what ripgrep searches.
LITS=(-e getServerSession -e useSecureCookies -e SessionProvider -e useSession -e NextAuth -e NODE_ENV -e next-auth -e authOptions -e NEXTAUTH_URL -e AUTH_SECRET)
declare -A MEAN MEM
for scale in 1 10; do
  n=$((APPS * scale))
  dir=target/bench/mono-$n
  [ -d "$dir" ] || python3 bench/gen_monorepo.py "$n" "$dir"
  files=$(find "$dir" -name '*.ts*' | wc -l)
  bytes=$(find "$dir" -name '*.ts*' -print0 | xargs -0 cat | wc -c)
  echo "== ${scale}x: $n apps, $files source files, $((bytes / 1024 / 1024)) MB"
  base=()
  [ -n "${BASELINE:-}" ] && base=(-n "baseline fix --dry-run" "$BASELINE fix --dry-run $dir")
  hyperfine -N -i --warmup 2 --runs "$RUNS" --style basic --export-json "target/bench/$n.json" \
    -n ripgrep "rg -l -F ${LITS[*]} $dir" \
    -n "authfix check" "$BIN check $dir" \
    -n "authfix fix --dry-run" "$BIN fix --dry-run $dir" "${base[@]}" >/dev/null
  cmds=(ripgrep "authfix check" "authfix fix --dry-run")
  [ -n "${BASELINE:-}" ] && cmds+=("baseline fix --dry-run")
  for cmd in "${cmds[@]}"; do
    MEAN["$scale/$cmd"]=$(python3 -c "import json,sys; d=json.load(open('target/bench/$n.json')); print([r['mean'] for r in d['results'] if r['command']==sys.argv[1]][0])" "$cmd")
  done
  # Peak memory: the lowest of three runs (a neighbour's load only ever adds to it).
  peak() { for _ in 1 2 3; do (/usr/bin/time -f %M "$1" fix --dry-run "$dir" >/dev/null || true) 2>&1 | tail -1; done | sort -n | head -1; }
  MEM[$scale]=$(peak "$BIN")
  BMEM=0
  [ -n "${BASELINE:-}" ] && BMEM=$(peak "$BASELINE")
  python3 - "$scale" "${MEAN[$scale/ripgrep]}" "${MEAN[$scale/authfix check]}" "${MEAN[$scale/authfix fix --dry-run]}" "${MEM[$scale]}" "${MEAN[$scale/baseline fix --dry-run]:-0}" "$BMEM" <<'PY'
import sys
scale, rg, check, fix, mem, base, bmem = sys.argv[1], *map(float, sys.argv[2:5]), int(sys.argv[5]), float(sys.argv[6]), int(sys.argv[7])
print(f"ripgrep               {rg*1000:8.1f} ms")
print(f"authfix check         {check*1000:8.1f} ms   {check/rg:5.2f}x ripgrep")
print(f"authfix fix --dry-run {fix*1000:8.1f} ms   {fix/rg:5.2f}x ripgrep   peak memory {mem/1024:.1f} MB")
if base:
    print(f"baseline fix --dry-run{base*1000:8.1f} ms   {base/rg:5.2f}x ripgrep   peak memory {bmem/1024:.1f} MB   (authfix: {fix/base:.2f}x its time, {mem/bmem:.2f}x its memory)")
PY
done
python3 - "${MEAN[1/authfix fix --dry-run]}" "${MEAN[10/authfix fix --dry-run]}" "${MEAN[1/ripgrep]}" "${MEAN[10/ripgrep]}" "${MEM[1]}" "${MEM[10]}" <<'PY'
import sys
a1, a10, r1, r10 = map(float, sys.argv[1:5])
m1, m10 = map(int, sys.argv[5:7])
print(f"== growth 1x -> 10x: authfix {a10/a1:.1f}x time, ripgrep {r10/r1:.1f}x time (linear: at most 10x); authfix peak memory {m10/m1:.2f}x")
PY

# Against the tools people would otherwise write these rules in (three equivalent rules each:
# bench/tools/ast-grep/rules/*.yml and bench/tools/jscodeshift-transform.js), at 1x.
# COMPARE=0 skips this part.
if [ "${COMPARE:-1}" = 1 ]; then
  TOOLS=bench/tools/node_modules/.bin
  [ -x "$TOOLS/ast-grep" ] && [ -x "$TOOLS/jscodeshift" ] || (cd bench/tools && npm install --no-audit --no-fund >/dev/null 2>&1)
  dir=target/bench/mono-$APPS
  hyperfine -N -i --warmup 1 --runs 3 --style basic --export-json target/bench/astgrep.json \
    -n "authfix check" "$BIN check $dir" \
    -n ast-grep "$TOOLS/ast-grep scan -c bench/tools/ast-grep/sgconfig.yml $dir" >/dev/null
  hyperfine -N -i --runs 1 --style basic --export-json target/bench/jscodeshift.json \
    -n jscodeshift "$TOOLS/jscodeshift -t bench/tools/jscodeshift-transform.js --dry --silent --parser tsx --extensions ts,tsx,js,jsx $dir" >/dev/null
  python3 - <<'PY'
import json
a = {r["command"]: r["mean"] for r in json.load(open("target/bench/astgrep.json"))["results"]}
j = json.load(open("target/bench/jscodeshift.json"))["results"][0]["mean"]
af = a["authfix check"]
print(f"== 1x, three equivalent rules in other tools (authfix runs all its rules)")
print(f"ast-grep scan         {a['ast-grep']*1000:8.1f} ms   authfix is {a['ast-grep']/af:6.1f}x faster")
print(f"jscodeshift --dry     {j*1000:8.1f} ms   authfix is {j/af:6.1f}x faster")
PY
fi
