"""Task-division tables (任务分工表) and measure lists (举措清单): each row a task, each units
column a responsibility with the column's role, the time-limit column deadlines — from Tika
text (merges unmarked: empty cells) and from .docx (real vertical and horizontal merges)."""
from __future__ import annotations

from pathlib import Path

import pytest

from extractor import extract
from extractor.records import ExtraCell
from tests.test_tables_layouts import tika

# 序号 | 重点任务 | 具体措施 | 牵头单位 | 配合单位 | 完成时限; None = merged with the cell above,
# "=" = merged with the cell to the left (a divider row spans the table).
HEADER = ["序号", "重点任务", "具体措施", "牵头单位", "配合单位", "完成时限"]
ROWS = [
    ["一、优化国土空间开发保护格局（共3项）", "=", "=", "=", "=", "="],
    ["1", "严守生态保护红线", "完成生态保护红线勘界定标，设立界桩和标识标牌，建立监管台账。",
     "县自然资源局", "市生态环境局某县分局、各乡镇人民政府", "2023年6月底前"],
    ["2", None, "开展生态保护红线生态破坏问题监督，对发现的问题建立整改清单。", None, None, "长期坚持"],
    ["3", "推进自然保护地整合优化", "完成自然保护地勘界立标，落实保护地管护责任。",
     "县林业局", "县自然资源局\n县水利局", "2023年底前"],
    ["二、持续改善生态环境质量（共2项）", "=", "=", "=", "=", "="],
    ["4", "深化工业污染治理", "完成重点行业企业挥发性有机物综合治理，实施清单化管理。",
     "市生态环境局某县分局", "县工业和信息化局", "9月底前"],
    ["5", "强化农业面源污染防治", "化肥农药使用量保持负增长，畜禽粪污综合利用率稳定在90%以上。",
     "县农业农村局", "—", "持续推进"],
]


def _tika_rows() -> list[list[str]]:
    out = []
    for r in ROWS:
        if r[1] == "=":
            out.append([r[0]])
        else:
            out.append(["" if c is None else c for c in r])
    return out


def _docx(path: Path, title: str, header: list[str], rows: list[list]) -> Path:
    """A .docx holding a heading, a caption and a merged-cell table built from ``rows``."""
    import docx

    d = docx.Document()
    d.add_paragraph("某县国家生态文明建设示范县创建工作实施方案")
    d.add_paragraph("四、重点任务")
    d.add_paragraph("重点任务分工见下表。")
    d.add_paragraph(title)
    t = d.add_table(rows=len(rows) + 1, cols=len(header))
    t.style = "Table Grid"
    for c, h in enumerate(header):
        t.cell(0, c).text = h
    for i, row in enumerate(rows):
        r = i + 1
        for c, val in enumerate(row):
            if val is None or val == "=":
                continue
            end_r, end_c = r, c
            while end_r < len(rows) and rows[end_r][c] is None:
                end_r += 1
            while end_c + 1 < len(header) and row[end_c + 1] == "=":
                end_c += 1
            cell = t.cell(r, c)
            if (end_r, end_c) != (r, c):
                cell = cell.merge(t.cell(end_r, end_c))
            cell.text = val
    d.add_paragraph("五、保障措施")
    path.parent.mkdir(parents=True, exist_ok=True)
    d.save(path)
    return path


def _text_doc(tmp_path: Path, body: str) -> Path:
    head = ("某县国家生态文明建设示范县创建工作实施方案\n\n四、重点任务\n\n"
            "重点任务分工见下表。\n\n")
    p = tmp_path / "plan.txt"
    p.write_text(head + body + "\n五、保障措施\n", encoding="utf-8")
    return p


def _extra(task, column: str):
    return next((e.text for e in task.extra if e.column == column), None)


def _summary(res):
    tasks = [(t.seq, t.title, t.category, t.section) for t in res.tasks if t.table]
    resp = [(r.task, r.role, r.role_kind, tuple(r.units)) for r in res.responsibilities]
    ddl = [(d.task, d.raw, d.date, d.kind) for d in res.deadlines]
    return tasks, resp, ddl


EXPECTED_TASKS = [
    ("1", "严守生态保护红线", "一、优化国土空间开发保护格局（共3项）", "重点任务"),
    ("2", "严守生态保护红线", "一、优化国土空间开发保护格局（共3项）", "重点任务"),
    ("3", "推进自然保护地整合优化", "一、优化国土空间开发保护格局（共3项）", "重点任务"),
    ("4", "深化工业污染治理", "二、持续改善生态环境质量（共2项）", "重点任务"),
    ("5", "强化农业面源污染防治", "二、持续改善生态环境质量（共2项）", "重点任务"),
]
EXPECTED_RESP = [
    ("严守生态保护红线", "牵头", "lead", ("县自然资源局",)),
    ("严守生态保护红线", "配合", "support", ("市生态环境局某县分局", "各乡镇人民政府")),
    ("严守生态保护红线", "牵头", "lead", ("县自然资源局",)),
    ("严守生态保护红线", "配合", "support", ("市生态环境局某县分局", "各乡镇人民政府")),
    ("推进自然保护地整合优化", "牵头", "lead", ("县林业局",)),
    ("推进自然保护地整合优化", "配合", "support", ("县自然资源局", "县水利局")),
    ("深化工业污染治理", "牵头", "lead", ("市生态环境局某县分局",)),
    ("深化工业污染治理", "配合", "support", ("县工业和信息化局",)),
    ("强化农业面源污染防治", "牵头", "lead", ("县农业农村局",)),
]
EXPECTED_DDL = [
    ("严守生态保护红线", "2023年6月底前", "2023-06-30", "by"),
    ("严守生态保护红线", "长期坚持", None, "ongoing"),
    ("推进自然保护地整合优化", "2023年底前", "2023-12-31", "by"),
    ("深化工业污染治理", "9月底前", "2023-09-30", "by"),
    ("强化农业面源污染防治", "持续推进", None, "ongoing"),
]


def test_task_table_in_tika_text_with_merged_lead_cells(tmp_path: Path):
    res = extract(_text_doc(tmp_path, tika("附件2  重点任务分工表", [HEADER, *_tika_rows()])))
    tasks, resp, ddl = _summary(res)
    assert tasks == EXPECTED_TASKS
    assert resp == EXPECTED_RESP
    assert ddl == EXPECTED_DDL
    table = res.tables[0]
    assert (table.kind, table.caption, table.unparsed) == ("tasks", "附件2  重点任务分工表", [])
    second = [t for t in res.tasks if t.seq == "2"][0]
    assert second.text.startswith("开展生态保护红线生态破坏问题监督") and second.inherited == ["title"]
    assert [u.canonical for u in res.responsibilities[1].normalized_units][1] == "各乡镇人民政府"
    for rec in res.tasks + res.responsibilities + res.deadlines:  # provenance: raw = source
        assert rec.span.start < rec.span.end
    for r in res.responsibilities:
        assert res_text(tmp_path, r.span) == r.raw
    assert [t.id for t in res.tasks] == [f"task-{i}" for i in range(1, len(res.tasks) + 1)]


def res_text(tmp_path: Path, span) -> str:
    return (tmp_path / "plan.txt").read_text(encoding="utf-8")[span.start:span.end]


def test_task_table_in_docx_with_vertical_and_horizontal_merges(tmp_path: Path):
    path = _docx(tmp_path / "plan.docx", "附件2  重点任务分工表", HEADER, ROWS)
    res = extract(path)
    tasks, resp, ddl = _summary(res)
    assert tasks == EXPECTED_TASKS
    assert resp == EXPECTED_RESP
    assert ddl == EXPECTED_DDL
    assert res.tables[0].kind == "tasks" and res.tables[0].unparsed == []
    assert "title" in [t for t in res.tasks if t.seq == "2"][0].inherited


MEASURES_HEADER = ["序号", "改革举措", "主要内容", "指导部门", "推广范围"]
MEASURES = [
    ["一、生态环境治理方面（共3项）"],
    ["1", "排污权抵押融资服务", "以企业依法取得的排污权为抵押物，由金融机构发放贷款，拓宽企业治污融资渠道。",
     "生态环境部、人民银行", "全国"],
    ["2", "跨区域联合执法机制", "相邻地区生态环境部门建立联合巡查、交叉执法和信息共享机制。", "生态环境部", ""],
    ["3", "生态环境损害赔偿磋商", "对生态环境损害先行开展赔偿磋商，磋商不成的依法提起诉讼。",
     "生态环境部、最高人民法院", ""],
    ["二、绿色金融方面（共2项）"],
    ["4", "绿色信贷业绩评价", "将绿色信贷业绩纳入银行业金融机构综合评价，引导信贷资源投向绿色产业。",
     "人民银行", "8个改革试验区域"],
    ["5", "环境污染责任保险", "在涉重金属等高环境风险行业推行环境污染强制责任保险。", "生态环境部、金融监管总局", ""],
]


def test_measure_list_with_divider_rows_guide_roles_and_scope(tmp_path: Path):
    res = extract(_text_doc(tmp_path, tika("附件  支持绿色发展改革举措清单", [MEASURES_HEADER, *MEASURES])))
    rows = [t for t in res.tasks if t.table]
    assert [(t.seq, t.title, t.category) for t in rows] == [
        ("1", "排污权抵押融资服务", "一、生态环境治理方面（共3项）"),
        ("2", "跨区域联合执法机制", "一、生态环境治理方面（共3项）"),
        ("3", "生态环境损害赔偿磋商", "一、生态环境治理方面（共3项）"),
        ("4", "绿色信贷业绩评价", "二、绿色金融方面（共2项）"),
        ("5", "环境污染责任保险", "二、绿色金融方面（共2项）"),
    ]
    assert rows[0].text.startswith("以企业依法取得的排污权为抵押物")
    # 推广范围 merged over a block: the divider row ends the block
    assert [_extra(t, "推广范围") for t in rows] == ["全国", "全国", "全国", "8个改革试验区域", "8个改革试验区域"]
    resp = [(r.role, r.role_kind, r.units) for r in res.responsibilities]
    assert resp[0] == ("指导", "guide", ["生态环境部", "人民银行"])
    assert len(resp) == 5 and all(k == "guide" for _, k, _ in resp)
    assert res.deadlines == [] and res.tables[0].kind == "tasks" and res.tables[0].unparsed == []


def test_measure_list_in_docx_gives_the_same_rows(tmp_path: Path):
    rows = [[r[0], "=", "=", "=", "="] if len(r) == 1 else [None if (c == "" and k == 4) else c
                                                            for k, c in enumerate(r)] for r in MEASURES]
    res = extract(_docx(tmp_path / "list.docx", "附件  支持绿色发展改革举措清单", MEASURES_HEADER, rows))
    got = [(t.seq, t.title, t.category, _extra(t, "推广范围")) for t in res.tasks if t.table]
    assert got == [
        ("1", "排污权抵押融资服务", "一、生态环境治理方面（共3项）", "全国"),
        ("2", "跨区域联合执法机制", "一、生态环境治理方面（共3项）", "全国"),
        ("3", "生态环境损害赔偿磋商", "一、生态环境治理方面（共3项）", "全国"),
        ("4", "绿色信贷业绩评价", "二、绿色金融方面（共2项）", "8个改革试验区域"),
        ("5", "环境污染责任保险", "二、绿色金融方面（共2项）", "8个改革试验区域"),
    ]
    assert [r.role_kind for r in res.responsibilities] == ["guide"] * 5


@pytest.mark.parametrize("header, kind", [
    (["序号", "工作任务", "工作内容", "责任单位", "完成时间"], "tasks"),
    (["序号", "重点任务", "主要内容", "牵头部门", "时间节点"], "tasks"),
    (["序号", "项目名称", "建设内容", "责任单位", "建设年限"], "projects"),
    (["序号", "重点任务", "项目名称", "建设内容", "总投资（万元）", "责任单位"], "projects"),
    (["序号", "指标名称", "单位", "现状值", "目标值", "责任单位"], "indicators"),
])
def test_table_kind_from_the_header(tmp_path: Path, header: list[str], kind: str):
    row = ["1", "甲", "乙", "丙", "丁", "戊"][: len(header)]
    res = extract(_text_doc(tmp_path, tika("表1  某表", [header, row])))
    assert res.tables[0].kind == kind


def test_every_cell_is_accounted_for_and_responsible_column_role(tmp_path: Path):
    body = tika("附件  任务清单", [
        ["序号", "工作任务", "工作内容", "责任单位", "完成时间", "备注"],
        ["1", "开展入河排污口排查整治", "完成全县入河排污口溯源，分类推进整治。", "县水利局\n（牵头）、县住房城乡建设局",
         "2024年3月—2024年12月", "纳入年度考核"],
        ["合计"],
    ])
    res = extract(_text_doc(tmp_path, body))
    (t,) = [t for t in res.tasks if t.table]
    assert t.extra == [ExtraCell("备注", "纳入年度考核")]
    (r,) = res.responsibilities
    assert (r.role, r.role_kind, r.units, r.lead_units, r.support_units) == (
        "责任", "responsible", ["县水利局", "县住房城乡建设局"], ["县水利局"], ["县住房城乡建设局"])
    (d,) = res.deadlines
    assert (d.kind, d.start, d.date) == ("range", "2024-03", "2024-12")
    assert res.tables[0].unparsed == []  # the 合计 divider sets a category of no row


def test_two_row_header_role_from_the_lower_cell_and_a_bare_task_column(tmp_path: Path):
    body = tika("附件  工作任务分解表", [
        ["序号", "任务", "责任单位", "完成时限"],  # Tika drops the cell 责任单位 spans
        ["", "", "牵头单位", "配合单位", ""],
        ["1", "编制生态文明建设示范区规划", "县生态环境分局", "县发展改革局", "2024年5月底前"],
        ["2", "开展生态文明建设宣传教育", "县委宣传部", "县教育局、县文化和旅游局", "长期坚持"],
    ])
    res = extract(_text_doc(tmp_path, body))
    assert res.tables[0].kind == "tasks"
    assert [(r.task, r.role, r.role_kind, r.units) for r in res.responsibilities] == [
        ("编制生态文明建设示范区规划", "牵头", "lead", ["县生态环境分局"]),
        ("编制生态文明建设示范区规划", "配合", "support", ["县发展改革局"]),
        ("开展生态文明建设宣传教育", "牵头", "lead", ["县委宣传部"]),
        ("开展生态文明建设宣传教育", "配合", "support", ["县教育局", "县文化和旅游局"]),
    ]
    assert [(d.date, d.kind) for d in res.deadlines] == [("2024-05-31", "by"), (None, "ongoing")]


@pytest.mark.skipif(not __import__("shutil").which("soffice"), reason="LibreOffice not installed")
def test_task_table_in_a_pdf_rendered_from_the_docx(tmp_path: Path):
    import subprocess

    src = _docx(tmp_path / "plan.docx", "附件2  重点任务分工表", HEADER, ROWS)
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(src)],
                   capture_output=True, timeout=180, check=True)
    res = extract(tmp_path / "plan.pdf")
    tasks, resp, ddl = _summary(res)
    assert [t[:3] for t in tasks] == [t[:3] for t in EXPECTED_TASKS]
    assert resp == EXPECTED_RESP
    assert [d[1:] for d in ddl] == [d[1:] for d in EXPECTED_DDL]
    assert res.tables[0].kind == "tasks" and res.tables[0].unparsed == []
    assert all(r.span.page == 1 for r in res.responsibilities)


def test_indicator_table_with_units_and_time_limit_columns_names_who_answers_for_each_indicator(tmp_path: Path):
    body = tika("附件2  创建指标任务分解表", [
        ["序号", "指标名称", "单位", "指标值", "现状值", "牵头单位", "配合单位", "完成时限"],
        ["1", "生态文明建设规划", "—", "制定实施", "已编制", "县生态环境分局", "县发展改革局", "2024年6月底前"],
        ["2", "集中式饮用水水源地水质优良比例", "%", "100", "100", "县水利局", "", "长期坚持"],
        ["3", "城镇污水处理率", "%", "≥85", "92.3", "", "", ""],
    ])
    res = extract(_text_doc(tmp_path, body))
    assert [i.name for i in res.indicators] == ["生态文明建设规划", "集中式饮用水水源地水质优良比例", "城镇污水处理率"]
    assert [(r.task, r.role_kind, r.units) for r in res.responsibilities] == [
        ("生态文明建设规划", "lead", ["县生态环境分局"]),
        ("生态文明建设规划", "support", ["县发展改革局"]),
        ("集中式饮用水水源地水质优良比例", "lead", ["县水利局"]),
        ("城镇污水处理率", "lead", ["县水利局"]),  # the merged lead cell of the last rows
    ]
    assert [(d.task, d.date, d.kind) for d in res.deadlines] == [
        ("生态文明建设规划", "2024-06-30", "by"), ("集中式饮用水水源地水质优良比例", None, "ongoing"),
        ("城镇污水处理率", None, "ongoing")]
    assert res.tables[0].kind == "indicators" and res.tables[0].unparsed == []
    assert all(r.table_id == res.tables[0].id for r in res.responsibilities + res.deadlines)


@pytest.mark.parametrize("cell, want", [
    ("2023年6月", [("2023-06", None, "by")]),
    ("2023年", [("2023", None, "by")]),
    ("2024年起", [(None, "2024", "ongoing")]),
    ("自2024年开始", [(None, "2024", "ongoing")]),
    ("2024年3月—2024年12月", [("2024-12", "2024-03", "range")]),
    ("每年12月底前", [("2023-12-31", None, "recurring")]),
    ("持续推进", [(None, None, "ongoing")]),
])
def test_time_limit_cells(tmp_path: Path, cell: str, want: list):
    body = tika("附件  任务分工", [["序号", "领域", "重点任务", "责任单位", "完成时限"],
                                 ["1", "大气污染防治", "推进扬尘治理", "县住房城乡建设局", cell]])
    res = extract(_text_doc(tmp_path, "某县人民政府\n\n2023年2月1日\n\n" + body))
    assert [(d.date, d.start, d.kind) for d in res.deadlines] == want
    (t,) = [t for t in res.tasks if t.table]
    assert t.category == "大气污染防治" and t.extra == []


@pytest.mark.skipif(not __import__("shutil").which("soffice"), reason="LibreOffice not installed")
def test_task_table_over_several_pdf_pages_with_a_lead_cell_merged_across_a_page_break(tmp_path: Path):
    import subprocess

    measure = "完成辖区内相关设施建设，建立长效管护机制，每季度开展一次监督检查并通报进展情况。" * 3
    rows = [[str(k), f"推进第{k}项重点任务", measure, "县生态环境分局" if k in (1, 7) else None,
             "各乡镇人民政府", f"2024年{k}月底前"] for k in range(1, 13)]
    src = _docx(tmp_path / "long.docx", "附件  重点任务分工表", HEADER, rows)
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(src)],
                   capture_output=True, timeout=180, check=True)
    res = extract(tmp_path / "long.pdf")
    tasks = [t for t in res.tasks if t.table]
    assert [t.seq for t in tasks] == [str(k) for k in range(1, 13)]
    assert all(t.text == measure for t in tasks)  # rows broken by a page break are whole again
    assert len({t.span.page for t in tasks}) > 1
    leads = [(r.task, r.units) for r in res.responsibilities if r.role_kind == "lead"]
    assert leads == [(f"推进第{k}项重点任务", ["县生态环境分局"]) for k in range(1, 13)]
    assert [d.date for d in res.deadlines] == [f"2024-{k:02d}-{[31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][k - 1]}"
                                               for k in range(1, 13)]
    assert len(res.tables) == 1 and res.tables[0].unparsed == []


@pytest.mark.parametrize("header", [
    ["序号", "重点工作任务", "具体工作措施", "牵头责任单位", "协同部门", "时间安排"],
    ["序号", "工作事项", "工作内容", "责任部门", "完成节点"],
    ["序号", "主要任务", "工作措施", "牵头单位", "完成时限"],
])
def test_header_vocabulary_of_task_tables(tmp_path: Path, header: list[str]):
    row = ["1", "推进秸秆综合利用", "完善秸秆收储运体系，推进秸秆肥料化、饲料化利用。", "县农业农村局",
           "各乡镇人民政府", "2024年底前"][: len(header)]
    row[-1] = "2024年底前"
    res = extract(_text_doc(tmp_path, tika("附件  工作任务分工表", [header, row])))
    (t,) = [t for t in res.tasks if t.table]
    assert (res.tables[0].kind, t.title, t.text[:9]) == ("tasks", "推进秸秆综合利用", "完善秸秆收储运体系")
    assert res.responsibilities[0].units == ["县农业农村局"]
    assert [(d.date, d.kind) for d in res.deadlines] == [("2024-12-31", "by")]


def _count_findings(tmp_path: Path, lead: str) -> list:
    from extractor.audit import run

    p = tmp_path / "plan.txt"
    p.write_text("某县支持绿色发展改革举措推广方案\n\n一、推广内容\n\n" + lead + "\n\n"
                 + tika("附件  支持绿色发展改革举措清单", [MEASURES_HEADER, *MEASURES]) + "\n二、保障措施\n",
                 encoding="utf-8")
    return [f for f in run(extract(p)) if f.check == "count.tasks"]


def test_announced_task_counts_are_checked_against_the_task_table(tmp_path: Path):
    """"共5项改革举措" and "（一）…方面3项" agree with the measure list: no finding; announcing 6
    in all, or 3 in a 方面 whose divider holds 2, is an error citing the sentence and the table."""
    assert _count_findings(tmp_path, "本次推广支持绿色发展改革举措共5项改革举措，其中：（一）生态环境治理方面3项。") == []
    (total,) = _count_findings(tmp_path, "本次推广支持绿色发展改革举措共6项改革举措。")
    assert total.severity == "error" and "6" in total.message and "5" in total.message
    (part,) = _count_findings(tmp_path, "本次推广共5项改革举措，其中：\n\n（二）绿色金融方面3项：")
    assert "绿色金融方面" in part.message and "3" in part.message and "2" in part.message
