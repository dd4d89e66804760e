"""Pattern files as checked settings: each ``patterns/*.toml`` is checked against its declaration
in ``extractor.pattern_schema`` when it is loaded; a user's copy with a renamed key, a value of the
wrong type or a regex without a named group the code reads is one clear line naming the file and
the key, from ``planx extract`` as from the library, never a traceback."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from extractor import patterns
from extractor.cli import main
from extractor.errors import PatternFileError
from extractor.pattern_schema import SCHEMAS, Pattern, Rx, SchemaProblem, check

ROOT = Path(__file__).resolve().parent.parent
LIBRARY = ROOT / "patterns"
DOC = ROOT / "corpora" / "000_71534264ba41b2d2.txt"


@pytest.fixture()
def user_patterns(tmp_path: Path, monkeypatch):
    """A copy of the whole pattern library in force through ``$PLANX_PATTERNS``; returns
    ``edit(file, old, new)``, which replaces one line's text in the copy and returns its path."""
    folder = tmp_path / "patterns"
    shutil.copytree(LIBRARY, folder)
    monkeypatch.setenv("PLANX_PATTERNS", str(folder))
    _clear()

    def edit(name: str, old: str, new: str) -> Path:
        path = folder / name
        text = path.read_text(encoding="utf-8")
        assert old in text, old
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        return path

    yield edit
    monkeypatch.delenv("PLANX_PATTERNS")
    _clear()


def _clear() -> None:
    for cache in (patterns.load, patterns.load_words, patterns.compiled, patterns.compiled_plain):
        cache.cache_clear()


def _undeclared(data: object, spec: object, where: str = "") -> list[str]:
    """The keys of a shipped file that its declaration does not name."""
    if isinstance(spec, dict) and isinstance(data, dict):
        out = []
        for k, v in data.items():
            beside_rx = "rx" in spec and k in ("examples", "counter_examples")
            sub = spec.get(str, spec.get(k, spec.get(k + "?", [str] if beside_rx else KeyError)))
            out += [f"{where}{k}"] if sub is KeyError else _undeclared(v, sub, f"{where}{k}.")
        return out
    if isinstance(spec, Rx) and isinstance(data, dict):  # a regex written as a table with examples
        return _undeclared(data, {"rx": str}, where)
    if isinstance(spec, list) and isinstance(data, list):
        return [k for item in data for k in _undeclared(item, spec[0], where)]
    return []


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_the_shipped_file_meets_its_declaration_and_declares_every_key(name: str):
    data = tomllib.loads((LIBRARY / f"{name}.toml").read_text(encoding="utf-8"))
    check(data, SCHEMAS[name])
    assert _undeclared(data, SCHEMAS[name]) == []


def test_every_pattern_file_is_declared():
    assert {p.stem for p in LIBRARY.glob("*.toml")} == set(SCHEMAS)


# (file, text in the file, its replacement, the line planx must print after the file's path)
BROKEN = [
    ("dates.toml", "[point]", "[deadline]", "missing key 'point'"),
    ("dates.toml", "[point]\nrx = ", "[point]\nregex = ", "[point] missing key 'rx'"),
    ("dates.toml", "examples = [", "examples = 'x'\nexamples_old = [", "[point] 'examples' must be an array, not a string"),
    ("dates.toml", "(?P<YC>", "(?P<YY>", "pattern 'point' lacks the named group 'YC'"),
    ("headings.toml", "runin_end = ", "runin_stop = ", "[limits] missing key 'runin_end'"),
    ("headings.toml", "rank = 1\nrx = '^(?P<label>", "rank = 1\nrx = '^(?P<lbl>",
     "[[label]] 2 pattern 'rx' lacks the named group 'label'"),
    ("headings.toml", "standalone_title_max = 40", 'standalone_title_max = "40"',
     "[limits] 'standalone_title_max' must be an integer, not a string"),
    ("periods.toml", "(?P<N>", "(?P<n>", "pattern 'five_year' lacks the named group 'N'"),
    ("responsibilities.toml", "[note]", "[notes]", "missing key 'note'"),
    ("tables.toml", 'kind = "seq"', 'type = "seq"', "[[columns]] 1 missing key 'kind'"),
    ("tables.toml", "name_seq = '^(\\d{1,3})", "name_seq = '^(?:\\d{1,3})",
     "pattern 'name_seq' lacks the capturing group (…) whose text the code reads"),
    ("tables.toml", "rx = '(?<!\\d)((?:19|20)\\d{2})(?!\\d)'", "rx = '(?<!\\d)(?:19|20)\\d{2}(?!\\d)'",
     "pattern 'header_year' lacks the capturing group (…) whose text the code reads"),
    ("metadata.toml", "(?P<issuer>", "(?P<by>", "pattern 'notice' lacks the named group 'issuer'"),
    ("units.toml", 'canonical = "', 'name = "', "[[body]] 1 missing key 'canonical'"),
    ("limits.toml", "max_grid_columns", "grid_columns", "[docx] missing key 'max_grid_columns'"),
    ("checks.toml", "[[declared.pattern]]\nkey", "[[declared.pattern]]\nname",
     "[[declared.pattern]] 1 missing key 'key'"),
    ("catalogue.toml", "min_score = ", "min_score = true #",
     "[matching] 'min_score' must be a number, not true/false"),
    ("values.toml", "prefix_ops = [", "prefix_ops = [['x'], ",
     "'prefix_ops' item 1 must hold 2 values, not 1"),
    ("text.toml", "bookmark = ", "bookmarks = ", "missing key 'bookmark'"),
    ("dates.toml", "[ongoing]\nrx = ", "[ongoing]\nrx = [] #", "[ongoing] 'rx' must be a string, not an array"),
    ("dates.toml", "\nrange_sep = ", "\nrange_sep = [] #", "'range_sep' must be a string, not an array"),
    ("numbers.toml", "range_sep", "range_separator", "missing key 'range_sep'"),
    ("diff.toml", "[related]", "[relation]", "missing key 'related'"),
    ("labels.toml", 'en = "Deadlines"', 'english = "Deadlines"', "[kinds.deadline] missing key 'en'"),
    ("pos_words.tsv", "\n", "\nword without a tag\n", "is not 'word<TAB>tag'"),
]


@pytest.mark.parametrize("name, old, new, line", BROKEN, ids=[f"{b[0]}-{i}" for i, b in enumerate(BROKEN)])
def test_a_broken_pattern_file_is_one_line_from_planx_extract(user_patterns, tmp_path: Path, capsys,
                                                              name, old, new, line):
    path = user_patterns(name, old, new)
    code = main(["extract", str(DOC), "-o", str(tmp_path / "out"), "-q"])
    err = capsys.readouterr().err
    assert code != 0
    assert err.splitlines() == [f"planx: {path}: {line}"] or (
        name.endswith(".tsv") and re.fullmatch(rf"planx: {re.escape(str(path))}: line \d+ {re.escape(line)}\n", err))
    assert not (tmp_path / "out" / "000_71534264ba41b2d2.json").exists()


def test_the_command_line_prints_no_traceback(user_patterns, tmp_path: Path):
    path = user_patterns("headings.toml", "[tasks]", "[task]")
    run = subprocess.run([sys.executable, str(ROOT / "cli.py"), "extract", str(DOC), "-o", str(tmp_path / "o")],
                         capture_output=True, text=True, timeout=120,
                         env={**__import__("os").environ, "PLANX_PATTERNS": str(path.parent)})
    assert run.returncode == 2
    assert run.stderr == f"planx: {path}: missing key 'tasks'\n"


def test_a_pattern_that_does_not_compile_names_its_file_and_key(user_patterns):
    path = user_patterns("text.toml", "bookmark = '", "bookmark = '(")
    with pytest.raises(PatternFileError) as e:
        patterns.compiled(patterns.load("text")["bookmark"])
    assert str(e.value).startswith(f"{path}: pattern 'bookmark' is not a valid regular expression (missing )")


def test_invalid_toml_names_the_file(user_patterns):
    path = user_patterns("pdf.toml", "margin_zone = 0.1", "margin_zone = ")
    with pytest.raises(PatternFileError, match=r"^.*pdf\.toml: not valid TOML \(.*line \d+"):
        patterns.load("pdf")
    assert "\n" not in str(path)


def test_the_declaration_language():
    schema = {"a": int, "b?": [str], "t": {str: Rx("g")}, "pairs": [(str, float)], "rows": [{"k": bool}]}
    good = {"a": 1, "t": {"x": "(?P<g>.)"}, "pairs": [["u", 1]], "rows": [{"k": True}], "extra": 0}
    assert check(good, schema) == [Pattern("[t] pattern 'x'", "(?P<g>.)")]
    written = {**good, "t": {"x": {"rx": "(?P<g>.)", "examples": ["a"], "counter_examples": [""]}}}
    assert check(written, schema) == [Pattern("[t] pattern 'x'", "(?P<g>.)", ("a",), ("",))]
    assert written["t"]["x"] == "(?P<g>.)"  # the code reads the string
    entries = {"e": [{"rx": "a", "n": 1, "examples": ["ba"]}]}
    assert Pattern("[[e]] 1 pattern 'rx'", "a", ("ba",)) in check(entries, {"e": [{"rx": Rx(), "n": int}]})
    for bad, msg in [
        ({**good, "a": True}, "'a' must be an integer, not true/false"),
        ({**good, "a": 1.5}, "'a' must be an integer, not a number"),
        ({**good, "b": ["x", 2]}, "'b' item 2 must be a string, not an integer"),
        ({**good, "t": {"x": "(?<g>.)", "y": "."}}, "[t] pattern 'y' lacks the named group 'g'"),
        ({**good, "pairs": [["u", "1"]]}, "'pairs' item 1 must be a number, not a string"),
        ({**good, "rows": [{"k": True}, {}]}, "[[rows]] 2 missing key 'k'"),
        ({**good, "rows": {"k": True}}, "'rows' must be an array, not a table"),
        ({**good, "t": {"x": {"rx": "(?P<g>.)", "examples": "a"}}}, "[t.x] 'examples' must be an array, not a string"),
        ({**good, "t": {"x": {"examples": ["a"]}}}, "[t.x] missing key 'rx'"),
    ]:
        with pytest.raises(SchemaProblem) as e:
            check(bad, schema)
        assert str(e.value) == msg
