"""Field-level comparison of two aligned records → changes (the comparators' toolbox).

Differences that do not change what a field says (character width, white space, unit
spelling, footnote markers) are not changes: they are listed as cosmetic."""
from __future__ import annotations

from typing import Any, Optional

from .model import Change
from .normalise import EMPTY, clean, same
from .prose import char_diff


def get(value: Any, path: str) -> Any:
    """``path`` ("baseline.value", "targets.2025") read from a record: attributes of records and
    their typed parts, keys of the mappings they hold (targets by year); None where it stops."""
    for part in path.split("."):
        if value is None:
            return None
        value = value.get(part) if isinstance(value, dict) else getattr(value, part, None)
    return value


class Builder:
    """Collects the changes of one aligned pair (spans and key filled in once)."""

    def __init__(self, kind: str, key: str, old: Any, new: Any, skip: frozenset = frozenset()):
        self.kind, self.key, self.o, self.n = kind, key, old, new
        self.skip = skip  # fields one of the documents does not have at all (a table without that column)
        self.changes: list[Change] = []
        self.cosmetic: list[dict] = []  # fields that differ in spelling only

    def differs(self, field: str, a: Any, b: Any, how=same) -> bool:
        """Whether ``a`` → ``b`` is a change (``how`` tells when two values are the same); a
        difference in spelling only is noted as cosmetic."""
        if a == b or (a in EMPTY and b in EMPTY):
            return False
        if how(a, b):
            self.cosmetic.append({"kind": self.kind, "key": self.key, "field": field, "old": a, "new": b})
            return False
        return True

    def add(self, change: str, field: str, old: Any, new: Any, direction: Optional[str] = None,
            detail: Optional[dict] = None) -> None:
        if field in self.skip:
            return
        self.changes.append(Change(self.kind, change, self.key, field, old, new, direction,
                                   self.o.span, self.n.span, detail or {}))

    def prose(self, field: str, change: str = "modified") -> None:
        a, b = get(self.o, field) or "", get(self.n, field) or ""
        if self.differs(field, a, b):
            self.add(change, field, a, b, detail={"ops": char_diff(a, b)})

    def plain(self, field: str, change: str = "modified", how=same, direction: Optional[str] = None) -> None:
        a, b = get(self.o, field), get(self.n, field)
        if self.differs(field, a, b, how):
            self.add(change, field, a, b, direction)

    def units(self, field: str, old: list[str], new: list[str],
              canon_old: Optional[list[str]] = None, canon_new: Optional[list[str]] = None) -> None:
        """One change per unit added to or dropped from the record (compared by canonical name)."""
        co = canon_old or [clean(u) for u in old]
        cn = canon_new or [clean(u) for u in new]
        for u, c in zip(old, co):
            if c not in cn:
                self.add("modified", field, u, None, "dropped")
        for u, c in zip(new, cn):
            if c not in co:
                self.add("modified", field, None, u, "added")
