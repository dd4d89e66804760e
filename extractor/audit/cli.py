"""``planx audit A B …``: audit documents (files or saved planx JSON) alone and together."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..readers import SUPPORTED

_SUFFIXES = (*SUPPORTED, ".json")


def register(subparsers) -> None:
    """Add the ``audit`` sub-command to the ``planx`` parser."""
    p = subparsers.add_parser("audit", help="check plans against themselves and their companion documents")
    p.add_argument("paths", nargs="+", help="plan documents (.txt .docx .doc .wps .html .pdf), planx JSON results, or folders")
    p.add_argument("--json", action="store_true", help="print the findings as JSON")
    p.add_argument("--en", action="store_true", help="print the English messages")
    p.add_argument("--skip", action="append", default=[], metavar="CHECK",
                   help="skip a check id or a family prefix such as 'date' (repeatable)")
    p.add_argument("--only", action="append", default=[], metavar="CHECK",
                   help="run only this check id or family, even if switched off (repeatable)")
    p.set_defaults(func=_cmd_audit)


def _inputs(paths: list[str]) -> list[Path]:
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(f for f in p.iterdir() if f.suffix.lower() in _SUFFIXES))
        else:
            out.append(p)
    return out


def _cmd_audit(args: argparse.Namespace) -> int:
    import json

    from ..errors import PlanxError
    from ..records import to_jsonable
    from . import run, run_cross
    from .report import finding_lines, summary_line

    results, docs = [], []
    try:
        for path in _inputs(args.paths):
            result, doc = _load(path)
            result.findings = run(result, doc, args.skip, args.only)
            results.append(result)
            docs.append(doc)
    except PlanxError as e:
        print(f"planx: {e}", file=sys.stderr)
        return 2
    cross = run_cross(results, docs, args.skip, args.only) if len(results) > 1 else []
    if args.json:
        out = {"documents": [{"doc_id": r.doc_id, "title": r.document.title,
                              "findings": to_jsonable(r.findings)} for r in results],
               "cross": to_jsonable(cross)}
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        for r in results:
            print(f"{r.doc_id}  {r.document.title or ''}: {summary_line(r.findings)}")
            for line in finding_lines(r.findings, args.en):
                print(line)
        if len(results) > 1:
            print(f"across documents: {summary_line(cross)}")
            for line in finding_lines(cross, args.en):
                print(line)
    errors = any(f.severity == "error" for r in results for f in r.findings) or any(
        f.severity == "error" for f in cross)
    return 1 if errors else 0


def _load(path: Path):
    """(result, document) of a saved JSON result (no document) or of a plan file."""
    from ..pipeline import extract
    from ..readers import read
    from .load import load_result

    if path.suffix.lower() == ".json":
        return load_result(path), None
    result = extract(path)
    return result, read(path, result.doc_id)
