"""Characters of a PDF page → text lines, running headers/footers, ruled tables as grids.

Pure geometry on pdfplumber-style char dicts and cell rectangles; no text model here.
"""
from __future__ import annotations

import bisect
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Optional

from ..patterns import compiled, load

_X0, _TOP, _TEXT = itemgetter("x0"), itemgetter("top"), itemgetter("text")  # char dict fields, read in C


@dataclass
class Line:
    """One visual line: its characters (pdfplumber dicts) joined into text, with geometry."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float  # dominant font size
    page: int
    head: float = 0.0  # width of the leading unbreakable unit (a Latin word or one CJK char)
    first: float = 0.0  # width of the first character
    chars: list[dict] = field(default_factory=list, repr=False, compare=False)  # its visible characters
    cuts: list[int] = field(default_factory=list, repr=False, compare=False)  # see ``line_of``
    limit: Optional[float] = None  # where a box beside the line starts (the line's right margin)
    dy: float = 0.0  # how far ``top``/``bottom`` were moved onto a stitched table's running y axis

    @property
    def box(self) -> tuple[float, float, float, float]:
        """x0, top, x1, bottom on its page."""
        return self.x0, self.top - self.dy, self.x1, self.bottom - self.dy


@dataclass
class GridCell:
    lines: list[Line]
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    merged: Optional[str] = None
    left: float = 0.0  # the cell's edges
    right: float = 0.0
    joins_above: bool = False  # its first line may go on from the cell above (a merge not drawn)

    def wrapped(self, line: Line, nxt: Line) -> bool:
        """``nxt`` continues ``line`` (no break): ``fits_no_more`` within the cell's padding
        (taken as its left padding, at most one em)."""
        pad = min(max(min(l.x0 for l in self.lines) - self.left, 0.0), line.size)
        return fits_no_more(line, nxt, self.right - pad)


def fits_no_more(line: Line, nxt: Line, right: float) -> bool:
    """The line was wrapped, not ended: the leading unit of ``nxt`` (at least one em wide) would
    not have fitted after ``line`` before ``right``, give or take a fifth of an em.  Where the
    two lines' edge characters bind (a number or word broken by a narrow column: "≥40" | "≥18"
    has no break opportunity), only an emergency break wraps: not even ``nxt``'s first
    character would have fitted.  A "%" binds backwards to a number only."""
    a, b = line.text[-1:], nxt.text[:1]
    room = right - 0.2 * line.size - line.x1
    if _wordish(a) and _wordish(b):
        return nxt.first >= room
    head = nxt.head - line.size if b == "%" and not a.isdigit() else nxt.head
    return max(head, line.size) >= room


def _wordish(ch: str) -> bool:
    """A character of a Latin word, number or formula (letters, digits, symbols that are not
    East Asian wide): no line break falls between two of them."""
    if not ch or ch.isspace():
        return False
    return unicodedata.category(ch)[0] in "LNS" and unicodedata.east_asian_width(ch) in ("Na", "N", "A", "H")


@dataclass
class Region:
    """A ruled table cell as drawn: its box and its text lines.  ``top``/``bottom`` run on over
    the page breaks of a table continued on the next pages (``pdf_stitch``)."""

    x0: float
    top: float
    x1: float
    bottom: float
    lines: list[Line]
    page: int
    joins_above: bool = False  # its first line may go on from the cell above (a merge not drawn)


@dataclass
class PageTable:
    """A table on one page, or stitched over several (``page`` is its first): its cells as
    drawn and the grid they resolve to."""

    top: float
    bottom: float
    x0: float
    x1: float
    page: int
    cells: list[Region] = field(default_factory=list)
    rows: list[list[GridCell]] = field(default_factory=list)
    last_page: int = 0
    merges_known: bool = True  # False without rules between the rows: an empty cell may be a merge

    def __post_init__(self) -> None:
        self.last_page = self.last_page or self.page
        if self.cells and not self.rows:
            self.rows = grid_rows(self.cells)


def dedupe(chars: list[dict], tol: float = 1.0) -> list[dict]:
    """Drop the doubled glyphs of fake bold: a char with the same text, font and size as one
    already kept within ``tol`` points (pdfplumber's dedupe_chars, in linear time: kept chars are
    filed by text and ``tol``-high band, and a char is compared with those of its band and the
    two next to it).  A page without two like characters that close (most pages) is returned as
    it is after one vectorised test (``_may_double``)."""
    if not _may_double(chars, tol):
        return chars
    bands: dict[str, dict[int, list[dict]]] = {}
    out = []
    for c in chars:
        text, x, y = c["text"], c["x0"], c["top"]
        band = int(y // tol)
        filed = bands.get(text)
        if filed is None:
            bands[text] = {band: [c]}
            out.append(c)
            continue
        dup = False
        for b in (band - 1, band, band + 1):
            for o in filed.get(b, ()):
                if (abs(o["x0"] - x) <= tol and abs(o["top"] - y) <= tol and o["fontname"] == c["fontname"]
                        and o["size"] == c["size"]):
                    dup = True
                    break
            if dup:
                break
        if not dup:
            filed.setdefault(band, []).append(c)
            out.append(c)
    return out


def _may_double(chars: list[dict], tol: float) -> bool:
    """Some two characters of the same text may lie within ``tol`` points of each other both ways
    (a superset of ``dedupe``'s test, whatever the fonts and sizes): two such characters share a
    cell of one of four grids of ``2 * tol`` cells, shifted by 0 or ``tol`` each way."""
    n = len(chars)
    if n < 2:
        return False
    import numpy as np

    text = np.fromiter(map(hash, map(_TEXT, chars)), np.int64, n) & 0x7FFFFFFF
    x = np.fromiter(map(_X0, chars), np.float64, n)
    y = np.fromiter(map(_TOP, chars), np.float64, n)
    if not (np.isfinite(x).all() and np.isfinite(y).all()):
        return True
    x, y = (x - x.min()) / tol, (y - y.min()) / tol  # from 0, in units of tol
    span = int(max(x.max(), y.max())) // 2 + 2
    if span > 1 << 15:
        return True
    for sx in (0.0, 1.0):
        cx = ((x + sx) // 2).astype(np.int64)
        for sy in (0.0, 1.0):
            key = np.sort((text * span + ((y + sy) // 2).astype(np.int64)) * span + cx)
            if (key[1:] == key[:-1]).any():
                return True
    return False


SPACE_GAP = 0.25  # ems: a wider gap between two characters is a space (``_needs_space``)
CUT_GAP = 0.6  # ems: a wider gap inside a line separates two cells (``Line.cuts``)


def _needs_space(a: dict, b: dict) -> bool:
    """A gap wider than a quarter em between two characters is a space."""
    gap = b["x0"] - a["x1"]
    return gap > SPACE_GAP * max(a["size"], b["size"])


# closing marks that may not start a line (a line break never falls before one), opening
# marks that may not end one (never after one), and quotation marks, which bind on both sides
# in Unicode line breaking (class QU)
_CLOSERS = frozenset("，。、；：？！）》」』】〕,.;:?!)]}%")
_OPENERS = frozenset("（《「『【〔([{")
_QUOTES = frozenset("“”‘’\"'")


def _unit_end(chars: list[dict], k: int) -> int:
    """Index after the unbreakable unit starting at ``chars[k]``: a Latin word or number
    (``_wordish`` characters without a gap), or one character; an opening mark, a quotation mark or
    an ASCII sign (+, -, $) binds to the unit after it, closing marks to the unit before them and
    to a word or number right after them ("年，PM2.5", "绿、500": no break in LibreOffice's output)."""
    first = chars[k]["text"]
    j = k + 1
    if _wordish(first):
        while j < len(chars) and not _needs_space(chars[j - 1], chars[j]) \
                and (_wordish(chars[j]["text"]) or chars[j]["text"] in "-./:%"):
            j += 1
    elif (first in _OPENERS or first in _QUOTES or first.isascii()) and j < len(chars):
        return _unit_end(chars, j)
    closed = j
    while j < len(chars) and chars[j]["text"] in _CLOSERS | _QUOTES:
        if chars[j]["text"] in _QUOTES:
            return _unit_end(chars, j)
        j += 1
    if closed < j < len(chars) and _wordish(chars[j]["text"]) and not _needs_space(chars[j - 1], chars[j]):
        return _unit_end(chars, j)  # LibreOffice keeps a closing mark with the word or number after it
    return j


def _head(chars: list[dict]) -> float:
    """Width of a line's leading unbreakable unit (``_unit_end``); a line that starts with a
    closing mark carried the character before it down too (one em more)."""
    w = chars[_unit_end(chars, 0) - 1]["x1"] - chars[0]["x0"]
    return w + chars[0]["size"] if chars[0]["text"] in _CLOSERS else w


def reading_order(chars: list[dict]) -> list[dict]:
    """``chars`` sorted by (round(top, 1), x0), stably; the rounding done once per distinct top
    (a line's characters share a few) and both sorts keyed in C."""
    chars = sorted(chars, key=_X0)
    tops = list(map(_TOP, chars))
    rounded = {t: round(t, 1) for t in set(tops)}
    keys = list(map(rounded.__getitem__, tops))
    return list(map(chars.__getitem__, sorted(range(len(chars)), key=keys.__getitem__)))


def make_lines(chars: list[dict], page: int) -> list[Line]:
    """Cluster characters into lines (vertical overlap), left to right within a line."""
    chars = reading_order([c for c in chars if c.get("upright", True) and c["text"]])
    groups: list[list] = []  # [top, bottom, chars]
    last: Optional[list] = None  # groups[-1]
    for c in chars:
        top, bottom = c["top"], c["bottom"]
        mid = (top + bottom) / 2
        if last is not None and last[0] <= mid <= last[1]:
            g = last
        else:  # the two groups before the last, newest first
            g = next((g for g in groups[-2:-4:-1] if g[0] <= mid <= g[1]), None)
            if g is None:
                last = [top, bottom, [c]]
                groups.append(last)
                continue
        g[2].append(c)
        if top < g[0]:
            g[0] = top
        if bottom > g[1]:
            g[1] = bottom
    lines = []
    for _, _, g in groups:
        g.sort(key=_X0)
        line = line_of(g, page)
        if line is not None:
            lines.append(line)
    lines.sort(key=lambda l: (l.top, l.x0))
    return lines



def line_of(chars: list[dict], page: int) -> Optional[Line]:
    """One line from its characters, left to right (spaces where the gap is wider than a
    quarter em, ``_needs_space``); None when there is no visible character.  ``Line.cuts``: the
    indexes k of its visible characters after a gap from character k - 1 wider than ``CUT_GAP``
    ems (where a table line splits into its cells' texts)."""
    parts: list[str] = []
    g: list[dict] = []
    cuts: list[int] = []
    prev: Optional[dict] = None
    seen: Optional[dict] = None  # the last visible character
    x1 = bottom = -math.inf
    top = math.inf
    size0, mixed = None, False
    for c in chars:
        t = c["text"]
        if t.isspace():
            if parts and parts[-1] != " ":
                parts.append(" ")
        else:
            sz = c["size"]
            if prev is not None:
                ps = prev["size"]
                em = ps if ps >= sz else sz
                gap = c["x0"] - prev["x1"]
                if gap > SPACE_GAP * em:  # _needs_space(prev, c), inline
                    if parts and parts[-1] != " ":
                        parts.append(" ")
                    if prev is seen and gap > CUT_GAP * em:
                        cuts.append(len(g))
                if prev is not seen and seen is not None:  # white space between: measured from ``seen``
                    ps = seen["size"]
                    if c["x0"] - seen["x1"] > CUT_GAP * (ps if ps >= sz else sz):
                        cuts.append(len(g))
            seen = c
            parts.append(t)
            g.append(c)
            if c["x1"] > x1:
                x1 = c["x1"]
            if c["top"] < top:
                top = c["top"]
            if c["bottom"] > bottom:
                bottom = c["bottom"]
            if size0 is None:
                size0 = sz
            elif sz != size0:
                mixed = True
        prev = c
    if not g:
        return None
    size = round(size0, 1)
    if mixed:  # the most frequent size (to 0.1 pt), the first seen of equally frequent ones
        sizes: dict[float, int] = {}
        for c in g:
            k = round(c["size"], 1)
            sizes[k] = sizes.get(k, 0) + 1
        size = max(sizes, key=sizes.__getitem__)
    return Line("".join(parts).strip(), g[0]["x0"], x1, top, bottom, size, page, _head(g), g[0]["x1"] - g[0]["x0"], g,
                cuts=cuts)


def _furniture_key(text: str) -> str:
    """A running line's identity: digits (page numbers) as #, white space and punctuation left
    out (OCR reads a scanned header's quotes and brackets differently from page to page)."""
    return re.sub(r"\d+", "#", compiled(r"[\s\p{P}\p{S}]+").sub("", text))


def remove_furniture(pages: list[list[Line]], heights: list[float]) -> list[list[Line]]:
    """Drop running headers/footers (same text on most pages, in the top/bottom margin zone)
    and page-number lines in those zones."""
    p = load("pdf")
    page_no = compiled(p["page_number"])
    zone = p["margin_zone"]

    def in_zone(line: Line, h: float) -> bool:
        return line.bottom < h * zone or line.top > h * (1 - zone)

    seen: Counter = Counter()
    for lines, h in zip(pages, heights):
        seen.update({_furniture_key(l.text) for l in lines if in_zone(l, h)})
    need = max(2, p["repeat_share"] * len(pages))
    out = []
    for lines, h in zip(pages, heights):
        out.append([l for l in lines if not (in_zone(l, h) and (seen[_furniture_key(l.text)] >= need
                                                                or page_no.match(l.text.strip())))])
    return out


def _cluster(values: list[float], tol: float = 1.5) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > tol:
            out.append(v)
    return out


def _index(edges: list[float], v: float) -> int:
    """The index of the sorted ``edges`` value nearest to ``v`` (the first of two as near)."""
    i = bisect.bisect_left(edges, v)
    if i == len(edges) or (i and v - edges[i - 1] <= edges[i] - v):
        return i - 1
    return i


def grid_rows(cells: list[Region]) -> list[list[GridCell]]:
    """Cell boxes resolved to a grid: a cell covering several column/row intervals is a merge
    origin; the positions it covers are marked "h" (same row) or "v" (rows below)."""
    xs = _cluster([c.x0 for c in cells] + [c.x1 for c in cells])
    ys = _cluster([c.top for c in cells] + [max(c.bottom for c in cells)])  # a row where no cell starts is no row
    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    grid: list[list[Optional[GridCell]]] = [[None] * n_cols for _ in range(n_rows)]
    for cell in sorted(cells, key=lambda c: (c.top, c.x0)):
        r0, r1 = _index(ys, cell.top), _index(ys, cell.bottom)
        c0, c1 = _index(xs, cell.x0), _index(xs, cell.x1)
        if r1 <= r0 or c1 <= c0 or grid[r0][c0] is not None:
            continue
        grid[r0][c0] = GridCell(cell.lines, r0, c0, r1 - r0, c1 - c0, left=cell.x0, right=cell.x1,
                                joins_above=cell.joins_above)
        for r in range(r0, r1):
            for c in range(c0, c1):
                if (r, c) != (r0, c0) and grid[r][c] is None:
                    grid[r][c] = GridCell([], r, c, merged="h" if r == r0 else "v")
    return [[g if g is not None else GridCell([], r, c) for c, g in enumerate(row)] for r, row in enumerate(grid)]


def grid_table(table, chars: list[dict], page: int) -> PageTable:
    """A ruled table (``pdf_rules.Ruled``) with the characters inside each of its cells."""
    by_y = sorted(chars, key=lambda ch: ch["top"] + ch["bottom"])
    mids = [(ch["top"] + ch["bottom"]) / 2 for ch in by_y]
    cells = []
    for x0, top, x1, bottom in table.cells:
        band = by_y[bisect.bisect_left(mids, top):bisect.bisect_right(mids, bottom)]
        inside = [ch for ch in band if x0 <= (ch["x0"] + ch["x1"]) / 2 <= x1]
        cells.append(Region(x0, top, x1, bottom, make_lines(inside, page), page))
    x0, top, x1, bottom = table.bbox
    return PageTable(top, bottom, x0, x1, page, cells)

