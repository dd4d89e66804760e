"""PDF tables as the text export gives them: a table over three pages (repeated header rows,
rows and merged cells cut by the page breaks), a continuation whose cells split differently,
three-line and row-ruled tables, a 专栏 box over a page break — small synthetic PDFs drawn at
known positions (tests/pdf_synth.py); records and cell accounting checked."""
from __future__ import annotations

from pathlib import Path

import pytest

from extractor import extract
from extractor.readers.pdf import read_pdf
from pdf_synth import Sheet, cells_of, table_part

HEAD = (1, ["领域", "序号", "指标名称", "单位", "2020年", "2025年", "指标属性"])
WIDTHS = [40, 24, 110, 36, 44, 44, 44]  # 指标名称: 11 characters a line, 2025年: 4


def _tables(path: Path):
    return [b for b in read_pdf(path).blocks if b.kind == "table"]


def _indicators(path: Path) -> list[tuple]:
    res = extract(path)
    return [(r.domain, r.seq, r.group, r.name, r.unit, r.baseline.value if r.baseline else None,
             r.targets.get("2025"), r.attribute) for r in res.indicators]


def _accounted(path: Path) -> None:
    """Every table cell reached a record field, a header, a footnote or ``unparsed``."""
    res = extract(path)
    assert all(not t.unparsed for t in res.tables if t.kind in ("indicators", "projects"))


@pytest.fixture(scope="module")
def three_pages(tmp_path_factory) -> Path:
    s = Sheet()
    y = s.paragraph(40, ["表1  主要指标"])
    table_part(s, y + 4, 40, WIDTHS, [
        HEAD,
        (1, ["生态环境", "1", "空气质量优良天数比率", "%", "85.2", "≥87", "约束性"]),
        (1, [None, "2", "细颗粒物浓度", "微克", "38", "≤33", "约束性"]),
        (1, [None, "3", "地表水达到或好于Ⅲ类水", "%", "80", "完成省下", "约束性"]),  # cut by the break
    ], n_head=1)
    s.new_page()
    table_part(s, 40, 40, WIDTHS, [
        HEAD,  # repeated header row
        (1, [None, "", "体比例", "", "", "达任务", ""]),  # the tail of row 3
        (1, [None, "4", "饮用水水源地水质达标率", "%", "100", "100", "约束性"]),
        (1, ["生态保护", "5", "森林覆盖率", "%", "40.1", "≥41", "预期性"]),
    ], n_head=1)
    s.new_page()
    table_part(s, 40, 40, WIDTHS, [
        HEAD,
        (1, [None, "6", "生态保护红线面积", "平方公里", "120", "不减少", "约束性"]),
        (1, [None, "7", "自然保护地面积占比", "%", "12.5", "≥13", "预期性"]),
    ], n_head=1)
    s.paragraph(160, ["以上指标到2025年完成。"])
    return s.save(tmp_path_factory.mktemp("pdf") / "three_pages.pdf")


def test_a_table_over_three_pages_is_one_table(three_pages):
    tables = _tables(three_pages)
    assert len(tables) == 1 and tables[0].page == 1
    rows = cells_of(tables[0].table)
    assert rows[0] == ["领域", "序号", "指标名称", "单位", "2020年", "2025年", "指标属性"]
    assert sum(r == rows[0] for r in rows) == 1  # the repeated header rows are gone
    assert [r[1] for r in rows[1:]] == ["1", "2", "3", "4", "5", "6", "7"]
    assert rows[3][2] == "地表水达到或好于Ⅲ类水体比例" and rows[3][5] == "完成省下达任务"  # the cut row, whole
    assert [r[0] for r in rows[1:]] == ["生态环境", "^", "^", "^", "生态保护", "^", "^"]  # merges over the breaks
    pages = {c.text: c.page for r in tables[0].table.rows for c in r if c.text}
    assert pages["2"] == 1 and pages["4"] == 2 and pages["7"] == 3


def test_a_table_over_three_pages_gives_its_records(three_pages):
    assert _indicators(three_pages) == [
        ("生态环境", "1", None, "空气质量优良天数比率", "%", "85.2", "≥87", "约束性"),
        ("生态环境", "2", None, "细颗粒物浓度", "微克", "38", "≤33", "约束性"),
        ("生态环境", "3", None, "地表水达到或好于Ⅲ类水体比例", "%", "80", "完成省下达任务", "约束性"),
        ("生态环境", "4", None, "饮用水水源地水质达标率", "%", "100", "100", "约束性"),
        ("生态保护", "5", None, "森林覆盖率", "%", "40.1", "≥41", "预期性"),
        ("生态保护", "6", None, "生态保护红线面积", "平方公里", "120", "不减少", "约束性"),
        ("生态保护", "7", None, "自然保护地面积占比", "%", "12.5", "≥13", "预期性"),
    ]
    _accounted(three_pages)


def test_a_continuation_whose_cells_split_differently_keeps_its_columns(tmp_path):
    """Page 1: one name cell over the group and name grid columns; page 2: group + name."""
    widths = [24, 50, 70, 36, 44, 44]
    head = (1, ["序号", "指标名称", "<", "单位", "现状值", "2025年"])
    s = Sheet()
    table_part(s, 40, 40, widths, [
        head,
        (1, ["1", "森林覆盖率", "<", "%", "40.1", "≥41"]),
        (1, ["2", "湿地保护率", "<", "%", "52", "≥55"]),
    ], n_head=1)
    s.new_page()
    table_part(s, 40, 40, widths, [
        (1, ["3", "环境空气", "优良天数比率", "%", "85.2", "≥87"]),
        (1, [None, None, "细颗粒物浓度", "微克", "38", "≤33"]),
        (1, ["4", "水环境", "Ⅲ类水体比例", "%", "80", "≥85"]),
    ])
    path = s.save(tmp_path / "split_differently.pdf")
    tables = _tables(path)
    assert len(tables) == 1
    got = [(r[1], r[2], r[3], r[5], r[6]) for r in _indicators(path)]
    assert got == [("1", None, "森林覆盖率", "40.1", "≥41"), ("2", None, "湿地保护率", "52", "≥55"),
                   ("3", "环境空气", "优良天数比率", "85.2", "≥87"), ("3", "环境空气", "细颗粒物浓度", "38", "≤33"),
                   ("4", "水环境", "Ⅲ类水体比例", "80", "≥85")]


@pytest.mark.parametrize("rules", ["three", "rows"])
def test_tables_ruled_by_horizontal_lines_only(tmp_path, rules):
    """A three-line table (rules over and under the header and under the table) and a table
    with a rule under every row, over a page break with its header repeated: columns from
    where the texts stand, rows from the rules or from the text."""
    widths = [90, 36, 50, 50, 44]
    head = (1, ["指标名称", "单位", "2020年", "2025年", "指标属性"])
    s = Sheet()
    y = s.paragraph(40, ["表2  生态环境指标"])
    table_part(s, y + 4, 40, widths, [
        head,
        (2, ["单位地区生产总值\n能耗降低", "%", "—", "完成省下\n达任务", "约束性"]),
        (1, ["森林覆盖率", "%", "40.1", "≥41", "预期性"]),
    ], rules=rules, n_head=1, last=False)
    s.new_page()
    table_part(s, 40, 40, widths, [
        head,
        (1, ["城市污水处理率", "%", "95", "≥97", "约束性"]),
        (1, ["地表水达标率", "%", "80", "100", "约束性"]),
    ], rules=rules, n_head=1)
    path = s.save(tmp_path / f"{rules}.pdf")
    tables = _tables(path)
    assert len(tables) == 1
    rows = cells_of(tables[0].table)
    assert rows[0] == ["指标名称", "单位", "2020年", "2025年", "指标属性"]
    assert [r[0] for r in rows[1:]] == ["单位地区生产总值能耗降低", "森林覆盖率", "城市污水处理率", "地表水达标率"]
    assert [r[3] for r in rows[1:]] == ["完成省下达任务", "≥41", "≥97", "100"]
    assert [r[3] for r in _indicators(path)] == ["单位地区生产总值能耗降低", "森林覆盖率", "城市污水处理率", "地表水达标率"]
    _accounted(path)


def test_a_box_over_a_page_break_is_one_box(tmp_path):
    """A 专栏 box (one ruled cell) cut by a page break in the middle of an item."""
    s = Sheet()
    s.paragraph(40, ["（一）推进重点工程建设。"])
    table_part(s, 70, 40, [340], [
        (4, ["专栏1  生态保护重大工程\n1.山体修复工程。对破损山体进行修复，\n（1）东山修复工程。修复面积120公顷。\n"
             "（2）西山修复工程。修复面积80公顷，"]),
    ])
    s.new_page()
    table_part(s, 40, 40, [340], [
        (2, ["建设生态廊道3公里。\n2.湿地保护工程。新建湿地公园2处。"]),
    ])
    s.paragraph(100, ["（二）强化保障。"])
    path = s.save(tmp_path / "box.pdf")
    assert len(_tables(path)) == 1
    res = extract(path)
    got = [(p.parent, p.name, p.content) for p in res.projects]
    assert got == [("山体修复工程", "东山修复工程", "修复面积120公顷。"),
                   ("山体修复工程", "西山修复工程", "修复面积80公顷，建设生态廊道3公里。"),
                   (None, "湿地保护工程", "新建湿地公园2处。")]


def test_a_table_without_rules_reads_from_the_text_positions(tmp_path):
    widths = [100, 36, 50, 50, 44]
    s = Sheet()
    y = s.paragraph(40, ["表3  主要指标（无框线）", "各项指标如下表所示，均为预期性指标或约束性指标。"])
    y = table_part(s, y + 6, 40, widths, [
        (1, ["指标名称", "单位", "2020年", "2025年", "指标属性"]),
        (2, ["单位地区生产总值能\n耗降低", "%", "—", "完成省下\n达任务", "约束性"]),
        (1, ["森林覆盖率", "%", "40.1", "≥41", "预期性"]),
        (1, ["城市污水处理率", "%", "95", "≥97", "约束性"]),
    ], rules="none")
    s.paragraph(y + 20, ["上述指标纳入年度考核，由各责任单位按照职责分工抓好落实，确保按期完成。"])
    path = s.save(tmp_path / "unruled.pdf")
    tables = _tables(path)
    assert len(tables) == 1
    rows = cells_of(tables[0].table)
    assert rows == [["指标名称", "单位", "2020年", "2025年", "指标属性"],
                    ["单位地区生产总值能耗降低", "%", "—", "完成省下达任务", "约束性"],
                    ["森林覆盖率", "%", "40.1", "≥41", "预期性"],
                    ["城市污水处理率", "%", "95", "≥97", "约束性"]]
    paras = [b.text for b in read_pdf(path).blocks if b.kind == "paragraph"]
    assert paras[-1].startswith("上述指标纳入年度考核") and "森林覆盖率" not in " ".join(paras)
    _accounted(path)


def test_a_box_beside_the_text_leaves_the_paragraph_whole(tmp_path):
    """A 专栏 box floated right of a paragraph that flows past it and on under it."""
    s = Sheet()
    s.paragraph(40, ["（一）推进重点工程。"])
    left = ["加快推进山体修复和湿地保护，", "统筹实施一批生态保护重大工程，", "完善项目储备和动态调整机制，",
            "确保工程按期建成并发挥效益，"]
    s.paragraph(62, left, size=10)  # 15 characters: up to the box
    table_part(s, 60, 210, [170], [(4, ["专栏1  生态保护重大工程\n1.山体修复工程。修复山体\n120公顷。\n"
                                       "2.湿地保护工程。新建湿地2处。"])])
    s.paragraph(122, ["强化资金保障和考核评估，形成全过程闭环管理，推动规划目标任务落地见效。"], size=10)
    s.paragraph(160, ["（二）强化保障。"])
    path = s.save(tmp_path / "beside.pdf")
    doc = read_pdf(path)
    kinds = [(b.kind, b.text[:6]) for b in doc.blocks]
    assert kinds == [("paragraph", "（一）推进重"), ("paragraph", "加快推进山体"), ("table", "专栏1生态保"),
                     ("paragraph", "（二）强化保")]
    para = doc.blocks[1].text
    assert para.startswith("加快推进山体修复") and para.endswith("推动规划目标任务落地见效。")
    res = extract(path)
    assert [(p.name, p.content) for p in res.projects] == [("山体修复工程", "修复山体120公顷。"),
                                                          ("湿地保护工程", "新建湿地2处。")]


FIRST = [["序号", "指标名称", "单位", "目标值"], ["1", "森林覆盖率", "%", "≥41"], ["2", "城市污水处理率", "%", "≥97"]]
SECOND = [["序号", "项目名称", "期限", "责任单位"], ["1", "污水管网改造工程", "2023年", "市住房城乡建设局"]]
BETWEEN = ["二、主要任务", "（1）加强组织领导。成立大气污染防治工作专班，统筹推进重点行业深度治理，",
           "持续开展挥发性有机物综合治理。", "表2  重点工程项目表"]  # the second line runs the text width


def _two_tables(tmp_path: Path, draw, between: list[str]) -> None:
    """``draw(sheet, top, rows)`` draws FIRST, then ``between`` as paragraphs, then SECOND: two
    tables with their cells, the text between them as paragraphs."""
    s = Sheet()
    y = s.paragraph(draw(s, 40, FIRST) + 16, between)
    draw(s, y + 6, SECOND)
    doc = read_pdf(s.save(tmp_path / "two.pdf"))
    kinds = [b.kind for b in doc.blocks]
    assert kinds[0] == kinds[-1] == "table" and set(kinds[1:-1]) == {"paragraph"}
    assert "".join(b.text for b in doc.blocks[1:-1]) == "".join("".join(between).split())
    assert [cells_of(b.table) for b in doc.blocks if b.kind == "table"] == [FIRST, SECOND]


def _overhanging_grid(s: Sheet, top: float, rows: list[list[str]], overhang: float = 2.5) -> float:
    """A fully ruled table whose horizontal rules run ``overhang`` points past its outer vertical
    rules (as a scan's rules, lengthened so that they meet, or a border drawn past the frame)."""
    xs = [40.0]
    for w in [40, 150, 60, 90]:
        xs.append(xs[-1] + w)
    ys = [top + 20.0 * r for r in range(len(rows) + 1)]
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            s.text(xs[c] + 4, ys[r] + 5.5, text)
    for y in ys:
        s.hline(xs[0] - overhang, xs[-1] + overhang, y)
    for x in xs:
        s.vline(x, ys[0], ys[-1])
    return ys[-1]


def test_rules_running_past_a_ruled_table_frame_nothing_else(tmp_path):
    """Two ruled tables of one width on a page, their rules running a little past the frame, a
    heading and a caption between them: two tables, the heading and caption stay paragraphs."""
    _two_tables(tmp_path, _overhanging_grid, [BETWEEN[0], BETWEEN[-1]])


@pytest.mark.parametrize("rules", ["three", "rows"])
@pytest.mark.parametrize("widths", [[40, 150, 60, 90], [40, 130, 50, 80]], ids=["text-width", "narrower"])
def test_two_tables_ruled_by_horizontal_lines_keep_the_text_between_them(tmp_path, rules, widths):
    """Two tables of one width ruled by horizontal lines only on one page (their rules share both
    ends), a paragraph and a caption between them: two tables, the text stays paragraphs."""
    _two_tables(tmp_path, lambda s, top, rows: table_part(s, top, 40, widths, [(1, r) for r in rows], rules=rules,
                                                          n_head=1), BETWEEN)
