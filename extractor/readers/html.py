"""Read a plan published as a web page (.html/.htm: a saved page or a content fragment).

- Charset: a BOM, else the page's declaration (``<meta charset>``, ``http-equiv``, the XML
  prolog) when the bytes decode with it, else UTF-8 / GB18030 detection (:mod:`.encoding`).
  GB2312/GBK declarations are read as GB18030, their superset.
- Scripts, styles, forms, hidden elements and comments are never text; ``nav``/``header``/
  ``footer``/``aside`` elements and elements whose class or id names page chrome (share bars,
  breadcrumbs, "print / close" bars: ``patterns/html.toml``) are left out.
- The article body is the deepest element holding most (``body_share``) of the page's prose:
  prose is text outside links in block elements that are not mostly links.  The last
  ``h1``–``h3`` before the body (outside it) is kept as its title heading, else the page's
  ``ArticleTitle`` meta tag (the field Chinese government sites carry).
- Block structure: every block element starts a new paragraph, ``<br>`` starts a new line and
  paragraph (as a manual line break in Word), ``h1``–``h6`` are headings of that outline level.
  Whitespace is collapsed as a browser does; a line break in the source between two CJK
  characters is no space.
- A data table becomes a grid with its rowspan/colspan resolved (:mod:`.html_tables`), the
  same as a .docx table; a layout table (a cell holding another table, a heading or a long
  run of prose) is read through, cell by cell, as part of the page.

``Document.text`` is laid out as for .docx: one line per paragraph, a table as in a Tika
export (a TAB-led line per cell origin, an empty TAB line per vertically merged position,
rows separated by an empty line).
"""
from __future__ import annotations

import codecs
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Optional, Union

from ..errors import PlanxError
from ..model import Document
from ..patterns import compiled, load
from .encoding import decode
from .html_tables import cells_of, grid, row_groups
from .text_builder import GridSlot, TextBuilder

_SKIP = {"script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "math", "head", "title",
         "select", "button", "input", "textarea", "option", "map", "canvas", "video", "audio", "meta", "link"}
_CHROME_TAGS = {"nav", "footer", "aside", "menu"}  # and a page-level <header>
_BLOCK = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "blockquote", "pre",
          "section", "article", "main", "center", "address", "figure", "figcaption", "caption", "form", "fieldset",
          "hr", "table", "tr", "td", "th", "body", "html", "details", "summary", "legend"}
_HEADING = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030", "cp936": "gb18030",
            "big5": "big5hkscs", "x-euc-cn": "gb18030", "euc-cn": "gb18030"}


# ---------------------------------------------------------------- decoding

def _declared(data: bytes) -> Optional[str]:
    head = data[:8192]
    m = (re.search(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", head, re.I)
         or re.search(rb"<\?xml[^>]+encoding\s*=\s*[\"']([A-Za-z0-9_.:-]+)", head, re.I))
    if not m:
        return None
    name = m.group(1).decode("ascii", "replace").lower()
    name = _ALIASES.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_html(data: bytes, path: object) -> str:
    """The page's text: BOM, then the declared charset when it fits, then detection."""
    if not data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        enc = _declared(data)
        if enc:
            try:
                return data.decode(enc)
            except UnicodeDecodeError:
                pass  # a wrong declaration (a GBK page saying utf-8): detect instead
    return decode(data, path)[0]


# ---------------------------------------------------------------- the tree

def _parse(text: str, path: Path):
    import lxml.html
    from lxml import etree

    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)  # lxml refuses an encoding declaration in a str
    if not text.strip():
        raise PlanxError(path, "empty page")
    try:
        return lxml.html.document_fromstring(text, parser=lxml.html.HTMLParser(remove_comments=True,
                                                                                remove_pis=True, no_network=True))
    except (etree.ParserError, ValueError) as e:
        raise PlanxError(path, f"unreadable HTML ({str(e)[:100]})") from None


def _tag(el) -> str:
    return el.tag.lower() if isinstance(el.tag, str) else ""


def _hidden(el) -> bool:
    style = (el.get("style") or "").replace(" ", "").lower()
    return el.get("hidden") is not None or "display:none" in style or "visibility:hidden" in style \
        or el.get("aria-hidden") == "true"


def _chrome(el) -> bool:
    tag = _tag(el)
    if tag in _CHROME_TAGS:
        return True
    if tag == "header":  # the page's banner, not an article's own header
        return not any(_tag(a) in ("article", "main", "section") for a in el.iterancestors())
    names = f"{el.get('class') or ''} {el.get('id') or ''}".strip()
    return bool(names) and compiled(load("html")["chrome_names"]).search(names) is not None


def _prune(root) -> None:
    """Remove what is never text: scripts, styles, forms' controls, hidden elements."""
    for el in list(root.iter()):
        if not isinstance(el.tag, str):
            _drop(el)
        elif _tag(el) in _SKIP or _hidden(el):
            _drop(el)


def _drop(el) -> None:
    """Remove ``el`` and its content, keeping the text that follows it."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    prev = el.getprevious()
    if tail:
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


# ---------------------------------------------------------------- lines of a subtree

@dataclass
class _Line:
    text: str
    level: Optional[int] = None  # h1–h6
    links: int = 0  # characters inside links
    n_links: int = 0


@dataclass
class _TableItem:
    el: object


Item = Union[_Line, _TableItem]


@dataclass
class _Walker:
    """Turns a subtree into lines and tables in reading order."""

    skip_chrome: bool = True
    items: list[Item] = field(default_factory=list)
    buf: list[str] = field(default_factory=list)
    links: int = 0
    n_links: int = 0
    level: Optional[int] = None

    def flush(self) -> None:
        text = _collapse("".join(self.buf))
        if text:
            self.items.append(_Line(text, self.level, self.links, self.n_links))
        self.buf, self.links, self.n_links = [], 0, 0

    def add(self, s: Optional[str], in_link: bool) -> None:
        if s:
            self.buf.append(s)
            if in_link:
                self.links += len(_collapse(s))

    def walk(self, el, in_link: bool = False) -> None:
        tag = _tag(el)
        if self.skip_chrome and _chrome(el):
            return
        if tag == "br":
            self.flush()
            return
        if tag == "table" and not is_layout_table(el):
            self.flush()
            self.items.append(_TableItem(el))
            return
        block = tag in _BLOCK
        if block:
            self.flush()
        outer = self.level
        if tag in _HEADING:
            self.level = _HEADING[tag]
        link = in_link or tag == "a" and el.get("href") is not None
        if link and not in_link:
            self.n_links += 1
        self.add(el.text, link)
        for ch in el:
            self.walk(ch, link)
            self.add(ch.tail, link)
        if block:
            self.flush()
        self.level = outer


def _collapse(s: str) -> str:
    """Whitespace as a browser shows it: every run of spaces and line breaks is one space
    (as Chromium does, also between CJK characters); no-break spaces are spaces."""
    return re.sub(r"[ \t\n\r\f\v\xa0]+", " ", s).strip()


def is_layout_table(table) -> bool:
    """A table used for page layout: a cell holds another table, a heading, or long prose."""
    limit = load("html")["layout_cell_chars"]
    for group in row_groups(table):
        for tr in group:
            for td in cells_of(tr):
                for d in td.iter():
                    if d is not td and _tag(d) in ("table", *_HEADING):
                        return True
                if len("".join(td.itertext())) > limit or td.get("role") == "presentation":
                    return True
    return table.get("role") == "presentation"


# ---------------------------------------------------------------- the article body

def _prose_weight(root) -> dict:
    """Element → characters of prose in its subtree: text outside links of block elements
    (outside page chrome) whose own lines are not mostly links."""
    weights: dict = {}
    min_chars = load("html")["prose_min_chars"]

    def visit(el) -> None:
        if _chrome(el):
            return
        if _tag(el) in _BLOCK and _tag(el) not in ("html", "body"):
            prose, linked = _own_text(el)
            if prose >= min_chars and linked <= prose:
                for node in (el, *el.iterancestors()):
                    weights[node] = weights.get(node, 0) + prose
        for ch in el:
            visit(ch)

    visit(root)
    return weights


def _own_text(el) -> tuple[int, int]:
    """(characters outside links, characters inside links) of the element's text that is not
    inside a nested block element."""
    prose = linked = 0

    def visit(node, in_link: bool) -> None:
        nonlocal prose, linked
        n = len(_collapse(node.text or ""))
        if in_link:
            linked += n
        else:
            prose += n
        for ch in node:
            if _tag(ch) not in _BLOCK:
                visit(ch, in_link or _tag(ch) == "a")
            n = len(_collapse(ch.tail or ""))
            if in_link:
                linked += n
            else:
                prose += n

    visit(el, False)
    return prose, linked


_CONTAINERS = {"div", "section", "article", "main", "center", "form", "span", "font", "blockquote",
               "tbody", "thead", "tfoot", "tr", "td", "th"}


def _container(el) -> bool:
    """An element the body may be (not a paragraph, heading or data table)."""
    tag = _tag(el)
    if tag == "table":
        return is_layout_table(el)
    if tag in ("tbody", "thead", "tfoot", "tr", "td", "th"):
        table = next((a for a in el.iterancestors() if _tag(a) == "table"), None)
        return table is not None and is_layout_table(table)
    return tag in _CONTAINERS


def find_body(root):
    """The deepest container holding at least ``body_share`` of the page's prose."""
    weights = _prose_weight(root)
    body = root.find("body") if root.find("body") is not None else root
    total = weights.get(body, 0)
    if not total:
        return body
    need = load("html")["body_share"] * total
    node = body
    while True:
        best = max((ch for ch in node if weights.get(ch, 0) >= need and _container(ch)), key=lambda c: weights[c],
                   default=None)
        if best is None:
            return node
        node = best


def _title_before(root, body) -> Optional[str]:
    """The last h1–h3 before the body in the body's own container (its parent or grandparent
    holds the body, below the page's <body>), not in page chrome or a link."""
    title = None
    body_line = [body, *body.iterancestors()]
    for el in root.iter("h1", "h2", "h3"):
        near = [a for a in list(el.iterancestors())[:2] if _tag(a) not in ("body", "html")]
        if not any(a in body_line for a in near) or body in el.iterancestors():
            continue
        if _is_before(el, body) and not any(_chrome(a) or _tag(a) == "a" for a in el.iterancestors()):
            text = _collapse(el.text_content())
            if text:
                title = text
    return title


def _meta_title(root) -> Optional[str]:
    """The ArticleTitle meta tag (government sites carry it)."""
    for meta in root.iter("meta"):
        if (meta.get("name") or "").lower() == "articletitle" and _collapse(meta.get("content") or ""):
            return _collapse(meta.get("content"))
    return None


def _is_before(a, b) -> bool:
    for el in a.getroottree().getroot().iter():
        if el is a:
            return True
        if el is b:
            return False
    return False


# ---------------------------------------------------------------- document text and blocks

def _table_slots(table) -> list[list[GridSlot]]:
    return [[GridSlot(merged=slot.merged) if slot.merged else
             GridSlot(cell_lines(slot.cell) if slot.cell is not None else [], slot.rowspan, slot.colspan)
             for slot in row] for row in grid(table)]


def cell_lines(td) -> list[str]:
    """The lines of a table cell: its paragraphs and line breaks, nested tables' cells."""
    w = _Walker(skip_chrome=False)
    w.walk(td)
    w.flush()
    lines: list[str] = []
    for it in w.items:
        if isinstance(it, _TableItem):
            for row in grid(it.el):
                for slot in row:
                    if slot.cell is not None:
                        lines += cell_lines(slot.cell)
        else:
            lines.append(it.text)
    return lines


def _menu_line(line: _Line) -> bool:
    """A line that is mostly links: a bar of links, or a short link-only line."""
    return line.links * 2 >= len(line.text.replace(" ", "")) and (line.n_links >= 2 or len(line.text) <= 6)


def _items(root, meta_title: Optional[str]) -> Iterator[Item]:
    body = find_body(root)
    title = _title_before(root, body) or meta_title
    if title:
        yield _Line(title, 1)
    w = _Walker()
    w.walk(body)
    w.flush()
    for it in w.items:
        if isinstance(it, _Line) and _menu_line(it):
            continue
        yield it


def read_html(path: Path, doc_id: Optional[str] = None) -> Document:
    data = path.read_bytes()
    if not data.strip():
        raise PlanxError(path, "empty file")
    root = _parse(decode_html(data, path), path)
    meta_title = _meta_title(root)
    _prune(root)
    b = TextBuilder(path)
    for it in _items(root, meta_title):
        if isinstance(it, _TableItem):
            b.table(_table_slots(it.el))
        else:
            b.paragraph(it.text, style=f"h{it.level}" if it.level else None, outline_level=it.level,
                        heading_hint=it.level is not None)
    if not b.blocks:
        raise PlanxError(path, "no text in the page body")
    return Document(doc_id or path.stem, str(path), "html", hashlib.sha256(data).hexdigest(), b.text, b.blocks)
