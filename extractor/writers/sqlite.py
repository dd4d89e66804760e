"""SQLite database of a batch: a table per record kind keyed by ``doc_id``, plus ``documents``.

Column names are the dotted names of the CSV files (quote them in SQL: ``"span.line"``).
Lists (units, flags, phases, refs …) are stored as JSON text, so ``json_each`` can unnest
them; numbers keep their type.  Every record table has an index on ``doc_id``.
"""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from .columns import Table


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sql_value(value: Any) -> Any:
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value, ensure_ascii=False)
    return value


def write_sqlite(tables: dict[str, Table], names: dict[str, str], path: Path) -> None:
    """Write every table into a new database at ``path`` (an empty or absent file)."""
    con = sqlite3.connect(path)
    try:
        con.execute("PRAGMA journal_mode=OFF")
        con.execute("PRAGMA synchronous=OFF")
        docs = names["document"]
        for kind, table in tables.items():
            name = names[kind]
            defs = []
            for col in table.columns:
                decl = f"{_q(col.name)} {col.sqltype}".rstrip()
                if col.name == "doc_id":
                    decl += " NOT NULL PRIMARY KEY" if kind == "document" else \
                        f" NOT NULL REFERENCES {_q(docs)}(doc_id)"
                defs.append(decl)
            con.execute(f"CREATE TABLE {_q(name)} ({', '.join(defs)})")
            if kind != "document":
                con.execute(f"CREATE INDEX {_q('ix_' + name + '_doc_id')} ON {_q(name)}(doc_id)")
            marks = ", ".join("?" * len(table.columns))
            con.executemany(f"INSERT INTO {_q(name)} VALUES ({marks})",
                            ([_sql_value(v) for v in row] for row in table.rows))
        con.commit()
    finally:
        con.close()
