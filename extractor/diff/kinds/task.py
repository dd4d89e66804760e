"""Tasks: aligned by text and title; the text (a prose diff), the title and the section compared.
A prose edit that lies inside a reported change of a record quoting the task (a target,
deadline or responsibility) is not reported again; a task inside an added or removed section is
not reported on its own."""
from __future__ import annotations

from typing import Any

from ..align import Pairs, assign, column
from ..engine import Diff
from ..fields import Builder
from ..normalise import same
from ..prose import changed_regions, char_diff
from ..registry import Comparator, col, register
from ..similarity import equal_matrix, name_matrix, norm, text_matrix
from .common import short

Regions = list[tuple[int, int]]


@register
class Tasks(Comparator):
    kind, records = "task", "tasks"
    structural = True
    columns = (col("section"), col("title"), col("text"))

    def key(self, r: Any) -> str:
        return " › ".join(x for x in (r.section, short(r.title)) if x)

    def summary(self, r: Any) -> str:
        return r.text or r.title or ""

    def align(self, d: Diff) -> Pairs:
        """By text and title similarity, with the enclosing section's title as a tie-break."""
        old, new = d.old[self.kind], d.new[self.kind]
        text = text_matrix(column(old, lambda r: r.text), column(new, lambda r: r.text))
        title = text_matrix(column(old, lambda r: r.title), column(new, lambda r: r.title))
        sec = name_matrix(column(old, lambda r: r.section), column(new, lambda r: r.section))
        key = lambda r: (norm(r.section), norm(r.title), norm(r.text))  # noqa: E731
        exact = equal_matrix(column(old, key), column(new, key))
        score = 0.6 * text + 0.25 * title + 0.15 * sec + exact
        accept = (exact > 0) | (text >= 0.6) | ((title >= 0.9) & (text >= 0.3))
        return assign(score, accept)

    def emit(self, d: Diff) -> None:
        olds, news, pairs = d.old[self.kind], d.new[self.kind], d.pairs(self.kind)
        osec, nsec = d.old["section"], d.new["section"]
        smap = dict(d.pairs("section"))
        o_sec = {s.title: k for k, s in reversed(list(enumerate(osec)))}
        n_sec = {s.title: k for k, s in reversed(list(enumerate(nsec)))}
        explained = _explained_regions(d, self.kind)
        for i, j in pairs:
            o, n = olds[i], news[j]
            b = Builder(self.kind, self.key(n), o, n)
            text_changed = not same(o.text, n.text)
            if text_changed:
                ops = char_diff(o.text or "", n.text or "")
                if not _covered(ops, *explained.get((i, j), ([], []))):
                    b.add("modified", "text", o.text, n.text, detail={"ops": ops})
            title_in_text = all((r.title or "") in (r.text or "") for r in (o, n))
            if not same(o.title, n.title) and not (text_changed and title_in_text):
                b.add("renamed", "title", o.title, n.title)
            os_, ns_ = o_sec.get(o.section), n_sec.get(n.section)
            mapped = smap.get(os_) if os_ is not None else None
            if mapped != ns_ and not same(o.section, n.section):
                b.add("moved", "section", o.section, n.section)
            d.emit(self.kind, i, j, b.changes)
        matched_o, matched_n = {i for i, _ in pairs}, {j for _, j in pairs}
        for i, t in enumerate(olds):
            k = o_sec.get(t.section)
            if i not in matched_o and (k is None or k in smap):
                d.emit(self.kind, i, None, d.whole(self.kind, i, None))
        n_matched_secs = set(smap.values())
        for j, t in enumerate(news):
            k = n_sec.get(t.section)
            if j not in matched_n and (k is None or k in n_matched_secs):
                d.emit(self.kind, None, j, d.whole(self.kind, None, j))


def _explained_regions(d: Diff, task_kind: str) -> dict[tuple[int, int], tuple[Regions, Regions]]:
    """Per aligned task pair: where, in its old and new text, a reported change of a record that
    quotes the task (its ``raw``) sits — a prose edit inside it is already reported."""
    quoting = [c.kind for c in d.kinds.values() if c.quotes_task]
    for kind in quoting:
        d.emitted(kind)
    olds, news = d.old[task_kind], d.new[task_kind]
    pairs = d.pairs(task_kind)
    tmap = {(olds[i].section, olds[i].title): (i, j) for i, j in pairs}
    ntmap = {(news[j].section, news[j].title): (i, j) for i, j in pairs}
    out: dict[tuple[int, int], tuple[Regions, Regions]] = {}
    for (kind, i, j), changes in d.by_pair.items():
        if kind not in quoting or not changes:
            continue
        o = d.old[kind][i] if i >= 0 else None
        n = d.new[kind][j] if j >= 0 else None
        for rec, side, tasks, index in ((o, 0, olds, tmap), (n, 1, news, ntmap)):
            if rec is None:
                continue
            pair = index.get((rec.section, rec.task))
            if pair is None:
                continue
            task = tasks[pair[side]]
            at = _find_near(task.text or "", rec.raw or "", _start(rec.span) - _start(task.span))
            if at >= 0:
                out.setdefault(pair, ([], []))[side].append((at, at + len(rec.raw)))
    return out


def _start(span: Any) -> int:
    return (span.start if span is not None else 0) or 0


def _find_near(text: str, raw: str, expected: int) -> int:
    """Where ``raw`` occurs in ``text``: the occurrence nearest to offset ``expected`` (a task
    may hold the same words twice, "到2023年…到2023年"); -1 when absent."""
    if not raw:
        return -1
    hits, at = [], text.find(raw)
    while at >= 0:
        hits.append(at)
        at = text.find(raw, at + 1)
    return min(hits, key=lambda k: abs(k - expected), default=-1)


def _covered(ops: list, old_spans: Regions, new_spans: Regions) -> bool:
    """True when every edit in ``ops`` lies inside one of the given spans (old and new side)."""
    if not old_spans and not new_spans:
        return False
    old_regions, new_regions = changed_regions(ops)

    def inside(regions: list, spans: list) -> bool:
        return all(any(s <= a and b <= e for s, e in spans) for a, b in regions if b > a)

    def touches(regions: list, spans: list) -> bool:  # pure insertions/deletions: a point
        return all(any(s <= a <= e for s, e in spans) for a, b in regions if b == a)

    return (inside(old_regions, old_spans) and inside(new_regions, new_spans)
            and touches(old_regions, old_spans) and touches(new_regions, new_spans))
