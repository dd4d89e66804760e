"""Stand-in .docx/.pdf renditions of the seed texts, for when tests/fixtures has none.

The seed's paragraphs and Tika tables become real Word paragraphs and tables (python-docx)
and a text PDF with ruled tables (reportlab, the built-in STSong-Light CID font), so the
benchmark can time planx and the raw-library baselines on the same files.
"""
from __future__ import annotations

from pathlib import Path

from extractor.readers.txt import parse_text

_PAGE_W, _PAGE_H, _MARGIN, _SIZE = 595.0, 842.0, 56.0, 10.5
_LEAD = _SIZE * 1.5


def _blocks(txt: Path):
    from extractor.readers.encoding import decode

    text, _ = decode(txt.read_bytes(), txt)
    return parse_text(text.replace("\r\n", "\n"))


def _grid(block) -> list[list[str]]:
    rows = [[c.text.replace("\n", "") for c in r] for r in block.table.rows]
    width = max(len(r) for r in rows)
    return [r + [""] * (width - len(r)) for r in rows]


def write_docx(txt: Path, out: Path) -> Path:
    import docx

    d = docx.Document()
    for b in _blocks(txt):
        if b.kind == "table":
            rows = _grid(b)
            t = d.add_table(rows=len(rows), cols=len(rows[0]))
            t.style = "Table Grid"
            for r, row in enumerate(rows):
                for c, text in enumerate(row):
                    t.cell(r, c).text = text
        else:
            d.add_paragraph(b.text)
    d.save(out)
    return out


def _wrap(text: str, width: float) -> list[str]:
    per_line = max(1, int(width // _SIZE))
    return [text[i:i + per_line] for i in range(0, len(text), per_line)] or [""]


def write_pdf(txt: Path, out: Path) -> Path:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(out), pagesize=(_PAGE_W, _PAGE_H))
    c.setFont("STSong-Light", _SIZE)
    y = _PAGE_H - _MARGIN
    page = 1

    def new_page() -> float:
        nonlocal page
        c.drawCentredString(_PAGE_W / 2, _MARGIN / 2, f"— {page} —")
        c.showPage()
        c.setFont("STSong-Light", _SIZE)
        page += 1
        return _PAGE_H - _MARGIN

    body = _PAGE_W - 2 * _MARGIN
    for b in _blocks(txt):
        if b.kind != "table":
            for line in _wrap(b.text, body):
                if y < _MARGIN + _LEAD:
                    y = new_page()
                c.drawString(_MARGIN, y, line)
                y -= _LEAD
            continue
        rows = _grid(b)
        col_w = body / len(rows[0])
        for row in rows:
            cells = [_wrap(t, col_w - 4) for t in row]
            height = max(len(x) for x in cells) * _LEAD + 4
            if y - height < _MARGIN:
                y = new_page()
            for i, lines in enumerate(cells):
                x = _MARGIN + i * col_w
                c.rect(x, y - height, col_w, height)
                for k, line in enumerate(lines):
                    c.drawString(x + 2, y - (k + 1) * _LEAD + 2, line)
            y -= height
        y -= _LEAD
    new_page()
    c.save()
    return out
