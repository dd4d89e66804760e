"""Prose against the indicator table: a target the text states for an indicator and year that
the indicator table states differently (table "≥83", text "达到82%以上")."""
from __future__ import annotations

from typing import Iterable, Optional

from ..measures import unit_key
from ..patterns import load
from ..records import Indicator, Target, Value
from .context import AuditContext
from .registry import Hit, check, ref
from .values import bare_name, is_change, label, numeric, shown, targets

_EPS = 1e-9
_SIDES = {">=": 1, ">": 1, "<=": -1, "<": -1}


def _same_indicator(subject: str, name: str) -> bool:
    """The subject names the indicator: one contains the other (both long enough)."""
    shortest = load("checks")["values"]["name_min_chars"]
    return len(name) >= shortest and len(subject) >= shortest and (name in subject or subject in name)


def _indicator_for(t: Target, indicators: list[Indicator]) -> Optional[Indicator]:
    """The indicator whose name the target's subject matches best (the longest name)."""
    subject = bare_name(t.subject)
    hits = [i for i in indicators if _same_indicator(subject, bare_name(i.name))]
    return max(hits, key=lambda i: len(bare_name(i.name)), default=None)


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
    for t in ctx.result.targets:
        if t.year is None or t.value is None or not t.subject:
            continue
        ind = _indicator_for(t, indicators)
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
