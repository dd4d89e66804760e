"""``planx audit A B …``: audit documents (files, saved planx JSON, or output folders) alone and
together.  Exit status: 0 no finding of severity error, 1 some, 2 trouble (an unreadable input,
an unknown check name)."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..errors import PlanxError
from ..files import atomic_write_text
from ..pipeline import extract_document
from ..readers import SUPPORTED, read
from ..records import to_jsonable
from . import run, run_cross
from .load import load_result
from .registry import registered, settings, unknown_names
from .render import FORMATS, render
from .report import evidence_of, finding_lines, grouped, header_lines, safe, summary_line


def register(subparsers) -> None:
    """Add the ``audit`` sub-command to the ``planx`` parser."""
    p = subparsers.add_parser(
        "audit", help="check plans against themselves and their companion documents",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Check plans against themselves (announced counts, values, dates, units, prose vs "
                    "tables) and against each other.\n\nexamples:\n"
                    "  planx audit plan.docx scheme.pdf\n"
                    "  planx audit outputs/ --json          (a planx output folder)\n"
                    "  planx audit plan.docx -o audit.html -o audit.md\n"
                    "  planx audit --list-checks\n\n"
                    "exit status: 0 no errors found, 1 findings of severity error, 2 trouble")
    p.add_argument("paths", nargs="*", help="plan documents (.txt .docx .doc .wps .html .pdf), planx JSON results, "
                                            "or folders of them")
    p.add_argument("--json", action="store_true", help="print the findings as JSON")
    p.add_argument("--en", action="store_true", help="print the English messages")
    p.add_argument("--skip", action="append", default=[], metavar="CHECK",
                   help="skip a check id or a family prefix such as 'date' (repeatable)")
    p.add_argument("--only", action="append", default=[], metavar="CHECK",
                   help="run only this check id or family, even if switched off (repeatable)")
    p.add_argument("-o", "--output", action="append", default=[], metavar="REPORT",
                   help="also write the report to a file, repeatable: .md, .html or .json (evidence header, "
                        "grouped findings with their places)")
    p.add_argument("--list-checks", action="store_true", help="list the checks (id, scope, severity, on/off) and exit")
    p.set_defaults(func=_cmd_audit)


def _inputs(paths: list[str]) -> list[Path]:
    """Files as given; a folder's plan documents and planx JSON results (hidden files such as the
    manifest, and a JSON that is the extraction of a document beside it, left out)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if not p.is_dir():
            out.append(p)
            continue
        files = sorted(f for f in p.iterdir() if f.is_file() and not f.name.startswith(".")
                       and f.suffix.lower() in (*SUPPORTED, ".json"))
        stems = {f.stem for f in files if f.suffix.lower() != ".json"}
        out.extend(f for f in files if f.suffix.lower() != ".json" or f.stem not in stems)
    return list(dict.fromkeys(out))


def _list_checks() -> int:
    conf = settings()
    print(f"{'check':<30} {'scope':<9} {'severity':<8} {'on':<3} description")
    for scope in ("document", "cross"):
        for c in registered(scope):
            s = conf.get(c.id, {})
            print(f"{c.id:<30} {scope:<9} {s.get('severity', 'warning'):<8} "
                  f"{'yes' if s.get('enabled', True) else 'no':<3} {s.get('message_en', '')}")
    return 0


def _cmd_audit(args: argparse.Namespace) -> int:
    if args.list_checks:
        return _list_checks()
    bad = unknown_names(args.skip + args.only)
    if bad:
        print(f"planx: unknown check {', '.join(repr(b) for b in bad)} (see planx audit --list-checks)",
              file=sys.stderr)
        return 2
    if not args.paths:
        print("planx: audit needs at least one document, planx JSON or folder (or --list-checks)", file=sys.stderr)
        return 2
    for out in args.output:
        if Path(out).suffix.lower() not in FORMATS:
            print(f"planx: {out}: unknown report extension (use .md .html or .json)", file=sys.stderr)
            return 2
    results, docs, paths, failures = [], [], [], []
    for path in _inputs(args.paths):
        try:
            result, doc = _load(path)
        except PlanxError as e:
            failures.append(str(e))
            print(f"planx: {safe(str(e))}", file=sys.stderr)
            continue
        result.findings = run(result, doc, args.skip, args.only)
        results.append(result)
        docs.append(doc)
        paths.append(path)
    cross = run_cross(results, docs, args.skip, args.only) if len(results) > 1 else []
    ev = evidence_of(results, paths)
    data = {"evidence": ev,
            "documents": [{"doc_id": r.doc_id, "title": r.document.title, "path": str(p.resolve()),
                           "format": r.document.format, "findings": to_jsonable(r.findings),
                           "groups": grouped(r.findings)} for r, p in zip(results, paths)],
            "cross": to_jsonable(cross), "cross_groups": grouped(cross), "failures": failures}
    try:
        _write_reports(data, args.output)
    except OSError as e:
        print(f"planx: {e.filename}: cannot write the report ({e.strerror})", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        for line in header_lines(ev):
            print(safe(line))
        for r, p in zip(results, paths):
            print(safe(f"{r.doc_id}  {r.document.title or ''}: {summary_line(r.findings)}"))
            print(safe(f"  file: {p.resolve()}"))
            for line in finding_lines(r.findings, args.en, r.document.format):
                print(safe(line))
        if len(results) > 1:
            print(f"across documents: {summary_line(cross)}")
            for line in finding_lines(cross, args.en):
                print(safe(line))
    if failures:
        return 2
    errors = any(f.severity == "error" for r in results for f in r.findings) or any(
        f.severity == "error" for f in cross)
    return 1 if errors else 0


def _write_reports(data: dict, outputs: list[str]) -> None:
    for out in outputs:
        atomic_write_text(Path(out), render(data, FORMATS[Path(out).suffix.lower()]))
        print(f"planx audit: report → {out}", file=sys.stderr)


def _load(path: Path):
    """(result, document) of a saved JSON result (no document) or of a plan file."""
    if path.suffix.lower() == ".json":
        return load_result(path), None
    doc = read(path)
    return extract_document(doc), doc
