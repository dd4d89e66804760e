"""The .pdf reader: page furniture removed, page provenance, paragraphs rejoined over page
breaks, fake bold de-duplicated, ruled tables as merged-cell grids, clean errors."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.errors import PlanxError
from extractor.readers import read
from extractor.readers.pdf import read_pdf
from extractor.readers.pdf_layout import Line, remove_furniture

from conftest import FIXTURES

PLAN = FIXTURES / "plan_numbering.pdf"


@pytest.fixture(scope="module")
def doc():
    return read_pdf(PLAN)


def _para(doc, start: str):
    return next(b for b in doc.blocks if b.kind == "paragraph" and b.text.startswith(start))


def test_running_headers_and_page_numbers_are_removed(doc):
    assert len(doc.page_starts) == 4
    assert doc.text.count("某市生态环境保护“十四五”规划") == 1  # the title stays, the running header goes
    for n in range(1, 5):
        assert f"— {n} —" not in doc.text


def test_page_provenance(doc):
    assert doc.page_starts[0] == 0 and doc.page_starts == sorted(doc.page_starts)
    assert _para(doc, "为深入打好").page == 1
    assert _para(doc, "主要指标见表1").page == 2
    assert _para(doc, "二、主要任务").page == 3
    assert _para(doc, "甲、近期").page == 4
    for b in doc.blocks:
        if b.kind == "paragraph":
            assert doc.page_of(b.start) == b.page and b.line == doc.line_of(b.start)
            assert "".join(doc.text[o] for o in b.offsets) == b.text


def test_a_paragraph_crossing_a_page_break_is_rejoined(doc):
    b = _para(doc, "统筹推进")
    assert b.text.endswith("跨页段落到此结束。")
    assert b.text.count("统筹推进“十四五”生态环境保护工作，") == 56
    assert doc.page_of(b.offsets[0]) == 1 and doc.page_of(b.offsets[-1]) == 2


def test_paragraphs_follow_the_line_geometry(doc):
    assert _para(doc, "以习近平").text.endswith("为建设美丽城市奠定坚实基础。")  # three lines, one paragraph
    assert _para(doc, "1. 加强组织领导").text.endswith("（责任单位：市生态环境局）")
    assert _para(doc, "① 开展涉气企业排查").text == "① 开展涉气企业排查。"


def test_font_size_marks_headings(doc):
    assert _para(doc, "一、总体要求").heading_hint and _para(doc, "一、总体要求").font_size == 15
    assert _para(doc, "（一）指导思想").heading_hint
    body = _para(doc, "为深入打好")
    assert body.font_size == 11 and not body.heading_hint


def _shape(table):
    return [[(c.text.replace("\n", ""), c.rowspan, c.colspan, c.merged) for c in row] for row in table.rows]


def test_ruled_tables_are_grids_with_merges(doc):
    tables = [b for b in doc.blocks if b.kind == "table"]
    assert [t.page for t in tables] == [2, 3]  # the indicator table, split over pages 2 and 3, is one table
    rows = _shape(tables[0].table)
    assert rows[0] == [("领域", 2, 1, None), ("序号", 2, 1, None), ("指标名称", 2, 1, None), ("单位", 2, 1, None),
                       ("现状值", 1, 1, None), ("目标值", 1, 2, None), ("", 1, 1, "h"), ("指标属性", 2, 1, None)]
    assert rows[1][:4] == [("", 1, 1, "v")] * 4 and rows[1][4:7] == [("2020年", 1, 1, None), ("2025年", 1, 1, None),
                                                                     ("2030年", 1, 1, None)]
    assert rows[2][0] == ("生态环境质量", 4, 1, None) and rows[3][0] == ("", 1, 1, "v")
    assert rows[4][5:7] == [("完成省下达任务", 1, 2, None), ("", 1, 1, "h")]
    assert rows[9][0] == ("应对气候变化", 2, 1, None) and rows[10][0] == ("", 1, 1, "v")  # the page-3 part
    assert rows[11][0][2] == 8 and rows[11][0][0].startswith("注：")
    assert [c.page for c in tables[0].table.rows[8]] == [2] * 8 and {c.page for r in tables[0].table.rows[9:]
                                                                    for c in r} == {3}
    cell = tables[0].table.rows[3][3]
    assert cell.text == "微克/立方米"  # wrapped at the cell edge: no break
    assert "".join(doc.text[o] for o in cell.offsets) == cell.text
    proj = tables[1].table
    assert proj.rows[0][0].text == "序号"
    assert proj.rows[1][2].text == "新建污水管网45公里\n改造雨污合流管网30公里"  # a line ending early breaks


def test_table_text_is_not_paragraph_text(doc):
    paras = " ".join(b.text for b in doc.blocks if b.kind == "paragraph")
    assert "约束性" not in paras and "城区污水管网改造" not in paras


def test_fake_bold_glyphs_are_deduplicated(tmp_path: Path):
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.setFont("STSong-Light", 14)
    for dx in (0, 0.3):  # fake bold: the same glyphs drawn twice, a hair apart
        c.drawString(72 + dx, 700, "一、总体要求")
    c.setFont("STSong-Light", 11)
    c.drawString(72, 670, "到2025年，空气质量优良天数比率达到87%。")
    c.showPage()
    c.save()
    path = tmp_path / "bold.pdf"
    path.write_bytes(buf.getvalue())
    assert [b.text for b in read_pdf(path).blocks] == ["一、总体要求", "到2025年，空气质量优良天数比率达到87%。"]


def _dedupe_pairwise(chars: list[dict], tol: float = 1.0) -> list[dict]:
    """pdfplumber's rule, pair by pair: a char like one already kept within ``tol`` both ways goes."""
    out: list[dict] = []
    for c in chars:
        if not any(o["text"] == c["text"] and abs(o["x0"] - c["x0"]) <= tol and abs(o["top"] - c["top"]) <= tol
                   and o["fontname"] == c["fontname"] and o["size"] == c["size"] for o in out):
            out.append(c)
    return out


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("一二、的1."), st.floats(0, 40, allow_nan=False),
                          st.floats(0, 40, allow_nan=False), st.sampled_from(["A", "B"]), st.sampled_from([10.0, 12.0])),
                max_size=40),
       st.lists(st.tuples(st.integers(0, 39), st.floats(-1.2, 1.2), st.floats(-1.2, 1.2)), max_size=10))
def test_dedupe_keeps_what_the_pairwise_rule_keeps(base, doubles):
    """Fake bold doubles (copies a hair apart, some just beyond the tolerance) among unrelated
    characters: ``dedupe`` (with its vectorised pass for pages without doubles) drops exactly the
    characters the pairwise rule drops, in order."""
    from extractor.readers.pdf_layout import dedupe

    chars = [{"text": t, "x0": x, "top": y, "fontname": f, "size": s} for t, x, y, f, s in base]
    for k, dx, dy in doubles:
        if k < len(chars):
            c = chars[k]
            chars.append({**c, "x0": c["x0"] + dx, "top": c["top"] + dy})
    assert dedupe(chars) == _dedupe_pairwise(chars)


_GLYPHS = st.tuples(st.sampled_from("一二、的1. "), st.floats(0, 60, allow_nan=False), st.floats(-1, 12),
                   st.floats(0, 30, allow_nan=False), st.sampled_from([10.0, 10.5, 12.0]))


@settings(max_examples=300, deadline=None)
@given(st.lists(_GLYPHS, max_size=40))
def test_reading_order_is_the_two_sorts(glyphs):
    """``reading_order`` (rounding each distinct top once, sorts keyed in C) gives the order of the
    plain rule: stable sort by x0, then stable sort by round(top, 1) — ties and near ties included."""
    from extractor.readers.pdf_layout import reading_order

    chars = [{"text": t, "x0": x, "x1": x + w, "top": round(y, 2), "size": s} for t, x, w, y, s in glyphs]
    chars += [dict(c, x0=c["x0"] + 0.0) for c in chars[::3]]  # equal keys: stability shows
    want = sorted(sorted(chars, key=lambda c: c["x0"]), key=lambda c: round(c["top"], 1))
    assert [id(c) for c in reading_order(chars)] == [id(c) for c in want]


@settings(max_examples=300, deadline=None)
@given(st.lists(_GLYPHS, max_size=30))
def test_line_cuts_are_the_wide_gaps(glyphs):
    """``Line.cuts`` (found while the line is built) are the indexes of its visible characters after
    a gap from the visible character before wider than 0.6 em — spaces between left out."""
    from extractor.readers.pdf_layout import CUT_GAP, line_of

    chars = [{"text": t, "x0": x, "x1": x + w, "top": 0.0, "bottom": s, "size": s} for t, x, w, _, s in glyphs]
    line = line_of(sorted(chars, key=lambda c: c["x0"]), 1)
    if line is None:
        assert all(c["text"].isspace() for c in chars)
        return
    g = line.chars
    assert line.cuts == [k for k in range(1, len(g))
                         if g[k]["x0"] - g[k - 1]["x1"] > CUT_GAP * max(g[k]["size"], g[k - 1]["size"])]


def test_page_number_lines_are_dropped_in_the_margins():
    def line(text: str, top: float, page: int) -> Line:
        return Line(text, 72, 300, top, top + 10, 10, page)

    pages = [[line("正文内容第一段", 300, 1), line("-3-", 800, 1)],
             [line("第4页", 20, 2), line("正文内容", 300, 2), line("4/10", 810, 2)],
             [line("第 5 页 共 10 页", 805, 3), line("— 6 —", 300, 3)]]
    kept = remove_furniture(pages, [842.0] * 3)
    assert [[l.text for l in p] for p in kept] == [["正文内容第一段"], ["正文内容"], ["— 6 —"]]


@pytest.mark.parametrize("name, cause", [
    ("encrypted.pdf", r"encrypted PDF"),
    ("image_only.pdf", r"no text layer \(image-only PDF\)"),
    ("not_a_pdf.pdf", r"not a PDF|malformed"),
])
def test_broken_pdfs_give_one_line_errors(name, cause):
    with pytest.raises(PlanxError, match=cause) as e:
        read(FIXTURES / name)
    assert "\n" not in str(e.value)


def test_truncated_pdf_is_malformed(tmp_path: Path):
    path = tmp_path / "cut.pdf"
    path.write_bytes(PLAN.read_bytes()[:3000])
    with pytest.raises(PlanxError, match=r"malformed or truncated PDF"):
        read(path)


SNAPSHOT = FIXTURES / "pdf_blocks.json"
SNAPSHOT_PDFS = [PLAN, *sorted((FIXTURES / "renditions").glob("*.pdf"))]


def _runs(offsets: list[int]) -> list[list[int]]:
    """Offsets as [start, length] runs of consecutive values (keeps the snapshot small)."""
    runs: list[list[int]] = []
    for o in offsets:
        if runs and o == runs[-1][0] + runs[-1][1]:
            runs[-1][1] += 1
        else:
            runs.append([o, 1])
    return runs


def _snapshot(doc) -> dict:
    def cell(c):
        return [c.text, _runs(c.offsets), c.row, c.col, c.line, c.page, c.rowspan, c.colspan, c.merged]

    blocks = [{"kind": b.kind, "text": b.text, "offsets": _runs(b.offsets), "start": b.start, "end": b.end,
               "line": b.line, "page": b.page, "heading_hint": b.heading_hint, "font_size": b.font_size,
               "rows": [[cell(c) for c in r] for r in b.table.rows] if b.table else None} for b in doc.blocks]
    return {"text": doc.text, "page_starts": doc.page_starts, "blocks": blocks}


def test_blocks_match_the_stored_snapshot():
    """Every fixture PDF reads to exactly the stored text, page starts and blocks (offsets, page,
    font size, heading hint, table grids).  Regenerate after an intended change with
    PLANX_UPDATE_SNAPSHOT=1 .venv/bin/pytest tests/test_reader_pdf.py -k snapshot."""
    import json
    import os

    got = {p.relative_to(FIXTURES).as_posix(): _snapshot(read_pdf(p)) for p in SNAPSHOT_PDFS}
    if os.environ.get("PLANX_UPDATE_SNAPSHOT"):
        SNAPSHOT.write_text(json.dumps(got, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    want = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    assert sorted(got) == sorted(want)
    for name in want:
        assert got[name]["text"] == want[name]["text"], name
        assert got[name]["page_starts"] == want[name]["page_starts"], name
        for k, (g, w) in enumerate(zip(got[name]["blocks"], want[name]["blocks"])):
            assert g == w, f"{name} block {k}"
        assert len(got[name]["blocks"]) == len(want[name]["blocks"]), name


def _variant(kind: str) -> bytes:
    """A one-page PDF with CJK, core-14, condensed, spaced and raised text; drawn scaled, with
    the MediaBox moved, or turned for a page shown rotated."""
    import pypdfium2 as pdfium
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    if kind == "scaled":
        c.scale(0.75, 0.75)
    elif kind == "rotated":  # landscape content on a portrait page shown with /Rotate 90
        c.translate(595, 0)
        c.rotate(90)
        c.translate(0, -200)
    c.setFont("STSong-Light", 12)
    c.drawString(72, 700, "到2025年，空气质量 ABC 87%。")
    c.setFont("Times-Roman", 14)
    c.drawString(72, 660, "Times text (x) W")
    t = c.beginText(72, 600)
    t.setFont("Helvetica", 10)
    t.setHorizScale(80)
    t.textLine("Condensed 123")
    t.setCharSpace(2)
    t.setRise(3)
    t.textLine("spaced, raised")
    c.drawText(t)
    c.showPage()
    c.save()
    if kind in ("offset", "rotated"):
        doc = pdfium.PdfDocument(buf.getvalue())
        if kind == "offset":
            doc[0].set_mediabox(10, 100, 600, 900)
        else:
            doc[0].set_rotation(90)
        buf = io.BytesIO()
        doc.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize("kind", ["plain", "scaled", "offset"])
def test_pdfium_characters_have_pdfplumber_geometry(kind):
    import pdfplumber
    import pypdfium2 as pdfium

    from extractor.readers.pdf_pdfium import page_chars, page_height

    data = _variant(kind)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        want, height = pdf.pages[0].chars, float(pdf.pages[0].height)
    page = pdfium.PdfDocument(data)[0]
    got = page_chars(page)
    assert page_height(page) == pytest.approx(height)
    assert [c["text"] for c in got] == [c["text"] for c in want]
    for g, w in zip(got, want):
        assert g["upright"] == w["upright"]
        for k in ("x0", "x1", "top", "bottom", "size"):
            assert g[k] == pytest.approx(w[k], abs=1e-3), (g["text"], k)


def test_a_rotated_page_takes_its_characters_from_pdfplumber(tmp_path: Path):
    import pypdfium2 as pdfium

    from extractor.readers.pdf_pdfium import page_chars

    data = _variant("rotated")
    assert page_chars(pdfium.PdfDocument(data)[0]) is None
    path = tmp_path / "rotated.pdf"
    path.write_bytes(data)
    assert [b.text for b in read_pdf(path).blocks][:2] == ["到2025年，空气质量 ABC 87%。", "Times text (x) W"]


def test_ruling_lines_from_pdfium_give_pdfplumbers_cells():
    """PDFium's path segments fed to pdfplumber's lattice algorithm give the cells of
    pdfplumber's own table finder; a rule under a running header alone gives no table."""
    import pdfplumber
    import pypdfium2 as pdfium
    from reportlab.pdfgen import canvas

    from extractor.readers.pdf_pdfium import page_edges
    from extractor.readers.pdf_rules import ruled_tables

    plan = pdfium.PdfDocument(PLAN)
    with pdfplumber.open(PLAN) as pl:
        for i in range(len(plan)):
            want = sorted(tuple(round(v, 2) for v in c) for c in pl.pages[i].debug_tablefinder().cells)
            got = sorted(tuple(round(v, 2) for v in c) for t in ruled_tables(page_edges(plan[i])) for c in t.cells)
            assert got == want, i + 1
            assert bool(got) == (i + 1 in (2, 3))  # the table pages
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.setLineWidth(0.5)
    c.line(72, 800, 520, 800)  # a rule under a running header only
    c.showPage()
    c.grid([72, 200, 320], [500, 520, 540])  # a ruled 2×2 grid
    c.showPage()
    c.save()
    doc = pdfium.PdfDocument(buf.getvalue())
    assert ruled_tables(page_edges(doc[0])) == []
    assert [len(t.cells) for t in ruled_tables(page_edges(doc[1]))] == [4]
