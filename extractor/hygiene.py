"""Unicode hygiene for the document model: only valid, printable Unicode plus TAB and LF.

Every reader's output passes through :class:`~extractor.model.Document`, which cleans its text
here once, so every extractor and writer can trust its input (a lone surrogate cannot be encoded
as UTF-8, XML refuses U+FFFE and C0 controls, an ESC sequence rewrites a terminal, bidi overrides
disguise text).  Each offending character is replaced by **one** character, so every offset,
span and ``raw == text[span]`` stays valid:

- a layout control (CR, VT, FF, the information separators, NEL, U+2028/U+2029) by a space;
- any other C0/C1 control, a surrogate code point, a non-character (U+FDD0–U+FDEF, U+xFFFE,
  U+xFFFF) or a bidi embedding/override/isolate control by U+FFFD.

A planx JSON read back from disk (``planx diff``/``audit`` on saved results, which need not be
planx's own) is cleaned the same way (:func:`clean_strings`; not walked when one search of its
text, :func:`json_strings_clean`, finds it clean).

Readers that turn numbers into characters (a docx ``w:sym``, a PDF ToUnicode map) use
:func:`char_of`, which never raises: a code outside Unicode becomes :data:`INVALID`, a
non-character the model then replaces and counts like the others.
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Any, Optional

REPLACEMENT = "\ufffd"
INVALID = "\uffff"  # what a reader puts for a code point that does not exist

_LAYOUT = "\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\u2028\u2029"
_BAD_BMP = "\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
_ASTRAL_NONCHARACTERS = "".join(f"{chr(p + 0xFFFE)}{chr(p + 0xFFFF)}" for p in range(0x10000, 0x110000, 0x10000))
_BAD = re.compile("[" + _BAD_BMP + _ASTRAL_NONCHARACTERS + "]")
# the quick test: a class of astral characters is slow to test on every character, so the BMP
# part alone first, then _BAD only for a text that holds a character beyond the BMP
_BAD_IN_BMP = re.compile("[" + _BAD_BMP + "]")
_SHOWN = 4  # code points named in a warning


def char_of(code: int) -> str:
    """The character with code point ``code``; :data:`INVALID` when there is none."""
    return chr(code) if 0 <= code < 0x110000 else INVALID


def _replacement(ch: str) -> str:
    return " " if ch in _LAYOUT else REPLACEMENT


def _has_astral(text: str) -> bool:
    """Does ``text`` hold a character beyond the BMP (two UTF-16 units: quicker than a regex)?"""
    return len(text.encode("utf-16-le", "surrogatepass")) != 2 * len(text)


def is_clean(text: str) -> bool:
    """Does ``text`` hold only valid printable Unicode (and TAB/LF)?"""
    return _BAD_IN_BMP.search(text) is None and (not _has_astral(text) or _BAD.search(text) is None)


def clean_text(text: str, counts: Optional[Counter] = None) -> str:
    """``text`` with every character that is not valid printable Unicode (or TAB/LF) replaced by
    one character; each replaced code point is counted in ``counts``."""
    if is_clean(text):
        return text

    def swap(m: re.Match) -> str:
        ch = m.group()
        if counts is not None:
            counts[ord(ch)] += 1
        return _replacement(ch)

    return _BAD.sub(swap, text)


def clean_strings(obj: Any, counts: Optional[Counter] = None) -> Any:
    """``obj`` (parsed JSON) with every string, key or value, cleaned by :func:`clean_text` — for
    planx JSON read back from disk, which may not be planx's own."""
    if isinstance(obj, str):
        return clean_text(obj, counts)
    if isinstance(obj, list):
        return [clean_strings(v, counts) for v in obj]
    if isinstance(obj, dict):
        return {clean_text(k, counts): clean_strings(v, counts) for k, v in obj.items()}
    return obj


# the JSON escapes that can make a character that is not clean (\b, \f, \r, \uXXXX); a "\\"
# before b, f, r or u (an escaped backslash) matches too, which only costs the walk
_UNCLEAN_ESCAPE = re.compile(r"\\[bfru]")


def json_strings_clean(text: str) -> bool:
    """Are all the strings of the JSON ``text`` (keys and values) clean as they are, so that
    :func:`clean_strings` would change nothing?  True when the text is clean and holds no escape
    that could make a character that is not: one search over the text instead of a walk of what
    it parses to (a planx JSON, written by planx, as a rule).  False may still be clean."""
    return _UNCLEAN_ESCAPE.search(text) is None and is_clean(text)


def describe(counts: Counter) -> str:
    """One warning line for the replaced characters, e.g. "3 characters that are not printable
    Unicode replaced (U+D800 ×2, U+0007 ×1)"."""
    total = sum(counts.values())
    shown = ", ".join(f"U+{code:04X} ×{n}" for code, n in counts.most_common(_SHOWN))
    more = ", …" if len(counts) > _SHOWN else ""
    return (f"{total} character{'s' if total != 1 else ''} that {'are' if total != 1 else 'is'} not printable "
            f"Unicode replaced ({shown}{more})")
