"""Responsibilities (责任单位): who must carry out each task.

Two ways a plan names them (grammar: ``patterns/responsibilities.toml``):

* a **note** closing a task — "（责任单位：市生态环境局、市应急管理局）", "（牵头单位：…；配合单位：…）",
  "（市发展改革委牵头，市财政局参与）", "（市生态环境局负责）", or an unlabelled bracket of unit
  names at the end of a task paragraph; a note may carry a **standing rule** ("以下均需各县市区
  政府、管委会落实，不再列出") whose units are implied for every later task;
* in documents that close no task with a note, **prose statements**: a sentence whose subject is
  a list of units followed by what they must do ("领导小组办公室要…", "各责任单位要…").

Each record keeps the units as written, their lexicon reading (``normalized_units``), the role
as worded, the task and section it belongs to, and ``raw`` = the source words at ``span``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from ..model import Block, Document, MappedText
from ..patterns import compiled, load
from ..records import Responsibility
from ..structure import Structure
from . import units as U


@dataclass
class _Found:
    """One statement found in a block: range [i, j) of ``text`` (the block's text, or the block
    joined with the next when a note runs on past it) and what it says."""

    block: Block
    text: MappedText
    i: int
    j: int
    units: list[str]
    role: Optional[str]
    labelled: bool = False
    lead: list[str] = field(default_factory=list)
    support: list[str] = field(default_factory=list)
    rule: Optional[str] = None
    rule_units: list[str] = field(default_factory=list)
    src_end: Optional[int] = None  # source end when a run-on sentence continues in the next block
    first_leads: Optional[bool] = None  # "列第一位者为牵头部门": True when it holds onward (下同)
    bare: bool = False  # a labelled line without brackets ("牵头单位：…")


def extract(doc: Document, struct: Structure) -> list[Responsibility]:
    """Every responsibility statement of the document, in document order."""
    cfg = load("responsibilities")
    blocks = [b for b in doc.blocks if b.kind != "table"]
    found = [f for k, b in enumerate(blocks) for f in _notes(blocks, k, cfg)]
    if sum(f.labelled for f in found) < cfg["notes_mode_min"]:
        found += _prose(doc, struct, blocks, cfg)
    found.sort(key=lambda f: (f.block.index, f.i))
    found = _join_bare_pairs(doc, found, cfg)
    out: list[Responsibility] = []
    implied: list[str] = []
    rule: Optional[str] = None
    first_leads = False
    for f in found:
        if f.rule:
            rule, implied = f.rule, f.rule_units
        if f.first_leads is not None or (first_leads and f.role is None):
            _first_listed_leads(f)
            first_leads = first_leads or bool(f.first_leads)
        span = doc.span_of(f.text, f.i, f.j)
        if f.src_end:
            span = doc.span(span.start, f.src_end)
        place = struct.place(f.block.index)
        two = bool(f.lead and f.support)
        out.append(Responsibility(
            id=f"resp-{len(out) + 1}", units=f.units, role=f.role,
            raw=doc.text[span.start:span.end], role_kind=role_kind(f.role),
            implied_units=list(implied), standing_rule=rule,
            lead_units=f.lead if two else [], support_units=f.support if two else [],
            normalized_units=U.expand(f.units), task=place.task, section=place.section,
            section_id=place.section_id, task_id=place.task_id, span=span))
    return out


def role_kind(role: Optional[str]) -> Optional[str]:
    """lead / support / guide / responsible for a role word ("牵头", "配合单位", "指导部门")."""
    if not role:
        return None
    for kind, rx in load("responsibilities")["role_kinds"].items():
        if compiled(rx).search(role):
            return kind
    return None


# ── notes ─────────────────────────────────────────────────────────────────────────────

def _first_listed_leads(f: _Found) -> None:
    """The first unit listed leads, the others support ("列第一位者为牵头部门")."""
    f.role = f.role or "牵头"
    f.lead, f.support = f.units[:1], f.units[1:]


def _run_on(blocks: list[Block], k: int) -> MappedText:
    """The block's text, joined to the next block's when a bracket opened in it is closed there
    (a note broken over a line or page: "（责任单位：历下区" / "水务局、市城管局）")."""
    text = blocks[k].mapped
    t = text.text
    if k + 1 < len(blocks) and max(t.rfind("（"), t.rfind("〔")) > max(t.rfind("）"), t.rfind("〕")):
        joined = MappedText(text.text, list(text.offsets))
        joined.append("\n", None)
        joined.extend(blocks[k + 1].mapped)
        return joined
    return text


def _notes(blocks: list[Block], k: int, cfg: dict) -> list[_Found]:
    """The notes of block k (a bracket it opens may close in the next block)."""
    block = blocks[k]
    brackets = compiled(cfg["note_cue"]).search(block.text)
    if not brackets and not compiled(cfg["label_cue"]).search(block.text):
        return []
    mapped = _run_on(blocks, k) if brackets else block.mapped
    text = mapped.text
    labels = compiled(cfg["label_cue"]).search(text)
    out: list[_Found] = []
    taken: list[tuple[int, int]] = []
    for m in compiled(cfg["note"]).finditer(text) if brackets else ():
        f = _note(block, mapped, m.start(), m.end(), m["body"], cfg, closes=bool(
            compiled(cfg["unlabelled_close"]).match(text[m.end():]) or _ends_sentence(text, m.end(), cfg)))
        if f:
            out.append(f)
            taken.append((m.start(), m.end()))
    for m in compiled(cfg["bare_label"]).finditer(text) if labels else ():
        if any(a <= m.start("label") < b for a, b in taken):
            continue
        f = _note(block, mapped, m.start("label"), m.end(), m["label"] + m["body"], cfg, closes=False)
        if f:
            f.bare = True
            out.append(f)
    return out


def _join_bare_pairs(doc: Document, found: list[_Found], cfg: dict) -> list[_Found]:
    """A bare lead line ("牵头单位：A") directly followed by a bare support line ("配合单位：B、C")
    is one statement: units A, B, C with role 牵头."""
    out: list[_Found] = []
    for f in found:
        prev = out[-1] if out else None
        if (prev is not None and prev.bare and f.bare and prev.role in cfg["lead_roles"]
                and f.role in cfg["support_roles"] and not prev.support
                and f.block.index == prev.block.index + 1 and not f.text.text[:f.i].strip()):
            prev.lead, prev.support = list(prev.units), list(f.units)
            prev.units = prev.units + f.units
            prev.src_end = doc.span_of(f.text, f.i, f.j).end
            continue
        out.append(f)
    return out


def _ends_sentence(text: str, pos: int, cfg: dict) -> bool:
    return bool(compiled(cfg["sentence_end"]).match(text[pos:pos + 1]))


def _note(block: Block, mapped: MappedText, i: int, j: int, body: str, cfg: dict,
          closes: bool) -> Optional[_Found]:
    """Parse the content of one note; None when it does not name units."""
    rule_m = compiled(cfg["standing_rule"]).search(body)
    rule = rule_m["rule"] if rule_m else None
    rule_units = U.split_list(rule_m["units"]) if rule_m else []
    if rule_m:
        body = body[: rule_m.start()]
    first_m = compiled(cfg["first_lead"]).search(body)
    if first_m:
        body = body[: first_m.start()]
    labels = list(compiled(cfg["label"]).finditer(body))
    if labels:
        groups = [(m["role"], body[m.end(): n.start() if n else len(body)])
                  for m, n in zip(labels, [*labels[1:], None])]
        parsed = [seg for role, content in groups for seg in _labelled_list(role, content, cfg)]
        labelled = True
    else:
        parsed = _verb_segments(body, cfg, need_role=not closes)
        if parsed is None:
            return None
        labelled = any(role for role, _ in parsed)
        if not labelled and not (closes and _strong(parsed)):
            return None
    names = [n for _, ns in parsed for n in ns]
    if not names:
        return None
    lead = [n for role, ns in parsed if role in cfg["lead_roles"] for n in ns]
    support = [n for role, ns in parsed if role in cfg["support_roles"] for n in ns]
    role = labels[0]["role"] if labels else parsed[0][0]
    if role:
        role = compiled(cfg["role_manner"]).sub("", role)
    first_leads = bool(first_m["onward"]) if first_m else None
    return _Found(block, mapped, i, j, names, role, labelled or first_m is not None, lead, support, rule,
                  rule_units, first_leads=first_leads)


def _labelled_list(role: str, content: str, cfg: dict) -> list[tuple[str, list[str]]]:
    """Units after a label, as (role, names) segments.

    The first ，-segment is the list; a later segment continues it when it holds only units.
    Role verbs inside ("责任单位：A牵头，B、C配合") give their segments that role, but only when
    the first segment has one too — after a plain list, "各县市区政府、管委会按职责分工落实" is
    a clause of its own, not more units.
    """
    out: list[tuple[str, list[str]]] = []
    verbs = False
    for k, seg in enumerate(compiled(r"[，,；;。]").split(content)):
        seg = U.clean(seg)
        m = compiled(cfg["role_verb"]).search(seg)
        if m and (k == 0 or verbs):
            verbs, seg = True, seg[: m.start()]
        items = U.split_list(seg)
        if not items:
            continue
        if k and not all(U.looks_like_unit(n) for n in items):
            break
        out.append((m["role"] if verbs and m else role, items))
    return out


_SEGMENT_END = r"[，,；;。]"  # what ends one segment of an unlabelled note ("A牵头，B、C参与")


def _verb_segments(body: str, cfg: dict, need_role: bool = False) -> Optional[list[tuple[Optional[str], list[str]]]]:
    """ "（A牵头，B、C参与）" → [("牵头", [A]), ("参与", [B, C])]; None unless every segment is units.
    ``need_role`` (a note within a sentence): None as well when no segment ends in a role verb,
    decided before any unit is read."""
    role_verb = compiled(cfg["role_verb"])
    segments = [(seg, role_verb.search(seg)) for seg in map(U.clean, compiled(_SEGMENT_END).split(body)) if seg]
    if need_role and not any(m for _, m in segments):
        return None
    out: list[tuple[Optional[str], list[str]]] = []
    for seg, m in segments:
        role = m["role"] if m else None
        items = U.split_list(seg[: m.start()] if m else seg)
        if not items or not all(U.looks_like_unit(n) for n in items):
            return None
        out.append((role, items))
    return out or None


def _strong(parsed: list[tuple[Optional[str], list[str]]]) -> bool:
    """An unlabelled bracket counts only when its names are real unit names, not bare places."""
    return all(U.normalize(n).known or U.generic_name(U.clean(n)) for _, ns in parsed for n in ns)


# ── prose statements ──────────────────────────────────────────────────────────────────

def _prose(doc: Document, struct: Structure, blocks: list[Block], cfg: dict) -> list[_Found]:
    """Sentences whose subject is a list of units (documents without notes)."""
    out: list[_Found] = []
    pos, bad = tuple(cfg["subject_end_pos"]), tuple(cfg["subject_bad_pos"])
    duty = compiled(cfg["duty"])
    end_rx = compiled(cfg["sentence_end"])
    lead_rx, not_subject = compiled(cfg["prose_lead"]), compiled(cfg["not_subject"])
    for k, b in enumerate(blocks):
        if struct.context(b.index).section is None:
            continue
        text, start = b.text, 0
        ends = end_rx.finditer(text)
        while start < len(text):
            m = next(ends, None)
            stop = m.end() if m else len(text)
            if m is not None and not duty.search(text, start, stop):
                start = stop  # no duty word in the sentence (nor in its body): no statement
                continue
            sentence = text[start:stop].strip()
            body = sentence[lead_rx.match(sentence).end():]
            if body and not not_subject.match(body):
                full = body + _continuation(blocks, k, m is None, end_rx)
                hit = U.leading_units(full, pos, bad) if duty.search(full) and U.may_open_with_unit(full) else None
                if hit and all(U.is_agent(n) for n in hit[0]) and duty.search(full, hit[1]):
                    i = stop - len(text[start:stop].lstrip())
                    out.append(_Found(b, b.mapped, i, stop, hit[0], "责任",
                                      src_end=_run_on_end(b, blocks, k, m is None, end_rx)))
            start = stop
    return out


def _continuation(blocks: list[Block], k: int, open_end: bool, end_rx) -> str:
    """Text of the next block when a sentence runs on past its block (a page break)."""
    if not open_end or k + 1 >= len(blocks) or blocks[k].text.rstrip()[-1:] not in "，,、":
        return ""
    nxt = blocks[k + 1].text
    m = end_rx.search(nxt)
    return nxt[: m.end() if m else len(nxt)]


def _run_on_end(b: Block, blocks: list[Block], k: int, open_end: bool, end_rx) -> Optional[int]:
    """Source end of a sentence that runs on past its block (ends in "，"), else None."""
    if not open_end or k + 1 >= len(blocks) or not b.text or b.text.rstrip()[-1:] not in "，,、":
        return None
    nxt = blocks[k + 1]
    m = end_rx.search(nxt.text)
    return nxt.offsets[(m.end() if m else len(nxt.text)) - 1] + 1
