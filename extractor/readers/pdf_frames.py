"""Tables ruled by horizontal lines only → cells, with columns from the x-positions of the text.

A three-line table (三线表: a top rule, a rule under the header, a bottom rule) or a table with
a rule under every row (no vertical rules) is a *frame*: a stack of horizontal rules with the
same left and right ends and the text lines between them (and below the last rule, down to the
page end, when the table goes on over the page break).  The parts of one table on consecutive
pages share one set of columns, found from the gaps that no text of the table's body crosses
(``columns``), so that the parts are stitched like ruled ones (``pdf_stitch``).

Rows: with rules under most rows, a band between two rules is a row; in a three-line table the
band above the header rule is the header (split in two where a header cell spans columns with
texts under it) and the rows of the body come from the text, read as a top-aligned table
(``_body_cells``): a row starts where a column takes up text again after a blank line (a new
cell below a complete one), where the leading column (the leftmost in which cells start about
as often as anywhere) starts a new cell, or where new cells start in two thirds of the columns
in which the current row started.  A row with text in its first column only (below the first
row) is a divider over the whole row.  Without rules, a cell merged over several rows cannot
be told from a column that is empty below it (the table is marked ``merges_known`` False); a
text running on over a row start is one cell over both rows in a column where cells start in
fewer than half of the rows (领域, 任务), when another column made the row above as tall as it is;
in a sub-row (its leading column empty) the cell is marked ``joins_above`` (the table
extractors join it to the cell above outside the label columns).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from ..patterns import compiled, load
from .pdf_layout import Line, PageTable, Region, fits_no_more, grid_rows, line_of

Rule = tuple[float, float, float]  # a horizontal rule: x0, x1, y

_TOL = 2.0  # points: one rule, one column edge
_MIN_RULE = 100.0  # points: a table rule, not an underline
_EM = 9.0  # points: the narrowest column


@dataclass
class Frame:
    """The part of a rule-framed table on one page."""

    x0: float
    x1: float
    top: float
    bottom: float
    rules: list[float]  # y of each rule, top down
    lines: list[Line]
    page: int
    below: list[Line] = field(default_factory=list)  # the lines under its last rule, to the page end
    spans: list[tuple[float, float]] = field(default_factory=list)  # x0, x1 of each rule
    ruled_rows: Optional[bool] = None  # set for all parts of a table
    open_end: bool = False  # no rule closes it: it goes on on the next page
    segments: list[list[Line]] = field(default_factory=list)  # per line, its cells' texts


def frame_tables(pages_lines: list[list[Line]], pages_rules: list[list[Rule]],
                 heights: list[float]) -> list[list[PageTable]]:
    """The rule-framed tables of every page (their lines taken out of ``pages_lines``); the
    parts of a table on consecutive pages get the same columns."""
    cont = compiled(load("tables")["continued_table"])
    pages = [find_frames(lines, rules, k + 1, h)
             for k, (lines, rules, h) in enumerate(zip(pages_lines, pages_rules, heights))]
    groups: list[list[Frame]] = []
    prev: Optional[Frame] = None
    for k, frames in enumerate(pages):
        for f in frames:
            first = not any(l.top < f.top and not cont.search(l.text) for l in pages_lines[k])
            if prev is not None and first and prev.page == f.page - 1 and abs(prev.x0 - f.x0) <= _TOL \
                    and abs(prev.x1 - f.x1) <= _TOL and extend(prev):
                groups[-1].append(f)
            else:
                groups.append([f])
            prev = None
        last = max(frames, key=lambda f: f.top, default=None)
        kept = {id(l) for l in last.below} if last is not None else set()
        prev = last if last is not None and not any(l.top > last.bottom and id(l) not in kept
                                                    for l in pages_lines[k]) else None
    for k, frames in enumerate(pages):
        used = {id(l) for f in frames for l in f.lines}
        groups += [[f] for f in aligned_frames([l for l in pages_lines[k] if id(l) not in used], k + 1)]
    out: list[list[PageTable]] = [[] for _ in pages]
    for g in groups:
        if len(g) == 1 and not g[0].lines:
            continue
        ruled = any(len(f.rules) >= 4 for f in g)
        for f in g:
            f.segments = f.segments or [split_segments(l) for l in f.lines]
            f.ruled_rows = ruled if f.rules else False
        edges = columns(g)
        for f in g:
            out[f.page - 1].append(table(f, edges))
            used = {id(l) for l in f.lines}
            pages_lines[f.page - 1] = [l for l in pages_lines[f.page - 1] if id(l) not in used]
    return out


def aligned_frames(lines: list[Line], page: int) -> list[Frame]:
    """Tables drawn without any rule: runs of adjacent lines, at least three of them cut into three
    texts or more by wide gaps, whose texts stand in three columns or more (a line of running
    text across the page ends a run)."""
    if not lines:
        return []
    width = max(l.x1 for l in lines) - min(l.x0 for l in lines)
    out: list[Frame] = []

    def flush() -> None:
        multi = [k for k, (_, cuts) in enumerate(run) if cuts >= 2]
        if len(multi) < 3:
            return
        ls = [l for l, _ in run[multi[0]:multi[-1] + 1]]
        f = Frame(min(l.x0 for l in ls) - 1.0, max(l.x1 for l in ls) + 1.0, min(l.top for l in ls) - 1.0,
                  max(l.bottom for l in ls) + 1.0, [], ls, page, segments=[split_segments(l) for l in ls])
        if len(columns([f])) >= 4:
            out.append(f)

    run: list[tuple[Line, int]] = []
    for line in sorted(lines, key=lambda l: l.top):
        cuts = len(line.cuts)
        if run and (line.top - run[-1][0].bottom > 2.0 * line.size
                    or (not cuts and line.x1 - line.x0 > 0.6 * width)):
            flush()
            run = []
        run.append((line, cuts))
    flush()
    return out


def long_rules(edges: list[dict], ruled: list[PageTable]) -> list[Rule]:
    """Horizontal rules (x0, x1, y) at least ``_MIN_RULE`` long outside the ruled tables,
    pieces of one rule joined."""
    hs = sorted((e for e in edges if e["orientation"] == "h"), key=lambda e: (round(e["top"]), e["x0"]))
    out: list[list[float]] = []
    for e in hs:
        if any(_of_table(e, t) for t in ruled):
            continue
        if out and abs(out[-1][2] - e["top"]) <= 1.0 and e["x0"] <= out[-1][1] + _TOL:
            out[-1][1] = max(out[-1][1], e["x1"])
        else:
            out.append([e["x0"], e["x1"], e["top"]])
    return [(a, b, y) for a, b, y in out if b - a >= _MIN_RULE]


def _of_table(edge: dict, t: PageTable) -> bool:
    """A horizontal rule is one of a ruled table's: at a height inside the table, over its
    columns, running past its outer vertical rules by less than the narrowest column (a rule
    drawn or scanned past the frame — a scan's rules are lengthened to meet — frames no cell
    outside the table)."""
    return t.top - _TOL <= edge["top"] <= t.bottom + _TOL and t.x0 - _EM < edge["x0"] and edge["x1"] < t.x1 + _EM


def find_frames(lines: list[Line], rules: list[Rule], page: int,
                body_bottom: float) -> list[Frame]:
    """Frames of one page: runs of rules sharing an end (a rule stopping short at a column of
    merged cells shares the other end; two rules at least, or one with table text below it
    down to the page end) and the lines they hold; a run ends at a band holding running text
    (two tables of one width with the text between them are two frames)."""
    frames: list[Frame] = []
    groups: list[list[Rule]] = []
    for r in sorted(rules, key=lambda r: r[2]):
        g = next((g for g in groups if (abs(g[0][0] - r[0]) <= _TOL or abs(g[0][1] - r[1]) <= _TOL)
                  and g[0][0] - _TOL <= r[0] and r[1] <= g[0][1] + _TOL), None)
        if g is None:
            groups.append([r])
        else:
            g.append(r)
    groups = [run for g in groups for run in _runs_of_rules(g, lines)]
    for g in groups:
        x0, x1 = g[0][0], g[0][1]
        ys = [r[2] for r in g]
        inside = [l for l in lines if x0 - _TOL <= l.x0 and l.x1 <= x1 + _TOL]
        top, bottom = ys[0], ys[-1]
        below = [l for l in inside if (l.top + l.bottom) / 2 > bottom and l.bottom <= body_bottom]
        held = [l for l in inside if top < (l.top + l.bottom) / 2 < bottom]
        if not held and len(ys) < 2:
            continue
        frames.append(Frame(x0, x1, top, bottom, ys, held, page, below, spans=[(r[0], r[1]) for r in g]))
    return frames


def _runs_of_rules(g: list[Rule], lines: list[Line]) -> list[list[Rule]]:
    """The rules of a group (top down) cut where the band between two of them holds a line of
    running text: that band is text between two tables, not a row."""
    x0, x1 = g[0][0], g[0][1]
    runs = [[g[0]]]
    for r in g[1:]:
        a = runs[-1][-1][2]
        if any(a < (l.top + l.bottom) / 2 < r[2] and _running(l, x0, x1) for l in lines):
            runs.append([r])
        else:
            runs[-1].append(r)
    return runs


def _running(line: Line, x0: float, x1: float) -> bool:
    """A line of running text over a frame from ``x0`` to ``x1``: one text from its left end to its
    right end, or a text that runs out past either end (no cell of the frame holds it)."""
    if line.x1 <= x0 or line.x0 >= x1:
        return False
    if line.x0 < x0 - _TOL or line.x1 > x1 + _TOL:
        return True
    return len(split_segments(line)) == 1 and line.x0 <= x0 + _TOL and line.x1 >= x1 - 2 * line.size


def extend(frame: Frame) -> bool:
    """The frame goes on over the page break: the lines below its last rule are its rows —
    unless one of them is a line of running text (:func:`_running`)."""
    if any(_running(l, frame.x0, frame.x1) for l in frame.below):
        return False
    frame.lines += frame.below
    frame.open_end = True
    if frame.below:
        frame.bottom = max(l.bottom for l in frame.below) + 1.0
    return True


def split_segments(line: Line) -> list[Line]:
    """A frame line cut into its cells' texts at the gaps wider than ``CUT_GAP`` ems (``Line.cuts``)."""
    cuts = line.cuts
    if not cuts:
        return [line]
    bounds = [0, *cuts, len(line.chars)]
    return [seg for a, b in zip(bounds, bounds[1:]) if (seg := line_of(line.chars[a:b], line.page)) is not None]


def columns(frames: list[Frame]) -> list[float]:
    """Column edges (x) of a table from all its parts: the frame's ends, the middles of the gaps
    no body text crosses (a gap crossed by at most one line in fifty still counts, for a note or
    divider row running over the columns), and the x where the texts of several body lines
    start after a gap (a column that a text spanning two columns crosses on other rows)."""
    x0, x1 = frames[0].x0, frames[0].x1
    body = [segs for f in frames for segs, l in zip(f.segments, f.lines) if not _in_header(f, l) and segs]
    if not body:
        body = [segs for f in frames for segs in f.segments if segs]
    gaps = _gutters(body, x0, x1)
    every = [s for f in frames for segs in f.segments for s in segs]
    edges = [x0] + [_edge_in(a, b, every) for a, b in gaps] + [x1]
    return sorted(edges + _starts(body, edges, gaps))


def _edge_in(a: float, b: float, segs: list[Line]) -> float:
    """The edge in the gap (a, b): its middle, moved clear of the header texts that reach into the
    gap from either side (a header cell wider than the texts of its column)."""
    lo = max([a] + [s.x1 + 0.5 for s in segs if a < s.x1 < b and s.x0 < a])
    hi = min([b] + [s.x0 - 0.5 for s in segs if a < s.x0 < b and s.x1 > b])
    mid = (a + b) / 2
    return min(max(mid, lo), hi) if lo <= hi else mid


def _gutters(body: list[list[Line]], x0: float, x1: float) -> list[tuple[float, float]]:
    """The x-ranges (2 points wide at least) between texts that no body line crosses."""
    step = 0.5
    n = int((x1 - x0) / step) + 1
    cover = [0] * n
    for segs in body:
        hit: set[int] = set()
        for s in segs:
            hit.update(range(max(0, int((s.x0 - x0) / step)), min(n, int((s.x1 - x0) / step) + 1)))
        for i in hit:
            cover[i] += 1
    allowed = len(body) // 50
    texted = [i for i, c in enumerate(cover) if c > allowed]
    out: list[tuple[float, float]] = []
    i, last = (texted[0], texted[-1]) if texted else (1, 0)
    while i <= last:
        if cover[i] <= allowed:
            j = i
            while j <= last and cover[j] <= allowed:
                j += 1
            if (j - i) * step >= 2.0:
                out.append((x0 + i * step, x0 + j * step))
            i = j
        else:
            i += 1
    return out


def _starts(body: list[list[Line]], edges: list[float], gaps: list[tuple[float, float]]) -> list[float]:
    """Edges where at least three (and one in twenty) body texts start after a gap, not just
    after a gap no text crosses, placed half a gap before the texts, more than ``_EM`` from
    every edge found so far."""
    found: list[tuple[float, list[float]]] = []  # (x, gaps before the texts starting there)
    for segs in body:
        for a, b in zip(segs, segs[1:]):
            hit = next((f for f in found if abs(f[0] - b.x0) <= 1.5), None)
            if hit is None:
                found.append((b.x0, [b.x0 - a.x1]))
            else:
                hit[1].append(b.x0 - a.x1)
    need = max(3, len(body) // 20)
    out: list[float] = []
    for x, before in sorted(found):
        edge = x - min(before) / 2
        if len(before) >= need and all(abs(edge - e) > _EM for e in edges + out) \
                and not any(a - _TOL <= edge <= b + _EM for a, b in gaps):
            out.append(edge)
    return out


def _in_header(f: Frame, line: Line) -> bool:
    return len(f.rules) >= 2 and not _rows_ruled(f) and (line.top + line.bottom) / 2 < f.rules[1]


def _rows_ruled(f: Frame) -> bool:
    """Rules under most rows (more than a top, a header and a bottom rule) in the table's parts."""
    return f.ruled_rows if f.ruled_rows is not None else len(f.rules) >= 4


def _col(edges: list[float], x: float) -> int:
    for k in range(len(edges) - 1):
        if x < edges[k + 1]:
            return k
    return len(edges) - 2


def table(f: Frame, edges: list[float]) -> PageTable:
    """The frame's cells on the table's columns."""
    bands = [f.top, *f.rules[1:]] if len(f.rules) > 1 else [f.top]
    if f.bottom > bands[-1] + _TOL:
        bands.append(f.bottom)
    cells: list[Region] = []
    above: dict[int, Region] = {}  # ruled rows: per column, the cell of the band above
    for k, (a, b) in enumerate(zip(bands, bands[1:])):
        segs = [(l, s) for l, ss in zip(f.lines, f.segments) for s in ss if a < (l.top + l.bottom) / 2 < b]
        if _rows_ruled(f):
            cells += _ruled_row(f, k, segs, edges, a, b, above)
        elif segs and k == 0 and len(f.rules) >= 2:  # the header of a three-line table
            rows = _header_rows(segs, edges)
            for r, row in enumerate(rows):
                top = a if r == 0 else min(l.top for l, _ in row) - 0.5
                bottom = b if r == len(rows) - 1 else min(l.top for l, _ in rows[r + 1]) - 0.5
                cells += _band_cells(row, edges, top, bottom, f.page)
        elif segs:
            cells += _body_cells(segs, edges, a, b, f.page)
    return PageTable(f.top, f.bottom, f.x0, f.x1, f.page, cells, merges_known=_rows_ruled(f))


def _ruled_row(f: Frame, k: int, segs: list[tuple[Line, Line]], edges: list[float], a: float, b: float,
               above: dict[int, Region]) -> list[Region]:
    """The cells of band ``k`` of a frame with a rule under every row; in a column that the rule
    over the band leaves out, the cell above runs on (a merge)."""
    x0, x1 = f.spans[k] if k < len(f.spans) else (f.x0, f.x1)
    open_cols = {c for c in range(len(edges) - 1) if k and not x0 - _TOL <= (edges[c] + edges[c + 1]) / 2 <= x1 + _TOL}
    new = []
    for cell in _band_cells(segs, edges, a, b, f.page):
        c = _col(edges, cell.x0 + 0.5)
        if c in open_cols and c in above and abs(above[c].x1 - cell.x1) <= _TOL:
            above[c].lines += cell.lines
            above[c].bottom = b
        else:
            new.append(cell)
            above[c] = cell
    for c in range(len(edges) - 1):
        if any(_col(edges, n.x0 + 0.5) <= c < _col(edges, n.x1 - 0.5) + 1 for n in new):
            continue
        if c in open_cols and c in above:
            above[c].bottom = max(above[c].bottom, b)
        else:  # an empty cell, drawn so that a merge over the rows below can extend it
            above[c] = Region(edges[c], a, edges[c + 1], b, [], f.page)
            new.append(above[c])
    return new


def _span(s: Line, edges: list[float]) -> tuple[int, int]:
    return _col(edges, s.x0 + 0.5), _col(edges, s.x1 - 0.5) + 1


def _band_cells(segs: list[tuple[Line, Line]], edges: list[float], top: float, bottom: float,
                page: int) -> list[Region]:
    """One row: each column's texts are one cell (a text over several columns spans them)."""
    by: dict[tuple[int, int], list[Line]] = {}
    for _, s in segs:
        c0, c1 = _span(s, edges)
        key = next((k for k in by if k[0] <= c0 < k[1] or c0 <= k[0] < c1), (c0, c1))
        lines = by.pop(key, [])
        by[(min(key[0], c0), max(key[1], c1))] = lines + [s]
    return [Region(edges[c0], top, edges[c1], bottom, sorted(ls, key=lambda l: (l.top, l.x0)), page)
            for (c0, c1), ls in by.items()]


def _header_rows(segs: list[tuple[Line, Line]], edges: list[float]) -> list[list[tuple[Line, Line]]]:
    """The header band as one row, or two when a header text spans columns with texts under it
    ("目标值" over "2025年" and "2030年"): the lower row starts under the spanning text."""
    spanning = []
    for _, s in segs:
        c0, c1 = _span(s, edges)
        if c1 - c0 > 1 and any(t.top >= s.bottom and c0 <= _span(t, edges)[0] < c1 for _, t in segs):
            spanning.append(s)
    if not spanning:
        return [segs]
    cut = max(s.bottom for s in spanning)
    upper = [(l, s) for l, s in segs if s.top < cut]
    lower = [(l, s) for l, s in segs if s.top >= cut]
    return [upper, lower] if upper and lower else [segs]


def _body_cells(segs: list[tuple[Line, Line]], edges: list[float], top: float, bottom: float,
                page: int) -> list[Region]:
    """The rows of an unruled body band (see the module docstring), as cells; a text over
    several columns is a cell spanning them (over most columns: a row of its own)."""
    n_cols = len(edges) - 1
    vlines = sorted({round(l.top, 1): l for l, _ in segs}.values(), key=lambda l: l.top)
    index = {round(l.top, 1): i for i, l in enumerate(vlines)}
    per_col: list[list[tuple[int, Line, int]]] = [[] for _ in range(n_cols)]  # (line, text, end column)
    for l, s in segs:
        c0, c1 = _span(s, edges)
        per_col[c0].append((index[round(l.top, 1)], s, c1))
    # where a column's text wraps: before the next edge by the cell padding (the least gap
    # between a column's edge and its text)
    pad = min((min(s.x0 for _, s, _ in col) - edges[k] for k, col in enumerate(per_col) if col), default=0.0)
    rights = [max([edges[k + 1] - max(pad, 0.0)] + [s.x1 for _, s, _ in col]) for k, col in enumerate(per_col)]

    label = compiled(load("headings")["any_label"])

    def cont(k: int, j: int) -> bool:  # line j of column k goes on from the line above it (not a numbering label)
        i, prev, _ = per_col[k][j - 1]
        nxt = per_col[k][j][1]
        return per_col[k][j][0] == i + 1 and fits_no_more(prev, nxt, rights[k] + 0.2 * prev.size) \
            and not label.match(nxt.text)

    anchor = _anchor([sum(1 for j in range(len(col)) if not j or not cont(k, j)) for k, col in enumerate(per_col)])
    wide = {i for k, col in enumerate(per_col) for i, _, c1 in col if (c1 - k) * 2 > n_cols}
    fresh_at: list[set[int]] = [set() for _ in vlines]  # per visual line, the columns where a cell starts
    for k, col in enumerate(per_col):
        for j, (i, _, _) in enumerate(col):
            if not j or not cont(k, j):
                fresh_at[i].add(k)
    starts = {0}
    led = {0}  # row starts where the leading column starts a cell (not a sub-row)
    for v in range(1, len(vlines)):
        resumes = any(i == v and j and per_col[k][j - 1][0] < v - 1
                      for k in range(n_cols) for j, (i, _, _) in enumerate(per_col[k]))
        lead = anchor in fresh_at[v]
        opened = fresh_at[max(starts)]
        most = len(fresh_at[v]) >= 2 and len(fresh_at[v] & opened) * 3 >= 2 * len(opened)
        if resumes or lead or most or v in wide or v - 1 in wide:
            starts.add(v)
        if lead:
            led.add(v)

    order = sorted(starts)
    row_of = [0] * len(vlines)
    for r, v in enumerate(order):
        for u in range(v, len(vlines)):
            row_of[u] = r
    ys = [vlines[v].top - 0.5 for v in order] + [bottom]
    ys[0] = top
    fresh: list[set[int]] = [set() for _ in range(n_cols)]  # per column, the rows where a cell over it starts
    for k in range(n_cols):
        for j, (i, _, c1) in enumerate(per_col[k]):
            if not j or not cont(k, j):
                for c in range(k, c1):
                    fresh[c].add(row_of[i])
    cells: list[Region] = []
    for k in range(n_cols):
        cur: Optional[Region] = None
        row = -1
        merging = len(fresh[k]) * 2 < len(order)  # a column of merged cells (领域, 任务)
        for j, (i, s, c1) in enumerate(per_col[k]):
            r = row_of[i]
            runs_on = merging and cont(k, j) and _not_alone(per_col, k, i - 1)
            if cur is not None and (r == row or runs_on):
                cur.lines.append(s)
                cur.bottom, cur.x1 = ys[r + 1], max(cur.x1, edges[c1])
            else:
                cur = Region(edges[k], ys[r], edges[c1], ys[r + 1], [s], page,
                             joins_above=bool(j) and order[r] not in led and cont(k, j))
                cells.append(cur)
            row = r
    return cells


def spread_dividers(t: PageTable) -> None:
    """In a table without ruled rows (stitched), a row below the first whose only text is in the
    first column is a divider over the whole row (a cell whose side rules are not drawn)."""
    if t.merges_known or len({round(c.x1, 1) for c in t.cells}) < 3:
        return
    tops = sorted({c.top for c in t.cells})
    for y in tops[1:]:
        own = [c for c in t.cells if c.top == y]
        if len(own) == 1 and abs(own[0].x0 - t.x0) <= _TOL and own[0].lines \
                and not any(c.top < y < c.bottom for c in t.cells):
            own[0].x1 = t.x1
    t.rows = grid_rows(t.cells)


def _not_alone(per_col: list[list[tuple[int, Line, int]]], k: int, v: int) -> bool:
    """Another column has text on visual line ``v``: the row ending there was not made as tall
    as it is by column ``k`` alone (a merged cell does not set the height of its first row)."""
    return any(i == v for c, col in enumerate(per_col) if c != k for i, _, _ in col)


def _anchor(counts: list[int]) -> int:
    """The leading column: the leftmost whose cells start (``counts``) at least half as often
    as in the column where most cells start."""
    best = max(counts, default=0)
    return next((k for k, n in enumerate(counts) if n and n * 2 >= best), 0)
