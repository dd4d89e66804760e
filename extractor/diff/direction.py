"""Direction of a change: tightened/loosened/quantified targets, earlier/later dates,
raised/cut money, revised baselines.  Lexicons live in ``patterns/diff.toml`` and (polarity of
indicator names) ``patterns/polarity.toml``."""
from __future__ import annotations

import calendar
import functools
from typing import Any, Optional

from ..patterns import load
from ..polarity import is_reduction
from ..records import Value
from ..values import parse_value
from ..measures import unit_key
from .fields import get

_UP_OPS = (">=", ">")
_DOWN_OPS = ("<=", "<")


@functools.lru_cache(maxsize=None)
def _p() -> dict:
    return load("diff")


def polarity_of_values(raws: list[Optional[str]]) -> int:
    """Polarity stated by the comparators of some values (≥ → +1, ≤ → -1; 0 if none or mixed)."""
    ups = downs = 0
    for raw in raws:
        v = parse_value(raw)
        ups += v.op in _UP_OPS
        downs += v.op in _DOWN_OPS
        if v.qualitative and is_reduction(v.qualitative):
            ups += 1
    return 1 if ups > downs else -1 if downs > ups else 0


def _bound(v, polarity: int) -> Optional[tuple[float, bool]]:
    """The binding end of a value for this polarity: (number, strict)."""
    if v.value is None:
        return None
    if v.op == "range":
        return (v.value if polarity > 0 else (v.value_max if v.value_max is not None else v.value)), False
    return float(v.value), v.op in (">", "<")


def target_direction(old_raw: Optional[str], new_raw: Optional[str], polarity: int = 0) -> Optional[str]:
    """tightened / loosened / quantified (or None) for a target or standard that changed.

    ``polarity`` is the record's own (+1 higher is stricter, -1 lower is); the values'
    comparators take precedence over it."""
    return value_direction(parse_value(old_raw), parse_value(new_raw), polarity)


def value_direction(old: Value, new: Value, polarity: int = 0) -> Optional[str]:
    """:func:`target_direction` for parsed values."""
    if old.value is None and new.value is not None:
        return "quantified" if (old.raw or "").strip() else None
    if old.value is not None and new.value is None:
        return "loosened" if new.qualitative else None
    if old.value is None or new.value is None:
        return None
    if old.unit and new.unit and unit_key(old.unit) != unit_key(new.unit):
        return None
    ops = {old.op, new.op} - {None, "=", "range"}
    if ops and (ops <= set(_UP_OPS) or ops <= set(_DOWN_OPS)):
        polarity = 1 if ops <= set(_UP_OPS) else -1
    elif ops:
        return None  # "≥" became "≤": not a tightening or loosening of one bound
    else:
        polarity = polarity_of_values([old.raw, new.raw]) or polarity
        if polarity == 0:
            return None
    a, b = _bound(old, polarity), _bound(new, polarity)
    if a[0] != b[0]:
        stricter = (b[0] > a[0]) if polarity > 0 else (b[0] < a[0])
        return "tightened" if stricter else "loosened"
    if a[1] != b[1]:
        return "tightened" if b[1] else "loosened"
    return None


def attribute_direction(old: Optional[str], new: Optional[str]) -> Optional[str]:
    """约束性 ↔ 预期性/参考性: tightened / loosened."""
    rank = _p()["attribute_rank"]
    a, b = rank.get((old or "").strip()), rank.get((new or "").strip())
    if a is None or b is None or a == b:
        return None
    return "tightened" if b > a else "loosened"


def _date_key(iso: Optional[str]) -> Optional[tuple[int, int, int]]:
    """The last day an ISO date of any precision covers ("2025" → 2025-12-31); None if unreadable."""
    if not iso:
        return None
    parts = str(iso).split("-")
    try:
        nums = [int(x) for x in parts[:3]]
    except ValueError:
        return None
    year = nums[0]
    month = nums[1] if len(nums) > 1 else 12
    if not 1 <= month <= 12:
        return None
    day = nums[2] if len(nums) > 2 else calendar.monthrange(year, month)[1]
    return year, month, day


def date_direction(old: Optional[str], new: Optional[str]) -> Optional[str]:
    """earlier / later for two ISO dates of any precision."""
    a, b = _date_key(old), _date_key(new)
    if a is None or b is None or a == b:
        return None
    return "later" if b > a else "earlier"


def money_in_wan(amount: Any) -> Optional[float]:
    """An investment (raw, value, unit) in 万元 (None when unreadable)."""
    value = get(amount, "value")
    if value is None:
        return None
    scale = _p()["money_units"].get((get(amount, "unit") or "万元").strip())
    return None if scale is None else float(value) * scale


def money_change(old: Any, new: Any) -> tuple[Optional[str], dict]:
    """raised / cut with {"delta": 万元, "pct": %} for two investments."""
    a, b = money_in_wan(old), money_in_wan(new)
    if a is None or b is None or a == b:
        return None, {}
    detail = {"delta": round(b - a, 4), "unit": "万元"}
    if a:
        detail["pct"] = round((b - a) / a * 100, 2)
    return ("raised" if b > a else "cut"), detail


def baseline_trend(old: Optional[str], new: Optional[str], polarity: int) -> Optional[str]:
    """"better" / "worse" for a revised current value of an indicator whose polarity is known."""
    a, b = parse_value(old), parse_value(new)
    if a.value is None or b.value is None or a.value == b.value or polarity == 0:
        return None
    return "better" if (b.value > a.value) == (polarity > 0) else "worse"
