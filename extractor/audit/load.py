"""planx JSON (one document's output) back into records, so saved results can be audited."""
from __future__ import annotations

import json
from pathlib import Path

from ..errors import PlanxError
from ..records import ExtractResult


def load_result(path: Path) -> ExtractResult:
    """A saved planx JSON file as an ExtractResult (PlanxError when it is not one)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return ExtractResult.from_dict(data)
    except OSError as e:
        raise PlanxError(path, f"cannot read ({e.strerror})") from None
    except (ValueError, KeyError, TypeError) as e:
        raise PlanxError(path, f"not a planx JSON result ({type(e).__name__}: {e})") from None
