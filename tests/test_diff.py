"""planx diff at the record level: planted edits of a planx JSON document, directions, alignment."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.diff import diff
from extractor.diff.align import assign
from extractor.diff.direction import (attribute_direction, date_direction, money_change,
                                      target_direction)
from extractor.diff.engine import compare

BASE = json.loads((Path(__file__).parent / "fixtures" / "diff" / "base.json").read_text(encoding="utf-8"))


def _edited(edit) -> dict:
    doc = copy.deepcopy(BASE)
    edit(doc)
    return doc


def _changes(edit) -> list[tuple]:
    return [(c.kind, c.change, c.field, c.direction) for c in compare(BASE, _edited(edit)).changes]


def _ind(doc: dict, name: str) -> dict:
    return next(r for r in doc["indicators"] if r["name"] == name)


@pytest.mark.parametrize("old,new,polarity,expected", [
    ("≥27", "≥25", 0, "loosened"),
    ("≥27", "≥30", 0, "tightened"),
    ("≤35", "≤30", 0, "tightened"),
    ("≤35", "≤38", 0, "loosened"),
    ("持续下降", "下降10%", 0, "quantified"),
    ("＞-1", "≥-1", 0, "loosened"),
    ("≥90", "＞90", 0, "tightened"),
    ("27", "25", 1, "loosened"),
    ("27", "25", -1, "tightened"),
    ("27", "25", 0, None),           # polarity unknown: no direction
    ("≥27", "≤27", 0, None),         # the comparator turned round: not one bound moving
    ("下降10%", "下降15%", 0, "tightened"),
    ("≥20%", "≥20吨", 0, None),       # different units
    ("≥27", "完成上级任务", 0, "loosened"),
])
def test_target_direction(old, new, polarity, expected):
    assert target_direction(old, new, polarity) == expected


def test_attribute_date_and_money_directions():
    assert attribute_direction("约束性", "参考性") == "loosened"
    assert attribute_direction("预期性", "约束性") == "tightened"
    assert attribute_direction("约束性", "约束性") is None
    assert date_direction("2025", "2025-06-30") == "earlier"
    assert date_direction("2025-05", "2025-05-31") is None
    assert date_direction("2025-12-31", "2026") == "later"
    assert money_change({"value": 4200, "unit": "万元"}, {"value": 0.5, "unit": "亿元"}) == \
        ("raised", {"delta": 800.0, "unit": "万元", "pct": 19.05})
    assert money_change({"value": 40, "unit": "万元"}, {"value": 30, "unit": "万元"})[0] == "cut"


def test_identical_documents_have_no_changes():
    result = compare(BASE, copy.deepcopy(BASE))
    assert result.changes == []
    assert result.summary()["total"] == 0
    assert all(r.status == "unchanged" for rows in result.rows.values() for r in rows)


def test_indicator_edits_with_directions():
    def edit(doc):
        _ind(doc, "生态文明建设工作占党政实绩考核的比例")["targets"]["2025"] = "≥25"
        _ind(doc, "PM2.5年均浓度")["targets"]["2030"] = "≤30"
        _ind(doc, "政府绿色采购比例")["attribute"] = "约束性"
        _ind(doc, "单位地区生产总值能耗")["targets"]["2025"] = "下降13.5%"
        _ind(doc, "城镇污水处理率")["baseline"]["value"] = "98.5"
    assert sorted(_changes(edit)) == sorted([
        ("indicator", "modified", "targets.2025", "loosened"),
        ("indicator", "modified", "targets.2030", "tightened"),
        ("indicator", "modified", "attribute", "tightened"),
        ("indicator", "modified", "targets.2025", "quantified"),
        ("indicator", "modified", "baseline", "revised"),
    ])


def test_reworded_indicator_is_a_rename_when_the_row_agrees():
    def edit(doc):
        _ind(doc, "生态环境状况指数")["name"] = "生态质量指数（EQI）"
    assert _changes(edit) == [("indicator", "renamed", "name", None)]


def test_unrelated_indicator_is_a_drop_and_an_add():
    def edit(doc):
        r = _ind(doc, "生态环境状况指数")
        r.update(name="森林覆盖率", standard="≥18", baseline={"year": 2020, "value": "12.3"},
                 targets={"2025": "≥15", "2030": "≥18"}, attribute="参考性")
    assert sorted(_changes(edit)) == [("indicator", "added", None, None), ("indicator", "removed", None, None)]


def test_project_edits_with_directions():
    def edit(doc):
        p1, p2, p3 = doc["projects"]
        p1["investment"] = {"raw": "5000", "value": 5000, "unit": "万元"}
        p2["period"] = {"raw": "2021.9至2022.3", "start": "2021-09", "end": "2022-03"}
        p3["responsible_units"] = ["区水务局", "区城管局"]
        doc["projects"].append(dict(copy.deepcopy(p2), id="proj-4", name="海绵城市建设示范工程",
                                    content="对老城区道路实施海绵化改造"))
    result = compare(BASE, _edited(edit))
    got = sorted((c.kind, c.change, c.field, c.direction) for c in result.changes)
    assert got == sorted([
        ("project", "modified", "investment", "raised"),
        ("project", "modified", "period", "earlier"),
        ("project", "modified", "responsible_units", "dropped"),
        ("project", "modified", "responsible_units", "added"),
        ("project", "added", None, None),
    ])
    raised = next(c for c in result.changes if c.field == "investment")
    assert raised.detail == {"delta": 800.0, "unit": "万元", "pct": 19.05}
    assert (raised.old, raised.new) == ("4200万元", "5000万元")


def test_task_records_follow_their_task():
    def edit(doc):
        doc["deadlines"][0].update(raw="2025年6月底前", date="2025-06-30")
        doc["targets"][0].update(raw="每月现场检查不少于20台", value=20)
        doc["responsibilities"][0].update(units=["区生态环境局"], raw="（责任单位：区生态环境局）",
                                          normalized_units=doc["responsibilities"][0]["normalized_units"][:1])
        t1, t2 = doc["tasks"][:2]
        t1["text"] = t1["text"].replace("2025年底前", "2025年6月底前").replace("、区住建局", "")
        t2["text"] = t2["text"].replace("不少于30台", "不少于20台")
    assert sorted(_changes(edit)) == sorted([
        ("deadline", "modified", "date", "earlier"),
        ("target", "modified", "value", "loosened"),
        ("responsibility", "modified", "units", "dropped"),
    ])  # the task texts changed only inside those records: no separate prose change


def test_prose_change_is_a_character_diff():
    def edit(doc):
        doc["tasks"][2]["text"] = doc["tasks"][2]["text"].replace("推进排水设施改造", "加快排水设施提标改造")
    result = compare(BASE, _edited(edit))
    [c] = result.changes
    assert (c.kind, c.change, c.field) == ("task", "modified", "text")
    ops = c.detail["ops"]
    assert "".join(t for op, t in ops if op <= 0) == BASE["tasks"][2]["text"]
    assert "".join(t for op, t in ops if op >= 0) == _edited(edit)["tasks"][2]["text"]
    assert any(op == 1 and "提标" in t for op, t in ops)


def test_added_section_does_not_report_its_shifted_siblings():
    def edit(doc):
        new = {"id": "sec-9", "level": 2, "number": "（二）", "title": "加强噪声污染防治", "parent": "sec-1",
               "path": ["主要任务", "加强噪声污染防治"], "span": {"line": 105, "start": 0, "end": 1, "page": None}}
        doc["sections"].insert(2, new)
        for s, n in zip(doc["sections"][3:6], ("（三）", "（四）", "（五）")):
            s["number"] = n
    assert _changes(edit) == [("section", "added", None, None)]


def test_section_moved_and_renamed():
    def edit(doc):
        secs = doc["sections"]
        air = secs.pop(1)               # （一）加强大气污染防治 → last under 主要任务
        secs.insert(4, air)
        for s, n in zip(secs[1:5], ("（一）", "（二）", "（三）", "（四）")):
            s["number"] = n
        secs[1]["title"] = "深入打好碧水保卫战"
        doc["tasks"][2]["section"] = "深入打好碧水保卫战"
    result = compare(BASE, _edited(edit))
    got = sorted((c.kind, c.change, c.field, c.key) for c in result.changes)
    assert got == [("section", "moved", "position", "（四） 加强大气污染防治"),
                   ("section", "renamed", "title", "（一） 深入打好碧水保卫战")]
    moved = next(c for c in result.changes if c.change == "moved")
    assert (moved.old, moved.new) == ("主要任务 › （一） 加强大气污染防治", "主要任务 › （四） 加强大气污染防治")


def test_task_moved_to_another_section():
    def edit(doc):
        doc["tasks"][3]["section"] = "加强水污染防治"
    assert _changes(edit) == [("task", "moved", "section", None)]


def test_removed_section_implies_its_tasks():
    def edit(doc):
        doc["sections"] = [s for s in doc["sections"] if s["title"] != "加强土壤污染防治"]
        doc["tasks"] = [t for t in doc["tasks"] if t["section"] != "加强土壤污染防治"]
    assert _changes(edit) == [("section", "removed", None, None)]


def test_assignment_is_optimal_not_first_come():
    score = np.array([[0.9, 0.8], [0.85, 0.1]])
    accept = score >= 0.5
    assert assign(score, accept) == [(0, 1), (1, 0)]  # greedy would take (0, 0) and leave row 1 alone


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 5), st.integers(1, 5), st.data())
def test_assignment_weighs_what_the_best_matching_weighs(n, m, data):
    """On every small matrix (ties included: scores in tenths), the pairs are one-to-one,
    accepted, and weigh (as assign weighs them) what the best of all matchings weighs."""
    from itertools import permutations

    score = np.array(data.draw(st.lists(st.lists(st.integers(0, 10), min_size=m, max_size=m),
                                        min_size=n, max_size=n))) / 10
    accept = np.array(data.draw(st.lists(st.lists(st.booleans(), min_size=m, max_size=m),
                                         min_size=n, max_size=n)))
    pos = 1.0 - np.abs(np.arange(n)[:, None] / n - np.arange(m)[None, :] / m)
    weight = np.where(accept, score ** 3 + 0.01 * pos + 1e-6, 0.0)
    pairs = assign(score, accept)
    assert len({i for i, _ in pairs}) == len({j for _, j in pairs}) == len(pairs)
    assert all(accept[i, j] for i, j in pairs)
    k = min(n, m)
    best = max(sum(weight[i, j] for i, j in (zip(range(n), p) if n <= m else zip(p, range(m))))
               for p in permutations(range(max(n, m)), k))
    assert abs(sum(weight[i, j] for i, j in pairs) - best) < 1e-9


def test_summary_counts_and_json_shape():
    def edit(doc):
        _ind(doc, "生态文明建设工作占党政实绩考核的比例")["targets"]["2025"] = "≥25"
        doc["projects"].pop(1)
    out = compare(BASE, _edited(edit)).to_dict()
    assert out["summary"]["total"] == 2
    assert out["summary"]["by_kind"] == {"indicator": 1, "project": 1}
    assert out["summary"]["by_direction"] == {"loosened": 1}
    assert out["summary"]["by_kind_change"] == {"indicator": {"modified": 1}, "project": {"removed": 1}}
    first = out["changes"][0]
    assert set(first) >= {"id", "kind", "change", "key", "field", "old", "new", "direction", "old_span", "new_span"}
    assert (first["id"], first["old"], first["new"], first["old_span"]["line"]) == ("chg-1", "≥27", "≥25", 11)


def test_diff_reads_json_files(tmp_path):
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text(json.dumps(BASE, ensure_ascii=False), encoding="utf-8")
    new.write_text(json.dumps(_edited(lambda d: d["projects"].pop()), ensure_ascii=False), encoding="utf-8")
    assert [c.change for c in diff(old, new).changes] == ["removed"]


def test_a_column_one_table_lacks_is_not_a_change_per_row():
    def edit(doc):
        for r in doc["indicators"]:
            r["standard"] = None            # the new table has no 标准值 column
            r["targets"].pop("2030")        # nor a 2030 column
        _ind(doc, "城镇污水处理率")["targets"]["2025"] = "≥95"
    assert _changes(edit) == [("indicator", "modified", "targets.2025", "loosened")]


def test_baselines_and_status_are_revised_not_promises():
    """A baseline year moved back (2020 → 2019) is not "earlier"; PM2.5's current value rising is
    "revised" (worse), not a green "raised"; a status change is "revised" too."""
    def edit(doc):
        _ind(doc, "生态文明建设工作占党政实绩考核的比例")["baseline"]["year"] = 2019
        _ind(doc, "PM2.5年均浓度")["baseline"]["value"] = "52"
        _ind(doc, "生态文明建设工作占党政实绩考核的比例")["status"] = "未达指标"
    result = compare(BASE, _edited(edit))
    got = {(c.field, c.direction, c.detail.get("trend")) for c in result.changes}
    assert got == {("baseline.year", "revised", None), ("baseline", "revised", "worse"), ("status", "revised", None)}


@pytest.mark.parametrize("old,new,same", [
    ("μg/m3", "ug/m3", True), ("µg/m³", "微克/立方米", True), ("mg/L", "毫克/升", True), ("％", "%", True),
    ("万吨", "吨", False), ("μg/m3", "mg/m3", False)])
def test_unit_spellings_are_not_changes(old, new, same):
    def edit(doc, unit):
        _ind(doc, "PM2.5年均浓度")["unit"] = unit
    result = compare(_edited(lambda d: edit(d, old)), _edited(lambda d: edit(d, new)))
    assert (result.changes == []) is same
    assert [(c["field"], c["old"], c["new"]) for c in result.cosmetic] == ([("unit", old, new)] if same and old != new else [])
