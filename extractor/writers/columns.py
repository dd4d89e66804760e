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
from typing import Any, Iterable, Iterator, Optional

from .. import records
from ..schema_check import load_schema

# result dict key → (JSON Schema definition, record dataclass, output table name)
KINDS: dict[str, tuple[str, type, str]] = {
    "document": ("Document", records.DocumentInfo, "documents"),
    "sections": ("Section", records.Section, "sections"),
    "tasks": ("Task", records.Task, "tasks"),
    "indicators": ("Indicator", records.Indicator, "indicators"),
    "projects": ("Project", records.Project, "projects"),
    "targets": ("Target", records.Target, "targets"),
    "deadlines": ("Deadline", records.Deadline, "deadlines"),
    "responsibilities": ("Responsibility", records.Responsibility, "responsibilities"),
    "findings": ("Finding", records.Finding, "findings"),
    "tables": ("Table", records.TableInfo, "tables"),
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


def _from_annotation(f: dataclasses.Field) -> Optional[Column]:
    """Column of a dataclass field the schema does not describe yet, from its type hint."""
    hint = f.type if isinstance(f.type, str) else getattr(f.type, "__name__", str(f.type))
    hint = hint.replace("typing.", "").replace("Optional[", "").rstrip("]")
    path = (f.name,)
    if hint.startswith("list[str"):
        return Column(_column_name(path), path, "list", "TEXT")
    if hint.startswith("list"):
        return Column(_column_name(path), path, "json", "TEXT")
    if hint.startswith("dict"):
        return Column(_column_name(path), path, "json", "TEXT")
    base = {"int": "integer", "float": "number", "str": "string", "bool": "boolean"}.get(hint, "")
    return Column(_column_name(path), path, "scalar", _SQL_TYPES.get(base, ""))


def _record_columns(kind: str) -> list[Column]:
    defname, cls, _ = KINDS[kind]
    props = load_schema()["$defs"][defname]["properties"]
    skip = _LONG_FIELDS.get(defname, set())
    cols = [c for key, sub in props.items() for c in _expand(sub, (key,), skip)]
    cols += [c for f in dataclasses.fields(cls) if f.name not in props and f.name not in skip
             for c in [_from_annotation(f)] if c is not None]
    return cols


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


def _get(rec: Any, path: tuple[str, ...]) -> Any:
    if len(path) == 1:
        return rec.get(path[0])
    for p in path:
        if not isinstance(rec, dict):
            return None
        rec = rec.get(p)
    return rec


def _year(key: Any) -> Any:
    return int(key) if isinstance(key, str) and key.isdigit() else key


def _target_rows(doc_id: str, ind: dict) -> Iterator[list[Any]]:
    written = ind.get("targets") or {}
    parsed = (ind.get("parsed") or {}).get("targets") or {}
    for year in sorted(set(written) | set(parsed), key=str):
        v = parsed.get(year) or {}
        yield [doc_id, ind.get("id"), _year(year), written.get(year, v.get("raw")), v.get("op"),
               v.get("value"), v.get("value_max"), v.get("unit"), v.get("qualitative")]


def _count_rows(doc_id: str, counts: dict) -> Iterator[list[Any]]:
    for name, value in (counts or {}).items():
        kind, _, qualifier = str(name).partition(".")
        yield [doc_id, name, kind, qualifier or None, value]


def _cell_rows(doc_id: str, table: dict) -> Iterator[list[Any]]:
    for part in ("header", "rows"):
        for r, row in enumerate(table.get(part) or []):
            for c, cell in enumerate(row):
                span = cell.get("span") or {}
                yield [doc_id, table.get("id"), "header" if part == "header" else "body", r, c,
                       cell.get("text"), cell.get("rowspan"), cell.get("colspan"), cell.get("inherited"),
                       span.get("line"), span.get("start"), span.get("end"), span.get("page"), span.get("bbox")]


def document_rows(result: dict) -> dict[str, list[list[Any]]]:
    """One document's rows of every output table (``table_layout`` order and columns)."""
    layout = table_layout()
    doc = result.get("document") or {}
    doc_id = doc.get("doc_id")
    out: dict[str, list[list[Any]]] = {}
    for kind, (_, _, name) in KINDS.items():
        cols = layout[name].columns
        recs = [doc] if kind == "document" else result.get(kind) or []
        if kind == "document":
            out[name] = [[_get(doc, c.path) for c in cols]]
        else:
            out[name] = [[doc_id, *(_get(r, c.path) for c in cols[1:])] for r in recs]
    out["indicator_targets"] = [row for ind in result.get("indicators") or [] for row in _target_rows(doc_id, ind)]
    out["declared_counts"] = list(_count_rows(doc_id, doc.get("declared_counts") or {}))
    out["table_cells"] = [row for t in result.get("tables") or [] for row in _cell_rows(doc_id, t)]
    return out


def build_tables(results: Iterable[dict]) -> dict[str, Table]:
    """Every output table in memory for a (small) batch; the batch files are streamed instead."""
    tables = {name: dataclasses.replace(t, rows=[]) for name, t in table_layout().items()}
    seen: set[str] = set()
    for res in results:
        doc_id = res["document"]["doc_id"]
        if doc_id in seen:
            raise ValueError(f"duplicate doc_id {doc_id!r} in batch")
        seen.add(doc_id)
        for name, rows in document_rows(res).items():
            tables[name].rows.extend(rows)
    return tables
