"""Read a .docx plan into the document model (python-docx for the package, lxml for the XML).

The body's paragraphs and tables are read in document order (content controls looked
through; headers, footers, footnotes, deleted revisions and field codes left out; text boxes
too, except at the top of the first page, where a text box — or a one-cell table — frames the
document's title: its paragraphs are read as body paragraphs).  ``Document.text`` is built as follows:

- one line per paragraph, printed as Word prints it: the numbering label rendered from
  numbering.xml, its suffix (a space for a tab or space), then the paragraph text; a
  manual line break starts a new line and a new paragraph block;
- a table as in a Tika export: one line per cell origin starting with a TAB (the cell's
  paragraphs on the following lines, without TAB), an empty TAB line for a cell covered by a
  vertical merge, rows separated by an empty line, and an empty line after the table.

Each paragraph block's ``text``/``offsets`` cover its own text (the label is in
``Block.label``, not in ``text``), ``start``/``end`` the same range of ``Document.text``.
Table cells are a resolved grid (``Table.grid``): merge origins carry rowspan/colspan,
covered positions are empty cells marked "v"/"h".
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Optional

from ..errors import PlanxError
from ..hygiene import char_of
from ..limits import bound
from ..model import Document
from .docx_numbering import W, Numbering
from .docx_safety import check_package
from .docx_tables import grid
from .text_builder import GridSlot, TextBuilder

_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_TOP_BLOCKS = 8  # the top of the first page: at most this many short lines before the first prose/table
_TOP_LINE = 60
_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*([1-9])$", re.I)
_SKIP_RUNS = {W + "del", W + "moveFrom", W + "fldChar", W + "instrText", W + "delText"}
_INLINE = {W + "hyperlink", W + "ins", W + "moveTo", W + "smartTag", W + "fldSimple", W + "customXml",
           W + "dir", W + "bdo", W + "sdtContent"}


@dataclass
class _Style:
    name: Optional[str]
    outline: Optional[int]  # 1-based outline level
    num: Optional[tuple[Optional[str], Optional[int]]]  # (numId, ilvl) from w:numPr


class _Styles:
    """Paragraph styles: display name, outline level and numbering, following w:basedOn."""

    def __init__(self, root) -> None:
        self.raw: dict[str, object] = {}
        self.default: Optional[str] = None
        if root is not None:
            for s in root.iter(W + "style"):
                sid = s.get(W + "styleId")
                self.raw[sid] = s
                if s.get(W + "type") == "paragraph" and s.get(W + "default") in ("1", "true"):
                    self.default = sid
        self._cache: dict[str, _Style] = {}

    def get(self, sid: Optional[str], depth: int = 0) -> _Style:
        """The resolved style ``sid``; a basedOn chain is followed ``docx.max_style_depth`` deep."""
        sid = sid or self.default
        if sid is None or sid not in self.raw or depth > bound("docx", "max_style_depth"):
            return _Style(None, None, None)
        if sid not in self._cache:
            self._cache[sid] = _Style(None, None, None)  # guards basedOn cycles
            self._cache[sid] = self._resolve(sid, depth)
        return self._cache[sid]

    def _resolve(self, sid: str, depth: int) -> _Style:
        s = self.raw[sid]
        name_el = s.find(W + "name")
        name = name_el.get(W + "val") if name_el is not None else sid
        based = s.find(W + "basedOn")
        parent = self.get(based.get(W + "val"), depth + 1) if based is not None else _Style(None, None, None)
        ppr = s.find(W + "pPr")
        outline = _outline(ppr)
        m = _HEADING_STYLE.match(name or "")
        if outline is None and m:
            outline = int(m.group(1))
        num = _num_pr(ppr)
        return _Style(_display_name(name), outline if outline is not None else parent.outline,
                      num if num is not None else parent.num)

    def num_id(self, sid: str) -> Optional[str]:
        """numId of a numbering style (w:numStyleLink target)."""
        st = self.get(sid)
        return st.num[0] if st.num else None


def _display_name(name: Optional[str]) -> Optional[str]:
    m = _HEADING_STYLE.match(name or "")
    return f"Heading {m.group(1)}" if m and name and name[0] in "hH" else name


def _outline(ppr) -> Optional[int]:
    el = ppr.find(W + "outlineLvl") if ppr is not None else None
    if el is None:
        return None
    try:
        lvl = int(el.get(W + "val"))
    except (TypeError, ValueError):
        return None
    return lvl + 1 if 0 <= lvl < 9 else 0  # 9 = body text: explicitly no outline level


def _num_pr(ppr) -> Optional[tuple[Optional[str], Optional[int]]]:
    el = ppr.find(W + "numPr") if ppr is not None else None
    if el is None:
        return None
    nid, ilvl = el.find(W + "numId"), el.find(W + "ilvl")
    lvl = ilvl.get(W + "val") if ilvl is not None else None
    return (nid.get(W + "val") if nid is not None else None,
            int(lvl) if lvl is not None and lvl.isdigit() else None)


def _run_text(r, out: list[str]) -> None:
    for ch in r:
        tag = ch.tag
        if tag == W + "t":
            out.append(ch.text or "")
        elif tag in (W + "tab", W + "ptab"):
            out.append("\t")
        elif tag == W + "br" and ch.get(W + "type") in (None, "textWrapping"):
            out.append("\n")
        elif tag == W + "cr":
            out.append("\n")
        elif tag == W + "noBreakHyphen":
            out.append("-")
        elif tag == W + "sym":
            out.append(_sym(ch))


def _sym(el) -> str:
    try:
        code = int(el.get(W + "char", ""), 16)
    except ValueError:
        return ""
    return char_of(code - 0xF000) if 0xF020 <= code <= 0xF0FF else char_of(code)


def _para_text(p) -> tuple[str, bool]:
    """The paragraph's printed text and whether a _Toc bookmark starts in it."""
    out: list[str] = []
    toc = False
    fields: list[str] = []  # open complex fields: "code" until their separator, then "result"

    def walk(el) -> None:
        nonlocal toc
        for ch in el:
            tag = ch.tag
            if tag == W + "r":
                for fc in ch.iter(W + "fldChar"):  # complex field: its code is not printed
                    kind = fc.get(W + "fldCharType")
                    if kind == "begin":
                        fields.append("code")
                    elif kind == "separate" and fields:
                        fields[-1] = "result"
                    elif kind == "end" and fields:
                        fields.pop()
                if "code" not in fields:
                    _run_text(ch, out)
            elif tag == W + "bookmarkStart" and (ch.get(W + "name") or "").startswith("_Toc"):
                toc = True
            elif tag in _INLINE or tag == W + "sdt":
                walk(ch)

    walk(p)
    return "".join(out), toc


class _Builder:
    """Reads the body's paragraphs and tables into a :class:`TextBuilder`."""

    def __init__(self, path: Path, numbering: Numbering, styles: _Styles) -> None:
        self.out = TextBuilder(path)
        self.numbering = numbering
        self.styles = styles
        self.warnings: list[str] = []

    def label(self, p, style_id: Optional[str], st: _Style) -> Optional[tuple[str, str]]:
        num = _num_pr(p.find(W + "pPr"))
        num_id, ilvl = (num or (None, None))
        if num_id is None and st.num:
            num_id = st.num[0]
            if ilvl is None:
                ilvl = st.num[1]
                if ilvl is None and style_id:
                    ilvl = self.numbering.level_for_style(num_id or "", style_id)
        if num_id is None:
            return None
        return self.numbering.label(num_id, ilvl or 0)

    def paragraph(self, p) -> None:
        ppr = p.find(W + "pPr")
        ps = ppr.find(W + "pStyle") if ppr is not None else None
        style_id = ps.get(W + "val") if ps is not None else None
        st = self.styles.get(style_id)
        lab = self.label(p, style_id, st)
        text, toc = _para_text(p)
        if not text.strip():
            return
        outline = _outline(ppr)
        outline = st.outline if outline is None else outline
        label = lab[0].strip() if lab and lab[0].strip() else None
        for k, piece in enumerate(text.split("\n")):
            if not piece.strip():
                continue
            first = k == 0
            prefix = label + (" " if lab[1] else "") if first and label else ""
            self.out.paragraph(piece, prefix, style=st.name, outline_level=(outline or None) if first else None,
                               label=label if first else None, heading_hint=first and (bool(outline) or toc))

    def cell_lines(self, tc) -> list[str]:
        """The printed lines of a cell: its paragraphs (numbered ones with their label) and the
        text of nested tables, empty ones dropped."""
        lines: list[str] = []
        for el in _body_items(tc):
            if el.tag == W + "p":
                ppr = el.find(W + "pPr")
                ps = ppr.find(W + "pStyle") if ppr is not None else None
                sid = ps.get(W + "val") if ps is not None else None
                lab = self.label(el, sid, self.styles.get(sid))
                text = _para_text(el)[0]
                if lab and lab[0].strip() and text.strip():
                    text = lab[0].strip() + (" " if lab[1] else "") + text
                lines += [t for t in text.split("\n") if t.strip()]
            elif el.tag == W + "tbl":
                for row in grid(el, self.warnings):
                    for slot in row:
                        if slot.tc is not None:
                            lines += self.cell_lines(slot.tc)
        return lines

    def at_top(self) -> bool:
        """Still at the top of the first page: no table and no prose paragraph read yet, and
        only a few short lines (a notice header, a title)."""
        blocks = self.out.blocks
        return len(blocks) < _TOP_BLOCKS and all(b.kind == "paragraph" and len(b.text) <= _TOP_LINE for b in blocks)

    def text_boxes(self, p) -> None:
        """The paragraphs of the text boxes anchored in ``p`` (DrawingML or VML; the VML fallback
        of a box that has both is skipped)."""
        for box in p.iter(W + "txbxContent"):
            if any(a.tag == _MC_FALLBACK for a in box.iterancestors()):
                continue
            self.frame(box)

    def frame(self, el) -> None:
        """The paragraphs of a title frame (a text box, the cell of a one-cell table) as body
        paragraphs."""
        for item in _body_items(el):
            if item.tag == W + "p":
                self.paragraph(item)
            else:
                self.table(item)

    def table(self, tbl) -> None:
        slots = grid(tbl, self.warnings)
        if len(slots) == 1 and len(slots[0]) == 1 and slots[0][0].tc is not None and self.at_top():
            self.frame(slots[0][0].tc)  # a title set in a one-cell table is still the title
            return
        self.out.table([[GridSlot(merged=slot.merged) if slot.merged else
                         GridSlot(self.cell_lines(slot.tc) if slot.tc is not None else [], slot.rowspan, slot.colspan)
                         for slot in row] for row in slots])


def _body_items(el) -> Iterator:
    """Paragraphs and tables of a body or cell in order (content controls looked through)."""
    for ch in el:
        if ch.tag in (W + "p", W + "tbl"):
            yield ch
        elif ch.tag == W + "sdt":
            inner = ch.find(W + "sdtContent")
            if inner is not None:
                yield from _body_items(inner)
        elif ch.tag == W + "customXml":
            yield from _body_items(ch)


def _open(path: Path):
    """The python-docx Document, or PlanxError naming what is wrong with the package."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        return docx.Document(str(path))
    except PackageNotFoundError:
        raise PlanxError(path, "not a .docx (not a Word package)") from None
    except KeyError as e:
        raise PlanxError(path, f"corrupt .docx (missing part {e})") from None
    except ValueError as e:
        raise PlanxError(path, f"not a .docx ({e})") from None
    except Exception as e:  # lxml XMLSyntaxError, zip errors inside python-docx
        raise PlanxError(path, f"corrupt .docx ({type(e).__name__}: {str(e)[:120]})") from None


def read_docx(path: Path, doc_id: Optional[str] = None) -> Document:
    check_package(path)
    d = _open(path)
    root = d.element
    if getattr(root, "tag", None) != W + "document":
        raise PlanxError(path, f"corrupt .docx (word/document.xml is not a Word document: its root is "
                               f"<{_local_name(root)}>)")
    styles = _Styles(_related(d.part, "styles"))
    numbering = Numbering(_related(d.part, "numbering"), styles.num_id)
    body = root.find(W + "body")
    if body is None:
        raise PlanxError(path, "corrupt .docx (word/document.xml has no body)")
    b = _Builder(path, numbering, styles)
    for el in _body_items(body):
        if el.tag == W + "p":
            if b.at_top():
                b.text_boxes(el)  # a title in a text box at the top of the first page
            b.paragraph(el)
        else:
            b.table(el)
    text = b.out.text
    if not b.out.blocks:
        raise PlanxError(path, "empty document (no text in the body)")
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    return Document(doc_id or path.stem, str(path), "docx", sha, text, b.out.blocks,
                    warnings=numbering.warnings + b.warnings)


def _local_name(el) -> str:
    return str(getattr(el, "tag", "?")).rsplit("}", 1)[-1][:40]


def _related(part, kind: str):
    """Root element of the part related to the main document by relationship ``kind``."""
    for rel in part.rels.values():
        if rel.reltype.endswith("/" + kind) and not rel.is_external:
            return getattr(rel.target_part, "element", None)
    return None
