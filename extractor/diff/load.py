"""Read one side of a diff: a plan document (extracted now) or a planx JSON written before."""
from __future__ import annotations

import json
from pathlib import Path

from ..audit.load import load_result, result_of
from ..engines.supervisor import extract_supervised
from ..errors import PlanxError
from ..readers import SUPPORTED
from ..records import ExtractResult


def load_side(path: str | Path) -> ExtractResult:
    """The planx result of ``path`` (a .json read back; a plan document extracted)."""
    p = Path(path)
    if not p.is_file():
        raise PlanxError(p, "no such file")
    suffix = p.suffix.lower()
    if suffix == ".json":
        return load_result(p)
    if suffix in SUPPORTED:  # extracted in a worker under the per-document limits, like a batch
        return result_of(json.loads(extract_supervised(p)), p)
    raise PlanxError(p, f"cannot diff a {suffix or 'suffix-less'} file "
                        f"(expected {', '.join(SUPPORTED)} or planx .json)")
