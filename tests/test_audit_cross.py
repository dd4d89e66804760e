"""Cross-document checks on synthetic records: a 实施方案 against its 规划, one region's plans."""
from __future__ import annotations

from extractor.audit import run_cross
from extractor.model import Span
from extractor.records import Baseline, Deadline, DocumentInfo, ExtractResult, Indicator, ParsedValues, Value

SPAN = Span(1, 0, 1)
PLAN_TITLE = "济南市历下区国家生态文明建设示范区规划（2021～2030年）"
SCHEME_TITLE = "济南市历下区国家生态文明建设示范区创建工作实施方案"


def _doc(doc_id, title, plan_type, counts=None, region="济南市历下区", issue_date=None, **kinds):
    info = DocumentInfo(doc_id, f"{doc_id}.txt", "txt", "0", title=title, plan_type=plan_type,
                        region=region, issue_date=issue_date, declared_counts=counts or {})
    return ExtractResult(document=info, **kinds)


def _checks(*results) -> list[str]:
    return [f.check for f in run_cross(list(results))]


def test_scheme_announces_another_indicator_count_than_its_plan():
    plan = _doc("plan", PLAN_TITLE, "规划", {"indicators": 29})
    scheme = _doc("scheme", SCHEME_TITLE, "实施方案", {"indicators": 30})
    assert _checks(plan, scheme) == ["cross.indicator_count"]
    scheme.document.declared_counts = {"indicators": 29}
    assert _checks(plan, scheme) == []


def test_unrelated_or_other_region_documents_are_not_paired():
    plan = _doc("plan", PLAN_TITLE, "规划", {"indicators": 29})
    other_region = _doc("s", "济南市天桥区国家生态文明建设示范区创建工作实施方案", "实施方案",
                        {"indicators": 30}, region="济南市天桥区")
    other_subject = _doc("s", "济南市历下区河长制工作实施方案", "实施方案", {"indicators": 30})
    assert _checks(plan, other_region) == [] and _checks(plan, other_subject) == []


def _ind(i, name, base=None, year=2020, t2025=None) -> Indicator:
    parsed = ParsedValues(baseline=Value(base, value=float(base)) if base else None,
                          targets={"2025": Value(t2025, ">=", float(t2025.lstrip("≥")))} if t2025 else {})
    return Indicator(f"ind-{i}", "表1", name, baseline=Baseline(year, base),
                     targets={"2025": t2025} if t2025 else {}, parsed=parsed, span=SPAN)


def test_same_indicator_with_different_values_in_two_plans_of_a_region():
    a = _doc("a", "济南市历下区生态环境保护规划", "规划", indicators=[_ind(1, "城镇污水处理率", "98", t2025="≥95")])
    b = _doc("b", PLAN_TITLE, "规划", indicators=[_ind(1, "城镇污水处理率", "100", t2025="≥95")])
    assert _checks(a, b) == ["cross.indicator_values"]
    b.indicators = [_ind(1, "城镇污水处理率", "98.0", t2025="≥ 95")]
    assert _checks(a, b) == []
    b.indicators = [_ind(1, "城镇污水处理率", "100", year=2023, t2025="≥95")]  # another base year
    assert _checks(a, b) == []
    worded = Value("稳中向好", qualitative="稳中向好")
    b.indicators = [_ind(1, "城镇污水处理率", "98")]
    b.indicators[0].targets, b.indicators[0].parsed.targets = {"2025": "稳中向好"}, {"2025": worded}
    assert _checks(a, b) == []  # a worded target is another formulation, not a different number


def test_scheme_deadline_for_adopting_the_plan_before_the_plan_was_issued():
    due = Deadline("ddl-1", "5月18日前", "2021-05-18", "by", action="《规划》经区政府审议通过后颁布实施", span=SPAN)
    draft = Deadline("ddl-2", "5月8日前", "2021-05-08", "by", action="完成《规划》（征求意见稿）", span=SPAN)
    plan = _doc("plan", PLAN_TITLE, "规划", issue_date="2021-07-08")
    scheme = _doc("scheme", SCHEME_TITLE, "实施方案", deadlines=[due, draft])
    assert _checks(plan, scheme) == ["cross.deadline_vs_plan"]
    plan.document.issue_date = "2021-05-17"
    assert _checks(plan, scheme) == []
