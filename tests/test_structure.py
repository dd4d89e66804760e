"""Sections, tasks and document metadata against the gold records."""
from __future__ import annotations

import pytest

from conftest import extracted, gold, gold_docs
from extractor.structure import build
from extractor.readers.txt import parse_text
from extractor.model import Document
from extractor.records import Phase


def _norm(s):
    return "".join((s or "").split()).rstrip("。.")


@pytest.mark.parametrize("doc", gold_docs("sections"))
def test_sections_match_gold(doc):
    got = extracted(doc)["sections"]
    want = gold(doc, "sections")
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert (g["level"], g["number"], _norm(g["title"])) == (w["level"], w["number"], _norm(w["title"]))
        assert g["span"]["line"] == w["line"]


@pytest.mark.parametrize("doc", gold_docs("sections"))
def test_section_tree_is_consistent(doc):
    secs = extracted(doc)["sections"]
    by_id = {s["id"]: s for s in secs}
    for s in secs:
        if s["parent"]:
            assert by_id[s["parent"]]["level"] < s["level"]
            assert s["path"][:-1] == by_id[s["parent"]]["path"]
        assert s["path"][-1] == s["title"]


def _doc(text: str) -> Document:
    return Document("t", "t.txt", "txt", "0", text, parse_text(text))


def test_levels_follow_document_usage_when_a_level_is_skipped():
    text = "一、总体要求\n1.指导思想\n正文。\n（1）坚持生态优先\n二、主要任务\n1.加强治理\n"
    secs = build(_doc(text)).sections
    assert [(s.number, s.level) for s in secs] == [("一、", 1), ("1.", 2), ("（1）", 3), ("二、", 1), ("1.", 2)]


def test_list_items_and_long_paragraphs_are_not_headings():
    text = ("三、规划依据\n1. 法律法规\n（1）《中华人民共和国环境保护法》（2015年）；\n（2）《中华人民共和国水法》（2016年修订）；\n"
            "2.加快推进生态文明建设，全面提高资源利用效率，推动形成绿色发展方式和生活方式，建设美丽家园\n")
    secs = build(_doc(text)).sections
    assert [s.title for s in secs] == ["规划依据", "法律法规"]


def test_runin_heading_is_section_and_task():
    text = "四、保障措施\n（一）加强组织领导。领导小组全面负责创建工作。\n扎实推进“四减四增”。严控新增产能。\n"
    st = build(_doc(text))
    assert [(s.number, s.title, s.level) for s in st.sections] == [("四、", "保障措施", 1), ("（一）", "加强组织领导", 2)]
    assert [t.title for t in st.tasks] == ["加强组织领导", "扎实推进“四减四增”"]
    ctx = st.context(1)
    assert ctx.section_title == "保障措施" and ctx.task_title == "加强组织领导"


def test_note_paragraph_closes_the_task_before_it():
    text = "（一）大气治理\n实施重点行业深度治理。推进超低排放改造。\n（责任单位：市生态环境局）\n"
    st = build(_doc(text))
    ctx = st.context(2)
    assert ctx.task_title == "实施重点行业深度治理" and ctx.section_title == "大气治理"


DOC_FIELDS = ["title", "issuer", "doc_number", "issue_date", "version_label", "region", "base_year"]


@pytest.mark.parametrize("doc", gold_docs("document"))
def test_document_metadata_matches_gold(doc):
    got = extracted(doc)["document"]
    want = gold(doc, "document")[0]
    for f in DOC_FIELDS:
        alts = [want.get(f)] + list((want.get("alt") or {}).get(f, []))
        assert got[f] in alts, f
    assert (got["plan_period"] or None) == (want.get("plan_period") or None)


def test_metadata_chinese_numeral_date_and_phases():
    got = extracted("001_cc391c16966c3b2d")["document"]
    assert got["issue_date"] == "2024-05"
    phases = extracted("000_71534264ba41b2d2")["document"]["phases"]
    assert phases == [{"name": "近期", "start": "2021", "end": "2025"}, {"name": "远期", "start": "2026", "end": "2030"}]
    steps = extracted("004_061c6bf53607da0b")["document"]["phases"]
    assert [(p["name"], p["start"], p["end"]) for p in steps] == [
        ("动员部署阶段", "2021-03", "2021-04-21"), ("创建实施阶段", "2021-04-22", "2021-05-18"),
        ("申报迎查阶段", "2021-05-31", "2021-06-30")]


def test_table_of_contents_entries_are_not_headings():
    text = ("目 录\n第一章 总则 ........................ 1\n第二章 主要任务\t5\n一、指导思想……3\n"
            "第一章 总则\n一、指导思想\n")
    secs = build(_doc(text)).sections
    assert [(s.number, s.title) for s in secs] == [("第一章", "总则"), ("一、", "指导思想")]


def _info(text: str):
    from extractor.metadata import extract_document_info

    d = _doc(text)
    return extract_document_info(d, build(d))


def test_national_notice_without_book_marks_gives_issuer_and_national_region():
    text = ("国务院关于印发清洁河流三年行动计划的通知\n国发〔2024〕9号\n各省、自治区、直辖市人民政府：\n"
            "现将《清洁河流三年行动计划》印发给你们。\n国务院\n2024年3月5日\n清洁河流三年行动计划\n"
            "一、总体要求\n各直辖市、上海市、天津市要率先行动。\n")
    info = _info(text)
    assert (info.title, info.issuer, info.doc_number, info.issue_date, info.region) == (
        "清洁河流三年行动计划", "国务院", "国发〔2024〕9号", "2024-03-05", "全国")


def test_joint_ministry_signature_lines_are_one_issuer():
    text = ("关于印发《土壤安全利用工作方案》的通知\n环土壤〔2023〕7号\n各省生态环境厅：\n现印发给你们。\n"
            "生态环境部\n农业农村部\n2023年6月1日\n土壤安全利用工作方案\n一、工作目标\n")
    info = _info(text)
    assert info.issuer == "生态环境部 农业农村部" and info.region == "全国"


def test_region_from_issuer_when_title_opens_with_a_slogan_or_lacks_the_city():
    slogan = ("清河市人民政府关于印发美丽清河建设规划（2024—2035年）的通知\n清政发〔2024〕2号\n清河市人民政府\n"
              "2024年1月9日\n美丽清河建设规划（2024—2035年）\n一、规划背景\n")
    assert _info(slogan).region == "清河市"
    county = ("南湖市北岸区人民政府办公室关于转发《北岸区河道整治实施方案》的通知\n北政办发〔2022〕4号\n"
              "南湖市北岸区人民政府办公室\n2022年5月6日\n北岸区河道整治实施方案\n一、工作目标\n")
    assert _info(county).region == "南湖市北岸区"


def test_phases_stated_with_wei():
    text = "某县生态文明建设规划\n一、规划期限\n规划期限为2023—2030年，其中近期为2023—2025年，远期为2026—2030年。\n"
    assert _info(text).phases == [Phase("近期", "2023", "2025"), Phase("远期", "2026", "2030")]


def test_decimal_numbered_headings_nest_under_chapters():
    text = ("第一章 总则\n1.1 编制背景\n正文。\n1.1.1 区域概况\n正文。\n1.2规划期限\n"
            "3.5万亩高标准农田已建成\n第二章 目标\n2.1 总体目标\n")
    secs = build(_doc(text)).sections
    assert [(s.number, s.title, s.level) for s in secs] == [
        ("第一章", "总则", 1), ("1.1", "编制背景", 2), ("1.1.1", "区域概况", 3), ("1.2", "规划期限", 2),
        ("第二章", "目标", 1), ("2.1", "总体目标", 2)]


def test_dated_list_items_are_not_headings_and_long_runin_leads_are():
    text = ("二、主要目标\n1.到2026年，全县水质优良比例达到90%。其余断面稳定达标。\n"
            "（十二）健全跨区域大气污染联防联控和重污染天气应急联动机制。建立会商制度。\n")
    secs = build(_doc(text)).sections
    assert [(s.number, s.title) for s in secs] == [
        ("二、", "主要目标"), ("（十二）", "健全跨区域大气污染联防联控和重污染天气应急联动机制")]


def test_statement_of_facts_is_not_a_task():
    text = "一、规划范围\n规划范围为全县行政区域，总面积860平方公里。涉及12个乡镇。\n"
    assert build(_doc(text)).tasks == []


def test_doc_number_cited_in_the_preamble_is_not_the_documents_own():
    text = ("某市“十四五”生态环境保护规划\n根据《某市国民经济和社会发展第十四个五年规划纲要》（某政发〔2021〕4号），"
            "制定本规划。\n一、基本形势\n")
    assert _info(text).doc_number is None
    text = "关于印发《某区节水行动方案》的通知\n文号：某政办字〔2022〕8号\n某区节水行动方案\n一、目标\n"
    assert _info(text).doc_number == "某政办字〔2022〕8号"


def test_a_lead_followed_only_by_its_note_is_not_a_runin_title():
    """"句子。（责任单位：…）" is one sentence closed by a note, not a lead sentence plus a body."""
    from extractor.structure.tasks import lead_sentence
    assert lead_sentence("培育绿色农业，建设高标准农田。（责任单位：县农业农村局）") is None
    assert lead_sentence("培育绿色农业。建设高标准农田。（责任单位：县农业农村局）") == "培育绿色农业"
