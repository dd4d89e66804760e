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


def build(doc: Document) -> Structure:
    from .sections import detect_sections
    from .tasks import detect_tasks

    sections, heading_blocks, block_section, runin = detect_sections(doc)
    tasks, block_task = detect_tasks(doc, set(heading_blocks), block_section, runin)
    return Structure(sections, tasks, heading_blocks, runin, block_section, block_task)
