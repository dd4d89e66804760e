"""Rows of a key-project table (重点工程一览表 / 重点项目表) → ``Project`` records."""
from __future__ import annotations

from typing import Optional

from ..language.normalise import nfkc
from ..language.periods import find_plan
from ..model import Document
from ..patterns import compiled, group_numbers
from ..records import Money, Period, Project
from ..values import is_placeholder, parse_value
from .common import Blocks, Ledger, row_span, slot, text
from .grid import Grid, Row
from .header import lex


def build(grid: Grid, doc: Document, caption: Optional[str], section: Optional[str],
          ledger: Ledger, first_id: int, unit_note: Optional[str] = None) -> list[Project]:
    """Project records of one table (``unit_note``: "单位：万元" printed above the header)."""
    blocks = Blocks("domain")
    inv_cols = grid.index("investment")
    inv_unit = (_header_unit(grid.columns[inv_cols[0]].label) if inv_cols else None) or unit_note
    name_kind = "pname" if grid.index("pname") else "name"
    out: list[Project] = []
    for row in grid.rows:
        if row.divider is not None:
            t = text(row.divider)
            if t and not compiled(lex()["total_row"]).match(t):
                blocks.divider(t)
                ledger.use(*row.cells)
            else:
                ledger.leave(row.cells, "total row")
            continue
        name_s = slot(row, grid, name_kind)
        first = next((text(s) for s in row.slots if text(s)), "")
        if name_s is None or not text(name_s) or compiled(lex()["total_row"]).match(first or ""):
            ledger.leave(row.cells, "row without a project name" if first else "empty row")
            continue
        inherited = blocks.labels(slot(row, grid, "domain"), slot(row, grid, "category"), ledger)
        rec = Project(id=f"proj-{first_id + len(out)}", table=caption, name=text(name_s) or "",
                      section=section, domain=blocks.domain, category=blocks.category)
        ledger.use(name_s.cell, *(c for _, c in name_s.parts))
        if name_s.parts:
            rec.parent = "".join(text_of(t) for t, _ in name_s.parts) or None
        rec.inherited = inherited
        _fill(rec, row, grid, inv_unit, ledger)
        rec.span = row_span(doc, row)
        out.append(rec)
        ledger.leave(row.cells, "cell outside the project columns")
    return out


def text_of(raw: str) -> str:
    return "".join(ln.strip() for ln in raw.split("\n"))


def _fill(rec: Project, row: Row, grid: Grid, inv_unit: Optional[str], ledger: Ledger) -> None:
    lx = lex()
    seq_s = slot(row, grid, "seq")
    rec.seq = text(seq_s)
    m = compiled(lx["name_seq"]).match(rec.name)
    if m and rec.seq is None:
        rec.seq, rec.name = m.group(1), rec.name[m.end():]
    content = slot(row, grid, "content")
    rec.content = text(content)
    per = slot(row, grid, "period")
    rec.period = parse_period(text(per)) if text(per) else None
    inv = slot(row, grid, "investment")
    rec.investment = parse_investment(text(inv), inv_unit) if text(inv) else None
    units = [row.slots[i] for i in grid.index("units")]  # 牵头单位 + 配合单位: all of them
    for u in units:
        rec.responsible_units += [x for x in unit_names(u.text) if x not in rec.responsible_units]
    ind = slot(row, grid, "pindicators")
    rec.indicators = split_list(text(ind), lx["pindicator_split"])
    for s in (seq_s, content, per, inv, ind, *units):
        if s is not None:
            ledger.use(s.cell)


def unit_names(raw: str) -> list[str]:
    """Unit names of a units cell: split on "、"/"，", and on line breaks when every line
    reads as a whole unit name (otherwise the lines are one wrapped name)."""
    lx = lex()
    lines = [ln.strip() for ln in raw.split("\n") if ln.strip()]
    end = compiled(lx["unit_line_end"])
    if len(lines) > 1 and all(end.search(ln.rstrip("、，,；;")) for ln in lines):
        return [x for ln in lines for x in split_list(ln, lx["unit_split"])]
    return split_list("".join(lines), lx["unit_split"])


def split_list(t: Optional[str], sep: str) -> list[str]:
    if not t or is_placeholder(t):
        return []
    return [x.strip() for x in compiled(sep).split(t) if x.strip()]


def parse_period(raw: str) -> Period:
    """The period as written, its digits copied as written ("2022.16" → "2022-16")."""
    lx = lex()
    s = nfkc(raw)
    point = compiled(lx["period_point"])
    pts = list(point.finditer(s))
    y, mo = group_numbers(point, "y", "m")  # by number: regex looks a group name up slowly

    def iso(m) -> str:
        month = m.group(mo)
        return m.group(y) + (f"-{month}" if month else "")

    start = end = None
    plan = find_plan(s) if not pts else None
    if plan:  # "“十四五”期间" → 2021–2025
        return Period(raw, str(plan[0]), str(plan[1]))
    if len(pts) >= 2:
        start, end = iso(pts[0]), iso(pts[-1])
    elif pts:
        end = iso(pts[0])
        if compiled(lx["period_sep"] + r"$").search(s[pts[0].end():]) or s[pts[0].end():].strip() in ("起", "开始"):
            start, end = end, None
    return Period(raw, start, end)


def parse_investment(raw: str, header_unit: Optional[str]) -> Money:
    """The amount as written, its number and its unit (from the column header ("总投资（万元）")
    or the cell)."""
    v = parse_value(raw)
    return Money(raw, v.value, header_unit or v.unit)


def _header_unit(label: str) -> Optional[str]:
    m = compiled(r"[(（]([^()（）]{1,6})[)）]").search(label)
    if m:
        return m.group(1)
    m = compiled(r"(亿元|万元|元)$").search(label)
    return m.group(1) if m else None
