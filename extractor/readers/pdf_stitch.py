"""Tables continued over page breaks → one table, by geometry.

A table part that ends a page and one that starts the next page (nothing between them but a
"续表" line) are one table when they have the same left and right edges and share most of their
column rules.  The next part is joined below the previous one on one running y axis; its
column grid is reconciled by x-positions, so rows whose cells split differently (one name cell
over two grid columns on one page, group + name on the next) land in the same columns:

- header rows repeated at the top of the next part ("重复标题行": the same texts as the table's
  first rows) are page furniture and dropped;
- a cell cut by the page break goes on in the cell above it: the same column range, its text
  on the previous page running to the cell's right edge and down to its bottom (no room left
  for another line), or, for an empty cell, a merge that spans several rows on either side;
- a one-column table (a 专栏 box) always goes on in its last cell;
- an empty cell under a filled one at the top of a new row may be either: the table is marked
  ``merges_known`` False (the table extractors then guess merges as for the text export); a cut
  cell at the top of a sub-row (its leftmost text a tail) may be the cell above merged over both
  rows: it is marked ``joins_above``.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Union

from ..patterns import compiled, load
from .pdf_layout import Line, PageTable, Region, _cluster, fits_no_more, grid_rows

Item = Union[Line, PageTable]

_TOL = 2.0  # points: the same rule on two pages


def stitch(pages: list[list[Item]]) -> None:
    """Join, in place, every table part continued at the top of the next page into the part
    above it (a table may run over many pages)."""
    cont = compiled(load("tables")["continued_table"])
    for k in range(1, len(pages)):
        prev = next((p for p in reversed(pages[:k]) if p), None)
        if not prev or not isinstance(prev[-1], PageTable) or not pages[k]:
            continue
        a = prev[-1]
        j = 0
        while j < len(pages[k]) and isinstance(pages[k][j], Line) and cont.search(pages[k][j].text):
            j += 1
        if j >= len(pages[k]) or not isinstance(pages[k][j], PageTable) or not _same_table(a, pages[k][j]):
            continue
        join(a, pages[k][j])
        del pages[k][:j + 1]


def _edges(t: PageTable) -> list[float]:
    xs: list[float] = []
    for v in sorted([c.x0 for c in t.cells] + [c.x1 for c in t.cells]):
        if not xs or v - xs[-1] > _TOL:
            xs.append(v)
    return xs


def _same_table(a: PageTable, b: PageTable) -> bool:
    """The same left and right edges, and most column rules in common."""
    if abs(a.x0 - b.x0) > _TOL or abs(a.x1 - b.x1) > _TOL:
        return False
    ea, eb = _edges(a), _edges(b)
    common = sum(1 for x in ea if any(abs(x - y) <= _TOL for y in eb))
    return common >= 0.6 * max(len(ea), len(eb))


def _row_texts(t: PageTable, r: int) -> list[str]:
    return ["".join(l.text for l in g.lines) for g in t.rows[r] if g.merged is None]


def _repeated_header(a: PageTable, b: PageTable) -> int:
    """How many rows at the top of ``b`` repeat the first rows of ``a`` (0: none)."""
    n = 0
    while n < min(len(a.rows), len(b.rows) - 1) and any(_row_texts(b, n)) and _row_texts(a, n) == _row_texts(b, n):
        n += 1
    return n


def _bands(cells: list[Region]) -> list[float]:
    """The y of every row boundary of a table's cells (as ``grid_rows`` makes its rows)."""
    return _cluster([c.top for c in cells] + [max(c.bottom for c in cells)])


def _drop_rows(b: PageTable, n: int) -> None:
    """Remove the cells that start in the first ``n`` grid rows of ``b``."""
    if not n:
        return
    cut = _bands(b.cells)[n]
    b.cells = [c for c in b.cells if c.top >= cut - 0.5]
    b.top = min((c.top for c in b.cells), default=b.bottom)


def _cut(cell: Region, nxt: Line) -> bool:
    """The text of ``cell`` was cut by the page break: its last line runs to the cell's right
    edge (the next part's first line would not have fitted after it) and down to its bottom."""
    if not cell.lines:
        return False
    last = cell.lines[-1]
    pad = min(max(min(l.x0 for l in cell.lines) - cell.x0, 0.0), last.size)
    return fits_no_more(last, nxt, cell.x1 - pad) and cell.bottom - last.bottom < 1.2 * last.size


def _spans(cells: list[Region], c: Region) -> int:
    """How many grid rows of a table (its ``cells``) the cell ``c`` covers."""
    return 1 + sum(1 for y in _bands(cells) if c.top + 1.5 < y < c.bottom - 1.5)


def _overlap(a: Region, b: Region) -> bool:
    return min(a.x1, b.x1) - max(a.x0, b.x0) > _TOL


def _shifted(c: Region, dy: float) -> Region:
    lines = [replace(l, top=l.top + dy, bottom=l.bottom + dy, dy=l.dy + dy) for l in c.lines]
    return Region(c.x0, c.top + dy, c.x1, c.bottom + dy, lines, c.page, c.joins_above)


def join(a: PageTable, b: PageTable) -> None:
    """Append table part ``b`` (next page) to ``a``: ``b``'s cells go on the running y axis
    below ``a``; a cell of ``b``'s first row band goes on in the cell above it when that cell
    was cut by the page break (when every text of the band is such a tail: the row was split),
    or when either is a merge over several rows (a merged cell running over the break)."""
    _drop_rows(b, _repeated_header(a, b))
    if not b.cells:
        return
    dy = a.bottom - b.top
    one_column = len(_edges(a)) == 2 and len(_edges(b)) == 2
    cells = [_shifted(c, dy) for c in b.cells]
    top = a.bottom
    pairs = []
    for c in cells:
        if c.top - top > 0.5:
            continue
        above = next((d for d in a.cells if abs(d.bottom - top) <= _TOL and abs(d.x0 - c.x0) <= _TOL
                      and abs(d.x1 - c.x1) <= _TOL), None)
        if above is not None:
            cut = bool(c.lines) and bool(above.lines) and (one_column or _cut(above, c.lines[0]))
            pairs.append((c, above, cut))
    split = all(cut for c, _, cut in pairs if c.lines)
    texts = sorted((c for c in cells if c.top - top <= 0.5 and c.lines), key=lambda c: c.x0)
    led = bool(texts) and not any(cut for c, _, cut in pairs if c is texts[0])  # its leftmost text is new
    whole = a.cells + cells
    if split and pairs:  # the row goes on in the columns without a cell in the band (unruled tables)
        end = min(c.bottom for c, _, _ in pairs)
        for d in a.cells:
            if abs(d.bottom - top) <= _TOL and not any(_overlap(d, c) for c in cells if c.top - top <= 0.5):
                d.bottom = end
    for c, above, cut in pairs:
        merge = _spans(whole, above) > 1 or _spans(whole, c) > 1
        if (split and (cut or not c.lines)) or (merge and (cut or not c.lines)):
            above.lines += c.lines
            above.bottom = c.bottom
            cells.remove(c)
        elif cut and not led:  # a sub-row whose cell may still be the cell above, merged over both
            c.joins_above = True
    # an empty cell under a filled one at the top of a new row: a merge over the break or an
    # empty cell, the page cannot tell
    unsure = not split and any(not c.lines and above.lines and c in cells for c, above, _ in pairs)
    a.cells += cells
    a.bottom = max(c.bottom for c in a.cells)
    a.last_page = b.last_page
    a.merges_known = a.merges_known and b.merges_known and not unsure
    a.rows = grid_rows(a.cells)
