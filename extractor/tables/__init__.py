"""Indicator and key-project tables → ``indicators`` / ``projects`` records, right to the cell.

For every table block: its caption (the short paragraph just above), its header rows, one
logical grid (continuation blocks — a table split over pdf pages, "续表" — stitched in), its
kind (indicators / projects / box / other), the records, the footnotes below it, and every
cell that did not reach a record field in ``TableInfo.unparsed``.
"""
from __future__ import annotations

from typing import Optional

from ..model import Block, Document
from ..patterns import compiled, load
from ..records import Indicator, Project, TableInfo
from . import boxes, grid as gridmod, indicators as ind, projects as proj
from .common import Ledger
from .header import Column, flat, lex


def extract(doc: Document, struct) -> tuple[list[Indicator], list[Project], list[TableInfo]]:
    inds: list[Indicator] = []
    projs: list[Project] = []
    infos: list[TableInfo] = []
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
        if title is not None:
            info.caption, info.kind = boxes.source_title(doc, b), "box"
            if boxes.is_project_box(title):
                projs += boxes.projects(doc, b, info.caption, section, ledger, len(projs) + 1)
            info.unparsed = ledger.unparsed
            i += 1
            continue
        n_head = gridmod.header_rows(b.table)
        info.caption = caption(doc, b)
        if n_head == 0:
            i += 1
            continue
        g = gridmod.build(b.table, n_head)
        last = i
        for j in _continuations(blocks, i, g.columns):
            nb = blocks[j]
            nh = gridmod.header_rows(nb.table)
            more = gridmod.build(nb.table, nh, g.columns)
            g.rows += more.rows
            g.header_cells += more.header_cells
            last = j
        info.kind = kind_of(g.columns)
        info.footnotes = footnotes(blocks, last)
        ledger.use(*g.header_cells)
        if info.kind == "indicators":
            inds += ind.build(g, doc, info.caption, section, ledger, len(inds) + 1,
                              guess_merges=not b.table.grid)
        elif info.kind == "projects":
            projs += proj.build(g, doc, info.caption, section, ledger, len(projs) + 1)
        if info.kind != "other":
            for row in g.rows:
                ledger.leave(row.cells, "cell not placed")
        info.unparsed = ledger.unparsed
        i = last + 1
    return inds, projs, infos


def kind_of(columns: list[Column]) -> str:
    kinds = {c.kind for c in columns}
    if "pname" in kinds or ("content" in kinds and kinds & {"period", "investment", "units"}):
        return "projects"
    if "name" in kinds and kinds & {"standard", "baseline", "target"}:
        return "indicators"
    return "other"


def caption(doc: Document, b: Block) -> Optional[str]:
    """The paragraph just above the table when it reads as a caption (source spacing kept)."""
    if b.index == 0:
        return None
    p = doc.blocks[b.index - 1]
    if p.kind == "table" or len(p.text) > lex()["caption_max_len"]:
        return None
    if not (compiled(lex()["caption"]).search(p.text) or not p.text.endswith(("。", "；", "：", ":"))):
        return None
    src = compiled(load("text")["bookmark"]).sub("", doc.text[p.start:p.end])
    return src.strip() or p.text


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
        nh = gridmod.header_rows(b.table)
        if nh:
            again = gridmod.build(b.table, nh)
            if [flat(c.label) for c in again.columns] != head:
                break
        elif not b.table.grid and max(len(r) for r in b.table.rows) > len(columns) + 1:
            break
        out.append(j)
        j += 1
    return out
