#!/usr/bin/env python3
"""ripgrep and `authfix fix --dry-run` run in alternation on the same tree, many pairs: the ratio of
their medians, overall and per block of 40 pairs, so a neighbour's load (which slows both alike
within a pair) shows as spread between blocks rather than as a wrong answer.

    python3 bench/interleaved.py [PAIRS] [TREE] [AUTHFIX]
    python3 bench/interleaved.py 200 target/bench/mono-10 target/release/authfix

Run `bash bench/run.sh` once first: it builds the release binary and generates the tree.
"""
import statistics
import subprocess
import sys
import time

pairs = int(sys.argv[1]) if len(sys.argv) > 1 else 200
tree = sys.argv[2] if len(sys.argv) > 2 else "target/bench/mono-10"
binary = sys.argv[3] if len(sys.argv) > 3 else "target/release/authfix"
# The literals the rules' prefilters look for (as in bench/run.sh).
LITS = "getServerSession useSecureCookies SessionProvider useSession NextAuth NODE_ENV next-auth authOptions NEXTAUTH_URL AUTH_SECRET".split()
rg = ["rg", "-l", "-F"] + [a for lit in LITS for a in ("-e", lit)] + [tree]
af = [binary, "fix", "--dry-run", tree]


def timed(cmd):
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


for _ in range(5):  # warm the page cache and the binaries
    timed(rg)
    timed(af)
R, A = [], []
for i in range(pairs):
    # Which goes first alternates, so neither always runs on a cache the other just warmed.
    if i % 2:
        R.append(timed(rg))
        A.append(timed(af))
    else:
        A.append(timed(af))
        R.append(timed(rg))
ratio = statistics.median(A) / statistics.median(R)
print(f"{pairs} pairs: ripgrep {statistics.median(R) * 1e3:.1f} ms, authfix fix --dry-run {statistics.median(A) * 1e3:.1f} ms (medians): {ratio:.2f}x ripgrep")
blocks = [statistics.median(A[i : i + 40]) / statistics.median(R[i : i + 40]) for i in range(0, pairs - 39, 40)]
if blocks:
    print("per block of 40 pairs:", " ".join(f"{b:.2f}x" for b in blocks))
