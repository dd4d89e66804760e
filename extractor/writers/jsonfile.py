"""Per-document JSON output (orjson), and the atomic-write helpers every writer uses.

Temporary files are named ``.planx-<random>.tmp`` beside their target, whatever the target's
name (a long file name stays within the file system's limit), so a run can find and remove
the ones a crash left behind (:func:`remove_stale_temps`).
"""
from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

TEMP_PREFIX, TEMP_SUFFIX = ".planx-", ".tmp"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def temp_file(directory: Path, name: str = "") -> Path:
    """A new empty temporary file in ``directory``, with the usual file mode (``mkstemp``
    makes 0600); rename it into place with ``os.replace`` when complete.  ``name`` (the
    target's name) is not part of the temporary name."""
    fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=directory)
    os.close(fd)
    os.chmod(tmp, 0o666 & ~_umask())
    return Path(tmp)


def remove_stale_temps(directory: Path, older_than: float = 0.0) -> int:
    """Remove temporary files a killed run left in ``directory``; return how many."""
    n = 0
    now = time.time()
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return 0
    for e in entries:
        if e.name.startswith(TEMP_PREFIX) and e.name.endswith(TEMP_SUFFIX) and e.is_file(follow_symlinks=False):
            try:
                if now - e.stat(follow_symlinks=False).st_mtime >= older_than:
                    os.unlink(e.path)
                    n += 1
            except OSError:
                pass
    return n


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a crash never leaves a partial file under that name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_file(path.parent)
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    atomic_write_bytes(path, text.encode("utf-8", "replace"))


def dumps(doc: Any) -> bytes:
    """A result dict as UTF-8 JSON (indented); stdlib ``json`` for what orjson refuses (an
    integer beyond 64 bits, a lone surrogate, which becomes "?")."""
    import orjson

    try:
        return orjson.dumps(doc, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS)
    except (TypeError, orjson.JSONEncodeError):
        return json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8", "replace")


def loads(data: bytes | str) -> Any:
    """Parse JSON text (orjson); ``ValueError`` when it is not valid JSON."""
    import orjson

    return orjson.loads(data)


def write_document_json(doc: dict, out_dir: Path) -> Path:
    """Write one document's result dict as ``<doc_id>.json``."""
    path = Path(out_dir) / f"{doc['document']['doc_id']}.json"
    atomic_write_bytes(path, dumps(doc))
    return path
