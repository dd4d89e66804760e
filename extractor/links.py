"""Record links (output contract v2): every record names its section, task and table by id.

Prose records (targets, deadlines, responsibilities) get their place from their extractor
(:meth:`Structure.place`); here every table gets the section and task its first block sits
in (:meth:`Structure.context`: the innermost heading — a table is not a heading's body text,
so a heading is never its task), the records
built from a table (indicators, projects, the tasks of a task table) take the place of their
table, a task table's responsibilities and deadlines name their row's task, and a prose
record found inside a table block (a 专栏 box) names that table in ``table_id``.
Runs after the ids are final (task tables merged with prose in reading order).
"""
from __future__ import annotations

import bisect
from typing import Iterable

from .model import Document
from .records import ExtractResult
from .structure import Structure


def link(result: ExtractResult, doc: Document, struct: Structure, task_tables: Iterable = ()) -> None:
    """Fill ``section_id``/``task_id``/``table_id`` (and their titles) across ``result``."""
    starts = [b.start for b in doc.blocks]

    def block_at(offset: int) -> int:
        return max(0, bisect.bisect_right(starts, offset) - 1)

    table_at: dict[int, str] = {}  # block index → table id
    for t in result.tables:
        if t.span is None or not doc.blocks:
            continue
        bi = block_at(t.span.start)
        table_at.setdefault(bi, t.id)
        ctx = struct.context(bi)  # a table sits in its innermost section, not in a heading-task
        t.section_id, t.section = (ctx.section.id, ctx.section.title) if ctx.section else (None, None)
        t.task_id, t.task = (ctx.task.id, ctx.task.title) if ctx.task else (None, None)
    tables = {t.id: t for t in result.tables}
    for rec in [*result.indicators, *result.projects]:
        t = tables.get(rec.table_id)
        if t is not None:
            rec.section_id, rec.section, rec.task_id, rec.task = t.section_id, t.section, t.task_id, t.task
    in_tables: set[int] = set()
    for rows in task_tables:
        t = tables.get(rows.table_id)
        for task in rows.tasks:
            task.table_id = rows.table_id
            task.section_id, task.section = (t.section_id, t.section) if t else (None, None)
        for rec, task in rows.owners:
            in_tables.add(id(rec))
            rec.table_id, rec.task_id, rec.task = rows.table_id, task.id, task.title
            rec.section_id, rec.section = task.section_id, task.section
    for rec in [*result.targets, *result.deadlines, *result.responsibilities]:
        if rec.span is not None and doc.blocks and id(rec) not in in_tables:
            rec.table_id = table_at.get(block_at(rec.span.start))
