"""Scanned PDFs: OCR of pages without a text layer into the PDF reader's layout (paragraphs,
headings, ruled tables as grids), seals left out, sideways and upside-down pages turned, an
image-only page inside a text PDF, progress per page, and one line when the OCR extra is
missing.  The scan (formats/plan_numbering.scan.pdf) is plan_numbering.pdf printed at 200 dpi
with a red seal on its first and last page, page 2 stored sideways under /Rotate 90 and page 3
upside down."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from extractor import progress
from extractor.errors import PlanxError
from extractor.readers import ocr, read
from extractor.readers.ocr import SizeScale, corrected

from conftest import FIXTURES

SCAN = FIXTURES / "formats" / "plan_numbering.scan.pdf"
TEXT = FIXTURES / "plan_numbering.pdf"
needs_ocr = pytest.mark.skipif(not ocr.available(), reason='OCR extra not installed (pip install -e ".[ocr]")')


@pytest.fixture(scope="module")
def scanned():
    pages: list[tuple[str, int, int]] = []
    progress.set_sink(lambda path, page, n: pages.append((Path(path).name, page, n)))
    try:
        doc = read(SCAN)
    finally:
        progress.set_sink(None)
    return doc, pages


@pytest.fixture(scope="module")
def printed():
    return read(TEXT)


def _text(doc, kind: str = "paragraph") -> str:
    return "".join("".join(b.text.split()) for b in doc.blocks if b.kind == kind)


def _similar(a: str, b: str) -> float:
    """1 − the edit distance per character."""
    from rapidfuzz.distance import Levenshtein

    return Levenshtein.normalized_similarity(a, b)


@needs_ocr
def test_a_scan_reads_like_its_text_pdf(scanned, printed):
    doc, _ = scanned
    assert _similar(_text(doc), _text(printed)) >= 0.95
    assert doc.format == "pdf" and len(doc.page_starts) == 4


@needs_ocr
def test_every_page_is_read_upright_in_reading_order(scanned, printed):
    """Page 2 is stored sideways (/Rotate 90), page 3 was fed upside down: both read like the print."""
    doc, _ = scanned
    for page in (1, 2, 3, 4):
        got = "".join(b.text for b in doc.blocks if b.page == page and b.kind == "paragraph")
        want = "".join(b.text for b in printed.blocks if b.page == page and b.kind == "paragraph")
        assert _similar("".join(got.split()), "".join(want.split())) >= 0.9, page


@needs_ocr
def test_headings_come_out_of_the_same_structure_code(scanned, printed):
    from extractor.structure import build

    got = [(s.number, s.title) for s in build(scanned[0]).sections]
    want = [(s.number, s.title) for s in build(printed).sections]
    hits = sum(1 for w in want if w in got)
    assert hits >= 0.9 * len(want)


@needs_ocr
def test_ruled_tables_become_the_same_grids(scanned, printed):
    """The indicator table (two-row header, merges, split over pages 2–3) and the project table:
    the same grid shapes as read from the text PDF, and nearly every cell's text."""
    got = [b.table for b in scanned[0].blocks if b.kind == "table"]
    want = [b.table for b in printed.blocks if b.kind == "table"]
    assert len(got) == len(want)
    same = total = 0
    for g, w in zip(got, want):
        assert [len(r) for r in g.rows] == [len(r) for r in w.rows]
        for gr, wr in zip(g.rows, w.rows):
            for gc, wc in zip(gr, wr):
                assert gc.merged == wc.merged
                total += 1
                same += "".join(gc.text.split()) == "".join(wc.text.split())
    assert same >= 0.85 * total


@needs_ocr
def test_the_red_seal_does_not_become_text(scanned):
    """The seal on pages 1 and 4 reads 某市人民政府, which the plan itself never prints."""
    assert "人民政府" not in scanned[0].text and "政府" not in scanned[0].text


@needs_ocr
def test_progress_is_reported_per_page(scanned):
    assert scanned[1] == [("plan_numbering.scan.pdf", k, 4) for k in (1, 2, 3, 4)]


@needs_ocr
def test_an_image_only_page_inside_a_text_pdf_is_read_in_its_place(tmp_path, printed):
    import pypdfium2 as pdfium

    mixed = pdfium.PdfDocument.new()
    mixed.import_pages(pdfium.PdfDocument(TEXT), [0])
    mixed.import_pages(pdfium.PdfDocument(SCAN), [3])  # the last page, scanned (with its seal)
    path = tmp_path / "mixed.pdf"
    mixed.save(path)
    doc = read(path)
    pages = [b.page for b in doc.blocks]
    assert pages == sorted(pages) and set(pages) == {1, 2}
    scanned_text = "".join(b.text for b in doc.blocks if b.page == 2)
    want = "".join(b.text for b in printed.blocks if b.page == 4)
    assert _similar(scanned_text, want) >= 0.9


def test_without_the_extra_a_scan_gets_one_line_naming_it(monkeypatch):
    monkeypatch.setattr(ocr, "available", lambda: False)
    with pytest.raises(PlanxError) as e:
        read(SCAN)
    msg = str(e.value)
    assert msg.endswith('no text layer (image-only PDF): reading scans needs the OCR extra: '
                        'pip install "planx[ocr]" (in a checkout: pip install -e ".[ocr]")')
    assert "\n" not in msg


def test_without_the_extra_a_scanned_page_in_a_text_pdf_is_named(tmp_path, monkeypatch):
    import pypdfium2 as pdfium

    mixed = pdfium.PdfDocument.new()
    mixed.import_pages(pdfium.PdfDocument(TEXT), [0, 1])
    mixed.import_pages(pdfium.PdfDocument(SCAN), [2])
    path = tmp_path / "mixed.pdf"
    mixed.save(path)
    monkeypatch.setattr(ocr, "available", lambda: False)
    with pytest.raises(PlanxError, match=r"page 3 without a text layer \(scanned\): reading scans needs the OCR extra"):
        read(path)


# ---------------------------------------------------------------- image work and text repair

@needs_ocr
def test_seals_are_whited_out_but_red_headers_and_black_print_stay():
    import cv2

    from extractor.readers.ocr_image import remove_seals

    img = np.full((600, 900, 3), 255, np.uint8)
    cv2.putText(img, "BLACK TEXT", (420, 330), cv2.FONT_HERSHEY_SIMPLEX, 1.2, (0, 0, 0), 3)  # under the seal
    cv2.circle(img, (500, 320), 130, (40, 30, 220), 10)  # a red ring (BGR)
    cv2.putText(img, "RED HEADER", (40, 80), cv2.FONT_HERSHEY_SIMPLEX, 2.0, (40, 30, 220), 6)  # wide, not a seal
    out = remove_seals(img, 200)
    assert (out[320, 370 - 130 + 5] == 255).all()  # on the ring
    black = (img[..., 0] < 60) & (img[..., 2] < 60)
    assert (out[black] == img[black]).all()
    header = img[40:100, 40:600]
    assert (out[40:100, 40:600] == header).all()


@needs_ocr
def test_ruling_lines_are_the_ones_that_meet():
    from extractor.readers.ocr_image import ruling_lines

    gray = np.full((800, 800), 255, np.uint8)
    for y in (100, 200, 300):
        gray[y:y + 3, 100:700] = 0
    for x in (100, 400, 700):
        gray[100:303, x:x + 3] = 0
    gray[600:603, 100:400] = 0  # a lone rule (a dash, an underline): no table
    segs = ruling_lines(gray, 200)
    assert sum(s.horizontal for s in segs) == 3 and sum(not s.horizontal for s in segs) == 3
    assert all(s.y0 < 400 for s in segs)


@pytest.mark.parametrize("raw,fixed", [
    ("动员部署阶段（2021年3月一2021年4月21日）", "动员部署阶段（2021年3月—2021年4月21日）"),
    ("历下政字〔2021】21号", "历下政字〔2021〕21号"),
    ("【2019〕3号", "〔2019〕3号"),
    ("第一章 统一思想，一2", "第一章 统一思想，一2"),  # 一 after a comma is not a dash
])
def test_confusions_are_corrected_only_in_their_context(raw, fixed):
    assert corrected(raw) == fixed and len(corrected(raw)) == len(raw)


def test_line_sizes_snap_to_the_sizes_seen_before():
    scale = SizeScale()
    body, heading = scale.snap(10.6), scale.snap(15.3)
    assert (body, heading) == (10.6, 15.3)
    assert scale.snap(11.2) == body and scale.snap(10.0) == body and scale.snap(16.1) == heading
    assert scale.snap(22.0) == 22.0


@needs_ocr
def test_every_record_of_a_scan_has_its_page_and_a_bbox_inside_it(scanned):
    """Provenance of OCR'd records: the page and the bounding box ([x0, top, x1, bottom] in points,
    origin top-left) of the paragraph or cell where each record starts, inside its page."""
    from extractor.pipeline import extract_document
    from test_pdf_bbox import _inside_page, _sizes, _spans

    doc, _ = scanned
    spans = list(_spans(extract_document(doc).to_dict()))
    assert len(spans) > 20
    sizes = _sizes(SCAN)
    for span in spans:
        assert span["page"] is not None and span["bbox"] is not None, span
        _inside_page(span, sizes)


@needs_ocr
def test_a_lone_dash_in_an_empty_cell_is_read_but_not_a_speck_or_a_mark_beside_text():
    """The text detector misses the "-" of an empty table cell: a flat stroke of a dash's size
    with no ink near it, outside the recognised lines, is a dash; a speck, a stroke touching a
    recognised line and a stroke beside other ink are not."""
    from extractor.readers.ocr_image import lone_dashes

    em = 30
    gray = np.full((400, 900), 255, np.uint8)
    gray[100:103, 100:108] = 0  # a lone dash (8 × 3 px, as a "-" at 200 dpi)
    gray[200:202, 100:102] = 0  # a speck
    gray[300:303, 100:108] = 0  # a dash inside a recognised line's box
    gray[100:103, 500:508] = 0  # a dash with other ink beside it (a character's stroke)
    gray[90:112, 515:520] = 0
    boxes = [(90.0, 290.0, 400.0, 315.0)]
    found = lone_dashes(gray, boxes, em, (0.15, 1.2), 0.2, 2.0, 0.8)
    assert found == [(100, 100, 108, 103)]


def test_a_label_whose_mark_was_lost_is_split_when_it_is_the_next_number(tmp_path):
    """In a labelled indicator table, "2城市…" after "1." is labelled 2 (a scan lost the point); a
    name starting with a number the sequence does not expect keeps its number."""
    from conftest import CORPORA
    from extractor import extract

    text = (CORPORA / "002_6d72280123f25383.txt").read_text(encoding="utf-8")
    assert "\t2.城市空气" in text and "\t3.地表水" in text and "\t7.化学需氧量" in text
    lost = text.replace("\t2.城市空气", "\t2城市空气").replace("\t3.地表水", "\t3地表水")
    lost = lost.replace("\t7.化学需氧量", "\t9化学需氧量")
    p = tmp_path / "plan.txt"
    p.write_text(lost, encoding="utf-8")
    got = {r.name: r.seq for r in extract(p).indicators}
    assert got["城市空气质量优良天数比率"] == "2" and got["地表水国控断面优良（达到或优于Ⅲ类）比例"] == "3"
    assert "9化学需氧量排放总量减少" in got  # 7 was expected: the number stays in the name
