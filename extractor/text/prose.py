"""The prose of one document, read once and shared by the text extractors.

``read(doc, info)`` normalises every prose passage (:func:`.sentences.passages`) and finds its
date expressions in reading order with one :class:`.dates.YearContext` (a date without a year
takes the year last written before it, so the dates of a passage depend on the passages
before).  Sentences, clauses and quantities are computed once per passage, on first use
(:class:`.sentences.Passage`).  Deadlines and targets read the same :class:`Prose`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from ..language.dates import YearContext, find_dates
from ..model import Document
from .sentences import Passage, passages


@dataclass
class Prose:
    passages: list[Passage]


def read(doc: Document, info, years: Optional[YearContext] = None) -> Prose:
    """Every prose passage of ``doc`` with its date expressions (``info``: DocumentInfo or None;
    ``years``: the document's year anchors when already decided — this reading advances them)."""
    ctx = years or YearContext.from_info(info)
    out = list(passages(doc))
    for psg in out:
        psg.dates = find_dates(psg.text.text, ctx)
    return Prose(out)
