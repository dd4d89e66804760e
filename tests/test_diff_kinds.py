"""The diff's record kinds: one registered comparator per kind, display names in one place
(patterns/labels.toml), read by every report."""
from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from extractor import labels, patterns
from extractor.diff.engine import compare
from extractor.diff.registry import BUILTIN, comparators, kinds
from extractor.diff.render_html import render_html
from extractor.diff.render_md import render_md
from extractor.diff.render_xlsx import render_xlsx

ROOT = Path(__file__).resolve().parents[1]
BASE = json.loads((ROOT / "tests" / "fixtures" / "diff" / "base.json").read_text(encoding="utf-8"))


def _clear() -> None:
    for cache in (patterns.load, patterns.compiled):
        cache.cache_clear()


@pytest.fixture()
def label_file(tmp_path: Path, monkeypatch):
    """patterns/labels.toml copied into a $PLANX_PATTERNS folder; returns ``edit(old, new)``."""
    folder = tmp_path / "patterns"
    folder.mkdir()
    shutil.copy(ROOT / "patterns" / "labels.toml", folder / "labels.toml")
    monkeypatch.setenv("PLANX_PATTERNS", str(folder))
    _clear()

    def edit(old: str, new: str) -> None:
        path = folder / "labels.toml"
        text = path.read_text(encoding="utf-8")
        assert old in text, old
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        _clear()

    yield edit
    monkeypatch.delenv("PLANX_PATTERNS")
    _clear()


def test_the_built_in_kinds_in_report_order_each_with_its_label():
    assert kinds() == BUILTIN
    named = patterns.load("labels")["kinds"]
    for c in comparators():
        assert c.kind in named, f"{c.kind}: no [kinds.{c.kind}] in patterns/labels.toml"
        assert c.records and labels.kind_label(c.kind) == f"{named[c.kind]['zh']} {named[c.kind]['en']}"


def _loosened() -> dict:
    new = copy.deepcopy(BASE)
    new["indicators"][0]["targets"]["2025"] = "≥25"  # ≥27 → ≥25: loosened
    return new


def test_a_display_name_changed_in_labels_toml_changes_every_report(label_file, tmp_path):
    label_file('zh = "指标"\nen = "Indicators"', 'zh = "考核指标"\nen = "Measures"')
    label_file('loosened = { zh = "放宽", en = "loosened" }', 'loosened = { zh = "放松", en = "relaxed" }')
    result = compare(BASE, _loosened())
    assert [(c.kind, c.direction) for c in result.changes] == [("indicator", "loosened")]
    html, md = render_html(result), render_md(result)
    for page in (html, md):
        assert "考核指标 Measures" in page and "放松 relaxed" in page
        assert "指标 Indicators" not in page and "放宽 loosened" not in page
    render_xlsx(result, tmp_path / "d.xlsx")
    summary = [[c.value for c in row] for row in load_workbook(tmp_path / "d.xlsx")["summary"].iter_rows()]
    assert ["考核指标 Measures", 0, 0, 1, 0, 0, "放松 relaxed 1"] in summary
