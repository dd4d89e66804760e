"""The extraction pipeline: reader → document model → the registered components → records.

``extract(path)`` reads a file and :func:`extract_document` runs the components listed in
``patterns/pipeline.toml`` on it (:mod:`.registry`: how components are registered and checked;
:mod:`.components`: the built-in ones).
"""
from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Callable, Iterable, Optional

from ..collector import collector_paused
from ..errors import OutOfMemory, PlanxError
from ..limits import Limits, check_file_size
from ..readers import read
from ..records import ExtractResult
from .components import in_reading_order
from .registry import ComponentError, Pipeline, PlanDoc, component, configured, registered, unregister

if TYPE_CHECKING:
    from ..model import Document

__all__ = ["extract", "extract_document", "in_reading_order", "Pipeline", "PlanDoc", "component",
           "configured", "registered", "unregister", "ComponentError"]


def _stopwatch(timings: Optional[dict[str, float]]) -> Callable[[str], None]:
    """``lap(stage)`` adds the seconds since the previous lap to ``timings[stage]``."""
    last = [time.perf_counter()]

    def lap(stage: str) -> None:
        if timings is not None:
            now = time.perf_counter()
            timings[stage] = timings.get(stage, 0.0) + now - last[0]
            last[0] = now

    return lap


def extract(source: "str | Path | bytes | BinaryIO", doc_id: Optional[str] = None,
            timings: Optional[dict[str, float]] = None, *, max_size: Optional[int] = None,
            name: Optional[str] = None, pipeline: Optional[Pipeline] = None) -> ExtractResult:
    """Extract every record kind from one plan document (any format in ``readers.READERS``).

    ``source`` is a path, the file's bytes, or a binary file object; for bytes ``name`` (a file
    name such as "plan.docx") gives the format, for a file object its ``name`` does.
    A file over ``max_size`` bytes (default: ``patterns/limits.toml``) is refused, like a file
    that is not a plan, with :class:`~extractor.errors.PlanxError`; running out of memory is
    :class:`~extractor.errors.OutOfMemory`.  ``pipeline``: the components to run (default: those
    ``patterns/pipeline.toml`` lists, see :func:`configured`).  ``timings``, when given, receives the seconds spent
    per stage (read, structure, tables, text, audit: each component's ``stage``) — for the benchmark."""
    if not isinstance(source, (str, Path)):
        return _extract_data(source, doc_id, timings, max_size, name, pipeline)

    path = Path(source)
    try:
        lap = _stopwatch(timings)
        if path.is_file():
            check_file_size(path, path.stat().st_size, Limits.defaults().max_size if max_size is None else max_size)
        with collector_paused():  # the document's whole life, read to records (see collector_paused)
            doc = read(path, doc_id)
            lap("read")
            result = extract_document(doc, timings, pipeline)
            del doc  # the model goes by reference counting before the collector resumes
        return result
    except MemoryError:
        raise OutOfMemory(path) from None


def _extract_data(source: "bytes | BinaryIO", doc_id: Optional[str], timings: Optional[dict[str, float]],
                  max_size: Optional[int], name: Optional[str], pipeline: Optional[Pipeline]) -> ExtractResult:
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
        result = extract(path, doc_id or Path(name).stem, timings, max_size=max_size, pipeline=pipeline)
    result.document.source = name
    return result


def extract_document(doc: "Document", timings: Optional[dict[str, float]] = None,
                     pipeline: Optional[Pipeline] = None, *, skip: Iterable[str] = (),
                     only: Iterable[str] = ()) -> ExtractResult:
    """Every record kind of a document already read (see :func:`extract`): the components of
    ``pipeline`` (default: the one ``patterns/pipeline.toml`` lists) run on it in order.
    ``skip`` / ``only``: the audit checks to leave out / to run alone (``planx audit``)."""
    pipeline = pipeline or configured()
    plan = PlanDoc.of(doc)
    plan.options["audit"] = {"skip": tuple(skip), "only": tuple(only)}
    with collector_paused():
        return pipeline.run(plan, _stopwatch(timings)).result
