"""The audit as a report file (``planx audit … -o report.md|.html|.json``): the evidence header,
then per document its file and its findings, identical findings grouped with every place (page,
paragraph, table row or line, and a quote), then the findings across documents."""
from __future__ import annotations

import json
from html import escape
from typing import Optional

from ..evidence import quote, where
from ..report_text import evidence_lines, evidence_table, html_text, md
from .report import SEVERITIES

FORMATS = {".json": "json", ".md": "md", ".markdown": "md", ".html": "html", ".htm": "html"}


def _places(refs: list[dict], fmt: Optional[str]) -> list[tuple[str, str]]:
    """(where, quote) of each distinct place of a group's refs."""
    out = []
    for r in refs:
        w = where(r.get("span"), fmt)
        if w:
            out.append((f"{r['doc']}:{w}" if r.get("doc") else w, quote(r.get("span"))))
    return list(dict.fromkeys(out))


def _sections(data: dict) -> list[tuple[str, Optional[str], Optional[str], list[dict]]]:
    """(heading, file, format, groups) per document, then across documents."""
    out = [(f"{d['doc_id']} — {d.get('title') or ''}", d.get("path"), d.get("format"), d["groups"])
           for d in data["documents"]]
    if len(data["documents"]) > 1:
        out.append(("across documents 跨文件", None, None, data["cross_groups"]))
    return out


def render_md(data: dict) -> str:
    out = ["# planx audit", ""] + evidence_lines(data["evidence"], ()) + [""]
    for msg in data.get("failures", []):
        out.append(f"> **could not be read:** {md(msg, 400)}")
    for heading, path, fmt, groups in _sections(data):
        out += ["", f"## {md(heading, 200)}", ""]
        if path:
            out += [f"- file: {md(path, 400)}", ""]
        if not groups:
            out.append("no findings")
            continue
        out += ["| severity | check | finding | × | where |", "|---|---|---|---|---|"]
        for g in sorted(groups, key=lambda g: SEVERITIES.index(g["severity"])):
            places = "; ".join(md(w) + (f" “{md(q, 40)}”" if q else "") for w, q in _places(g["refs"], fmt))
            out.append(f"| {g['severity']} | {g['check']} | {md(g['message'], 400)} | {g['count']} | {places} |")
    return "\n".join(out) + "\n"


_CSS = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","WenQuanYi Zen Hei","Microsoft YaHei",sans-serif;
 margin:0 auto;max-width:1300px;padding:1em 1.5em;color:#1d1d1d;line-height:1.45}
table{border-collapse:collapse;width:100%;margin:.4em 0} th,td{border:1px solid #d8d8d8;padding:.3em .5em;text-align:left;vertical-align:top}
th{background:#f3f3f3} h1{font-size:1.4em} h2{font-size:1.1em;margin-top:1.4em} code{word-break:break-all}
.muted{color:#666} .sev-error{color:#a00;font-weight:600} .sev-warning{color:#a65f00} .sev-info{color:#05a}
.where{display:block;color:#666;font-size:.85em} .banner{background:#fff3cd;border-left:6px solid #e0b400;padding:.5em 1em}
@media print{@page{size:A4 landscape;margin:12mm} body{max-width:none;padding:0;font-size:9.5pt} tr{break-inside:avoid}}
"""


def render_html(data: dict) -> str:
    parts = []
    for msg in data.get("failures", []):
        parts.append(f'<p class="banner" role="alert">could not be read: {escape(msg)}</p>')
    for heading, path, fmt, groups in _sections(data):
        parts.append(f"<h2>{escape(heading)}</h2>")
        if path:
            parts.append(f'<p class="muted">file {escape(path)}</p>')
        if not groups:
            parts.append("<p>no findings</p>")
            continue
        rows = []
        for g in sorted(groups, key=lambda g: SEVERITIES.index(g["severity"])):
            places = "".join(f'<span class="where">{escape(w)}' + (f" <q>{escape(q)}</q>" if q else "") + "</span>"
                             for w, q in _places(g["refs"], fmt))
            rows.append(f'<tr><td class="sev-{escape(g["severity"])}">{escape(g["severity"])}</td>'
                        f'<td><code>{escape(g["check"])}</code></td><td>{html_text(g["message"])}'
                        f'<br><small class="muted">{html_text(g.get("message_en"))}</small></td>'
                        f'<td>{g["count"]}</td><td>{places}</td></tr>')
        parts.append("<table><thead><tr><th>severity</th><th>check</th><th>finding</th><th>×</th><th>where</th>"
                     f"</tr></thead><tbody>{''.join(rows)}</tbody></table>")
    return ("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
            f"<title>planx audit</title><style>{_CSS}</style></head><body><h1>planx audit</h1>"
            f"{evidence_table(data['evidence'], ())}{''.join(parts)}</body></html>\n")


def render(data: dict, fmt: str) -> str:
    """The report in ``fmt`` (json, md or html)."""
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return render_md(data) if fmt == "md" else render_html(data)
