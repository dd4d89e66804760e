"""Atomic file writes and their temporary files, for every output (JSON, tables, reports,
the manifest).

Temporary files are named ``.planx-<random>.tmp`` beside their target, whatever the target's
name (a long file name stays within the file system's limit), so a run can find and remove
the ones a crash left behind (:func:`remove_stale_temps`).
"""
from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from typing import BinaryIO

TEMP_PREFIX, TEMP_SUFFIX = ".planx-", ".tmp"
# The most bytes handed to one write(): on this project's (virtual) Linux machines one write of a
# few MB costs 5-10 times the system time of the same bytes written 64 KB at a time (a 36 MB JSON:
# 73-94 ms against 10-12 ms; 2.2 MB: 6.2 ms against 0.9-1.0 ms), as the kernel then takes large
# blocks of memory for the file's pages; slices of 1 MB or 256 KB were still slow in some runs.
# Smaller writes cost the same everywhere (shutil copies 64 KB at a time on Linux).
WRITE_SLICE = 1 << 16


def write_in_slices(fh: BinaryIO, data: bytes) -> None:
    """``fh.write(data)`` in writes of at most :data:`WRITE_SLICE` bytes (no copy is made)."""
    if len(data) <= WRITE_SLICE:
        fh.write(data)
        return
    view = memoryview(data)
    for at in range(0, len(view), WRITE_SLICE):
        fh.write(view[at:at + WRITE_SLICE])


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _new_temp(directory: Path) -> tuple[int, Path]:
    """(open descriptor, path) of a new empty temporary file in ``directory``, with the usual
    file mode (``mkstemp`` makes 0600)."""
    fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=directory)
    try:
        os.fchmod(fd, 0o666 & ~_umask())
    except OSError:
        os.close(fd)
        os.unlink(tmp)
        raise
    return fd, Path(tmp)


def temp_file(directory: Path, name: str = "") -> Path:
    """A new empty temporary file in ``directory``, with the usual file mode; rename it into
    place with ``os.replace`` when complete.  ``name`` (the target's name) is not part of the
    temporary name."""
    fd, tmp = _new_temp(directory)
    os.close(fd)
    return tmp


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
    fd, tmp = _new_temp(path.parent)
    try:
        with open(fd, "wb") as fh:  # written through the descriptor mkstemp opened
            write_in_slices(fh, data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    atomic_write_bytes(path, text.encode("utf-8", "replace"))


def cache_folder() -> Path:
    """planx's cache folder: ``$XDG_CACHE_HOME/planx`` (``~/.cache/planx``); without a home
    folder, one of this user's in the temporary folder."""
    base = os.environ.get("XDG_CACHE_HOME")
    if base and os.path.isabs(base):
        return Path(base) / "planx"
    home = os.path.expanduser("~")
    if os.path.isabs(home):
        return Path(home) / ".cache" / "planx"
    return Path(tempfile.gettempdir()) / f"planx-cache-{os.getuid() if hasattr(os, 'getuid') else 'user'}"


def is_own(fd: int) -> bool:
    """The open file belongs to this user (always, where there are no user ids): a cache file that
    another user put in a shared folder (the temporary folder, without a home) is not trusted."""
    return not hasattr(os, "getuid") or os.fstat(fd).st_uid == os.getuid()


def write_cache(path: Path, data: bytes) -> bool:
    """Write a cache file atomically (:func:`atomic_write_bytes`), if it can be: False (and no
    partial file left) when its folder cannot be made or written (a read-only home, a full disk);
    concurrent writers each replace it whole."""
    try:
        atomic_write_bytes(path, data)
        return True
    except OSError:
        return False
