"""Indicator, key-project and task-division tables → records, right to the cell.

For every table block: its caption (the short paragraph just above), its header rows, one
logical grid (continuation blocks — a table split over pdf pages, "续表" — stitched in), its
kind (indicators / projects / tasks / box / other), the records, the footnotes below it, and
every cell that did not reach a record field in ``TableInfo.unparsed``.
"""
from __future__ import annotations

from copy import copy
from dataclasses import dataclass, field
from typing import Optional

from ..language.dates import YearContext
from ..model import Block, Document
from ..patterns import compiled, load
from ..records import Indicator, Project, TableInfo
from . import boxes
from . import grid as gridmod
from . import indicators as ind
from . import projects as proj
from . import tasks as tasktab
from .cells import logical_grid
from .common import Ledger, slot, source_text, text
from .header import Column, flat, lex


@dataclass
class TableRecords:
    """Everything the tables of one document give."""

    indicators: list[Indicator] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    tables: list[TableInfo] = field(default_factory=list)
    task_tables: list[tasktab.TaskRows] = field(default_factory=list)  # per task table, in order


def extract(doc: Document, struct) -> tuple[list[Indicator], list[Project], list[TableInfo]]:
    """Indicator and project records and the table list (task rows: :func:`extract_records`)."""
    out = extract_records(doc, struct)
    return out.indicators, out.projects, out.tables


def extract_records(doc: Document, struct, doc_info=None, years: Optional[YearContext] = None) -> TableRecords:
    """Every record the document's tables give (``years``, the document's year anchors, else
    those of ``doc_info``, date the task tables' time limits)."""
    found = TableRecords()
    inds, projs, infos = found.indicators, found.projects, found.tables
    ctx = None
    blocks = doc.blocks
    i = 0
    while i < len(blocks):
        b = blocks[i]
        if b.kind != "table" or b.table is None or not b.table.rows:
            i += 1
            continue
        section = struct.context(b.index).section_title
        ledger = Ledger(doc)
        info = TableInfo(id=f"tbl-{len(infos) + 1}", caption=None, kind="other",
                         span=doc.span(b.start, b.end))
        infos.append(info)
        title = boxes.box_title(b)
        top, n_head = gridmod.header_rows(b.table)
        if title is not None and n_head == 0:  # a 专栏 box of running text
            info.caption, info.kind = source_text(doc, b.table.rows[0][0]), "box"
            info.header, info.rows = logical_grid(doc, b.table, 0)
            if boxes.is_project_box(title):
                projs += _of_table(boxes.projects(doc, b, info.caption, section, ledger, len(projs) + 1), info)
            info.unparsed = ledger.unparsed
            i += 1
            continue
        info.caption = caption(doc, b)
        if n_head == 0:
            info.header, info.rows = logical_grid(doc, b.table, 0)
            i += 1
            continue
        g = gridmod.build(b.table, top, n_head)
        if g.titles and (title is not None or info.caption is None):
            info.caption = source_text(doc, g.titles[0])
        last = i
        more_tables: list[tuple] = []
        for j in _continuations(blocks, i, g.columns):
            top_j, n_j = gridmod.header_rows(blocks[j].table)
            more_tables.append((blocks[j].table, top_j + n_j))
            more = gridmod.build(blocks[j].table, top_j, n_j, g.columns)
            _join_split_row(g, more)
            g.rows += more.rows
            g.header_cells += more.header_cells + more.titles
            last = j
        info.kind = kind_of(g.columns)
        info.header, info.rows = logical_grid(doc, b.table, top + n_head, more_tables)
        info.footnotes = [flat(r.divider.text) for r in g.rows if r.note] + footnotes(blocks, last)
        ledger.use(*g.header_cells, *g.titles, *(r.divider.cell for r in g.rows if r.note))
        g.rows = [r for r in g.rows if not r.note]
        if info.kind == "indicators":
            guess = not (b.table.grid and b.table.merges_known)
            named = [r for r in g.rows if r.divider is None and text(slot(r, g, "name"))]
            duties = None
            if g.index("units") or g.index("period"):  # 指标任务分解表: who answers for each indicator
                ctx = ctx or (copy(years) if years else YearContext.from_info(doc_info))
                duties = tasktab.row_duties(g, doc, named, section, ledger, ctx, guess)
            new = ind.build(g, doc, info.caption, section, ledger, len(inds) + 1, guess_merges=guess)
            inds += _of_table(new, info)
            if duties is not None:
                tasktab.name_duties(duties, {id(r): rec.name for r, rec in zip(named, new)})
                sec = struct.context(b.index).section
                for rec in duties.responsibilities + duties.deadlines:
                    rec.section_id = sec.id if sec else None
                duties.table_id = info.id
                found.task_tables.append(duties)
        elif info.kind == "projects":
            projs += _of_table(proj.build(g, doc, info.caption, section, ledger, len(projs) + 1,
                                          unit_note=_unit_note(g)), info)
        elif info.kind == "tasks":
            ctx = ctx or (copy(years) if years else YearContext.from_info(doc_info))
            found.task_tables.append(tasktab.build(g, doc, info.caption, section, ledger, ctx,
                                                   guess_merges=not (b.table.grid and b.table.merges_known)))
            found.task_tables[-1].table_id = info.id
        if info.kind != "other":
            for row in g.rows:
                ledger.leave(row.cells, "cell not placed")
        info.unparsed = ledger.unparsed
        i = last + 1
    return found


def _of_table(records: list, info: TableInfo) -> list:
    """The records of a table, linked to it by id."""
    for rec in records:
        rec.table_id = info.id
    return records


def _unit_note(g: gridmod.Grid) -> Optional[str]:
    """"单位：万元" printed in a row above the header."""
    for c in g.titles:
        m = compiled(lex()["unit_note"]).search(flat(c.text))
        if m:
            return m.group(1)
    return None


def _join_split_row(g: gridmod.Grid, more: gridmod.Grid) -> None:
    """A row broken by a page break: the continuation's first row has no seq and no name;
    its cells finish the previous page's last row."""
    if not g.rows or not more.rows or more.rows[0].divider is not None:
        return
    head = more.rows[0]
    labels = [i for i, c in enumerate(g.columns) if c.kind in ("seq", "name", "pname")]
    if not labels or any(head.slots[i].text.strip() for i in labels):
        return
    last = g.rows[-1]
    for a, b in zip(last.slots, head.slots):
        if b.text.strip() and not b.spanned:
            a.text = f"{a.text}\n{b.text}" if a.text else b.text
            a.cell = a.cell or b.cell
    last.cells += head.cells
    more.rows.pop(0)


def kind_of(columns: list[Column]) -> str:
    kinds = {c.kind for c in columns}
    if tasktab.is_task_table(kinds):
        return "tasks"
    if "pname" in kinds or ("content" in kinds and kinds & {"period", "investment", "units"}):
        return "projects"
    if "name" in kinds and kinds & {"standard", "baseline", "target"}:
        return "indicators"
    return "other"


def caption(doc: Document, b: Block) -> Optional[str]:
    """The paragraph just above the table when it reads as a caption (source spacing kept);
    over a lead-in line ("具体指标见下表：") the one above that, if it is a "表…" caption."""
    lx = lex()
    for k, p in enumerate(doc.blocks[max(0, b.index - 2):b.index][::-1]):
        if p.kind != "paragraph" or len(p.text) > lx["caption_max_len"]:
            return None
        named = compiled(lx["caption"]).search(p.text) is not None
        if named or (k == 0 and not p.text.endswith(("。", "；", "：", ":"))):
            src = compiled(load("text")["bookmark"]).sub("", doc.text[p.start:p.end])
            return src.strip() or p.text
    return None


def footnotes(blocks: list[Block], last: int) -> list[str]:
    """Notes right below the table ("注：…", "*生态环境状况指数指标值…")."""
    out = []
    rx = compiled(lex()["footnote"])
    for b in blocks[last + 1:last + 6]:
        if b.kind != "paragraph" or not rx.match(b.text):
            break
        out.append(b.text)
    return out


def _continuations(blocks: list[Block], i: int, columns: list[Column]) -> list[int]:
    """Table blocks that continue table ``i`` (next pdf page, "续表"): adjacent, with the same
    header repeated or no header and rows that fit the columns."""
    out = []
    head = [flat(c.label) for c in columns]
    j = i + 1
    while j < len(blocks):
        b = blocks[j]
        if b.kind == "paragraph" and compiled(lex()["continued_table"]).search(b.text):
            j += 1
            continue
        if b.kind != "table" or b.table is None or not b.table.rows or boxes.box_title(b):
            break
        top, nh = gridmod.header_rows(b.table)
        if nh:
            again = gridmod.build(b.table, top, nh)
            if [flat(c.label) for c in again.columns] != head:
                break
        elif not b.table.grid and max(len(r) for r in b.table.rows) > len(columns) + 1:
            break
        out.append(j)
        j += 1
    return out
