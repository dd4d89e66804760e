"""Date expressions in running text: parse, normalise to ISO, infer an omitted year, and
tell a time limit from history, comparison bases, recurring times and titles.

``find_dates(text, ctx)`` returns :class:`DateExpr` s for one NFKC-normalised passage;
``ctx`` (a :class:`YearContext`) carries the document's years (plan period, base year,
issue date) and the last explicit year seen, used for "5月8日前"-style dates.
``parse_full_date`` reads a date written in full ("二〇二四年五月八日").
"""
from __future__ import annotations

import bisect
import calendar
import functools
from dataclasses import dataclass
from typing import Optional

import regex

from ..patterns import compiled, compiled_plain, group_numbers, load, unless_any
from .numerals import digit_by_digit, small_int
from .periods import five_year_rx, ten_x_five
from .punctuation import marks

_WINDOW = 64  # characters before/after an expression that its cue words may span
ROLES = ("limit", "history", "reference", "recurring", "title", "metadata")


@dataclass
class DateExpr:
    """A time expression at text[start:end] (prefix/suffix words included)."""

    start: int
    end: int
    date: Optional[str]  # ISO end or point, as precise as written
    kind: str  # by / range / at
    start_date: Optional[str] = None  # ranges
    year: Optional[int] = None  # year of ``date``
    role: str = "limit"  # one of ROLES
    bare: bool = False  # a point without any prefix/suffix ("2022年，…")
    period: bool = False  # a five-year plan period ("“十四五”期间")


@dataclass
class YearContext:
    """Years that anchor a document's dates."""

    issue_year: Optional[int] = None
    plan_start: Optional[int] = None
    plan_end: Optional[int] = None
    base_year: Optional[int] = None
    current_year: Optional[int] = None  # last explicit year seen in reading order
    month_year: Optional[int] = None  # year of the last explicit date with a month or year-end

    @property
    def horizon(self) -> Optional[int]:
        """The first year that counts as forward-looking."""
        if self.plan_start:
            return self.plan_start
        if self.base_year:
            return self.base_year + 1
        return self.issue_year

    def default_year(self) -> Optional[int]:
        """Year of a date written without one ("4月底前"): the last dated month or year-end,
        else the issue year — a horizon such as "到2025年" does not date next month's work."""
        return self.month_year or self.issue_year or self.current_year or self.plan_start

    @classmethod
    def from_info(cls, info) -> "YearContext":
        """The years the document's metadata decided (a DocumentInfo, or None: no years)."""
        ctx = cls()
        if info is not None:
            if getattr(info, "issue_date", None):
                ctx.issue_year = int(str(info.issue_date)[:4])
            pp = getattr(info, "plan_period", None)
            if pp is not None:
                ctx.plan_start, ctx.plan_end = _int(pp.start), _int(pp.end)
            ctx.base_year = _int(getattr(info, "base_year", None))
        return ctx


def _int(v) -> Optional[int]:
    try:
        return int(str(v)[:4]) if v is not None else None
    except ValueError:
        return None


@functools.lru_cache(maxsize=None)
def _p() -> dict:
    return load("dates")


_GROUP_NAME = r"\(\?P<(\w+)>"  # where a named group opens, its name captured


def _strip_names(rx: str) -> str:
    return compiled_plain(_GROUP_NAME).sub("(?:", rx)


def _nonempty_point(rx: str, prefix: str) -> tuple[str, str]:
    """``rx`` (a point: every part of it that takes a character is in a named group) with its
    groups renamed ``prefix`` + name, and a test to put after it that passes over the place
    when none of them took part (the point is empty: a digit that opens no date), as a
    discarded match is passed over — from its end (``(*SKIP)(*FAIL)``)."""
    names = compiled_plain(_GROUP_NAME).findall(rx)
    renamed = compiled_plain(_GROUP_NAME).sub(lambda m: f"(?P<{prefix}{m[1]}>", rx)
    return renamed, unless_any([prefix + name for name in names])


# Where no date starts: at a digit that continues a number (the grammar opens a year, a year
# range or a month with "(?<!\d)"); the plain search finds an empty point at each such digit
_INSIDE_A_NUMBER = r"(?!(?<=\d)\d)"


@functools.lru_cache(maxsize=None)
def _outer(guard: str = _INSIDE_A_NUMBER, pass_empty: bool = True) -> regex.Pattern:
    """Any date expression: a prefix, then a plan period, a year range or a point or range of
    points, then a suffix (``guard``: the positions passed over; ``pass_empty``: an empty point
    passed over inside the search, not matched; tests/test_fast_text.py compares with the plain
    search)."""
    p = _p()
    pt = _strip_names(p["point"])
    first, taken = _nonempty_point(p["point"], "_p1_")
    taken = taken if pass_empty else ""
    return compiled(
        rf"{guard}(?P<pre>{p['prefix']})?(?:(?P<pp>{_strip_names(five_year_rx() + p['period_word'])})|(?P<yr>{_strip_names(p['year_range'])})"
        rf"|(?P<p1>{p['point_start']}{first}){taken}(?:{p['range_sep']}(?P<p2>(?=\d){pt}))?)(?P<suf>{p['suffix']})?"
    )


def _numbers(*names: str) -> tuple[int, ...]:
    """Numbers of the named groups of :func:`_outer` (a look-up by name is slow in ``regex``)."""
    return group_numbers(_outer(), *names)


@dataclass
class _Point:
    year: Optional[int]
    iso: Optional[str]
    end_of: bool  # 底/末: the last day of the year/month
    explicit_year: bool
    month: bool = False  # a month is written


def _parse_point(s: str, ctx: YearContext, year_hint: Optional[int] = None) -> Optional[_Point]:
    rx = compiled(_p()["point"])
    m = rx.fullmatch(s)
    if not m:
        return None
    Y, M, YC, YP, D, MP = m.group(*group_numbers(rx, "Y", "M", "YC", "YP", "D", "MP"))
    if not (Y or M or YC is not None):
        return None
    y = int(Y) if Y else None
    if y is not None and y < 100:
        y += 2000
    explicit = y is not None
    if y is None:
        y = year_hint or ctx.default_year()
    if not M:
        if y is None:
            return None  # "年底前" in a document without any year
        if YP in _p()["year_end_parts"]:
            return _Point(y, f"{y}-12-31", True, explicit)
        month = _p()["year_part_month"].get(YP) if YP else None
        if month:
            return _Point(y, f"{y}-{month:02d}-{calendar.monthrange(y, month)[1]:02d}", True, explicit)
        return _Point(y, str(y), False, explicit)
    month = int(M)
    ys = f"{y:04d}" if y else "XXXX"
    if D:
        return _Point(y, f"{ys}-{month:02d}-{int(D):02d}", False, explicit, True)
    if MP in _p()["month_end_parts"] and y:
        last = calendar.monthrange(y, month)[1]
        return _Point(y, f"{ys}-{month:02d}-{last:02d}", True, explicit, True)
    return _Point(y, f"{ys}-{month:02d}", False, explicit, True)


def parse_full_date(s: str) -> Optional[str]:
    """The first date written in full in ``s``: "2021年7月8日" / "二零二四年五月" / "2021年5月底" →
    an ISO string as precise as written (None when there is none or its month is no month)."""
    m = compiled(_p()["full_date"]).search(s)
    if not m:
        return None
    y = digit_by_digit(m["y"])
    if not m["m"]:
        return f"{y:04d}"
    mo = small_int(m["m"])
    if not 1 <= mo <= 12:
        return None
    if m["d"]:
        return f"{y:04d}-{mo:02d}-{small_int(m['d']):02d}"
    if m["end"]:
        return f"{y:04d}-{mo:02d}-{calendar.monthrange(y, mo)[1]:02d}"
    return f"{y:04d}-{mo:02d}"


@functools.lru_cache(maxsize=None)
def _title_marks() -> tuple[regex.Pattern, dict[str, int]]:
    """A pattern for any title mark or bracket, and each one's kind: 0 title open, 1 title
    close, 2 bracket open, 3 bracket close."""
    pm = marks()
    kinds = {c: k for k, chars in enumerate((pm.title_open, pm.title_close, pm.brackets_open, pm.brackets_close))
             for c in chars}
    return compiled_plain("[" + regex.escape("".join(kinds)) + "]"), kinds


class _Titles:
    """Where 《》 and brackets open and close in one passage, so that "inside a title" is
    answered without rescanning the text before each date."""

    def __init__(self, text: str) -> None:
        self.text = text

    @functools.cached_property
    def marks(self) -> tuple[list[int], list[int], list[int], list[int]]:
        """Positions of the title opens, title closes, bracket opens and bracket closes in the text."""
        rx, kinds = _title_marks()
        out: tuple[list[int], list[int], list[int], list[int]] = ([], [], [], [])
        for m in rx.finditer(self.text):
            out[kinds[m.group()]].append(m.start())
        return out

    def inside(self, i: int) -> bool:
        """Position i lies in 《…》 or in the "（…年）" right after a title."""
        title_opens, title_closes, opens, closes = self.marks
        if bisect.bisect_left(title_opens, i) > bisect.bisect_left(title_closes, i):
            return True
        n = bisect.bisect_left(opens, i)
        if not n:
            return False
        k = opens[n - 1]  # the last bracket opened before i, still open at i?
        c = bisect.bisect_left(closes, k)
        if c < len(closes) and closes[c] < i:
            return False
        p = k
        while p > 0 and self.text[p - 1].isspace():
            p -= 1
        prev = self.text[max(0, p - _WINDOW):p]
        return bool(prev) and prev[-1] in marks().title_close or bool(compiled(_p()["title_before_bracket"]).search(prev))


def _clause_start(text: str, i: int) -> bool:
    j = i - 1
    while j >= 0 and text[j] in " \t":
        j -= 1
    return j < 0 or text[j] in marks().clause_break


def _role(text: str, m, ctx: YearContext, end_year: Optional[int], bare: bool, titles: _Titles) -> str:
    p = _p()
    pre, suf = m.group(*_numbers("pre", "suf"))
    pre, suf = pre or "", suf or ""
    core_start = m.start(_numbers("pre")[0]) if pre else m.start()
    before = text[max(0, core_start - 6):core_start]
    after = text[m.end():m.end() + 4]
    if compiled(p["recurring_before"]).search(before):
        return "recurring"
    if pre in p["history_prefix"] or suf in p["history_suffix"]:
        return "history"
    if titles.inside(core_start):
        return "title"
    if compiled(p["metadata_before"]).search(before):
        return "metadata"
    if compiled(p["reference_before"]).search(before) or compiled(p["reference_after"]).search(after):
        return "reference"
    if suf in p["reference_suffix"]:
        return "reference"
    if end_year is not None and ctx.horizon is not None and end_year < ctx.horizon:
        return "history"
    if bare:
        if not _clause_start(text, core_start) or not compiled(p["bare_year_verbs"]).search(after):
            return "reference"
    return "limit"


def find_dates(text: str, ctx: YearContext) -> list[DateExpr]:
    """Every date expression in one passage, with ISO value, kind and role."""
    out: list[DateExpr] = []
    if not compiled(_p()["cue"]).search(text):
        return out  # no digit, 年 or 十: no date expression (and no year for the context)
    local_year: Optional[int] = None  # an explicit year earlier in this passage
    titles = _Titles(text)
    n_pre, n_yr, n_p1 = _numbers("pre", "yr", "p1")
    groups = _numbers("pre", "suf", "pp", "yr", "p1", "p2")
    for m in _outer().finditer(text):
        pre, suf, pp, yr, s1, s2 = m.group(*groups)
        if not (pp or yr or s1):
            continue  # the point matched nothing: no date (a number, or a prefix before one; only
            #           the plain search of the tests, _outer(pass_empty=False), brings such a match)
        pre, suf = pre or "", suf or ""
        if pp:
            pm = compiled(five_year_rx() + _p()["period_word"]).fullmatch(pp)
            y1, y2 = ten_x_five(pm["N"])
            nxt = text[m.end():m.end() + 1]
            if pm["W"] in _p()["period_span_words"]:
                acts = (nxt and compiled_plain(r"\p{Han}").match(nxt) and nxt not in _p()["period_not_action"]
                        or compiled(_p()["period_clause_action"]).match(text[m.end():m.end() + _WINDOW]))
                role = "limit" if acts else "reference"
                if titles.inside(m.start()) or compiled(_p()["recurring_before"]).search(
                        text[max(0, m.start() - _WINDOW):m.start()]):
                    role = "title"
                elif role == "limit" and ctx.horizon is not None and y2 < ctx.horizon:
                    role = "history"  # "“十三五”期间，完成…" in a later plan
                out.append(DateExpr(m.start(), m.end(), str(y2), "range", str(y1), y2, role, period=True))
            else:  # 十四五末
                out.append(DateExpr(m.start(), m.end(), str(y2), "by", None, y2,
                                    _role(text, m, ctx, y2, False, titles)))
            continue
        if yr:
            ym = compiled(_p()["year_range"]).fullmatch(yr)
            y1, y2 = int(ym["Y1"]), int(ym["Y2"])
            if y2 < y1:
                continue
            role = _role(text, m, ctx, y2, False, titles)
            if role != "title":
                ctx.current_year = local_year = y2
            out.append(DateExpr(m.start(n_yr), m.end(), str(y2), "range", str(y1), y2, role))
            continue
        p1 = _parse_point(s1, ctx, year_hint=local_year)
        if p1 is None:
            continue
        if s2:
            p2 = _parse_point(s2, ctx, year_hint=p1.year)
            if p2 is None:
                continue
            role = _role(text, m, ctx, p2.year, False, titles)
            if role != "title" and (p1.explicit_year or p2.explicit_year):
                ctx.current_year = ctx.month_year = local_year = p2.year
            out.append(DateExpr(m.start(n_p1) if not pre else m.start(), m.end(), p2.iso, "range",
                                p1.iso, p2.year, role))
            continue
        bare = not pre and not suf and not p1.end_of
        role = _role(text, m, ctx, p1.year, bare, titles)
        if role not in ("title", "reference") and p1.explicit_year:
            ctx.current_year = local_year = p1.year
            if p1.end_of or p1.month:
                ctx.month_year = p1.year
        p = _p()
        if suf in p["by_suffix"] or pre in p["by_prefix"] or (p1.end_of and pre not in p["start_prefix"]):
            kind = "by"
        else:
            kind = "at"
        start = m.start(n_pre) if pre else m.start(n_p1)  # a prefix belongs to the expression
        out.append(DateExpr(start, m.end(), p1.iso, kind, None, p1.year, role, bare))
    return out
