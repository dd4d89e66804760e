"""PDFium (pypdfium2) access for the PDF reader: the document opened with one-line errors, a page's
characters as pdfplumber-style dicts, and its ruling lines as pdfplumber-style edges.

The character dicts carry what ``pdf_layout`` reads (text, x0, x1, top, bottom, size, fontname,
upright) with pdfminer's geometry: x0 at the glyph origin, x1 one advance width (the font's /W or
/Widths) further, the box from ``descent`` to ``descent + size`` above the baseline, in top-down
coordinates of the MediaBox — so lines, spaces and table membership come out as with pdfplumber's
``page.chars``, about six times faster.
"""
from __future__ import annotations

import ctypes
import struct
from pathlib import Path
from typing import Optional

from ..errors import PlanxError
from ..hygiene import char_of

_VP = ctypes.c_void_p
_PATH, _FORM = 2, 5  # FPDF_PAGEOBJ_PATH, FPDF_PAGEOBJ_FORM
_SEVEN_FLOATS, _SIX_FLOATS, _TWO_FLOATS = struct.Struct("7f"), struct.Struct("6f"), struct.Struct("2f")
_MAYBE_GENERATED = frozenset(" \r\n\t\u00a0")  # what PDFium infers: spaces and line breaks


def open_pdf(path: Path):
    """The PdfDocument; PlanxError for a file that is not a PDF, encrypted or malformed."""
    import pypdfium2 as pdfium

    with open(path, "rb") as fh:
        head = fh.read(1024)
    if b"%PDF-" not in head:
        raise PlanxError(path, "not a PDF (no %PDF header): malformed or not a PDF file")
    try:
        return pdfium.PdfDocument(path)
    except pdfium.PdfiumError as e:
        msg = str(e)
        if "password" in msg.lower() or "security" in msg.lower():
            raise PlanxError(path, "encrypted PDF (password-protected); remove the password first") from None
        raise PlanxError(path, f"malformed or truncated PDF (PdfiumError: {msg[:100]})") from None


class _Handle(ctypes.c_void_p):
    """A PDFium handle as a function result: kept as a ctypes object (a c_void_p subclass is not
    turned into an int), so that it goes to an unchecked call as a pointer."""


class _Raw:
    """PDFium calls of the per-character loop, bound once with plain-pointer arguments and results
    (no ctypes pointer objects to cast per character or text object)."""

    def __init__(self) -> None:
        import pypdfium2.raw as r

        def bind(fn, restype, *args):
            return ctypes.CFUNCTYPE(restype, *args)(ctypes.cast(fn, _VP).value)

        def unchecked(fn, restype):
            """Bound without argument types (no conversion per call): to be called with ctypes
            objects for pointers (a c_void_p, a ctypes.pointer of an out-buffer) and Python ints
            for C ints only."""
            f = bind(fn, restype)
            f.argtypes = None
            return f

        self.r = r
        # the per-character calls: the text page as a c_void_p, the char index as an int
        self.text_object = unchecked(r.FPDFText_GetTextObject, _VP)
        self.generated = unchecked(r.FPDFText_IsGenerated, ctypes.c_int)
        self.origin = unchecked(r.FPDFText_GetCharOrigin, ctypes.c_int)  # out: two ctypes.pointer(c_double)
        self.font = bind(r.FPDFTextObj_GetFont, _VP, _VP)
        # out-parameters as plain addresses (ctypes.addressof of a buffer made once): cheaper to
        # pass than byref() objects
        self.matrix = bind(r.FPDFPageObj_GetMatrix, ctypes.c_int, _VP, _VP)
        self.font_size = bind(r.FPDFTextObj_GetFontSize, ctypes.c_int, _VP, _VP)
        self.glyph_width = bind(r.FPDFFont_GetGlyphWidth, ctypes.c_int, _VP, ctypes.c_uint, ctypes.c_float, _VP)
        # page objects and path segments (ruling lines)
        # (a page object comes back as a _Handle, which an unchecked call takes as a pointer)
        self.count_objects = bind(r.FPDFPage_CountObjects, ctypes.c_int, _VP)
        self.object = unchecked(r.FPDFPage_GetObject, _Handle)  # (page as c_void_p, index)
        self.object_type = unchecked(r.FPDFPageObj_GetType, ctypes.c_int)  # (_Handle)
        self.count_form_objects = bind(r.FPDFFormObj_CountObjects, ctypes.c_int, _VP)
        self.form_object = bind(r.FPDFFormObj_GetObject, _Handle, _VP, ctypes.c_ulong)
        self.count_segments = bind(r.FPDFPath_CountSegments, ctypes.c_int, _VP)
        self.segment = bind(r.FPDFPath_GetPathSegment, _VP, _VP, ctypes.c_int)
        self.point = bind(r.FPDFPathSegment_GetPoint, ctypes.c_int, _VP, _VP, _VP)
        self.segment_type = bind(r.FPDFPathSegment_GetType, ctypes.c_int, _VP)
        self.segment_close = bind(r.FPDFPathSegment_GetClose, ctypes.c_int, _VP)


_raw: Optional[_Raw] = None


def _calls() -> _Raw:
    global _raw
    if _raw is None:
        _raw = _Raw()
    return _raw


class Fonts:
    """The fonts of one document: name, descent and advance widths (text space units / 1000).

    A font handle is valid while a page that uses it is open, so handles are mapped to fonts page
    by page (``page``); the widths are kept for the whole document under the font's name and
    descent (PDFium's width look-up by Unicode searches the font's ToUnicode map: on a CJK page
    most characters are new to the page but not to the document)."""

    def __init__(self) -> None:
        self.raw = _calls()
        self.handles: dict[int, tuple[str, float, dict[str, float]]] = {}
        self.widths: dict[tuple[str, float], dict[str, float]] = {}
        self._out = ctypes.c_float()
        self._pout = ctypes.addressof(self._out)

    def page(self) -> None:
        """A new page: the handles of the last one are no longer valid."""
        self.handles.clear()

    def font(self, handle: int) -> tuple[str, float, dict[str, float]]:
        """The font's name, descent (per unit of size) and its widths by character so far."""
        got = self.handles.get(handle)
        if got is None:
            r = self.raw.r
            f = ctypes.cast(handle, r.FPDF_FONT)
            buf = ctypes.create_string_buffer(256)
            r.FPDFFont_GetBaseFontName(f, buf, 256)
            name = buf.value.decode("latin-1")
            core = _core_descent(name)
            descent = _descent(r, f) if core is None else core
            got = self.handles[handle] = (name, descent, self.widths.setdefault((name, descent), {}))
        return got

    def width(self, handle: int, widths: dict[str, float], ch: str) -> float:
        """The advance width of ``ch`` in the font (``widths``: the font's, from ``font``)."""
        self.raw.glyph_width(handle, ord(ch), 1.0, self._pout)
        w = widths[ch] = self._out.value
        return w


def _descent(r, font) -> float:
    d = ctypes.c_float()
    r.FPDFFont_GetDescent(font, ctypes.c_float(1.0), d)
    return -abs(d.value)


def _core_descent(name: str) -> Optional[float]:
    """pdfminer measures the 14 core fonts with its own AFM metrics (PDFium with the
    substitute font it renders): their descent, per unit of font size."""
    if name.split("-")[0] not in ("Courier", "Helvetica", "Times", "Symbol", "ZapfDingbats"):
        return None
    from pdfminer.fontmetrics import FONT_METRICS

    metrics = FONT_METRICS.get(name)
    return -abs(float(metrics[0].get("Descent", 0))) / 1000 if metrics else None


def _text(textpage, n: int) -> str:
    """The page's characters, one str char per PDFium char index."""
    text = textpage.get_text_range(0, n) if n else ""
    if len(text) != n:  # surrogate pairs or unpaired code units: per-character look-up
        r = _calls().r
        text = "".join(char_of(r.FPDFText_GetUnicode(textpage.raw, i) or 0xFFFD) for i in range(n))
    return text


def page_height(page) -> float:
    """The MediaBox height (pdfplumber's ``page.height`` for an unrotated page)."""
    _, bottom, _, top = page.get_mediabox()
    return abs(top - bottom)


def page_chars(page, fonts: Optional[Fonts] = None) -> Optional[list[dict]]:
    """The characters drawn on an unrotated page (PDFium's generated spaces and line breaks left
    out); None for a rotated page (/Rotate), whose geometry the caller takes from pdfplumber.
    ``fonts``: the document's (one per document: its widths are reused from page to page)."""
    if page.get_rotation():
        return None
    fonts = fonts or Fonts()
    fonts.page()
    raw = fonts.raw
    height = page_height(page)  # pdfplumber's top is this minus the raw y, whatever the MediaBox origin
    textpage = page.get_textpage()
    try:
        tp = ctypes.cast(textpage.raw, _VP)
        text = _text(textpage, textpage.count_chars())
        objs: dict[int, tuple] = {}
        ox, oy = ctypes.c_double(), ctypes.c_double()
        pox, poy = ctypes.pointer(ox), ctypes.pointer(oy)
        mfs = (ctypes.c_float * 7)()  # a text object's matrix (a, b, c, d, e, f) and font size
        pm = ctypes.addressof(mfs)
        pfs, unpack = pm + 24, _SEVEN_FLOATS.unpack_from
        text_object, origin, generated, handles = raw.text_object, raw.origin, raw.generated, fonts.handles
        out = []
        append = out.append
        last, info = -1, None  # -1: no text object yet (PDFium's NULL is None)
        for i, ch in enumerate(text):
            # a space or line break PDFium inferred (generated) is no drawn character; a generated
            # space may still name the next char's text object (generated chars are white space)
            if ch in _MAYBE_GENERATED and generated(tp, i) == 1:
                continue
            obj = text_object(tp, i)
            if obj != last:  # a text object's characters come one after another
                if not obj:
                    continue
                last = obj
                info = objs.get(obj)
                if info is None:
                    raw.matrix(obj, pm)
                    raw.font_size(obj, pfs)
                    font = raw.font(obj)
                    name, descent, widths = handles.get(font) or fonts.font(font)
                    a, b, c, d, _, _, size = unpack(mfs)
                    up, down = d * size * (descent + 1), d * size * descent  # box edges above the baseline
                    info = objs[obj] = (font, name, widths, a * size, up if up < down else down,
                                        down if up < down else up, abs(d * size), a * d > 0 and b * c <= 0)
                font, name, widths, adv, low, high, size, upright = info
            if ch == "\ufffe":  # PDFium's mark for a hyphen that ends a line: the glyph drawn is "-"
                ch = "-"
            origin(tp, i, pox, poy)
            w = widths.get(ch)
            if w is None:
                w = fonts.width(font, widths, ch)
            x, w = ox.value, adv * w
            y = height - oy.value
            x0, x1 = (x, x + w) if w >= 0 else (x + w, x)
            append({"text": ch, "x0": x0, "x1": x1, "top": y - high, "bottom": y - low,
                    "size": size, "fontname": name, "upright": upright})
        return out
    finally:
        textpage.close()


_MOVETO, _LINETO = 2, 0  # FPDF_SEGMENT_*


def _compose(m, n) -> tuple[float, float, float, float, float, float]:
    """The matrix applying ``m`` then ``n``."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F


class _Paths:
    """The straight segments of a page's path objects, with buffers for PDFium's out-parameters."""

    def __init__(self) -> None:
        self.raw = _calls()
        self.buf = (ctypes.c_float * 6)()  # a matrix, or a point (x, y)
        self.at = ctypes.addressof(self.buf)
        self.six, self.two = _SIX_FLOATS.unpack_from, _TWO_FLOATS.unpack_from
        self.out: list[tuple[float, float, float, float]] = []

    def matrix(self, obj: _Handle, outer) -> tuple[float, float, float, float, float, float]:
        self.raw.matrix(obj, self.at)
        m = self.six(self.buf)
        return _compose(m, outer) if outer else m

    def objects(self, objs, outer) -> None:
        raw = self.raw
        for obj in objs:
            kind = raw.object_type(obj)
            if kind == _PATH:
                self.segments(obj, self.matrix(obj, outer))
            elif kind == _FORM:
                self.objects([raw.form_object(obj, k) for k in range(raw.count_form_objects(obj))],
                             self.matrix(obj, outer))

    def segments(self, obj: _Handle, m) -> None:
        """The straight segments of a path object in page space (curves left out)."""
        raw, buf, at, two, out = self.raw, self.buf, self.at, self.two, self.out
        a, b, c, d, e, f = m
        start = cur = None
        for i in range(raw.count_segments(obj)):
            seg = raw.segment(obj, i)
            raw.point(seg, at, at + 4)
            x, y = two(buf)
            pt = (a * x + c * y + e, b * x + d * y + f)
            kind = raw.segment_type(seg)
            if kind == _LINETO and cur is not None:
                out.append((*cur, *pt))
            elif kind == _MOVETO:
                start = pt
            cur = pt
            if raw.segment_close(seg) and start is not None and cur != start:
                out.append((*cur, *start))
                cur = start


def page_edges(page) -> list[dict]:
    """The horizontal and vertical straight segments of the page's paths (stroked or filled,
    inside form XObjects too) as pdfplumber edges in top-down coordinates: what pdfplumber's
    "lines" table strategy reads from pdfminer's lines, rectangles and curves (curves left out)."""
    height = page_height(page)
    paths = _Paths()
    raw, handle = paths.raw, ctypes.cast(page.raw, _VP)
    paths.objects([raw.object(handle, k) for k in range(raw.count_objects(handle))], None)
    out = []
    for x0, y0, x1, y1 in paths.out:
        if abs(y1 - y0) < 1e-3 and abs(x1 - x0) >= 1:
            left, right = min(x0, x1), max(x0, x1)
            top = height - y0
            out.append({"x0": left, "x1": right, "top": top, "bottom": top, "doctop": top, "width": right - left,
                        "height": 0.0, "orientation": "h", "object_type": "line"})
        elif abs(x1 - x0) < 1e-3 and abs(y1 - y0) >= 1:
            top, bottom = height - max(y0, y1), height - min(y0, y1)
            out.append({"x0": x0, "x1": x0, "top": top, "bottom": bottom, "doctop": top, "width": 0.0,
                        "height": bottom - top, "orientation": "v", "object_type": "line"})
    return out
