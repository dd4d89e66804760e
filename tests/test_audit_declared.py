"""Counts announced in the text ("共设置29项考核指标，其中约束性指标17项…")."""
from __future__ import annotations

from conftest import CORPORA

from extractor.text.declared import declared_counts, find_declarations
from extractor.readers import read


def _counts(tmp_path, text: str) -> dict:
    p = tmp_path / "plan.txt"
    p.write_text(text, encoding="utf-8")
    return declared_counts(read(p))


def test_total_attribute_and_status_counts(tmp_path):
    text = ("结合实际，共设置29项考核指标，其中约束性指标17项、参考性指标12项。"
            "经测算，29项指标中，已达标指标27项，可达指标2项。\n")
    assert _counts(tmp_path, text) == {"indicators": 29, "indicators.约束性": 17, "indicators.参考性": 12,
                                       "indicators.已达": 27, "indicators.可达": 2}


def test_attribute_before_the_word_and_chinese_numerals(tmp_path):
    text = "《建设指标》共有5大领域、二十五项指标，其中19项为约束性指标、6项为参考性指标。\n"
    assert _counts(tmp_path, text) == {"indicators": 25, "indicators.约束性": 19, "indicators.参考性": 6}


def test_projects_and_investment(tmp_path):
    text = "本规划通过18项重点工程提升建设水平，实现环境质量持续改善，总投资概算121.0551亿元。\n"
    assert _counts(tmp_path, text) == {"projects": 18, "investment": 1210551}


def test_partial_counts_and_other_numbers_are_not_totals(tmp_path):
    text = ("其中5项指标未达标。全区建成3个公园，完成12项任务。项目总投资5亿元。\n"
            "建设3个重点项目的配套设施。\n")
    assert _counts(tmp_path, text) == {}


def test_declarations_keep_their_source_span(tmp_path):
    p = tmp_path / "plan.txt"
    p.write_text("一、总体目标\n紧扣 30 项建设指标，强化联动。\n", encoding="utf-8")
    doc = read(p)
    (d,) = find_declarations(doc)
    assert (d.key, d.value, d.span.line) == ("indicators", 30, 2)
    assert doc.text[d.span.start:d.span.end].replace(" ", "") == "30项建设指标"


def test_corpus_announcements():
    counts = {p.stem: declared_counts(read(p)) for p in sorted(CORPORA.glob("*.txt"))}
    assert counts["000_71534264ba41b2d2"] == {
        "indicators": 29, "indicators.约束性": 17, "indicators.参考性": 12, "indicators.已达": 27,
        "indicators.可达": 2, "projects": 18, "investment": 1210551}
    assert counts["004_061c6bf53607da0b"] == {"indicators": 30}
    assert counts["001_cc391c16966c3b2d"]["projects"] == 29
