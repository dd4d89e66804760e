"""Prose against the indicator table: a target the text states for an indicator and year that
the indicator table states differently (table "≥83", text "达到82%以上")."""
from __future__ import annotations

import bisect
import itertools
from typing import Iterable, Optional

import regex

from ..measures import unit_key
from ..patterns import compiled_plain, load
from ..records import Indicator, Target, Value
from .context import AuditContext
from .registry import Hit, check, ref
from .values import bare_name, is_change, label, numeric, shown, targets

_EPS = 1e-9
_SIDES = {">=": 1, ">": 1, "<=": -1, "<": -1}


class _Names:
    """The indicators' bare names, searched as a whole: the names a subject contains (one
    automaton over every name) and the names that contain the subject (one search in all names
    joined), so that matching every target costs the length of the names, not targets × names."""

    def __init__(self, indicators: list[Indicator]) -> None:
        shortest = load("checks")["values"]["name_min_chars"]
        self.indicators = indicators
        self.names = [bare_name(i.name) for i in indicators]
        long_enough = sorted({n for n in self.names if len(n) >= shortest}, key=len, reverse=True)
        self.shortest = shortest
        self.rx = compiled_plain("|".join(map(regex.escape, long_enough))) if long_enough else None
        self.index: dict[str, list[int]] = {}
        for k, n in enumerate(self.names):
            self.index.setdefault(n, []).append(k)
        self.distinct = list(self.index)  # each name once: a table that repeats its names is searched once
        self.joined = "\n".join(self.distinct)
        self.starts = list(itertools.accumulate((len(n) + 1 for n in self.distinct), initial=0))

    def best(self, subject: str) -> Optional[Indicator]:
        """The indicator whose name the subject matches best: one contains the other (both long
        enough); the longest name wins, the first in table order among equals."""
        if len(subject) < self.shortest or self.rx is None:
            return None
        found = {m.group() for m in self.rx.finditer(subject, overlapped=True)}
        at = self.joined.find(subject)
        while at >= 0:  # names holding the subject
            found.add(self.distinct[bisect.bisect_right(self.starts, at) - 1])
            at = self.joined.find(subject, at + 1)
        hits = sorted(k for n in found if len(n) >= self.shortest for k in self.index[n])
        return self.indicators[max(hits, key=lambda k: len(self.names[k]))] if hits else None


def _contradicts(text: Value, table: Value) -> bool:
    """Two requirements that disagree: different numbers, or bounds on opposite sides."""
    if abs(text.value - table.value) > _EPS:
        return True
    a, b = _SIDES.get(text.op or ""), _SIDES.get(table.op or "")
    return a is not None and b is not None and a != b


@check("target.prose_vs_table")
def prose_vs_table(ctx: AuditContext) -> Iterable[Hit]:
    indicators = ctx.result.indicators
    if not indicators:
        return
    names = _Names(indicators)
    for t in ctx.result.targets:
        if t.kind != "goal" or t.year is None or t.value is None or not t.subject:
            continue  # a statement of the current state or a fact is no promise to compare
        ind = names.best(bare_name(t.subject))
        if ind is None:
            continue
        table = targets(ind).get(str(t.year))
        text = Value(raw=t.raw, op=t.op, value=t.value, unit=t.unit)
        if table is None or numeric(table) is None or is_change(table) != is_change(text):
            continue
        if t.unit and (table.unit or ind.unit) and unit_key(t.unit) != unit_key(table.unit or ind.unit):
            continue
        if _contradicts(text, table):
            yield Hit({"raw": t.raw, "name": label(ind), "year": t.year, "table": shown(table)}, [ref(t), ref(ind)])
