"""Goal, status or fact: what kind of statement a target is (cue words: ``patterns/targets.toml``
``[kind]``).

* **goal** — to be reached: a year at or after the plan's horizon ("到2025年"), or a quantity in
  the plan's forward part (goals, tasks, projects) without words of the present;
* **status** — the current state or a past achievement: a status word before the number in its
  clause ("目前", "已", "截至") without a goal word, a year before the horizon, or a quantity in
  the plan's background — the preamble before the first heading, a review section, or anything
  before the first heading that opens the forward part (目标/任务/措施…) — without a horizon year;
* **fact** — a description of the place: a descriptive subject (海拔, 总面积, 人口) or a descriptive
  section (概况, 规划范围), with no action or goal word in the clause.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Optional

from ..patterns import compiled, load

KINDS = ("goal", "status", "fact")


@functools.lru_cache(maxsize=None)
def _p() -> dict:
    return load("targets")


def _has(name: str, text: str) -> bool:
    return compiled(_p()["kind"][name]).search(text) is not None


@dataclass
class Roles:
    """The plan's parts, as source offsets: where its first heading is (the preamble before it
    sets the scene) and where its forward part starts (None when no heading names it)."""

    first_heading: Optional[int]
    forward_start: Optional[int]

    @classmethod
    def of(cls, struct) -> "Roles":
        """From the headings; a first forward heading that closes a plan ("保障措施", its goal and
        task headings unrecognised) marks no background."""
        kind = _p()["kind"]
        rx, closing = compiled(kind["forward_section"]), compiled(kind["closing_section"])
        sections = getattr(struct, "sections", [])
        first = next((s for s in sorted(sections, key=lambda s: s.span.start) if rx.search(s.title)), None)
        forward = first.span.start if first is not None and not closing.search(first.title) else None
        return cls(min((s.span.start for s in sections), default=None), forward)

    def background(self, offset: int) -> bool:
        """Before the first heading (the preamble) or before the forward part."""
        return any(at is not None and offset < at for at in (self.first_heading, self.forward_start))


def kind_of(clause_before: str, clause: str, subject: Optional[str], year: Optional[int],
            horizon: Optional[int], offset: int, section_path: list[str], roles: Roles) -> str:
    """The kind of one target: ``clause_before`` = its clause up to the number, ``clause`` = the
    whole clause, ``offset`` = its source offset, ``section_path`` = titles of its sections."""
    if year is not None and horizon is not None:
        return "goal" if year >= horizon else "status"
    goal_word = _has("goal_cue", clause)
    if _has("status_cue", clause_before) and not goal_word:
        return "status"
    acts = compiled(_p()["goal_cue"]).search(clause) is not None
    descriptive = any(_has("descriptive_section", t) for t in section_path)
    if not acts and not goal_word and (descriptive or (subject and _has("fact_subject", subject))):
        return "fact"
    review = any(compiled(_p()["review_section"]).search(t) for t in section_path)
    if year is None and (review or roles.background(offset)):
        return "status"
    return "goal"
