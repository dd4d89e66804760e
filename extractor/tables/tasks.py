"""Rows of a task-division table (任务分工表, 举措清单) → tasks, responsibilities, deadlines.

序号 | 重点任务 | 具体措施 | 牵头单位 | 配合单位 | 完成时限: each row is a ``Task`` (title from
the task column, text from the measures column, category from the divider row above it);
each filled units column gives a ``Responsibility`` whose role is the column's ("牵头单位" →
role "牵头", kind lead); the time-limit column gives ``Deadline`` s parsed with the prose date
grammar ("2023年6月底前"), or kind "ongoing" ("长期坚持").  Columns without a field keep their
cells in ``Task.extra`` with the header label.  Tika text marks no merge: an empty cell in a
column every task fills (task, lead unit, time limit) continues the cell above.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from ..language.dates import YearContext, find_dates
from ..model import Cell, Document, MappedText, Span
from ..patterns import compiled, load
from ..records import Deadline, ExtraCell, Responsibility, Task
from ..text import units as U
from ..text.responsibilities import role_kind
from ..text.sentences import nfkc_mapped
from ..values import is_placeholder
from .common import Ledger, row_span, text
from .grid import Grid, Row
from .header import Column, flat, lex
from .projects import unit_names

TITLE_KINDS = ("task", "measures")


def is_task_table(kinds: set[str]) -> bool:
    """A task or measures column (or a 任务/类别 column with a 内容 or time-limit column) with a
    units or time-limit column, and no project, indicator-value or investment column."""
    titled = bool(kinds & set(TITLE_KINDS)) or ("category" in kinds and bool(kinds & {"content", "period"}))
    return (titled and bool(kinds & {"units", "period"})
            and not kinds & {"pname", "investment", "standard", "baseline", "target"})


@dataclass
class TaskRows:
    """What one task table gives, in row order; ``at`` = the table's source offset."""

    at: int = 0
    tasks: list[Task] = field(default_factory=list)
    responsibilities: list[Responsibility] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)
    owners: list[tuple] = field(default_factory=list)  # (responsibility or deadline, its task)
    table_id: Optional[str] = None


@dataclass
class _Value:
    text: str
    cell: Optional[Cell]
    inherited: bool = False


@dataclass
class _Layout:
    """Which column gives which field; the role word and kind of each units column."""

    title: Optional[int]
    category: Optional[int]
    measures: Optional[int]
    seq: Optional[int]
    period: list[int]
    roles: dict[int, tuple[str, str]]  # column → (role word, role kind)
    extra: list[int]

    def merge_key(self, i: int, col: Column) -> str:
        return self.roles[i][1] if i in self.roles else col.kind


def _layout(grid: Grid) -> _Layout:
    cols = grid.columns
    first = lambda kind: (grid.index(kind) or [None])[0]  # noqa: E731
    title = first("task")
    cats = grid.index("category")
    if title is None and cats:
        title, cats = cats[-1], cats[:-1]
    cats = cats or grid.index("domain")  # 领域 | 重点任务 | …: the domain is the category
    measures = first("measures")
    if measures is None:
        measures = first("content")
    roles = {i: _role(cols[i]) for i in grid.index("units")}
    used = {title, measures, first("seq"), *(cats[:1]), *grid.index("period"), *roles}
    return _Layout(title, cats[0] if cats else None, measures, first("seq"), grid.index("period"),
                   roles, [i for i in range(len(cols)) if i not in used])


def _role(col: Column) -> tuple[str, str]:
    """(role word, role kind) of a units column header: "牵头单位" → ("牵头", "lead"); under a
    two-row header ("责任单位" over "牵头单位 | 配合单位") the lowest header cell names the role."""
    key = flat(col.cells[-1].text) if col.cells else flat(col.label)
    m = compiled(lex()["task_role_word"]).match(key)
    word = m["role"] if m else key
    return word, role_kind(word) or role_kind(key) or "responsible"


def build(grid: Grid, doc: Document, caption: Optional[str], section: Optional[str],
          ledger: Ledger, ctx: YearContext, guess_merges: bool) -> TaskRows:
    """The records of one task table (``guess_merges`` for Tika text, where merges are not marked)."""
    lay = _layout(grid)
    empties = _empty_share(grid)
    out = TaskRows(at=min((c.offsets[0] for c in grid.header_cells if c.offsets), default=0))
    category: Optional[str] = None
    prev: dict[int, _Value] = {}
    for row in grid.rows:
        if row.divider is not None:
            category = text(row.divider) or category
            ledger.use(*row.cells)
            prev = {}
            continue
        vals = _values(row, grid, lay, prev, empties, guess_merges)
        title_v, text_v = vals.get(lay.title), vals.get(lay.measures)
        if title_v is None and text_v is None:
            ledger.leave(row.cells, "row without a task")
            continue
        task = _task(row, doc, vals, lay, grid, caption, section, category, len(out.tasks) + 1)
        out.tasks.append(task)
        for i, v in vals.items():
            if not v.inherited:
                ledger.use(v.cell)
        for i, (word, kind) in lay.roles.items():
            if i in vals:
                r = _responsibility(doc, vals[i], word, kind, task.title, section)
                if r is not None:
                    out.responsibilities.append(r)
                    out.owners.append((r, task))
        for i in lay.period:
            if i in vals:
                found = _deadlines(doc, vals[i], ctx, task.title, section)
                out.deadlines += found
                out.owners += [(d, task) for d in found]
                if not found:
                    task.extra.append(ExtraCell(grid.columns[i].label, vals[i].text))
        prev = {i: v for i, v in vals.items()}
        ledger.leave(row.cells, "cell outside the task columns")
    return out


def row_duties(grid: Grid, doc: Document, rows: list[Row], section: Optional[str], ledger: Ledger,
               ctx: YearContext, guess_merges: bool) -> TaskRows:
    """Responsibilities and deadlines from the units and time-limit columns of a table whose rows
    are not tasks (an indicator table with 牵头单位 / 完成时限 columns), for the given ``rows``;
    name the records after their row with :func:`name_duties` once the rows' records exist."""
    lay = _Layout(None, None, None, None, grid.index("period"),
                  {i: _role(grid.columns[i]) for i in grid.index("units")}, [])
    empties = _empty_share(grid)
    out = TaskRows(at=min((c.offsets[0] for c in grid.header_cells if c.offsets), default=0))
    wanted = {id(r) for r in rows}
    prev: dict[int, _Value] = {}
    for row in grid.rows:
        if row.divider is not None:
            prev = {}
            continue
        if id(row) not in wanted:
            continue
        vals = _values(row, grid, lay, prev, empties, guess_merges)
        prev = vals
        for i, (word, kind) in lay.roles.items():
            if i in vals:
                ledger.use(vals[i].cell)
                r = _responsibility(doc, vals[i], word, kind, None, section)
                if r is not None:
                    out.responsibilities.append(r)
                    out.owners.append((r, row))
        for i in lay.period:
            if i in vals:
                found = _deadlines(doc, vals[i], ctx, None, section)
                if found:
                    ledger.use(vals[i].cell)
                out.deadlines += found
                out.owners += [(d, row) for d in found]
    return out


def name_duties(duties: TaskRows, titles: dict[int, str]) -> None:
    """Give the records of :func:`row_duties` the title of their row (``titles``: id(row) → title);
    they belong to no task record."""
    for rec, row in duties.owners:
        rec.task = titles.get(id(row))
        if hasattr(rec, "action"):
            rec.action = rec.task
    duties.owners = []


def _values(row: Row, grid: Grid, lay: _Layout, prev: dict[int, _Value], empties: dict[int, float],
            guess_merges: bool) -> dict[int, _Value]:
    """The row's text per column; in Tika text an empty cell continues the cell above where the
    layout makes the merge evident (a column every task fills; a 配合 cell beside a merged lead
    cell; a column otherwise filled)."""
    always = set(lex()["task_merge_always"])
    vals: dict[int, _Value] = {}
    for i, s in enumerate(row.slots):
        t = text(s)
        if t and not s.spanned:
            vals[i] = _Value(t, s.cell, s.inherited)
    if not guess_merges or not prev:
        return vals
    first_pass = [i for i, c in enumerate(grid.columns) if lay.merge_key(i, c) in always]
    for i in first_pass:
        if i not in vals and i in prev:
            vals[i] = _Value(prev[i].text, prev[i].cell, True)
    merged_lead = any(vals[i].inherited for i in lay.roles if i in vals and i in first_pass)
    for i, col in enumerate(grid.columns):
        if i in vals or i not in prev or i in first_pass or i in (lay.measures, lay.seq):
            continue
        if (i in lay.roles and merged_lead) or empties.get(i, 1.0) <= lex()["merge_max_empty_share"]:
            vals[i] = _Value(prev[i].text, prev[i].cell, True)
    return vals


def _empty_share(grid: Grid) -> dict[int, float]:
    rows = [r for r in grid.rows if r.divider is None]
    if not rows:
        return {}
    return {i: sum(1 for r in rows if not text(r.slots[i])) / len(rows) for i in range(len(grid.columns))}


def _task(row: Row, doc: Document, vals: dict[int, _Value], lay: _Layout, grid: Grid,
          caption: Optional[str], section: Optional[str], category: Optional[str], n: int) -> Task:
    title_v, text_v = vals.get(lay.title), vals.get(lay.measures)
    body = text_v.text if text_v else ""
    title = title_v.text if title_v else _title_of(body)
    span = _row_extent(doc, row)
    cat_v = vals.get(lay.category) if lay.category is not None else None
    task = Task(f"task-{n}", section, title, body, span, table=caption,
                seq=vals[lay.seq].text if lay.seq in vals else None,
                category=cat_v.text if cat_v else category)
    for name, v in (("title", title_v), ("category", cat_v)):
        if v is not None and v.inherited:
            task.inherited.append(name)
    for i in lay.extra:
        if i in vals:
            task.extra.append(ExtraCell(grid.columns[i].label, vals[i].text))
            if vals[i].inherited:
                task.inherited.append(grid.columns[i].label)
    return task


def _row_extent(doc: Document, row: Row) -> Span:
    """Provenance of a whole row: from its first source cell to its last."""
    cells = [c for c in row.cells if c.offsets]
    if not cells:
        return row_span(doc, row) or doc.span(0, 0)
    return doc.span(min(c.offsets[0] for c in cells), max(c.offsets[-1] for c in cells) + 1)


def _title_of(body: str) -> str:
    """A title for a row whose task cell is empty: its text up to the first sentence end."""
    m = compiled(r"[。；;，,：:]").search(body)
    head = body[:m.start()] if m else body
    return head[: lex()["task_title_max"]]


def _responsibility(doc: Document, v: _Value, word: str, kind: str, title: Optional[str],
                    section: Optional[str]) -> Optional[Responsibility]:
    """The units of one units cell, with the role of its column; a unit marked "（牵头）" inside
    a cell leads and the others support."""
    if is_placeholder(v.text) or v.cell is None:
        return None
    lead_rx = compiled(lex()["cell_lead_mark"])
    names: list[str] = []
    lead: list[str] = []
    for n in (n for part in unit_names(v.cell.text) for n in U.split_list(part)):
        marked = lead_rx.search(n)
        n = lead_rx.sub("", n) if marked else n
        if marked and not n and names:  # the mark wrapped onto a line of its own
            n = names.pop()
        if n and not is_placeholder(n):
            names.append(n)
            if marked:
                lead.append(n)
    if not names:
        return None
    span = doc.span_of(v.cell.mapped)
    both = bool(lead) and len(lead) < len(names)
    return Responsibility(
        id="", units=names, role=word, raw=doc.text[span.start:span.end], role_kind=kind,
        lead_units=lead if both else [], support_units=[n for n in names if n not in lead] if both else [],
        normalized_units=U.expand(names), task=title, section=section, span=span)


def _deadlines(doc: Document, v: _Value, ctx: YearContext, title: Optional[str],
               section: Optional[str]) -> list[Deadline]:
    """Time limits of a time-limit cell: dates by the prose grammar (every one a limit, unless
    recurring; a bare point is the date to finish by: "2023年6月" → by 2023-06; a point the duty
    starts from — "2024年起" — is kind "ongoing" with that start), and standing duties
    ("长期坚持") as kind "ongoing"."""
    if v.cell is None or is_placeholder(v.text):
        return []
    cell = v.cell.mapped
    keep = [k for k, ch in enumerate(cell.text) if ch != "\n"]
    mapped = nfkc_mapped(MappedText("".join(cell.text[k] for k in keep), [cell.offsets[k] for k in keep]))
    out: list[Deadline] = []
    taken: list[tuple[int, int]] = []
    for d in find_dates(mapped.text, ctx):
        if d.role == "title":
            continue
        kind = "recurring" if d.role == "recurring" else d.kind
        date = d.date if d.date and "XXXX" not in d.date else None
        start = d.start_date
        if kind == "at":
            rx = compiled(load("dates")["since_after"])
            since = rx.match(mapped.text, d.end)
            if since or rx.search(mapped.text, d.start, d.end):
                kind, start, date = "ongoing", date, None
                d.end = since.end() if since else d.end
            else:
                kind = "by"
        out.append(_deadline(doc, mapped, d.start, d.end, date, kind, start, title, section))
        taken.append((d.start, d.end))
    for m in compiled(load("dates")["ongoing"]).finditer(mapped.text):
        if not any(a < m.end() and m.start() < b for a, b in taken):
            out.append(_deadline(doc, mapped, m.start(), m.end(), None, "ongoing", None, title, section))
    return out


def _deadline(doc: Document, mapped: MappedText, i: int, j: int, date: Optional[str], kind: str,
              start: Optional[str], title: Optional[str], section: Optional[str]) -> Deadline:
    span = doc.span_of(mapped, i, j)
    return Deadline(id="", raw=doc.text[span.start:span.end], date=date, kind=kind, start=start,
                    action=title, task=title, section=section, span=span)
