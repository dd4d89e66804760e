"""The output JSON Schema, generated from the record types (:mod:`extractor.records`).

Every record class and every nested value type becomes a definition: its docstring the
description, one property per field (type from the type hint; description, enum, pattern and
bounds from the field's ``metadata``), every field required but those left out of the JSON at
a default (``omit``).  Ids follow their kind's prefix (``ind-N``), links to other records the
prefix of the kind they name.  The committed ``schema/planx.schema.json`` is this module's
output: ``python -m extractor.schema_gen`` rewrites it, a test checks they are equal.
"""
from __future__ import annotations

import dataclasses
import json
import re
import sys
import typing
from pathlib import Path
from typing import Any, Union

from .model import Span
from .records import KINDS, RECORD_CLASSES, SCHEMA_VERSION, DocumentInfo

SCHEMA_PATH = Path(__file__).parent / "schema" / "planx.schema.json"

_HEAD = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://planx.example/schema/planx.schema.json",
    "title": "planx per-document output",
    "description": (f"One JSON document per input file (ExtractResult.to_json(), schema_version {SCHEMA_VERSION}), "
                    "generated from the record types (extractor/records.py). Further properties are allowed so "
                    "that fields can be added without breaking consumers. Contract v2: every record links to its "
                    "section, task and table by id (section_id, task_id, table_id); every table carries its "
                    "logical grid (header, rows); dates are ISO strings with their precision."),
}
_SHARED = {
    "nstr": {"type": ["string", "null"]},
    "strlist": {"type": "array", "items": {"type": "string"}},
    "isodate": {"description": "ISO date as precise as the text: 2021-05-08, 2021-05 or 2025.",
                "type": ["string", "null"], "pattern": "^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"},
    "yearKeys": {"type": "string", "pattern": "^[0-9]{4}$"},
}
_JSON_TYPES = {str: "string", int: "integer", float: "number", bool: "boolean"}


def _describe(cls: type) -> str:
    """The first paragraph of a class docstring, on one line."""
    doc = (cls.__doc__ or "").strip().split("\n\n")[0]
    doc = re.sub(r":\w+:`~?(?:[\w.]+\.)?(\w+)`", r"\1", doc).replace("``", "'")
    return " ".join(doc.split())


def _id_pattern(keys: str) -> str:
    """The id pattern of records of the kinds ``keys`` ("tasks|sections")."""
    prefixes = [KINDS[k].prefix for k in keys.split("|")]
    return f"^{prefixes[0]}-[0-9]+$" if len(prefixes) == 1 else f"^({'|'.join(prefixes)})-[0-9]+$"


class _Generator:
    def __init__(self) -> None:
        self.defs: dict[str, Any] = {}

    def name(self, cls: type) -> str:
        return getattr(cls, "SCHEMA_NAME", cls.__name__)  # = its kind's schema name, for a record class

    def ref(self, cls: type) -> dict:
        name = self.name(cls)
        if name not in self.defs:
            self.defs[name] = None  # placeholder: recursion and order
            self.defs[name] = self.object(cls)
        return {"$ref": f"#/$defs/{name}"}

    def object(self, cls: type) -> dict:
        hints = typing.get_type_hints(cls)
        kind = getattr(cls, "KIND", None)
        props, required = {}, []
        for f in dataclasses.fields(cls):
            prop = self.field(hints[f.name], f.metadata)
            if f.name == "id" and kind is not None:
                prop = {**prop, "pattern": _id_pattern(kind.key)}
            props[f.name] = prop
            if "omit" not in f.metadata:
                required.append(f.name)
        description = _describe(cls)
        out = {"description": description} if description else {}
        return {**out, "type": "object", "required": required, "properties": props}

    def field(self, tp: Any, metadata: Any) -> dict:
        ref = metadata.get("ref")
        if ref == "isodate":
            prop = {"$ref": "#/$defs/isodate"}
        elif ref:
            prop = {"type": ["string", "null"], "pattern": _id_pattern(ref)}
        else:
            prop = self.type(tp)
        extra = dict(metadata.get("schema", {}))
        if "enum" in extra:
            prop = {}
        if metadata.get("doc"):
            prop = {"description": metadata["doc"], **prop}
        if "$ref" in prop and extra:
            prop = {"allOf": [{"$ref": prop.pop("$ref")}], **prop}
        return {**prop, **extra}

    def type(self, tp: Any) -> dict:
        origin, args = typing.get_origin(tp), typing.get_args(tp)
        if origin is Union:
            inner = [a for a in args if a is not type(None)]
            (one,) = inner
            if one is str:
                return {"$ref": "#/$defs/nstr"}
            if one in _JSON_TYPES:
                return {"type": [_JSON_TYPES[one], "null"]}
            return {"anyOf": [self.type(one), {"type": "null"}]}
        if origin is list:
            return {"$ref": "#/$defs/strlist"} if args[0] is str else {"type": "array", "items": self.type(args[0])}
        if origin is dict:
            return {"type": "object", "additionalProperties": self.type(args[1])}
        if tp in _JSON_TYPES:
            return {"type": _JSON_TYPES[tp]}
        if dataclasses.is_dataclass(tp):
            return self.ref(tp)
        raise TypeError(f"no JSON Schema for {tp!r}")


def generate() -> dict:
    """The output JSON Schema of planx (draft 2020-12)."""
    gen = _Generator()
    gen.defs.update(_SHARED)
    props: dict[str, Any] = {"schema_version": {"const": SCHEMA_VERSION}, "document": gen.ref(DocumentInfo)}
    for key, cls in RECORD_CLASSES.items():
        props[key] = {"type": "array", "items": gen.ref(cls)}
    gen.ref(Span)
    return {**_HEAD, "type": "object", "required": list(props), "properties": props, "$defs": gen.defs}


def text() -> str:
    """The schema as the committed file holds it."""
    return json.dumps(generate(), ensure_ascii=False, indent=1) + "\n"


def main() -> int:
    """Rewrite schema/planx.schema.json from the record types."""
    SCHEMA_PATH.write_text(text(), encoding="utf-8")
    print(f"wrote {SCHEMA_PATH}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
