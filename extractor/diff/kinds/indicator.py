"""Indicators (rows of an indicator table): aligned by name, group and qualifier; the unit,
standard, current value, targets by year and binding force compared, with directions."""
from __future__ import annotations

from typing import Any

from ...polarity import record_polarity
from ..align import Pairs, assign, column, comparable, containment, field_agreement
from ..direction import attribute_direction, baseline_trend, polarity_of_values, target_direction
from ..engine import Diff
from ..fields import Builder, get
from ..normalise import same_unit, same_value
from ..registry import Column, col, register
from ..similarity import equal_matrix, name_matrix, norm
from .common import TableRows


@register
class Indicators(TableRows):
    kind, records = "indicator", "indicators"
    structural = True
    columns = (*(col(c) for c in ("domain", "category", "group", "name", "qualifier", "unit", "standard",
                                  "baseline.value", "baseline.year", "status")),
               col("attribute"), col("flags"))

    def key(self, r: Any) -> str:
        qual = f"（{r.qualifier}）" if r.qualifier else ""
        return " / ".join(x for x in (r.group, (r.name or "") + qual) if x)

    def summary(self, r: Any) -> str:
        targets = "；".join(f"{y}：{v}" for y, v in (r.targets or {}).items() if v)
        return "　".join(x for x in (r.name, r.unit and f"（{r.unit}）", targets, r.attribute) if x)

    def align(self, d: Diff) -> Pairs:
        """By normalised name + group + qualifier; a reworded name is a rename when the row agrees."""
        old, new = d.old[self.kind], d.new[self.kind]
        name = name_matrix(column(old, lambda r: r.name), column(new, lambda r: r.name))
        exact = equal_matrix(column(old, _identity), column(new, _identity))
        ctx = equal_matrix(column(old, lambda r: (norm(r.group), norm(r.qualifier))),
                           column(new, lambda r: (norm(r.group), norm(r.qualifier))))
        share, agree = field_agreement(old, new, [
            lambda r: comparable(r.unit), lambda r: comparable(r.standard),
            lambda r: comparable(get(r.baseline, "value")), lambda r: comparable(r.targets),
            lambda r: comparable(r.attribute), lambda r: comparable(r.category)])
        score = 0.55 * name + 0.3 * share + 0.15 * ctx + exact
        contained = containment(column(old, lambda r: norm(r.name)), column(new, lambda r: norm(r.name)))
        accept = (exact > 0) | (name >= 0.8) | contained | ((name >= 0.3) & (share >= 0.75) & (agree >= 3))
        return assign(score, accept)

    def compare(self, b: Builder) -> None:
        o, n = b.o, b.n
        if b.differs("name", o.name, n.name):
            b.add("renamed", "name", o.name, n.name)
        for f in ("qualifier", "group"):
            b.plain(f)
        b.plain("unit", how=same_unit)
        b.plain("status", direction="revised")
        pol = _target_polarity(o, n)
        if b.differs("standard", o.standard, n.standard, same_value):
            b.add("modified", "standard", o.standard, n.standard, target_direction(o.standard, n.standard, pol))
        oy, ny = get(o.baseline, "year"), get(n.baseline, "year")
        ov, nv = get(o.baseline, "value"), get(n.baseline, "value")
        if b.differs("baseline", ov, nv, same_value):
            detail = {"old_year": oy, "new_year": ny} if oy != ny else {}
            trend = baseline_trend(ov, nv, _own_polarity(o, n))
            if trend:
                detail["trend"] = trend
            b.add("modified", "baseline", ov, nv, "revised", detail)
        elif oy != ny and b.differs("baseline.year", oy, ny):
            b.add("modified", "baseline.year", oy, ny, "revised")
        ot, nt = o.targets or {}, n.targets or {}
        for year in sorted(set(ot) | set(nt)):
            if b.differs(f"targets.{year}", ot.get(year), nt.get(year), same_value):
                b.add("modified", f"targets.{year}", ot.get(year), nt.get(year),
                      target_direction(ot.get(year), nt.get(year), pol))
        if b.differs("attribute", o.attribute, n.attribute):
            b.add("modified", "attribute", o.attribute, n.attribute, attribute_direction(o.attribute, n.attribute))
        # footnote markers ("*") say nothing about the value: cosmetic
        b.differs("flags", sorted(o.flags or []), sorted(n.flags or []), lambda a, c: True)

    def present(self, r: Any) -> set[str]:
        out = {f for f in super().present(r) if f not in ("targets", "baseline")}
        out.update(f"targets.{y}" for y, t in (r.targets or {}).items() if t not in (None, ""))
        out.update(f for f, x in (("baseline", get(r.baseline, "value")), ("baseline.year", get(r.baseline, "year")))
                   if x not in (None, ""))
        return out

    def sheet_columns(self, rows: list) -> list[Column]:
        """The columns, with one per target year any row has (before the binding force)."""
        cols = list(self.columns)
        years = sorted({y for r in rows for rec in (r.old, r.new) if rec for y in (rec.targets or {})})
        cols[len(cols) - 2:len(cols) - 2] = [col(f"targets.{y}") for y in years]
        return cols


def _identity(r: Any) -> tuple:
    return (norm(r.name), norm(r.group), norm(r.qualifier))


def _own_polarity(o: Any, n: Any) -> int:
    """The indicator's polarity from its record, the catalogue or its name (not from its values'
    comparators)."""
    return record_polarity(n) or record_polarity(o)


def _target_polarity(o: Any, n: Any) -> int:
    """Polarity for target directions: the comparators the values state, else the indicator's own."""
    raws = [r.standard for r in (o, n)] + [v for r in (o, n) for v in (r.targets or {}).values()]
    return polarity_of_values(raws) or _own_polarity(o, n)
