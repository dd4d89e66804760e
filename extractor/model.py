"""The normalised document model every reader produces and every extractor consumes.

A :class:`Document` is the extracted text of one input (for .txt the decoded source text
itself; for .docx/.pdf the text the reader built) plus a sequence of :class:`Block` s
(heading / paragraph / table).  Every block and cell carries a normalised ``text`` and an
``offsets`` sequence mapping each character of that text back to a character offset in
``Document.text`` — so any record built from a slice of normalised text can be traced
back to the exact source words (:meth:`Document.span`).

The model holds only valid, printable Unicode plus TAB/LF: a :class:`Document` cleans what its
reader gives it (:mod:`extractor.hygiene`, one character for one, so offsets hold) and records
what it replaced in ``warnings``.
"""
from __future__ import annotations

import bisect
import re
from array import array
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Literal, Optional, Sequence

from .hygiene import clean_text, describe, is_clean
from .patterns import compiled, load

if TYPE_CHECKING:
    import regex

BlockKind = Literal["heading", "paragraph", "table"]


QUOTE_CHARS = 30  # length of the quote a span carries

BBox = tuple[float, float, float, float]  # x0, top, x1, bottom in PDF points, origin top-left of the page

Offsets = Sequence[int]  # source offsets, one per character of a text (see offset_run, offsets_of)


def offsets_of(values: Iterable[int] = ()) -> array:
    """Offsets in a compact array: 8 bytes a character, no int objects.  A list would hold one
    int object per character — millions for a long document, which every full garbage
    collection walks: its time grew faster than the document."""
    return array("q", values)


def offset_run(start: int, n: int) -> range:
    """The offsets of ``n`` characters read in one stretch from ``start``: a range, which
    takes no memory per character and slices to a range."""
    return range(start, start + n)


@dataclass
class Span:
    """Provenance: 1-based source line, character offsets into the extracted text, pdf page,
    and where a person finds it: the paragraph (1-based, among the text blocks outside tables)
    or the table (1-based, in reading order) with its row and column (1-based grid position),
    and a quote of up to 30 characters from the start of the span; for a fixed-layout document
    (pdf, OCR'd scan, ofd) the bounding box on its page of the paragraph, or of the table cell,
    where the span starts: [x0, top, x1, bottom] in points from the page's top-left corner."""

    line: int = field(metadata={"schema": {"minimum": 1}})
    start: int = field(metadata={"schema": {"minimum": 0}})
    end: int = field(metadata={"schema": {"minimum": 0}})
    page: Optional[int] = field(default=None, metadata={"schema": {"minimum": 1}})
    paragraph: Optional[int] = field(default=None, metadata={
        "doc": "1-based number of the text block (heading or paragraph) outside tables, in reading order; "
               "null inside a table.", "schema": {"minimum": 1}})
    table: Optional[int] = field(default=None, metadata={
        "doc": "1-based number of the table in reading order; null outside tables.", "schema": {"minimum": 1}})
    row: Optional[int] = field(default=None, metadata={
        "doc": "1-based row of the table cell (grid row for docx/pdf/html, raw row for Tika text).",
        "schema": {"minimum": 1}})
    col: Optional[int] = field(default=None, metadata={"doc": "1-based column of the table cell.",
                                                        "schema": {"minimum": 1}})
    quote: Optional[str] = field(default=None, metadata={
        "doc": "Up to 30 characters of source text from the start of the span (white space collapsed), "
               "to find it in the document."})
    bbox: Optional[list[float]] = field(default=None, metadata={
        "doc": "pdf/ofd (text, OCR'd scan): the bounding box on its page of the paragraph, or of the table "
               "cell, where the span starts: [x0, top, x1, bottom] in PDF points from the page's top-left "
               "corner, to 0.1 pt; null for formats without geometry.", "schema": {"minItems": 4, "maxItems": 4}})

    def to_dict(self) -> dict:
        """The fields in their order, ``bbox`` a new list: a copy of the instance's dict, which
        ``__init__`` filled in that order (a span has no other attributes), several times
        quicker than naming each field — every record's span is written."""
        fields = self.__dict__
        return fields.copy() if self.bbox is None else {**fields, "bbox": list(self.bbox)}


@dataclass
class MappedText:
    """Normalised text with a per-character map back to offsets in the document text.

    ``offsets`` is a range (:func:`offset_run`) or an array (:func:`offsets_of`), often shared
    with the text it was sliced or copied from: only :meth:`append` and :meth:`extend` change it
    (in place; a range becomes an array first)."""

    text: str = ""
    offsets: Offsets = field(default_factory=offsets_of)

    def append(self, s: str, start: Optional[int]) -> None:
        """Append ``s``; ``start`` is its source offset (None = synthetic, maps to previous)."""
        self.text += s
        if start is None:
            prev = self.offsets[-1] if self.offsets else 0
            self._growing().extend(offsets_of((prev,)) * len(s))
        else:
            self._growing().extend(offset_run(start, len(s)))

    def extend(self, other: "MappedText") -> None:
        self.text += other.text
        self._growing().extend(other.offsets)

    def _growing(self) -> array:
        """``offsets`` as an array of this text's own, to append to."""
        if type(self.offsets) is not array:
            self.offsets = offsets_of(self.offsets)
        return self.offsets

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
    ``joins_above`` (pdf): the cell's first line may go on from the cell above it, the two being
    one cell merged over both rows that the page does not show as such.
    ``bbox`` (pdf): the cell's box on ``page`` — its column edges and the extent of its text there.
    """

    text: str
    offsets: Offsets
    row: int
    col: int
    line: int
    page: Optional[int] = None
    rowspan: int = 1
    colspan: int = 1
    merged: Optional[Literal["v", "h"]] = None
    joins_above: bool = False
    bbox: Optional[BBox] = None

    @property
    def mapped(self) -> MappedText:
        return MappedText(self.text, self.offsets)


@dataclass
class Table:
    rows: list[list[Cell]]
    grid: bool = False  # True when rows are a resolved grid (docx/pdf), False for raw Tika rows
    merges_known: bool = True  # False when vertical merges are not drawn (a pdf table without ruled rows)

    def cells(self) -> Iterator[Cell]:
        for row in self.rows:
            yield from row


@dataclass
class Block:
    """A heading, paragraph or table of the document, in reading order."""

    kind: BlockKind
    text: str
    offsets: Offsets
    start: int
    end: int
    line: int
    page: Optional[int] = None
    style: Optional[str] = None  # docx paragraph style name
    outline_level: Optional[int] = None  # docx outline level / heading style level (1 = top)
    label: Optional[str] = None  # numbering label rendered by Word (not in text), docx only
    heading_hint: bool = False  # evidence of a heading: _Toc bookmark, heading style, font size
    font_size: Optional[float] = None  # pdf: dominant font size of the block
    bbox: Optional[BBox] = None  # pdf: extent of the block's lines on ``page`` (a table's: of the table there)
    page_bboxes: Optional[dict[int, BBox]] = None  # pdf: a block running over a page break: its extent on each page
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
    warnings: list[str] = field(default_factory=list)  # about the input, for the user (e.g. characters replaced)
    _line_starts: list[int] = field(default_factory=list, repr=False)
    _locator: Optional["_Locator"] = field(default=None, repr=False)
    _memo: dict[str, Any] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._clean()
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", self.text)]
        for i, b in enumerate(self.blocks):
            b.index = i

    def _clean(self) -> None:
        """Unicode hygiene: text, block and cell texts, labels and style names hold only valid,
        printable Unicode plus TAB/LF (the text's replacements are counted in ``warnings``)."""
        counts: Counter = Counter()
        self.text = clean_text(self.text, counts)
        self.doc_id = clean_text(self.doc_id)
        self.source = clean_text(self.source)
        if not is_clean("\n".join(self._block_strings())):  # one test for them all: they are clean, as a rule
            for b in self.blocks:
                b.text = clean_text(b.text)
                b.label = clean_text(b.label) if b.label else b.label
                b.style = clean_text(b.style) if b.style else b.style
                if b.table is not None:
                    for c in b.table.cells():
                        c.text = clean_text(c.text)
        if counts:
            self.warnings.append(describe(counts))

    def _block_strings(self) -> Iterator[str]:
        """The texts, labels and style names of the blocks and their cells."""
        for b in self.blocks:
            yield b.text
            if b.label:
                yield b.label
            if b.style:
                yield b.style
            if b.table is not None:
                yield from (c.text for c in b.table.cells())

    def memo(self, key: str, compute: Callable[[], Any]) -> Any:
        """``compute()`` once per document: a reading of the text that several stages use
        (e.g. the counts it announces, read by metadata, targets and the audit)."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def line_of(self, offset: int) -> int:
        """1-based line number of a character offset in ``text``."""
        return bisect.bisect_right(self._line_starts, offset)

    def page_of(self, offset: int) -> Optional[int]:
        if not self.page_starts:
            return None
        return bisect.bisect_right(self.page_starts, offset)

    def span(self, start: int, end: int) -> Span:
        """Provenance of the source range [start, end), with its paragraph or table cell and a quote."""
        locator = self._locator
        if locator is None:
            locator = self._locator = _Locator(self.blocks)
        paragraph, table, cells, block = locator.locate(start)
        page = self.page_of(start)
        row = col = None
        bbox: Optional[BBox] = None
        if cells:
            row, col = cells[0].row + 1, cells[0].col + 1
            quote = _quote(" ".join([c.text for c in cells]), locator.bookmark)  # a table row: its words from here
            bbox = cells[0].bbox
        else:
            quote = _quote(self._quoted(start, end), locator.bookmark)
            if block is not None and block.bbox is not None:
                bbox = (block.page_bboxes or {}).get(page, block.bbox) if page != block.page else block.bbox
        return Span(self.line_of(start), start, end, page, paragraph, table, row, col, quote,
                    [round(v, 1) for v in bbox] if bbox is not None else None)

    def quote(self, start: int, end: int) -> Optional[str]:
        """Up to 30 characters of source text from ``start`` (to the end of its line at most, or
        of the span when that is longer), white space collapsed, Tika bookmarks out."""
        return _quote(self._quoted(start, end), compiled(load("text")["bookmark"]))

    def _quoted(self, start: int, end: int) -> str:
        """The source text a quote of [start, end) is made from (see :meth:`quote`)."""
        text = self.text[start:start + QUOTE_CHARS * 3]
        stop = text.find("\n", max(end - start, 1))
        return text[:stop] if stop >= 0 else text

    def span_of(self, mapped: MappedText, i: int = 0, j: Optional[int] = None) -> Span:
        """Provenance of normalised characters [i, j) of a block or cell text."""
        j = len(mapped.text) if j is None else j
        s, e = mapped.source_range(i, j)
        return self.span(s, e)


def _quote(text: str, bookmark: "regex.Pattern") -> Optional[str]:
    """Up to 30 characters of ``text``, white space collapsed, Tika bookmarks (matches of ``bookmark``) out.
    A table row's text runs long: its head collapsed first (collapsing a head of a text gives a head
    of the text collapsed), the whole only when the head gives too few characters."""
    text = bookmark.sub("", text)
    head = " ".join(text[:QUOTE_CHARS * 3].split())
    if len(head) < QUOTE_CHARS and len(text) > QUOTE_CHARS * 3:
        head = " ".join(text.split())
    return head[:QUOTE_CHARS] or None


# (paragraph, table, cells, block) of an offset (see _Locator.locate)
_Located = tuple[Optional[int], Optional[int], Sequence[Cell], Optional[Block]]
_NOWHERE: _Located = (None, None, (), None)


class _Locator:
    """Offset → paragraph number, or table number and row cells, over a document's blocks."""

    def __init__(self, blocks: list[Block]):
        self.blocks = blocks
        self.starts = [b.start for b in blocks]
        self.ends = [max(b.end, b.start) for b in blocks]
        self.ordinal: list[int] = []
        self.found: list[Optional[_Located]] = []  # what locate() gives in a paragraph (None: a table)
        paragraphs = tables = 0
        for b in blocks:
            if b.kind == "table":
                tables += 1
                self.ordinal.append(tables)
                self.found.append(None)
            else:
                paragraphs += 1
                self.ordinal.append(paragraphs)
                self.found.append((paragraphs, None, (), b))
        self._cells: dict[int, tuple[list[int], list[tuple[list[Cell], int]]]] = {}
        self.bookmark = compiled(load("text")["bookmark"])  # for the quotes, looked up once per document

    def _cell_index(self, k: int) -> tuple[list[int], list[tuple[list[Cell], int]]]:
        """First source offsets of a table's cells, sorted, each with (its row, its index in it); kept in
        ``_cells`` (:meth:`locate` looks there first)."""
        table = self.blocks[k].table
        found = [(c.offsets[0], row, i) for row in (table.rows if table else []) for i, c in enumerate(row)
                 if c.offsets]
        found.sort(key=lambda t: t[0])
        got = self._cells[k] = ([t[0] for t in found], [(t[1], t[2]) for t in found])
        return got

    def locate(self, offset: int) -> _Located:
        """(paragraph, table, cells, block): the paragraph number, or the table number and the
        cells of the row from the one holding ``offset`` on (empty cells left out); the block."""
        k = bisect.bisect_right(self.starts, offset) - 1
        if k < 0 or offset > self.ends[k]:
            return _NOWHERE
        found = self.found[k]
        if found is not None:
            return found
        b = self.blocks[k]
        firsts, where = self._cells.get(k) or self._cell_index(k)
        c = bisect.bisect_right(firsts, offset) - 1
        if c < 0:
            return None, self.ordinal[k], (), b
        row, at = where[c]
        return None, self.ordinal[k], [row[at]] + [x for x in row[at + 1:] if x.text], b
