"""Read an OFD document (GB/T 33190-2016, the national format of electronic official documents).

An .ofd is a zip package: ``OFD.xml`` names the document root (``DocBody/DocRoot``), whose
``Document.xml`` lists the pages (``Pages/Page@BaseLoc``), the default page area and the page
templates; each page's ``Content.xml`` holds layers of positioned objects, in millimetres with
the origin at the page's top left (elements are matched by local name, whatever namespace a
writer put them in):

- ``TextObject`` (``Boundary`` x y w h, ``Size``, optional ``CTM``) with ``TextCode`` runs: the
  first character's baseline origin at (``X``, ``Y``) inside the boundary, the following ones
  ``DeltaX`` further each (``g N d`` repeats ``d`` N times);
- ``PathObject`` (``AbbreviatedData``: ``S``/``M`` move, ``L`` line, ``Q``/``B``/``A`` curves,
  ``C`` close) — its axis-parallel straight segments, and thin filled rectangles, are the rules
  of tables;
- ``PageBlock`` / ``CompositeObject`` group further objects; a page's ``Template`` adds the
  objects of a template page (running headers and footers, dropped later like a PDF's).

Every character becomes a pdfplumber-style dict in points and every rule a line, and the page
goes through the PDF reader's own code (``pdf.page_content``, ``pdf.build_document``):
lines, paragraphs, headings by font size, ruled tables as grids.
"""
from __future__ import annotations

import posixpath
import re
import unicodedata
import zipfile
from pathlib import Path
from typing import Iterator, Optional

from ..errors import PlanxError
from ..model import Document
from .explicit_rules import rule
from .pdf import build_document, page_content
from .pdf_layout import dedupe

PT = 72 / 25.4  # points per millimetre
_THIN = 0.8  # pt: a filled rectangle this thin is a rule
_STRAIGHT = 0.3  # pt: a segment this close to axis-parallel is a rule
_MAX_PART = 256 * 2**20
_ARGS = {"S": 2, "M": 2, "L": 2, "Q": 4, "B": 6, "A": 7, "C": 0}


class _Package:
    """The zip package: parts read by their path (BaseLoc resolved against the referring part)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as e:
            raise PlanxError(path, f"not an OFD document (not a zip package: {e})") from None
        self.names = {i.filename.lstrip("/"): i for i in self.zip.infolist()}

    def xml(self, name: str):
        from lxml import etree

        info = self.names.get(name.lstrip("/"))
        if info is None:
            raise PlanxError(self.path, f"corrupt OFD (missing part {name})")
        if info.file_size > _MAX_PART or (info.file_size > 2**20 and info.file_size > 200 * max(1, info.compress_size)):
            raise PlanxError(self.path, f"refused: {name} uncompresses to {info.file_size // 2**20} MB (zip bomb?)")
        data = self.zip.read(info)
        try:
            root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                                                          huge_tree=False, remove_comments=True, remove_pis=True))
        except etree.XMLSyntaxError as e:
            raise PlanxError(self.path, f"corrupt OFD ({name}: {str(e)[:100]})") from None
        for el in root.iter():  # elements by local name: writers that get the namespace wrong are read too
            el.tag = etree.QName(el).localname
        return root

    @staticmethod
    def resolve(base: str, loc: str) -> str:
        """``loc`` as referenced from part ``base`` (absolute when it starts with /)."""
        loc = loc.strip()
        if loc.startswith("/"):
            return loc.lstrip("/")
        return posixpath.normpath(posixpath.join(posixpath.dirname(base), loc))

    def close(self) -> None:
        self.zip.close()


def _floats(s: Optional[str]) -> list[float]:
    out: list[float] = []
    for tok in re.findall(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?", s or ""):
        out.append(float(tok))
    return out


def deltas(s: Optional[str]) -> list[float]:
    """A DeltaX/DeltaY list with its ``g N d`` abbreviations expanded."""
    toks = (s or "").split()
    out: list[float] = []
    k = 0
    while k < len(toks):
        if toks[k] == "g" and k + 2 < len(toks):
            try:
                out.extend([float(toks[k + 2])] * int(float(toks[k + 1])))
            except ValueError:
                pass
            k += 3
            continue
        try:
            out.append(float(toks[k]))
        except ValueError:
            pass
        k += 1
    return out


class _Matrix:
    """An OFD transform (CTM "a b c d e f": x' = a·x + c·y + e, y' = b·x + d·y + f) followed by
    the object's boundary offset."""

    def __init__(self, ctm: Optional[str], dx: float, dy: float) -> None:
        vals = _floats(ctm)
        self.a, self.b, self.c, self.d, self.e, self.f = vals if len(vals) == 6 else (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
        self.dx, self.dy = dx, dy

    def __call__(self, x: float, y: float) -> tuple[float, float]:
        return (self.a * x + self.c * y + self.e + self.dx, self.b * x + self.d * y + self.f + self.dy)

    @property
    def scale(self) -> float:
        return abs(self.a * self.d - self.b * self.c) ** 0.5

    @property
    def upright(self) -> bool:
        return abs(self.b) < 1e-6 and abs(self.c) < 1e-6 and self.a > 0 and self.d > 0


def _boundary(el) -> tuple[float, float, float, float]:
    vals = _floats(el.get("Boundary"))
    return tuple(vals) if len(vals) == 4 else (0.0, 0.0, 0.0, 0.0)  # type: ignore[return-value]


def _text_chars(obj, fonts: dict[str, str]) -> list[dict]:
    """The characters of a TextObject in points."""
    x0, y0, bw, _ = _boundary(obj)
    m = _Matrix(obj.get("CTM"), x0, y0)
    size = (_floats(obj.get("Size") or obj.get("size")) or [3.5])[0]
    hscale = (_floats(obj.get("HScale")) or [1.0])[0]
    font = fonts.get(obj.get("Font") or "", "OFD")
    out: list[dict] = []
    x = y = 0.0
    for code in obj.iter("TextCode"):
        text = code.text or ""
        if code.get("X") is not None:
            x = (_floats(code.get("X")) or [x])[0]
        if code.get("Y") is not None:
            y = (_floats(code.get("Y")) or [y])[0]
        dx, dy = deltas(code.get("DeltaX")), deltas(code.get("DeltaY"))
        for k, ch in enumerate(text):
            narrow = unicodedata.east_asian_width(ch) in "NaH"
            advance = dx[k] if k < len(dx) else size * (0.5 if narrow else 1.0) * hscale
            width = min(advance, size * (0.85 if narrow else 1.0) * hscale) if advance > 0 else size * hscale
            (ax, ay), (bx, _) = m(x, y), m(x + width, y)
            em = size * m.scale
            out.append({"text": ch, "x0": min(ax, bx) * PT, "x1": max(ax, bx) * PT, "top": (ay - 0.88 * em) * PT,
                        "bottom": (ay + 0.12 * em) * PT, "size": round(em * PT, 1), "fontname": font,
                        "upright": m.upright})
            x += advance
            y += dy[k] if k < len(dy) else 0.0
    if out and bw > 0 and out[-1]["upright"]:  # the last glyph's width: up to the object's boundary
        last = out[-1]
        right = (x0 + bw) * PT
        if last["x1"] < right <= last["x0"] + 1.2 * last["size"]:
            last["x1"] = right
    return out


def _path_rules(obj) -> list[dict]:
    """The rules drawn by a PathObject: its axis-parallel straight segments (stroked), or the
    long side of a thin filled rectangle."""
    x0, y0, _, _ = _boundary(obj)
    m = _Matrix(obj.get("CTM"), x0, y0)
    data = obj.find("AbbreviatedData")
    segments = _segments(data.text if data is not None else "", m)
    stroked = obj.get("Stroke", "true") != "false"
    filled = obj.get("Fill", "false") == "true"
    out: list[dict] = []
    if filled and not stroked and segments:
        xs = [v for s in segments for v in (s[0], s[2])]
        ys = [v for s in segments for v in (s[1], s[3])]
        w, h = max(xs) - min(xs), max(ys) - min(ys)
        if h <= _THIN < w:
            segments = [(min(xs), (min(ys) + max(ys)) / 2, max(xs), (min(ys) + max(ys)) / 2)]
        elif w <= _THIN < h:
            segments = [((min(xs) + max(xs)) / 2, min(ys), (min(xs) + max(xs)) / 2, max(ys))]
    elif not stroked:
        return out
    for ax, ay, bx, by in segments:
        if abs(ay - by) <= _STRAIGHT and abs(ax - bx) > _STRAIGHT:
            r = rule(min(ax, bx), (ay + by) / 2, max(ax, bx), (ay + by) / 2, 1.0)
        elif abs(ax - bx) <= _STRAIGHT and abs(ay - by) > _STRAIGHT:
            r = rule((ax + bx) / 2, min(ay, by), (ax + bx) / 2, max(ay, by), 1.0)
        else:
            continue
        if r is not None:
            out.append(r)
    return out


def _segments(data: str, m: _Matrix) -> list[tuple[float, float, float, float]]:
    """Straight segments (points, page coordinates) of an AbbreviatedData path."""
    toks = data.split()
    out: list[tuple[float, float, float, float]] = []
    cur = start = None
    k = 0
    while k < len(toks):
        op = toks[k]
        n = _ARGS.get(op)
        if n is None:
            k += 1
            continue
        args = _floats(" ".join(toks[k + 1:k + 1 + n]))
        k += 1 + n
        if len(args) < n:
            break
        if op in ("S", "M"):
            cur = start = m(args[0], args[1])
        elif op == "L" and cur is not None:
            nxt = m(args[0], args[1])
            out.append((cur[0] * PT, cur[1] * PT, nxt[0] * PT, nxt[1] * PT))
            cur = nxt
        elif op in ("Q", "B", "A"):
            cur = m(args[-2], args[-1])
        elif op == "C" and cur is not None and start is not None:
            out.append((cur[0] * PT, cur[1] * PT, start[0] * PT, start[1] * PT))
            cur = start
    return out


def _objects(el) -> Iterator:
    """The drawing objects under a layer, page block or composite object, in drawing order."""
    for ch in el:
        tag = ch.tag
        if tag in ("TextObject", "PathObject", "ImageObject"):
            yield ch
        elif tag in ("PageBlock", "Layer", "CompositeObject", "Content"):
            yield from _objects(ch)


class _Doc:
    """The document root of the package: pages, templates, page area, fonts."""

    def __init__(self, pkg: _Package) -> None:
        self.pkg = pkg
        root = pkg.xml("OFD.xml")
        loc = root.findtext("DocBody/DocRoot")
        if not loc:
            raise PlanxError(pkg.path, "corrupt OFD (OFD.xml names no DocRoot)")
        self.base = pkg.resolve("OFD.xml", loc)
        doc = pkg.xml(self.base)
        common = doc.find("CommonData")
        self.area = _floats(common.findtext("PageArea/PhysicalBox") if common is not None else None) \
            or [0.0, 0.0, 210.0, 297.0]
        self.templates = {t.get("ID"): pkg.resolve(self.base, t.get("BaseLoc", ""))
                          for t in (common.iter("TemplatePage") if common is not None else [])}
        self.fonts: dict[str, str] = {}
        for res in ((common.findall("PublicRes") + common.findall("DocumentRes")) if common is not None else []):
            part = pkg.resolve(self.base, res.text or "")
            if part in pkg.names:
                for f in pkg.xml(part).iter("Font"):
                    self.fonts[f.get("ID") or ""] = f.get("FontName") or "OFD"
        self.pages = [pkg.resolve(self.base, p.get("BaseLoc", "")) for p in doc.iter("Page")]
        if not self.pages:
            raise PlanxError(pkg.path, "corrupt OFD (Document.xml lists no pages)")

    def page(self, part: str) -> tuple[list[dict], list[dict], float, float]:
        """(characters, rules, width, height) of one page, in points."""
        page = self.pkg.xml(part)
        box = _floats(page.findtext("Area/PhysicalBox")) or self.area
        layers = []
        for t in page.findall("Template"):
            loc = self.templates.get(t.get("TemplateID"))
            if loc and loc in self.pkg.names:
                layers.append(self.pkg.xml(loc).find("Content"))
        layers.append(page.find("Content"))
        chars: list[dict] = []
        rules: list[dict] = []
        for layer in layers:
            if layer is None:
                continue
            for obj in _objects(layer):
                if obj.tag == "TextObject":
                    chars.extend(_text_chars(obj, self.fonts))
                elif obj.tag == "PathObject":
                    rules.extend(_path_rules(obj))
        return chars, rules, box[2] * PT, box[3] * PT


def read_ofd(path: Path, doc_id: Optional[str] = None) -> Document:
    pkg = _Package(path)
    try:
        doc = _Doc(pkg)
        pages, heights = [], []
        for number, part in enumerate(doc.pages, 1):
            chars, rules, _width, height = doc.page(part)
            pages.append(page_content(dedupe(chars), rules, number))
            heights.append(height)
    except (KeyError, ValueError, zipfile.BadZipFile) as e:
        raise PlanxError(path, f"corrupt OFD ({type(e).__name__}: {str(e)[:100]})") from None
    finally:
        pkg.close()
    return build_document(path, doc_id, "ofd", pages, heights)
