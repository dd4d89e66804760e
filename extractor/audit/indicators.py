"""Indicator rows against themselves: 达标情况 vs the values, targets weaker than the
current value / the standard / an earlier target, duplicates and unit conflicts."""
from __future__ import annotations

from collections import defaultdict
from typing import Iterable

from ..language.normalise import compact
from ..polarity import record_polarity
from ..records import Value
from ..text.declared import status_class
from .context import AuditContext
from .registry import Hit, check, ref
from .values import baseline, direction, is_change, label, meets, name_key, shown, standard, targets, weaker


def _status_hits(ctx: AuditContext, classes: tuple[str, ...], expect: bool) -> Iterable[Hit]:
    for ind in ctx.result.indicators:
        if status_class(ind.status) not in classes:
            continue
        std, base = standard(ind), baseline(ind)
        if std is None or base is None:
            continue
        if meets(base.value, std) is expect:
            yield Hit({"name": label(ind), "status": ind.status, "baseline": shown(base),
                       "standard": shown(std)}, [ref(ind)])


@check("status.met_but_not")
def met_but_not(ctx: AuditContext) -> Iterable[Hit]:
    """Marked 已达 while the current value misses the standard."""
    return _status_hits(ctx, ("已达",), False)


@check("status.unmet_but_met")
def unmet_but_met(ctx: AuditContext) -> Iterable[Hit]:
    """Marked 可达/未达 while the current value already meets the standard."""
    return _status_hits(ctx, ("可达", "未达"), True)


def _base_year(ind) -> int | None:
    year = ind.baseline.year if ind.baseline else None
    return int(year) if isinstance(year, (int, str)) and str(year).isdigit() else None


def _by_target(pairs: Iterable[tuple[str, Value]]) -> dict[str, tuple[list[str], Value]]:
    """Target years grouped by the target as written: {"≥20": (["2025", "2030"], V)}."""
    out: dict[str, tuple[list[str], Value]] = {}
    for year, v in pairs:
        out.setdefault(shown(v), ([], v))[0].append(year)
    return out


def _below_baseline(ctx: AuditContext, at_standard: bool) -> Iterable[Hit]:
    """Targets weaker than the current value; ``at_standard``: those that restate the standard."""
    for ind in ctx.result.indicators:
        base, std = baseline(ind), standard(ind)
        if base is None:
            continue
        by = _base_year(ind)
        written = ind.parsed.standard  # also "东部地区：≥60"
        weak = []
        for year, tgt in targets(ind).items():
            sign = direction(tgt, std) or record_polarity(ind) or None
            is_standard = written is not None and (tgt.op, tgt.value) == (written.op, written.value)
            change = is_change(tgt) or (is_standard and is_change(written))  # "＞-1" restating "△EQI＞-1"
            if sign is None or (by and year.isdigit() and int(year) <= by) or change != is_change(base):
                continue  # no direction, a past year, or a change compared with a level
            if is_standard == at_standard and weaker(tgt.value, base.value, sign):
                weak.append((year, tgt))
        for shown_target, (years, _) in _by_target(weak).items():
            yield Hit({"name": label(ind), "year": years, "target": shown_target,
                       "baseline": shown(base)}, [ref(ind)])


@check("target.below_baseline")
def below_baseline(ctx: AuditContext) -> Iterable[Hit]:
    """A target of the plan's own below the current value."""
    return _below_baseline(ctx, False)


@check("target.standard_below_baseline")
def standard_below_baseline(ctx: AuditContext) -> Iterable[Hit]:
    """A target that restates the standard while the current value is already better."""
    return _below_baseline(ctx, True)


@check("target.below_standard")
def below_standard(ctx: AuditContext) -> Iterable[Hit]:
    for ind in ctx.result.indicators:
        std = standard(ind)
        sign = direction(std)
        if std is None or sign is None:
            continue
        weak = [(year, tgt) for year, tgt in targets(ind).items()
                if (not tgt.op or direction(tgt) == sign) and is_change(tgt) == is_change(std)
                and weaker(tgt.value, std.value, sign)]
        for shown_target, (years, _) in _by_target(weak).items():
            yield Hit({"name": label(ind), "year": years, "target": shown_target,
                       "standard": shown(std)}, [ref(ind)])


@check("target.later_weaker")
def later_weaker(ctx: AuditContext) -> Iterable[Hit]:
    for ind in ctx.result.indicators:
        tgts = list(targets(ind).items())
        for (y1, t1), (y2, t2) in zip(tgts, tgts[1:]):
            sign = direction(t2, t1, standard(ind)) or record_polarity(ind) or None
            if sign is not None and weaker(t2.value, t1.value, sign):
                yield Hit({"name": label(ind), "earlier": y1, "earlier_target": shown(t1),
                           "later": y2, "later_target": shown(t2)}, [ref(ind)])


def _key(ind) -> tuple[str, str, str]:
    return name_key(ind.group), name_key(ind.name), name_key(ind.qualifier)


@check("indicator.duplicate")
def duplicates(ctx: AuditContext) -> Iterable[Hit]:
    rows: dict[tuple, list] = defaultdict(list)
    for ind in ctx.result.indicators:
        rows[(ind.table, _key(ind))].append(ind)
    for same in rows.values():
        if len(same) > 1:
            yield Hit({"name": label(same[0]), "n": len(same)}, [ref(i) for i in same])


@check("indicator.unit_conflict")
def unit_conflicts(ctx: AuditContext) -> Iterable[Hit]:
    rows: dict[tuple, list] = defaultdict(list)
    for ind in ctx.result.indicators:
        if ind.unit and ind.unit.strip():
            rows[_key(ind)[1:]].append(ind)
    for same in rows.values():
        units = list(dict.fromkeys(compact(i.unit) for i in same))
        if len(units) > 1:
            yield Hit({"name": label(same[0]), "units": units}, [ref(i) for i in same])

