"""The normalised document model every reader produces and every extractor consumes.

A :class:`Document` is the extracted text of one input (for .txt the decoded source text
itself; for .docx/.pdf the text the reader built) plus a sequence of :class:`Block` s
(heading / paragraph / table).  Every block and cell carries a normalised ``text`` and an
``offsets`` list mapping each character of that text back to a character offset in
``Document.text`` — so any record built from a slice of normalised text can be traced
back to the exact source words (:meth:`Document.span`).
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Iterator, Literal, Optional

BlockKind = Literal["heading", "paragraph", "table"]


@dataclass
class Span:
    """Provenance: 1-based source line, character offsets into the extracted text, pdf page."""

    line: int
    start: int
    end: int
    page: Optional[int] = None

    def to_dict(self) -> dict:
        return {"line": self.line, "start": self.start, "end": self.end, "page": self.page}


@dataclass
class MappedText:
    """Normalised text with a per-character map back to offsets in the document text."""

    text: str = ""
    offsets: list[int] = field(default_factory=list)

    def append(self, s: str, start: Optional[int]) -> None:
        """Append ``s``; ``start`` is its source offset (None = synthetic, maps to previous)."""
        self.text += s
        if start is None:
            prev = self.offsets[-1] if self.offsets else 0
            self.offsets.extend([prev] * len(s))
        else:
            self.offsets.extend(range(start, start + len(s)))

    def extend(self, other: "MappedText") -> None:
        self.text += other.text
        self.offsets.extend(other.offsets)

    def source_range(self, i: int, j: int) -> tuple[int, int]:
        """Source (start, end) covering normalised characters [i, j)."""
        if not self.offsets:
            return 0, 0
        i = max(0, min(i, len(self.offsets) - 1))
        j = max(i + 1, min(j, len(self.offsets)))
        return self.offsets[i], self.offsets[j - 1] + 1

    def slice(self, i: int, j: int) -> "MappedText":
        return MappedText(self.text[i:j], self.offsets[i:j])

    def strip(self) -> "MappedText":
        n = len(self.text)
        i = 0
        while i < n and self.text[i].isspace():
            i += 1
        j = n
        while j > i and self.text[j - 1].isspace():
            j -= 1
        return self.slice(i, j)


@dataclass
class Cell:
    """One table cell as the reader saw it.

    ``row``/``col`` are its position in the reader's grid (for Tika text: index of the raw
    row and of the cell within that row; for docx/pdf: the resolved grid position).
    ``rowspan``/``colspan`` > 1 mark a merge origin; ``merged`` marks a grid position covered
    by a merge ("v" below a vertical merge origin, "h" right of a horizontal one) whose text
    is empty.  Tika text cannot tell a merged cell from an empty one: those stay ``merged=None``.
    """

    text: str
    offsets: list[int]
    row: int
    col: int
    line: int
    page: Optional[int] = None
    rowspan: int = 1
    colspan: int = 1
    merged: Optional[Literal["v", "h"]] = None

    @property
    def mapped(self) -> MappedText:
        return MappedText(self.text, self.offsets)


@dataclass
class Table:
    rows: list[list[Cell]]
    grid: bool = False  # True when rows are a resolved grid (docx/pdf), False for raw Tika rows

    def cells(self) -> Iterator[Cell]:
        for row in self.rows:
            yield from row


@dataclass
class Block:
    """A heading, paragraph or table of the document, in reading order."""

    kind: BlockKind
    text: str
    offsets: list[int]
    start: int
    end: int
    line: int
    page: Optional[int] = None
    style: Optional[str] = None  # docx paragraph style name
    outline_level: Optional[int] = None  # docx outline level / heading style level (1 = top)
    label: Optional[str] = None  # numbering label rendered by Word (not in text), docx only
    heading_hint: bool = False  # evidence of a heading: _Toc bookmark, heading style, font size
    font_size: Optional[float] = None  # pdf: dominant font size of the block
    table: Optional[Table] = None
    index: int = 0  # position in Document.blocks

    @property
    def mapped(self) -> MappedText:
        return MappedText(self.text, self.offsets)


@dataclass
class Document:
    doc_id: str
    source: str
    format: str
    sha256: str
    text: str
    blocks: list[Block]
    page_starts: list[int] = field(default_factory=list)  # pdf: offset where each page begins
    _line_starts: list[int] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        starts = [0]
        for i, ch in enumerate(self.text):
            if ch == "\n":
                starts.append(i + 1)
        self._line_starts = starts
        for i, b in enumerate(self.blocks):
            b.index = i

    def line_of(self, offset: int) -> int:
        """1-based line number of a character offset in ``text``."""
        return bisect.bisect_right(self._line_starts, offset)

    def page_of(self, offset: int) -> Optional[int]:
        if not self.page_starts:
            return None
        return bisect.bisect_right(self.page_starts, offset)

    def span(self, start: int, end: int) -> Span:
        """Provenance of the source range [start, end)."""
        return Span(self.line_of(start), start, end, self.page_of(start))

    def span_of(self, mapped: MappedText, i: int = 0, j: Optional[int] = None) -> Span:
        """Provenance of normalised characters [i, j) of a block or cell text."""
        j = len(mapped.text) if j is None else j
        s, e = mapped.source_range(i, j)
        return self.span(s, e)
