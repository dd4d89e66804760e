"""The record kinds the diff compares: one :class:`Comparator` per kind, registered by kind.

A comparator says, for its kind, which records of an :class:`~extractor.records.ExtractResult`
take part, how two documents' records are aligned, which fields of an aligned pair are compared
and how a change is named (its key and one-line summary), and which columns its sheet of the
Excel report shows.  The engine (``engine.py``) and the reports iterate the registry; they hold
no kind of their own.  The display names of a kind are in ``patterns/labels.toml``.

Adding a record kind to the diff::

    @register
    class Budget(Comparator):
        kind, records = "budget", "budgets"
        def key(self, r): return r.name
        def align(self, d): return align_by_name(d.old[self.kind], d.new[self.kind])
        def compare(self, b): b.plain("amount")
"""
from __future__ import annotations

import dataclasses
import importlib
from typing import TYPE_CHECKING, Any, NamedTuple, Sequence, TypeVar

if TYPE_CHECKING:
    from .engine import Diff
    from .fields import Builder
    from .model import Row

Pairs = list[tuple[int, int]]
BUILTIN = ("indicator", "project", "deadline", "responsibility", "target", "task", "section")  # report order


class Column(NamedTuple):
    """A column of a kind's sheet: its title, the record path it shows ("baseline.value") and the
    change fields that mark its cell as changed."""

    name: str
    path: str
    fields: tuple[str, ...]


def col(name: str, path: str = "", fields: Sequence[str] | None = None) -> Column:
    """A column showing ``path`` (default: ``name``), marked by changes of ``fields`` (default: ``name``)."""
    return Column(name, path or name, tuple((name,) if fields is None else fields))


class Comparator:
    """How the diff compares one record kind (subclass it and :func:`register` the subclass)."""

    kind: str = ""  # singular, the ``kind`` of its changes ("indicator"); labels.toml [kinds.<kind>]
    records: str = ""  # the ExtractResult list that holds them ("indicators")
    removal_matters = False  # a removed record is among what an auditor reads first
    structural = False  # counts for the record overlap that tells two versions of one plan
    quotes_task = False  # its ``raw`` quotes its task's text: its change explains that prose edit
    columns: tuple[Column, ...] = ()  # its sheet in the Excel report

    def select(self, records: Sequence[Any]) -> list:
        """The records the diff compares (all, unless a kind leaves some out)."""
        return list(records)

    def key(self, r: Any) -> str:
        """A readable key naming the record."""
        raise NotImplementedError

    def summary(self, r: Any) -> str:
        """What a whole added or removed record says, in one line."""
        return self.key(r)

    def align(self, d: "Diff") -> Pairs:
        """The aligned (old index, new index) pairs of ``d.old[kind]`` and ``d.new[kind]``."""
        raise NotImplementedError

    def compare(self, b: "Builder") -> None:
        """The changes of one aligned pair (``b.o`` → ``b.n``), added to ``b``."""

    def emit(self, d: "Diff") -> None:
        """Report the kind's changes: each aligned pair compared, the others added or removed."""
        d.table_like(self)

    def settle(self, d: "Diff") -> None:
        """After every kind reported its changes: link the changes that follow from another kind's."""

    def present(self, r: Any) -> set[str]:
        """The fields (as changes name them) that hold a value in record ``r``."""
        return {f.name for f in dataclasses.fields(r) if getattr(r, f.name) not in (None, "", [], {})}

    def sheet_columns(self, rows: list["Row"]) -> list[Column]:
        """The columns of the kind's sheet for these rows."""
        return list(self.columns)


_REGISTRY: dict[str, Comparator] = {}
C = TypeVar("C", bound=type)


def register(cls: C) -> C:
    """Class decorator: compare the records of ``cls.kind`` with an instance of ``cls`` (a kind
    registered again is replaced)."""
    if not cls.kind or not cls.records:
        raise ValueError(f"{cls.__name__}: a comparator names its kind and its records list")
    _REGISTRY[cls.kind] = cls()
    return cls


def unregister(kind: str) -> None:
    _REGISTRY.pop(kind, None)


def comparators() -> list[Comparator]:
    """Every registered comparator: the built-in kinds in report order, then any other."""
    for name in BUILTIN:
        importlib.import_module(f"{__package__}.kinds.{name}")
    return sorted(_REGISTRY.values(), key=lambda c: BUILTIN.index(c.kind) if c.kind in BUILTIN else len(BUILTIN))


def comparator(kind: str) -> Comparator:
    return {c.kind: c for c in comparators()}[kind]


def kinds() -> tuple[str, ...]:
    """The kinds the diff compares, in report order."""
    return tuple(c.kind for c in comparators())
