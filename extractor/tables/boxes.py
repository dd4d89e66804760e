"""专栏 boxes (a titled one-cell table in running text) listing projects as numbered text.

"1.碳达峰碳中和重大工程。（1）生态碳汇巩固扩容工程。实施…（2）…" → one project per
（N）-item with ``parent`` = the numbered group's title; a group without （N）-items is one
project itself.  The project name is the item's title sentence, the rest its content.
"""
from __future__ import annotations

from typing import Optional

from ..language.numbers import parse_number
from ..model import Block, Document, MappedText
from ..patterns import compiled
from ..records import Project, Unparsed
from .common import Ledger
from .header import lex


def box_title(block: Block) -> Optional[str]:
    """The box title if the table is a 专栏 box ("专栏1  绿色低碳发展重大工程")."""
    rows = block.table.rows if block.table else []
    if not rows or not rows[0]:
        return None
    first = rows[0][0].text.split("\n")[0].strip()
    return first if compiled(lex()["box_title"]).match(first) else None


def is_project_box(title: str) -> bool:
    return compiled(lex()["box_project_title"]).search(title) is not None


def body(block: Block) -> MappedText:
    """The box text after its title line, cells and lines separated by "\n"."""
    out = MappedText()
    for ri, row in enumerate(block.table.rows):
        for ci, cell in enumerate(row):
            m = cell.mapped
            if ri == 0 and ci == 0:
                cut = m.text.find("\n")
                m = m.slice(cut + 1, len(m.text)) if cut >= 0 else MappedText()
            if not m.text.strip():
                continue
            if out.text:
                out.append("\n", None)
            out.extend(m)
    return out


def projects(doc: Document, block: Block, title: str, section: Optional[str], ledger: Ledger,
             first_id: int) -> list[Project]:
    """Project records of one box (its text not placed in a record goes to ``ledger``)."""
    lx = lex()
    text = body(block)
    out: list[Project] = []

    def add(seq, name, content, parent, i, j) -> None:
        out.append(Project(id=f"proj-{first_id + len(out)}", table=title, name=name, seq=seq,
                           parent=parent, content=content, section=section,
                           span=doc.span_of(text, i, j)))

    items = _split(text.text, lx["box_item"])
    if not items:
        items = [(None, 0, 0, len(text.text))]
    for label, i, k, j in items:
        seg = text.text[k:j]
        subs = _split(seg, lx["box_subitem"])
        if label is None and not subs:
            _leave(text, i, j, ledger)
            continue
        if not subs:
            name, content = _title(seg)
            pname, pcontent = _title(content) if content else ("", None)
            if pcontent and compiled(lx["item_project_name"]).match(pname):
                add(None, pname, pcontent, name, i, j)
            else:
                add(label, name, content, None, i, j)
            continue
        head = seg[:subs[0][1]]
        parent, lead = _title(head) if head.strip() else (None, None)
        if lead:
            _leave(text, k + head.find(lead), k + len(head), ledger)
        for sl, si, sk, sj in subs:
            name, content = _title(seg[sk:sj])
            add(sl, name, content, parent, k + si, k + sj)
    return out


def _split(s: str, rx: str) -> list[tuple[Optional[str], int, int, int]]:
    """Numbered items: (label, start, text start, end) — labels must count up from 1."""
    hits = []
    want = 1
    for m in compiled(rx).finditer(s):
        if _label_number(m.group(1)) == want:
            hits.append(m)
            want += 1
    out = []
    for a, b in zip(hits, hits[1:] + [None]):
        out.append((a.group(1), a.start(1), a.end(), b.start(1) if b is not None else len(s)))
    return out


def _label_number(label: str) -> Optional[int]:
    """"3" / "（3）" / "三" → 3."""
    digits = compiled(r"\d+").search(label)
    n = int(digits.group(0)) if digits else parse_number(label.strip("（）()"))
    return int(n) if n is not None else None


def _title(seg: str) -> tuple[str, Optional[str]]:
    """(title sentence, the rest) of an item's text."""
    s = seg.strip()
    m = compiled(lex()["item_title_end"]).search(s)
    if not m:
        return _flat(s.rstrip("。")), None
    return _flat(s[:m.start()]), _flat(s[m.end():]) or None


def _flat(s: str) -> str:
    return "".join(line.strip() for line in s.split("\n")).strip()


def _leave(text: MappedText, i: int, j: int, ledger: Ledger) -> None:
    t = _flat(text.text[i:j])
    if t:
        ledger.unparsed.append(Unparsed(t, "box text outside the numbered projects", ledger.doc.span_of(text, i, j)))
