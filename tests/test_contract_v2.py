"""Output contract v2: records linked by id, consistent across kinds; every table's grid."""
from __future__ import annotations

from pathlib import Path

import pytest

from extractor import extract
from extractor.schema_check import problems

ROOT = Path(__file__).resolve().parents[1]
CORPORA = sorted((ROOT / "corpora").glob("*.txt"))
PROSE = ("targets", "deadlines", "responsibilities")


@pytest.fixture(scope="module")
def outputs() -> dict[str, dict]:
    return {p.stem: extract(p).to_dict() for p in CORPORA}


def test_every_record_links_to_existing_records(outputs):
    for stem, doc in outputs.items():
        assert doc["schema_version"] == "2"
        sections = {s["id"] for s in doc["sections"]}
        tasks = {t["id"] for t in doc["tasks"]}
        tables = {t["id"] for t in doc["tables"]}
        for t in doc["tasks"]:
            assert t["section_id"] is None or t["section_id"] in sections
        for kind in ("indicators", "projects", *PROSE):
            for rec in doc[kind]:
                for key in ("section_id", "task_id", "table_id", "section", "task"):
                    assert key in rec, (stem, kind, key)
                assert rec["section_id"] is None or rec["section_id"] in sections
                assert rec["task_id"] is None or rec["task_id"] in tasks | sections
                assert rec["table_id"] is None or rec["table_id"] in tables
                if kind in ("indicators", "projects"):
                    assert rec["table_id"] in tables, (stem, rec["id"])
        by_id = {s["id"]: s["title"] for s in doc["sections"]} | {t["id"]: t["title"] for t in doc["tasks"]}
        for kind in ("indicators", "projects", *PROSE):
            for rec in doc[kind]:  # the titles are the titles of the records the ids name
                assert rec["section"] == by_id.get(rec["section_id"]), (stem, rec["id"])
                assert rec["task"] == by_id.get(rec["task_id"]), (stem, rec["id"])


def test_records_of_one_paragraph_have_one_place_whatever_their_kind(outputs):
    """A target, a deadline and a responsibility of the same paragraph name the same section and
    task (v1 gave task="主要目标" on one and task=None, section="主要目标" on another)."""
    checked = 0
    for doc in outputs.values():
        places: dict[int, set] = {}
        for kind in PROSE:
            for rec in doc[kind]:
                key = rec["span"]["line"]
                places.setdefault(key, set()).add((rec["section_id"], rec["task_id"]))
        for line, found in places.items():
            assert len(found) == 1, (doc["document"]["doc_id"], line, found)
            checked += 1
    assert checked > 100


def test_heading_without_lead_is_the_task_for_every_kind(outputs):
    doc = outputs["002_6d72280123f25383"]
    heads = {s["id"]: s for s in doc["sections"]}
    as_task = [r for k in PROSE for r in doc[k] if (r["task_id"] or "").startswith("sec-")]
    assert as_task, "the sample has records whose task is a heading"
    kinds = {k for k in PROSE for r in doc[k] if (r["task_id"] or "").startswith("sec-")}
    assert {"deadlines", "responsibilities"} <= kinds
    for r in as_task:
        sec = heads[r["task_id"]]
        assert r["task"] == sec["title"] and r["section_id"] == sec["parent"]


def test_corpus_tables_carry_their_full_grid(outputs):
    for doc in outputs.values():
        for t in doc["tables"]:
            assert t["rows"], t["id"]
            texts = "".join(c["text"] for r in t["header"] + t["rows"] for c in r)
            for ind in doc["indicators"]:
                if ind["table_id"] == t["id"]:
                    assert ind["name"].replace("\n", "") in texts.replace("\n", "")


def _docx(path: Path) -> Path:
    import docx

    d = docx.Document()
    d.add_paragraph("一、工作安排")
    d.add_paragraph("表1  各街道任务一览")
    t = d.add_table(rows=4, cols=3)
    for j, h in enumerate(("街道", "事项", "说明")):
        t.cell(0, j).text = h
    t.cell(1, 0).merge(t.cell(2, 0)).text = "东关街道"
    t.cell(1, 1).text, t.cell(2, 1).text = "清理河道", "修补护栏"
    t.cell(1, 2).merge(t.cell(1, 2)).text = "已完成"
    t.cell(3, 0).merge(t.cell(3, 2)).text = "合计两项"
    d.add_paragraph("二、保障措施")
    d.add_paragraph("加强领导。各单位要落实责任。")
    d.save(path)
    return path


def test_table_of_kind_other_keeps_its_grid_with_merges(tmp_path):
    doc = extract(_docx(tmp_path / "other.docx")).to_dict()
    assert problems(doc) == []
    (t,) = doc["tables"]
    grid = t["header"] + t["rows"]
    texts = [[c["text"] for c in r] for r in grid]
    assert ["东关街道", "清理河道", "已完成"] in texts
    assert ["东关街道", "修补护栏", ""] in texts
    assert ["合计两项", "合计两项", "合计两项"] in texts
    merged = next(r for r in grid if r[1]["text"] == "修补护栏")
    assert merged[0]["inherited"] is True and merged[1]["inherited"] is False
    origin = next(r for r in grid if r[1]["text"] == "清理河道")
    assert origin[0]["rowspan"] == 2 and origin[0]["inherited"] is False
    total = next(r for r in grid if r[0]["text"] == "合计两项")
    assert total[0]["colspan"] == 3 and [c["inherited"] for c in total] == [False, True, True]
    assert all(c["span"] for r in grid for c in r if c["text"])


def test_deadline_dates_carry_their_precision(outputs):
    seen = set()
    for doc in outputs.values():
        for d in doc["deadlines"]:
            want = {4: "year", 7: "month", 10: "day"}.get(len(d["date"] or ""))
            assert d["date_precision"] == want
            seen.add(want)
        for p in doc["document"]["phases"]:
            assert isinstance(p["start"], str) and isinstance(p["end"], str)
    assert {"year", "month", "day"} <= seen


def test_task_table_rows_link_to_their_task_and_table(tmp_path):
    from test_tables_tasks import HEADER, ROWS, _docx as task_docx

    doc = extract(task_docx(tmp_path / "plan.docx", "附件2  重点任务分工表", HEADER, ROWS)).to_dict()
    assert problems(doc) == []
    tasks = {t["id"]: t for t in doc["tasks"]}
    (table,) = [t for t in doc["tables"] if t["kind"] == "tasks"]
    table_tasks = [t for t in doc["tasks"] if t["table_id"] == table["id"]]
    assert table_tasks and all(t["section_id"] == table["section_id"] for t in table_tasks)
    for kind in ("responsibilities", "deadlines"):
        rows = [r for r in doc[kind] if r["table_id"] == table["id"]]
        assert rows
        for r in rows:
            assert tasks[r["task_id"]]["table_id"] == table["id"]
            assert r["task"] == tasks[r["task_id"]]["title"]
