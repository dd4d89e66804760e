"""Per-document JSON output: ``<doc_id>.json``, written atomically."""
from __future__ import annotations

from pathlib import Path

from ..collector import pause, resume
from ..files import atomic_write_bytes
from ..jsonio import dumps


def write_document_json(doc: dict, out_dir: Path) -> Path:
    """Write one document's result dict as ``<doc_id>.json`` (the collector paused: a pass
    would walk the whole dict, which the caller usually lets go right after)."""
    paused = pause()
    try:
        path = Path(out_dir) / f"{doc['document']['doc_id']}.json"
        atomic_write_bytes(path, dumps(doc))
    finally:
        resume(paused)
    return path
