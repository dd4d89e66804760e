"""The component registry: the steps of an extraction, by name, and the pipeline that runs them.

A component is a function ``PlanDoc -> PlanDoc`` registered with :func:`component` under a name,
with what it ``requires`` (names an earlier component must have assigned), what it ``reads``
when present (names that, when some enabled component assigns them, must be assigned before
it), and what it ``assigns`` (record kinds of :class:`~extractor.records.ExtractResult`,
annotations of :class:`PlanDoc`, or fields it fills on records).  ``patterns/pipeline.toml``
lists the components a document goes through, in order (``[pipeline] components``);
:func:`configured` builds that :class:`Pipeline` and refuses, naming the file and the key, an
unknown name, a name listed twice, a requirement no earlier component assigns, or a name read
before the component that assigns it.

Like spaCy's ``Language.factory`` and planx's own audit checks (``audit/registry.py``).
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Optional

from ..errors import PatternFileError, PlanxError
from ..patterns import load, source_of
from ..records import DocumentInfo, ExtractResult

if TYPE_CHECKING:
    from ..language.dates import YearContext
    from ..model import Document
    from ..structure import Structure
    from ..tables import TableRecords
    from ..text.prose import Prose

# modules whose import registers their components
COMPONENT_MODULES = ("components",)

EVERYTHING = "*"  # in ``reads``: every name the other enabled components assign


@dataclass
class PlanDoc:
    """The one annotated document a pipeline works on: the document read, the annotations the
    components assign for those after them, and the records (``result``) they extract."""

    doc: "Document"
    result: ExtractResult
    structure: Optional["Structure"] = None  # sections, tasks, the place of every block
    years: Optional["YearContext"] = None  # the document's year anchors (plan period, base and issue year)
    table_records: Optional["TableRecords"] = None  # what the tables gave, task-table rows included
    prose: Optional["Prose"] = None  # prose passages with their dates and quantities, read once
    other: dict[str, Any] = field(default_factory=dict)  # annotations of components added later
    options: dict[str, dict] = field(default_factory=dict)  # per component name: the caller's settings

    @classmethod
    def of(cls, doc: "Document") -> "PlanDoc":
        """A document read, with no annotation yet (its record ``document`` holds its identity)."""
        info = DocumentInfo(doc.doc_id, doc.source, doc.format, doc.sha256, warnings=list(doc.warnings))
        return cls(doc, ExtractResult(document=info))

    @property
    def task_rows(self) -> list:
        """The task tables' rows (tasks, and the responsibilities and deadlines of each row)."""
        return self.table_records.task_tables if self.table_records is not None else []


ANNOTATIONS = ("structure", "years", "table_records", "prose")  # PlanDoc fields a component must set


@dataclass(frozen=True)
class Component:
    """A registered step: its name, its function, and the names it requires, reads and assigns.
    ``stage`` is the benchmark stage its seconds count in (``extract(timings=…)``)."""

    name: str
    func: Callable[[PlanDoc], PlanDoc]
    requires: tuple[str, ...] = ()
    reads: tuple[str, ...] = ()
    assigns: tuple[str, ...] = ()
    stage: str = "text"


_REGISTRY: dict[str, Component] = {}


def component(name: str, *, requires: tuple[str, ...] = (), reads: tuple[str, ...] = (),
              assigns: tuple[str, ...] = (), stage: str = "text") -> Callable:
    """Decorator: register ``func(plan) -> plan`` as the component ``name``."""

    def deco(func: Callable[[PlanDoc], PlanDoc]) -> Callable[[PlanDoc], PlanDoc]:
        if name in _REGISTRY and _REGISTRY[name].func is not func:
            raise ValueError(f"two components are named {name!r}")
        _REGISTRY[name] = Component(name, func, tuple(requires), tuple(reads), tuple(assigns), stage)
        return func

    return deco


def unregister(name: str) -> None:
    """Remove the component ``name`` (a test's own component, once the test is done)."""
    _REGISTRY.pop(name, None)


def registered() -> dict[str, Component]:
    """Every registered component by name."""
    for mod in COMPONENT_MODULES:
        importlib.import_module(f"{__package__}.{mod}")
    return dict(_REGISTRY)


class ComponentError(PlanxError):
    """A component failed on a document with an error that is not the input's fault (a bug, or
    a library failing): one line naming the document and the component."""

    internal = True

    def __init__(self, path: object, name: str, error: BaseException):
        self.component = name
        super().__init__(path, f"component '{name}' failed: internal error "
                               f"({type(error).__name__}: {error or 'no details'})")


@dataclass(frozen=True)
class Pipeline:
    """Components run in order on one document."""

    components: tuple[Component, ...]

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.components]

    def run(self, plan: PlanDoc, lap: Callable[[str], None] = lambda stage: None) -> PlanDoc:
        """Every component on ``plan``.  A PlanxError (bad input) passes as it is; any other
        exception becomes a :class:`ComponentError` naming the document and the component."""
        for c in self.components:
            try:
                plan = c.func(plan)
            except (PlanxError, MemoryError):
                raise
            except Exception as e:  # noqa: BLE001 — reported as this component's failure
                raise ComponentError(plan.doc.source, c.name, e) from e
            missing = [a for a in c.assigns if a in ANNOTATIONS and getattr(plan, a) is None]
            if missing:
                raise ComponentError(plan.doc.source, c.name,
                                     RuntimeError(f"it did not assign {', '.join(missing)}"))
            lap(c.stage)
        return plan

    @classmethod
    def of(cls, names: list[str], where: str = "pipeline") -> "Pipeline":
        """The pipeline of the components ``names`` in this order; :class:`ConfigProblem` for a
        name that is unknown or listed twice, or a requirement or reading out of order."""
        known = registered()
        comps: list[Component] = []
        for n in names:
            if n not in known:
                raise ConfigProblem(f"unknown component '{n}' (known: {', '.join(sorted(known))})")
            if n in [c.name for c in comps]:
                raise ConfigProblem(f"component '{n}' is listed twice")
            comps.append(known[n])
        _check_order(comps)
        return cls(tuple(comps))


class ConfigProblem(Exception):
    """What is wrong with a list of components (the message is the one-line cause)."""


def _check_order(comps: list[Component]) -> None:
    assigned: dict[str, str] = {}  # name → the component that assigns it first
    for k, c in enumerate(comps):
        for need in c.requires:
            if need not in assigned:
                later = next((d.name for d in comps[k + 1:] if need in d.assigns), None)
                where = f"'{later}' assigns it after it" if later else "no component before it assigns it"
                raise ConfigProblem(f"component '{c.name}' requires '{need}', but {where}")
        for read in c.reads:
            later = [d for d in comps[k + 1:] if d is not c and (read == EVERYTHING or read in d.assigns)]
            if later:
                what = f"'{read}'" if read != EVERYTHING else "what every other component assigns"
                raise ConfigProblem(f"component '{c.name}' reads {what}, but '{later[0].name}' "
                                    f"comes after it")
        for a in c.assigns:
            assigned.setdefault(a, c.name)


def configured() -> Pipeline:
    """The pipeline ``patterns/pipeline.toml`` lists; PatternFileError naming the file and the key
    when it cannot run."""
    names = load("pipeline")["pipeline"]["components"]
    try:
        return Pipeline.of(names)
    except ConfigProblem as e:
        raise PatternFileError(source_of("pipeline"), f"[pipeline] 'components': {e}") from None
