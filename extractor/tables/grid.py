"""Table blocks of every reader → one logical grid aligned to typed header columns.

Tika text (``Table.grid`` False) gives raw rows: a vertically merged cell is an empty cell,
a horizontally merged one is missing, so rows vary in length.  A row longer than the header
splits the name column (group + name); a shorter row has one cell spanning several columns,
placed where the content types of its cells fit the columns best (labels from the left,
values from the right).  docx/pdf grids (``grid`` True) carry their spans: merged positions
take the text of their origin, marked ``inherited``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from ..model import Cell, Table
from .header import Column, column_kind, compat, is_header_row, is_label_kind, make_column, matches


@dataclass
class Slot:
    """What one logical column holds in one row."""

    text: str = ""
    cell: Optional[Cell] = None
    inherited: bool = False  # text copied from a merge origin above (grid tables)
    spanned: bool = False  # covered by a cell counted in another column of this row
    parts: list[tuple[str, Optional[Cell]]] = field(default_factory=list)  # group cells before a name
    parts_inherited: bool = False  # the group cells come from a merge origin above


@dataclass
class Row:
    slots: list[Slot]
    cells: list[Cell]  # the source cells of the row (placeholders excluded)
    divider: Optional[Slot] = None  # one cell spanning the whole table (after a block number)
    note: bool = False  # the divider is a note ("注：…") printed as the table's last row


@dataclass
class Grid:
    columns: list[Column]
    header_cells: list[Cell]
    rows: list[Row]
    titles: list[Cell] = field(default_factory=list)  # one-cell rows above the header
    _index: dict[str, list[int]] = field(default_factory=dict, repr=False, compare=False)

    def index(self, kind: str) -> list[int]:
        """The positions of the columns of ``kind`` (asked for every row: kept per kind; the
        columns are fixed once the grid is built)."""
        found = self._index.get(kind)
        if found is None:
            found = self._index[kind] = [i for i, c in enumerate(self.columns) if c.kind == kind]
        return found


def _one_cell(row: list[Cell]) -> bool:
    return len([c for c in row if c.merged is None]) == 1


def header_rows(table: Table) -> tuple[int, int]:
    """(title rows, header rows) at the top of the table: one-cell rows carrying a caption
    or "单位：万元" above the header, then the rows naming the columns ((0, 0): no header)."""
    rows = table.rows
    top = 0
    while top < min(2, len(rows) - 1) and _one_cell(rows[top]):
        top += 1
    if top >= len(rows) or not is_header_row([c.text for c in rows[top]], True):
        return 0, 0
    n = 1
    while top + n < len(rows) and is_header_row([c.text for c in rows[top + n]], False):
        n += 1
    return top, n


def build(table: Table, top: int, n_header: int, columns: Optional[list[Column]] = None) -> Grid:
    """The logical grid of ``table`` (``columns`` given when continuing a previous table)."""
    titles = [c for r in table.rows[:top] for c in r if c.text]
    if table.grid:
        g = _build_grid(table, top, n_header, columns)
    else:
        head = table.rows[top:top + n_header]
        cols = columns or _tika_columns(head)
        rows = [_align(r, cols) for r in table.rows[top + n_header:] if any(c.text for c in r)]
        g = Grid(cols, [c for r in head for c in r], rows)
    g.titles = titles
    for row in g.rows:
        row.note = row.divider is not None and matches("footnote", row.divider.text)
    return g


# ---------------------------------------------------------------- Tika text tables

def _tika_columns(head: list[list[Cell]]) -> list[Column]:
    """Stack the header rows: a sub-header row with more cells than the row above splits
    the value group without a year ("目标" over "2025年", "2030年")."""
    stacks: list[list[Cell]] = [[c] for c in head[0]]
    for sub in head[1:]:
        d = len(sub) - len(stacks)
        spans = [1] * len(stacks)
        if d > 0:
            spans[_spanning_header(stacks, sub, d)] += d
        skip = max(0, -d)  # fewer sub cells: the leading columns get none
        new: list[list[Cell]] = []
        pos = 0
        for i, st in enumerate(stacks):
            if i < skip:
                new.append(st)
                continue
            take = sub[pos:pos + spans[i]]
            pos += spans[i]
            if len(take) <= 1:
                new.append(st + take)
            else:
                new.extend(st + [c] for c in take)
        stacks = new
    return [make_column(st) for st in stacks]


def _spanning_header(stacks: list[list[Cell]], sub: list[Cell], extra: int) -> int:
    """The header cell over several sub-header cells: the first whose sub-cells all name its own
    kind ("责任单位" over "牵头单位 | 配合单位"), else a value group without its own year."""
    cols = [make_column(st) for st in stacks]
    for i, col in enumerate(cols):
        under = sub[i:i + extra + 1]
        if col.kind != "unknown" and len(under) == extra + 1 and all(column_kind(c.text) == col.kind for c in under):
            return i
    cands = [i for i, c in enumerate(cols) if c.kind in ("target", "baseline", "standard") and c.year is None]
    return cands[-1] if cands else len(stacks) - 1


def _align(cells: list[Cell], cols: list[Column]) -> Row:
    n, L = len(cols), len(cells)
    slots = [Slot() for _ in cols]
    if L == 1 and n > 2:
        return Row(slots, cells, divider=Slot(cells[0].text, cells[0]))
    if L == 2 and n > 3 and matches("divider_number", cells[0].text) and cells[1].text.strip():
        return Row(slots, cells, divider=Slot(cells[1].text, cells[1]))
    if L == n:
        for s, c in zip(slots, cells):
            s.text, s.cell = c.text, c
    elif L > n:
        idx = _split_column(cols)
        d = L - n
        for j in range(idx):
            slots[j].text, slots[j].cell = cells[j].text, cells[j]
        split = cells[idx:idx + d + 1]
        slots[idx].text, slots[idx].cell = split[-1].text, split[-1]
        slots[idx].parts = [(c.text, c) for c in split[:-1]]
        for j in range(idx + 1, n):
            c = cells[j + d]
            slots[j].text, slots[j].cell = c.text, c
    else:
        i = _spanning_cell(cells, cols)
        width = n - L + 1
        for j in range(n):
            c = cells[j] if j < i else (cells[i] if j < i + width else cells[j - width + 1])
            _place(slots[j], c, cols[j], first=(j <= i or j >= i + width))
    return Row(slots, cells)


def _place(slot: Slot, c: Cell, col: Column, first: bool) -> None:
    """Put a cell into a slot; a span continues into value columns (same value), not labels."""
    if first:
        slot.text, slot.cell = c.text, c
    else:
        slot.spanned = True
        if not is_label_kind(col.kind):
            slot.text, slot.cell = c.text, c


def _split_column(cols: list[Column]) -> int:
    """The column that a row with extra cells splits (group + name)."""
    for kind in ("name", "pname"):
        for i, c in enumerate(cols):
            if c.kind == kind:
                return i
    labels = [i for i, c in enumerate(cols) if is_label_kind(c.kind)]
    return labels[-1] if labels else 0


def _spanning_cell(cells: list[Cell], cols: list[Column]) -> int:
    """Which cell of a short row spans several columns: the best content fit (a spanning cell
    must fit every column it covers); on ties, one covering columns of one kind (the target
    years, not 现状值 and a target), then not a figure or placeholder over several years (it
    belongs to one year, a requirement such as "完成省下达任务" often spans them), then leftmost."""
    n, L = len(cols), len(cells)
    width = n - L + 1
    best, best_i = None, 0
    for i in range(L):
        score = 0
        for j, c in enumerate(cells):
            if j < i:
                score += compat(cols[j].kind, c.text)
            elif j == i:
                score += min(compat(cols[k].kind, c.text) for k in range(i, i + width))
            else:
                score += compat(cols[j + width - 1].kind, c.text)
        covered = range(i, min(n, i + width))
        years = {cols[k].year for k in covered if cols[k].year}
        one_kind = len({cols[k].kind for k in covered}) == 1
        rank = (score, one_kind, not (len(years) > 1 and matches("year_specific_cell", cells[i].text)))
        if best is None or rank > best:
            best, best_i = rank, i
    return best_i


# ---------------------------------------------------------------- docx/pdf grids

def _origins(rows: list[list[Cell]]) -> list[list[Optional[Cell]]]:
    """Per row, per grid column: the cell covering it (merge placeholders resolved)."""
    width = max((c.col + max(1, c.colspan) for r in rows for c in r), default=0)
    out: list[list[Optional[Cell]]] = []
    prev: list[Optional[Cell]] = [None] * width
    for r in rows:
        line: list[Optional[Cell]] = [None] * width
        for c in sorted(r, key=lambda c: c.col):
            if c.col >= width:
                continue
            if c.merged == "v":
                src = prev[c.col]
            elif c.merged == "h":
                src = line[c.col - 1] if c.col else None
            else:
                src = c
            for k in range(c.col, min(width, c.col + (max(1, c.colspan) if src is c else 1))):
                line[k] = src
        out.append(line)
        prev = line
    return out


def _build_grid(table: Table, top: int, n_header: int, columns: Optional[list[Column]]) -> Grid:
    rows = table.rows[top:]
    orig = _origins(rows)
    width = len(orig[0]) if orig else 0
    if columns is None:
        ranges, columns = [], []
        stacks = [[orig[h][g] for h in range(n_header) if orig[h][g] is not None] for g in range(width)]
        for g in range(width):
            key = [id(c) for c in stacks[g]]
            if ranges and key == [id(c) for c in stacks[ranges[-1][0]]]:
                ranges[-1] = (ranges[-1][0], g + 1)
            else:
                ranges.append((g, g + 1))
        columns = [make_column(stacks[a]) for a, _ in ranges]
        for col, rg in zip(columns, ranges):
            col.grid_range = rg
    ranges = [c.grid_range or (i, i + 1) for i, c in enumerate(columns)]
    body: list[Row] = []
    for ri in range(n_header, len(rows)):
        cells = [c for c in rows[ri] if c.merged is None]
        if not any(o is not None and o.text for o in orig[ri]):
            continue
        body.append(_grid_row(rows[ri], orig[ri], columns, ranges, cells))
    _join_runs_on(body, columns)
    head = [c for r in rows[:n_header] for c in r if c.merged is None]
    return Grid(columns, head, body)


def _join_runs_on(body: list[Row], columns: list[Column]) -> None:
    """A pdf cell whose text may go on from the cell above (``Cell.joins_above``: a merge over both
    rows that the page does not draw): outside the label columns (sequence, name), one cell over
    both rows — the joined text in each, inherited in the lower; a group part of the name is
    joined the same way."""
    for above, row in zip(body, body[1:]):
        if above.divider is not None or row.divider is not None:
            continue
        for col, up, s in zip(columns, above.slots, row.slots):
            if col.kind not in ("seq", "name", "pname") and s.cell is not None and s.cell.joins_above \
                    and up.cell is not None and up.text and not s.spanned and up.text != s.text:
                joined = f"{up.text}{s.text}"
                up.text, s.text, s.inherited = joined, joined, True
            if s.parts and up.parts and s.parts[-1][1] is not None and s.parts[-1][1].joins_above \
                    and s.parts[-1][0] != up.parts[-1][0]:
                (t, c), (ut, uc) = s.parts[-1], up.parts[-1]
                joined = f"{ut}{t}"
                up.parts[-1], s.parts[-1] = (joined, uc), (joined, c)
                s.parts_inherited = True


def _grid_row(raw: list[Cell], line: list[Optional[Cell]], cols: list[Column],
              ranges: list[tuple[int, int]], cells: list[Cell]) -> Row:
    own = {id(c) for c in raw if c.merged is None}
    distinct = {id(o) for o in line if o is not None}
    if len(distinct) == 1 and len(cols) > 2 and line[0] is not None and id(line[0]) in own:
        return Row([Slot() for _ in cols], cells, divider=Slot(line[0].text, line[0]))
    if len(distinct) == 2 and len(cols) > 3 and len(line) > 1 and line[0] is not None \
            and line[1] is not None and {id(line[0]), id(line[1])} <= own and line[1].text.strip() \
            and all(o is line[1] for o in line[1:]) and matches("divider_number", line[0].text):
        return Row([Slot() for _ in cols], cells, divider=Slot(line[1].text, line[1]))
    slots: list[Slot] = []
    seen: set[int] = set()
    for col, (a, b) in zip(cols, ranges):
        parts: list[Cell] = []
        for g in range(a, min(b, len(line))):
            o = line[g]
            if o is not None and (not parts or parts[-1] is not o):
                parts.append(o)
        s = Slot()
        if parts:
            main = parts[-1]
            s.text, s.cell = main.text, main
            s.inherited = id(main) not in own and bool(main.text)
            s.parts = [(p.text, p) for p in parts[:-1]]
            s.parts_inherited = any(id(p) not in own and p.text for p in parts[:-1])
            if id(main) in seen:
                s.spanned = True
                if is_label_kind(col.kind):
                    s.text, s.cell, s.inherited = "", None, False
            seen.update(id(p) for p in parts)
        slots.append(s)
    return Row(slots, cells)
