"""What the indicator and project builders share: cell accounting, spans, block state."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from ..model import Cell, Document, Span
from ..patterns import compiled, load
from ..records import Unparsed
from .grid import Grid, Row, Slot
from .header import flat, lex


@dataclass
class Ledger:
    """Tracks which source cells ended up in a record field; the rest is ``unparsed``."""

    doc: Document
    used: set[int] = field(default_factory=set)
    unparsed: list[Unparsed] = field(default_factory=list)

    def use(self, *cells: Optional[Cell]) -> None:
        self.used.update(id(c) for c in cells if c is not None)

    def leave(self, cells: list[Cell], why: str) -> None:
        """Every non-empty cell of ``cells`` not used so far goes to ``unparsed``."""
        for c in cells:
            if c.text.strip() and id(c) not in self.used:
                self.used.add(id(c))
                self.unparsed.append(Unparsed(flat(c.text), why, self.doc.span_of(c.mapped)))


def source_text(doc: Document, cell: Cell) -> str:
    """A cell's first line as printed in the source (spacing kept, bookmarks removed)."""
    n = len(cell.text.split("\n")[0])
    s, e = cell.mapped.source_range(0, n)
    return compiled(load("text")["bookmark"]).sub("", doc.text[s:e]).strip() or cell.text


def row_span(doc: Document, row: Row) -> Optional[Span]:
    """Provenance of a row: its first source cell with text (line of the row's first cell)."""
    for c in row.cells:
        if c.offsets:
            return doc.span_of(c.mapped)
    return None


def text(slot: Optional[Slot]) -> Optional[str]:
    """A slot's text as output (line breaks joined), None when empty."""
    if slot is None:
        return None
    t = flat(slot.text)
    return t or None


def slot(row: Row, grid: Grid, kind: str) -> Optional[Slot]:
    idx = grid.index(kind)
    return row.slots[idx[0]] if idx else None


@dataclass
class Blocks:
    """Domain / category / attribute blocks as the rows go down the table.

    Tika text: an empty domain/category cell continues the block above (a vertical merge).
    Grid tables mark merges themselves (``Slot.inherited``).
    """

    default_divider: str  # "category" or "domain": what an unnumbered divider row sets
    domain: Optional[str] = None
    category: Optional[str] = None
    attribute: Optional[str] = None

    def divider(self, t: str) -> None:
        if compiled(lex()["divider_attribute"]).match(t):
            self.attribute = compiled(lex()["divider_attribute"]).match(t).group(1)
            self.domain = self.category = None
        elif compiled(lex()["divider_domain"]).match(t):
            self.domain, self.category = t, None
        elif compiled(lex()["divider_category"]).match(t) or self.default_divider == "category":
            self.category = t
        else:
            self.domain, self.category = t, None

    def labels(self, dom: Optional[Slot], cat: Optional[Slot], ledger: Ledger) -> list[str]:
        """Update from a row's domain/category slots; the fields that were inherited."""
        inherited: list[str] = []
        rx = compiled(lex()["divider_attribute"])
        for s in (dom, cat):
            m = rx.match(text(s) or "")
            if m:
                ledger.use(s.cell)
                self.attribute = m.group(1)
                self.domain = self.category = None
                return inherited
        d, c = text(dom), text(cat)
        if d:
            ledger.use(dom.cell)
            if d != self.domain:
                self.category = None
            self.domain = d
            if dom.inherited:
                inherited.append("domain")
        elif dom is not None and self.domain:
            inherited.append("domain")
        if c:
            ledger.use(cat.cell)
            self.category = c
            if cat.inherited:
                inherited.append("category")
        elif cat is not None and self.category:
            inherited.append("category")
        return inherited


def first_attribute_block(grid: Grid) -> Optional[str]:
    """The first attribute block label of a table that splits into 约束性/参考性 blocks."""
    rx = compiled(lex()["divider_attribute"])
    label_cols = grid.index("domain") + grid.index("category")
    for row in grid.rows:
        cands = [row.divider] if row.divider else [row.slots[i] for i in label_cols]
        for s in cands:
            m = rx.match(text(s) or "")
            if m:
                return m.group(1)
    return None
