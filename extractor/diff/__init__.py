"""``planx diff``: a structured, direction-aware comparison of two versions of a plan.

>>> result = diff("draft.txt", "issued.docx")     # or two planx JSON files, results or dicts
>>> result.summary()["by_direction"]

Kept light (the CLI imports this package to register the sub-command); the engine and its
numeric libraries load on the first call.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Union

from ..evidence import input_evidence
from ..records import ExtractResult, to_json
from .engine import compare
from .load import load_side

if TYPE_CHECKING:
    from .model import DiffResult

Side = Union[str, Path, dict, ExtractResult]


def diff(old: Side, new: Side) -> "DiffResult":
    """Compare two plan versions (paths to .txt/.docx/.pdf/.json, planx results or their JSON dicts)."""
    docs = [ExtractResult.of(side) if isinstance(side, (dict, ExtractResult)) else load_side(side) for side in (old, new)]
    result = compare(*docs)
    result.evidence["inputs"] = [input_evidence(None if isinstance(side, (dict, ExtractResult)) else side,
                                                to_json(doc.document))
                                 for side, doc in zip((old, new), docs)]
    return result


__all__ = ["diff"]
