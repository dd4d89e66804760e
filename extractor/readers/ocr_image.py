"""Image work on a scanned page before OCR (OpenCV, numpy): seals out, ruling lines found and
erased, the page turned upright.

Coordinates are pixels of the page image, origin top left.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..patterns import load

if TYPE_CHECKING:
    import numpy as np


@dataclass
class Segment:
    """A ruling line: horizontal (y0 == y1) or vertical (x0 == x1), in pixels."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def horizontal(self) -> bool:
        return self.y0 == self.y1


def red_mask(img: np.ndarray) -> np.ndarray:
    """Pixels of red ink (seals, red headers): saturated, not dark, hue near red."""
    import cv2
    import numpy as np

    p = load("ocr")["red"]
    hsv = cv2.cvtColor(img, cv2.COLOR_BGR2HSV)
    h, s, v = hsv[..., 0], hsv[..., 1], hsv[..., 2]
    return (((h <= p["hue_low"]) | (h >= p["hue_high"])) & (s >= p["min_saturation"])
            & (v >= p["min_value"])).astype(np.uint8) * 255


def remove_seals(img: np.ndarray, dpi: int) -> np.ndarray:
    """White out the red ink of seals: red regions about as tall as wide and at least
    ``seal_min_inch`` across (a stamp's ring, star and curved name).  Other red ink (a red
    header, a red rule) is kept; ink under a seal (printed black text) is kept because it is
    dark, not red."""
    import cv2
    import numpy as np

    mask = red_mask(img)
    if not mask.any():
        return img
    p = load("ocr")["red"]
    grown = cv2.dilate(mask, np.ones((9, 9), np.uint8), iterations=2)  # a seal's pieces → one region
    n, _, stats, _ = cv2.connectedComponentsWithStats(grown, connectivity=8)
    out = img.copy()
    light = img.max(axis=2) >= p["min_value"]  # not print: red, pink fringes, paper
    min_side = p["seal_min_inch"] * dpi
    for k in range(1, n):
        x, y, w, h, _area = stats[k]
        if min(w, h) >= min_side and 1 / p["seal_max_aspect"] <= w / h <= p["seal_max_aspect"]:
            region = cv2.dilate(mask[y:y + h, x:x + w], np.ones((3, 3), np.uint8)) > 0  # the ink's fringes too
            out[y:y + h, x:x + w][region & light[y:y + h, x:x + w]] = 255
    return out


def ink(gray: np.ndarray) -> np.ndarray:
    """Dark pixels as 255 on 0 (adaptive threshold: uneven scan lighting is no problem)."""
    import cv2

    return cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15)


def ruling_lines(gray: np.ndarray, dpi: int) -> list[Segment]:
    """The rules of the page's tables and boxes: ink runs that survive a morphological opening
    with a long thin kernel — horizontal ones at least ``rule_min_inch`` long, vertical ones at
    least ``vrule_min_inch`` (a header row is short) — where each horizontal rule meets two
    vertical ones and each vertical rule two horizontal ones.  The strokes of a large character
    (十, 井), a dash, an underline or a header rule form no such frame."""
    p = load("ocr")
    tol = 0.02 * dpi
    found = _long_runs(gray, max(10, int(p["rule_min_inch"] * dpi)), True) + \
        _long_runs(gray, max(10, int(p["vrule_min_inch"] * dpi)), False)
    while True:
        kept = [s for s in found if sum(_meet(s, o, tol) for o in found if o.horizontal != s.horizontal) >= 2]
        if len(kept) == len(found):
            return kept
        found = kept


def _meet(a: Segment, b: Segment, tol: float) -> bool:
    h, v = (a, b) if a.horizontal else (b, a)
    return h.x0 - tol <= v.x0 <= h.x1 + tol and v.y0 - tol <= h.y0 <= v.y1 + tol


def _long_runs(gray: np.ndarray, length: int, horizontal: bool) -> list[Segment]:
    """Horizontal or vertical ink runs at least ``length`` pixels long."""
    import cv2
    import numpy as np

    binary = ink(gray)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1) if horizontal else (1, length))
    lines = cv2.morphologyEx(binary, cv2.MORPH_OPEN, kernel)
    lines = cv2.dilate(lines, np.ones((3, 3), np.uint8))  # close pixel gaps along a scanned rule
    n, _, stats, _ = cv2.connectedComponentsWithStats(lines, connectivity=8)
    out: list[Segment] = []
    for k in range(1, n):
        x, y, w, h, _ = stats[k]
        if horizontal and w >= length:
            out.append(Segment(float(x), y + h / 2, float(x + w), y + h / 2))
        elif not horizontal and h >= length:
            out.append(Segment(x + w / 2, float(y), x + w / 2, float(y + h)))
    return out


def erase_lines(img: np.ndarray, segments: list[Segment], width: int) -> np.ndarray:
    """White out the rules so that OCR does not read them as 1, l or |."""
    import cv2

    out = img.copy()
    for s in segments:
        cv2.line(out, (int(s.x0), int(s.y0)), (int(s.x1), int(s.y1)), (255, 255, 255), thickness=width)
    return out


def lone_dashes(erased: np.ndarray, boxes: list[tuple[float, float, float, float]], em: float,
                width_em: tuple[float, float], max_height_em: float, min_aspect: float,
                clear_em: float) -> list[tuple[int, int, int, int]]:
    """Boxes (x0, y0, x1, y1) of lone dashes on a page with its rules erased: flat ink strokes of a
    dash's size outside every OCR line box (``boxes``) with no other ink near them."""
    import cv2
    import numpy as np

    n, _, stats, _ = cv2.connectedComponentsWithStats(ink(erased), connectivity=8)
    blobs = [tuple(int(v) for v in stats[k][:4]) for k in range(1, n) if stats[k][4] > 0]
    clear = clear_em * em
    out = []
    for x, y, w, h in blobs:
        if not (width_em[0] * em <= w <= width_em[1] * em and h <= max_height_em * em and w >= min_aspect * h):
            continue
        if any(bx0 - clear / 2 <= x + w and x <= bx1 + clear / 2 and by0 <= y + h and y <= by1
               for bx0, by0, bx1, by1 in boxes):
            continue  # part of (or next to) a recognised line
        near = [b for b in blobs if b != (x, y, w, h) and b[0] <= x + w + clear and x - clear <= b[0] + b[2]
                and b[1] <= y + h + clear and y - clear <= b[1] + b[3]]
        if not near:
            out.append((x, y, x + w, y + h))
    return out


def turn(img: np.ndarray, quarter_turns: int) -> np.ndarray:
    """The image turned counter-clockwise by ``quarter_turns`` × 90°."""
    import numpy as np

    return np.ascontiguousarray(np.rot90(img, quarter_turns % 4))
