"""Running-text passages and their sentences, with offsets back to the source.

``passages(doc)`` yields every prose passage — paragraph blocks, and the cells of box
tables (专栏: one cell per row) — as NFKC-normalised :class:`MappedText` (every character
still maps to its source offset).  ``sentences(text)`` splits a passage at 。；!? into
(start, end) ranges; ``clauses`` splits a range further at commas.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Iterator

from ..model import Block, Document, MappedText

SENTENCE_END = "。；;！!？?"
CLAUSE_END = SENTENCE_END + "，,"
FULL_STOP = "。！!？?"


@dataclass
class Passage:
    block: Block
    text: MappedText  # NFKC-normalised, offsets into Document.text


def nfkc_mapped(m: MappedText) -> MappedText:
    """NFKC per character; a character that expands keeps its source offset for every part."""
    out = MappedText()
    for ch, off in zip(m.text, m.offsets):
        n = unicodedata.normalize("NFKC", ch) if ord(ch) > 127 else ch
        out.text += n
        out.offsets.extend([off] * len(n))
    return out


def is_box(block: Block) -> bool:
    """A table that is a text box (专栏): every row has at most one non-empty cell."""
    if block.table is None:
        return False
    rows = [[c for c in r if c.text.strip()] for r in block.table.rows]
    return bool(rows) and all(len(r) <= 1 for r in rows)


def passages(doc: Document) -> Iterator[Passage]:
    """Paragraph blocks and box-table cells in reading order (headings included)."""
    for b in doc.blocks:
        if b.kind == "table":
            if is_box(b):
                for cell in b.table.cells():
                    if cell.text.strip():
                        yield Passage(b, nfkc_mapped(MappedText(cell.text.replace("\n", ""),
                                                                [o for ch, o in zip(cell.text, cell.offsets)
                                                                 if ch != "\n"])))
            continue
        yield Passage(b, nfkc_mapped(b.mapped))


def sentences(text: str, marks: str = SENTENCE_END) -> list[tuple[int, int]]:
    """(start, end) of each sentence (split at 。；!? by default); the end includes the mark."""
    out, start = [], 0
    for i, ch in enumerate(text):
        if ch in marks:
            out.append((start, i + 1))
            start = i + 1
    if start < len(text):
        out.append((start, len(text)))
    return [(s, e) for s, e in out if text[s:e].strip()]


def sentences_full(text: str) -> list[tuple[int, int]]:
    """Sentences split only at 。!? (a "；" list stays one sentence)."""
    return sentences(text, FULL_STOP)


def clauses(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """(start, end) of each comma-separated clause of text[start:end], marks excluded."""
    end = len(text) if end is None else end
    out, s = [], start
    for i in range(start, end):
        if text[i] in CLAUSE_END:
            out.append((s, i))
            s = i + 1
    if s < end:
        out.append((s, end))
    return [(a, b) for a, b in out if b > a]
