"""Field-level comparison of two aligned records of one kind → changes with a direction."""
from __future__ import annotations

import unicodedata
from typing import Any, Optional

from ..records import Value
from .direction import (attribute_direction, date_direction, money_change, number_direction,
                        polarity_of_name, polarity_of_values, target_direction, value_direction)
from .model import Change
from .prose import char_diff


def same(a: Any, b: Any) -> bool:
    """Equal up to Unicode width forms and white space (a re-typed “（” is not a change)."""
    if isinstance(a, str) and isinstance(b, str):
        return _clean(a) == _clean(b)
    if a in (None, "", [], {}) and b in (None, "", [], {}):
        return True
    return a == b


def _clean(s: str) -> str:
    return "".join(unicodedata.normalize("NFKC", s).split())


class Builder:
    """Collects the changes of one aligned pair (spans and key filled in once)."""

    def __init__(self, kind: str, key: str, old: dict, new: dict, skip: frozenset = frozenset()):
        self.kind, self.key, self.o, self.n = kind, key, old, new
        self.skip = skip  # fields one of the documents does not have at all (a table without that column)
        self.changes: list[Change] = []

    def add(self, change: str, field: str, old: Any, new: Any, direction: Optional[str] = None,
            detail: Optional[dict] = None) -> None:
        if field in self.skip:
            return
        self.changes.append(Change(self.kind, change, self.key, field, old, new, direction,
                                   self.o.get("span"), self.n.get("span"), detail or {}))

    def prose(self, field: str, change: str = "modified") -> None:
        a, b = self.o.get(field) or "", self.n.get(field) or ""
        if not same(a, b):
            self.add(change, field, a, b, detail={"ops": char_diff(a, b)})

    def plain(self, field: str, change: str = "modified") -> None:
        a, b = self.o.get(field), self.n.get(field)
        if not same(a, b):
            self.add(change, field, a, b)

    def units(self, field: str, old: list[str], new: list[str],
              canon_old: Optional[list[str]] = None, canon_new: Optional[list[str]] = None) -> None:
        """One change per unit added to or dropped from the record (compared by canonical name)."""
        co = canon_old or [_clean(u) for u in old]
        cn = canon_new or [_clean(u) for u in new]
        for u, c in zip(old, co):
            if c not in cn:
                self.add("modified", field, u, None, "dropped")
        for u, c in zip(new, cn):
            if c not in co:
                self.add("modified", field, None, u, "added")


def indicator(b: Builder) -> None:
    o, n = b.o, b.n
    if not same(o.get("name"), n.get("name")):
        b.add("renamed", "name", o.get("name"), n.get("name"))
    for f in ("qualifier", "group", "unit", "status"):
        b.plain(f)
    pol = _indicator_polarity(o, n)
    if not same(o.get("standard"), n.get("standard")):
        b.add("modified", "standard", o.get("standard"), n.get("standard"),
              target_direction(o.get("standard"), n.get("standard"), pol))
    ob, nb = o.get("baseline") or {}, n.get("baseline") or {}
    if not same(ob.get("value"), nb.get("value")):
        detail = {"old_year": ob.get("year"), "new_year": nb.get("year")} if ob.get("year") != nb.get("year") else {}
        b.add("modified", "baseline", ob.get("value"), nb.get("value"),
              number_direction(ob.get("value"), nb.get("value")), detail)
    elif ob.get("year") != nb.get("year"):
        b.add("modified", "baseline.year", ob.get("year"), nb.get("year"),
              date_direction(_s(ob.get("year")), _s(nb.get("year"))))
    ot, nt = o.get("targets") or {}, n.get("targets") or {}
    for year in sorted(set(ot) | set(nt)):
        if not same(ot.get(year), nt.get(year)):
            b.add("modified", f"targets.{year}", ot.get(year), nt.get(year),
                  target_direction(ot.get(year), nt.get(year), pol))
    if not same(o.get("attribute"), n.get("attribute")):
        b.add("modified", "attribute", o.get("attribute"), n.get("attribute"),
              attribute_direction(o.get("attribute"), n.get("attribute")))
    if sorted(o.get("flags") or []) != sorted(n.get("flags") or []):
        b.add("modified", "flags", o.get("flags"), n.get("flags"))


def _indicator_polarity(o: dict, n: dict) -> int:
    raws = [r.get("standard") for r in (o, n)] + [v for r in (o, n) for v in (r.get("targets") or {}).values()]
    return polarity_of_values(raws) or polarity_of_name(n.get("name")) or polarity_of_name(o.get("name"))


def _s(x: Any) -> Optional[str]:
    return None if x is None else str(x)


def project(b: Builder) -> None:
    o, n = b.o, b.n
    if not same(o.get("name"), n.get("name")):
        b.add("renamed", "name", o.get("name"), n.get("name"))
    b.prose("content")
    op, np_ = o.get("period") or {}, n.get("period") or {}
    if not same(op.get("raw"), np_.get("raw")):
        direction = date_direction(op.get("end"), np_.get("end")) or date_direction(op.get("start"), np_.get("start"))
        b.add("modified", "period", op.get("raw"), np_.get("raw"), direction)
    oi, ni = o.get("investment") or {}, n.get("investment") or {}
    if not same(oi.get("raw"), ni.get("raw")) or not same(oi.get("value"), ni.get("value")):
        direction, detail = money_change(oi, ni)
        b.add("modified", "investment", _money(oi), _money(ni), direction, detail)
    b.units("responsible_units", o.get("responsible_units") or [], n.get("responsible_units") or [])
    if [_clean(x) for x in o.get("indicators") or []] != [_clean(x) for x in n.get("indicators") or []]:
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
    if (ov.op, ov.value, ov.unit) != (nv.op, nv.value, nv.unit):
        pol = polarity_of_name(n.get("subject")) or polarity_of_name(o.get("subject"))
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
    return [_clean(x.get("canonical") or x.get("name") or "") for x in refs]


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
