"""The diff as Markdown: the evidence header, summary counts, "what matters" first, then one
table of changes per record kind.

Document text is neutralised: no character of it can open a link, an image (a tracking
beacon), an HTML tag or a table cell — Markdown punctuation is backslash-escaped."""
from __future__ import annotations

from ..evidence import quote, where
from ..labels import direction_label, kind_label
from ..report_text import evidence_lines, md
from .model import CHANGES, DiffResult
from .text import detail_text, matters, summary_line

def _row(c, fmt_old: str, fmt_new: str) -> str:
    note = detail_text(c)
    direction = (direction_label(c.direction) if c.direction else "") + (f" ({note})" if note else "")
    if c.cause is not None:
        direction += f" ← follows from {c.cause.id}"
    places = []
    for span, fmt in ((c.old_span, fmt_old), (c.new_span, fmt_new)):
        w = where(span, fmt)
        if w:
            q = quote(span)
            places.append(md(w) + (f" “{md(q, 40)}”" if q else ""))
    return (f"| {c.id} | {c.change} | {md(c.key)} | {md(c.field or '')} | {md(c.old)} | {md(c.new)} | "
            f"{direction} | {' → '.join(places)} |")  # planx's own words: nothing to neutralise


def render_md(result: DiffResult) -> str:
    s = result.summary()
    old, new = result.old_doc, result.new_doc
    fo, fn = old.get("format") or "", new.get("format") or ""
    out = ["# planx diff", ""] + evidence_lines(result.evidence) + [""]
    if not result.relation.get("related", True):
        out += [f"> **Warning 警告:** the two documents look unrelated — "
                f"{md('; '.join(result.relation.get('reasons', [])), 400)}", ""]
    out += [f"- changes: **{s['total']}** — {md(summary_line(result), 400)}"]
    if s.get("consequences"):
        out.append(f"- of which {s['consequences']} follow from another change (shown as ← chg-N)")
    if s.get("cosmetic"):
        out.append(f"- {s['cosmetic']} cosmetic differences (unit spelling, character width, footnote "
                   f"markers) not counted")
    out.append("")
    if s["total"]:
        out += ["| kind | " + " | ".join(CHANGES) + " | directions |",
                "|---|" + "---|" * len(CHANGES) + "---|"]
        for kind in result.kinds:
            counts = s["by_kind_change"].get(kind)
            if not counts:
                continue
            dirs = "，".join(f"{direction_label(d)} {n}" for d, n in s["by_kind_direction"].get(kind, {}).items())
            out.append(f"| {kind_label(kind)} | " + " | ".join(str(counts.get(c, 0)) for c in CHANGES)
                       + f" | {dirs} |")
        out.append("")
    header = ["| id | change | record | field | old | new | direction | where |",
              "|---|---|---|---|---|---|---|---|"]
    first = matters(result)
    if first:
        out += [f"## 重点 What matters ({len(first)})", ""] + header
        out += [_row(c, fo, fn) for c in first] + [""]
    for kind in result.kinds:
        changes = [c for c in result.changes if c.kind == kind]
        if not changes:
            continue
        out += [f"## {kind_label(kind)} ({len(changes)})", ""] + header
        out += [_row(c, fo, fn) for c in changes] + [""]
    return "\n".join(out)
