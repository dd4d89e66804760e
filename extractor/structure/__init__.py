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
    heading_blocks: set[int] = field(default_factory=set)  # indexes of blocks that are headings
    block_section: list[Optional[Section]] = field(default_factory=list)  # per block
    block_task: list[Optional[Task]] = field(default_factory=list)  # per block (its own task)

    def context(self, block_index: int) -> Context:
        """Section and task that a block (or a record inside it) belongs to.

        A responsibility note in its own paragraph closes the task before it, so a block
        without a task of its own inherits the nearest preceding task in the same section.
        """
        sec = self.block_section[block_index] if block_index < len(self.block_section) else None
        for i in range(block_index, -1, -1):
            if i in self.heading_blocks:
                break
            if self.block_section[i] is not sec:
                break
            if self.block_task[i] is not None:
                return Context(sec, self.block_task[i])
        return Context(sec, None)


def build(doc: Document) -> Structure:
    from .sections import detect_sections
    from .tasks import detect_tasks

    sections, heading_blocks, block_section = detect_sections(doc)
    tasks, block_task = detect_tasks(doc, heading_blocks, block_section)
    return Structure(sections, tasks, heading_blocks, block_section, block_task)
