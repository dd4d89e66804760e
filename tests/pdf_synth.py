"""Small synthetic PDFs for the PDF table tests, drawn with reportlab at explicit positions.

A table is given page part by page part, so a test decides exactly where the page breaks fall:
each part is a list of rows ``(height in lines, cells)``; a cell is its text (visual lines split
by "\\n", as the test wants them wrapped), ``None`` where a cell merged from above covers the
position, or ``"<"`` where the cell on the left spans it.  ``rules`` picks the ruling:
"grid" (every cell ruled), "three" (三线表: a rule over the part, under the header rows and
under the last part), "rows" (a rule under every row, none between columns) or "none".  The first ``n_head`` rows are the header (ruled below in every style).
"""
from __future__ import annotations

import io
from pathlib import Path
from typing import Optional

Cell = Optional[str]
Row = tuple[int, list[Cell]]

FONT = "STSong-Light"


class Sheet:
    """Pages of text and rules, positions from the top-left corner of the page."""

    def __init__(self, width: float = 420.0, height: float = 595.0) -> None:
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont
        from reportlab.pdfgen import canvas

        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        self.buf = io.BytesIO()
        self.width, self.height = width, height
        self.c = canvas.Canvas(self.buf, pagesize=(width, height))
        self.page = 1

    def text(self, x: float, top: float, s: str, size: float = 9.0) -> None:
        """``s`` with its glyph box starting ``top`` points from the page top."""
        self.c.setFont(FONT, size)
        self.c.drawString(x, self.height - top - 0.88 * size, s)

    def paragraph(self, top: float, lines: list[str], x: float = 40.0, size: float = 10.0) -> float:
        for k, line in enumerate(lines):
            self.text(x, top + k * 1.5 * size, line, size)
        return top + len(lines) * 1.5 * size

    def hline(self, x0: float, x1: float, y: float, width: float = 0.5) -> None:
        self.c.setLineWidth(width)
        self.c.line(x0, self.height - y, x1, self.height - y)

    def vline(self, x: float, y0: float, y1: float, width: float = 0.5) -> None:
        self.c.setLineWidth(width)
        self.c.line(x, self.height - y0, x, self.height - y1)

    def new_page(self) -> None:
        self.c.showPage()
        self.page += 1

    def save(self, path: Path) -> Path:
        self.c.save()
        path.write_bytes(self.buf.getvalue())
        return path


def table_part(sheet: Sheet, top: float, x0: float, widths: list[float], rows: list[Row], rules: str = "grid",
               n_head: int = 0, last: bool = True, size: float = 9.0, lead: float = 12.0,
               pad: float = 4.0) -> float:
    """Draw one page part of a table; the y under it."""
    xs = [x0]
    for w in widths:
        xs.append(xs[-1] + w)
    ys = [top]
    for h, _ in rows:
        ys.append(ys[-1] + h * lead + 2 * pad)
    n = len(widths)
    for r, (_, cells) in enumerate(rows):
        for c, text in enumerate(cells):
            if text is None or text == "<" or not text:
                continue
            for k, line in enumerate(text.split("\n")):
                sheet.text(xs[c] + pad, ys[r] + pad + k * lead + (lead - size) / 2, line, size)

    def covered_below(r: int, c: int) -> bool:  # the position under row r is merged into it
        return n_head <= r and r + 1 < len(rows) and rows[r + 1][1][c] is None

    def spans_right(r: int, c: int) -> bool:
        return c + 1 < n and rows[r][1][c + 1] == "<"

    if rules == "grid":
        sheet.hline(xs[0], xs[-1], ys[0])
        for r in range(len(rows)):
            for c in range(n):
                if not covered_below(r, c):
                    sheet.hline(xs[c], xs[c + 1], ys[r + 1])
                if not spans_right(r, c):
                    sheet.vline(xs[c + 1], ys[r], ys[r + 1])
            sheet.vline(xs[0], ys[r], ys[r + 1])
    elif rules == "three":
        sheet.hline(xs[0], xs[-1], ys[0], 1.0)
        if n_head:
            sheet.hline(xs[0], xs[-1], ys[n_head], 0.5)
        if last:
            sheet.hline(xs[0], xs[-1], ys[-1], 1.0)
    elif rules == "rows":
        sheet.hline(xs[0], xs[-1], ys[0], 1.0)
        for r in range(len(rows) - (0 if last else 1)):
            sheet.hline(xs[0], xs[-1], ys[r + 1], 1.0 if r == len(rows) - 1 else 0.5)
    return ys[-1]


def cells_of(table) -> list[list[str]]:
    """A model table's rows as cell texts (merged positions as "^" below, "<" right of their
    origin), line breaks inside a cell as "|"."""
    out = []
    for row in table.rows:
        out.append(["^" if c.merged == "v" else "<" if c.merged == "h" else c.text.replace("\n", "|") for c in row])
    return out

