"""Table layouts: Tika text tables of several shapes, and a docx/pdf-style grid table that
must give the same records as its Tika twin."""
from __future__ import annotations

from extractor.model import Cell, Document, Table
from extractor.records import Baseline, Money, Period
from extractor.readers.txt import parse_text
from extractor.structure import Context
from extractor.tables import extract


class _NoStructure:
    def context(self, i):
        return Context()


def tika(caption: str, rows: list[list[str]], after: str = "") -> str:
    """Tika-style text: one TAB line per cell, continuation lines, empty line between rows."""
    out = [caption]
    for r in rows:
        for cell in r:
            first, *rest = cell.split("\n")
            out.append("\t" + first)
            out.extend(rest)
        out.append("")
    if after:
        out.append(after)
    return "\n".join(out) + "\n"


def run(text: str):
    doc = Document("t", "t.txt", "txt", "", text, parse_text(text))
    return doc, extract(doc, _NoStructure())


def test_two_row_header_groups_and_attribute_blocks():
    text = tika("某区生态文明建设示范区建设指标", [
        ["领域", "任务", "序号", "指标名称", "单位", "指标值", "现状值", "目标"],
        ["", "", "", "", "", "", "2023年", "2025年", "2030年"],
        ["目标责任", "（一）目标落实", "1", "生态文明建设工作占党政实绩考核的比例", "%", "≥20", "24.1", "≥20", "≥20"],
        ["生态安全", "（二）环境质量改善", "2", "水环境质量", "地表水达到或好于Ⅲ类水体比例", "%",
         "完成上级规定的考核任务", "100", "100", "100"],
        ["", "", "", "", "县城污水处理率", "%", "≥95", "99.22*", "≥95", "≥95"],
        ["参考性指标", "1", "农村生活污水治理率", "%", "≥60", "93.7", "≥60", "≥60"],
        ["", "2", "危险废物填埋处置量占比", "%", "持续下降", "0.017", "持续下降", "持续下降"],
    ], after="注：“*”表示2022年数据。")
    _, (inds, projs, infos) = run(text)
    assert [i.name for i in inds] == ["生态文明建设工作占党政实绩考核的比例", "地表水达到或好于Ⅲ类水体比例",
                                      "县城污水处理率", "农村生活污水治理率", "危险废物填埋处置量占比"]
    a, b, c, d, e = inds
    assert a.baseline == Baseline(2023, "24.1") and a.targets == {"2025": "≥20", "2030": "≥20"}
    assert a.attribute == "约束性" and d.attribute == e.attribute == "参考性"
    assert (b.group, c.group, c.seq, c.domain, c.category) == ("水环境质量", "水环境质量", "2", "生态安全", "（二）环境质量改善")
    assert {"group", "seq", "domain", "category"} <= set(c.inherited)
    assert c.standard == "≥95" and c.flags == ["*"] and c.parsed.baseline.value == 99.22
    assert (d.domain, d.category, d.seq, d.standard) == (None, None, "1", "≥60")
    assert infos[0].kind == "indicators" and infos[0].footnotes == ["注：“*”表示2022年数据。"]
    assert infos[0].caption == "某区生态文明建设示范区建设指标" and not infos[0].unparsed and not projs


def test_name_cells_with_number_unit_flags_and_category_rows():
    text = tika("某区“十四五”生态环境保护主要指标", [
        ["指标", "2020年", "2025年", "指标属性"],
        ["（一）环境治理"],
        ["1.城市细颗粒物（PM2.5）浓度（ug/m3）*", "52", "42", "约束性"],
        ["2.化学需氧量排放总量减少（%）", "-", "完成市分解任务", "约束性"],
        ["3.氨氮排放总量减少（%）", "-", "", "约束性"],
        ["（二）生态保护"],
        ["4.生态质量指数（EQI）*", "-", "稳中向好", "预期性"],
        ["5.生态环境状况指数\n丘陵地区\n平原地区", "60\n55", "≥60\n≥55", "约束性"],
    ])
    _, (inds, _, _) = run(text)
    a, b, c, d, e = inds
    assert (a.seq, a.name, a.unit, a.flags) == ("1", "城市细颗粒物（PM2.5）浓度", "ug/m3", ["*"])
    assert a.baseline == Baseline(2020, "52") and a.targets == {"2025": "42"}
    assert a.category == "（一）环境治理" and d.category == "（二）生态保护"
    assert c.targets == {"2025": "完成市分解任务"} and "targets" in c.inherited
    assert (d.name, d.unit, d.flags) == ("生态质量指数（EQI）", None, ["*"])
    assert (e.name, e.qualifier, e.baseline.value, e.targets["2025"]) == (
        "生态环境状况指数", "丘陵地区；平原地区", "60；55", "≥60；≥55")
    assert a.parsed.targets["2025"].value == 42 and b.parsed.baseline.value is None


def test_project_table_with_unit_row_divider_total_and_notes():
    text = tika("附表：某区重点项目表", [
        ["单位：万元"],
        ["序号", "项目名称", "建设内容", "建设年限", "投资", "责任单位", "备注"],
        ["一、生态安全"],
        ["1", "某河综合整治工程", "实施清淤、\n生态补水", "2021.10至\n2022.16", "4200", "某区\n水务局", "续建"],
        ["2", "某山体修复", "修复山体", "2021至2023.12", "/", "区自然资源局、区水务局", ""],
        ["合计", "", "", "", "4200", "", ""],
    ])
    _, (_, projs, infos) = run(text)
    a, b = projs
    assert (a.seq, a.name, a.domain, a.content) == ("1", "某河综合整治工程", "一、生态安全", "实施清淤、生态补水")
    assert a.period == Period("2021.10至2022.16", "2021-10", "2022-16")
    assert a.investment == Money("4200", 4200, "万元")
    assert a.responsible_units == ["某区水务局"]
    assert b.period == Period("2021至2023.12", "2021", "2023-12")
    assert b.investment.value is None and b.responsible_units == ["区自然资源局", "区水务局"]
    left = sorted(u.text for u in infos[0].unparsed)
    assert left == ["4200", "合计", "续建"]  # the total row and the 备注 column are kept, not dropped
    assert infos[0].caption == "附表：某区重点项目表"


def test_project_box_numbered_text():
    text = ("正文。\n\t专栏1  绿色低碳发展重大工程\n\n\t1.碳达峰重大工程。（1）碳汇工程。实施湿地修复。"
            "（2）零碳园区项目，探索打造园区。\n2.绿色创新平台重大工程。支持科研机构建设平台。\n")
    _, (_, projs, infos) = run(text)
    assert [(p.seq, p.parent, p.name, p.content) for p in projs] == [
        ("（1）", "碳达峰重大工程", "碳汇工程", "实施湿地修复。"),
        ("（2）", "碳达峰重大工程", "零碳园区项目", "探索打造园区。"),
        ("2", None, "绿色创新平台重大工程", "支持科研机构建设平台。"),
    ]
    assert infos[0].kind == "box" and infos[0].caption == "专栏1  绿色低碳发展重大工程"


# ------------------------------------------------------------------ grid (docx/pdf) twin

def _grid_table(spec: list[list[tuple]]) -> Table:
    """spec rows of (text, rowspan, colspan) or "v"/"h" placeholders, laid out on a grid."""
    rows = []
    for ri, r in enumerate(spec):
        cells, col = [], 0
        for item in r:
            if item in ("v", "h"):
                cells.append(Cell("", [], ri, col, ri + 1, merged=item))
                col += 1
                continue
            t, rs, cs = item
            cells.append(Cell(t, list(range(len(t))), ri, col, ri + 1, rowspan=rs, colspan=cs))
            col += 1
            for _ in range(cs - 1):
                cells.append(Cell("", [], ri, col, ri + 1, merged="h"))
                col += 1
        rows.append(cells)
    return Table(rows, grid=True)


def test_grid_table_gives_the_same_records_as_its_tika_twin():
    q = "完成上级规定的考核任务"
    grid = _grid_table([
        [("领域", 1, 1), ("任务", 1, 1), ("序号", 1, 1), ("指标名称", 1, 2), ("单位", 1, 1), ("指标值", 1, 1),
         ("现状值（2020年）", 1, 1), ("目标值（2025年）", 1, 1), ("指标属性", 1, 1)],
        [("生态安全", 3, 1), ("（二）环境质量改善", 3, 1), ("7", 2, 1), ("环境空气质量", 2, 1), ("优良天数比例", 1, 1),
         ("%", 1, 1), (q, 2, 1), (q, 2, 1), (q, 2, 1), ("约束性", 1, 1)],
        ["v", "v", "v", "v", ("PM2.5浓度下降幅度", 1, 1), ("%", 1, 1), "v", "v", "v", ("约束性", 1, 1)],
        ["v", "v", ("8", 1, 1), ("河长制", 1, 2), ("—", 1, 1), ("全面实施", 1, 1), ("全面实施", 1, 1),
         ("全面实施", 1, 1), ("约束性", 1, 1)],
    ])
    twin = tika("表1  指标", [
        ["领域", "任务", "序号", "指标名称", "单位", "指标值", "现状值\n（2020年）", "目标值\n（2025年）", "指标属性"],
        ["生态安全", "（二）环境质量改善", "7", "环境空气质量", "优良天数比例", "%", q, q, q, "约束性"],
        ["", "", "", "", "PM2.5浓度下降幅度", "%", "", "", "", "约束性"],
        ["", "", "8", "河长制", "—", "全面实施", "全面实施", "全面实施", "约束性"],
    ])
    _, (from_text, _, _) = run(twin)
    doc = Document("g", "g.docx", "docx", "", "表1  指标\n" + "x" * 40, parse_text("表1  指标\n"))
    from extractor.model import Block
    doc.blocks.append(Block("table", "", [], 0, 10, 2, table=grid, index=1))
    from_grid, _, infos = extract(doc, _NoStructure())

    def key(r):
        return (r.domain, r.category, r.seq, r.group, r.name, r.unit, r.standard, r.baseline,
                r.targets, r.attribute, sorted(r.inherited))

    assert [key(r) for r in from_grid] == [key(r) for r in from_text]
    assert len(from_grid) == 3 and from_grid[1].standard == q and "standard" in from_grid[1].inherited
    assert infos[0].kind == "indicators" and not infos[0].unparsed


def test_value_cell_spanning_two_columns_and_merged_category():
    text = tika("表1 “十四五”生态环境保护主要指标", [
        ["类别", "序号", "指标名称", "单位", "2020年", "2025年", "指标属性"],
        ["环境治理", "1", "城市空气质量优良天数比率", "%", "80.1", "完成省下达任务", "约束性"],
        ["", "2", "化学需氧量重点工程减排量", "万吨", "完成省下达任务", "约束性"],
    ])
    _, (inds, _, infos) = run(text)
    a, b = inds
    assert (b.category, b.unit, b.baseline.value, b.targets["2025"]) == (
        "环境治理", "万吨", "完成省下达任务", "完成省下达任务")
    assert b.inherited == ["category"] and not infos[0].unparsed


def test_project_table_lead_and_support_units_and_unknown_column():
    text = tika("表3 重点工程项目表", [
        ["序号", "项目类别", "项目名称", "建设地点", "主要建设内容及规模", "建设周期", "总投资（亿元）", "牵头单位", "配合单位"],
        ["1", "大气污染防治", "锅炉超低排放改造", "某县", "改造锅炉3台", "2022—2024年", "1.2", "市生态环境局",
         "市发展改革委、市工信局"],
        ["2", "", "VOCs治理", "某区", "治理企业20家", "2023年", "0.5", "市生态环境局", ""],
    ])
    _, (_, projs, infos) = run(text)
    a, b = projs
    assert a.responsible_units == ["市生态环境局", "市发展改革委", "市工信局"]
    assert a.investment == Money("1.2", 1.2, "亿元")
    assert a.period == Period("2022—2024年", "2022", "2024")
    assert (b.category, b.inherited) == ("大气污染防治", ["category"])
    assert [u.text for u in infos[0].unparsed] == ["某县", "某区"]  # 建设地点: no record field


def test_box_holding_a_project_table_and_caption_over_a_lead_in_line():
    text = "表4 重点项目\n具体项目见下表：\n" + tika("", [
        ["专栏3  生态修复重点工程"],
        ["序号", "项目名称", "建设内容", "实施年限"],
        ["1", "矿山修复工程", "修复矿山5处", "2022-2025"],
    ])[1:]
    _, (_, projs, infos) = run(text)
    assert [(p.name, p.table, p.period.end) for p in projs] == [("矿山修复工程", "专栏3  生态修复重点工程", "2025")]
    assert infos[0].kind == "projects"
    text = "表4 重点项目\n具体项目见下表：\n" + tika("", [
        ["序号", "项目名称", "建设内容", "实施年限"],
        ["1", "矿山修复工程", "修复矿山5处", "2022-2025"],
    ])[1:]
    _, (_, projs, infos) = run(text)
    assert infos[0].caption == "表4 重点项目"


def test_cumulative_column_gives_the_last_year_target_when_that_cell_is_empty():
    text = tika("表2  某省生态环境保护主要指标", [
        ["类别", "序号", "指标名称", "单位", "2020年", "2025年", "〔累计〕", "属性"],
        ["环境治理", "1", "城市空气质量优良天数比率", "%", "88.1", "90", "—", "约束性"],
        ["", "2", "氨氮重点工程减排量", "万吨", "—", "—", "〔0.9〕", "约束性"],
    ], after="注：〔〕内为五年累计数。")
    _, (inds, _, infos) = run(text)
    a, b = inds
    assert a.targets == {"2025": "90"} and b.targets == {"2025": "〔0.9〕"}
    assert b.parsed.targets["2025"].value == 0.9 and b.category == "环境治理"
    assert not infos[0].unparsed


def test_yearless_target_and_baseline_columns_take_the_years_of_the_caption():
    rows = [["序号", "指标名称", "单位", "基期值", "规划目标", "类型"],
            ["1", "城市细颗粒物年均浓度", "微克/立方米", "33", "≤29", "约束性"]]
    _, (inds, _, _) = run(tika("表4  “十五五”生态环境保护主要指标", rows))
    assert inds[0].baseline == Baseline(2025, "33") and inds[0].targets == {"2030": "≤29"}
    _, (inds, _, _) = run(tika("2027年美丽城区建设指标", rows))
    assert inds[0].baseline == Baseline(None, "33") and inds[0].targets == {"2027": "≤29"}
    _, (inds, _, infos) = run(tika("表4  主要指标", rows))
    assert inds[0].targets == {} and [u.text for u in infos[0].unparsed] == ["≤29"]


def test_caption_naming_the_baseline_year_dates_a_yearless_baseline_column():
    rows = [["序号", "指标名称", "单位", "现状值", "目标值", "指标属性"],
            ["1", "村庄生活污水治理率", "%", "41", "≥55", "预期性"]]
    _, (inds, _, _) = run(tika("表2  示范县建设指标（2022年现状，2027年目标）", rows))
    assert inds[0].baseline == Baseline(2022, "41") and inds[0].targets == {"2027": "≥55"}
    _, (inds, _, _) = run(tika("表2  示范县建设指标（以2019年为基准年）", rows))
    assert inds[0].baseline == Baseline(2019, "41") and inds[0].targets == {}


def test_attribute_cell_merged_over_a_block_of_rows_is_inherited():
    text = tika("表5  示范县建设指标", [
        ["序号", "指标名称", "单位", "指标值", "现状值（2021年）", "目标值（2025年）", "指标属性"],
        ["1", "集中式饮用水水源地水质优良比例", "%", "100", "100", "100", "约束性"],
        ["2", "农村黑臭水体整治比例", "%", "≥60", "30", "≥60", ""],
        ["3", "秸秆综合利用率", "%", "≥90", "92", "≥93", ""],
        ["4", "绿色出行比例", "%", "≥70", "65", "≥70", "参考性"],
        ["5", "节水器具普及率", "%", "≥80", "75", "≥80", ""],
    ])
    _, (inds, _, _) = run(text)
    assert [i.attribute for i in inds] == ["约束性", "约束性", "约束性", "参考性", "参考性"]
    assert "attribute" in inds[2].inherited and "attribute" not in inds[3].inherited


def test_short_row_spans_the_target_years_rather_than_baseline_and_target():
    text = tika("表3  规划指标", [
        ["序号", "指标名称", "单位", "现状值", "目标值", "指标属性"],
        ["", "", "", "2021年", "2025年", "2035年", ""],
        ["1", "重点建设用地安全利用", "—", "有效保障", "完成省下达任务", "约束性"],
    ])
    _, (inds, _, _) = run(text)
    assert inds[0].baseline == Baseline(2021, "有效保障")
    assert inds[0].targets == {"2025": "完成省下达任务", "2035": "完成省下达任务"}


def test_block_label_printed_as_number_and_title_cells_is_a_divider_in_text_and_grid():
    head = ["序号", "项目名称", "主要建设内容", "实施年限", "计划投资（万元）", "责任单位"]
    twin = tika("表6 重点项目清单", [
        head,
        ["一", "土壤污染防治"],
        ["1", "受污染地块风险管控项目", "管控地块5处", "2022—2023", "900", "区生态环境分局\n区自然资源分局"],
        ["2", "耕地土壤修复试点", "修复耕地200亩", "2024", "300", "区农业农村\n局"],
    ])
    _, (_, from_text, infos) = run(twin)
    assert [(p.seq, p.name, p.domain) for p in from_text] == [
        ("1", "受污染地块风险管控项目", "土壤污染防治"), ("2", "耕地土壤修复试点", "土壤污染防治")]
    assert from_text[0].responsible_units == ["区生态环境分局", "区自然资源分局"]  # one unit per line
    assert from_text[1].responsible_units == ["区农业农村局"]  # a wrapped name
    assert not infos[0].unparsed
    grid = _grid_table([
        [(h, 1, 1) for h in head],
        [("一", 1, 1), ("土壤污染防治", 1, 5)],
        [(c, 1, 1) for c in ["1", "受污染地块风险管控项目", "管控地块5处", "2022—2023", "900", "区生态环境分局"]],
    ])
    doc = Document("g", "g.docx", "docx", "", "表6 重点项目清单\n" + "x" * 40, parse_text("表6 重点项目清单\n"))
    from extractor.model import Block
    doc.blocks.append(Block("table", "", [], 0, 10, 2, table=grid, index=1))
    _, from_grid, infos = extract(doc, _NoStructure())
    assert [(p.seq, p.name, p.domain) for p in from_grid] == [("1", "受污染地块风险管控项目", "土壤污染防治")]
    assert not infos[0].unparsed


def test_five_year_plan_cumulative_column_and_assessment_item_name_header():
    text = tika("表1  “十四五”节能主要指标", [
        ["序号", "考核内容", "计量单位", "2020年", "2025年", "“十四五”累计", "指标类型"],
        ["1", "单位产值能耗降低", "%", "—", "—", "13.5", "约束性"],
        ["2", "煤炭消费量", "万吨", "410", "≤380", "—", "预期性"],
    ])
    _, (inds, _, infos) = run(text)
    assert [(i.name, i.baseline, i.targets, i.attribute) for i in inds] == [
        ("单位产值能耗降低", Baseline(2020, "—"), {"2025": "13.5"}, "约束性"),
        ("煤炭消费量", Baseline(2020, "410"), {"2025": "≤380"}, "预期性")]
    assert infos[0].kind == "indicators" and not infos[0].unparsed


def test_attribute_block_row_fills_empty_cells_of_an_attribute_column():
    text = tika("表2  主要指标", [
        ["编号", "指标名称", "基准值（2022年）", "2025年目标", "性质"],
        ["1", "农村卫生厕所普及率", "88%", "≥95%", "约束性"],
        ["预期性指标"],
        ["2", "绿色食品认证数量", "12", "20", ""],
        ["3", "生态旅游接待人次", "30", "45", "引导性"],
    ])
    _, (inds, _, _) = run(text)
    assert [i.attribute for i in inds] == ["约束性", "预期性", "引导性"]
    assert inds[1].baseline == Baseline(2022, "12") and inds[1].targets == {"2025": "20"}


def test_continued_project_table_with_type_column_and_five_year_plan_period():
    head = ["序号", "工程类型", "项目名称", "建设内容", "完成时限", "投资估算（亿元）", "责任单位"]
    text = tika("表7  重点工程项目表", [
        head, ["1", "减污降碳", "园区循环化改造工程", "改造园区3个。", "“十五五”期间", "2", "市发展改革委"]])
    text += "\n续表\n" + tika("", [
        head, ["2", "", "矿区复绿工程", "复绿矿区12处。", "2026年—2028年", "0.6", "市自然资源局"]])[1:]
    _, (_, projs, infos) = run(text)
    assert [(p.seq, p.name, p.category) for p in projs] == [
        ("1", "园区循环化改造工程", "减污降碳"), ("2", "矿区复绿工程", "减污降碳")]
    assert projs[0].period == Period("“十五五”期间", "2026", "2030")
    assert projs[1].period == Period("2026年—2028年", "2026", "2028")
    assert len(infos) == 1 and not infos[0].unparsed


def test_evaluation_system_layers_and_outlook_headers():
    text = tika("表3  生态文明建设评价指标体系", [
        ["目标层", "准则层", "指标层", "指标单位", "衡量标准", "2021年现状", "近期（2025年）", "2035年展望值"],
        ["生态环境", "环境质量", "空气质量优良天数比例", "%", "≥80", "78.4", "≥82", "≥88"],
        ["", "", "声环境功能区夜间达标率", "%", "≥85", "80", "≥85", "≥90"],
    ])
    _, (inds, _, infos) = run(text)
    assert infos[0].kind == "indicators" and not infos[0].unparsed
    a, b = inds
    assert (a.domain, a.category, a.name, a.unit, a.standard) == ("生态环境", "环境质量", "空气质量优良天数比例", "%", "≥80")
    assert a.baseline == Baseline(2021, "78.4") and a.targets == {"2025": "≥82", "2035": "≥88"}
    assert (b.domain, b.category, sorted(b.inherited)) == ("生态环境", "环境质量", ["category", "domain"])
