"""Text for reports, safe and the same everywhere: document text as inert Markdown or HTML, and
the evidence header (inputs, hashes, planx, pattern library, time) in each report format."""
from __future__ import annotations

import json
from html import escape
from typing import Any

import regex


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


def html_text(x: object) -> str:
    """A value as escaped HTML text."""
    return escape(value_text(x), quote=True)


_MAX = 160  # characters of document text in a Markdown cell
_SPECIAL = regex.compile(r"([\\`*_{}\[\]()<>!|~&])")


def md(text: object, limit: int = _MAX) -> str:
    """Document text as inert Markdown on one line (escaped, shortened)."""
    text = " ".join(value_text(text).split())
    if len(text) > limit:
        text = text[:limit] + "…"
    return _SPECIAL.sub(r"\\\1", text)


def _labels(ev: dict, labels: tuple[str, ...]) -> list[str]:
    inputs = ev.get("inputs", [])
    return list(labels) if len(labels) == len(inputs) else [str(k + 1) for k in range(len(inputs))]


def evidence_lines(ev: dict, labels: tuple[str, ...] = ("old", "new")) -> list[str]:
    """The evidence header as a Markdown list."""
    out = [f"- planx {md(ev.get('planx_version'))}, pattern library sha256 `{ev.get('patterns_sha256')}`",
           f"- generated {md(ev.get('generated_at'))} (UTC)"]
    for label, inp in zip(_labels(ev, labels), ev.get("inputs", [])):
        out.append(f"- {label}: {md(inp.get('title'))}"
                   + (f" ({md(inp.get('version_label'))})" if inp.get("version_label") else "")
                   + f" — {md(inp.get('path') or inp.get('source'), 400)}")
        if inp.get("sha256"):
            out.append(f"  - sha256 `{inp['sha256']}`")
        if inp.get("source_sha256") and inp.get("source_sha256") != inp.get("sha256"):
            out.append(f"  - source {md(inp.get('source'), 400)}, sha256 `{inp['source_sha256']}`")
    return out


def evidence_table(ev: dict, labels: tuple[str, ...] = ("旧 old", "新 new")) -> str:
    """The evidence header as an HTML table."""
    rows = []
    for label, inp in zip(_labels(ev, labels), ev.get("inputs", [])):
        title = html_text(inp.get("title") or inp.get("doc_id"))
        version = f' <span class="chip">{html_text(inp["version_label"])}</span>' if inp.get("version_label") else ""
        lines = [f"<b>{title}</b>{version}", f'<span class="muted">file</span> {html_text(inp.get("path") or "(in memory)")}']
        if inp.get("sha256"):
            lines.append(f'<span class="muted">sha256</span> <code>{html_text(inp["sha256"])}</code>')
        if inp.get("source_sha256") and inp.get("source_sha256") != inp.get("sha256"):
            lines.append(f'<span class="muted">source</span> {html_text(inp.get("source"))} '
                         f'<span class="muted">sha256</span> <code>{html_text(inp["source_sha256"])}</code>')
        rows.append(f'<tr><th scope="row">{escape(label)}</th><td>{"<br>".join(lines)}</td></tr>')
    rows.append(f'<tr><th scope="row">planx</th><td>{html_text(ev.get("planx_version"))} · pattern library sha256 '
                f'<code>{html_text(ev.get("patterns_sha256"))}</code></td></tr>')
    rows.append(f'<tr><th scope="row">generated 生成</th><td>{html_text(ev.get("generated_at"))} (UTC)</td></tr>')
    return f'<table id="evidence" aria-label="evidence">{"".join(rows)}</table>'


