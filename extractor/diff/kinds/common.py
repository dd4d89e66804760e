"""What several kinds share: table rows grouped under a category, and records that live in a
task (aligned by their text within aligned tasks)."""
from __future__ import annotations

from typing import Any, Callable, Optional

from ..align import Pairs, align_in_context
from ..engine import Diff
from ..registry import Comparator


def short(text: Optional[str], n: int = 40) -> str:
    text = (text or "").replace("\n", "")
    return text if len(text) <= n else text[:n] + "…"


class TableRows(Comparator):
    """Rows of a table (indicators, projects): a row whose category changed has moved, unless the
    category was renamed as a whole; a column one document's table lacks is not compared."""

    removal_matters = True
    group = "category"

    def emit(self, d: Diff) -> None:
        d.table_like(self, moved_by=self.group)


class InTask(Comparator):
    """Records that live in a task (targets, deadlines, responsibilities): aligned by their text
    within aligned tasks; one inside a task or section added/removed is not reported on its own."""

    quotes_task = True

    def text(self, r: Any) -> str:
        """The words the record is aligned by."""
        return r.raw or ""

    def what(self, r: Any) -> Optional[str]:
        """What the record says, for its key."""
        return r.raw

    def key(self, r: Any) -> str:
        return " › ".join(x for x in (short(r.task or r.section), short(self.what(r))) if x)

    def summary(self, r: Any) -> str:
        return r.raw or ""

    def contexts(self, d: Diff) -> tuple[list, list]:
        octx, nctx = d.memo("task contexts", lambda: task_contexts(d))
        return [octx(r) for r in d.old[self.kind]], [nctx(r) for r in d.new[self.kind]]

    def align(self, d: Diff) -> Pairs:
        oc, nc = self.contexts(d)
        return align_in_context(d.old[self.kind], d.new[self.kind], oc, nc, self.text)

    def emit(self, d: Diff) -> None:
        oc, nc = self.contexts(d)
        d.table_like(self, suppress_old=[c is None for c in oc], suppress_new=[c is None for c in nc])


Context = Optional[tuple]


def task_contexts(d: Diff) -> tuple[Callable[[Any], Context], Callable[[Any], Context]]:
    """Context ids (old side, new side) for records that live in a task: equal ids ⇔ aligned
    contexts; None when the record's task or section was added/removed (the record's change is
    implied by it)."""
    tmap, smap = dict(d.pairs("task")), dict(d.pairs("section"))

    def index(records: list, key: Callable[[Any], tuple]) -> dict[tuple, int]:
        out: dict[tuple, int] = {}
        for k, r in enumerate(records):
            out.setdefault(key(r), k)
        return out

    tkey = lambda r: (r.section, r.title)  # noqa: E731
    o_t, n_t = index(d.old["task"], tkey), index(d.new["task"], tkey)
    o_s, n_s = index(d.old["section"], lambda r: (r.title,)), index(d.new["section"], lambda r: (r.title,))

    def resolve(r: Any, tasks: dict, secs: dict, tm: Optional[dict], sm: Optional[dict]) -> Context:
        if r.task is not None and (r.section, r.task) in tasks:
            k = tasks[(r.section, r.task)]
            k = k if tm is None else tm.get(k)
            return None if k is None else ("t", k)
        if r.section is not None and (r.section,) in secs:
            k = secs[(r.section,)]
            k = k if sm is None else sm.get(k)
            return None if k is None else ("s", k)
        return ("doc", r.section, r.task)

    return (lambda r: resolve(r, o_t, o_s, tmap, smap)), (lambda r: resolve(r, n_t, n_s, None, None))
