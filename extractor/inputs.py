"""The inputs of a batch: files as given, folders walked, every file accounted for.

``collect_inputs`` returns the documents to extract (each real file once, however often and
by whatever path it is given), the missing paths, and the files of a folder that were skipped
with their reason — an unsupported type, a symlink leading out of the input folder (followed
only with ``follow_symlinks``), a broken link.  Hidden files and folders, and planx's own
output folders (those holding a ``.planx-manifest.json``, or the batch's output folder) are
not inputs and are not listed.

With ``results=True`` (``planx audit``, ``planx diff A/ B/``) planx JSON results are inputs too,
output folders are read like any other, and a JSON beside a document of the same name is left
out of a folder (it is that document's extraction).
"""
from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional

from .readers import SUPPORTED

MANIFEST = ".planx-manifest.json"
RESULT = ".json"  # a planx result (``results=True``)


@dataclass
class Inputs:
    files: list[Path] = field(default_factory=list)  # to extract, in order of the command line
    missing: list[str] = field(default_factory=list)  # one-line errors
    skipped: list[tuple[Path, str]] = field(default_factory=list)  # (file, reason)
    repeated: int = 0  # files given more than once (extracted once)

    def skipped_summary(self) -> str:
        """"3 files skipped: .md 2, .xls 1 (unsupported type); 1 symlink out of the folder"."""
        by_reason: dict[str, Counter] = {}
        for path, reason in self.skipped:
            by_reason.setdefault(reason, Counter())[path.suffix.lower() or "(no extension)"] += 1
        parts = []
        for reason, exts in by_reason.items():
            counts = ", ".join(f"{ext} {n}" for ext, n in sorted(exts.items(), key=lambda x: (-x[1], x[0])))
            parts.append(f"{counts} ({reason})")
        n = len(self.skipped)
        return f"{n} file{'s' if n != 1 else ''} skipped: " + "; ".join(parts) if n else ""


def _is_output_folder(d: Path, out_dir: Optional[Path]) -> bool:
    return (d / MANIFEST).exists() or (out_dir is not None and d == out_dir)


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _walk(root: Path, out: Inputs, out_dir: Optional[Path], follow: bool, results: bool) -> list[Path]:
    """Supported files under ``root`` (sorted; links after real files, so that a file and a link
    to it are named after the file), unsupported ones listed in ``out.skipped``; with ``results``
    also planx JSON results, except one named as a document in its folder."""
    suffixes = (*SUPPORTED, RESULT) if results else SUPPORTED
    found: list[Path] = []
    links: list[Path] = []
    real_root = os.path.realpath(root)
    seen_dirs: set[str] = set()
    for here, dirs, names in os.walk(root, followlinks=follow):
        real_here = os.path.realpath(here)
        if real_here in seen_dirs:  # a symlink loop
            dirs[:] = []
            continue
        seen_dirs.add(real_here)
        keep = []
        for d in sorted(dirs):
            sub = Path(here) / d
            if d.startswith(".") or (not results and _is_output_folder(sub, out_dir)):
                continue
            if sub.is_symlink() and not follow:
                out.skipped.append((sub, "folder symlink, not followed (--follow-symlinks)"))
                continue
            keep.append(d)
        dirs[:] = keep
        if results:
            stems = {Path(n).stem for n in names if Path(n).suffix.lower() in SUPPORTED}
            names = [n for n in names if Path(n).suffix.lower() != RESULT or Path(n).stem not in stems]
        for name in sorted(names):
            if name.startswith("."):
                continue
            f = Path(here) / name
            if f.is_symlink():
                target = os.path.realpath(f)
                if not os.path.exists(target):
                    out.skipped.append((f, "broken symlink"))
                    continue
                if not follow and not _inside(target, real_root):
                    out.skipped.append((f, "symlink to outside the input folder (--follow-symlinks to read it)"))
                    continue
            if not f.is_file():
                continue
            if f.suffix.lower() in suffixes:
                (links if f.is_symlink() else found).append(f)
            else:
                out.skipped.append((f, "unsupported type"))
    return found + links


def collect_inputs(paths: Iterable[str | Path], out_dir: Optional[Path] = None,
                   follow_symlinks: bool = False, results: bool = False) -> Inputs:
    """Files as given, folders walked (their supported files, sorted; with ``results`` also
    planx JSON results); each real file once."""
    out = Inputs()
    out_real = Path(os.path.realpath(out_dir)) if out_dir is not None else None
    seen: set[str] = set()
    for p in map(Path, paths):
        if p.is_dir():
            files = _walk(p, out, out_real, follow_symlinks, results)
        elif p.exists():
            files = [p]
        elif p.is_symlink():
            out.missing.append(f"{p}: broken symlink (its target does not exist)")
            continue
        else:
            out.missing.append(f"{p}: no such file or folder")
            continue
        for f in files:
            key = os.path.normcase(os.path.realpath(f))
            if key in seen:
                out.repeated += 1
                continue
            seen.add(key)
            out.files.append(f)
    return out
