"""One CSV per record kind: UTF-8 with BOM (Excel opens Chinese correctly), header row first.

Lists of names are joined with "、" (the Chinese enumeration comma, as the documents write
them); lists of objects (phases, refs) are JSON text; a missing value is an empty cell.
"""
from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from .columns import Column

LIST_SEP = "、"


def cell_text(value: Any, column: Column) -> Any:
    """A cell value for CSV/Excel: lists joined with "、" or JSON text, scalars unchanged."""
    if value is None or column.kind == "scalar" and not isinstance(value, (list, dict)):
        return value
    if column.kind == "list" and isinstance(value, (list, tuple)) \
            and not any(isinstance(v, (list, dict)) for v in value):
        return LIST_SEP.join("" if v is None else str(v) for v in value)
    return json.dumps(value, ensure_ascii=False)


class CsvWriter:
    """One kind's CSV file, written row by row (the caller makes the write atomic)."""

    def __init__(self, columns: list[Column], path: Path):
        self.columns = columns
        self._fh = open(path, "w", encoding="utf-8-sig", newline="")
        self._out = csv.writer(self._fh)
        self._out.writerow([c.name for c in columns])

    def write(self, rows: list[list[Any]]) -> None:
        cols = self.columns
        self._out.writerows([cell_text(v, c) for v, c in zip(row, cols)] for row in rows)

    def close(self) -> None:
        self._fh.close()
