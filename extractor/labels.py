"""Display names (Chinese, English) of record kinds, diff changes, directions and trends: one
place, ``patterns/labels.toml``, read by the diff reports, the review page and the audit.

>>> kind_label("indicator")
'指标 Indicators'
"""
from __future__ import annotations

from typing import NamedTuple

from .patterns import load


class Label(NamedTuple):
    zh: str
    en: str

    def __str__(self) -> str:
        """"指标 Indicators": the form the reports show."""
        return f"{self.zh} {self.en}"


def _table(name: str) -> dict[str, Label]:
    return {k: Label(v["zh"], v["en"]) for k, v in load("labels")[name].items()}


def kind_name(kind: str) -> Label:
    """The names of a record kind; a kind without a ``[kinds.<kind>]`` table is named by itself."""
    return _table("kinds").get(kind) or Label(kind, kind)


def kind_label(kind: str) -> str:
    return str(kind_name(kind))


def change_label(change: str) -> str:
    return str(_table("changes")[change])


def direction_label(direction: str) -> str:
    return str(_table("directions")[direction])


def trend_label(trend: str) -> str:
    return str(_table("trends")[trend])
