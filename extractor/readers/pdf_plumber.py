"""pdfplumber on demand for the PDF reader: the pages where PDFium's characters are not used (a
rotated page)."""
from __future__ import annotations

from pathlib import Path

from ..errors import PlanxError


class Plumber:
    """pdfplumber on one file, opened on first use."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.pdf = None

    def page(self, number: int):
        """Page ``number`` (1-based)."""
        if self.pdf is None:
            import pdfplumber
            from pdfplumber.utils.exceptions import PdfminerException

            try:
                self.pdf = pdfplumber.open(self.path)
            except PdfminerException as e:
                cause = e.args[0] if e.args else e
                raise PlanxError(self.path, f"malformed or truncated PDF ({type(cause).__name__}: "
                                            f"{str(cause)[:100]})") from None
        return self.pdf.pages[number - 1]

    def close(self) -> None:
        if self.pdf is not None:
            self.pdf.close()
