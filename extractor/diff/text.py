"""Shared wording for the reports: kind/change/direction labels and one-line value text."""
from __future__ import annotations

from typing import Any

from .model import Change

KIND_LABELS = {"indicator": "指标 Indicators", "project": "项目 Projects", "deadline": "时限 Deadlines",
               "responsibility": "责任 Responsibilities", "target": "目标 Targets", "task": "任务 Tasks",
               "section": "章节 Sections"}
DIRECTION_LABELS = {"tightened": "收紧 tightened", "loosened": "放宽 loosened", "quantified": "量化 quantified",
                    "earlier": "提前 earlier", "later": "推迟 later", "raised": "增加 raised", "cut": "削减 cut",
                    "added": "增列 added", "dropped": "删去 dropped", "revised": "修订 revised"}
TREND_LABELS = {"better": "向好 better", "worse": "变差 worse"}


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
    if d.get("trend"):
        parts.append(TREND_LABELS[d["trend"]])
    if d.get("old_year") or d.get("new_year"):
        parts.append(f"基准年 {d.get('old_year') or '—'} → {d.get('new_year') or '—'}")
    return "；".join(parts)


def summary_line(result: Any) -> str:
    """"31 changes (indicator 9, project 8; loosened 3, later 2)" — or "no changes"."""
    s = result.summary()
    if not s["total"]:
        return "no changes"
    kinds = ", ".join(f"{k} {n}" for k, n in s["by_kind"].items())
    dirs = ", ".join(f"{d} {n}" for d, n in s["by_direction"].items())
    return f"{s['total']} change{'s' if s['total'] != 1 else ''} ({kinds}{'; ' + dirs if dirs else ''})"


MATTERS_DIRECTIONS = ("loosened", "dropped", "later", "cut")
MATTERS_REMOVED = ("indicator", "project")


def matters(result: Any) -> list[Change]:
    """What an auditor reads first: loosened, dropped, later and cut changes, and removed
    indicators and projects (a change that follows from another is shown under its cause)."""
    return [c for c in result.changes if c.cause is None and (
        c.direction in MATTERS_DIRECTIONS or (c.change == "removed" and c.kind in MATTERS_REMOVED))]
