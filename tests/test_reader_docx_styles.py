"""Real Word/WPS .docx habits: heading numbers from numbering attached to the heading *styles*
(a multi-level decimal list "1 / 5.1 / 5.1.1", some styles naming their level, some found
through the level's pStyle link, one inheriting through basedOn), and a document title set in a
text box or a one-cell table at the top of the first page."""
from __future__ import annotations

from pathlib import Path

import pytest

from extractor import extract
from extractor.readers.docx import read_docx

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

NUMBERING = f"""<w:numbering xmlns:w="{W_NS}">
<w:abstractNum w:abstractNumId="7"><w:multiLevelType w:val="multilevel"/>
 <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:pStyle w:val="Heading1"/>
  <w:suff w:val="space"/><w:lvlText w:val="%1"/></w:lvl>
 <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:pStyle w:val="Heading2"/>
  <w:suff w:val="space"/><w:lvlText w:val="%1.%2"/></w:lvl>
 <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:pStyle w:val="WpsHeading3"/>
  <w:suff w:val="space"/><w:lvlText w:val="%1.%2.%3."/></w:lvl>
</w:abstractNum>
<w:num w:numId="3"><w:abstractNumId w:val="7"/></w:num>
</w:numbering>"""

# (style, text) — Heading 1/2 carry the outline numbering; "WpsHeading3" is based on a style
# that names numId 3 without a level (its level comes from the lvl's pStyle link)
BODY = [
    ("Heading 1", "总则"),
    ("Normal", "为推进生态文明建设，制定本规划。"),
    ("Heading 1", "现状与形势"),
    ("Heading 2", "发展基础"),
    ("WPS Heading 3", "生态环境质量"),
    ("Normal", "全市空气质量优良天数比率达到85.2%。"),
    ("WPS Heading 3", "污染治理"),
    ("Heading 2", "面临形势"),
    ("Heading 1", "主要任务"),
    ("Heading 2", "大气污染防治"),
    ("WPS Heading 3", "工业源治理"),
    ("Normal", "2023年底前完成钢铁行业超低排放改造。"),
]
LABELS = ["1", "2", "2.1", "2.1.1.", "2.1.2.", "2.2", "3", "3.1", "3.1.1."]


def _styled_doc(path: Path, title_in: str | None = None) -> Path:
    import docx
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml import parse_xml

    d = docx.Document()
    d.part.numbering_part._element = parse_xml(NUMBERING)
    for name, ilvl in (("Heading 1", None), ("Heading 2", 1)):
        ppr = d.styles[name].element.get_or_add_pPr()
        lvl = f'<w:ilvl w:val="{ilvl}"/>' if ilvl is not None else ""
        ppr.append(parse_xml(f'<w:numPr xmlns:w="{W_NS}">{lvl}<w:numId w:val="3"/></w:numPr>'))
    base = d.styles.add_style("WPS Base", WD_STYLE_TYPE.PARAGRAPH)
    base.element.get_or_add_pPr().append(parse_xml(f'<w:numPr xmlns:w="{W_NS}"><w:numId w:val="3"/></w:numPr>'))
    h3 = d.styles.add_style("WPS Heading 3", WD_STYLE_TYPE.PARAGRAPH)
    h3.base_style = base
    h3.element.set(f"{{{W_NS}}}styleId", "WpsHeading3")
    if title_in == "table":
        t = d.add_table(rows=1, cols=1)
        t.cell(0, 0).paragraphs[0].text = "某市生态环境保护“十四五”规划"
        t.cell(0, 0).add_paragraph("（2021—2025年）")
    elif title_in == "textbox":
        p = d.add_paragraph()
        p._p.append(parse_xml(
            f'<w:r xmlns:w="{W_NS}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
            f'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
            f'xmlns:v="urn:schemas-microsoft-com:vml"><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>'
            f'<wps:wsp><wps:txbx><w:txbxContent><w:p><w:r><w:t>某市生态环境保护“十四五”规划</w:t></w:r></w:p>'
            f'</w:txbxContent></wps:txbx></wps:wsp></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox>'
            f'<w:txbxContent><w:p><w:r><w:t>某市生态环境保护“十四五”规划</w:t></w:r></w:p></w:txbxContent>'
            f'</v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>'))
    for style, text in BODY:
        d.add_paragraph(text, style=style)
    d.save(path)
    return path


def test_numbering_attached_to_heading_styles_is_rendered(tmp_path):
    doc = read_docx(_styled_doc(tmp_path / "styled.docx"))
    assert [b.label for b in doc.blocks if b.label] == LABELS
    first = next(b for b in doc.blocks if b.label == "2.1.1.")
    assert doc.text[first.start - 7:first.end] == "2.1.1. 生态环境质量"


def test_style_numbered_headings_become_the_section_tree(tmp_path):
    res = extract(_styled_doc(tmp_path / "styled.docx"))
    got = [(s.number, s.title, s.level) for s in res.sections]
    assert got == [("1", "总则", 1), ("2", "现状与形势", 1), ("2.1", "发展基础", 2), ("2.1.1.", "生态环境质量", 3),
                   ("2.1.2.", "污染治理", 3), ("2.2", "面临形势", 2), ("3", "主要任务", 1), ("3.1", "大气污染防治", 2),
                   ("3.1.1.", "工业源治理", 3)]
    assert res.sections[3].path == ["现状与形势", "发展基础", "生态环境质量"]


def test_a_bare_number_in_plain_text_is_no_heading(tmp_path):
    """"1" is a label only when Word rendered it: a paragraph typed as "2 个重点项目…" stays text."""
    import docx

    d = docx.Document()
    d.add_paragraph("一、总体要求")
    d.add_paragraph("2 个重点项目已完成")
    d.save(tmp_path / "plain.docx")
    assert [s.title for s in extract(tmp_path / "plain.docx").sections] == ["总体要求"]


@pytest.mark.parametrize("frame", ["table", "textbox"])
def test_a_title_framed_at_the_top_of_the_first_page_is_the_title(tmp_path, frame):
    res = extract(_styled_doc(tmp_path / f"{frame}.docx", frame))
    want = "某市生态环境保护“十四五”规划" + ("（2021—2025年）" if frame == "table" else "")
    assert res.document.title == want
    doc = read_docx(tmp_path / f"{frame}.docx")
    assert doc.blocks[0].kind == "paragraph" and doc.text.count("某市生态环境保护") == 1  # once, not twice
    assert [s.number for s in res.sections][:2] == ["1", "2"]


def test_a_one_cell_table_after_the_opening_is_a_box_not_a_title(tmp_path):
    import docx

    d = docx.Document()
    d.add_paragraph("为推进生态文明建设，结合本市实际，制定本规划。规划期为2021—2025年，展望到2035年，"
                    "明确主要目标、重点任务和保障措施，是全市生态环境保护工作的行动指南。")
    t = d.add_table(rows=1, cols=1)
    t.cell(0, 0).text = "专栏1 重点工程"
    d.save(tmp_path / "box.docx")
    assert [b.kind for b in read_docx(tmp_path / "box.docx").blocks] == ["paragraph", "table"]
