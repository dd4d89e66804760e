"""The web page reader: the article body among page chrome, charsets, <br> lines, layout
tables read through, data tables as span-resolved grids like .docx, and the published pages
of the seeds giving the same document model as their .docx."""
from __future__ import annotations

from pathlib import Path

import pytest

from extractor.errors import PlanxError
from extractor.readers import read
from extractor.readers.html import read_html

from conftest import FIXTURES, block_model

SEEDS = ["000_71534264ba41b2d2", "001_cc391c16966c3b2d", "002_6d72280123f25383", "003_382c057b0d0a3343",
         "004_061c6bf53607da0b"]


def _page(tmp_path: Path, html: str, encoding: str = "utf-8", name: str = "page.html") -> Path:
    p = tmp_path / name
    p.write_bytes(html.encode(encoding))
    return p


def _model(doc) -> list:
    """Paragraph texts and table grids, in order."""
    return [m[2] if isinstance(m, tuple) else m for m in block_model(doc)]


GOV_PAGE = """<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>某市人民政府</title><style>p:before {content: "样式里的字"}</style>
<script>var s = "脚本里的字不是正文";</script></head>
<body><div class="header"><h1>某市人民政府门户网站</h1><ul class="nav"><li><a href="/">首页</a></li>
<li><a href="/a">政务公开</a></li><li><a href="/b">政务服务</a></li><li><a href="/c">互动交流</a></li></ul></div>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/a">政务公开</a></div>
<div class="article"><h2 class="title">某市生态环境保护规划</h2>
<div class="info">发布时间：2023-04-18　来源：市生态环境局</div>
<div class="TRS_Editor"><p>　　一、总体要求</p><p style="text-indent:2em">到2025年，全市空气质量优良天数比率达到87%以上。<br>
到2035年，生态环境根本好转。</p><p>（一）指导思想</p><p>坚持生态优先、绿色发展，统筹污染治理、生态保护和应对气候变化。</p>
<div style="display:none">隐藏的字</div><noscript>请启用脚本</noscript></div>
<div class="bdsharebuttonbox">分享到：<a href="#">微信</a><a href="#">微博</a></div>
<div class="tools">【字号：<a href="#">大</a> <a href="#">中</a> <a href="#">小</a>】【<a href="#">打印</a>】【<a href="#">关闭</a>】</div>
</div><div class="footer"><p>版权所有：某市人民政府办公室　网站标识码：3701000001</p></div></body></html>"""


def test_the_article_body_is_found_among_navigation_share_bars_and_footer(tmp_path):
    doc = read_html(_page(tmp_path, GOV_PAGE, "gb18030"))
    assert _model(doc) == ["某市生态环境保护规划", "发布时间：2023-04-18来源：市生态环境局", "一、总体要求",
                           "到2025年，全市空气质量优良天数比率达到87%以上。", "到2035年，生态环境根本好转。",
                           "（一）指导思想", "坚持生态优先、绿色发展，统筹污染治理、生态保护和应对气候变化。"]
    assert doc.blocks[0].outline_level == 2 and doc.blocks[0].heading_hint  # the article's <h2> title
    for word in ("脚本", "样式", "隐藏", "首页", "分享", "字号", "版权", "门户网站", "请启用"):
        assert word not in doc.text
    assert doc.format == "html"


def test_block_offsets_point_into_the_document_text(tmp_path):
    doc = read_html(_page(tmp_path, GOV_PAGE, "gb18030"))
    for b in doc.blocks:
        assert "".join(doc.text[o] for o in b.offsets) == b.text
        assert (b.start, b.end) == (b.offsets[0], b.offsets[-1] + 1)


@pytest.mark.parametrize("declared,encoding", [("gb2312", "gb18030"), ("GBK", "gb18030"), (None, "gb18030"),
                                               ("utf-8", "gb18030"), (None, "utf-8")])
def test_charset_from_the_declaration_or_by_detection(tmp_path, declared, encoding):
    """GB2312/GBK declared, GBK undeclared, GBK wrongly declared as UTF-8, plain UTF-8; a GBK-only
    character (镕) and one outside GB2312 (珺) survive."""
    meta = f'<meta http-equiv="Content-Type" content="text/html; charset={declared}">' if declared else ""
    page = f"<html><head>{meta}</head><body><p>朱镕基与王珺主持召开生态环境保护工作会议，部署重点任务。</p></body></html>"
    doc = read_html(_page(tmp_path, page, encoding))
    assert doc.blocks[0].text == "朱镕基与王珺主持召开生态环境保护工作会议，部署重点任务。"


def test_br_breaks_lines_and_whitespace_collapses_as_in_a_browser(tmp_path):
    page = ("<div><p>第一行&nbsp;&nbsp;文字<br/>第二行\n   文字<br><br>第三行</p>"
            "<p>  　　缩进的段落  </p><pre>保留</pre></div>")
    doc = read_html(_page(tmp_path, page))
    assert [b.text for b in doc.blocks] == ["第一行 文字", "第二行 文字", "第三行", "缩进的段落", "保留"]


LAYOUT = """<html><body><table width="1000"><tr><td colspan="2"><ul class="nav"><li><a href="/">首页</a></li>
<li><a href="/x">政务公开</a></li></ul></td></tr>
<tr><td width="200"><div class="leftmenu"><p><a href="/1">区政府文件</a></p><p><a href="/2">政策解读</a></p></div></td>
<td><p>表1 主要指标</p>
<table border="1"><thead><tr><th rowspan="2">序号</th><th rowspan="2">指标</th><th colspan="2">目标值</th></tr>
<tr><th>2025年</th><th>2035年</th></tr></thead>
<tbody><tr><td>1</td><td>空气质量优良天数比率（%）</td><td>87</td><td>90</td></tr>
<tr><td>2</td><td>森林覆盖率（%）<br>其中：城区</td><td colspan="2">稳定</td></tr>
<tr><td rowspan="0">合计</td><td>—</td><td></td><td>—</td></tr><tr><td>备注</td><td>x</td></tr></tbody></table>
<p>坚持生态优先、绿色发展，统筹污染治理、生态保护和应对气候变化，全面推进美丽城市建设。</p>
<p>到2025年，全市生态环境质量持续改善，主要污染物排放总量持续减少。</p></td></tr></table></body></html>"""


def test_a_layout_table_is_read_through_and_a_nested_data_table_becomes_a_grid(tmp_path):
    doc = read_html(_page(tmp_path, LAYOUT))
    kinds = [b.kind for b in doc.blocks]
    assert kinds == ["paragraph", "table", "paragraph", "paragraph"]
    assert doc.blocks[0].text == "表1主要指标"  # a space between Han and digit is dropped, as for .docx
    grid = _model(doc)[1]
    assert grid == [
        [("序号", 2, 1, None), ("指标", 2, 1, None), ("目标值", 1, 2, None), ("", 1, 1, "h")],
        [("", 1, 1, "v"), ("", 1, 1, "v"), ("2025年", 1, 1, None), ("2035年", 1, 1, None)],
        [("1", 1, 1, None), ("空气质量优良天数比率（%）", 1, 1, None), ("87", 1, 1, None), ("90", 1, 1, None)],
        [("2", 1, 1, None), ("森林覆盖率（%）\n其中：城区", 1, 1, None), ("稳定", 1, 2, None), ("", 1, 1, "h")],
        [("合计", 2, 1, None), ("—", 1, 1, None), ("", 1, 1, None), ("—", 1, 1, None)],  # rowspan=0: to the group's end
        [("", 1, 1, "v"), ("备注", 1, 1, None), ("x", 1, 1, None), ("", 1, 1, None)],
    ]
    table = doc.blocks[1].table
    assert table.grid and all(len(r) == 4 for r in table.rows)
    assert "首页" not in doc.text and "区政府文件" not in doc.text


def test_the_table_text_is_laid_out_as_for_docx(tmp_path):
    """A TAB-led line per cell origin, an empty TAB line per vertically merged position, rows
    separated by an empty line."""
    doc = read_html(_page(tmp_path, "<table><tr><td rowspan='2'>甲</td><td>乙</td></tr><tr><td>丙</td></tr></table>"))
    assert doc.text == "\t甲\n\t乙\n\n\t\n\t丙\n\n"


@pytest.mark.parametrize("stem", SEEDS)
def test_published_pages_give_the_document_model_of_the_docx(stem):
    """The seeds' web pages (gov page styles: layout table + GB2312, HTML5 with share bar, GBK
    with <br> paragraphs and bold headings, a bare fragment, ArticleTitle meta) read as the
    .docx renditions do: the same paragraphs and the same table grids."""
    html = read(FIXTURES / "formats" / f"{stem}.html")
    docx = read(FIXTURES / "renditions" / f"{stem}.docx")
    got, want = _model(html), _model(docx)
    if stem.startswith("004"):  # the page's ArticleTitle (no heading before the body) comes first
        assert got[0].startswith("济南市历下区人民政府关于印发")
        got = got[1:]
    want = [w.replace("\t", " ") if isinstance(w, str) else w for w in want]  # a tab is white space in HTML
    assert got == want


@pytest.mark.parametrize("page,cause", [("", "empty"), ("   \n ", "empty"),
                                        ("<html><body><script>var a=1;</script></body></html>", "no text")])
def test_pages_without_text_get_one_line(tmp_path, page, cause):
    with pytest.raises(PlanxError, match=cause):
        read(_page(tmp_path, page or "\n", name="x.htm"))
