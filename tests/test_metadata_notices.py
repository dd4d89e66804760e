"""Notice-style documents: a title printed over several lines above the 文号/addressee line, the
issuer and date of the closing signature block, counts announced in prose, and a plan period
inferred from the goals' horizon and the issue year."""
from __future__ import annotations

from pathlib import Path

from extractor import extract
from extractor.records import PlanPeriod

NOTICE = """生态环境部办公厅关于推广第一批
生态环境导向开发模式试点经验的通知
环办综合〔2024〕15号

各省、自治区、直辖市生态环境厅（局），新疆生产建设兵团生态环境局：

为深入推进生态环境导向的开发模式，经研究，决定在全国范围内推广第一批试点经验。现将有关事项通知如下：

一、推广试点经验的主要内容（共12项）

（一）生态环境治理方面5项：“流域综合治理与片区开发一体推进”、“矿山修复与文旅开发联动实施”、“黑臭水体治理与滨水空间利用统筹”、“土壤修复与土地收储衔接”、“生态修复项目收益反哺机制”。

（二）绿色金融方面4项：“生态环境导向项目入库融资”、“排污权抵押贷款”、“碳排放权质押融资”、“生态产品价值核算结果应用于授信”。

（三）产业融合方面3项：“生态农业与乡村旅游融合”、“林下经济与康养产业融合”、“湿地保护与研学教育融合”。

二、工作要求

各地要结合实际，认真组织推广，及时总结推广成效。

生态环境部办公厅
2024年3月15日
（此件社会公开）
"""

UNSIGNED_HEAD = """关于开展2024年度生态文明建设
示范区复核工作的通知

各市生态环境局：

按照管理规程要求，现就开展复核工作通知如下。

一、复核范围

2021年以前命名的示范区。

某省生态环境厅
2024年6月3日
"""

SCHEME = """某市人民政府关于印发《某市美丽河湖保护与建设行动方案》的通知
某政发〔2025〕8号
各区县人民政府，市政府各部门：
《某市美丽河湖保护与建设行动方案》已经市政府同意，现印发给你们，请认真组织实施。
某市人民政府
2025年5月20日
某市美丽河湖保护与建设行动方案
一、总体要求
（一）工作目标
到2027年，全市地表水国控断面优良水体比例达到90%以上，重点河湖生态流量保障目标满足程度达到90%。到2027年，建成美丽河湖12条。到2035年，美丽河湖全面建成。
二、重点任务
（一）加强河湖岸线管控
2026年底前完成全市河湖管理范围复核。
"""


def _extract(tmp_path: Path, text: str):
    path = tmp_path / "doc.txt"
    path.write_text(text, encoding="utf-8")
    return extract(path).document


def test_two_line_title_above_the_doc_number_and_its_issuer(tmp_path: Path):
    d = _extract(tmp_path, NOTICE)
    assert d.title == "生态环境部办公厅关于推广第一批生态环境导向开发模式试点经验的通知"
    assert (d.issuer, d.doc_number) == ("生态环境部办公厅", "环办综合〔2024〕15号")
    assert d.issue_date == "2024-03-15"  # from the signature block at the end
    assert d.plan_type is None and d.plan_period is None


def test_announced_counts_in_prose(tmp_path: Path):
    d = _extract(tmp_path, NOTICE)
    assert d.declared_counts == {"tasks": 12, "tasks.生态环境治理方面": 5, "tasks.绿色金融方面": 4,
                                 "tasks.产业融合方面": 3}


def test_title_above_the_addressee_line_and_issuer_from_the_signature_block(tmp_path: Path):
    d = _extract(tmp_path, UNSIGNED_HEAD)
    assert d.title == "关于开展2024年度生态文明建设示范区复核工作的通知"
    assert (d.issuer, d.issue_date) == ("某省生态环境厅", "2024-06-03")


def test_period_inferred_from_the_goals_horizon_and_the_issue_year(tmp_path: Path):
    d = _extract(tmp_path, SCHEME)
    assert d.title == "某市美丽河湖保护与建设行动方案"  # a transmitting notice: the plan's own title
    assert (d.issuer, d.issue_date) == ("某市人民政府", "2025-05-20")
    assert d.plan_period == PlanPeriod(2025, 2027, inferred=True)


def test_a_printed_period_is_not_inferred(tmp_path: Path):
    d = _extract(tmp_path, SCHEME.replace("行动方案》的通知", "行动方案（2025—2030年）》的通知"))
    assert d.plan_period == PlanPeriod(2025, 2030)


TWO_LINE_TITLE_PAGE = """某县2024年生态环境保护
重点工作任务分解方案

为做好2024年生态环境保护工作，制定本方案。

一、主要目标

全年PM2.5平均浓度控制在38微克/立方米以内。
"""


def test_title_page_title_printed_over_two_lines(tmp_path: Path):
    d = _extract(tmp_path, TWO_LINE_TITLE_PAGE)
    assert d.title == "某县2024年生态环境保护重点工作任务分解方案"


def test_transmitting_notice_with_spaces_around_the_book_title(tmp_path: Path):
    text = SCHEME.replace("关于印发《某市美丽河湖保护与建设行动方案》的通知",
                          "关于印发 《某市美丽河湖保护与 建设行动方案》的通知")
    assert _extract(tmp_path, text).title == "某市美丽河湖保护与建设行动方案"
