"""OCR of PDF pages that have no text layer (scans), into the PDF reader's page geometry.

Optional: ``pip install "planx[ocr]"`` brings RapidOCR (PP-OCRv4 detection, direction and
recognition models on ONNX Runtime, shipped inside the wheel — nothing is downloaded) and
OpenCV.  Per page:

1. the page is rendered at ``dpi`` (``patterns/ocr.toml``) with its /Rotate applied;
2. seals (red stamps) are whited out (:func:`ocr_image.remove_seals`), so they never become text;
3. ruling lines are found by morphology (:func:`ocr_image.ruling_lines`) and erased, then the
   page is read; it is turned and read again when it lies on its side (most text boxes stand
   on end) or upside down (the direction model says so for most of the widest lines);
4. every recognised line becomes characters (Chinese per character, Latin per word split
   evenly) in points, top-down, with the line's em as font size (:class:`SizeScale`), so that
   paragraphs and headings come out of the same layout code as for a text PDF;
5. the rules become edges for the PDF reader's table code, which places the characters into the
   cells as for a text PDF.

Coordinates are those of the upright page image, in points (72 per inch).
"""
from __future__ import annotations

import ctypes
import importlib.util
import unicodedata
from functools import lru_cache
from pathlib import Path
from statistics import median
from typing import Optional

from ..errors import PlanxError
from ..patterns import compiled, load
from ..progress import page_started
from .explicit_rules import rule
from .ocr_image import erase_lines, lone_dashes, remove_seals, ruling_lines, turn

EXTRA = 'pip install "planx[ocr]" (in a checkout: pip install -e ".[ocr]")'
_IMAGE = 3  # FPDF_PAGEOBJ_IMAGE
_FORM = 5  # FPDF_PAGEOBJ_FORM


def available() -> bool:
    """The OCR extra is installed."""
    return all(importlib.util.find_spec(m) is not None for m in ("rapidocr_onnxruntime", "cv2"))


def needs_ocr(page) -> bool:
    """The page shows images over at least a quarter of its area (a scan, not a blank page or
    a logo)."""
    import pypdfium2.raw as r

    width, height = page.get_size()
    area = 0.0
    stack = [r.FPDFPage_GetObject(page.raw, k) for k in range(r.FPDFPage_CountObjects(page.raw))]
    while stack:
        obj = stack.pop()
        kind = r.FPDFPageObj_GetType(obj)
        if kind == _IMAGE:
            area += _area(obj, r)
        elif kind == _FORM:
            stack.extend(r.FPDFFormObj_GetObject(obj, k) for k in range(r.FPDFFormObj_CountObjects(obj)))
    return area >= 0.25 * width * height


def _area(obj, r) -> float:
    b = [ctypes.c_float() for _ in range(4)]
    r.FPDFPageObj_GetBounds(obj, *b)
    return max(0.0, b[2].value - b[0].value) * max(0.0, b[3].value - b[1].value)


@lru_cache(maxsize=1)
def engine():
    """The RapidOCR engine of this process (its models load once, in about a second)."""
    from rapidocr_onnxruntime import RapidOCR

    return RapidOCR()


def missing_extra(path: Path, pages: list[int]) -> PlanxError:
    which = "no text layer (image-only PDF)" if pages == [0] else \
        f"page{'s' if len(pages) > 1 else ''} {', '.join(map(str, pages))} without a text layer (scanned)"
    return PlanxError(path, f"{which}: reading scans needs the OCR extra: {EXTRA}")


# ---------------------------------------------------------------- one page

def page_image(page, dpi: int):
    """The page rendered upright (its /Rotate applied) as a BGR array."""
    import numpy as np

    pil = page.render(scale=dpi / 72).to_pil().convert("RGB")
    return np.ascontiguousarray(np.asarray(pil)[:, :, ::-1])


def _boxes(result) -> list:
    return list(result[0] or []) if result else []


def _extent(box) -> tuple[float, float, float, float]:
    xs, ys = [p[0] for p in box], [p[1] for p in box]
    return min(xs), min(ys), max(xs), max(ys)


def _sideways(results: list) -> bool:
    """Most clearly oriented text boxes stand on end: the page lies on its side."""
    shaped = [(x1 - x0, y1 - y0) for x0, y0, x1, y1 in (_extent(r[0]) for r in results)]
    shaped = [(w, h) for w, h in shaped if max(w, h) > 2 * min(w, h)]
    return bool(shaped) and sum(h > w for w, h in shaped) >= load("ocr")["turn_share"] * len(shaped)


def _upside_down(img, results: list) -> bool:
    """The direction model says "180°" for most of the widest lines."""
    p = load("ocr")
    widest = sorted((_extent(r[0]) for r in results), key=lambda e: e[0] - e[2])[:p["turn_sample"]]
    flipped = 0
    for x0, y0, x1, y1 in widest:
        crop = img[int(y0):int(y1) + 1, int(x0):int(x1) + 1]
        if crop.size:
            res = engine()(_bgr(crop), use_det=False, use_cls=True, use_rec=False)
            label = res[0][0] if res and res[0] else None
            flipped += bool(label and label[0] == "180" and label[1] >= 0.9)
    return bool(widest) and flipped >= p["turn_share"] * len(widest)


class SizeScale:
    """The font sizes of one document's OCR'd lines: a line's size is its em (:func:`_ems`), snapped to the
    first size seen within ``size_ratio`` — so that body lines on every page share one size and
    headings set larger get another, as with a text PDF's fonts."""

    def __init__(self) -> None:
        self.known: list[float] = []
        self.ratio = load("ocr")["size_ratio"]

    def snap(self, em: float) -> float:
        for s in self.known:
            if max(em, s) <= self.ratio * min(em, s):
                return s
        self.known.append(round(em, 1))
        return self.known[-1]


def _pieces(result) -> list[tuple[str, tuple[float, float, float, float]]]:
    """(text, box) pieces of one OCR line, boxes in pixels: its characters placed by the
    recogniser's character boxes when it gave them (Latin words split evenly), else by their
    widths (a CJK character an em, a Latin one or a space half of one) across the line's box;
    a space piece where the recognised text has one."""
    box, text = result[0], result[1]
    x0, y0, x1, y1 = _extent(box)
    out: list[tuple[str, tuple[float, float, float, float]]] = []
    if len(result) > 4 and result[3] and len(result[3]) == len(result[4]):
        pos = 0
        for word, wbox in zip(result[4], result[3]):
            at = text.find(word, pos)
            if at > pos and " " in text[pos:at]:
                out.append((" ", (x0, y0, x0, y1)))
            pos = at + len(word) if at >= 0 else pos
            wx0, _, wx1, _ = _extent(wbox)
            step = (wx1 - wx0) / max(1, len(word))
            out.extend((ch, (wx0 + k * step, y0, wx0 + (k + 1) * step, y1)) for k, ch in enumerate(word))
    else:
        units = [0.5 if ch.isspace() or unicodedata.east_asian_width(ch) in "NaH" else 1.0 for ch in text]
        step, x = (x1 - x0) / max(sum(units), 0.5), x0
        for ch, u in zip(text, units):
            out.append((ch, (x, y0, x + u * step, y1)))
            x += u * step
    out = [piece for k, piece in enumerate(out) if piece[0] != " " or _latin_gap(out, k)]
    fixed = corrected("".join(ch for ch, _ in out))
    if len(fixed) == len(out):
        out = [(ch, box) for ch, (_, box) in zip(fixed, out)]
    # close the gaps between the characters of a line (their boxes are centred estimates)
    for k in range(len(out) - 1):
        ch, (a0, ay0, a1, ay1) = out[k]
        nxt = out[k + 1]
        if ch != " " and nxt[0] != " " and 0 < nxt[1][0] - a1 < 0.5 * (ay1 - ay0):
            out[k] = (ch, (a0, ay0, nxt[1][0], ay1))
    return out


def _ems(results: list, k: float) -> list[float]:
    """Each OCR line's em in points: its width over its characters for a line of at least
    ``short_line_units`` characters; for a shorter one (a paragraph's last line, whose box is
    mostly padding) the page's usual em scaled by the line's height."""
    short = load("ocr")["short_line_units"]
    measured = []
    for r in results:
        x0, y0, x1, y1 = _extent(r[0])
        units = _units(r[1])
        measured.append(((x1 - x0) * k / max(units, 0.5) if units >= short else None, (y1 - y0) * k))
    long = [(em, h) for em, h in measured if em is not None]
    if not long:
        return [h for _, h in measured]
    em_per_height = median(em for em, _ in long) / median(h for _, h in long)
    return [em if em is not None else h * em_per_height for em, h in measured]


def _units(text: str) -> float:
    return sum(0.5 if unicodedata.east_asian_width(ch) in "NaH" else 1.0 for ch in text if not ch.isspace())


def _latin_gap(pieces: list, k: int) -> bool:
    """A space the recogniser saw is kept between two Latin letters or digits only (a gap
    beside a CJK character or a full-width mark is the glyph's own side bearing)."""
    before, after = pieces[k - 1][0] if k else "", pieces[k + 1][0] if k + 1 < len(pieces) else ""
    return before.isascii() and before.isalnum() and after.isascii() and after.isalnum()


def corrected(text: str) -> str:
    """``text`` with the one-for-one corrections of ``patterns/ocr.toml`` applied."""
    for c in load("ocr")["correction"]:
        text = compiled(c["rx"]).sub(c["to"], text)
    return text


def chars_of(results: list, dpi: int, scale: SizeScale) -> list[dict]:
    """The characters of a page's OCR lines as pdfplumber-style dicts in points."""
    k = 72 / dpi
    lines: list[list[dict]] = []
    for r, em in zip(results, _ems(results, k)):
        size = scale.snap(em)
        lines.append([{"text": ch, "x0": cx0 * k, "x1": cx1 * k, "top": cy0 * k, "bottom": cy1 * k, "size": size,
                       "fontname": "OCR", "upright": True} for ch, (cx0, cy0, cx1, cy1) in _pieces(r)])
    _close_gaps(lines)
    return [c for line in lines for c in line]


def _close_gaps(lines: list[list[dict]]) -> None:
    """Two OCR boxes side by side on one line less than an em apart are one run of text: the gap
    (a full-width mark's side bearing, where the detector cut) is closed, so that the layout code
    sees no space there — unless both sides are Latin letters or digits."""
    lines = sorted((l for l in lines if l), key=lambda l: l[0]["x0"])
    for a in lines:
        last = a[-1]
        for b in lines:
            first = b[0]
            gap = first["x0"] - last["x1"]
            overlap = min(last["bottom"], first["bottom"]) - max(last["top"], first["top"])
            if 0 < gap < last["size"] and overlap > 0.5 * (last["bottom"] - last["top"]):
                if not (last["text"].isascii() and last["text"].isalnum()
                        and first["text"].isascii() and first["text"].isalnum()):
                    last["x1"] = first["x0"]
                break


def _rules(segments, dpi: int) -> list[dict]:
    """The page's rules (pixels) as pdfplumber edges in points."""
    k, ext = 72 / dpi, load("ocr")["rule_extend_pt"]
    return [r for r in (rule(s.x0 * k, s.y0 * k, s.x1 * k, s.y1 * k, ext) for s in segments) if r is not None]


class Session:
    """OCR of the scanned pages of one document: one size scale, progress per page (which also
    keeps a supervised worker alive: a scan takes far longer than a text document)."""

    def __init__(self, path: Path, pages: int, dpi: Optional[int] = None) -> None:
        self.path, self.pages = path, pages
        self.dpi = dpi or load("ocr")["dpi"]
        self.sizes = SizeScale()

    def page(self, page, number: int):
        """(characters, ruling lines, width, height) of a scanned page, in points;
        PlanxError naming the page when OCR fails on it."""
        page_started(self.path, number, self.pages)
        try:
            return self._page(page, number)
        except (MemoryError, PlanxError):
            raise
        except Exception as e:  # noqa: BLE001 — ONNX Runtime / OpenCV errors: one line naming the page
            raise PlanxError(self.path, f"OCR failed on page {number} ({type(e).__name__}: {str(e)[:100]})") from None

    def _page(self, page, number: int):
        import cv2

        dpi = self.dpi
        gray = cv2.cvtColor(remove_seals(page_image(page, dpi), dpi), cv2.COLOR_BGR2GRAY)
        segments, results, erased = _read(gray, dpi)
        if _sideways(results):
            gray = turn(gray, 1)
            segments, results, erased = _read(gray, dpi)
        if _upside_down(gray, results):
            gray = turn(gray, 2)
            segments, results, erased = _read(gray, dpi)
        height, width = gray.shape[0] * 72 / dpi, gray.shape[1] * 72 / dpi
        results = [r for r in results if float(r[2]) >= load("ocr")["min_score"] and r[1].strip()]
        if segments:  # a table's empty cells may hold a lone dash
            results += _dashes(erased, results)
        chars = chars_of(results, dpi, self.sizes)
        return chars, _rules(segments, dpi), width, height


def _bgr(gray):
    import cv2

    return cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR)


def _read(gray, dpi: int) -> tuple[list, list, object]:
    """The rules of a grey page image, the OCR of the image with the rules erased (every
    detected line, whatever its confidence: the orientation checks need them all), and that
    image.  Character boxes (a third of the recognition time) are asked for only on a page with
    rules, where each character must fall into its cell."""
    segments = ruling_lines(gray, dpi)
    erased = erase_lines(gray, segments, max(3, dpi // 40))
    found = engine()(_bgr(erased), use_cls=False, return_word_box=bool(segments), text_score=0.0)[0] or []
    return segments, found, erased


def _dashes(erased, results: list) -> list:
    """OCR lines for the lone dashes the text detector missed (see ``lone_dashes``)."""
    if not results:
        return []
    p = load("ocr")
    boxes = [_extent(r[0]) for r in results]
    em = median(y1 - y0 for _, y0, _, y1 in boxes)
    found = lone_dashes(erased, boxes, em, tuple(p["dash_width_em"]), p["dash_max_height_em"],
                        p["dash_min_aspect"], p["dash_clear_em"])
    # the line box of a dash: one em tall around the stroke (as the detector boxes text)
    return [[[[x0, (y0 + y1 - em) / 2], [x1, (y0 + y1 - em) / 2], [x1, (y0 + y1 + em) / 2],
              [x0, (y0 + y1 + em) / 2]], "-", 1.0] for x0, y0, x1, y1 in found]
