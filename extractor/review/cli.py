"""``planx review DOC [-o page.html]``: the review page of one document."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import PlanxError
from ..files import atomic_write_text
from ..pipeline import extract_document
from ..readers import read
from .render import render


def register(subparsers) -> None:
    """Add the ``review`` sub-command to the ``planx`` parser."""
    p = subparsers.add_parser(
        "review", help="a page showing every extracted record highlighted in the document's text",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Write one self-contained HTML page with the document's text, every extracted record "
                    "highlighted in place (indicators and projects in their table rows, targets, deadlines, "
                    "responsible units) and a side list of the records with their fields: click a record to "
                    "see its source, click the text to see its record.\n\n"
                    "example:\n  planx review plan.docx -o plan.review.html\n\n"
                    "exit status: 0 written, 1 some records could not be located in the text, 2 trouble")
    p.add_argument("document", help="a plan document (.txt .docx .doc .wps .html .pdf)")
    p.add_argument("-o", "--output", help="the page to write (default: <document name>.review.html here)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    src = Path(args.document)
    out = Path(args.output or f"{src.stem}.review.html")
    if out.is_dir():
        print(f"planx: {out}: is a folder (give the page's file name)", file=sys.stderr)
        return 2
    try:
        doc = read(src)
        page, total, lost = render(doc, extract_document(doc), src)
        atomic_write_text(out, page)
    except PlanxError as e:
        print(f"planx: {e}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"planx: {e.filename or out}: cannot write the page ({e.strerror})", file=sys.stderr)
        return 2
    missing = f", {lost} not located in the text" if lost else ""
    print(f"planx review: {total} records{missing} → {out}")
    return 1 if lost else 0
