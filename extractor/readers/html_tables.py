"""An HTML ``<table>`` resolved to a full grid, as the HTML table model does it.

Rows are the table's own ``<tr>`` (directly or in its ``thead``/``tbody``/``tfoot``, in
source order; nested tables belong to their own cells).  Each ``<td>``/``<th>`` takes the
first free grid position of its row and covers ``colspan`` × ``rowspan`` positions
(``rowspan="0"`` reaches the end of the row group).  The result has one entry per position:
an origin ``Slot`` holding the cell element, or a placeholder marked "h" (covered from the
left, same row) or "v" (covered from a row above) — the same shape as the .docx grid.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Optional

_MAX_COLSPAN = 1000  # the HTML limits
_MAX_ROWSPAN = 65534


@dataclass
class Slot:
    cell: object = None  # the td/th element of an origin; None for placeholders and holes
    rowspan: int = 1
    colspan: int = 1
    merged: Optional[str] = None  # "h" / "v" for a covered position


def _span(el, name: str, limit: int, default: int = 1) -> int:
    try:
        v = int(str(el.get(name, default)).strip().rstrip("%") or default)
    except ValueError:
        return default
    return max(0, min(v, limit))


def row_groups(table) -> Iterator[list]:
    """The table's row groups (thead/tbody/tfoot, or rows directly under the table), each a
    list of its own ``tr`` elements."""
    loose: list = []
    for ch in table:
        tag = ch.tag if isinstance(ch.tag, str) else ""
        if tag == "tr":
            loose.append(ch)
        elif tag in ("thead", "tbody", "tfoot"):
            if loose:
                yield loose
                loose = []
            yield [tr for tr in ch if tr.tag == "tr"]
    if loose:
        yield loose


def cells_of(tr) -> list:
    return [c for c in tr if c.tag in ("td", "th")]


def grid(table) -> list[list[Slot]]:
    """The table's grid: one list of slots per row, all of the same width."""
    rows: list[list[Optional[Slot]]] = []
    for group in row_groups(table):
        start = len(rows)
        group_rows = len(group)
        for k, tr in enumerate(group):
            r = start + k
            while len(rows) <= r:
                rows.append([])
            row = rows[r]
            col = 0
            for td in cells_of(tr):
                while col < len(row) and row[col] is not None:
                    col += 1
                colspan = max(1, _span(td, "colspan", _MAX_COLSPAN))
                rowspan = _span(td, "rowspan", _MAX_ROWSPAN)
                rowspan = group_rows - k if rowspan == 0 else min(rowspan, group_rows - k)
                rowspan = max(1, rowspan)
                origin = Slot(td, rowspan, colspan)
                for dr in range(rowspan):
                    while len(rows) <= r + dr:
                        rows.append([])
                    target = rows[r + dr]
                    for dc in range(colspan):
                        c = col + dc
                        target.extend([None] * (c + 1 - len(target)))
                        if target[c] is None:
                            target[c] = origin if (dr, dc) == (0, 0) else Slot(merged="h" if dr == 0 else "v")
                col += colspan
    width = max((len(r) for r in rows), default=0)
    return [[s if s is not None else Slot() for s in r] + [Slot() for _ in range(width - len(r))] for r in rows]
