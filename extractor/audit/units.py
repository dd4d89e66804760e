"""Responsible units: one unit written two ways, units the lexicon does not know.

Two names are one unit written two ways when the lexicon maps them to the same canonical
name, or — when the lexicon does not know one of them — when the shorter is the longer
with a few characters left out, both begin alike and end in the same unit type
("市住房建设局" / "市住房城乡建设局", "市发改委" / "市发展改革委").
"""
from __future__ import annotations

from collections import defaultdict
from typing import Any, Iterable, Optional

from ..patterns import compiled, load
from .context import AuditContext
from .registry import Hit, check, ref


def _clean(name: str) -> str:
    return "".join((name or "").split())


def _unitref(u: Any) -> tuple[str, Optional[str], Optional[bool]]:
    """(name, canonical, known) of a UnitRef or its JSON dict."""
    get = u.get if isinstance(u, dict) else lambda k, d=None: getattr(u, k, d)
    return _clean(get("name")), _clean(get("canonical")) or None, get("known")


def _occurrences(ctx: AuditContext) -> tuple[dict[str, list], dict[str, tuple[Optional[str], Optional[bool]]]]:
    """Records by written name, and (canonical, known) by name where the lexicon said."""
    where: dict[str, list] = defaultdict(list)
    lex: dict[str, tuple[Optional[str], Optional[bool]]] = {}
    for r in ctx.result.responsibilities:
        for u in r.normalized_units:
            name, canon, known = _unitref(u)
            if name:
                lex[name] = (canon, known)
        for name in dict.fromkeys(_clean(n) for n in r.units):
            if name:
                where[name].append(r)
    for p in ctx.result.projects:
        for name in dict.fromkeys(_clean(n) for n in p.responsible_units):
            if name:
                where[name].append(p)
    for name in lex:
        where.setdefault(name, [])
    return where, lex


def _subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


def near_spellings(a: str, b: str) -> bool:
    """The shorter name is the longer with a few characters left out (same start and type)."""
    conf = load("checks")["units"]
    short, long = sorted((a, b), key=len)
    gap = len(long) - len(short)
    return (1 <= gap <= conf["max_left_out"] and len(short) >= conf["min_length"]
            and short[:conf["same_prefix"]] == long[:conf["same_prefix"]]
            and short[-1] == long[-1] and _subsequence(short, long))


def _groups(names: list[str], lex: dict) -> list[list[str]]:
    """Names that are one unit, by lexicon canonical or by near spelling (union-find)."""
    parent = {n: n for n in names}

    def root(n: str) -> str:
        while parent[n] != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    by_canon: dict[str, list[str]] = defaultdict(list)
    for n in names:
        canon, known = lex.get(n, (None, None))
        if canon and known:
            by_canon[canon].append(n)
    for same in by_canon.values():
        for n in same[1:]:
            parent[root(n)] = root(same[0])
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            both_known = lex.get(a, (None, False))[1] and lex.get(b, (None, False))[1]
            if not both_known and near_spellings(a, b):
                parent[root(a)] = root(b)
    groups: dict[str, list[str]] = defaultdict(list)
    for n in names:
        groups[root(n)].append(n)
    return [g for g in groups.values() if len(g) > 1]


@check("unit.variant")
def variants(ctx: AuditContext) -> Iterable[Hit]:
    where, lex = ctx.memo("units", lambda: _occurrences(ctx))  # both unit checks read it
    for group in _groups(list(where), lex):
        group.sort(key=lambda n: -len(where[n]))
        refs = [ref(where[n][0]) for n in group if where[n]]
        yield Hit({"names": [f"{n}（{len(where[n])}次）" for n in group],
                   "names_en": [f"{n} ({len(where[n])}×)" for n in group]}, refs)


@check("unit.unknown")
def unknown(ctx: AuditContext) -> Iterable[Hit]:
    where, lex = ctx.memo("units", lambda: _occurrences(ctx))  # both unit checks read it
    collective = compiled(load("checks")["units"]["collective"])
    for name, (_, known) in lex.items():
        if known is False and not collective.search(name):
            yield Hit({"name": name, "n": len(where[name])}, [ref(r) for r in where[name][:5]])
