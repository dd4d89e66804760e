"""The pattern library: data files in ``patterns/`` (TOML, and TSV word lists), loaded once and cached.

Look-up order: ``$PLANX_PATTERNS`` (a folder that overrides single files), then the
package's own ``patterns/`` folder next to ``extractor/``, then the copy installed with
the package (``extractor/_patterns``).
"""
from __future__ import annotations

import functools
import hashlib
import os
from pathlib import Path

import regex
import tomllib

_HERE = Path(__file__).resolve().parent
_CANDIDATES = [_HERE.parent / "patterns", _HERE / "_patterns"]


def pattern_dirs() -> list[Path]:
    dirs = []
    if os.environ.get("PLANX_PATTERNS"):
        dirs.append(Path(os.environ["PLANX_PATTERNS"]))
    dirs.extend(d for d in _CANDIDATES if d.is_dir())
    return dirs


@functools.lru_cache(maxsize=None)
def load(name: str) -> dict:
    """The parsed TOML file ``patterns/<name>.toml``."""
    for d in pattern_dirs():
        p = d / f"{name}.toml"
        if p.is_file():
            with p.open("rb") as fh:
                return tomllib.load(fh)
    raise FileNotFoundError(f"pattern file {name}.toml not found in {pattern_dirs()}")


@functools.lru_cache(maxsize=None)
def load_words(name: str) -> dict[str, str]:
    """The word list ``patterns/<name>.tsv`` as {word: tag} (lines "word<TAB>tag", # comments)."""
    for d in pattern_dirs():
        p = d / f"{name}.tsv"
        if p.is_file():
            rows = (ln.split("\t") for ln in p.read_text(encoding="utf-8").splitlines() if ln and ln[0] != "#")
            return {w: t for w, t in rows}
    raise FileNotFoundError(f"word list {name}.tsv not found in {pattern_dirs()}")


@functools.lru_cache(maxsize=None)
def compiled(pattern: str, flags: int = 0) -> "regex.Pattern":
    """A compiled ``regex`` pattern (cached)."""
    return regex.compile(pattern, flags | regex.V1)


@functools.lru_cache(maxsize=None)
def compiled_plain(pattern: str) -> "regex.Pattern":
    """A compiled ``regex`` pattern in the default (``re``-compatible) syntax (cached)."""
    return regex.compile(pattern)


@functools.lru_cache(maxsize=None)
def group_numbers(rx: "regex.Pattern", *names: str) -> tuple[int, ...]:
    """The numbers of named groups of ``rx``: ``m.group(*group_numbers(rx, "a", "b"))`` reads
    them several times faster than by name (``regex`` looks a name up slowly)."""
    return tuple(rx.groupindex[n] for n in names)


def library_fingerprint() -> str:
    """sha256 over the pattern files in force (per name, the first found in ``pattern_dirs()``,
    as :func:`load` picks it): identifies the pattern library a result or report was made with."""
    loaded: dict[str, Path] = {}
    for d in pattern_dirs():
        for f in sorted(d.glob("*.toml")):
            loaded.setdefault(f.name, f)
    h = hashlib.sha256()
    for name, path in sorted(loaded.items()):
        data = path.read_bytes()
        h.update(f"{name}\0{len(data)}\0".encode())
        h.update(data)
    return h.hexdigest()
