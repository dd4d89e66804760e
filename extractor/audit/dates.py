"""Dates that cannot be or do not fit: impossible months/days, projects that end before
they start or lie outside the plan period, deadlines before the issue date, phases that
overlap or leave gaps."""
from __future__ import annotations

import calendar
import functools
from dataclasses import dataclass
from typing import Any, Iterable, Optional

import regex

from ..patterns import compiled, load
from ..records import Ref
from .context import AuditContext
from .registry import Hit, check, ref

_ISO = regex.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


@dataclass(frozen=True)
class PartialDate:
    """A date as precise as the text: (year,), (year, month) or (year, month, day)."""

    parts: tuple[int, ...]

    @property
    def year(self) -> int:
        return self.parts[0]

    def cut(self, n: int) -> tuple[int, ...]:
        return self.parts[:n]


def parse(s: Any) -> Optional[PartialDate]:
    """A valid ISO (partial) date, or None."""
    if isinstance(s, int):
        return PartialDate((s,))
    return _parsed(str(s or "").strip())


@functools.lru_cache(maxsize=4096)
def _parsed(s: str) -> Optional[PartialDate]:
    """:func:`parse` of a stripped text (every date check reads the same dates: cached; a
    PartialDate is immutable)."""
    m = _ISO.fullmatch(s)
    if not m or _invalid(s):
        return None
    return PartialDate(tuple(int(g) for g in m.groups() if g))


def invalid(s: Optional[str]) -> Optional[tuple[str, str]]:
    """(Chinese, English) reason when an ISO-like date names a month or day that does not exist."""
    return _invalid(str(s or "").strip())


@functools.lru_cache(maxsize=4096)
def _invalid(s: str) -> Optional[tuple[str, str]]:
    """:func:`invalid` of a stripped text (cached)."""
    m = _ISO.fullmatch(s)
    if not m or not m[2]:
        return None
    year, month = int(m[1]), int(m[2])
    if not 1 <= month <= 12:
        return f"月份{month}不在1—12之间", f"month {month} is not 1–12"
    if m[3] and not 1 <= int(m[3]) <= calendar.monthrange(year, month)[1]:
        return f"{year}年{month}月没有{int(m[3])}日", f"{year}-{month:02d} has no day {int(m[3])}"
    return None


def _common(a: PartialDate, b: PartialDate) -> tuple[tuple[int, ...], tuple[int, ...], bool]:
    """Both dates cut to the coarser precision, and whether the precisions were equal."""
    n = min(len(a.parts), len(b.parts))
    return a.cut(n), b.cut(n), len(a.parts) == len(b.parts)


def _next_unit(p: tuple[int, ...]) -> tuple[int, ...]:
    """The following year, month or day."""
    if len(p) == 1:
        return (p[0] + 1,)
    if len(p) == 2:
        return (p[0] + p[1] // 12, p[1] % 12 + 1)
    year, month, day = p  # any year, even 0 (datetime stops at 1)
    if 1 <= month <= 12 and day < calendar.mdays[month] + (month == 2 and calendar.isleap(year)):
        return (year, month, day + 1)
    return (year + month // 12, month % 12 + 1, 1)


def before(a: PartialDate, b: PartialDate) -> bool:
    """``a`` is certainly earlier than ``b`` (compared at the coarser precision)."""
    x, y, _ = _common(a, b)
    return x < y


@check("date.invalid")
def impossible_dates(ctx: AuditContext) -> Iterable[Hit]:
    for p in ctx.result.projects:
        for value in (p.period.start, p.period.end) if p.period else ():
            why = invalid(value)
            if why:
                yield Hit({"what": f"项目“{p.name}”建设期", "what_en": f"project \"{p.name}\" period",
                           "raw": p.period.raw or value, "reason": why[0],
                           "reason_en": why[1]}, [ref(p)])
                break
    for d in ctx.result.deadlines:
        why = invalid(d.date) or invalid(d.start)
        if why:
            yield Hit({"what": "时限", "what_en": "deadline", "raw": d.raw, "reason": why[0],
                       "reason_en": why[1]}, [ref(d)])


def _period(p) -> tuple[Optional[PartialDate], Optional[PartialDate]]:
    return (parse(p.period.start), parse(p.period.end)) if p.period else (None, None)


@check("date.project_reversed")
def project_reversed(ctx: AuditContext) -> Iterable[Hit]:
    for p in ctx.result.projects:
        start, end = _period(p)
        if start and end and before(end, start):
            yield Hit({"name": p.name, "start": p.period.start, "end": p.period.end}, [ref(p)])


def _plan(ctx: AuditContext) -> Optional[tuple[int, int]]:
    pp = ctx.result.document.plan_period
    if pp is not None and isinstance(pp.start, int) and isinstance(pp.end, int):
        return pp.start, pp.end
    return None


def _project_years(ctx: AuditContext) -> Iterable[tuple[Any, int, int, tuple[int, int]]]:
    """(project, first year, last year, plan period) for dated projects of a dated plan."""
    plan = _plan(ctx)
    if plan is None:
        return
    for p in ctx.result.projects:
        start, end = _period(p)
        if start or end:
            yield p, (start or end).year, (end or start).year, plan


def _period_params(p, plan: tuple[int, int]) -> dict:
    start, end = (p.period.start, p.period.end) if p.period else (None, None)
    return {"name": p.name, "start": start or "?", "end": end or "?",
            "plan_start": plan[0], "plan_end": plan[1]}


@check("date.project_outside_plan")
def project_outside_plan(ctx: AuditContext) -> Iterable[Hit]:
    for p, first, last, plan in _project_years(ctx):
        if last < plan[0] or first > plan[1]:
            yield Hit(_period_params(p, plan), [ref(p)])


@check("date.project_overhang")
def project_overhang(ctx: AuditContext) -> Iterable[Hit]:
    for p, first, last, plan in _project_years(ctx):
        inside_somewhat = not (last < plan[0] or first > plan[1])
        if inside_somewhat and (first < plan[0] or last > plan[1]):
            yield Hit(_period_params(p, plan), [ref(p)])


@check("date.deadline_before_issue")
def deadline_before_issue(ctx: AuditContext) -> Iterable[Hit]:
    issued = parse(ctx.result.document.issue_date)
    if issued is None or len(issued.parts) < 3:
        return
    since = compiled(load("checks")["dates"]["since"])  # "自2021年12月26日": a start, not a limit
    for d in ctx.result.deadlines:
        when = parse(d.date)
        if d.kind != "recurring" and when and before(when, issued) and not since.search(d.raw or ""):
            yield Hit({"raw": d.raw, "date": d.date, "issue_date": ctx.result.document.issue_date}, [ref(d)])


@check("date.phases")
def phases(ctx: AuditContext) -> Iterable[Hit]:
    ph = [x for x in ctx.result.document.phases if parse(x.start) and parse(x.end)]
    for a, b in zip(ph, ph[1:]):
        end, start = parse(a.end), parse(b.start)
        x, y, same = _common(end, start)
        if y < x or (y == x and same):
            rel = ("重叠", "overlap")
        elif y > _next_unit(x):
            rel = ("之间有空档", "leave a gap")
        else:
            continue
        yield Hit({"first": a.name, "first_end": a.end, "second": b.name,
                   "second_start": b.start, "relation": rel[0], "relation_en": rel[1]},
                  [Ref(span=ctx.doc_span)])


@check("date.phases_vs_plan")
def phases_vs_plan(ctx: AuditContext) -> Iterable[Hit]:
    plan = _plan(ctx)
    years = [(parse(x.start), parse(x.end)) for x in ctx.result.document.phases]
    ph = [(a.year, b.year) for a, b in years if a and b and len(a.parts) == len(b.parts) == 1]
    if plan is None or not ph:
        return
    start, end = min(a for a, _ in ph), max(b for _, b in ph)
    if (start, end) != plan:
        yield Hit({"start": start, "end": end, "plan_start": plan[0], "plan_end": plan[1]},
                  [Ref(span=ctx.doc_span)])
