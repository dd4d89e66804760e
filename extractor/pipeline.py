"""The extraction pipeline: reader → document model → structure → extractors → records."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Callable, Optional

from .records import ExtractResult


def _stopwatch(timings: Optional[dict[str, float]]) -> Callable[[str], None]:
    """``lap(stage)`` adds the seconds since the previous lap to ``timings[stage]``."""
    last = [time.perf_counter()]

    def lap(stage: str) -> None:
        if timings is not None:
            now = time.perf_counter()
            timings[stage] = timings.get(stage, 0.0) + now - last[0]
            last[0] = now

    return lap


def extract(path: str | Path, doc_id: Optional[str] = None,
            timings: Optional[dict[str, float]] = None) -> ExtractResult:
    """Extract every record kind from one plan document (.txt/.docx/.pdf).

    ``timings``, when given, receives the seconds spent per stage (read, structure, tables,
    text, audit) — for the benchmark."""
    from . import audit, metadata, structure, tables
    from .readers import read
    from .text import deadlines, responsibilities, targets

    lap = _stopwatch(timings)
    doc = read(Path(path), doc_id)
    lap("read")
    struct = structure.build(doc)
    info = metadata.extract_document_info(doc, struct)
    result = ExtractResult(document=info, sections=struct.sections, tasks=struct.tasks)
    lap("structure")
    result.indicators, result.projects, result.tables = tables.extract(doc, struct)
    lap("tables")
    result.responsibilities = responsibilities.extract(doc, struct)
    result.deadlines = deadlines.extract(doc, struct, info)
    result.targets = targets.extract(doc, struct, info)
    lap("text")
    result.findings = audit.run(result, doc)
    lap("audit")
    return result
