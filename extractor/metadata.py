"""Document metadata: title, issuer, 文号, dates, version label, region, plan period, phases.

The document head (notice, title page) is read with the patterns in ``patterns/metadata.toml``;
period, base year and phases come from the plan's own statements anywhere in the text.  These
are the document's years, decided here once: the dates of the text are read against them
(:meth:`.language.dates.YearContext.from_info`).
"""
from __future__ import annotations

from collections import Counter
from typing import Optional

from .language.dates import parse_full_date
from .language.periods import find_plan, five_year_rx, ten_x_five
from .model import Block, Document
from .patterns import compiled, compiled_regex, load
from .records import DocumentInfo, Phase, PlanPeriod
from .text.declared import declared_counts


def _head(doc: Document) -> list[Block]:
    n = load("metadata")["head_blocks"]
    return [b for b in doc.blocks if b.kind == "paragraph"][:n]


def extract_document_info(doc: Document, struct) -> DocumentInfo:
    p = load("metadata")
    info = DocumentInfo(doc.doc_id, doc.source, doc.format, doc.sha256, warnings=list(doc.warnings))
    head = _head(doc)
    first_heading = min((s.span.line for s in struct.sections), default=None)
    if first_heading is not None:
        head = [b for b in head if b.line < first_heading] or head[:5]
    head_text = "\n".join(b.text for b in head)

    notice = compiled(p["notice"]).search(head_text) if compiled(p["notice_cue"]).search(head_text) else None
    if notice:
        info.title = compiled(r"\s+").sub("", notice["title"])
        info.issuer = notice["issuer"]
    else:
        info.title = _notice_title(head, p)
        m = compiled(p["title_issuer"]).match(info.title or "")
        info.issuer = m["issuer"] if m else None
    if info.issuer is None:
        plain = compiled(p["notice_plain"])
        info.issuer = next((m["issuer"] for b in head if (m := plain.match(b.text.strip()))), None)
    line_rx = compiled(p["doc_number_line"].replace("{num}", p["doc_number"]))
    num = next((m["num"] for b in head if (m := line_rx.match(b.text.strip()))), None)
    info.doc_number = compiled(r"\s+").sub("", num) if num else None
    _signature(head, info, p)
    if info.issuer is None or info.issue_date is None:
        _closing_signature(doc, info, p)
    if info.title is None:
        info.title = _title_page(head, p)
    info.version_label = _version(head, info.title, p)
    if info.title:
        info.title = compiled(p["version_in_title"]).sub("", info.title).strip()
    info.plan_type = next((t for t in p["plan_types"] if info.title and t in info.title), None)
    info.region = _region(doc, info, p)
    info.plan_period = _period(doc, info.title, p) or _horizon_period(doc, struct, info, p) or _opening_period(doc, p)
    info.issue_date = info.issue_date or _opening_date(doc, p)
    info.base_year = _base_year(doc, info.plan_period, p)
    info.phases = _phases(doc, p)
    info.declared_counts = declared_counts(doc)
    info.span = doc.span(head[0].start, head[-1].end) if head else None
    return info


def _signature(head: list[Block], info: DocumentInfo, p: dict) -> None:
    """Issuer (signature line) and issue date (the date line under it); 出版 dates are 'published'."""
    issuer_rx, date_rx = compiled(p["issuer_line"]), compiled(p["date_line"])
    for i, b in enumerate(head):
        m = date_rx.match(b.text.strip())
        if not m:
            continue
        iso = parse_full_date(m["date"])
        if m["published"]:
            info.published = info.published or iso
            continue
        if info.issue_date is None:
            info.issue_date = iso
            if info.issuer is None:
                info.issuer = _signers(head[:i], issuer_rx)
    if info.issuer is None:
        for b in head:
            sig = issuer_rx.match(b.text.strip())
            if sig and compiled(p["notice"]).search("".join(x.text for x in head[head.index(b):head.index(b) + 3])):
                info.issuer = sig["issuer"]
                break


def _closing_signature(doc: Document, info: DocumentInfo, p: dict) -> None:
    """Issuer and issue date from the signature block at the end of the document: a date line
    with the issuing bodies right above it (fills only what the head did not give)."""
    tail = [b for b in doc.blocks if b.kind == "paragraph"][-p["tail_blocks"]:]
    issuer_rx, date_rx = compiled(p["issuer_line"]), compiled(p["date_line"])
    for i in range(len(tail) - 1, 0, -1):
        m = date_rx.match(tail[i].text.strip())
        if not m or m["published"]:
            continue
        signers = _signers(tail[:i], issuer_rx)
        if signers is None or (info.issuer and info.issuer != signers):
            continue
        info.issuer = info.issuer or signers
        info.issue_date = info.issue_date or parse_full_date(m["date"])
        return


def _notice_title(head: list[Block], p: dict) -> Optional[str]:
    """The title of a notice that is itself the document ("X关于推广…的通知"), printed over one or
    more lines right above its 文号 or addressee line; a notice transmitting a plan ("关于印发…")
    is left to the plan's own title."""
    num_rx = compiled(p["doc_number_line"].replace("{num}", p["doc_number"]))
    addr_rx, part_rx = compiled(p["addressee_line"]), compiled(p["title_part"])
    for i, b in enumerate(head):
        if not (num_rx.match(b.text.strip()) or addr_rx.match(b.text.strip())):
            continue
        j = i - 1
        while j >= 0 and num_rx.match(head[j].text.strip()):
            j -= 1
        parts: list[str] = []
        while j >= 0 and len(parts) < p["title_max_lines"] and part_rx.match(head[j].text.strip()):
            parts.insert(0, head[j].text.strip())
            j -= 1
        title = "".join(parts)
        if title and compiled(p["notice_title_end"]).search(title) \
                and not compiled(p["transmittal"]).search(title):
            return title
        return None
    return None


def _signers(above: list[Block], issuer_rx) -> Optional[str]:
    """The issuing bodies on the lines right above the date line (joint documents stack
    several), joined with a space in reading order."""
    names: list[str] = []
    for b in reversed(above):
        sig = issuer_rx.match(b.text.strip())
        if not sig:
            break
        names.insert(0, sig["issuer"])
    return " ".join(names) or None


def _title_page(head: list[Block], p: dict) -> Optional[str]:
    """The first line that reads as a plan title, joined with a bracketed period line after it or
    with the first half of a title printed over two lines above it."""
    words, cont = compiled(p["title_words"]), compiled(p["title_cont"])
    for i, b in enumerate(head[:10]):
        t = b.text.strip()
        if len(t) > 60 or not t:
            continue
        nxt = head[i + 1].text.strip() if i + 1 < len(head) else ""
        if cont.match(nxt) and len(t) <= 40:
            return t + nxt
        if words.search(t):
            prev = head[i - 1].text.strip() if i else ""
            if prev and compiled(p["title_head"]).match(prev) and not words.search(prev):
                return prev + t  # "立山区政府2023年重点工作" / "任务分解和责任分工方案"
            return t
    return None


def _version(head: list[Block], title: Optional[str], p: dict) -> Optional[str]:
    if title:
        m = compiled(p["version_in_title"]).search(title)
        if m:
            return m["label"]
    rx = compiled(p["version_label"])
    for b in head[:12]:
        m = rx.match(b.text.strip())
        if m:
            return m["label"]
    return None


def _region(doc: Document, info: DocumentInfo, p: dict) -> Optional[str]:
    """The plan's area: the place its title opens with, completed by the issuer's place
    ("嘉定区…方案" issued by 上海市嘉定区人民政府 → 上海市嘉定区); "全国" for a national
    document; else a stated scope or the place the text names most."""
    prefix = compiled(p["region_prefix"])
    m = prefix.match(info.title) if info.title else None
    in_title = m["region"] if m else ""
    issuer = info.issuer.split()[0] if info.issuer else ""
    m = prefix.match(issuer) if issuer else None
    by_issuer = m["region"] if m else ""
    if issuer and not by_issuer and compiled(p["national_issuer"]).search(issuer):
        return in_title or p["national_region"]
    if in_title and by_issuer.endswith(in_title):
        return by_issuer
    if in_title or by_issuer:
        return in_title or by_issuer
    text = "\n".join(b.text for b in doc.blocks if b.kind == "paragraph")
    m = compiled(p["region_scope"]).search(text)
    if m:
        return m["region"]
    excl = compiled(p["region_mention_exclude"])
    mentions = [x["region"] for x in compiled_regex(p["region_mention"]).finditer(text, overlapped=True)
                if not excl.match(x["region"])]
    title = info.title
    # prefer a place the title names without its suffix ("美丽济宁" → 济宁市)
    named = Counter(r for r in mentions if title and r[:-1] in title)
    counts = named or Counter(mentions)
    return counts.most_common(1)[0][0] if counts else None


def _period(doc: Document, title: Optional[str], p: dict) -> Optional[PlanPeriod]:
    rng = compiled(p["period_range"])
    if title:
        m = rng.search(title)
        if m:
            return PlanPeriod(int(m["start"]), int(m["end"]))
    text = "\n".join(b.text for b in doc.blocks if b.kind == "paragraph")
    m = compiled(p["period_statement"] + p["period_range"]).search(text)
    if m:
        return PlanPeriod(int(m["start"]), int(m["end"]))
    years = find_plan(title) if title else None  # "十四五" = the 14th five-year plan, 2021–2025
    return PlanPeriod(years[0], years[1]) if years else None


def _horizon_period(doc: Document, struct, info: DocumentInfo, p: dict) -> Optional[PlanPeriod]:
    """A period the plan does not print, inferred from the horizon of its goals ("到2027年") and
    its issue year: the horizon year named most often in the goal sections (else anywhere; on a
    tie the nearer one), when it lies after the issue year.  Marked ``inferred``."""
    if not info.issue_date:
        return None
    issue = int(info.issue_date[:4])
    rx, goal_rx = compiled(p["horizon"]), compiled(p["goal_section"])
    in_goals: Counter = Counter()
    anywhere: Counter = Counter()
    for b in doc.blocks:
        if b.kind != "paragraph":
            continue
        years = [int(m["y"]) for m in rx.finditer(b.text) if issue < int(m["y"]) <= issue + p["horizon_max_years"]]
        sec = struct.context(b.index).section if struct is not None else None
        goal = sec is not None and any(goal_rx.search(t) for t in (sec.path or [sec.title]))
        (in_goals if goal else anywhere).update(years)
    counts = in_goals or anywhere
    if not counts:
        return None
    end = max(counts, key=lambda y: (counts[y], -y))  # a tie: the nearer horizon (the farther is a vision)
    return PlanPeriod(issue, end, inferred=True)


def _opening(doc: Document, p: dict) -> list[str]:
    """The texts of the document's first blocks outside tables."""
    return [b.text for b in doc.blocks if b.kind != "table"][:p["opening_blocks"]]


def _opening_period(doc: Document, p: dict) -> Optional[PlanPeriod]:
    """The period a short opening line prints beside the plan's name: "…规划（2021—2025年）" or
    "“十四五”…规划" (the first such line)."""
    rng, plan = compiled(load("dates")["year_range"]), compiled(five_year_rx())
    cue, plan_cue = compiled(p["opening_period_cue"]), compiled(p["opening_plan_cue"])
    for t in _opening(doc, p):
        if len(t) >= p["opening_line_max"]:
            continue
        m = rng.search(t)
        if m and cue.search(t):
            return PlanPeriod(int(m["Y1"]), int(m["Y2"]))
        m = plan.search(t)
        if m and plan_cue.search(t):
            start, end = ten_x_five(m["N"])
            return PlanPeriod(start, end)
    return None


def _opening_date(doc: Document, p: dict) -> Optional[str]:
    """The date of an opening line that is nothing but a date ("2021年5月8日")."""
    rx = compiled(p["opening_date"])
    return next((parse_full_date(t) for t in _opening(doc, p) if rx.fullmatch(t)), None)


def _base_year(doc: Document, period: Optional[PlanPeriod], p: dict) -> Optional[int]:
    """The base year a paragraph states ("以2020年为基准年"), else the comparison base named most
    ("比2020年下降"), else one stated outside paragraphs (a heading), else the year before a
    five-year period."""
    text = "\n".join(b.text for b in doc.blocks if b.kind == "paragraph")
    rx = compiled(p["base_year"])
    m = rx.search(text)
    if m:
        return int(m["y1"] or m["y2"])
    counts = Counter(int(x["year"]) for x in compiled(p["comparison_base"]).finditer(text))
    if counts:
        return counts.most_common(1)[0][0]
    m = next((m for b in doc.blocks if b.kind not in ("table", "paragraph") and (m := rx.search(b.text))), None)
    if m:
        return int(m["y1"] or m["y2"])
    if period and period.start is not None and period.end is not None and period.end - period.start == 4:
        return period.start - 1
    return None


def _phases(doc: Document, p: dict) -> list[Phase]:
    phases: list[Phase] = []
    seen = set()
    named, step, cue = compiled(p["phase_named"]), compiled(p["phase_step"]), compiled(p["phase_named_cue"])
    for b in doc.blocks:
        if b.kind != "paragraph":
            continue
        for m in named.finditer(b.text) if cue.search(b.text) else ():
            if m["name"] not in seen:
                seen.add(m["name"])
                phases.append(Phase(m["name"], str(int(m["start"])), str(int(m["end"]))))
        m = step.match(b.text.strip())
        if m and m["name"] not in seen:
            seen.add(m["name"])
            parts = compiled(r"[—－–~～至到]+").split(m["range"])
            start = parse_full_date(parts[0]) if parts else None
            end = parse_full_date(parts[-1]) if len(parts) > 1 else None
            phases.append(Phase(m["name"].strip(), start, end))
    return phases
