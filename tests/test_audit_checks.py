"""Audit checks on synthetic records: each check fires on a problem and stays quiet without it."""
from __future__ import annotations

from extractor.audit import run
from extractor.model import Span
from extractor.records import (Baseline, Deadline, DocumentInfo, ExtractResult, Indicator, Money, ParsedValues, Period,
                               Phase, PlanPeriod, Project, Responsibility, Target, UnitRef, Value)

SPAN = Span(1, 0, 1)


def _result(**kinds) -> ExtractResult:
    info = kinds.pop("document", None) or DocumentInfo("d", "d.txt", "txt", "0")
    return ExtractResult(document=info, **kinds)


def _checks(result: ExtractResult, declared: dict | None = None, only=()) -> list[str]:
    if declared is not None:
        result.document.declared_counts = declared
    return [f.check for f in run(result, only=only)]


def _v(raw, op=None, value=None, qualitative=None) -> Value:
    return Value(raw, op, value, None, qualitative)


def _ind(i, name, seq=None, attribute="约束性", status=None, standard=None, baseline=None,
         targets=None, unit="%", table="表1", qualifier=None) -> Indicator:
    parsed = ParsedValues(standard, baseline, targets or {})
    return Indicator(f"ind-{i}", table, name, seq=seq or str(i), attribute=attribute, status=status,
                     unit=unit, qualifier=qualifier,
                     baseline=Baseline(2020, baseline.raw if baseline else None),
                     targets={y: v.raw for y, v in (targets or {}).items()}, parsed=parsed, span=SPAN)


def _inds(n: int, attrs=("约束性",)) -> list[Indicator]:
    return [_ind(i, f"指标{i}", attribute=attrs[i % len(attrs)]) for i in range(1, n + 1)]


# ------------------------------------------------------------------ announced counts
def test_indicator_count_mismatch_and_match():
    assert "count.indicators" in _checks(_result(indicators=_inds(29)), {"indicators": 30})
    assert "count.indicators" not in _checks(_result(indicators=_inds(29)), {"indicators": 29})


def test_indicator_count_by_seq_or_by_row():
    rows = _inds(3) + [_ind(4, "子指标", seq="3")]  # seq 3 has two rows: 3 by 序号, 4 rows
    assert "count.indicators" not in _checks(_result(indicators=rows), {"indicators": 3})
    assert "count.indicators" not in _checks(_result(indicators=rows), {"indicators": 4})
    assert "count.indicators" in _checks(_result(indicators=rows), {"indicators": 5})


def test_no_table_no_count_finding():
    assert _checks(_result(), {"indicators": 30}) == []


def test_attribute_and_status_counts():
    rows = _inds(4, attrs=("约束性", "参考性"))
    ok = {"indicators.约束性": 2, "indicators.参考性": 2}
    assert "count.indicators_by_kind" not in _checks(_result(indicators=rows), ok)
    bad = {"indicators.约束性": 3, "indicators.参考性": 1}
    assert _checks(_result(indicators=rows), bad).count("count.indicators_by_kind") == 2
    rows[0].status = "可达指标"
    for r in rows[1:]:
        r.status = "已达指标"
    assert "count.indicators_by_kind" not in _checks(_result(indicators=rows),
                                                     {"indicators.已达": 3, "indicators.可达": 1})
    assert "count.indicators_by_kind" in _checks(_result(indicators=rows), {"indicators.已达": 4})


def _proj(i, name="工程", start=None, end=None, invest=None, units=()) -> Project:
    period = Period(f"{start}至{end}", start, end) if start or end else None
    investment = Money(str(invest), invest, "万元") if invest is not None else None
    return Project(f"proj-{i}", "表2", f"{name}{i}", seq=str(i), period=period, investment=investment,
                   responsible_units=list(units), span=SPAN)


def test_project_count_and_investment():
    projs = [_proj(1, invest=4200), _proj(2, invest=136800.5), _proj(3)]
    assert "count.projects" in _checks(_result(projects=projs), {"projects": 18})
    assert "count.projects" not in _checks(_result(projects=projs), {"projects": 3})
    assert "count.investment" not in _checks(_result(projects=projs), {"investment": 141000.5})
    assert "count.investment" in _checks(_result(projects=projs), {"investment": 150000})


def test_conflicting_announcements(tmp_path):
    from extractor.readers import read

    p = tmp_path / "plan.txt"
    p.write_text("一、总体要求\n本规划共设置29项考核指标。\n二、指标\n紧扣30项建设指标推进。\n", encoding="utf-8")
    result = _result()
    checks = [f.check for f in run(result, read(p))]
    assert checks == ["count.conflict"]
    p.write_text("本规划共设置29项考核指标。29项指标中，已达标指标27项。\n", encoding="utf-8")
    assert run(result, read(p)) == []


# ------------------------------------------------------------------ indicator values
def test_status_contradicts_values():
    met_wrongly = _ind(1, "生态环境状况指数", status="已达指标", standard=_v("≥60", ">=", 60),
                       baseline=_v("57.86", value=57.86))
    assert "status.met_but_not" in _checks(_result(indicators=[met_wrongly]))
    met_wrongly.status = "可达指标"
    assert _checks(_result(indicators=[met_wrongly])) == []
    already = _ind(2, "城镇污水处理率", status="可达指标", standard=_v("≥85", ">=", 85),
                   baseline=_v("100", value=100))
    assert "status.unmet_but_met" in _checks(_result(indicators=[already]))
    already.status = "已达指标"
    assert _checks(_result(indicators=[already])) == []


def test_qualitative_values_are_not_compared():
    ind = _ind(1, "河长制", status="已达指标", standard=_v("全面实施", qualitative="全面实施"),
               baseline=_v("全面实施", qualitative="全面实施"), targets={"2025": _v("全面实施", qualitative="全面实施")})
    assert _checks(_result(indicators=[ind])) == []


def test_target_below_baseline():
    ind = _ind(1, "考核比例", standard=_v("≥20", ">=", 20), baseline=_v("26.8", value=26.8),
               targets={"2025": _v("≥25", ">=", 25)})
    assert _checks(_result(indicators=[ind])) == ["target.below_baseline"]
    ind.parsed.targets = {"2025": _v("≥27", ">=", 27)}
    assert _checks(_result(indicators=[ind])) == []


def test_target_restating_a_standard_below_baseline_is_info():
    ind = _ind(1, "考核比例", standard=_v("≥20", ">=", 20), baseline=_v("24.1", value=24.1),
               targets={"2025": _v("≥20", ">=", 20)})
    findings = run(_result(indicators=[ind]))
    assert [(f.check, f.severity) for f in findings] == [("target.standard_below_baseline", "info")]
    ind.parsed.baseline = _v("18", value=18)
    assert _checks(_result(indicators=[ind])) == []


def test_target_lower_is_better():
    ind = _ind(1, "PM2.5浓度", unit="μg/m3", standard=_v("≤35", "<=", 35), baseline=_v("40", value=40),
               targets={"2025": _v("≤42", "<=", 42)})
    assert "target.below_baseline" in _checks(_result(indicators=[ind]))
    ind.parsed.targets = {"2025": _v("≤35", "<=", 35)}
    assert _checks(_result(indicators=[ind])) == []


def test_targets_without_a_comparator_follow_the_indicators_polarity():
    """PM2.5 (lower is better, from the catalogue/lexicon): 42 after a current 40 is weaker; a
    later 45 after 42 too.  A higher-is-better rate with the same numbers is not."""
    pm = _ind(1, "城市细颗粒物（PM2.5）浓度", unit="μg/m3", baseline=_v("40", value=40),
              targets={"2025": _v("42", value=42), "2030": _v("45", value=45)})
    assert _checks(_result(indicators=[pm])) == ["target.below_baseline"] * 2 + ["target.later_weaker"]
    rate = _ind(2, "城镇污水处理率", baseline=_v("40", value=40),
                targets={"2025": _v("42", value=42), "2030": _v("45", value=45)})
    assert _checks(_result(indicators=[rate])) == []


def test_target_below_standard():
    ind = _ind(1, "生态环境状况指数", standard=_v("≥60", ">=", 60), baseline=_v("57.86", value=57.86),
               targets={"2025": _v("≥57.86", ">=", 57.86)})
    assert _checks(_result(indicators=[ind])) == ["target.below_standard"]
    ind.parsed.targets = {"2025": _v("≥60", ">=", 60)}
    assert _checks(_result(indicators=[ind])) == []


def test_a_change_is_not_compared_with_a_level():
    """△EQI＞-1 (a change of the index) restated as the target "＞-1" is not weaker than the
    current level 0.63 (the false positive the issue reports)."""
    ind = _ind(1, "生态质量指数（EQI）", unit="-", standard=_v("△EQI＞-1", ">", -1), baseline=_v("0.63*", value=0.63),
               targets={"2025": _v("＞-1", ">", -1), "2030": _v("＞-1", ">", -1)})
    assert _checks(_result(indicators=[ind])) == []
    ind.parsed.standard = _v("＞-1", ">", -1)  # the same numbers written as a level: compared
    assert _checks(_result(indicators=[ind])) == ["target.standard_below_baseline"]
    down = _ind(2, "单位GDP能耗", unit="%", standard=_v("≥60", ">=", 60), baseline=_v("75", value=75),
                targets={"2025": _v("比2020年下降13.5%", ">=", 13.5)})
    assert _checks(_result(indicators=[down])) == []


def _tgt(i, raw, subject, op, value, unit, year):
    return Target(f"tgt-{i}", raw, subject, op, value, unit, year, span=SPAN)


def test_prose_target_contradicting_the_indicator_table():
    ind = _ind(1, "1.城镇污水处理率（%）*", standard=_v("≥80", ">=", 80), baseline=_v("80.2", value=80.2),
               targets={"2025": _v("≥83", ">=", 83), "2030": _v("≥90", ">=", 90)})
    wrong = _tgt(1, "到2025年，全市城镇污水处理率达到82%以上", "全市城镇污水处理率", ">=", 82, "%", 2025)
    result = _result(indicators=[ind], targets=[wrong])
    (f,) = run(result)
    assert f.check == "target.prose_vs_table" and f.severity == "warning"
    assert "达到82%以上" in f.message and "≥83" in f.message and "2025" in f.message
    assert [r.id for r in f.refs] == ["tgt-1", "ind-1"]
    agree = [_tgt(2, "到2025年，城镇污水处理率达到83%以上", "城镇污水处理率", ">=", 83, "%", 2025),
             _tgt(3, "2030年城镇污水处理率≥90%", "城镇污水处理率", ">=", 90, "％", 2030),
             _tgt(4, "2020年城镇污水处理率达到70%", "城镇污水处理率", ">=", 70, "%", 2020),  # no 2020 target
             _tgt(5, "到2025年新增污水处理能力8万吨", "新增污水处理能力", ">=", 8, "万吨", 2025),  # not this one
             _tgt(6, "到2025年，城镇污水处理率提高2个百分点", "城镇污水处理率", ">=", 2, "个百分点", 2025)]
    assert _checks(_result(indicators=[ind], targets=agree)) == []
    stated = _tgt(7, "2025年城镇污水处理率为82%", "城镇污水处理率", "=", 82, "%", 2025)
    stated.kind = "status"  # the current state (e.g. in a review of the plan's progress), not a goal
    assert _checks(_result(indicators=[ind], targets=[stated])) == []
    stated.kind = "goal"
    assert _checks(_result(indicators=[ind], targets=[stated])) == ["target.prose_vs_table"]


def test_later_target_weaker():
    ind = _ind(1, "满意度", baseline=_v("87", value=87),
               targets={"2025": _v("≥90", ">=", 90), "2030": _v("≥88", ">=", 88)})
    assert _checks(_result(indicators=[ind])) == ["target.later_weaker"]
    ind.parsed.targets["2030"] = _v("≥95", ">=", 95)
    assert _checks(_result(indicators=[ind])) == []


def test_duplicate_and_unit_conflict():
    a, b = _ind(1, "城镇污水处理率"), _ind(2, "城镇污水处理率 ")
    assert _checks(_result(indicators=[a, b])) == ["indicator.duplicate"]
    b.table = "表2"
    assert _checks(_result(indicators=[a, b])) == []
    b.unit = "吨"
    assert _checks(_result(indicators=[a, b])) == ["indicator.unit_conflict"]
    c = _ind(3, "城镇污水处理率", qualifier="其他地区")
    assert _checks(_result(indicators=[a, c])) == []


# ------------------------------------------------------------------ dates
def test_impossible_project_date():
    assert _checks(_result(projects=[_proj(1, start="2021-10", end="2022-16")])) == ["date.invalid"]
    assert _checks(_result(projects=[_proj(1, start="2021-10", end="2022-12")])) == []
    d = Deadline("ddl-1", "2月30日前", "2021-02-30", "by", span=SPAN)
    assert _checks(_result(deadlines=[d])) == ["date.invalid"]


def test_project_ends_before_it_starts():
    assert _checks(_result(projects=[_proj(1, start="2023-05", end="2022-12")])) == ["date.project_reversed"]
    assert _checks(_result(projects=[_proj(1, start="2022", end="2022-03")])) == []


def test_project_outside_plan_period():
    info = DocumentInfo("d", "d.txt", "txt", "0", plan_period=PlanPeriod(2021, 2030))
    before = _result(document=info, projects=[_proj(1, start="2018", end="2020")])
    assert _checks(before) == ["date.project_outside_plan"]
    overhang = _result(document=info, projects=[_proj(1, start="2019-12", end="2022-1")])
    assert _checks(overhang) == []  # switched off in patterns/checks.toml
    assert _checks(overhang, only=["date.project_overhang"]) == ["date.project_overhang"]
    inside = _result(document=info, projects=[_proj(1, start="2021", end="2023-12")])
    assert _checks(inside, only=["date"]) == []


def test_deadline_before_issue_date():
    info = DocumentInfo("d", "d.txt", "txt", "0", issue_date="2023-04-18")
    late = Deadline("ddl-1", "2022年底前", "2022-12-31", "by", span=SPAN)
    same_year = Deadline("ddl-2", "2023年底前", "2023-12-31", "by", span=SPAN)
    coarse = Deadline("ddl-3", "2023年", "2023", "by", span=SPAN)
    in_force = Deadline("ddl-4", "自2021年12月26日", "2021-12-26", "at", span=SPAN)
    deadlines = [late, same_year, coarse, in_force]
    assert _checks(_result(document=info, deadlines=deadlines)) == ["date.deadline_before_issue"]


def test_phases_overlap_gap_and_plan_cover():
    def info(phases, period=None):
        return DocumentInfo("d", "d.txt", "txt", "0", phases=phases, plan_period=period)

    good = [Phase("近期", "2021", "2025"), Phase("远期", "2026", "2030")]
    assert _checks(_result(document=info(good, PlanPeriod(2021, 2030)))) == []
    overlap = [Phase("近期", "2021", "2025"), Phase("远期", "2025", "2030")]
    assert _checks(_result(document=info(overlap))) == ["date.phases"]
    gap = [Phase("一", "2021-03", "2021-05-18"), Phase("二", "2021-05-31", "2021-06-30")]
    assert _checks(_result(document=info(gap))) == ["date.phases"]
    ok_days = [Phase("一", "2021-03", "2021-04-21"), Phase("二", "2021-04-22", "2021-05-18")]
    assert _checks(_result(document=info(ok_days))) == []
    short = [Phase("近期", "2021", "2025")]
    assert _checks(_result(document=info(short, PlanPeriod(2021, 2030)))) == ["date.phases_vs_plan"]


# ------------------------------------------------------------------ units
def _resp(i, *names, known=True, canonical=None) -> Responsibility:
    refs = [UnitRef(n, canonical or n, None, known) for n in names]
    return Responsibility(f"resp-{i}", list(names), "责任", "", normalized_units=refs, span=SPAN)


def test_unit_written_two_ways_by_near_spelling():
    resps = [_resp(1, "市住房城乡建设局"), _resp(2, "市住房建设局", known=False)]
    assert _checks(_result(responsibilities=resps)) == ["unit.variant", "unit.unknown"]
    resps = [_resp(1, "市住房城乡建设局"), _resp(2, "市城乡水务局"), _resp(3, "市生态环境局")]
    assert _checks(_result(responsibilities=resps)) == []


def test_unit_written_two_ways_by_lexicon():
    resps = [_resp(1, "市卫健委", canonical="市卫生健康委员会"),
             _resp(2, "市卫生健康委", canonical="市卫生健康委员会")]
    assert _checks(_result(responsibilities=resps)) == ["unit.variant"]


def test_two_known_units_are_not_merged_by_spelling():
    resps = [_resp(1, "市农业农村局"), _resp(2, "市农业局")]
    assert _checks(_result(responsibilities=resps)) == []


def test_project_units_compared_with_whitespace_removed():
    projs = [_proj(1, units=["历下区\n水务局"]), _proj(2, units=["历下区水务局"])]
    assert _checks(_result(projects=projs)) == []


def test_unknown_unit_but_not_collective_reference():
    assert _checks(_result(responsibilities=[_resp(1, "规划技术编制组", known=False)])) == ["unit.unknown"]
    assert _checks(_result(responsibilities=[_resp(1, "各街道", "有关部门", known=False)])) == []


def test_checks_can_be_skipped():
    projs = [_proj(1, start="2021-10", end="2022-16")]
    assert [f.check for f in run(_result(projects=projs), skip=["date"])] == []
