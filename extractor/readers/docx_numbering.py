"""Word list numbering (numbering.xml) rendered the way Word prints it.

A paragraph's ``w:numPr`` (numId, ilvl) — on the paragraph or inherited from its style —
points at a ``w:num`` which points at a ``w:abstractNum`` holding one ``w:lvl`` per level
(numFmt, lvlText such as "%1、" or "%1.%2", start, lvlRestart, isLgl, suff).  Counters are
kept per abstract definition, as Word does: lists sharing an abstractNum continue each
other, a ``w:lvlOverride/w:startOverride`` restarts its level the first time its num is
used, and using a level restarts the deeper levels (unless their lvlRestart says otherwise).
A counter beyond ``limits.toml: docx.max_list_counter`` is printed in decimal (an upperRoman
10^15 or an upperLetter 10^9 would otherwise be a label of gigabytes), with a warning.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Optional

from ..limits import bound

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

_CN = "〇一二三四五六七八九"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_TIANGAN = "甲乙丙丁戊己庚辛壬癸"
_DIZHI = "子丑寅卯辰巳午未申酉戌亥"
_LEGAL = "零壹贰叁肆伍陆柒捌玖"


def _cn_counting(n: int) -> str:
    """chineseCounting: 一 … 九十九, then digit by digit (一〇〇)."""
    if n < 10:
        return _CN[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else _CN[tens]) + "十" + (_CN[ones] if ones else "")
    return "".join(_CN[int(d)] for d in str(n))


def _cn_thousand(n: int, digits: str = _CN, units: str = "十百千") -> str:
    """chineseCountingThousand: 一, 十, 十一, 二十, 一百〇五, 一千二百三十四."""
    if n == 0:
        return digits[0]
    if n >= 10000:
        return str(n)
    parts: list[str] = []
    pending_zero = False
    for power, unit in ((1000, units[2]), (100, units[1]), (10, units[0]), (1, "")):
        d = (n // power) % 10
        if d == 0:
            pending_zero = bool(parts)
            continue
        if pending_zero:
            parts.append(digits[0])
            pending_zero = False
        if not (power == 10 and d == 1 and not parts and digits is _CN):
            parts.append(digits[d])
        parts.append(unit)
    return "".join(parts)


def _letters(n: int, upper: bool) -> str:
    """upperLetter/lowerLetter: A … Z, AA … ZZ (Word repeats the letter)."""
    ch = chr((ord("A") if upper else ord("a")) + (n - 1) % 26)
    return ch * ((n - 1) // 26 + 1)


def _roman(n: int, upper: bool) -> str:
    out = []
    for value, sym in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                       (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out.append(sym)
            n -= value
    s = "".join(out)
    return s if upper else s.lower()


def _cycle(chars: str) -> Callable[[int], str]:
    return lambda n: chars[(n - 1) % len(chars)] if n > 0 else str(n)


def _enclosed(chars: str) -> Callable[[int], str]:
    return lambda n: chars[n - 1] if 1 <= n <= len(chars) else str(n)


FORMATS: dict[str, Callable[[int], str]] = {
    "decimal": str,
    "decimalZero": lambda n: f"{n:02d}",
    "decimalFullWidth": lambda n: str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９")),
    "decimalHalfWidth": str,
    "decimalEnclosedCircle": _enclosed(_CIRCLED),
    "decimalEnclosedCircleChinese": _enclosed(_CIRCLED),
    "decimalEnclosedParen": _enclosed("⑴⑵⑶⑷⑸⑹⑺⑻⑼⑽⑾⑿⒀⒁⒂⒃⒄⒅⒆⒇"),
    "decimalEnclosedFullstop": _enclosed("⒈⒉⒊⒋⒌⒍⒎⒏⒐⒑⒒⒓⒔⒕⒖⒗⒘⒙⒚⒛"),
    "upperLetter": lambda n: _letters(n, True),
    "lowerLetter": lambda n: _letters(n, False),
    "upperRoman": lambda n: _roman(n, True),
    "lowerRoman": lambda n: _roman(n, False),
    "chineseCounting": _cn_counting,
    "japaneseCounting": _cn_counting,
    "chineseCountingThousand": _cn_thousand,
    "taiwaneseCountingThousand": _cn_thousand,
    "chineseLegalSimplified": lambda n: _cn_thousand(n, _LEGAL, "拾佰仟"),
    "ideographTraditional": _cycle(_TIANGAN),
    "ideographZodiac": _cycle(_DIZHI),
    "none": lambda n: "",
}


@dataclass
class Level:
    fmt: str = "decimal"
    text: str = "%1."
    start: int = 1
    restart: Optional[int] = None  # w:lvlRestart (1-based level after which to restart; 0 = never)
    legal: bool = False  # w:isLgl: show every level in decimal
    suffix: str = "\t"  # w:suff: tab / space / nothing
    style: Optional[str] = None  # w:pStyle: the paragraph style linked to this level


@dataclass
class _Num:
    abstract: str
    overrides: dict[int, int] = field(default_factory=dict)  # ilvl → startOverride
    levels: dict[int, Level] = field(default_factory=dict)  # ilvl → overriding w:lvl
    used: set[int] = field(default_factory=set)


def _val(el, tag: str) -> Optional[str]:
    child = el.find(W + tag) if el is not None else None
    return child.get(W + "val") if child is not None else None


def _int(s: Optional[str], default: int) -> int:
    try:
        return int(s) if s is not None else default
    except ValueError:
        return default


def _level(lvl) -> Level:
    suff = _val(lvl, "suff") or "tab"
    legal = lvl.find(W + "isLgl")
    restart = _val(lvl, "lvlRestart")
    return Level(fmt=_val(lvl, "numFmt") or "decimal", text=_val(lvl, "lvlText") or "",
                 start=_int(_val(lvl, "start"), 1), restart=None if restart is None else _int(restart, 0),
                 legal=legal is not None and legal.get(W + "val", "1") not in ("0", "false"),
                 suffix={"tab": "\t", "space": " "}.get(suff, ""), style=_val(lvl, "pStyle"))


class Numbering:
    """The numbering definitions of one document and the running counters."""

    def __init__(self, root, style_num: Callable[[str], Optional[str]]) -> None:
        """``root``: the w:numbering element (or None); ``style_num``: numId of a numbering
        style (for w:numStyleLink indirection)."""
        self.abstract: dict[str, dict[int, Level]] = {}
        self.links: dict[str, str] = {}  # abstractNumId → numbering style it links to
        self.nums: dict[str, _Num] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self._style_num = style_num
        self._max_counter = bound("docx", "max_list_counter")
        self.warnings: list[str] = []
        if root is None:
            return
        for a in root.iter(W + "abstractNum"):
            aid = a.get(W + "abstractNumId")
            self.abstract[aid] = {_int(l.get(W + "ilvl"), 0): _level(l) for l in a.findall(W + "lvl")}
            link = _val(a, "numStyleLink")
            if link:
                self.links[aid] = link
        for n in root.iter(W + "num"):
            num = _Num(_val(n, "abstractNumId") or "")
            for o in n.findall(W + "lvlOverride"):
                ilvl = _int(o.get(W + "ilvl"), 0)
                so = _val(o, "startOverride")
                if so is not None:
                    num.overrides[ilvl] = _int(so, 1)
                lvl = o.find(W + "lvl")
                if lvl is not None:
                    num.levels[ilvl] = _level(lvl)
            self.nums[n.get(W + "numId")] = num

    def _abstract_id(self, num: _Num) -> str:
        aid, seen = num.abstract, set()
        while aid in self.links and aid not in seen:  # numStyleLink → style → num → abstract
            seen.add(aid)
            target = self.nums.get(self._style_num(self.links[aid]) or "")
            if target is None:
                break
            aid = target.abstract
        return aid

    def level_for_style(self, num_id: str, style_id: str) -> Optional[int]:
        """The level whose w:pStyle is ``style_id`` (numbering attached through a style)."""
        num = self.nums.get(num_id)
        if num is None:
            return None
        for ilvl, lvl in self.abstract.get(self._abstract_id(num), {}).items():
            if lvl.style == style_id:
                return ilvl
        return None

    def label(self, num_id: str, ilvl: int) -> Optional[tuple[str, str]]:
        """Advance the counters for a paragraph at (num_id, ilvl); its (label, suffix)."""
        num = self.nums.get(num_id)
        if num is None or num_id == "0":
            return None
        aid = self._abstract_id(num)
        levels = {**self.abstract.get(aid, {}), **num.levels}
        if ilvl not in levels:
            return None
        counters = self.counters.setdefault(aid, {})
        if ilvl in num.overrides and ilvl not in num.used:
            counters[ilvl] = num.overrides[ilvl] - 1
        num.used.add(ilvl)
        lvl = levels[ilvl]
        counters[ilvl] = counters.get(ilvl, lvl.start - 1) + 1
        for deeper, dl in levels.items():
            if deeper > ilvl and deeper in counters:
                after = dl.restart if dl.restart is not None else deeper  # default: any shallower level
                if after and ilvl < after:
                    del counters[deeper]
        if lvl.fmt == "bullet":
            return lvl.text, lvl.suffix

        def sub(m: re.Match) -> str:
            k = int(m.group(1)) - 1
            ref = levels.get(k, Level())
            n = counters.get(k, ref.start)
            fmt = "decimal" if lvl.legal and ref.fmt != "none" else ref.fmt
            if abs(n) > self._max_counter and fmt != "none":
                if not self.warnings:
                    self.warnings.append(f"list numbering reaches {n}: counters beyond {self._max_counter} printed "
                                         "in decimal (limits.toml docx.max_list_counter)")
                return str(n)
            return FORMATS.get(fmt, str)(n)

        return re.sub(r"%([1-9])", sub, lvl.text), lvl.suffix
