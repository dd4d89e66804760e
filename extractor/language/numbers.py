"""Numbers and quantities in Chinese running text.

``parse_number`` reads one numeral ("1,100", "０.45", "一点五七", "百", "13万2");
``find_quantities`` finds number + unit mentions ("50万吨", "7万余户", "80～100米",
"一轮次", "百亿元", "5个百分点", "百分之一点五七") in NFKC-normalised text.
Chinese numerals are only read where a unit follows, so words such as "统一零售价" or
"进一步" never yield numbers; cn2an converts validated numeral runs only.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Optional

import regex

from ..patterns import compiled, compiled_plain, group_numbers, load, unless_any
from .normalise import nfkc
from .numerals import digit_values


@dataclass
class Quantity:
    """A number with its unit, positions are indexes into the searched text."""

    start: int  # first character of the numeral (or of "百分之")
    end: int  # end of the unit
    value: float
    unit: Optional[str]  # magnitude + unit as written ("万平方米"), 余/多 left out
    unit_start: int  # where the magnitude/unit begins
    scale: float = 1.0  # magnitude factor (万 → 1e4) applied by ``normalized``
    value_max: Optional[float] = None  # upper bound of a range ("80～100米")
    more: bool = False  # "余"/"多": more than the value
    chinese: bool = False  # written in Chinese numerals

    @property
    def base_unit(self) -> Optional[str]:
        """The unit without its magnitude ("万吨" → "吨")."""
        if self.unit is None:
            return None
        for mag in _magnitudes_longest_first():
            if self.unit.startswith(mag):
                return self.unit[len(mag):] or None
        return self.unit

    def normalized(self) -> Optional[dict]:
        """{"value", "unit"} with the magnitude applied, or None when there is none."""
        if self.scale == 1.0:
            return None
        return {"value": _tidy(self.value * self.scale), "unit": self.base_unit}


@functools.lru_cache(maxsize=None)
def _p() -> dict:
    return load("numbers")


def _tidy(x: float) -> float:
    r = round(x, 6)
    return int(r) if r == int(r) else r


def _cn_to_number(s: str) -> Optional[float]:
    """A run of Chinese numeral characters as a number (None if it is not one)."""
    import cn2an

    if not s:
        return None
    digits = _p()["cn_digit_chars"]
    if len(s) > 1 and all(c in digits for c in s) and not compiled(_p()["vague_pair"]).match(s):
        # digit-by-digit writing: "二〇二一"
        return float("".join(str(digit_values()[c]) for c in s))
    if s[0] in _p()["cn_places"]:
        s = _p()["cn_one"] + s  # "百" = 100, "千亿" = 一千亿 (cn2an rejects a bare leading place)
    try:
        v = cn2an.cn2an(s, "normal")
    except (ValueError, KeyError, IndexError):
        return None
    return float(v)


def parse_number(s: str) -> Optional[float]:
    """One numeral as a float: Arabic (commas, full-width), Chinese, 百分之…, "13万2"."""
    whole, dot, frac = s.partition(".")
    if s.isascii() and whole.isdigit() and (frac.isdigit() or not dot):
        return _tidy(float(s))  # plain ASCII digits: the common case, read at once
    s = nfkc(s).strip()
    if not s:
        return None
    p = _p()
    if s.startswith(p["percent_word"]):
        return parse_number(s[len(p["percent_word"]):])
    if parse_vague(s):
        return None  # "两三" is a vague range, never 23
    m = compiled_plain(rf"(\d+(?:\.\d+)?)({_magnitudes()})(\d)?").fullmatch(s)
    if m:
        scale = p["magnitudes"][m.group(2)]
        tail = int(m.group(3)) * scale / 10 if m.group(3) else 0
        return _tidy(float(m.group(1)) * scale + tail)
    if compiled(p["arabic"]).fullmatch(s):
        return _tidy(float(s.replace(",", "")))
    if p["cn_point"] in s:
        whole, _, frac = s.partition(p["cn_point"])
        w = _cn_to_number(whole) if whole else 0.0
        if w is None or not frac or any(c not in _p()["cn_digit_chars"] for c in frac):
            return None
        f = "".join(str(int(_cn_to_number(c) or 0)) for c in frac)
        return _tidy(float(f"{int(w)}.{f}"))
    v = _cn_to_number(s)
    return None if v is None else _tidy(v)


def parse_vague(s: str) -> Optional[tuple[float, float]]:
    """"两三" → (2, 3): two adjacent Chinese digits name a vague range, not 23."""
    s = nfkc(s)
    if not compiled(_p()["vague_pair"]).match(s):
        return None
    a, b = _cn_to_number(s[0]), _cn_to_number(s[1])
    if a is None or b is None or b != a + 1:
        return None
    return a, b


@functools.lru_cache(maxsize=None)
def _magnitudes_longest_first() -> tuple[str, ...]:
    """The magnitude words, longest first."""
    return tuple(sorted(_p()["magnitudes"], key=len, reverse=True))


@functools.lru_cache(maxsize=None)
def _magnitudes() -> str:
    """The magnitude words as alternatives, longest first."""
    return "|".join(_magnitudes_longest_first())


@functools.lru_cache(maxsize=None)
def _number_rx() -> str:
    """A number with what may come with it: the percent word before, a range, a magnitude, a unit
    (a bare numeral matches too: "进一步", a year)."""
    p = _p()
    low = f"[{p['cn_digit_chars']}{p['cn_places']}{p['cn_point']}]+"
    cn = f"{low}(?:[{p['cn_large_places']}]{low})*"
    num = f"(?:{p['arabic']}|{cn})"
    units = "|".join(regex.escape(u) for u in sorted(p["units"], key=len, reverse=True))
    more = f"[{p['more_marks']}]"
    return (rf"(?P<pct>{p['percent_word']})?(?P<a>{num})(?:\s*{p['range_sep']}\s*(?P<b>{num}))?"
            rf"(?P<more1>{more})?(?:(?P<mag>{_magnitudes()})(?P<tail>\d(?![\d.,%]))?)?(?P<more2>{more})?(?P<unit>{units})?")


@functools.lru_cache(maxsize=None)
def _quantity_rx() -> regex.Pattern:
    """:func:`_number_rx` where it has a percent word, a magnitude or a unit: a bare numeral is
    passed over inside the scan, from its end as a match would be (atomic, then ``(*SKIP)(*FAIL)``),
    so every match is one of :func:`_number_rx`'s, and two thirds of those never reach Python."""
    return compiled(rf"(?>{_number_rx()}){unless_any(['pct', 'mag', 'unit'])}")


def _is_cn(s: str) -> bool:
    return not any(c.isdigit() for c in s)


@functools.lru_cache(maxsize=None)
def _cue() -> regex.Pattern:
    """What a text holding a quantity holds: a digit (every Arabic number has one), or, written in
    Chinese numerals only, what such a quantity needs — the percent word, a magnitude, a unit of
    ``cn_units``, or two Chinese digits in a row (a vague pair: "两三个")."""
    p = _p()
    words = sorted([p["percent_word"], *p["magnitudes"], *p["cn_units"]], key=len, reverse=True)
    return compiled(rf"\d|{'|'.join(map(regex.escape, words))}|[{p['cn_digit_chars']}]{{2}}")


def may_hold_quantities(text: str) -> bool:
    """False when ``text`` holds no quantity for certain (a quick test)."""
    return bool(_cue().search(text))


def find_quantities(text: str) -> list[Quantity]:
    """Every number + unit in ``text`` (expected NFKC-normalised), in order."""
    if not may_hold_quantities(text):
        return []
    p = _p()
    rx = _quantity_rx()
    groups = group_numbers(rx, "a", "b", "unit", "mag", "pct")  # (by number: a look-up by name is slow)
    rest = group_numbers(rx, "tail", "more1", "more2")
    n_a, _, n_unit, n_mag, n_pct = groups
    n_tail, _, n_more2 = rest
    out: list[Quantity] = []
    for m in rx.finditer(text):  # (a bare numeral, "进一步" or a year, is no quantity: none comes)
        a, b, unit, mag, pct = m.group(*groups)
        tail, more1, more2 = m.group(*rest)
        start = m.start(n_pct) if pct else m.start(n_a)
        before = text[max(0, start - 1):start]
        if before and (before.isascii() and before.isalnum() or before in p["not_after"]):
            continue  # "PM2.5", "第3批", "5#泊位"
        chinese = _is_cn(a)
        if pct:
            value = parse_number(a)
            if value is None:
                continue
            out.append(Quantity(start, m.end(n_a), value, "%", m.start(n_pct), chinese=chinese))
            continue
        if not unit and not (mag and not chinese):
            continue
        if chinese:
            if b is not None:
                continue
            vague = parse_vague(a)
            if not (unit in p["cn_units"] or mag or (vague and unit)):
                continue
            if vague:
                value, vmax = vague
            else:
                value, vmax = parse_number(a), None
        else:
            value = parse_number(a)
            if tail:  # "13万2" = 13.2万
                value += int(tail) / 10
            vmax = parse_number(b) if b is not None else None
            if b is not None and _is_cn(b):
                continue
        if value is None:
            continue
        unit_start = m.start(n_mag) if mag else m.start(n_unit)
        written = text[unit_start:m.end()]
        for g, n in ((tail, n_tail), (more2, n_more2)):
            if g:
                cut = m.start(n) - unit_start
                written = written[:cut] + written[cut + 1:]
        scale = p["magnitudes"][mag] if mag else 1.0
        out.append(Quantity(start, m.end(), value, written or None, unit_start, scale,
                            vmax, bool(more1 or more2), chinese))
    return out
