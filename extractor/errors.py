"""User-facing errors: one clear line naming the file and the cause, never a traceback."""
from __future__ import annotations


class PlanxError(Exception):
    """A problem with an input or output the user can act on."""

    def __init__(self, path: object, cause: str):
        self.path = str(path)
        self.cause = cause
        super().__init__(f"{self.path}: {cause}")
