"""Batch tables: one CSV per output table, an Excel workbook and a SQLite database.

``write_batch_tables`` writes, in the output folder::

    documents.csv sections.csv tasks.csv indicators.csv projects.csv targets.csv deadlines.csv
    responsibilities.csv findings.csv tables.csv indicator_targets.csv declared_counts.csv
    table_cells.csv        (UTF-8 with BOM)
    planx.xlsx             a sheet per table (same names) except table_cells
    planx.sqlite           a table per output table (same names), keys and foreign keys

Columns and keys are in :mod:`.columns`.  The three writers are fed one document at a time;
each is isolated: a writer that fails is reported (naming its file) and the others go on.
The set is published as a unit (:mod:`.publish`): every file is written under a temporary
name, then the previous set is moved aside and the new one moved in; if a final name cannot
be replaced (a workbook open in Excel), the previous set stays as it was and the error names
the file.  A writer that failed leaves no file of the previous batch behind, so the folder
never holds tables of two batches.
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable

from ..errors import PlanxError
from ..files import temp_file
from ..records import SCHEMA_VERSION, ExtractResult
from ..version import __version__
from .cells import Notes, text_rows
from .columns import build_tables, document_rows, table_layout
from .csv_out import CsvWriter
from .excel import ExcelWriter
from .publish import publish
from .sqlite import SqliteWriter

if TYPE_CHECKING:
    import pandas

WORKBOOK = "planx.xlsx"
DATABASE = "planx.sqlite"
NOT_IN_WORKBOOK = ("table_cells",)  # a table for machines (every cell of every grid): CSV and SQLite only


def table_files() -> list[str]:
    """The file names of a batch's table set."""
    return [f"{name}.csv" for name in table_layout()] + [WORKBOOK, DATABASE]


@dataclass
class TablesReport:
    """What writing the batch tables did."""

    written: list[Path] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # one line per writer that failed
    notes: list[str] = field(default_factory=list)  # values a writer had to change
    documents: int = 0  # documents the tables hold


class _Guarded:
    """One writer (a set of files): calls are skipped once it has failed."""

    def __init__(self, label: str, files: list[str]):
        self.label, self.files = label, files
        self.temps: dict[str, Path] = {}
        self.writer: Any = None
        self.error: str = ""
        self.notes = Notes()

    def run(self, fn: Callable[[], Any]) -> None:
        if self.error:
            return
        try:
            fn()
        except PlanxError as e:
            self.error = str(e)
        except OSError as e:
            self.error = f"{self.label}: cannot write ({e.strerror or e})"
        except Exception as e:  # noqa: BLE001 — one writer's bug must not cost the other tables
            self.error = f"{self.label}: internal error writing it ({type(e).__name__}: {e})"


def write_batch_tables(results: Iterable[dict], out_dir: Path) -> TablesReport:
    """Write the CSV files, workbook and database of a batch, streamed one document at a time,
    and publish them as one set; return what was written and what failed."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    layout = table_layout()
    columns = {name: t.columns for name, t in layout.items()}
    csv_g = _Guarded(str(out_dir / "documents.csv") + " (and the other CSV files)", [f"{n}.csv" for n in layout])
    xlsx_g = _Guarded(str(out_dir / WORKBOOK), [WORKBOOK])
    db_g = _Guarded(str(out_dir / DATABASE), [DATABASE])
    guards = (csv_g, xlsx_g, db_g)
    report = TablesReport()

    def open_csv() -> None:
        csv_g.writer = {}
        for name, cols in columns.items():
            csv_g.temps[f"{name}.csv"] = tmp = temp_file(out_dir)
            csv_g.writer[name] = CsvWriter(cols, tmp)

    def open_xlsx() -> None:
        xlsx_g.temps[WORKBOOK] = tmp = temp_file(out_dir)
        xlsx_g.writer = ExcelWriter({n: c for n, c in columns.items() if n not in NOT_IN_WORKBOOK}, tmp, xlsx_g.notes)

    def open_db() -> None:
        db_g.temps[DATABASE] = tmp = temp_file(out_dir)
        db_g.writer = SqliteWriter(layout, tmp, db_g.notes)

    csv_g.run(open_csv)
    xlsx_g.run(open_xlsx)
    db_g.run(open_db)
    try:
        with contextlib.ExitStack() as cleanup:
            cleanup.callback(_close_all, guards)
            for res in results:
                rows = document_rows(res)
                report.documents += 1
                if not (csv_g.error and xlsx_g.error):
                    texts = {n: text_rows(r) for n, r in rows.items()}
                    csv_g.run(lambda: [csv_g.writer[n].write(r) for n, r in texts.items()])
                    xlsx_g.run(lambda: [xlsx_g.writer.write(n, texts[n]) for n in xlsx_g.writer.tables])
                db_g.run(lambda: [db_g.writer.write(n, r) for n, r in rows.items()])
            csv_g.run(lambda: [w.close() for w in csv_g.writer.values()])
            xlsx_g.run(xlsx_g.writer.save if xlsx_g.writer else lambda: None)
            meta = {"planx_version": __version__, "schema_version": SCHEMA_VERSION, "documents": report.documents}
            db_g.run(lambda: db_g.writer.commit(meta))
    except BaseException:  # interrupted (or the results failed): the previous set stays, no temporaries
        for g in guards:
            for tmp in g.temps.values():
                tmp.unlink(missing_ok=True)
        raise
    ok = [g for g in guards if not g.error]
    moves = {out_dir / name: tmp for g in ok for name, tmp in g.temps.items()}
    removals = [out_dir / name for g in guards if g.error for name in g.files]
    for g in guards:
        if g.error:
            report.failures.append(g.error)
            for tmp in g.temps.values():
                tmp.unlink(missing_ok=True)
        else:
            report.notes += g.notes.lines(g.label)
    try:
        publish(out_dir, moves, removals)
    except PlanxError as e:
        report.failures.append(str(e))
        return report
    report.written = sorted(moves)
    return report


def _close_all(guards: tuple[_Guarded, ...]) -> None:
    """Close whatever a failed writer left open (its files are removed by the caller)."""
    for g in guards:
        w = g.writer
        for item in (w.values() if isinstance(w, dict) else [w] if w is not None else []):
            with contextlib.suppress(Exception):
                item.close()


def result_frames(results: list[dict | ExtractResult]) -> dict[str, "pandas.DataFrame"]:
    """One DataFrame per output table (names as the CSV files: "documents", "indicators",
    "indicator_targets", …).  Lists stay Python lists; integer and number columns use pandas'
    nullable dtypes (Int64 / Float64) so a missing value does not turn 3 into 3.0."""
    import pandas as pd

    dicts = [r.to_dict() if isinstance(r, ExtractResult) else r for r in results]
    frames = {}
    for name, table in build_tables(dicts).items():
        df = pd.DataFrame(table.rows, columns=[c.name for c in table.columns], dtype=object)
        for col in table.columns:
            if col.sqltype in ("INTEGER", "REAL") and col.kind == "scalar":
                try:
                    df[col.name] = df[col.name].astype("Int64" if col.sqltype == "INTEGER" else "Float64")
                except (TypeError, ValueError, OverflowError):
                    pass  # a value of another type: keep the column as objects
        frames[name] = df
    return frames
