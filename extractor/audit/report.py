"""Readable summaries of findings (for ``planx audit`` and ``planx extract``)."""
from __future__ import annotations

from collections import Counter
from typing import Iterable

from ..records import Finding

SEVERITIES = ("error", "warning", "info")


def summary_line(findings: Iterable[Finding]) -> str:
    """"3 findings (1 error, 2 warning)" — or "no findings"."""
    findings = list(findings)
    if not findings:
        return "no findings"
    n = Counter(f.severity for f in findings)
    parts = ", ".join(f"{n[s]} {s}" for s in SEVERITIES if n[s])
    return f"{len(findings)} finding{'s' if len(findings) != 1 else ''} ({parts})"


def _where(f: Finding) -> str:
    """"line 166" or "000_…:line 166" (cross-document refs name their document)."""
    places = []
    for r in f.refs:
        line = (r.get("span") or {}).get("line")
        if line is not None:
            places.append(f"{r['doc']}:{line}" if r.get("doc") else f"line {line}")
    return ", ".join(dict.fromkeys(places[:3]))


def finding_lines(findings: Iterable[Finding], english: bool = False) -> list[str]:
    """One line per finding: severity, check id, where, message."""
    out = []
    for f in findings:
        msg = f.message_en if english and f.message_en else f.message
        where = _where(f)
        out.append(f"  {f.severity:<7} {f.check:<28} {msg}" + (f"  [{where}]" if where else ""))
    return out
