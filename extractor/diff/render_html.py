"""The diff as one self-contained HTML page for auditors.

Summary counts at the top, then a table of changes per record kind with old and new side by
side; prose edits in track-changes style (<del>/<ins>).  Inline CSS and JS only (no server,
no network): checkboxes per kind and a direction menu filter the rows, and a URL hash such as
``#kind=indicator,project&direction=loosened`` presets them.  All document text is escaped.
"""
from __future__ import annotations

from html import escape

from .engine import REPORT_ORDER
from .model import CHANGES, DIRECTIONS, Change, DiffResult
from .text import DIRECTION_LABELS, KIND_LABELS, detail_text, line_of, value_text

_CONTEXT = 60  # characters of unchanged prose kept around an edit

_CSS = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei",sans-serif;margin:1.5em;color:#222}
h1{font-size:1.4em;margin:0 0 .3em} h2{font-size:1.15em;margin:1.4em 0 .4em;border-bottom:2px solid #ddd}
.docs{color:#555;margin:.2em 0} .docs b{color:#222}
table{border-collapse:collapse;width:100%} th,td{border:1px solid #ddd;padding:.3em .5em;vertical-align:top;text-align:left}
th{background:#f4f4f4} table.summary{width:auto} table.summary td.n{text-align:right}
td.old,td.new{width:30%;white-space:pre-wrap;word-break:break-all} td.old{background:#fff8f8} td.new{background:#f6fff6}
del{background:#ffd6d6;color:#a00;text-decoration:line-through} ins{background:#c9f5c9;color:#060;text-decoration:none}
.chip{display:inline-block;border-radius:1em;padding:0 .6em;margin:0 .2em .2em 0;font-size:.85em;background:#eee}
.d-tightened,.d-quantified,.d-raised,.d-earlier,.d-added{background:#dff0d8} .d-loosened,.d-cut,.d-later,.d-dropped{background:#f8d7da}
.c-added{color:#060} .c-removed{color:#a00} .c-moved,.c-renamed{color:#05a}
nav{position:sticky;top:0;background:#fff;padding:.5em 0;border-bottom:1px solid #ddd;z-index:1}
nav label{margin-right:.8em;white-space:nowrap} .where{color:#888;font-size:.8em;display:block}
.gap{color:#999}
"""

_JS = """
(function(){
  var rows=[].slice.call(document.querySelectorAll('tr.chg'));
  var boxes=[].slice.call(document.querySelectorAll('input.f-kind'));
  var dir=document.getElementById('f-direction');
  function apply(){
    var kinds={};boxes.forEach(function(b){if(b.checked)kinds[b.value]=1;});
    var d=dir.value,shown=0;
    rows.forEach(function(r){
      var ok=kinds[r.dataset.kind]&&(!d||r.dataset.direction===d);
      r.hidden=!ok; if(ok)shown++;
    });
    [].slice.call(document.querySelectorAll('section.kind')).forEach(function(s){
      s.hidden=!s.querySelector('tr.chg:not([hidden])');
    });
    document.getElementById('shown-count').textContent=shown;
  }
  function fromHash(){
    var h={};location.hash.replace(/^#/,'').split('&').forEach(function(p){
      var kv=p.split('=');if(kv[0])h[decodeURIComponent(kv[0])]=decodeURIComponent(kv[1]||'');});
    if(h.kind){var ks=h.kind.split(',');boxes.forEach(function(b){b.checked=ks.indexOf(b.value)>=0;});}
    if('direction' in h)dir.value=h.direction;
    apply();
  }
  boxes.forEach(function(b){b.addEventListener('change',apply);});
  dir.addEventListener('change',apply);
  window.addEventListener('hashchange',fromHash);
  window.planxFilter=function(kinds,direction){
    boxes.forEach(function(b){b.checked=kinds.indexOf(b.value)>=0;});dir.value=direction||'';apply();
    return document.getElementById('shown-count').textContent;};
  fromHash();
})();
"""


def _e(x: object) -> str:
    return escape(value_text(x), quote=True)


def _trim(text: str, head: bool, tail: bool) -> str:
    """Escaped unchanged prose, shortened to some context next to the edits."""
    if len(text) > 2 * _CONTEXT + 10:
        if head and tail:
            return escape(text[:_CONTEXT]) + '<span class="gap">…</span>' + escape(text[-_CONTEXT:])
        if tail:  # before the first edit
            return '<span class="gap">…</span>' + escape(text[-_CONTEXT:])
        if head:  # after the last edit
            return escape(text[:_CONTEXT]) + '<span class="gap">…</span>'
    return escape(text)


def _prose(ops: list, side: int) -> str:
    """One side of a prose diff: kept text plus <del> (old side) or <ins> (new side)."""
    out = []
    kept = [op for op in ops if op[0] in (0, side)]
    for k, (op, text) in enumerate(kept):
        if op == 0:
            out.append(_trim(text, head=k > 0, tail=k < len(kept) - 1))
        elif side < 0:
            out.append(f"<del>{escape(text)}</del>")
        else:
            out.append(f"<ins>{escape(text)}</ins>")
    return "".join(out)


def _cells(c: Change) -> tuple[str, str]:
    if c.detail.get("ops"):
        old, new = _prose(c.detail["ops"], -1), _prose(c.detail["ops"], 1)
    elif c.change in ("added", "removed"):
        old, new = _e(c.old), _e(c.new)
    else:
        old = f"<del>{_e(c.old)}</del>" if c.old not in (None, "") else ""
        new = f"<ins>{_e(c.new)}</ins>" if c.new not in (None, "") else ""
    ow, nw = line_of(c.old_span), line_of(c.new_span)
    return (old + (f'<span class="where">{escape(ow)}</span>' if ow and c.change != "added" else ""),
            new + (f'<span class="where">{escape(nw)}</span>' if nw and c.change != "removed" else ""))


def _row(c: Change) -> str:
    old, new = _cells(c)
    note = detail_text(c)
    direction = (f'<span class="chip d-{escape(c.direction)}">{escape(DIRECTION_LABELS[c.direction])}</span>'
                 if c.direction else "") + (f"<br><small>{escape(note)}</small>" if note else "")
    return (f'<tr class="chg" id="{escape(c.id)}" data-kind="{escape(c.kind)}" data-change="{escape(c.change)}" '
            f'data-direction="{escape(c.direction or "")}"><td>{escape(c.id)}</td>'
            f'<td class="c-{escape(c.change)}">{escape(c.change)}</td><td>{_e(c.key)}</td>'
            f'<td>{_e(c.field or "")}</td><td class="old">{old}</td><td class="new">{new}</td>'
            f"<td>{direction}</td></tr>")


def _summary(result: DiffResult) -> str:
    s = result.summary()
    head = "".join(f"<th>{c}</th>" for c in CHANGES)
    body = []
    for kind in REPORT_ORDER:
        counts = s["by_kind_change"].get(kind, {})
        total = sum(counts.values())
        dirs = "".join(f'<span class="chip d-{d}">{escape(DIRECTION_LABELS[d])} {n}</span>'
                       for d, n in s["by_kind_direction"].get(kind, {}).items())
        cells = "".join(f'<td class="n">{counts.get(c, 0) or ""}</td>' for c in CHANGES)
        body.append(f'<tr data-kind="{kind}"><td>{escape(KIND_LABELS[kind])}</td>'
                    f'<td class="n count" data-kind="{kind}">{total}</td>{cells}<td>{dirs}</td></tr>')
    chips = "".join(f'<span class="chip d-{d}" data-direction="{d}">{escape(DIRECTION_LABELS[d])} '
                    f'<b class="dir-count">{n}</b></span>' for d, n in s["by_direction"].items())
    return (f'<section id="summary"><p>变更 Changes: <b id="total-count">{s["total"]}</b></p>'
            f'<table class="summary"><thead><tr><th>kind</th><th>total</th>{head}<th>directions</th></tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table><p>{chips}</p></section>')


def _filters(result: DiffResult) -> str:
    counts = result.summary()["by_kind"]
    boxes = "".join(f'<label><input type="checkbox" class="f-kind" value="{k}" checked> '
                    f'{escape(KIND_LABELS[k])} ({counts.get(k, 0)})</label>' for k in REPORT_ORDER)
    options = '<option value="">all</option>' + "".join(
        f'<option value="{d}">{escape(DIRECTION_LABELS[d])}</option>' for d in DIRECTIONS)
    total = len(result.changes)
    return (f'<nav id="filters">{boxes}<label>direction <select id="f-direction">{options}</select></label>'
            f'<span>shown: <b id="shown-count">{total}</b> / {total}</span></nav>')


def render_html(result: DiffResult) -> str:
    old, new = result.old_doc, result.new_doc
    parts = []
    for kind in REPORT_ORDER:
        changes = [c for c in result.changes if c.kind == kind]
        if not changes:
            continue
        parts.append(f'<section class="kind" id="k-{kind}" data-kind="{kind}"><h2>{escape(KIND_LABELS[kind])} '
                     f'({len(changes)})</h2><table class="changes"><thead><tr><th>id</th><th>change</th>'
                     f'<th>record</th><th>field</th><th>old 旧</th><th>new 新</th><th>direction</th></tr></thead>'
                     f'<tbody>{"".join(_row(c) for c in changes)}</tbody></table></section>')
    if not parts:
        parts.append('<p id="no-changes">No changes 无变更.</p>')
    title = f"planx diff: {value_text(old.get('title') or old.get('doc_id'))} → {value_text(new.get('title') or new.get('doc_id'))}"
    return ("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
            "script-src 'unsafe-inline'\">"
            f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>"
            f"<h1>planx diff</h1><p class=\"docs\">旧 old: <b>{_e(old.get('title'))}</b> {_e(old.get('source'))}</p>"
            f"<p class=\"docs\">新 new: <b>{_e(new.get('title'))}</b> {_e(new.get('source'))}</p>"
            f"{_summary(result)}{_filters(result)}{''.join(parts)}<script>{_JS}</script></body></html>\n")
