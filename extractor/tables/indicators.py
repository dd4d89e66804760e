"""Rows of an indicator table (建设指标体系 / 主要指标) → ``Indicator`` records."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Optional

from ..language.periods import find_plan
from ..model import Document
from ..patterns import compiled
from ..records import Baseline, Indicator, ParsedValues
from ..values import is_placeholder, parse_value, split_flags
from .common import Blocks, Ledger, first_attribute_block, row_span, slot, text
from .grid import Grid, Row, Slot
from .header import flat, lex

VALUE_KINDS = ("standard", "baseline", "target", "status", "attribute")


@dataclass
class Layout:
    """Which columns hold the baseline and the yearly targets."""

    baseline: Optional[int]
    baseline_year: Optional[int]
    targets: list[tuple[str, int]]  # (year key, column index)
    cumulative: Optional[tuple[str, int]] = None  # (year key, column index) of a 累计 column


def caption_years(caption: Optional[str]) -> tuple[Optional[int], Optional[int]]:
    """(base year, target year) a table's caption names: "2025年主要指标" → (None, 2025);
    "“十四五”主要指标" → (2020, 2025); "2020年现状，2025年目标" → (2020, 2025)."""
    if not caption:
        return None, None
    years = [int(y) for y in compiled(lex()["header_year"]).findall(caption)]
    based = compiled(lex()["caption_base_year"]).search(caption)
    base = int(based.group(1)) if based else None
    later = [y for y in years if base is None or y > base]
    if later:
        return base, max(later)
    if base:
        return base, None
    plan = find_plan(caption)
    if not plan:
        return None, None
    return plan[0] - 1, plan[1]


def layout(grid: Grid, ledger: Ledger, caption: Optional[str] = None) -> Layout:
    cols = grid.columns
    base = grid.index("baseline")
    bare = [i for i in grid.index("target") if not cols[i].year]
    base_year, year = caption_years(caption)
    if year and len(bare) == 1 and all((cols[i].year or 0) < year for i in grid.index("target") + base):
        cols[bare[0]].year = year
    if base_year and len(base) == 1 and cols[base[0]].year is None:
        cols[base[0]].year = base_year
    tgts = [i for i in grid.index("target") if cols[i].year]
    if not base:
        bare = [i for i in tgts if compiled(r"^\d{4}年?$").match(cols[i].label)]
        if len(tgts) >= 2 and bare and cols[bare[0]].year == min(cols[i].year for i in tgts):
            base = [bare[0]]
            tgts = [i for i in tgts if i != bare[0]]
    for i in grid.index("target"):
        if not cols[i].year:  # a target column without a year has no key: keep its cells
            for row in grid.rows:
                if row.slots[i].cell:
                    ledger.leave([row.slots[i].cell], f"column '{cols[i].label}' has no year")
    b = base[0] if base else None
    cum = None
    for i in grid.index("cumulative"):  # a five-year total counts for the last target year
        years = [cols[j].year for j in tgts] + [int(y) for y in compiled(lex()["header_year"]).findall(cols[i].label)]
        if years:
            cum = (str(max(years)), i)
        else:
            for row in grid.rows:
                if row.slots[i].cell:
                    ledger.leave([row.slots[i].cell], f"column '{cols[i].label}' has no year")
    return Layout(b, cols[b].year if b is not None else None, [(str(cols[i].year), i) for i in tgts], cum)


def build(grid: Grid, doc: Document, caption: Optional[str], section: Optional[str],
          ledger: Ledger, first_id: int, guess_merges: bool) -> list[Indicator]:
    """Indicator records of one table; ``guess_merges`` for Tika text (merges not marked)."""
    lay = layout(grid, ledger, caption)
    blocks = Blocks("category")
    has_attr_col = bool(grid.index("attribute"))
    first_block = None if has_attr_col else first_attribute_block(grid)
    if first_block:
        blocks.attribute = lex()["attribute_complement"].get(first_block)
    empties = _empty_share(grid)
    out: list[Indicator] = []
    prev: Optional[Indicator] = None
    for row in grid.rows:
        if row.divider is not None:
            t = text(row.divider)
            if t:
                blocks.divider(t)
                ledger.use(*row.cells)
            prev = None
            continue
        inherited = blocks.labels(slot(row, grid, "domain"), slot(row, grid, "category"), ledger)
        rec = _record(row, grid, lay, ledger, guess_merges)
        if rec is None:
            ledger.leave(row.cells, "row without an indicator name")
            continue
        rec.id, rec.table, rec.section = f"ind-{first_id + len(out)}", caption, section
        rec.domain, rec.category = blocks.domain, blocks.category
        rec.inherited = inherited + rec.inherited
        if rec.attribute is None:  # no column, or its cell left empty under a 参考性指标 block row
            rec.attribute = blocks.attribute
        if guess_merges:
            _inherit(rec, row, grid, prev, empties)
        rec.span = row_span(doc, row)
        _parse(rec)
        out.append(rec)
        prev = rec
        ledger.leave(row.cells, "cell outside the indicator columns")
    if any(r.seq for r in out):  # a labelled table: a label may have lost its mark
        for i, rec in enumerate(out):
            _label_without_mark(rec, out[:i])
    return out


def _record(row: Row, grid: Grid, lay: Layout, ledger: Ledger, guess_merges: bool) -> Optional[Indicator]:
    name_s = slot(row, grid, "name")
    if guess_merges and name_s is not None and not text(name_s) and name_s.parts and not name_s.parts_inherited:
        # the group column's own text over an empty name column: one name over both (its
        # column rules not drawn)
        (t, c), *rest = name_s.parts[::-1]
        name_s = Slot(t, c, parts=rest[::-1])
    if name_s is None or not text(name_s):
        return None
    rec = Indicator(id="", table=None, name="")
    seq_s = slot(row, grid, "seq")
    rec.seq = text(seq_s)
    ledger.use(seq_s.cell if seq_s else None, name_s.cell, *(c for _, c in name_s.parts))
    if seq_s is not None and seq_s.inherited and rec.seq:
        rec.inherited.append("seq")
    group = "".join(flat(t) for t, _ in name_s.parts) or None
    if name_s.parts:
        rec.group = group
        if group and name_s.parts_inherited:
            rec.inherited.append("group")
    unit_s = slot(row, grid, "unit")
    n_variants = _name_cell(rec, name_s.text, unit_free=unit_s is None or not text(unit_s))
    if unit_s is not None and text(unit_s):
        rec.unit = _variant_text(unit_s.text, n_variants)
        ledger.use(unit_s.cell)
    std = slot(row, grid, "standard")
    rec.standard = _value(std, n_variants, rec, ledger)
    if lay.baseline is not None:
        rec.baseline = Baseline(lay.baseline_year, _value(row.slots[lay.baseline], n_variants, rec, ledger))
    for key, i in lay.targets:
        rec.targets[key] = _value(row.slots[i], n_variants, rec, ledger)
    if lay.cumulative is not None:
        key, i = lay.cumulative
        if is_placeholder(text(row.slots[i])):
            ledger.use(row.slots[i].cell)
        elif rec.targets.get(key) is None or is_placeholder(rec.targets[key]):
            total = _value(row.slots[i], n_variants, rec, ledger)
            if total is not None and not is_placeholder(total):
                rec.targets[key] = total
    st = slot(row, grid, "status")
    rec.status = text(st)
    at = slot(row, grid, "attribute")
    rec.attribute = text(at)
    ledger.use(st.cell if st else None, at.cell if at else None)
    base = row.slots[lay.baseline] if lay.baseline is not None else None
    tg = [row.slots[i] for _, i in lay.targets]
    for kind, ss in (("standard", [std]), ("baseline", [base]), ("targets", tg),
                     ("status", [st]), ("attribute", [at])):
        if any(s is not None and s.inherited and text(s) for s in ss):
            rec.inherited.append(kind)
    return rec


def _label_without_mark(rec: Indicator, before: list[Indicator]) -> None:
    """A name that starts with the number the table's sequence expects next, directly followed by
    the name ("3地表水…" after "2." — a scan whose point after the label was not recognised): that
    number is the label (the table has labelled rows; this is its first row or follows one)."""
    if rec.seq is not None:
        return
    m = compiled(lex()["name_seq_unmarked"]).match(rec.name)
    if not m:
        return
    numbered = [r.seq for r in before if r.seq]
    expected = int(numbered[-1]) + 1 if numbered and numbered[-1].isdigit() else (None if numbered else 1)
    if expected is not None and int(m.group(1)) == expected:
        rec.seq, rec.name = m.group(1), rec.name[m.end():]


def _name_cell(rec: Indicator, raw: str, unit_free: bool) -> int:
    """Split a name cell into seq, name, unit, qualifier and flags; the number of variants."""
    lx = lex()
    lines = [ln.strip() for ln in raw.split("\n") if ln.strip()]
    clean = []
    for ln in lines:
        ln, marks = split_flags(ln)
        _add_flags(rec, marks)
        clean.append(ln)
    first = clean[0]
    m = compiled(lx["name_seq"]).match(first)
    if m and (rec.seq is None or rec.seq == m.group(1)):
        rec.seq = m.group(1)
        first = first[m.end():]
    if unit_free:
        u = compiled(lx["name_unit"]).search(first)
        if u and compiled(lx["unit_text"]).search(u.group(1)):
            rec.unit = u.group(1)
            first = first[:u.start()].rstrip()
        first, marks = split_flags(first)
        _add_flags(rec, marks)
    rest = clean[1:]
    quals = [ln for ln in rest if compiled(lx["qualifier_line"]).match(ln)]
    if rest and len(quals) == len(rest):
        rec.name, rec.qualifier = first, "；".join(quals)
        return len(quals) if len(quals) > 1 else 1
    rec.name = first + "".join(rest)
    return 1


def _variant_text(raw: str, n: int) -> Optional[str]:
    """A value cell: one value per variant line joined by "；", else lines joined.  Values run
    together on one line (a pdf cell whose line break looked like a wrap) are split when the
    line holds exactly one value per variant: ``n`` comparisons ("≥40≥18") or one token ``n``
    times ("%%")."""
    lines = [ln.strip() for ln in raw.split("\n") if ln.strip()]
    if n > 1 and len(lines) == 1:
        cuts = [m.start() for m in compiled(lex()["value_start"]).finditer(lines[0]) if m.start()]
        size = len(lines[0]) // n
        if len(cuts) == n - 1:
            lines = [lines[0][a:b] for a, b in zip([0] + cuts, cuts + [len(lines[0])])]
        elif size and lines[0] == lines[0][:size] * n:
            lines = [lines[0][:size]] * n
    if n > 1 and len(lines) == n:
        return "；".join(lines)
    return "".join(lines) or None


def _value(s: Optional[Slot], n: int, rec: Indicator, ledger: Ledger) -> Optional[str]:
    if s is None or not text(s):
        return None
    ledger.use(s.cell)
    v = _variant_text(s.text, n)
    _add_flags(rec, split_flags(v or "")[1])
    return v


def _add_flags(rec: Indicator, marks: list[str]) -> None:
    for mk in marks:
        if mk not in rec.flags:
            rec.flags.append(mk)


def _empty_share(grid: Grid) -> dict[int, float]:
    """Share of empty cells per value column (a mostly filled column shows merges)."""
    rows = [r for r in grid.rows if r.divider is None]
    out = {}
    for i, col in enumerate(grid.columns):
        if col.kind in VALUE_KINDS and rows:
            out[i] = sum(1 for r in rows if not text(r.slots[i])) / len(rows)
    return out


def _inherit(rec: Indicator, row: Row, grid: Grid, prev: Optional[Indicator],
             empties: dict[int, float]) -> None:
    """Fill cells left empty by a vertical merge in Tika text (evidence: the row belongs to the
    same indicator group as the row above, or the column is otherwise filled)."""
    if prev is None or rec.domain != prev.domain or rec.category != prev.category:
        return
    name_s = slot(row, grid, "name")
    sub_row = bool(name_s and name_s.parts and (not "".join(t for t, _ in name_s.parts).strip()
                                               or (name_s.parts_inherited and rec.group == prev.group)))
    if sub_row and prev.group:
        rec.group = prev.group
        rec.inherited.append("group")
        if rec.seq is None and prev.seq:
            rec.seq = prev.seq
            rec.inherited.append("seq")
    same_group = sub_row and rec.group == prev.group

    def evident(kind: str) -> bool:
        idx = grid.index(kind)
        if idx and kind in lex()["merge_always"]:
            return True
        return bool(idx) and same_group or all(empties.get(i, 1) <= lex()["merge_max_empty_share"] for i in idx)

    if rec.standard is None and prev.standard and evident("standard"):
        rec.standard = prev.standard
        rec.inherited.append("standard")
    if rec.baseline and rec.baseline.value is None and prev.baseline and prev.baseline.value \
            and evident("baseline" if grid.index("baseline") else "target"):
        rec.baseline = dataclasses.replace(prev.baseline)
        rec.inherited.append("baseline")
    filled = False
    for key, val in prev.targets.items():
        if rec.targets.get(key) is None and val and evident("target"):
            rec.targets[key] = val
            filled = True
    if filled:
        rec.inherited.append("targets")
    for kind in ("status", "attribute"):
        if getattr(rec, kind) is None and getattr(prev, kind) and grid.index(kind) and evident(kind):
            setattr(rec, kind, getattr(prev, kind))
            rec.inherited.append(kind)


def _parse(rec: Indicator) -> None:
    rec.parsed = ParsedValues(
        standard=parse_value(rec.standard) if rec.standard else None,
        baseline=parse_value(rec.baseline.value) if rec.baseline and rec.baseline.value else None,
        targets={k: parse_value(v) if v else None for k, v in rec.targets.items()},
    )
