"""Cell values for the batch tables: text every format can store, lists as JSON arrays,
formula-like text neutralised (OWASP CSV injection), numbers that fit their column.

Every writer runs its values through here, so one odd value never costs a table:

- text loses what no format can store (lone surrogates, non-characters, C0 controls other than
  TAB/LF/CR) — the reader should already have cleaned it; this is the last line of defence;
- a list is a JSON array (``["各县（市、区）政府", "市林业局"]``), never joined with a character
  that occurs in Chinese text;
- a text cell that a spreadsheet would run as a formula (it begins with ``=``, ``+``, ``-``,
  ``@``, TAB or CR) gets a leading ``'``, except values that are plain data: a bare operator or
  placeholder (``=``, ``-``, ``+``) and a number written as text (``-1.5``, ``+3%``);
- an integer beyond SQLite's 64-bit range becomes a real number in SQLite (the CSV and JSON
  keep it exact) and beyond 2^53 text in Excel, with a note.
"""
from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any, Callable, Optional

import orjson

from ..per_object import PerObject

if TYPE_CHECKING:
    from .columns import Column

_UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_STARTS = frozenset(_FORMULA_START)
_PLAIN = re.compile(r"[=+\-−—–]+|[+\-]?\d[\d,]*(\.\d+)?%?|[+\-]?\.\d+%?")
INT_MIN, INT_MAX = -(2**63), 2**63 - 1


def clean_text(s: str) -> str:
    """``s`` without characters that UTF-8 files, XML or SQLite cannot hold."""
    return _UNSTORABLE.sub("", s) if _UNSTORABLE.search(s) else s


def neutralise(s: str) -> str:
    """OWASP: a leading ``'`` on text a spreadsheet would read as a formula; data kept."""
    if s.startswith(_FORMULA_START) and not _PLAIN.fullmatch(s):
        return "'" + s
    return s


def json_array(v: Any) -> str:
    """A list or object as compact JSON text (a huge integer or a lone surrogate through stdlib ``json``)."""
    try:
        return orjson.dumps(v, option=orjson.OPT_NON_STR_KEYS).decode()
    except (TypeError, orjson.JSONEncodeError):
        return clean_text(json.dumps(v, ensure_ascii=False))


class Notes:
    """What a writer had to change in a value, counted per (table, column, what)."""

    def __init__(self) -> None:
        self.counts: dict[tuple[str, str, str], int] = {}

    def add(self, table: str, column: str, what: str, times: int = 1) -> None:
        key = (table, column, what)
        self.counts[key] = self.counts.get(key, 0) + times

    def lines(self, file: str) -> list[str]:
        return [f"{file}: {n} value(s) of {table}.{column} {what}"
                for (table, column, what), n in sorted(self.counts.items())]


def text_cell(value: Any, kind: str = "scalar") -> Any:
    """A value as CSV/Excel hold it: lists as JSON arrays, text cleaned and neutralised,
    booleans as true/false, numbers and None unchanged."""
    t = type(value)
    if t is str:
        if _UNSTORABLE.search(value):
            value = _UNSTORABLE.sub("", value)
        if value[:1] in _STARTS and not _PLAIN.fullmatch(value):
            return "'" + value
        return value
    if value is None or t is int or t is float:
        return value
    if t is bool:
        return "true" if value else "false"
    if isinstance(value, (list, tuple, dict)):
        return json_array(value)
    return text_cell(str(value))


def text_rows(rows: list[list[Any]], columns: list[Column]) -> list[list[Any]]:
    """Rows of ``columns`` with every cell as :func:`text_cell` makes it (one conversion for CSV
    and Excel), by the table's compiled :func:`_text_row`."""
    convert = _CONVERTERS(columns)
    return [convert(row) for row in rows]


_KEEP = frozenset((type(None), int, float))  # what text_cell returns as it is, whatever the column


def _text_row(kinds: tuple[tuple[str, str], ...]) -> Callable[[list[Any]], list[Any]]:
    """The function making a row of columns of ``kinds`` ((kind, SQL type) each) into text
    cells, compiled once: one list display whose every cell is kept as it is when
    :func:`text_cell` would return it unchanged (tested first for what the column holds: text,
    numbers or lists) and otherwise goes through :func:`text_cell`."""
    cells = []
    for i, (kind, sqltype) in enumerate(kinds):
        v = f"v{i}"
        if kind != "scalar":  # a list (or None)
            cells.append(f"{v} if {v} is None else cell({v})")
        elif sqltype == "TEXT":
            cells.append(f"{v} if {v}.__class__ is str and not ({v}[:1] in starts or bad({v})) or {v} is None else cell({v})")
        else:
            cells.append(f"{v} if {v}.__class__ in keep or {v}.__class__ is str and not ({v}[:1] in starts or bad({v})) "
                         f"else cell({v})")
    names = ", ".join(f"v{i}" for i in range(len(kinds)))
    env: dict[str, Any] = {"cell": text_cell, "keep": _KEEP, "starts": _STARTS, "bad": _UNSTORABLE.search}
    exec(f"def row(r):\n    {names}, = r\n    return [{', '.join(cells)}]", env)  # noqa: S102 — built from the kinds only
    return env["row"]


_CONVERTERS: PerObject[list, Callable[[list[Any]], list[Any]]] = PerObject(
    lambda columns: _text_row(tuple((c.kind, c.sqltype) for c in columns)))  # a table's columns → its _text_row


def sql_value(value: Any, notes: Optional[Notes] = None, table: str = "", column: str = "") -> Any:
    """A value as SQLite holds it: lists as JSON text, text cleaned, an integer beyond 64 bits
    as a real number (noted; the JSON keeps it exact)."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int) and not INT_MIN <= value <= INT_MAX:
        if notes is not None:
            notes.add(table, column, "too large for a 64-bit integer, stored as an approximate real number")
        return float(value)
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, (list, tuple, dict)):
        return json_array(value)
    return value
