"""Read one side of a diff: a plan document (extracted now) or a planx JSON written before."""
from __future__ import annotations

from pathlib import Path

from ..errors import PlanxError


def load_side(path: str | Path) -> dict:
    """The planx JSON of ``path`` (.json read as is; a plan document extracted)."""
    p = Path(path)
    if not p.is_file():
        raise PlanxError(p, "no such file")
    suffix = p.suffix.lower()
    if suffix == ".json":
        from ..schema_check import read_result

        return read_result(p)
    from ..readers import SUPPORTED

    if suffix in SUPPORTED:  # extracted in a worker under the per-document limits, like a batch
        import json

        from ..engines.supervisor import extract_supervised

        return json.loads(extract_supervised(p))
    raise PlanxError(p, f"cannot diff a {suffix or 'suffix-less'} file "
                        f"(expected {', '.join(SUPPORTED)} or planx .json)")
