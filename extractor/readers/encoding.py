"""Decode a text file's bytes: BOMs, UTF-8, UTF-16 without BOM, GB18030 — in a strict order.

Nothing is decoded with replacement characters: bytes that fit no encoding raise
:class:`PlanxError`, as does binary content (NUL bytes, control characters).
"""
from __future__ import annotations

import codecs
import unicodedata

from ..errors import PlanxError

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def _looks_utf16(data: bytes) -> str | None:
    """UTF-16 without BOM: the NUL bytes (high bytes of ASCII characters such as newlines and
    digits) all sit on one parity — odd positions for little-endian, even for big-endian."""
    sample = data[:65536]
    if len(sample) < 4 or len(data) % 2:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd >= 2 and even <= odd * 0.25:
        return "utf-16-le"
    if even >= 2 and odd <= even * 0.25:
        return "utf-16-be"
    return None


def _is_binary_text(text: str) -> bool:
    """Too many control / unassigned / private-use characters for a real document."""
    if not text:
        return False
    sample = text[:200_000]
    suspects: set[str] = set()  # the characters of lines holding a non-printable one other than TAB
    for line in sample.split("\n"):  # (every character counted below is non-printable: its line is one of them)
        if not line.isprintable() and not line.replace("\t", "").isprintable():
            suspects.update(line)
    bad = sum(sample.count(ch) for ch in suspects  # each distinct character once
              if unicodedata.category(ch) in ("Cc", "Co", "Cn", "Cs") and ch not in "\t\n\r\f\v")
    return bad > max(8, len(sample) * 0.01)


def decode(data: bytes, path: object) -> tuple[str, str]:
    """Return (text, encoding name); raise PlanxError when the bytes are not text."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return _strict(data, enc, path), enc
    utf16 = _looks_utf16(data)
    if utf16:
        try:
            return _strict(data, utf16, path), utf16
        except PlanxError:
            raise PlanxError(path, "binary content (NUL bytes), not a text document") from None
    if b"\x00" in data[:65536]:
        raise PlanxError(path, "binary content (NUL bytes), not a text document")
    for enc in ("utf-8", "gb18030"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if _is_binary_text(text):
            continue
        return text, enc
    raise PlanxError(path, "cannot decode as UTF-8, UTF-16 or GB18030 text (binary or unknown encoding)")


def _strict(data: bytes, enc: str, path: object) -> str:
    try:
        text = data.decode(enc)
    except UnicodeDecodeError as e:
        raise PlanxError(path, f"invalid {enc} text at byte {e.start}") from None
    if text.startswith("\ufeff"):
        text = text[1:]
    if _is_binary_text(text):
        raise PlanxError(path, "binary content, not a text document")
    return text
