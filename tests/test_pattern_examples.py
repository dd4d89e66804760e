"""Every pattern's ``examples`` run: a regex of a pattern file may carry ``examples`` (texts it must
find, as the code compiles it) and ``counter_examples`` (texts it must not find), so that an edit of
a pattern is checked against its own examples.  "Find" means a non-empty match somewhere in the
text (several patterns are fragments that may match the empty string)."""
from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from extractor.pattern_schema import SCHEMAS, check
from extractor.patterns import compiled

LIBRARY = Path(__file__).resolve().parent.parent / "patterns"


def _patterns(name: str):
    return check(tomllib.loads((LIBRARY / f"{name}.toml").read_text(encoding="utf-8")), SCHEMAS[name])


CASES = [(f"{name}.toml {p.place}", p.rx, text, must)
         for name in sorted(SCHEMAS) for p in _patterns(name)
         for must, texts in ((True, p.examples), (False, p.counter_examples)) for text in texts]


def _finds(rx: str, text: str) -> bool:
    return any(m.group() for m in compiled(rx).finditer(text))


@pytest.mark.parametrize("place, rx, text, must", CASES,
                         ids=[f"{c[0]} {'finds' if c[3] else 'not'} {c[2]}" for c in CASES])
def test_a_pattern_finds_its_examples_and_not_its_counter_examples(place: str, rx: str, text: str, must: bool):
    assert _finds(rx, text) is must, f"{place}: {'no match in' if must else 'a match in'} {text!r}"


@pytest.mark.parametrize("name, table", [("headings", "label"), ("tables", "columns")])
def test_every_entry_of_the_main_lexicons_has_examples(name: str, table: str):
    entries = tomllib.loads((LIBRARY / f"{name}.toml").read_text(encoding="utf-8"))[table]
    assert [e.get("name", e.get("kind")) for e in entries if len(e.get("examples", [])) < 2] == []


def test_the_main_pattern_files_carry_examples():
    counts = {name: sum(len(p.examples) for p in _patterns(name)) for name in SCHEMAS}
    for name in ("headings", "dates", "tables", "values", "numbers", "metadata", "responsibilities"):
        assert counts[name] >= 4, name
    assert len(CASES) >= 250
