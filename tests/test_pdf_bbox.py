"""span.bbox of PDF-derived records: the box on its page of the paragraph, or of the table cell,
where the span starts ([x0, top, x1, bottom] in points, origin top-left); null without geometry.
(The scan's records: tests/test_reader_ocr.py, which reads the scan once.)"""
from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium

from extractor.pipeline import extract_document
from extractor.readers import read

FIX = Path(__file__).parent / "fixtures"
TEXT_PDF = FIX / "renditions" / "004_061c6bf53607da0b.pdf"
TABLE_PDF = FIX / "variants" / "c" / "002_6d72280123f25383.pdf"


def _spans(x):
    """Every span dict of a result dict."""
    if isinstance(x, dict):
        if "start" in x and "quote" in x and "line" in x:
            yield x
        for v in x.values():
            yield from _spans(v)
    elif isinstance(x, list):
        for v in x:
            yield from _spans(v)


def _records(path: Path):
    doc = read(path)
    return doc, list(_spans(extract_document(doc).to_dict()))


def _sizes(path: Path) -> list[tuple[float, float]]:
    pdf = pdfium.PdfDocument(str(path))
    try:
        return [pdf[i].get_size() for i in range(len(pdf))]
    finally:
        pdf.close()


def _inside_page(span: dict, sizes: list[tuple[float, float]]) -> None:
    x0, top, x1, bottom = span["bbox"]
    width, height = sizes[span["page"] - 1]
    assert 0 <= x0 < x1 <= width + 0.05 and 0 <= top < bottom <= height + 0.05, span


def _squeeze(s: str) -> str:
    """White space and punctuation out (PDFium may order a quotation mark after its word)."""
    return "".join(ch for ch in s if ch.isalnum())


def _check_text_pdf(path: Path) -> list[dict]:
    doc, spans = _records(path)
    assert spans
    sizes = _sizes(path)
    cells = {}  # table number → its cells' boxes, and the table's box
    k = 0
    for b in doc.blocks:
        if b.kind == "table":
            k += 1
            cells[k] = ({tuple(round(v, 1) for v in c.bbox) for c in b.table.cells() if c.bbox}, b.bbox, b.page)
    pdf = pdfium.PdfDocument(str(path))
    try:
        for s in spans:
            assert s["bbox"] is not None and len(s["bbox"]) == 4, s
            assert all(v == round(v, 1) for v in s["bbox"])
            _inside_page(s, sizes)
            x0, top, x1, bottom = s["bbox"]
            height = sizes[s["page"] - 1][1]
            page = pdf[s["page"] - 1]
            tp = page.get_textpage()
            # pdfium's origin is bottom-left; a point of slack for its tighter glyph boxes
            raw = tp.get_text_bounded(left=x0 - 1, bottom=height - bottom - 1, right=x1 + 1, top=height - top + 1)
            tp.close()
            page.close()
            quote = s["quote"] or ""
            if s["row"] is not None:  # a table record's quote runs on over the row: its cell's words first
                quote = quote.split()[0] if quote.split() else ""
            head, inside = _squeeze(quote)[:3], _squeeze(raw)
            if not head:  # a cell of punctuation only ("-")
                head, inside = quote[:1], "".join(raw.split())
            assert head and head in inside, (s, raw[:200])
            if s["row"] is not None:
                boxes, tbox, tpage = cells[s["table"]]
                assert tuple(s["bbox"]) in boxes, s
                if s["page"] == tpage:  # the cell lies within its table
                    assert tbox[0] - 0.1 <= x0 and x1 <= tbox[2] + 0.1 and tbox[1] - 0.1 <= top, (s, tbox)
    finally:
        pdf.close()
    return spans


def test_text_pdf_spans_have_bboxes_holding_their_quotes():
    _check_text_pdf(TEXT_PDF)


def test_table_records_have_cell_bboxes():
    spans = _check_text_pdf(TABLE_PDF)
    assert any(s["row"] is not None for s in spans)


PLAN_TXT = """某市“十四五”生态环境保护规划

一、主要目标
到2025年，单位地区生产总值能耗降低13.5%，城市空气质量优良天数比率达到87%以上。
（一）推进绿色发展。加快产业结构调整，2024年底前完成重点行业清洁化改造。
"""


def test_no_bbox_without_geometry(tmp_path):
    txt = tmp_path / "plan.txt"
    txt.write_text(PLAN_TXT, encoding="utf-8")
    for path in (txt, FIX / "renditions" / "004_061c6bf53607da0b.docx"):
        _, spans = _records(path)
        assert spans and all(s["bbox"] is None for s in spans), path


def test_bbox_in_the_schema_and_the_tables(tmp_path):
    """The JSON validates; CSV and SQLite carry span_bbox as JSON array text (table cells too)."""
    import csv
    import json
    import sqlite3

    from extractor.schema_check import validate
    from extractor.writers.tabular import DATABASE, write_batch_tables

    result = extract_document(read(TABLE_PDF)).to_dict()
    validate(result)
    report = write_batch_tables([result], tmp_path)
    assert not report.failures
    with open(tmp_path / "indicators.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [json.loads(r["span_bbox"]) for r in rows] == [i["span"]["bbox"] for i in result["indicators"]]
    con = sqlite3.connect(tmp_path / DATABASE)
    try:
        got = con.execute("SELECT span_bbox FROM table_cells WHERE part='body' AND row_index=0 AND col_index=0"
                          " ORDER BY table_id").fetchone()[0]
    finally:
        con.close()
    assert json.loads(got) == result["tables"][0]["rows"][0][0]["span"]["bbox"]
