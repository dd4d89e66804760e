"""Text normalisation: the one NFKC of the package (full-width digits and letters, ％, ～, µ,
compatibility ideographs) and the forms built on it."""
from __future__ import annotations

import unicodedata


def nfkc(s: str) -> str:
    """``s`` in Unicode NFKC ("２０２１年" → "2021年", "５０％" → "50%")."""
    return unicodedata.normalize("NFKC", s)


def compact(s: str) -> str:
    """NFKC without any white space ("历下区 水务局" → "历下区水务局")."""
    return "".join(nfkc(s).split())
