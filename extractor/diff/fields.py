"""Field-level comparison of two aligned records of one kind → changes with a direction.

Differences that do not change what a field says (character width, white space, unit
spelling, footnote markers) are not changes: they are listed as cosmetic."""
from __future__ import annotations

from typing import Any, Optional

from ..polarity import record_polarity
from ..records import Value
from .direction import (attribute_direction, baseline_trend, date_direction, money_change,
                        polarity_of_values, target_direction, value_direction)
from .model import Change
from .normalise import EMPTY, clean, same, same_unit, same_value
from .prose import char_diff


class Builder:
    """Collects the changes of one aligned pair (spans and key filled in once)."""

    def __init__(self, kind: str, key: str, old: dict, new: dict, skip: frozenset = frozenset()):
        self.kind, self.key, self.o, self.n = kind, key, old, new
        self.skip = skip  # fields one of the documents does not have at all (a table without that column)
        self.changes: list[Change] = []
        self.cosmetic: list[dict] = []  # fields that differ in spelling only

    def differs(self, field: str, a: Any, b: Any, how=same) -> bool:
        """Whether ``a`` → ``b`` is a change (``how`` tells when two values are the same); a
        difference in spelling only is noted as cosmetic."""
        if a == b or (a in EMPTY and b in EMPTY):
            return False
        if how(a, b):
            self.cosmetic.append({"kind": self.kind, "key": self.key, "field": field, "old": a, "new": b})
            return False
        return True

    def add(self, change: str, field: str, old: Any, new: Any, direction: Optional[str] = None,
            detail: Optional[dict] = None) -> None:
        if field in self.skip:
            return
        self.changes.append(Change(self.kind, change, self.key, field, old, new, direction,
                                   self.o.get("span"), self.n.get("span"), detail or {}))

    def prose(self, field: str, change: str = "modified") -> None:
        a, b = self.o.get(field) or "", self.n.get(field) or ""
        if self.differs(field, a, b):
            self.add(change, field, a, b, detail={"ops": char_diff(a, b)})

    def plain(self, field: str, change: str = "modified", how=same, direction: Optional[str] = None) -> None:
        a, b = self.o.get(field), self.n.get(field)
        if self.differs(field, a, b, how):
            self.add(change, field, a, b, direction)

    def units(self, field: str, old: list[str], new: list[str],
              canon_old: Optional[list[str]] = None, canon_new: Optional[list[str]] = None) -> None:
        """One change per unit added to or dropped from the record (compared by canonical name)."""
        co = canon_old or [clean(u) for u in old]
        cn = canon_new or [clean(u) for u in new]
        for u, c in zip(old, co):
            if c not in cn:
                self.add("modified", field, u, None, "dropped")
        for u, c in zip(new, cn):
            if c not in co:
                self.add("modified", field, None, u, "added")


def indicator(b: Builder) -> None:
    o, n = b.o, b.n
    if b.differs("name", o.get("name"), n.get("name")):
        b.add("renamed", "name", o.get("name"), n.get("name"))
    for f in ("qualifier", "group"):
        b.plain(f)
    b.plain("unit", how=same_unit)
    b.plain("status", direction="revised")
    pol = indicator_polarity(o, n)
    if b.differs("standard", o.get("standard"), n.get("standard"), same_value):
        b.add("modified", "standard", o.get("standard"), n.get("standard"),
              target_direction(o.get("standard"), n.get("standard"), pol))
    ob, nb = o.get("baseline") or {}, n.get("baseline") or {}
    if b.differs("baseline", ob.get("value"), nb.get("value"), same_value):
        detail = {"old_year": ob.get("year"), "new_year": nb.get("year")} if ob.get("year") != nb.get("year") else {}
        trend = baseline_trend(ob.get("value"), nb.get("value"), _own_polarity(o, n))
        if trend:
            detail["trend"] = trend
        b.add("modified", "baseline", ob.get("value"), nb.get("value"), "revised", detail)
    elif ob.get("year") != nb.get("year") and b.differs("baseline.year", ob.get("year"), nb.get("year")):
        b.add("modified", "baseline.year", ob.get("year"), nb.get("year"), "revised")
    ot, nt = o.get("targets") or {}, n.get("targets") or {}
    for year in sorted(set(ot) | set(nt)):
        if b.differs(f"targets.{year}", ot.get(year), nt.get(year), same_value):
            b.add("modified", f"targets.{year}", ot.get(year), nt.get(year),
                  target_direction(ot.get(year), nt.get(year), pol))
    if b.differs("attribute", o.get("attribute"), n.get("attribute")):
        b.add("modified", "attribute", o.get("attribute"), n.get("attribute"),
              attribute_direction(o.get("attribute"), n.get("attribute")))
    # footnote markers ("*") say nothing about the value: cosmetic
    b.differs("flags", sorted(o.get("flags") or []), sorted(n.get("flags") or []), lambda a, c: True)


def _own_polarity(o: dict, n: dict) -> int:
    """The indicator's polarity from its record, the catalogue or its name (not from its values'
    comparators)."""
    return record_polarity(n) or record_polarity(o)


def indicator_polarity(o: dict, n: dict) -> int:
    """Polarity for target directions: the comparators the values state, else the indicator's own."""
    raws = [r.get("standard") for r in (o, n)] + [v for r in (o, n) for v in (r.get("targets") or {}).values()]
    return polarity_of_values(raws) or _own_polarity(o, n)


def _s(x: Any) -> Optional[str]:
    return None if x is None else str(x)


def project(b: Builder) -> None:
    o, n = b.o, b.n
    if b.differs("name", o.get("name"), n.get("name")):
        b.add("renamed", "name", o.get("name"), n.get("name"))
    b.prose("content")
    op, np_ = o.get("period") or {}, n.get("period") or {}
    if b.differs("period", op.get("raw"), np_.get("raw")):
        direction = date_direction(op.get("end"), np_.get("end")) or date_direction(op.get("start"), np_.get("start"))
        b.add("modified", "period", op.get("raw"), np_.get("raw"), direction)
    oi, ni = o.get("investment") or {}, n.get("investment") or {}
    if not same(oi.get("raw"), ni.get("raw")) or not same(oi.get("value"), ni.get("value")):
        direction, detail = money_change(oi, ni)
        b.add("modified", "investment", _money(oi), _money(ni), direction, detail)
    b.units("responsible_units", o.get("responsible_units") or [], n.get("responsible_units") or [])
    if b.differs("indicators", o.get("indicators") or [], n.get("indicators") or [],
                 lambda a, c: [clean(x) for x in a] == [clean(x) for x in c]):
        b.add("modified", "indicators", o.get("indicators"), n.get("indicators"))


def _money(m: dict) -> Optional[str]:
    if not m or m.get("raw") is None:
        return None
    raw = str(m["raw"])
    unit = m.get("unit")
    return raw if not unit or raw.endswith(unit) else f"{raw}{unit}"


def deadline(b: Builder) -> None:
    o, n = b.o, b.n
    if not same(o.get("date"), n.get("date")):
        b.add("modified", "date", o.get("raw"), n.get("raw"), date_direction(o.get("date"), n.get("date")),
              {"old_date": o.get("date"), "new_date": n.get("date")})
    elif not same(o.get("start"), n.get("start")):
        b.add("modified", "start", o.get("raw"), n.get("raw"), date_direction(o.get("start"), n.get("start")))
    elif o.get("kind") != n.get("kind"):
        b.add("modified", "kind", o.get("raw"), n.get("raw"))


def target(b: Builder) -> None:
    o, n = b.o, b.n
    ov, nv = _target_value(o), _target_value(n)
    if (ov.op, ov.value) != (nv.op, nv.value) or not same_unit(ov.unit, nv.unit):
        pol = record_polarity(n) or record_polarity(o)
        b.add("modified", "value", o.get("raw"), n.get("raw"), value_direction(ov, nv, pol))
    elif o.get("year") != n.get("year"):
        b.add("modified", "year", o.get("year"), n.get("year"), date_direction(_s(o.get("year")), _s(n.get("year"))))


def _target_value(r: dict) -> Value:
    return Value(raw=r.get("raw"), op=r.get("op"), value=r.get("value"), unit=r.get("unit"))


def responsibility(b: Builder) -> None:
    o, n = b.o, b.n
    b.units("units", o.get("units") or [], n.get("units") or [], _canon(o), _canon(n))
    b.plain("role")


def _canon(r: dict) -> Optional[list[str]]:
    refs = r.get("normalized_units") or []
    if len(refs) != len(r.get("units") or []):
        return None
    return [clean(x.get("canonical") or x.get("name") or "") for x in refs]


def present_fields(records: list[dict]) -> set[str]:
    """The field names (as changes name them) that hold a value in at least one record."""
    out: set[str] = set()
    for r in records:
        for k, v in r.items():
            if k == "targets":
                out.update(f"targets.{y}" for y, t in (v or {}).items() if t not in (None, ""))
            elif k == "baseline":
                out.update(f for f, x in (("baseline", (v or {}).get("value")), ("baseline.year", (v or {}).get("year")))
                           if x not in (None, ""))
            elif k in ("period", "investment"):
                if (v or {}).get("raw") not in (None, ""):
                    out.add(k)
            elif v not in (None, "", [], {}):
                out.add(k)
    return out


COMPARE = {"indicator": indicator, "project": project, "deadline": deadline, "target": target,
           "responsibility": responsibility}
