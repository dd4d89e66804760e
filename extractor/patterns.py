"""The pattern library: data files in ``patterns/`` (TOML, and TSV word lists), loaded once and cached.

Look-up order: ``$PLANX_PATTERNS`` (a folder that overrides single files), then the
package's own ``patterns/`` folder next to ``extractor/``, then the copy installed with
the package (``extractor/_patterns``).  Each file is checked against its declaration in
``extractor.pattern_schema`` as it is loaded: a missing key, a wrong type or a regex without a
named group the code reads is a :class:`PatternFileError` naming the file and the key.

Parsing and checking the whole library costs about 40 ms (TOML is read in Python), which every
``planx`` command paid at its start.  When :func:`check_library` has read a file, the checked
library is kept in planx's cache folder (marshal, one file per installation), each file's
content beside its path and a hash of its bytes, all under the schemas' module's: a file is
taken from the cache only while it is that very file (another one in force through
``$PLANX_PATTERNS``, or an edit, and it is read and checked again).
"""
from __future__ import annotations

import functools
import hashlib
import marshal
import os
import re
import sys
from pathlib import Path
from typing import Any, Optional

import regex
import tomllib

from . import pattern_schema
from .collector import collector_paused
from .errors import PatternFileError
from .files import cache_folder, is_own, write_cache
from .pattern_schema import SCHEMAS, WORD_LISTS, SchemaProblem, check

_HERE = Path(__file__).resolve().parent
_CANDIDATES = [_HERE.parent / "patterns", _HERE / "_patterns"]
_PLACES: dict[str, tuple[Path, str]] = {}  # regex text -> (file, place) of the files loaded
_CACHE_FORMAT = 1  # of the cached library; part of its file's name
_SEEN: dict[str, tuple[str, str]] = {}  # "toml:NAME" / "words:NAME" -> the file loaded (see _fingerprint)
_READ: set[str] = set()  # the entries read from their files, not from the cache


def pattern_dirs() -> list[Path]:
    dirs = []
    if os.environ.get("PLANX_PATTERNS"):
        dirs.append(Path(os.environ["PLANX_PATTERNS"]))
    dirs.extend(d for d in _CANDIDATES if d.is_dir())
    return dirs


@functools.lru_cache(maxsize=None)
def load(name: str) -> dict:
    """The parsed TOML file ``patterns/<name>.toml``, checked against its declaration."""
    path = source_of(name)
    hit = _cached_entry(f"toml:{name}", path)
    if hit is None:
        return read_checked(path, name)
    data, places = hit
    for rx, place in places:
        _PLACES[rx] = (path, place)
    return data


def source_of(name: str) -> Path:
    """The file ``patterns/<name>.toml`` in force (the first found in ``pattern_dirs()``)."""
    return _in_force(f"{name}.toml", "pattern file")


def _in_force(file_name: str, what: str) -> Path:
    """The first ``file_name`` found in ``pattern_dirs()``; FileNotFoundError naming ``what``."""
    for d in pattern_dirs():
        p = d / file_name
        if p.is_file():
            return p
    raise FileNotFoundError(f"{what} {file_name} not found in {pattern_dirs()}")


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
    reads (a command checks this before it starts, so the error is said once); the checked
    library is then kept in the cache folder, if it is not there yet."""
    for name in SCHEMAS:
        load(name)
    for name in WORD_LISTS:
        load_words(name)
    _store_library()


@functools.lru_cache(maxsize=None)
def load_words(name: str) -> dict[str, str]:
    """The word list ``patterns/<name>.tsv`` as {word: tag} (lines "word<TAB>tag", # comments)."""
    p = words_source(name)
    hit = _cached_entry(f"words:{name}", p)
    if hit is not None:
        return hit[0]
    words = {}
    for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1):
        if line and line[0] != "#":
            word, tab, tag = line.partition("\t")
            if not tab or "\t" in tag:
                raise PatternFileError(p, f"line {n} is not 'word<TAB>tag'")
            words[word] = tag
    return words


def words_source(name: str) -> Path:
    """The word list ``patterns/<name>.tsv`` in force (the first found in ``pattern_dirs()``)."""
    return _in_force(f"{name}.tsv", "word list")


# Patterns written with nothing but plain characters (also as \uXXXX), escaped punctuation, sets
# of them and their ranges ("[。！？]", "[^\]]", "[0-9０-９]"), quantifiers, non-capturing groups,
# alternatives and the anchors ^ and $: ``re`` and ``regex`` give them the same matches, and
# ``re`` scans a text for them 1.5-3 times as fast ("[:：]", "\[bookmark:[^\]]*\]", the duty
# words "要|应|须|…").  No class such as \s or \d (``re`` and ``regex`` differ on a few
# characters), no dot, no capturing group or look-around: ``re`` scans for a pattern that opens
# with one much more slowly ("(?<![0-9.])(?P<n>[0-9]+)(?:项|个)": 16 times as long on the seeds).
_PLAIN_CHAR = r"[^\\\[\](){}.*+?^$|]"
_SET_ITEM = r"(?:[^\[\]\\\-^&|~]|\\[\[\]\\\-^]|\\u[0-9a-fA-F]{4})"  # in a set: a character, escaped or \uXXXX
_RE_SAFE = re.compile(
    rf"(?:{_PLAIN_CHAR}|\\[\[\](){{}}.*+?^$|\\/\-]|\\u[0-9a-fA-F]{{4}}"  # a character, escaped punctuation, \uXXXX
    rf"|\[\^?(?:{_SET_ITEM}(?:-{_SET_ITEM})?)+\]"  # a set of characters and ranges
    r"|(?<=[^(|])(?:[*+?]|\{\d+(?:,\d*)?\})\??"  # a quantifier (after what it repeats)
    r"|\(\?:|\)|\||\^|\$)+")  # a non-capturing group, an alternative, an anchor


@functools.lru_cache(maxsize=None)
def compiled(pattern: str, flags: int = 0) -> "regex.Pattern":
    """A compiled ``regex`` pattern (cached); PatternFileError naming the file and the key when
    a pattern of a pattern file does not compile.  A pattern of :data:`_RE_SAFE`'s plain syntax
    is compiled by ``re`` (same matches, found faster; the same methods, without ``regex``'s
    own keywords: :func:`compiled_regex` for those)."""
    if not flags and _RE_SAFE.fullmatch(pattern):
        try:
            return re.compile(pattern)  # type: ignore[return-value]
        except re.error:
            pass  # ("a**", "(?:*a)"): regex says what is wrong with it
    return _compile(pattern, flags | regex.V1)


def compiled_regex(pattern: str) -> "regex.Pattern":
    """A compiled ``regex`` pattern, whatever its syntax: for ``regex``'s own keywords
    (``finditer(text, overlapped=True)``)."""
    return compiled(pattern, regex.V1)


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


def unless_any(names: list[str]) -> str:
    """A test to put after groups of a pattern: it passes over the place when none of the named
    groups took part, resuming the scan from there as after a match found and discarded
    (``(*SKIP)(*FAIL)``), so such matches never reach Python."""
    test = "(*SKIP)(*FAIL)"
    for name in reversed(names):
        test = f"(?({name})|{test})"
    return test


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


# ── the checked library, cached ──────────────────────────────────────────────────────

def _fingerprint(path: Path) -> tuple[str, str]:
    """The file as the cache knows it: its path and a hash of its bytes (an edit within the file
    system's time resolution that keeps the size still shows)."""
    return str(path), hashlib.sha1(path.read_bytes()).hexdigest()


def _cache_path() -> Path:
    """The cache file of this installation: the cache's format, marshal's (Python's version) and
    the schemas' module name it."""
    where = f"{_CACHE_FORMAT}:{sys.version_info[0]}.{sys.version_info[1]}/{marshal.version}:{pattern_schema.__file__}"
    return cache_folder() / f"patterns-{hashlib.sha1(where.encode()).hexdigest()[:16]}.marshal"


@functools.lru_cache(maxsize=1)
def _cached() -> dict[str, Any]:
    """The cached entries ({"toml:NAME": (file, data, regex places), "words:NAME": (file, words)},
    each file as :func:`_fingerprint` gives it) when they were checked against these schemas;
    {} when there are none, or the file is damaged or another user's."""
    try:
        with collector_paused(), open(_cache_path(), "rb") as fh:  # many objects, no cycles
            if not is_own(fh.fileno()):
                return {}
            schemas, entries = marshal.loads(fh.read())  # (load() would read it an object at a time)
        if schemas == _fingerprint(Path(pattern_schema.__file__)) and isinstance(entries, dict):
            return entries
    except (OSError, ValueError, EOFError, TypeError):
        pass
    return {}


def _cached_entry(entry: str, path: Path) -> Optional[tuple]:
    """The rest of ``entry``'s cached tuple when the cache holds the very file ``path``, else None
    (the caller reads the file)."""
    try:
        seen = _SEEN[entry] = _fingerprint(path)
    except OSError:
        return None
    hit = _cached().get(entry)
    if hit is not None and hit[0] == seen:
        return hit[1:]
    _READ.add(entry)
    return None


def _store_library() -> None:
    """Keep the library just loaded and checked in the cache folder when a file of it was read
    (best effort)."""
    if not _READ:
        return
    by_file: dict[Path, list[tuple[str, str]]] = {}
    for rx, (path, place) in _PLACES.items():
        by_file.setdefault(path, []).append((rx, place))
    entries: dict[str, Any] = {}
    for name in SCHEMAS:
        data = load(name)  # (first: a load records the file it read in _SEEN)
        if f"toml:{name}" in _SEEN:
            seen = _SEEN[f"toml:{name}"]
            entries[f"toml:{name}"] = (seen, data, by_file.get(Path(seen[0]), []))
    for name in WORD_LISTS:
        words = load_words(name)
        if f"words:{name}" in _SEEN:
            entries[f"words:{name}"] = (_SEEN[f"words:{name}"], words)
    try:
        data = marshal.dumps((_fingerprint(Path(pattern_schema.__file__)), entries))
    except (ValueError, OSError):  # a value marshal cannot hold (a TOML date): nothing is kept
        return
    if write_cache(_cache_path(), data):
        _READ.clear()
