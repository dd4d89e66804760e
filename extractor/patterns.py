"""The pattern library: data files in ``patterns/`` (TOML, and TSV word lists), loaded once and cached.

Look-up order: ``$PLANX_PATTERNS`` (a folder that overrides single files), then the
package's own ``patterns/`` folder next to ``extractor/``, then the copy installed with
the package (``extractor/_patterns``).  Each file is checked against its declaration in
``extractor.pattern_schema`` as it is loaded: a missing key, a wrong type or a regex without a
named group the code reads is a :class:`PatternFileError` naming the file and the key.
"""
from __future__ import annotations

import functools
import hashlib
import os
from pathlib import Path

import regex
import tomllib

from .errors import PatternFileError
from .pattern_schema import SCHEMAS, WORD_LISTS, SchemaProblem, check

_HERE = Path(__file__).resolve().parent
_CANDIDATES = [_HERE.parent / "patterns", _HERE / "_patterns"]
_PLACES: dict[str, tuple[Path, str]] = {}  # regex text -> (file, place) of the files loaded


def pattern_dirs() -> list[Path]:
    dirs = []
    if os.environ.get("PLANX_PATTERNS"):
        dirs.append(Path(os.environ["PLANX_PATTERNS"]))
    dirs.extend(d for d in _CANDIDATES if d.is_dir())
    return dirs


@functools.lru_cache(maxsize=None)
def load(name: str) -> dict:
    """The parsed TOML file ``patterns/<name>.toml``, checked against its declaration."""
    return read_checked(source_of(name), name)


def source_of(name: str) -> Path:
    """The file ``patterns/<name>.toml`` in force (the first found in ``pattern_dirs()``)."""
    for d in pattern_dirs():
        p = d / f"{name}.toml"
        if p.is_file():
            return p
    raise FileNotFoundError(f"pattern file {name}.toml not found in {pattern_dirs()}")


def read_checked(path: Path, name: str) -> dict:
    """The pattern file at ``path`` read as ``<name>.toml``: PatternFileError when it is no valid
    TOML or lacks what the code reads from it."""
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as e:
        raise PatternFileError(path, f"not valid TOML ({e})") from None
    except OSError as e:
        raise PatternFileError(path, f"cannot read it ({e.strerror or e})") from None
    try:
        found = check(data, SCHEMAS.get(name, {}))
    except SchemaProblem as e:
        raise PatternFileError(path, str(e)) from None
    for p in found:
        _PLACES[p.rx] = (path, p.place)
    return data


def check_library() -> None:
    """Load every declared pattern file: PatternFileError for the first that lacks what the code
    reads (a command checks this before it starts, so the error is said once)."""
    for name in SCHEMAS:
        load(name)
    for name in WORD_LISTS:
        load_words(name)


@functools.lru_cache(maxsize=None)
def load_words(name: str) -> dict[str, str]:
    """The word list ``patterns/<name>.tsv`` as {word: tag} (lines "word<TAB>tag", # comments)."""
    for d in pattern_dirs():
        p = d / f"{name}.tsv"
        if p.is_file():
            words = {}
            for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1):
                if line and line[0] != "#":
                    word, tab, tag = line.partition("\t")
                    if not tab or "\t" in tag:
                        raise PatternFileError(p, f"line {n} is not 'word<TAB>tag'")
                    words[word] = tag
            return words
    raise FileNotFoundError(f"word list {name}.tsv not found in {pattern_dirs()}")


@functools.lru_cache(maxsize=None)
def compiled(pattern: str, flags: int = 0) -> "regex.Pattern":
    """A compiled ``regex`` pattern (cached); PatternFileError naming the file and the key when
    a pattern of a pattern file does not compile."""
    return _compile(pattern, flags | regex.V1)


@functools.lru_cache(maxsize=None)
def compiled_plain(pattern: str) -> "regex.Pattern":
    """A compiled ``regex`` pattern in the default (``re``-compatible) syntax (cached)."""
    return _compile(pattern, 0)


def _compile(pattern: str, flags: int) -> "regex.Pattern":
    try:
        return regex.compile(pattern, flags)
    except regex.error as e:
        if pattern not in _PLACES:
            raise
        path, place = _PLACES[pattern]
        raise PatternFileError(path, f"{place} is not a valid regular expression ({e})") from None


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
