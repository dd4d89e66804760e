"""Date expressions and deadline records: ISO values, year inference, what is not a deadline."""
from __future__ import annotations

import tomllib

import pytest

from conftest import CORPORA, ROOT, extracted, gold, gold_docs
from extractor.language.dates import YearContext, find_dates
from extractor.language.normalise import nfkc


def dates(text: str, **ctx) -> list[tuple]:
    c = YearContext(**ctx)
    return [(d.date, d.kind, d.start_date, d.role) for d in find_dates(nfkc(text), c)]


def limits(text: str, **ctx) -> list[tuple]:
    return [d[:3] for d in dates(text, **ctx) if d[3] == "limit"]


def test_year_range_includes_its_end():
    assert limits("2014年至2016年，完成整治", plan_start=2014) == [("2016", "range", "2014")]


def test_two_digit_year_inside_four_digit_year_is_not_read():
    assert [d[0] for d in dates("到2021年，完成")] == ["2021"]
    assert limits("21年5月底前完成", issue_year=2021) == [("2021-05-31", "by", None)]


def test_full_width_digits_and_spaces():
    assert limits(nfkc("２０２１ 年 5 月底前通过").replace(" ", "")) == [("2021-05-31", "by", None)]


def test_omitted_year_comes_from_context():
    c = YearContext(issue_year=2021)
    found = find_dates("于5月8日前完成《规划》；6月中旬，迎接核查", c)
    assert [(d.date, d.kind) for d in found] == [("2021-05-08", "by"), ("2021-06", "at")]
    c = YearContext(issue_year=2020)
    find_dates("第二阶段（2021年4月22日—2021年5月18日）", c)
    assert find_dates("5月底前，提报材料", c)[0].date == "2021-05-31"


@pytest.mark.parametrize("text,role", [
    ("到2022年的383家", "reference"),
    ("较2020年下降4%", "reference"),
    ("每年2月底前报送", "recurring"),
    ("贯彻落实《三年行动方案（2021-2023年）》", "title"),
    ("截至2020年底，共审批875个", "history"),
    ("2020年完成了整治", "history"),
    ("规划期限为2021～2030年", "metadata"),
])
def test_not_deadlines(text, role):
    assert dates(text, plan_start=2021, base_year=2020)[0][3] == role


def test_plan_period_names():
    assert limits("“十四五”期间新增高效节水灌溉面积0.45万亩") == [("2025", "range", "2021")]
    assert limits("“十四五”时期是关键五年") == []


def test_end_of_month_and_year():
    assert limits("2022年底前，完成修编") == [("2022-12-31", "by", None)]
    assert limits("到2025年，全区绿化覆盖率达到48%以上") == [("2025", "by", None)]
    assert limits("2021年5月底—2021年6月底") == [("2021-06-30", "range", "2021-05-31")]
    assert limits("2024年12月31日前完成整改") == [("2024-12-31", "by", None)]


def test_raw_is_the_source_text_at_the_span(corpus_docs):
    from extractor.readers import read

    for doc in corpus_docs:
        src = read(CORPORA / f"{doc}.txt").text
        for kind in ("deadlines", "targets"):
            for rec in extracted(doc)[kind]:
                assert rec["raw"] == src[rec["span"]["start"]:rec["span"]["end"]], (doc, rec)


def in_gold_scope(doc: str, line: int) -> bool:
    """Whether a line lies in the part of the document the gold annotates (bench/gold_scopes.toml)."""
    ranges = tomllib.loads((ROOT / "bench" / "gold_scopes.toml").read_text()).get(doc)
    return ranges is None or any(a <= line <= b for a, b in ranges)


@pytest.mark.parametrize("doc", gold_docs("deadlines"))
def test_deadlines_match_gold(doc):
    """Every gold deadline is found with its date, kind and start; no extra records in scope."""
    pred = [d for d in extracted(doc)["deadlines"] if in_gold_scope(doc, d["span"]["line"])]
    keys = {(d["raw"].replace(" ", ""), d["date"], d["kind"], d["start"], d["span"]["line"]) for d in pred}
    golds = gold(doc, "deadlines")
    found = sum(1 for g in golds
                if (g["raw"].replace(" ", ""), g["date"], g["kind"], g["start"], g["line"]) in keys)
    assert found >= 0.95 * len([g for g in golds if not g.get("optional")])
    assert len(pred) <= 1.05 * len(golds)


def test_year_end_written_with_a_repeated_year_word():
    assert limits("2023年年底前，建成监测网络", plan_start=2021) == [("2023-12-31", "by", None)]


def test_year_end_without_a_year_takes_the_year_from_context():
    assert limits("年底前完成排查整治", issue_year=2024) == [("2024-12-31", "by", None)]
    assert limits("力争今年底前建成投用", issue_year=2024) == [("2024-12-31", "by", None)]
    assert limits("每年底前报送工作进展", issue_year=2024) == []
    assert limits("去年底已基本建成", issue_year=2024) == []
    assert limits("年底前完成排查整治") == []  # no year anywhere: no record


def test_plan_period_opening_a_clause():
    assert limits("“十四五”期间，全市新增绿地面积100公顷", plan_start=2021) == [("2025", "range", "2021")]
    assert limits("“十四五”期间，我们面临新的形势", plan_start=2021) == []
    assert dates("“十三五”期间，完成河道整治", plan_start=2021)[0][3] == "history"


def test_month_without_year_is_not_dated_by_a_horizon_goal():
    """An action plan issued in March 2022 sets "到2025年" goals and then "4月底前" work:
    the month belongs to the issue year, not to the five-year horizon."""
    c = YearContext(issue_year=2022)
    find_dates("到2025年，全市优良天数比率达到85%。", c)
    assert find_dates("4月底前，各区制定名录", c)[0].date == "2022-04-30"
    find_dates("2023年6月底前，完成清单编制。", c)
    assert find_dates("9月底前，完成验收", c)[0].date == "2023-09-30"
    assert find_dates("到2024年，基本消除；5月底前完成排查", c)[1].date == "2024-05-31"


def test_plan_period_opening_a_stage_goal_is_a_limit():
    """"“十五五”期间，…体系初步建立" states a stage outcome; a situation sentence does not."""
    assert limits("“十五五”期间，清洁低碳安全高效的能源体系初步建立") == [("2030", "range", "2026")]
    assert limits("“十四五”期间，产业结构调整优化取得明显进展") == [("2025", "range", "2021")]
    assert limits("“十四五”期间，我区生态环境保护仍处于关键时期") == []


def test_plan_period_is_recorded_for_each_action(tmp_path):
    """Two "“十四五”期间" clauses limit two actions; only phase ranges are deduplicated."""
    from extractor import extract
    f = tmp_path / "plan.txt"
    f.write_text("某市碳达峰实施方案\n\n“十四五”期间，产业结构调整取得明显进展。\n\n"
                 "“十四五”期间煤炭消费总量控制在1800万吨以内。\n", encoding="utf-8")
    got = [(d.raw, d.action) for d in extract(f).deadlines]
    assert got == [("“十四五”期间", "产业结构调整取得明显进展"),
                   ("“十四五”期间", "煤炭消费总量控制在1800万吨以内")]


def test_phase_action_drops_its_list_label(tmp_path):
    """"（一）宣传发动阶段（2021年11月—12月）。" names the phase "宣传发动阶段"."""
    from extractor import extract
    f = tmp_path / "plan.txt"
    f.write_text("某县实施方案\n\n三、实施步骤\n\n（一）宣传发动阶段（2021年11月—12月）。制定工作方案。\n\n"
                 "2.集中整治阶段（2022年1月—2024年12月）。组织实施。\n", encoding="utf-8")
    got = [(d.action, d.start, d.date) for d in extract(f).deadlines]
    assert got == [("宣传发动阶段", "2021-11", "2021-12"), ("集中整治阶段", "2022-01", "2024-12")]


@pytest.mark.parametrize("text,expected", [
    ("2023年上半年完成清查", ("2023-06-30", "by", None)),
    ("2024年第一季度前完成验收", ("2024-03-31", "by", None)),
    ("2024年三季度末前完成", ("2024-09-30", "by", None)),
    ("2023年年内完成整改", ("2023-12-31", "by", None)),
])
def test_parts_of_a_year_close_it(text, expected):
    """Half-years, quarters and 年内 of municipal work plans end on the last day of the part."""
    assert limits(text, issue_year=2022) == [expected]


def test_place_name_after_a_year_is_not_year_part():
    assert limits("2022年内蒙古完成", issue_year=2022) == []
