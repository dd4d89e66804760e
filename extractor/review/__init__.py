"""``planx review DOC -o page.html``: one self-contained page to verify an extraction against its
source — the document's text with every extracted record highlighted in place (indicators and
projects in their table rows, targets, deadlines, responsible units in the prose), a side list of
the records with filters, each record's fields, and a jump from any record to its source and
back.

>>> html = review_page("plan.docx")       # or review_html(document, result)
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Union

from ..pipeline import extract_document
from ..readers import read
from .render import render

if TYPE_CHECKING:
    from ..model import Document
    from ..records import ExtractResult


def review_page(path: Union[str, Path]) -> str:
    """Read and extract ``path``, then render its review page."""
    doc = read(Path(path))
    return review_html(doc, extract_document(doc))


def review_html(doc: "Document", result: "ExtractResult") -> str:
    """The review page of a document and its extraction."""
    return render(doc, result)[0]


__all__ = ["review_page", "review_html"]
