"""User-facing errors: one clear line naming the file and the cause, never a traceback."""
from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def one_line(text: str) -> str:
    """``text`` on one line: line breaks and other controls (a library's message, a file name)
    become a space."""
    return _CONTROL.sub(" ", text).strip()


class PlanxError(Exception):
    """A problem with an input or output the user can act on (its message is one line)."""

    def __init__(self, path: object, cause: str):
        self.path = str(path)
        self.cause = one_line(str(cause))
        super().__init__(f"{one_line(self.path)}: {self.cause}")


class OutOfMemory(PlanxError):
    """A document needed more memory than there is (or than the worker's memory limit allows)."""

    def __init__(self, path: object):
        super().__init__(path, "out of memory while extracting it")


class PatternFileError(PlanxError):
    """A pattern file (``patterns/*.toml``, or one in ``$PLANX_PATTERNS``) that is no valid TOML or
    lacks a key, a type or a named group the code reads."""
