"""Publish a set of files as a unit: all of the new set, or all of the previous one.

The new files are complete under temporary names.  A journal (``.planx-publish.json``) first
records the whole plan: which temporary file becomes which final name, and the name each
previous file is moved aside to.  Then the previous files are moved aside, the new ones moved
in, the old ones deleted and the journal removed.  A final name that cannot be moved aside (a
workbook open in Excel on Windows, a read-only file) stops the switch before anything new is
in place: the old files are moved back and the error names the file.  A run killed during the
switch leaves the journal; :func:`recover` (called before the next run writes) rolls the
folder back to the previous set, or forward when every new file was already in place.
"""
from __future__ import annotations

import contextlib
import json
import os
import secrets
from pathlib import Path
from typing import Iterable

from ..errors import PlanxError
from ..files import TEMP_PREFIX, TEMP_SUFFIX, atomic_write_text

JOURNAL = ".planx-publish.json"


def _move(src: Path, dst: Path) -> None:
    os.replace(src, dst)


def _aside_name(folder: Path) -> Path:
    """A free temporary name, not created (its existence later means the move happened)."""
    while True:
        p = folder / f"{TEMP_PREFIX}{secrets.token_hex(4)}{TEMP_SUFFIX}"
        if not p.exists():
            return p


def publish(out_dir: Path, moves: dict[Path, Path], removals: Iterable[Path] = ()) -> None:
    """Put each ``moves[final] = temp`` in place and delete each of ``removals`` (files of the
    previous set that the new one lacks), as one switch."""
    out_dir = Path(out_dir)
    finals = list(moves) + [p for p in removals if p not in moves]
    aside = {f: _aside_name(out_dir) for f in finals if f.exists() or f.is_symlink()}
    if not moves and not aside:
        return
    journal = out_dir / JOURNAL
    try:
        atomic_write_text(journal, json.dumps({"new": {str(f): str(t) for f, t in moves.items()},
                                               "aside": {str(f): str(b) for f, b in aside.items()}},
                                              ensure_ascii=False))
    except OSError as e:
        for tmp in moves.values():
            tmp.unlink(missing_ok=True)
        raise PlanxError(journal, f"cannot write ({e.strerror or e}) — the previous batch tables are kept") from None
    try:
        for final, backup in aside.items():
            try:
                _move(final, backup)
            except OSError as e:
                raise PlanxError(final, f"cannot be replaced ({e.strerror or e}; is it open in another "
                                        "program?) — the previous batch tables are kept") from None
        for final, tmp in moves.items():
            _move(tmp, final)
    except BaseException:
        _abort(journal, moves, aside)
        raise
    for backup in aside.values():
        backup.unlink(missing_ok=True)
    journal.unlink(missing_ok=True)


def _abort(journal: Path, moves: dict[Path, Path], aside: dict[Path, Path]) -> None:
    """Undo a switch that failed or was interrupted in this process."""
    _roll_back(moves, aside)
    journal.unlink(missing_ok=True)


def _roll_back(moves: dict[Path, Path], aside: dict[Path, Path]) -> None:
    """Back to the previous set: new files out (those moved in where there was none deleted),
    every file that was moved aside back in place."""
    for final, tmp in moves.items():
        if final not in aside and not tmp.exists():
            final.unlink(missing_ok=True)
        tmp.unlink(missing_ok=True)
    for final, backup in aside.items():
        if backup.exists():
            with contextlib.suppress(OSError):
                os.replace(backup, final)


def recover(out_dir: Path) -> bool:
    """Finish or undo a switch that a killed run left half done; True when there was one."""
    journal = Path(out_dir) / JOURNAL
    try:
        state = json.loads(journal.read_text(encoding="utf-8"))
        moves = {Path(f): Path(t) for f, t in state.get("new", {}).items()}
        aside = {Path(f): Path(b) for f, b in state.get("aside", {}).items()}
    except FileNotFoundError:
        return False
    except (OSError, ValueError, AttributeError):
        journal.unlink(missing_ok=True)
        return True
    if not any(t.exists() for t in moves.values()):  # every new file was in place: finish
        for backup in aside.values():
            backup.unlink(missing_ok=True)
    else:
        _roll_back(moves, aside)
    journal.unlink(missing_ok=True)
    return True
