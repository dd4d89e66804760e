"""Ruling lines given explicitly — the rules detected on a scanned page, the path objects of an
OFD page — as the edge dicts the PDF reader's table code reads (``pdf_rules.ruled_tables``), so
that they give the same cells as the rules of a text PDF."""
from __future__ import annotations

from typing import Optional


def rule(x0: float, top: float, x1: float, bottom: float, extend: float = 0.0) -> Optional[dict]:
    """A horizontal (``top == bottom``) or vertical (``x0 == x1``) rule in points, top-down, as
    a pdfplumber edge, lengthened by ``extend`` at both ends (scanned or drawn rules that stop
    short of a crossing still meet it); None for any other segment."""
    if top == bottom and x1 > x0:
        x0, x1, orientation = x0 - extend, x1 + extend, "h"
    elif x0 == x1 and bottom > top:
        top, bottom, orientation = top - extend, bottom + extend, "v"
    else:
        return None
    return {"x0": x0, "x1": x1, "top": top, "bottom": bottom, "doctop": top, "width": x1 - x0,
            "height": bottom - top, "orientation": orientation, "object_type": "line"}
