"""Validate a per-document output dict against the JSON Schema shipped with the package.

``validate(doc)`` raises ``jsonschema.ValidationError`` (the most relevant error);
``problems(doc)`` lists every violation as "path: message" for reports and tests.
"""
from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any


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
