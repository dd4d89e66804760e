"""Readable summaries of findings (for ``planx audit`` and ``planx extract``): the evidence
header, one line per group of identical findings with every place it occurs."""
from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Iterable, Optional

import regex

from ..evidence import evidence, input_evidence, where
from ..records import Finding, Ref, to_json

SEVERITIES = ("error", "warning", "info")
_CONTROL = regex.compile(r"[\p{Cc}\p{Cf}--[\t]]", regex.V1)


def safe(text: str) -> str:
    """Text for a terminal: control and format characters (ESC sequences, bidi overrides) shown
    as escapes, never sent raw."""
    return _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def summary_line(findings: Iterable[Finding]) -> str:
    """"3 findings (1 error, 2 warning)" — or "no findings"."""
    findings = list(findings)
    if not findings:
        return "no findings"
    n = Counter(f.severity for f in findings)
    parts = ", ".join(f"{n[s]} {s}" for s in SEVERITIES if n[s])
    return f"{len(findings)} finding{'s' if len(findings) != 1 else ''} ({parts})"


def grouped(findings: Iterable[Finding]) -> list[dict]:
    """Identical findings (same check, severity and message) as one group with all their refs."""
    groups: dict[tuple, dict] = {}
    for f in findings:
        g = groups.setdefault((f.check, f.severity, f.message), {
            "check": f.check, "severity": f.severity, "message": f.message, "message_en": f.message_en,
            "count": 0, "ids": [], "refs": []})
        g["count"] += 1
        g["ids"].append(f.id)
        g["refs"].extend(f.refs)
    return list(groups.values())


def _places(refs: list[Ref], fmt: Optional[str], limit: int = 6) -> str:
    """"L166, L170" / "p.4 表1 行3" / "000_…:L166" (cross-document refs name their document)."""
    places = []
    for r in refs:
        w = where(r.span, fmt)
        if w:
            places.append(f"{r.doc}:{w}" if r.doc else w)
    places = list(dict.fromkeys(places))
    more = f" +{len(places) - limit}" if len(places) > limit else ""
    return ", ".join(places[:limit]) + more


def finding_lines(findings: Iterable[Finding], english: bool = False, fmt: Optional[str] = None) -> list[str]:
    """One line per group of identical findings: severity, check id, message, ×count, where."""
    out = []
    for g in grouped(findings):
        msg = g["message_en"] if english and g["message_en"] else g["message"]
        times = f" ×{g['count']}" if g["count"] > 1 else ""
        places = _places(g["refs"], fmt)
        out.append(f"  {g['severity']:<7} {g['check']:<28} {msg}{times}" + (f"  [{places}]" if places else ""))
    return out


def evidence_of(results: list, paths: list[Path]) -> dict:
    """The evidence header of an audit: every input's path, hash, title and version."""
    return evidence([input_evidence(p, to_json(r.document)) for r, p in zip(results, paths)])


def header_lines(ev: dict) -> list[str]:
    """The evidence header as text lines."""
    return [f"planx audit — planx {ev['planx_version']}, pattern library sha256 {ev['patterns_sha256'][:16]}…, "
            f"generated {ev['generated_at']} (UTC)"] + [
        f"  input: {i['path']}  sha256 {i['sha256']}" + (f"  ({i['version_label']})" if i.get("version_label") else "")
        for i in ev["inputs"]]
