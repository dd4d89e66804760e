"""Table cell values → SPEC's parsed value V (``records.Value``).

``parse_value("≥27")`` → op ">=", value 27; "△EQI＞-1" → op ">", value -1; "3—5" → op
"range", value 3, value_max 5; "完成上级规定的考核任务（53）" → qualitative text plus value
53; "99.22*" → value 99.22 (the marker is reported by :func:`split_flags`); placeholders
("/", "-", "—", "未开展") → value null.  Forms live in ``patterns/values.toml``.
Shared by the table extractor, diff and audit.
"""
from __future__ import annotations

import functools
from typing import Optional

import regex

from .language.normalise import nfkc
from .language.numbers import parse_number
from .patterns import compiled, group_numbers, load
from .records import Value


@functools.lru_cache(maxsize=None)
def _p() -> dict:
    return load("values")


@functools.lru_cache(maxsize=None)
def _number_rx() -> regex.Pattern:
    p = _p()
    ops = "|".join(f"(?:{rx})" for rx, _ in p["prefix_ops"])
    return compiled(f"(?P<op>{ops})?\\s*(?P<num>{p['number']})"
                    f"(?:{p['range_sep']}(?P<num2>{p['number']}))?")


def to_number(s: str) -> float | int:
    """"1,100" → 1100, "0.50" → 0.5 (int when integral)."""
    x = float(s.replace(",", ""))
    return int(x) if x.is_integer() and abs(x) < 1e15 else x


def split_flags(text: str) -> tuple[str, list[str]]:
    """Footnote markers at the end of ``text`` ("99.22*" → ("99.22", ["*"]))."""
    m = compiled(_p()["flag_marks"]).search(text.rstrip())
    if not m or m.start() == 0:
        return text.strip(), []
    marks = []
    for ch in m.group(0):
        ch = "*" if ch == "＊" else ch
        if ch not in marks:
            marks.append(ch)
    return text.rstrip()[:m.start()].strip(), marks


def is_placeholder(text: Optional[str]) -> bool:
    return text is not None and nfkc(text).strip() in _p()["placeholders"]


@functools.lru_cache(maxsize=None)
def _ops() -> tuple[tuple[tuple[regex.Pattern, str], ...], tuple[tuple[regex.Pattern, str], ...]]:
    """(prefix, suffix) comparators, each (regex of the whole word / of the end of a text, op),
    compiled once (every value cell reads them)."""
    p = _p()
    return (tuple((compiled(f"^(?:{rx})$"), op) for rx, op in p["prefix_ops"]),
            tuple((compiled(f"(?:{rx})$"), op) for rx, op in p["suffix_ops"]))


def _op_of(word: Optional[str]) -> Optional[str]:
    """The op of a comparator word written before the number."""
    if not word:
        return None
    for rx, op in _ops()[0]:
        if rx.match(word):
            return op
    return None


def _suffix(rest: str) -> tuple[Optional[str], str]:
    """(op, rest without it) for a comparator written after the number."""
    for rx, op in _ops()[1]:
        m = rx.search(rest)
        if m:
            return op, rest[:m.start()].strip()
    return None, rest


def parse_value(raw: Optional[str]) -> Value:
    """Parse one cell value (raw text as printed) into SPEC's V: a new Value each time, its fields
    read once per text (a document's tables repeat their values: "—", "≥95%", "约束性")."""
    return Value(raw, *_fields(raw))


@functools.lru_cache(maxsize=4096)
def _fields(raw: Optional[str]) -> tuple:
    """The fields of :func:`parse_value` after ``raw``, in the order of Value."""
    v = _parse(raw)
    return v.op, v.value, v.unit, v.qualitative, v.value_max


def _parse(raw: Optional[str]) -> Value:
    if raw is None or not raw.strip():
        return Value(raw=raw)
    p = _p()
    s, _flags = split_flags(nfkc(raw).replace("\n", ""))
    if not s or s in p["placeholders"]:
        return Value(raw=raw)
    m = compiled(p["bracket_number"]).match(s)
    if m:
        return Value(raw=raw, value=to_number(m.group("num")), unit=m.group("unit"),
                     qualitative=m.group("text").strip())
    m = _number_rx().search(s)
    if m:
        return _numeric(raw, s, m)
    cn = compiled(p["cn_quantity"]).search(s)
    if cn:
        n = parse_number(cn.group("num"))
        if n is not None:
            head = s[:cn.start()].strip()
            op = _op_of(head) or _suffix(s[cn.end():])[0]
            return Value(raw=raw, op=op, value=n, unit=cn.group("unit"),
                         qualitative=None if op or not head else s)
    return Value(raw=raw, qualitative=s)


def _numeric(raw: str, s: str, m: regex.Match) -> Value:
    p = _p()
    word, num, num2 = m.group(*group_numbers(_number_rx(), "op", "num", "num2"))  # by number: quicker
    op = _op_of(word)
    value = to_number(num)
    value_max = to_number(num2) if num2 else None
    if value_max is not None:
        op = "range"
    rest = s[m.end():].strip()
    cut = compiled(r"[；;，,、]").search(rest)
    rest_main = rest[:cut.start()].strip() if cut else rest
    sop, rest_main = _suffix(rest_main)
    op = op or sop
    rest_main = compiled(p["approx_suffix"]).sub("", rest_main).strip()
    unit = rest_main if rest_main and compiled(p["unit"]).match(rest_main) else None
    before = compiled(p["approx_prefix"]).sub("", s[:m.start()].strip().rstrip(":：").strip())
    qualitative = before if compiled(p["han"]).search(before) else None
    return Value(raw=raw, op=op, value=value, unit=unit, qualitative=qualitative,
                 value_max=value_max)
