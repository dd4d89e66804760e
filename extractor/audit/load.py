"""planx JSON (one document's output) back into records, so saved results can be audited and diffed."""
from __future__ import annotations

from pathlib import Path

from ..errors import PlanxError
from ..records import ExtractResult
from ..schema_check import read_result


def load_result(path: Path) -> ExtractResult:
    """A saved planx JSON file as an ExtractResult (PlanxError when it is not one)."""
    return result_of(read_result(path), path)


def result_of(data: dict, path: Path) -> ExtractResult:
    """The ExtractResult a planx JSON dict read from ``path`` describes (PlanxError when it is not one)."""
    try:
        return ExtractResult.from_dict(data)
    except (ValueError, KeyError, TypeError, AttributeError) as e:
        raise PlanxError(path, f"not a planx JSON result ({type(e).__name__}: {e})") from None
