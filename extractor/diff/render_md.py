"""The diff as Markdown: summary counts, then one table of changes per record kind."""
from __future__ import annotations

from .engine import REPORT_ORDER
from .model import CHANGES, DiffResult
from .text import DIRECTION_LABELS, KIND_LABELS, detail_text, line_of, value_text

_MAX = 160


def _cell(text: str) -> str:
    text = " ".join(text.split())
    if len(text) > _MAX:
        text = text[:_MAX] + "…"
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def render_md(result: DiffResult) -> str:
    s = result.summary()
    old, new = result.old_doc, result.new_doc
    out = ["# planx diff", "",
           f"- old: {_cell(old.get('title') or '')} (`{_cell(old.get('source') or old.get('doc_id') or '')}`)",
           f"- new: {_cell(new.get('title') or '')} (`{_cell(new.get('source') or new.get('doc_id') or '')}`)",
           f"- changes: **{s['total']}**", ""]
    if s["total"]:
        out += ["| kind | " + " | ".join(CHANGES) + " | directions |",
                "|---|" + "---|" * len(CHANGES) + "---|"]
        for kind in REPORT_ORDER:
            counts = s["by_kind_change"].get(kind)
            if not counts:
                continue
            dirs = "，".join(f"{DIRECTION_LABELS[d]} {n}" for d, n in s["by_kind_direction"].get(kind, {}).items())
            out.append(f"| {KIND_LABELS[kind]} | " + " | ".join(str(counts.get(c, 0)) for c in CHANGES)
                       + f" | {dirs} |")
        out.append("")
    for kind in REPORT_ORDER:
        changes = [c for c in result.changes if c.kind == kind]
        if not changes:
            continue
        out += [f"## {KIND_LABELS[kind]} ({len(changes)})", "",
                "| id | change | record | field | old | new | direction | where |",
                "|---|---|---|---|---|---|---|---|"]
        for c in changes:
            note = detail_text(c)
            direction = DIRECTION_LABELS.get(c.direction, "") + (f" ({note})" if note else "")
            where = " → ".join(x for x in (line_of(c.old_span), line_of(c.new_span)) if x)
            out.append(f"| {c.id} | {c.change} | {_cell(c.key)} | {_cell(c.field or '')} | "
                       f"{_cell(value_text(c.old))} | {_cell(value_text(c.new))} | {_cell(direction)} | {where} |")
        out.append("")
    return "\n".join(out)
