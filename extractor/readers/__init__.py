"""Readers: one input file → one :class:`~extractor.model.Document`.

``READERS`` is the one registry of what planx reads: file suffix → (module, function).
"""
from __future__ import annotations

from importlib import import_module
from pathlib import Path
from typing import Optional

from ..errors import PlanxError
from ..model import Document

READERS: dict[str, tuple[str, str]] = {
    ".txt": ("txt", "read_txt"),
    ".docx": ("docx", "read_docx"),
    ".pdf": ("pdf", "read_pdf"),
    ".doc": ("legacy_word", "read_legacy_word"),
    ".wps": ("legacy_word", "read_legacy_word"),
    ".html": ("html", "read_html"),
    ".htm": ("html", "read_html"),
    ".ofd": ("ofd", "read_ofd"),
}
SUPPORTED = tuple(READERS)


def read(path: Path, doc_id: Optional[str] = None) -> Document:
    """Read any supported input; raise PlanxError with a one-line cause otherwise."""
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.exists():
        raise PlanxError(path, "no such file")
    if path.is_dir():
        raise PlanxError(path, "is a folder, not a file (give the folder to planx extract to read the files in it)")
    if suffix not in READERS:
        raise PlanxError(path, f"unsupported file type '{suffix or '(none)'}' (planx reads {', '.join(SUPPORTED)})")
    try:
        size = path.stat().st_size
    except OSError as e:
        raise PlanxError(path, f"cannot read: {e.strerror}") from None
    if size == 0:
        raise PlanxError(path, "empty file")
    module, function = READERS[suffix]
    try:
        return getattr(import_module(f".{module}", __name__), function)(path, doc_id)
    except PlanxError:
        raise
    except OSError as e:
        raise PlanxError(path, f"cannot read: {e.strerror or e}") from None
