"""The .docx reader: numbering labels from numbering.xml, styles and outline levels, merged-cell
grids, offsets into the extracted text, excluded parts, and clean errors for broken packages."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractor.errors import PlanxError
from extractor.readers import read
from extractor.readers.docx import read_docx
from extractor.readers.docx_numbering import FORMATS

from conftest import FIXTURES

PLAN = FIXTURES / "plan_numbering.docx"


@pytest.fixture(scope="module")
def doc():
    return read_docx(PLAN)


def test_every_label_is_rendered_from_numbering_xml(doc):
    got = [(b.label, b.text[:6]) for b in doc.blocks if b.label]
    assert got == [
        ("一、", "总体要求"), ("（一）", "指导思想"), ("（二）", "主要目标"),
        ("二、", "主要任务"), ("（一）", "深入打好蓝天"), ("1.", "加强组织领导"), ("2.", "推进工业源治"),
        ("①", "开展涉气企业"), ("②", "建立问题整改"), ("3.", "强化移动源管"),
        ("（二）", "着力打好碧水"), ("1.", "保障饮用水安"), ("2.", "推进污水管网"),  # "1." restarts under （二）
        ("三、", "保障措施"),
        ("1.", "健全工作机制"), ("2.", "加大资金投入"), ("3.", "严格考核评估"),  # num 3 continues num 2
        ("1.", "加强宣传引导"), ("2.", "鼓励公众参与"),  # num 4: startOverride restarts the list
        ("第十章", "附则"), ("10.1", "本规划自印发"), ("10.2", "本规划由市生"),  # start 10; isLgl → decimal
        ("甲、", "近期"), ("A)", "完成规划编制"), ("乙、", "远期"), ("B)", "完成中期评估"),  # lvlRestart 0
    ]


def test_label_is_printed_in_the_text_but_not_in_the_block(doc):
    b = next(b for b in doc.blocks if b.label == "（一）")
    assert b.text == "指导思想"
    assert doc.text[b.start - 3:b.end] == "（一）指导思想"  # suffix "nothing": no space
    item = next(b for b in doc.blocks if b.label == "1.")
    assert doc.text[item.start - 3:item.start] == "1. "  # suffix tab (the default): one space


def test_styles_outline_levels_and_heading_hints(doc):
    by_text = {b.text: b for b in doc.blocks if b.kind == "paragraph"}
    assert by_text["总体要求"].style == "Heading 1" and by_text["总体要求"].outline_level == 1
    assert by_text["指导思想"].style == "Heading 2" and by_text["指导思想"].outline_level == 2
    assert by_text["附件：指标解释"].outline_level == 2 and by_text["附件：指标解释"].heading_hint
    assert by_text["主要指标见表1。"].outline_level is None and not by_text["主要指标见表1。"].heading_hint
    assert by_text["某市生态环境保护“十四五”规划"].style == "Title"


def test_headers_footers_text_boxes_and_field_codes_are_left_out(doc):
    assert "某市生态环境局文件" not in doc.text and "— 1 —" not in doc.text
    assert "文本框" not in doc.text
    assert "REF" not in doc.text and "主要指标见表1。" in doc.text


def test_blocks_and_cells_point_into_the_text(doc):
    for b in doc.blocks:
        assert b.line == doc.line_of(b.start)
        if b.kind == "paragraph":
            assert "".join(doc.text[o] for o in b.offsets) == b.text
            assert (b.start, b.end) == (b.offsets[0], b.offsets[-1] + 1)
        else:
            for c in b.table.cells():
                assert "".join(doc.text[o] for o in c.offsets) == c.text
                if c.text:
                    assert c.line == doc.line_of(c.offsets[0])


def _shape(table):
    return [[(c.text, c.rowspan, c.colspan, c.merged) for c in row] for row in table.rows]


def test_merged_cells_resolve_to_a_full_grid(doc):
    ind, proj = [b.table for b in doc.blocks if b.kind == "table"]
    assert ind.grid and len(ind.rows) == 12 and {len(r) for r in ind.rows} == {8}
    s = _shape(ind)
    assert s[0] == [("领域", 2, 1, None), ("序号", 2, 1, None), ("指标名称", 2, 1, None), ("单位", 2, 1, None),
                    ("现状值", 1, 1, None), ("目标值", 1, 2, None), ("", 1, 1, "h"), ("指标属性", 2, 1, None)]
    assert s[1] == [("", 1, 1, "v")] * 4 + [("2020年", 1, 1, None), ("2025年", 1, 1, None),
                                            ("2030年", 1, 1, None), ("", 1, 1, "v")]
    assert s[2][0] == ("生态环境质量", 4, 1, None) and [r[0] for r in s[3:6]] == [("", 1, 1, "v")] * 3
    assert s[4][5:7] == [("完成省下达任务", 1, 2, None), ("", 1, 1, "h")]
    assert s[6][0] == ("生态保护", 3, 1, None) and s[9][0] == ("应对气候变化", 2, 1, None)
    assert s[11][0][2] == 8 and all(c[3] == "h" for c in s[11][1:])
    assert [(c.row, c.col) for c in ind.rows[3]] == [(3, k) for k in range(8)]
    # a nested table is flattened into its cell; a two-paragraph cell keeps its line break
    assert proj.rows[3][2].text == "主要内容：\n烧结机脱硫脱硝\n2台\n料场全封闭\n3处"
    assert proj.rows[1][2].text == "新建污水管网45公里\n改造雨污合流管网30公里"


@pytest.mark.parametrize("fmt, n, want", [
    ("chineseCounting", 1, "一"), ("chineseCounting", 10, "十"), ("chineseCounting", 11, "十一"),
    ("chineseCounting", 20, "二十"), ("chineseCounting", 99, "九十九"), ("chineseCounting", 105, "一〇五"),
    ("chineseCountingThousand", 10, "十"), ("chineseCountingThousand", 21, "二十一"),
    ("chineseCountingThousand", 105, "一百〇五"), ("chineseCountingThousand", 110, "一百一十"),
    ("chineseCountingThousand", 1234, "一千二百三十四"), ("chineseLegalSimplified", 12, "壹拾贰"),
    ("ideographTraditional", 3, "丙"), ("decimalEnclosedCircle", 20, "⑳"), ("decimalEnclosedCircle", 21, "21"),
    ("upperLetter", 27, "AA"), ("lowerRoman", 14, "xiv"), ("decimalZero", 7, "07"),
    ("decimalFullWidth", 12, "１２"),
])
def test_number_formats(fmt, n, want):
    assert FORMATS[fmt](n) == want


def _zip(parts: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return buf.getvalue()


def _with_part(name: str, data: bytes) -> bytes:
    src = zipfile.ZipFile(PLAN)
    return _zip({**{n: src.read(n) for n in src.namelist()}, name: data})


@pytest.mark.parametrize("make, cause", [
    (lambda: (FIXTURES / "corrupt.docx").read_bytes(), r"corrupt \.docx.*zip"),
    (lambda: b"just text, not a zip", r"not a \.docx \(not a zip"),
    (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500) + "EncryptedPackage".encode("utf-16-le"),
     r"encrypted \.docx"),
    (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), r"legacy Word \.doc"),
    (lambda: _zip({"[Content_Types].xml": b"<Types/>"}), r"missing word/document\.xml"),
    (lambda: _with_part("word/document.xml", b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'),
     r"declares a DTD"),
    (lambda: _with_part("word/document.xml", b"<w:document"), r"corrupt \.docx"),
])
def test_broken_packages_give_one_line_errors(tmp_path: Path, make, cause):
    path = tmp_path / "bad.docx"
    path.write_bytes(make())
    with pytest.raises(PlanxError, match=cause) as e:
        read(path)
    assert "\n" not in str(e.value) and str(path) in str(e.value)


_CHARS = st.sampled_from(list("生态环境保护规划指标到年完成一二三、，。：；（）%≥≤0123456789abcXYZ-—/“”"))
_PARA = st.text(alphabet=_CHARS, min_size=1, max_size=40)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(st.lists(_PARA, min_size=1, max_size=12))
def test_paragraphs_come_back_verbatim_and_in_order(tmp_path: Path, paras: list[str]):
    import docx

    d = docx.Document()
    for p in paras:
        d.add_paragraph(p)
    path = tmp_path / "prop.docx"
    d.save(path)
    doc = read_docx(path)
    assert [b.text for b in doc.blocks] == paras
    assert doc.text == "\n".join(paras)
