"""Read the sides of a diff: plan documents (extracted now) or planx JSON written before."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional, Sequence, Union

from ..audit.load import load_result, result_of
from ..engines.supervisor import extract_supervised
from ..errors import PlanxError
from ..readers import SUPPORTED
from ..records import ExtractResult

Loaded = Union[ExtractResult, PlanxError]


def load_sides(paths: Sequence[Union[str, Path]]) -> list[Loaded]:
    """The planx result of each path, in order: a .json read back, a plan document extracted —
    the documents together, in supervised workers under the per-document limits, like a batch
    (one worker per core, each kept for its next document).  In place of a path that cannot be
    read or extracted, its PlanxError."""
    files = [Path(p) for p in paths]
    out: list[Optional[Loaded]] = []
    for p in files:
        try:
            out.append(_read(p))
        except PlanxError as e:
            out.append(e)
    todo = [i for i, got in enumerate(out) if got is None]
    for i, got in zip(todo, extract_supervised([files[i] for i in todo]) if todo else []):
        out[i] = got if isinstance(got, PlanxError) else _result(got, files[i])
    return out  # type: ignore[return-value]  # (every None replaced)


def _read(p: Path) -> Optional[ExtractResult]:
    """A planx .json read back; None for a plan document (to be extracted); PlanxError otherwise."""
    if not p.is_file():
        raise PlanxError(p, "no such file")
    suffix = p.suffix.lower()
    if suffix == ".json":
        return load_result(p)
    if suffix in SUPPORTED:
        return None
    raise PlanxError(p, f"cannot diff a {suffix or 'suffix-less'} file "
                        f"(expected {', '.join(SUPPORTED)} or planx .json)")


def _result(data: bytes, p: Path) -> Loaded:
    try:
        return result_of(json.loads(data), p)
    except PlanxError as e:
        return e
