"""Checks across documents of one region: a 实施方案 against its 规划 (indicator counts,
deadlines for adopting the 规划 vs its issue date) and the same indicator with different
values in two plans."""
from __future__ import annotations

from itertools import combinations, permutations
from typing import Iterable, Optional

import regex

from ..patterns import compiled, load
from ..records import Ref, Value
from .context import AuditContext
from .counts import numbered
from .dates import before, parse
from .registry import Hit, check, ref
from .values import name_key, numeric


def _conf() -> dict:
    return load("checks")["cross"]


def _kind(ctx: AuditContext) -> Optional[str]:
    """"scheme" (实施方案…) or "plan" (规划…) from the plan type or the title."""
    info = ctx.result.document
    text = info.plan_type or info.title or ""
    for kind in ("scheme", "plan"):
        if any(t in text for t in _conf()[f"{kind}_types"]):
            return kind
    return None


def same_region(a: AuditContext, b: AuditContext) -> bool:
    ra, rb = a.result.document.region, b.result.document.region
    return bool(ra and rb and ra.strip() == rb.strip())


def theme(ctx: AuditContext) -> str:
    """The plan's subject: its title without region, period and the plan-type word."""
    info = ctx.result.document
    title = "".join((info.title or "").split())
    if info.region and title.startswith(info.region):
        title = title[len(info.region):]
    title = compiled(_conf()["title_noise"]).sub("", title)
    for t in sorted(_conf()["plan_types"], key=len, reverse=True):
        if title.endswith(t):
            return title[: -len(t)]
    return title


def companions(docs: list[AuditContext]) -> Iterable[tuple[AuditContext, AuditContext]]:
    """(scheme, plan) pairs: same region, and the scheme's title names the plan's subject."""
    for a, b in permutations(docs, 2):
        if _kind(a) == "scheme" and _kind(b) == "plan" and same_region(a, b):
            subject = theme(b)
            if len(subject) >= 2 and subject in "".join((a.result.document.title or "").split()):
                yield a, b


def _indicator_count(ctx: AuditContext) -> Optional[tuple[int, str, str, dict]]:
    """(count, how zh, how en, ref) from the announcement, else from the indicator table."""
    decl = next((d for d in ctx.declarations if d.key == "indicators"), None)
    if decl is not None:
        return int(decl.value), "称", "announces", ref(decl, ctx.result.doc_id)
    if ctx.result.indicators:
        return (len(numbered(ctx.result.indicators)), "指标表列有", "lists in its indicator table",
                ref(ctx.result.indicators[0], ctx.result.doc_id))
    return None


@check("cross.indicator_count", scope="cross")
def indicator_count(docs: list[AuditContext]) -> Iterable[Hit]:
    for a, b in companions(docs):
        ca, cb = _indicator_count(a), _indicator_count(b)
        if ca and cb and ca[0] != cb[0]:
            yield Hit({"a_title": a.title, "a_count": ca[0], "b_title": b.title, "b_count": cb[0],
                       "b_how": cb[1], "b_how_en": cb[2]}, [ca[3], cb[3]])


def _differs(pa: Optional[Value], pb: Optional[Value]) -> bool:
    """Two parsed cells give different numbers; worded values ("稳中向好") are not compared."""
    va, vb = numeric(pa), numeric(pb)
    if va is None or vb is None:
        return False
    return (va.op or "=") != (vb.op or "=") or abs(va.value - vb.value) > 1e-9


def _by_name(ctx: AuditContext) -> dict[tuple[str, str], object]:
    """Indicators by (name, qualifier), leaving out names listed more than once."""
    out: dict = {}
    for ind in ctx.result.indicators:
        key = (name_key(ind.name), name_key(ind.qualifier))
        out[key] = None if key in out else ind
    return {k: v for k, v in out.items() if v is not None}


def _value_pairs(ia, ib) -> Iterable[tuple[str, str, str, str]]:
    """(field zh, field en, value in a, value in b) for each differing comparable value."""
    ba, bb = ia.baseline, ib.baseline
    if ba and bb and ba.year and ba.year == bb.year and ba.value and bb.value:
        if _differs(ia.parsed.baseline, ib.parsed.baseline):
            yield f"{ba.year}年现状值", f"the {ba.year} value", ba.value, bb.value
    ta, tb = ia.parsed.targets, ib.parsed.targets
    for year in sorted(set(ia.targets) & set(ib.targets)):
        a, b = ia.targets[year], ib.targets[year]
        if a and b and _differs(ta.get(year), tb.get(year)):
            yield f"{year}年目标值", f"the {year} target", a, b


@check("cross.indicator_values", scope="cross")
def indicator_values(docs: list[AuditContext]) -> Iterable[Hit]:
    for a, b in combinations(docs, 2):
        if not same_region(a, b):
            continue
        ib_all = _by_name(b)
        for key, ia in _by_name(a).items():
            ib = ib_all.get(key)
            if ib is None:
                continue
            for field, field_en, va, vb in _value_pairs(ia, ib):
                yield Hit({"name": ia.name, "field": field, "field_en": field_en, "a_title": a.title,
                           "a_value": va, "b_title": b.title, "b_value": vb},
                          [ref(ia, a.result.doc_id), ref(ib, b.result.doc_id)])


@check("cross.deadline_vs_plan", scope="cross")
def deadline_vs_plan(docs: list[AuditContext]) -> Iterable[Hit]:
    conf = _conf()
    for a, b in companions(docs):
        issued = parse(b.result.document.issue_date)
        if issued is None:
            continue
        names = [compiled(conf["plan_reference"])] + [compiled(regex.escape(theme(b)))]
        adopt = compiled(conf["adoption"])
        for d in a.result.deadlines:
            text = d.action or ""
            when = parse(d.date)
            if (when and before(when, issued) and adopt.search(text)
                    and any(rx.search(text) for rx in names)):
                yield Hit({"a_title": a.title, "raw": d.raw, "date": d.date, "action": text,
                           "b_title": b.title, "issue_date": b.result.document.issue_date},
                          [ref(d, a.result.doc_id), Ref(doc=b.result.doc_id, span=b.doc_span)])
