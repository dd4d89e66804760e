"""Result dicts → the batch's tables (contract v2): fixed columns, keys, long tables.

Every output table has the same columns whatever the batch holds: they come from the output
JSON Schema (``schema/planx.schema.json``) and the record dataclasses, never from the data.
Nested objects are flattened with "_" (``span_line``, ``baseline_year``,
``parsed_standard_value``); a name that is an SQL keyword is renamed (``table`` →
``table_caption``, ``group`` → ``group_name``, ``check`` → ``check_name``).  Objects keyed
by data and grids go to long tables instead of columns:

- ``indicator_targets(doc_id, indicator_id, year, raw, op, value, value_max, unit, qualitative)``
  — one row per indicator and target year (``indicators[].targets`` / ``parsed.targets``);
- ``declared_counts(doc_id, name, record_kind, qualifier, value)`` — the counts a plan
  announces (``document.declared_counts``: "indicators.约束性" → indicators / 约束性);
- ``table_cells(doc_id, table_id, part, row_index, col_index, text, rowspan, colspan, inherited, span_*)``
  (``span_line/start/end/page/bbox``)
  — every cell of every table's logical grid (``tables[].header`` / ``tables[].rows``).

Each table has a primary key (``doc_id`` for documents, ``(doc_id, id)`` for a record kind)
and foreign keys to the records it names (:attr:`Table.references`).  Cell values stay Python
objects — lists as lists (kind ``list`` / ``json``) — and each writer encodes them for its
format.  :func:`document_rows` gives one document's rows of every table, so the writers
stream a batch one document at a time.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable, Iterable, Iterator

from .. import records
from ..model import Span
from ..records import ExtractResult, GridCell, Indicator, TableInfo, Value, to_json
from ..schema_check import load_schema

# result dict key → (JSON Schema definition, record dataclass, output table name)
# result part → (JSON Schema definition, record class, output table name): the document, then the
# record kinds of the registry
KINDS: dict[str, tuple[str, type, str]] = {
    "document": ("Document", records.DocumentInfo, "documents"),
    **{key: (kind.schema, records.RECORD_CLASSES[key], kind.table) for key, kind in records.KINDS.items()},
}
LONG_TABLES = ("indicator_targets", "declared_counts", "table_cells")
RENAMES = {"table": "table_caption", "group": "group_name", "check": "check_name", "action": "action_text"}
_SQL_TYPES = {"integer": "INTEGER", "number": "REAL", "string": "TEXT", "boolean": "INTEGER"}
# fields that become long tables, not columns
_LONG_FIELDS = {"Indicator": {"targets", "parsed.targets"}, "Document": {"declared_counts"},
                "Table": {"header", "rows"}}

# SQLite's keywords (https://sqlite.org/lang_keywords.html): never a column name
SQL_KEYWORDS = frozenset("""
abort action add after all alter always analyze and as asc attach autoincrement before begin
between by cascade case cast check collate column commit conflict constraint create cross current
current_date current_time current_timestamp database default deferrable deferred delete desc
detach distinct do drop each else end escape except exclude exclusive exists explain fail filter
first following for foreign from full generated glob group groups having if ignore immediate in
index indexed initially inner insert instead intersect into is isnull join key last left like
limit match materialized natural no not nothing notnull null nulls of offset on or order others
outer over partition plan pragma preceding primary query raise range recursive references regexp
reindex release rename replace restrict returning right rollback row rows savepoint select set
table temp temporary then ties to transaction trigger unbounded union unique update using vacuum
values view virtual when where window with without""".split())


@dataclass(frozen=True)
class Column:
    """One output column: its name, where its value is in a record, cell kind and SQL type."""

    name: str
    path: tuple[str, ...] = ()
    kind: str = "scalar"  # scalar / list (of scalars) / json (list of objects)
    sqltype: str = ""


@dataclass
class Table:
    """One output table: columns, primary key, foreign keys ``(columns, table, columns)``."""

    name: str
    columns: list[Column]
    key: tuple[str, ...]
    references: list[tuple[tuple[str, ...], str, tuple[str, ...]]] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)  # only for in-memory tables


def _column_name(path: tuple[str, ...]) -> str:
    name = "_".join(RENAMES.get(p, p) if len(path) == 1 else p for p in path)
    return f"{name}_value" if name in SQL_KEYWORDS else name


def _resolve(node: dict) -> dict:
    """Follow ``$ref`` and drop the null branch of a nullable ``anyOf``."""
    defs = load_schema()["$defs"]
    while True:
        if "$ref" in node:
            node = {**defs[node["$ref"].rsplit("/", 1)[-1]], **{k: v for k, v in node.items() if k != "$ref"}}
        elif "anyOf" in node:
            branches = [b for b in node["anyOf"] if b.get("type") != "null"]
            node = branches[0] if len(branches) == 1 else {}
        else:
            return node


def _types(node: dict) -> set[str]:
    t = node.get("type", [])
    if not t and "enum" in node and all(isinstance(v, str) or v is None for v in node["enum"]):
        t = "string"
    return ({t} if isinstance(t, str) else set(t)) - {"null"}


def _expand(node: dict, path: tuple[str, ...], skip: set[str]) -> list[Column]:
    """Columns for the value at ``path`` (objects flattened, data-keyed objects skipped)."""
    if ".".join(path) in skip:
        return []
    node = _resolve(node)
    types = _types(node)
    if "properties" in node:
        return [c for key, sub in node["properties"].items() for c in _expand(sub, (*path, key), skip)]
    if types == {"object"}:
        return []  # keyed by data: a long table
    if types == {"array"}:
        item = _resolve(node.get("items", {}))
        return [Column(_column_name(path), path, "json" if _types(item) & {"object", "array"} else "list", "TEXT")]
    sqltype = _SQL_TYPES.get(next(iter(types)), "") if len(types) == 1 else ""
    return [Column(_column_name(path), path, "scalar", sqltype)]


def _record_columns(kind: str) -> list[Column]:
    defname, _, _ = KINDS[kind]
    props = load_schema()["$defs"][defname]["properties"]
    skip = _LONG_FIELDS.get(defname, set())
    return [c for key, sub in props.items() for c in _expand(sub, (key,), skip)]


_DOC_ID = Column("doc_id", ("doc_id",), "scalar", "TEXT")
_SPAN = [Column(f"span_{k}", ("span", k), "scalar", "INTEGER") for k in ("line", "start", "end", "page")]
_SPAN.append(Column("span_bbox", ("span", "bbox"), "list", "TEXT"))  # the cell's box on its pdf page


@lru_cache(maxsize=1)
def table_layout() -> dict[str, Table]:
    """Every output table by name, in output order: documents, the record kinds, long tables."""
    out: dict[str, Table] = {}
    for kind, (_, _, name) in KINDS.items():
        cols = _record_columns(kind)
        if kind == "document":
            out[name] = Table(name, cols, ("doc_id",))
            continue
        refs = [(("doc_id",), "documents", ("doc_id",))]
        names = {c.name for c in cols}
        for col, target in (("section_id", "sections"), ("table_id", "tables")):
            if col in names:
                refs.append((("doc_id", col), target, ("doc_id", "id")))
        if kind == "sections":
            refs.append((("doc_id", "parent"), "sections", ("doc_id", "id")))
        out[name] = Table(name, [_DOC_ID, *cols], ("doc_id", "id"), refs)
    out["indicator_targets"] = Table("indicator_targets", [
        _DOC_ID, Column("indicator_id", (), "scalar", "TEXT"), Column("year", (), "scalar", "INTEGER"),
        Column("raw", (), "scalar", "TEXT"), Column("op", (), "scalar", "TEXT"),
        Column("value", (), "scalar", "REAL"), Column("value_max", (), "scalar", "REAL"),
        Column("unit", (), "scalar", "TEXT"), Column("qualitative", (), "scalar", "TEXT")],
        ("doc_id", "indicator_id", "year"),
        [(("doc_id", "indicator_id"), "indicators", ("doc_id", "id"))])
    out["declared_counts"] = Table("declared_counts", [
        _DOC_ID, Column("name", (), "scalar", "TEXT"), Column("record_kind", (), "scalar", "TEXT"),
        Column("qualifier", (), "scalar", "TEXT"), Column("value", (), "scalar", "REAL")],
        ("doc_id", "name"), [(("doc_id",), "documents", ("doc_id",))])
    out["table_cells"] = Table("table_cells", [
        _DOC_ID, Column("table_id", (), "scalar", "TEXT"), Column("part", (), "scalar", "TEXT"),
        Column("row_index", (), "scalar", "INTEGER"), Column("col_index", (), "scalar", "INTEGER"),
        Column("text", (), "scalar", "TEXT"), Column("rowspan", (), "scalar", "INTEGER"),
        Column("colspan", (), "scalar", "INTEGER"), Column("inherited", (), "scalar", "INTEGER"), *_SPAN],
        ("doc_id", "table_id", "part", "row_index", "col_index"),
        [(("doc_id", "table_id"), "tables", ("doc_id", "id"))])
    return out


def _reading(col: Column, rec: str) -> str:
    """The Python expression reading ``col`` from the record named ``rec``: its attribute, or
    along its path with None for a missing step; lists of objects as JSON data."""
    if len(col.path) == 1 and col.path[0].isidentifier():
        expr = f"{rec}.{col.path[0]}"
    else:
        expr = rec
        for step in col.path:
            expr = f"getattr({expr}, {step!r}, None)"
    return f"to_json({expr})" if col.kind == "json" else expr


@lru_cache(maxsize=None)
def _row_maker(name: str) -> Callable[[Any, str], list[Any]]:
    """The function making table ``name``'s row of a record, ``row(rec, doc_id)``, compiled once
    from the table's columns (one list display: no call per cell)."""
    cells = ", ".join(_reading(c, "rec") for c in table_layout()[name].columns if c.path != ("doc_id",))
    env: dict[str, Any] = {"to_json": to_json}
    exec(f"def row(rec, doc_id):\n    return [doc_id, {cells}]", env)  # noqa: S102 — built from the layout's own names
    return env["row"]


def _year(key: Any) -> Any:
    return int(key) if isinstance(key, str) and key.isdigit() else key


def _target_rows(doc_id: str, ind: Indicator) -> Iterator[list[Any]]:
    written, parsed = _mapping(ind.targets), _mapping(getattr(ind.parsed, "targets", None))
    for year in sorted(set(written) | set(parsed), key=str):
        v = parsed.get(year)
        v = v if isinstance(v, Value) else _NO_VALUE
        yield [doc_id, ind.id, _year(year), written.get(year, v.raw), v.op, v.value, v.value_max, v.unit,
               v.qualitative]


_NO_VALUE = Value(None)


def _mapping(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _count_rows(doc_id: str, counts: dict[str, float]) -> Iterator[list[Any]]:
    for name, value in _mapping(counts).items():
        kind, _, qualifier = str(name).partition(".")
        yield [doc_id, name, kind, qualifier or None, value]


def _cell_rows(doc_id: str, table: TableInfo) -> Iterator[list[Any]]:
    for part, rows in (("header", table.header), ("body", table.rows)):
        for r, row in enumerate(rows if isinstance(rows, list) else ()):
            for c, cell in enumerate(row if isinstance(row, list) else ()):
                if not isinstance(cell, GridCell):
                    cell = GridCell(cell if isinstance(cell, str) else to_json(cell))
                span = cell.span if isinstance(cell.span, Span) else _NO_SPAN
                yield [doc_id, table.id, part, r, c, cell.text, cell.rowspan, cell.colspan, cell.inherited,
                       span.line, span.start, span.end, span.page, span.bbox]


_NO_SPAN = Span(None, None, None)


def document_rows(result: ExtractResult) -> dict[str, list[list[Any]]]:
    """One document's rows of every output table (``table_layout`` order and columns)."""
    doc = result.document
    doc_id = doc.doc_id
    out: dict[str, list[list[Any]]] = {"documents": [_row_maker("documents")(doc, doc_id)]}
    for key, kind in records.KINDS.items():
        row = _row_maker(kind.table)
        out[kind.table] = [row(r, doc_id) for r in getattr(result, key)]
    out["indicator_targets"] = [row for ind in result.indicators for row in _target_rows(doc_id, ind)]
    out["declared_counts"] = list(_count_rows(doc_id, doc.declared_counts))
    out["table_cells"] = [row for t in result.tables for row in _cell_rows(doc_id, t)]
    return out


def build_tables(results: Iterable[ExtractResult]) -> dict[str, Table]:
    """Every output table in memory for a (small) batch; the batch files are streamed instead."""
    tables = {name: dataclasses.replace(t, rows=[]) for name, t in table_layout().items()}
    seen: set[str] = set()
    for res in results:
        doc_id = res.doc_id
        if doc_id in seen:
            raise ValueError(f"duplicate doc_id {doc_id!r} in batch")
        seen.add(doc_id)
        for name, rows in document_rows(res).items():
            tables[name].rows.extend(rows)
    return tables
