"""Text normalisation: the one NFKC of the package (full-width digits and letters, ％, ～, µ,
compatibility ideographs) and the forms built on it."""
from __future__ import annotations

import functools
import re
import unicodedata
from typing import Optional

import regex


def nfkc(s: str) -> str:
    """``s`` in Unicode NFKC ("２０２１年" → "2021年", "５０％" → "50%")."""
    return unicodedata.normalize("NFKC", s)


def compact(s: str) -> str:
    """NFKC without any white space ("历下区 水务局" → "历下区水务局")."""
    return "".join(nfkc(s).split())


def nfkc_each(s: str) -> Optional[str]:
    """The NFKC of each character of ``s`` in turn, one character for one, when a normalisation
    of the whole text gives it: ``s`` holds no character that decomposes into a mark or a Hangul
    jamo (only those reorder or compose with a neighbour) and none that expands.  None otherwise."""
    out = unicodedata.normalize("NFKD", s)
    if len(out) != len(s) or _BEYOND_PLAIN.search(out) and _composing().search(out):
        return None
    return out  # nothing composes: NFKC = NFKD, character by character


# Blocks that hold no mark and no Hangul (Latin up to the combining marks, punctuation, symbols, CJK
# punctuation but its tone marks, CJK ideographs): text within them needs no closer look (a quick
# test before the one for marks; tests/test_fast_text.py checks every character of them)
_BEYOND_PLAIN = re.compile("[^\x00-\u02ff\u2000-\u20cf\u2100-\u27bf\u3000-\u3029\u3030-\u303f"
                           "\u3400-\u4dbf\u4e00-\u9fff]")


@functools.lru_cache(maxsize=1)
def _composing() -> regex.Pattern:
    """Characters that take part in canonical reordering or composition: marks (every character
    of a non-zero combining class, and every second part of a composition but the jamo, is one)
    and Hangul (jamo compose into syllables)."""
    return regex.compile(r"[\p{M}\p{Hangul}]")
