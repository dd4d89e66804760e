"""Running-text passages and their sentences, with offsets back to the source.

``passages(doc)`` yields every prose passage — paragraph blocks, and the cells of box
tables (专栏: one cell per row) — as NFKC-normalised :class:`MappedText` (every character
still maps to its source offset).  ``sentences(text)`` splits a passage at 。；!? into
(start, end) ranges; ``clauses`` splits a range further at commas.  A :class:`Passage`
computes its sentences, date expressions and quantities once, for every extractor
(see :mod:`.prose`).
"""
from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterator, Optional

from ..language.normalise import nfkc, nfkc_each
from ..language.numbers import find_quantities
from ..language.punctuation import marks
from ..model import Block, Document, MappedText, offsets_of

if TYPE_CHECKING:
    from ..language.dates import DateExpr
    from ..language.numbers import Quantity


@dataclass(eq=False)
class Passage:
    """One prose passage; its sentences, clauses and quantities are computed once, on demand.

    ``dates`` are set by :func:`.prose.read` (they depend on the passages before)."""

    block: Block
    text: MappedText  # NFKC-normalised, offsets into Document.text
    dates: list["DateExpr"] = field(default_factory=list)

    @functools.cached_property
    def sentences(self) -> list[tuple[int, int]]:
        """Sentences split at 。；!?"""
        return sentences(self.text.text)

    @functools.cached_property
    def full_sentences(self) -> list[tuple[int, int]]:
        """Sentences split only at 。!? (a "；" list stays one sentence)."""
        return sentences_full(self.text.text)

    @functools.cached_property
    def quantities(self) -> list["Quantity"]:
        return find_quantities(self.text.text)

    def sentence_at(self, pos: int, full: bool = False) -> Optional[tuple[int, int]]:
        """The sentence holding character ``pos`` (None when ``pos`` lies between sentences)."""
        return _range_at(self.full_sentences if full else self.sentences, pos)

    def clause_at(self, sent: tuple[int, int], pos: int) -> Optional[tuple[int, int]]:
        """The comma clause of sentence ``sent`` holding ``pos`` (None when ``pos`` is a mark)."""
        return _range_at(self.clauses(sent), pos)

    def clauses(self, sent: tuple[int, int]) -> list[tuple[int, int]]:
        """Comma clauses of one sentence of this passage (computed once per sentence)."""
        cache = self.__dict__.setdefault("_clauses", {})
        if sent not in cache:
            cache[sent] = clauses(self.text.text, *sent)
        return cache[sent]


def _range_at(ranges: list[tuple[int, int]], pos: int) -> Optional[tuple[int, int]]:
    """The (start, end) range of sorted, disjoint ``ranges`` that holds ``pos``."""
    k = bisect.bisect_right(ranges, (pos, float("inf"))) - 1
    if k >= 0 and ranges[k][0] <= pos < ranges[k][1]:
        return ranges[k]
    return None


class _Nfkc(dict):
    """Per-character NFKC as a ``str.translate`` table: code point → its NFKC form, each character
    normalised the first time a text holds it (an identity entry for one that does not change:
    a hit is cheaper than a miss in ``translate``)."""

    def __init__(self) -> None:
        super().__init__()
        self.expanding: set[str] = set()  # characters whose NFKC form is not one character

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        n = nfkc(ch) if code > 127 else ch
        if len(n) != 1:
            self.expanding.add(ch)
        self[code] = n
        return n


_NFKC = _Nfkc()


def nfkc_mapped(m: MappedText) -> MappedText:
    """NFKC per character; a character that expands keeps its source offset for every part."""
    text = m.text
    if text.isascii():
        return MappedText(text, m.offsets)
    whole = nfkc_each(text)
    if whole is not None:
        return MappedText(whole, m.offsets)
    out = text.translate(_NFKC)
    if len(out) == len(text):  # nothing expanded (no character's NFKC form is empty)
        return MappedText(out, m.offsets)
    offsets = offsets_of()
    prev = 0
    for hit in _char_class("".join(sorted(_NFKC.expanding))).finditer(text):  # offsets between expansions
        i = hit.start()
        offsets.extend(m.offsets[prev:i])
        offsets.extend([m.offsets[i]] * len(_NFKC[ord(text[i])]))
        prev = i + 1
    offsets.extend(m.offsets[prev:])
    return MappedText(out, offsets)


def is_box(block: Block) -> bool:
    """A table that is a text box (专栏): every row has at most one non-empty cell."""
    if block.table is None:
        return False
    rows = [[c for c in r if c.text.strip()] for r in block.table.rows]
    return bool(rows) and all(len(r) <= 1 for r in rows)


def passages(doc: Document) -> Iterator[Passage]:
    """Paragraph blocks and box-table cells in reading order (headings included)."""
    for b in doc.blocks:
        if b.kind == "table":
            if is_box(b):
                for cell in b.table.cells():
                    if cell.text.strip():
                        yield Passage(b, nfkc_mapped(MappedText(cell.text.replace("\n", ""),
                                                                [o for ch, o in zip(cell.text, cell.offsets)
                                                                 if ch != "\n"])))
            continue
        yield Passage(b, nfkc_mapped(b.mapped))


@functools.lru_cache(maxsize=64)
def _char_class(chars: str) -> "re.Pattern[str]":
    """A compiled pattern matching any one of ``chars``."""
    return re.compile("[" + re.escape(chars) + "]")


def sentences(text: str, ends: str | None = None) -> list[tuple[int, int]]:
    """(start, end) of each sentence (split at 。；!? by default); the end includes the mark."""
    out, start = [], 0
    for m in _char_class(ends or marks().sentence_end).finditer(text):
        out.append((start, m.end()))
        start = m.end()
    if start < len(text):
        out.append((start, len(text)))
    return [(s, e) for s, e in out if text[s:e].strip()]


def sentences_full(text: str) -> list[tuple[int, int]]:
    """Sentences split only at 。!? (a "；" list stays one sentence)."""
    return sentences(text, marks().full_stop)


def clauses(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """(start, end) of each comma-separated clause of text[start:end], marks excluded."""
    end = len(text) if end is None else end
    out, s = [], start
    for m in _char_class(marks().clause_end).finditer(text, start, end):
        out.append((s, m.start()))
        s = m.end()
    if s < end:
        out.append((s, end))
    return [(a, b) for a, b in out if b > a]
