"""JSON text of results (orjson, stdlib ``json`` where orjson refuses): the JSON boundary of
records, reports and the batch."""
from __future__ import annotations

import json
from typing import Any

import orjson


def dumps(doc: Any) -> bytes:
    """A result dict as UTF-8 JSON (indented); stdlib ``json`` for what orjson refuses (an
    integer beyond 64 bits, a lone surrogate, which becomes "?")."""
    try:
        return orjson.dumps(doc, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS)
    except (TypeError, orjson.JSONEncodeError):
        return json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8", "replace")


def loads(data: bytes | str) -> Any:
    """Parse JSON text (orjson); ``ValueError`` when it is not valid JSON."""
    return orjson.loads(data)
