"""Announced counts vs the tables: indicators (by 序号 and by row, by attribute and status),
key projects, the rows of task tables (in all and per 方面), and the total investment."""
from __future__ import annotations

from itertools import groupby
from typing import Iterable, Sequence

from ..patterns import load
from ..text.declared import Declaration, status_class
from .context import AuditContext
from .registry import Hit, check, ref


def numbered(records: Sequence) -> list[list]:
    """Records grouped by 序号: consecutive rows of one table sharing a seq are one item."""
    groups: list[list] = []
    for rec in records:
        last = groups[-1][0] if groups else None
        if last is not None and rec.seq and last.seq == rec.seq and last.table == rec.table:
            groups[-1].append(rec)
        else:
            groups.append([rec])
    return groups


def _counts(records: Sequence) -> tuple[int, int, set[int]]:
    """(by 序号, by row, every acceptable count: totals and per-table counts)."""
    by_seq, by_row = len(numbered(records)), len(records)
    ok = {by_seq, by_row}
    for _, recs in groupby(records, key=lambda r: r.table):
        recs = list(recs)
        ok |= {len(numbered(recs)), len(recs)}
    return by_seq, by_row, ok


def _distinct(decls: Iterable[Declaration], key: str) -> list[Declaration]:
    """The first declaration of each distinct value of ``key``."""
    seen, out = set(), []
    for d in decls:
        if d.key == key and d.value not in seen:
            seen.add(d.value)
            out.append(d)
    return out


def _total(ctx: AuditContext, records: list, key: str) -> Iterable[Hit]:
    """An announced number of records (by 序号 or by row) that the table does not hold."""
    if not records:
        return
    by_seq, by_row, ok = _counts(records)
    for d in _distinct(ctx.declarations, key):
        if int(d.value) not in ok:
            yield Hit({"declared": d.value, "by_seq": by_seq, "by_row": by_row},
                      [ref(d), ref(records[0])])


@check("count.indicators")
def indicator_total(ctx: AuditContext) -> Iterable[Hit]:
    return _total(ctx, ctx.result.indicators, "indicators")


@check("count.tasks")
def task_total(ctx: AuditContext) -> Iterable[Hit]:
    """"（共23项）" / "（一）…方面5项" against the rows of the task tables (a 方面 counted among
    the rows whose divider names it; one no divider names is not this table's)."""
    rows = [t for t in ctx.result.tasks if t.table]
    if not rows:
        return
    by_seq, by_row, ok = _counts(rows)
    for d in _distinct(ctx.declarations, "tasks"):
        if int(d.value) not in ok:
            yield Hit({"what": "", "what_en": "", "declared": d.value, "found": by_seq}, [ref(d), ref(rows[0])])
    per_category: dict[str, list] = {}  # a long plan repeats its categories: rows scanned once per category
    for d in ctx.declarations:
        if not d.key.startswith("tasks."):
            continue
        category = d.key.split(".", 1)[1]
        if category not in per_category:
            per_category[category] = [t for t in rows if t.category and category in t.category]
        found = per_category[category]
        if found and int(d.value) not in (len(found), len(numbered(found))):
            yield Hit({"what": category, "what_en": f" in {category}", "declared": d.value, "found": len(found)},
                      [ref(d), ref(found[0])])


@check("count.indicators_by_kind")
def indicator_kinds(ctx: AuditContext) -> Iterable[Hit]:
    inds = ctx.result.indicators
    if not inds:
        return
    groups = numbered(inds)
    status = {id(r): status_class(r.status) for r in inds}  # once per indicator, not per declaration
    per_kind: dict[str, tuple[list, list]] = {}  # a long plan repeats its kinds: indicators scanned once per kind
    for d in ctx.declarations:
        if not d.key.startswith("indicators."):
            continue
        kind = d.key.split(".", 1)[1]
        if kind not in per_kind:
            per_kind[kind] = ([r for r in inds if r.attribute == kind or status[id(r)] == kind],
                              [g for g in groups if g[0].attribute == kind or status[id(g[0])] == kind])
        rows, heads = per_kind[kind]
        if int(d.value) not in (len(rows), len(heads)):
            yield Hit({"kind": kind, "declared": d.value, "found": len(heads)},
                      [ref(d)] + [ref(g[0]) for g in heads[:1]])


@check("count.projects")
def project_total(ctx: AuditContext) -> Iterable[Hit]:
    return _total(ctx, ctx.result.projects, "projects")


@check("count.investment")
def investment_total(ctx: AuditContext) -> Iterable[Hit]:
    scale = load("checks")["declared"]["money_scale"]
    priced = [(p, p.investment.value, p.investment.unit or "万元") for p in ctx.result.projects if p.investment]
    priced = [(p, v * scale[u]) for p, v, u in priced if v is not None and u in scale]
    if not priced:
        return
    total = sum(v for _, v in priced)
    for d in _distinct(ctx.declarations, "investment"):
        tolerance = 0.5 * 10 ** -d.decimals * scale.get(d.unit or "万元", 1.0)
        if abs(total - d.value) > tolerance + 1e-6:
            yield Hit({"declared": round(d.value, 4), "total": round(total, 4), "priced": len(priced),
                       "unpriced": len(ctx.result.projects) - len(priced)},
                      [ref(d)] + [ref(p) for p, _ in priced[:1]])


@check("count.conflict")
def conflicting_declarations(ctx: AuditContext) -> Iterable[Hit]:
    keys = dict.fromkeys(d.key for d in ctx.declarations)
    for key in keys:
        distinct = _distinct(ctx.declarations, key)
        if len(distinct) > 1:
            yield Hit({"key": key, "values": [d.raw for d in distinct]}, [ref(d) for d in distinct])
