"""Counts a plan announces in its own text: "共设置29项考核指标，其中约束性指标17项",
"通过18项重点工程", "总投资概算121.0551亿元".

The phrasing is data (``[declared]`` in ``patterns/checks.toml``): each pattern names the
count key it fills and captures the number as ``n`` (and ``attr``/``status``/``unit`` where
the key depends on them); a group ``at`` marks where the statement's words begin.  :func:`declared_counts` gives the plain dict stored in
``DocumentInfo.declared_counts``; :func:`find_declarations` keeps every statement with
its span for the audit.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from ..language.numbers import parse_number
from ..model import Document, Span
from ..patterns import compiled, load


@dataclass
class Declaration:
    """One announced count: key ("indicators", "indicators.约束性", "projects", "investment")."""

    key: str
    value: float
    raw: str
    span: Optional[Span] = None
    unit: Optional[str] = None  # as written, for investments ("亿元")
    decimals: int = 0  # decimals written, for rounding tolerance


def _conf() -> dict:
    return load("checks")["declared"]


def find_declarations(doc: Document) -> list[Declaration]:
    """Every count announced in the running text, in document order (read once per document)."""
    return list(doc.memo("declarations", lambda: _find_declarations(doc)))


def _find_declarations(doc: Document) -> list[Declaration]:
    conf = _conf()
    num = conf["number"]
    rxs = [(p, compiled(p["rx"].replace("{num}", num))) for p in conf["pattern"]]
    cue = compiled(conf["cue"])
    out: list[Declaration] = []
    for block in doc.blocks:
        if block.kind == "table" or not cue.search(block.text):
            continue
        found: list[tuple[int, Declaration]] = []
        taken: list[tuple[int, int]] = []
        for pat, rx in rxs:
            for m in rx.finditer(block.text):
                i, j = m.span("n")
                if any(a < j and i < b for a, b in taken):
                    continue  # a number already read by an earlier (more specific) pattern
                value = parse_number(m["n"])
                if value is None:
                    continue
                key = _key(pat["key"], m)
                if key is None:
                    continue
                unit = m.groupdict().get("unit")
                if unit:
                    value = value * conf["money_scale"][unit]
                decimals = len(m["n"].partition(".")[2])
                taken.append((i, j))
                s = m.start("at") if m.groupdict().get("at") is not None else m.start()
                found.append((s, Declaration(key, value, block.text[s:m.end()],
                                             doc.span_of(block.mapped, s, m.end()), unit, decimals)))
        out.extend(d for _, d in sorted(found, key=lambda x: x[0]))
    return out


def _key(template: str, m) -> Optional[str]:
    """The count key with the captured attribute/status word in canonical form."""
    groups = {k: v for k, v in m.groupdict().items() if v is not None}
    if "status" in groups:
        groups["status"] = status_class(groups["status"])
        if groups["status"] is None:
            return None
    try:
        return template.format(**groups)
    except KeyError:
        return None


def status_class(status: Optional[str]) -> Optional[str]:
    """已达/可达/未达 for a status word or 达标情况 cell ("已达标", "已达指标" → "已达")."""
    if not status:
        return None
    s = "".join(status.split())
    s = s[:-2] if s.endswith("指标") else s
    return next((canon for canon, rx in _conf()["status_words"].items() if compiled(rx).fullmatch(s)), None)


def declared_counts(doc: Document) -> dict:
    """The first announced value of each count key (investment in 万元)."""
    out: dict = {}
    for d in find_declarations(doc):
        if d.key not in out:
            out[d.key] = int(d.value) if float(d.value).is_integer() else round(d.value, 6)
    return out


def from_counts(counts: dict) -> list[Declaration]:
    """Declarations rebuilt from a stored ``declared_counts`` dict (no spans)."""
    return [Declaration(k, float(v), str(v)) for k, v in counts.items()
            if isinstance(v, (int, float))]
