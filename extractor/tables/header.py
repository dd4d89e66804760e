"""Header cells → typed columns, and content types of body cells (lexicon in tables.toml)."""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Optional

from ..language.normalise import nfkc
from ..model import Cell
from ..patterns import compiled, load


@functools.lru_cache(maxsize=None)
def lex() -> dict:
    return load("tables")


def flat(text: str) -> str:
    """Cell text as one line (cell-internal line breaks joined without a space)."""
    if "\n" not in text:
        return text.strip()
    return "".join(line.strip() for line in text.split("\n"))


@functools.lru_cache(maxsize=4096)
def _key(text: str) -> str:
    """A cell text as the lexicon patterns read it: flat, NFKC, without spaces (the same few
    header and cell texts are read again for every column kind: cached)."""
    return nfkc(flat(text)).replace(" ", "")


@functools.lru_cache(maxsize=4096)
def column_kind(text: str) -> Optional[str]:
    """The column kind a header text names, or None (the lexicon's column patterns tried in turn;
    a table's header and cell texts are asked about again: cached)."""
    t = _key(text)
    if not t:
        return None
    for column in lex()["columns"]:
        if compiled(column["rx"]).search(t):
            return column["kind"]
    return None


def header_year(text: str) -> Optional[int]:
    m = compiled(lex()["header_year"]).search(_key(text))
    return int(m.group(1)) if m else None


def is_label_kind(kind: str) -> bool:
    return kind in lex()["label_kinds"]


def matches(name: str, text: str) -> bool:
    """Does ``text`` (flattened, NFKC) match the lexicon pattern ``name``?"""
    return compiled(lex()[name]).search(_key(text)) is not None


@dataclass
class Column:
    """One logical column: its kind, header label, year and header cells."""

    kind: str
    label: str
    year: Optional[int] = None
    cells: list[Cell] = field(default_factory=list)
    grid_range: Optional[tuple[int, int]] = None  # grid columns covered (docx/pdf tables)


def make_column(stack: list[Cell]) -> Column:
    """A column from its stacked header cells (top first; duplicates of a span removed)."""
    texts: list[str] = []
    for c in stack:
        t = flat(c.text)
        if t and t not in texts:
            texts.append(t)
    kind = None
    for t in texts:
        kind = column_kind(t)
        if kind:
            break
    year = None
    for t in texts:
        year = header_year(t) or year
    return Column(kind or "unknown", "".join(texts), year, [c for c in stack if c.text])


def is_header_row(texts: list[str], first: bool) -> bool:
    """Evidence that a row is (part of) the header: its filled cells name columns or years."""
    filled = [t for t in texts if flat(t)]
    if not filled:
        return False
    known = [t for t in filled if column_kind(t) or header_year(t)]
    if first:
        return len(known) >= 2 and len(known) * 2 >= len(filled)
    only_years = all(compiled(r"^\(?（?(?:19|20)\d{2}年?(?:[)）])?$").match(_key(t)) for t in filled)
    return only_years or (len(known) == len(filled) and len(filled) < len(texts))


def compat(kind: str, text: str) -> int:
    """How well a body cell's content fits a column kind (evidence for Tika alignment)."""
    t = _key(text)
    if not t:
        return 0
    if kind == "seq":
        return 2 if matches("seq_cell", t) else -2
    if kind == "attribute":
        return 3 if matches("attribute_cell", t) else -2
    if kind == "status":
        return 2 if matches("status_cell", t) else -1
    if kind == "unit":
        return -2 if matches("number_cell", t) else (1 if matches("unit_cell", t) else -1)
    if is_label_kind(kind):
        return -2 if (matches("number_cell", t) or matches("seq_cell", t)) else (-1 if matches("attribute_cell", t) else 1)
    if kind in ("standard", "baseline", "target", "cumulative", "investment"):
        if matches("number_cell", t):
            return 1
        unit_like = len(t) <= 6 and compiled(lex()["unit_text"]).search(t) is not None
        return -2 if matches("attribute_cell", t) else (-1 if unit_like else 0)
    if kind == "period":
        return 2 if header_year(t) else -1
    return 0
