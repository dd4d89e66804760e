"""SQLite database of a batch: a table per record kind keyed by ``doc_id``, plus ``documents``.

Column names are the dotted names of the CSV files (quote them in SQL: ``"span.line"``).
Lists (units, flags, phases, refs …) are stored as JSON text, so ``json_each`` can unnest
them; numbers keep their type.  Every record table has an index on ``doc_id``.  Rows are
inserted a document at a time in one transaction.
"""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from .columns import Column


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sql_value(value: Any) -> Any:
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value, ensure_ascii=False)
    return value


class SqliteWriter:
    """A new database at ``path`` (an empty or absent file), fed a document's rows at a time."""

    def __init__(self, columns: dict[str, list[Column]], names: dict[str, str], path: Path):
        self.con = sqlite3.connect(path)
        self.names = names
        self.inserts: dict[str, str] = {}
        try:
            self.con.execute("PRAGMA journal_mode=OFF")
            self.con.execute("PRAGMA synchronous=OFF")
            docs = names["document"]
            for kind, cols in columns.items():
                name = names[kind]
                defs = []
                for col in cols:
                    decl = f"{_q(col.name)} {col.sqltype}".rstrip()
                    if col.name == "doc_id":
                        decl += " NOT NULL PRIMARY KEY" if kind == "document" else \
                            f" NOT NULL REFERENCES {_q(docs)}(doc_id)"
                    defs.append(decl)
                self.con.execute(f"CREATE TABLE {_q(name)} ({', '.join(defs)})")
                self.inserts[kind] = f"INSERT INTO {_q(name)} VALUES ({', '.join('?' * len(cols))})"
        except BaseException:
            self.con.close()
            raise

    def write(self, kind: str, rows: list[list[Any]]) -> None:
        if rows:
            self.con.executemany(self.inserts[kind], ([_sql_value(v) for v in row] for row in rows))

    def commit(self) -> None:
        """Index ``doc_id`` of every record table and commit the one transaction."""
        for kind in self.inserts:
            if kind != "document":
                name = self.names[kind]
                self.con.execute(f"CREATE INDEX {_q('ix_' + name + '_doc_id')} ON {_q(name)}(doc_id)")
        self.con.commit()

    def close(self) -> None:
        self.con.close()
