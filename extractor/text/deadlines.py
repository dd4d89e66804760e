"""Deadlines in running text: time limits attached to actions.

Every date expression of every prose passage (paragraphs and 专栏 boxes) is parsed by
:mod:`.dates`; only those whose role is a time limit become records — history ("截至2020年底"),
comparison bases ("较2020年"), titles ("《…（2021-2023年）》"), plan metadata ("规划期限为…")
and recurring times ("每年2月底前") are dropped.  A phase range repeated verbatim (defined
once and printed again in a heading) is recorded once; a plan period ("“十四五”期间")
is a limit of every action it opens.
"""
from __future__ import annotations

from typing import Optional

from ..language.punctuation import marks
from ..model import Document, MappedText, Offsets
from ..patterns import compiled, load
from ..records import Deadline
from ..structure import Place
from .prose import Prose
from .prose import read as read_prose

_SKIP = " \t，,：:"
_OPEN = "（("


def source_text(doc: Document, m: MappedText, i: int, j: int) -> str:
    """The source characters behind normalised m.text[i:j] (bookmarks and line breaks out)."""
    offsets = m.offsets[i:j]
    if offsets and list(offsets) == list(range(offsets[0], offsets[0] + len(offsets))):  # one source stretch
        return doc.text[offsets[0]:offsets[-1] + 1].replace("\r", "").replace("\n", "").strip()
    return source_chars(doc, offsets)


def source_chars(doc: Document, offsets: Offsets) -> str:
    """The source characters at ``offsets``, each once, line breaks out: the plain rule
    :func:`source_text` follows (its one-stretch slice gives the same text)."""
    out, last = [], None
    for off in offsets:
        if off != last:
            ch = doc.text[off]
            if ch not in "\r\n":
                out.append(ch)
            last = off
    return "".join(out).strip()


def _action(text: str, start: int, end: int, stop: int, back: int) -> tuple[int, int]:
    """Normalised range of the action a time expression governs: after it, up to ``stop`` at
    most; when nothing follows, the words before it, back to ``back`` at most (where the
    previous time limit ends)."""
    i = end
    while i < len(text) and text[i] in _SKIP:
        i += 1
    j = i
    ends = marks().sentence_end
    while j < stop and text[j] not in ends:
        j += 1
    while j > i and text[j - 1] in _SKIP + "、":
        j -= 1
    if j > i and text[i] not in ")）":
        return i, j
    # the limit closes its sentence ("第一阶段：…（2021年3月—4月21日）", "近期：2021～2025年")
    k = start
    while k > back and text[k - 1] not in ends:
        k -= 1
    e = start
    while e > k and text[e - 1] in _SKIP + _OPEN:
        e -= 1
    return k, e


def place_of(struct, block_index: int) -> Place:
    """Section and task of a block (ids and titles), when the structure is known."""
    if struct is None:
        return Place()
    try:
        return struct.place(block_index)
    except (IndexError, AttributeError):
        return Place()


def extract(doc: Document, struct, info, prose: Optional[Prose] = None) -> list[Deadline]:
    """Deadline records of one document, in reading order (``prose``: the document's prose
    when already read, see :mod:`.prose`)."""
    prose = prose or read_prose(doc, info)
    label_rx = compiled(load("dates")["action_label"])
    out: list[Deadline] = []
    seen_ranges: set[tuple] = set()
    for psg in prose.passages:
        text = psg.text.text
        limits = [d for d in psg.dates if d.role == "limit"]
        for n, d in enumerate(limits):
            if d.date is None or "XXXX" in d.date:
                continue
            if d.kind == "range" and not d.period:  # "“十四五”期间" limits each its own action
                key = (d.start_date, d.date)
                if key in seen_ranges:
                    continue
                seen_ranges.add(key)
            stop = limits[n + 1].start if n + 1 < len(limits) else len(text)
            a, b = _action(text, d.start, d.end, stop, limits[n - 1].end if n else 0)
            if a < d.start:  # a phase named before its range: drop the list label
                m = label_rx.match(text, a, d.start)
                a = m.end() if m else a
            action = source_text(doc, psg.text, a, b).strip("（()）:：")
            if not action:
                continue  # a bare period (a title's "（2025-2035年）") governs nothing
            span = doc.span_of(psg.text, d.start, d.end)
            place = place_of(struct, psg.block.index)
            out.append(Deadline(
                id=f"ddl-{len(out) + 1}", raw=doc.text[span.start:span.end], date=d.date, kind=d.kind,
                start=d.start_date, action=action, task=place.task, section=place.section,
                section_id=place.section_id, task_id=place.task_id, span=span))
    return out
