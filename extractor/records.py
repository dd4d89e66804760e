"""Output records: one dataclass per record kind, with the public field names of SPEC.md.

Records are typed all the way down: nested values are dataclasses too (:class:`Value`,
:class:`PlanPeriod`, :class:`Period`, :class:`Money`, :class:`Baseline`, :class:`GridCell`…),
never ``dict``.  :func:`to_json` turns any record into the JSON data written per document
(schema_version "2") and :func:`from_json` reads it back from its type hints:
``from_json(type(r), to_json(r)) == r``.  The JSON Schema is generated from these types
(:mod:`extractor.schema_gen`); field descriptions and constraints live in the fields'
``metadata`` (:func:`meta`).

Each record class declares its :class:`RecordKind` (JSON key, singular name, id prefix, table
name): :data:`KINDS` is the registry that ``RECORD_KINDS``, the writers' tables and the schema
derive from; the display names are keyed by the singular name in ``patterns/labels.toml``.  Contract v2: every record links to its section, task and table by id
(``section_id``, ``task_id``, ``table_id``; the titles ``section``/``task``/``table`` stay as
convenience fields), every table carries its logical grid (``header``, ``rows``), and dates
carry their precision.
"""
from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass, field
from typing import Any, Callable, ClassVar, Optional, Union

from .collector import pause, resume
from .model import Span

SCHEMA_VERSION = "2"


@dataclass(frozen=True)
class RecordKind:
    """What a record class is in the output: ``key`` is its JSON key (and list attribute of
    :class:`ExtractResult`), ``name`` the singular (a diff change's kind, the key of its display
    name in patterns/labels.toml), ``prefix`` the id prefix ("ind" → "ind-1"), ``table`` the
    batch table and spreadsheet sheet, ``schema`` its JSON Schema definition."""

    key: str
    name: str
    prefix: str
    table: str
    schema: str


KINDS: dict[str, RecordKind] = {}  # key → kind, in output order
RECORD_CLASSES: dict[str, type] = {}  # key → record class


def record_kind(key: str, name: str, prefix: str, table: Optional[str] = None) -> Callable[[type], type]:
    """Class decorator: register a record class under its kind (output order = registration)."""
    def register(cls: type) -> type:
        cls.KIND = KINDS[key] = RecordKind(key, name, prefix, table or key, cls.SCHEMA_NAME
                                           if "SCHEMA_NAME" in vars(cls) else cls.__name__)
        RECORD_CLASSES[key] = cls
        return cls
    return register


def meta(doc: Optional[str] = None, *, omit: Any = dataclasses.MISSING, ref: Optional[str] = None,
         **schema: Any) -> dict:
    """Field metadata: ``doc`` its description, ``omit`` a value for which the key is left out
    of the JSON (and not required), ``ref`` a kind key whose ids the field holds ("sections")
    or a shared schema definition ("isodate"), ``schema`` further JSON Schema keywords."""
    out: dict = {"schema": schema}
    if doc:
        out["doc"] = doc
    if omit is not dataclasses.MISSING:
        out["omit"] = omit
    if ref:
        out["ref"] = ref
    return out


_PRECISION = {4: "year", 7: "month", 10: "day"}


def date_precision(iso: Optional[str]) -> Optional[str]:
    """"year" / "month" / "day" for an ISO date string as precise as the text ("2025",
    "2021-05", "2021-05-08"); None for no date or another form."""
    return _PRECISION.get(len(iso)) if isinstance(iso, str) else None


@dataclass
class Value:
    """A parsed cell value: '≥27' → op '>=', value 27; '/' → value null."""

    raw: Optional[str]
    op: Optional[str] = None
    value: Optional[float] = None
    unit: Optional[str] = None
    qualitative: Optional[str] = None
    value_max: Optional[float] = field(default=None, metadata=meta(
        "Upper bound of a range value ('20-30': value 20, value_max 30)."))


@dataclass
class PlanPeriod:
    """The years a plan covers."""

    start: Optional[int]
    end: Optional[int]
    inferred: bool = field(default=False, metadata=meta(
        "true: not printed; issue year to the horizon of the goals ('到2027年').", omit=False))


@dataclass
class Phase:
    """A stage of the plan ("近期（2021—2022年）")."""

    name: Optional[str]
    start: Optional[str] = field(metadata=meta(ref="isodate"))
    end: Optional[str] = field(metadata=meta(ref="isodate"))


@dataclass
class Period:
    """A project's construction period. Digits copied as written ('2022-16' stays), so
    start/end are not validated as dates."""

    raw: Optional[str]
    start: Optional[str]
    end: Optional[str]


@dataclass
class Money:
    """An amount of money as written, with its number and unit (from the cell or the header)."""

    raw: Optional[str]
    value: Optional[float]
    unit: Optional[str]


@dataclass
class Baseline:
    """An indicator's baseline value as written, with the base year of its column."""

    year: Optional[int]
    value: Optional[str]


_YEAR_KEYS = {"propertyNames": {"$ref": "#/$defs/yearKeys"}}


@dataclass
class ParsedValues:
    """An indicator's values parsed (SPEC's V): standard, baseline, and one per target year."""

    standard: Optional[Value] = None
    baseline: Optional[Value] = None
    targets: dict[str, Optional[Value]] = field(default_factory=dict, metadata=meta(**_YEAR_KEYS))


@dataclass
class Normalized:
    """A quantity with its magnitude applied ("50万吨" → 500000 吨); a range keeps its upper bound."""

    value: Optional[float]
    unit: Optional[str]
    value_max: Optional[float] = field(default=None, metadata=meta(omit=None))


@dataclass
class ExtraCell:
    """A task-table cell of a column without a field, with its header."""

    column: str
    text: str


@dataclass
class Ref:
    """A record a finding points at (``id`` None: the document's own statement), with where it
    is; a cross-document finding's refs name their document."""

    doc: Optional[str] = field(default=None, metadata=meta("The document (cross-document findings).", omit=None))
    id: Optional[str] = None
    span: Optional[Span] = None


@dataclass
class GridCell:
    """One grid position of a table: a merge origin carries rowspan/colspan; a position it
    covers repeats its text with inherited true."""

    text: str
    rowspan: int = field(default=1, metadata=meta(minimum=1))
    colspan: int = field(default=1, metadata=meta(minimum=1))
    inherited: bool = False
    span: Optional[Span] = None


@dataclass
class Unparsed:
    """A table cell that reached no record field, header or footnote, and why."""

    text: str
    reason: str
    span: Optional[Span]


_ID = meta(minLength=1)
_SEC = meta(ref="sections")
_TASK = meta("A task's id (task-N), or a section's id (sec-N) when a heading without a lead sentence of "
             "its own is the task itself.", ref="tasks|sections")
_TBL = meta(ref="tables")
_PREC = meta("How precise an ISO date is.", enum=["year", "month", "day", None])


@dataclass
class DocumentInfo:
    """The document: where it comes from and what it says about itself."""

    SCHEMA_NAME: ClassVar[str] = "Document"

    doc_id: str = field(metadata=_ID)
    source: str
    format: str
    sha256: str = field(metadata=meta(pattern="^[0-9a-f]{64}$"))
    title: Optional[str] = None
    issuer: Optional[str] = None
    doc_number: Optional[str] = None
    issue_date: Optional[str] = field(default=None, metadata=meta(ref="isodate"))
    published: Optional[str] = field(default=None, metadata=meta(ref="isodate"))
    version_label: Optional[str] = None
    region: Optional[str] = None
    plan_type: Optional[str] = None
    plan_period: Optional[PlanPeriod] = None
    base_year: Optional[int] = None
    phases: list[Phase] = field(default_factory=list)
    declared_counts: dict[str, float] = field(default_factory=dict, metadata=meta(
        "The counts the plan announces of itself: 'indicators', 'indicators.约束性', 'projects', "
        "'investment' (万元), 'tasks', 'tasks.<X方面>'."))
    warnings: list[str] = field(default_factory=list, metadata=meta(
        "About the input, for the user: characters replaced (Unicode hygiene), tables cut at the column "
        "bound, list counters beyond the bound."))
    span: Optional[Span] = None


@record_kind("sections", "section", "sec")
@dataclass
class Section:
    """A heading of the document's outline."""

    id: str
    level: int = field(metadata=meta(minimum=1))
    number: Optional[str]
    title: str
    parent: Optional[str]
    path: list[str]
    span: Span


@record_kind("tasks", "task", "task")
@dataclass
class Task:
    """A task: a run-in lead sentence of the prose, or a row of a task-division table
    (``table`` = its caption; ``extra`` = cells of columns without a field, with their header)."""

    id: str
    section: Optional[str]
    title: str
    text: str
    span: Span
    table: Optional[str] = field(default=None, metadata=meta(
        "Caption of the task-division table the row comes from (null: a prose task)."))
    seq: Optional[str] = None
    category: Optional[str] = field(default=None, metadata=meta(
        "The divider row above a table task ('一、知识产权保护方面（共5项）')."))
    extra: list[ExtraCell] = field(default_factory=list)
    inherited: list[str] = field(default_factory=list, metadata=meta("Fields filled from a merged cell above."))
    section_id: Optional[str] = field(default=None, metadata=_SEC)
    table_id: Optional[str] = field(default=None, metadata=_TBL)


@record_kind("indicators", "indicator", "ind")
@dataclass
class Indicator:
    """A row of an indicator table."""

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
    baseline: Optional[Baseline] = None
    status: Optional[str] = None
    targets: dict[str, Optional[str]] = field(default_factory=dict, metadata=meta(
        'Target value as written, per target year: {"2025": "≥27"}.', **_YEAR_KEYS))
    attribute: Optional[str] = None
    flags: list[str] = field(default_factory=list)
    inherited: list[str] = field(default_factory=list)
    parsed: ParsedValues = field(default_factory=ParsedValues)
    task: Optional[str] = None
    section: Optional[str] = None
    section_id: Optional[str] = field(default=None, metadata=_SEC)
    task_id: Optional[str] = field(default=None, metadata=_TASK)
    table_id: Optional[str] = field(default=None, metadata=_TBL)
    span: Optional[Span] = None
    canonical_id: Optional[str] = field(default=None, metadata=meta(
        "Key of the indicator in the catalogue (patterns/catalogue.toml), null when unmatched."))
    polarity: Optional[str] = field(default=None, metadata=meta(
        "Direction of improvement from the catalogue.", enum=["higher_better", "lower_better", "qualitative", None]))
    catalogue_score: Optional[float] = field(default=None, metadata=meta(
        "1.0 for a name the catalogue lists, else the fuzzy similarity (0–1).", minimum=0, maximum=1))


@record_kind("projects", "project", "proj")
@dataclass
class Project:
    """A row of a key-project table (or a numbered project of a 专栏 box)."""

    id: str
    table: Optional[str]
    name: str
    seq: Optional[str] = None
    domain: Optional[str] = None
    category: Optional[str] = None
    parent: Optional[str] = None
    content: Optional[str] = None
    period: Optional[Period] = None
    investment: Optional[Money] = None
    responsible_units: list[str] = field(default_factory=list)
    indicators: list[str] = field(default_factory=list)
    inherited: list[str] = field(default_factory=list)
    task: Optional[str] = None
    section: Optional[str] = None
    section_id: Optional[str] = field(default=None, metadata=_SEC)
    task_id: Optional[str] = field(default=None, metadata=_TASK)
    table_id: Optional[str] = field(default=None, metadata=_TBL)
    span: Optional[Span] = None


@record_kind("targets", "target", "tgt")
@dataclass
class Target:
    """A quantified target stated in the prose."""

    id: str
    raw: str
    subject: Optional[str]
    op: Optional[str]
    value: Optional[float]
    unit: Optional[str]
    year: Optional[int]
    kind: str = field(default="goal", metadata=meta(
        "goal: to be reached; status: the current state or a past achievement; fact: a description "
        "(area, altitude). Diff and audit use goals only.", enum=["goal", "status", "fact"]))
    normalized: Optional[Normalized] = None
    task: Optional[str] = None
    section: Optional[str] = None
    section_id: Optional[str] = field(default=None, metadata=_SEC)
    task_id: Optional[str] = field(default=None, metadata=_TASK)
    table_id: Optional[str] = field(default=None, metadata=_TBL)
    span: Optional[Span] = None


@record_kind("deadlines", "deadline", "ddl")
@dataclass
class Deadline:
    """A date or time limit stated in the prose or a task table's time-limit column."""

    id: str
    raw: str
    date: Optional[str] = field(metadata=meta(ref="isodate"))
    kind: str = field(metadata=meta("ongoing: a standing duty without a date ('长期坚持', '持续推进').",
                                    enum=["by", "range", "at", "recurring", "ongoing"]))
    start: Optional[str] = field(default=None, metadata=meta(ref="isodate"))
    action: Optional[str] = None
    task: Optional[str] = None
    section: Optional[str] = None
    section_id: Optional[str] = field(default=None, metadata=_SEC)
    task_id: Optional[str] = field(default=None, metadata=_TASK)
    table_id: Optional[str] = field(default=None, metadata=_TBL)
    span: Optional[Span] = None
    date_precision: Optional[str] = field(default=None, metadata=_PREC)
    start_precision: Optional[str] = field(default=None, metadata=_PREC)

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


@record_kind("responsibilities", "responsibility", "resp")
@dataclass
class Responsibility:
    """Who is responsible for a task: a 责任单位 note or a task table's units columns."""

    id: str
    units: list[str]
    role: Optional[str]
    raw: str
    role_kind: Optional[str] = field(default=None, metadata=meta(
        "The role's kind: 牵头 → lead, 配合 → support, 责任/负责 → responsible, 指导 → guide.",
        enum=["lead", "support", "responsible", "guide", None]))
    implied_units: list[str] = field(default_factory=list)
    standing_rule: Optional[str] = None
    lead_units: list[str] = field(default_factory=list)
    support_units: list[str] = field(default_factory=list)
    normalized_units: list[UnitRef] = field(default_factory=list)
    task: Optional[str] = None
    section: Optional[str] = None
    section_id: Optional[str] = field(default=None, metadata=_SEC)
    task_id: Optional[str] = field(default=None, metadata=_TASK)
    table_id: Optional[str] = field(default=None, metadata=_TBL)
    span: Optional[Span] = None


@record_kind("findings", "finding", "find")
@dataclass
class Finding:
    """An audit finding: a check's verdict on the records it names."""

    id: str
    check: str
    severity: str = field(metadata=meta(enum=["error", "warning", "info"]))
    message: str
    message_en: Optional[str] = None
    refs: list[Ref] = field(default_factory=list)


@record_kind("tables", "table", "tbl")
@dataclass
class TableInfo:
    """A table found in the document: its caption, kind, logical grid (``header`` and
    ``rows``, one :class:`GridCell` per grid position) and what could not be placed."""

    SCHEMA_NAME: ClassVar[str] = "Table"

    id: str
    caption: Optional[str]
    kind: str = field(metadata=meta(enum=["indicators", "projects", "tasks", "box", "other"]))
    footnotes: list[str] = field(default_factory=list)
    unparsed: list[Unparsed] = field(default_factory=list)
    span: Optional[Span] = None
    header: list[list[GridCell]] = field(default_factory=list, metadata=meta(
        "Title and header rows of the table's logical grid."))
    rows: list[list[GridCell]] = field(default_factory=list, metadata=meta(
        "Body rows of the logical grid (continuations on later pages appended)."))
    section: Optional[str] = None
    task: Optional[str] = None
    section_id: Optional[str] = field(default=None, metadata=_SEC)
    task_id: Optional[str] = field(default=None, metadata=_TASK)


RECORD_KINDS = tuple(k for k in KINDS if k != "tables")  # the record lists (tables are their own part)


# ---------------------------------------------------------------- the JSON boundary

_PLAIN = frozenset((str, int, float, bool, type(None)))
_CONVERTERS: dict[type, Callable[[Any], Any]] = {}  # class → its compiled converter to JSON data


def _converter(kind: type) -> Callable[[Any], Any]:
    """The function turning a dataclass ``kind`` into a dict, compiled once per class: the
    instance's dict copied (its fields in order, as ``__init__`` set them; named one by one
    when the instance holds other attributes too), a value that is not plain converted, a field
    whose metadata says ``omit`` left out at that value."""
    fields = dataclasses.fields(kind)
    env: dict[str, Any] = {"plain": _PLAIN, "to_json": to_json, "Span": Span, "names": [f.name for f in fields]}
    lines = ["def convert(obj):", "    out = obj.__dict__.copy()",
             f"    if len(out) != {len(fields)}:",
             "        out = {name: getattr(obj, name) for name in names}"]
    for k, f in enumerate(fields):
        lines.append(f"    v = out[{f.name!r}]")
        test = "if"
        if "omit" in f.metadata:
            env[f"omit{k}"] = f.metadata["omit"]
            lines.append(f"    if v == omit{k}:")
            lines.append(f"        del out[{f.name!r}]")
            test = "elif"
        # the common cases inline: a plain value, a span, a list
        lines += [f"    {test} type(v) not in plain:",
                  f"        out[{f.name!r}] = v.to_dict() if type(v) is Span else "
                  "[x if type(x) in plain else to_json(x) for x in v] if type(v) is list else to_json(v)"]
    lines.append("    return out")
    exec("\n".join(lines), env)  # noqa: S102 — the code is built from the class's own field names
    _CONVERTERS[kind] = convert = env["convert"]
    return convert


def to_json(obj: Any) -> Any:
    """A record (or any value of one) as JSON data: dataclasses → dicts in field order (a field
    whose metadata says ``omit`` is left out at that value), Span as its dict, lists, dicts."""
    kind = type(obj)
    convert = _CONVERTERS.get(kind)
    if convert is not None:
        return convert(obj)
    if kind in _PLAIN:
        return obj
    if kind is dict:
        return {k: v if type(v) in _PLAIN else to_json(v) for k, v in obj.items()}
    if not dataclasses.is_dataclass(obj) or isinstance(obj, type):
        return list(map(to_json, obj)) if isinstance(obj, tuple) else obj
    return _converter(kind)(obj)


def _list_to_json(obj: list) -> list:
    return [x if type(x) in _PLAIN else to_json(x) for x in obj]


_CONVERTERS.update({list: _list_to_json, Span: Span.to_dict})


def _same(v: Any) -> Any:
    return v


_SPAN_FIELDS = tuple(f.name for f in dataclasses.fields(Span))


def _span(v: Any) -> Any:
    if type(v) is not dict:
        return v
    if len(v) == len(_SPAN_FIELDS):
        try:
            return Span(**v)
        except TypeError:
            pass
    return Span(**{n: v.get(n) for n in _SPAN_FIELDS})


def _decoder(tp: Any) -> Callable[[Any], Any]:
    """A function turning JSON data into a value of type ``tp`` (``_same`` when nothing to do);
    data of another shape is kept as it is (a writer still shows it), never an exception."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is Union:
        inner = [a for a in args if a is not type(None)]
        dec = _decoder(inner[0]) if len(inner) == 1 else _same
        return _same if dec is _same else (lambda v: None if v is None else dec(v))
    if origin is list:
        item = _decoder(args[0])
        return _same if item is _same else (lambda v: [item(x) for x in v] if type(v) is list else v)
    if origin is dict:
        item = _decoder(args[1])
        return _same if item is _same else (lambda v: {k: item(x) for k, x in v.items()} if type(v) is dict else v)
    if tp is Span:
        return _span
    if dataclasses.is_dataclass(tp):
        return lambda v: from_json(tp, v) if type(v) is dict else v
    return _same


_Decoders = tuple[tuple[str, ...], tuple[tuple[str, Callable[[Any], Any]], ...], tuple[str, ...]]
# class → (fields taken as they are, (field, decoder) of the others, fields without a default)
_DECODERS: dict[type, _Decoders] = {}


def _decoders(cls: type) -> _Decoders:
    hints = typing.get_type_hints(cls)
    fields = dataclasses.fields(cls)
    decs = [(f.name, _decoder(hints[f.name])) for f in fields]
    required = tuple(f.name for f in fields
                     if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING)
    out = _DECODERS[cls] = (tuple(n for n, d in decs if d is _same), tuple((n, d) for n, d in decs if d is not _same),
                            required)
    return out


def from_json(cls: type, data: dict) -> Any:
    """The ``cls`` record that JSON data ``data`` describes (keys it does not know are ignored,
    keys it lacks take the field's default, or None): ``from_json(type(r), to_json(r)) == r``."""
    if cls is ExtractResult:
        return ExtractResult.from_json(data)
    plain, nested, required = _DECODERS.get(cls) or _decoders(cls)
    kw = {n: data[n] for n in plain if n in data}
    for n, dec in nested:
        if n in data:
            kw[n] = dec(data[n])
    for n in required:
        if n not in kw:
            kw[n] = None
    return cls(**kw)


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
        counts = ", ".join(f"{kind}={len(getattr(self, kind))}" for kind in KINDS)
        return f"ExtractResult(doc_id={self.doc_id!r}, title={self.document.title!r}, {counts})"

    def to_json(self) -> dict:
        """Exactly the JSON written per document."""
        paused = pause()  # (not a ``with``: see collector.pause)
        try:
            out = {"schema_version": SCHEMA_VERSION, "document": to_json(self.document)}
            for kind in KINDS:
                out[kind] = to_json(getattr(self, kind))
        finally:
            resume(paused)
        return out

    to_dict = to_json

    @classmethod
    def from_json(cls, data: dict) -> "ExtractResult":
        """The result a planx JSON document describes (``from_json(r.to_json()) == r``)."""
        out = cls(document=from_json(DocumentInfo, data["document"]))
        for key, record_cls in RECORD_CLASSES.items():
            setattr(out, key, [from_json(record_cls, r) for r in data.get(key) or []])
        return out

    from_dict = from_json

    @classmethod
    def of(cls, value: "ExtractResult | dict") -> "ExtractResult":
        """A result as records: itself, or read from its planx JSON dict (the JSON boundary);
        ``ValueError`` for a dict that is not a planx extraction."""
        if isinstance(value, cls):
            return value
        if not isinstance(value, dict) or not isinstance(value.get("document"), dict):
            raise ValueError("not a planx extraction (no \"document\" object)")
        return cls.from_json(value)
