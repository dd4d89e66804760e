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

import codecs
import contextlib
import csv
import functools
import io
import os
import struct
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Callable, Iterable, Iterator, Optional

from ..errors import PlanxError
from ..files import temp_file, write_in_slices
from ..records import SCHEMA_VERSION, ExtractResult
from ..version import __version__
from .cells import Notes, text_rows
from .columns import build_tables, document_rows, table_layout
from .excel import ExcelWriter, render_rows
from .publish import publish
from .sqlite import SqliteWriter, staging_database

if TYPE_CHECKING:
    import pandas

WORKBOOK = "planx.xlsx"
DATABASE = "planx.sqlite"
NOT_IN_WORKBOOK = ("table_cells",)  # a table for machines (every cell of every grid): CSV and SQLite only


@functools.lru_cache(maxsize=1)
def _place_format() -> struct.Struct:
    """Where a document's share is in the spools, as BatchTables keeps it (packed: memory stays
    flat): its CSV text's offset and the length of each table's, its sheets' offset and the
    (length, rows) of each sheet's, and each table's rows in the staging database (the rowid
    before them, then their count: :meth:`.sqlite.SqliteWriter.merge`).  Made on first use, not
    at import (the layout is read then)."""
    tables = len(table_layout())
    return struct.Struct(f"<q{tables}Iq{2 * (tables - len(NOT_IN_WORKBOOK))}I{tables}q{tables}I")


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


def write_batch_tables(results: Iterable[ExtractResult | dict], out_dir: Path) -> TablesReport:
    """Write the CSV files, workbook and database of a batch, streamed one document at a time,
    and publish them as one set; return what was written and what failed."""
    tables = BatchTables(out_dir)
    try:
        keys = []
        for n, res in enumerate(results):
            keys.append(str(n))
            tables.add(keys[-1], res)
        return tables.finish(keys)
    finally:
        tables.discard()


class BatchTables:
    """The batch tables of an output folder, fed one document at a time in any order (a batch
    feeds each document as its worker finishes it) and written in the order given to :meth:`finish`.

    :meth:`add` does the work that does not depend on the order, while the workers extract:
    the document's share (:class:`DocumentTables`: its rows made once, by the worker that
    extracted it or here) is appended — each table's CSV text to a spool file, the workbook's
    sheet rows (rendered) to another, the database rows merged into a staging database.
    :meth:`finish` then only assembles, in order: the database filled table by table from each
    document's rowids in the staging database (in a thread: SQLite runs without the GIL) while
    each CSV file is copied from its spool and the workbook's sheets are written; then the set
    is published (:mod:`.publish`).  Every output is the same as writing the
    documents in that order.  Memory stays flat: only where each document's share is in the
    spools is kept."""

    def __init__(self, out_dir: Path):
        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.layout = table_layout()
        self.columns = {name: t.columns for name, t in self.layout.items()}
        self.sheets = [n for n in self.columns if n not in NOT_IN_WORKBOOK]
        self.csv = _Guarded(str(self.out_dir / "documents.csv") + " (and the other CSV files)",
                            [f"{n}.csv" for n in self.layout])
        self.xlsx = _Guarded(str(self.out_dir / WORKBOOK), [WORKBOOK])
        self.db = _Guarded(str(self.out_dir / DATABASE), [DATABASE])
        self.guards = (self.csv, self.xlsx, self.db)
        self.places: dict[str, bytes] = {}  # key → where its share is in the spools (_place_format, see _place)
        self.sheet_notes: dict[str, dict] = {}  # key → what rendering its sheet rows changed (when anything)
        self.spools: list[Path] = []
        self.stage: Optional[Path] = None  # the staging database
        self.documents = 0
        self.csv.run(self._open_csv)
        self.xlsx.run(self._open_xlsx)
        self.db.run(self._open_db)

    def _spool(self) -> BinaryIO:
        self.spools.append(temp_file(self.out_dir))
        return open(self.spools[-1], "w+b")

    def _open_csv(self) -> None:
        self.csv.writer = self._spool()

    def _open_xlsx(self) -> None:
        self.xlsx.writer = self._spool()

    def _open_db(self) -> None:
        self.spools.append(temp_file(self.out_dir))
        self.db.writer = SqliteWriter(self.layout, self.spools[-1], self.db.notes, staging=True)
        self.stage = self.spools[-1]

    def add(self, key: str, res: ExtractResult | dict | DocumentTables) -> None:
        """One document's rows (``res``: its records, its planx JSON as a dict, or the
        :class:`DocumentTables` a worker made of them), ``key`` naming it in :meth:`finish`."""
        part = res if isinstance(res, DocumentTables) else document_tables(ExtractResult.of(res))
        self.documents += 1
        csv_at, cells_at = -1, -1
        staged = [(0, 0)] * len(self.layout)

        def spool_csv() -> None:
            nonlocal csv_at
            csv_at = self.csv.writer.tell()
            write_in_slices(self.csv.writer, part.csv)

        def spool_cells() -> None:
            nonlocal cells_at
            cells_at = self.xlsx.writer.tell()
            write_in_slices(self.xlsx.writer, part.sheets)

        self.csv.run(spool_csv)
        self.xlsx.run(spool_cells)
        if part.error:
            self.db.error = self.db.error or f"{self.db.label}: {part.error}"

        def stage() -> None:
            nonlocal staged
            staged = self.db.writer.merge(part.database)

        self.db.run(stage)
        for (table, column, what), n in part.notes.items():
            self.db.notes.add(table, column, what, n)
        self.places[key] = _place_format().pack(csv_at, *part.csv_lengths, cells_at, *(n for p in part.sheet_parts for n in p),
                                                *(first for first, _ in staged), *(n for _, n in staged))
        if part.sheet_notes:
            self.sheet_notes[key] = part.sheet_notes

    def finish(self, order: list[str]) -> TablesReport:
        """Write the tables of the documents ``order`` names (keys given to :meth:`add`), in that
        order, and publish them as one set."""
        order = [k for k in order if k in self.places]
        report = TablesReport(documents=len(order))
        temps: dict[str, Path] = {}
        db_thread = None
        try:
            stage = self.stage
            self.db.run(self.db.writer.end_staging if self.db.writer else lambda: None)
            if stage is not None and not self.db.error:
                temps[DATABASE] = self.db.temps[DATABASE] = temp_file(self.out_dir)
                db_thread = threading.Thread(target=self.db.run, args=(lambda: self._database(stage, order),))
                db_thread.start()
            self.csv.run(lambda: self._csv_files(order))
            self.xlsx.run(lambda: self._workbook(order))
        except BaseException:  # interrupted: the previous set stays, no temporaries
            if db_thread is not None:
                db_thread.join()
            for g in self.guards:
                for tmp in g.temps.values():
                    tmp.unlink(missing_ok=True)
            raise
        if db_thread is not None:
            db_thread.join()
        ok = [g for g in self.guards if not g.error]
        moves = {self.out_dir / name: tmp for g in ok for name, tmp in g.temps.items()}
        removals = [self.out_dir / name for g in self.guards if g.error for name in g.files]
        for g in self.guards:
            if g.error:
                report.failures.append(g.error)
                for tmp in g.temps.values():
                    tmp.unlink(missing_ok=True)
            else:
                report.notes += g.notes.lines(g.label)
        try:
            publish(self.out_dir, moves, removals)
        except PlanxError as e:
            report.failures.append(str(e))
            return report
        report.written = sorted(moves)
        return report

    def _csv_files(self, order: list[str]) -> None:
        spool = self.csv.writer
        spool.flush()
        fd = spool.fileno()
        for i, (name, cols) in enumerate(self.columns.items()):
            self.csv.temps[f"{name}.csv"] = tmp = temp_file(self.out_dir)
            with open(tmp, "wb") as out:
                out.write(codecs.BOM_UTF8 + csv_text([[c.name for c in cols]]).encode("utf-8"))
                for key in order:
                    at, lengths, _, _ = self._place(key)
                    write_in_slices(out, os.pread(fd, lengths[i], at + sum(lengths[:i])))

    def _place(self, key: str) -> tuple[int, tuple[int, ...], int, tuple[int, ...]]:
        """Where ``key``'s share is: CSV offset, each table's CSV length, sheets offset, each sheet's (length, rows)."""
        n = len(self.columns)
        v = _place_format().unpack(self.places[key])
        return v[0], v[1:n + 1], v[n + 1], v[n + 2:n + 2 + 2 * len(self.sheets)]

    def _staged(self, order: list[str], table: int) -> Iterator[tuple[int, int]]:
        """Where the rows of the ``table``-th table are in the staging database, a document of
        ``order`` after the other: rowid ranges (``first < rowid <= last``), made as they are read."""
        unpack, n = _place_format().unpack, len(self.columns)
        for key in order:
            v = unpack(self.places[key])
            first, count = v[table - 2 * n], v[table - n]
            if count:
                yield first, first + count

    def _workbook(self, order: list[str]) -> None:
        spool = self.xlsx.writer
        spool.flush()
        fd = spool.fileno()
        self.xlsx.temps[WORKBOOK] = tmp = temp_file(self.out_dir)
        book = ExcelWriter({n: self.columns[n] for n in self.sheets}, tmp,
                           (self._place(key)[3][1::2] for key in order))
        try:
            for i, name in enumerate(self.sheets):  # a sheet at a time: its rows deflate as they are read
                for key in order:
                    _, _, at, parts = self._place(key)
                    lengths = parts[:2 * i + 1:2]
                    book.write(name, os.pread(fd, lengths[-1], at + sum(lengths[:-1])), parts[2 * i + 1])
            for key in order:
                for (table, column, what), n in self.sheet_notes.get(key, {}).items():
                    self.xlsx.notes.add(table, column, what, n)
            book.save()
        finally:
            book.close()

    def _database(self, stage: Path, order: list[str]) -> None:
        db = SqliteWriter(self.layout, self.db.temps[DATABASE], self.db.notes, source=stage)
        try:
            db.copy_from(functools.partial(self._staged, order))
            db.commit({"planx_version": __version__, "schema_version": SCHEMA_VERSION, "documents": len(order)})
        finally:
            db.close()

    def discard(self) -> None:
        """Close and remove the spools (and whatever a failed or interrupted writer left)."""
        _close_all(self.guards)
        for path in self.spools:
            path.unlink(missing_ok=True)
        self.spools.clear()


@dataclass
class DocumentTables:
    """One document's share of the batch tables, made where the document was extracted (a batch
    worker builds it from the records it holds, so the batch's process only appends it): each
    table's CSV text (``csv_lengths`` bytes each, in ``table_layout`` order), each sheet's rows
    rendered (:func:`.excel.render_rows`, one sheet after the other, ``sheet_parts`` giving each
    one's length in bytes and its rows), its database rows (a serialized SQLite staging
    database), and what the workbook and the database had to change in a value
    (:class:`~.cells.Notes` counts)."""

    csv: bytes
    csv_lengths: list[int]
    sheets: bytes
    sheet_parts: list[tuple[int, int]]
    sheet_notes: dict[tuple[str, str, str], int] = field(default_factory=dict)  # values the workbook changes
    database: bytes = b""
    notes: dict[tuple[str, str, str], int] = field(default_factory=dict)
    error: str = ""  # the database part could not be made (its writer fails in the batch)
    seconds: float = 0.0  # CPU seconds it took to make


def document_tables(result: ExtractResult) -> DocumentTables:
    """``result``'s share of the batch tables (:class:`DocumentTables`)."""
    t0 = time.process_time()
    layout = table_layout()
    rows = document_rows(result)
    texts = {n: text_rows(r, layout[n].columns) for n, r in rows.items()}
    csv_parts = [csv_text(texts[name]).encode("utf-8") for name in layout]
    sheet_notes = Notes()
    in_book = [n for n in layout if n not in NOT_IN_WORKBOOK]
    sheets = [render_rows(layout[n].columns, texts[n], sheet_notes, n) for n in in_book]
    notes = Notes()
    try:
        database, error = staging_database(layout, rows, notes), ""
    except Exception as e:  # noqa: BLE001 — reported as the database writer's failure, the others go on
        database, error = b"", f"internal error writing it ({type(e).__name__}: {e})"
    return DocumentTables(b"".join(csv_parts), [len(p) for p in csv_parts], b"".join(sheets),
                          [(len(p), len(texts[n])) for p, n in zip(sheets, in_book)], sheet_notes.counts, database,
                          notes.counts, error, time.process_time() - t0)


def csv_text(rows: list[list[Any]]) -> str:
    """Rows as CSV text, as :class:`csv.writer` writes them to a file opened with ``newline=""``."""
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    return buf.getvalue()


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

    frames = {}
    for name, table in build_tables(map(ExtractResult.of, results)).items():
        df = pd.DataFrame(table.rows, columns=[c.name for c in table.columns], dtype=object)
        for col in table.columns:
            if col.sqltype in ("INTEGER", "REAL") and col.kind == "scalar":
                try:
                    df[col.name] = df[col.name].astype("Int64" if col.sqltype == "INTEGER" else "Float64")
                except (TypeError, ValueError, OverflowError):
                    pass  # a value of another type: keep the column as objects
        frames[name] = df
    return frames
