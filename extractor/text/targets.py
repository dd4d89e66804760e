"""Numeric targets in running text and 专栏 boxes: subject, comparator, value, unit, year.

Each number + unit (:func:`.numbers.find_quantities`) in a prose passage is a candidate;
it is kept when it states a goal — not history (a past year or a report word in its
sentence, a review section), not a scope threshold ("35蒸吨及以下燃煤锅炉"), not a
specification ("500千伏变电站"), not an existing population ("全区22家加油站"), not a
declared count of the plan's own indicators.  The comparator comes from the words around
the number (patterns/targets.toml); the year from the time limit governing the sentence.
"""
from __future__ import annotations

import bisect
import functools
from typing import Iterable, Optional

import regex

from ..language.dates import DateExpr, YearContext
from ..language.numbers import Quantity
from ..language.punctuation import marks
from ..model import Document
from ..patterns import compiled, compiled_plain, load
from ..records import Normalized, Target
from .deadlines import place_of, source_text
from .declared import find_declarations
from .prose import Prose
from .prose import read as read_prose
from .sentences import Passage
from .target_kind import Roles, kind_of

_AFTER = 32  # characters after a number that its cue words (以上, 及以下, …指标) may span


@functools.lru_cache(maxsize=None)
def _p() -> dict:
    return load("targets")


@functools.lru_cache(maxsize=None)
def _rx(name: str) -> regex.Pattern:
    return compiled(_p()[name])


class _ParenDepth:
    """Bracket depth at a position, counted from a sentence start; positions asked in increasing
    order within one sentence are answered by continuing the previous count."""

    def __init__(self, text: str) -> None:
        self.text, self.start, self.pos, self.depth = text, -1, -1, 0

    def inside(self, start: int, i: int) -> bool:
        if start != self.start or i < self.pos:
            self.start, self.pos, self.depth = start, start, 0
        opens, closes = marks().brackets_open, marks().brackets_close
        for ch in self.text[self.pos:i]:
            if ch in opens:
                self.depth += 1
            elif ch in closes and self.depth:
                self.depth -= 1
        self.pos = i
        return self.depth > 0


def _strip_filler(before: str) -> str:
    while True:
        m = _rx("filler_before").search(before)
        if not m or not m.group():
            return before
        before = before[:m.start()]


def _op(q: Quantity, before: str, after: str) -> tuple[str, bool]:
    """Comparator from the words around the number (patterns/targets.toml), and whether a
    comparator or approximation is written around it ("达到", "以上", "左右"; not when the
    comparator is only inferred)."""
    p = _p()
    core = _strip_filler(before)
    if _rx("approx_before").search(before):
        return "=", True
    for op, rx in p["op_after"].items():
        if compiled(rx).search(after):
            if op == ">=":  # "提高5%以上", "下降10%以上": the direction outranks the bound
                op = next((d for d in ("increase", "decrease") if compiled(p["op_before"][d]).search(core)), op)
            elif op == "=":  # "下降6%左右": the direction outranks the approximation
                op = next((d for d in ("decrease", "increase") if compiled(p["op_before"][d]).search(core)), op)
            return op, True
    for op, rx in p["op_before"].items():
        if compiled(rx).search(core):
            if op == "increase" and core.endswith(p["increase_word"]) and q.base_unit in p["count_units"]:
                return "=", True
            return op, True
    if _rx("within_after").search(after):
        return "<=", True
    if p["increase_word"] in before and _is_measure(q):
        return "increase", False
    if q.more:
        return ">", False
    if q.value_max is not None:
        return ">=", False
    return "=", False


def _list_next(text: str, q: Quantity) -> int:
    """Where the next item of a list of numbers would start ("15%、10%和26%")."""
    return q.end + 1 if text[q.end:q.end + 1] and text[q.end] in _p()["list_sep"] else -1


def _is_measure(q: Quantity) -> bool:
    return q.base_unit not in _p()["count_units"] and q.base_unit not in ("%", "‰")


def _not_a_target(text: str, q: Quantity, c0: int, s0: int, parens: _ParenDepth) -> bool:
    """Scope thresholds, specifications, existing populations, names, parenthesised notes."""
    before, after = text[c0:q.start], text[q.end:q.end + _AFTER]
    if parens.inside(s0, q.start) and not _rx("bracket_comparator_before").search(before):
        return True
    if q.chinese and q.scale == 1.0 and not _rx("cn_numeral_before").search(before):
        return True
    if _rx("scope_after").search(after) and not _rx("quota_before").search(before):
        if not (q.base_unit in ("%", "‰") and not _rx("scope_compare_before").search(before)
                and _rx("percent_scope_after").match(after)):
            return True
    if (_is_measure(q) and _rx("spec_after").search(after) and not _rx("spec_after_ok").search(after)
            and not _rx("quota_before").search(before)):  # "不低于500万元的管护资金" is a quota
        return True
    if _rx("declared_after").search(after):
        return True
    if q.base_unit in _p()["count_units"] and _rx("described_count_before").search(before):
        return True
    # "对…": the object clause opens at the sentence start or after a comma (c0 - 1)
    return bool(_rx("existing_before").search(before) or _rx("object_before").search(text[max(s0, c0 - 1):q.start]))


def _dates_in(dates: list[DateExpr], starts: list[int], lo: int, hi: int) -> list[DateExpr]:
    """The dates starting in [lo, hi) (``starts``: their sorted start offsets)."""
    return dates[bisect.bisect_left(starts, lo):bisect.bisect_left(starts, hi)]


def _history(text: str, s0: int, s1: int, dates: list[DateExpr], starts: list[int], pos: int,
             worded: dict[int, bool]) -> bool:
    """The sentence reports the past: a history word or a past date, and no time limit before pos.
    ``worded`` caches, per sentence start, whether the sentence holds a history word."""
    if any(d.role == "limit" for d in _dates_in(dates, starts, s0, pos)):
        return False
    if s0 not in worded:
        worded[s0] = bool(_rx("history_words").search(text[s0:s1]))
    if worded[s0]:
        return True
    return any(d.role == "history" for d in _dates_in(dates, starts, s0, s1))


def _year(dates: list[DateExpr], starts: list[int], s0: int, pos: int) -> Optional[int]:
    """Year of the last time limit before pos in the sentence."""
    limits = [d for d in _dates_in(dates, starts, s0, pos) if d.role == "limit" and d.year]
    return limits[-1].year if limits else None


def _raw_range(psg: Passage, sent: tuple[int, int], clause: tuple[int, int], limits: set[tuple[int, int]]) -> tuple[int, int]:
    """The clause, extended left over a directly preceding time-limit clause ("到2025年，")."""
    text = psg.text.text
    c0, c1 = clause
    k = bisect.bisect_left(psg.clauses(sent), clause)
    if k:
        a, b = psg.clauses(sent)[k - 1]
        if text[b] in marks().comma and b + 1 == c0 and (a, b) in limits:
            return a, c1
    return c0, c1


def _subject(doc: Document, psg: Passage, q: Quantity, c0: int, c1: int, starts: list[int],
             prev_end: int) -> Optional[str]:
    """What is measured: the words before the number, else the noun after it."""
    text = psg.text.text
    p = _p()
    a = c0
    for d in _dates_in(psg.dates, starts, c0, c0 + 2):  # skip a time expression opening the clause
        if d.end <= q.start:
            a = d.end
    if prev_end > a and text[prev_end:q.start].strip(p["list_sep"] + marks().comma + " "):
        a = prev_end  # "50%水泥熟料产能、60%焦化产能": the second subject starts after the first number
    seg_start = a
    before = text[seg_start:q.start]
    if p["respectively"] in before:  # "A、B企业数量分别达到15家、5家": the list before 分别
        before = before[:before.index(p["respectively"])]
    b = compiled_plain(p["subject_tail"]).sub("", compiled_plain(p["subject_lead"]).sub("", before))
    if b and len(b) >= 2 and not before.endswith(p["enumeration_mark"]) and not _rx("action_only").fullmatch(b):
        i = seg_start + before.find(b)
        return source_text(doc, psg.text, i, i + len(b)) or None
    # the subject follows the number: "推动50%水泥熟料产能完成…", "建设20个以上工业…平台"
    end = q.end
    while end < c1 and text[end] not in p["object_stop"] and not _rx("object_end").match(text[end:]):
        end += 1
    after = _rx("object_lead").sub("", text[q.end:end])
    if after:
        i = q.end + text[q.end:end].find(after)
        return source_text(doc, psg.text, i, i + len(after)) or None
    return None


def _report(dates: list[DateExpr]) -> bool:
    """A passage that dates the past and sets no time limit reports history."""
    return any(d.role == "history" for d in dates) and not any(d.role == "limit" for d in dates)


def _review(struct, block_index: int, known: dict[int, bool]) -> bool:
    """The block sits in a section that reviews the past ("工作基础", "现状", "形势分析");
    ``known``: the answers so far by section."""
    if struct is None:
        return False
    try:
        sec = struct.context(block_index).section
    except (IndexError, AttributeError):
        return False
    if id(sec) not in known:
        titles = (sec.path or [sec.title]) if sec else []
        known[id(sec)] = any(_rx("review_section").search(t) for t in titles)
    return known[id(sec)]


def _split_respectively(subject: Optional[str], before: str, k: int, n: int) -> list[Optional[str]]:
    """"A、B、C产业规模分别突破百亿元" → one subject per listed item; with n quantities
    ("A、B企业数量分别达到15家、5家") the k-th quantity takes the k-th item."""
    p = _p()
    if not subject or p["respectively"] not in before or p["enumeration_mark"] not in subject:
        return [subject]
    subject = subject.split(p["respectively"])[0]
    items = subject.split(p["enumeration_mark"])
    head = _rx("respectively_head").match(items[-1])
    tail = items[-1][len(head.group(1)):] if head else ""
    full = [it + tail if len(it) <= 6 else it for it in items[:-1]] + [items[-1]]
    place = _rx("place_name")
    last = place.match(items[-1])
    if not head and last and all(place.fullmatch(it) for it in items[:-1]):
        # "京津冀及周边地区、汾渭平原PM2.5浓度": places sharing the measure written after the last
        full = [it + items[-1][last.end():] for it in items[:-1]] + [items[-1]]
    if n == 1:
        return full
    return [full[k]] if n == len(full) and k < n else [subject]


def _unit(doc: Document, psg: Passage, q: Quantity) -> Optional[str]:
    """The unit as written in the source ("％" stays full-width); 余/多 left out."""
    if not q.unit:
        return None
    unit = source_text(doc, psg.text, q.unit_start, q.end)
    return unit if len(unit) == len(q.unit) else q.unit


def _passage_targets(doc: Document, psg: Passage):
    """(quantity, raw range, subject, op, year, clause range) of every target in one passage."""
    text, dates, quants = psg.text.text, psg.dates, psg.quantities
    starts = [d.start for d in dates]
    q_starts = [q.start for q in quants]
    limits = {(d.start, d.end) for d in dates if d.role == "limit"}
    parens, history = _ParenDepth(text), {}
    shared: dict[int, tuple[str, bool]] = {}  # comparator of a "、" list of numbers
    for n, q in enumerate(quants):
        sent = psg.sentence_at(q.start)
        if sent is None:
            continue
        full = psg.sentence_at(q.start, full=True) or sent
        c0, c1 = psg.clause_at(sent, q.start) or sent
        if _not_a_target(text, q, c0, sent[0], parens) or _history(text, full[0], full[1], dates, starts, q.start, history):
            continue
        before, after = text[c0:q.start], text[q.end:c1]
        op, worded = _op(q, before, after)
        worded = worded or q.value_max is not None
        if q.start in shared and op == "=" and not q.more:
            op, worded = shared[q.start]  # "分别达到15家、5家": the second number shares the comparator
        shared[_list_next(text, q)] = (op, worded)
        year = _year(dates, starts, full[0], q.start)
        if not worded and year is None and not _rx("goal_cue").search(text[c0:c1]):
            continue
        first = bisect.bisect_left(q_starts, c0)  # the quantities of this clause start here
        prev_end = max((x.end for x in quants[first:n]), default=-1)
        subject = _subject(doc, psg, q, c0, c1, starts, prev_end)
        if subject and _rx("declared_subject").search(subject) or _rx("norm_clause").search(text[c0:c1]):
            continue
        in_clause = quants[first:bisect.bisect_left(q_starts, c1)]
        raw = _raw_range(psg, sent, (c0, c1), limits)
        for subj in _split_respectively(subject, text[c0:c1], in_clause.index(q), len(in_clause)):
            yield q, raw, subj, op, year, (c0, c1)


def _normalized(q: Quantity) -> Optional[Normalized]:
    """Magnitude applied ("50万吨" → 500000 吨); a range also gets its upper bound."""
    norm = q.normalized()
    if q.value_max is None:
        return Normalized(norm["value"], norm["unit"]) if norm else None
    norm = norm or {"value": q.value, "unit": q.unit}
    return Normalized(norm["value"], norm["unit"], q.value_max * q.scale)


def _section_path(struct, block_index: int) -> list[str]:
    try:
        sec = struct.context(block_index).section
    except (IndexError, AttributeError):
        return []
    return (sec.path or [sec.title]) if sec else []


class _Ranges:
    """Source ranges [a, b), asked whether one of them covers an offset (by bisection)."""

    def __init__(self, ranges: Iterable[tuple[int, int]]) -> None:
        self.starts: list[int] = []
        self.reach: list[int] = []  # the furthest end of the ranges starting up to here
        for a, b in sorted(ranges):
            self.starts.append(a)
            self.reach.append(max(b, self.reach[-1]) if self.reach else b)

    def covers(self, at: int) -> bool:
        k = bisect.bisect_right(self.starts, at) - 1
        return k >= 0 and self.reach[k] > at


def extract(doc: Document, struct, info, prose: Optional[Prose] = None,
            years: Optional[YearContext] = None) -> list[Target]:
    """Target records of one document, in reading order, each with its kind (goal/status/fact);
    a count the plan announces of its own indicators or projects ("通过18项重点工程") is none
    (``prose``: the document's prose when already read, see :mod:`.prose`; ``years``: the
    document's year anchors when already decided)."""
    prose = prose or read_prose(doc, info)
    horizon = (years or YearContext.from_info(info)).horizon
    roles = Roles.of(struct)
    declared = _Ranges((d.span.start, d.span.end) for d in find_declarations(doc) if d.span)
    out: list[Target] = []
    review: dict[int, bool] = {}  # id of a section → it reviews the past
    for psg in prose.passages:
        if _report(psg.dates) or _review(struct, psg.block.index, review) or not psg.quantities:
            continue  # (the cheap tests first; the quantities are found once per passage, for every extractor)
        place = place_of(struct, psg.block.index)
        path = _section_path(struct, psg.block.index)
        text = psg.text.text
        for q, (r0, r1), subject, op, year, (c0, c1) in _passage_targets(doc, psg):
            at = psg.text.source_range(q.start, q.end)[0]
            if declared.covers(at):
                continue
            span = doc.span_of(psg.text, r0, r1)
            kind = kind_of(text[c0:q.start], text[c0:c1], subject, year, horizon, at, path, roles)
            out.append(Target(
                id=f"tgt-{len(out) + 1}", raw=doc.text[span.start:span.end], subject=subject, op=op,
                value=q.value, unit=_unit(doc, psg, q), year=year, kind=kind, normalized=_normalized(q),
                task=place.task, section=place.section, section_id=place.section_id,
                task_id=place.task_id, span=span))
    return out
