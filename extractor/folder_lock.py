"""One planx run at a time per output folder: a lock on ``.planx.lock``.

The lock is held by the operating system (``flock`` / ``msvcrt.locking``), so it goes with
the process that holds it: a killed run never leaves a stale lock.  A second run into the
folder is refused with one line naming the folder and the process holding it.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import IO, Optional

from .errors import PlanxError

LOCK = ".planx.lock"


class FolderLock:
    """``with FolderLock(out_dir):`` — raises PlanxError when another run holds the folder."""

    def __init__(self, out_dir: Path):
        self.path = Path(out_dir) / LOCK
        self._fh: Optional[IO[str]] = None

    def __enter__(self) -> "FolderLock":
        try:
            fh = open(self.path, "a+", encoding="utf-8")
        except OSError as e:
            raise PlanxError(self.path.parent, f"cannot write in the output folder ({e.strerror or e})") from None
        try:
            _lock(fh)
        except OSError:
            fh.seek(0)
            holder = fh.read().strip()
            fh.close()
            who = f" (process {holder})" if holder.isdigit() else ""
            raise PlanxError(self.path.parent, f"another planx run is writing to this folder{who}; "
                                               "wait for it to finish or choose another -o folder") from None
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()))
        fh.flush()
        self._fh = fh
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fh is not None:
            try:
                self._fh.seek(0)
                self._fh.truncate()
                _unlock(self._fh)
            finally:
                self._fh.close()
                self._fh = None


try:
    import fcntl

    def _lock(fh: IO[str]) -> None:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(fh: IO[str]) -> None:
        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
except ImportError:  # Windows
    import msvcrt

    def _lock(fh: IO[str]) -> None:
        fh.seek(0)
        msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)

    def _unlock(fh: IO[str]) -> None:
        fh.seek(0)
        msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)
