"""Do two documents look like versions of one plan?  A diff of two different plans is still
computed, but its report opens with a warning (see ``[related]`` in ``patterns/diff.toml``)."""
from __future__ import annotations

from typing import Optional, Sequence

from ..patterns import compiled, load
from ..records import DocumentInfo
from .fields import get
from .normalise import clean


def comparable_title(t: Optional[str]) -> str:
    """A title without version labels, years and brackets, for comparing two documents' titles."""
    return compiled(load("diff")["related"]["title_noise"]).sub("", clean(t or ""))


def relatedness(od: DocumentInfo, nd: DocumentInfo, rows: dict, kinds: Sequence[str]) -> dict:
    """{"related", "reasons", "title_similarity", "record_overlap"} for two documents and the
    aligned rows of their diff (``kinds``: those whose overlap counts): unrelated when the regions
    differ, or when two of these hold — different plan type, dissimilar titles, different plan
    periods, low record overlap."""
    from rapidfuzz import fuzz

    conf = load("diff")["related"]
    a, b = comparable_title(od.title), comparable_title(nd.title)
    title_sim = round(fuzz.ratio(a, b) / 100.0, 3) if a and b else None
    matched = sum(1 for k in kinds for r in rows.get(k, []) if r.old is not None and r.new is not None)
    larger = max(sum(1 for k in kinds for r in rows.get(k, []) if getattr(r, side) is not None)
                 for side in ("old", "new"))
    overlap = round(matched / larger, 3) if larger else None
    reasons = []
    for field, label in (("region", "region"), ("plan_type", "plan type")):
        x, y = clean(getattr(od, field) or ""), clean(getattr(nd, field) or "")
        if x and y and x != y:
            reasons.append(f"different {label}: {getattr(od, field)} / {getattr(nd, field)}")
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


def _period(doc: DocumentInfo) -> Optional[tuple]:
    start, end = get(doc.plan_period, "start"), get(doc.plan_period, "end")
    return (start, end) if start and end else None
