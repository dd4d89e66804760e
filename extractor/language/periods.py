"""Five-year plans (五年规划): "“十四五”" is the 14th plan, 2021–2025 — the one place that turns
a plan's number into its years (a reference plan's number and first year, and the "十X五" form,
are data in patterns/periods.toml)."""
from __future__ import annotations

import functools
from typing import Optional

from ..patterns import compiled, load
from .numerals import digit


@functools.lru_cache(maxsize=None)
def _p() -> dict:
    return load("periods")


def five_year_rx() -> str:
    """The "十X五" pattern (group ``N``: the digit after 十; ``q1``/``q2``: its quotes)."""
    return _p()["five_year"]


def plan_years(number: int) -> tuple[int, int]:
    """The first and last year of five-year plan ``number``: 14 → (2021, 2025)."""
    p = _p()
    start = p["reference_start"] + 5 * (number - p["reference_plan"])
    return start, start + 4


def ten_x_five(n_digit: str) -> tuple[int, int]:
    """Years of the plan "十X五" given X: "四" → (2021, 2025)."""
    return plan_years(10 + digit(n_digit))


def find_plan(text: str) -> Optional[tuple[int, int]]:
    """Years of the first five-year plan ``text`` names ("“十四五”主要指标" → (2021, 2025))."""
    m = compiled(five_year_rx()).search(text)
    return ten_x_five(m["N"]) if m else None
