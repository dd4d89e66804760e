"""The check registry: check functions by id, their settings from ``patterns/checks.toml``.

A check is a function registered with :func:`check` that yields :class:`Hit` s; the
runner turns hits into :class:`~extractor.records.Finding` s with the severity and the
Chinese/English message templates configured for the check id.  Checks switched off
(``enabled = false``) or skipped by the caller are not run.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Optional

from ..patterns import load
from ..records import Finding, Ref

# modules whose import registers their checks
CHECK_MODULES = ("counts", "indicators", "prose", "dates", "units", "cross")


@dataclass
class Hit:
    """One problem a check found: message parameters and the records involved."""

    params: dict
    refs: list[Ref] = field(default_factory=list)


@dataclass
class CheckDef:
    id: str
    scope: str  # "document" or "cross"
    func: Callable[[Any], Iterable[Hit]]


_REGISTRY: dict[str, CheckDef] = {}


def check(check_id: str, scope: str = "document") -> Callable:
    """Decorator: register ``func(ctx) -> Iterable[Hit]`` under ``check_id``."""

    def deco(func: Callable) -> Callable:
        _REGISTRY[check_id] = CheckDef(check_id, scope, func)
        return func

    return deco


def registered(scope: str) -> list[CheckDef]:
    """All registered checks of a scope, in the order of ``patterns/checks.toml``."""
    for mod in CHECK_MODULES:
        importlib.import_module(f"{__package__}.{mod}")
    order = list(settings())
    defs = [d for d in _REGISTRY.values() if d.scope == scope]
    return sorted(defs, key=lambda d: order.index(d.id) if d.id in order else len(order))


def settings() -> dict:
    """The ``[checks.<id>]`` tables of ``patterns/checks.toml``."""
    return load("checks")["checks"]


def _matches(check_id: str, names: Iterable[str]) -> bool:
    """``check_id`` is one of ``names`` or in a family named by one ("date" → "date.*")."""
    return any(check_id == s or check_id.startswith(s.rstrip(".") + ".") for s in names)


def unknown_names(names: Iterable[str]) -> list[str]:
    """The names that are neither a check id nor a family of check ids ("date")."""
    for mod in CHECK_MODULES:
        importlib.import_module(f"{__package__}.{mod}")
    ids = set(_REGISTRY) | set(settings())
    return [n for n in dict.fromkeys(names) if not any(_matches(i, [n]) for i in ids)]


def enabled(check_id: str, skip: Iterable[str] = (), only: Iterable[str] = ()) -> bool:
    """Whether a check runs: switched on (or asked for by ``only``) and not skipped."""
    only = list(only)
    if only:
        return _matches(check_id, only) and not _matches(check_id, skip)
    conf = settings().get(check_id, {})
    return bool(conf.get("enabled", True)) and not _matches(check_id, skip)


def ref(record: Any, doc: Optional[str] = None) -> Ref:
    """A finding reference to a record (its id and span; ``doc`` for cross-document refs)."""
    return Ref(doc=doc, id=getattr(record, "id", None), span=getattr(record, "span", None))


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return "?"


def to_finding(check_id: str, hit: Hit, n: int) -> Finding:
    """The numbered finding ``find-<n>`` for a hit of ``check_id``."""
    conf = settings().get(check_id, {})
    zh = _Blank({k: _fmt(v, "、") for k, v in hit.params.items()})
    en = _Blank({k: _fmt(v, ", ") for k, v in hit.params.items()})
    return Finding(id=f"find-{n}", check=check_id, severity=conf.get("severity", "warning"),
                   message=conf.get("message", check_id).format_map(zh),
                   message_en=conf.get("message_en", check_id).format_map(en),
                   refs=hit.refs)


def _fmt(v: Any, sep: str) -> Any:
    """Numbers without a spurious ".0"; lists joined with ``sep``."""
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if isinstance(v, float):
        return round(v, 6)
    if isinstance(v, (list, tuple)):
        return sep.join(str(_fmt(x, sep)) for x in v)
    return v
