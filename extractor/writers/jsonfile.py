"""Per-document JSON output, and the atomic-write helpers every writer uses."""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def temp_file(directory: Path, name: str) -> Path:
    """A new empty temporary file beside ``directory/name``, with the usual file mode
    (``mkstemp`` makes 0600); rename it into place with ``os.replace`` when complete."""
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=directory)
    os.close(fd)
    os.chmod(tmp, 0o666 & ~_umask())
    return Path(tmp)


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that a crash never leaves a partial file under that name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_file(path.parent, path.name)
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_document_json(doc: dict, out_dir: Path) -> Path:
    """Write one document's result dict as ``<doc_id>.json``."""
    path = Path(out_dir) / f"{doc['document']['doc_id']}.json"
    atomic_write_text(path, json.dumps(doc, ensure_ascii=False, indent=1))
    return path
