"""The same plan read as .docx, as .pdf and as Tika text gives the same records.

The .docx fixture has real vertical/horizontal merges and a two-row header; the .pdf is
the same content with the indicator table split over a page break; the Tika text twin is
the docx reader's own text rendering (one cell per TAB line, merged cells left out).
"""
from __future__ import annotations

import pytest

from conftest import FIXTURES
from extractor import extract
from extractor.records import Baseline

PLAN = FIXTURES / "plan_numbering"

INDICATOR_FIELDS = ("domain", "seq", "name", "unit", "baseline", "targets", "attribute")
PROJECT_FIELDS = ("seq", "name", "period", "investment", "responsible_units")


def _rows(records, fields):
    return [tuple(str(getattr(r, f)) for f in fields) for r in records]


@pytest.fixture(scope="module")
def versions(tmp_path_factory):
    from extractor.readers import read

    twin = tmp_path_factory.mktemp("twin") / "plan_numbering.txt"
    twin.write_text(read(PLAN.with_suffix(".docx")).text, encoding="utf-8")
    return {"docx": extract(PLAN.with_suffix(".docx")), "pdf": extract(PLAN.with_suffix(".pdf")),
            "txt": extract(twin)}


def test_indicator_records_agree_across_formats(versions):
    ref = _rows(versions["docx"].indicators, INDICATOR_FIELDS)
    assert len(ref) == 9
    assert _rows(versions["pdf"].indicators, INDICATOR_FIELDS) == ref
    assert _rows(versions["txt"].indicators, INDICATOR_FIELDS) == ref


def test_merged_cells_resolved_the_same_way(versions):
    for fmt, res in versions.items():
        by_name = {i.name: i for i in res.indicators}
        pm = by_name["细颗粒物（PM2.5）浓度"]
        assert pm.domain == "生态环境质量", fmt  # vertical merge of the 领域 column
        assert pm.baseline == Baseline(2020, "38") and pm.targets == {"2025": "≤33", "2030": "≤30"}, fmt
        water = by_name["地表水达到或好于Ⅲ类水体比例"]
        assert water.targets == {"2025": "完成省下达任务", "2030": "完成省下达任务"}, fmt  # horizontal merge


def test_project_records_agree_across_formats(versions):
    ref = _rows(versions["docx"].projects, PROJECT_FIELDS)
    assert len(ref) == 3
    assert _rows(versions["pdf"].projects, PROJECT_FIELDS) == ref
    assert _rows(versions["txt"].projects, PROJECT_FIELDS) == ref
    # cell text (the .docx's third project cell holds a nested table, printed as text in the pdf)
    contents = [p.content for p in versions["docx"].projects[:2]]
    for fmt in ("pdf", "txt"):
        assert [p.content for p in versions[fmt].projects[:2]] == contents, fmt


def test_sections_and_responsibilities_agree_across_formats(versions):
    def secs(res):
        return [(s.level, s.number, s.title) for s in res.sections]

    def resp(res):
        return [(tuple(r.units), r.role, r.task) for r in res.responsibilities]

    for fmt in ("pdf", "txt"):
        assert secs(versions[fmt]) == secs(versions["docx"]), fmt
        assert resp(versions[fmt]) == resp(versions["docx"]), fmt
