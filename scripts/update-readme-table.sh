#!/usr/bin/env bash
# Regenerate the README's rule table from the rules' doc comments (`authfix rules --markdown`).
set -euo pipefail
cd "$(dirname "$0")/.."
table=$(cargo run -q -- rules --markdown)
python3 - "$table" <<'PY'
import sys, re
table = sys.argv[1]
p = "README.md"; s = open(p).read()
start = s.index("<!-- rules:start")
start = s.index("\n", start) + 1
end = s.index("<!-- rules:end -->")
open(p, "w").write(s[:start] + table.rstrip("\n") + "\n" + s[end:])
PY
