"""Run-in tasks: paragraphs that open with a short lead sentence.

"扎实推进“四减四增”。正文……" is a task titled "扎实推进“四减四增”"; a numbered run-in
heading ("1.落实创建任务。各责任单位要……") is both a section and a task.  Tasks are the
units that responsibilities, deadlines and targets attach to.
"""
from __future__ import annotations

from typing import Optional

from ..model import Block, Document
from ..patterns import compiled, load
from ..records import Section, Task


def lead_sentence(text: str) -> Optional[str]:
    """The run-in lead sentence of a paragraph (without its end mark), or None."""
    p = load("headings")["tasks"]
    m = compiled(p["lead_end"]).search(text)
    if not m or m.end() >= len(text.rstrip()) or compiled(p["note_only"]).match(text[m.end():]):
        return None
    lead = text[:m.start()].strip()
    if not (p["lead_min"] <= len(lead) <= p["lead_max"]):
        return None
    if any(compiled(rx).search(lead) for rx in p["not_lead"]):
        return None
    return lead


def detect_tasks(doc: Document, heading_blocks: set[int], block_section: list[Optional[Section]],
                 runin: dict[int, Section]) -> tuple[list[Task], list[Optional[Task]]]:
    """Tasks in document order and, per block, the task that block opens (or None)."""
    tasks: list[Task] = []
    block_task: list[Optional[Task]] = [None] * len(doc.blocks)
    by_id = {}
    for b in doc.blocks:
        sec = block_section[b.index]
        if sec is not None:
            by_id[sec.id] = sec
        title = _task_title(b, heading_blocks, runin)
        if title is None:
            continue
        owner = sec
        if b.index in runin and sec is not None and sec.parent:
            owner = by_id.get(sec.parent)
        t = Task(f"task-{len(tasks) + 1}", owner.title if owner else None, title, b.text,
                 doc.span(b.start, b.end), section_id=owner.id if owner else None)
        tasks.append(t)
        block_task[b.index] = t
    return tasks, block_task


def _task_title(b: Block, heading_blocks: set[int], runin: dict[int, Section]) -> Optional[str]:
    if b.kind != "paragraph":
        return None
    if b.index in runin:
        return runin[b.index].title
    if b.index in heading_blocks:
        return None
    return lead_sentence(b.text)
