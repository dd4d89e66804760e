"""The evidence of a report: what exactly was compared or audited, by which planx, when — and
where a person finds each record in its source.

A report that cannot be tied to its exact inputs is weak evidence, so every diff and audit
report carries, for each input, its path and sha256 (of the file as given, and of the source
document the extraction was made from), its title and version label; plus the planx version,
the pattern-library fingerprint and the time of generation in UTC (``SOURCE_DATE_EPOCH``, when
set, fixes the time for reproducible reports).
"""
from __future__ import annotations

import hashlib
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Optional, Union

from .patterns import library_fingerprint
from .version import __version__


def file_sha256(path: Union[str, Path]) -> Optional[str]:
    """sha256 of a file's bytes (None when it cannot be read)."""
    h = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    except OSError:
        return None
    return h.hexdigest()


def generated_at() -> str:
    """Now in UTC, ISO 8601 to the second (``SOURCE_DATE_EPOCH`` when set)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = datetime.fromtimestamp(int(epoch), timezone.utc) if epoch and epoch.isdigit() else datetime.now(timezone.utc)
    return when.isoformat(timespec="seconds").replace("+00:00", "Z")


def input_evidence(path: Optional[Union[str, Path]], document: dict) -> dict:
    """One input: the file given (path, sha256) and the document it holds."""
    return {"path": str(Path(path).resolve()) if path is not None else None,
            "sha256": file_sha256(path) if path is not None else None,
            "doc_id": document.get("doc_id"), "source": document.get("source"),
            "source_sha256": document.get("sha256"), "format": document.get("format"),
            "title": document.get("title"), "version_label": document.get("version_label"),
            "issue_date": document.get("issue_date")}


def evidence(inputs: list[dict]) -> dict:
    """The header: planx version, pattern-library fingerprint, UTC time and the inputs."""
    return {"planx_version": __version__, "patterns_sha256": library_fingerprint(),
            "generated_at": generated_at(), "inputs": inputs}


def where(span: Any, fmt: Optional[str] = None) -> str:
    """Where a person opens a span: "p.4 表2 行3" (pdf), "段12" or "表2 行3 列1" (docx, html),
    "L123" (txt); "" without one."""
    if hasattr(span, "to_dict"):
        span = span.to_dict()
    if not isinstance(span, dict):
        return ""
    table = f"表{span['table']}" + (f" 行{span['row']}" if span.get("row") else "") if span.get("table") else ""
    if fmt == "pdf" or (fmt is None and span.get("page")):
        return " ".join(x for x in (f"p.{span['page']}" if span.get("page") else "", table) if x)
    if fmt == "txt" or not (span.get("paragraph") or span.get("table")):
        return f"L{span['line']}" if span.get("line") is not None else ""
    if table:
        return table + (f" 列{span['col']}" if span.get("col") else "")
    return f"段{span['paragraph']}"


def quote(span: Any) -> str:
    """The span's quote ("" without one)."""
    if hasattr(span, "to_dict"):
        span = span.to_dict()
    return (span.get("quote") or "") if isinstance(span, dict) else ""
