"""planx: structured, sourced records from Chinese government plan documents."""
from __future__ import annotations

__version__ = "0.1.0"

from .errors import PlanxError  # noqa: E402
from .pipeline import extract  # noqa: E402
from .records import ExtractResult  # noqa: E402

__all__ = ["extract", "ExtractResult", "PlanxError", "__version__"]
