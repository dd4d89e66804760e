"""Responsibility notes (责任单位): aligned within their task; units added or dropped (by their
canonical names) and the role compared."""
from __future__ import annotations

from typing import Any, Optional

from ..fields import Builder
from ..normalise import clean
from ..registry import col, register
from .common import InTask


@register
class Responsibilities(InTask):
    kind, records = "responsibility", "responsibilities"
    columns = (col("section", fields=()), col("task", fields=()), col("units"), col("role"),
               col("raw", fields=()))

    def what(self, r: Any) -> Optional[str]:
        return "、".join(r.units or [])

    def compare(self, b: Builder) -> None:
        o, n = b.o, b.n
        b.units("units", o.units or [], n.units or [], _canonical(o), _canonical(n))
        b.plain("role")


def _canonical(r: Any) -> Optional[list[str]]:
    """The canonical names of the record's units (None unless every unit has one)."""
    refs = r.normalized_units or []
    if len(refs) != len(r.units or []):
        return None
    return [clean(x.canonical or x.name or "") for x in refs]
