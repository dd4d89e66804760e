"""The extraction pipeline: reader → document model → structure → extractors → records."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from .records import ExtractResult


def extract(path: str | Path, doc_id: Optional[str] = None) -> ExtractResult:
    """Extract every record kind from one plan document (.txt/.docx/.pdf)."""
    from . import audit, metadata, structure, tables
    from .readers import read
    from .text import deadlines, responsibilities, targets

    doc = read(Path(path), doc_id)
    struct = structure.build(doc)
    info = metadata.extract_document_info(doc, struct)
    result = ExtractResult(document=info, sections=struct.sections, tasks=struct.tasks)
    result.indicators, result.projects, result.tables = tables.extract(doc, struct)
    result.responsibilities = responsibilities.extract(doc, struct)
    result.deadlines = deadlines.extract(doc, struct, info)
    result.targets = targets.extract(doc, struct, info)
    result.findings = audit.run(result, doc)
    return result
