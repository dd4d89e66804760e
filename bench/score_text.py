"""Score deadlines/targets against gold, also within each gold file's annotated line scope.

usage: .venv/bin/python bench/score_text.py [--kinds deadlines,targets]
Writes predictions for every gold document twice (all records / only records inside the
gold's annotated line ranges, from bench/gold_scopes.toml) and runs the shared scorer on both.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT.parent / "shared" / "gold"
SCORER = ROOT.parent / "shared" / "tools" / "score.py"


def in_scope(rec: dict, ranges: list) -> bool:
    line = (rec.get("span") or {}).get("line")
    return line is None or any(a <= line <= b for a, b in ranges)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--kinds", default="deadlines,targets")
    a = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from extractor.pipeline import extract

    scopes = tomllib.loads((ROOT / "bench" / "gold_scopes.toml").read_text())
    docs = sorted({p.name.split(".")[0] for p in GOLD.glob("*.json")})
    full, scoped = Path(tempfile.mkdtemp()), Path(tempfile.mkdtemp())
    for doc in docs:
        out = extract(ROOT / "corpora" / f"{doc}.txt").to_dict()
        (full / f"{doc}.json").write_text(json.dumps(out, ensure_ascii=False))
        ranges = scopes.get(doc)
        if ranges:
            for k in a.kinds.split(","):
                out[k] = [r for r in out.get(k, []) if in_scope(r, ranges)]
        (scoped / f"{doc}.json").write_text(json.dumps(out, ensure_ascii=False))
    for label, d in (("ALL RECORDS", full), ("WITHIN GOLD SCOPE", scoped)):
        print(f"== {label}")
        subprocess.run([sys.executable, str(SCORER), "--pred", str(d), "--kinds", a.kinds], cwd=ROOT)


if __name__ == "__main__":
    main()
