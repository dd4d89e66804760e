"""Read one side of a diff: a plan document (extracted now) or a planx JSON written before."""
from __future__ import annotations

import json
from pathlib import Path

from ..errors import PlanxError
from ..readers import SUPPORTED
from ..records import RECORD_KINDS

DOCUMENT_SUFFIXES = SUPPORTED


def load_side(path: str | Path) -> dict:
    """The planx JSON of ``path`` (.json read as is; a plan document extracted)."""
    p = Path(path)
    if not p.is_file():
        raise PlanxError(p, "no such file")
    suffix = p.suffix.lower()
    if suffix == ".json":
        return _read_json(p)
    if suffix in DOCUMENT_SUFFIXES:
        from ..pipeline import extract

        return extract(p).to_dict()
    raise PlanxError(p, f"cannot diff a {suffix or 'suffix-less'} file (expected {', '.join(SUPPORTED)} or planx .json)")


def _read_json(p: Path) -> dict:
    try:
        data = json.loads(p.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        raise PlanxError(p, "not UTF-8 JSON") from None
    except json.JSONDecodeError as e:
        raise PlanxError(p, f"not valid JSON (line {e.lineno}: {e.msg})") from None
    except OSError as e:
        raise PlanxError(p, f"cannot read ({e.strerror})") from None
    if not isinstance(data, dict) or "document" not in data:
        raise PlanxError(p, "not a planx extraction (no \"document\" object)")
    for kind in RECORD_KINDS:
        if not isinstance(data.get(kind, []), list) or not all(isinstance(r, dict) for r in data.get(kind, [])):
            raise PlanxError(p, f"not a planx extraction (\"{kind}\" is not a list of records)")
    return data
