"""Sections: aligned by title, numbering path and the tasks they hold; renamed, moved (to another
parent, or out of order among its siblings) and renumbered sections reported — the siblings a
move shifts are not, nor the sections inside an added or removed one."""
from __future__ import annotations

import bisect
from collections import Counter
from typing import Any, Optional, Sequence

from ..align import Pairs, assign, column
from ..engine import Diff
from ..fields import Builder
from ..normalise import same
from ..registry import Comparator, col, register
from ..similarity import equal_matrix, name_matrix, norm


@register
class Sections(Comparator):
    kind, records = "section", "sections"
    structural = True
    columns = (col("number", fields=("number", "position")), col("title"), col("path", fields=("position",)))

    def key(self, r: Any) -> str:
        return " ".join(x for x in (r.number, r.title) if x)

    def align(self, d: Diff) -> Pairs:
        """By title, numbering path and the tasks they hold (renumbered or moved sections still match)."""
        import numpy as np

        old, new = d.old[self.kind], d.new[self.kind]
        title = name_matrix(column(old, lambda r: r.title), column(new, lambda r: r.title))
        num = equal_matrix(column(old, lambda r: norm(r.number)), column(new, lambda r: norm(r.number)))
        parent = equal_matrix(column(old, _parent_path), column(new, _parent_path))
        exact = equal_matrix(column(old, lambda r: (norm(r.number), norm(r.title))),
                             column(new, lambda r: (norm(r.number), norm(r.title))))
        tmap = dict(d.pairs("task"))
        oc, nc = _children(old, d.old["task"]), _children(new, d.new["task"])
        child = np.zeros((len(old), len(new)))
        for i, kids in enumerate(oc):
            mapped = {tmap[k] for k in kids if k in tmap}
            if not mapped:
                continue
            for j, nkids in enumerate(nc):
                if nkids:
                    child[i, j] = len(mapped & nkids) / max(len(kids), len(nkids))
        score = 0.55 * title + 0.25 * child + 0.1 * num + 0.1 * parent + exact
        accept = (exact > 0) | (title >= 0.75) | (child >= 0.5) | ((title >= 0.4) & (num > 0) & (parent > 0))
        return assign(score, accept)

    def emit(self, d: Diff) -> None:
        olds, news, pairs = d.old[self.kind], d.new[self.kind], d.pairs(self.kind)
        smap = dict(pairs)
        o_id = {s.id: k for k, s in enumerate(olds)}
        n_id = {s.id: k for k, s in enumerate(news)}
        o_parent = [o_id.get(s.parent) for s in olds]
        n_parent = [n_id.get(s.parent) for s in news]
        out_of_order = _out_of_order(pairs, n_parent)
        o_rank, n_rank = _sibling_rank(o_parent), _sibling_rank(n_parent)
        for i, j in pairs:
            o, n = olds[i], news[j]
            b = Builder(self.kind, self.key(n), o, n)
            if not same(o.title, n.title):
                b.add("renamed", "title", o.title, n.title)
            op = o_parent[i]
            parent_moved = (smap.get(op) if op is not None else None) != n_parent[j] and not (
                op is not None and op not in smap and n_parent[j] is not None
                and n_parent[j] not in set(smap.values()))
            if parent_moved or (i, j) in out_of_order:
                b.add("moved", "position", self._where(olds, i), self._where(news, j))
            elif not same(o.number, n.number) and o_rank[i] == n_rank[j]:
                b.add("moved", "number", o.number, n.number)
            d.emit(self.kind, i, j, b.changes)
        matched_o, matched_n = set(smap), set(smap.values())
        for i in range(len(olds)):
            if i not in matched_o and not (o_parent[i] is not None and o_parent[i] not in matched_o):
                d.emit(self.kind, i, None, d.whole(self.kind, i, None))
        for j in range(len(news)):
            if j not in matched_n and not (n_parent[j] is not None and n_parent[j] not in matched_n):
                d.emit(self.kind, None, j, d.whole(self.kind, None, j))

    def _where(self, sections: Sequence[Any], k: int) -> str:
        """“3.2 标题” under its parents, for a moved section."""
        s = sections[k]
        path = list(s.path or [s.title])
        head = " › ".join(path[:-1])
        me = self.key(s)
        return f"{head} › {me}" if head else me


def _parent_path(r: Any) -> tuple:
    return tuple(norm(p) for p in (r.path or [])[:-1]) or ("",)


def _children(sections: Sequence[Any], tasks: Sequence[Any]) -> list[set[int]]:
    """The tasks of each section (by the section's title)."""
    by_title: dict[str, list[int]] = {}
    for k, t in enumerate(tasks):
        by_title.setdefault(t.section or "", []).append(k)
    return [set(by_title.get(s.title or "", ())) for s in sections]


def _sibling_rank(parents: Sequence[Optional[int]]) -> list[int]:
    """Position of each section among the sections with the same parent."""
    seen: Counter = Counter()
    out = []
    for p in parents:
        out.append(seen[p])
        seen[p] += 1
    return out


def _out_of_order(pairs: Pairs, n_parent: Sequence[Optional[int]]) -> set[tuple[int, int]]:
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
