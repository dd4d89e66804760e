"""``planx diff OLD NEW [-o report.html]… [--format json|md|xlsx|html]`` and
``planx diff OLD_DIR NEW_DIR [-o FOLDER]`` (documents paired by title and region).

Exit status like diff(1): 0 no changes, 1 changes, 2 trouble (one line on stderr)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import PlanxError
from . import diff
from .batch import diff_folders
from .text import summary_line
from .write import write_report

FORMATS = ("json", "md", "xlsx", "html")
_SUFFIXES = {".json": "json", ".md": "md", ".markdown": "md", ".xlsx": "xlsx", ".html": "html", ".htm": "html"}
DEFAULT_FOLDER = "diff-reports"


def register(subparsers) -> None:
    """Add the ``diff`` sub-command to the ``planx`` parser."""
    p = subparsers.add_parser(
        "diff", help="compare two versions of a plan (documents, planx JSON, or two folders)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Align the records of two plan versions and report what was added, removed, changed, "
                    "moved or renamed, with directions.\n\n"
                    "examples:\n"
                    "  planx diff draft.docx issued.pdf -o report.html -o report.json\n"
                    "  planx diff outputs/old.json outputs/new.json --format md\n"
                    "  planx diff drafts/ issued/ -o reports/     (pairs documents by title and region)\n\n"
                    "exit status: 0 no changes, 1 changes found, 2 trouble")
    p.add_argument("old", help="old version: a plan document (.txt .docx .doc .wps .html .pdf), a planx .json, "
                               "or a folder of them")
    p.add_argument("new", help="new version: a plan document, a planx .json, or a folder of them")
    p.add_argument("-o", "--output", action="append", default=[],
                   help="report file, repeatable; the format follows its extension (.json .md .xlsx .html); "
                        "JSON on stdout when omitted.  For two folders: the report folder "
                        f"(default {DEFAULT_FOLDER}/)")
    p.add_argument("--format", choices=FORMATS, help="report format (overrides the extension of a single -o)")
    p.set_defaults(func=run)


def _formats(args: argparse.Namespace) -> list[tuple[str, str | None]]:
    """(format, path) per report to write; path None = stdout."""
    if not args.output:
        fmt = args.format or "json"
        if fmt == "xlsx":
            raise ValueError("an Excel report needs -o FILE.xlsx")
        return [(fmt, None)]
    if args.format and len(args.output) > 1:
        raise ValueError("--format applies to a single -o; name each report with its extension instead")
    out = []
    for path in args.output:
        fmt = args.format or _SUFFIXES.get(Path(path).suffix.lower())
        if fmt is None:
            raise ValueError(f"{path}: unknown report extension (use .json .md .xlsx .html or --format)")
        if Path(path).is_dir():
            raise ValueError(f"{path}: is a folder (give a report file name)")
        out.append((fmt, path))
    return out


def run(args: argparse.Namespace) -> int:
    try:
        if Path(args.old).is_dir() or Path(args.new).is_dir():
            return _run_folders(args)
        outputs = _formats(args)
        result = diff(args.old, args.new)
        written = [write_report(result, fmt, path) for fmt, path in outputs]
    except (PlanxError, ValueError) as e:
        print(f"planx: {e}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"planx: {e.filename or args.output}: cannot write report ({e.strerror})", file=sys.stderr)
        return 2
    _report(result, [w for w in written if w])
    return 1 if result.changes else 0


def _report(result, written: list[Path]) -> None:
    """The one-line summary (and a warning when the documents look unrelated), on stderr when the
    report itself went to stdout."""
    stream = sys.stdout if written else sys.stderr
    where = f" → {', '.join(str(p) for p in written)}" if written else ""
    print(f"planx diff: {summary_line(result)}{where}", file=stream)
    if not result.relation.get("related", True):
        print(f"planx diff: warning: the documents look unrelated ({'; '.join(result.relation['reasons'])})",
              file=sys.stderr)


def _run_folders(args: argparse.Namespace) -> int:
    old, new = Path(args.old), Path(args.new)
    for p in (old, new):
        if not p.is_dir():
            raise PlanxError(p, "is not a folder (give two folders, or two files)")
    if len(args.output) > 1:
        raise ValueError("two folders are compared into one report folder: give one -o")
    out = Path(args.output[0] if args.output else DEFAULT_FOLDER)
    if out.exists() and not out.is_dir():
        raise PlanxError(out, "exists and is not a folder")
    summary = diff_folders(old, new, out)
    for msg in summary.failures:
        print(f"error: {msg}", file=sys.stderr)
    print(f"planx diff: {summary.line()} → {summary.index}")
    if summary.failures:
        return 2
    return 1 if summary.changed else 0
