"""Locations a person can open, on every record: the page (pdf), the paragraph or the table, row
and column (docx, and any reader with blocks), the line (txt), with a quote — the same place in
every rendition of a plan, and named that way in the reports."""
from __future__ import annotations

import docx
import pytest
from conftest import CORPORA, FIXTURES

from extractor import extract
from extractor.evidence import where

STEM = "002_6d72280123f25383"
PATHS = {"txt": CORPORA / f"{STEM}.txt", "docx": FIXTURES / "renditions" / f"{STEM}.docx",
         "pdf": FIXTURES / "renditions" / f"{STEM}.pdf"}
TARGET = "政府采购绿色产品比例达到30%"


@pytest.fixture(scope="module")
def results():
    return {fmt: extract(p) for fmt, p in PATHS.items()}


def _target(result):
    return next(t for t in result.targets if TARGET in t.raw)


def test_the_same_places_in_every_rendition(results):
    spans = {fmt: _target(r).span for fmt, r in results.items()}
    assert {s.paragraph for s in spans.values()} == {231} and all(s.table is None for s in spans.values())
    assert {s.quote for s in spans.values()} == {"2025年底前，政府采购绿色产品比例达到30%。各级党政机关"}
    rows = {fmt: r.indicators[0].span for fmt, r in results.items()}
    assert {(s.table, s.row, s.col, s.paragraph) for s in rows.values()} == {(1, 3, 1, None)}
    assert all(s.quote.startswith("1.城市细颗粒物（PM2.5）浓度（ug/m3）* 52") for s in rows.values())
    assert spans["pdf"].page == 26 and rows["pdf"].page == 5 and spans["docx"].page is None


def test_the_paragraph_number_is_words_paragraph_and_the_row_is_words_row(results):
    """Counted as Word counts them: body paragraphs outside tables (python-docx), table rows."""
    d = docx.Document(PATHS["docx"])
    paragraphs = [p.text for p in d.paragraphs if p.text.strip()]
    span = _target(results["docx"]).span
    assert TARGET in paragraphs[span.paragraph - 1]
    ind = results["docx"].indicators[0].span
    cell = d.tables[ind.table - 1].rows[ind.row - 1].cells[ind.col - 1]
    assert cell.text.startswith("1.城市细颗粒物")
    for rec in results["docx"].sections[1:40]:
        assert rec.title in paragraphs[rec.span.paragraph - 1]


def test_every_record_has_a_place(results):
    for fmt, r in results.items():
        for kind in ("sections", "tasks", "indicators", "projects", "targets", "deadlines", "responsibilities"):
            for rec in getattr(r, kind):
                s = rec.span
                assert s.quote and (s.paragraph is not None) != (s.table is not None), (fmt, kind, rec.id, s)
                assert (s.page is not None) == (fmt == "pdf")


def test_where_reports_name_the_place_for_the_format(results):
    t = {fmt: _target(r).span.to_dict() for fmt, r in results.items()}
    i = {fmt: r.indicators[0].span.to_dict() for fmt, r in results.items()}
    assert where(t["docx"], "docx") == "段231" and where(i["docx"], "docx") == "表1 行3 列1"
    assert where(t["pdf"], "pdf") == "p.26" and where(i["pdf"], "pdf") == "p.5 表1 行3"
    assert where(t["txt"], "txt") == f"L{t['txt']['line']}" and t["txt"]["line"] == 367
    assert where({"line": 5, "start": 0, "end": 1, "page": None}, "docx") == "L5"  # an old result: the line
