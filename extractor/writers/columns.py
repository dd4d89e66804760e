"""Record dicts → flat rows, one table per record kind, with columns defined by the schema.

The column set of a kind comes from the output JSON Schema (``schema/planx.schema.json``)
and the record dataclasses, not from the data, so a kind without records still has all its
columns.  Nested objects are flattened with "." (``span.line``, ``baseline.year``,
``parsed.standard.value``); objects keyed by data (``targets`` by year, ``declared_counts``)
get one column per key found in the batch (``targets.2025``).  Fields the schema does not
know yet are kept: they are placed next to their nearest known relative.

A batch is read twice, one document at a time: :func:`plan_columns` collects only the
flattened key names (for the data-keyed and unknown columns), then :func:`document_rows`
gives each document's rows, so the writers stream and memory stays flat.

Cell values stay Python objects: lists of strings (``units``, ``flags``) as lists
(kind ``list``), lists of objects (``phases``, ``refs``) as lists of dicts (kind ``json``);
each writer encodes them for its format.  Every row starts with ``doc_id``.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Optional

from .. import records
from ..schema_check import load_schema

# result dict key → (JSON Schema definition, record dataclass)
KINDS: dict[str, tuple[str, type]] = {
    "document": ("Document", records.DocumentInfo),
    "sections": ("Section", records.Section),
    "tasks": ("Task", records.Task),
    "indicators": ("Indicator", records.Indicator),
    "projects": ("Project", records.Project),
    "targets": ("Target", records.Target),
    "deadlines": ("Deadline", records.Deadline),
    "responsibilities": ("Responsibility", records.Responsibility),
    "findings": ("Finding", records.Finding),
    "tables": ("Table", records.TableInfo),
}
_SQL_TYPES = {"integer": "INTEGER", "number": "REAL", "string": "TEXT", "boolean": "INTEGER"}


@dataclass(frozen=True)
class Column:
    """One output column: dotted name, cell kind (scalar / list / json) and SQLite type."""

    name: str
    kind: str = "scalar"
    sqltype: str = ""


@dataclass(frozen=True)
class _Dynamic:
    """An object keyed by data (e.g. targets by year): columns come from the keys found."""

    prefix: str
    item: Optional[dict]  # schema of each value, None = unknown (flatten generically)


@dataclass
class Table:
    """One record kind of a batch as rows aligned with ``columns``."""

    name: str
    columns: list[Column]
    rows: list[list[Any]]


def _resolve(node: dict) -> dict:
    """Follow ``$ref`` and drop the null branch of a nullable ``anyOf``."""
    defs = load_schema()["$defs"]
    while True:
        if "$ref" in node:
            node = defs[node["$ref"].rsplit("/", 1)[-1]]
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


def _expand(node: dict, prefix: str) -> list[Column | _Dynamic]:
    """Columns (and data-keyed placeholders) for the value at ``prefix``."""
    node = _resolve(node)
    types = _types(node)
    if "properties" in node:
        out: list[Column | _Dynamic] = []
        for key, sub in node["properties"].items():
            out.extend(_expand(sub, f"{prefix}.{key}"))
        return out
    if types == {"object"}:
        extra = node.get("additionalProperties")
        return [_Dynamic(prefix, _resolve(extra) if isinstance(extra, dict) else None)]
    if types == {"array"}:
        item = _resolve(node.get("items", {}))
        return [Column(prefix, "json" if _types(item) & {"object", "array"} else "list", "TEXT")]
    sqltype = _SQL_TYPES.get(next(iter(types)), "") if len(types) == 1 else ""
    return [Column(prefix, "scalar", sqltype)]


def _layout(kind: str) -> list[Column | _Dynamic]:
    """Schema-defined layout of one kind (without ``doc_id``), plus dataclass fields it lacks."""
    defname, cls = KINDS[kind]
    props = load_schema()["$defs"][defname]["properties"]
    out: list[Column | _Dynamic] = []
    for key, sub in props.items():
        out.extend(_expand(sub, key))
    out.extend(_from_annotation(f) for f in dataclasses.fields(cls) if f.name not in props)
    return out


def _from_annotation(f: dataclasses.Field) -> Column | _Dynamic:
    """Layout of a dataclass field the schema does not describe yet, from its type hint."""
    hint = f.type if isinstance(f.type, str) else f.type.__name__ if isinstance(f.type, type) else str(f.type)
    hint = hint.replace("typing.", "").replace("Optional[", "")
    if hint.startswith("list[str"):
        return Column(f.name, "list", "TEXT")
    if hint.startswith("list"):
        return Column(f.name, "json", "TEXT")
    if hint.startswith("dict"):
        return _Dynamic(f.name, None)
    base = {"int": "integer", "float": "number", "str": "string", "bool": "boolean"}.get(hint.rstrip("]"), "")
    return Column(f.name, "scalar", _SQL_TYPES.get(base, ""))


def _flatten(obj: Any, prefix: str, out: dict) -> None:
    if isinstance(obj, dict) and obj:
        for key, val in obj.items():
            _flatten(val, f"{prefix}.{key}" if prefix else str(key), out)
    else:
        out[prefix] = None if isinstance(obj, dict) else obj


def _value_kind(value: Any) -> Optional[str]:
    """Cell kind a value calls for: "list", "json" or "scalar"; None for a missing value."""
    if isinstance(value, (list, tuple)):
        return "json" if any(isinstance(v, (dict, list)) for v in value) else "list"
    return None if value is None else "scalar"


class KeyStats:
    """What the first pass learns of one kind: every flattened key, in order of first
    appearance, with the cell kind of its first non-missing value (None while only missing)."""

    def __init__(self) -> None:
        self.kinds: dict[str, Optional[str]] = {}

    def add(self, row: dict) -> None:
        kinds = self.kinds
        for key, val in row.items():
            if kinds.get(key) is None:
                kinds[key] = _value_kind(val)

    def guess(self, name: str) -> Column:
        """Column for a field the schema does not describe, from its first non-missing value."""
        kind = self.kinds.get(name)
        return Column(name, kind, "TEXT") if kind in ("list", "json") else Column(name)


def _place(columns: list[Column], extra: Column) -> None:
    """Insert ``extra`` after the last column sharing its longest dotted prefix."""
    parts = extra.name.split(".")
    for n in range(len(parts) - 1, 0, -1):
        stem = ".".join(parts[:n]) + "."
        hits = [i for i, c in enumerate(columns) if c.name.startswith(stem)]
        if hits:
            columns.insert(hits[-1] + 1, extra)
            return
    columns.append(extra)


def _columns(kind: str, stats: KeyStats) -> list[Column]:
    """Final columns of a kind: the layout with data-keyed objects expanded, then unknown fields."""
    cols: list[Column] = [Column("doc_id", "scalar", "TEXT")] if kind != "document" else []
    layout = _layout(kind)
    parents = {item.prefix for item in layout if isinstance(item, _Dynamic)}
    for item in layout:
        if isinstance(item, Column):
            cols.append(item)
            continue
        stem = item.prefix + "."
        keys = sorted({k[len(stem):].split(".", 1)[0] for k in stats.kinds if k.startswith(stem)})
        for key in keys:
            if item.item is None:
                sub = stem + key
                names = sorted(k for k in stats.kinds if k == sub or k.startswith(sub + "."))
                cols.extend(stats.guess(n) for n in names)
            else:
                cols.extend(c for c in _expand(item.item, f"{stem}{key}") if isinstance(c, Column))
    names = {c.name for c in cols}
    parents |= {c.name.rsplit(".", i)[0] for c in cols for i in range(1, c.name.count(".") + 1)}
    for name in stats.kinds:
        if name not in names and name not in parents:
            _place(cols, stats.guess(name))
    return cols


def _records(result: dict, kind: str) -> list[dict]:
    if kind == "document":
        return [result["document"]]
    doc_id = result["document"]["doc_id"]
    return [{"doc_id": doc_id, **rec} for rec in result.get(kind) or []]


def _flat_records(result: dict, kind: str) -> Iterator[dict]:
    for rec in _records(result, kind):
        row: dict = {}
        _flatten(rec, "", row)
        yield row


def plan_columns(results: Iterable[dict]) -> dict[str, list[Column]]:
    """First pass over a batch: the columns of every kind (``KINDS`` order).

    Only the key sets are kept, so memory does not grow with the number of records.
    Raises ValueError for a doc_id seen twice."""
    seen: set[str] = set()
    stats = {kind: KeyStats() for kind in KINDS}
    for res in results:
        doc_id = res["document"]["doc_id"]
        if doc_id in seen:
            raise ValueError(f"duplicate doc_id {doc_id!r} in batch")
        seen.add(doc_id)
        for kind, kind_stats in stats.items():
            for row in _flat_records(res, kind):
                kind_stats.add(row)
    return {kind: _columns(kind, kind_stats) for kind, kind_stats in stats.items()}


def document_rows(result: dict, columns: dict[str, list[Column]]) -> dict[str, list[list[Any]]]:
    """Second pass: one document's rows of every kind, aligned with ``columns``."""
    return {kind: [[row.get(c.name) for c in cols] for row in _flat_records(result, kind)]
            for kind, cols in columns.items()}


def build_tables(results: Iterable[dict]) -> dict[str, Table]:
    """One in-memory :class:`Table` per record kind for a batch (iterated twice); the batch
    files are streamed instead (:func:`plan_columns` then :func:`document_rows`)."""
    columns = plan_columns(results)
    tables = {kind: Table(kind, cols, []) for kind, cols in columns.items()}
    for res in results:
        for kind, rows in document_rows(res, columns).items():
            tables[kind].rows.extend(rows)
    return tables
