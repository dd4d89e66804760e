"""The extracted text of a structured document (.docx, web page) and the blocks that point into it.

``Document.text`` is laid out the same way for every reader of structured markup: one line
per paragraph; a table as in a Tika export — a TAB-led line per cell origin (its further
lines follow without TAB), an empty TAB line for a position covered by a vertical merge,
rows separated by an empty line, an empty line after the table.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from ..limits import check_text_size
from ..model import Block, Cell, MappedText, Table, offset_run, offsets_of
from ..normalize import clean, remove_matches

_LINE_SPACES = r"[ \t\u3000]+(?=\n)|(?<=\n)[ \t\u3000]+"


@dataclass
class GridSlot:
    """One grid position of a table: an origin with its lines and spans, or a covered position
    ("h" from the left, "v" from above)."""

    lines: Optional[list[str]] = None
    rowspan: int = 1
    colspan: int = 1
    merged: Optional[str] = None


class TextBuilder:
    """Accumulates Document.text and the blocks that point into it."""

    def __init__(self, source: object) -> None:
        self.source = source  # the input file, named by the error when the text grows past its bound
        self.parts: list[str] = []
        self.pos = 0
        self.line = 1
        self.blocks: list[Block] = []

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def write(self, s: str) -> int:
        """Append ``s``; its start offset."""
        start = self.pos
        self.parts.append(s)
        self.pos += len(s)
        self.line += s.count("\n")
        check_text_size(self.source, self.pos)
        return start

    def newline(self) -> None:
        if self.parts and not self.parts[-1].endswith("\n"):
            self.write("\n")

    def paragraph(self, text: str, prefix: str = "", **fields) -> Optional[Block]:
        """Write ``prefix`` + ``text`` as a line; a paragraph block over ``text`` (cleaned), with
        the given Block fields; None when nothing is left after cleaning."""
        self.newline()
        if prefix:
            self.write(prefix)
        line = self.line
        start = self.write(text)
        m = clean(MappedText(text, offset_run(start, len(text))))
        if not m.text:
            return None
        block = Block("paragraph", m.text, m.offsets, m.offsets[0], m.offsets[-1] + 1, line, **fields)
        self.blocks.append(block)
        return block

    def table(self, slots: list[list[GridSlot]]) -> Optional[Block]:
        """Write a resolved grid; its table block (None for a grid without rows or text)."""
        if not slots or not slots[0]:
            return None
        self.newline()
        rows: list[list[Cell]] = []
        first: Optional[tuple[int, int]] = None
        for ri, srow in enumerate(slots):
            self.newline()
            if ri:
                self.write("\n")
            row_line = self.line
            cells: list[Cell] = []
            for ci, slot in enumerate(srow):
                if slot.merged:
                    if slot.merged == "v":  # Tika prints a vertically merged cell as an empty TAB line
                        self.newline()
                        self.write("\t")
                    cells.append(Cell("", offsets_of(), ri, ci, row_line, merged=slot.merged))
                    continue
                self.newline()
                self.write("\t")
                line = self.line
                body = "\n".join(slot.lines or [])
                start = self.write(body)
                if first is None:
                    first = (start, line)
                m = clean(remove_matches(MappedText(body, offset_run(start, len(body))), _LINE_SPACES))
                cells.append(Cell(m.text, m.offsets, ri, ci, line, rowspan=slot.rowspan, colspan=slot.colspan))
            rows.append(cells)
        start, line = first if first else (self.pos, self.line)
        flat = "\n".join("\t".join(c.text for c in r) for r in rows)
        block = Block("table", flat, offsets_of(), start, self.pos, line, table=Table(rows, grid=True))
        self.blocks.append(block)
        self.write("\n\n")
        return block
