"""Document structure: the heading tree (sections) and run-in tasks, and where each block sits.

``build(doc)`` returns a :class:`Structure`; extractors use :meth:`Structure.context` to tie a
record to its section and task.  Records carry the section/task *title* (``section``,
``task``) for people, and their ids (``section_id``, ``task_id``) for joins.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from ..model import Document
from ..records import Section, Task
from .sections import detect_sections
from .tasks import detect_tasks


@dataclass
class Context:
    section: Optional[Section] = None
    task: Optional[Task] = None

    @property
    def section_title(self) -> Optional[str]:
        return self.section.title if self.section else None

    @property
    def task_title(self) -> Optional[str]:
        return self.task.title if self.task else None


@dataclass(frozen=True)
class Place:
    """Where a record sits, by id and title: its section and its task.  ``task_id`` is a task's
    id (``task-N``), or a section's id (``sec-N``) when a heading is the task itself."""

    section_id: Optional[str] = None
    section: Optional[str] = None
    task_id: Optional[str] = None
    task: Optional[str] = None


@dataclass
class Structure:
    sections: list[Section]
    tasks: list[Task]
    heading_blocks: dict[int, Section] = field(default_factory=dict)  # block index → its section
    runin: dict[int, Section] = field(default_factory=dict)  # run-in headings ("1.标题。正文")
    block_section: list[Optional[Section]] = field(default_factory=list)  # per block
    block_task: list[Optional[Task]] = field(default_factory=list)  # per block (the task it opens)

    def __post_init__(self) -> None:
        self._by_id = {s.id: s for s in self.sections}
        self._runin_ids = {s.id for s in self.runin.values()}
        self._block_task = self._tasks_in_force()
        self._leaves = set(self._by_id) - {s.parent for s in self.sections if s.parent}

    def _tasks_in_force(self) -> list[Optional[Task]]:
        """Per block, the task it belongs to: its own, else the nearest preceding task with no
        heading in between (one pass over the blocks)."""
        out: list[Optional[Task]] = []
        task: Optional[Task] = None
        for i in range(len(self.block_section)):
            own = self.block_task[i] if i < len(self.block_task) else None
            if own is not None:
                task = own
            elif i in self.heading_blocks:
                task = None
            out.append(task)
        return out

    def context(self, block_index: int) -> Context:
        """Section and task that a block (or a record inside it) belongs to.

        A block without a task of its own (e.g. a "（责任单位：…）" note in its own paragraph)
        belongs to the nearest preceding task under the same heading.  A run-in heading is a
        task: records inside it belong to the section that encloses it.
        """
        if not 0 <= block_index < len(self.block_section):
            return Context()
        sec = self.block_section[block_index]
        if sec is not None and sec.id in self._runin_ids:
            sec = self._by_id.get(sec.parent) if sec.parent else None
        return Context(sec, self._block_task[block_index])


    def place(self, block_index: int) -> Place:
        """The section and task of every record found in a block, the one rule for all kinds.

        A run-in heading, and a heading without sub-headings whose body has no lead sentence
        of its own ("（一）推进再生水设施建设" / "合理布局……。（…负责）"), is the task of its body:
        the record's section is then the heading's parent."""
        ctx = self.context(block_index)
        sec, task = ctx.section, ctx.task
        own = sec is not None and (sec.id in self._runin_ids or (task is None and sec.id in self._leaves))
        if own and (task is None or task.title == sec.title):
            parent = self._by_id.get(sec.parent) if sec.parent else None
            return Place(parent.id if parent else None, parent.title if parent else None,
                         task.id if task else sec.id, sec.title)
        return Place(sec.id if sec else None, sec.title if sec else None,
                     task.id if task else None, task.title if task else None)


def build(doc: Document) -> Structure:
    sections, heading_blocks, block_section, runin = detect_sections(doc)
    tasks, block_task = detect_tasks(doc, set(heading_blocks), block_section, runin)
    return Structure(sections, tasks, heading_blocks, runin, block_section, block_task)
