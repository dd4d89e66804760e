"""A Word table (w:tbl) resolved to a full grid from its XML.

Rows are the ``w:tr``; each ``w:tc`` covers ``w:gridSpan`` grid columns starting after the
row's ``w:gridBefore``; ``w:vMerge`` (restart / continue) and the legacy ``w:hMerge`` join
cells.  The result has one entry per grid position: an origin ``_Slot`` (with its rowspan,
colspan and the ``w:tc`` element) or a placeholder marked "v" (covered by the origin above)
or "h" (covered by the origin to the left).  Positions no ``w:tc`` reaches are empty slots.

A row is at most ``limits.toml: docx.max_grid_columns`` wide (Word's own limit is 63): a
``gridBefore`` or ``gridSpan`` reaching past it is cut there, and a warning says so.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Optional

from ..limits import bound
from .docx_numbering import W


@dataclass
class _Slot:
    tc: object = None  # the w:tc element of an origin (None for placeholders / holes)
    rowspan: int = 1
    colspan: int = 1
    merged: Optional[str] = None  # "v" / "h" for placeholders
    origin: Optional["_Slot"] = None  # the origin a placeholder belongs to


def _int(el, tag: str, default: int) -> int:
    child = el.find(tag) if el is not None else None
    try:
        return int(child.get(W + "val")) if child is not None else default
    except (TypeError, ValueError):
        return default


def _children(el, tag: str) -> Iterator:
    """Direct ``tag`` children, looking through content controls and custom XML wrappers."""
    for ch in el:
        if ch.tag == tag:
            yield ch
        elif ch.tag in (W + "sdt", W + "customXml"):
            inner = ch.find(W + "sdtContent") if ch.tag == W + "sdt" else ch
            if inner is not None:
                yield from _children(inner, tag)


def _merge_state(tcpr, tag: str) -> Optional[str]:
    el = tcpr.find(W + tag) if tcpr is not None else None
    if el is None:
        return None
    return el.get(W + "val") or "continue"


def grid(tbl, warnings: Optional[list[str]] = None) -> list[list[_Slot]]:
    """The table's grid: one list of slots per w:tr, all of the same width (a row cut at the
    column bound adds a line to ``warnings``)."""
    limit = bound("docx", "max_grid_columns")
    cut = 0
    rows: list[list[_Slot]] = []
    for tr in _children(tbl, W + "tr"):
        trpr = tr.find(W + "trPr")
        before = max(0, _int(trpr, W + "gridBefore", 0))
        row: list[_Slot] = [_Slot() for _ in range(min(before, limit))]
        cut += before > limit
        for tc in _children(tr, W + "tc"):
            tcpr = tc.find(W + "tcPr")
            span = max(1, _int(tcpr, W + "gridSpan", 1))
            col = len(row)
            if col + span > limit:
                cut += 1
                span = limit - col
                if span <= 0:
                    break
            above = _origin_at(rows[-1], col) if rows else None
            if _merge_state(tcpr, "vMerge") == "continue" and above is not None:
                above.rowspan += 1
                row.extend(_Slot(merged="v", origin=above) for _ in range(span))
                continue
            left = _origin_at(row, col - 1) if col else None
            if _merge_state(tcpr, "hMerge") == "continue" and left is not None:
                left.colspan += span
                row.extend(_Slot(merged="h", origin=left) for _ in range(span))
                continue
            origin = _Slot(tc=tc, colspan=span)
            row.append(origin)
            row.extend(_Slot(merged="h", origin=origin) for _ in range(span - 1))
        rows.append(row)
    if cut and warnings is not None:
        warnings.append(f"a table's rows were cut at {limit} grid columns ({cut} cell(s) reached past it: "
                        "gridBefore/gridSpan; limits.toml docx.max_grid_columns)")
    width = max((len(r) for r in rows), default=0)
    for r in rows:
        r.extend(_Slot() for _ in range(width - len(r)))
    return rows


def _origin_at(row: list[_Slot], col: int) -> Optional[_Slot]:
    if col < 0 or col >= len(row):
        return None
    s = row[col]
    return s.origin if s.merged else (s if s.tc is not None else None)
