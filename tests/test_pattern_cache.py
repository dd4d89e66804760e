"""The checked pattern library kept in the cache folder (extractor/patterns.py): read from there
while every file is the one it was made from, read and checked again otherwise."""
from __future__ import annotations

import marshal
import shutil
from pathlib import Path

import pytest

from extractor import patterns
from extractor.errors import PatternFileError
from extractor.pattern_schema import SCHEMAS, WORD_LISTS

LIBRARY = Path(__file__).resolve().parent.parent / "patterns"


def _fresh() -> None:
    """This process as a new one: nothing loaded, the cache file not read yet."""
    for cache in (patterns.load, patterns.load_words, patterns.compiled, patterns.compiled_plain, patterns._cached):
        cache.cache_clear()
    patterns._SEEN.clear()
    patterns._READ.clear()
    patterns._PLACES.clear()


@pytest.fixture()
def library(tmp_path: Path, monkeypatch):
    """A copy of the library in force through $PLANX_PATTERNS and a cache folder of the test's
    own; returns the copy's folder."""
    folder = tmp_path / "patterns"
    shutil.copytree(LIBRARY, folder)
    monkeypatch.setenv("PLANX_PATTERNS", str(folder))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    _fresh()
    yield folder
    monkeypatch.undo()
    _fresh()


def _everything() -> tuple[dict, dict]:
    return {n: patterns.load(n) for n in SCHEMAS}, {n: patterns.load_words(n) for n in WORD_LISTS}


def test_the_checked_library_is_taken_from_the_cache_once_kept(library, monkeypatch):
    patterns.check_library()
    first, places = _everything(), dict(patterns._PLACES)
    assert patterns._cache_path().is_file() and not patterns._READ
    _fresh()
    with monkeypatch.context() as m:
        m.setattr(patterns, "read_checked", lambda *_: pytest.fail("a TOML file was read, not the cache"))
        assert _everything() == first
    assert patterns._PLACES == places and not patterns._READ


def test_an_edit_that_keeps_the_size_is_read_again(library):
    patterns.check_library()
    path = library / "responsibilities.toml"
    text = path.read_text(encoding="utf-8")
    assert "notes_mode_min = 2\n" in text
    path.write_text(text.replace("notes_mode_min = 2\n", "notes_mode_min = 3\n"), encoding="utf-8")
    _fresh()
    assert patterns.load("responsibilities")["notes_mode_min"] == 3
    assert patterns._READ == {"toml:responsibilities"}
    patterns.check_library()  # the cache now holds the edit
    _fresh()
    assert patterns.load("responsibilities")["notes_mode_min"] == 3 and not patterns._READ


def test_a_broken_file_is_reported_though_the_cache_holds_it_whole(library):
    patterns.check_library()
    path = library / "responsibilities.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("notes_mode_min = 2\n", ""), encoding="utf-8")
    _fresh()
    with pytest.raises(PatternFileError, match="responsibilities.toml"):
        patterns.check_library()


def test_another_file_in_force_is_read_not_the_cached_one(library, tmp_path, monkeypatch):
    patterns.check_library()
    other = tmp_path / "other"
    shutil.copytree(library, other)
    (other / "responsibilities.toml").write_text(
        (library / "responsibilities.toml").read_text(encoding="utf-8").replace("notes_mode_min = 2\n", "notes_mode_min = 5\n"),
        encoding="utf-8")
    monkeypatch.setenv("PLANX_PATTERNS", str(other))
    _fresh()
    assert patterns.load("responsibilities")["notes_mode_min"] == 5


@pytest.mark.parametrize("content", [b"", b"not marshal at all", marshal.dumps((("x", "y"), {}))])
def test_a_damaged_or_foreign_cache_file_is_made_again(library, content):
    patterns._cache_path().parent.mkdir(parents=True)
    patterns._cache_path().write_bytes(content)
    patterns.check_library()
    assert patterns._READ == set()  # every file read, then kept
    _fresh()
    _everything()
    assert not patterns._READ


def test_a_cache_folder_that_cannot_be_written_costs_nothing(library, tmp_path, monkeypatch):
    (tmp_path / "a file").write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "a file"))
    patterns.check_library()
    assert patterns.load("responsibilities")["notes_mode_min"] == 2 and patterns._READ


def test_a_cache_file_of_another_user_is_not_trusted(library, monkeypatch):
    patterns.check_library()
    _fresh()
    monkeypatch.setattr("os.getuid", lambda: 4242)  # the file now belongs to someone else
    _everything()
    assert patterns._READ == {f"toml:{n}" for n in SCHEMAS} | {f"words:{n}" for n in WORD_LISTS}
