"""Chinese digits and small numerals: "二〇二一" → 2021 digit by digit, "十二" → 12 (the digits'
values are data: ``cn_digit_values`` in patterns/numbers.toml)."""
from __future__ import annotations

import functools

from ..patterns import load


@functools.lru_cache(maxsize=None)
def digit_values() -> dict[str, int]:
    """Chinese digit → its value (零/〇/○ 0, 一 1, 二/两 2 … 九 9)."""
    return {c: int(v) for c, v in load("numbers")["cn_digit_values"].items()}


def digit(c: str) -> int:
    """One Chinese digit's value: "四" → 4."""
    return digit_values()[c]


def digit_by_digit(s: str) -> int:
    """Digits written one by one, Arabic or Chinese: "二〇二一" → 2021, "2021" → 2021."""
    s = s.strip()
    return int(s) if s.isdigit() else int("".join(str(digit_values()[c]) for c in s))


def small_int(s: str) -> int:
    """A small Chinese or Arabic numeral (a month, a day): "十二" → 12, "5" → 5."""
    s = s.strip()
    if s.isdigit():
        return int(s)
    import cn2an

    return int(cn2an.cn2an(s, "strict"))
