"""Indicator and project records against the gold, and no table cell silently dropped."""
from __future__ import annotations

import importlib.util
import json

import pytest
import regex

from conftest import CORPORA, GOLD, extracted, gold, gold_docs
from extractor.readers import read


def _scorer():
    spec = importlib.util.spec_from_file_location("score", GOLD.parent / "tools" / "score.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.parametrize("kind", ["indicators", "projects"])
def test_against_gold(kind):
    score = _scorer()
    for doc in gold_docs(kind):
        res = score.score_kind(kind, gold(doc, kind), extracted(doc)[kind])
        assert res["f1"] >= 0.97, (doc, res)
        assert res["cell_recall"] >= 0.95, (doc, res)


def test_merged_cells_inherited_as_in_gold():
    got = {r["name"]: r for r in extracted("000_71534264ba41b2d2")["indicators"]}
    for g in gold("000_71534264ba41b2d2", "indicators"):
        name = next(n for n in [g["name"], *g.get("alt", {}).get("name", [])] if n in got)
        assert set(got[name]["inherited"]) == set(g["inherited"]), name


def _tokens(s: str) -> list[str]:
    return [t for t in regex.findall(r"\p{Han}+|[A-Za-z0-9]+", s) if len(t) >= 2]


@pytest.mark.parametrize("doc", ["000_71534264ba41b2d2", "001_cc391c16966c3b2d", "002_6d72280123f25383"])
def test_every_cell_reaches_a_record_or_unparsed(doc):
    """Every word of every indicator/project table cell is in a record, the header, a
    footnote or the table's `unparsed` list."""
    out = extracted(doc)
    tables = [t for t in out["tables"] if t["kind"] in ("indicators", "projects")]
    assert tables
    blob = json.dumps([out["indicators"], out["projects"], tables], ensure_ascii=False)
    d = read(CORPORA / f"{doc}.txt")
    lines = {t["span"]["line"] for t in tables}
    n = 0
    for b in d.blocks:
        if b.kind != "table" or b.line not in lines:
            continue
        header = " ".join(c.text for c in b.table.rows[0])
        for cell in b.table.cells():
            for tok in _tokens(cell.text):
                n += 1
                # an attribute block label ("参考性指标") is the rows' attribute ("参考性")
                assert tok in blob or tok in header or tok.removesuffix("指标") in blob, (doc, cell.line, tok)
    assert n > 50


def test_records_point_at_their_first_cell():
    out = extracted("000_71534264ba41b2d2")
    text = (CORPORA / "000_71534264ba41b2d2.txt").read_text(encoding="utf-8")
    for r in out["indicators"] + out["projects"]:
        s = r["span"]
        assert text[s["start"]:s["end"]].strip(), r["name"]
        assert s["line"] == text.count("\n", 0, s["start"]) + 1


def test_parsed_values():
    got = {r["name"]: r for r in extracted("000_71534264ba41b2d2")["indicators"]}
    p = got["生态文明建设工作占党政实绩考核的比例"]["parsed"]
    assert (p["standard"]["op"], p["standard"]["value"]) == (">=", 20)
    assert p["baseline"]["value"] == 26.8 and p["targets"]["2025"]["value"] == 27
    assert got["生态文明建设规划"]["parsed"]["targets"]["2030"]["qualitative"] == "实施"
