"""Numeric targets in running text: what is a target, comparator, value, unit, year."""
from __future__ import annotations

import pytest

from conftest import extracted, gold, gold_docs
from test_deadlines import in_gold_scope
from extractor.model import Block, Document
from extractor.records import DocumentInfo, Normalized, PlanPeriod
from extractor.text import targets


def run(text: str, plan=(2021, 2025)) -> list[tuple]:
    """Targets of a one-paragraph document."""
    doc = Document("t", "t.txt", "txt", "", text, [Block("paragraph", text, list(range(len(text))), 0, len(text), 1)])
    info = DocumentInfo("t", "t.txt", "txt", "", plan_period=PlanPeriod(plan[0], plan[1]), base_year=plan[0] - 1)
    return [(t.subject, t.op, t.value, t.unit, t.year) for t in targets.extract(doc, None, info)]


def test_two_targets_in_one_clause():
    assert run("推动50%水泥熟料产能、60%焦化产能完成超低排放设施升级改造。") == [
        ("水泥熟料产能", "=", 50, "%", None), ("焦化产能", "=", 60, "%", None)]


def test_unit_as_written_with_normalised_value():
    doc_text = "年捕集CO₂能力50万吨以上。"
    doc = Document("t", "t.txt", "txt", "", doc_text,
                   [Block("paragraph", doc_text, list(range(len(doc_text))), 0, len(doc_text), 1)])
    [t] = targets.extract(doc, None, None)
    assert (t.op, t.value, t.unit, t.normalized) == (">=", 50, "万吨", Normalized(500000, "吨"))
    assert t.raw == doc_text[t.span.start:t.span.end]


@pytest.mark.parametrize("text,expected", [
    ("到2025年，全区绿化覆盖率达到48%以上。", ("全区绿化覆盖率", ">=", 48, "%", 2025)),
    ("到2025年，全区营运车辆单位运输周转量二氧化碳排放较2020年下降4％。", (None, "decrease", 4, "％", 2025)),
    ("楼宇税收占区级税收比重提高5个百分点。", ("楼宇税收占区级税收比重", "increase", 5, "个百分点", None)),
    ("确保新投运商务商业载体面积超过400万平方米。", ("新投运商务商业载体面积", ">", 400, "万平方米", None)),
    ("到2030年，生物质发电装机容量达到50万千瓦左右。", ("生物质发电装机容量", "=", 50, "万千瓦", 2030)),
    ("规划7条二级通风廊道，总体宽度在80～100米。", None),
    ("每月现场检查不少于30台。", ("每月现场检查", ">=", 30, "台", None)),
    ("非化石能源占能源消费总量比重达到20%左右。", ("非化石能源占能源消费总量比重", "=", 20, "%", None)),
    ("PM2.5浓度控制在35微克/立方米以下。", ("PM2.5浓度", "<=", 35, "微克/立方米", None)),
    ("力争到2027年，全市新能源汽车保有量突破10万辆。", ("全市新能源汽车保有量", ">", 10, "万辆", 2027)),
])
def test_comparators(text, expected):
    found = run(text)
    if expected is None:  # several records: check the range one
        assert ("总体宽度", ">=", 80, "米", None) in found
        return
    subject, *rest = expected
    assert [tuple(r[1:]) for r in found] == [tuple(rest)]
    if subject:
        assert found[0][0] == subject


@pytest.mark.parametrize("text", [
    "2020年，全区空气质量优良天数达到250天，PM2.5浓度下降到45微克/立方米。",
    "整合退出2500吨/日及以下的水泥熟料生产线。",
    "淘汰35蒸吨及以下燃煤锅炉。",
    "充分发挥30万千瓦及以上热电联产电厂的供热能力。",
    "对全区3条区级河道和16条乡级河道进行健康评估。",
    "全区22家加油站全部完成油气回收治理。",
    "对研发投入占比超过5%的企业给予税收减免。",
    "严格限制一次性用品使用，防止二次污染。",
    "紧扣30项建设指标。",
    "落实“六个百分之百”要求。",
    "推动宁德时代60GWh新能源电池项目落地。",
])
def test_not_targets(text):
    assert run(text) == []


@pytest.mark.parametrize("doc", gold_docs("targets"))
def test_targets_match_gold(doc):
    """Gold targets are found with value, unit, op (or an accepted reading) and year."""
    pred = [t for t in extracted(doc)["targets"] if in_gold_scope(doc, t["span"]["line"])]
    golds = [g for g in gold(doc, "targets") if not g.get("optional")]

    def hit(g):
        ops = [g["op"], *(g.get("alt") or {}).get("op", [])]
        units = [g["unit"], *(g.get("alt") or {}).get("unit", [])]
        return any(abs(p["line_value"] - g["value"]) < 1e-9 and p["op"] in ops and p["unit"] in units
                   and p["year"] == g["year"] and abs(p["span"]["line"] - g["line"]) <= 1 for p in cands)

    cands = [{**p, "line_value": p["value"]} for p in pred]
    found = sum(1 for g in golds if hit(g))
    assert found >= 0.9 * len(golds)
    assert len(pred) <= len(golds) + max(2, 0.1 * len(golds))


@pytest.mark.parametrize("text,expected", [
    ("到2025年，全市挥发性有机物排放总量比2020年下降12%以上。",
     [("全市挥发性有机物排放总量", "decrease", 12, "%", 2025)]),
    ("到2025年，化学需氧量、氨氮排放量分别下降8%、9%和10%。",
     [("化学需氧量、氨氮排放量", "decrease", v, "%", 2025) for v in (8, 9, 10)]),
    ("到2025年，细颗粒物浓度控制在30微克每立方米以下。",
     [("细颗粒物浓度", "<=", 30, "微克每立方米", 2025)]),
    ("到2025年，新建绿色建筑面积比2023年增长500万平方米以上。",
     [("绿色建筑面积", "increase", 500, "万平方米", 2025)]),
    ("到2025年，整治120家涉气“散乱污”企业。", [("涉气“散乱污”企业", "=", 120, "家", 2025)]),
    ("到2027年，培育30个左右示范园区取得明显成效。", [("示范园区", "=", 30, "个", 2027)]),
    ("累计完成造林绿化投资80亿元。", [("造林绿化投资", "=", 80, "亿元", None)]),
])
def test_national_target_forms(text, expected):
    assert run(text) == expected


def test_places_listed_before_respectively_share_the_measure():
    assert run("长江中游城市群、成渝地区PM2.5浓度分别下降12%、8%。") == [
        ("长江中游城市群PM2.5浓度", "decrease", 12, "%", None), ("成渝地区PM2.5浓度", "decrease", 8, "%", None)]


def test_in_use_vehicles_keep_their_subject():
    assert run("到2025年，在用机动车排放检验合格率达到92%以上。") == [
        ("在用机动车排放检验合格率", ">=", 92, "%", 2025)]


def test_rebuild_and_funding_quota_are_goals():
    """"新改建…120公里" is work to do; "安排不低于500万元的…资金" is a quota even with a noun after it."""
    assert run("新改建农村公路120公里。") == [("农村公路", "=", 120, "公里", None)]
    assert [r[1:4] for r in run("县财政每年安排不低于500万元的管护资金。")] == [(">=", 500, "万元")]
    assert run("建设500千伏变电站。") == []


def test_subject_keeps_built_up_area_and_drops_trailing_increase():
    assert [r[0] for r in run("到2025年，建成区绿化覆盖率不低于42%。")] == ["建成区绿化覆盖率"]
    assert run("到2025年，危险废物处置能力新增20万吨/年。") == [("危险废物处置能力", "increase", 20, "万吨/年", 2025)]
