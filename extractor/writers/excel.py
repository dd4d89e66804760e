"""Excel workbook of a batch: one sheet per record kind, bold frozen header, filter, widths.

Cells hold the same text as the CSV files (lists joined with "、").  Text is always stored
as text (a value such as "=100" never becomes a formula), characters Excel cannot store
are dropped and cells are cut at Excel's 32,767-character limit.  The workbook is written
in openpyxl's write-only mode: rows stream to disk; only the first rows of each sheet are
held, to size the columns (which must be set before the first row is written).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from .columns import Column
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


class _Sheet:
    """One write-only sheet: holds its first rows until the column widths are known."""

    def __init__(self, ws: Any, columns: list[Column]):
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        self.ws, self.columns = ws, columns
        self.illegal = ILLEGAL_CHARACTERS_RE
        self.held: list[list[Any]] | None = []  # None once streaming
        self.count = 0

    def _cells(self, row: list[Any]) -> list[Any]:
        from openpyxl.cell import WriteOnlyCell

        out = []
        for v, col in zip(row, self.columns):
            v = cell_text(v, col)
            if isinstance(v, str):
                v = self.illegal.sub("", v)[:_MAX_CELL]
                if v.startswith("="):
                    cell = WriteOnlyCell(self.ws, value=v)
                    cell.data_type = "s"
                    v = cell
            out.append(v)
        return out

    def write(self, rows: list[list[Any]]) -> None:
        self.count += len(rows)
        if self.held is None:
            for row in rows:
                self.ws.append(self._cells(row))
            return
        self.held.extend(self._cells(row) for row in rows)
        if len(self.held) >= _SAMPLE:
            self._start()

    def _start(self) -> None:
        """Set widths and panes, write the header and the rows held so far."""
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter

        ws, held = self.ws, self.held or []
        header = [c.name for c in self.columns]
        for i, w in enumerate(_widths(header, held), 1):
            ws.column_dimensions[get_column_letter(i)].width = w
        ws.freeze_panes = "A2"
        bold = Font(bold=True)
        head = []
        for h in header:
            cell = WriteOnlyCell(ws, value=h)
            cell.font = bold
            head.append(cell)
        ws.append(head)
        for row in held:
            ws.append(row)
        self.held = None

    def finish(self) -> None:
        from openpyxl.utils import get_column_letter

        if self.held is not None:
            self._start()
        if self.columns:
            self.ws.auto_filter.ref = f"A1:{get_column_letter(len(self.columns))}{self.count + 1}"


class ExcelWriter:
    """A workbook with one sheet per kind, fed a document's rows at a time."""

    def __init__(self, columns: dict[str, list[Column]], names: dict[str, str], path: Path):
        from openpyxl import Workbook

        self.path = path
        self.wb = Workbook(write_only=True)
        self.sheets = {kind: _Sheet(self.wb.create_sheet(names[kind][:31]), cols)
                       for kind, cols in columns.items()}

    def write(self, kind: str, rows: list[list[Any]]) -> None:
        if rows:
            self.sheets[kind].write(rows)

    def save(self) -> None:
        """Finish every sheet and write the file (the caller makes it atomic)."""
        for sheet in self.sheets.values():
            sheet.finish()
        self.wb.save(self.path)
