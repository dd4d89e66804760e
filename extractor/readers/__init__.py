"""Readers: one input file → one :class:`~extractor.model.Document`."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from ..errors import PlanxError
from ..model import Document

SUPPORTED = (".txt", ".docx", ".pdf")


def read(path: Path, doc_id: Optional[str] = None) -> Document:
    """Read any supported input; raise PlanxError with a one-line cause otherwise."""
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.exists():
        raise PlanxError(path, "no such file")
    if path.is_dir():
        raise PlanxError(path, "is a directory")
    if suffix not in SUPPORTED:
        raise PlanxError(path, f"unsupported file type '{suffix or '(none)'}' (planx reads .txt, .docx, .pdf)")
    try:
        size = path.stat().st_size
    except OSError as e:
        raise PlanxError(path, f"cannot read: {e.strerror}") from None
    if size == 0:
        raise PlanxError(path, "empty file")
    try:
        if suffix == ".txt":
            from .txt import read_txt
            return read_txt(path, doc_id)
        if suffix == ".docx":
            from .docx import read_docx
            return read_docx(path, doc_id)
        from .pdf import read_pdf
        return read_pdf(path, doc_id)
    except PlanxError:
        raise
    except (OSError, MemoryError) as e:
        raise PlanxError(path, f"cannot read: {getattr(e, 'strerror', None) or e}") from None
