"""Validate a per-document output dict against the JSON Schema shipped with the package.

``validate(doc)`` raises ``jsonschema.ValidationError`` (the most relevant error);
``problems(doc)`` lists every violation as "path: message" for reports and tests.
"""
from __future__ import annotations

import json
from collections import Counter
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import PlanxError
from .hygiene import clean_strings, describe, json_strings_clean
from .records import RECORD_KINDS, SCHEMA_VERSION


@lru_cache(maxsize=1)
def load_schema() -> dict:
    """The output JSON Schema (draft 2020-12), read from package data."""
    text = resources.files("extractor").joinpath("schema/planx.schema.json").read_text(encoding="utf-8")
    return json.loads(text)


@lru_cache(maxsize=1)
def _validator() -> Any:
    from jsonschema import Draft202012Validator

    schema = load_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def problems(doc: dict) -> list[str]:
    """Every schema violation of ``doc``, as "json/path: message", in document order."""
    errs = sorted(_validator().iter_errors(doc), key=lambda e: [str(p) for p in e.absolute_path])
    return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in errs]


def validate(doc: dict) -> None:
    """Raise ``jsonschema.ValidationError`` when ``doc`` does not follow the output schema."""
    from jsonschema.exceptions import best_match

    err = best_match(_validator().iter_errors(doc))
    if err is not None:
        raise err


def read_result(path: Any) -> dict:
    """A planx JSON result read from ``path`` and checked against the schema: a
    :class:`~extractor.errors.PlanxError` naming the file and the first problem when it is not
    one.  Only types are checked: fields added later may be missing.  For a result of another
    schema version only the record lists are checked (metadata and tables changed shape between
    versions)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
        data = json.loads(text)
    except UnicodeDecodeError:
        raise PlanxError(p, "not UTF-8 JSON") from None
    except json.JSONDecodeError as e:
        raise PlanxError(p, f"not valid JSON (line {e.lineno}: {e.msg})") from None
    except RecursionError:
        raise PlanxError(p, "not a planx extraction (nested too deeply)") from None
    except OSError as e:
        raise PlanxError(p, f"cannot read ({e.strerror})") from None
    if not isinstance(data, dict) or not isinstance(data.get("document"), dict):
        raise PlanxError(p, "not a planx extraction (no \"document\" object)")
    if not json_strings_clean(text):
        data = _clean(data)
    from fastjsonschema import JsonSchemaException

    checked = data
    if data.get("schema_version") != SCHEMA_VERSION:
        # another contract version: the record lists must have today's types; the document
        # metadata and tables may have changed shape between versions and are read as they are
        checked = {k: v for k, v in data.items() if k in RECORD_KINDS}
    try:
        _type_validator()(checked)
    except JsonSchemaException as e:
        where = "/".join(str(x) for x in (e.path or [])[1:]) or "(root)"
        raise PlanxError(p, f"not a planx extraction ({where}: {_short(e.message.split(' ', 1)[-1])})") from None
    return data


def _clean(data: dict) -> dict:
    """Unicode hygiene on a result that may not be planx's own (as the document model has it)."""
    counts: Counter = Counter()
    data = clean_strings(data, counts)
    if counts and isinstance(data["document"].get("warnings", []), list):
        data["document"]["warnings"] = [*data["document"].get("warnings", []), describe(counts)]
    return data


_TYPE_KEYWORDS = {"type", "properties", "items", "$ref", "$defs", "anyOf", "oneOf", "allOf",
                  "patternProperties", "$id"}


def _types_only(node: Any) -> Any:
    """The schema without constraints other than types and structure (no required fields,
    patterns, bounds or constants)."""
    if isinstance(node, list):
        return [_types_only(x) for x in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for k, v in node.items():
        if k in ("properties", "$defs", "patternProperties"):
            out[k] = {name: _types_only(sub) for name, sub in v.items()}
        elif k in _TYPE_KEYWORDS:
            out[k] = _types_only(v)
    return out


@lru_cache(maxsize=1)
def _type_validator() -> Any:
    """A compiled validator of field types (fastjsonschema: ~20 ms for a 100-page plan)."""
    import fastjsonschema

    return fastjsonschema.compile(_types_only(load_schema()))


def _short(text: str, n: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[:n] + "…"
