#!/usr/bin/env bash
# Benchmark authfix against ripgrep on the same synthetic monorepo, at 1x and 10x size.
#
#   bash bench/run.sh            # 10 apps (~4,300 files) and 100 apps (~43,000 files)
#   APPS=5 bash bench/run.sh     # a smaller base
#   BASELINE=/path/to/authfix bash bench/run.sh   # also time another build (e.g. main's) in the
#                                                 # same hyperfine runs, and print the ratio to it
#
# Prints wall times (hyperfine: mean and median of 20 runs), authfix/ripgrep ratios measured in the
# same run, authfix's peak memory, and how time grows from 1x to 10x. Trees are generated into
# target/bench/ (deterministic) and reused.
set -euo pipefail
cd "$(dirname "$0")/.."
APPS=${APPS:-10}
RUNS=${RUNS:-20}
need=()
command -v hyperfine >/dev/null || need+=(hyperfine)
command -v rg >/dev/null || need+=(ripgrep)
if [ ${#need[@]} -gt 0 ]; then apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null; fi
cargo build --release -q --bin authfix
BIN=$PWD/target/release/authfix
mkdir -p target/bench
# The literals the rules' prefilters look for: what ripgrep searches.
LITS=(-e getServerSession -e useSecureCookies -e SessionProvider -e useSession -e NextAuth -e NODE_ENV -e next-auth -e authOptions -e NEXTAUTH_URL -e AUTH_SECRET)
declare -A MED MEM
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
  # Peak memory: the lowest of three runs (a neighbour's load only ever adds to it).
  peak() { for _ in 1 2 3; do (/usr/bin/time -f %M "$1" fix --dry-run "$dir" >/dev/null || true) 2>&1 | tail -1; done | sort -n | head -1; }
  MEM[$scale]=$(peak "$BIN")
  BMEM=0
  [ -n "${BASELINE:-}" ] && BMEM=$(peak "$BASELINE")
  python3 - "target/bench/$n.json" "${MEM[$scale]}" "$BMEM" <<'PY'
import json, sys
res = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
mem, bmem = int(sys.argv[2]), int(sys.argv[3])
rg = res["ripgrep"]
# Mean and median of the same runs: the median shrugs off the odd run a neighbour slowed down.
def line(name, cmd, extra=""):
    r = res[cmd]
    ratio = "" if cmd == "ripgrep" else f"   {r['mean']/rg['mean']:5.2f}x ripgrep (median {r['median']/rg['median']:4.2f}x)"
    print(f"{name:22s}{r['mean']*1000:8.1f} ms (median {r['median']*1000:6.1f}){ratio}{extra}")
line("ripgrep", "ripgrep")
line("authfix check", "authfix check")
line("authfix fix --dry-run", "authfix fix --dry-run", f"   peak memory {mem/1024:.1f} MB")
if "baseline fix --dry-run" in res:
    b, f = res["baseline fix --dry-run"], res["authfix fix --dry-run"]
    line("baseline fix --dry-run", "baseline fix --dry-run", f"   peak memory {bmem/1024:.1f} MB   (authfix: {f['median']/b['median']:.2f}x its median time, {mem/bmem:.2f}x its memory)")
PY
  # The same ratio with the runs interleaved (ripgrep, authfix, authfix, ripgrep, …): a stretch of
  # load from a neighbour then slows both alike instead of one whole hyperfine block.
  python3 - "$((scale == 1 ? RUNS * 2 : RUNS / 2))" "$dir" "$BIN" "${LITS[@]}" <<'PY'
import os, statistics, subprocess, sys, time
n, d, bin_, lits = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4:]
cmds = {"rg": ["rg", "-l", "-F", *lits, d], "fix": [bin_, "fix", "--dry-run", d]}
t = {k: [] for k in cmds}
for i in range(n + 2):
    for k in (["rg", "fix"] if i % 2 else ["fix", "rg"]):
        s = time.perf_counter()
        subprocess.run(cmds[k], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if i >= 2:  # two warm-up rounds
            t[k].append(time.perf_counter() - s)
rg, fx = statistics.median(t["rg"]), statistics.median(t["fix"])
print(f"interleaved, {n} runs each: ripgrep {rg*1000:.1f} ms, authfix fix --dry-run {fx*1000:.1f} ms (medians): {fx/rg:.2f}x ripgrep")
PY
  for cmd in ripgrep "authfix fix --dry-run"; do
    MED["$scale/$cmd"]=$(python3 -c "import json,sys; d=json.load(open('target/bench/$n.json')); print([r['median'] for r in d['results'] if r['command']==sys.argv[1]][0])" "$cmd")
  done
done
python3 - "${MED[1/authfix fix --dry-run]}" "${MED[10/authfix fix --dry-run]}" "${MED[1/ripgrep]}" "${MED[10/ripgrep]}" "${MEM[1]}" "${MEM[10]}" <<'PY'
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
