"""Punctuation of Chinese running text: sentence ends, clause marks, title marks and brackets
(the marks are data: patterns/punctuation.toml)."""
from __future__ import annotations

import functools
from typing import NamedTuple

from ..patterns import load


class Marks(NamedTuple):
    """Each field a string of characters (full-width and ASCII forms)."""

    sentence_end: str  # 。；;！!？?
    full_stop: str  # 。！!？?
    comma: str
    colon: str
    clause_end: str  # a sentence end or a comma
    clause_break: str  # a clause starts after one of these (clause ends, colons, a line break)
    title_open: str  # 《
    title_close: str  # 》
    brackets_open: str
    brackets_close: str


@functools.lru_cache(maxsize=None)
def marks() -> Marks:
    p = load("punctuation")
    return Marks(p["sentence_end"], p["full_stop"], p["comma"], p["colon"], p["sentence_end"] + p["comma"],
                 p["sentence_end"] + p["comma"] + p["colon"] + "\n", p["title_open"], p["title_close"],
                 p["brackets_open"], p["brackets_close"])
