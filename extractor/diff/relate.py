"""Do two documents look like versions of one plan?  A diff of two different plans is still
computed, but its report opens with a warning (see ``[related]`` in ``patterns/diff.toml``)."""
from __future__ import annotations

from typing import Optional

from ..patterns import compiled, load
from .normalise import clean

_KINDS = ("section", "task", "indicator", "project")


def comparable_title(t: Optional[str]) -> str:
    """A title without version labels, years and brackets, for comparing two documents' titles."""
    return compiled(load("diff")["related"]["title_noise"]).sub("", clean(t or ""))


def relatedness(old: dict, new: dict, rows: dict) -> dict:
    """{"related", "reasons", "title_similarity", "record_overlap"} for two planx JSON documents
    and the aligned rows of their diff: unrelated when the regions differ, or when two of these
    hold — different plan type, dissimilar titles, different plan periods, low record overlap."""
    from rapidfuzz import fuzz

    conf = load("diff")["related"]
    od, nd = old.get("document") or {}, new.get("document") or {}
    a, b = comparable_title(od.get("title")), comparable_title(nd.get("title"))
    title_sim = round(fuzz.ratio(a, b) / 100.0, 3) if a and b else None
    matched = sum(1 for k in _KINDS for r in rows.get(k, []) if r.old is not None and r.new is not None)
    sizes = [sum(1 for r in rows.get(k, []) if getattr(r, side) is not None) for side in ("old", "new") for k in _KINDS]
    larger = max(sum(sizes[:len(_KINDS)]), sum(sizes[len(_KINDS):]))
    overlap = round(matched / larger, 3) if larger else None
    reasons = []
    for field, label in (("region", "region"), ("plan_type", "plan type")):
        x, y = clean(od.get(field) or ""), clean(nd.get(field) or "")
        if x and y and x != y:
            reasons.append(f"different {label}: {od.get(field)} / {nd.get(field)}")
    region = bool(reasons) and reasons[0].startswith("different region")
    if title_sim is not None and title_sim < conf["title_similarity"]:
        reasons.append(f"different titles (similarity {title_sim:.2f})")
    pa, pb = _period(od), _period(nd)
    if pa and pb and pa != pb:
        reasons.append(f"different plan periods: {pa[0]}–{pa[1]} / {pb[0]}–{pb[1]}")
    if overlap is not None and overlap < conf["record_overlap"]:
        reasons.append(f"low record overlap ({overlap:.0%} of records aligned)")
    return {"related": not (region or len(reasons) >= 2), "reasons": reasons,
            "title_similarity": title_sim, "record_overlap": overlap}


def _period(doc: dict) -> Optional[tuple]:
    p = doc.get("plan_period")
    return (p.get("start"), p.get("end")) if isinstance(p, dict) and p.get("start") and p.get("end") else None
