"""Comparing parsed indicator values (SPEC's V): direction, "meets", "weaker than"."""
from __future__ import annotations

import functools
from typing import Optional

from ..language.normalise import nfkc
from ..patterns import compiled, load
from ..records import Indicator, Value

_EPS = 1e-9
HIGHER = (">=", ">")
LOWER = ("<=", "<")


def numeric(v: Optional[Value]) -> Optional[Value]:
    """The value when it is one plain number (not qualitative, not one of several variants)."""
    if v is None or v.value is None or v.qualitative:
        return None
    if v.raw and any(sep in v.raw for sep in ("；", ";", "\n", "/")):
        return None
    return v


def standard(ind: Indicator) -> Optional[Value]:
    return numeric(ind.parsed.standard)


def baseline(ind: Indicator) -> Optional[Value]:
    """The current value; a qualitative note with a number ("达标（40）") still counts."""
    v = ind.parsed.baseline
    if v is None or v.value is None:
        return None
    if v.raw and any(sep in v.raw for sep in ("；", ";", "\n")):
        return None
    return v


def targets(ind: Indicator) -> dict[str, Value]:
    """Numeric targets by year, in year order."""
    out = {y: numeric(v) for y, v in sorted(ind.parsed.targets.items())}
    return {y: v for y, v in out.items() if v is not None}


def direction(*values: Optional[Value]) -> Optional[int]:
    """+1 when higher is better, -1 when lower is better, from the first value with an op."""
    for v in values:
        if v is not None and v.op in HIGHER:
            return 1
        if v is not None and v.op in LOWER:
            return -1
    return None


def meets(x: float, requirement: Value) -> Optional[bool]:
    """Whether the number ``x`` satisfies a requirement such as "≥60" or "100"."""
    r = requirement.value
    if r is None:
        return None
    return {">=": x >= r - _EPS, ">": x > r + _EPS, "<=": x <= r + _EPS, "<": x < r - _EPS}.get(
        requirement.op or "=", abs(x - r) <= _EPS)


def weaker(a: float, b: float, sign: int) -> bool:
    """Whether ``a`` is a weaker level than ``b`` when ``sign`` says which way is better."""
    return (b - a) * sign > _EPS


def shown(v: Optional[Value]) -> str:
    """A value as the document writes it."""
    if v is None:
        return "—"
    if v.raw:
        return v.raw
    op = {">=": "≥", "<=": "≤"}.get(v.op or "", v.op or "")
    return f"{op}{v.value:g}" if v.value is not None else op


def is_change(v: Optional[Value]) -> bool:
    """A value written as a change ("△EQI＞-1", "下降10%"), not as a level."""
    return bool(v) and _written_as_change(v.raw, v.qualitative, load("checks")["values"]["change"])


@functools.lru_cache(maxsize=4096)
def _written_as_change(raw: Optional[str], qualitative: Optional[str], change: str) -> bool:
    """:func:`is_change` of a value's texts under the pattern ``change`` (the checks ask it of the
    same values again and again: cached)."""
    text = nfkc(" ".join(x for x in (raw, qualitative) if x))
    return bool(text) and bool(compiled(change).search(text))


def bare_name(s: Optional[str]) -> str:
    """An indicator name or a target subject without brackets, numbering, markers and spaces
    ("1.城市细颗粒物（PM2.5）浓度*" → "城市细颗粒物浓度")."""
    s = nfkc(s or "")
    s = compiled(r"[(（][^()（）]*[)）]").sub("", s)
    return compiled(r"^[\s0-9.、]+|[\s*＊△▲※#]+").sub("", s)


def name_key(s: Optional[str]) -> str:
    """An indicator name for matching: NFKC, no spaces or trailing note markers."""
    s = nfkc(s or "")
    return "".join(s.split()).rstrip("*＊△▲")


def label(ind: Indicator) -> str:
    """The name with its group and qualifier, for messages."""
    name = f"{ind.group}·{ind.name}" if ind.group and ind.group != ind.name else ind.name
    return name + (f"（{ind.qualifier}）" if ind.qualifier else "")
