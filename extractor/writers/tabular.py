"""Batch tables: one CSV per record kind, an Excel workbook and a SQLite database.

``write_batch_tables`` writes, in the output folder::

    documents.csv sections.csv tasks.csv indicators.csv projects.csv targets.csv
    deadlines.csv responsibilities.csv findings.csv tables.csv   (UTF-8 with BOM)
    planx.xlsx     a sheet per kind (same names), bold frozen header
    planx.sqlite   a table per kind (same names), index on doc_id

Columns are defined by the output schema (see :mod:`.columns`); every row starts with
``doc_id``.  Lists of names are joined with "、" in CSV/Excel and kept as JSON text in SQLite.
All files are first written under temporary names and renamed into place only when every
one of them is complete, so a crash never leaves a partial file under a final name.
"""
from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from ..records import ExtractResult
from .columns import KINDS, build_tables, document_rows, plan_columns
from .jsonfile import temp_file

if TYPE_CHECKING:
    import pandas

# record kind → file / sheet / SQL table name
NAMES = {kind: ("documents" if kind == "document" else kind) for kind in KINDS}
WORKBOOK = "planx.xlsx"
DATABASE = "planx.sqlite"


class _Staging:
    """Temporary files next to their final names; renamed together by ``commit``."""

    def __init__(self, out_dir: Path):
        self.out_dir = out_dir
        self.pending: list[tuple[Path, Path]] = []

    def temp_for(self, name: str) -> Path:
        tmp = temp_file(self.out_dir, name)
        self.pending.append((tmp, self.out_dir / name))
        return tmp

    def commit(self) -> list[Path]:
        for tmp, final in self.pending:
            os.replace(tmp, final)
        return [final for _, final in self.pending]

    def discard(self) -> None:
        for tmp, _ in self.pending:
            tmp.unlink(missing_ok=True)


def write_batch_tables(results: Iterable[dict], out_dir: Path) -> list[Path]:
    """Write the CSV files, workbook and database of a batch; return the paths written.

    ``results`` is iterated twice (column plan, then rows), one document at a time, so a
    batch read back from its JSON files is streamed in flat memory."""
    from .csv_out import CsvWriter
    from .excel import ExcelWriter
    from .sqlite import SqliteWriter

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    columns = plan_columns(results)
    stage = _Staging(out_dir)
    try:
        with contextlib.ExitStack() as open_files:
            csvs = {}
            for kind, cols in columns.items():
                csvs[kind] = CsvWriter(cols, stage.temp_for(f"{NAMES[kind]}.csv"))
                open_files.callback(csvs[kind].close)
            excel = ExcelWriter(columns, NAMES, stage.temp_for(WORKBOOK))
            db = SqliteWriter(columns, NAMES, stage.temp_for(DATABASE))
            open_files.callback(db.close)
            for res in results:
                for kind, rows in document_rows(res, columns).items():
                    csvs[kind].write(rows)
                    excel.write(kind, rows)
                    db.write(kind, rows)
            excel.save()
            db.commit()
        return stage.commit()
    except BaseException:
        stage.discard()
        raise


def result_frames(results: list[dict | ExtractResult]) -> dict[str, "pandas.DataFrame"]:
    """One DataFrame per record kind (keys as in ``to_dict()``: "document", "sections", …).

    Columns as in the CSV files; lists stay Python lists; integer and number columns use
    pandas' nullable dtypes (Int64 / Float64) so a missing value does not turn 3 into 3.0.
    """
    import pandas as pd

    dicts = [r.to_dict() if isinstance(r, ExtractResult) else r for r in results]
    frames = {}
    for kind, table in build_tables(dicts).items():
        df = pd.DataFrame(table.rows, columns=[c.name for c in table.columns], dtype=object)
        for col in table.columns:
            if col.sqltype in ("INTEGER", "REAL") and col.kind == "scalar":
                try:
                    df[col.name] = df[col.name].astype("Int64" if col.sqltype == "INTEGER" else "Float64")
                except (TypeError, ValueError):
                    pass  # a value of another type: keep the column as objects
        frames[kind] = df
    return frames
