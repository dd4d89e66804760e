"""Deadlines in the prose: aligned within their task; the date (earlier / later), the start and
the kind compared."""
from __future__ import annotations

from typing import Any

from ..direction import date_direction
from ..fields import Builder
from ..normalise import same
from ..registry import col, register
from .common import InTask


@register
class Deadlines(InTask):
    kind, records = "deadline", "deadlines"
    columns = (col("section", fields=()), col("task", fields=()), col("raw", fields=("date", "start", "kind")),
               col("date"), col("start"), col("kind"))

    def text(self, r: Any) -> str:
        return f"{r.raw or ''}{r.action or ''}"

    def compare(self, b: Builder) -> None:
        o, n = b.o, b.n
        if not same(o.date, n.date):
            b.add("modified", "date", o.raw, n.raw, date_direction(o.date, n.date),
                  {"old_date": o.date, "new_date": n.date})
        elif not same(o.start, n.start):
            b.add("modified", "start", o.raw, n.raw, date_direction(o.start, n.start))
        elif o.kind != n.kind:
            b.add("modified", "kind", o.raw, n.raw)
