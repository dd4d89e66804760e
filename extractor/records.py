"""Output records: one dataclass per record kind, with the public field names of SPEC.md.

``ExtractResult.to_dict()`` is exactly the JSON written per document (schema_version "2").
Contract v2: every record links to its section, task and table by id (``section_id``,
``task_id``, ``table_id``; the titles ``section``/``task``/``table`` stay as convenience
fields), every table carries its logical grid (``header``, ``rows``), and dates carry their
precision.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Optional

from .model import Span

SCHEMA_VERSION = "2"
RECORD_KINDS = ("sections", "tasks", "indicators", "projects", "targets", "deadlines",
                "responsibilities", "findings")


_PRECISION = {4: "year", 7: "month", 10: "day"}


def date_precision(iso: Optional[str]) -> Optional[str]:
    """"year" / "month" / "day" for an ISO date string as precise as the text ("2025",
    "2021-05", "2021-05-08"); None for no date or another form."""
    return _PRECISION.get(len(iso)) if isinstance(iso, str) else None


@dataclass
class Value:
    """A parsed cell value (SPEC's V)."""

    raw: Optional[str]
    op: Optional[str] = None
    value: Optional[float] = None
    unit: Optional[str] = None
    qualitative: Optional[str] = None
    value_max: Optional[float] = None  # upper bound of a range ("3—5": value 3, value_max 5)


@dataclass
class DocumentInfo:
    doc_id: str
    source: str
    format: str
    sha256: str
    title: Optional[str] = None
    issuer: Optional[str] = None
    doc_number: Optional[str] = None
    issue_date: Optional[str] = None
    published: Optional[str] = None
    version_label: Optional[str] = None
    region: Optional[str] = None
    plan_type: Optional[str] = None
    plan_period: Optional[dict] = None  # {"start": int, "end": int} (+ "inferred": True from the goals' horizon)
    base_year: Optional[int] = None
    phases: list[dict] = field(default_factory=list)  # [{"name", "start", "end"}]
    declared_counts: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # about the input (e.g. characters replaced)
    span: Optional[Span] = None


@dataclass
class Section:
    id: str
    level: int
    number: Optional[str]
    title: str
    parent: Optional[str]
    path: list[str]
    span: Span


@dataclass
class Task:
    """A task: a run-in lead sentence of the prose, or a row of a task-division table
    (``table`` = its caption; ``extra`` = cells of columns without a field, with their header)."""

    id: str
    section: Optional[str]
    title: str
    text: str
    span: Span
    table: Optional[str] = None
    seq: Optional[str] = None
    category: Optional[str] = None  # the divider row above it ("一、知识产权保护方面（共5项）")
    extra: list[dict] = field(default_factory=list)  # [{"column": "推广范围", "text": "全国"}]
    inherited: list[str] = field(default_factory=list)  # fields filled from a merged cell above
    section_id: Optional[str] = None
    table_id: Optional[str] = None


@dataclass
class Indicator:
    id: str
    table: Optional[str]
    name: str
    domain: Optional[str] = None
    category: Optional[str] = None
    seq: Optional[str] = None
    group: Optional[str] = None
    qualifier: Optional[str] = None
    unit: Optional[str] = None
    standard: Optional[str] = None
    baseline: Optional[dict] = None  # {"year": int|None, "value": str|None}
    status: Optional[str] = None
    targets: dict = field(default_factory=dict)  # {"2025": "≥27"}
    attribute: Optional[str] = None
    flags: list[str] = field(default_factory=list)
    inherited: list[str] = field(default_factory=list)
    parsed: dict = field(default_factory=dict)  # {"standard": V, "baseline": V, "targets": {year: V}}
    task: Optional[str] = None
    section: Optional[str] = None
    section_id: Optional[str] = None
    task_id: Optional[str] = None
    table_id: Optional[str] = None
    span: Optional[Span] = None
    canonical_id: Optional[str] = None  # the indicator catalogue's key (patterns/catalogue.toml)
    polarity: Optional[str] = None  # higher_better / lower_better / qualitative (from the catalogue)
    catalogue_score: Optional[float] = None  # 1.0 = a listed name, else the fuzzy similarity


@dataclass
class Project:
    id: str
    table: Optional[str]
    name: str
    seq: Optional[str] = None
    domain: Optional[str] = None
    category: Optional[str] = None
    parent: Optional[str] = None
    content: Optional[str] = None
    period: Optional[dict] = None  # {"raw", "start", "end"}
    investment: Optional[dict] = None  # {"raw", "value", "unit"}
    responsible_units: list[str] = field(default_factory=list)
    indicators: list[str] = field(default_factory=list)
    inherited: list[str] = field(default_factory=list)
    task: Optional[str] = None
    section: Optional[str] = None
    section_id: Optional[str] = None
    task_id: Optional[str] = None
    table_id: Optional[str] = None
    span: Optional[Span] = None


@dataclass
class Target:
    id: str
    raw: str
    subject: Optional[str]
    op: Optional[str]
    value: Optional[float]
    unit: Optional[str]
    year: Optional[int]
    kind: str = "goal"  # goal (to be reached) / status (current state, past achievement) / fact (description)
    normalized: Optional[dict] = None  # {"value", "unit"} when the unit scales (万吨 → 吨)
    task: Optional[str] = None
    section: Optional[str] = None
    section_id: Optional[str] = None
    task_id: Optional[str] = None
    table_id: Optional[str] = None
    span: Optional[Span] = None


@dataclass
class Deadline:
    id: str
    raw: str
    date: Optional[str]
    kind: str  # by / range / at / recurring / ongoing ("长期坚持": no date)
    start: Optional[str] = None
    action: Optional[str] = None
    task: Optional[str] = None
    section: Optional[str] = None
    section_id: Optional[str] = None
    task_id: Optional[str] = None
    table_id: Optional[str] = None
    span: Optional[Span] = None
    date_precision: Optional[str] = None  # "day" / "month" / "year" of ``date``
    start_precision: Optional[str] = None  # the same for ``start``

    def __post_init__(self) -> None:
        self.date_precision = self.date_precision or date_precision(self.date)
        self.start_precision = self.start_precision or date_precision(self.start)


@dataclass
class UnitRef:
    """A unit name as written, with its canonical form and level from the lexicon."""

    name: str
    canonical: str
    level: Optional[str] = None
    known: bool = False


@dataclass
class Responsibility:
    id: str
    units: list[str]
    role: Optional[str]
    raw: str
    role_kind: Optional[str] = None  # lead / support / responsible / guide
    implied_units: list[str] = field(default_factory=list)
    standing_rule: Optional[str] = None
    lead_units: list[str] = field(default_factory=list)
    support_units: list[str] = field(default_factory=list)
    normalized_units: list[UnitRef] = field(default_factory=list)
    task: Optional[str] = None
    section: Optional[str] = None
    section_id: Optional[str] = None
    task_id: Optional[str] = None
    table_id: Optional[str] = None
    span: Optional[Span] = None


@dataclass
class Finding:
    id: str
    check: str
    severity: str  # error / warning / info
    message: str
    message_en: Optional[str] = None
    refs: list[dict] = field(default_factory=list)  # [{"id": record id, "span": {...}}]


@dataclass
class TableInfo:
    """A table found in the document: its caption, kind, logical grid and what could not be
    placed.  ``header`` and ``rows`` hold every row as a list of cells
    ``{"text", "rowspan", "colspan", "inherited", "span"}`` (see :mod:`.tables.cells`)."""

    id: str
    caption: Optional[str]
    kind: str  # indicators / projects / tasks / box / other
    footnotes: list[str] = field(default_factory=list)
    unparsed: list[dict] = field(default_factory=list)  # [{"text", "span"}]
    span: Optional[Span] = None
    header: list[list[dict]] = field(default_factory=list)  # title and header rows
    rows: list[list[dict]] = field(default_factory=list)  # body rows (continuations appended)
    section: Optional[str] = None
    task: Optional[str] = None
    section_id: Optional[str] = None
    task_id: Optional[str] = None


_PLAIN = frozenset((str, int, float, bool, type(None)))
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def to_jsonable(obj: Any) -> Any:
    """Dataclasses → plain dicts/lists (Span as its dict), recursively."""
    kind = type(obj)
    if kind in _PLAIN:
        return obj
    plain = _PLAIN
    if kind is list:
        return [x if type(x) in plain else to_jsonable(x) for x in obj]
    if kind is dict:
        return {k: v if type(v) in plain else to_jsonable(v) for k, v in obj.items()}
    names = _FIELD_NAMES.get(kind)
    if names is not None:  # plain values inline: most fields are strings, numbers or None
        out = {}
        for name in names:
            v = getattr(obj, name)
            out[name] = v if type(v) in plain else to_jsonable(v)
        return out
    if isinstance(obj, Span):
        return obj.to_dict()
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):  # field names looked up once per class
        names = _FIELD_NAMES[kind] = tuple(f.name for f in dataclasses.fields(obj))
        return {name: to_jsonable(getattr(obj, name)) for name in names}
    if isinstance(obj, (list, tuple)):
        return [to_jsonable(x) for x in obj]
    if isinstance(obj, dict):
        return {k: to_jsonable(v) for k, v in obj.items()}
    return obj


@dataclass
class ExtractResult:
    """Everything planx extracts from one document."""

    document: DocumentInfo
    sections: list[Section] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)
    responsibilities: list[Responsibility] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    tables: list[TableInfo] = field(default_factory=list)

    @property
    def doc_id(self) -> str:
        return self.document.doc_id

    def __repr__(self) -> str:
        """One short line: the document and its record counts (not the records themselves)."""
        counts = ", ".join(f"{kind}={len(getattr(self, kind))}" for kind in (*RECORD_KINDS, "tables"))
        return f"ExtractResult(doc_id={self.doc_id!r}, title={self.document.title!r}, {counts})"

    def to_dict(self) -> dict:
        out = {"schema_version": SCHEMA_VERSION, "document": to_jsonable(self.document)}
        for kind in RECORD_KINDS:
            out[kind] = to_jsonable(getattr(self, kind))
        out["tables"] = to_jsonable(self.tables)
        return out

    @classmethod
    def from_dict(cls, d: dict) -> "ExtractResult":
        """The result a ``to_dict()`` dict (a planx JSON file) describes."""
        out = cls(document=_build(DocumentInfo, d["document"]))
        for kind, record_cls in _RECORD_CLASSES.items():
            setattr(out, kind, [_build(record_cls, r) for r in d.get(kind) or []])
        return out


_RECORD_CLASSES = {"sections": Section, "tasks": Task, "indicators": Indicator, "projects": Project,
                   "targets": Target, "deadlines": Deadline, "responsibilities": Responsibility,
                   "findings": Finding, "tables": TableInfo}


def _build(cls: type, d: dict) -> Any:
    """A record dataclass from its dict (unknown keys ignored, spans and unit refs rebuilt)."""
    names = {f.name for f in dataclasses.fields(cls)}
    kw = {k: v for k, v in d.items() if k in names}
    if isinstance(kw.get("span"), dict):
        kw["span"] = Span(**{f.name: kw["span"].get(f.name) for f in dataclasses.fields(Span)})
    if cls is Responsibility:
        kw["normalized_units"] = [_build(UnitRef, u) if isinstance(u, dict) else u
                                  for u in kw.get("normalized_units") or []]
    return cls(**kw)
