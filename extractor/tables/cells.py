"""A table's logical grid for the output (contract v2): every row, every cell, with spans.

``logical_grid`` turns the table blocks of one table (a table and its continuations on the
next pages) into header rows and body rows of :class:`~extractor.records.GridCell` s::

    {"text": "≥27", "rowspan": 1, "colspan": 1, "inherited": false, "span": {...}}

docx/pdf tables (``Table.grid``) are resolved to their grid: a merge origin carries its
``rowspan``/``colspan``, and every position it covers repeats its text with
``inherited: true`` (and the origin's span), so each row has one cell per grid column.  Tika
text tables cannot tell a merged cell from an empty one: their rows are as exported.
A continuation's repeated header rows are left out; every other row is kept, so a table of
kind "other" keeps all its content.
"""
from __future__ import annotations

from typing import Optional

from ..model import Cell, Document, MappedText, Table
from ..records import GridCell
from .header import flat


def _cell(doc: Document, c: Optional[Cell], inherited: bool = False) -> GridCell:
    if c is None:
        return GridCell("")
    span = doc.span_of(MappedText(c.text, c.offsets)) if c.offsets and c.text else None
    return GridCell(flat(c.text), 1 if inherited else max(1, c.rowspan), 1 if inherited else max(1, c.colspan),
                    inherited, span)


def _grid_rows(doc: Document, table: Table) -> list[list[GridCell]]:
    """Rows of a resolved grid: one cell per grid column, merged positions inherited."""
    width = max((c.col + max(1, c.colspan) for r in table.rows for c in r), default=0)
    out: list[list[GridCell]] = []
    above: list[Optional[Cell]] = [None] * width
    for r in table.rows:
        line: list[Optional[Cell]] = [None] * width
        for c in sorted(r, key=lambda c: c.col):
            if not 0 <= c.col < width:
                continue
            if c.merged == "v":
                line[c.col] = above[c.col]
            elif c.merged == "h":
                line[c.col] = line[c.col - 1] if c.col else None
            else:
                for k in range(c.col, min(width, c.col + max(1, c.colspan))):
                    line[k] = c
        row, seen, mine = [], set(), {id(c) for c in r if c.merged is None}
        for o in line:
            own = o is not None and id(o) not in seen and id(o) in mine
            row.append(_cell(doc, o, inherited=o is not None and not own))
            if o is not None:
                seen.add(id(o))
        out.append(row)
        above = line
    return out


def _rows(doc: Document, table: Table) -> list[list[GridCell]]:
    if table.grid:
        return _grid_rows(doc, table)
    return [[_cell(doc, c) for c in r] for r in table.rows]


def logical_grid(doc: Document, first: Table, n_top: int,
                 continuations: list[tuple[Table, int]] = ()) -> tuple[list[list[GridCell]], list[list[GridCell]]]:
    """(header rows, body rows) of a table: ``n_top`` title and header rows of ``first``, then
    its body and each continuation's rows after its own ``n`` repeated header rows."""
    rows = _rows(doc, first)
    header, body = rows[:n_top], rows[n_top:]
    for table, n in continuations:
        body.extend(_rows(doc, table)[n:])
    return header, body
