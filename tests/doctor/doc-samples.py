#!/usr/bin/env python3
"""Refresh the real sample output in docs/doctor.md.

Each sample in the doc sits between `<!-- sample NAME [finding-only] -->` and
`<!-- /sample -->`; this script replaces the block with the text of SAMPLES/NAME.txt (as written
by `tests/doctor/run.sh --samples SAMPLES`): the whole output, or with `finding-only` the
command line and the findings.
usage: tests/doctor/doc-samples.py SAMPLES_DIR [docs/doctor.md]
"""
import re
import sys

samples = sys.argv[1]
doc_path = sys.argv[2] if len(sys.argv) > 2 else "docs/doctor.md"
doc = open(doc_path, encoding="utf-8").read()


def render(m):
    name, mode = m.group(1), m.group(2)
    lines = open(f"{samples}/{name}.txt", encoding="utf-8").read().rstrip("\n").splitlines()
    if mode == "finding-only":
        first = next(i for i, l in enumerate(lines) if re.match(r"^D\d{3} ", l))
        lines = [lines[0], "…"] + lines[first:]
    body = "\n".join(lines)
    return f"{m.group(0).splitlines()[0]}\n```console\n{body}\n```\n<!-- /sample -->"


new = re.sub(
    r"<!-- sample (\S+)(?: (finding-only))? -->\n.*?<!-- /sample -->",
    render,
    doc,
    flags=re.S,
)
open(doc_path, "w", encoding="utf-8").write(new)
