"""The components of an extraction (the steps ``patterns/pipeline.toml`` lists, in its order).

Each reads the annotations and records earlier components assigned on the :class:`PlanDoc`
and assigns its own (see ``requires`` / ``reads`` / ``assigns``).  Record kinds found both in
prose and in task-division tables (tasks, responsibilities, deadlines) are merged in reading
order here, the table rows coming from the ``tables`` component.
"""
from __future__ import annotations

from copy import copy

from .. import audit, catalogue, metadata, structure, tables
from ..language.dates import YearContext
from ..links import link
from ..text import deadlines, prose, responsibilities, targets
from .registry import EVERYTHING, PlanDoc, component


def in_reading_order(prose_records: list, tabled: list[tuple[int, list]], prefix: str) -> list:
    """Records of one kind from prose and from tables (``(table offset, records in row order)``)
    merged in source order, ids renumbered."""
    keyed = [((r.span.start if r.span else 0, k), r) for k, r in enumerate(prose_records)]
    keyed += [((at, len(prose_records) + k), r) for at, recs in tabled for k, r in enumerate(recs)]
    out = [r for _, r in sorted(keyed, key=lambda x: x[0])]
    for n, r in enumerate(out, 1):
        r.id = f"{prefix}-{n}"
    return out


@component("structure", assigns=("structure", "sections", "tasks"), stage="structure")
def structure_(plan: PlanDoc) -> PlanDoc:
    """The heading tree (sections), the run-in tasks, and the section and task of every block."""
    plan.structure = structure.build(plan.doc)
    plan.result.sections, plan.result.tasks = plan.structure.sections, plan.structure.tasks
    return plan


@component("metadata", requires=("structure",), assigns=("document", "years"), stage="structure")
def metadata_(plan: PlanDoc) -> PlanDoc:
    """Title, issuer, 文号, dates, region, plan period, base year, phases, declared counts — and the
    document's year anchors, decided here once for every later component."""
    info = metadata.extract_document_info(plan.doc, plan.structure)
    plan.result.document = info
    plan.years = YearContext.from_info(info)
    return plan


@component("tables", requires=("structure", "years"),
           assigns=("indicators", "projects", "tables", "table_records", "tasks"), stage="tables")
def tables_(plan: PlanDoc) -> PlanDoc:
    """Indicator, project and task-division tables, every table's grid; the task tables' rows
    join the prose tasks in reading order (their responsibilities and deadlines wait in
    ``table_records`` for the components of those kinds)."""
    found = tables.extract_records(plan.doc, plan.structure, plan.result.document, years=plan.years)
    plan.table_records = found
    res = plan.result
    res.indicators, res.projects, res.tables = found.indicators, found.projects, found.tables
    res.tasks = in_reading_order(res.tasks, [(t.at, t.tasks) for t in found.task_tables], "task")
    return plan


@component("catalogue", requires=("indicators",), assigns=("canonical_id", "polarity"), stage="tables")
def catalogue_(plan: PlanDoc) -> PlanDoc:
    """Each indicator matched to the indicator catalogue (canonical id, polarity, score)."""
    catalogue.annotate(plan.result.indicators)
    return plan


@component("responsibilities", requires=("structure",), reads=("table_records", "tasks"),
           assigns=("responsibilities",))
def responsibilities_(plan: PlanDoc) -> PlanDoc:
    """Who answers for each task: closing notes, labelled lines, prose statements, table rows."""
    found = responsibilities.extract(plan.doc, plan.structure)
    plan.result.responsibilities = in_reading_order(
        found, [(t.at, t.responsibilities) for t in plan.task_rows], "resp")
    return plan


@component("prose", requires=("years",), assigns=("prose",))
def prose_(plan: PlanDoc) -> PlanDoc:
    """Prose passages with their dates (one reading order, one year context) and quantities."""
    plan.prose = prose.read(plan.doc, plan.result.document, years=copy(plan.years))
    return plan


@component("deadlines", requires=("structure", "prose"), reads=("table_records", "tasks"),
           assigns=("deadlines",))
def deadlines_(plan: PlanDoc) -> PlanDoc:
    """Time limits of the prose and of task-table rows."""
    found = deadlines.extract(plan.doc, plan.structure, plan.result.document, plan.prose)
    plan.result.deadlines = in_reading_order(found, [(t.at, t.deadlines) for t in plan.task_rows], "ddl")
    return plan


@component("targets", requires=("structure", "years", "prose"), reads=("tasks",), assigns=("targets",))
def targets_(plan: PlanDoc) -> PlanDoc:
    """Quantified targets of the prose (subject, op, value, unit, year, kind)."""
    plan.result.targets = targets.extract(plan.doc, plan.structure, plan.result.document, plan.prose,
                                          years=plan.years)
    return plan


@component("links", requires=("structure",),
           reads=("tables", "indicators", "projects", "table_records", "tasks", "responsibilities",
                  "deadlines", "targets"),
           assigns=("section_id", "task_id", "table_id"))
def links_(plan: PlanDoc) -> PlanDoc:
    """``section_id`` / ``task_id`` / ``table_id`` on every record, once every id is final."""
    link(plan.result, plan.doc, plan.structure, plan.task_rows)
    return plan


@component("audit", reads=(EVERYTHING,), assigns=("findings",), stage="audit")
def audit_(plan: PlanDoc) -> PlanDoc:
    """Findings of the single-document checks (switched in ``patterns/checks.toml``; the caller's
    ``options["audit"]``: ``skip`` / ``only`` check ids or families)."""
    plan.result.findings = audit.run(plan.result, plan.doc, **plan.options.get("audit", {}))
    return plan
