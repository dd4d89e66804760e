"""Quantified goals in the prose (targets): aligned within their task; the value (tightened /
loosened / quantified) and the year compared.  Only goals are compared: a status or a fact
describes the plan's background, not what it commits to.  A target year that moved with a
deadline of the same task follows from that deadline's change."""
from __future__ import annotations

from typing import Any, Optional

from ...polarity import record_polarity
from ...records import Value
from ..direction import date_direction, value_direction
from ..engine import Diff
from ..fields import Builder
from ..model import Change
from ..normalise import same_unit
from ..registry import col, register
from .common import InTask


@register
class Targets(InTask):
    kind, records = "target", "targets"
    columns = (col("section", fields=()), col("task", fields=()), col("raw", fields=("value",)),
               col("subject", fields=()), col("op", fields=("value",)), col("value"),
               col("unit", fields=("value",)), col("year"))

    def select(self, records: list) -> list:
        return [r for r in records if r.kind == "goal"]

    def text(self, r: Any) -> str:
        return f"{r.subject or ''}{r.raw or ''}"

    def compare(self, b: Builder) -> None:
        o, n = b.o, b.n
        ov, nv = _value(o), _value(n)
        if (ov.op, ov.value) != (nv.op, nv.value) or not same_unit(ov.unit, nv.unit):
            pol = record_polarity(n) or record_polarity(o)
            b.add("modified", "value", o.raw, n.raw, value_direction(ov, nv, pol))
        elif o.year != n.year:
            b.add("modified", "year", o.year, n.year, date_direction(_s(o.year), _s(n.year)))

    def settle(self, d: Diff) -> None:
        """A target whose year moved with a deadline of the same task (2025 → 2027 both) is a
        consequence of that deadline's change, not a change of its own."""
        moves: dict[tuple, list[Change]] = {}
        for (kind, i, j), changes in d.by_pair.items():
            if kind != "deadline" or i < 0 or j < 0:
                continue
            for c in changes:
                if c.field == "date":
                    years = (_year(c.detail.get("old_date")), _year(c.detail.get("new_date")))
                    moves.setdefault(_place(d.new["deadline"][j]) + years, []).append(c)
        if not moves:
            return
        for (kind, i, j), changes in d.by_pair.items():
            if kind != self.kind or i < 0 or j < 0:
                continue
            for c in changes:
                if c.field != "year":
                    continue
                causes = moves.get(_place(d.new[self.kind][j]) + (_year(c.old), _year(c.new)))
                if causes:
                    c.cause = _nearest_before(causes, _start(c.new_span))


def _value(r: Any) -> Value:
    return Value(raw=r.raw, op=r.op, value=r.value, unit=r.unit)


def _s(x: Any) -> Optional[str]:
    return None if x is None else str(x)


def _year(x: object) -> Optional[int]:
    s = str(x or "")[:4]
    return int(s) if s.isdigit() else None


def _place(r: Any) -> tuple:
    """Where a task record sits: its section and task."""
    return (r.section, r.task)


def _start(span: Any) -> int:
    return (span.start if span is not None else 0) or 0


def _nearest_before(causes: list[Change], at: int) -> Change:
    """The cause written last before offset ``at`` (the deadline that opens the target's sentence)."""
    before = [c for c in causes if _start(c.new_span) <= at]
    return max(before, key=lambda c: _start(c.new_span)) if before else causes[0]
