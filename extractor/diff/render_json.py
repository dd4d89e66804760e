"""The diff as JSON: {"old", "new", "summary", "changes"}."""
from __future__ import annotations

import json

from .model import DiffResult


def render_json(result: DiffResult) -> str:
    return json.dumps(result.to_dict(), ensure_ascii=False, indent=1) + "\n"
