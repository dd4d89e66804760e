"""The extraction pipeline: reader → document model → structure → extractors → records."""
from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Callable, Optional

from . import audit, catalogue, metadata, structure, tables
from .errors import OutOfMemory, PlanxError
from .limits import Limits, check_file_size
from .links import link
from .readers import read
from .records import ExtractResult
from .text import deadlines, prose, responsibilities, targets

if TYPE_CHECKING:
    from .model import Document


def _stopwatch(timings: Optional[dict[str, float]]) -> Callable[[str], None]:
    """``lap(stage)`` adds the seconds since the previous lap to ``timings[stage]``."""
    last = [time.perf_counter()]

    def lap(stage: str) -> None:
        if timings is not None:
            now = time.perf_counter()
            timings[stage] = timings.get(stage, 0.0) + now - last[0]
            last[0] = now

    return lap


def in_reading_order(prose: list, tabled: list[tuple[int, list]], prefix: str) -> list:
    """Records of one kind from prose and from tables (``(table offset, records in row order)``)
    merged in source order, ids renumbered."""
    keyed = [((r.span.start if r.span else 0, k), r) for k, r in enumerate(prose)]
    keyed += [((at, len(prose) + k), r) for at, recs in tabled for k, r in enumerate(recs)]
    out = [r for _, r in sorted(keyed, key=lambda x: x[0])]
    for n, r in enumerate(out, 1):
        r.id = f"{prefix}-{n}"
    return out


def extract(source: "str | Path | bytes | BinaryIO", doc_id: Optional[str] = None,
            timings: Optional[dict[str, float]] = None, *, max_size: Optional[int] = None,
            name: Optional[str] = None) -> ExtractResult:
    """Extract every record kind from one plan document (any format in ``readers.READERS``).

    ``source`` is a path, the file's bytes, or a binary file object; for bytes ``name`` (a file
    name such as "plan.docx") gives the format, for a file object its ``name`` does.
    A file over ``max_size`` bytes (default: ``patterns/limits.toml``) is refused, like a file
    that is not a plan, with :class:`~extractor.errors.PlanxError`; running out of memory is
    :class:`~extractor.errors.OutOfMemory`.  ``timings``, when given, receives the seconds spent
    per stage (read, structure, tables, text, audit) — for the benchmark."""
    if not isinstance(source, (str, Path)):
        return _extract_data(source, doc_id, timings, max_size, name)

    path = Path(source)
    try:
        lap = _stopwatch(timings)
        if path.is_file():
            check_file_size(path, path.stat().st_size, Limits.defaults().max_size if max_size is None else max_size)
        doc = read(path, doc_id)
        lap("read")
        return extract_document(doc, timings)
    except MemoryError:
        raise OutOfMemory(path) from None


def _extract_data(source: "bytes | BinaryIO", doc_id: Optional[str], timings: Optional[dict[str, float]],
                  max_size: Optional[int], name: Optional[str]) -> ExtractResult:
    """A document given as bytes or a file object: read through a private temporary file."""
    name = name or getattr(source, "name", None)
    data = source if isinstance(source, (bytes, bytearray, memoryview)) else source.read()
    if not name or not isinstance(data, (bytes, bytearray, memoryview)):
        raise PlanxError(name or "(data)", "give the file's bytes or a binary file object, and a file name "
                                           "(name=\"plan.docx\") so that its format is known")
    name = Path(str(name)).name
    with tempfile.TemporaryDirectory(prefix="planx-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(bytes(data))
        result = extract(path, doc_id or Path(name).stem, timings, max_size=max_size)
    result.document.source = name
    return result


def extract_document(doc: "Document", timings: Optional[dict[str, float]] = None) -> ExtractResult:
    """Every record kind of a document already read (see :func:`extract`)."""
    lap = _stopwatch(timings)
    struct = structure.build(doc)
    info = metadata.extract_document_info(doc, struct)
    result = ExtractResult(document=info, sections=struct.sections, tasks=struct.tasks)
    lap("structure")
    found = tables.extract_records(doc, struct, info)
    result.indicators, result.projects, result.tables = found.indicators, found.projects, found.tables
    catalogue.annotate(result.indicators)
    rows = found.task_tables
    result.tasks = in_reading_order(result.tasks, [(t.at, t.tasks) for t in rows], "task")
    lap("tables")
    result.responsibilities = in_reading_order(
        responsibilities.extract(doc, struct), [(t.at, t.responsibilities) for t in rows], "resp")
    text = prose.read(doc, info)
    result.deadlines = in_reading_order(
        deadlines.extract(doc, struct, info, text), [(t.at, t.deadlines) for t in rows], "ddl")
    result.targets = targets.extract(doc, struct, info, text)
    link(result, doc, struct, rows)
    lap("text")
    result.findings = audit.run(result, doc)
    lap("audit")
    return result
