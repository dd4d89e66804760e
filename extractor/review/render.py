"""The review page: the document's blocks as HTML with each record's source marked, a side list of
the records (filters by kind and text, counts that follow), each record's fields, and scripts that
jump from a record to its source and from the source to its record.

A record's source is where its span starts: a table row for indicators and projects (the whole
row is marked), the characters of its span for prose records (targets, deadlines, responsible
units).  Overlapping spans are cut into segments, each segment marked with every record that
covers it (the shortest first).  A record whose span lies outside every block is listed as not
located, never dropped.
"""
from __future__ import annotations

import bisect
import json
from dataclasses import dataclass, field
from html import escape
from typing import Any, Optional

from ..evidence import evidence, input_evidence, quote, where
from ..labels import kind_label
from ..model import Block, Cell, Document, Offsets
from ..records import ExtractResult, to_json

# kind → result attribute; the order of the filters (their names: patterns/labels.toml)
KINDS = {"indicator": "indicators", "project": "projects", "target": "targets", "deadline": "deadlines",
         "responsibility": "responsibilities"}
ROW_KINDS = ("indicator", "project")  # records that are a table row


@dataclass
class Rec:
    """One record as the page shows it."""

    id: str
    kind: str
    start: int
    end: int
    label: str
    fields: dict
    span: Optional[dict]
    located: bool = False


@dataclass
class Marks:
    """Which records each part of the document shows: rows (block index, row index) and prose."""

    rows: dict[tuple[int, int], list[Rec]] = field(default_factory=dict)
    prose: list[Rec] = field(default_factory=list)


def _label(kind: str, r: dict) -> str:
    if kind == "indicator":
        return (r.get("name") or "") + (f"（{r['qualifier']}）" if r.get("qualifier") else "") + (
            f" [{r['unit']}]" if r.get("unit") else "")
    if kind == "project":
        return r.get("name") or ""
    if kind == "deadline":
        return f"{r.get('raw') or ''} → {r.get('date') or r.get('kind') or ''}"
    if kind == "responsibility":
        return "、".join(r.get("units") or []) or (r.get("raw") or "")
    return r.get("raw") or ""


def collect(result: ExtractResult) -> list[Rec]:
    """The records to show, in document order."""
    out = []
    for kind, attr in KINDS.items():
        for rec in getattr(result, attr):
            d = to_json(rec)
            span = d.pop("span", None)
            if not isinstance(span, dict) or span.get("start") is None:
                out.append(Rec(d.get("id") or "", kind, -1, -1, _label(kind, d), d, None))
                continue
            out.append(Rec(d["id"], kind, span["start"], max(span["end"], span["start"] + 1), _label(kind, d), d, span))
    out.sort(key=lambda r: (r.start, r.kind))
    return out


def _row_range(row: list[Cell]) -> Optional[tuple[int, int]]:
    offs = [o for c in row if c.offsets for o in (c.offsets[0], c.offsets[-1])]
    return (min(offs), max(offs) + 1) if offs else None


def place(doc: Document, recs: list[Rec]) -> Marks:
    """Assign table-row records to their rows; everything else is marked in the text."""
    marks = Marks()
    rows: list[tuple[int, int, tuple[int, int]]] = []  # (start, end, (block, row))
    for b in doc.blocks:
        if b.kind == "table" and b.table is not None:
            for i, row in enumerate(b.table.rows):
                rng = _row_range(row)
                if rng:
                    rows.append((rng[0], rng[1], (b.index, i)))
    rows.sort()
    starts = [r[0] for r in rows]
    for rec in recs:
        if rec.start < 0:
            continue
        if rec.kind in ROW_KINDS:
            k = bisect.bisect_right(starts, rec.start) - 1
            if k >= 0 and rec.start < rows[k][1]:
                marks.rows.setdefault(rows[k][2], []).append(rec)
                rec.located = True
                continue
        marks.prose.append(rec)
    return marks


def _segments(text: str, offsets: Offsets, recs: list[Rec]) -> str:
    """``text`` as HTML with the characters of each record's span marked."""
    if not text:
        return ""
    cuts = {0, len(text)}
    spans = []
    for r in recs:
        i, j = bisect.bisect_left(offsets, r.start), bisect.bisect_left(offsets, r.end)
        if i < j:
            spans.append((i, j, r))
            cuts.update((i, j))
            r.located = True
    if not spans:
        return escape(text)
    bounds = sorted(cuts)
    out = []
    for a, b in zip(bounds, bounds[1:]):
        cover = sorted((r for i, j, r in spans if i <= a and b <= j), key=lambda r: r.end - r.start)
        piece = escape(text[a:b])
        if cover:
            ids = " ".join(r.id for r in cover)
            out.append(f'<mark class="k-{cover[0].kind}" data-recs="{escape(ids)}">{piece}</mark>')
        else:
            out.append(piece)
    return "".join(out)


@dataclass
class Index:
    """Prose records sorted by start, for overlap look-ups."""

    recs: list[Rec]
    starts: list[int]
    longest: int

    @classmethod
    def of(cls, recs: list[Rec]) -> "Index":
        recs = sorted(recs, key=lambda r: r.start)
        return cls(recs, [r.start for r in recs], max((r.end - r.start for r in recs), default=0))

    def overlapping(self, lo: int, hi: int) -> list[Rec]:
        """The records whose span overlaps [lo, hi)."""
        i, k = bisect.bisect_left(self.starts, lo - self.longest), bisect.bisect_left(self.starts, hi)
        return [r for r in self.recs[i:k] if r.end > lo]


def _heading_levels(result: ExtractResult) -> tuple[list[int], list[int]]:
    spans = sorted(((s.span.start, s.level) for s in result.sections if s.span is not None))
    return [s for s, _ in spans], [lv for _, lv in spans]


def _block_html(b: Block, marks: Marks, prose: Index, levels) -> str:
    if b.kind == "table" and b.table is not None:
        return _table_html(b, marks, prose)
    recs = prose.overlapping(b.start, max(b.end, b.start + 1))
    body = _segments(b.text, b.offsets, recs)
    if b.kind == "heading":
        sec_starts, sec_levels = levels
        k = bisect.bisect_right(sec_starts, max(b.end - 1, b.start)) - 1
        level = sec_levels[k] if k >= 0 and b.start <= sec_starts[k] < max(b.end, b.start + 1) else 3
        tag = f"h{min(6, level + 1)}"
        return f'<{tag} class="hd" data-block="{b.index}">{body}</{tag}>'
    return f'<p data-block="{b.index}">{body}</p>'


def _table_html(b: Block, marks: Marks, prose: Index) -> str:
    rows = []
    for i, row in enumerate(b.table.rows):
        here = marks.rows.get((b.index, i), [])
        attrs = (f' class="rec-row k-{here[0].kind}" data-recs="{escape(" ".join(r.id for r in here))}"'
                 if here else "")
        cells = []
        for c in row:
            if c.merged:
                continue
            span = (f' rowspan="{c.rowspan}"' if c.rowspan > 1 else "") + (f' colspan="{c.colspan}"' if c.colspan > 1 else "")
            inner = _segments(c.text, c.offsets, prose.overlapping(c.offsets[0], c.offsets[-1] + 1)) if c.offsets else ""
            cells.append(f"<td{span}>{inner}</td>")
        rows.append(f"<tr{attrs}>{''.join(cells)}</tr>")
    return f'<div class="tbl"><table data-block="{b.index}">{"".join(rows)}</table></div>'


def _page_mark(doc: Document, b: Block) -> str:
    """A page marker ("— p.5 —") before the first block of each pdf page."""
    if b.page is None or (b.index and doc.blocks[b.index - 1].page == b.page):
        return ""
    return f'<div class="page" id="page-{b.page}" aria-label="page {b.page}">p.{b.page}</div>'


def _fields_html(rec: Rec, fmt: str) -> str:
    items = []
    w = where(rec.span, fmt)
    if w:
        q = quote(rec.span)
        items.append(f"<dt>where 位置</dt><dd>{escape(w)}" + (f" <q>{escape(q)}</q>" if q else "") + "</dd>")
    for k, v in rec.fields.items():
        if v in (None, "", [], {}) or k == "id":
            continue
        text = v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
        items.append(f"<dt>{escape(k)}</dt><dd>{escape(text)}</dd>")
    return f'<dl class="fields" id="fields-{escape(rec.id)}">{"".join(items)}</dl>'


def _list_html(recs: list[Rec], fmt: str) -> str:
    out = []
    for r in recs:
        search = f"{r.id} {r.label} {json.dumps(r.fields, ensure_ascii=False)}".lower()
        missing = "" if r.located else ' <span class="missing">not located 未定位</span>'
        out.append(f'<li class="rec" id="rec-{escape(r.id)}" data-kind="{r.kind}" data-text="{escape(search)}">'
                   f'<button type="button" class="go" data-rec="{escape(r.id)}" aria-expanded="false" '
                   f'aria-controls="fields-{escape(r.id)}"><span class="chip k-{r.kind}">{escape(r.id)}</span> '
                   f'{escape(r.label)}</button>{missing}{_fields_html(r, fmt)}</li>')
    return "".join(out)


CSS = """
:root{--ind:#ffe3a3;--proj:#cfe3ff;--tgt:#c9f0c9;--ddl:#f5d0f0;--resp:#ffd3b8;--line:#d8d8d8;--muted:#666}
*{box-sizing:border-box}
body{margin:0;font-family:"Noto Sans CJK SC","Source Han Sans SC","WenQuanYi Zen Hei","Microsoft YaHei",sans-serif;
 color:#1d1d1d;line-height:1.6}
header{padding:.6em 1.2em;border-bottom:1px solid var(--line)} h1{font-size:1.25em;margin:0}
.muted{color:var(--muted)} header .ev{font-size:.8em;color:var(--muted);word-break:break-all}
.layout{display:grid;grid-template-columns:minmax(0,1fr) 26rem;height:calc(100vh - 5.2em)}
#doc{overflow:auto;padding:1em 2em}
#doc p{margin:.5em 0;text-indent:2em} #doc .hd{margin:1em 0 .4em;font-size:1.05em}
#doc h2.hd{font-size:1.2em} .tbl{overflow-x:auto;margin:.8em 0}
#doc table{border-collapse:collapse;font-size:.9em} #doc td{border:1px solid var(--line);padding:.2em .4em;vertical-align:top}
mark{background:none;border-bottom:2px solid;cursor:pointer;padding:0 1px;border-radius:2px}
mark.k-target{background:var(--tgt);border-color:#2e8b2e} mark.k-deadline{background:var(--ddl);border-color:#a03c96}
mark.k-responsibility{background:var(--resp);border-color:#c05a00}
mark.k-indicator{background:var(--ind)} mark.k-project{background:var(--proj)}
tr.rec-row{cursor:pointer} tr.k-indicator td{background:#fff6dc} tr.k-project td{background:#eaf2ff}
mark.active{outline:3px solid #d00;outline-offset:1px;animation:flash 1.6s}
tr.active td{background:#ffe28a!important;box-shadow:inset 0 3px #d00,inset 0 -3px #d00;animation:flash 1.6s}
@keyframes flash{0%{box-shadow:0 0 0 6px #ff0}100%{box-shadow:none}}
aside{border-left:1px solid var(--line);display:flex;flex-direction:column;min-height:0}
aside .controls{padding:.6em .8em;border-bottom:1px solid var(--line);font-size:.88em}
aside label{white-space:nowrap;margin-right:.5em} aside .n{color:var(--muted)} aside .n::before{content:"("} aside .n::after{content:")"}
#q{width:100%;margin-top:.4em;padding:.25em .4em;font:inherit}
#records{list-style:none;margin:0;padding:0;overflow:auto;flex:1}
#records li{border-bottom:1px solid #eee} #records li.selected{background:#fffbe6}
#records button.go{display:block;width:100%;text-align:left;background:none;border:0;padding:.35em .8em;font:inherit;
 font-size:.88em;cursor:pointer} #records button.go:hover{background:#f4f4f4}
.chip{display:inline-block;border-radius:1em;padding:0 .5em;font-size:.85em;font-family:monospace}
.chip.k-indicator{background:var(--ind)} .chip.k-project{background:var(--proj)} .chip.k-target{background:var(--tgt)}
.chip.k-deadline{background:var(--ddl)} .chip.k-responsibility{background:var(--resp)}
dl.fields{display:none;margin:0;padding:.2em .8em .6em 1.6em;font-size:.8em;grid-template-columns:max-content 1fr;gap:.1em .6em}
li.selected dl.fields{display:grid} dl.fields dt{color:var(--muted)} dl.fields dd{margin:0;word-break:break-all}
.missing{color:#a00;font-size:.8em;margin-left:.8em}
.page{color:var(--muted);font-size:.75em;text-align:center;border-top:1px dashed var(--line);margin:1.2em 0 .4em}
:focus-visible{outline:3px solid #1a73e8;outline-offset:1px}
body.off-indicator tr.k-indicator td,body.off-project tr.k-project td{background:none}
body.off-indicator mark.k-indicator,body.off-project mark.k-project,body.off-target mark.k-target,
body.off-deadline mark.k-deadline,body.off-responsibility mark.k-responsibility{background:none;border-color:transparent}
"""

JS = """
(function(){
  var items=[].slice.call(document.querySelectorAll('#records li.rec'));
  var boxes=[].slice.call(document.querySelectorAll('input.f-kind'));
  var q=document.getElementById('q'),current=null;
  function apply(){
    var kinds={},counts={},shown=0,t=q.value.trim().toLowerCase();
    boxes.forEach(function(b){if(b.checked)kinds[b.value]=1;document.body.classList.toggle('off-'+b.value,!b.checked);});
    items.forEach(function(li){
      var hit=!t||li.dataset.text.indexOf(t)>=0,ok=hit&&kinds[li.dataset.kind];
      li.hidden=!ok;if(hit)counts[li.dataset.kind]=(counts[li.dataset.kind]||0)+1;if(ok)shown++;
    });
    boxes.forEach(function(b){b.parentNode.querySelector('.n').textContent=counts[b.value]||0;});
    document.getElementById('shown').textContent=shown;
  }
  function sources(id){return [].slice.call(document.querySelectorAll('#doc [data-recs~="'+id+'"]'));}
  function select(id,fromText){
    if(current){
      sources(current).forEach(function(e){e.classList.remove('active');});
      var old=document.getElementById('rec-'+current);
      if(old){old.classList.remove('selected');old.querySelector('button').setAttribute('aria-expanded','false');}
    }
    current=id;
    var li=document.getElementById('rec-'+id),src=sources(id);
    src.forEach(function(e){e.classList.remove('active');void e.offsetWidth;e.classList.add('active');});
    if(li){
      li.classList.add('selected');li.querySelector('button').setAttribute('aria-expanded','true');
      if(fromText){li.hidden=false;li.scrollIntoView({block:'nearest'});}
    }
    if(!fromText&&src.length)src[0].scrollIntoView({block:'center'});
    if(history.replaceState)history.replaceState(null,'','#'+id);
  }
  document.getElementById('records').addEventListener('click',function(e){
    var b=e.target.closest('button.go');if(b)select(b.dataset.rec,false);});
  document.getElementById('doc').addEventListener('click',function(e){
    var m=e.target.closest('[data-recs]');if(m)select(m.dataset.recs.split(' ')[0],true);});
  boxes.forEach(function(b){b.addEventListener('change',apply);});
  q.addEventListener('input',apply);
  document.addEventListener('keydown',function(e){
    if(e.key==='/'&&document.activeElement!==q){e.preventDefault();q.focus();}
    if((e.key==='j'||e.key==='k')&&document.activeElement!==q){
      var vis=items.filter(function(li){return !li.hidden;}),at=vis.findIndex(function(li){return li.id==='rec-'+current;});
      var nx=vis[Math.max(0,Math.min(vis.length-1,at+(e.key==='j'?1:-1)))];
      if(nx){select(nx.id.slice(4),false);nx.querySelector('button').focus();nx.scrollIntoView({block:'nearest'});}
    }
  });
  apply();
  if(location.hash.length>1&&document.getElementById('rec-'+location.hash.slice(1)))select(location.hash.slice(1),false);
})();
"""


def render(doc: Document, result: ExtractResult, path: Any = None) -> tuple[str, int, int]:
    """(the whole page, records shown, records not located in the text)."""
    recs = collect(result)
    marks = place(doc, recs)
    prose = Index.of(marks.prose)
    levels = _heading_levels(result)
    body = "".join(_page_mark(doc, b) + _block_html(b, marks, prose, levels) for b in doc.blocks)
    fmt = doc.format
    counts = {k: sum(r.kind == k for r in recs) for k in KINDS}
    boxes = "".join(f'<label><input type="checkbox" class="f-kind" value="{k}" checked> {escape(kind_label(k))} '
                    f'<span class="n">{counts[k]}</span></label>' for k in KINDS)
    lost = sum(not r.located for r in recs)
    info = result.document
    ev = evidence([input_evidence(path or doc.source, to_json(info))])
    inp = ev["inputs"][0]
    title = info.title or info.doc_id
    page = ("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
            "script-src 'unsafe-inline'\">"
            f"<title>planx review: {escape(title)}</title><style>{CSS}</style></head><body>"
            f"<header><h1>planx review · {escape(title)}</h1>"
            f'<div class="ev">{escape(inp["path"] or "")} · sha256 {escape(inp["sha256"] or "")} · planx '
            f'{escape(ev["planx_version"])} · pattern library sha256 {escape(ev["patterns_sha256"])} · '
            f'generated {escape(ev["generated_at"])} (UTC) · <b id="total">{len(recs)}</b> records'
            + (f' · <b class="missing" id="lost">{lost} not located</b>' if lost else "")
            + '</div></header><div class="layout">'
            f'<main id="doc" aria-label="document text">{body}</main>'
            '<aside aria-label="records"><div class="controls">'
            f'{boxes}<br><span>shown 显示 <b id="shown">{len(recs)}</b> / {len(recs)}</span>'
            '<input id="q" type="search" placeholder="filter records 筛选 (/)" aria-label="filter records">'
            f'</div><ul id="records">{_list_html(recs, fmt)}</ul></aside></div>'
            f"<script>{JS}</script></body></html>\n")
    return page, len(recs), lost
