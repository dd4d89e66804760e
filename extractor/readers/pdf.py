"""Read a text PDF into the document model (PDFium for characters and ruling lines).

Per page: characters from PDFium (pdfplumber's geometry, ``pdf_pdfium``), doubled glyphs of fake
bold removed (as pdfplumber's ``dedupe_chars``), ruled tables found from the page's ruling lines
(``pdf_rules``) and resolved to grids, the remaining characters clustered into lines; a table
continued on the next pages is stitched into one (``pdf_stitch``).  Running headers/footers and
page-number lines are dropped, then lines are joined into paragraphs: a new paragraph starts
after a wider gap, at an indented (or centred) line, after a line that ends before the right margin, or where the
font size changes; the last paragraph of a page goes on over the page break when its last
line runs to the right margin and the next page starts flush left.

``Document.text``: one line per paragraph (its lines joined without a space, or with one
between two Latin letters/digits); a table as in a Tika export (a TAB-led line per cell
origin, rows separated by an empty line); inside a cell a line wrapped at the cell's right
edge goes on without a break, any other cell line starts a new line ("\n").
``Document.page_starts`` holds the offset where each page's text begins.  A paragraph carries the
extent of its lines on its page (``Block.bbox``; ``page_bboxes`` when it runs over a page break), a
cell its column edges and its text's extent (``Cell.bbox``): ``span.bbox`` of the records.
"""
from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path
from statistics import median
from typing import Optional, Union

from ..errors import PlanxError
from ..limits import check_text_size
from ..model import BBox, Block, Cell, Document, MappedText, Table, offsets_of
from ..normalize import clean
from ..patterns import compiled, load
from . import ocr
from .pdf_layout import (GridCell, Line, PageTable, dedupe, fits_no_more, grid_table, make_lines,
                         remove_furniture)
from .pdf_frames import Rule, frame_tables, long_rules, spread_dividers
from .pdf_pdfium import Fonts, open_pdf, page_chars, page_edges, page_height
from .pdf_safety import check_pages, check_streams
from .pdf_plumber import Plumber
from .pdf_rules import ruled_tables
from .pdf_stitch import stitch

Item = Union[Line, PageTable]


def _page_items(page, number: int, plumber: Plumber, fonts: Fonts
                ) -> tuple[list[Line], list[PageTable], list[Rule], float]:
    """The page's text lines, ruled tables, long horizontal rules outside them and height:
    characters and ruling lines from PDFium (pdfplumber's for a rotated page)."""
    chars = page_chars(page, fonts)
    if chars is None:
        pl_page = plumber.page(number)
        chars, height, edges = pl_page.chars, float(pl_page.height), pl_page.edges
        pl_page.close()
    else:
        height, edges = page_height(page), page_edges(page)
    return (*page_content(dedupe(chars), edges, number), height)


def page_content(chars: list[dict], edges: list[dict], number: int) -> tuple[list[Line], list[PageTable], list[Rule]]:
    """A page's text lines, ruled tables and long horizontal rules outside them, from its
    characters and ruling lines (pdfplumber-style dicts in points, top-down) — of a text PDF, an
    OCR'd scan or an OFD page."""
    tables: list[PageTable] = []
    taken: set[int] = set()  # the characters inside a table's box (ids)
    for t in ruled_tables(edges):
        x0, top, x1, bottom = t.bbox
        inside = [c for c in chars if x0 <= (c["x0"] + c["x1"]) / 2 <= x1
                  and top <= (c["top"] + c["bottom"]) / 2 <= bottom]
        if inside or len(t.cells) > 1:
            tables.append(grid_table(t, inside, number))
            taken.update(map(id, inside))
    body = [c for c in chars if id(c) not in taken] if taken else chars
    return make_lines(body, number), tables, long_rules(edges, tables)


class _Layout:
    """Document-wide metrics: body margins, body font size, usual line gap."""

    def __init__(self, lines: list[Line]) -> None:
        long = [l for l in lines if len(l.text) >= 8] or lines
        self.left = Counter(round(l.x0) for l in long).most_common(1)[0][0] if long else 0
        x1s = sorted(l.x1 for l in long)
        self.right = x1s[int(0.75 * (len(x1s) - 1))] if x1s else 0
        sizes: Counter = Counter()
        for l in lines:
            sizes[l.size] += len(l.text)
        self.body_size = sizes.most_common(1)[0][0] if sizes else 0
        gaps = [b.top - a.bottom for a, b in zip(lines, lines[1:]) if a.page == b.page and a.size == b.size
                and b.top > a.bottom]
        self.gap = median(gaps) if gaps else 0

    def full(self, line: Line, nxt: Line) -> bool:
        """``line`` runs to the right margin (or to a box beside it): ``nxt``'s first unit did not
        fit after it."""
        return fits_no_more(line, nxt, min(self.right, line.limit or self.right))

    def flush(self, line: Line) -> bool:
        return line.x0 <= self.left + 0.8 * line.size

    def continues(self, a: Line, b: Line) -> bool:
        """Line ``b`` continues the paragraph of line ``a`` (not after a sentence that ends the
        line when ``b`` opens with a numbering label)."""
        if abs(a.size - b.size) >= 0.5 or not self.full(a, b) or not self.flush(b):
            return False
        if a.text.endswith(_SENTENCE_END) and compiled(load("headings")["any_label"]).match(b.text):
            return False
        if a.page != b.page:
            return True
        return b.top - a.bottom <= self.gap + 0.6 * b.size


_SENTENCE_END = ("。", "！", "？", "；", "：", ".", ";", ":")


def _joiner(a: str, b: str) -> str:
    """What joins two wrapped lines: a space between Latin words, nothing in CJK text or inside a
    number broken by a narrow column ("57.8" + "6")."""
    x, y = a[-1:], b[:1]
    if x.isdigit() and y.isdigit():
        return ""
    return " " if x.isascii() and x.isalnum() and y.isascii() and y.isalnum() else ""


def _extents(lines: list[Line]) -> dict[int, BBox]:
    """The extent of ``lines`` on each page they are on (x0, top, x1, bottom), in page order."""
    out: dict[int, BBox] = {}
    for ln in lines:
        x0, top, x1, bottom = ln.box
        if ln.page in out:
            a = out[ln.page]
            out[ln.page] = (min(a[0], x0), min(a[1], top), max(a[2], x1), max(a[3], bottom))
        else:
            out[ln.page] = (x0, top, x1, bottom)
    return out


def _cell_box(g: GridCell) -> Optional[BBox]:
    """A table cell's box on the page of its first line: its column edges, the extent of its text
    there (None for a cell without text)."""
    if not g.lines:
        return None
    x0, top, x1, bottom = _extents(g.lines)[g.lines[0].page]
    if g.right > g.left:
        x0, x1 = min(x0, g.left), max(x1, g.right)
    return x0, top, x1, bottom


class _Builder:
    def __init__(self, path: Path, n_pages: int) -> None:
        self.path = path
        self.parts: list[str] = []
        self.pos = 0
        self.line = 1
        self.blocks: list[Block] = []
        self.page_first: list[Optional[int]] = [None] * n_pages

    def write(self, s: str, page: int) -> int:
        start = self.pos
        if self.page_first[page - 1] is None and s.strip():
            self.page_first[page - 1] = start
        self.parts.append(s)
        self.pos += len(s)
        self.line += s.count("\n")
        check_text_size(self.path, self.pos)
        return start

    def end_line(self) -> None:
        if self.parts and not self.parts[-1].endswith("\n"):
            self.parts.append("\n")
            self.pos += 1
            self.line += 1

    def paragraph(self, lines: list[Line], layout: _Layout) -> None:
        self.end_line()
        line_no = self.line
        raw = MappedText()
        prev = ""
        for ln in lines:
            if prev:
                j = _joiner(prev, ln.text)
                if j:
                    raw.append(j, self.write(j, ln.page))
            raw.append(ln.text, self.write(ln.text, ln.page))
            prev = ln.text
        m = clean(raw)
        if not m.text:
            return
        sizes: Counter = Counter()
        for ln in lines:
            sizes[ln.size] += len(ln.text)
        size = sizes.most_common(1)[0][0]
        p = load("pdf")
        hint = size >= layout.body_size * p["heading_size_ratio"] and len(m.text) <= p["heading_max_len"]
        boxes = _extents(lines)
        self.blocks.append(Block("paragraph", m.text, m.offsets, m.offsets[0], m.offsets[-1] + 1, line_no,
                                 page=lines[0].page, heading_hint=hint, font_size=size,
                                 bbox=boxes[lines[0].page], page_bboxes=boxes if len(boxes) > 1 else None))

    def table(self, t: PageTable) -> None:
        self.end_line()
        rows: list[list[Cell]] = []
        first: Optional[tuple[int, int]] = None
        row_page = t.page
        for ri, grow in enumerate(t.rows):
            row_page = next((g.lines[0].page for g in grow if g.lines), row_page)
            self.end_line()
            if ri:
                self.write("\n", row_page)
            row_line = self.line
            cells = []
            for g in grow:
                if g.merged:
                    cells.append(Cell("", offsets_of(), ri, g.col, row_line, row_page, merged=g.merged))
                    continue
                page = g.lines[0].page if g.lines else row_page
                self.end_line()
                self.write("\t", page)
                line = self.line
                raw = MappedText()
                for k, ln in enumerate(g.lines):
                    if k:  # a wrapped line goes on; a line ending early breaks the cell text
                        j = _joiner(g.lines[k - 1].text, ln.text) if g.wrapped(g.lines[k - 1], ln) else "\n"
                        if j:
                            raw.append(j, self.write(j, ln.page))
                    raw.append(ln.text, self.write(ln.text, ln.page))
                m = clean(raw)
                if first is None:
                    first = (raw.offsets[0] if raw.offsets else self.pos, line)
                cells.append(Cell(m.text, m.offsets, ri, g.col, line, page, g.rowspan, g.colspan,
                                  joins_above=g.joins_above, bbox=_cell_box(g)))
            rows.append(cells)
        start, line = first if first else (self.pos, self.line)
        flat = "\n".join("\t".join(c.text for c in r) for r in rows)
        bottom = t.bottom if t.last_page == t.page else max(
            (c.bbox[3] for r in rows for c in r if c.bbox is not None and c.page == t.page), default=t.top)
        self.blocks.append(Block("table", flat, offsets_of(), start, self.pos, line, page=t.page,
                                 table=Table(rows, grid=True, merges_known=t.merges_known),
                                 bbox=(t.x0, t.top, t.x1, max(bottom, t.top))))


def _beside(pages: list[list[Item]]) -> set[int]:
    """Tables with text beside them (a box floated at the side of a paragraph): the lines next to
    one end before it (``Line.limit``); the ids of such tables."""
    out: set[int] = set()
    for items in pages:
        tables = [t for t in items if isinstance(t, PageTable)]
        for t in tables:
            for line in items:
                if isinstance(line, Line) and line.top < t.bottom and line.bottom > t.top and line.x1 <= t.x0:
                    line.limit = min(line.limit or t.x0, t.x0)
                    out.add(id(t))
    return out


def _flow(items: list[Item], layout: _Layout, b: _Builder, beside: set[int]) -> None:
    """Lines into paragraphs, tables in their place; a table beside the text comes after the
    paragraph that flows past it."""
    para: list[Line] = []
    waiting: list[PageTable] = []
    for it in items:
        if isinstance(it, PageTable):
            if id(it) in beside and para:
                waiting.append(it)
                continue
            if para:
                b.paragraph(para, layout)
                para = []
            b.table(it)
            continue
        if para and not layout.continues(para[-1], it):
            b.paragraph(para, layout)
            for t in [t for t in waiting if t.page < para[-1].page or t.top < para[-1].bottom]:
                b.table(t)
                waiting.remove(t)
            para = []
        para.append(it)
    if para:
        b.paragraph(para, layout)
    for t in waiting:
        b.table(t)


def read_pdf(path: Path, doc_id: Optional[str] = None) -> Document:
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psparser import PSException
    from pypdfium2 import PdfiumError

    check_streams(path)
    pdf = open_pdf(path)
    try:
        check_pages(path, len(pdf))
    except PlanxError:
        pdf.close()
        raise
    plumber = Plumber(path)
    pages: list[tuple[list[Line], list[PageTable], list[Rule]]] = []
    heights: list[float] = []
    scanned: list[int] = []
    session = None
    fonts = Fonts()
    try:
        for i in range(1, len(pdf) + 1):
            page = pdf[i - 1]
            lines, tables, rules, height = _page_items(page, i, plumber, fonts)
            if not lines and not tables and ocr.needs_ocr(page):
                scanned.append(i)
                if ocr.available():  # a scanned page: OCR characters and detected rules
                    session = session or ocr.Session(path, len(pdf))
                    chars, edges, _width, height = session.page(page, i)
                    lines, tables, rules = page_content(chars, edges, i)
            page.close()
            pages.append((lines, tables, rules))
            heights.append(height)
    except (PDFSyntaxError, PSException, PdfiumError, ValueError, KeyError, TypeError) as e:
        raise PlanxError(path, f"malformed PDF ({type(e).__name__}: {str(e)[:100]})") from None
    finally:
        plumber.close()
        pdf.close()
    if scanned and not ocr.available():
        raise ocr.missing_extra(path, [0] if len(scanned) == len(heights) else scanned)
    return build_document(path, doc_id, "pdf", pages, heights)


def build_document(path: Path, doc_id: Optional[str], fmt: str,
                   pages: list[tuple[list[Line], list[PageTable], list[Rule]]], heights: list[float]) -> Document:
    """The document of a fixed-layout file from its pages' lines, tables and rules (a PDF, OCR'd
    scans, an OFD): running headers/footers dropped, tables framed and stitched over page
    breaks, lines joined into paragraphs."""
    empty = "no text layer (image-only PDF) and no text found by OCR" if fmt == "pdf" else "no text in the document"
    pages_lines = [p[0] for p in pages]
    pages_tables = [p[1] for p in pages]
    if not any(pages_lines) and not any(pages_tables):
        raise PlanxError(path, empty)
    pages_lines = remove_furniture(pages_lines, heights)
    framed = frame_tables(pages_lines, [p[2] for p in pages], heights)
    pages_items: list[list[Item]] = [sorted([*lines, *tables, *more], key=lambda it: it.top)
                                     for lines, tables, more in zip(pages_lines, pages_tables, framed)]
    stitch(pages_items)
    for t in (it for page_items in pages_items for it in page_items if isinstance(it, PageTable)):
        spread_dividers(t)
    items = [it for page_items in pages_items for it in page_items]
    layout = _Layout([l for ls in pages_lines for l in ls])
    b = _Builder(path, len(heights))
    _flow(items, layout, b, _beside(pages_items))
    if not b.blocks:
        raise PlanxError(path, empty)
    text = "".join(b.parts)
    starts: list[int] = []
    nxt = len(text)
    for first in reversed(b.page_first):
        nxt = first if first is not None else nxt
        starts.append(nxt)
    starts.reverse()
    starts[0] = 0
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    return Document(doc_id or path.stem, str(path), fmt, sha, text, b.blocks, page_starts=starts)
