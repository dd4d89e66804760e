"""``planx diff OLD NEW [-o report.html] [--format json|md|xlsx|html]``.

Exit status like diff(1): 0 no changes, 1 changes, 2 trouble (one line on stderr)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

FORMATS = ("json", "md", "xlsx", "html")
_SUFFIXES = {".json": "json", ".md": "md", ".markdown": "md", ".xlsx": "xlsx", ".html": "html", ".htm": "html"}


def register(subparsers) -> None:
    """Add the ``diff`` sub-command to the ``planx`` parser."""
    p = subparsers.add_parser("diff", help="compare two versions of a plan (documents or planx JSON)",
                              description="Align the records of two plan versions and report what was "
                                          "added, removed, changed, moved or renamed, with directions.")
    p.add_argument("old", help="old version: a plan document (.txt .docx .doc .wps .html .pdf) or a planx .json")
    p.add_argument("new", help="new version: a plan document or a planx .json")
    p.add_argument("-o", "--output", help="report file; the format follows its extension "
                                          "(.json .md .xlsx .html); JSON on stdout when omitted")
    p.add_argument("--format", choices=FORMATS, help="report format (overrides the extension)")
    p.set_defaults(func=run)


def _format(args: argparse.Namespace) -> str:
    if args.format:
        return args.format
    if not args.output:
        return "json"
    fmt = _SUFFIXES.get(Path(args.output).suffix.lower())
    if fmt is None:
        raise ValueError(f"{args.output}: unknown report extension (use .json .md .xlsx .html or --format)")
    return fmt


def run(args: argparse.Namespace) -> int:
    from ..errors import PlanxError

    try:
        fmt = _format(args)
        if fmt == "xlsx" and not args.output:
            raise ValueError("an Excel report needs -o FILE.xlsx")
        from . import diff

        result = diff(args.old, args.new)
        _write(result, fmt, args.output)
    except (PlanxError, ValueError) as e:
        print(f"planx: {e}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"planx: {e.filename or args.output}: cannot write report ({e.strerror})", file=sys.stderr)
        return 2
    return 1 if result.changes else 0


def _write(result, fmt: str, output: str | None) -> None:
    from ..writers.jsonfile import atomic_write_text

    if fmt == "xlsx":
        from .render_xlsx import render_xlsx

        render_xlsx(result, Path(output))
        return
    if fmt == "json":
        from .render_json import render_json as render
    elif fmt == "md":
        from .render_md import render_md as render
    else:
        from .render_html import render_html as render
    text = render(result)
    if output:
        atomic_write_text(Path(output), text)
    else:
        sys.stdout.write(text)
