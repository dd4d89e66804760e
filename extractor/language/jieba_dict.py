"""jieba tokenizers whose dictionary is read a first character at a time.

Before its first cut, a jieba tokenizer builds a prefix dictionary of about 500,000 words and
prefixes from its ``dict.txt`` (or unmarshals it from a cache), and a ``jieba.posseg`` tokenizer
parses the same file again for the part-of-speech tags: about 0.75 s of every process that cuts
one sentence.  Every lookup jieba makes while cutting a text is for a word that starts with a
character of that text, so here the dictionary is split by first character: one file, built once
from the installed ``dict.txt`` (about a second) and kept in planx's cache folder, whose index
is read at once and whose shards are read when a character first needs one.  The cuts are
jieba's own: the tokenizers are jieba's classes with these mappings in place of its dictionaries.

Importing jieba costs two more things that planx does without: ``jieba._compat`` imports
``pkg_resources`` to open its files (75 ms; jieba opens them by path where setuptools is not
installed), and ``jieba.posseg`` makes a module-level tokenizer that parses ``dict.txt`` for
its tags (0.22 s).  :func:`_jieba` and :func:`_posseg` import them without either; the
module-level tokenizer then reads its tags from the sharded file (the same ``dict.txt``'s), so
``jieba.posseg.cut`` gives what it always gave, to planx and to any other code of the process.
"""
from __future__ import annotations

import functools
import hashlib
import io
import marshal
import mmap
import sys
import threading
from pathlib import Path
from typing import Any, Optional, Union

from ..files import cache_folder, is_own, write_cache

_FORMAT = 1  # of the file below; part of its key
_MAGIC = b"planx-jieba-dict\n"
_FREQ, _TAGS = 0, 1  # the two parts of a shard


class ShardFile:
    """The dictionary split by first character: ``total`` (jieba's sum of word frequencies) and,
    per character, the frequencies of the words and prefixes that start with it (a prefix that is
    not a word has 0, as in jieba) and the words' tags."""

    def __init__(self, data: Union[bytes, mmap.mmap]):
        if data[:len(_MAGIC)] != _MAGIC:
            raise ValueError("not a planx jieba dictionary")
        size = int.from_bytes(data[len(_MAGIC):len(_MAGIC) + 8], "little")
        start = len(_MAGIC) + 8
        self.key, self.total, self._index = marshal.loads(data[start:start + size])
        self._data, self._base = data, start + size
        end = max((where[2] + where[3] for where in self._index.values()), default=0)
        if len(data) != self._base + end:
            raise ValueError("a planx jieba dictionary cut short")

    def shard(self, char: str, part: int) -> dict[str, Any]:
        """A new dict of ``part`` (:data:`_FREQ` or :data:`_TAGS`) for the words starting with ``char``."""
        where = self._index.get(char)
        if where is None:
            return {}
        offset, size = where[2 * part], where[2 * part + 1]
        return marshal.loads(self._data[self._base + offset:self._base + offset + size])


class ShardedMap:
    """A word → value mapping of one part of a :class:`ShardFile`, as jieba uses its ``FREQ`` and
    ``word_tag_tab`` dicts (``in``, ``[]``, ``get``, setting and ``update``); each instance reads
    its own shards, so words added to one tokenizer never reach another."""

    __slots__ = ("_file", "_part", "_shards")

    def __init__(self, file: ShardFile, part: int):
        self._file, self._part = file, part
        self._shards: dict[str, dict[str, Any]] = {}

    def _shard(self, word: str) -> dict[str, Any]:
        char = word[:1]
        got = self._shards.get(char)
        if got is None:  # (setdefault: of two threads reading one shard at once, both keep the first)
            got = self._shards.setdefault(char, self._file.shard(char, self._part))
        return got

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and word in self._shard(word)

    def __getitem__(self, word: str) -> Any:
        return self._shard(word)[word]

    def get(self, word: str, default: Any = None) -> Any:
        return self._shard(word).get(word, default)

    def __setitem__(self, word: str, value: Any) -> None:
        self._shard(word)[word] = value

    def update(self, other: dict[str, Any]) -> None:
        for word, value in other.items():
            self[word] = value


# held while jieba's modules are imported here: a second thread waits for the first one's import
# (and its patches) to end, then finds the module whole (re-entrant: _posseg imports jieba)
_IMPORTING = threading.RLock()


def _jieba() -> Any:
    """The ``jieba`` module, imported (when it is not yet) without ``pkg_resources``: jieba then
    opens its dictionary and models by their path, as it does where setuptools is not installed."""
    with _IMPORTING:
        block = "jieba" not in sys.modules and "pkg_resources" not in sys.modules
        if block:
            sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # (an ImportError for jieba._compat)
        try:
            import jieba
        finally:
            if block and sys.modules.get("pkg_resources", False) is None:
                del sys.modules["pkg_resources"]
        return jieba


def _posseg() -> Any:
    """The ``jieba.posseg`` module, imported (when it is not yet) without parsing ``dict.txt``
    for its module-level tokenizer: while it is imported, jieba's default tokenizer gives an empty
    dictionary file to read the tags from; that tokenizer then takes its tags from the sharded
    file instead.  When the default tokenizer has another dictionary (``jieba.set_dictionary``),
    the module is imported as it is."""
    with _IMPORTING:
        jieba = _jieba()
        patch = "jieba.posseg" not in sys.modules and jieba.dt.dictionary == jieba.DEFAULT_DICT
        tags = ShardedMap(_shared(), _TAGS) if patch else None  # (before the patch: if it fails, none is made)
        if patch:
            jieba.dt.get_dict_file = lambda: io.BytesIO()  # (an attribute of the instance, removed below)
        try:
            import jieba.posseg as pseg
        finally:
            if patch:
                del jieba.dt.get_dict_file
        if tags is not None:
            pseg.dt.word_tag_tab = tags
        return pseg


def _dict_path() -> Path:
    """jieba's own ``dict.txt``."""
    jieba = _jieba()

    with jieba.Tokenizer().get_dict_file() as fh:
        return Path(fh.name)


def _key(source: Path) -> str:
    """What the file is made from: its format, the marshal format (Python's version), jieba's
    version, and the dictionary's path, size and time."""
    jieba = _jieba()
    st = source.stat()
    python = f"{sys.version_info[0]}.{sys.version_info[1]}/{marshal.version}"
    return f"{_FORMAT}:{python}:{jieba.__version__}:{source}:{st.st_size}:{st.st_mtime_ns}"


def build(source: Path, key: str) -> bytes:
    """The file's bytes from a jieba dictionary (lines "word frequency [tag]"), read as
    ``Tokenizer.gen_pfdict`` and ``POSTokenizer.load_word_tag`` read it."""
    freq: dict[str, int] = {}
    tags: dict[str, str] = {}
    total = 0
    with open(source, "rb") as fh:
        for lineno, raw in enumerate(fh, 1):
            line = raw.strip().decode("utf-8")
            if not line:
                continue
            parts = line.split(" ")
            try:
                word, n = parts[0], int(parts[1])
            except (IndexError, ValueError):
                raise ValueError(f"{source}: line {lineno}: not 'word frequency [tag]': {line[:40]!r}") from None
            freq[word] = n
            total += n
            for k in range(1, len(word)):
                freq.setdefault(word[:k], 0)
            if len(parts) == 3:
                tags[word] = parts[2]
    shards: dict[str, tuple[dict[str, int], dict[str, str]]] = {}
    for word, n in freq.items():
        shards.setdefault(word[:1], ({}, {}))[_FREQ][word] = n
    for word, tag in tags.items():
        shards.setdefault(word[:1], ({}, {}))[_TAGS][word] = tag
    blobs: list[bytes] = []
    index: dict[str, tuple[int, int, int, int]] = {}
    offset = 0
    for char, parts in shards.items():
        a, b = marshal.dumps(parts[_FREQ]), marshal.dumps(parts[_TAGS])
        index[char] = (offset, len(a), offset + len(a), len(b))
        blobs += (a, b)
        offset += len(a) + len(b)
    head = marshal.dumps((key, total, index))
    return b"".join([_MAGIC, len(head).to_bytes(8, "little"), head, *blobs])


def shard_file(folder: Optional[Path] = None, source: Optional[Path] = None) -> ShardFile:
    """The dictionary ``source`` (the installed jieba's) from ``folder`` (:func:`cache_folder`),
    where it is built when absent, damaged or made from another dictionary; kept in memory when
    it cannot be written."""
    source = _dict_path() if source is None else Path(source)
    key = _key(source)
    folder = cache_folder() if folder is None else Path(folder)
    # named by the dictionary's path and Python's version: a new jieba or dictionary there
    # replaces the file (the key inside tells), so the folder holds one file per installation
    where = f"{_FORMAT}:{sys.version_info[0]}.{sys.version_info[1]}:{source}"
    path = folder / f"jieba-{hashlib.sha1(where.encode()).hexdigest()[:16]}.dict"
    try:
        with open(path, "rb") as fh:
            found = ShardFile(mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)) if is_own(fh.fileno()) else None
        if found is not None and found.key == key:
            return found
    except (OSError, ValueError, EOFError, TypeError):
        pass  # absent, unreadable, damaged or another user's: built again
    data = build(source, key)
    write_cache(path, data)  # when it cannot be written (a read-only home, a full disk), this process keeps the bytes
    return ShardFile(data)


@functools.lru_cache(maxsize=1)
def _shared() -> ShardFile:
    return shard_file()


def tokenizer() -> Any:
    """A new ``jieba.Tokenizer`` over the sharded dictionary (ready: nothing more is loaded)."""
    jieba = _jieba()
    jieba.setLogLevel(60)
    file = _shared()
    tok = jieba.Tokenizer()
    tok.FREQ, tok.total, tok.initialized = ShardedMap(file, _FREQ), file.total, True
    return tok


def pos_tokenizer() -> Any:
    """A new ``jieba.posseg.POSTokenizer`` over the sharded dictionary, with its own tokenizer."""
    pseg = _posseg()

    class _POSTokenizer(pseg.POSTokenizer):
        def __init__(self, tok: Any):  # (jieba's parses dict.txt for the tags)
            self.tokenizer = tok
            self.word_tag_tab = ShardedMap(_shared(), _TAGS)

    return _POSTokenizer(tokenizer())
