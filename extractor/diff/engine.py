"""Compare two plan versions: every registered kind (``registry.py``) aligns its records and
reports field-level changes; then the kinds link the changes that follow from another's.

A field that one document's table does not have at all (no 标准值 column) is not compared.
Changes implied by another change are not repeated: records inside an added/removed task or
section, tasks inside an added/removed section, sibling renumbering caused by a move, prose
edits that only touch a changed target/deadline/responsibility, an indicator category renamed
as a whole.
"""
from __future__ import annotations

from collections import Counter
from typing import Any, Callable, Optional, Sequence, Union

from ..evidence import evidence, input_evidence
from ..records import ExtractResult, to_json
from .fields import Builder, get
from .model import Change, DiffResult, Row
from .normalise import same
from .registry import Comparator, Pairs, comparators
from .relate import relatedness

DOC_FIELDS = ("doc_id", "source", "format", "title", "version_label", "issue_date", "region", "plan_type")


def compare(old: Union[ExtractResult, dict], new: Union[ExtractResult, dict]) -> DiffResult:
    """The changes from ``old`` to ``new`` (two planx results, or their JSON dicts)."""
    old, new = ExtractResult.of(old), ExtractResult.of(new)
    d = Diff(old, new, comparators())
    d.run()
    changes = d.ordered_changes()
    od, nd = to_json(old.document), to_json(new.document)
    return DiffResult({k: od.get(k) for k in DOC_FIELDS}, {k: nd.get(k) for k in DOC_FIELDS},
                      changes, d.rows, kinds=tuple(d.kinds), cosmetic=d.cosmetic,
                      evidence=evidence([input_evidence(None, od), input_evidence(None, nd)]),
                      relation=relatedness(old.document, new.document, d.rows,
                                           [c.kind for c in d.kinds.values() if c.structural]))


class Diff:
    """The comparison in progress: each kind's records on both sides, their alignment (computed
    when first asked for: a kind may align by another's pairs) and the changes reported so far."""

    def __init__(self, old: ExtractResult, new: ExtractResult, kinds: Sequence[Comparator]):
        self.kinds = {c.kind: c for c in kinds}
        self.old = {c.kind: c.select(getattr(old, c.records, None) or []) for c in kinds}
        self.new = {c.kind: c.select(getattr(new, c.records, None) or []) for c in kinds}
        self.changes: list[Change] = []
        self.rows: dict[str, list[Row]] = {}
        self.by_pair: dict[tuple[str, int, int], list[Change]] = {}  # (kind, old or -1, new or -1) → changes
        self.cosmetic: list[dict] = []
        self._pairs: dict[str, Pairs] = {}
        self._emitted: set[str] = set()
        self._memo: dict[str, Any] = {}

    def run(self) -> None:
        for kind in self.kinds:
            self.emitted(kind)
        for c in self.kinds.values():
            c.settle(self)

    def pairs(self, kind: str) -> Pairs:
        """The aligned (old, new) index pairs of ``kind``."""
        if kind not in self._pairs:
            self._pairs[kind] = self.kinds[kind].align(self)
        return self._pairs[kind]

    def emitted(self, kind: str) -> None:
        """Make sure ``kind`` has reported its changes (a kind may need another's first)."""
        if kind not in self._emitted:
            self._emitted.add(kind)
            self.kinds[kind].emit(self)

    def memo(self, key: str, make: Callable[[], Any]) -> Any:
        """What ``make()`` returns, computed once per comparison (shared by several kinds)."""
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]

    # ---- changes -----------------------------------------------------------------------
    def emit(self, kind: str, i: Optional[int], j: Optional[int], changes: list[Change]) -> None:
        self.changes.extend(changes)
        self.by_pair[(kind, -1 if i is None else i, -1 if j is None else j)] = changes

    def whole(self, kind: str, i: Optional[int], j: Optional[int]) -> list[Change]:
        """The change of a whole record added (``i`` None) or removed (``j`` None)."""
        c = self.kinds[kind]
        r = self.old[kind][i] if i is not None else self.new[kind][j]
        if i is None:
            return [Change(kind, "added", c.key(r), None, None, c.summary(r), None, None, r.span)]
        return [Change(kind, "removed", c.key(r), None, c.summary(r), None, None, r.span, None)]

    def table_like(self, c: Comparator, moved_by: Optional[str] = None,
                   suppress_old: Sequence[bool] = (), suppress_new: Sequence[bool] = ()) -> None:
        """Report ``c``'s kind: every aligned pair compared by ``c.compare`` (and moved when its
        ``moved_by`` group changed, unless the group was renamed as a whole; a field one side's
        records never fill is not compared); every other record added or removed (unless
        suppressed: its change is implied by another)."""
        kind, pairs = c.kind, self.pairs(c.kind)
        olds, news = self.old[kind], self.new[kind]
        renamed_groups = _group_renames(olds, news, pairs, moved_by) if moved_by else {}
        skip = frozenset(_present(c, olds) ^ _present(c, news)) if moved_by else frozenset()
        for i, j in pairs:
            b = Builder(kind, c.key(news[j]), olds[i], news[j], skip)
            c.compare(b)
            self.cosmetic.extend(b.cosmetic)
            if moved_by:
                a, z = get(olds[i], moved_by), get(news[j], moved_by)
                if not same(a, z) and not same(renamed_groups.get(a), z):
                    b.add("moved", moved_by, a, z)
            self.emit(kind, i, j, b.changes)
        matched_o, matched_n = {i for i, _ in pairs}, {j for _, j in pairs}
        for i in range(len(olds)):
            if i not in matched_o and not (suppress_old and suppress_old[i]):
                self.emit(kind, i, None, self.whole(kind, i, None))
        for j in range(len(news)):
            if j not in matched_n and not (suppress_new and suppress_new[j]):
                self.emit(kind, None, j, self.whole(kind, None, j))

    # ---- output ------------------------------------------------------------------------
    def ordered_changes(self) -> list[Change]:
        """Changes grouped by kind (report order), each kind in document order; ids assigned."""
        out: list[Change] = []
        for kind, c in self.kinds.items():
            olds, news = self.old[kind], self.new[kind]
            rows: list[tuple[float, Row]] = []
            for (k, i, j), changes in self.by_pair.items():
                if k != kind:
                    continue
                o = olds[i] if i >= 0 else None
                n = news[j] if j >= 0 else None
                status = ("added" if o is None else "removed" if n is None
                          else "modified" if changes else "unchanged")
                rows.append((_position(self.pairs(kind), i, j), Row(kind, c.key(n or o), o, n, status, changes)))
            rows.sort(key=lambda t: t[0])
            self.rows[kind] = [r for _, r in rows]
            for r in self.rows[kind]:
                out.extend(r.changes)
        for k, ch in enumerate(out, 1):
            ch.id = f"chg-{k}"
        return out


def _present(c: Comparator, records: Sequence[Any]) -> set[str]:
    out: set[str] = set()
    for r in records:
        out |= c.present(r)
    return out


def _position(pairs: Pairs, i: int, j: int) -> float:
    """Sort key in new-document order; a removed record sits after the aligned one before it."""
    if j >= 0:
        return float(j)
    before = [b for a, b in pairs if a < i]
    return (max(before) if before else -1) + 0.5 + i * 1e-6


def _group_renames(olds: Sequence[Any], news: Sequence[Any], pairs: Pairs, field: str) -> dict:
    """old group → new group when (nearly) every aligned record of the group went there together:
    a renamed category heading, not a move of each record."""
    votes: dict[object, Counter] = {}
    for i, j in pairs:
        votes.setdefault(get(olds[i], field), Counter())[get(news[j], field)] += 1
    out = {}
    for g, c in votes.items():
        target, n = c.most_common(1)[0]
        if n > sum(c.values()) / 2:
            out[g] = target
    return out
