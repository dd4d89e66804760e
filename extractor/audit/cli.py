"""``planx audit A B …``: audit documents (files, saved planx JSON, or output folders) alone and
together.  Exit status: 0 no finding of severity error, 1 some, 2 trouble (an unreadable input,
an unknown check name)."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..files import atomic_write_text
from .documents import audit_documents
from .registry import registered, settings, unknown_names
from .render import FORMATS, render
from .report import finding_lines, header_lines, safe, summary_line


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
    report = audit_documents(args.paths, args.skip, args.only,
                             on_failure=lambda msg: print(f"planx: {safe(msg)}", file=sys.stderr))
    data = report.to_dict()
    try:
        _write_reports(data, args.output)
    except OSError as e:
        print(f"planx: {e.filename}: cannot write the report ({e.strerror})", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        for line in header_lines(report.evidence):
            print(safe(line))
        for r, p in zip(report.results, report.paths):
            print(safe(f"{r.doc_id}  {r.document.title or ''}: {summary_line(r.findings)}"))
            print(safe(f"  file: {p.resolve()}"))
            for line in finding_lines(r.findings, args.en, r.document.format):
                print(safe(line))
        if len(report.results) > 1:
            print(f"across documents: {summary_line(report.cross)}")
            for line in finding_lines(report.cross, args.en):
                print(safe(line))
    if report.failures:
        return 2
    return 1 if report.errors else 0


def _write_reports(data: dict, outputs: list[str]) -> None:
    for out in outputs:
        atomic_write_text(Path(out), render(data, FORMATS[Path(out).suffix.lower()]))
        print(f"planx audit: report → {out}", file=sys.stderr)

