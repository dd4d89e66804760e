"""Key projects (rows of a project table): aligned by name and content; the content, period,
investment, responsible units and indicators compared."""
from __future__ import annotations

from typing import Any, Optional

from ..align import Pairs, assign, column, comparable, field_agreement
from ..direction import date_direction, money_change
from ..engine import Diff
from ..fields import Builder, get
from ..normalise import clean, same
from ..registry import col, register
from ..similarity import equal_matrix, name_matrix, norm, text_matrix
from .common import TableRows


@register
class Projects(TableRows):
    kind, records = "project", "projects"
    structural = True
    columns = (*(col(c) for c in ("category", "parent", "name", "content")),
               col("period", "period.raw"), col("investment", "investment.raw"),
               col("responsible_units"), col("indicators"))

    def key(self, r: Any) -> str:
        return " / ".join(x for x in (r.parent, r.name) if x)

    def summary(self, r: Any) -> str:
        inv = get(r.investment, "raw")
        return "　".join(x for x in (r.name, r.content, inv and f"投资{inv}",
                                     "、".join(r.responsible_units or [])) if x)

    def align(self, d: Diff) -> Pairs:
        """By name and content similarity (and agreeing period, investment, units)."""
        old, new = d.old[self.kind], d.new[self.kind]
        name = name_matrix(column(old, lambda r: r.name), column(new, lambda r: r.name))
        content = text_matrix(column(old, lambda r: r.content), column(new, lambda r: r.content))
        exact = equal_matrix(column(old, lambda r: norm(r.name)), column(new, lambda r: norm(r.name)))
        share, _ = field_agreement(old, new, [
            lambda r: comparable(get(r.period, "raw")), lambda r: comparable(get(r.investment, "raw")),
            lambda r: comparable(r.responsible_units), lambda r: comparable(r.category)])
        score = 0.5 * name + 0.3 * content + 0.2 * share + exact
        accept = ((exact > 0) | (name >= 0.8) | ((name >= 0.3) & (content >= 0.7))
                  | ((name >= 0.5) & (content >= 0.5)))
        return assign(score, accept)

    def compare(self, b: Builder) -> None:
        o, n = b.o, b.n
        if b.differs("name", o.name, n.name):
            b.add("renamed", "name", o.name, n.name)
        b.prose("content")
        if b.differs("period", get(o.period, "raw"), get(n.period, "raw")):
            direction = (date_direction(get(o.period, "end"), get(n.period, "end"))
                         or date_direction(get(o.period, "start"), get(n.period, "start")))
            b.add("modified", "period", get(o.period, "raw"), get(n.period, "raw"), direction)
        oi, ni = o.investment, n.investment
        if not same(get(oi, "raw"), get(ni, "raw")) or not same(get(oi, "value"), get(ni, "value")):
            direction, detail = money_change(oi, ni)
            b.add("modified", "investment", _money(oi), _money(ni), direction, detail)
        b.units("responsible_units", o.responsible_units or [], n.responsible_units or [])
        if b.differs("indicators", o.indicators or [], n.indicators or [],
                     lambda a, c: [clean(x) for x in a] == [clean(x) for x in c]):
            b.add("modified", "indicators", o.indicators, n.indicators)

    def present(self, r: Any) -> set[str]:
        out = {f for f in super().present(r) if f not in ("period", "investment")}
        out.update(f for f in ("period", "investment") if get(r, f"{f}.raw") not in (None, ""))
        return out


def _money(m: Any) -> Optional[str]:
    """An investment as written, with its unit."""
    raw, unit = get(m, "raw"), get(m, "unit")
    if raw is None:
        return None
    raw = str(raw)
    return raw if not unit or raw.endswith(unit) else f"{raw}{unit}"
