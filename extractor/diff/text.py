"""Shared wording for the reports: kind/change/direction labels and one-line value text."""
from __future__ import annotations

import json
from typing import Any

from .model import Change

KIND_LABELS = {"indicator": "指标 Indicators", "project": "项目 Projects", "deadline": "时限 Deadlines",
               "responsibility": "责任 Responsibilities", "target": "目标 Targets", "task": "任务 Tasks",
               "section": "章节 Sections"}
DIRECTION_LABELS = {"tightened": "收紧 tightened", "loosened": "放宽 loosened", "quantified": "量化 quantified",
                    "earlier": "提前 earlier", "later": "推迟 later", "raised": "增加 raised", "cut": "削减 cut",
                    "added": "增列 added", "dropped": "删去 dropped"}


def value_text(v: Any) -> str:
    """A field value as one line of text ("" for none; lists joined with "、")."""
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    if isinstance(v, list):
        return "、".join(value_text(x) for x in v)
    if isinstance(v, dict):
        return json.dumps(v, ensure_ascii=False)
    return str(v)


def detail_text(c: Change) -> str:
    """Extra facts of a change (money delta, exact dates) as a short note."""
    d = c.detail
    parts = []
    if "delta" in d:
        sign = "+" if d["delta"] > 0 else ""
        parts.append(f"{sign}{d['delta']:g} {d.get('unit', '')}".strip())
        if "pct" in d:
            parts.append(f"{sign}{d['pct']:g}%")
    if d.get("old_date") or d.get("new_date"):
        parts.append(f"{d.get('old_date') or '—'} → {d.get('new_date') or '—'}")
    if d.get("old_year") or d.get("new_year"):
        parts.append(f"基准年 {d.get('old_year') or '—'} → {d.get('new_year') or '—'}")
    return "；".join(parts)


def line_of(span: Any) -> str:
    """"L123" (or "p4 L123") for a span; "" without one."""
    if not isinstance(span, dict) or span.get("line") is None:
        return ""
    page = f"p{span['page']} " if span.get("page") else ""
    return f"{page}L{span['line']}"
