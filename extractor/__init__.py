"""planx: structured, sourced records from Chinese government plan documents."""
from __future__ import annotations

from .errors import PlanxError
from .pipeline import extract
from .records import ExtractResult
from .version import __version__
from .writers.tabular import result_frames

__all__ = ["extract", "ExtractResult", "PlanxError", "__version__", "to_dataframes"]


def to_dataframes(result: ExtractResult) -> dict:
    """One pandas DataFrame per output table of one result (as the batch's CSV files:
    "documents", "indicators", "indicator_targets", …)."""
    return result_frames([result])
