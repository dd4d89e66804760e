"""Read a .txt plan (typically an Apache Tika export of Word/PDF) into the document model.

Tika conventions (SPEC.md): a table is flattened to one cell per line starting with a TAB;
a line without a leading TAB continues the previous cell (also after an empty line, when
the table goes on after it); rows are separated by empty lines; vertically merged cells
are empty TAB lines; ``[bookmark: …]`` markers are Word bookmarks (``_Toc…`` ones mark
headings).  Every other non-empty line is one paragraph.
"""
from __future__ import annotations

import hashlib
from itertools import accumulate
from pathlib import Path
from typing import Optional

from ..collector import collector_paused
from ..errors import PlanxError
from ..limits import check_text_size
from ..model import Block, Cell, Document, MappedText, Table, offset_run, offsets_of
from ..normalize import clean, has_toc_bookmark
from ..patterns import compiled, load
from .encoding import decode


def read_txt(path: Path, doc_id: Optional[str] = None) -> Document:
    data = path.read_bytes()
    if not data.strip():
        raise PlanxError(path, "empty file")
    text, _enc = decode(data, path)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    check_text_size(path, len(text))
    if not text.strip():
        raise PlanxError(path, "empty file (only whitespace)")
    with collector_paused():  # the model's blocks and cells: many objects, no cycles (see collector_paused)
        blocks = parse_text(text)
    return Document(doc_id or path.stem, str(path), "txt", hashlib.sha256(data).hexdigest(), text, blocks)


def _next_nonempty(lines: list[str], i: int) -> Optional[int]:
    for j in range(i, len(lines)):
        if lines[j].strip():
            return j
    return None


class _TableBuilder:
    """Collects the raw rows and cells of one Tika table."""

    def __init__(self) -> None:
        self.rows: list[list[tuple[MappedText, int]]] = [[]]

    def new_cell(self, m: MappedText, line: int) -> None:
        self.rows[-1].append((m, line))

    def continue_cell(self, m: MappedText) -> None:
        cell, line = self.rows[-1][-1] if self.rows[-1] else self.rows[-2][-1]
        if cell.text:
            cell.append("\n", None)
        cell.extend(m)

    def break_row(self) -> None:
        if self.rows[-1]:
            self.rows.append([])

    def block(self, doc_text: str, line_of) -> Block:
        rows = [r for r in self.rows if r]
        cells_rows: list[list[Cell]] = []
        for ri, row in enumerate(rows):
            cells = []
            for ci, (m, line) in enumerate(row):
                c = clean(m)
                cells.append(Cell(c.text, c.offsets, ri, ci, line))
            cells_rows.append(cells)
        first = rows[0][0][0]
        last = rows[-1][-1][0]
        start = first.offsets[0] if first.offsets else 0
        end = (last.offsets[-1] + 1) if last.offsets else start
        flat = "\n".join("\t".join(c.text for c in r) for r in cells_rows)
        return Block("table", flat, offsets_of(), start, end, rows[0][0][1], table=Table(cells_rows))


def _raw(start: int, line: str, strip_tab: bool) -> MappedText:
    if strip_tab and line.startswith("\t"):
        return MappedText(line[1:], offset_run(start + 1, len(line) - 1))
    return MappedText(line, offset_run(start, len(line)))


def _is_caption_or_label(s: str) -> bool:
    """A non-TAB line after a table that starts something new (caption, note, heading)."""
    return compiled(load("tables")["after_table_line"]).match(s.strip()) is not None


def parse_text(text: str) -> list[Block]:
    lines = text.split("\n")
    blocks: list[Block] = []
    table: Optional[_TableBuilder] = None
    prev_kind = None  # "cell", "empty", "para"
    starts = accumulate((len(line) + 1 for line in lines), initial=0)  # each line's offset
    for i, (start, line) in enumerate(zip(starts, lines)):
        lineno = i + 1
        if line.startswith("\t"):
            if table is None:
                table = _TableBuilder()
            elif prev_kind == "empty":
                table.break_row()
            table.new_cell(_raw(start, line, True), lineno)
            prev_kind = "cell"
            continue
        if not line.strip():
            if table is not None and prev_kind == "cell":
                prev_kind = "empty"
            elif table is None:
                prev_kind = "empty"
            continue
        if table is not None:
            nxt = _next_nonempty(lines, i + 1)
            table_goes_on = nxt is not None and lines[nxt].startswith("\t")
            if prev_kind == "cell" or (prev_kind == "empty" and table_goes_on
                                       and not _is_caption_or_label(line)):
                # continuation of the last cell (an empty line before it is a break inside
                # the cell, e.g. at a page break, not a row break)
                table.continue_cell(_raw(start, line, False))
                prev_kind = "cell"
                continue
            blocks.append(table.block(text, None))
            table = None
        m = clean(_raw(start, line, False))
        if m.text:
            blocks.append(Block("paragraph", m.text, m.offsets, start, start + len(line), lineno,
                                heading_hint=has_toc_bookmark(line)))
        prev_kind = "para"
    if table is not None:
        blocks.append(table.block(text, None))
    return _join_page_splits(blocks, text)


def _join_page_splits(blocks: list[Block], text: str) -> list[Block]:
    """Rejoin a paragraph that an empty line (page break) split in the middle of a word."""
    p = load("text")
    end_rx = compiled(p["line_end_punct"])
    label_rx = compiled(load("headings")["any_label"])
    out: list[Block] = []
    for b in blocks:
        prev = out[-1] if out else None
        if (prev is not None and prev.kind == "paragraph" and b.kind == "paragraph"
                and "\n\n" in text[prev.end:b.start + 1]  # the cheap and rare conditions first
                and len(prev.text) >= p["page_split_min_len"]
                and not prev.heading_hint and not b.heading_hint
                and not end_rx.search(prev.text)
                and compiled(p["page_split_prose"]).search(prev.text)
                and not label_rx.match(b.text)
                and compiled(r"^\p{Han}").match(b.text)):
            joined = MappedText(prev.text, offsets_of(prev.offsets))  # a copy: prev.offsets may be shared
            joined.extend(b.mapped)
            prev.text, prev.offsets = joined.text, joined.offsets
            prev.end = b.end
            continue
        out.append(b)
    return out
