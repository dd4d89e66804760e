"""Read one side of a diff: a plan document (extracted now) or a planx JSON written before."""
from __future__ import annotations

import json
from pathlib import Path

from ..engines.supervisor import extract_supervised
from ..errors import PlanxError
from ..readers import SUPPORTED
from ..schema_check import read_result


def load_side(path: str | Path) -> dict:
    """The planx JSON of ``path`` (.json read as is; a plan document extracted)."""
    p = Path(path)
    if not p.is_file():
        raise PlanxError(p, "no such file")
    suffix = p.suffix.lower()
    if suffix == ".json":
        return read_result(p)
    if suffix in SUPPORTED:  # extracted in a worker under the per-document limits, like a batch
        return json.loads(extract_supervised(p))
    raise PlanxError(p, f"cannot diff a {suffix or 'suffix-less'} file "
                        f"(expected {', '.join(SUPPORTED)} or planx .json)")
