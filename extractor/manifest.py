"""The output folder's manifest: which source each ``<doc_id>.json`` belongs to.

``.planx-manifest.json`` maps doc_id → {source (resolved path), sha256, planx version,
extraction fingerprint}.  It gives a source the same doc_id in every run into the folder, and
a new source whose stem is taken a suffix decided against the manifest and the folder (case
never distinguishes two ids: file systems on Windows and macOS ignore it), so a JSON of
another source is never overwritten.  Documents are recorded as they finish in an append-only
log (``.planx-manifest.log``) that the next run replays, so a killed run keeps what it did;
:meth:`Manifest.save` folds the log into the snapshot.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Iterable, Iterator

from .evidence import file_sha256
from .files import atomic_write_text
from .inputs import MANIFEST
from .patterns import pattern_dirs
from .records import SCHEMA_VERSION
from .version import __version__

LOG = ".planx-manifest.log"
_MAX_STEM_BYTES = 180  # "<stem>-NNN.json" stays within a file system's 255-byte names


def _hash_files(h: "hashlib._Hash", files: Iterable[tuple[str, Path]]) -> None:
    for name, path in files:
        data = path.read_bytes()
        h.update(f"{name}\0{len(data)}\0".encode())
        h.update(data)


def extraction_fingerprint() -> str:
    """sha256 of what decides a document's output besides its source and the planx version:
    the pattern files loaded (per name, the first found in ``pattern_dirs()``, as
    ``patterns.load`` picks it), the output schema version and the ``extractor`` source code."""
    h = hashlib.sha256(f"schema {SCHEMA_VERSION}\0".encode())
    loaded: dict[str, Path] = {}
    for d in pattern_dirs():
        for f in sorted(f for f in d.iterdir() if f.suffix in (".toml", ".tsv")):
            loaded.setdefault(f.name, f)
    _hash_files(h, sorted(loaded.items()))
    code = Path(__file__).resolve().parent
    _hash_files(h, sorted((f.relative_to(code).as_posix(), f) for f in code.rglob("*.py")))
    return h.hexdigest()


def source_key(path: Path) -> str:
    """How the manifest names a source: its resolved absolute path."""
    return str(Path(path).resolve())


def _short_stem(stem: str) -> str:
    data = stem.encode("utf-8")
    if len(data) <= _MAX_STEM_BYTES:
        return stem
    return data[:_MAX_STEM_BYTES].decode("utf-8", "ignore").rstrip() or "document"


class Manifest:
    """The documents of an output folder, with their sources."""

    def __init__(self, out_dir: Path):
        self.out_dir = Path(out_dir)
        self.path = self.out_dir / MANIFEST
        self.log_path = self.out_dir / LOG
        self.fingerprint = extraction_fingerprint()
        self.entries: dict[str, dict] = {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            docs = data.get("documents") if isinstance(data, dict) else None
            self.entries = {k: v for k, v in (docs or {}).items() if isinstance(v, dict)}
        except (OSError, ValueError):
            pass
        self._replay()
        self._log = None
        self.by_source = {e.get("source"): doc_id for doc_id, e in self.entries.items()}
        self.taken = {doc_id.casefold() for doc_id in self.entries}
        try:
            self.taken |= {p.stem.casefold() for p in self.out_dir.glob("*.json")}
        except OSError:
            pass

    def _replay(self) -> None:
        """Apply the log of a run that did not finish (a torn last line is ignored)."""
        try:
            lines = self.log_path.read_text(encoding="utf-8").splitlines()
        except OSError:
            return
        for line in lines:
            try:
                op = json.loads(line)
            except ValueError:
                continue
            if op.get("set") and isinstance(op.get("entry"), dict):
                self.entries[op["set"]] = op["entry"]
            elif op.get("del"):
                self.entries.pop(op["del"], None)

    def doc_id_for(self, source: Path) -> str:
        """The source's doc_id: the one it has, else its file stem made unique (``-2``, ``-3`` …)
        against every id of the folder and of this run, case ignored."""
        key = source_key(source)
        if key in self.by_source:
            return self.by_source[key]
        stem = _short_stem(Path(source).stem) or "document"
        doc_id, n = stem, 1
        while doc_id.casefold() in self.taken:
            n += 1
            doc_id = f"{stem}-{n}"
        self.taken.add(doc_id.casefold())
        self.by_source[key] = doc_id
        return doc_id

    def json_path(self, doc_id: str) -> Path:
        return self.out_dir / f"{doc_id}.json"

    def unchanged(self, doc_id: str, source: Path) -> bool:
        """Is the document's JSON from this source as it is now, by this planx and patterns?"""
        e = self.entries.get(doc_id)
        return (e is not None and e.get("version") == __version__ and e.get("fingerprint") == self.fingerprint
                and e.get("source") == source_key(source) and self.json_path(doc_id).is_file()
                and e.get("sha256") == file_sha256(source))

    def record(self, doc_id: str, source: str | Path, sha256: str) -> None:
        entry = {"source": source_key(Path(source)), "sha256": sha256, "version": __version__,
                 "fingerprint": self.fingerprint}
        self.entries[doc_id] = entry
        self._append({"set": doc_id, "entry": entry})

    def forget(self, doc_id: str) -> None:
        if self.entries.pop(doc_id, None) is not None:
            self._append({"del": doc_id})

    def _append(self, op: dict) -> None:
        if self._log is None:
            self._log = open(self.log_path, "a", encoding="utf-8")
        self._log.write(json.dumps(op, ensure_ascii=False) + "\n")
        self._log.flush()

    def gone(self) -> list[str]:
        """doc_ids whose source file no longer exists."""
        return [doc_id for doc_id, e in self.entries.items() if not os.path.exists(e.get("source") or "")]

    def documents(self) -> Iterator[tuple[str, Path]]:
        """(doc_id, JSON path) of every document, in doc_id order."""
        for doc_id in sorted(self.entries, key=lambda d: (d.casefold(), d)):
            yield doc_id, self.json_path(doc_id)

    def save(self) -> None:
        """Write the snapshot and drop the log."""
        atomic_write_text(self.path, json.dumps({"planx": __version__, "documents": self.entries},
                                                ensure_ascii=False, indent=1, sort_keys=True))
        self.close()
        self.log_path.unlink(missing_ok=True)

    def close(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None

