"""Excel workbook of a batch: one sheet per record kind, bold frozen header, filter, widths.

Cells hold the same text as the CSV files (lists joined with "、").  Text is always stored
as text (a value such as "=100" never becomes a formula), characters Excel cannot store
are dropped and cells are cut at Excel's 32,767-character limit.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from .columns import Table
from .csv_out import cell_text

_MAX_CELL = 32767
_MIN_WIDTH, _MAX_WIDTH, _SAMPLE = 6, 50, 200


def _display_width(text: str) -> int:
    """Approximate on-screen width: CJK and full-width characters count double."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _widths(header: list[str], rows: list[list[Any]]) -> list[float]:
    widths = [_display_width(h) for h in header]
    for row in rows[:_SAMPLE]:
        for i, v in enumerate(row):
            if v is not None:
                widths[i] = max(widths[i], _display_width(str(getattr(v, "value", v))[:_MAX_WIDTH]))
    return [min(_MAX_WIDTH, max(_MIN_WIDTH, w + 2)) for w in widths]


def write_excel(tables: dict[str, Table], names: dict[str, str], path: Path) -> None:
    """Write a workbook with one sheet per table to ``path`` (the caller makes it atomic)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    wb = Workbook(write_only=True)
    for kind, table in tables.items():
        ws = wb.create_sheet(names[kind][:31])
        header = [c.name for c in table.columns]
        rows = []
        for row in table.rows:
            out = []
            for v, col in zip(row, table.columns):
                v = cell_text(v, col)
                if isinstance(v, str):
                    v = ILLEGAL_CHARACTERS_RE.sub("", v)[:_MAX_CELL]
                    if v.startswith("="):
                        cell = WriteOnlyCell(ws, value=v)
                        cell.data_type = "s"
                        v = cell
                out.append(v)
            rows.append(out)
        for i, w in enumerate(_widths(header, rows), 1):
            ws.column_dimensions[get_column_letter(i)].width = w
        ws.freeze_panes = "A2"
        if header:
            ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{len(rows) + 1}"
        head = []
        for h in header:
            cell = WriteOnlyCell(ws, value=h)
            cell.font = bold
            head.append(cell)
        ws.append(head)
        for r in rows:
            ws.append(r)
    wb.save(path)
