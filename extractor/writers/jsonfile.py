"""Per-document JSON output, written atomically (temp name, then rename)."""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that a crash never leaves a partial file under that name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_document_json(doc: dict, out_dir: Path) -> Path:
    """Write one document's result dict as ``<doc_id>.json``."""
    path = Path(out_dir) / f"{doc['document']['doc_id']}.json"
    atomic_write_text(path, json.dumps(doc, ensure_ascii=False, indent=1))
    return path
