"""Headings → the section tree.

A paragraph is a heading when it opens with a numbering label of the heading grammar
(``patterns/headings.toml``) and its title is heading-shaped (short, on its own line, or a
short run-in lead sentence), or when it carries heading evidence without a label (a Word
heading style / outline level, a ``_Toc`` bookmark, a larger PDF font) and is short.

Levels follow the document's own usage: each label form's level is one more than the
deepest form observed directly above it, so a document that skips a level, or uses "1."
directly under "一、", still gets consecutive levels, and a heading whose parent was lost
in the export keeps the level of its form.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from ..model import Block, Document
from ..patterns import compiled, load
from ..records import Section


@dataclass
class _Label:
    form: str
    rank: int
    label: Optional[str]
    title: str
    runin: bool


@dataclass
class _Forms:
    """The label forms of one loaded heading grammar, and one regex holding them all in order:
    form ``k`` as the group ``_formK`` (the first alternative that matches is the first form
    that does, as the forms are tried in order; its ``label`` group is the label)."""

    spec: dict
    forms: list[tuple[str, int, object]]
    any_form: object
    groups: tuple[int, ...]  # the group number of each form's alternative

    def match(self, text: str) -> Optional[tuple[str, int, object]]:
        """(form name, rank, match of its alternative) of the first form that matches ``text``."""
        m = self.any_form.match(text)
        if m is None:
            return None
        regs = m.regs
        k = next(k for k, g in enumerate(self.groups) if regs[g][0] >= 0)
        return self.forms[k][0], self.forms[k][1], m


_FORMS: dict[bool, _Forms] = {}


def _label_forms(rendered: bool) -> _Forms:
    """The label forms and their one regex, built once per loaded heading grammar."""
    spec = load("headings")
    got = _FORMS.get(rendered)
    if got is None or got.spec is not spec:
        forms = [(f["name"], f["rank"], compiled(f["rx"])) for f in spec["label"]
                 if rendered or not f.get("label_only")]
        rx = compiled("|".join(f"(?P<_form{k}>{rx.pattern})" for k, (_, _, rx) in enumerate(forms)))
        got = _FORMS[rendered] = _Forms(spec, forms, rx, tuple(rx.groupindex[f"_form{k}"] for k in range(len(forms))))
    return got


def _title_ok(title: str, limit: int) -> bool:
    lim = load("headings")["limits"]
    if not title or len(title) > limit:
        return False
    return not any(compiled(rx).search(title) for rx in lim["not_heading"])


def _trim(title: str) -> str:
    return compiled(load("headings")["limits"]["title_trim"]).sub("", title).strip()


def classify(block: Block) -> Optional[_Label]:
    """The heading reading of a paragraph block, or None when it is not a heading."""
    lim = load("headings")["limits"]
    text = block.text.strip()
    if block.label:  # docx: Word rendered the label from numbering.xml; it is not in the text
        label = block.label.strip()
        for probe in (label + " ", label.rstrip(".．") + " "):  # "5.1." reads as "5.1"
            rendered = _label_forms(True).match(probe)
            if rendered is not None:
                return _heading_title(rendered[0], rendered[1], label, text, lim)
    labelled = _label_forms(False).match(text)
    if labelled is not None:
        name, rank, m = labelled
        return _heading_title(name, rank, m.group("label"), text[m.end():], lim)
    if (block.heading_hint or block.outline_level) and _title_ok(_trim(text), lim["unlabelled_title_max"]):
        if not compiled(lim["runin_end"]).search(text[:-1]):
            return _Label("unlabelled", 100, None, _trim(text), False)
    return None


def _heading_title(form: str, rank: int, label: str, rest: str, lim: dict) -> Optional[_Label]:
    rest = rest.strip()
    title = _trim(rest)
    if form == "appendix" and not rest:
        return _Label(form, rank, None, label, False)
    if _title_ok(title, lim["standalone_title_max"]) and not compiled(lim["runin_end"]).search(rest.rstrip("。．. ")):
        return _Label(form, rank, label, title, False)
    end = compiled(lim["runin_end"]).search(rest)
    if end and end.end() < len(rest):
        lead = _trim(rest[:end.start()])
        if _title_ok(lead, lim["runin_title_max"]):
            return _Label(form, rank, label, lead, True)
    return None


def _form_levels(found: list[tuple[int, _Label]]) -> dict[str, int]:
    """Level of each label form from the nesting observed in the document."""
    ranks = {lab.form: lab.rank for _, lab in found}
    parents: dict[str, set[str]] = {f: set() for f in ranks}
    stack: list[_Label] = []
    for _, lab in found:
        if lab.form in ("appendix", "unlabelled"):
            continue
        while stack and stack[-1].rank >= lab.rank:
            stack.pop()
        if stack:
            parents[lab.form].add(stack[-1].form)
        stack.append(lab)
    levels: dict[str, int] = {}
    ordered = sorted((f for f in ranks if f not in ("appendix", "unlabelled")), key=lambda f: ranks[f])
    for form in ordered:  # a form never seen under another one is a top-level form
        ps = [levels[p] for p in parents[form] if p in levels]
        levels[form] = 1 + max(ps) if ps else 1
    levels["appendix"] = 1
    return levels


def _without_title_page(found: list[tuple[int, _Label]]) -> list[tuple[int, _Label]]:
    """Label-less heading candidates before the first labelled heading are the title page
    (a document title in a large font, a notice header), not sections — when the document
    numbers its headings at all."""
    first = next((k for k, (_, lab) in enumerate(found) if lab.form != "unlabelled"), None)
    if first is None:
        return found
    return [f for k, f in enumerate(found) if k >= first or f[1].form != "unlabelled"]


def detect_sections(doc: Document) -> tuple[list[Section], dict[int, Section], list[Optional[Section]], dict[int, Section]]:
    """Sections in order, heading block index → section, each block's section, run-in headings."""
    lim = load("headings")["limits"]
    attach_rx = compiled(lim["attachment_list"])
    found: list[tuple[int, _Label]] = []
    in_attachment_list = False
    for b in doc.blocks:
        if b.kind == "table":
            in_attachment_list = False
            continue
        if attach_rx.match(b.text):
            in_attachment_list = True
            continue
        lab = classify(b)
        if in_attachment_list and lab is not None and lab.form != "appendix":
            continue  # "附件：1.… 2.…" lists attachments, not headings
        in_attachment_list = False
        if lab is not None:
            found.append((b.index, lab))
    found = _without_title_page(found)
    levels = _form_levels(found)
    sections: list[Section] = []
    stack: list[Section] = []
    block_section: list[Optional[Section]] = [None] * len(doc.blocks)
    heading_blocks: dict[int, Section] = {}
    runin: dict[int, Section] = {}
    for n, (bi, lab) in enumerate(found, 1):
        b = doc.blocks[bi]
        if lab.form == "unlabelled":
            level = b.outline_level or (stack[-1].level + 1 if stack else 1)
        else:
            level = levels[lab.form]
        while stack and stack[-1].level >= level:
            stack.pop()
        parent = stack[-1] if stack else None
        sec = Section(f"sec-{n}", level, lab.label, lab.title, parent.id if parent else None,
                      [s.title for s in stack] + [lab.title], doc.span(b.start, b.end))
        sections.append(sec)
        stack.append(sec)
        heading_blocks[bi] = sec
        if lab.runin:
            runin[bi] = sec
    current: Optional[Section] = None
    for b in doc.blocks:
        current = heading_blocks.get(b.index, current)
        block_section[b.index] = current
    return sections, heading_blocks, block_section, runin
