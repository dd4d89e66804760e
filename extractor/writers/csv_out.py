"""One CSV per output table: UTF-8 with BOM (Excel opens Chinese correctly), header row first.

Lists are JSON arrays, text is neutralised against formula injection (see :mod:`.cells`),
booleans are true/false, a missing value is an empty cell.
"""
from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from .columns import Column


class CsvWriter:
    """One table's CSV file, written row by row (the caller makes the write atomic); rows come
    as :func:`.cells.text_rows` makes them."""

    def __init__(self, columns: list[Column], path: Path):
        self._fh = open(path, "w", encoding="utf-8-sig", newline="")
        self._out = csv.writer(self._fh)
        self._out.writerow([c.name for c in columns])

    def write(self, rows: list[list[Any]]) -> None:
        self._out.writerows(rows)

    def close(self) -> None:
        self._fh.close()
