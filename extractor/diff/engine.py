"""Compare two planx JSON documents: align each record kind, then collect field-level changes.

A field that one document's table does not have at all (no 标准值 column) is not compared.
Changes implied by another change are not repeated: records inside an added/removed task or
section, tasks inside an added/removed section, sibling renumbering caused by a move, prose
edits that only touch a changed target/deadline/responsibility, an indicator category renamed
as a whole.
"""
from __future__ import annotations

import bisect
from collections import Counter
from typing import Callable, Optional, Sequence

from ..evidence import evidence, input_evidence
from . import align
from .fields import COMPARE, Builder, present_fields
from .model import LISTS, Change, DiffResult, Row
from .normalise import same
from .prose import changed_regions, char_diff
from .relate import relatedness

DOC_FIELDS = ("doc_id", "source", "format", "title", "version_label", "issue_date", "region", "plan_type")


def compare(old: dict, new: dict) -> DiffResult:
    """The changes from ``old`` to ``new`` (two planx JSON documents)."""
    for side in (old, new):
        if not isinstance(side.get("document"), dict):
            raise ValueError("not a planx extraction (no \"document\" object)")
    d = _Diff(old, new)
    d.run()
    changes = d.ordered_changes()
    od, nd = old["document"], new["document"]
    return DiffResult({k: od.get(k) for k in DOC_FIELDS}, {k: nd.get(k) for k in DOC_FIELDS},
                      changes, d.rows, cosmetic=d.cosmetic,
                      evidence=evidence([input_evidence(None, od), input_evidence(None, nd)]),
                      relation=relatedness(old, new, d.rows))


def _short(text: Optional[str], n: int = 40) -> str:
    text = (text or "").replace("\n", "")
    return text if len(text) <= n else text[:n] + "…"


def key_of(kind: str, r: dict) -> str:
    """A readable key naming the record."""
    if kind == "indicator":
        name = r.get("name") or ""
        qual = f"（{r['qualifier']}）" if r.get("qualifier") else ""
        return " / ".join(x for x in (r.get("group"), name + qual) if x)
    if kind == "project":
        return " / ".join(x for x in (r.get("parent"), r.get("name")) if x)
    if kind == "section":
        return " ".join(x for x in (r.get("number"), r.get("title")) if x)
    if kind == "task":
        return " › ".join(x for x in (r.get("section"), _short(r.get("title"))) if x)
    where = r.get("task") or r.get("section")
    what = "、".join(r.get("units") or []) if kind == "responsibility" else r.get("raw")
    return " › ".join(x for x in (_short(where), _short(what)) if x)


def _records(doc: dict, kind: str) -> list[dict]:
    """The records of one kind the diff compares: of targets, the goals only (a status or a fact
    describes the plan's background, not what it commits to)."""
    recs = list(doc.get(LISTS[kind]) or [])
    return [r for r in recs if r.get("kind", "goal") == "goal"] if kind == "target" else recs


class _Diff:
    def __init__(self, old: dict, new: dict):
        self.old = {k: _records(old, k) for k in LISTS}
        self.new = {k: _records(new, k) for k in LISTS}
        self.pairs: dict[str, list[tuple[int, int]]] = {}
        self.changes: list[Change] = []
        self.rows: dict[str, list[Row]] = {}
        self._by_pair: dict[tuple[str, int, int], list[Change]] = {}
        self.cosmetic: list[dict] = []

    # ---- alignment -------------------------------------------------------------------
    def run(self) -> None:
        o, n = self.old, self.new
        self.pairs["indicator"] = align.align_indicators(o["indicator"], n["indicator"])
        self.pairs["project"] = align.align_projects(o["project"], n["project"])
        self.pairs["task"] = align.align_tasks(o["task"], n["task"])
        self.pairs["section"] = align.align_sections(o["section"], n["section"], o["task"], n["task"],
                                                     self.pairs["task"])
        octx, nctx = self._contexts()
        for kind, text in (("target", lambda r: f"{r.get('subject') or ''}{r.get('raw') or ''}"),
                           ("deadline", lambda r: f"{r.get('raw') or ''}{r.get('action') or ''}"),
                           ("responsibility", lambda r: r.get("raw") or "")):
            oc = [octx(r) for r in o[kind]]
            nc = [nctx(r) for r in n[kind]]
            self.pairs[kind] = align.align_in_context(o[kind], n[kind], oc, nc, text)
            self._table_like(kind, suppress_old=[c is None for c in oc], suppress_new=[c is None for c in nc])
        self._table_like("indicator", moved_by="category")
        self._table_like("project", moved_by="category")
        self._sections()
        self._tasks()
        self._link_consequences()

    def _contexts(self) -> tuple[Callable[[dict], Optional[tuple]], Callable[[dict], Optional[tuple]]]:
        """Context ids for records that live in a task: equal ids ⇔ aligned contexts; None when the
        record's task or section was added/removed (the record's change is implied by it)."""
        tmap, smap = dict(self.pairs["task"]), dict(self.pairs["section"])

        def index(records: Sequence[dict], key: Callable[[dict], tuple]) -> dict[tuple, int]:
            out: dict[tuple, int] = {}
            for k, r in enumerate(records):
                out.setdefault(key(r), k)
            return out

        tkey = lambda r: (r.get("section"), r.get("title"))  # noqa: E731
        o_t, n_t = index(self.old["task"], tkey), index(self.new["task"], tkey)
        o_s, n_s = (index(self.old["section"], lambda r: (r.get("title"),)),
                    index(self.new["section"], lambda r: (r.get("title"),)))

        def resolve(r: dict, tasks: dict, secs: dict, tm: Optional[dict], sm: Optional[dict]) -> Optional[tuple]:
            if r.get("task") is not None and (r.get("section"), r.get("task")) in tasks:
                k = tasks[(r.get("section"), r.get("task"))]
                k = k if tm is None else tm.get(k)
                return None if k is None else ("t", k)
            if r.get("section") is not None and (r.get("section"),) in secs:
                k = secs[(r.get("section"),)]
                k = k if sm is None else sm.get(k)
                return None if k is None else ("s", k)
            return ("doc", r.get("section"), r.get("task"))

        return (lambda r: resolve(r, o_t, o_s, tmap, smap)), (lambda r: resolve(r, n_t, n_s, None, None))

    # ---- changes ---------------------------------------------------------------------
    def _emit(self, kind: str, i: Optional[int], j: Optional[int], changes: list[Change]) -> None:
        self.changes.extend(changes)
        self._by_pair[(kind, -1 if i is None else i, -1 if j is None else j)] = changes

    def _whole(self, kind: str, i: Optional[int], j: Optional[int]) -> list[Change]:
        r = self.old[kind][i] if i is not None else self.new[kind][j]
        if i is None:
            return [Change(kind, "added", key_of(kind, r), None, None, _summary(kind, r), None, None, r.get("span"))]
        return [Change(kind, "removed", key_of(kind, r), None, _summary(kind, r), None, None, r.get("span"), None)]

    def _table_like(self, kind: str, moved_by: Optional[str] = None,
                    suppress_old: Sequence[bool] = (), suppress_new: Sequence[bool] = ()) -> None:
        pairs = self.pairs[kind]
        olds, news = self.old[kind], self.new[kind]
        renamed_groups = _group_renames(olds, news, pairs, moved_by) if moved_by else {}
        skip = frozenset(present_fields(olds) ^ present_fields(news)) if moved_by else frozenset()
        for i, j in pairs:
            b = Builder(kind, key_of(kind, news[j]), olds[i], news[j], skip)
            COMPARE[kind](b)
            self.cosmetic.extend(b.cosmetic)
            if moved_by:
                a, c = olds[i].get(moved_by), news[j].get(moved_by)
                if not same(a, c) and not same(renamed_groups.get(a), c):
                    b.add("moved", moved_by, a, c)
            self._emit(kind, i, j, b.changes)
        matched_o, matched_n = {i for i, _ in pairs}, {j for _, j in pairs}
        for i in range(len(olds)):
            if i not in matched_o and not (suppress_old and suppress_old[i]):
                self._emit(kind, i, None, self._whole(kind, i, None))
        for j in range(len(news)):
            if j not in matched_n and not (suppress_new and suppress_new[j]):
                self._emit(kind, None, j, self._whole(kind, None, j))

    def _sections(self) -> None:
        olds, news, pairs = self.old["section"], self.new["section"], self.pairs["section"]
        smap = dict(pairs)
        o_id = {s.get("id"): k for k, s in enumerate(olds)}
        n_id = {s.get("id"): k for k, s in enumerate(news)}
        o_parent = [o_id.get(s.get("parent")) for s in olds]
        n_parent = [n_id.get(s.get("parent")) for s in news]
        out_of_order = _out_of_order(pairs, o_parent, n_parent, smap)
        o_rank, n_rank = _sibling_rank(o_parent), _sibling_rank(n_parent)
        for i, j in pairs:
            o, n = olds[i], news[j]
            b = Builder("section", key_of("section", n), o, n)
            if not same(o.get("title"), n.get("title")):
                b.add("renamed", "title", o.get("title"), n.get("title"))
            op = o_parent[i]
            parent_moved = (smap.get(op) if op is not None else None) != n_parent[j] and not (
                op is not None and op not in smap and n_parent[j] is not None
                and n_parent[j] not in set(smap.values()))
            if parent_moved or (i, j) in out_of_order:
                b.add("moved", "position", _where(olds, i), _where(news, j))
            elif not same(o.get("number"), n.get("number")) and o_rank[i] == n_rank[j]:
                b.add("moved", "number", o.get("number"), n.get("number"))
            self._emit("section", i, j, b.changes)
        matched_o, matched_n = set(smap), set(smap.values())
        for i in range(len(olds)):
            if i not in matched_o and not (o_parent[i] is not None and o_parent[i] not in matched_o):
                self._emit("section", i, None, self._whole("section", i, None))
        for j in range(len(news)):
            if j not in matched_n and not (n_parent[j] is not None and n_parent[j] not in matched_n):
                self._emit("section", None, j, self._whole("section", None, j))

    def _tasks(self) -> None:
        olds, news, pairs = self.old["task"], self.new["task"], self.pairs["task"]
        osec, nsec = self.old["section"], self.new["section"]
        smap = dict(self.pairs["section"])
        o_sec = {s.get("title"): k for k, s in reversed(list(enumerate(osec)))}
        n_sec = {s.get("title"): k for k, s in reversed(list(enumerate(nsec)))}
        explained = self._explained_regions()
        for i, j in pairs:
            o, n = olds[i], news[j]
            b = Builder("task", key_of("task", n), o, n)
            text_changed = not same(o.get("text"), n.get("text"))
            if text_changed:
                ops = char_diff(o.get("text") or "", n.get("text") or "")
                if not _covered(ops, *explained.get((i, j), ([], []))):
                    b.add("modified", "text", o.get("text"), n.get("text"), detail={"ops": ops})
            title_in_text = all((r.get("title") or "") in (r.get("text") or "") for r in (o, n))
            if not same(o.get("title"), n.get("title")) and not (text_changed and title_in_text):
                b.add("renamed", "title", o.get("title"), n.get("title"))
            os_, ns_ = o_sec.get(o.get("section")), n_sec.get(n.get("section"))
            mapped = smap.get(os_) if os_ is not None else None
            if mapped != ns_ and not same(o.get("section"), n.get("section")):
                b.add("moved", "section", o.get("section"), n.get("section"))
            self._emit("task", i, j, b.changes)
        matched_o, matched_n = {i for i, _ in pairs}, {j for _, j in pairs}
        for i, t in enumerate(olds):
            k = o_sec.get(t.get("section"))
            if i not in matched_o and (k is None or k in smap):
                self._emit("task", i, None, self._whole("task", i, None))
        n_matched_secs = set(smap.values())
        for j, t in enumerate(news):
            k = n_sec.get(t.get("section"))
            if j not in matched_n and (k is None or k in n_matched_secs):
                self._emit("task", None, j, self._whole("task", None, j))

    def _explained_regions(self) -> dict[tuple[int, int], tuple[list, list]]:
        """Per aligned task pair: where, in its old and new text, a reported target/deadline/
        responsibility change sits (a prose edit inside them is already reported)."""
        olds, news = self.old["task"], self.new["task"]
        tmap = {(olds[i].get("section"), olds[i].get("title")): (i, j) for i, j in self.pairs["task"]}
        ntmap = {(news[j].get("section"), news[j].get("title")): (i, j) for i, j in self.pairs["task"]}
        out: dict[tuple[int, int], tuple[list, list]] = {}
        for (kind, i, j), changes in self._by_pair.items():
            if kind not in ("target", "deadline", "responsibility") or not changes:
                continue
            o = self.old[kind][i] if i >= 0 else None
            n = self.new[kind][j] if j >= 0 else None
            for rec, side, tasks, index in ((o, 0, olds, tmap), (n, 1, news, ntmap)):
                if rec is None:
                    continue
                pair = index.get((rec.get("section"), rec.get("task")))
                if pair is None:
                    continue
                task = tasks[pair[side]]
                at = _find_near(task.get("text") or "", rec.get("raw") or "",
                                _start(rec.get("span")) - _start(task.get("span")))
                if at >= 0:
                    out.setdefault(pair, ([], []))[side].append((at, at + len(rec["raw"])))
        return out

    def _link_consequences(self) -> None:
        """A target whose year moved with a deadline of the same task (2025 → 2027 both) is a
        consequence of that deadline's change, not a change of its own."""
        moves: dict[tuple, list[Change]] = {}
        for (kind, i, j), changes in self._by_pair.items():
            if kind != "deadline" or i < 0 or j < 0:
                continue
            for c in changes:
                if c.field == "date":
                    years = (_year(c.detail.get("old_date")), _year(c.detail.get("new_date")))
                    moves.setdefault(_place(self.new["deadline"][j]) + years, []).append(c)
        if not moves:
            return
        for (kind, i, j), changes in self._by_pair.items():
            if kind != "target" or i < 0 or j < 0:
                continue
            for c in changes:
                if c.field != "year":
                    continue
                causes = moves.get(_place(self.new["target"][j]) + (_year(c.old), _year(c.new)))
                if causes:
                    c.cause = _nearest_before(causes, _start(c.new_span))

    # ---- output ----------------------------------------------------------------------
    def ordered_changes(self) -> list[Change]:
        """Changes grouped by kind (report order), each kind in document order; ids assigned."""
        out: list[Change] = []
        for kind in REPORT_ORDER:
            olds, news = self.old[kind], self.new[kind]
            rows: list[tuple[float, Row]] = []
            for (k, i, j), changes in self._by_pair.items():
                if k != kind:
                    continue
                o = olds[i] if i >= 0 else None
                n = news[j] if j >= 0 else None
                status = ("added" if o is None else "removed" if n is None
                          else "modified" if changes else "unchanged")
                rows.append((_position(self.pairs[kind], i, j),
                             Row(kind, key_of(kind, n or o), o, n, status, changes)))
            rows.sort(key=lambda t: t[0])
            self.rows[kind] = [r for _, r in rows]
            for r in self.rows[kind]:
                out.extend(r.changes)
        for k, c in enumerate(out, 1):
            c.id = f"chg-{k}"
        return out


def _year(x: object) -> Optional[int]:
    s = str(x or "")[:4]
    return int(s) if s.isdigit() else None


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


def _start(span: Optional[dict]) -> int:
    return (span or {}).get("start") or 0


def _nearest_before(causes: list[Change], at: int) -> Change:
    """The cause written last before offset ``at`` (the deadline that opens the target's sentence)."""
    before = [c for c in causes if _start(c.new_span) <= at]
    return max(before, key=lambda c: _start(c.new_span)) if before else causes[0]


def _place(r: dict) -> tuple:
    """Where a task record sits: its section and task."""
    return (r.get("section"), r.get("task"))


REPORT_ORDER = ("indicator", "project", "deadline", "responsibility", "target", "task", "section")


def _position(pairs: list[tuple[int, int]], i: int, j: int) -> float:
    """Sort key in new-document order; a removed record sits after the aligned one before it."""
    if j >= 0:
        return float(j)
    before = [b for a, b in pairs if a < i]
    return (max(before) if before else -1) + 0.5 + i * 1e-6


def _summary(kind: str, r: dict) -> str:
    """What a whole added/removed record says, in one line."""
    if kind == "indicator":
        targets = "；".join(f"{y}：{v}" for y, v in (r.get("targets") or {}).items() if v)
        return "　".join(x for x in (r.get("name"), r.get("unit") and f"（{r['unit']}）", targets,
                                     r.get("attribute")) if x)
    if kind == "project":
        inv = (r.get("investment") or {}).get("raw")
        return "　".join(x for x in (r.get("name"), r.get("content"), inv and f"投资{inv}",
                                     "、".join(r.get("responsible_units") or [])) if x)
    if kind == "section":
        return key_of(kind, r)
    if kind == "task":
        return r.get("text") or r.get("title") or ""
    return r.get("raw") or ""


def _group_renames(olds: Sequence[dict], news: Sequence[dict], pairs: list[tuple[int, int]],
                   field: str) -> dict:
    """old group → new group when (nearly) every aligned record of the group went there together:
    a renamed category heading, not a move of each record."""
    votes: dict[object, Counter] = {}
    for i, j in pairs:
        votes.setdefault(olds[i].get(field), Counter())[news[j].get(field)] += 1
    out = {}
    for g, c in votes.items():
        target, n = c.most_common(1)[0]
        if n > sum(c.values()) / 2:
            out[g] = target
    return out


def _sibling_rank(parents: Sequence[Optional[int]]) -> list[int]:
    """Position of each section among the sections with the same parent."""
    seen: Counter = Counter()
    out = []
    for p in parents:
        out.append(seen[p])
        seen[p] += 1
    return out


def _out_of_order(pairs: list[tuple[int, int]], o_parent: Sequence[Optional[int]],
                  n_parent: Sequence[Optional[int]], smap: dict) -> set[tuple[int, int]]:
    """Aligned sections that changed place among their siblings: outside the longest run kept in
    order (so the sections a move shifts are not reported, only the moved one)."""
    groups: dict[Optional[int], list[tuple[int, int]]] = {}
    for i, j in pairs:
        groups.setdefault(n_parent[j], []).append((i, j))
    moved: set[tuple[int, int]] = set()
    for members in groups.values():
        members.sort(key=lambda p: p[1])
        keep = _longest_increasing([i for i, _ in members])
        moved.update(p for k, p in enumerate(members) if k not in keep)
    return moved


def _longest_increasing(seq: Sequence[int]) -> set[int]:
    """Positions of one longest strictly increasing subsequence (patience sorting)."""
    tails: list[int] = []
    tail_pos: list[int] = []
    prev = [-1] * len(seq)
    for k, x in enumerate(seq):
        t = bisect.bisect_left(tails, x)
        if t == len(tails):
            tails.append(x)
            tail_pos.append(k)
        else:
            tails[t], tail_pos[t] = x, k
        prev[k] = tail_pos[t - 1] if t else -1
    out: set[int] = set()
    k = tail_pos[-1] if tail_pos else -1
    while k >= 0:
        out.add(k)
        k = prev[k]
    return out


def _where(sections: Sequence[dict], k: int) -> str:
    """“3.2 标题” under its parents, for a moved section."""
    s = sections[k]
    path = list(s.get("path") or [s.get("title")])
    head = " › ".join(path[:-1])
    me = key_of("section", s)
    return f"{head} › {me}" if head else me


def _covered(ops: list, old_spans: list[tuple[int, int]], new_spans: list[tuple[int, int]]) -> bool:
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
