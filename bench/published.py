"""Benchmark section: the published formats (.doc/.wps, .html, .ofd, scanned PDF) against the raw
tools they stand on, in the same run.

    .venv/bin/python bench/published.py      # this section alone (also part of bench/run.py)

Inputs are the committed fixtures (tests/fixtures/formats): the seeds' .doc and web pages, their
OFD renditions, and plan_numbering.scan.pdf (four pages at 200 dpi: a seal, a sideways and an
upside-down page, tables).  Reader times are wall seconds of ``readers.read`` in this process;
the raw figures: one ``soffice --convert-to docx`` call, ``lxml.html`` parsing the pages,
unzipping and parsing every OFD part, RapidOCR on the same rendered page images.
"""
from __future__ import annotations

import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
FORMATS = ROOT / "tests" / "fixtures" / "formats"


def _timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def _row(name: str, files: list[Path], planx: float, raw: float, raw_name: str, unit: str, n: int) -> list[str]:
    return [name, str(len(files)), f"{planx:.2f}", f"{n / planx:.2f} {unit}/s", raw_name, f"{raw:.2f}",
            f"{planx / raw:.2f}" if raw > 0 else "—"]


def doc_row(tmp: Path) -> list[str] | None:
    from extractor.readers import read, soffice

    exe = soffice.find_soffice()
    docs = sorted(FORMATS.glob("*.doc"))
    if exe is None or not docs:
        return None
    raw = _timed(lambda: soffice.convert_to_docx(docs, tmp / "raw", exe))
    planx = _timed(lambda: [read(p) for p in docs])  # each file converted on its own (no batch cache)
    return _row(".doc (one soffice call per file)", docs, planx, raw, "soffice, all in one call", "doc", len(docs))


def html_row() -> list[str]:
    import lxml.html

    from extractor.readers import read

    pages = sorted(FORMATS.glob("*.html"))
    raw = _timed(lambda: [lxml.html.document_fromstring(p.read_bytes()) for p in pages])
    planx = _timed(lambda: [read(p) for p in pages])
    return _row(".html", pages, planx, raw, "lxml.html parse", "page", len(pages))


def ofd_row() -> list[str]:
    from lxml import etree

    from extractor.readers import read

    files = sorted(FORMATS.glob("*.ofd"))

    def parse_all() -> None:
        for f in files:
            with zipfile.ZipFile(f) as z:
                for name in z.namelist():
                    if name.endswith(".xml"):
                        etree.fromstring(z.read(name))

    raw = _timed(parse_all)
    planx = _timed(lambda: [read(f) for f in files])
    return _row(".ofd", files, planx, raw, "unzip + lxml parse", "doc", len(files))


def ocr_row() -> list[str] | None:
    import pypdfium2 as pdfium

    from extractor.readers import ocr, read

    scan = FORMATS / "plan_numbering.scan.pdf"
    if not ocr.available():
        return None
    ocr.engine()  # models loaded once per process, not measured
    pdf = pdfium.PdfDocument(scan)
    pages = len(pdf)
    images = [ocr.page_image(pdf[k], 200) for k in range(pages)]
    raw = _timed(lambda: [ocr.engine()(img) for img in images])
    planx = _timed(lambda: read(scan))
    return _row("scanned PDF, OCR (200 dpi)", [scan], planx, raw, "RapidOCR on the rendered pages", "page", pages)


def section() -> str:
    with tempfile.TemporaryDirectory() as tmp:
        rows = [r for r in (doc_row(Path(tmp)), html_row(), ofd_row(), ocr_row()) if r is not None]
    head = ["format", "files", "planx read s", "planx rate", "raw tool", "raw s", "planx / raw"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines) + ("\n\n(OCR extra or LibreOffice missing: its row is left out.)" if len(rows) < 4 else "")


if __name__ == "__main__":
    print(section())
