"""Text normalisation shared by the readers: bookmarks out, PDF spacing artefacts out.

Works on :class:`MappedText` so that every surviving character still maps to its source.
"""
from __future__ import annotations

from .model import MappedText, Offsets, offsets_of
from .patterns import compiled, load


def remove_matches(m: MappedText, pattern: str) -> MappedText:
    """Drop every match of ``pattern`` from ``m`` (offsets of the rest are kept)."""
    rx = compiled(pattern)
    keep: list[tuple[int, int]] = []  # the ranges between matches
    pos = 0
    for hit in rx.finditer(m.text):
        keep.append((pos, hit.start()))
        pos = hit.end()
    if pos == 0:
        return m
    keep.append((pos, len(m.text)))
    return MappedText("".join(m.text[a:b] for a, b in keep), _kept_offsets(m.offsets, keep))


def _kept_offsets(offsets: Offsets, keep: list[tuple[int, int]]) -> Offsets:
    """The offsets of the ranges ``keep``, in order: a slice of ``offsets`` when one range holds
    them all (a match at the start or the end of a line: a run of offsets stays a ``range``, not
    copied character by character), else an array."""
    kept = [(a, b) for a, b in keep if b > a]
    if len(kept) == 1:
        a, b = kept[0]
        return offsets[a:b]
    out = offsets_of()
    for a, b in kept:
        out.extend(offsets[a:b])
    return out


def _needs_removal(text: str, p: dict) -> bool:
    """``text`` holds a bookmark or a Han–digit space (``p``: patterns/text.toml); the slow test
    for the space only where its cue is (asked for every line a reader reads)."""
    return bool(compiled(p["bookmark"]).search(text)
                or (compiled(p["han_digit_space_cue"]).search(text) and compiled(p["han_digit_space"]).search(text)))


def clean(m: MappedText) -> MappedText:
    """Bookmarks removed, Han–digit spaces removed, outer whitespace stripped (a new
    MappedText, which may share ``m``'s offsets when nothing was removed)."""
    p = load("text")
    out = m
    if _needs_removal(m.text, p):
        out = remove_matches(remove_matches(m, p["bookmark"]), p["han_digit_space"])
    text = out.text
    if text and not text[0].isspace() and not text[-1].isspace():  # nothing to strip: no copy
        return out if out is not m else MappedText(text, m.offsets)
    return out.strip()


def has_toc_bookmark(s: str) -> bool:
    """``s`` holds a table-of-contents bookmark (a kind of bookmark: looked for where one is)."""
    p = load("text")
    return compiled(p["bookmark"]).search(s) is not None and compiled(p["toc_bookmark"]).search(s) is not None
