"""The diff as one self-contained HTML page for auditors.

From the top: the evidence header (both inputs' paths and sha256, titles, version labels, planx
version, pattern library, UTC time), a warning when the documents look unrelated, summary badges
(a click filters), the filter bar (kind, change type, direction — each count follows the other
filters), "what matters" (loosened, dropped, later, cut, removed indicators and projects), then a
collapsible table of changes per record kind with old and new side by side, where each change
can be found in the source (page / paragraph / table row / line, with a quote) and prose edits in
track-changes style.  A change that follows from another (a target year moved with its deadline)
sits under its cause.  A print stylesheet gives a clean paginated printout without controls.
Inline CSS and JS only (no server, no network); every control works from the keyboard; a URL
hash such as ``#kind=indicator,project&direction=loosened`` presets the filters.  All document
text is escaped.
"""
from __future__ import annotations

from html import escape

from ..evidence import quote, where
from ..labels import change_label, direction_label, kind_label, kind_name
from ..report_text import evidence_table, value_text
from .model import CHANGES, DIRECTIONS, Change, DiffResult
from .text import detail_text, matters, summary_line

_CONTEXT = 60  # characters of unchanged prose kept around an edit
OPEN_AT_MOST = 25  # a kind with more changes starts collapsed
NO_DIRECTION = "none"

CSS = """
:root{--good:#dff0d8;--bad:#f8d7da;--neutral:#e3e8f0;--line:#d8d8d8;--muted:#666}
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","WenQuanYi Zen Hei","Microsoft YaHei",sans-serif;
 margin:0 auto;max-width:1500px;padding:1em 1.5em;color:#1d1d1d;line-height:1.45}
h1{font-size:1.4em;margin:0 0 .2em} h2{font-size:1.1em;margin:0}
a{color:#0645ad} .muted{color:var(--muted)}
.skip{position:absolute;left:-999px}.skip:focus{left:1em;top:1em;background:#fff;padding:.3em;z-index:9}
:focus-visible{outline:3px solid #1a73e8;outline-offset:2px}
table{border-collapse:collapse;width:100%} th,td{border:1px solid var(--line);padding:.3em .5em;vertical-align:top;text-align:left}
th{background:#f3f3f3;font-weight:600}
#evidence{font-size:.85em;margin:.6em 0} #evidence td,#evidence th{padding:.15em .5em}
#evidence code{font-size:.95em;word-break:break-all}
.banner{background:#fff3cd;border:1px solid #e0b400;border-left:6px solid #e0b400;padding:.6em 1em;margin:.8em 0;border-radius:4px}
.badges{margin:.6em 0;display:flex;flex-wrap:wrap;gap:.3em;align-items:center}
.badge,.chip{display:inline-block;border-radius:1em;padding:.05em .7em;font-size:.88em;background:#eee;border:1px solid transparent}
button.badge{cursor:pointer;font:inherit;font-size:.88em}
button.badge[aria-pressed=true]{border-color:#1d1d1d;box-shadow:0 0 0 1px #1d1d1d}
.d-tightened,.d-quantified,.d-raised,.d-earlier,.d-added{background:var(--good)}
.d-loosened,.d-cut,.d-later,.d-dropped{background:var(--bad)} .d-revised{background:var(--neutral)}
.c-added{color:#060} .c-removed{color:#a00} .c-moved,.c-renamed{color:#05a}
nav#filters{position:sticky;top:0;background:#fff;padding:.4em 0;border-bottom:1px solid var(--line);z-index:2;font-size:.9em}
nav fieldset{display:inline-block;border:1px solid var(--line);border-radius:4px;margin:.15em .3em .15em 0;padding:.1em .5em}
nav legend{font-size:.85em;color:var(--muted);padding:0 .2em} nav label{margin-right:.6em;white-space:nowrap}
nav .n{color:var(--muted)} nav .n::before{content:"("} nav .n::after{content:")"}
nav button{font:inherit;font-size:.9em;margin-left:.3em}
details.kind,details.section{margin:1em 0;border:1px solid var(--line);border-radius:6px}
details.kind>summary,details.section>summary{padding:.45em .7em;background:#f7f7f7;border-radius:6px;cursor:pointer}
details.kind>summary h2,details.section>summary h2{display:inline}
td.old,td.new{width:28%;white-space:pre-wrap;word-break:break-word} td.old{background:#fff8f8} td.new{background:#f6fff6}
del{background:#ffd6d6;color:#a00;text-decoration:line-through} ins{background:#c9f5c9;color:#060;text-decoration:none}
.where{color:var(--muted);font-size:.8em;display:block;margin-top:.2em} .where q{font-style:normal}
.gap{color:#999} td:first-child{white-space:nowrap} tr.consequence td:first-child{padding-left:1.6em} tr.consequence td{background-image:none}
tr.consequence td:nth-child(3)::before{content:"↳ ";color:var(--muted)}
tr.flash td{animation:flash 1.5s} @keyframes flash{from{background:#ffe98a}}
.note{font-size:.85em;color:var(--muted);padding:.3em .7em}
@media print{
 @page{size:A4 landscape;margin:12mm}
 body{max-width:none;padding:0;font-size:9.5pt}
 nav#filters,.skip,button:not(.badge),.noprint{display:none!important}
 button.badge{border:none!important;box-shadow:none!important}
 details.kind,details.section{border:none}
 details.kind::details-content,details.section::details-content{content-visibility:visible;display:block;height:auto}
 details.kind>summary,details.section>summary{list-style:none;background:none;padding:.4em 0 .2em;border-bottom:2px solid #999}
 details.kind>summary::-webkit-details-marker,details.section>summary::-webkit-details-marker{display:none}
 thead{display:table-header-group} tr{break-inside:avoid} h2,summary{break-after:avoid}
 a{color:inherit;text-decoration:none}
 *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
 .printnote{display:block!important}
}
.printnote{display:none;font-size:.85em;color:var(--muted)}
"""

JS = """
(function(){
  var facets=['kind','change','direction'];
  var rows=[].slice.call(document.querySelectorAll('tr.chg'));
  var mrows=[].slice.call(document.querySelectorAll('tr.mrow'));
  var boxes={};facets.forEach(function(f){boxes[f]=[].slice.call(document.querySelectorAll('input.f-'+f));});
  var badges=[].slice.call(document.querySelectorAll('button.badge'));
  var kinds=[].slice.call(document.querySelectorAll('details.kind'));
  function sel(f){var s={};boxes[f].forEach(function(b){if(b.checked)s[b.value]=1;});return s;}
  function apply(){
    var s={},counts={},shown=0,byId={};
    facets.forEach(function(f){s[f]=sel(f);counts[f]={};});
    rows.forEach(function(r){
      var ok={};facets.forEach(function(f){ok[f]=!!s[f][r.dataset[f]];});
      var all=facets.every(function(f){return ok[f];});
      r.hidden=!all;byId[r.id]=all;if(all)shown++;
      facets.forEach(function(f){
        if(facets.every(function(g){return g===f||ok[g];})){var v=r.dataset[f];counts[f][v]=(counts[f][v]||0)+1;}
      });
    });
    facets.forEach(function(f){boxes[f].forEach(function(b){
      b.parentNode.querySelector('.n').textContent=counts[f][b.value]||0;});});
    kinds.forEach(function(d){
      var n=d.querySelectorAll('tr.chg:not([hidden])').length;
      d.hidden=!n;d.querySelector('.kshown').textContent=n;
    });
    var m=0;mrows.forEach(function(r){r.hidden=!byId[r.dataset.ref];if(!r.hidden)m++;});
    var ms=document.getElementById('matters');if(ms){ms.hidden=!m;document.getElementById('matters-count').textContent=m;}
    document.getElementById('shown-count').textContent=shown;
    badges.forEach(function(b){
      var f=b.dataset.facet,v=b.dataset.value,k=Object.keys(s[f]);
      b.setAttribute('aria-pressed',String(k.length===1&&k[0]===v));
    });
    var active=facets.filter(function(f){return boxes[f].some(function(b){return !b.checked;});}).map(function(f){
      return f+': '+Object.keys(s[f]).join(', ');});
    document.getElementById('print-filter').textContent=active.length?'Filtered 筛选: '+active.join('; '):'';
  }
  function only(f,v){
    var k=Object.keys(sel(f)),on=k.length===1&&k[0]===v;
    boxes[f].forEach(function(b){b.checked=on||b.value===v;});
    apply();
    if(!on)kinds.forEach(function(d){if(!d.hidden)d.open=true;});
  }
  function fromHash(){
    var h=location.hash.replace(/^#/,'');
    if(/^chg-\\d+$/.test(h)){reveal(h);return;}
    var p={};h.split('&').forEach(function(x){var kv=x.split('=');if(kv[0])p[decodeURIComponent(kv[0])]=decodeURIComponent(kv[1]||'');});
    facets.forEach(function(f){
      if(!(f in p))return;
      var vs=p[f]?p[f].split(','):null;
      boxes[f].forEach(function(b){b.checked=!vs||vs.indexOf(b.value)>=0;});
    });
    apply();
  }
  function reveal(id){
    var r=document.getElementById(id);if(!r)return;
    var d=r.closest('details');if(d)d.open=true;
    r.scrollIntoView({block:'center'});r.focus({preventScroll:true});
    r.classList.remove('flash');void r.offsetWidth;r.classList.add('flash');
  }
  facets.forEach(function(f){boxes[f].forEach(function(b){b.addEventListener('change',apply);});});
  badges.forEach(function(b){b.addEventListener('click',function(){only(b.dataset.facet,b.dataset.value);});});
  document.getElementById('expand-all').addEventListener('click',function(){kinds.forEach(function(d){d.open=true;});});
  document.getElementById('collapse-all').addEventListener('click',function(){kinds.forEach(function(d){d.open=false;});});
  document.getElementById('reset').addEventListener('click',function(){
    facets.forEach(function(f){boxes[f].forEach(function(b){b.checked=true;});});apply();});
  document.addEventListener('click',function(e){
    var a=e.target.closest&&e.target.closest('a.ref');if(!a)return;
    e.preventDefault();reveal(a.getAttribute('href').slice(1));});
  var wasOpen=[];
  window.addEventListener('beforeprint',function(){wasOpen=kinds.map(function(d){return d.open;});
    kinds.forEach(function(d){d.open=true;});});
  window.addEventListener('afterprint',function(){kinds.forEach(function(d,i){d.open=wasOpen[i];});});
  window.addEventListener('hashchange',fromHash);
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


def _where(span: object, fmt: str) -> str:
    w = where(span, fmt)
    if not w:
        return ""
    q = quote(span)
    return f'<span class="where">{escape(w)}' + (f' <q>{escape(q)}</q>' if q else "") + "</span>"


def _cells(c: Change, fo: str, fn: str) -> tuple[str, str]:
    if c.detail.get("ops"):
        old, new = _prose(c.detail["ops"], -1), _prose(c.detail["ops"], 1)
    elif c.change in ("added", "removed"):
        old, new = _e(c.old), _e(c.new)
    else:
        old = f"<del>{_e(c.old)}</del>" if c.old not in (None, "") else ""
        new = f"<ins>{_e(c.new)}</ins>" if c.new not in (None, "") else ""
    return (old + (_where(c.old_span, fo) if c.change != "added" else ""),
            new + (_where(c.new_span, fn) if c.change != "removed" else ""))


def _direction(c: Change) -> str:
    note = detail_text(c)
    chip = (f'<span class="chip d-{escape(c.direction)}">{escape(direction_label(c.direction))}</span>'
            if c.direction else "")
    cause = (f'<br><small>follows from 起因 <a class="ref" href="#{escape(c.cause.id)}">{escape(c.cause.id)}</a></small>'
             if c.cause is not None else "")
    return chip + (f"<br><small>{escape(note)}</small>" if note else "") + cause


def _row(c: Change, fo: str, fn: str, cls: str = "chg") -> str:
    old, new = _cells(c, fo, fn)
    consequence = " consequence" if c.cause is not None and cls == "chg" else ""
    attrs = (f'class="chg{consequence}" id="{escape(c.id)}" tabindex="-1" data-kind="{escape(c.kind)}" '
             f'data-change="{escape(c.change)}" data-direction="{escape(c.direction or NO_DIRECTION)}"'
             if cls == "chg" else f'class="mrow" data-ref="{escape(c.id)}"')
    ident = escape(c.id) if cls == "chg" else f'<a class="ref" href="#{escape(c.id)}">{escape(c.id)}</a>'
    kind = "" if cls == "chg" else f'{escape(kind_name(c.kind).zh)} · '
    return (f'<tr {attrs}><td>{ident}</td>'
            f'<td class="c-{escape(c.change)}">{escape(c.change)}</td><td>{kind}{_e(c.key)}</td>'
            f'<td>{_e(c.field or "")}</td><td class="old">{old}</td><td class="new">{new}</td>'
            f"<td>{_direction(c)}</td></tr>")


_HEAD = ('<thead><tr><th scope="col">id</th><th scope="col">change</th><th scope="col">record</th>'
         '<th scope="col">field</th><th scope="col">old 旧</th><th scope="col">new 新</th>'
         '<th scope="col">direction</th></tr></thead>')


def _badges(result: DiffResult) -> str:
    s = result.summary()
    out = [f'<span>变更 Changes: <b id="total-count">{s["total"]}</b></span>']
    for kind, n in s["by_kind"].items():
        out.append(f'<button type="button" class="badge" data-facet="kind" data-value="{kind}" aria-pressed="false">'
                   f'{escape(kind_label(kind))} <b>{n}</b></button>')
    for ch, n in s["by_change"].items():
        out.append(f'<button type="button" class="badge c-{ch}" data-facet="change" data-value="{ch}" '
                   f'aria-pressed="false">{escape(change_label(ch))} <b>{n}</b></button>')
    for d, n in s["by_direction"].items():
        out.append(f'<button type="button" class="badge d-{d}" data-facet="direction" data-value="{d}" '
                   f'aria-pressed="false">{escape(direction_label(d))} <b>{n}</b></button>')
    extra = []
    if s.get("consequences"):
        extra.append(f"{s['consequences']} follow from another change")
    if s.get("cosmetic"):
        extra.append(f"{s['cosmetic']} cosmetic differences not counted (unit spelling, width, footnote markers)")
    note = f'<span class="muted">{escape("; ".join(extra))}</span>' if extra else ""
    return f'<div class="badges" id="summary" role="group" aria-label="summary">{"".join(out)}{note}</div>'


def _facet(name: str, legend: str, values: list[tuple[str, str]]) -> str:
    boxes = "".join(f'<label><input type="checkbox" class="f-{name}" value="{escape(v)}" checked> '
                    f'{escape(label)} <span class="n"></span></label>' for v, label in values)
    return f'<fieldset><legend>{escape(legend)}</legend>{boxes}</fieldset>'


def _filters(result: DiffResult) -> str:
    s = result.summary()
    kinds = [(k, kind_label(k)) for k in result.kinds if s["by_kind"].get(k)]
    changes = [(c, change_label(c)) for c in CHANGES if s["by_change"].get(c)]
    dirs = [(d, direction_label(d)) for d in DIRECTIONS if s["by_direction"].get(d)]
    if any(not c.direction for c in result.changes):
        dirs.append((NO_DIRECTION, "— none"))
    total = len(result.changes)
    return (f'<nav id="filters" aria-label="filters">{_facet("kind", "kind 类别", kinds)}'
            f'{_facet("change", "change 变更", changes)}{_facet("direction", "direction 方向", dirs)}'
            f'<span>shown 显示 <b id="shown-count">{total}</b> / {total}</span>'
            '<button type="button" id="expand-all">expand all 展开</button>'
            '<button type="button" id="collapse-all">collapse all 折叠</button>'
            '<button type="button" id="reset">reset 重置</button></nav>')


def _kind_sections(result: DiffResult, fo: str, fn: str) -> str:
    parts = []
    for kind in result.kinds:
        changes = [c for c in result.changes if c.kind == kind]
        if not changes:
            continue
        rows, elsewhere = [], 0
        for c in changes:
            if c.cause is not None:
                elsewhere += 1
                continue
            rows.append(_row(c, fo, fn))
            rows.extend(_row(x, fo, fn) for x in result.consequences(c))
        note = (f'<p class="note">{elsewhere} change(s) shown under the change they follow from</p>'
                if elsewhere else "")
        is_open = " open" if len(changes) <= OPEN_AT_MOST else ""
        parts.append(f'<details class="kind" id="k-{kind}" data-kind="{kind}"{is_open}>'
                     f'<summary><h2>{escape(kind_label(kind))} (<span class="kshown">{len(changes)}</span>'
                     f' / {len(changes)})</h2></summary><table class="changes">{_HEAD}<tbody>{"".join(rows)}'
                     f'</tbody></table>{note}</details>')
    return "".join(parts)


def _matters(result: DiffResult, fo: str, fn: str) -> str:
    first = matters(result)
    if not first:
        return ""
    return (f'<details id="matters" class="section" open><summary><h2>重点 What matters '
            f'(<span id="matters-count">{len(first)}</span>) <small class="muted">loosened, dropped, later, cut; '
            f'removed indicators and projects</small></h2></summary><table>{_HEAD}<tbody>'
            f'{"".join(_row(c, fo, fn, "mrow") for c in first)}</tbody></table></details>')


def _cosmetic(result: DiffResult) -> str:
    """The differences in spelling only, listed (collapsed) so that nothing is hidden."""
    if not result.cosmetic:
        return ""
    rows = "".join(f'<tr><td>{escape(kind_name(c["kind"]).zh)} · {_e(c["key"])}</td><td>{_e(c["field"])}</td>'
                   f'<td>{_e(c["old"])}</td><td>{_e(c["new"])}</td></tr>' for c in result.cosmetic)
    return (f'<details id="cosmetic" class="section"><summary><h2>不计 Cosmetic differences, not counted '
            f'({len(result.cosmetic)}) <small class="muted">unit spelling, character width, footnote markers'
            f'</small></h2></summary><table><thead><tr><th>record</th><th>field</th><th>old 旧</th><th>new 新</th>'
            f'</tr></thead><tbody>{rows}</tbody></table></details>')


def _banner(result: DiffResult) -> str:
    rel = result.relation
    if rel.get("related", True):
        return ""
    return ('<div class="banner" id="unrelated" role="alert"><b>警告 Warning:</b> these two documents look '
            f'unrelated — {escape("; ".join(rel.get("reasons", [])))}. The changes below may compare different '
            'plans.</div>')


def render_html(result: DiffResult) -> str:
    old, new = result.old_doc, result.new_doc
    fo, fn = old.get("format") or "", new.get("format") or ""
    body = _kind_sections(result, fo, fn) or '<p id="no-changes">No changes 无变更.</p>'
    title = f"planx diff: {value_text(old.get('title') or old.get('doc_id'))} → {value_text(new.get('title') or new.get('doc_id'))}"
    return ("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
            "script-src 'unsafe-inline'\">"
            f"<title>{escape(title)}</title><style>{CSS}</style></head><body>"
            '<a class="skip" href="#changes">skip to the changes 跳到变更</a>'
            f"<header><h1>planx diff</h1><p class=\"muted\">{escape(summary_line(result))}</p>"
            f"{evidence_table(result.evidence)}</header>{_banner(result)}{_badges(result)}{_filters(result)}"
            '<p class="printnote" id="print-filter"></p>'
            f'<main id="changes">{_matters(result, fo, fn)}{body}{_cosmetic(result)}</main>'
            f'<script>{JS}</script></body></html>\n')
