"""The diff's result: changes with field-level old → new values, plus the aligned record rows."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field as _field
from typing import Any, Optional

from ..model import Span

CHANGES = ("added", "removed", "modified", "moved", "renamed")
DIRECTIONS = ("tightened", "loosened", "quantified", "earlier", "later", "raised", "cut", "added", "dropped",
              "revised")


@dataclass
class Change:
    """One reported difference; ``field`` is None for a whole record added/removed."""

    kind: str
    change: str
    key: str
    field: Optional[str] = None
    old: Any = None
    new: Any = None
    direction: Optional[str] = None
    old_span: Optional[Span] = None
    new_span: Optional[Span] = None
    detail: dict = _field(default_factory=dict)  # {"ops": prose diff} / {"delta", "pct"} / …
    id: str = ""
    cause: Optional["Change"] = None  # the change this one follows from (a moved deadline)

    def to_dict(self) -> dict:
        return {"id": self.id, "kind": self.kind, "change": self.change, "key": self.key,
                "field": self.field, "old": self.old, "new": self.new, "direction": self.direction,
                "old_span": _span(self.old_span), "new_span": _span(self.new_span), "detail": self.detail,
                "caused_by": self.cause.id if self.cause else None}


def _span(span: Optional[Span]) -> Optional[dict]:
    return span.to_dict() if span is not None else None


@dataclass
class Row:
    """One aligned record pair (either side may be None) and the fields that changed."""

    kind: str
    key: str
    old: Any
    new: Any
    status: str  # unchanged / modified / added / removed
    changes: list[Change] = _field(default_factory=list)

    def changed(self) -> dict[str, Change]:
        """The first change per field (a record-level change under "")."""
        out: dict[str, Change] = {}
        for c in self.changes:
            out.setdefault(c.field or "", c)
        return out


@dataclass
class DiffResult:
    old_doc: dict  # the report's header fields of each document (DOC_FIELDS of engine.py)
    new_doc: dict
    changes: list[Change]
    rows: dict[str, list[Row]]  # kind → rows, in document order
    kinds: tuple[str, ...] = ()  # the kinds compared, in report order
    cosmetic: list[dict] = _field(default_factory=list)  # differences in spelling only (not changes)
    evidence: dict = _field(default_factory=dict)  # inputs' paths and hashes, planx, patterns, time
    relation: dict = _field(default_factory=dict)  # do the two documents look like versions of one plan?

    def consequences(self, change: Change) -> list[Change]:
        """The changes that follow from ``change``."""
        return [c for c in self.changes if c.cause is change]

    def summary(self) -> dict:
        """Counts by kind, change and direction (and kind × change, kind × direction)."""
        by_kind_change: dict[str, dict[str, int]] = {}
        by_kind_direction: dict[str, dict[str, int]] = {}
        for c in self.changes:
            d = by_kind_change.setdefault(c.kind, {})
            d[c.change] = d.get(c.change, 0) + 1
            if c.direction:
                d = by_kind_direction.setdefault(c.kind, {})
                d[c.direction] = d.get(c.direction, 0) + 1
        return {"total": len(self.changes),
                "by_kind": _ordered(Counter(c.kind for c in self.changes), self.kinds),
                "by_change": _ordered(Counter(c.change for c in self.changes), CHANGES),
                "by_direction": _ordered(Counter(c.direction for c in self.changes if c.direction),
                                         DIRECTIONS),
                "by_kind_change": by_kind_change, "by_kind_direction": by_kind_direction,
                "consequences": sum(1 for c in self.changes if c.cause is not None),
                "cosmetic": len(self.cosmetic)}

    def to_dict(self) -> dict:
        return {"evidence": self.evidence, "old": self.old_doc, "new": self.new_doc, "relation": self.relation,
                "summary": self.summary(), "changes": [c.to_dict() for c in self.changes],
                "cosmetic": self.cosmetic}


def _ordered(counts: Counter, order: tuple) -> dict[str, int]:
    return {k: counts[k] for k in order if counts.get(k)}
