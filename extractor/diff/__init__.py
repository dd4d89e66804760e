"""``planx diff``: a structured, direction-aware comparison of two versions of a plan.

>>> result = diff("draft.txt", "issued.docx")     # or two planx JSON files, results or dicts
>>> result.summary()["by_direction"]

Kept light (the CLI imports this package to register the sub-command); the engine and its
numeric libraries load on the first call.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Union

from ..errors import PlanxError
from ..evidence import input_evidence
from ..records import ExtractResult, to_json
from .engine import compare
from .load import load_sides

if TYPE_CHECKING:
    from .model import DiffResult

Side = Union[str, Path, dict, ExtractResult]


def diff(old: Side, new: Side) -> "DiffResult":
    """Compare two plan versions (paths to .txt/.docx/.pdf/.json, planx results or their JSON dicts)."""
    given = [isinstance(side, (dict, ExtractResult)) for side in (old, new)]
    loaded = iter(load_sides([side for side, g in zip((old, new), given) if not g]))  # (both at once)
    docs = [ExtractResult.of(side) if g else next(loaded) for side, g in zip((old, new), given)]
    for doc in docs:
        if isinstance(doc, PlanxError):  # the old side's first
            raise doc
    result = compare(*docs)
    result.evidence["inputs"] = [input_evidence(None if g else side, to_json(doc.document))
                                 for side, g, doc in zip((old, new), given, docs)]
    return result


__all__ = ["diff"]
