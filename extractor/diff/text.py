"""Shared wording for the reports: notes on a change, the summary line, what matters first
(the display names of kinds, changes and directions are in ``extractor/labels.py``)."""
from __future__ import annotations

from typing import Any

from ..labels import trend_label
from .model import Change
from .registry import comparators


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
        parts.append(trend_label(d["trend"]))
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


def matters(result: Any) -> list[Change]:
    """What an auditor reads first: loosened, dropped, later and cut changes, and removed records
    of the kinds whose removal matters (indicators, projects) — a change that follows from another
    is shown under its cause."""
    removal = {c.kind for c in comparators() if c.removal_matters}
    return [c for c in result.changes if c.cause is None and (
        c.direction in MATTERS_DIRECTIONS or (c.change == "removed" and c.kind in removal))]
