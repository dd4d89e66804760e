"""SQLite database of a batch: every output table with its primary and foreign keys.

Record tables are keyed by ``(doc_id, id)``, ``documents`` by ``doc_id``, and reference the
records they name (``doc_id`` → documents, ``section_id`` → sections, ``table_id`` → tables,
``indicator_id`` → indicators).  Lists are JSON text (``json_each`` unnests them); numbers
keep their type, an integer beyond 64 bits becomes a real number (noted).  Everything is inserted in
one transaction with ``executemany``; the indexes of the foreign keys are built at the end, and a table
``planx_meta`` records the planx version, schema version and document count; ``catalogue`` holds the
indicator catalogue that ``indicators.canonical_id`` joins.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Optional

from ..catalogue import rows
from ..per_object import PerObject
from .cells import Notes, json_array, sql_value
from .columns import Table


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _cols(names: tuple[str, ...]) -> str:
    return ", ".join(map(_q, names))


class SqliteWriter:
    """A new database at ``path`` (an empty or absent file), fed a document's rows at a time.

    With ``staging=True`` it is a staging database: the same tables without keys, rows in the
    order documents come (``path`` may be ``":memory:"``: one document's, see
    :func:`staging_database`; :meth:`merge` adds such a database's rows and says where they went);
    a database given ``source`` (a staging database) is filled from it by :meth:`copy_from`; one
    given ``image`` (an empty database of these tables, serialized) starts as that copy instead
    of creating its tables."""

    def __init__(self, tables: dict[str, Table], path: Path | str, notes: Notes, staging: bool = False,
                 source: Optional[Path] = None, image: Optional[bytes] = None):
        self.con = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.tables, self.notes = tables, notes
        self.inserts: dict[str, str] = {}
        self.lists = {name: [i for i, c in enumerate(t.columns) if c.kind != "scalar"] for name, t in tables.items()}
        self.last = dict.fromkeys(tables, 0)  # a staging database: each table's last rowid (see merge)
        try:
            if image is not None:
                self.con.deserialize(image)
            self.con.execute("PRAGMA journal_mode=OFF")
            self.con.execute("PRAGMA synchronous=OFF")
            if source is not None:  # (never inside a transaction)
                self.con.execute("ATTACH DATABASE ? AS stage", (str(source),))
            if staging and image is None:  # where merge() puts a document's staging database
                self.con.execute("ATTACH DATABASE ':memory:' AS doc")
            self.con.execute("BEGIN")
            for name, t in tables.items():
                if image is None:  # (an image holds its tables)
                    self.con.execute(f"CREATE TABLE {_q(name)} ({', '.join(_definitions(t, staging))})")
                self.inserts[name] = f"INSERT INTO {_q(name)} VALUES ({', '.join('?' * len(t.columns))})"
        except BaseException:
            self.con.close()
            raise

    def write(self, table: str, rows: list[list[Any]]) -> None:
        """Insert rows of one document."""
        if not rows:
            return
        lists = self.lists[table]
        if lists:
            rows = [list(r) for r in rows]
            for r in rows:
                for i in lists:
                    if r[i] is not None:
                        r[i] = json_array(r[i])
        try:
            self.con.execute("SAVEPOINT doc")
            self.con.executemany(self.inserts[table], rows)
            self.con.execute("RELEASE doc")
        except (OverflowError, UnicodeEncodeError, sqlite3.Error, ValueError):
            self.con.execute("ROLLBACK TO doc")
            self.con.execute("RELEASE doc")
            self._one_by_one(table, rows)

    def _one_by_one(self, table: str, rows: list[list[Any]]) -> None:
        """Rows with an odd value: each value made storable; a row whose key is taken is noted."""
        cols = [c.name for c in self.tables[table].columns]
        for row in rows:
            try:
                self.con.execute(self.inserts[table], [sql_value(v, self.notes, table, col)
                                                       for v, col in zip(row, cols)])
            except sqlite3.IntegrityError:
                self.notes.add(table, "(key)", "duplicate key, row left out")

    def merge(self, data: bytes) -> list[tuple[int, int]]:
        """Add the rows of a staging database serialized by :func:`staging_database` (SQLite
        copies them: the rows are never Python objects here); return where they went: for each
        table, (last rowid before them, their count) — rowids only grow, so the rows are those of
        rowid ``first < rowid <= first + count`` (what :meth:`copy_from` takes)."""
        places = []
        if data:
            self.con.deserialize(data, name="doc")
        for name in self.tables:
            first = self.last[name]
            if data:
                cur = self.con.execute(f"INSERT INTO main.{_q(name)} SELECT * FROM doc.{_q(name)}")
                if cur.rowcount > 0:
                    self.last[name] = cur.lastrowid
            places.append((first, self.last[name] - first))
        return places

    def image(self) -> bytes:
        """Commit the rows and return the database serialized (a one-document staging database)."""
        self.con.execute("COMMIT")
        return self.con.serialize()

    def end_staging(self) -> None:
        """Commit a staging database's rows and close it."""
        self.con.execute("COMMIT")
        self.con.close()

    def copy_from(self, places: Callable[[int], Iterable[tuple[int, int]]]) -> None:
        """The rows of the staging database (``source``) that ``places(i)`` names for the ``i``-th
        table, in that order: rowid ranges (``first < rowid <= last``), each document's as
        :meth:`merge` gave them (each table is one scan in rowid order: no sort).  A row whose key
        is taken is left out, noted."""
        for i, (name, t) in enumerate(self.tables.items()):
            staged = 0

            def counted(ranges: Iterable[tuple[int, int]]) -> Iterator[tuple[int, int]]:
                nonlocal staged
                for first, last in ranges:
                    staged += last - first
                    yield first, last

            cols = ", ".join(_q(c.name) for c in t.columns)
            done = self.con.executemany(f"INSERT OR IGNORE INTO main.{_q(name)} SELECT {cols} FROM stage.{_q(name)} "
                                        "WHERE rowid > ? AND rowid <= ?", counted(places(i))).rowcount
            if staged - max(done, 0) > 0:
                self.notes.add(name, "(key)", "duplicate key, row left out", staged - max(done, 0))

    def commit(self, meta: dict[str, Any]) -> None:
        """Index the foreign keys (for joins), record ``meta`` and commit the one transaction."""
        for name, t in self.tables.items():
            for src, _, _ in t.references:
                if src != t.key[:len(src)]:
                    self.con.execute(f"CREATE INDEX {_q(name + '_' + '_'.join(src))} ON {_q(name)} ({_cols(src)})")
        self.con.execute("CREATE TABLE planx_meta (key TEXT PRIMARY KEY, value TEXT)")
        self.con.executemany("INSERT INTO planx_meta VALUES (?, ?)", [(k, str(v)) for k, v in meta.items()])
        self._catalogue()
        self.con.execute("COMMIT")

    def _catalogue(self) -> None:
        """Table ``catalogue``: one row per indicator of the indicator catalogue, which
        ``indicators.canonical_id`` joins (lists and the attributes as JSON text)."""
        cat = rows()
        cols = list(cat[0])
        self.con.execute(f"CREATE TABLE catalogue ({', '.join(_q(c) + (' TEXT PRIMARY KEY' if c == 'canonical_id' else '') for c in cols)})")
        self.con.executemany(f"INSERT INTO catalogue VALUES ({', '.join('?' * len(cols))})",
                             ([json_array(r[c]) if isinstance(r[c], (list, dict)) else r[c] for c in cols] for r in cat))

    def close(self) -> None:
        self.con.close()


def _definitions(t: Table, staging: bool) -> list[str]:
    """The column definitions of ``t``'s CREATE TABLE (the batch database's: its keys and references)."""
    defs = [f"{_q(c.name)} {c.sqltype}".rstrip() + (" NOT NULL" if c.name in t.key and not staging else "")
            for c in t.columns]
    if staging:
        return defs
    defs.append(f"PRIMARY KEY ({_cols(t.key)})")
    return defs + [f"FOREIGN KEY ({_cols(src)}) REFERENCES {_q(dst)} ({_cols(cols)})" for src, dst, cols in t.references]


def staging_database(tables: dict[str, Table], rows: dict[str, list[list[Any]]], notes: Notes) -> bytes:
    """One document's ``rows`` (by table) as a serialized staging database (what a batch worker
    sends for :meth:`SqliteWriter.merge`); values it had to change go to ``notes``."""
    db = SqliteWriter(tables, ":memory:", notes, staging=True, image=_empty_staging(tables))
    try:
        for name, table_rows in rows.items():
            db.write(name, table_rows)
        return db.image()
    finally:
        db.close()


def _empty_staging_image(tables: dict[str, Table]) -> bytes:
    """An empty one-document staging database of ``tables``, serialized."""
    db = SqliteWriter(tables, ":memory:", Notes(), staging=True)
    try:
        return db.image()
    finally:
        db.close()


# Made once per set of tables (a batch's are ``table_layout()``): each document's staging database
# starts as a copy of it (a batch worker makes one per document; creating the tables cost more
# than filling them for a small document).
_empty_staging: PerObject[dict[str, Table], bytes] = PerObject(_empty_staging_image)
