"""Responsibilities: gold documents, note forms, standing rules, provenance."""
from __future__ import annotations

import re

import pytest

from conftest import CORPORA, extracted, gold, gold_docs
from extractor import structure
from extractor.readers import read
from extractor.text import responsibilities


def _norm(s: str) -> str:
    return re.sub(r"\s+", "", s or "").rstrip("。；")


@pytest.mark.parametrize("doc", gold_docs("units"))
def test_gold_records_found_with_their_fields(doc):
    pred = extracted(doc)["responsibilities"]
    by_raw: dict[str, list[dict]] = {}
    for p in pred:
        by_raw.setdefault(_norm(p["raw"]), []).append(p)
    matched = 0
    for g in gold(doc, "units"):
        cands = by_raw.get(_norm(g["raw"]), [])
        if not cands:
            assert g.get("optional"), f"missing line {g['line']}: {g['raw'][:40]}"
            continue
        p = cands.pop(0)
        matched += 1
        assert p["units"] == g["units"], g["line"]
        assert p["role"] in [g["role"], *g.get("alt", {}).get("role", [])], g["line"]
        assert p["task"] == g["task"], g["line"]
        assert p["section"] == g["section"], g["line"]
        assert p["implied_units"] == g.get("implied_units", []), g["line"]
        if g.get("standing_rule"):
            assert p["standing_rule"] == g["standing_rule"]
    assert matched == len(pred), "records without a gold statement"


@pytest.mark.parametrize("doc", sorted(p.stem for p in CORPORA.glob("*.txt")))
def test_raw_is_the_source_at_span(doc):
    text = read(CORPORA / f"{doc}.txt").text
    for r in extracted(doc)["responsibilities"]:
        assert r["raw"] == text[r["span"]["start"]:r["span"]["end"]]
        assert r["normalized_units"] and len(r["normalized_units"]) == len(r["units"])


FIXTURE = """一、重点任务
（一）强化协同治理
推进工业污染治理。加强重点行业深度治理。（牵头单位：市生态环境局；配合单位：市发改委、市财政局）
加强移动源管控。推进柴油货车治理（市公安局牵头，市交通运输局、市生态环境局参与）。
加强河湖管理。落实河长制（市水务局负责）。
开展技术帮扶。组织专家服务（省生态环境厅指导）。
实施区域治理。推进联防联控。（责任单位：黄埔区、天河区人民政府，市工业和信息化局，以下均需各区政府落实，不再列出）
推进城乡供水。完善供水管网。（责任单位：历下区
水务局、市城管局）
提升绿化水平。建设城市公园。（市园林绿化局、市自然资源和规划局）
加强宣传引导。由市委宣传部（市文明办）组织实施宣传活动（以下简称“宣传行动”）。
"""


@pytest.fixture(scope="module")
def fixture_records(tmp_path_factory):
    path = tmp_path_factory.mktemp("resp") / "notes.txt"
    path.write_text(FIXTURE, encoding="utf-8")
    doc = read(path)
    recs = responsibilities.extract(doc, structure.build(doc))
    for r in recs:
        assert r.raw == doc.text[r.span.start:r.span.end]
    return recs


def test_note_forms(fixture_records):
    got = [(r.units, r.role, r.lead_units, r.support_units) for r in fixture_records]
    assert got[0] == (["市生态环境局", "市发改委", "市财政局"], "牵头", ["市生态环境局"], ["市发改委", "市财政局"])
    assert got[1] == (["市公安局", "市交通运输局", "市生态环境局"], "牵头", ["市公安局"],
                      ["市交通运输局", "市生态环境局"])
    assert got[2] == (["市水务局"], "负责", [], [])
    assert got[3] == (["省生态环境厅"], "指导", [], [])
    assert fixture_records[0].task == "推进工业污染治理"
    assert fixture_records[0].section == "强化协同治理"


def test_mixed_levels_and_standing_rule(fixture_records):
    r = fixture_records[4]
    assert r.units == ["黄埔区", "天河区人民政府", "市工业和信息化局"]
    assert [u.canonical for u in r.normalized_units] == ["黄埔区人民政府", "天河区人民政府", "市工业和信息化局"]
    assert r.standing_rule == "以下均需各区政府落实，不再列出"
    assert r.implied_units == ["各区政府"]
    assert all(x.implied_units == ["各区政府"] for x in fixture_records[4:])
    assert all(x.implied_units == [] for x in fixture_records[:4])


def test_broken_name_joined_and_unlabelled_list(fixture_records):
    assert fixture_records[5].units == ["历下区水务局", "市城管局"]
    assert fixture_records[5].normalized_units[1].canonical == "市城市管理局"
    assert "\n" in fixture_records[5].raw
    r = fixture_records[6]
    assert (r.units, r.role, r.task) == (["市园林绿化局", "市自然资源和规划局"], None, "提升绿化水平")
    assert r.normalized_units[0].canonical == "市园林和林业绿化局"


def test_brackets_inside_a_sentence_are_not_notes(fixture_records):
    assert len(fixture_records) == 7


def test_role_verbs_inside_a_labelled_note(tmp_path):
    path = tmp_path / "verbs.txt"
    path.write_text("一、任务\n推进工业治理。加强治理。（责任单位：市生态环境局牵头，市发展改革委、市财政局配合）\n",
                    encoding="utf-8")
    doc = read(path)
    (r,) = responsibilities.extract(doc, structure.build(doc))
    assert (r.units, r.role, r.lead_units, r.support_units) == (
        ["市生态环境局", "市发展改革委", "市财政局"], "责任", ["市生态环境局"], ["市发展改革委", "市财政局"])


def test_prose_statements_only_without_notes(tmp_path):
    text = ("一、保障措施\n（一）加强组织领导。领导小组办公室要加强统筹协调。各街道、各责任部门要明确分管责任人。"
            "全区要形成合力。严格落实山东省人民政府关于建立机制的意见。\n")
    path = tmp_path / "prose.txt"
    path.write_text(text, encoding="utf-8")
    doc = read(path)
    recs = responsibilities.extract(doc, structure.build(doc))
    assert [(r.units, r.role, r.task, r.section) for r in recs] == [
        (["领导小组办公室"], "责任", "加强组织领导", "保障措施"),
        (["各街道", "各责任部门"], "责任", "加强组织领导", "保障措施"),
    ]
    path.write_text(text + FIXTURE.replace("一、重点任务", "二、重点任务"), encoding="utf-8")
    doc = read(path)
    assert all(r.role != "责任" or r.units[0] != "领导小组办公室"
               for r in responsibilities.extract(doc, structure.build(doc)))


def test_prose_statements_between_sentences_without_a_duty_word(tmp_path):
    """Sentences without a duty word are passed over before they are parsed (a quick test on the
    sentence): the statements around them are found, and a duty word only in a sentence's time
    lead ("于2025年底前，") makes no statement."""
    path = tmp_path / "prose.txt"
    path.write_text("一、保障措施\n（一）加强组织领导。全区形成合力！领导小组办公室要加强统筹协调。"
                    "于2025年底前，领导小组办公室完成评估。各街道、各责任部门要明确分管责任人。全区凝聚合力\n",
                    encoding="utf-8")
    doc = read(path)
    recs = responsibilities.extract(doc, structure.build(doc))
    assert [(r.units, r.raw) for r in recs] == [
        (["领导小组办公室"], "领导小组办公室要加强统筹协调。"),
        (["各街道", "各责任部门"], "各街道、各责任部门要明确分管责任人。"),
    ]


def _records(tmp_path, text: str):
    path = tmp_path / "notes.txt"
    path.write_text(text, encoding="utf-8")
    doc = read(path)
    recs = responsibilities.extract(doc, structure.build(doc))
    for r in recs:
        assert r.raw == doc.text[r.span.start:r.span.end]
    return recs


def test_national_notes_with_ministries(tmp_path):
    recs = _records(tmp_path, (
        "一、重点任务\n（一）优化结构\n1.压减落后产能。推动行业整合重组。（工业和信息化部牵头，国家发展改革委、应急部等按职责分工负责）\n"
        "2.发展清洁能源。有序建设风电光伏。（国家能源局、中国气象局等按职责分工负责）\n"
        "3.抓好落实。（各地区、各有关部门按职责分工负责）\n"))
    assert [(r.units, r.role, r.lead_units, r.support_units) for r in recs] == [
        (["工业和信息化部", "国家发展改革委", "应急部"], "牵头", ["工业和信息化部"], ["国家发展改革委", "应急部"]),
        (["国家能源局", "中国气象局"], "负责", [], []),
        (["各地区", "各有关部门"], "负责", [], []),
    ]
    assert {u.level for r in recs[:2] for u in r.normalized_units} == {"国家"}
    assert recs[0].normalized_units[2].canonical == "应急管理部"
    assert recs[2].normalized_units[0].level == "other"  # "各地区" names no level


def test_nested_brackets_tortoise_brackets_and_second_verbs(tmp_path):
    recs = _records(tmp_path, (
        "一、重点任务\n（一）治理燃煤锅炉\n1.淘汰小锅炉。全面排查在用锅炉。〔市生态环境局牵头，市财政局、市场监管局参与，"
        "各县（市、区）政府负责落实。以下各项工作均需各县（市、区）政府落实，不再列出。〕\n"
        "2.整治散乱污企业（场所）。开展联合执法。（市生态环境局、工业和信息化局牵头督导，市公安局配合）\n"))
    first, second = recs
    assert first.units == ["市生态环境局", "市财政局", "市场监管局", "各县（市、区）政府"]
    assert first.lead_units == ["市生态环境局"] and first.implied_units == ["各县（市、区）政府"]
    assert first.normalized_units[3].level == "区县"
    assert (second.units, second.role, second.lead_units) == (
        ["市生态环境局", "工业和信息化局", "市公安局"], "牵头", ["市生态环境局", "工业和信息化局"])
    assert second.normalized_units[1].canonical == "市工业和信息化局"  # region word not repeated
    assert second.implied_units == ["各县（市、区）政府"]


def test_first_listed_unit_leads(tmp_path):
    recs = _records(tmp_path, (
        "一、调整能源结构（省发展改革委总牵头）\n"
        "1.控制煤炭消费。制订控制方案。（省经信委、省发改委（省能源局）。列第一位者为牵头部门，下同）\n"
        "2.发展天然气。扩大供气范围。（省能源局、省住房城乡建设厅）\n"))
    assert [(r.units, r.role, r.lead_units, r.support_units) for r in recs] == [
        (["省发展改革委"], "总牵头", [], []),
        (["省经信委", "省发改委（省能源局）"], "牵头", ["省经信委"], ["省发改委（省能源局）"]),
        (["省能源局", "省住房城乡建设厅"], "牵头", ["省能源局"], ["省住房城乡建设厅"]),
    ]
    assert recs[1].normalized_units[1].canonical == "省发展和改革委员会（省能源局）"


def test_common_words_in_brackets_are_not_units(tmp_path):
    recs = _records(tmp_path, "一、任务\n（一）整治\n清理违规经营场所（场所）。加强巡查。（市商务局负责）\n")
    assert [r.units for r in recs] == [["市商务局"]]


def test_heading_is_the_task_of_a_paragraph_without_a_lead(tmp_path):
    """Under a heading with no sub-headings, a one-sentence paragraph closed by a note has no
    run-in title: the heading names the task and its parent is the section; the role drops
    its manner phrase (按职责分工负责 → 负责)."""
    recs = _records(tmp_path, (
        "二、重点任务\n（一）扩大再生水利用\n推动园区配套循环利用设施，拓宽利用途径。（水利部、住房和城乡建设部按职责分工负责）\n"
        "（二）加强监管\n健全水质监测。定期公开监测结果。（生态环境部负责）\n"))
    assert [(r.units, r.role, r.task, r.section) for r in recs] == [
        (["水利部", "住房和城乡建设部"], "负责", "扩大再生水利用", "重点任务"),
        (["生态环境部"], "负责", "健全水质监测", "加强监管"),
    ]


def test_bare_lead_line_and_support_line_are_one_statement(tmp_path):
    """A "牵头单位：" line directly followed by a "配合单位：" line is one statement."""
    recs = _records(tmp_path, (
        "一、重点任务\n（一）治理移动源\n1.淘汰老旧车辆。加快淘汰高排放营运货车。\n牵头单位：市公安局\n"
        "配合单位：市交通运输局、市商务局\n2.管控扬尘。落实工地围挡。\n责任单位：市住房和城乡建设局\n"))
    assert [(r.units, r.role, r.lead_units, r.support_units, r.task) for r in recs] == [
        (["市公安局", "市交通运输局", "市商务局"], "牵头", ["市公安局"], ["市交通运输局", "市商务局"], "淘汰老旧车辆"),
        (["市住房和城乡建设局"], "责任", [], [], "管控扬尘"),
    ]
    assert recs[0].raw == "牵头单位：市公安局\n配合单位：市交通运输局、市商务局"
