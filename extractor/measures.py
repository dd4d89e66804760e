"""Measurement units: one spelling per unit ("μg/m3" = "ug/m³" = "微克/立方米"), from
``patterns/measures.toml``."""
from __future__ import annotations

import functools
from typing import Optional

from .language.normalise import nfkc
from .patterns import compiled, load


@functools.lru_cache(maxsize=4096)
def unit_key(unit: Optional[str]) -> str:
    """The unit in one spelling: NFKC (µ → μ, ³ → 3), lower case, no spaces or brackets, then
    the ``unit_spellings`` rewrites."""
    if not unit:
        return ""
    s = compiled(r"[\s()（）\[\]]").sub("", nfkc(unit)).lower()
    for pattern, repl in load("measures")["unit_spellings"]:
        s = compiled(pattern).sub(repl, s)
    return s
