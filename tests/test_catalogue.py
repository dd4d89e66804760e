"""The indicator catalogue: every indicator row of the sample plans gets its key and polarity
(checked by hand in tests/data/catalogue_checked.json), variants never get a wrong key, and
the catalogue file itself is consistent (ids, polarities, cited lists)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractor.catalogue import POLARITIES, catalogue, lists, match, polarity_of, rows
from extractor.records import Indicator
from tests.conftest import extracted

CHECKED = json.loads((Path(__file__).parent / "data" / "catalogue_checked.json").read_text(encoding="utf-8"))


def test_sample_rows_get_the_checked_key_and_coverage_is_at_least_90_percent():
    got, n_matched = [], 0
    for doc in sorted({r["doc"] for r in CHECKED["sample_rows"]}):
        for ind in extracted(doc)["indicators"]:
            got.append({"doc": doc, "seq": ind["seq"], "group": ind["group"], "name": ind["name"],
                        "canonical_id": ind["canonical_id"]})
            n_matched += ind["canonical_id"] is not None
            if ind["canonical_id"]:
                entry = catalogue().by_id[ind["canonical_id"]]
                assert ind["polarity"] == entry.polarity and 0 < ind["catalogue_score"] <= 1
    assert got == CHECKED["sample_rows"]  # no wrong match: every row as checked by hand
    assert n_matched / len(got) >= 0.9


@pytest.mark.parametrize("case", CHECKED["variants"], ids=lambda c: c["name"])
def test_name_variants_match_the_checked_key_or_nothing(case):
    m = match(case["name"])
    assert (m.entry.id if m else None) == case["canonical_id"]


@pytest.mark.parametrize("name, group, want", [
    ("PM2.5浓度", None, "air.pm25"),
    ("PM2.5浓度下降幅度", "环境空气质量", "air.pm25_reduction"),
    ("劣V类水体比例下降幅度", "水环境质量", "water.surface_worst_decrease"),
    ("劣Ⅴ类水体比例", None, "water.surface_worst"),
    ("城镇生活垃圾分类减量化行动", "生活废弃物综合利用", "life.waste_sorting"),
])
def test_a_change_of_an_indicator_is_not_the_indicator(name, group, want):
    assert match(name, group).entry.id == want


def test_polarity_of_a_record_a_dict_and_a_name():
    assert polarity_of("城市细颗粒物（PM2.5）浓度") == "lower_better"
    assert polarity_of({"name": "优良天数比例", "group": "环境空气质量"}) == "higher_better"
    rec = Indicator(id="ind-1", table=None, name="某自定义名称", canonical_id="air.pm25")
    assert polarity_of(rec) == "lower_better"  # the record's own key decides
    assert polarity_of({"name": "生态文明建设规划", "canonical_id": None}) == "qualitative"
    assert polarity_of("城乡居民人均可支配收入") is None


def test_catalogue_file_is_consistent_and_cites_its_lists():
    entries = catalogue().entries
    ids = [e.id for e in entries]
    assert len(ids) == len(set(ids))
    known_lists = {x["id"] for x in lists()}
    assert all(x["url"].startswith("http") and x["title"] and x["issuer"] for x in lists())
    for e in entries:
        assert e.polarity in POLARITIES, e.id
        assert e.lists and set(e.lists) <= known_lists, e.id
        assert {k for k, _ in e.attributes} <= set(e.lists), e.id
    assert len(rows()) == len(entries) >= 90


def test_sqlite_output_has_a_catalogue_table_that_indicators_join(tmp_path: Path):
    import sqlite3
    import subprocess
    import sys

    from tests.conftest import CORPORA, ROOT

    src = tmp_path / "in"
    src.mkdir()
    (src / "plan.txt").write_bytes((CORPORA / "002_6d72280123f25383.txt").read_bytes())
    subprocess.run([sys.executable, str(ROOT / "cli.py"), "extract", str(src), "-o", str(tmp_path / "out"), "-q"],
                   check=True, capture_output=True)
    con = sqlite3.connect(tmp_path / "out" / "planx.sqlite")
    n = con.execute("SELECT count(*) FROM catalogue").fetchone()[0]
    assert n == len(rows())
    joined = con.execute('SELECT i.name, c.polarity FROM indicators i JOIN catalogue c '
                         'ON i.canonical_id = c.canonical_id WHERE c.canonical_id = ?', ("air.pm25",)).fetchall()
    assert joined == [("城市细颗粒物（PM2.5）浓度", "lower_better")]
