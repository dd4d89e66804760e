"""pdfplumber on demand for the PDF reader: pages whose drawn paths feed its table finder (parsed
without their text, which PDFium has already read), and whole pages where PDFium's characters
are not used (a rotated page)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ..errors import PlanxError


@lru_cache(maxsize=1)
def _rules_page_class():
    """A pdfplumber Page whose pdfminer layout skips the text-showing operators: its lines,
    rects and curves (all the "lines" table finder uses) are those of the full parse."""
    from pdfminer.pdfinterp import PDFPageInterpreter
    from pdfplumber.page import Page, PDFPageAggregatorWithMarkedContent
    from pdfplumber.utils.exceptions import PdfminerException

    class NoText(PDFPageAggregatorWithMarkedContent):
        def render_string(self, *args, **kwargs) -> None:  # type: ignore[override]
            return None

    class RulesPage(Page):
        @property
        def layout(self):  # type: ignore[override]
            if not hasattr(self, "_layout"):
                device = NoText(self.pdf.rsrcmgr, pageno=self.page_number, laparams=self.pdf.laparams)
                try:
                    PDFPageInterpreter(self.pdf.rsrcmgr, device).process_page(self.page_obj)
                except Exception as e:  # noqa: BLE001 — what pdfplumber's own layout raises
                    raise PdfminerException(e) from e
                self._layout = device.get_result()
            return self._layout

    return RulesPage


class Plumber:
    """pdfplumber on one file, opened on first use."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.pdf = None

    def page(self, number: int, text: bool = True):
        """Page ``number`` (1-based); with ``text=False`` parsed for its paths only."""
        if self.pdf is None:
            import pdfplumber
            from pdfplumber.utils.exceptions import PdfminerException

            try:
                self.pdf = pdfplumber.open(self.path)
            except PdfminerException as e:
                cause = e.args[0] if e.args else e
                raise PlanxError(self.path, f"malformed or truncated PDF ({type(cause).__name__}: "
                                            f"{str(cause)[:100]})") from None
        page = self.pdf.pages[number - 1]
        if text:
            return page
        return _rules_page_class()(self.pdf, page.page_obj, page_number=page.page_number,
                                   initial_doctop=page.initial_doctop)

    def close(self) -> None:
        if self.pdf is not None:
            self.pdf.close()
